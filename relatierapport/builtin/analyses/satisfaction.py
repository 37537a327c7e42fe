"""Built-in plugin ``satisfaction``: the service-profit chain, stated honestly.

Satisfied employees make satisfied customers. Per employee and per team this
sets employee satisfaction (employee surveys) next to the satisfaction
(customer surveys) and health (the ``health`` analysis) of the relations they
own, now and per period, and measures the link across employees with a rank
correlation (Spearman's rho: Pearson's correlation of the ranks, ties
averaged). The link always comes with the number of employees and relations
behind it, its confidence interval (Fisher's z) and a plain-language strength;
below the minimum sample, or when the interval holds 0, it says that no
conclusion can be drawn. Signals name the
employees and teams where low or falling employee satisfaction meets falling
relation health or falling customer satisfaction.

Scores are put on a scale of 10 (a 4 on a scale of 5 is an 8). Employees and
teams are few (one per fifty relations or so): the aggregation is polars, the
lists are built from its rows.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import datetime as dt

import polars as pl

from relatierapport import hookimpl
from relatierapport.dates import add_months
from relatierapport.exact import divided
from relatierapport.hooktypes import Analysis, Findings, Section
from relatierapport.render.labels import N_
from relatierapport.options import Integer, Number, Option, OptionGroup, Table
from relatierapport.relation_table import relation_columns

NAME = "satisfaction"
STRENGTHS = ("weak", "moderate", "strong")
DEFAULT_STRENGTH = {"weak": 0.1, "moderate": 0.3, "strong": 0.5}


#: The health analysis' per-relation trend (docs/analyses/health.md).
HEALTH_TREND = pl.Struct({"change": pl.Float64, "direction": pl.String, "unknown": pl.String})


def _ordered(bounds: dict) -> str | None:
    merged = {**DEFAULT_STRENGTH, **bounds}
    if not merged["weak"] <= merged["moderate"] <= merged["strong"]:
        return "expected weak <= moderate <= strong"
    return None


@hookimpl
def config_options():
    return [OptionGroup(f"plugins.{NAME}", (
        Option("months", Integer(minimum=1, maximum=60), 12,
               "Employee and customer satisfaction of this many months before the report date "
               "count for the link and the current figures."),
        Option("period_months", Integer(minimum=1, maximum=12), 3,
               "Length of the periods of the satisfaction over time, in months (3: quarters); "
               "calendar periods from January."),
        Option("periods", Integer(minimum=1, maximum=24), 6,
               "Periods shown over time, up to the one holding the report date."),
        Option("min_employees", Integer(minimum=3, maximum=10000), 5,
               "Fewest employees (with both values) for which the link is stated as a number."),
        Option("min_relations", Integer(minimum=1, maximum=1000000), 20,
               "Fewest relations behind those employees for which the link is stated as a number."),
        Option("confidence", Number(minimum=0.5, maximum=0.999), 0.95,
               "Confidence level of the interval around the rank correlation (0.95 or 0.90); a link "
               "whose interval holds 0 is stated as no conclusion."),
        Option("strength", Table(Number(minimum=0.0, maximum=1.0), keys=STRENGTHS),
               dict(DEFAULT_STRENGTH),
               "Lowest size of the rank correlation (either sign) called weak, moderate and strong; "
               "below weak there is no link. Keys not given keep their default.", check=_ordered),
        Option("low_score", Number(minimum=0.0, maximum=10.0), 6.5,
               "Employee satisfaction (out of 10) below this is low."),
        Option("falling_points", Number(minimum=0.0, maximum=10.0), 0.5,
               "A fall of at least this many points (out of 10) from one period with a score to "
               "the next is falling, for employee and customer satisfaction."),
        Option("health_falling_points", Number(minimum=0.0, maximum=100.0), 5.0,
               "Relation health falls when the owned relations' scores changed by this many points "
               "or more downwards on average (the health analysis' trend)."),
        Option("list_limit", Integer(minimum=0), 100,
               "Most employees listed in the report (signals first); 0 = all. report.json has all."),
    ), "The service-profit chain: employee satisfaction next to the satisfaction and health of "
       "the relations they own, and the link between them.")]


@hookimpl
def analyses():
    return [Analysis(NAME, analyse, after=("health",),
                     description="Employee satisfaction, their relations' satisfaction and health, "
                                 "and the rank correlation between them.")]


def settings(config) -> dict:
    options = dict(config.plugin(NAME))
    options["strength"] = {**DEFAULT_STRENGTH, **options["strength"]}
    return options


#: Scores are summed as whole millionths and health as tenths: integer sums are the same whatever
#: order polars adds them up in, so report.json is byte-identical from run to run.
SCORE_UNIT, HEALTH_UNIT = 1_000_000, 10


def _scores(surveys: pl.DataFrame, kind: str) -> pl.LazyFrame:
    """Scores out of 10, in millionths."""
    out_of_ten = pl.col("score") * 10 / pl.col("scale").fill_null(10.0)
    return (surveys.lazy().filter(pl.col("kind") == kind)
            .select("subject", "date", (out_of_ten * SCORE_UNIT).round().cast(pl.Int64).alias("score")))


def periods(as_of: dt.date, months: int, count: int) -> list[tuple[dt.date, dt.date]]:
    """Calendar periods of ``months`` months from January, the last one holding ``as_of``."""
    first_month = (as_of.month - 1) // months * months + 1
    last_start = dt.date(as_of.year, first_month, 1)
    starts = [add_months(last_start, -months * back) for back in range(count - 1, -1, -1)]
    return [(start, add_months(start, months) - dt.timedelta(days=1)) for start in starts]


def _period_column(blocks: list[tuple[dt.date, dt.date]]) -> pl.Expr:
    """The index of the period a survey's date falls in (null outside them)."""
    expr = pl.lit(None, pl.Int64)
    for index, (start, end) in enumerate(blocks):
        expr = pl.when(pl.col("date").is_between(start, end)).then(pl.lit(index)).otherwise(expr)
    return expr


