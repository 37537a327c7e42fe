"""Built-in plugin ``indicators``: is the portfolio on track with the method's goals?

Portfolio findings, each with the numbers behind it (numerator, denominator)
or an explicit unknown with its reason. Won records, deals and credit notes are
the core's (``relatierapport.business``): a *deal* is a won record whose amount
is not negative (0 and no amount included), a *credit note* a won record with a
negative amount. Revenue is the sum of the won records' amounts, credit notes
included (they lower it); everything that counts business done counts deals
only. ``credit_notes`` says how many credit notes a figure met.

Success indicators over the period (the last ``period_months`` months: after
the same day ``period_months`` months before the report date, up to and
including the report date), against ``targets``:

``existing_share``
    Share of won business in the period from existing relations: relations
    with a deal on or before the period's start. Measured in amounts
    (``existing_measure = "amount"``: won revenue, credit notes included, so
    the share can pass 1 when new relations' credit notes outweigh their
    deals; unknown when the total is 0 or less; records without an amount left
    out and counted) or in deals (``"count"``).
``referrals_per_a``
    ``referral_given`` touchpoints (the relation referred us) of A relations
    in the period, per A relation, per year. A relations whose sources hold no
    activity history (the ``coverage`` analysis' ``history`` is ``none``) are
    left out and counted: the data could not show their referrals.
``retention_ab``
    Of the A and B relations with a deal in the previous period (the
    ``period_months`` before the period), the share that also has a deal in
    the period (a credit note alone does not retain a relation).
``repeat_share``
    Share of the deals in the period whose relation already had a deal on an
    earlier date (repeat placements); credit notes count in neither.

Monthly KPIs for the report month: the calendar month before the month of
the report date (``kpi_month = "previous"``, the default: a report dated 1 or
15 November covers October) or the month of the report date up to the report
date (``"current"``). Planned touchpoints are the relations whose next
touchpoint per cadence, as of the month's first day, falls due on or before
the month's last day (overdue ones included; the last contact is the later of
the last touchpoint and the export's own last-contact date before the month);
completed are those of them with a touchpoint in the month. Relations whose
sources hold no activity history are left out and counted: no touchpoint of
theirs can show up in the data. New opportunities are business records with
status open or quote dated in the month; value-add activities the value_add
touchpoints in the month; insights shared the value_add touchpoints whose
notes match ``insight_keywords`` (market insight, benchmarks, trends, ...).

Relation indicators: average relationship duration (years from ``since`` to
the report date: whole days / 365.25, the mean length of a calendar year), the
same for relations that went quiet (no touchpoint and no deal in the period:
years from ``since`` to their last activity, the later of the last touchpoint
and the last deal), average value per relation (won revenue in the period /
relations with a won record with an amount in the period) and profitability
(revenue - hours x ``hourly_cost`` over the won records with an amount and
hours: a deal without hours is left out and counted with its revenue, never
taken as 0 hours; a credit note without hours counts with 0 hours, since a
refund is no work; unknown when no deal with an amount has hours).

Each relation's category and cadence in months come from the ``cadence``
analysis' findings; indicators requires that analysis, and reads the
``coverage`` analysis' ``history`` when it is loaded.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from relatierapport import hookimpl
from relatierapport.builtin.analyses.evidence import keywords_regex, window
from relatierapport.business import credit_note_condition, deal_condition, won_condition
from relatierapport.dates import YEAR_DAYS, add_months
from relatierapport.exact import exact_sum, exact_total
from relatierapport.hooktypes import Analysis, Findings, Section
from relatierapport.render.labels import N_
from relatierapport.options import Integer, ListOf, Number, Option, OptionGroup, Table, Text
from relatierapport.relation_table import relation_columns

NAME = "indicators"
SUCCESS = ("existing_share", "referrals_per_a", "retention_ab", "repeat_share")
SHARES = ("existing_share", "retention_ab", "repeat_share")
DEFAULT_TARGETS = {"existing_share": 0.8, "referrals_per_a": 3.0, "retention_ab": 0.9,
                   "repeat_share": 0.6}
DEFAULT_INSIGHT_KEYWORDS = ["marktinzicht", "benchmark", "salarisbenchmark", "salarisindicatie",
                            "arbeidsmarktrapportage", "rapportage", "trends", "whitepaper",
                            "market insight", "insight", "report"]

NO_WON = N_("no won business in the period")
NO_AMOUNTS = N_("won business in the period has no amounts")
NO_POSITIVE_REVENUE = N_("won revenue in the period is not above 0")
NO_A = N_("no A relations")
NO_A_HISTORY = N_("no A relation has activity history in the data")
NO_AB_BEFORE = N_("no A or B relation had won business in the previous period")
NO_SINCE = N_("no relation has a start date (since) on or before the report date")
NO_LAPSED = N_("no relation went quiet in the period")
NO_REVENUE = N_("no won revenue in the period")
NO_COST = N_("no hourly cost configured (hourly_cost)")
NO_HOURS = N_("no won business with both amount and hours in the period")
NO_PLANNED = N_("no relation was due in the month")
REL_NO_SINCE = N_("no start date (since)")
REL_NOT_STARTED = N_("starts after the report date")
REL_NO_BUSINESS = N_("no business records")
REL_NO_TOUCHPOINTS = N_("no touchpoints on record")
REL_NO_HISTORY = N_("no touchpoints in the data: its sources hold no activity history")
REL_NO_HOURS = N_("no hours recorded on won business in the period")


def _check_targets(value):
    bad = [key for key in SHARES if key in value and value[key] > 1]
    return f"expected shares from 0 to 1 for {', '.join(bad)} (0.8 = 80%)" if bad else None


def _check_keywords(value):
    if any(not word.strip().strip("*").strip() for word in value):
        return "expected non-empty keywords"
    return None


@hookimpl
def config_options():
    return [OptionGroup(f"plugins.{NAME}", (
        Option("period_months", Integer(minimum=1, maximum=120), 12,
               "The period of the success and relation indicators: this many months up to the "
               "report date (retention compares with the period before it)."),
        Option("targets", Table(Number(minimum=0), keys=SUCCESS), dict(DEFAULT_TARGETS),
               "Targets of the success indicators: existing_share, retention_ab and repeat_share "
               "as shares from 0 to 1 (0.8 = 80%), referrals_per_a as referrals per A relation "
               "per year; keys not given keep their default.", check=_check_targets),
        Option("existing_measure", Text(choices=("amount", "count")), "amount",
               "Share of business from existing relations measured in amounts or in won records."),
        Option("kpi_month", Text(choices=("previous", "current")), "previous",
               "Monthly KPIs for the calendar month before the report date's month (previous) "
               "or for the report date's own month up to the report date (current)."),
        Option("insight_keywords", ListOf(Text()), list(DEFAULT_INSIGHT_KEYWORDS),
               "A value-add touchpoint whose notes contain one of these words counts as an "
               "insight shared (whole words, case-insensitive, * at either end for longer words); "
               "[] counts every value-add touchpoint.", check=_check_keywords),
        Option("hourly_cost", Number(minimum=0), 0.0,
               "Cost of one hour of our time in euros, for profitability (revenue - hours x "
               "hourly cost); 0 = not set: [business] hourly_cost."),
    ), "Success indicators, monthly KPIs and relation indicators of the portfolio.")]


@hookimpl
def analyses():
    return [Analysis(NAME, analyse, requires=("cadence",), after=("coverage",),
                     description="Success indicators against targets, monthly KPIs, relation "
                                 "indicators.")]


def settings(config) -> dict:
    """Validated options; an unset hourly_cost falls back to [business] hourly_cost.

    Its source keeps the name "segmentation" that report.json gave it when that table was
    segmentation's, so readers of report.json see no change."""
    options = dict(config.plugin(NAME))
    options["targets"] = {**DEFAULT_TARGETS, **options["targets"]}
    if not options["hourly_cost"]:          # 0: not set
        options["hourly_cost"], options["hourly_cost_source"] = None, None
    else:
        options["hourly_cost_source"] = NAME
    if options["hourly_cost"] is None:
        fallback = config.business.get("hourly_cost")
        if isinstance(fallback, (int, float)) and not isinstance(fallback, bool):
            options["hourly_cost"], options["hourly_cost_source"] = float(fallback), "segmentation"
    return options


