"""Each relation's five indicators, score and band at one date, and the trend between the
report date and an earlier one."""

from __future__ import annotations

import polars as pl

from relatierapport.builtin.analyses.distinct import with_distinct
from relatierapport.builtin.analyses.evidence import window
from relatierapport.builtin.analyses.health.options import INDICATORS
from relatierapport.business import deal_condition
from relatierapport.render.labels import N_

MONTH_DAYS = 30          # a cadence month, for the cadence indicator's scale

# Reasons for unknowns: fixed English texts (data in report.json, translated in the report).
NO_TOUCHPOINTS = N_("no touchpoints on record")
NO_OUTGOING = N_("no outgoing touchpoints in the window to measure")
ALL_PENDING = N_("outgoing touchpoints in the window still await a reply")
NO_BUSINESS = N_("no business records")
NEVER_CONTACTED_NO_START = N_("never contacted and no start date (since) known")
NO_HISTORY = N_("no touchpoints in the data: its sources hold no activity history")
NO_HISTORY_CADENCE = N_("no touchpoints in the data and no last-contact date in the export's summary")
TOO_FEW = N_("too little data: fewer indicators known than a health band needs")
NOT_STARTED = N_("the relation had not started yet")
NO_SCORE_NOW = N_("no score now")
NO_SCORE_THEN = N_("no score for the previous period")


def _target(mapping: dict) -> pl.Expr:
    return pl.col("category").replace_strict(mapping, default=mapping["C"], return_dtype=pl.Float64)


def reason(*cases) -> pl.Expr:
    """The first reason text whose condition holds, else null."""
    expr = pl.when(cases[0][0]).then(pl.lit(cases[0][1]))
    for condition, text in cases[1:]:
        expr = expr.when(condition).then(pl.lit(text))
    return expr.otherwise(pl.lit(None, pl.String))


def needed_indicators(options) -> int:
    """How many indicators a band needs: ``min_known_indicators``, but never more than the
    indicators that have a weight above 0."""
    weighted = sum(1 for key in INDICATORS if options["weights"][key] > 0)
    return min(options["min_known_indicators"], weighted)


def reply_pairs(portfolio, as_of) -> pl.DataFrame:
    """Every outgoing touchpoint up to ``as_of`` with the date of the relation's first incoming
    touchpoint on or after it (up to ``as_of``; null when none).

    Computed once for both periods of the trend: for an earlier date, a reply after that date
    had not come yet, and the first reply on or before it is the same one.
    """
    tp = portfolio.touchpoints.lazy().filter(pl.col("date") <= as_of)
    outgoing = tp.filter(pl.col("direction") == "out").select("relation", "date").sort("date")
    incoming = (tp.filter(pl.col("direction") == "in").select("relation", pl.col("date").alias("reply"))
                .sort("reply"))
    return outgoing.join_asof(incoming, left_on="date", right_on="reply", by="relation",
                              strategy="forward", check_sortedness=False).collect()


