"""Built-in plugin ``planning``: the touchpoints planned per relation for the coming months.

The plan follows the relation's contact cadence (the ``cadence`` analysis): the
first touchpoint falls on its next due date, then one every cadence period, for
``months`` months from the report date. A relation whose next due date lies
before the report date (overdue, or never contacted and already due) gets a
*catch-up* touchpoint on the report date itself, and its later touchpoints
follow from there. A relation with no touchpoints in the data (cadence status
``no_history``) is due on the report date: its first touchpoint falls on it,
not marked catch-up, since nothing is known to be late. Every date that falls on a Saturday, Sunday or one of the
configured ``holidays`` moves to the next working day, so a catch-up planned on
a Saturday report date lands on the Monday; when the next working day lies in
the next month, the touchpoint moves back to the last working day before it
instead (a monthly contact stays in its month: Saturday 30 January moves to
Friday 29 January, not to 1 February), never to before the report date.

Each touchpoint has a length in minutes and an agenda per role and category
(the method: A clients 20 minutes about a business check-in, a market insight
and future planning; A candidates 15 about their career, the current
assignment, future chances and a value-add). Agenda texts are kept in English
in report.json and translated where they are shown (calendar, pages).

Each touchpoint also names its ``period``: the month of the cadence step it
belongs to, before it moved to a working day. It stays the same when the date
shifts a little from one report to the next, so the calendar makes its stable
event ids from it.

Columnar: one polars query for the whole portfolio (100,000 relations in well
under half a second); no Python loop per relation.
"""

from __future__ import annotations

import polars as pl

from relatierapport import hookimpl
from relatierapport.hooktypes import Analysis, Findings, Section
from relatierapport.render.labels import N_
from relatierapport.options import Date, Integer, ListOf, Option, OptionGroup, Table, Text
from relatierapport.relation_table import relation_columns

NAME = "planning"
CATEGORIES = ("A", "B", "C")
#: The role whose lengths and agenda apply to relations whose role has none of its own.
DEFAULT_ROLE = "default"

#: Minutes per touchpoint, per role and category (domain: A clients 20, B 15, C 10; A/B candidates 15, C 10).
MINUTES = {
    "client": {"A": 20, "B": 15, "C": 10},
    "candidate": {"A": 15, "B": 15, "C": 10},
    DEFAULT_ROLE: {"A": 20, "B": 15, "C": 10},
}
#: Agenda per role and category; English message ids, translated where shown.
AGENDA = {
    "client": {
        "A": [N_("Business check-in"), N_("Share a market insight"), N_("Future planning")],
        "B": [N_("Business check-in"), N_("Share a market insight")],
        "C": [N_("Business check-in")],
    },
    "candidate": {
        "A": [N_("Career development"), N_("Current assignment"), N_("Future chances"),
              N_("A value-add: a market insight, an introduction or advice")],
        "B": [N_("Career development"), N_("Current assignment"), N_("Future chances")],
        "C": [N_("Availability and wishes")],
    },
    DEFAULT_ROLE: {
        "A": [N_("Check-in"), N_("Share a market insight"), N_("Future plans")],
        "B": [N_("Check-in"), N_("Future plans")],
        "C": [N_("Check-in")],
    },
}


@hookimpl
def config_options():
    return [OptionGroup(f"plugins.{NAME}", (
        Option("months", Integer(minimum=1, maximum=36), 12,
               "Touchpoints are planned for this many months from the report date."),
        Option("minutes", Table(Table(Integer(minimum=1, maximum=480), keys=CATEGORIES)), MINUTES,
               "Length of a touchpoint in minutes, per role (client, candidate, any role of your "
               "data, or default for the others) and category; roles and categories not given keep "
               "their default."),
        Option("agenda", Table(Table(ListOf(Text()), keys=CATEGORIES)), AGENDA,
               "Agenda of a touchpoint per role and category, like minutes. The built-in texts are "
               "translated in the report; your own are shown as written."),
        Option("holidays", ListOf(Date()), [],
               "Days that are not working days (e.g. Koningsdag, Christmas); touchpoints falling on "
               "them, or on a weekend, move to the next working day (to the previous one when the "
               "next lies in another month)."),
    ), "Planned touchpoints per relation: dates from the cadence, length and agenda.")]


