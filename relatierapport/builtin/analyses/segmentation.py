"""Built-in plugin ``segmentation``: the four lenses of the method on every relation.

- **ABC category**: from the data when present, else from a weighted scoring
  matrix (criteria, weights, thresholds), else from the relation's share of
  the won revenue (the top relations making up 80% are A, the next 15% B,
  the rest C). ``category_source`` says which method decided; the cadence
  analysis reads ``category`` and ``category_source``.
- **Attractiveness x accessibility**: two weighted scores of criteria, each
  split at a threshold, give the segments invest / develop / harvest / ignore,
  each with its policy.
- **Customer typology**: sleeping beauty, unfaithful love, inflatable and
  marriage partner, from effort (hours, touchpoints), value (revenue, profit
  after hours), activity (recency, regularity) and loyalty (competitor
  signals, share of wallet). Rules are tried in the configured order; the
  first that holds decides. A rule whose inputs are unknown cannot hold: the
  reason says what was missing.
- **Five R's**: recency, regularity, relationship duration, revenue as
  profitability and referral power, each scored 1-5 across the portfolio
  (quintiles of the ranks; ties share the lowest rank) or on fixed boundaries.
- **Lifecycle phase**: from the data when given, else derived from the won
  business (attract, develop, retain, wind down).

Event tables are aggregated once with polars and every lens is a polars
expression over one row per relation; the loop over relations only builds the
findings from those rows. Texts that explain a result are made by the
``_explain_*`` functions: in English for report.json, translated on the pages.
"""

from __future__ import annotations

import datetime as dt
import math
from itertools import chain
from typing import Any, Callable

import polars as pl

from relatierapport import hookimpl
from relatierapport.business import won_condition
from relatierapport.dates import add_months
from relatierapport.errors import Problem
from relatierapport.exact import exact_sum, exact_total
from relatierapport.hooktypes import Analysis, Findings, Section
from relatierapport.render.labels import N_
from relatierapport.options import (Boolean, Integer, ListOf, Number, Option, OptionGroup, Table,
                                    Text)

NAME = "segmentation"
CATEGORIES = ("A", "B", "C")
CATEGORY_METHODS = ("data", "scoring", "revenue_share")
SEGMENTS = ("invest", "develop", "harvest", "ignore")
TYPES = ("sleeping_beauty", "unfaithful", "inflatable", "marriage_partner")
RS = ("recency", "regularity", "duration", "revenue", "referrals")
PHASES = ("attract", "develop", "retain", "wind_down")

SEGMENT_NAMES = {"invest": N_("Invest"), "develop": N_("Develop"), "harvest": N_("Harvest"),
                 "ignore": N_("Ignore")}
TYPE_NAMES = {"sleeping_beauty": N_("Sleeping beauty"), "unfaithful": N_("Unfaithful love"),
              "inflatable": N_("Inflatable"), "marriage_partner": N_("Marriage partner")}
PHASE_NAMES = {"attract": N_("Attracting"), "develop": N_("Developing"), "retain": N_("Retaining"),
               "wind_down": N_("Winding down")}
R_NAMES = {"recency": N_("Recency"), "regularity": N_("Regularity"),
           "duration": N_("Relationship duration"), "revenue": N_("Revenue after hours"),
           "referrals": N_("Referrals given")}
DEFAULT_POLICIES = {
    "invest": N_("Intensive, personal contact by an account manager or management; cooperate."),
    "develop": N_("Intensive; build access through intermediaries and visibility "
                  "(publish, events, board seats)."),
    "harvest": N_("Extensive; frequent direct-marketing contact (phone, mail, e-mail); "
                  "ask their opinion."),
    "ignore": N_("Incidental communication only."),
}
DEFAULT_ADVICE = {
    "sleeping_beauty": N_("Wake them up, or consciously let them sleep."),
    "unfaithful": N_("Win them back: more service, a volume discount."),
    "inflatable": N_("Deflate: stop over-investing time and attention."),
    "marriage_partner": N_("Pamper them extra and show the full range."),
}
#: Reasons for unknown values: fixed texts, so the pages can show them translated.
NO_BUSINESS = N_("no business records")
NO_OWN_BUSINESS = N_("no business records of its own (see its organisation)")
NO_AMOUNTS = N_("its business records carry no amounts")
NO_HOURS = N_("no hours recorded in its business records")
NO_HOURS_IN_WINDOW = N_("no hours recorded for the business of the period")
NO_WON_BUSINESS = N_("no won business")
NO_SINCE = N_("no start date (since) in the data")
LATER_SINCE = N_("starts after the report date")
NO_TOUCHPOINTS = N_("no touchpoints")
DEFAULT_SCORING_WEIGHTS = {"opbrengst": 3.0, "fit": 2.0, "kerntaak": 2.0, "belangen": 1.0,
                           "relatie": 1.0, "bekendheid": 1.0, "imago": 1.0, "openheid": 1.0}
DEFAULT_ATTRACTIVENESS = {"opbrengst": 1.0, "fit": 1.0, "belangen": 1.0, "kerntaak": 1.0}
DEFAULT_ACCESSIBILITY = {"bekendheid": 1.0, "imago": 1.0, "relatie": 1.0, "openheid": 1.0}
DEFAULT_SCORING_THRESHOLDS = {"A": 3.5, "B": 3.0}
DEFAULT_REVENUE_SHARE = {"A": 0.8, "B": 0.95}


# -- options ------------------------------------------------------------------------

def _weights_check(weights: dict) -> str | None:
    if not weights or sum(weights.values()) <= 0:
        return "expected at least one criterion with a weight above 0"
    folded = [name.casefold() for name in weights]
    doubles = sorted({name for name in folded if folded.count(name) > 1})
    if doubles:
        return f"expected each criterion once (names are matched ignoring case), " \
               f"{', '.join(doubles)} is repeated"
    return None


def _unique(values: list) -> str | None:
    doubles = sorted({v for v in values if values.count(v) > 1})
    return f"expected each item once, {', '.join(doubles)} is repeated" if doubles else None


def _thresholds_check(value: dict) -> str | None:
    merged = {**DEFAULT_SCORING_THRESHOLDS, **value}
    if merged["A"] < merged["B"]:
        return f"expected A >= B (here A is {merged['A']:g} and B is {merged['B']:g})"
    return None


def _share_check(value: dict) -> str | None:
    merged = {**DEFAULT_REVENUE_SHARE, **value}
    if merged["A"] <= 0 or merged["A"] > merged["B"]:
        return f"expected 0 < A <= B <= 1 (here A is {merged['A']:g} and B is {merged['B']:g})"
    return None


