"""The lenses as polars columns: one row per relation, every event table aggregated once.

One row per relation (in the portfolio's order) holds what the records say; the event
tables are aggregated once and joined; every lens is a polars expression. polars' boolean
& and | follow three-valued logic (True & null = null, False & null = False), which is
exactly "a condition that cannot be checked for lack of data".
"""

from __future__ import annotations

import datetime as dt
import math
from itertools import chain

import polars as pl

from relatierapport.builtin.analyses.segmentation.names import (CATEGORIES, CLV, NO_AMOUNT_SOME,
                                                                NO_AMOUNTS, NO_BUSINESS, NO_HOURS,
                                                                NO_HOURS_IN_WINDOW, NO_HOURS_SOME,
                                                                NO_OWN_BUSINESS, PHASES, RS)
from relatierapport.business import credit_note_condition, deal_condition, won_condition
from relatierapport.dates import add_months
from relatierapport.errors import Problem
from relatierapport.exact import exact_sum, exact_total, quotient
from relatierapport.relation_table import relation_columns


def columns(portfolio, options, as_of: dt.date,
            clv: pl.DataFrame | None = None) -> tuple[pl.DataFrame, list[Problem]]:
    """Every lens of every relation as columns, and the warnings about doubtful data. ``clv``
    (``clv_columns``) holds P(alive) and probably_lost per relation, or None without them."""
    frame, warnings = _relation_frame(portfolio, options)
    if clv is None:
        frame = frame.with_columns(pl.lit(None, pl.Float64).alias("p_alive"),
                                   pl.lit(None, pl.Boolean).alias("probably_lost"))
    else:
        frame = frame.join(clv, on="id", how="left", maintain_order="left")
    business, touchpoints = _aggregates(portfolio, options, as_of)
    return _columns(frame, business, touchpoints, options, as_of), warnings


def clv_columns(findings, options) -> pl.DataFrame | None:
    """The clv analysis' ``p_alive`` and ``probably_lost`` per relation (read from its findings
    in bulk), or None when it is disabled or fitted nothing (``options["probably_lost_below"]``
    is None): the sleeping beauty's months rule then stands alone."""
    if options.get("probably_lost_below") is None:
        return None
    found = relation_columns(findings[CLV].relations,
                             {"p_alive": pl.Float64, "probably_lost": pl.Boolean})
    return found.rename({"relation": "id"})


def _criteria(options) -> list[str]:
    names = [n for table in ("scoring_weights", "attractiveness", "accessibility")
             for n, w in options[table].items() if w > 0]
    return list(dict.fromkeys(name.casefold() for name in names))


def _relation_frame(portfolio, options) -> tuple[pl.DataFrame, list[Problem]]:
    """The records' own fields, scores by criterion and the share of wallet, as columns."""
    criteria = _criteria(options)
    field = options["share_of_wallet_field"]
    records = list(portfolio.relations.values())
    warnings: list[Problem] = []
    for relation in records:
        if relation.phase and relation.phase not in PHASES:
            warnings.append(_problem(relation, "phase", f"expected one of {', '.join(PHASES)}, "
                                     f"found {relation.phase!r}; the phase is derived instead"))
    shares = []
    for relation in records:
        sow, problem = _share_of_wallet(relation, field) if relation.extra else (None, None)
        shares.append(sow)
        if problem:
            warnings.append(_problem(relation, field, problem))
    # criterion names are matched ignoring case; most data already has them in lower case
    folded = all(key == key.casefold() for key in set(chain.from_iterable(
        r.scores for r in records)))
    scores = [r.scores for r in records] if folded else [
        {k.casefold(): v for k, v in r.scores.items()} for r in records]
    # the plain fields from the portfolio's own columns (built once per build, in the same order)
    frame = portfolio.relation_frame().select(
        pl.col("relation").alias("id"), "name", "kind", "organisation",
        pl.when(pl.col("category").is_in(CATEGORIES)).then(pl.col("category")).alias("category_data"),
        pl.when(pl.col("phase").is_in(PHASES)).then(pl.col("phase")).alias("phase_data"),
        "since", pl.Series("sow", shares, dtype=pl.Float64))
    return frame.with_columns(pl.Series(f"c:{name}", [m.get(name) for m in scores],
                                        dtype=pl.Float64) for name in criteria), warnings


