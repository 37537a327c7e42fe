"""Why each relation got its category, segment, type and phase, in words.

The same functions write report.json's reasons (in English, numbers formatted
by ``PLAIN``) and the pages' (translated, formatted for the report's language):
``_`` translates, ``f`` formats numbers and dates.
"""

from __future__ import annotations

import math
from decimal import Decimal
from functools import cache, lru_cache
from typing import Callable

from babel import Locale
from babel.numbers import NumberPattern, format_currency, format_decimal, parse_pattern

from relatierapport.builtin.analyses.segmentation.names import (CONDITIONS, NO_AMOUNTS, NO_BUSINESS,
                                                                NO_OWN_BUSINESS, TYPE_NAMES)
from relatierapport.render.i18n import BABEL_LOCALES

MISSING = "–"
ENGLISH = Locale.parse(BABEL_LOCALES["en"])


def identity(text: str) -> str:
    """The "translation" of report.json's reasons: they stay in English."""
    return text


def translated(translate: Callable[[str], str], text: str) -> str:
    """Translate a text held in a variable (a name the message extractor does not look for)."""
    return translate(text)


@cache
def _pattern(digits: int, money: bool) -> NumberPattern:
    number = "#,##0." + "0" * digits if digits else "#,##0"
    return parse_pattern(f"¤¤ {number};-¤¤ {number}" if money else number)


def _english(kind: str, value: float, digits: int) -> str:
    """One number of a reason in report.json: Babel's English text (``_babel_english``), written
    by Python's own float formatting, which gives the same text for every finite number
    (grouping with commas, the exact binary value rounded half to even, a minus sign kept
    when the value rounds to 0) at a fraction of the cost: a large portfolio has tens of
    thousands of distinct amounts and hours in its reasons."""
    number = value * 100 if kind == "percent" else value
    if not math.isfinite(number):
        return _babel_english(kind, value, digits)
    text = f"{number:,.{digits}f}"
    if kind == "money":
        return "-EUR " + text[1:] if text.startswith("-") else "EUR " + text
    return text + "%" if kind == "percent" else text


@lru_cache(maxsize=1 << 10)
def _babel_english(kind: str, value: float, digits: int) -> str:
    """One number of a reason in report.json as Babel writes it. Babel formats the exact binary
    value (``Decimal(value)``), so it rounds as Python's float formatting does; a percentage is
    of value x 100 as a float (1.1% for 0.0105, as report.json has always had it)."""
    number = Decimal(value * 100 if kind == "percent" else value)
    pattern = _pattern(digits, money=kind == "money")
    if kind == "money":
        return format_currency(number, "EUR", pattern, locale=ENGLISH, currency_digits=False)
    return format_decimal(number, pattern, locale=ENGLISH) + ("%" if kind == "percent" else "")


def _english_formatter(kind: str) -> Callable[..., str]:
    def formatted(value, digits: int = 0) -> str:
        # + 0.0: -0.0 shows as 0 (and is one key with 0.0)
        return MISSING if value is None else _english(kind, value + 0.0, digits)
    return formatted


#: The formatting of report.json's reasons: English, amounts with the currency's code
#: (EUR 1,250), ISO dates.
PLAIN = {kind: _english_formatter(kind) for kind in ("number", "money", "percent")}
PLAIN["date"] = lambda value, form="long": MISSING if value is None else value.isoformat()


def explain(entry, _: Callable[[str], str], f: dict, options) -> dict[str, str]:
    """The four reason texts of one relation: ``_`` translates, ``f`` formats numbers and dates."""
    return {"category_reason": explain_category(entry, _, f, options),
            "segment_reason": explain_segment(entry, _, f, options),
            "type_reason": explain_type(entry, _, f, options),
            "phase_reason": explain_phase(entry, _, f, options)}


def _missing(_, block) -> str:
    return _("scores missing for %(criteria)s") % {"criteria": ", ".join(block["missing"])}


