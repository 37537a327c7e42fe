"""The model every source fills and every analysis reads: plain typed data.

Relations, employees and goals are few, so they are typed records. Touchpoints,
business, surveys and events run to millions of rows and every lens aggregates
them, so they are polars DataFrames with the fixed schemas in ``EVENT_SCHEMAS``.
That is the one documented way for plugins to read them::

    import polars as pl
    per_relation = portfolio.touchpoints.group_by("relation").agg(pl.len())

Nothing here knows which file format the data came from.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import polars as pl


@dataclass(slots=True)
class Relation:
    """An organisation or a person we keep a relationship with (slots: a hundred thousand of
    them take a third less memory)."""

    id: str
    name: str
    kind: str = "organisation"          # organisation | person
    role: str | None = None             # client, candidate, contact, funder, ...
    owner: str | None = None            # employee id
    organisation: str | None = None     # for a person: the organisation's relation id
    organisation_name: str | None = None   # for a person: the organisation named, without an id
    category: str | None = None         # A | B | C, None when the data does not say
    phase: str | None = None            # attract | develop | retain | wind_down | as given
    since: date | None = None
    email: str | None = None
    phone: str | None = None
    city: str | None = None
    tags: tuple[str, ...] = ()
    scores: dict[str, float] = field(default_factory=dict)
    extra: dict[str, str] = field(default_factory=dict)
    origin: str = ""                    # "file:line" the record came from, for messages
    provenance: dict[str, str] = field(default_factory=dict)   # field -> origin, when not `origin`
    merged_from: list[str] = field(default_factory=list)       # records folded into this one
    owner_value: str | None = None      # the owner as the source wrote it, when it matched no employee
    summary_last_contact: date | None = None   # the source's own summary of contact (a CRM's "last activity"), not a logged touchpoint
    summary_contacts: int | None = None         # the source's own count of contacts ("number of times contacted")


@dataclass
class Employee:
    """Someone in our organisation who owns relations or holds contacts."""

    id: str
    name: str
    team: str | None = None
    email: str | None = None
    aliases: tuple[str, ...] = ()
    origin: str = ""


@dataclass
class Goal:
    """A SMART goal: what should change, for whom, by when, owned by whom.

    The same record whether it came from config.toml (``[[goals]]``) or a goals
    table. ``baseline_start``/``baseline_end`` name the period a growth or
    change is measured against; unset, it is the period of the goal's own
    length right before ``start``.
    """

    id: str
    scope: str = "portfolio"            # portfolio, category:A, segment:..., relation:<id>, owner:<id>
    metric: str | None = None
    baseline: float | None = None
    target: float | None = None
    start: date | None = None
    end: date | None = None
    owner: str | None = None
    origin: str = ""
    baseline_start: date | None = None
    baseline_end: date | None = None
    limit: str | None = None            # at_least | at_most: the target is a floor or a ceiling
    aim: str | None = None              # extend | expand | improve: which of the method's three aims


#: Column schemas of the event tables. Sources must produce exactly these columns.
EVENT_SCHEMAS: dict[str, dict[str, Any]] = {
    "touchpoints": {
        "relation": pl.String, "date": pl.Date, "employee": pl.String,
        "channel": pl.String, "direction": pl.String, "kind": pl.String,
        "signals": pl.List(pl.String), "notes": pl.String,
    },
    "business": {
        "relation": pl.String, "date": pl.Date, "amount": pl.Float64,
        "hours": pl.Float64, "kind": pl.String, "status": pl.String,
    },
    "surveys": {
        "subject": pl.String, "kind": pl.String, "date": pl.Date,
        "score": pl.Float64, "scale": pl.Float64,
    },
    "events": {
        "relation": pl.String, "date": pl.Date, "kind": pl.String, "notes": pl.String,
    },
}

#: The plain fields of ``Relation`` that ``Portfolio.relation_frame`` holds as columns.
RELATION_COLUMNS: dict[str, Any] = {
    "name": pl.String, "kind": pl.String, "role": pl.String, "owner": pl.String,
    "organisation": pl.String, "category": pl.String, "phase": pl.String, "since": pl.Date,
    "city": pl.String,
}

RECORD_TABLES = ("relations", "employees", "goals")
TABLES = RECORD_TABLES + tuple(EVENT_SCHEMAS)


def empty_table(name: str) -> pl.DataFrame:
    """An event table with no rows but the right columns."""
    return pl.DataFrame(schema=EVENT_SCHEMAS[name])


@dataclass
class Portfolio:
    """Everything read from the sources, merged: the input of every analysis."""

    relations: dict[str, Relation] = field(default_factory=dict)
    employees: dict[str, Employee] = field(default_factory=dict)
    goals: list[Goal] = field(default_factory=list)
    touchpoints: pl.DataFrame = field(default_factory=lambda: empty_table("touchpoints"))
    business: pl.DataFrame = field(default_factory=lambda: empty_table("business"))
    surveys: pl.DataFrame = field(default_factory=lambda: empty_table("surveys"))
    events: pl.DataFrame = field(default_factory=lambda: empty_table("events"))
    _frame: tuple | None = field(default=None, init=False, repr=False, compare=False)

    def relation_frame(self) -> pl.DataFrame:
        """The relations' plain fields as columns, in portfolio order (``relation`` is the id).

        How analyses read relations in bulk: a hundred thousand typed records are
        read once per build here instead of once per analysis. Columns:
        ``relation, name, kind, role, owner, organisation, category, phase, since, city``.
        """
        key = (id(self.relations), len(self.relations))
        if self._frame is None or self._frame[0] != key:
            records = list(self.relations.values())
            columns = {"relation": [r.id for r in records]}
            columns.update({name: [getattr(r, name) for r in records] for name in RELATION_COLUMNS})
            frame = pl.DataFrame(columns, schema={"relation": pl.String, **RELATION_COLUMNS})
            self._frame = (key, frame)
        return self._frame[1]


@dataclass
class SourceData:
    """What one source produced: records, event tables and the problems it met."""

    relations: list[Relation] = field(default_factory=list)
    employees: list[Employee] = field(default_factory=list)
    goals: list[Goal] = field(default_factory=list)
    tables: dict[str, pl.DataFrame] = field(default_factory=dict)
    errors: list = field(default_factory=list)      # list[errors.Problem]: the data is wrong
    warnings: list = field(default_factory=list)    # list[errors.Problem]: doubtful, still used

    def counts(self) -> dict[str, int]:
        """Records read per table, for ``check``."""
        counts = {"relations": len(self.relations), "employees": len(self.employees),
                  "goals": len(self.goals)}
        counts.update({name: frame.height for name, frame in self.tables.items()})
        return {name: n for name, n in counts.items() if n}