def _problem(relation, field: str, message: str) -> Problem:
    source, _, line = relation.origin.rpartition(":")
    return Problem(source or relation.origin or relation.id, f"relation {relation.id}: {message}",
                   line, field)


def _share_of_wallet(relation, field: str) -> tuple[float | None, str | None]:
    """Our share of the relation's spend from extra[field]: 0.4, "40%", "40" or "0,4"."""
    wanted = field.casefold()
    raw = next((v for k, v in relation.extra.items() if k.casefold() == wanted), None)
    if raw is None or not str(raw).strip():
        return None, None
    text = str(raw).strip().replace(",", ".")
    percent = text.endswith("%")
    try:
        value = float(text.rstrip("%").strip())
    except ValueError:
        return None, f"expected a share of wallet such as 0.4 or 40%, found {raw!r}; ignored"
    if percent or value > 1:
        value /= 100
    if not 0 <= value <= 1 or math.isnan(value):
        return None, f"expected a share of wallet from 0 to 100%, found {raw!r}; ignored"
    return round(value, 4), None


def _aggregates(portfolio, options, as_of: dt.date) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """Per relation: business and touchpoint figures, each event table scanned once."""
    window = add_months(as_of, -options["months"])
    regular = add_months(as_of, -options["regularity_months"])
    sleeping = add_months(as_of, -options["sleeping_months"])
    date, is_won, is_deal = pl.col("date"), pl.col("_won"), pl.col("_deal")
    in_window = date > window
    hours_rows = in_window if options["profit_hours"] == "all" else in_window & is_won
    # a credit note without hours counts as 0 hours (a refund is no work); any other record
    # without hours makes the hours of the window unknown
    no_hours = pl.col("hours").is_null() & ~pl.col("_credit")
    business = (
        portfolio.business.lazy().filter(date <= as_of)
        .with_columns(won_condition(options).alias("_won"), deal_condition(options).alias("_deal"),
                      credit_note_condition(options).alias("_credit"))
        .group_by("relation").agg(
            b_rows=pl.len(),
            any_amount=pl.col("amount").is_not_null().any(),
            any_hours=(pl.col("hours").is_not_null() | pl.col("_credit")).any(),
            won_all=is_deal.sum(),
            won_window=(is_deal & in_window).sum(),
            won_regular=(is_deal & (date > regular)).sum(),
            won_sleeping=(is_deal & (date > sleeping)).sum(),
            credit_notes=(pl.col("_credit") & in_window).sum(),
            first_won=date.filter(is_deal).min(),
            last_won=date.filter(is_deal).max(),
            revenue_sum=exact_sum(pl.col("amount").filter(is_won & in_window)),
            # won records without an amount: revenue sums the known amounts, and says how many
            amount_missing=(is_won & in_window & pl.col("amount").is_null()).sum(),
            hours_sum=exact_sum(pl.col("hours").filter(hours_rows)),
            hours_rows=hours_rows.sum(),
            hours_missing=(hours_rows & no_hours).sum(),
        ).rename({"relation": "id"}))
    signals = options["disloyalty_signals"]
    disloyal = (pl.col("signals").list.eval(pl.element().is_in(signals)).list.any()
                .fill_null(False)) if signals else pl.lit(False)
    touchpoints = (
        portfolio.touchpoints.lazy().filter(date <= as_of)
        .group_by("relation").agg(
            t_all=pl.len(),
            touchpoints=in_window.sum(),
            disloyal=(in_window & disloyal).sum(),
            referrals=(in_window & (pl.col("kind") == "referral_given")).sum(),
        ).rename({"relation": "id"}))
    return business, touchpoints


def _weighted(weights: dict[str, float], prefix: str) -> list[pl.Expr]:
    """Weighted mean (null when a criterion is missing) and each criterion's contribution.

    Contributions are weight x score / total weight, so they add up to the score; the
    score is rounded to 4 decimals before it is compared with a threshold.
    """
    used = {name.casefold(): w for name, w in weights.items() if w > 0}
    total = sum(used.values())
    parts = [pl.col(f"c:{name}") * (w / total) for name, w in used.items()]
    score = pl.when(pl.all_horizontal([part.is_not_null() for part in parts])) \
        .then(pl.sum_horizontal(parts).round(4))
    return [score.alias(f"{prefix}_score"),
            *[part.round(4).alias(f"{prefix}:{name}") for part, name in zip(parts, used)]]