def measure(portfolio, as_of, options, relations: pl.DataFrame, now: bool,
            pairs: pl.DataFrame | None = None) -> pl.DataFrame:
    """Every relation's indicators, score and band at ``as_of``, one row per relation.

    ``relations`` has relation, category, months, summary (the export's last-contact date; all
    from the cadence analysis), history (the coverage analysis') and (for ``now``) cadence's
    days overdue, status and source of the last contact; without ``now`` (the previous
    period) days overdue are recomputed by the cadence rule at ``as_of``. ``pairs`` are the
    ``reply_pairs`` of a date on or after ``as_of`` (made here when not given).
    """
    if pairs is None:
        pairs = reply_pairs(portfolio, as_of)
    tp = portfolio.touchpoints.lazy().filter(pl.col("date") <= as_of)
    touch = tp.group_by("relation").agg(
        pl.len().alias("n_touch"), pl.col("date").max().alias("last"),
        ((pl.col("kind") == "referral_given") & window(as_of, options["referral_months"]))
        .sum().alias("referrals"),
        ((pl.col("kind") == "value_add") & window(as_of, options["value_add_months"]))
        .sum().alias("value_adds"))

    full, zero = options["response_days"]["full"], options["response_days"]["zero"]
    waited = (pl.lit(as_of) - pl.col("date")).dt.total_days()
    replies = (pairs.lazy().filter(window(as_of, options["response_months"]))
               .with_columns(pl.when(pl.col("reply") <= as_of).then(pl.col("reply")).alias("reply"))
               .with_columns(pl.when(pl.col("reply").is_not_null())
                             .then((pl.col("reply") - pl.col("date")).dt.total_days())
                             .when(waited >= zero).then(waited)
                             .otherwise(None).alias("counted"))
               .group_by("relation").agg(
                   pl.len().alias("outgoing"), pl.col("reply").is_not_null().sum().alias("answered"),
                   (pl.col("reply").is_null() & pl.col("counted").is_not_null()).sum()
                   .alias("unanswered"),
                   pl.col("counted").is_null().sum().alias("pending"),
                   pl.col("counted").median().alias("median")))
    business = (portfolio.business.lazy().filter(pl.col("date") <= as_of).group_by("relation").agg(
        pl.len().alias("n_business"),
        (deal_condition(options["business"]) & window(as_of, options["repeat_months"])).sum()
        .alias("won")))

    zeros = ("n_touch", "referrals", "value_adds", "outgoing", "answered", "unanswered", "pending",
             "n_business", "won")
    frame = (relations.lazy().join(touch, on="relation", how="left", maintain_order="left")
             .join(replies, on="relation", how="left", maintain_order="left")
             .join(business, on="relation", how="left", maintain_order="left")
             .with_columns(pl.col(zeros).fill_null(0)))

    history_none = pl.col("history") == "none"
    since = pl.col("since")
    if now:
        overdue = pl.col("now_overdue")
        no_history = pl.col("now_status") == "no_history"
        never_no_start = (pl.col("now_status") == "never_contacted") & since.is_null()
        evidence = pl.col("now_source").fill_null(pl.lit("since"))
    else:
        # the cadence rule at as_of: the later of the last touchpoint and the export's summary
        summary = pl.when(pl.col("summary") <= as_of).then(pl.col("summary"))
        last = pl.max_horizontal(pl.col("last"), summary)
        step = pl.format("{}mo", pl.col("months"))
        due = (pl.when(last.is_not_null()).then(last.dt.offset_by(step))
               .otherwise(since.dt.offset_by(step)))
        overdue = pl.max_horizontal((pl.lit(as_of) - due).dt.total_days(), pl.lit(0))
        no_history = last.is_null() & history_none
        never_no_start = last.is_null() & since.is_null()
        evidence = (pl.when(pl.col("last").is_not_null()
                            & (summary.is_null() | (pl.col("last") >= summary)))
                    .then(pl.lit("touchpoint")).when(summary.is_not_null())
                    .then(pl.lit("export_summary")).otherwise(pl.lit("since")))
    overdue_unknown = no_history | never_no_start
    no_touch = pl.col("n_touch") == 0
    no_history_touch = no_touch & history_none
    median = pl.col("median")
    per_year = 12 / options["referral_months"]
    scale = options["cadence_zero_periods"] * pl.col("months") * MONTH_DAYS
    frame = frame.with_columns(
        reason((no_history_touch, NO_HISTORY), (no_touch, NO_TOUCHPOINTS),
               (pl.col("outgoing") == 0, NO_OUTGOING),
               (median.is_null(), ALL_PENDING)).alias("response_time_unknown"),
        reason((no_history_touch, NO_HISTORY), (no_touch, NO_TOUCHPOINTS)).alias("referrals_unknown"),
        reason((pl.col("n_business") == 0, NO_BUSINESS)).alias("repeat_business_unknown"),
        reason((no_history_touch, NO_HISTORY), (no_touch, NO_TOUCHPOINTS)).alias("value_add_unknown"),
        reason((no_history, NO_HISTORY_CADENCE),
               (never_no_start, NEVER_CONTACTED_NO_START)).alias("cadence_unknown"),
        _target(options["referral_target"]).alias("referrals_target"),
        _target(options["repeat_target"]).alias("repeat_business_target"),
        _target(options["value_add_target"]).alias("value_add_target"),
        (pl.col("referrals") * per_year).alias("referrals_rate"),
        pl.when(overdue_unknown).then(None).otherwise(overdue).alias("overdue"),
        pl.when(overdue_unknown).then(None).otherwise(evidence).alias("evidence"),
        scale.alias("zero_at_days"),
    )
    scores = {
        "response_time": pl.when(median <= full).then(100.0).when(median >= zero).then(0.0)
        .otherwise(100.0 * (zero - median) / (zero - full)),
        "referrals": 100.0 * pl.min_horizontal(pl.col("referrals_rate") / pl.col("referrals_target"),
                                               pl.lit(1.0)),
        "repeat_business": 100.0 * pl.min_horizontal(pl.col("won") / pl.col("repeat_business_target"),
                                                     pl.lit(1.0)),
        "value_add": 100.0 * pl.min_horizontal(pl.col("value_adds") / pl.col("value_add_target"),
                                               pl.lit(1.0)),
        "cadence": pl.max_horizontal(100.0 * (1 - pl.col("overdue") / pl.col("zero_at_days")),
                                     pl.lit(0.0)),
    }
    frame = frame.with_columns(
        pl.when(pl.col(f"{key}_unknown").is_null()).then(expr).otherwise(None).alias(f"{key}_raw")
        for key, expr in scores.items())
    weights, bands = options["weights"], options["bands"]
    weighted = [key for key in INDICATORS if weights[key] > 0]
    needed = needed_indicators(options)
    counted = {key: pl.when(pl.col(f"{key}_raw").is_not_null()).then(pl.lit(weights[key]))
               .otherwise(0.0) for key in INDICATORS}
    frame = frame.with_columns(**{f"{key}_w": expr for key, expr in counted.items()})
    frame = frame.with_columns(
        pl.sum_horizontal(f"{key}_w" for key in INDICATORS).alias("total"),
        pl.sum_horizontal(pl.col(f"{key}_raw").is_not_null().cast(pl.Int64) for key in weighted)
        .alias("known_indicators"))
    # the unknown indicators with their reasons: a few dozen combinations across a portfolio,
    # each list built once (a list per row costs seconds at 100,000 relations)
    frame = with_distinct(
        frame.collect(),
        [pl.col(f"{key}_raw").is_null().alias(f"{key}_is_unknown") for key in weighted]
        + [pl.col(f"{key}_unknown") for key in weighted],
        [pl.concat_list([pl.when(pl.col(f"{key}_is_unknown"))
                         .then(pl.struct(pl.lit(key).alias("indicator"),
                                         pl.col(f"{key}_unknown").alias("reason")))
                         for key in weighted]).list.drop_nulls().alias("missing")]).lazy()
    total = pl.col("total")
    enough = pl.col("known_indicators") >= needed
    frame = frame.with_columns(
        pl.when(enough).then(pl.sum_horizontal(pl.col(f"{k}_w") * pl.col(f"{k}_raw").fill_null(0)
                                               for k in INDICATORS) / total).round(1).alias("score"),
        pl.when(enough).then(pl.lit(None, pl.String)).otherwise(pl.lit(TOO_FEW)).alias("unknown"),
        pl.lit(needed).alias("min_known_indicators"),
        *(pl.when(enough & (pl.col(f"{k}_w") > 0)).then(pl.col(f"{k}_w") * pl.col(f"{k}_raw") / total)
          .round(1).alias(f"{k}_contribution") for k in INDICATORS),
        *(pl.when(enough & (pl.col(f"{k}_w") > 0))
          .then(pl.col(f"{k}_w") * (100 - pl.col(f"{k}_raw")) / total)
          .round(1).alias(f"{k}_lost") for k in INDICATORS),
    )
    frame = frame.with_columns(
        pl.when(pl.col("score") >= bands["green"]).then(pl.lit("green"))
        .when(pl.col("score") >= bands["amber"]).then(pl.lit("amber"))
        .when(pl.col("score").is_not_null()).then(pl.lit("red"))
        .otherwise(pl.lit("insufficient")).alias("band"))
    return frame.collect()


