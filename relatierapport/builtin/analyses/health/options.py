"""The health analysis' options: what a project can set, the defaults, and the checks that
name a wrong value; ``settings`` completes partial tables from the defaults."""

from __future__ import annotations

from relatierapport.options import Integer, ListOf, Number, Option, OptionGroup, Table, Text

NAME = "health"
CATEGORIES = ("A", "B", "C")
INDICATORS = ("response_time", "referrals", "repeat_business", "value_add", "cadence")
#: The bands of a score, and "insufficient": fewer known indicators than min_known_indicators.
BANDS = ("green", "amber", "red", "insufficient")
RED_FLAGS = ("no_response", "competitor", "rate_pressure", "stakeholder_change", "exclusivity_lost")
OPPORTUNITIES = ("proactive", "referral", "strategic", "first_call")
FLAG_KINDS = RED_FLAGS + OPPORTUNITIES
TOUCHPOINT_KINDS = ("check_in", "value_add", "offer", "evaluation", "complaint", "complaint_resolved",
                    "referral_given", "referral_received")

DEFAULT_WEIGHTS = {"response_time": 1.0, "referrals": 1.0, "repeat_business": 2.0, "value_add": 1.0,
                   "cadence": 2.0}
DEFAULT_BANDS = {"green": 70.0, "amber": 40.0}
DEFAULT_RESPONSE_DAYS = {"full": 30, "zero": 180}
DEFAULT_REFERRAL_TARGET = {"A": 3.0, "B": 2.0, "C": 1.0}
DEFAULT_REPEAT_TARGET = {"A": 4.0, "B": 2.0, "C": 1.0}
DEFAULT_VALUE_ADD_TARGET = {"A": 2.0, "B": 1.0, "C": 1.0}
DEFAULT_KEYWORDS = {
    "no_response": ["geen reactie", "geen antwoord", "niet bereikbaar", "no reply", "no response"],
    "competitor": ["concurrent", "ander bureau", "andere bureaus", "competitor", "competitors",
                   "other agency"],
    "rate_pressure": ["tarief", "tarieven", "uurtarief", "prijsdruk", "tariefdruk", "korting",
                      "rate", "rates", "price pressure", "discount"],
    "stakeholder_change": ["nieuwe contactpersoon", "nieuwe hr-manager", "nieuwe manager",
                           "nieuwe directeur", "new contact", "new hr director", "new manager"],
    "exclusivity_lost": ["exclusiviteit", "exclusief", "exclusivity", "exclusive"],
    "proactive": ["belde zelf", "mailde zelf", "called us", "reached out"],
    "referral": ["verwees ons", "doorverwezen", "raadde ons aan", "referred us", "recommended us"],
    "strategic": ["strategisch", "strategische", "strategie", "strategic", "strategy"],
    "first_call": ["als eerste", "eerste keus", "first call", "first choice"],
}
DEFAULT_PROACTIVE_EXCLUDE = ["complaint", "complaint_resolved", "referral_given"]


def _merged(defaults: dict):
    return lambda value: {**defaults, **value}


def _check_weights(value):
    if sum(_merged(DEFAULT_WEIGHTS)(value).values()) <= 0:
        return "expected at least one weight above 0 (with the defaults for keys not given)"
    return None


def _check_bands(value):
    bands = _merged(DEFAULT_BANDS)(value)
    if bands["amber"] > bands["green"]:
        return f"expected amber ({bands['amber']:g}) not above green ({bands['green']:g})"
    return None


def _check_response(value):
    days = _merged(DEFAULT_RESPONSE_DAYS)(value)
    if days["zero"] <= days["full"]:
        return f"expected zero ({days['zero']}) above full ({days['full']})"
    return None


def _check_positive(value):
    bad = [key for key, number in value.items() if number <= 0]
    return f"expected numbers above 0 (not for {', '.join(bad)})" if bad else None


def _check_keywords(value):
    for kind, words in value.items():
        for word in words:
            if not word.strip().strip("*").strip():
                return f"expected non-empty keywords (an empty one in {kind} would match every note)"
    return None


def _months(name: str, default: int, what: str) -> Option:
    return Option(name, Integer(minimum=1, maximum=120), default, what)


