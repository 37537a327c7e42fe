"""Built-in plugin ``cadence``: is every relation contacted as often as its category asks?

The method's contact rhythm: A relations monthly, B quarterly, C half-yearly
(configurable). For each relation: its category (from the data, else the
configured default, and the report says which), the last touchpoint on or
before the report date, the next due date (last touchpoint plus the cadence;
for a relation never contacted, the start of the relation plus the cadence, or
the report date when that is unknown) and how many days overdue it is.
"""

from __future__ import annotations

import polars as pl

from relatierapport import hookimpl
from relatierapport.dates import add_months
from relatierapport.hooktypes import Analysis, Findings, Section
from relatierapport.options import Integer, Option, OptionGroup, Table, Text

NAME = "cadence"
CATEGORIES = ("A", "B", "C")


@hookimpl
def config_options():
    return [OptionGroup(f"plugins.{NAME}", (
        Option("months", Table(Integer(minimum=1, maximum=60), keys=CATEGORIES),
               {"A": 1, "B": 3, "C": 6}, "Months between touchpoints per category."),
        Option("default_category", Text(choices=CATEGORIES), "C",
               "Category used for relations whose data has none."),
        Option("due_soon_days", Integer(minimum=0, maximum=365), 14,
               "A touchpoint due within this many days counts as due soon."),
    ), "Contact cadence per category.")]


@hookimpl
def analyses():
    return [Analysis(NAME, analyse, after=("segmentation",),
                     description="Contact cadence: last touchpoint, next due date, days overdue.")]


def analyse(portfolio, config, findings) -> Findings:
    options = config.plugin(NAME)
    months = {**{"A": 1, "B": 3, "C": 6}, **options["months"]}
    as_of = config.as_of
    derived = findings.get("segmentation")
    last_contact = dict(
        portfolio.touchpoints.lazy().filter(pl.col("date") <= as_of)
        .group_by("relation").agg(pl.col("date").max()).collect().iter_rows())

    per_relation = {}
    for relation in portfolio.relations.values():
        category, source = relation.category, "data"
        if derived and relation.id in derived.relations and derived.relations[relation.id].get("category"):
            category = derived.relations[relation.id]["category"]
            source = derived.relations[relation.id].get("category_source", "segmentation")
        if category is None:
            category, source = options["default_category"], "default"
        last = last_contact.get(relation.id)
        if last is not None:
            due = add_months(last, months[category])
        elif relation.since is not None:
            due = add_months(relation.since, months[category])
        else:
            due = as_of
        overdue = max((as_of - due).days, 0)
        until = (due - as_of).days
        if last is None:
            status = "never_contacted"
        elif overdue > 0:
            status = "overdue"
        elif until <= options["due_soon_days"]:
            status = "due_soon"
        else:
            status = "on_track"
        per_relation[relation.id] = {
            "category": category, "category_source": source, "cadence_months": months[category],
            "last_touchpoint": last, "next_due": due, "days_overdue": overdue,
            "days_until_due": max(until, 0), "status": status,
        }
    return Findings(relations=per_relation, portfolio=_portfolio(portfolio, per_relation))


def _portfolio(portfolio, per_relation) -> dict:
    per_category = {c: {"relations": 0, "overdue": 0, "never_contacted": 0} for c in CATEGORIES}
    counts = {"on_track": 0, "due_soon": 0, "overdue": 0, "never_contacted": 0}
    for found in per_relation.values():
        per_category[found["category"]]["relations"] += 1
        counts[found["status"]] += 1
        if found["status"] in ("overdue", "never_contacted"):
            per_category[found["category"]][found["status"]] += 1

    def listing(status: str, order) -> list[dict]:
        rows = [(rid, f) for rid, f in per_relation.items() if f["status"] == status]
        rows.sort(key=order)
        return [{"id": rid, "name": portfolio.relations[rid].name, "owner": portfolio.relations[rid].owner,
                 "category": f["category"], "last_touchpoint": f["last_touchpoint"],
                 "next_due": f["next_due"], "days_overdue": f["days_overdue"]} for rid, f in rows]

    return {
        "per_category": per_category, "counts": counts,
        "overdue": listing("overdue", lambda item: (-item[1]["days_overdue"], item[0])),
        "never_contacted": listing("never_contacted", lambda item: (item[1]["category"], item[0])),
        "due_soon": listing("due_soon", lambda item: (item[1]["next_due"], item[0])),
    }


@hookimpl
def report_sections(kind, relation, report):
    found = report.findings.get(NAME)
    if found is None:
        return []
    if kind == "portfolio":
        return [Section("cadence-overview", report.translate("Contact cadence"),
                        "sections/cadence_portfolio.html", 20, found.portfolio)]
    return [Section("cadence", report.translate("Contact cadence"), "sections/cadence_relation.html",
                    20, found.relations[relation.id])]