def scores_with_trend(portfolio, as_of, then_date, options, relations: pl.DataFrame) -> pl.DataFrame:
    """Every relation's indicators and score now (days overdue: the cadence analysis'), its score
    and band at ``then_date`` (days overdue recomputed by the cadence rule) and the trend."""
    pairs = reply_pairs(portfolio, as_of)
    now = measure(portfolio, as_of, options, relations, now=True, pairs=pairs)
    then = (measure(portfolio, then_date, options, relations, now=False, pairs=pairs)
            .with_columns((pl.col("since") > then_date).fill_null(False).alias("not_started"))
            .select("relation",
                    pl.when(pl.col("not_started")).then(None).otherwise(pl.col("score"))
                    .alias("previous_score"),
                    pl.when(pl.col("not_started")).then(None).otherwise(pl.col("band"))
                    .alias("previous_band"),
                    pl.when(pl.col("not_started")).then(pl.lit(NOT_STARTED)).otherwise(pl.col("unknown"))
                    .alias("previous_unknown")))
    tolerance = options["trend_tolerance"]
    change = (pl.col("score") - pl.col("previous_score")).round(1)
    return now.join(then, on="relation", how="left", maintain_order="left").with_columns(
        change.alias("change"),
        pl.when(change > tolerance).then(pl.lit("up")).when(change < -tolerance).then(pl.lit("down"))
        .when(change.is_not_null()).then(pl.lit("flat")).otherwise(pl.lit(None, pl.String))
        .alias("direction"),
        reason((pl.col("score").is_null(), NO_SCORE_NOW),
               (pl.col("previous_score").is_null(), NO_SCORE_THEN)).alias("trend_unknown"),
        pl.col("referrals_rate").round(2), pl.col("zero_at_days").round(1))
