"""Keep every printed date on one line: "16 aug" at the end of a line and "2026" on the next is
misread as two facts.

Dates reach a page through the ``date`` filter, often inside a translated sentence, so the
PDF's HTML is the one place that sees them all. Each date in the text of the body (never in a
tag, an attribute or an inline SVG) is wrapped in ``<span class="date">``, which report.css
keeps whole in print. The HTML pages are left as they are.
"""

from __future__ import annotations

import re
from functools import cache

from babel.dates import get_month_names

from relatierapport.render.i18n import BABEL_LOCALES

#: Inline SVGs (whose <text> may not hold HTML), left whole.
_SVG = re.compile(r"(<svg\b.*?</svg>)", re.DOTALL | re.IGNORECASE)
#: After a date: the text goes on to a tag's start (or the piece's end), so the date is in the
#: text, not inside a tag or an attribute (where a ">" would come first).
_IN_TEXT = r"(?=[^<>]*(?:<|\Z))"


@cache
def date_pattern(language: str) -> re.Pattern:
    """A date as the ``date`` filter writes it in ``language``: "1 november 2026", "16 aug. 2026"."""
    locale = BABEL_LOCALES.get(language, "nl_NL")
    names = {name.rstrip(".") for width in ("wide", "abbreviated")
             for context in ("format", "stand-alone")
             for name in get_month_names(width, context, locale).values()}
    months = "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
    return re.compile(rf"(?<![\w.])\d{{1,2}}\.?[ \u00a0](?:{months})\.?[ \u00a0]\d{{4}}(?!\w){_IN_TEXT}",
                      re.IGNORECASE)


def keep_dates_together(html: str, language: str) -> str:
    """``html`` with each date in the body's text wrapped in ``<span class="date">``."""
    start = html.find("<body")
    if start < 0:
        return html
    start = html.find(">", start) + 1
    pattern = date_pattern(language)
    pieces = _SVG.split(html[start:])
    for index in range(0, len(pieces), 2):        # even pieces are HTML, odd ones SVGs
        pieces[index] = pattern.sub(r'<span class="date">\g<0></span>', pieces[index])
    return html[:start] + "".join(pieces)
