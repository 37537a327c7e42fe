"""Step 3 and 4 of reading a CRM export: records gathered, then converted.

While a profile interprets rows, a ``Collector`` gathers relations, business,
touchpoints, events and employees (from a CRM's user export): it prefixes ids
with the CRM (``hs:123``), links a person to an organisation named in the same
file (or leaves the name for linking across sources), keeps ids unique, and
keeps owners as the export wrote them (they are matched to employees after all
sources are read: sources/owners.py). ``finish`` sends the gathered text
through ``tabular.convert``, which parses dates, amounts and codes
column-wise and reports every bad cell as ``file:line: field: expected …``;
the export's own summary of contact (last activity, number of contacts) is
parsed here and set on the relations with its column in the provenance.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Callable

import polars as pl

from relatierapport.builtin.sources.crm.files import Sheet
from relatierapport.builtin.sources.crm.layout import Row
from relatierapport.errors import Problem
from relatierapport.model import Employee, Relation, SourceData
from relatierapport.sources.date_patterns import shown
from relatierapport.sources.identity import normalised_name
from relatierapport.sources.tabular import MAX_PROBLEMS_PER_SOURCE, TIME_SUFFIX, Grid, convert


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
        self.rows_read = 0                              # rows of all sheets, against max_rows

    # files
    def start(self, sheet: Sheet) -> None:
        self.sheets[sheet.display] = sheet
        self._display, self._names, self._pending = sheet.display, {}, []

    def end(self) -> None:
        """Resolve organisation names met in this file: events' first (an organisation they name
        that the file does not hold is added), then persons' (see ``link_by_name``)."""
        if self._pending:
            for rid, values in self.relations.items():
                if (values["__display"] == self._display and values.get("kind") == "organisation"
                        and values.get("name")):
                    self._names.setdefault(_name_key(values["name"]), rid)
        for pending in sorted(self._pending, key=lambda p: p.field == "organisation"):
            key = _name_key(pending.name)
            target_id = self._names.get(key)
            if target_id is None and pending.otherwise is not None:
                pending.otherwise()
                continue
            if target_id is None and pending.field == "organisation":
                # a person's organisation: linked by name across all sources after merging, or
                # reported (sources/organisations.py); never made up from the name alone
                pending.target["__organisation_name"] = (pending.name, pending.row_origin)
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

        When no organisation in the file has that name: ``otherwise`` is called if given;
        a person's ``organisation`` keeps the name for linking across all sources; an event's
        ``relation`` gets an organisation added with just the name (the CRM holds it).
        """
        self._pending.append(_Pending(target, field_name, name, (row.sheet.display, row.line), otherwise))

    def event(self, table: str, row: Row, values: dict) -> dict:
        values = {k: v for k, v in values.items() if v not in (None, "")}
        values["__display"], values["__line"] = row.sheet.display, row.line
        self.events[table].append(values)
        return values

    def owner(self, row: Row, value: str | None) -> str | None:
        """An owner as the export wrote it (an id, a name or an e-mail address): matched to an
        employee after all sources are read, never made into one here."""
        return value or None

    def employee(self, row: Row, eid: str, name: str, email: str | None = None,
                 team: str | None = None, aliases: tuple[str, ...] = ()) -> None:
        """An employee from a CRM's user export; ``aliases``: the other ids and names owners
        may be given by (the CRM's user id, login name)."""
        own = {eid.casefold(), name.casefold(), (email or "").casefold()}
        aliases = tuple(dict.fromkeys(a for a in aliases if a and a.casefold() not in own))
        self.employees[eid] = {"id": eid, "name": name, "email": email, "team": team,
                               "aliases": aliases, "origin": row.origin}

    def summary(self, row: Row, values: dict, entity: str, dates: tuple[str, ...] = (),
                count: str | None = None) -> None:
        """The export's own summary of contact for a relation: the latest of the ``dates``
        columns (last activity, last contacted) and the ``count`` column (times contacted)."""
        found = [(row.as_date(cell[0]), cell[1]) for key in dates if (cell := row.cell(entity, key))]
        number = row.cell(entity, count) if count else None
        if found or number:
            values["__summary"] = (found, number, row.origin)

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
            data.employees.extend(Employee(**{k: v for k, v in e.items() if v not in (None, ())})
                                  for e in self.employees.values())
        for display, tables in by_display.items():
            sheet = self.sheets.get(display)
            decimal = sheet.decimal if sheet else "."
            for name, rows in tables.items():
                result = convert(_grid(display, name, rows, decimal, date_formats), name)
                if name == "relations":
                    self._kept_apart(result.relations, date_formats, data.warnings)
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

    def _kept_apart(self, relations: list[Relation], date_formats: tuple[str, ...],
                    warnings: list[Problem]) -> None:
        """Set what ``convert`` does not read: a person's organisation by name, and the export's
        summary of contact (dates parsed with the source's formats; a bad one is a warning and
        the summary stays unknown)."""
        for relation in relations:
            values = self.relations.get(relation.id)
            if values is None:
                continue
            named = values.get("__organisation_name")
            if named and not relation.organisation:
                relation.organisation_name = named[0]
                if named[1] != (values["__display"], values["__line"]):
                    relation.provenance["organisation_name"] = f"{named[1][0]}:{named[1][1]}"
            if "__summary" in values:
                _set_summary(relation, *values["__summary"], date_formats, warnings)


def _set_summary(relation: Relation, dates: list[tuple[str, str]], number: tuple[str, str] | None,
                 origin: str, date_formats: tuple[str, ...], warnings: list[Problem]) -> None:
    display, _, line = origin.rpartition(":")
    latest: tuple[dt.date, str] | None = None
    for text, header in dates:
        parsed = parse_date(text, date_formats)
        if parsed is None:
            expected = " or ".join(shown(fmt) for fmt in date_formats)
            warnings.append(Problem(display, f"expected a date as {expected}, found {text!r}; the "
                                    "export's summary of contact leaves it out", line, header))
        elif latest is None or parsed > latest[0]:
            latest = (parsed, header)
    if latest is not None:
        relation.summary_last_contact = latest[0]
        relation.provenance["summary_last_contact"] = f"{origin} (export summary: {latest[1]})"
    if number is not None:
        text, header = number
        count = parse_count(text)
        if count is None:
            warnings.append(Problem(display, f"expected a whole number of contacts, found {text!r}; "
                                    "the export's summary of contact leaves it out", line, header))
        else:
            relation.summary_contacts = count
            relation.provenance["summary_contacts"] = f"{origin} (export summary: {header})"


def parse_date(text: str, formats: tuple[str, ...]) -> dt.date | None:
    """A date as ``tabular.convert`` reads one: the first format that fits the whole text (a time
    after the date ignored unless the format has one), four-digit years, 1900-2100."""
    date_only = re.sub(TIME_SUFFIX, "", text)
    for fmt in formats:
        source = text if re.search(r"%[HIMSpTR]", fmt) else date_only
        if "%Y" in fmt:
            pattern = re.escape(fmt).replace("%Y", r"\d{4}")
            if not re.fullmatch(re.sub(r"%[a-zA-Z]", r"\\d{1,2}", pattern.replace(r"\%", "%")), source):
                continue
        try:
            value = dt.datetime.strptime(source, fmt).date()
        except ValueError:
            continue
        return value if 1900 <= value.year <= 2100 else None
    return None


def parse_count(text: str) -> int | None:
    """A number of contacts: "12", "12.0" (as some exports write whole numbers), "1.234"."""
    cleaned = text.replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+", cleaned):
        cleaned = re.sub(r"[.,]", "", cleaned)
    found = re.fullmatch(r"(\d+)(?:[.,]0+)?", cleaned)
    return int(found.group(1)) if found else None


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