def option_group() -> OptionGroup:
    return OptionGroup(f"plugins.{NAME}", (
        Option("weights", Table(Number(minimum=0), keys=INDICATORS), dict(DEFAULT_WEIGHTS),
               "Weight of each indicator in the health score (response_time, referrals, "
               "repeat_business, value_add, cadence); keys not given keep their default; 0 leaves "
               "an indicator out. At least one weight must be above 0.", check=_check_weights),
        Option("min_known_indicators", Integer(minimum=1, maximum=len(INDICATORS)), 3,
               "Fewest known indicators (of those with a weight above 0) a relation needs for a "
               "health band; with fewer it is \"too little data\", with what is missing. 3 of "
               "the 5: with fewer, one indicator decides the colour or nearly does (an account "
               "with only an old start date would read red on cadence alone). When fewer "
               "indicators have a weight, all of those are needed."),
        Option("bands", Table(Number(minimum=0, maximum=100), keys=("green", "amber")),
               dict(DEFAULT_BANDS),
               "Lowest score of the green and of the amber band; lower scores are red. "
               "amber must not be above green.", check=_check_bands),
        _months("trend_months", 3, "The trend compares with the score this many months before "
                                   "the report date."),
        Option("trend_tolerance", Number(minimum=0, maximum=100), 5.0,
               "A score change of at most this many points (either way) is a flat trend."),
        _months("response_months", 12, "Outgoing touchpoints of this many months before the "
                                       "report date are measured for the response time."),
        Option("response_days", Table(Integer(minimum=0, maximum=3650), keys=("full", "zero")),
               dict(DEFAULT_RESPONSE_DAYS),
               "Response time scoring: a median reply within `full` days scores 100, `zero` days "
               "or more scores 0, linear in between; unanswered outgoing touchpoints count once "
               "they have waited `zero` days. zero must be above full.", check=_check_response),
        _months("referral_months", 12, "Referrals given in this many months count."),
        Option("referral_target", Table(Number(minimum=0), keys=CATEGORIES),
               dict(DEFAULT_REFERRAL_TARGET),
               "Referrals per year that score 100, per category; fewer score proportionally.",
               check=_check_positive),
        _months("repeat_months", 12, "Won deals (not credit notes) in this many months count."),
        Option("repeat_target", Table(Number(minimum=0), keys=CATEGORIES),
               dict(DEFAULT_REPEAT_TARGET),
               "Won deals in the window that score 100, per category; fewer score "
               "proportionally.", check=_check_positive),
        _months("value_add_months", 6, "Value-add touchpoints in this many months count."),
        Option("value_add_target", Table(Number(minimum=0), keys=CATEGORIES),
               dict(DEFAULT_VALUE_ADD_TARGET),
               "Value-add touchpoints in the window that score 100, per category; fewer score "
               "proportionally.", check=_check_positive),
        Option("cadence_zero_periods", Number(minimum=0.01, maximum=100), 1.0,
               "A relation overdue by this many cadence periods (a cadence month counts as 30 "
               "days) scores 0 on cadence; on time scores 100, linear in between."),
        _months("signal_months", 12, "Red flags, opportunity signals and resolved complaints "
                                     "of this many months before the report date are shown."),
        Option("no_response_after", Integer(minimum=0, maximum=1000), 5,
               "A red flag when the relation's latest this many outgoing touchpoints have had no "
               "incoming touchpoint since (0: off); the signal no_response and the no_response "
               "keywords always count."),
        Option("keywords", Table(ListOf(Text()), keys=FLAG_KINDS),
               {kind: list(words) for kind, words in DEFAULT_KEYWORDS.items()},
               "Keywords in the touchpoint notes per red flag or opportunity kind, Dutch and "
               "English; case-insensitive, whole words; a * at the start or end also matches "
               "longer words (\"tarie*\"). A kind not given keeps its default list; [] turns "
               "keywords off for that kind. no_response keywords count on outgoing touchpoints "
               "only.", check=_check_keywords),
        Option("proactive_exclude", ListOf(Text(choices=TOUCHPOINT_KINDS)),
               list(DEFAULT_PROACTIVE_EXCLUDE),
               "Incoming touchpoints of these kinds are not counted as proactive outreach."),
        Option("fast_resolution_days", Integer(minimum=0, maximum=3650), 7,
               "A complaint resolved within this many days counts as resolved fast."),
        Option("signals_per_relation", Integer(minimum=0, maximum=100000), 10,
               "Most recent red flags and most recent opportunity signals listed per kind and "
               "relation (each with its touchpoint); the counts always cover them all. 0 = no limit."),
        Option("list_limit", Integer(minimum=0, maximum=100000), 100,
               "Longest portfolio lists (red flags, red relations, turning red) in report.json and "
               "the report; 0 = no limit. Open complaints are always listed in full."),
    ), "Relation health: indicators, score, bands, trend, red flags and opportunities.")


def settings(config) -> dict:
    """The validated options with partial tables completed from the defaults, and the core's
    [business] facts (``business``: which records are won deals)."""
    options = dict(config.plugin(NAME))
    options["business"] = dict(config.business)
    options["weights"] = {**DEFAULT_WEIGHTS, **options["weights"]}
    options["bands"] = {**DEFAULT_BANDS, **options["bands"]}
    options["response_days"] = {**DEFAULT_RESPONSE_DAYS, **options["response_days"]}
    options["referral_target"] = {**DEFAULT_REFERRAL_TARGET, **options["referral_target"]}
    options["repeat_target"] = {**DEFAULT_REPEAT_TARGET, **options["repeat_target"]}
    options["value_add_target"] = {**DEFAULT_VALUE_ADD_TARGET, **options["value_add_target"]}
    options["keywords"] = {**DEFAULT_KEYWORDS, **options["keywords"]}
    return options
