"""Step 3 and 4 of reading a CRM export: records gathered, then converted.

While a profile interprets rows, a ``Collector`` gathers relations, business,
touchpoints, events and employees: it prefixes ids with the CRM (``hs:123``),
links a person to an organisation named in the same file, keeps ids unique
and turns owner names into employees. ``finish`` sends the gathered text
through ``tabular.convert``, which parses dates, amounts and codes
column-wise and reports every bad cell as ``file:line: field: expected …``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import polars as pl

from relatierapport.builtin.sources.crm.files import Sheet
from relatierapport.builtin.sources.crm.layout import Row
from relatierapport.builtin.sources.crm.values import looks_like_id
from relatierapport.errors import Problem
from relatierapport.model import Employee, SourceData
from relatierapport.sources.identity import normalised_name
from relatierapport.sources.tabular import MAX_PROBLEMS_PER_SOURCE, Grid, convert


#: Relation fields no CRM column fills by itself, for ``columns = { category = "ABC" }``.
USER_FIELDS = ("category", "phase", "role", "tags")
RELATION_FIELDS = ("id", "name", "kind", "role", "owner", "organisation", "category", "phase",
                   "since", "email", "phone", "city", "tags")
EVENT_FIELDS = {
    "business": ("relation", "date", "amount", "hours", "kind", "status"),
    "touchpoints": ("relation", "date", "employee", "channel", "direction", "kind", "signals", "notes"),
    "events": ("relation", "date", "kind", "notes"),
}


@dataclass
class _Pending:
    target: dict
    field: str
    name: str
    row_origin: tuple[str, int]
    otherwise: Callable[[], None] | None = None


class Collector:
    """Gathers one source's records while rows are interpreted; ``finish`` converts them."""

    def __init__(self, spec, prefix: str, data: SourceData):
        self.spec, self.prefix, self.data = spec, prefix, data
        self.org_word: tuple[str, ...] = ("org",)     # id part of organisations known by name only
        self.relations: dict[str, dict] = {}
        self.events: dict[str, list[dict]] = {name: [] for name in EVENT_FIELDS}
        self.employees: dict[str, dict] = {}
        self.skipped: dict[tuple[str, str], list[int]] = {}
        self._display = ""
        self._names: dict[str, str] = {}
        self._pending: list[_Pending] = []
        self.sheets: dict[str, Sheet] = {}

    # files
    def start(self, sheet: Sheet) -> None:
        self.sheets[sheet.display] = sheet
        self._display, self._names, self._pending = sheet.display, {}, []

    def end(self) -> None:
        """Resolve organisation names met in this file; unknown ones become organisations."""
        if self._pending:
            for rid, values in self.relations.items():
                if (values["__display"] == self._display and values.get("kind") == "organisation"
                        and values.get("name")):
                    self._names.setdefault(_name_key(values["name"]), rid)
        for pending in self._pending:
            key = _name_key(pending.name)
            target_id = self._names.get(key)
            if target_id is None and pending.otherwise is not None:
                pending.otherwise()
                continue
            if target_id is None:
                target_id = self.id(*self.org_word, pending.name)
                display, line = pending.row_origin
                self._add({"id": target_id, "name": pending.name, "kind": "organisation",
                           "__display": display, "__line": line}, unique=False)
                self._names[key] = target_id
            if pending.target.get("id") != target_id:
                pending.target[pending.field] = target_id
        self._pending = []

    # ids
    def id(self, *parts: str) -> str:
        """A source-unique id: the CRM prefix and the parts, e.g. ``pd:org:Acme BV``."""
        return self.prefix + ":".join(parts)

    # records
    def relation(self, row: Row, values: dict, unique: bool = True, entity: str | None = None) -> str:
        """Add a relation (model fields and extras as text); returns its id.

        ``unique``: the row's own record, whose id must not repeat; linked records
        (an organisation on every deal row) are merged instead. ``entity`` picks up
        the fields a user mapped with ``columns`` (category, phase, role, tags).
        """
        if entity is not None:
            for key in USER_FIELDS:
                value = row.get(entity, key)
                if value:
                    values[key] = value
        values = {k: v for k, v in values.items() if v not in (None, "", (), [])}
        values["__display"], values["__line"] = row.sheet.display, row.line
        return self._add(values, unique)

    def _add(self, values: dict, unique: bool) -> str:
        rid = values["id"]
        existing = self.relations.get(rid)
        if existing is None:
            self.relations[rid] = values
        elif unique and existing.get("__own"):
            self.data.errors.append(Problem(values["__display"], f"expected a unique id, found "
                                            f"{values.get('source_id', rid)!r} again (first at "
                                            f"{existing['__display']}:{existing['__line']})",
                                            str(values["__line"]), "id"))
            return rid
        elif unique:     # the record itself: its values win, what linked rows said fills gaps
            merged = {k: v for k, v in existing.items() if not k.startswith("__")}
            merged.update(values)
            existing.clear()
            existing.update(merged)
        else:
            for key, value in values.items():
                if key not in existing and not key.startswith("__"):
                    existing[key] = value
        if unique:
            self.relations[rid]["__own"] = True
        return rid

    def link_by_name(self, row: Row, target: dict, field_name: str, name: str,
                     otherwise: Callable[[], None] | None = None) -> None:
        """Set ``target[field_name]`` to the id of the organisation called ``name`` in this file.

        When no organisation in the file has that name, one is added with just the name,
        or ``otherwise`` is called instead.
        """
        self._pending.append(_Pending(target, field_name, name, (row.sheet.display, row.line), otherwise))

    def event(self, table: str, row: Row, values: dict) -> dict:
        values = {k: v for k, v in values.items() if v not in (None, "")}
        values["__display"], values["__line"] = row.sheet.display, row.line
        self.events[table].append(values)
        return values

    def owner(self, row: Row, value: str | None, is_id: bool = False) -> str | None:
        """An owner as given; a name (or e-mail) also becomes an employee with that id."""
        if not value:
            return None
        if not is_id and not looks_like_id(value) and value not in self.employees:
            self.employees[value] = {"id": value, "name": value,
                                     "email": value if "@" in value else None, "origin": row.origin}
        return value

    def employee(self, row: Row, eid: str, name: str, email: str | None = None,
                 team: str | None = None) -> None:
        self.employees[eid] = {"id": eid, "name": name, "email": email, "team": team,
                               "origin": row.origin}

    def skip(self, row: Row, reason: str) -> None:
        """A row left out (a warning, summarised per reason and file)."""
        self.skipped.setdefault((row.sheet.display, reason), []).append(row.line)

    # the end
    def finish(self, date_formats: tuple[str, ...]) -> SourceData:
        data = self.data
        for (display, reason), lines in self.skipped.items():
            more = f" (and {len(lines) - 1} more rows, the next on line {lines[1]})" if len(lines) > 1 else ""
            data.warnings.append(Problem(display, f"{reason}: left out{more}", str(lines[0])))
        table = self.spec.table
        by_display: dict[str, dict[str, list[dict]]] = {}
        if table in (None, "relations"):
            for values in self.relations.values():
                by_display.setdefault(values["__display"], {}).setdefault("relations", []).append(values)
        for name, rows in self.events.items():
            if table in (None, name):
                for values in rows:
                    by_display.setdefault(values["__display"], {}).setdefault(name, []).append(values)
        if table in (None, "employees"):
            data.employees.extend(Employee(**{k: v for k, v in e.items() if v is not None})
                                  for e in self.employees.values())
        for display, tables in by_display.items():
            sheet = self.sheets.get(display)
            decimal = sheet.decimal if sheet else "."
            for name, rows in tables.items():
                result = convert(_grid(display, name, rows, decimal, date_formats), name)
                data.relations += result.relations
                data.errors += result.errors
                data.warnings += result.warnings
                for tname, frame in result.tables.items():
                    if tname in data.tables:
                        data.tables[tname] = pl.concat([data.tables[tname], frame])
                    else:
                        data.tables[tname] = frame
        if len(data.errors) > MAX_PROBLEMS_PER_SOURCE:
            extra = len(data.errors) - MAX_PROBLEMS_PER_SOURCE
            data.errors[MAX_PROBLEMS_PER_SOURCE:] = [Problem(self.spec.display, f"… and {extra} more "
                                                             "problems (fix the ones above first)")]
        return data


def _name_key(name: str) -> str:
    return normalised_name(name) or " ".join(name.casefold().split())


def _grid(display: str, table: str, rows: list[dict], decimal: str, date_formats) -> Grid:
    model = RELATION_FIELDS if table == "relations" else EVENT_FIELDS[table]
    keys = [k for k in model if any(k in r for r in rows)]
    extras = sorted({k for r in rows for k in r if k not in model and not k.startswith("__")})
    columns = {}
    for key in (*keys, *extras):
        values = []
        for r in rows:
            value = r.get(key)
            if isinstance(value, (list, tuple)):
                value = "|".join(value)
            values.append(value)
        columns[key] = pl.Series(key, values, dtype=pl.String)
    frame = pl.DataFrame(columns) if columns else pl.DataFrame()
    lines = [r["__line"] for r in rows]
    return Grid(frame, display, lambda indices: {i: lines[i] for i in indices},
                decimal=decimal, date_formats=date_formats)
