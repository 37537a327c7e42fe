"""Who owns a relation: employees from every source made one list, owners matched to them.

CRM exports name an account manager the way the CRM knows them: by user id
(Salesforce ``OwnerId`` 005…, HubSpot owner ids), by display name (HubSpot
"Contact owner", Pipedrive "Owner") or by e-mail address. The employees come
from an employees table, from a CRM's user export, or both. After all sources
are read:

1. **Employees are merged.** An employee from a later source that is someone
   from an earlier source (the same id; else the same e-mail address; else,
   when one of them has no e-mail address, the same name) is folded into that
   record: its id, e-mail address and spelling of the name become aliases of
   the record kept, so a person is never listed twice. Two records of one
   source are never merged with each other.
2. **Owners are matched.** An owner is the employee whose id it is, else whose
   alias, e-mail address or name it equals (ignoring case, accents and extra
   spaces), in that order. Touchpoints' ``employee`` is matched the same way.
3. **Unknown stays unknown.** An owner that matches no employee, or several,
   leaves ``Relation.owner`` empty and keeps the text in
   ``Relation.owner_value``; each distinct value is reported once with the
   number of relations, never once per row.

Nothing here reads files: it works on the model only.
"""

from __future__ import annotations

import unicodedata
from collections import Counter
from dataclasses import dataclass, field

import polars as pl

from relatierapport.errors import Problem
from relatierapport.model import Employee, Portfolio, Relation

#: Distinct unknown owners listed by name when the data holds no employees at all.
SHOWN_VALUES = 5


def person_key(text: str) -> str:
    """A name, alias or e-mail address as compared: no accents, casefolded, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().split())


# -- 1. one list of employees ---------------------------------------------------------------------

def merge_employees(batches: list[list[Employee]]) -> dict[str, Employee]:
    """The employees of all sources (one list per source, in config order) as one list by id."""
    kept: dict[str, Employee] = {}
    source_of: dict[str, int] = {}              # kept id -> index of the source that added it
    by_email: dict[str, str] = {}
    by_name: dict[str, list[str]] = {}
    for index, batch in enumerate(batches):
        for employee in batch:
            target = _same_employee(employee, index, kept, source_of, by_email, by_name)
            if target is None:
                kept[employee.id] = employee
                source_of[employee.id] = index
                target = employee
            elif source_of[target.id] == index:
                continue                          # the same id twice in one source: the first counts
            else:
                _fold(target, employee)
            if employee.email:
                by_email.setdefault(employee.email.strip().casefold(), target.id)
            ids = by_name.setdefault(person_key(employee.name), [])
            if target.id not in ids:
                ids.append(target.id)
    return kept


def _same_employee(employee: Employee, index: int, kept: dict[str, Employee], source_of: dict[str, int],
                   by_email: dict[str, str], by_name: dict[str, list[str]]) -> Employee | None:
    """The kept record this employee is: same id; else same e-mail; else (one of them without
    e-mail) the one earlier employee with the same name."""
    if employee.id in kept:
        return kept[employee.id]
    if employee.email:
        found = by_email.get(employee.email.strip().casefold())
        if found is not None and source_of[found] != index:
            return kept[found]
    candidates = [kept[i] for i in by_name.get(person_key(employee.name), [])
                  if source_of[i] != index and not (employee.email and kept[i].email)]
    return candidates[0] if len(candidates) == 1 else None


def _fold(target: Employee, other: Employee) -> None:
    """Fill the kept record's gaps from ``other``; what names ``other`` becomes an alias."""
    target.email = target.email or other.email
    target.team = target.team or other.team
    names = [other.id, other.email, other.name, *other.aliases]
    own = {person_key(v) for v in (target.id, target.email, target.name, *target.aliases) if v}
    extra = []
    for value in names:
        if value and person_key(value) not in own:
            own.add(person_key(value))
            extra.append(value)
    target.aliases = tuple(target.aliases) + tuple(extra)


#: Headers of an employees table's aliases column (besides ``columns = { aliases = "…" }``).
ALIAS_HEADERS = ("aliases", "aliassen", "alias")


def table_aliases(frame: pl.DataFrame, columns: dict[str, str], employees: list[Employee],
                  source: str) -> list[Problem]:
    """Set the ``aliases`` of employees read from a table (CSV, sheet) with an aliases column:
    values separated by ``|`` (or ``;``), e.g. ``005x0000000fNSiAAM | p.berg@example.org``.

    ``tabular.convert`` reads the model's own fields; this adds the one it does not know,
    matching rows by the id column. Returns a problem when ``columns`` names a missing header.
    """
    by_lower = {h.strip().lower(): h for h in frame.columns}
    header = columns.get("aliases") or next((by_lower[h] for h in ALIAS_HEADERS if h in by_lower), None)
    id_header = columns.get("id") or by_lower.get("id")
    if header is None or id_header not in frame.columns:
        return []
    if header not in frame.columns:
        return [Problem(source, f'expected a header "{header}" (from columns), found headers: '
                        f"{', '.join(frame.columns)}", field="aliases")]
    found: dict[str, str] = {}
    for rid, text in frame.select(id_header, header).iter_rows():
        if rid and text and rid.strip() not in found:
            found[rid.strip()] = text
    for employee in employees:
        text = found.get(employee.id)
        if text:
            parts = (part.strip() for part in text.replace(";", "|").split("|"))
            employee.aliases = tuple(dict.fromkeys(part for part in parts if part))
    return []


# -- 2. owners matched ----------------------------------------------------------------------------

@dataclass
class Match:
    """What an owner value is: one employee, nobody, or several (then ``how`` says by what)."""

    employee: str | None
    candidates: tuple[str, ...] = ()
    how: str = ""