def _ratio(numerator, denominator, target, unit, unknown, scale=1.0, **extra) -> dict:
    """An indicator with the numbers behind it; unknown when the denominator is 0 (or below: won
    revenue that credit notes bring to 0 or less)."""
    if not denominator or denominator < 0:
        return {"value": None, "target": target, "met": None, "numerator": numerator,
                "denominator": denominator, "unit": unit, "unknown": unknown, **extra}
    value = numerator / denominator * scale
    return {"value": round(value, 4), "target": target, "met": value >= target if target is not None
            else None, "numerator": numerator, "denominator": denominator, "unit": unit,
            "unknown": None, **extra}


def report_month(as_of: dt.date, basis: str) -> tuple[dt.date, dt.date, dt.date]:
    """(first day, last calendar day, last day with data) of the KPI month."""
    first_of_this = as_of.replace(day=1)
    if basis == "current":
        last = add_months(first_of_this, 1) - dt.timedelta(days=1)
        return first_of_this, last, as_of
    last = first_of_this - dt.timedelta(days=1)
    return last.replace(day=1), last, last


def analyse(portfolio, config, findings) -> Findings:
    options = settings(config)
    as_of = config.as_of
    months = options["period_months"]
    start = add_months(as_of, -months)
    previous_start = add_months(as_of, -2 * months)
    cats = relation_columns(findings["cadence"].relations,
                            {"category": pl.String, "cadence_months": pl.Int64})
    coverage = findings.get("coverage")
    history = (relation_columns(coverage.relations, {"history": pl.String}) if coverage is not None
               else cats.select("relation", pl.lit("others").alias("history")))
    cats = cats.join(history, on="relation", how="left", maintain_order="left")
    targets = options["targets"]

    facts = config.business
    business = (portfolio.business.lazy().filter(pl.col("date") <= as_of)
                .with_columns(won_condition(facts).alias("_won"), deal_condition(facts).alias("_deal"),
                              credit_note_condition(facts).alias("_credit")))
    in_period = window(as_of, months)
    is_won, is_deal, is_credit = pl.col("_won"), pl.col("_deal"), pl.col("_credit")
    # won records (deals and credit notes) in the period; first_won is the relation's first deal
    won = (business.filter(is_won)
           .with_columns(pl.col("date").filter(pl.col("_deal")).min().over("relation")
                         .alias("first_won")))
    has_amount = pl.col("amount").is_not_null()
    # profit counts a won record with its hours; a credit note without hours counts with 0 hours
    # (a refund is no work); a deal without hours is left out, and counted
    priced = has_amount & (pl.col("hours").is_not_null() | is_credit)
    per_relation_business = business.group_by("relation").agg(
        pl.len().alias("records"),
        (is_deal & in_period).sum().alias("won"),
        (is_credit & in_period).sum().alias("credit_notes"),
        (is_won & in_period).sum().alias("won_records"),
        (is_won & in_period & has_amount).sum().alias("won_with_amount"),
        (is_deal & in_period & has_amount).sum().alias("deals_with_amount"),
        exact_sum(pl.col("amount").filter(is_won & in_period)).alias("revenue"),
        exact_sum(pl.col("amount").filter(is_won & in_period & priced)).alias("revenue_with_hours"),
        exact_sum(pl.col("hours").filter(is_won & in_period & priced)).alias("hours").fill_null(0.0),
        (is_won & in_period & has_amount & ~priced).sum().alias("without_hours"),
        exact_sum(pl.col("amount").filter(is_won & in_period & has_amount & ~priced))
        .alias("revenue_without_hours"),
        (is_deal & (pl.col("date") > previous_start) & (pl.col("date") <= start)).sum()
        .alias("won_before"),
        pl.col("date").filter(is_deal).min().alias("first_won"),
        pl.col("date").filter(is_deal).max().alias("last_won"))
    touchpoints = portfolio.touchpoints.lazy().filter(pl.col("date") <= as_of)
    per_relation_touch = touchpoints.group_by("relation").agg(
        pl.len().alias("n"),
        ((pl.col("kind") == "referral_given") & in_period).sum().alias("referrals"),
        pl.col("date").max().alias("last"))
    frame = (cats.lazy()
             .join(portfolio.relation_frame().lazy().select("relation", "since"), on="relation",
                   how="left", maintain_order="left")
             .join(per_relation_business, on="relation", how="left", maintain_order="left")
             .join(per_relation_touch, on="relation", how="left", maintain_order="left")
             .collect())

    # -- success indicators
    period_won = won.filter(in_period).with_columns(
        (pl.col("first_won") <= start).fill_null(False).alias("existing"),
        (pl.col("_deal") & (pl.col("first_won") < pl.col("date"))).fill_null(False).alias("repeat")
    ).collect()
    period_deals = period_won.filter(pl.col("_deal"))
    credit_notes = period_won.height - period_deals.height
    measure = options["existing_measure"]
    if measure == "amount":
        counted = period_won.filter(pl.col("amount").is_not_null())
        numerator = exact_total(counted.filter(pl.col("existing")), "amount")
        denominator = exact_total(counted, "amount")
        unknown = (NO_POSITIVE_REVENUE if counted.height else NO_AMOUNTS if period_won.height
                   else NO_WON)
        existing = _ratio(round(numerator, 2), round(denominator, 2), targets["existing_share"],
                          "share", unknown, measure=measure,
                          records_without_amount=period_won.height - counted.height,
                          credit_notes=credit_notes)
    else:
        existing = _ratio(int(period_deals["existing"].sum()), period_deals.height,
                          targets["existing_share"], "share", NO_WON, measure=measure,
                          credit_notes=credit_notes)

    all_a = frame.filter(pl.col("category") == "A")
    a_relations = all_a.filter(pl.col("history") != "none")
    referrals = _ratio(int(a_relations["referrals"].fill_null(0).sum()), a_relations.height,
                       targets["referrals_per_a"], "per_relation_per_year",
                       NO_A_HISTORY if all_a.height else NO_A, scale=12 / months,
                       without_history=all_a.height - a_relations.height)

    retention_per_category = {}
    base_total = retained_total = 0
    for category in ("A", "B"):
        base = frame.filter((pl.col("category") == category) & (pl.col("won_before").fill_null(0) > 0))
        lost = base.filter(pl.col("won") == 0)["relation"].sort().to_list()
        retention_per_category[category] = {"base": base.height, "retained": base.height - len(lost),
                                            "lost": lost}
        base_total += base.height
        retained_total += base.height - len(lost)
    retention = _ratio(retained_total, base_total, targets["retention_ab"], "share", NO_AB_BEFORE,
                       per_category=retention_per_category)

    repeat = _ratio(int(period_deals["repeat"].sum()), period_deals.height, targets["repeat_share"],
                    "share", NO_WON, credit_notes=credit_notes)

    success = {"existing_share": existing, "referrals_per_a": referrals,
               "retention_ab": retention, "repeat_share": repeat}

    # -- monthly KPIs
    first, last_day, data_end = report_month(as_of, options["kpi_month"])
    kpis = _monthly(portfolio, cats, first, last_day, data_end, options)

    # -- relation indicators and per relation
    per_relation = _per_relation(frame, as_of, start, options)
    lapsed = frame.select(_lapsed(as_of, start)).to_series().drop_nulls()
    revenues = frame.filter(pl.col("won_with_amount").fill_null(0) > 0)["revenue"]
    relation_indicators = {
        "duration": _average(_years(frame, as_of), NO_SINCE, "years"),
        "lapsed_duration": _average(lapsed.to_list(), NO_LAPSED, "years"),
        "value_per_relation": _average(revenues.to_list(), NO_REVENUE, "euro"),
        "profitability": {**_profitability(period_won, options["hourly_cost"]),
                          "hourly_cost_source": options["hourly_cost_source"]},
    }
    data_from = business.select(pl.col("date").min()).collect().item()
    return Findings(relations=per_relation, portfolio={
        "period": {"months": months, "from": start + dt.timedelta(days=1), "to": as_of,
                   "previous_from": previous_start + dt.timedelta(days=1), "data_from": data_from,
                   "partial": data_from is not None and data_from > previous_start + dt.timedelta(days=1)},
        "success": success, "kpis": kpis, "relations": relation_indicators})


