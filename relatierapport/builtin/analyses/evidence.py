"""Which rows count as evidence: those dated in the last N months, notes that name a keyword.

Shared by the health and indicators analyses, so that "the last 12 months" and
"a note that mentions a benchmark" mean the same in both. Not a plugin: it has
no hooks and is not in ``BUILTIN_PLUGINS``.
"""

from __future__ import annotations

import re
from functools import lru_cache

import polars as pl

from relatierapport.dates import add_months


def window(as_of, months: int) -> pl.Expr:
    """Rows dated in the last ``months`` months: after as_of minus months, up to as_of."""
    return (pl.col("date") > add_months(as_of, -months)) & (pl.col("date") <= as_of)


_META = re.compile(r"([\\.^$|?*+()\[\]{}#&~-])")


def keyword_pattern(word: str) -> str:
    """A regex for one keyword: whole words, ``*`` at either end allows longer words."""
    word = word.strip().lower()
    head = r"\w*" if word.startswith("*") else ""
    tail = r"\w*" if word.endswith("*") else ""
    core = word.strip("*")
    text = _META.sub(r"\\\1", core)
    text = re.sub(r"\s+", r"\\s+", text)
    if not head and re.match(r"\w", core[0]):
        head = r"\b"
    if not tail and re.match(r"\w", core[-1]):
        tail = r"\b"
    return head + text + tail


def keywords_regex(words: list[str]) -> str | None:
    """One case-insensitive regex matching any of ``words`` (group 1 is the text found);
    None when no word is left after dropping empty ones."""
    words = [w for w in words if w.strip().strip("*").strip()]
    if not words:
        return None
    return "(?i)(" + "|".join(keyword_pattern(w) for w in words) + ")"


@lru_cache(maxsize=4096)
def which_keyword(words: tuple[str, ...], text: str) -> str | None:
    """The configured keyword among ``words`` that ``text`` (a match) is, to name it."""
    for word in words:
        if re.fullmatch(keyword_pattern(word), text, flags=re.IGNORECASE):
            return word
    return None