def _columns(frame: pl.DataFrame, business, touchpoints, options, as_of) -> pl.DataFrame:
    o = options
    df = (frame.lazy().join(business, on="id", how="left", maintain_order="left")
          .join(touchpoints, on="id", how="left", maintain_order="left")
          .with_columns(has_business=pl.col("b_rows").is_not_null(),
                        has_touch=pl.col("t_all").is_not_null())
          .with_columns(pl.col("touchpoints", "disloyal", "referrals").fill_null(0)))
    # value: revenue, hours, profit after hours
    no_business = pl.when(pl.col("organisation").is_not_null()).then(pl.lit(NO_OWN_BUSINESS)) \
        .otherwise(pl.lit(NO_BUSINESS))
    # the hours of the window are known only when every record counted has hours (a credit note
    # without hours counts as 0 hours): a record without hours is unknown work, never 0 hours
    hours_known = pl.col("any_hours") & (pl.col("hours_missing") == 0)
    df = df.with_columns(
        revenue=pl.when(pl.col("any_amount")).then(pl.col("revenue_sum").round(2)),
        revenue_unknown=pl.when(~pl.col("has_business")).then(no_business)
        .when(~pl.col("any_amount")).then(pl.lit(NO_AMOUNTS)),
        hours=pl.when(hours_known).then(pl.col("hours_sum").round(2)),
        hours_unknown=pl.when(~pl.col("has_business")).then(no_business)
        .when(~pl.col("any_hours")).then(pl.lit(NO_HOURS))
        .when((pl.col("hours_rows") > 0) & (pl.col("hours_missing") == pl.col("hours_rows")))
        .then(pl.lit(NO_HOURS_IN_WINDOW))
        .when(~hours_known).then(pl.lit(NO_HOURS_SOME)),
    ).with_columns(hours_cost=(pl.col("hours") * o["hourly_cost"]).round(2)).with_columns(
        # a won record without an amount is work whose revenue is unknown: the profit is unknown
        # (the revenue sums the known amounts and says how many it left out)
        profit=pl.when(pl.col("amount_missing") == 0)
        .then((pl.col("revenue") - pl.col("hours_cost")).round(2)),
    ).with_columns(
        margin=pl.when(pl.col("revenue") > 0).then((pl.col("profit") / pl.col("revenue")).round(4)),
        profit_unknown=pl.when(pl.col("profit").is_null())
        .then(pl.coalesce("revenue_unknown", "hours_unknown",
                          pl.when(pl.col("amount_missing") > 0).then(pl.lit(NO_AMOUNT_SOME)))),
    )
    # lenses: ABC scoring, attractiveness, accessibility
    df = df.with_columns(*_weighted(o["scoring_weights"], "abc"),
                         *_weighted(o["attractiveness"], "attr"),
                         *_weighted(o["accessibility"], "acc"))
    thresholds = o["scoring_thresholds"]
    df = df.with_columns(
        abc_category=pl.when(pl.col("abc_score") >= thresholds["A"]).then(pl.lit("A"))
        .when(pl.col("abc_score") >= thresholds["B"]).then(pl.lit("B"))
        .when(pl.col("abc_score").is_not_null()).then(pl.lit("C")),
        attr_high=pl.col("attr_score") >= o["attractiveness_threshold"],
        acc_high=pl.col("acc_score") >= o["accessibility_threshold"],
    ).with_columns(
        segment=pl.when(pl.col("attr_high") & pl.col("acc_high")).then(pl.lit("invest"))
        .when(pl.col("attr_high") & ~pl.col("acc_high")).then(pl.lit("develop"))
        .when(~pl.col("attr_high") & pl.col("acc_high")).then(pl.lit("harvest"))
        .when(~pl.col("attr_high") & ~pl.col("acc_high")).then(pl.lit("ignore")))
    df = _revenue_share(df.collect(), o["revenue_share"]).lazy()
    chosen = [pl.col({"data": "category_data", "scoring": "abc_category",
                      "revenue_share": "rs_category"}[m]) for m in o["category_methods"]]
    source = pl.lit(None, dtype=pl.String)
    for method, column in reversed(list(zip(o["category_methods"], chosen))):
        source = pl.when(column.is_not_null()).then(pl.lit(method)).otherwise(source)
    df = df.with_columns(category=pl.coalesce(chosen) if chosen else pl.lit(None, pl.String),
                         category_source=source)
    # typology
    disloyal = pl.when(pl.col("sow").is_not_null()) \
        .then(pl.col("sow") < o["unfaithful_max_share_of_wallet"]) \
        .otherwise(pl.col("disloyal") >= o["unfaithful_min_signals"])
    active = pl.col("won_window") >= 1
    conditions = {
        "sleeping_beauty": {
            "had_business": (pl.col("won_all") - pl.col("won_sleeping")) >= 1,
            "quiet": pl.col("won_sleeping") <= o["sleeping_max_deals"],
            # clv's P(alive) below its threshold (null without clv or a repeat purchase)
            "probably_lost": pl.when(pl.col("has_business")).then(pl.col("probably_lost"))},
        "unfaithful": {"active": active, "disloyal": disloyal},
        "inflatable": {
            "effort": (pl.col("hours") >= o["inflatable_min_hours"])
            | (pl.col("touchpoints") >= o["inflatable_min_touchpoints"]),
            "low_value": pl.col("profit") <= o["inflatable_max_profit"]},
        "marriage_partner": {
            "regular": pl.col("won_regular") >= o["marriage_min_deals"],
            "active": active,
            "profitable": pl.when(pl.col("margin").is_not_null())
            .then(pl.col("margin") >= o["marriage_min_margin"])
            .when(pl.col("profit").is_not_null()).then(pl.lit(False)),
            "loyal": ~disloyal},
    }
    df = df.with_columns(*[expr.alias(f"if:{name}:{cond}") for name in o["types"]
                           for cond, expr in conditions[name].items()])
    df = df.with_columns(*[_holds(name, conditions[name]).alias(f"is:{name}")
                           for name in o["types"]])
    kind = pl.lit(None, dtype=pl.String)
    for name in reversed(o["types"]):
        kind = pl.when(pl.col(f"is:{name}")).then(pl.lit(name)).otherwise(kind)
    checks_unknown = pl.any_horizontal([pl.col(f"is:{n}").is_null() for n in o["types"]]) \
        if o["types"] else pl.lit(False)
    df = df.with_columns(type=pl.when(pl.col("has_business")).then(kind)).with_columns(
        type_unknown=pl.when(~pl.col("has_business")).then(pl.col("revenue_unknown"))
        .when(pl.col("type").is_null() & checks_unknown)
        .then(pl.coalesce("profit_unknown", "hours_unknown")))
    # lifecycle phase
    no_won = pl.col("won_all").fill_null(0) == 0
    inactive = pl.col("last_won") <= add_months(as_of, -o["wind_down_months"])
    new = pl.col("first_won") > add_months(as_of, -o["develop_months"])
    few = pl.col("won_all") < o["develop_min_deals"]
    derived = pl.when(no_won).then(pl.lit("attract")).when(inactive).then(pl.lit("wind_down")) \
        .when(new | few).then(pl.lit("develop")).otherwise(pl.lit("retain"))
    rule = pl.when(pl.col("phase_data").is_not_null()).then(pl.lit("data")) \
        .when(no_won).then(pl.lit("no_won_business")).when(inactive).then(pl.lit("inactive")) \
        .when(new).then(pl.lit("new")).when(few).then(pl.lit("few_deals")) \
        .otherwise(pl.lit("regular"))
    df = df.with_columns(phase=pl.coalesce("phase_data", derived), phase_rule=rule)
    if o["persons_follow_organisation"]:
        organisations = df.select(pl.col("id").alias("organisation"),
                                  pl.col("phase").alias("organisation_phase"))
        follow = (pl.col("phase_data").is_null() & (pl.col("kind") == "person")
                  & ~pl.col("has_business") & pl.col("organisation_phase").is_not_null()
                  & (pl.col("organisation") != pl.col("id")))
        df = df.join(organisations, on="organisation", how="left", maintain_order="left") \
            .with_columns(phase=pl.when(follow).then(pl.col("organisation_phase"))
                          .otherwise(pl.col("phase")),
                          phase_rule=pl.when(follow).then(pl.lit("organisation"))
                          .otherwise(pl.col("phase_rule")))
    df = df.with_columns(phase_source=pl.col("phase_rule").replace_strict(
        {"data": "data", "organisation": "organisation"}, default="derived"))
    # five R's: recency is unknown without a deal (no last deal to count from); regularity is
    # a known 0 then, unknown only without business records (the left join leaves it null)
    df = df.with_columns(
        **{"r:recency": (pl.lit(as_of) - pl.col("last_won")).dt.total_days(),
           "r:regularity": pl.col("won_regular").cast(pl.Int64),
           "r:duration": pl.when(pl.col("since") <= as_of)
           .then((pl.lit(as_of) - pl.col("since")).dt.total_days()),
           "r:revenue": pl.col("profit"),
           "r:referrals": pl.when(pl.col("has_touch")).then(pl.col("referrals").cast(pl.Int64))})
    bounds = o["r_thresholds"]
    scores = []
    for r in RS:
        value = pl.col(f"r:{r}")
        if r in bounds:
            hits = [(value <= b) if r == "recency" else (value >= b) for b in bounds[r]]
            score = pl.when(value.is_not_null()).then(1 + pl.sum_horizontal(hits))
        else:
            rank = (-value if r == "recency" else value).rank("min")
            score = 1 + (5 * (rank - 1)) // value.count()
        scores.append(score.cast(pl.Int64).alias(f"rs:{r}"))
    return df.with_columns(scores).collect()