def strength(rho: float, bounds: dict) -> str:
    size = abs(rho)
    for word in reversed(STRENGTHS):
        if size >= bounds[word]:
            return word
    return "none"


def link(points: pl.DataFrame, options: dict) -> dict:
    """Spearman's rho between ``x`` and ``y`` over the employees in ``points`` (one row each, with
    ``relations`` behind it), or why no conclusion can be drawn."""
    points = points.drop_nulls(["x", "y"])
    employees, relations = points.height, int(points["relations"].sum() or 0)
    result = {"employees": employees, "relations": relations, "rho": None, "strength": None,
              "direction": None, "conclusion": "too_few",
              "interval": {"level": options["confidence"], "low": None, "high": None,
                           "method": "fisher_z"},
              "minimum": {"employees": options["min_employees"], "relations": options["min_relations"]}}
    if employees < options["min_employees"] or relations < options["min_relations"]:
        return result
    rho = points.select(pl.corr("x", "y", method="spearman")).item()
    if rho is None or rho != rho:      # NaN: every x (or every y) the same
        result["conclusion"] = "no_variation"
        return result
    interval = fisher_interval(rho, employees, options["confidence"])
    rho = round(rho, 3)
    result.update(rho=rho, strength=strength(rho, options["strength"]), conclusion="ok",
                  direction="positive" if rho > 0 else "negative" if rho < 0 else None,
                  interval=interval)
    if interval["low"] is None or interval["low"] <= 0 <= interval["high"]:
        result["conclusion"] = "spans_zero"      # the data cannot tell the sign of the link
    return result


def fisher_interval(rho: float, n: int, level: float) -> dict:
    """The confidence interval of a Spearman rho from ``n`` pairs, by Fisher's z: z = atanh(rho),
    standard error sqrt(1.06 / (n - 3)) (Fieller, Hartley and Pearson 1957, for rank
    correlations), z ± q × se with q the normal quantile of (1 + level) / 2, back with tanh;
    rounded to 3 decimals. Unknown (None) for n <= 3; a rho of ±1 has no width."""
    found = {"level": level, "low": None, "high": None, "method": "fisher_z"}
    if n <= 3:
        return found
    if abs(rho) >= 1:
        return {**found, "low": round(rho, 3), "high": round(rho, 3)}
    quantile = NormalDist().inv_cdf((1 + level) / 2)
    z, spread = math.atanh(rho), quantile * math.sqrt(1.06 / (n - 3))
    return {**found, "low": round(math.tanh(z - spread), 3), "high": round(math.tanh(z + spread), 3)}


