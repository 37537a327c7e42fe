"""Min-content widths of text that may break anywhere, from one Pango layout per text.

A table sizes its columns from each cell's min-content width, the narrowest the cell may
be. For text under ``overflow-wrap: anywhere`` (our table cells: names, e-mail addresses,
lists) WeasyPrint 70 finds it by asking ``split_first_line`` for the first line at width 0
again and again, each time laying out the whole rest of the text with character wrapping:
one Pango layout per character, quadratic in the text's length, and about half the time
WeasyPrint spends on the portfolio (benchmarks/README.md, "Cheaper print layout").

At width 0 that first line is, by WeasyPrint's own step 5, the first character-wrapped line
of the rest. So one character-wrapped layout of the whole text gives every break at once;
each line's width is then measured as WeasyPrint measures it (the line's text alone, its
trailing spaces dropped when spaces collapse). The breaks and widths are the same, so are
the pages and the PDF's bytes: tests/test_pdf_min_content.py compares both ways call by
call, on awkward texts too, and fails if a WeasyPrint release changes the behaviour.

Only ``weasyprint.layout.preferred`` is changed (its own reference to ``split_first_line``,
which serves min- and max-content widths alone), only for the WeasyPrint versions it was
checked with; every other call goes to WeasyPrint unchanged.
"""

from __future__ import annotations

#: WeasyPrint major versions whose split_first_line this was compared with.
CHECKED_MAJOR_VERSIONS = ("70",)

_original = None


class _Lines:
    """The line breaks of the text whose rest is being measured: WeasyPrint asks for the
    suffixes of one text one after the other, so only the latest text is kept."""

    style = context = spacing = None
    by_rest: dict[str, tuple[int | None, float]] = {}


def _wraps_anywhere(style, is_line_start: bool) -> bool:
    """WeasyPrint's condition for breaking a too-long first line between any two characters
    (``word-break: break-all``, which we do not use, is left to WeasyPrint)."""
    return (style["white_space"] in ("normal", "pre-wrap", "pre-line") and is_line_start
            and style["overflow_wrap"] == "anywhere" and style["word_break"] == "normal")


#: Blocks of characters that are each a cluster of their own and shaped without their
#: neighbours: Latin, Greek, Cyrillic, general punctuation, currency and letter-like signs,
#: CJK and Hangul syllables. Text with anything else (combining marks, joiners, soft hyphens,
#: emoji, Arabic, Indic, Thai, other spaces, tabs and line breaks) goes to WeasyPrint: where one
#: character's line depends on its neighbours, a break in the whole text need not be the
#: break WeasyPrint finds in the rest of it (tests/test_pdf_min_content.py has such texts).
_PLAIN_BLOCKS = ((0x21, 0x2FF), (0x370, 0x52F), (0x2010, 0x2027), (0x2030, 0x205E),
                 (0x20A0, 0x20C0), (0x2100, 0x218B), (0x2190, 0x21FF), (0x3001, 0x303F),
                 (0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xAC00, 0xD7A3),
                 (0xFF01, 0xFF60))


def _plain(text: str) -> bool:
    import unicodedata

    for character in set(text):
        code = ord(character)
        if code in (0x20, 0xA0, 0x202F):    # spaces, no-break spaces (amounts, dates)
            continue
        if not any(low <= code <= high for low, high in _PLAIN_BLOCKS):
            return False
        if unicodedata.category(character) in ("Mn", "Mc", "Me", "Cf", "Cn", "Zs"):
            return False
    return True


def _measure(text: str, style, context, spacing) -> dict[str, tuple[int | None, float]]:
    """For every line of ``text`` wrapped at width 0 between characters: the rest of the
    text from that line on -> (bytes to the next line or None for the last, line width).
    The width is measured as WeasyPrint's ``first_line_metrics`` does: the line's text set
    on a layout of the rest of the text, which keeps the spacing attributes WeasyPrint's
    layout would have."""
    from weasyprint.text.ffi import ffi, pango
    from weasyprint.text.line_break import PANGO_WRAP_MODE, create_layout, line_size

    layout = create_layout(text, style, context, 0, spacing)
    pango.pango_layout_set_wrap(layout.layout, PANGO_WRAP_MODE["WRAP_CHAR"])
    lines = []
    while (line := pango.pango_layout_get_line_readonly(layout.layout, len(lines))) != ffi.NULL:
        lines.append((line.start_index, line.length))
    layout.deactivate()
    encoded = text.encode()
    collapse = style["white_space"] in ("normal", "nowrap", "pre-line")
    # Without word or letter spacing a line's layout has no attributes that depend on the
    # text it was made for, so one layout serves every line
    spaced = style["word_spacing"] or style["letter_spacing"] not in ("normal", 0)
    shared = None if spaced else create_layout("", style, context, None, spacing)
    by_rest = {}
    for number, (start, length) in enumerate(lines):
        rest = encoded[start:].decode()
        if number == len(lines) - 1:       # the rest fits on one line: WeasyPrint measures it as is
            line_layout = create_layout(rest, style, context, 0, spacing)
            pango.pango_layout_set_wrap(line_layout.layout, PANGO_WRAP_MODE["WRAP_CHAR"])
            first_line, _ = line_layout.get_first_line()
            width, _ = line_size(first_line, style)
            line_layout.deactivate()
            by_rest[rest] = (None, width)
            break
        line_text = encoded[start:start + length].decode()
        if collapse:
            line_text = line_text.rstrip(" ")
        if shared is None:
            line_layout = create_layout(rest, style, context, 0, spacing)
            pango.pango_layout_set_width(line_layout.layout, -1)
        else:
            line_layout = shared
        line_layout.set_text(line_text)
        first_line, _ = line_layout.get_first_line()
        width, _ = line_size(first_line, style)
        if shared is None:
            line_layout.deactivate()
        by_rest[rest] = (lines[number + 1][0] - start, width)
    if shared is not None:
        shared.deactivate()
    return by_rest


def split_first_line(text, style, context, max_width, justification_spacing,
                     is_line_start=True, minimum=False):
    """WeasyPrint's ``split_first_line`` for min- and max-content widths: the min-content
    question at width 0 for text that may break anywhere is answered from ``_measure``
    (only the resume index and width are given: that is all the caller reads). Text with a
    preserved line break is not plain (WeasyPrint's layouts stop after the first one)."""
    lines = _Lines
    if not (minimum and max_width == 0 and _wraps_anywhere(style, is_line_start)):
        return _original(text, style, context, max_width, justification_spacing,
                         is_line_start, minimum)
    if not (lines.style is style and lines.context is context and lines.spacing == justification_spacing
            and text in lines.by_rest):      # (the rest of a plain text is plain)
        if not _plain(text):
            return _original(text, style, context, max_width, justification_spacing,
                             is_line_start, minimum)
        lines.style, lines.context, lines.spacing = style, context, justification_spacing
        lines.by_rest = _measure(text, style, context, justification_spacing)
    resume, width = lines.by_rest[text]
    return None, None, resume, width, None, None


def forget() -> None:
    """Let go of the last document's text and style."""
    _Lines.style = _Lines.context = _Lines.spacing = None
    _Lines.by_rest = {}


def install() -> bool:
    """Answer WeasyPrint's min-content questions this way from now on, in this process, if
    its version is one this was checked with. Returns whether it is in place."""
    global _original
    import weasyprint
    from weasyprint.layout import preferred

    if preferred.split_first_line is split_first_line:
        return True
    if weasyprint.__version__.split(".")[0] not in CHECKED_MAJOR_VERSIONS:
        return False
    _original = preferred.split_first_line
    preferred.split_first_line = split_first_line
    return True
