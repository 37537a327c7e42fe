"""Jinja2 filters for dates, money and numbers via Babel, for templates and for Python alike.

Reports are read in Dutch by default, so "3 november 2026" and "€ 1.234,50";
in English "3 November 2026" and "€ 1,234.50". Missing values show as a dash
rather than "None"; a change carries its sign ("+1,2").
"""

from __future__ import annotations

import datetime as dt
from functools import cache, lru_cache

from babel import Locale
from babel.dates import DateTimePattern, get_date_format
from babel.dates import parse_pattern as parse_date_pattern
from babel.numbers import NumberPattern, format_currency
from babel.numbers import parse_pattern as parse_number_pattern

from relatierapport.render.i18n import BABEL_LOCALES, translations
from relatierapport.render.labels import label

MISSING = "–"
#: Formatted values remembered per filter set: reports repeat the same counts, scores, amounts
#: and dates thousands of times, and Babel's rounding is most of a value's cost.
REMEMBERED = 1 << 14


@cache
def babel_locale(language: str) -> Locale:
    """The Babel locale of a report language, parsed once (Babel parses a locale name anew on
    every call that is given one)."""
    return Locale.parse(BABEL_LOCALES.get(language, "nl_NL"))


@cache
def number_pattern(pattern: str) -> NumberPattern:
    """A number pattern such as "#,##0.0", parsed once."""
    return parse_number_pattern(pattern)


@cache
def date_pattern(locale: Locale, form: str) -> DateTimePattern:
    """A date pattern, "long" and the like in the locale's own form, parsed once."""
    if form in ("full", "long", "medium", "short"):
        return get_date_format(form, locale=locale)
    return parse_date_pattern(form)


def _digits_pattern(digits: int, suffix: str = "") -> NumberPattern:
    return number_pattern(f"#,##0{'.' + '0' * digits if digits else ''}{suffix}")


def make_filters(language: str) -> dict:
    """The filters of one report language. What Babel would do per call (parse the locale and
    the pattern) is done once; each formatted value is remembered, keyed by its type too, so
    that 1, 1.0 and Decimal("1") are never taken for one another."""
    locale = babel_locale(language)
    money_pattern = number_pattern("¤ #,##0;¤ -#,##0" if language == "nl" else "¤#,##0")

    @lru_cache(maxsize=REMEMBERED)
    def _date(value: dt.date, form: str) -> str:
        return date_pattern(locale, form).apply(value, locale)

    def date(value: dt.date | None, form: str = "long") -> str:
        if value is None:
            return MISSING
        if isinstance(value, dt.datetime):      # as format_date: the day of a moment
            value = value.date()
        if type(value) is not dt.date:          # a subclass of its own: formatted, not kept
            return date_pattern(locale, form).apply(value, locale)
        return _date(value, form)

    @lru_cache(maxsize=REMEMBERED)
    def _money(kind: type, value, digits: int) -> str:
        return format_currency(value, "EUR", format=None if digits else money_pattern,
                               locale=locale, currency_digits=digits != 0)

    def money(value: float | None, digits: int = 0) -> str:
        return MISSING if value is None else _money(type(value), value, digits)

    @lru_cache(maxsize=REMEMBERED)
    def _number(kind: type, rounded, digits: int) -> str:
        return _digits_pattern(digits).apply(rounded, locale)

    def number(value: float | None, digits: int = 0) -> str:
        if value is None:
            return MISSING
        rounded = round(value, digits) + 0.0      # + 0.0: a tiny negative shows as 0, not -0
        return _number(type(rounded), rounded, digits)

    def change(value: float | None, digits: int = 1) -> str:
        """A difference with its sign: "+1,2", "-0,3", and "0,0" for what rounds to nothing."""
        if value is None:
            return MISSING
        text = number(value, digits)
        return "+" + text if round(value, digits) > 0 else text

    def percent(value: float | None, digits: int = 0) -> str:
        if value is None:
            return MISSING
        return _digits_pattern(digits, "%").apply(value, locale)

    gettext = translations(language).gettext

    def chance(value: float | None) -> str:
        """A probability a reader can take: "87%", and "less than 1%" / "more than 99%" where
        rounding would say 0% or 100% of what is not certain."""
        if value is not None and 0 < value < 0.005:
            return gettext("less than %(percent)s") % {"percent": percent(0.01)}
        if value is not None and 0.995 <= value < 1:
            return gettext("more than %(percent)s") % {"percent": percent(0.99)}
        return percent(value)

    return {"date": date, "money": money, "number": number, "change": change, "percent": percent,
            "chance": chance, "label": lambda value, vocabulary: label(value, vocabulary, gettext)}


def filters_for(report) -> dict:
    """The same filters for Python code that shapes a section's data (made once per build)."""
    return report.memo("formatting.filters", lambda: make_filters(report.config.language))


def month_label(period: str, language: str, form: str = "MMM") -> str:
    """A "YYYY-MM" period as a month name in the report's language: "nov." / "Nov"."""
    year, month = period.split("-")
    locale = babel_locale(language)
    return date_pattern(locale, form).apply(dt.date(int(year), int(month), 1), locale)