def analyse(portfolio, config, findings) -> Findings:
    options = settings(config)
    as_of = config.as_of
    window_start = add_months(as_of, -options["months"])
    in_window = (pl.col("date") > window_start) & (pl.col("date") <= as_of)
    blocks = periods(as_of, options["period_months"], options["periods"])

    relations = portfolio.relation_frame().select("relation", "owner")
    health = findings.get("health")
    if health is not None:
        found = relation_columns(health.relations, {"score": pl.Float64, "trend": HEALTH_TREND})
        found = found.select("relation",
                             (pl.col("score") * HEALTH_UNIT).round().cast(pl.Int64).alias("health"),
                             (pl.col("trend").struct.field("change") * HEALTH_UNIT).round()
                             .cast(pl.Int64).alias("health_change"),
                             (pl.col("trend").struct.field("direction") == "down").alias("health_down"))
        if found["relation"].equals(relations["relation"]):      # in portfolio order: no join
            relations = relations.hstack(found.drop("relation").get_columns())
        else:
            relations = relations.join(found, on="relation", how="left", maintain_order="left")
    else:
        relations = relations.with_columns(pl.lit(None, pl.Int64).alias("health"),
                                           pl.lit(None, pl.Int64).alias("health_change"),
                                           pl.lit(None, pl.Boolean).alias("health_down"))

    employee_scores = (_scores(portfolio.surveys, "employee").filter(pl.col("date") <= as_of)
                       .rename({"subject": "employee"}).with_columns(_period_column(blocks).alias("period")))
    customer_scores = (_scores(portfolio.surveys, "customer").filter(pl.col("date") <= as_of)
                       .join(relations.lazy().select("relation", pl.col("owner").alias("employee")),
                             left_on="subject", right_on="relation", how="inner", maintain_order="left")
                       .with_columns(_period_column(blocks).alias("period")))
    people = _people(portfolio, employee_scores, relations)
    now, per_period = _partials(employee_scores, customer_scores, relations, in_window)
    per_employee = _units(people.select("employee", pl.col("employee").alias("unit")), now, per_period,
                          blocks, options)
    per_team = _units(people.filter(pl.col("team").is_not_null()).select("employee", pl.col("team").alias("unit")),
                      now, per_period, blocks, options)
    employees = (people.join(per_employee.drop("members"), left_on="employee", right_on="unit",
                             how="left", maintain_order="left"))
    team_rows = per_team.sort("unit").rename({"unit": "team"})

    points = employees.select("employee", "name", "team", pl.col("satisfaction").alias("x"))
    customer_link = link(points.join(employees.select("employee", pl.col("customer_satisfaction").alias("y"),
                                                      pl.col("surveyed_relations").alias("relations")),
                                     on="employee"), options)
    health_link = link(points.join(employees.select("employee", pl.col("health").alias("y"),
                                                    pl.col("scored_relations").alias("relations")),
                                   on="employee"), options)
    for found_link, column in ((customer_link, "customer_satisfaction"), (health_link, "health")):
        found_link["points"] = (employees.filter(pl.col("satisfaction").is_not_null(),
                                                 pl.col(column).is_not_null())
                                .select(pl.col("employee").alias("id"), "name",
                                        pl.col("satisfaction").alias("x"), pl.col(column).alias("y"))
                                .to_dicts())
    employee_rows = employees.rename({"employee": "id"}).to_dicts()
    team_list = team_rows.to_dicts()
    signals = ([_signal("employee", row) for row in employee_rows if row["signal"]]
               + [_signal("team", row) for row in team_list if row["signal"]])
    return Findings(portfolio={
        "window": {"from": window_start + dt.timedelta(days=1), "to": as_of, "months": options["months"]},
        "periods": [{"from": start, "to": end} for start, end in blocks],
        "employees": employee_rows, "teams": team_list,
        "link": {"customer_satisfaction": customer_link, "health": health_link},
        "signals": signals,
        "thresholds": {key: options[key] for key in ("low_score", "falling_points",
                                                     "health_falling_points", "strength")},
        "list_limit": options["list_limit"],
    })


def _people(portfolio, employee_scores: pl.LazyFrame, relations: pl.DataFrame) -> pl.DataFrame:
    """Every employee: from the employees table, employee surveys and relation owners."""
    known = pl.DataFrame([(e.id, e.name, e.team) for e in portfolio.employees.values()],
                         schema={"employee": pl.String, "name": pl.String, "team": pl.String},
                         orient="row")
    seen = pl.concat([employee_scores.select("employee").collect(),
                      relations.select(pl.col("owner").alias("employee")).drop_nulls()]).unique()
    extra = seen.join(known, on="employee", how="anti").with_columns(
        pl.lit(None, pl.String).alias("name"), pl.lit(None, pl.String).alias("team"))
    return pl.concat([known, extra]).sort("employee")