def _started(as_of) -> pl.Expr:
    return pl.col("since").is_not_null() & (pl.col("since") <= as_of)


def _years(frame: pl.DataFrame, as_of) -> list[float]:
    """Unrounded relationship years of the relations that have started, for the average."""
    return frame.filter(_started(as_of)).select(
        (pl.lit(as_of) - pl.col("since")).dt.total_days() / YEAR_DAYS).to_series().to_list()


def _lapsed(as_of, start) -> pl.Expr:
    """Years from since to the last activity, for relations whose last activity (touchpoint or
    won business) lies on or before the period's start."""
    activity = pl.max_horizontal("last", "last_won")
    return (pl.when(_started(as_of) & activity.is_not_null() & (activity <= start)
                    & (activity >= pl.col("since")))
            .then((activity - pl.col("since")).dt.total_days() / YEAR_DAYS))


def _per_relation(frame: pl.DataFrame, as_of, start, options) -> pl.DataFrame:
    """Per relation: duration, whether it is existing, revenue, profit after hours, referrals;
    every figure with its unknown reason."""
    since, records, won = pl.col("since"), pl.col("records"), pl.col("won")
    with_amount, without_hours = pl.col("won_with_amount"), pl.col("without_hours")
    text = lambda value: pl.lit(value, pl.String)  # noqa: E731
    no_business, no_won, no_amounts = records.is_null(), pl.col("won_records") == 0, with_amount == 0
    duration = pl.struct(
        pl.when(_started(as_of)).then(((pl.lit(as_of) - since).dt.total_days() / YEAR_DAYS).round(2))
        .alias("value"), since,
        pl.when(_started(as_of)).then(text(None)).when(since.is_null()).then(text(REL_NO_SINCE))
        .otherwise(text(REL_NOT_STARTED)).alias("unknown")).alias("duration")
    revenue = pl.struct(
        pl.when(no_business).then(None).when(no_won).then(0.0).when(no_amounts).then(None)
        .otherwise(pl.col("revenue").round(2)).alias("value"),
        pl.when(no_business).then(0).otherwise(won).alias("won"),
        pl.when(no_business).then(0).otherwise(pl.col("credit_notes")).alias("credit_notes"),
        # won records without an amount: the value sums the known amounts, and says how many
        pl.when(no_business).then(0).otherwise(pl.col("won_records") - with_amount)
        .alias("records_without_amount"),
        pl.when(no_business).then(text(REL_NO_BUSINESS)).when(no_won).then(text(None))
        .when(no_amounts).then(text(NO_AMOUNTS)).otherwise(text(None)).alias("unknown")).alias("revenue")
    cost = options["hourly_cost"]
    profit_unknown = (pl.when(no_business).then(text(REL_NO_BUSINESS)).when(no_won).then(text(NO_WON))
                      .when(no_amounts).then(text(NO_AMOUNTS)))
    if cost is None:
        profit_unknown = profit_unknown.otherwise(text(NO_COST))
        cost = 0.0
    else:
        # every deal with an amount lacks hours: the profit would be the credit notes' alone
        deals = pl.col("deals_with_amount")
        profit_unknown = (profit_unknown.when((deals > 0) & (deals == without_hours))
                          .then(text(REL_NO_HOURS)).otherwise(text(None)))
    known = profit_unknown.is_null()
    gain = pl.col("revenue_with_hours") - pl.col("hours") * cost
    profit = pl.struct(
        pl.when(known).then(gain.round(2)).alias("value"),
        pl.when(known).then(pl.col("revenue_with_hours").round(2)).alias("revenue"),
        pl.when(known).then(pl.col("hours").round(2)).alias("hours"),
        pl.when(known).then((pl.col("hours") * cost).round(2)).alias("cost"),
        pl.when(known & (pl.col("revenue_with_hours") > 0))
        .then((gain / pl.col("revenue_with_hours")).round(4)).alias("margin"),
        pl.when(known).then(without_hours).alias("records_without_hours"),
        pl.when(known).then(pl.col("revenue_without_hours").round(2)).alias("revenue_without_hours"),
        pl.when(known).then(pl.col("credit_notes")).alias("credit_notes"),
        profit_unknown.alias("unknown")).alias("profit")
    referrals = pl.struct(
        pl.col("referrals").alias("value"),
        pl.when(pl.col("n").is_null() & (pl.col("history") == "none")).then(text(REL_NO_HISTORY))
        .when(pl.col("n").is_null()).then(text(REL_NO_TOUCHPOINTS)).otherwise(text(None))
        .alias("unknown")).alias("referrals")
    existing = (pl.col("first_won").is_not_null() & (pl.col("first_won") <= start)).fill_null(False)
    return frame.select("relation", "category", duration, existing.alias("existing"), revenue, profit,
                        referrals)


