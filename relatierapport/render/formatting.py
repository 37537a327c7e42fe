"""Jinja2 filters for dates, money and numbers via Babel, for templates and for Python alike.

Reports are read in Dutch by default, so "3 november 2026" and "€ 1.234,50";
in English "3 November 2026" and "€ 1,234.50". Missing values show as a dash
rather than "None"; a change carries its sign ("+1,2").
"""

from __future__ import annotations

import datetime as dt

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from relatierapport.render.i18n import BABEL_LOCALES, translations
from relatierapport.render.labels import label

MISSING = "–"


def make_filters(language: str) -> dict:
    locale = BABEL_LOCALES.get(language, "nl_NL")

    def date(value: dt.date | None, form: str = "long") -> str:
        return MISSING if value is None else format_date(value, format=form, locale=locale)

    def money(value: float | None, digits: int = 0) -> str:
        if value is None:
            return MISSING
        pattern = None if digits else "¤ #,##0;¤ -#,##0" if language == "nl" else "¤#,##0"
        return format_currency(value, "EUR", format=pattern, locale=locale,
                               currency_digits=digits != 0)

    def number(value: float | None, digits: int = 0) -> str:
        if value is None:
            return MISSING
        rounded = round(value, digits) + 0.0      # + 0.0: a tiny negative shows as 0, not -0
        return format_decimal(rounded, format=f"#,##0{'.' + '0' * digits if digits else ''}",
                              locale=locale)

    def change(value: float | None, digits: int = 1) -> str:
        """A difference with its sign: "+1,2", "-0,3", and "0,0" for what rounds to nothing."""
        if value is None:
            return MISSING
        text = number(value, digits)
        return "+" + text if round(value, digits) > 0 else text

    def percent(value: float | None, digits: int = 0) -> str:
        if value is None:
            return MISSING
        return format_percent(value, format=f"#,##0{'.' + '0' * digits if digits else ''}%",
                              locale=locale)

    gettext = translations(language).gettext
    return {"date": date, "money": money, "number": number, "change": change, "percent": percent,
            "label": lambda value, vocabulary: label(value, vocabulary, gettext)}


def filters_for(report) -> dict:
    """The same filters for Python code that shapes a section's data (made once per build)."""
    return report.memo("formatting.filters", lambda: make_filters(report.config.language))


def month_label(period: str, language: str, form: str = "MMM") -> str:
    """A "YYYY-MM" period as a month name in the report's language: "nov." / "Nov"."""
    year, month = period.split("-")
    return format_date(dt.date(int(year), int(month), 1), format=form,
                       locale=BABEL_LOCALES.get(language, "nl_NL"))