SUMS = ("staff_sum", "staff_n", "customer_sum", "customer_n", "surveyed_relations", "relations",
        "health_sum", "scored_relations", "change_sum", "changed", "health_down")


def _partials(employee_scores: pl.LazyFrame, customer_scores: pl.LazyFrame, relations: pl.DataFrame,
              in_window: pl.Expr) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Sums and counts per employee (now) and per employee and period: one pass over each table.
    A team's figures are the sums of its employees', so means stay means of all the scores."""
    staff = employee_scores.filter(in_window).group_by("employee").agg(
        pl.col("score").sum().alias("staff_sum"), pl.len().alias("staff_n"))
    customers = customer_scores.filter(in_window).group_by("employee").agg(
        pl.col("score").sum().alias("customer_sum"), pl.len().alias("customer_n"),
        pl.col("subject").n_unique().alias("surveyed_relations"))
    owned = relations.lazy().filter(pl.col("owner").is_not_null()).group_by(
        pl.col("owner").alias("employee")).agg(
        pl.len().alias("relations"), pl.col("health").sum().alias("health_sum"),
        pl.col("health").count().alias("scored_relations"),
        pl.col("health_change").sum().alias("change_sum"),
        pl.col("health_change").count().alias("changed"),
        pl.col("health_down").sum().alias("health_down"))
    now = pl.concat([staff.select("employee"), customers.select("employee"), owned.select("employee")]
                    ).unique().join(staff, on="employee", how="left").join(
        customers, on="employee", how="left").join(owned, on="employee", how="left").with_columns(
        pl.col(SUMS).cast(pl.Int64).fill_null(0))
    staff_periods = employee_scores.filter(pl.col("period").is_not_null()).group_by(
        "employee", "period").agg(pl.col("score").sum().alias("staff_sum"), pl.len().alias("staff_n"))
    customer_periods = customer_scores.filter(pl.col("period").is_not_null()).group_by(
        "employee", "period").agg(pl.col("score").sum().alias("customer_sum"),
                                  pl.len().alias("customer_n"))
    per_period = staff_periods.join(customer_periods, on=["employee", "period"], how="full",
                                    coalesce=True).with_columns(
        pl.col("staff_sum", "staff_n", "customer_sum", "customer_n").cast(pl.Int64).fill_null(0))
    frames = pl.collect_all([now.sort("employee"), per_period.sort("employee", "period")])
    return frames[0], frames[1]


def _mean(total: str, count: str, unit: int) -> pl.Expr:
    return pl.when(pl.col(count) > 0).then(divided(pl.col(total) / pl.col(count), unit)).otherwise(None)


def _units(membership: pl.DataFrame, now: pl.DataFrame, per_period: pl.DataFrame, blocks,
           options) -> pl.DataFrame:
    """Per unit (an employee, or a team of them): satisfaction now and per period, the owned
    relations' customer satisfaction and health, the changes, and whether that is a signal."""
    # joins that keep the order: float sums must add up in the same order every run
    totals = (membership.join(now, on="employee", how="left", maintain_order="left").group_by("unit")
              .agg(pl.col(SUMS).sum(), pl.col("employee").sort().alias("members")))
    grid = (membership.select("unit").unique()
            .join(pl.DataFrame({"period": list(range(len(blocks)))}), how="cross"))
    starts = pl.DataFrame({"period": list(range(len(blocks))), "from": [b[0] for b in blocks],
                           "to": [b[1] for b in blocks]})
    periods_of = (membership.join(per_period, on="employee", how="inner", maintain_order="left_right")
                  .group_by("unit", "period").agg(pl.col("staff_sum", "staff_n", "customer_sum",
                                                         "customer_n").sum())
                  .select("unit", "period", _mean("staff_sum", "staff_n", SCORE_UNIT).alias("employee"),
                          _mean("customer_sum", "customer_n", SCORE_UNIT).alias("customer")))
    history = (grid.join(periods_of, on=["unit", "period"], how="left")
               .join(starts, on="period").sort("unit", "period")
               .group_by("unit", maintain_order=True).agg(
                   pl.struct("from", "to", pl.col("employee").round(2), pl.col("customer").round(2))
                   .alias("history"),
                   _last_change("employee").alias("change"),
                   _last_value("employee").alias("latest"),
                   _last_change("customer").alias("customer_change")))
    frame = totals.join(history, on="unit", how="left").select(
        "unit", _mean("staff_sum", "staff_n", SCORE_UNIT).alias("satisfaction"),
        pl.col("staff_n").cast(pl.Int64).alias("responses"),
        _mean("customer_sum", "customer_n", SCORE_UNIT).alias("customer_satisfaction"),
        pl.col("surveyed_relations").cast(pl.Int64), pl.col("relations").cast(pl.Int64),
        _mean("health_sum", "scored_relations", HEALTH_UNIT).alias("health"),
        pl.col("scored_relations").cast(pl.Int64),
        _mean("change_sum", "changed", HEALTH_UNIT).alias("health_change"),
        pl.col("health_down").cast(pl.Int64), "change", "latest", "customer_change", "history",
        "members")
    low = (pl.col("latest") < options["low_score"]).fill_null(False)
    falling = (pl.col("change") <= -options["falling_points"]).fill_null(False)
    health_falling = (pl.col("health_change") <= -options["health_falling_points"]).fill_null(False)
    customer_falling = (pl.col("customer_change") <= -options["falling_points"]).fill_null(False)
    rounded = [pl.col(c).round(2) for c in ("satisfaction", "customer_satisfaction", "health",
                                             "health_change", "change", "latest", "customer_change")]
    return (frame.with_columns(rounded)
            .with_columns(pl.struct(low.alias("low"), falling.alias("falling"),
                                    health_falling.alias("health_falling"),
                                    customer_falling.alias("customer_falling")).alias("flags"),
                          ((low | falling) & (health_falling | customer_falling)).alias("signal")))


