"""Text that becomes a header or a line: a calendar's name and an event's title, a mail's
subject and display names, a PDF's title, author, subject and keywords.

A name read from data can hold a line break (a multi-line cell of an HR export), a bare
carriage return or a control character. Written into a line-based format as it is, it
breaks the line (iCalendar refuses it, a mail header would end early) or smuggles in
something that is not text. :func:`one_line` flattens it: any run of whitespace, line and
paragraph separators included (``\\r``, ``\\n``, ``\\t``, ``\\u2028``, ``\\u2029``,
``\\x85``, …), becomes one space, other control characters are removed, and the ends are
trimmed. A value that is refused instead (mail addresses) says so where it is checked.
"""

from __future__ import annotations

import re
import unicodedata

CONTROL = re.compile(r"[\x00-\x08\x0e-\x1b\x7f-\x84\x86-\x9f]")   # Cc that str.split() keeps


def one_line(text: str | None) -> str:
    """``text`` on one line: whitespace runs of any kind to one space, control characters out."""
    if not text:
        return ""
    return " ".join(CONTROL.sub("", str(text)).split())


def has_line_break(text: str | None) -> bool:
    """A line or paragraph break of any kind (not a tab or a double space)."""
    return bool(text) and any(unicodedata.category(c) in ("Zl", "Zp") or c in "\r\n\x0b\x0c\x1c\x1d\x1e\x85"
                              for c in text)