def _r_thresholds_check(value: dict) -> str | None:
    for name, bounds in value.items():
        if len(bounds) != 4 or any(a > b for a, b in zip(bounds, bounds[1:])):
            return f"expected 4 ascending boundaries for {name} (here {bounds})"
    return None


@hookimpl
def config_options():
    weight = Number(minimum=0)
    return [OptionGroup(f"plugins.{NAME}", (
        # windows, and the hours set against revenue
        Option("months", Integer(minimum=1, maximum=120), 12,
               "Window in months for revenue, hours, profit, touchpoints, competitor signals, "
               "referrals and the revenue share (the last N months up to the report date)."),
        Option("regularity_months", Integer(minimum=1, maximum=240), 24,
               "Window in months for regularity: won business records counted."),
        Option("profit_hours", Text(choices=("all", "won")), "all",
               "Hours set against revenue: \"all\" (every business record in the window, lost quotes "
               "too) or \"won\" (only the won business)."),
        # ABC category
        Option("category_methods", ListOf(Text(choices=CATEGORY_METHODS)),
               list(CATEGORY_METHODS),
               "How the ABC category is found, tried in this order: data (the relation's category), "
               "scoring (the weighted scoring matrix), revenue_share (share of the won revenue). "
               "Leave one out to switch it off.", check=_unique),
        Option("scoring_weights", Table(weight), dict(DEFAULT_SCORING_WEIGHTS),
               "ABC scoring matrix: weight per criterion (score_<criterion> columns, names matched "
               "ignoring case). The score is the weighted mean; a relation needs every criterion "
               "with a weight above 0.", check=_weights_check),
        Option("scoring_thresholds", Table(Number(), keys=("A", "B")),
               dict(DEFAULT_SCORING_THRESHOLDS),
               "ABC scoring matrix: lowest weighted score for A and for B (below B: C).",
               check=_thresholds_check),
        Option("revenue_share", Table(Number(minimum=0, maximum=1), keys=("A", "B")),
               dict(DEFAULT_REVENUE_SHARE),
               "Revenue share: relations sorted by won revenue; while the relations above one hold "
               "less than A of the total it is A, less than B it is B, else C (so the top relations "
               "making up 80% are A, the next 15% B). Equal revenue gives an equal category.",
               check=_share_check),
        # attractiveness x accessibility
        Option("attractiveness", Table(weight), dict(DEFAULT_ATTRACTIVENESS),
               "Attractiveness: weight per criterion (possible yield, fit of goals and ways of "
               "working, shared interests, contribution to the core task). Replaces the whole "
               "default table.", check=_weights_check),
        Option("accessibility", Table(weight), dict(DEFAULT_ACCESSIBILITY),
               "Accessibility: weight per criterion (how well we know each other, image, the "
               "current relationship, openness). Replaces the whole default table.",
               check=_weights_check),
        Option("attractiveness_threshold", Number(), 3.0,
               "Attractiveness at or above this weighted score counts as high."),
        Option("accessibility_threshold", Number(), 3.0,
               "Accessibility at or above this weighted score counts as high."),
        Option("policies", Table(Text(), keys=SEGMENTS), {},
               "Policy text per segment (invest, develop, harvest, ignore); unset ones keep the "
               "method's text, translated."),
        # typology
        Option("types", ListOf(Text(choices=TYPES)), list(TYPES),
               "Customer types, checked in this order; the first that holds decides. Leave one out "
               "to switch it off.", check=_unique),
        Option("sleeping_months", Integer(minimum=1, maximum=120), 12,
               "Sleeping beauty: won business before, and at most sleeping_max_deals won deals in "
               "this many months."),
        Option("sleeping_max_deals", Integer(minimum=0), 0,
               "Sleeping beauty: most won deals allowed in the last sleeping_months."),
        Option("disloyalty_signals", ListOf(Text()), ["competitor", "exclusivity_lost"],
               "Touchpoint signals that show a relation also buys elsewhere."),
        Option("unfaithful_min_signals", Integer(minimum=1), 2,
               "Unfaithful love: at least this many touchpoints with a disloyalty signal in the "
               "window (when the share of wallet is unknown)."),
        Option("unfaithful_max_share_of_wallet", Number(minimum=0, maximum=1), 0.6,
               "Unfaithful love: a known share of wallet below this (0-1) means they buy elsewhere; "
               "when known it decides instead of the signals."),
        Option("share_of_wallet_field", Text(), "share_of_wallet",
               "Column (kept in extra) with our share of the relation's spend: 0.4, 40% or 40."),
        Option("inflatable_min_hours", Number(minimum=0), 40.0,
               "Inflatable: much effort is at least this many hours in the window ..."),
        Option("inflatable_min_touchpoints", Integer(minimum=0), 12,
               "... or at least this many touchpoints in the window."),
        Option("inflatable_max_profit", Number(), 0.0,
               "Inflatable: profit after hours in the window at most this (EUR)."),
        Option("marriage_min_deals", Integer(minimum=1), 4,
               "Marriage partner: at least this many won deals in regularity_months."),
        Option("marriage_min_margin", Number(maximum=1), 0.5,
               "Marriage partner: profit after hours at least this share of the won revenue."),
        Option("advice", Table(Text(), keys=TYPES), {},
               "Advice text per customer type; unset ones keep the method's text, translated."),
        # five R's
        Option("r_thresholds", Table(ListOf(Number()), keys=RS), {},
               "Fixed boundaries instead of quintiles, per R: 4 ascending numbers. Score = 1 + the "
               "boundaries reached (recency in days: boundaries at or above the value; the others: "
               "at or below it).", check=_r_thresholds_check),
        # lifecycle phase
        Option("develop_months", Integer(minimum=0, maximum=120), 12,
               "Phase develop: the first won business lies within this many months ..."),
        Option("develop_min_deals", Integer(minimum=1), 3,
               "... or the relation has fewer won deals than this."),
        Option("wind_down_months", Integer(minimum=1, maximum=120), 12,
               "Phase wind down: no won business for this many months after having had it."),
        Option("persons_follow_organisation", Boolean(), True,
               "A person of an organisation without business of their own and without a phase in "
               "the data takes the organisation's phase."),
    ), "Segmentation: ABC category, attractiveness x accessibility, customer type, five R's, phase.")]


def _options(config) -> dict[str, Any]:
    options = {group_option.name: group_option.default
               for group_option in config_options()[0].options}
    options.update(config.plugin(NAME))
    options.update(config.business)         # hourly_cost, no_status_is_won
    options["scoring_thresholds"] = {**DEFAULT_SCORING_THRESHOLDS, **options["scoring_thresholds"]}
    options["revenue_share"] = {**DEFAULT_REVENUE_SHARE, **options["revenue_share"]}
    options["policies"] = {**DEFAULT_POLICIES, **options["policies"]}
    options["advice"] = {**DEFAULT_ADVICE, **options["advice"]}
    return options