def _average(values: list[float], unknown: str, unit: str) -> dict:
    if not values:
        return {"value": None, "numerator": 0, "denominator": 0, "unit": unit, "unknown": unknown}
    total = sum(values)
    return {"value": round(total / len(values), 2), "numerator": round(total, 2),
            "denominator": len(values), "unit": unit, "unknown": None}


def _profitability(period_won: pl.DataFrame, hourly_cost) -> dict:
    """Revenue - hours x hourly cost over the won records in the period with an amount and hours.

    A deal without hours is left out (its revenue counted in ``revenue_without_hours``), never
    taken as 0 hours; a credit note counts with its hours, and without hours as 0 hours: a
    refund is no work (``credit_notes`` says how many there were)."""
    with_amount = period_won.filter(pl.col("amount").is_not_null())
    priced = pl.col("hours").is_not_null() | pl.col("_credit")
    both = with_amount.filter(priced)
    without = with_amount.filter(~priced)
    base = {"records": both.height, "records_without_hours": without.height,
            "revenue_without_hours": round(exact_total(without, "amount"), 2),
            "credit_notes": int(period_won["_credit"].sum()), "hourly_cost": hourly_cost}
    unknown = {"revenue": None, "hours": None, "cost": None, "margin": None}   # one shape
    if hourly_cost is None:
        return {"value": None, **base, **unknown, "unknown": NO_COST}
    deals_with_amount = with_amount.filter(pl.col("_deal")).height
    if not both.height or (deals_with_amount and not both.filter(pl.col("_deal")).height):
        return {"value": None, **base, **unknown, "unknown": NO_HOURS}
    revenue = exact_total(both, "amount")
    hours = exact_total(both, "hours")
    profit = revenue - hours * hourly_cost
    return {"value": round(profit, 2), **base, "revenue": round(revenue, 2), "hours": round(hours, 2),
            "cost": round(hours * hourly_cost, 2),
            "margin": round(profit / revenue, 4) if revenue > 0 else None, "unknown": None}


