"""Step 2 of reading a CRM export: headers are recognised, rows read through them.

Headers are matched, ignoring case and spacing, against the labels a CRM
writes (English and Dutch where known, and API names). The match, a
``Layout``, says which objects the file holds and which column holds which
(entity, key); ``columns`` in config.toml adds or overrides one. A ``Row``
reads one record's cells through it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Callable, Iterable

from relatierapport.builtin.sources.crm.files import Sheet
from relatierapport.errors import Problem


def norm(header: str) -> str:
    """A header as compared: NFKC, no BOM or zero-width marks, no required-field star, casefolded."""
    text = unicodedata.normalize("NFKC", header or "")
    text = re.sub(r"[\ufeff\u200b\u200e\u200f]", "", text).strip().rstrip("*").strip()
    return re.sub(r"\s+", " ", text).casefold()


def alias_table(entities: dict[str, dict[str, Iterable[str]]]) -> dict[str, list[tuple[str, str, int]]]:
    """normalised header -> [(entity, key, priority)] from {entity: {key: (aliases, best first)}}."""
    table: dict[str, list[tuple[str, str, int]]] = {}
    for entity, keys in entities.items():
        for key, aliases in keys.items():
            for priority, alias in enumerate(aliases):
                table.setdefault(norm(alias), []).append((entity, key, priority))
    return table


KVK_HEADER = re.compile(r"\bkvk\b|kvk[-_ ]?n|kamer van koophandel|chamber of commerce|\bcoc[-_ ]?n")


@dataclass
class Layout:
    """Which objects a file holds and which columns hold which (entity, key)."""

    kind: str                                            # e.g. "contacts", "deals", "import sheet"
    headers: list[str]
    columns: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    score: int = 0                                       # how surely this CRM wrote the file

    def has(self, entity: str, key: str | None = None) -> bool:
        if key is None:
            return any(e == entity for e, _ in self.columns)
        return (entity, key) in self.columns

    def recognised(self) -> int:
        return len({i for indices in self.columns.values() for i in indices})


def match(headers: list[str], resolve: Callable[[str], list[tuple[str, str, int]]]) -> dict:
    """(entity, key) -> header indices, the best alias first, then in file order."""
    found: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for index, header in enumerate(headers):
        for entity, key, priority in resolve(norm(header)):
            found.setdefault((entity, key), []).append((priority, index))
    return {ek: [index for _, index in sorted(pairs)] for ek, pairs in found.items()}


def apply_columns(layout: Layout, columns: dict[str, str], default_entity: str,
                  allowed: dict[str, Iterable[str]], display: str, index: int) -> list[Problem]:
    """Add the user's ``columns = { field = "header" }`` (or ``entity.field``) to the layout."""
    problems = []
    by_norm = {norm(h): i for i, h in reversed(list(enumerate(layout.headers)))}
    for name, header in columns.items():
        entity, _, key = name.rpartition(".")
        entity = entity or default_entity
        if entity not in allowed or key not in allowed[entity]:
            known = ", ".join(f"{e}.{k}" for e, keys in allowed.items() for k in keys)
            problems.append(Problem("config.toml", f"expected a field this export can fill "
                                    f"({known}), found {name!r}", field=f"[[sources]] #{index} columns"))
            continue
        position = layout.headers.index(header) if header in layout.headers else by_norm.get(norm(header))
        if position is None:
            problems.append(Problem(display, f'expected a header "{header}" (from columns), found '
                                    f"headers: {', '.join(layout.headers[:40])}", field=name))
            continue
        current = [i for i in layout.columns.get((entity, key), []) if i != position]
        layout.columns[(entity, key)] = [position, *current]
    return problems


# -- rows ---------------------------------------------------------------------------------------

class Row:
    """One record of a sheet, read through a layout."""

    __slots__ = ("cells", "layout", "sheet", "line")

    def __init__(self, cells: list[str | None], layout: Layout, sheet: Sheet, line: int):
        self.cells, self.layout, self.sheet, self.line = cells, layout, sheet, line

    def get(self, entity: str, key: str) -> str | None:
        """The first non-empty value among the columns for (entity, key), stripped."""
        cells = self.cells
        for index in self.layout.columns.get((entity, key), ()):
            value = cells[index] if index < len(cells) else None   # rows end at their last cell
            if value:
                value = clean(value)
                if value:
                    return value
        return None

    def cell(self, entity: str, key: str) -> tuple[str, str] | None:
        """Like ``get``, with the header of the column the value came from: (value, header)."""
        cells = self.cells
        for index in self.layout.columns.get((entity, key), ()):
            value = cells[index] if index < len(cells) else None
            if value and (value := clean(value)):
                return value, self.layout.headers[index]
        return None

    def date(self, entity: str, key: str) -> str | None:
        """A date cell; Excel serial numbers (45631) from workbooks become yyyy-mm-dd."""
        return self.as_date(self.get(entity, key))

    def as_date(self, value: str | None) -> str | None:
        """Excel serial numbers (45631) from workbooks as yyyy-mm-dd; other text unchanged."""
        if value and self.sheet.excel and re.fullmatch(r"[1-9]\d{4}(?:[.,]\d+)?", value):
            days = int(re.split(r"[.,]", value)[0])
            return (dt.date(1899, 12, 30) + dt.timedelta(days=days)).isoformat()
        return value

    def has(self, entity: str) -> bool:
        """Whether any column of this entity holds something in this row."""
        return any(self.get(e, k) for e, k in self.layout.columns if e == entity)

    @property
    def origin(self) -> str:
        return f"{self.sheet.display}:{self.line}"


_PADDING = "\u3000\u00a0\u200b\ufeff"


def clean(value: str) -> str:
    """Strip spaces, including the ideographic and no-break ones some exports pad with."""
    value = value.strip()
    if value and (value[0] in _PADDING or value[-1] in _PADDING):
        value = value.strip(_PADDING + " \t\r\n")
    return value