@hookimpl
def analyses():
    return [Analysis(NAME, analyse, description="ABC category, attractiveness x accessibility "
                     "segment, customer type, five R's and lifecycle phase per relation.")]


# -- formatting of explanations -----------------------------------------------------

def _identity(text: str) -> str:
    return text


def _data(translate: Callable[[str], str], text: str) -> str:
    """Translate a text held in a variable (a name the message extractor does not look for)."""
    return translate(text)


def _plain_number(value, digits: int = 0) -> str:
    return "–" if value is None else f"{value:,.{digits}f}"


PLAIN = {  # English formatting for report.json: cheap, unlike Babel, for 100,000 relations
    "number": _plain_number,
    "money": lambda value, digits=0: "–" if value is None else (
        f"-EUR {-value:,.{digits}f}" if value < 0 else f"EUR {value:,.{digits}f}"),
    "percent": lambda value, digits=0: "–" if value is None else f"{value * 100:,.{digits}f}%",
    "date": lambda value, form="long": "–" if value is None else value.isoformat(),
}


# -- the columnar computation ---------------------------------------------------------
#
# One row per relation (in the portfolio's order) holds what the records say; the event
# tables are aggregated once and joined; every lens is a polars expression. polars' boolean
# & and | follow three-valued logic (True & null = null, False & null = False), which is
# exactly "a condition that cannot be checked for lack of data".

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
    columns = {
        "id": [r.id for r in records], "name": [r.name for r in records],
        "kind": [r.kind for r in records], "organisation": [r.organisation for r in records],
        "category_data": [r.category if r.category in CATEGORIES else None for r in records],
        "phase_data": [r.phase if r.phase in PHASES else None for r in records],
        "since": [r.since for r in records], "sow": shares,
    }
    schema = {"id": pl.String, "name": pl.String, "kind": pl.String, "organisation": pl.String,
              "category_data": pl.String, "phase_data": pl.String, "since": pl.Date,
              "sow": pl.Float64}
    frame = pl.DataFrame(columns, schema=schema)
    return frame.with_columns(pl.Series(f"c:{name}", [m.get(name) for m in scores],
                                        dtype=pl.Float64) for name in criteria), warnings


