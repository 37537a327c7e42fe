"""Built-in plugin ``attention``: the portfolio report's first page, what needs attention now.

A director or account manager reads one page: key figures and short lists,
the most urgent first and A relations before B and C, with "and 1,234 more"
and a link to the full section. The key figures lead with what an account
manager can act on (overdue touchpoints, relations turning red, open
complaints, red flags of the last month, goals behind), then red relations (the
lowest score first, with their last touchpoint from the cadence findings) and
relations never contacted (the longest a relation first), and last the relations whose data holds no contact
history at all (the cadence status ``no_history``): those are one group with
their count, the sources that carry no activity history and what to do about
it, never hundreds of red or never-contacted rows. The lists are bounded
(``list_limit``), so the page stays one page for 100,000 relations. Read from
the cadence, health and coverage findings (and the goals findings when an
analysis makes them, and the A relations the clv analysis finds probably lost);
a part whose analysis is disabled is left out.
"""

from __future__ import annotations

from relatierapport import hookimpl
from relatierapport.dates import add_months
from relatierapport.hooktypes import Section
from relatierapport.options import Integer, Option, OptionGroup
from relatierapport.render.owner_names import account_manager

NAME = "attention"
CATEGORY_ORDER = {"A": 0, "B": 1, "C": 2}
#: The key figures in the order shown: what an account manager can act on first.
FIGURE_ORDER = ("overdue", "turning_red", "complaints", "red_flags", "goals_behind",
                "probably_lost", "red", "never_contacted", "no_history")


@hookimpl
def config_options():
    return [OptionGroup(f"plugins.{NAME}", (
        Option("list_limit", Integer(minimum=1, maximum=50), 5,
               "Rows per list on the first page; the rest is counted (\"and 12 more\")."),
    ), "The portfolio report's first page: what needs attention this month.")]


def _bounded(rows: list, limit: int) -> dict:
    return {"rows": rows[:limit], "more": max(len(rows) - limit, 0), "total": len(rows)}


def _category_first(rows: list[dict], key: str, descending: bool = True) -> list[dict]:
    sign = -1 if descending else 1
    return sorted(rows, key=lambda row: (CATEGORY_ORDER.get(row.get("category"), 3),
                                         sign * (row.get(key) or 0), row["name"], row["id"]))


def _figure(key: str, value: int, alarm: str = "red", capped: bool = False) -> dict:
    """A key figure: ``alarm`` is its tone when it is not zero."""
    return {"key": key, "value": value, "tone": alarm if value else "green", "capped": capped}


def goals_behind(report) -> list[dict] | None:
    """Goals behind schedule or outside their limit, from the ``goals`` analysis' portfolio
    findings: their id, scope in words and where they stand (a flow against the time passed, a
    level or change against its target, a limit against its bound).
    None when there is no goals analysis."""
    found = report.findings.get("goals")
    if found is None:
        return None
    from relatierapport.render.formatting import filters_for
    from relatierapport.render.goal_view import GoalView

    view = GoalView(report.translate, filters_for(report), report.portfolio.relations,
                    report.portfolio.employees, found.portfolio.get("metrics", {}))
    return [{"title": row["id"], "scope": view.scope(row), "text": view.brief(row)}
            for row in found.portfolio.get("goals", []) if row["status"] in ("behind", "outside_limit")]


def probably_lost(report) -> list[dict] | None:
    """The A relations the ``clv`` analysis marks probably lost (a repeat buyer whose chance of
    still being a customer is below its ``probably_lost_below``), the lowest chance first, with
    their last purchase; the category is the cadence analysis' (where it is decided). None when
    there is no clv analysis or it estimated nothing."""
    import polars as pl

    from relatierapport.relation_table import relation_columns

    found = report.findings.get("clv")
    cadence = report.findings.get("cadence")
    if found is None or found.portfolio.get("bgnbd") is None:
        return None
    lost = relation_columns(found.relations, {"p_alive": pl.Float64, "probably_lost": pl.Boolean,
                                              "last_purchase": pl.Date})
    categories = (relation_columns(cadence.relations, {"category": pl.String}) if cadence is not None
                  else report.portfolio.relation_frame().select("relation", "category"))
    rows = (lost.filter(pl.col("probably_lost").fill_null(False))
            .join(categories, on="relation", how="left")
            .filter(pl.col("category") == "A")
            .join(report.portfolio.relation_frame().select("relation", "name", "owner"),
                  on="relation", how="left")
            .sort(["p_alive", "name", "relation"])
            .select(pl.col("relation").alias("id"), "name", "owner", "category", "p_alive",
                    "last_purchase"))
    return rows.to_dicts()


