"""Checks on printed pages, read back from the PDF as a reader gets it (poppler's pdftotext).

A PDF can be valid and still unreadable: a word past the paper's edge, a heading alone at the
bottom of a page, a date split over two lines, a name printed as empty boxes. These functions
find such faults in a finished PDF and describe each one, so a test can assert that the list is
empty and show what went wrong when it is not. ``pdftotext -bbox-layout`` gives every word with
its box, grouped into the lines and blocks poppler sees; headings come from the HTML the PDF was
made from (a heading is what the page calls one, not a guess from font sizes).
"""

from __future__ import annotations

import re
import subprocess
import unicodedata
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

XHTML = "{http://www.w3.org/1999/xhtml}"
MM = 72 / 25.4
#: The page margins of report.css (@page): the running header sits above the top margin, the
#: running footer below the bottom one.
TOP_MARGIN, BOTTOM_MARGIN = 20 * MM, 18 * MM
#: Rounding in poppler's coordinates.
TOLERANCE = 0.5

MONTHS = ("januari februari maart april mei juni juli augustus september oktober november december "
          "jan feb mrt apr jun jul aug sep sept okt nov dec "
          "January February March April May June July August September October November December "
          "Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec").split()


@dataclass(frozen=True)
class Word:
    text: str
    x_min: float
    y_min: float
    x_max: float
    y_max: float


@dataclass(frozen=True)
class Line:
    words: tuple[Word, ...]
    block: int                     # lines of one block (a paragraph, a table cell) share it

    @property
    def text(self) -> str:
        return " ".join(word.text for word in self.words)

    @property
    def y_min(self) -> float:
        return min(word.y_min for word in self.words)

    @property
    def y_max(self) -> float:
        return max(word.y_max for word in self.words)


@dataclass(frozen=True)
class Page:
    number: int                    # from 1
    width: float
    height: float
    lines: tuple[Line, ...]

    @property
    def body(self) -> tuple[Line, ...]:
        """The lines between the running header and the running footer."""
        return tuple(line for line in self.lines
                     if line.y_max > TOP_MARGIN and line.y_min < self.height - BOTTOM_MARGIN)


def _box(element: ET.Element) -> tuple[float, float, float, float]:
    return tuple(float(element.get(name)) for name in ("xMin", "yMin", "xMax", "yMax"))