@dataclass
class Directory:
    """Employees by everything an owner value may be: id, alias, e-mail address, name."""

    employees: dict[str, Employee]
    aliases: dict[str, set[str]] = field(default_factory=dict)
    emails: dict[str, set[str]] = field(default_factory=dict)
    names: dict[str, set[str]] = field(default_factory=dict)
    _cache: dict[str, Match] = field(default_factory=dict)

    @classmethod
    def of(cls, employees: dict[str, Employee]) -> "Directory":
        directory = cls(employees)
        for employee in employees.values():
            for alias in (employee.id, *employee.aliases):
                if alias:
                    directory.aliases.setdefault(person_key(alias), set()).add(employee.id)
            if employee.email:
                directory.emails.setdefault(employee.email.strip().casefold(), set()).add(employee.id)
            if employee.name:
                directory.names.setdefault(person_key(employee.name), set()).add(employee.id)
        return directory

    def match(self, value: str) -> Match:
        """The employee ``value`` names: by id, else alias, else e-mail, else name."""
        found = self._cache.get(value)
        if found is None:
            found = self._cache[value] = self._match(value)
        return found

    def _match(self, value: str) -> Match:
        if value in self.employees:
            return Match(value)
        key = person_key(value)
        for how, table, wanted in (("alias", self.aliases, key),
                                   ("e-mail", self.emails, value.strip().casefold()),
                                   ("name", self.names, key)):
            ids = table.get(wanted)
            if ids and len(ids) == 1:
                return Match(next(iter(ids)))
            if ids:
                return Match(None, tuple(sorted(ids)), how)
        return Match(None)


def match_owners(relations: list[Relation], directory: Directory) -> None:
    """Set each relation's owner to an employee id, or keep the text in ``owner_value``.

    Run on every source's relations before they are merged, so that two sources naming the
    same employee differently ("005x…" and "M1") agree.
    """
    for relation in relations:
        if relation.owner is None:
            continue
        found = directory.match(relation.owner)
        if found.employee is None:
            relation.owner_value, relation.owner = relation.owner, None
        elif found.employee != relation.owner:
            relation.owner = found.employee


def match_touchpoint_employees(frame: pl.DataFrame, directory: Directory) -> pl.DataFrame:
    """Touchpoints' ``employee`` as employee ids where the value names one; other values stay."""
    if not frame.height or not directory.employees:
        return frame
    values = frame["employee"].drop_nulls().unique().to_list()
    mapping = {value: found.employee for value in values
               if (found := directory.match(value)).employee not in (None, value)}
    if not mapping:
        return frame
    return frame.with_columns(pl.col("employee").replace(mapping))


# -- 3. unknown owners reported ---------------------------------------------------------------------

def unknown_owners(relations: dict[str, Relation], directory: Directory) -> list[Problem]:
    """One warning per distinct owner that matched nobody (after merging: a relation whose
    other source named a known owner has that owner)."""
    counts: Counter[str] = Counter()
    first: dict[str, Relation] = {}
    files: dict[str, set[str]] = {}
    for relation in relations.values():
        if relation.owner is not None:
            relation.owner_value = None
            continue
        if relation.owner_value is None:
            continue
        counts[relation.owner_value] += 1
        first.setdefault(relation.owner_value, relation)
        files.setdefault(relation.owner_value, set()).add(_file(relation.origin))
    if not counts:
        return []
    if not directory.employees:
        return [_no_employees(counts, first)]
    problems = []
    for value, count in counts.items():
        relation = first[value]
        file = _file(relation.origin)
        others = len(files[value]) - 1
        also = f"; also in {others} other file{'s' if others > 1 else ''}" if others else ""
        owned = (f"{count} relations are owned by {value!r} (first: {_place(relation.origin)}{also})"
                 if count > 1 else f"1 relation is owned by {value!r} ({_place(relation.origin)})")
        found = directory.match(value)
        if found.candidates:
            shown = ", ".join(found.candidates[:5])
            message = (f"{owned}, which is the {found.how} of {len(found.candidates)} employees "
                       f"({shown}); add it to the aliases of the one it means")
        else:
            message = (f"{owned}, which is no employee (no id, name, e-mail or alias matches); "
                       f"add it to an employee's aliases")
        problems.append(Problem(file, message, field="owner"))
    return problems


def _no_employees(counts: Counter, first: dict[str, Relation]) -> Problem:
    """No source holds employees: one warning naming the owners, not one per owner."""
    total = sum(counts.values())
    shown = ", ".join(f"{value!r} ({count})" for value, count in counts.most_common(SHOWN_VALUES))
    more = f" and {len(counts) - SHOWN_VALUES} more" if len(counts) > SHOWN_VALUES else ""
    file = _file(first[counts.most_common(1)[0][0]].origin)
    return Problem(file, f"{total} relations name an owner, but no source holds employees: {shown}"
                   f"{more}; add an employees table (or the CRM's user export) with these names, "
                   "e-mail addresses or ids (as aliases)", field="owner")


def _file(origin: str) -> str:
    return origin.rpartition(":")[0] or origin


def _place(origin: str) -> str:
    """Where in its file a record is, for "(first: line 2)"; a sheet's "Relaties!12" as is."""
    place = origin.rpartition(":")[2]
    return f"line {place}" if place.isdigit() else place


def resolve(portfolio: Portfolio, batches: list[list[Relation]]) -> Directory:
    """Match the owners of every source's relations to ``portfolio.employees`` (before merging)."""
    directory = Directory.of(portfolio.employees)
    for relations in batches:
        match_owners(relations, directory)
    return directory
