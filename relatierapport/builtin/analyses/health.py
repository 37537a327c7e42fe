"""Built-in plugin ``health``: how healthy is each relation, why, and is it getting better?

Five indicators, each scored 0-100 by a configurable rule (windows end on the
report date; "the last N months" is the period after the same day N months
before the report date, up to and including the report date):

``response_time``
    For every outgoing touchpoint in the last ``response_months``: the days
    until the relation's next incoming touchpoint (the same day counts, as 0
    days). Outgoing touchpoints still unanswered count with the days they have
    waited so far once that is at least ``response_days.zero``; younger
    unanswered ones are still pending and left out. The value is the median
    (mean of the two middle values for an even count); it scores 100 up to
    ``response_days.full`` days, 0 from ``response_days.zero`` days, linearly
    in between.
``referrals``
    ``referral_given`` touchpoints (the relation referred us) in the last
    ``referral_months``, per year; ``referral_target`` per year (per category)
    scores 100, fewer proportionally.
``repeat_business``
    Won business records in the last ``repeat_months``; ``repeat_target`` (per
    category) scores 100, fewer proportionally.
``value_add``
    ``value_add`` touchpoints in the last ``value_add_months``;
    ``value_add_target`` (per category) scores 100, fewer proportionally.
``cadence``
    Days overdue from the ``cadence`` analysis (for the previous period
    recomputed by the same rule); 0 days scores 100, overdue by
    ``cadence_zero_periods`` cadence periods (a cadence month counts as 30
    days) scores 0, linearly in between. Never contacted and no start date:
    unknown.

An indicator that cannot be computed is an explicit unknown with its reason
(no touchpoints on record, no business records, nothing to measure) and is left
out of the score: the score is the weighted mean of the known indicators
(weights in ``weights``), each indicator's contribution is weight x score /
total known weight, and what it "lost" is weight x (100 - score) / total known
weight, so the contributions add up to the score and the losses to 100 - score.
Bands: ``green`` from ``bands.green``, ``amber`` from ``bands.amber``, else
``red``. The reasons are the known indicators scoring below the green limit,
the biggest loss first. The trend repeats the whole computation with the
report date moved back ``trend_months`` (the category stays as it is now).
Each relation's category (for the targets) and cadence in months come from the
``cadence`` analysis' findings; health requires that analysis.

Red flags and opportunity signals come from touchpoints in the last
``signal_months``: their signals, configurable Dutch and English keywords in
the notes (whole words), incoming touchpoints (proactive outreach), kind
``referral_given`` (referral) and, for no response, the relation's latest
``no_response_after`` outgoing touchpoints without an incoming one since.
Each comes with its touchpoint and what raised it. Open complaints (a
complaint without a complaint_resolved on or after its date for the same
relation) are always listed with their age; resolved ones with their
resolution time and whether it was fast (``fast_resolution_days``).
"""

from __future__ import annotations

from collections import Counter

import polars as pl

from relatierapport import hookimpl
from relatierapport.builtin.analyses.evidence import keywords_regex, which_keyword, window
from relatierapport.dates import add_months
from relatierapport.hooktypes import Analysis, Findings, Section
from relatierapport.render.labels import N_
from relatierapport.options import Integer, ListOf, Number, Option, OptionGroup, Table, Text
from relatierapport.relation_table import relation_columns

NAME = "health"
CATEGORIES = ("A", "B", "C")
INDICATORS = ("response_time", "referrals", "repeat_business", "value_add", "cadence")
BANDS = ("green", "amber", "red")
RED_FLAGS = ("no_response", "competitor", "rate_pressure", "stakeholder_change", "exclusivity_lost")
OPPORTUNITIES = ("proactive", "referral", "strategic", "first_call")
FLAG_KINDS = RED_FLAGS + OPPORTUNITIES
#: The touchpoint signal that raises each flag kind (proactive and referral come from kind/direction).
SIGNAL_OF = {"no_response": "no_response", "competitor": "competitor", "rate_pressure": "rate_pressure",
             "stakeholder_change": "stakeholder_change", "exclusivity_lost": "exclusivity_lost",
             "strategic": "strategic", "first_call": "first_call"}
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
MONTH_DAYS = 30          # a cadence month, for the cadence indicator's scale

# Reasons for unknowns: fixed English texts (data in report.json, translated in the report).
NO_TOUCHPOINTS = N_("no touchpoints on record")
NO_OUTGOING = N_("no outgoing touchpoints in the window to measure")
ALL_PENDING = N_("outgoing touchpoints in the window still await a reply")
NO_BUSINESS = N_("no business records")
NEVER_CONTACTED_NO_START = N_("never contacted and no start date (since) known")
NO_INDICATOR = N_("no indicator could be computed")
NO_WEIGHT = N_("only indicators with weight 0 are known")
NOT_STARTED = N_("the relation had not started yet")
NO_SCORE_NOW = N_("no score now")
NO_SCORE_THEN = N_("no score for the previous period")