def read_pages(pdf: Path) -> list[Page]:
    """Every page of ``pdf`` with its lines and words, in poppler's reading order."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True,
                         text=True, check=True).stdout
    root = ET.fromstring(re.sub(r"^<!DOCTYPE[^>]*>", "", xml))
    pages, block = [], 0
    for number, page in enumerate(root.iter(f"{XHTML}page"), start=1):
        lines = []
        for block_element in page.iter(f"{XHTML}block"):
            block += 1
            for line in block_element.iter(f"{XHTML}line"):
                words = tuple(Word(word.text or "", *_box(word)) for word in line.iter(f"{XHTML}word"))
                if words:
                    lines.append(Line(words, block))
        pages.append(Page(number, float(page.get("width")), float(page.get("height")), tuple(lines)))
    return pages


def words_off_page(pdf: Path) -> list[str]:
    """Every word that reaches past an edge of its page: "page 3: 'word…' xMax 612.0 > 595.3"."""
    faults = []
    for page in read_pages(pdf):
        for line in page.lines:
            for word in line.words:
                where = []
                if word.x_max > page.width + TOLERANCE:
                    where.append(f"xMax {word.x_max:.1f} > {page.width:.1f}")
                if word.y_max > page.height + TOLERANCE:
                    where.append(f"yMax {word.y_max:.1f} > {page.height:.1f}")
                if word.x_min < -TOLERANCE or word.y_min < -TOLERANCE:
                    where.append(f"starts at ({word.x_min:.1f}, {word.y_min:.1f})")
                if where:
                    faults.append(f"page {page.number}: {word.text[:30]!r} {', '.join(where)}")
    return faults


class _Headings(HTMLParser):
    """The text of every h1-h6, table caption and chart legend, without what print hides."""

    TAGS = {"h1", "h2", "h3", "h4", "h5", "h6", "caption"}
    LEAD_INS = {"chart-legend"}          # classes that introduce what follows, like a heading
    HIDDEN = {"visually-hidden", "breadcrumb", "page-footer"}

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []
        self._open: list[tuple[str, bool, bool]] = []    # (tag, a heading, hidden)
        self._text: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("br", "img", "meta", "link", "input", "hr", "wbr", "source"):
            return
        classes = set((dict(attrs).get("class") or "").split())
        lead_in = tag in self.TAGS or bool(self.LEAD_INS & classes)
        if any(heading for _, heading, _ in self._open):
            lead_in = False                       # one text for a heading, however nested
        self._open.append((tag, lead_in, bool(self.HIDDEN & classes)))

    def handle_endtag(self, tag):
        while self._open:
            open_tag, heading, _ = self._open.pop()
            if heading:
                self.found.append(" ".join("".join(self._text).split()))
                self._text = []
            if open_tag == tag:
                break

    def handle_data(self, data):
        if any(heading for _, heading, _ in self._open) and not any(h for _, _, h in self._open):
            self._text.append(data)


def headings(html: str) -> set[str]:
    """The headings, captions and chart legends of an HTML page, each as one line of text."""
    parser = _Headings()
    parser.feed(html)
    return {text for text in parser.found if text}


def _squeeze(text: str) -> str:
    return "".join(text.split())


def _only_headings(lines: list[Line], known: set[str]) -> bool:
    """Whether ``lines`` (in reading order) are nothing but whole headings, one after another."""
    text, squeezed = _squeeze(" ".join(line.text for line in lines)), {_squeeze(h) for h in known}
    while text:
        match = next((h for h in sorted(squeezed, key=len, reverse=True) if h and text.startswith(h)), None)
        if match is None:
            return False
        text = text[len(match):]
    return True


def heading_only_pages(pdf: Path, html: str) -> list[str]:
    """Pages whose text, besides the running header and footer, is only headings."""
    known = headings(html)
    return [f"page {page.number}: only {' / '.join(line.text for line in page.body)!r}"
            for page in read_pages(pdf) if page.body and _only_headings(list(page.body), known)]


def rows(lines: tuple[Line, ...]) -> list[tuple[Line, ...]]:
    """``lines`` grouped into what the eye sees as one row (the cells of a table row are blocks
    of their own), top to bottom, each row left to right."""
    found: list[list[Line]] = []
    for line in sorted(lines, key=lambda line: line.y_min):
        if found and line.y_min < max(other.y_max for other in found[-1]) - 1:
            found[-1].append(line)
        else:
            found.append([line])
    return [tuple(sorted(row, key=lambda line: line.words[0].x_min)) for row in found]


def pages_ending_with_a_heading(pdf: Path, html: str) -> list[str]:
    """Pages (but the last) whose body ends with a heading, a caption or a chart legend: what it
    introduces is on the next page."""
    known = {_squeeze(h) for h in headings(html)}
    faults = []
    for page in read_pages(pdf)[:-1]:
        if not page.body:
            continue
        last = rows(page.body)[-1]
        blocks = {line.block for line in last}
        # a heading that wraps ends in its last line: take all lines of its block
        text = " ".join(line.text for line in (page.body if len(blocks) == 1 else last)
                        if len(blocks) > 1 or line.block in blocks)
        if _squeeze(text) in known:
            faults.append(f"page {page.number} ends with {text!r}")
    return faults


def wrapped_dates(pdf: Path) -> list[str]:
    """Dates split over two lines ("16 aug" / "2026", "16" / "aug 2026"). Found by position, not
    by poppler's lines, which mix the cells of a table row: for each month name, its day just left
    of it or ending the line above, and its year just right of it or starting the line below."""
    faults = []
    for page in read_pages(pdf):
        words = [word for line in page.lines for word in line.words]
        for month in words:
            if month.text.strip(".,;:()").lower() not in _MONTHS:
                continue
            day = [w for w in words if _DAY.fullmatch(w.text.strip("(")) and _next_to(w, month)]
            day_above = [w for w in words if _DAY.fullmatch(w.text.strip("(")) and _wrapped(w, month)]
            year = [w for w in words if _YEAR.fullmatch(w.text.strip(".,;:)")) and _next_to(month, w)]
            year_below = [w for w in words if _YEAR.fullmatch(w.text.strip(".,;:)")) and _wrapped(month, w)]
            if (day or day_above) and (year or year_below) and not (day and year):
                first = day[0] if day else max(day_above, key=lambda w: w.x_max)    # ends its line
                last = year[0] if year else min(year_below, key=lambda w: w.x_min)   # begins its line
                parts = [first.text, month.text, last.text]
                faults.append(f"page {page.number}: {' '.join(parts)!r} over two lines")
    return faults


_MONTHS = {month.lower() for month in MONTHS}
_DAY, _YEAR = re.compile(r"\d{1,2}"), re.compile(r"\d{4}")


def _next_to(left: Word, right: Word) -> bool:
    """``right`` follows ``left`` on the same line, a space apart."""
    return abs(left.y_min - right.y_min) < 2 and 0 <= right.x_min - left.x_max < 10


def _wrapped(end: Word, start: Word) -> bool:
    """``end`` ends a line and ``start`` begins the next one of the same column (at or left of
    where ``end`` is)."""
    return abs(end.y_max - start.y_min) < 4 and start.x_min <= end.x_min + 2 and end.x_min - start.x_min < 250


def text_forms(pdf: Path) -> tuple[str, str]:
    """The PDF's text without white space, twice: as poppler gives it, and with every line
    reversed (poppler gives right-to-left scripts in visual order, line by line), both in NFKC
    (Arabic presentation forms back to letters)."""
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    lines = [_BIDI_CONTROLS.sub("", unicodedata.normalize("NFKC", line)) for line in text.splitlines()]
    return _squeeze("".join(lines)), _squeeze("".join(line[::-1] for line in lines))


#: Marks poppler adds around right-to-left text.
_BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")
#: Arabic lam followed by an alef: one ligature glyph, whose two letters poppler gives back the
#: other way round.
_LAM_ALEF = re.compile("\u0644([\u0622\u0623\u0625\u0627])")


def prints_whole(pdf: Path, name: str) -> bool:
    """Whether ``name`` is in the PDF's text, every character of it, in either direction."""
    wanted = _squeeze(unicodedata.normalize("NFKC", name))
    forms = text_forms(pdf)
    return any(candidate in form for candidate in (wanted, _LAM_ALEF.sub("\\1\u0644", wanted))
               for form in forms)


MISSING_GLYPH = ".notdef glyph"


def missing_glyph_warnings(warnings: list[str]) -> list[str]:
    """The build warnings that say a character was printed without a glyph."""
    return [warning for warning in warnings if MISSING_GLYPH in warning or "printed as empty boxes" in warning]


def pages_without_header(pdf: Path, header: str, pages: range) -> list[str]:
    """Pages of ``pages`` (numbers from 1) whose body does not begin with the row ``header``:
    a long table that runs on has to repeat its column headings."""
    found = read_pages(pdf)
    faults = []
    for number in pages:
        first = rows(found[number - 1].body)[0]
        text = " ".join(line.text for line in first)
        if _squeeze(text) != _squeeze(header):
            faults.append(f"page {number} begins with {text!r}")
    return faults
