"""Built-in plugin ``team``: the people behind the relations, one row per account manager.

The service-profit chain starts with the people who hold the relations: per
account manager, how many relations (A, B, C), how healthy they are (green,
amber, red) and how many need contact now (overdue or never contacted). A
director sees at a glance where help is needed. Relations whose owner is no
employee are counted per value the source wrote, as "unknown account manager". Read from the cadence and
health findings; when a satisfaction analysis adds employee satisfaction,
that belongs next to these figures.
"""

from __future__ import annotations

import polars as pl

from relatierapport import hookimpl
from relatierapport.hooktypes import Section, relation_columns
from relatierapport.render.owner_names import account_manager

NAME = "team"
#: At most this many account managers are listed (those with the most relations to act on).
LIMIT = 50


def team_data(report) -> dict | None:
    cadence, health = report.findings.get("cadence"), report.findings.get("health")
    if cadence is None and health is None:
        return None
    portfolio = report.portfolio
    frame = portfolio.relation_frame().select("relation", "owner")
    # owners that are no employee: one row per value the source wrote ("unknown account manager")
    unknown = [(r.id, r.owner_value) for r in portfolio.relations.values() if r.owner_value]
    frame = frame.join(pl.DataFrame(unknown, schema={"relation": pl.String, "owner_value": pl.String},
                                    orient="row"), on="relation", how="left")
    if cadence is not None:
        frame = frame.join(relation_columns(cadence.relations, {"category": pl.String,
                                                                "status": pl.String}),
                           on="relation", how="left")
    if health is not None:
        frame = frame.join(relation_columns(health.relations, {"band": pl.String}), on="relation",
                           how="left")
    counts = []
    if cadence is not None:
        counts += [(pl.col("category") == c).sum().alias(c) for c in ("A", "B", "C")]
        counts.append(pl.col("status").is_in(["overdue", "never_contacted"]).sum().alias("to_contact"))
    if health is not None:
        counts += [(pl.col("band") == b).sum().alias(b) for b in ("green", "amber", "red")]
    per_owner = frame.group_by("owner", "owner_value").agg(pl.len().alias("relations"), *counts)
    employees = portfolio.employees
    from relatierapport.render.charts import Stack

    rows = []
    for row in per_owner.to_dicts():
        employee = employees.get(row["owner"]) if row["owner"] else None
        manager = account_manager(portfolio, row["owner"], row["owner_value"], report.translate)
        row["name"], row["owner_value"] = manager["owner_name"], manager["owner_value"]
        row["team"] = employee.team if employee else None
        if health is not None:
            row["stack"] = Stack(tuple((row[band], band) for band in ("green", "amber", "red")),
                                 row["relations"])
        rows.append(row)
    # the account managers by name, then owners that are no employee, then relations without one
    rows.sort(key=lambda r: (r["name"] is None, r["owner_value"] is not None,
                             (r["name"] or "").casefold(), r["owner"] or "", r["owner_value"] or ""))
    more = 0
    if len(rows) > LIMIT:        # the account managers with the most relations needing attention
        urgent = sorted(rows, key=lambda r: (-(r.get("to_contact", 0) + r.get("red", 0)),
                                             -r["relations"]))[:LIMIT]
        keep = {id(row) for row in urgent}
        more = len(rows) - LIMIT
        rows = [row for row in rows if id(row) in keep]
    return {"rows": rows, "more": more, "has_cadence": cadence is not None,
            "has_health": health is not None}


@hookimpl
def report_sections(kind, report):
    if kind != "portfolio":
        return []
    data = report.memo(f"{NAME}.data", lambda: team_data(report))
    if data is None:
        return []
    return [Section("team", report.translate("Account managers"), "sections/team.html", 50, data)]