def _holds(name: str, conditions: dict) -> pl.Expr:
    """Whether a type holds: all its conditions (three-valued: unknown when one is unknown and
    none fails). The sleeping beauty: its months rule, or probably_lost alone (an unknown
    P(alive) leaves the months rule to decide)."""
    if name == "sleeping_beauty":
        rule = pl.all_horizontal(pl.col(f"if:{name}:had_business"), pl.col(f"if:{name}:quiet"))
        return rule | pl.col(f"if:{name}:probably_lost").fill_null(False)
    return pl.all_horizontal([pl.col(f"if:{name}:{cond}") for cond in conditions])


def _revenue_share(df: pl.DataFrame, bands: dict[str, float]) -> pl.DataFrame:
    """Category by cumulative share of won revenue, over the relations with won revenue above 0.

    Ties share one place: relations with equal revenue get the same share, the same
    ``cumulative_before`` (the revenue of the relations with strictly more, over the total),
    the same rank (1 + the relations with strictly more: 1, 2, 2, 4) and so the same category;
    a tie has no order within it, so ties across a band boundary all take the higher category.
    The category compares the unrounded ``cumulative_before`` with the bands (A while below
    ``A``, B while below ``B``); report.json has it rounded to 4 decimals."""
    positive = df.filter(pl.col("revenue") > 0)
    total = exact_total(positive, "revenue")
    levels = (positive.group_by("revenue").agg(n=pl.len()).sort("revenue", descending=True)
              .with_columns(rs_before=((pl.col("revenue") * pl.col("n")).cum_sum()
                                       - pl.col("revenue") * pl.col("n")),
                            rs_rank=(pl.col("n").cum_sum() - pl.col("n") + 1)))
    # divided exactly: a relation with exactly 80 % before it is on the band, not below it
    levels = levels.select("revenue", quotient(levels["revenue"], total).round(4).alias("rs_share"),
                           quotient(levels["rs_before"], total).alias("rs_before_raw"), "rs_rank")
    df = df.join(levels, on="revenue", how="left", maintain_order="left")
    return df.with_columns(
        rs_before=pl.col("rs_before_raw").round(4),
        rs_category=pl.when(pl.col("rs_before_raw") < bands["A"]).then(pl.lit("A"))
        .when(pl.col("rs_before_raw") < bands["B"]).then(pl.lit("B")).otherwise(pl.lit("C")))
