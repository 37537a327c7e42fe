"""The options of ``[plugins.segmentation]``: declared, checked, and completed for use."""

from __future__ import annotations

from typing import Any

from relatierapport.builtin.analyses.segmentation.names import (CATEGORY_METHODS, CLV, DEFAULT_ADVICE,
                                                                DEFAULT_POLICIES, NAME, RS,
                                                                SEGMENTS, TYPES)
from relatierapport.options import (Boolean, Integer, ListOf, Number, Option, OptionGroup, Table,
                                    Text)

DEFAULT_SCORING_WEIGHTS = {"opbrengst": 3.0, "fit": 2.0, "kerntaak": 2.0, "belangen": 1.0,
                           "relatie": 1.0, "bekendheid": 1.0, "imago": 1.0, "openheid": 1.0}
DEFAULT_ATTRACTIVENESS = {"opbrengst": 1.0, "fit": 1.0, "belangen": 1.0, "kerntaak": 1.0}
DEFAULT_ACCESSIBILITY = {"bekendheid": 1.0, "imago": 1.0, "relatie": 1.0, "openheid": 1.0}
DEFAULT_SCORING_THRESHOLDS = {"A": 3.5, "B": 3.0}
DEFAULT_REVENUE_SHARE = {"A": 0.8, "B": 0.95}


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


def option_group() -> OptionGroup:
    """The options of ``[plugins.segmentation]``, made afresh (their defaults are mutable)."""
    weight = Number(minimum=0)
    return OptionGroup(f"plugins.{NAME}", (
        # windows, and the hours set against revenue
        Option("months", Integer(minimum=1, maximum=120), 12,
               "Window in months for revenue, hours, profit, touchpoints, competitor signals, "
               "referrals and the revenue share (the last N months up to the report date)."),
        Option("regularity_months", Integer(minimum=1, maximum=240), 24,
               "Window in months for regularity: won deals counted (credit notes are no deals)."),
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
    ), "Segmentation: ABC category, attractiveness x accessibility, customer type, five R's, phase.")


def settings(config, findings=None) -> dict[str, Any]:
    """The options as the analysis and the sections use them: defaults filled in, partial tables
    completed from the method's, the [business] facts (hourly_cost, no_status_is_won), and
    ``probably_lost_below``: the clv analysis' threshold on P(alive) when its findings hold
    fitted figures (a sleeping beauty may hold by it), else None."""
    options = option_group().defaults()
    options.update(config.plugin(NAME))
    options.update(config.business)         # hourly_cost, no_status_is_won
    options["scoring_thresholds"] = {**DEFAULT_SCORING_THRESHOLDS, **options["scoring_thresholds"]}
    options["revenue_share"] = {**DEFAULT_REVENUE_SHARE, **options["revenue_share"]}
    options["policies"] = {**DEFAULT_POLICIES, **options["policies"]}
    options["advice"] = {**DEFAULT_ADVICE, **options["advice"]}
    options["probably_lost_below"] = clv_threshold(findings)
    return options


def clv_threshold(findings) -> float | None:
    """The clv analysis' ``probably_lost_below`` when its findings hold fitted figures (read from
    its findings, never its code); None when it is disabled, has no scipy or fitted nothing."""
    found = (findings or {}).get(CLV)
    if found is None or found.portfolio.get("bgnbd") is None:
        return None
    return found.portfolio.get("probably_lost_below")
