"""Every table of a web page in its own scrolling box, so a wide table never widens the page.

A table of names and dates can be wider than a phone; when it scrolls inside its own box the
page keeps its width and the reader keeps the table's rows and columns (stacking rows would
lose the column headers). The box is a region a keyboard can reach (``tabindex="0"``) and
named, as WCAG asks of a scrolling region: by the section's heading and the table's caption,
or else the heading just above it ("Health: Red relations (31)"), or else "Team, table":
unique on the page, as landmarks' names should be.

Applied to a section's HTML on screen only (``section.html``), so it covers every section
template, also a project's or plugin's own, and leaves the PDF untouched. The name is copied
as text (``aria-label``) rather than pointed at, so no id is added to the section's markup.
"""

from __future__ import annotations

import re

from markupsafe import Markup

_TABLE = re.compile(r"<table\b.*?</table>", re.S | re.I)
_CAPTION = re.compile(r"<caption\b[^>]*>(.*?)</caption>", re.S | re.I)
_HEADING = re.compile(r"<h[2-6]\b[^>]*>(.*?)</h[2-6]>", re.S | re.I)
_HIDDEN = re.compile(r'<(\w+)\b[^>]*\baria-hidden="true"[^>]*>.*?</\1>', re.S | re.I)
_TAG = re.compile(r"<[^>]*>")


def _text(html: str) -> str:
    """What a screen reader reads of ``html``: no tags, no hidden parts, single spaces (still
    escaped, so it can go in an attribute as it is)."""
    return " ".join(_TAG.sub(" ", _HIDDEN.sub(" ", html)).split())


def boxed_tables(html: str, section_title: str, table_word: str) -> Markup:
    """``html`` with each ``<table>`` wrapped in a labelled, focusable ``<div class="table-scroll"
    role="region">``; its name starts with ``section_title``; a table without caption or heading
    is "section_title, table_word" (not the section's own name again)."""
    html = str(html)      # plain text: slices of Markup would escape what is added to them
    title, word = str(Markup.escape(section_title)), str(Markup.escape(table_word))
    out: list[str] = []
    position = 0
    for table in _TABLE.finditer(html):
        before = html[position:table.start()]
        caption = _CAPTION.search(table.group(0))
        headings = _HEADING.findall(before)
        own = (_text(caption.group(1)) if caption else "") or (_text(headings[-1]) if headings else "")
        label = f"{title}: {own}" if own and own != title else f"{title}, {word}"
        out.append(before)
        out.append(f'<div class="table-scroll" role="region" aria-label="{label}" tabindex="0">'
                   f"{table.group(0)}</div>")
        position = table.end()
    out.append(html[position:])
    return Markup("".join(out))