# -- options -----------------------------------------------------------------------

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


@hookimpl
def config_options():
    return [OptionGroup(f"plugins.{NAME}", (
        Option("weights", Table(Number(minimum=0), keys=INDICATORS), dict(DEFAULT_WEIGHTS),
               "Weight of each indicator in the health score (response_time, referrals, "
               "repeat_business, value_add, cadence); keys not given keep their default; 0 leaves "
               "an indicator out. At least one weight must be above 0.", check=_check_weights),
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
        _months("repeat_months", 12, "Won business records in this many months count."),
        Option("repeat_target", Table(Number(minimum=0), keys=CATEGORIES),
               dict(DEFAULT_REPEAT_TARGET),
               "Won business records in the window that score 100, per category; fewer score "
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
    ), "Relation health: indicators, score, bands, trend, red flags and opportunities.")]


def settings(config) -> dict:
    """The validated options with partial tables completed from the defaults."""
    options = dict(config.plugin(NAME))
    options["weights"] = {**DEFAULT_WEIGHTS, **options["weights"]}
    options["bands"] = {**DEFAULT_BANDS, **options["bands"]}
    options["response_days"] = {**DEFAULT_RESPONSE_DAYS, **options["response_days"]}
    options["referral_target"] = {**DEFAULT_REFERRAL_TARGET, **options["referral_target"]}
    options["repeat_target"] = {**DEFAULT_REPEAT_TARGET, **options["repeat_target"]}
    options["value_add_target"] = {**DEFAULT_VALUE_ADD_TARGET, **options["value_add_target"]}
    options["keywords"] = {**DEFAULT_KEYWORDS, **options["keywords"]}
    return options


# -- the indicators at one date ----------------------------------------------------------

def _target(mapping: dict) -> pl.Expr:
    return pl.col("category").replace_strict(mapping, default=mapping["C"], return_dtype=pl.Float64)


def _reason(*cases) -> pl.Expr:
    """The first reason text whose condition holds, else null."""
    expr = pl.when(cases[0][0]).then(pl.lit(cases[0][1]))
    for condition, text in cases[1:]:
        expr = expr.when(condition).then(pl.lit(text))
    return expr.otherwise(pl.lit(None, pl.String))


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

    ``relations`` has relation, category, months (all from the cadence analysis)
    and (for ``now``) its days overdue and status; without ``now`` (the previous
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
        ((pl.col("status") == "won") & window(as_of, options["repeat_months"])).sum().alias("won")))

    zeros = ("n_touch", "referrals", "value_adds", "outgoing", "answered", "unanswered", "pending",
             "n_business", "won")
    frame = (relations.lazy().join(touch, on="relation", how="left", maintain_order="left")
             .join(replies, on="relation", how="left", maintain_order="left")
             .join(business, on="relation", how="left", maintain_order="left")
             .with_columns(pl.col(zeros).fill_null(0)))

    if now:
        overdue = pl.col("now_overdue")
        overdue_unknown = (pl.col("now_status") == "never_contacted") & pl.col("since").is_null()
    else:
        step = pl.format("{}mo", pl.col("months"))
        due = (pl.when(pl.col("last").is_not_null()).then(pl.col("last").dt.offset_by(step))
               .otherwise(pl.col("since").dt.offset_by(step)))
        overdue = pl.max_horizontal((pl.lit(as_of) - due).dt.total_days(), pl.lit(0))
        overdue_unknown = pl.col("last").is_null() & pl.col("since").is_null()
    no_touch = pl.col("n_touch") == 0
    median = pl.col("median")
    per_year = 12 / options["referral_months"]
    scale = options["cadence_zero_periods"] * pl.col("months") * MONTH_DAYS
    frame = frame.with_columns(
        _reason((no_touch, NO_TOUCHPOINTS), (pl.col("outgoing") == 0, NO_OUTGOING),
                (median.is_null(), ALL_PENDING)).alias("response_time_unknown"),
        _reason((no_touch, NO_TOUCHPOINTS)).alias("referrals_unknown"),
        _reason((pl.col("n_business") == 0, NO_BUSINESS)).alias("repeat_business_unknown"),
        _reason((no_touch, NO_TOUCHPOINTS)).alias("value_add_unknown"),
        _reason((overdue_unknown, NEVER_CONTACTED_NO_START)).alias("cadence_unknown"),
        _target(options["referral_target"]).alias("referrals_target"),
        _target(options["repeat_target"]).alias("repeat_business_target"),
        _target(options["value_add_target"]).alias("value_add_target"),
        (pl.col("referrals") * per_year).alias("referrals_rate"),
        pl.when(overdue_unknown).then(None).otherwise(overdue).alias("overdue"),
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
    counted = {key: pl.when(pl.col(f"{key}_raw").is_not_null()).then(pl.lit(weights[key]))
               .otherwise(0.0) for key in INDICATORS}
    frame = frame.with_columns(**{f"{key}_w": expr for key, expr in counted.items()})
    frame = frame.with_columns(pl.sum_horizontal(f"{key}_w" for key in INDICATORS).alias("total"))
    total = pl.col("total")
    frame = frame.with_columns(
        pl.when(total > 0).then(pl.sum_horizontal(pl.col(f"{k}_w") * pl.col(f"{k}_raw").fill_null(0)
                                                  for k in INDICATORS) / total).round(1).alias("score"),
        pl.when(total > 0).then(None).when(
            pl.any_horizontal(pl.col(f"{k}_raw").is_not_null() for k in INDICATORS))
        .then(pl.lit(NO_WEIGHT)).otherwise(pl.lit(NO_INDICATOR)).alias("unknown"),
        *(pl.when(pl.col(f"{k}_w") > 0).then(pl.col(f"{k}_w") * pl.col(f"{k}_raw") / total)
          .round(1).alias(f"{k}_contribution") for k in INDICATORS),
        *(pl.when(pl.col(f"{k}_w") > 0).then(pl.col(f"{k}_w") * (100 - pl.col(f"{k}_raw")) / total)
          .round(1).alias(f"{k}_lost") for k in INDICATORS),
    )
    frame = frame.with_columns(
        pl.when(pl.col("score") >= bands["green"]).then(pl.lit("green"))
        .when(pl.col("score") >= bands["amber"]).then(pl.lit("amber"))
        .when(pl.col("score").is_not_null()).then(pl.lit("red"))
        .otherwise(pl.lit(None, pl.String)).alias("band"))
    return frame.collect()


# -- red flags, opportunities, complaints --------------------------------------------------

_TP_COLUMNS = ("relation", "date", "employee", "channel", "direction", "kind", "notes")
#: Flag kinds as small integers while flags are merged and sorted (hashing and sorting a number
#: is several times cheaper than a name); numbered alphabetically, so sorting by code is sorting
#: by name.
FLAG_CODE = {kind: code for code, kind in enumerate(sorted(FLAG_KINDS))}
_FLAG_PARTS = {"row": pl.UInt32, "flag_code": pl.UInt8, "signal": pl.String,
               "matched_text": pl.String, "rule": pl.String, "unanswered": pl.UInt32}


def _code(kind: str) -> pl.Expr:
    return pl.lit(FLAG_CODE[kind], pl.UInt8)


def _part(frame: pl.DataFrame, **columns) -> pl.DataFrame:
    exprs = [columns.get(name, pl.lit(None)).cast(dtype).alias(name) for name, dtype in _FLAG_PARTS.items()]
    return frame.select(exprs)


def flags(portfolio, as_of, options) -> pl.DataFrame:
    """One row per (touchpoint, flag kind) in the signal window, with what raised it."""
    tp = portfolio.touchpoints.lazy().with_row_index("row")
    recent = (tp.filter(window(as_of, options["signal_months"]))
              .select("row", "relation", "direction", "kind", "signals", "notes").collect())
    parts = []      # (flag kinds the part can raise, its rows)
    by_signal = {code: kind for kind, code in SIGNAL_OF.items()}
    signals = (recent.select("row", "signals").explode("signals")
               .filter(pl.col("signals").is_in(list(by_signal))))
    parts.append((set(by_signal.values()), _part(signals, row=pl.col("row"),
                       flag_code=pl.col("signals").replace_strict(
                           {code: FLAG_CODE[kind] for code, kind in by_signal.items()},
                           return_dtype=pl.UInt8),
                       signal=pl.col("signals"))))

    patterns = {kind: keywords_regex(options["keywords"].get(kind, [])) for kind in FLAG_KINDS}
    patterns = {kind: pattern for kind, pattern in patterns.items() if pattern}
    if patterns:
        anything = "(?i)(?:" + "|".join(p[4:] for p in patterns.values()) + ")"
        candidates = recent.filter(pl.col("notes").str.contains(anything).fill_null(False))
        for kind, pattern in patterns.items():
            found = candidates.select("row", "direction",
                                      pl.col("notes").str.extract(pattern, 1).alias("text"))
            found = found.filter(pl.col("text").is_not_null())
            if kind == "no_response":       # "geen antwoord" in their message is about us
                found = found.filter(pl.col("direction") == "out")
            parts.append(({kind}, _part(found, row=pl.col("row"), flag_code=_code(kind),
                                        matched_text=pl.col("text"))))

    proactive = recent.filter((pl.col("direction") == "in")
                              & ~pl.col("kind").is_in(options["proactive_exclude"]).fill_null(False))
    parts.append(({"proactive"}, _part(proactive, row=pl.col("row"), flag_code=_code("proactive"),
                                       rule=pl.lit("incoming"))))
    referral = recent.filter(pl.col("kind") == "referral_given")
    parts.append(({"referral"}, _part(referral, row=pl.col("row"), flag_code=_code("referral"),
                                      rule=pl.lit("referral_given"))))

    if options["no_response_after"]:
        last_in = (tp.filter((pl.col("direction") == "in") & (pl.col("date") <= as_of))
                   .group_by("relation").agg(pl.col("date").max().alias("last_in")))
        run = (tp.filter((pl.col("direction") == "out") & (pl.col("date") <= as_of))
               .join(last_in, on="relation", how="left")
               .filter(pl.col("last_in").is_null() | (pl.col("date") > pl.col("last_in")))
               .group_by("relation").agg(      # the latest (date, then file order) touchpoint
                   pl.len().alias("unanswered"),
                   (pl.col("date").cast(pl.Int64) * 2**32 + pl.col("row")).max().alias("latest"))
               .with_columns((pl.col("latest") % 2**32).cast(pl.UInt32).alias("row"))
               .filter(pl.col("unanswered") >= options["no_response_after"]).collect())
        run = run.join(recent.select("row"), on="row", how="semi")
        parts.append(({"no_response"}, _part(run, row=pl.col("row"), flag_code=_code("no_response"),
                                             rule=pl.lit("run"), unanswered=pl.col("unanswered"))))

    # one row per (touchpoint, flag): at most one part gives each of these columns a value.
    # Only parts that can raise the same kind can hold the same (touchpoint, flag), so only
    # those are grouped (on one integer made of both); the rest (the many incoming
    # touchpoints, for one) are unique as they are.
    raised = Counter(kind for kinds, _ in parts for kind in kinds)
    shared = [frame for kinds, frame in parts if any(raised[kind] > 1 for kind in kinds)]
    alone = [frame for kinds, frame in parts if all(raised[kind] == 1 for kind in kinds)]
    key = pl.col("row").cast(pl.UInt64) * 16 + pl.col("flag_code")
    if shared:
        alone.append(pl.concat(shared).group_by(key.alias("key")).agg(
            pl.col("signal").max(), pl.col("matched_text").max(), pl.col("rule").max(),
            pl.col("unanswered").max())
            .select((pl.col("key") // 16).cast(pl.UInt32).alias("row"),
                    (pl.col("key") % 16).cast(pl.UInt8).alias("flag_code"), pl.exclude("key")))
    found = pl.concat(alone)
    texts = (found.filter(pl.col("matched_text").is_not_null()).select("flag_code", "matched_text")
             .unique())
    kind_of = {code: kind for kind, code in FLAG_CODE.items()}
    configured = {(code, text): which_keyword(tuple(options["keywords"].get(kind_of[code], ())),
                                               text.lower()) or text.lower()
                  for code, text in texts.iter_rows()}
    keyword_of = pl.DataFrame({"flag_code": [c for c, _ in configured],
                               "matched_text": [t for _, t in configured],
                               "keyword": list(configured.values())},
                              schema={"flag_code": pl.UInt8, "matched_text": pl.String,
                                      "keyword": pl.String})
    names = {e.id: e.name for e in portfolio.employees.values()}
    matched_by = (pl.when(pl.col("signal").is_not_null()).then(pl.lit("signal"))
                  .when(pl.col("rule") == "run").then(pl.lit("unanswered"))
                  .when(pl.col("rule") == "referral_given").then(pl.lit("kind"))
                  .when(pl.col("rule") == "incoming").then(pl.lit("direction"))
                  .otherwise(pl.lit("keyword")))
    # ``row`` is the touchpoint's position: sort the narrow flag rows first, then fetch each
    # one's touchpoint (notes and all) by position instead of a join on 1 million rows
    found = found.join(keyword_of, on=["flag_code", "matched_text"], how="left")
    found = (found.with_columns(portfolio.touchpoints["date"].gather(found["row"]).alias("date"))
             .sort(["date", "row", "flag_code"], descending=[True, True, False]))
    touchpoint = portfolio.touchpoints.select(c for c in _TP_COLUMNS if c != "date")[found["row"]]
    return (pl.concat([found, touchpoint], how="horizontal")
            .with_columns(pl.col("flag_code").replace_strict(kind_of, return_dtype=pl.String)
                          .alias("flag"),
                          matched_by.alias("matched_by"),
                          pl.col("employee").replace_strict(names, default=pl.col("employee"),
                                                            return_dtype=pl.String)
                          .alias("employee_name"),
                          pl.col("flag_code").is_in([FLAG_CODE[kind] for kind in RED_FLAGS])
                          .alias("red")))


def complaints(portfolio, as_of, options) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Open complaints (no complaint_resolved on or after their date) and recently resolved ones."""
    tp = portfolio.touchpoints.lazy().filter(pl.col("date") <= as_of).with_row_index("row")
    made = tp.filter(pl.col("kind") == "complaint").sort("date")
    solved = (tp.filter(pl.col("kind") == "complaint_resolved")
              .select("relation", pl.col("date").alias("resolved_on"),
                      pl.col("notes").alias("resolution_notes"),
                      pl.col("employee").alias("resolved_by")).sort("resolved_on"))
    names = {e.id: e.name for e in portfolio.employees.values()}
    matched = (made.join_asof(solved, left_on="date", right_on="resolved_on", by="relation",
                              strategy="forward", check_sortedness=False)
               .with_columns(pl.col("employee").replace_strict(names, default=pl.col("employee"),
                                                               return_dtype=pl.String)
                             .alias("employee_name")))
    open_ = (matched.filter(pl.col("resolved_on").is_null())
             .with_columns((pl.lit(as_of) - pl.col("date")).dt.total_days().alias("age_days"))
             .sort(["date", "relation", "row"]).collect())
    resolved = (matched.filter(pl.col("resolved_on").is_not_null()
                               & (pl.col("resolved_on") > add_months(as_of, -options["signal_months"])))
                .with_columns((pl.col("resolved_on") - pl.col("date")).dt.total_days().alias("days"))
                .with_columns((pl.col("days") <= options["fast_resolution_days"]).alias("fast"))
                .sort(["resolved_on", "date", "row"], descending=True).collect())
    return open_, resolved


# -- the analysis ----------------------------------------------------------------------------

@hookimpl
def analyses():
    return [Analysis(NAME, analyse, requires=("cadence",),
                     description="Health score per relation with bands, trend, reasons, red flags, "
                                 "opportunities and open complaints.")]


#: What health reads from the cadence analysis' findings per relation.
CADENCE_COLUMNS = {"category": pl.String, "category_source": pl.String, "cadence_months": pl.Int64,
                   "days_overdue": pl.Int64, "status": pl.String}


def _relations_frame(portfolio, cadence: pl.DataFrame) -> pl.DataFrame:
    """relation, order, category, category_source, since, months and cadence's days overdue and
    status now."""
    return (cadence.with_row_index("order")
            .join(portfolio.relation_frame().select("relation", "since"), on="relation", how="left",
                  maintain_order="left")
            .select("relation", "order", "category", "category_source", "since",
                    pl.col("cadence_months").alias("months"),
                    pl.col("days_overdue").alias("now_overdue"), pl.col("status").alias("now_status")))


#: Per indicator: (value column, unit, extra fields: name -> column, fixed fields: name -> value).
def _indicator_fields(options) -> dict:
    return {
        "response_time": ("median", "days", {"outgoing": "outgoing", "answered": "answered",
                                             "unanswered": "unanswered", "pending": "pending"},
                          {"window_months": options["response_months"]}),
        "referrals": ("referrals_rate", "per_year", {"count": "referrals", "target": "referrals_target"},
                      {"window_months": options["referral_months"]}),
        "repeat_business": ("won", "won", {"target": "repeat_business_target"},
                            {"window_months": options["repeat_months"]}),
        "value_add": ("value_adds", "touchpoints", {"target": "value_add_target"},
                      {"window_months": options["value_add_months"]}),
        "cadence": ("overdue", "days_overdue", {"cadence_months": "months",
                                                "zero_at_days": "zero_at_days"}, {}),
    }


def _indicators(options) -> pl.Expr:
    """Every indicator of a relation as a struct: score, unknown, value, its inputs, weight,
    contribution and what it lost."""
    weights = options["weights"]
    parts = []
    for key, (value, unit, extra, fixed) in _indicator_fields(options).items():
        unknown = pl.col(f"{key}_unknown")
        parts.append(pl.struct(
            pl.col(f"{key}_raw").round(1).alias("score"), unknown.alias("unknown"),
            pl.when(unknown.is_null()).then(pl.col(value)).alias("value"), pl.lit(unit).alias("unit"),
            *(pl.col(column).alias(name) for name, column in extra.items()),
            *(pl.lit(number).alias(name) for name, number in fixed.items()),
            pl.lit(float(weights[key])).alias("weight"), pl.col(f"{key}_contribution").alias("contribution"),
            pl.col(f"{key}_lost").alias("lost")).alias(key))
    return pl.struct(parts).alias("indicators")


def _reasons(frame: pl.DataFrame, options) -> pl.DataFrame:
    """Per relation: the known indicators scoring below green, the biggest loss first."""
    green = options["bands"]["green"]
    losses = [frame.filter((pl.col(f"{key}_lost") > 0) & (pl.col(f"{key}_raw") < green))
              .select("relation", "order", pl.lit(key).alias("indicator"),
                      pl.col(f"{key}_raw").round(1).alias("score"), pl.col(f"{key}_lost").alias("lost"),
                      pl.lit(rank).alias("rank"))
              for rank, key in enumerate(INDICATORS)]
    return (pl.concat(losses).sort(["order", "lost", "rank"], descending=[False, True, False])
            .group_by("relation", maintain_order=True)
            .agg(pl.struct("indicator", "score", "lost").alias("reasons")))


_FLAG_FIELDS = ("kind", "date", "employee", "employee_name", "channel", "direction", "touchpoint_kind",
                "notes", "matched_by", "signal", "keyword", "unanswered")


def _flag_item() -> pl.Expr:
    return pl.struct(pl.col("flag").alias("kind"), "date", "employee", "employee_name", "channel",
                     "direction", pl.col("kind").alias("touchpoint_kind"), "notes", "matched_by",
                     "signal", "keyword", "unanswered")


def _flag_lists(flagged: pl.DataFrame, per_kind: int) -> pl.DataFrame:
    """Per relation: red flags and opportunity signals, newest first, at most ``per_kind`` of
    each kind (a busy relation has hundreds of incoming touchpoints), and the count of every
    kind before the lists were shortened."""
    sizes = flagged.group_by("relation", "flag_code").len()
    keep = pl.lit(True)
    crowded = sizes.filter(pl.col("len") > per_kind) if per_kind else sizes.clear()
    if crowded.height:          # few relations have more of a kind than are listed
        rows = (flagged.with_row_index("__at")
                .join(crowded.select("relation", "flag_code"), on=["relation", "flag_code"],
                      how="semi", maintain_order="left"))
        dropped = rows.filter(pl.int_range(pl.len()).over("relation", "flag_code") >= per_kind)
        keep = ~pl.int_range(pl.len(), dtype=pl.UInt32).is_in(dropped["__at"].implode())
    items = flagged.select("relation", "red", keep.alias("keep"), _flag_item().alias("item"))
    lists = items.group_by("relation", maintain_order=True).agg(   # each kept item copied once
        pl.col("item").filter(pl.col("keep") & pl.col("red")).alias("red_flags"),
        pl.col("item").filter(pl.col("keep") & ~pl.col("red")).alias("opportunities"))
    del items
    counts = sizes.group_by("relation").agg(pl.struct(*(
        pl.col("len").filter(pl.col("flag_code") == FLAG_CODE[kind]).sum().cast(pl.Int64).alias(kind)
        for kind in FLAG_KINDS)).alias("signal_counts"))
    return lists.join(counts, on="relation", how="full", coalesce=True)


def _complaint_lists(open_rows: pl.DataFrame, resolved_rows: pl.DataFrame) -> pl.DataFrame:
    opened = open_rows.group_by("relation", maintain_order=True).agg(
        pl.struct("date", "employee", "employee_name", "channel", "notes", "age_days").alias("open"),
        pl.col("age_days").max().alias("oldest_open_days"))
    resolved = resolved_rows.group_by("relation", maintain_order=True).agg(
        pl.struct("date", "employee", "employee_name", "notes", "resolved_on", "resolved_by",
                  "resolution_notes", "days", "fast").alias("resolved"),
        pl.col("fast").sum().cast(pl.Int64).alias("resolved_fast"),
        pl.col("days").median().alias("median_resolution_days"))
    return opened.join(resolved, on="relation", how="full", coalesce=True)


def _empty(frame: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name).fill_null(pl.lit([], dtype=frame.schema[name]))


def analyse(portfolio, config, findings) -> Findings:
    options = settings(config)
    as_of = config.as_of
    cadence = relation_columns(findings["cadence"].relations, CADENCE_COLUMNS)
    cats = cadence.select("relation", "category", "category_source")
    relations = _relations_frame(portfolio, cadence)
    del cadence
    then_date = add_months(as_of, -options["trend_months"])

    # days overdue now: the cadence analysis'; for the previous period recomputed by its rule
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
    frame = now.join(then, on="relation", how="left", maintain_order="left").with_columns(
        change.alias("change"),
        pl.when(change > tolerance).then(pl.lit("up")).when(change < -tolerance).then(pl.lit("down"))
        .when(change.is_not_null()).then(pl.lit("flat")).otherwise(pl.lit(None, pl.String))
        .alias("direction"),
        _reason((pl.col("score").is_null(), NO_SCORE_NOW),
                (pl.col("previous_score").is_null(), NO_SCORE_THEN)).alias("trend_unknown"),
        pl.col("referrals_rate").round(2), pl.col("zero_at_days").round(1))
    del now, then, pairs
    # intermediates are dropped as soon as what follows has what it needs: for a large portfolio
    # each holds a hundred megabytes or more
    flagged = flags(portfolio, as_of, options)
    flag_summary = _flag_summary(portfolio, flagged, cats, options)
    flag_lists = _flag_lists(flagged, options["signals_per_relation"])
    del flagged
    open_rows, resolved_rows = complaints(portfolio, as_of, options)
    joined = (frame.join(_reasons(frame, options), on="relation", how="left", maintain_order="left")
              .join(flag_lists, on="relation", how="left", maintain_order="left")
              .join(_complaint_lists(open_rows, resolved_rows), on="relation", how="left",
                    maintain_order="left"))
    del frame, flag_lists, resolved_rows
    per_relation = joined.select(
        "relation", "category", "category_source", "score", "band", "unknown", _indicators(options),
        _empty(joined, "reasons"),
        pl.struct(pl.lit(then_date).alias("as_of"), pl.col("previous_score").alias("score"),
                  pl.col("previous_band").alias("band"), pl.col("previous_unknown").alias("unknown"))
        .alias("previous"),
        pl.struct("change", "direction", pl.col("trend_unknown").alias("unknown")).alias("trend"),
        _empty(joined, "red_flags"), _empty(joined, "opportunities"),
        pl.col("signal_counts").fill_null(pl.lit({kind: 0 for kind in FLAG_KINDS},
                                                 dtype=joined.schema["signal_counts"])),
        pl.struct(_empty(joined, "open"), pl.col("open").list.len().fill_null(0).alias("open_count"),
                  "oldest_open_days", _empty(joined, "resolved"),
                  pl.col("resolved").list.len().fill_null(0).alias("resolved_count"),
                  pl.col("resolved_fast").fill_null(0), "median_resolution_days").alias("complaints"))
    del joined
    return Findings(relations=per_relation,
                    portfolio=_portfolio(portfolio, per_relation, cats, flag_summary, open_rows,
                                         options, then_date))


def _named(portfolio, frame: pl.DataFrame, cats: pl.DataFrame) -> list[dict]:
    """Rows as dicts with the relation's id, name, owner and category first."""
    people = portfolio.relation_frame().select("relation", pl.col("relation").alias("id"), "name", "owner")
    rows = (frame.join(people, on="relation", how="left", maintain_order="left")
            .join(cats.select("relation", "category"), on="relation", how="left", maintain_order="left"))
    return rows.select("id", "name", "owner", "category",
                       *(c for c in frame.columns if c != "relation")).to_dicts()


def _flag_summary(portfolio, flagged: pl.DataFrame, cats: pl.DataFrame, options) -> dict:
    """Flags of the whole portfolio: how many of each kind, and the newest red flags."""
    limit = options["list_limit"] or None
    flag_counts = {kind: 0 for kind in FLAG_KINDS}
    flag_counts.update(dict(flagged.group_by("flag").len().iter_rows()))
    red_flags = flagged.lazy().filter(pl.col("red"))
    newest = red_flags.sort(["date", "relation", "flag"], descending=[True, False, False])
    red_flag_rows = ((newest.head(limit) if limit else newest)     # a top-k, not a full sort
                     .select("relation", pl.col("flag").alias("kind"), "date", "employee",
                             "employee_name", "channel", "direction",
                             pl.col("kind").alias("touchpoint_kind"), "notes", "matched_by", "signal",
                             "keyword", "unanswered").collect())
    return {"flag_counts": flag_counts, "red_flags": _named(portfolio, red_flag_rows, cats),
            "red_flags_total": red_flags.select(pl.len()).collect().item()}


def _portfolio(portfolio, per_relation: pl.DataFrame, cats, flag_summary: dict, open_rows, options,
               then_date) -> dict:
    limit = options["list_limit"] or None
    summary = per_relation.select(
        "relation", "category", "score", pl.col("band").fill_null("unknown"),
        pl.col("trend").struct.field("direction").fill_null("unknown").alias("direction"),
        pl.col("trend").struct.field("change").alias("trend"),
        pl.col("previous").struct.field("score").alias("previous_score"),
        pl.col("previous").struct.field("band").alias("previous_band"),
        pl.col("reasons").list.eval(pl.element().struct.field("indicator")).alias("reasons"))
    empty = {b: 0 for b in BANDS} | {"unknown": 0}
    bands = dict(empty)
    bands.update(summary.group_by("band").len().iter_rows())
    per_category = {c: dict(empty) for c in CATEGORIES}
    for category, band, count in summary.group_by("category", "band").len().iter_rows():
        per_category.setdefault(category, dict(empty))[band] = count
    trends = {"up": 0, "down": 0, "flat": 0, "unknown": 0}
    trends.update(summary.group_by("direction").len().iter_rows())
    people = portfolio.relation_frame().select("relation", pl.col("relation").alias("id"), "name", "owner")
    red = (summary.filter(pl.col("band") == "red").sort(["score", "relation"])
           .join(people, on="relation", how="left", maintain_order="left"))
    turning = red.filter(pl.col("previous_band").is_in(["green", "amber"])).sort(["trend", "relation"])
    row = ("id", "name", "owner", "category", "score", "trend", "reasons")
    complaints_rows = open_rows.select("relation", "date", "employee", "employee_name", "channel",
                                       "notes", "age_days")
    return {
        "bands": bands, "per_category": per_category, "trends": trends,
        "previous_as_of": then_date,
        "red": red.head(limit or red.height).select(row).to_dicts(), "red_total": red.height,
        "turning_red": turning.head(limit or turning.height)
        .select(*row, "previous_score", "previous_band").to_dicts(),
        "turning_red_total": turning.height,
        **flag_summary,
        "open_complaints": _named(portfolio, complaints_rows, cats),
        "limits": {"list_limit": options["list_limit"], "signal_months": options["signal_months"]},
    }


# -- report sections ---------------------------------------------------------------------------

BAND_TONES = {"green": "green", "amber": "amber", "red": "red", "unknown": "unknown"}
#: At most this many rows of a portfolio list are shown; every relation plan shows its own.
DISPLAY_LIMIT = 50


def _tone(score, bands) -> str:
    if score is None:
        return "unknown"
    return "green" if score >= bands["green"] else "amber" if score >= bands["amber"] else "red"


def _relation_data(entry: dict, report) -> dict:
    """The findings plus a bar per indicator (score of 100, marks at the band limits)."""
    from relatierapport.render.charts import Bar

    bands = report.memo(f"{NAME}.settings", lambda: settings(report.config))["bands"]
    marks = (bands["amber"], bands["green"])
    bars = {key: Bar(item["score"], 100.0, _tone(item["score"], bands), marks)
            for key, item in entry["indicators"].items()}
    return {**entry, "bars": bars}


def _portfolio_data(found, report) -> dict:
    """The findings plus what the charts show: bands per category as stacked bars, and the
    bands now against the previous period's (counted from the relations' previous band)."""
    from relatierapport.render.charts import Legend, Stack

    _ = report.translate
    data = found.portfolio
    order = ("green", "amber", "red", "unknown")
    previous = dict.fromkeys(order, 0)
    frame = found.relations.frame if hasattr(found.relations, "frame") else None
    if frame is not None:
        counted = frame.select(pl.col("previous").struct.field("band").fill_null("unknown")
                               .alias("band")).group_by("band").len()
        previous.update(counted.iter_rows())
    else:
        for entry in found.relations.values():
            band = (entry.get("previous") or {}).get("band") or "unknown"
            previous[band] = previous.get(band, 0) + 1
    stacks = {category: Stack(tuple((row[band], band) for band in order))
              for category, row in data["per_category"].items()}
    total = Stack(tuple((data["bands"][band], band) for band in order))
    largest = max(max(previous.values()), max(data["bands"].values()), 1)
    then_now = [{"band": band, "then": previous[band], "now": data["bands"][band],
                 "then_bar": Stack(((previous[band], "muted"),), largest),
                 "now_bar": Stack(((data["bands"][band], BAND_TONES[band]),), largest)}
                for band in order]
    legend = Legend(tuple((band, _(name)) for band, name in
                          (("green", N_("green")), ("amber", N_("amber")), ("red", N_("red")),
                           ("unknown", N_("unknown")))))
    return {**data, "stacks": stacks, "total_stack": total, "then_now": then_now, "legend": legend,
            "display_limit": DISPLAY_LIMIT, "flag_rows": _flag_rows(data, report),
            "flag_bars": _flag_bars(data["flag_counts"]),
            "open_complaints_shown": data["open_complaints"][:DISPLAY_LIMIT],
            "red_shown": data["red"][:DISPLAY_LIMIT], "turning_red_shown": data["turning_red"][:DISPLAY_LIMIT]}


def _flag_bars(counts: dict) -> dict:
    from relatierapport.render.charts import Bar

    largest = max(counts.values(), default=0)
    return {kind: Bar(count, largest, "red" if kind in RED_FLAGS else "green")
            for kind, count in counts.items()}


def _flag_rows(data: dict, report) -> dict:
    """The newest red flags (as many as the findings keep) per relation: which kinds, how
    many of each, the latest date; at most DISPLAY_LIMIT relations."""
    employees = report.portfolio.employees
    rows: dict[str, dict] = {}
    for flag in data["red_flags"]:           # newest first
        row = rows.setdefault(flag["id"], {
            "id": flag["id"], "name": flag["name"], "category": flag["category"],
            "owner_name": employees[flag["owner"]].name if flag["owner"] in employees else flag["owner"],
            "latest": flag["date"], "kinds": {}})
        row["kinds"][flag["kind"]] = row["kinds"].get(flag["kind"], 0) + 1
    listed = list(rows.values())
    return {"rows": listed[:DISPLAY_LIMIT], "more": max(len(listed) - DISPLAY_LIMIT, 0),
            "from_flags": len(data["red_flags"])}


@hookimpl
def report_sections(kind, relation, report):
    found = report.findings.get(NAME)
    if found is None:
        return []
    if kind == "portfolio":
        data = report.memo(f"{NAME}.portfolio", lambda: _portfolio_data(found, report))
        return [
            Section("health-overview", report.translate("Relation health"),
                    "sections/health_portfolio.html", 30, data),
            Section("health-flags", report.translate("Red flags"),
                    "sections/health_flags_portfolio.html", 32, data),
            Section("health-complaints", report.translate("Open complaints"),
                    "sections/health_complaints_portfolio.html", 34, data),
        ]
    data = _relation_data(found.relations[relation.id], report)
    return [
        Section("health", report.translate("Health"), "sections/health_relation.html", 10, data),
        Section("health-signals", report.translate("Red flags and opportunities"),
                "sections/health_signals.html", 12, data),
        Section("health-complaints", report.translate("Complaints"),
                "sections/health_complaints.html", 14, data),
    ]