def _monthly(portfolio, cats, first, last_day, data_end, options) -> dict:
    tp = portfolio.touchpoints.lazy()
    before = (tp.filter(pl.col("date") < first).group_by("relation")
              .agg(pl.col("date").max().alias("last")))
    month = tp.filter((pl.col("date") >= first) & (pl.col("date") <= data_end))
    pattern = keywords_regex(options["insight_keywords"])
    insight = pl.col("notes").str.contains(pattern).fill_null(False) if pattern else pl.lit(True)
    counts = month.select(
        pl.len().alias("touchpoints"), pl.col("relation").n_unique().alias("relations"),
        (pl.col("kind") == "value_add").sum().alias("value_add"),
        ((pl.col("kind") == "value_add") & insight).sum().alias("insights"),
    ).collect().row(0, named=True)
    contacted = month.select(pl.col("relation").unique(), pl.lit(True).alias("contacted"))

    # due per cadence as of the month's first day, by the cadence analysis' rule: the last contact
    # is the later of the last touchpoint and the export's own last-contact date before the month
    records = list(portfolio.relations.values())
    summaries = pl.LazyFrame({"relation": [r.id for r in records],
                              "summary": [r.summary_last_contact for r in records]},
                             schema={"relation": pl.String, "summary": pl.Date})
    relations = (cats.lazy()
                 .join(portfolio.relation_frame().lazy().select("relation", "since"), on="relation",
                       how="left", maintain_order="left")
                 .join(summaries, on="relation", how="left", maintain_order="left")
                 .select("relation", "since", "history", pl.col("cadence_months").alias("months"),
                         pl.when(pl.col("summary") < first).then(pl.col("summary")).alias("summary")))
    step = pl.format("{}mo", pl.col("months"))
    last = pl.max_horizontal("last", "summary")
    due = (pl.when(last.is_not_null()).then(last.dt.offset_by(step))
           .when(pl.col("since").is_not_null()).then(pl.col("since").dt.offset_by(step))
           .otherwise(pl.lit(first)))
    without_history = relations.filter(pl.col("history") == "none").select(pl.len()).collect().item()
    plan = (relations.filter(pl.col("history") != "none")
            .filter(pl.col("since").is_null() | (pl.col("since") <= last_day))
            .join(before, on="relation", how="left").join(contacted, on="relation", how="left")
            .with_columns(due.alias("due"))
            .filter(pl.col("due") <= last_day)
            .select(pl.len().alias("planned"), (pl.col("due") < first).sum().alias("overdue"),
                    pl.col("contacted").fill_null(False).sum().alias("completed"))
            .collect().row(0, named=True))
    planned, completed, overdue = plan["planned"], plan["completed"], plan["overdue"]
    opportunities = (portfolio.business.lazy()
                     .filter((pl.col("date") >= first) & (pl.col("date") <= data_end)
                             & pl.col("status").is_in(["open", "quote"]))
                     .select(pl.len().alias("count"), exact_sum(pl.col("amount")).alias("amount"),
                             (pl.col("status") == "open").sum().alias("open"),
                             (pl.col("status") == "quote").sum().alias("quote"))
                     .collect().row(0, named=True))
    completion = _ratio(completed, planned, None, "share", NO_PLANNED, overdue_at_start=overdue,
                        without_history=without_history)
    completion.pop("target")
    completion.pop("met")
    return {
        "basis": options["kpi_month"], "month": first.strftime("%Y-%m"), "from": first,
        "to": data_end,
        "touchpoints_vs_planned": completion,
        "touchpoints": counts["touchpoints"], "relations_contacted": counts["relations"],
        "new_opportunities": {"count": opportunities["count"],
                              "amount": round(float(opportunities["amount"] or 0), 2),
                              "open": opportunities["open"], "quote": opportunities["quote"]},
        "value_add": counts["value_add"],
        "insights": {"count": counts["insights"],
                     "by": "keywords" if pattern else "every value-add touchpoint"},
    }


@hookimpl
def report_sections(kind, relation, report):
    found = report.findings.get(NAME)
    if found is None:
        return []
    if kind == "portfolio":
        data = found.portfolio
        return [
            Section("indicators-success", report.translate("Success indicators"),
                    "sections/indicators_success.html", 40, data),
            Section("indicators-kpis", report.translate("Monthly KPIs"),
                    "sections/indicators_kpis.html", 42, data),
            Section("indicators-relations", report.translate("Relation indicators"),
                    "sections/indicators_relations.html", 44, data),
        ]
    return [Section("indicators", report.translate("Key figures"), "sections/indicators_relation.html",
                    45, {**found.relations[relation.id], "period": found.portfolio["period"]})]