def _aggregates(portfolio, options, as_of: dt.date) -> tuple[pl.LazyFrame, pl.LazyFrame]:
    """Per relation: business and touchpoint figures, each event table scanned once."""
    window = add_months(as_of, -options["months"])
    regular = add_months(as_of, -options["regularity_months"])
    sleeping = add_months(as_of, -options["sleeping_months"])
    date, is_won = pl.col("date"), pl.col("_won")
    in_window = date > window
    hours_rows = in_window if options["profit_hours"] == "all" else in_window & is_won
    business = (
        portfolio.business.lazy().filter(date <= as_of)
        .with_columns(won_condition(options).alias("_won"))
        .group_by("relation").agg(
            b_rows=pl.len(),
            any_amount=pl.col("amount").is_not_null().any(),
            any_hours=pl.col("hours").is_not_null().any(),
            won_all=is_won.sum(),
            won_window=(is_won & in_window).sum(),
            won_regular=(is_won & (date > regular)).sum(),
            won_sleeping=(is_won & (date > sleeping)).sum(),
            first_won=date.filter(is_won).min(),
            last_won=date.filter(is_won).max(),
            revenue_sum=exact_sum(pl.col("amount").filter(is_won & in_window)),
            hours_sum=exact_sum(pl.col("hours").filter(hours_rows)),
            hours_rows=hours_rows.sum(),
            hours_missing=(hours_rows & pl.col("hours").is_null()).sum(),
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
    hours_known = pl.col("any_hours") & ~((pl.col("hours_rows") > 0)
                                           & (pl.col("hours_missing") == pl.col("hours_rows")))
    df = df.with_columns(
        revenue=pl.when(pl.col("any_amount")).then(pl.col("revenue_sum").round(2)),
        revenue_unknown=pl.when(~pl.col("has_business")).then(no_business)
        .when(~pl.col("any_amount")).then(pl.lit(NO_AMOUNTS)),
        hours=pl.when(hours_known).then(pl.col("hours_sum").round(2)),
        hours_unknown=pl.when(~pl.col("has_business")).then(no_business)
        .when(~pl.col("any_hours")).then(pl.lit(NO_HOURS))
        .when(~hours_known).then(pl.lit(NO_HOURS_IN_WINDOW)),
    ).with_columns(hours_cost=(pl.col("hours") * o["hourly_cost"]).round(2)).with_columns(
        profit=(pl.col("revenue") - pl.col("hours_cost")).round(2),
    ).with_columns(
        margin=pl.when(pl.col("revenue") > 0).then((pl.col("profit") / pl.col("revenue")).round(4)),
        profit_unknown=pl.when(pl.col("profit").is_null())
        .then(pl.coalesce("revenue_unknown", "hours_unknown")),
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
            "quiet": pl.col("won_sleeping") <= o["sleeping_max_deals"]},
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
    df = df.with_columns(*[pl.all_horizontal([pl.col(f"if:{name}:{cond}")
                                              for cond in conditions[name]]).alias(f"is:{name}")
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
    # five R's
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


def _revenue_share(df: pl.DataFrame, bands: dict[str, float]) -> pl.DataFrame:
    """Category by cumulative share of won revenue; equal revenue gets the same rank and category."""
    positive = df.filter(pl.col("revenue") > 0)
    total = exact_total(positive, "revenue")
    levels = (positive.group_by("revenue").agg(n=pl.len()).sort("revenue", descending=True)
              .with_columns(rs_before=((pl.col("revenue") * pl.col("n")).cum_sum()
                                       - pl.col("revenue") * pl.col("n")),
                            rs_rank=(pl.col("n").cum_sum() - pl.col("n") + 1))
              .select("revenue", (pl.col("revenue") / total).round(4).alias("rs_share"),
                      (pl.col("rs_before") / total).alias("rs_before_raw"), "rs_rank"))
    df = df.join(levels, on="revenue", how="left", maintain_order="left")
    return df.with_columns(
        rs_before=pl.col("rs_before_raw").round(4),
        rs_category=pl.when(pl.col("rs_before_raw") < bands["A"]).then(pl.lit("A"))
        .when(pl.col("rs_before_raw") < bands["B"]).then(pl.lit("B")).otherwise(pl.lit("C")))


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


# -- the analysis -------------------------------------------------------------------

VALUE_FIELDS = ("revenue", "hours", "hours_cost", "profit", "margin", "won_window", "won_regular",
                "won_sleeping", "won_all", "first_won", "last_won", "touchpoints", "disloyal",
                "referrals", "sow", "revenue_unknown", "hours_unknown", "profit_unknown")
VALUE_KEYS = ("revenue", "hours", "hours_cost", "profit", "margin", "won_deals",
              "won_deals_regular", "won_deals_sleeping_months", "won_deals_total", "first_won",
              "last_won", "touchpoints", "disloyal_signals", "referrals", "share_of_wallet",
              "revenue_unknown", "hours_unknown", "profit_unknown")
CONDITIONS = {"sleeping_beauty": ("had_business", "quiet"), "unfaithful": ("active", "disloyal"),
              "inflatable": ("effort", "low_value"),
              "marriage_partner": ("regular", "active", "profitable", "loyal")}
LENSES = (("abc", "scoring_weights"), ("attr", "attractiveness"), ("acc", "accessibility"))


def analyse(portfolio, config, findings) -> Findings:
    o = _options(config)
    as_of = config.as_of
    frame, warnings = _relation_frame(portfolio, o)
    business, touchpoints = _aggregates(portfolio, o, as_of)
    df = _columns(frame, business, touchpoints, o, as_of)
    lenses = {prefix: [name for name, w in o[table].items() if w > 0] for prefix, table in LENSES}
    per_relation = df.select(
        pl.col("id").alias("relation"), "category", "category_source",
        _lens("abc", lenses["abc"], pl.col("abc_category").alias("category")).alias("scoring"),
        _revenue_share_block(o).alias("revenue_share"),
        "segment",
        _lens("attr", lenses["attr"], pl.col("attr_high").alias("high"), first=True)
        .alias("attractiveness"),
        _lens("acc", lenses["acc"], pl.col("acc_high").alias("high"), first=True).alias("accessibility"),
        pl.col("segment").replace_strict(o["policies"], default=None, return_dtype=pl.String)
        .alias("policy"),
        "type", "type_unknown",
        pl.col("type").replace_strict(o["advice"], default=None, return_dtype=pl.String).alias("advice"),
        _when_business([pl.col(f"is:{name}").alias(name) for name in o["types"]]).alias("type_checks"),
        _when_business([pl.col(f"if:{name}:{c}").alias(f"{name}.{c}") for name in o["types"]
                        for c in CONDITIONS[name]]).alias("type_conditions"),
        pl.struct(pl.lit(o["months"]).alias("months"),
                  pl.lit(o["regularity_months"]).alias("regularity_months"),
                  pl.lit(o["hourly_cost"]).alias("hourly_cost"),
                  *(pl.col(column).alias(key) for column, key in zip(VALUE_FIELDS, VALUE_KEYS)))
        .alias("value"),
        pl.struct(*(_r_block(r) for r in RS)).alias("r"),
        "phase", "phase_source", "phase_rule")
    per_relation = _with_reasons(per_relation, o)
    return Findings(relations=per_relation, portfolio=_portfolio(portfolio, df, o), warnings=warnings)


def _lens(prefix: str, shown: list[str], extra: pl.Expr, first: bool = False) -> pl.Expr:
    """A weighted lens as a struct: score, (high), parts per criterion, the criteria missing and
    the reason it is unknown (null when known), (category)."""
    score = pl.col(f"{prefix}_score")
    missing = pl.concat_list([pl.when(pl.col(f"c:{name.casefold()}").is_null()).then(pl.lit(name))
                              for name in shown]).list.drop_nulls()
    fields = [score.alias("score")]
    if first:
        fields.append(extra)
    fields += [
        pl.struct(*(pl.when(score.is_not_null()).then(pl.col(f"{prefix}:{name.casefold()}")).alias(name)
                    for name in shown)).alias("parts"),
        pl.when(score.is_null()).then(missing).otherwise(pl.lit([], pl.List(pl.String))).alias("missing"),
        pl.when(score.is_null()).then(pl.lit("scores missing for ") + missing.list.join(", "))
        .alias("unknown")]
    if not first:
        fields.append(extra)
    return pl.struct(fields)


def _revenue_share_block(o) -> pl.Expr:
    unknown = (pl.when(pl.col("revenue").is_null()).then(pl.col("revenue_unknown"))
               .otherwise(pl.lit(f"no won revenue in the last {o['months']} months")))
    return pl.struct(pl.col("revenue"), pl.col("rs_share").alias("share"),
                     pl.col("rs_before").alias("cumulative_before"), pl.col("rs_rank").alias("rank"),
                     pl.col("rs_category").alias("category"),
                     pl.when(pl.col("rs_share").is_null()).then(unknown).alias("unknown"))


def _when_business(fields: list[pl.Expr]) -> pl.Expr:
    """Type checks and conditions exist only for relations with business records (else null)."""
    if not fields:
        return pl.lit(None)
    return pl.when(pl.col("has_business")).then(pl.struct(fields))


#: Why an R has no score, per R.
R_UNKNOWN = {
    "recency": pl.lit(NO_WON_BUSINESS),
    "regularity": pl.coalesce("revenue_unknown", pl.lit(NO_BUSINESS)),
    "duration": pl.when(pl.col("since").is_null()).then(pl.lit(NO_SINCE)).otherwise(pl.lit(LATER_SINCE)),
    "revenue": pl.col("profit_unknown"),
    "referrals": pl.lit(NO_TOUCHPOINTS),
}


def _r_block(r: str) -> pl.Expr:
    score = pl.col(f"rs:{r}")
    return pl.struct(pl.when(score.is_not_null()).then(pl.col(f"r:{r}")).alias("value"),
                     score.alias("score"),
                     pl.when(score.is_null()).then(R_UNKNOWN[r]).alias("unknown")).alias(r)


def _fields(block: str, *names: str) -> pl.Expr:
    """Some fields of a struct column, as a struct of the same name."""
    return pl.struct(pl.col(block).struct.field(*names)).alias(block)


def _reason_inputs() -> dict:
    """Per reason text: the function that writes it (the pages call the same ones, translated)
    and exactly the findings it reads; fewer fields means fewer distinct combinations."""
    return {
        "category_reason": (_explain_category, (
            pl.col("category_source"), _fields("revenue_share", "share", "cumulative_before", "unknown"),
            _fields("scoring", "score", "missing"))),
        "segment_reason": (_explain_segment, (
            pl.col("segment"), _fields("attractiveness", "score", "missing"),
            _fields("accessibility", "score", "missing"))),
        "type_reason": (_explain_type, (
            pl.col("type"), pl.col("type_unknown"), pl.col("type_checks"), pl.col("type_conditions"),
            _fields("value", "last_won", "won_deals_sleeping_months", "share_of_wallet",
                    "disloyal_signals", "hours", "touchpoints", "profit", "won_deals_regular", "margin",
                    "hours_unknown", "profit_unknown"))),
        "phase_reason": (_explain_phase, (
            pl.col("phase_rule"), _fields("value", "last_won", "first_won", "won_deals_total"))),
    }


def _python_values(series: pl.Series) -> list:
    """A column as Python values, structs as dicts: column by column, several times faster than
    ``iter_rows(named=True)`` for nested data."""
    if not isinstance(series.dtype, pl.Struct):
        return series.to_list()
    fields = [field.name for field in series.dtype.fields]
    values = [dict(zip(fields, row)) for row in
              zip(*(_python_values(series.struct.field(name)) for name in fields))]
    if series.null_count():
        values = [None if missing else value for value, missing in zip(values, series.is_null())]
    return values


def _with_reasons(per_relation: pl.DataFrame, options) -> pl.DataFrame:
    """The four English reason texts for report.json, each written once per distinct combination
    of what it reads (many relations share one), then joined back."""
    columns = {}
    for name, (explain_one, inputs) in _reason_inputs().items():
        keys = per_relation.select(inputs)
        distinct = keys.unique(maintain_order=True)
        entries = (dict(zip(distinct.columns, row))
                   for row in zip(*(_python_values(distinct[c]) for c in distinct.columns)))
        texts = [explain_one(entry, _identity, PLAIN, options) for entry in entries]
        distinct = distinct.with_columns(pl.Series(name, texts, dtype=pl.String))
        columns[name] = keys.join(distinct, on=keys.columns, how="left", nulls_equal=True,
                                  maintain_order="left")[name]
    return per_relation.with_columns(**columns)


def _problem(relation, field: str, message: str) -> Problem:
    source, _, line = relation.origin.rpartition(":")
    return Problem(source or relation.origin or relation.id, f"relation {relation.id}: {message}",
                   line, field)


# -- explanations (English in report.json, translated on the pages) -----------------

def explain(entry, _: Callable[[str], str], f: dict, options) -> dict[str, str]:
    """The four reason texts of one relation: ``_`` translates, ``f`` formats numbers and dates."""
    return {"category_reason": _explain_category(entry, _, f, options),
            "segment_reason": _explain_segment(entry, _, f, options),
            "type_reason": _explain_type(entry, _, f, options),
            "phase_reason": _explain_phase(entry, _, f, options)}


def _missing(_, block) -> str:
    return _("scores missing for %(criteria)s") % {"criteria": ", ".join(block["missing"])}


def _explain_category(entry, _, f, options) -> str:
    source, share = entry["category_source"], entry["revenue_share"]
    if source == "data":
        return _("category in the data")
    if source == "scoring":
        thresholds = options["scoring_thresholds"]
        return _("weighted score %(score)s on the scoring matrix (A from %(a)s, B from %(b)s)") % {
            "score": f["number"](entry["scoring"]["score"], 2),
            "a": f["number"](thresholds["A"], 2), "b": f["number"](thresholds["B"], 2)}
    if source == "revenue_share":
        if share["share"] is None:
            return _revenue_unknown(_, share["unknown"], options)
        bands = options["revenue_share"]
        return _("%(share)s of the won revenue of the last %(months)s months; the relations above "
                 "it hold %(before)s (A below %(a)s, B below %(b)s)") % {
            "share": f["percent"](share["share"], 1), "months": options["months"],
            "before": f["percent"](share["cumulative_before"], 1),
            "a": f["percent"](bands["A"]), "b": f["percent"](bands["B"])}
    reasons = []
    for method in options["category_methods"]:
        if method == "data":
            reasons.append(_("no category in the data"))
        elif method == "scoring":
            reasons.append(_missing(_, entry["scoring"]))
    if not options["category_methods"]:
        reasons.append(_("no method is switched on"))
    return _("unknown: %(reasons)s") % {"reasons": "; ".join(reasons)}


def _revenue_unknown(_, reason: str | None, options) -> str:
    if reason in (NO_BUSINESS, NO_OWN_BUSINESS):
        return _("no business records: counted as C")
    if reason == NO_AMOUNTS:
        return _("its business records carry no amounts: counted as C")
    return _("no won revenue in the last %(months)s months: counted as C") % {
        "months": options["months"]}


def _explain_segment(entry, _, f, options) -> str:
    a, b = entry["attractiveness"], entry["accessibility"]
    if entry["segment"] is None:
        missing = list(dict.fromkeys(a.get("missing", []) + b.get("missing", [])))
        return _("unknown: %(reason)s") % {"reason": _missing(_, {"missing": missing})}
    return _("attractiveness %(a)s (high from %(ta)s), accessibility %(b)s (high from %(tb)s)") % {
        "a": f["number"](a["score"], 2), "ta": f["number"](options["attractiveness_threshold"], 2),
        "b": f["number"](b["score"], 2), "tb": f["number"](options["accessibility_threshold"], 2)}


def _disloyal_text(v, _, f, o) -> str:
    if v["share_of_wallet"] is not None:
        return _("share of wallet: %(share)s (disloyal below %(max_share)s)") % {
            "share": f["percent"](v["share_of_wallet"]),
            "max_share": f["percent"](o["unfaithful_max_share_of_wallet"])}
    return _("touchpoints with a competitor signal in the last %(months)s months: "
             "%(signals)s (disloyal from %(min_signals)s)") % {
        "months": o["months"], "signals": v["disloyal_signals"],
        "min_signals": o["unfaithful_min_signals"]}


def _holds(name: str, v, _, f, o) -> str:
    """Why a type holds."""
    if name == "sleeping_beauty":
        return _("won business before, the last on %(last)s; won deals in the last "
                 "%(sleeping_months)s months: %(quiet)s") % {
            "last": f["date"](v["last_won"]), "sleeping_months": o["sleeping_months"],
            "quiet": v["won_deals_sleeping_months"]}
    if name == "unfaithful":
        return _("won business in the last %(months)s months, and %(disloyal)s") % {
            "months": o["months"], "disloyal": _disloyal_text(v, _, f, o)}
    if name == "inflatable":
        return _("effort in the last %(months)s months: %(hours)s hours and %(touchpoints)s "
                 "touchpoints, for a profit after hours of %(profit)s") % {
            "months": o["months"], "hours": f["number"](v["hours"], 1),
            "touchpoints": v["touchpoints"], "profit": f["money"](v["profit"])}
    return _("won deals in the last %(regularity_months)s months: %(regular)s; "
             "margin after hours: %(margin)s; loyal (%(disloyal)s)") % {
        "regularity_months": o["regularity_months"], "regular": v["won_deals_regular"],
        "margin": f["percent"](v["margin"]), "disloyal": _disloyal_text(v, _, f, o)}


def _fails(condition: str, v, _, f, o) -> str:
    """Why a condition of a type does not hold (or cannot be checked)."""
    if condition == "had_business":
        return _("no won business before the last %(sleeping_months)s months") % {
            "sleeping_months": o["sleeping_months"]}
    if condition == "quiet":
        return _("won deals in the last %(sleeping_months)s months: %(quiet)s (at most "
                 "%(max_quiet)s)") % {"sleeping_months": o["sleeping_months"],
                                      "quiet": v["won_deals_sleeping_months"],
                                      "max_quiet": o["sleeping_max_deals"]}
    if condition == "active":
        return _("no won business in the last %(months)s months") % {"months": o["months"]}
    if condition in ("disloyal", "loyal"):
        return _disloyal_text(v, _, f, o)
    if condition == "effort":
        if v["hours"] is None:
            return _("hours unknown (%(hours_unknown)s); touchpoints in the last %(months)s "
                     "months: %(touchpoints)s") % {
                "hours_unknown": _data(_, v["hours_unknown"]), "months": o["months"],
                "touchpoints": v["touchpoints"]}
        return _("effort in the last %(months)s months: %(hours)s hours and %(touchpoints)s "
                 "touchpoints (much from %(min_hours)s hours or %(min_touchpoints)s "
                 "touchpoints)") % {
            "months": o["months"], "hours": f["number"](v["hours"], 1),
            "touchpoints": v["touchpoints"], "min_hours": f["number"](o["inflatable_min_hours"]),
            "min_touchpoints": o["inflatable_min_touchpoints"]}
    if condition == "regular":
        return _("won deals in the last %(regularity_months)s months: %(regular)s "
                 "(%(min_deals)s needed)") % {"regularity_months": o["regularity_months"],
                                             "regular": v["won_deals_regular"],
                                             "min_deals": o["marriage_min_deals"]}
    if v["profit"] is None:
        return _("profit unknown: %(profit_unknown)s") % {
            "profit_unknown": _data(_, v["profit_unknown"])}
    if condition == "low_value":
        return _("profit after hours: %(profit)s (inflatable at most %(max_profit)s)") % {
            "profit": f["money"](v["profit"]), "max_profit": f["money"](o["inflatable_max_profit"])}
    if v["margin"] is None:
        return _("no won revenue in the last %(months)s months") % {"months": o["months"]}
    return _("margin after hours: %(margin)s (%(min_margin)s needed)") % {
        "margin": f["percent"](v["margin"]), "min_margin": f["percent"](o["marriage_min_margin"])}


def _explain_type(entry, _, f, options) -> str:
    if not entry["type_conditions"]:
        if entry["type_unknown"] == NO_OWN_BUSINESS:
            return _("unknown: no business records of its own (see its organisation)")
        return _("unknown: no business records")
    v, chosen, checks = entry["value"], entry["type"], entry["type_checks"]
    if chosen is not None:
        text = _holds(chosen, v, _, f, options)
        unchecked = [name for name in options["types"][:options["types"].index(chosen)]
                     if checks[name] is None]
        if unchecked:
            text += "; " + _("not checked for lack of data: %(types)s") % {
                "types": ", ".join(_data(_, TYPE_NAMES[name]) for name in unchecked)}
        return text
    parts, conditions = [], entry["type_conditions"]
    for name in checks:
        results = [(c, conditions[f"{name}.{c}"]) for c in CONDITIONS[name]]
        decisive = next((c for c, ok in results if ok is False), None) or \
            next(c for c, ok in results if ok is None)
        parts.append(f"{_data(_, TYPE_NAMES[name])}: {_fails(decisive, v, _, f, options)}")
    lead = (_("unknown, not every type could be checked") if entry["type_unknown"]
            else _("none of the types fits"))
    return f"{lead}: " + "; ".join(parts)


def _explain_phase(entry, _, f, options) -> str:
    v, rule = entry["value"], entry["phase_rule"]
    if rule == "data":
        return _("phase in the data")
    if rule == "organisation":
        return _("follows its organisation")
    if rule == "no_won_business":
        return _("no won business yet")
    if rule == "inactive":
        return _("no won business since %(date)s (%(months)s months or more)") % {
            "date": f["date"](v["last_won"]), "months": options["wind_down_months"]}
    if rule == "new":
        return _("first won business on %(date)s, within the last %(months)s months") % {
            "date": f["date"](v["first_won"]), "months": options["develop_months"]}
    if rule == "few_deals":
        return _("won deals so far: %(deals)s, fewer than %(min)s") % {
            "deals": v["won_deals_total"], "min": options["develop_min_deals"]}
    return _("won business since %(date)s, the last on %(last)s") % {
        "date": f["date"](v["first_won"]), "last": f["date"](v["last_won"])}


# -- portfolio ----------------------------------------------------------------------

def _portfolio(portfolio, df: pl.DataFrame, options) -> dict[str, Any]:
    total = exact_total(df, "revenue")

    def table(key: pl.Expr, keys: tuple[str, ...]) -> dict[str, dict]:
        grouped = df.group_by(key.alias("key")).agg(
            relations=pl.len(), revenue=exact_sum(pl.col("revenue")),
            revenue_unknown=pl.col("revenue").is_null().sum())
        rows = {row["key"]: row for row in grouped.iter_rows(named=True)}
        result = {}
        for name in keys:
            row = rows.get(name, {"relations": 0, "revenue": 0.0, "revenue_unknown": 0})
            revenue = round(float(row["revenue"] or 0.0), 2)
            result[name] = {"relations": row["relations"], "revenue": revenue,
                            "revenue_unknown": row["revenue_unknown"],
                            "revenue_share": round(revenue / total, 4) if total > 0 else None}
        return result

    def counts(column: str, keys: tuple[str, ...]) -> dict[str, int]:
        found = dict(df.group_by(pl.col(column).fill_null("unknown")).len().iter_rows())
        return {key: found.get(key, 0) for key in keys}

    type_key = pl.coalesce("type", pl.when(pl.col("type_unknown").is_not_null())
                           .then(pl.lit("unknown")).otherwise(pl.lit("none")))
    points = (df.filter(pl.col("segment").is_not_null())
              .select("id", "name", pl.col("attr_score").alias("attractiveness"),
                      pl.col("acc_score").alias("accessibility"), "segment")
              .sort("id").to_dicts())
    r_summary = {}
    for r in RS:
        grouped = {row[0]: row[1:] for row in df.group_by(f"rs:{r}").agg(
            pl.len(), pl.col(f"r:{r}").min().alias("low"),
            pl.col(f"r:{r}").max().alias("high")).iter_rows()}
        r_summary[r] = {
            "method": "thresholds" if r in options["r_thresholds"] else "quintiles",
            "counts": {str(s): grouped.get(s, (0,))[0] for s in range(1, 6)},
            "unknown": grouped.get(None, (0,))[0],
            "ranges": {str(s): list(grouped[s][1:]) if s in grouped else None
                       for s in range(1, 6)}}
    return {
        "months": options["months"], "revenue": round(total, 2),
        "per_category": table(pl.col("category").fill_null("unknown"), (*CATEGORIES, "unknown")),
        "category_sources": counts("category_source", (*CATEGORY_METHODS, "unknown")),
        "per_segment": table(pl.col("segment").fill_null("unknown"), (*SEGMENTS, "unknown")),
        "per_type": table(type_key, (*TYPES, "none", "unknown")),
        "per_phase": table(pl.col("phase"), PHASES),
        "phase_sources": counts("phase_source", ("data", "derived", "organisation")),
        "matrix": {"attractiveness_threshold": options["attractiveness_threshold"],
                   "accessibility_threshold": options["accessibility_threshold"],
                   "points": points},
        "r_scores": r_summary,
    }


# -- report sections ----------------------------------------------------------------

@hookimpl
def report_sections(kind, relation, report):
    found = report.findings.get(NAME)
    if found is None:
        return []
    _ = report.translate
    if kind == "portfolio":
        data = report.memo(f"{NAME}.portfolio", lambda: _portfolio_data(found, report))
        return [
            Section("segmentation-overview", _("Portfolio by category"),
                    "sections/segmentation_categories.html", 10, data),
            Section("segmentation-matrix", _("Attractiveness × accessibility"),
                    "sections/segmentation_matrix.html", 12, data),
            Section("segmentation-types", _("Customer types"), "sections/segmentation_types.html",
                    14, data),
            Section("segmentation-phases", _("Lifecycle phases"), "sections/segmentation_phases.html",
                    16, data),
            Section("segmentation-r", _("The five R's"), "sections/segmentation_r.html", 18, data),
        ]
    entry = found.relations.get(relation.id)
    if entry is None:
        return []
    return [Section("segmentation", _("Segmentation"), "sections/segmentation_relation.html", 40,
                    _relation_data(entry, relation, report))]


def _axis(values: list[float], threshold: float) -> tuple[tuple[float, float], tuple[float, ...]]:
    """A score axis: at least 1 to 5 (the usual scale), wider when the data or the threshold is;
    whole-number ticks, at most about six."""
    low = math.floor(min([1.0, threshold, *values]))
    high = math.ceil(max([5.0, threshold, *values]))
    step = max(1, math.ceil((high - low) / 6))
    return (float(low), float(high)), tuple(float(v) for v in range(low, high + 1, step))


def _matrix_labels(report, options) -> dict:
    _ = report.translate
    return {"x_label": _("Accessibility"), "y_label": _("Attractiveness"),
            "quadrants": tuple(_data(_, SEGMENT_NAMES[key])
                               for key in ("develop", "invest", "ignore", "harvest")),
            "x_split": options["accessibility_threshold"],
            "y_split": options["attractiveness_threshold"]}


def _matrix(found, report, options):
    """The attractiveness x accessibility scatter of the portfolio, aggregated to grid cells
    (a few hundred dots at most, however many relations)."""
    from relatierapport.render.charts import Scatter, binned

    _, f = report.translate, _filters(report)
    frame = found.relations.frame.select(
        pl.col("accessibility").struct.field("score").alias("x"),
        pl.col("attractiveness").struct.field("score").alias("y"))
    known = frame.drop_nulls(["x", "y"])
    x_range, x_ticks = _axis(known["x"].to_list(), options["accessibility_threshold"])
    y_range, y_ticks = _axis(known["y"].to_list(), options["attractiveness_threshold"])
    cell = 0.25 if x_range[1] - x_range[0] <= 6 else (x_range[1] - x_range[0]) / 24
    description = _("%(relations)s relations with both scores, in dots of %(cell)s by %(cell)s "
                    "points; a dot's area grows with the number of relations it stands for. "
                    "%(missing)s relations lack a score.") % {
        "relations": f["number"](known.height), "cell": f["number"](cell, 2),
        "missing": f["number"](frame.height - known.height)}
    return Scatter(_("Relations by attractiveness and accessibility"), description,
                   points=binned(known.iter_rows(), cell), x_range=x_range, y_range=y_range,
                   x_ticks=x_ticks, y_ticks=y_ticks, cell=cell, **_matrix_labels(report, options))


def _filters(report) -> dict:
    from relatierapport.builtin.sections.formatting import filters_for
    return filters_for(report)


def _r_text(r: str, value, _, f, options) -> str:
    if value is None:
        return "–"
    if r == "recency":
        return _("days since the last won deal: %(days)s") % {"days": f["number"](value)}
    if r == "regularity":
        return _("won deals in the last %(months)s months: %(count)s") % {
            "count": f["number"](value), "months": options["regularity_months"]}
    if r == "duration":
        return _("%(years)s years") % {"years": f["number"](value / 365.25, 1)}
    if r == "revenue":
        return _("%(money)s in the last %(months)s months") % {
            "money": f["money"](value), "months": options["months"]}
    return _("in the last %(months)s months: %(count)s") % {
        "count": f["number"](value), "months": options["months"]}


def _weight_text(weight: float, report) -> str:
    """A weight as written: 3 or 0,5 (no needless decimals)."""
    from babel.numbers import format_decimal

    from relatierapport.render.i18n import BABEL_LOCALES
    return format_decimal(weight, format="#,##0.##",
                          locale=BABEL_LOCALES.get(report.config.language, "nl_NL"))


def _r_bands(r: str, summary: dict, report, options) -> list[dict]:
    """Per score from 5 down: the range of values it covers, in the report's language."""
    _, f = report.translate, _filters(report)
    bands = []
    for score in ("5", "4", "3", "2", "1"):
        values = summary["ranges"][score]
        if not values:
            continue
        low, high = values
        if r == "duration":
            low, high = _("%(years)s years") % {"years": f["number"](low / 365.25, 1)}, \
                _("%(years)s years") % {"years": f["number"](high / 365.25, 1)}
        elif r == "revenue":
            low, high = f["money"](low), f["money"](high)
        else:
            low, high = f["number"](low), f["number"](high)
        text = low if low == high else _("%(low)s to %(high)s") % {"low": low, "high": high}
        if r == "recency":
            text = _("%(range)s days") % {"range": text}
        bands.append({"score": int(score), "text": text,
                      "relations": summary["counts"][score]})
    return bands


def _relation_data(entry, relation, report) -> dict[str, Any]:
    options = report.memo("segmentation.options", lambda: _options(report.config))
    _, f = report.translate, _filters(report)
    reasons = explain(entry, _, f, options)
    scores = {name.casefold(): score for name, score in relation.scores.items()}
    lenses = []
    for title, block, table in ((_("ABC scoring"), entry["scoring"], options["scoring_weights"]),
                                (_("Attractiveness"), entry["attractiveness"],
                                 options["attractiveness"]),
                                (_("Accessibility"), entry["accessibility"],
                                 options["accessibility"])):
        lenses.append({
            "title": title, "score": block["score"],
            "missing": ", ".join(block.get("missing", [])),
            "parts": [{"criterion": name, "score": scores.get(name.casefold()),
                       "weight": _weight_text(weight, report),
                       "contribution": block["parts"].get(name)}
                      for name, weight in table.items() if weight > 0]})
    value = entry["value"]
    if value["won_deals"] is None:        # no business records at all: say so once
        facts = [(_("Business"), "–", value["revenue_unknown"])]
    else:
        facts = [
            (_("Won revenue"), f["money"](value["revenue"]), value["revenue_unknown"]),
            (_("Hours spent"), f["number"](value["hours"], 1), value["hours_unknown"]),
            (_("Profit after hours"), f["money"](value["profit"]), value["profit_unknown"]),
            (_("Won deals"), f["number"](value["won_deals"]), None),
        ]
    facts += [
        (_("Touchpoints"), f["number"](value["touchpoints"]), None),
        (_("Touchpoints with a competitor signal"), f["number"](value["disloyal_signals"]), None),
    ]
    if value["share_of_wallet"] is not None:
        facts.append((_("Share of wallet"), f["percent"](value["share_of_wallet"]), None))
    return {
        "category": entry["category"], "category_source": entry["category_source"],
        "category_reason": reasons["category_reason"],
        "segment": entry["segment"],
        "segment_name": _data(_, SEGMENT_NAMES[entry["segment"]]) if entry["segment"] else None,
        "segment_reason": reasons["segment_reason"],
        "policy": _data(_, entry["policy"]) if entry["policy"] else None,
        "type": entry["type"],
        "type_name": _data(_, TYPE_NAMES[entry["type"]]) if entry["type"] else None,
        "type_reason": reasons["type_reason"],
        "advice": _data(_, entry["advice"]) if entry["advice"] else None,
        "phase": entry["phase"], "phase_name": _data(_, PHASE_NAMES[entry["phase"]]),
        "phase_source": entry["phase_source"], "phase_reason": reasons["phase_reason"],
        "lenses": lenses,
        "months": options["months"], "hourly_cost": options["hourly_cost"],
        "facts": [{"label": label, "text": text, "unknown": _data(_, unknown) if unknown else None}
                  for label, text, unknown in facts],
        "r": [{"name": _data(_, R_NAMES[r]), "score": entry["r"][r]["score"],
               "text": _r_text(r, entry["r"][r]["value"], _, f, options),
               "unknown": _data(_, entry["r"][r]["unknown"])
               if entry["r"][r]["score"] is None else None}
              for r in RS],
        "has_scores": bool(scores),
    }


def _portfolio_data(found, report) -> dict[str, Any]:
    options = report.memo("segmentation.options", lambda: _options(report.config))
    _ = report.translate
    data = found.portfolio

    def rows(table, names, extra=None):
        return [{"key": key, "name": names.get(key, key), **row, **(extra(key) if extra else {})}
                for key, row in table.items() if key not in ("unknown", "none") or row["relations"]]

    special = {"unknown": _("unknown"), "none": _("no type")}
    limit = 25
    typed = (found.relations.frame
             .select("relation", "type", pl.col("value").struct.field("revenue").fill_null(0.0))
             .filter(pl.col("type").is_not_null())
             .join(report.portfolio.relation_frame().select("relation", "name"), on="relation",
                   how="left")
             .sort(["revenue", "name", "relation"], descending=[True, False, False]))

    def type_extra(key):
        if key not in TYPES:
            return {"advice": None, "members": [], "more": 0}
        chosen = typed.filter(pl.col("type") == key)
        return {"advice": _data(_, options["advice"][key]),
                "members": chosen.head(limit).select(pl.col("relation").alias("id"), "name").to_dicts(),
                "more": max(0, chosen.height - limit)}

    sources = {"data": _("from the data"), "scoring": _("from the scoring matrix"),
               "revenue_share": _("from the revenue share"), "unknown": _("unknown")}
    phase_sources = {"data": _("from the data"), "derived": _("derived from the business"),
                     "organisation": _("follows its organisation")}
    result = {
        "months": data["months"], "revenue": data["revenue"],
        "categories": rows(data["per_category"], {**{c: c for c in CATEGORIES}, **special}),
        "category_sources": [{"name": sources[k], "relations": n}
                             for k, n in data["category_sources"].items() if n],
        "segments": rows(data["per_segment"], {**{k: _data(_, v) for k, v in SEGMENT_NAMES.items()},
                                               **special},
                         lambda key: {"policy": _data(_, options["policies"][key])
                                      if key in SEGMENTS else None}),
        "types": rows(data["per_type"],
                      {**{k: _data(_, v) for k, v in TYPE_NAMES.items()}, **special},
                      type_extra),
        "phases": rows(data["per_phase"], {k: _data(_, v) for k, v in PHASE_NAMES.items()}),
        "phase_sources": [{"name": phase_sources[k], "relations": n}
                          for k, n in data["phase_sources"].items() if n],
        "r_scores": [{"name": _data(_, R_NAMES[r]), "bands": _r_bands(r, data["r_scores"][r],
                                                                      report, options),
                      "unknown": data["r_scores"][r]["unknown"]} for r in RS],
    }
    from relatierapport.render.charts import Bar
    for key in ("categories", "segments", "types", "phases"):
        largest = max((row["relations"] for row in result[key]), default=0)
        for row in result[key]:
            row["bar"] = Bar(row["relations"], largest)
            row["revenue_bar"] = Bar(row.get("revenue_share") or 0.0, 1.0, "muted")
    result["relations"] = sum(row["relations"] for row in result["categories"])
    result["matrix"] = _matrix(found, report, options)
    return result