def _with_value(column: str) -> pl.Expr:
    return pl.col(column).drop_nulls()


def _last_value(column: str) -> pl.Expr:
    """The value of the latest period that has one."""
    return _with_value(column).last()


def _last_change(column: str) -> pl.Expr:
    """The latest period with a value minus the one before it with a value."""
    values = _with_value(column)
    return pl.when(values.len() >= 2).then(values.last() - values.slice(-2, 1).first()).otherwise(None)


def _signal(level: str, row: dict) -> dict:
    flags = row["flags"]
    reasons = [name for name in ("low", "falling", "health_falling", "customer_falling") if flags[name]]
    return {"level": level, "id": row["id"] if level == "employee" else row["team"],
            "name": row.get("name"), "team": row.get("team"), "latest": row["latest"],
            "change": row["change"], "health_change": row["health_change"],
            "customer_change": row["customer_change"], "relations": row["relations"],
            "reasons": reasons}


# -- report section ----------------------------------------------------------------------------

STRENGTH_TEXTS = {"strong": N_("a strong link"), "moderate": N_("a moderate link"),
                  "weak": N_("a weak link"), "none": N_("no link to speak of")}
DIRECTION_TEXTS = {"positive": N_("higher employee satisfaction goes with higher values"),
                   "negative": N_("higher employee satisfaction goes with lower values")}
REASON_TEXTS = {"low": N_("employee satisfaction low (%(value)s)"),
                "falling": N_("employee satisfaction falling (%(value)s)"),
                "health_falling": N_("health of their relations falling (%(value)s points)"),
                "customer_falling": N_("customer satisfaction falling (%(value)s)")}
LINK_TITLES = {"customer_satisfaction": N_("Employee satisfaction and customer satisfaction"),
               "health": N_("Employee satisfaction and relation health")}
Y_AXES = {"customer_satisfaction": N_("customer satisfaction of their relations (out of 10)"),
          "health": N_("health of their relations (0-100)")}
#: The vertical axis' label in the chart itself (the long one is in the caption).
Y_LABELS = {"customer_satisfaction": N_("their customers"), "health": N_("their relations' health")}


def _data(translate, text: str) -> str:
    """Translate a text held in a variable (the message extractor only sees literals)."""
    return translate(text)


