"""A file's lines as cards: BEGIN:VCARD … END:VCARD, with their physical lines.

One bad card is a located warning and the other cards still load; a vCard
2.1 AGENT card inside a card is skipped. Lines end in CRLF, LF, CR or
iPhone's damaged ``\\r\\r\\n``.
"""

from __future__ import annotations

import re

from relatierapport.builtin.sources.vcard_source.problems import Problems, shown

LINE_BREAK = re.compile(rb"\r\r\n|\r\n|\n|\r")
_BEGIN = re.compile(rb"(?:\xef\xbb\xbf)?[ \t]*BEGIN[ \t]*:[ \t]*VCARD[ \t]*", re.IGNORECASE)
_END = re.compile(rb"[ \t]*END[ \t]*:[ \t]*VCARD[ \t]*", re.IGNORECASE)
_AGENT = re.compile(rb"[ \t]*(?:[A-Za-z0-9_-]+\.)?AGENT\b", re.IGNORECASE)


def split_cards(lines: list[bytes], source: str,
                problems: Problems) -> list[tuple[int, list[tuple[int, bytes]]]]:
    """Cards as (physical line of BEGIN, [(line, bytes)]) — unterminated ones are reported."""
    cards: list[tuple[int, list[tuple[int, bytes]]]] = []
    start: int | None = None
    body: list[tuple[int, bytes]] = []
    nested = 0
    stray: tuple[int, bytes] | None = None
    for number, line in enumerate(lines, start=1):
        if _BEGIN.fullmatch(line):
            if start is None:
                start, body = number, []
                if stray:
                    _stray(problems, source, *stray)
                    stray = None
                continue
            if body and _AGENT.match(body[-1][1]):      # vCard 2.1 AGENT: a card inside a card
                nested += 1
                continue
            problems.warn_at(source, start, f"expected END:VCARD before the next BEGIN:VCARD at line "
                             f"{number}, found none: card skipped")
            start, body, nested = number, [], 0
        elif start is None:
            if stray is None and line.strip():
                stray = (number, line)
        elif _END.fullmatch(line):
            if nested:
                nested -= 1
            else:
                cards.append((start, body))
                start = None
        elif not nested:
            body.append((number, line))
    if stray:
        _stray(problems, source, *stray)
    if start is not None:
        problems.warn_at(source, start, "expected END:VCARD, found the end of the file: card skipped")
    return cards


def _stray(problems: Problems, source: str, number: int, line: bytes) -> None:
    problems.warn_at(source, number, f'expected BEGIN:VCARD, found "{shown(line)}"')