@hookimpl
def analyses():
    return [Analysis(NAME, analyse, after=("cadence",),
                     description="Planned touchpoints per relation: dates, length and agenda.")]


def role_table(options: dict) -> pl.DataFrame:
    """One row per (role, category) with its minutes and agenda, defaults filled in."""
    minutes = {role: {**MINUTES.get(role, {}), **given} for role, given in options["minutes"].items()}
    agenda = {role: {**AGENDA.get(role, {}), **given} for role, given in options["agenda"].items()}
    minutes = {**MINUTES, **minutes}
    agenda = {**AGENDA, **agenda}
    roles = sorted(set(minutes) | set(agenda))
    rows = []
    for role in roles:
        for category in CATEGORIES:
            rows.append({
                "agenda_role": role, "category": category,
                "minutes": minutes.get(role, {}).get(category, minutes[DEFAULT_ROLE][category]),
                "agenda": agenda.get(role, {}).get(category, agenda[DEFAULT_ROLE][category]),
            })
    return pl.DataFrame(rows, schema={"agenda_role": pl.String, "category": pl.String,
                                      "minutes": pl.Int64, "agenda": pl.List(pl.String)})


def analyse(portfolio, config, findings) -> Findings:
    if "cadence" not in findings:      # disabled: without a cadence there is nothing to plan
        return Findings(portfolio={"unknown": "the cadence analysis is disabled"})
    options = config.plugin(NAME)
    months = options["months"]
    as_of = config.as_of
    holidays = options["holidays"]
    roles = role_table(options)
    known_roles = roles["agenda_role"].unique().implode()
    horizon = pl.lit(as_of).dt.offset_by(f"{months}mo")

    cadence = relation_columns(findings["cadence"].relations, {
        "category": pl.String, "cadence_months": pl.Int64, "next_due": pl.Date})
    base = (
        cadence.lazy().with_row_index("row")
        .join(portfolio.relation_frame().lazy().select("relation", "role", "owner"),
              on="relation", how="left", maintain_order="left")
        .with_columns(
            pl.when(pl.col("role").is_in(known_roles)).then(pl.col("role"))
            .otherwise(pl.lit(DEFAULT_ROLE)).alias("agenda_role"),
            (pl.col("next_due") < as_of).fill_null(False).alias("catch_up"),
            pl.when(pl.col("next_due") > as_of).then(pl.col("next_due")).otherwise(pl.lit(as_of))
            .alias("anchor"))
        .join(roles.lazy(), on=["agenda_role", "category"], how="left", maintain_order="left")
        .collect())

    # Every touchpoint's cadence step lies in a month from the report date's to the horizon's.
    first = as_of.year * 12 + as_of.month - 1
    periods = {index: f"{index // 12:04d}-{index % 12 + 1:02d}"
               for index in range(first, first + months + 1)}
    # One row per cadence step, dated and moved to a working day; rows stay in relation order.
    steps = (
        base.lazy().select("row", "anchor", "minutes", pl.col("cadence_months").alias("every"),
                           pl.int_ranges(0, months // pl.col("cadence_months") + 1).alias("step"))
        .explode("step")
        .pipe(_months_later, "anchor", pl.col("step") * pl.col("every"), "slot")
        .with_columns(_working_day(pl.col("slot"), holidays, as_of).alias("date"))
        .filter(pl.col("date") < horizon)
        .select(pl.col("row").set_sorted(), "date", "minutes",
                pl.col("_index").replace_strict(periods, return_dtype=pl.String).alias("period"))
        .collect())
    # ... back into one list per relation, grouped by row number (sorted) rather than by id.
    planned = (steps.lazy().group_by("row", maintain_order=True)
               .agg(pl.struct("date", "period").alias("touchpoints"), pl.len().alias("count"),
                    pl.col("date").first().alias("next")))
    no_touchpoints = pl.lit([], pl.List(pl.Struct({"date": pl.Date, "period": pl.String})))
    per_relation = (
        base.lazy().join(planned, on="row", how="left", maintain_order="left")
        .select("relation", "category", "cadence_months", "agenda_role", "minutes", "agenda",
                "catch_up", "next", pl.col("count").fill_null(0).cast(pl.Int64),
                (pl.col("count").fill_null(0) * pl.col("minutes")).alias("total_minutes"),
                pl.col("touchpoints").fill_null(no_touchpoints), "owner")
        .collect())
    per_month = (steps.group_by(pl.col("period").alias("month"))
                 .agg(pl.len().alias("touchpoints"), pl.col("minutes").sum()).sort("month"))
    summary = _portfolio(per_relation, per_month, as_of, months)
    return Findings(relations=per_relation.drop("owner"), portfolio=summary)


def _working_day(day: pl.Expr, holidays: list, as_of) -> pl.Expr:
    """The next working day, or the previous one when the next lies in another month (and the
    previous is not before the report date)."""
    later = day.dt.add_business_days(0, roll="forward", holidays=holidays)
    earlier = day.dt.add_business_days(0, roll="backward", holidays=holidays)
    return (pl.when((later.dt.month() != day.dt.month()) & (earlier >= as_of))
            .then(earlier).otherwise(later))


def _months_later(frame: pl.LazyFrame, day: str, months: pl.Expr, name: str) -> pl.LazyFrame:
    """Add column ``name``: ``day`` plus whole months, the day clipped to the month's end
    (31 Jan + 1 = 28 Feb), as ``dt.offset_by`` does, and ``_index``: its month as year * 12 +
    month - 1. Computed in integer steps (days since 1970 of the civil date): several times
    faster for a million rows than a text offset per row."""
    index = pl.col(day).dt.year().cast(pl.Int64) * 12 + pl.col(day).dt.month() - 1 + months
    year, month = pl.col("_year"), pl.col("_month")
    leap = ((year % 4 == 0) & ((year % 100 != 0) | (year % 400 == 0))).cast(pl.Int64)
    month_days = (pl.when(month == 2).then(28 + leap)
                  .when(month.is_in([4, 6, 9, 11])).then(30).otherwise(31))
    shifted = pl.col("_year") - (month <= 2).cast(pl.Int64)   # days_from_civil (H. Hinnant)
    era = shifted // 400
    day_of_year = ((153 * (month + pl.when(month > 2).then(-3).otherwise(9)) + 2) // 5
                   + pl.min_horizontal(pl.col(day).dt.day().cast(pl.Int64), month_days) - 1)
    return (frame
            .with_columns(index.alias("_index"))
            .with_columns((pl.col("_index") // 12).alias("_year"), (pl.col("_index") % 12 + 1).alias("_month"))
            .with_columns(era.alias("_era"), (shifted - era * 400).alias("_yoe"), day_of_year.alias("_doy"))
            .with_columns((pl.col("_era") * 146097 + pl.col("_yoe") * 365 + pl.col("_yoe") // 4
                           - pl.col("_yoe") // 100 + pl.col("_doy") - 719468)
                          .cast(pl.Int32).cast(pl.Date).alias(name))
            .drop("_year", "_month", "_era", "_yoe", "_doy"))


def _portfolio(per_relation: pl.DataFrame, per_month: pl.DataFrame, as_of, months: int) -> dict:
    """Totals for capacity planning: per category (with the share of time), owner and month."""
    total_minutes = int(per_relation["total_minutes"].sum() or 0)
    per_category = {c: {"relations": 0, "touchpoints": 0, "minutes": 0, "share": None}
                    for c in CATEGORIES}
    for category, relations, touchpoints, minutes in (
            per_relation.group_by("category").agg(pl.len(), pl.col("count").sum(),
                                                  pl.col("total_minutes").sum()).iter_rows()):
        per_category[category] = {
            "relations": relations, "touchpoints": touchpoints, "minutes": minutes,
            "share": round(minutes / total_minutes, 3) if total_minutes else None}
    per_owner = (per_relation.group_by("owner")
                 .agg(pl.len().alias("relations"), pl.col("count").sum().alias("touchpoints"),
                      pl.col("total_minutes").sum().alias("minutes"))
                 .sort("owner", nulls_last=True).to_dicts())
    last_day = pl.select(pl.lit(as_of).dt.offset_by(f"{months}mo").dt.offset_by("-1d")).item()
    return {
        "months": months, "from": as_of, "to": last_day,
        "touchpoints": int(per_relation["count"].sum() or 0), "minutes": total_minutes,
        "catch_up": int(per_relation["catch_up"].sum() or 0),
        "per_category": per_category, "per_owner": per_owner, "per_month": per_month.to_dicts(),
    }


# -- report sections (display only: the findings above are what report.json holds) -------------

#: The portfolio page lists at most this many account managers (those with the most hours).
OWNER_LIMIT = 50

@hookimpl
def report_sections(kind, relation, report):
    found = report.findings.get(NAME)
    if found is None or "unknown" in found.portfolio:
        return []
    title = report.translate("Touchpoint plan")
    if kind == "portfolio":
        return [Section("planning-overview", title, "sections/planning_portfolio.html", 22,
                        report.memo(f"{NAME}.portfolio", lambda: _portfolio_data(found, report)))]
    if relation.id not in found.relations:
        return []
    entry = found.relations[relation.id]
    _ = report.translate
    return [Section("planning", title, "sections/planning_relation.html", 22, {
        "months": found.portfolio["months"], "minutes": entry["minutes"], "count": entry["count"],
        "hours": entry["total_minutes"] / 60, "catch_up": entry["catch_up"],
        "cadence_months": entry["cadence_months"], "category": entry["category"],
        "dates": [item["date"] for item in entry["touchpoints"]],
        "agenda": [_(item) for item in entry["agenda"] or []]})]


def _portfolio_data(found, report) -> dict:
    from relatierapport.render.formatting import filters_for, month_label
    from relatierapport.render.charts import Bar, Columns

    _, f = report.translate, filters_for(report)
    data = found.portfolio
    language = report.config.language
    months = data["per_month"]
    hours = [row["minutes"] / 60 for row in months]
    labels = tuple(month_label(row["month"], language) for row in months)
    description = "; ".join(
        _("%(month)s: %(touchpoints)s touchpoints, %(hours)s hours") % {
            "month": month_label(row["month"], language, "LLLL yyyy"),
            "touchpoints": f["number"](row["touchpoints"]), "hours": f["number"](h, 0)}
        for row, h in zip(months, hours))
    chart = Columns(_("Planned hours per month"), description, tuple(hours), labels,
                    value_labels=tuple(f["number"](h) for h in hours))
    total = data["minutes"] or 0
    per_category = [{"category": category, **row, "hours": row["minutes"] / 60,
                     "bar": Bar(row["share"] or 0.0, 1.0)}
                    for category, row in data["per_category"].items()]
    employees = report.portfolio.employees
    largest = max((row["minutes"] for row in data["per_owner"]), default=0) or 1
    busiest = sorted(data["per_owner"], key=lambda row: -row["minutes"])[:OWNER_LIMIT]
    shown = {id(row) for row in busiest}
    per_owner = [{"name": (employees[row["owner"]].name if row["owner"] in employees
                           else row["owner"]) or _("nobody"),
                  "relations": row["relations"], "touchpoints": row["touchpoints"],
                  "hours": row["minutes"] / 60, "bar": Bar(row["minutes"], largest)}
                 for row in data["per_owner"] if id(row) in shown]
    return {"months": data["months"], "from": data["from"], "to": data["to"],
            "touchpoints": data["touchpoints"], "hours": total / 60, "catch_up": data["catch_up"],
            "chart": chart, "per_category": per_category, "per_owner": per_owner,
            "owners_more": len(data["per_owner"]) - len(per_owner)}