def _statement(found: dict, translate, number, ngettext) -> str:
    """The link in words, with the numbers behind it; or why no conclusion can be drawn."""
    _ = translate
    if found["conclusion"] == "too_few":
        employees = ngettext("%(num)s employee", "%(num)s employees", found["employees"]) % {
            "num": found["employees"]}
        relations = ngettext("%(num)s relation", "%(num)s relations", found["relations"]) % {
            "num": found["relations"]}
        return _("Too few data to draw a conclusion: %(employees)s and %(relations)s, at least "
                 "%(min_employees)s and %(min_relations)s are needed.") % {
            "employees": employees, "relations": relations,
            "min_employees": found["minimum"]["employees"],
            "min_relations": found["minimum"]["relations"]}
    if found["conclusion"] == "no_variation":
        return _("No conclusion: the scores of these %(employees)s employees do not vary.") % {
            "employees": found["employees"]}
    interval = found["interval"]
    figures = {"rho": number(found["rho"], 2), "employees": found["employees"],
               "relations": found["relations"], "level": f"{round(interval['level'] * 100)}%"}
    if interval["low"] is not None:
        figures.update(low=number(interval["low"], 2), high=number(interval["high"], 2))
    if found["conclusion"] == "spans_zero":
        if interval["low"] is None:
            return _("No conclusion: Spearman's rank correlation %(rho)s from only %(employees)s "
                     "employees has no interval.") % figures
        return _("No conclusion: Spearman's rank correlation %(rho)s, but its %(level)s interval "
                 "from %(low)s to %(high)s holds 0 (%(employees)s employees, %(relations)s "
                 "relations).") % figures
    text = _data(_, STRENGTH_TEXTS[found["strength"]])
    if found["direction"] and found["strength"] != "none":
        text += f" ({_data(_, DIRECTION_TEXTS[found['direction']])})"
    return text[0].upper() + text[1:] + ": " + _(
        "Spearman's rank correlation %(rho)s (%(level)s interval %(low)s to %(high)s), from "
        "%(employees)s employees and %(relations)s relations.") % figures


@hookimpl
def report_sections(kind, report):
    found = report.findings.get(NAME)
    if kind != "portfolio" or found is None or not found.portfolio["employees"]:
        return []
    from relatierapport.render.formatting import filters_for
    from relatierapport.render.i18n import translations

    _ = report.translate
    ngettext = translations(report.config.language).ngettext
    data = found.portfolio
    f = filters_for(report)
    links = []
    for key, link_found in data["link"].items():
        title = _data(_, LINK_TITLES[key])
        statement = _statement(link_found, _, f["number"], ngettext)
        links.append({"key": key, "title": title, "statement": statement,
                      "y_axis": _data(_, Y_AXES[key]), "y_label": _data(_, Y_LABELS[key]),
                      "chart": _scatter(key, link_found["points"], title, statement, _, f),
                      "conclusion": link_found["conclusion"]})
    signals = [{**signal, "reasons": [
        _data(_, REASON_TEXTS[reason]) % {"value": f["number"](
            {"low": signal["latest"], "falling": signal["change"],
             "health_falling": signal["health_change"],
             "customer_falling": signal["customer_change"]}[reason], 1)}
        for reason in signal["reasons"]]} for signal in data["signals"]]
    limit = data["list_limit"] or None
    employees = sorted(data["employees"], key=lambda e: (not e["signal"], e["id"]))
    return [Section("satisfaction", _("Employees and relations"), "sections/satisfaction_portfolio.html",
                    60, {**data, "links": links, "signal_rows": signals,
                         "employee_rows": employees[:limit], "employees_total": len(employees)})]


def _scatter(key: str, points: list[dict], title: str, statement: str, _, f):
    """The link as the report's scatter chart: one dot per employee, scores out of 10 across,
    their relations' satisfaction (out of 10) or health (0-100) up; every employee's values
    are in the chart's text alternative."""
    from relatierapport.render.charts import Point, Scatter

    if not points:
        return None
    top = 100.0 if key == "health" else 10.0
    values = "; ".join(f"{p['name'] or p['id']}: {f['number'](p['x'], 1)}, {f['number'](p['y'], 1)}"
                       for p in points)
    return Scatter(title=title, description=f"{statement} {values}",
                   x_label=_("employee satisfaction (out of 10)"), y_label=_data(_, Y_LABELS[key]),
                   points=tuple(Point(p["x"], p["y"]) for p in points),
                   x_range=(0.0, 10.0), y_range=(0.0, top),
                   x_ticks=(0.0, 2.0, 4.0, 6.0, 8.0, 10.0),
                   y_ticks=tuple(top * step / 5 for step in range(6)))