def explain_category(entry, _, f, options) -> str:
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


def explain_segment(entry, _, f, options) -> str:
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


def _holds(name: str, v, _, f, o, conditions=None) -> str:
    """Why a type holds; the sleeping beauty says which held: its months rule, P(alive) (from
    the clv analysis) below its threshold, or both."""
    if name == "sleeping_beauty":
        conditions = conditions or {}
        by_months = bool(conditions.get("sleeping_beauty.had_business")
                         and conditions.get("sleeping_beauty.quiet"))
        months = _("won business before, the last on %(last)s; won deals in the last "
                   "%(sleeping_months)s months: %(quiet)s") % {
            "last": f["date"](v["last_won"]), "sleeping_months": o["sleeping_months"],
            "quiet": v["won_deals_sleeping_months"]}
        if not conditions.get("sleeping_beauty.probably_lost"):
            return months
        lost = _("probability still a customer (P(alive)) %(p_alive)s, below %(below)s") % {
            "p_alive": f["percent"](v.get("p_alive")),
            "below": f["percent"](o.get("probably_lost_below"))}
        if by_months:
            return f"{months}; {lost}"
        return _("%(lost)s, though won deals in the last %(sleeping_months)s months: %(quiet)s; "
                 "the last on %(last)s") % {
            "lost": lost, "sleeping_months": o["sleeping_months"],
            "quiet": v["won_deals_sleeping_months"], "last": f["date"](v["last_won"])}
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
    if condition == "probably_lost":
        return _("probability still a customer (P(alive)): %(p_alive)s") % {
            "p_alive": f["percent"](v.get("p_alive"))}
    if condition in ("disloyal", "loyal"):
        return _disloyal_text(v, _, f, o)
    if condition == "effort":
        if v["hours"] is None:
            return _("hours unknown (%(hours_unknown)s); touchpoints in the last %(months)s "
                     "months: %(touchpoints)s") % {
                "hours_unknown": translated(_, v["hours_unknown"]), "months": o["months"],
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
            "profit_unknown": translated(_, v["profit_unknown"])}
    if condition == "low_value":
        return _("profit after hours: %(profit)s (inflatable at most %(max_profit)s)") % {
            "profit": f["money"](v["profit"]), "max_profit": f["money"](o["inflatable_max_profit"])}
    if v["margin"] is None:
        return _("no won revenue in the last %(months)s months") % {"months": o["months"]}
    return _("margin after hours: %(margin)s (%(min_margin)s needed)") % {
        "margin": f["percent"](v["margin"]), "min_margin": f["percent"](o["marriage_min_margin"])}


def explain_type(entry, _, f, options) -> str:
    if not entry["type_conditions"]:
        if entry["type_unknown"] == NO_OWN_BUSINESS:
            return _("unknown: no business records of its own (see its organisation)")
        return _("unknown: no business records")
    v, chosen, checks = entry["value"], entry["type"], entry["type_checks"]
    if chosen is not None:
        text = _holds(chosen, v, _, f, options, entry["type_conditions"])
        unchecked = [name for name in options["types"][:options["types"].index(chosen)]
                     if checks[name] is None]
        if unchecked:
            text += "; " + _("not checked for lack of data: %(types)s") % {
                "types": ", ".join(translated(_, TYPE_NAMES[name]) for name in unchecked)}
        return text
    parts, conditions = [], entry["type_conditions"]
    for name in checks:
        results = [(c, conditions[f"{name}.{c}"]) for c in CONDITIONS[name]]
        decisive = next((c for c, ok in results if ok is False), None) or \
            next(c for c, ok in results if ok is None)
        parts.append(f"{translated(_, TYPE_NAMES[name])}: {_fails(decisive, v, _, f, options)}")
    lead = (_("unknown, not every type could be checked") if entry["type_unknown"]
            else _("none of the types fits"))
    return f"{lead}: " + "; ".join(parts)


def explain_phase(entry, _, f, options) -> str:
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