def attention_data(report) -> dict:
    limit = report.config.plugin(NAME)["list_limit"]
    relations = report.portfolio.relations

    def owner_name(row) -> str | None:
        """The employee's name, or "unknown account manager" for an owner no employee matched."""
        relation = relations.get(row["id"])
        return account_manager(report.portfolio, row["owner"], relation.owner_value if relation else None,
                               report.translate)["owner_name"]
    figures: list[dict] = []
    data: dict = {"figures": figures, "relations": len(report.portfolio.relations)}
    cadence = report.findings.get("cadence")
    if cadence is not None:
        found = cadence.portfolio
        overdue = _category_first(found["overdue"], "days_overdue")
        data["overdue"] = _bounded(overdue, limit)
        data["overdue"]["rows"] = [{**row, "owner_name": owner_name(row)}
                                   for row in data["overdue"]["rows"]]
        data["overdue_a"] = sum(1 for row in found["overdue"] if row["category"] == "A")
        figures.append(_figure("overdue", len(found["overdue"])))
        data["never_contacted"] = _never_contacted(report, found["never_contacted"], limit, owner_name)
        figures.append(_figure("never_contacted", len(found["never_contacted"])))
        without = len(found.get("no_history", []))
        if without:
            data["no_history"] = {"total": without, "sources": _sources_without_history(report)}
            figures.append(_figure("no_history", without, "unknown"))
    health = report.findings.get("health")
    if health is not None and "bands" in health.portfolio:
        found = health.portfolio
        # the findings list the health analysis' list_limit of them (the steepest falls); the
        # total counts them all
        turning = _category_first(found["turning_red"], "trend", descending=False)
        data["turning_red"] = {"rows": [{**row, "owner_name": owner_name(row),
                                         "reasons": row["reasons"][:2]} for row in turning[:limit]],
                               "more": max(found["turning_red_total"] - limit, 0),
                               "total": found["turning_red_total"]}
        figures.append(_figure("turning_red", found["turning_red_total"]))
        data["red"] = _red(report, found, limit, owner_name)
        figures.append(_figure("red", found["red_total"]))
        complaints = found["open_complaints"]
        oldest = sorted(complaints, key=lambda row: (-row["age_days"], row["id"]))
        data["complaints"] = _bounded(oldest, limit)
        data["complaints"]["rows"] = [{**row, "owner_name": owner_name(row)}
                                      for row in data["complaints"]["rows"]]
        figures.append(_figure("complaints", len(complaints)))
        since = add_months(report.as_of, -1)
        recent = [row for row in found["red_flags"] if row["date"] > since]
        per_relation: dict[str, dict] = {}
        for row in recent:           # newest first: the first row of a relation is its latest
            entry = per_relation.setdefault(row["id"], {
                "id": row["id"], "name": row["name"], "category": row["category"],
                "owner_name": owner_name(row), "date": row["date"], "kinds": []})
            if row["kind"] not in entry["kinds"]:
                entry["kinds"].append(row["kind"])
        flagged = sorted(per_relation.values(), key=lambda row: (
            CATEGORY_ORDER.get(row["category"], 3), -row["date"].toordinal(), row["name"], row["id"]))
        # the findings keep only the newest list_limit red flags: when all of them are this
        # month's, there may be more than we can count
        capped = len(recent) == len(found["red_flags"]) and found["red_flags_total"] > len(recent)
        data["red_flags"] = {**_bounded(flagged, limit), "flags": len(recent), "capped": capped,
                             "since": since}
        figures.append(_figure("red_flags", len(recent), "amber", capped))
    lost = probably_lost(report)
    if lost is not None:
        from relatierapport.render.formatting import filters_for

        chance = filters_for(report)["chance"]
        data["probably_lost"] = _bounded(lost, limit)
        data["probably_lost"]["rows"] = [{**row, "owner_name": owner_name(row),
                                          "chance": chance(row["p_alive"])}
                                         for row in data["probably_lost"]["rows"]]
        # none found because the fit finds no relation leaving yet: said, not a green all-clear
        unseen = data["probably_lost"]["no_dropout"] = (
            report.findings["clv"].portfolio["bgnbd"]["no_dropout_seen"] and not lost)
        figure = _figure("probably_lost", len(lost), "amber")
        figures.append({**figure, "tone": "unknown"} if unseen else figure)
    goals = goals_behind(report)
    if goals is not None:
        data["goals"] = _bounded(goals, limit)
        figures.append(_figure("goals_behind", len(goals), "amber"))
    figures.sort(key=lambda figure: FIGURE_ORDER.index(figure["key"]))
    return data


def _red(report, found: dict, limit: int, owner_name) -> dict:
    """The red relations, A first and the lowest score first, with their two main reasons and
    last touchpoint (from the cadence findings, when that analysis runs). The health findings
    list its list_limit of them (the lowest scores); the total counts them all."""
    cadence = report.findings.get("cadence")
    rows = sorted(found["red"], key=lambda row: (CATEGORY_ORDER.get(row["category"], 3),
                                                 row["score"], row["name"], row["id"]))[:limit]
    shown = [{**row, "owner_name": owner_name(row), "reasons": row["reasons"][:2],
              "last_touchpoint": _last_touchpoint(cadence, row["id"])} for row in rows]
    return {"rows": shown, "more": max(found["red_total"] - limit, 0), "total": found["red_total"]}


def _last_touchpoint(cadence, relation_id: str):
    if cadence is None or relation_id not in cadence.relations:
        return None
    return cadence.relations[relation_id].get("last_touchpoint")


def _never_contacted(report, rows: list[dict], limit: int, owner_name) -> dict:
    """Relations never contacted, A first and the longest a relation first (``since``: the
    relation's start date; unknown last)."""
    relations = report.portfolio.relations

    def since(row):
        relation = relations.get(row["id"])
        return relation.since if relation else None

    ordered = sorted(({**row, "since": since(row)} for row in rows), key=lambda row: (
        CATEGORY_ORDER.get(row["category"], 3), row["since"] is None,
        row["since"].toordinal() if row["since"] else 0, row["name"], row["id"]))
    part = _bounded(ordered, limit)
    part["rows"] = [{**row, "owner_name": owner_name(row)} for row in part["rows"]]
    return part


def _sources_without_history(report) -> list[dict]:
    """The sources that gave relations but no touchpoint for any of them (the coverage
    analysis' portfolio findings), with how many relations each gave."""
    found = report.findings.get("coverage")
    if found is None:
        return []
    return [{"source": row["source"], "relations": row["relations"]}
            for row in found.portfolio["sources"] if row["activity_history"] is False]


@hookimpl
def report_sections(kind, report):
    if kind != "portfolio":
        return []
    data = report.memo(f"{NAME}.data", lambda: attention_data(report))
    return [Section("attention", report.translate("What needs attention this month"),
                    "sections/attention.html", 0, data)]
