"""The one reader of .xlsx cells, for the xlsx source and the CRM exports.

openpyxl's public reader classes read what describes the workbook: its
worksheets (name, state, XML part), the shared strings, which cell styles are
dates or durations (``Stylesheet.date_formats``), and the 1900/1904 date
system. The cells themselves are streamed from each sheet's XML by a small
reader on the standard library's expat parser, because openpyxl's cell API
cannot tell what the sources must tell apart: it returns None both for an
empty cell and for a formula that was never calculated, and its read-only
sheets do not list merged cells. Streaming builds no tree, holds one chunk of
rows at a time, and is faster than openpyxl's ``iter_rows`` (1.4 times on a
sheet as Excel writes it, 3.4 times when the writer left out the sheet's
``<dimension>``); benchmarks/README.md has the measurements and the libraries
that were weighed.

A row comes as raw cells, ``[reference, type, style, <v> text, inline text,
<f> text]``: a reader decodes only the cells it needs with ``Workbook.value``,
which says whether a cell is a value, an Excel error or a formula without a
saved result (and raises for a damaged one).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from typing import IO, Any, Iterator
from xml.etree.ElementTree import XMLParser


from relatierapport.sources.bounds import Budget

#: What ``Workbook.value`` says a cell is.
OK, ERROR, FORMULA, DAMAGED = "ok", "error", "formula", "damaged"
EXCEL_MAX_ROW = 1_048_576
DIGITS = "0123456789"

RawCell = list   # [reference, type, style, <v> text, inline text, <f> text]


@dataclass(frozen=True)
class Sheet:
    """One worksheet as the workbook lists it."""

    title: str
    state: str                       # visible, hidden or veryHidden
    part: str                        # its XML inside the zip, e.g. xl/worksheets/sheet1.xml


from_excel = from_ISO8601 = None     # openpyxl's date decoders, set by _openpyxl()


def _openpyxl():
    """Import openpyxl (0.1 s) when a workbook is opened, not when the plugins load (issue 17).

    The per-cell date decoders become module globals, so decoding a cell pays no import."""
    global from_excel, from_ISO8601
    from openpyxl.utils.datetime import from_excel, from_ISO8601


class Workbook:
    """An open .xlsx: its worksheets, and what decoding a cell needs.

    Raises whatever openpyxl or zipfile raise for a file that is no readable
    workbook; the callers turn that into one located problem.
    """

    def __init__(self, source: IO[bytes], budget: Budget | None = None):
        from openpyxl.reader.excel import ExcelReader

        _openpyxl()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")    # openpyxl warns about parts it skips
            reader = ExcelReader(source, read_only=True, data_only=True)
            try:
                if budget is not None:
                    # openpyxl reads these parts whole (shared strings, styles, the workbook):
                    # charged before it does, at their stated size, which zipfile never
                    # exceeds (a member that unpacks to more fails its CRC check)
                    budget.take(sum(info.file_size for info in reader.archive.infolist()
                                    if info.filename.endswith((".xml", ".rels"))
                                    and not info.filename.startswith("xl/worksheets/")))
                reader.read_manifest()
                reader.read_strings()
                reader.read_workbook()
                self.styles = _date_styles(reader.archive)
                present = set(reader.valid_files)
                self.sheets = [Sheet(sheet.name, sheet.state or "visible", rel.target)
                               for sheet, rel in reader.parser.find_sheets()
                               if "worksheet" in rel.Type and rel.target in present]
            except BaseException:
                reader.archive.close()
                raise
        self._archive = reader.archive
        self._budget = budget
        self.shared: list[str] = reader.shared_strings
        self.epoch = reader.wb.epoch

    def close(self) -> None:
        self._archive.close()

    def __enter__(self) -> Workbook:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def cells(self, sheet: Sheet) -> SheetCells:
        """The rows of ``sheet``, streamed; raises KeyError when its part is missing. With a
        budget, every byte of the sheet's XML is counted as it is unpacked (the rows stop with
        ``bounds.OverCap`` at the cap), whatever the sheet's ``<dimension>`` says or leaves out."""
        handle = self._archive.open(sheet.part)
        return SheetCells(handle if self._budget is None else self._budget.stream(handle))

    def value(self, cell: RawCell) -> tuple[str, Any]:
        """A raw cell as (OK, value), (ERROR, "#N/A") or (FORMULA, formula without result).

        Values are str, int, float, bool, datetime, time or timedelta (date styles), or
        None for an empty cell. Raises ValueError, IndexError or OverflowError for a cell
        whose XML makes no sense.
        """
        _, kind, style, value, inline, formula = cell
        if kind == "inlineStr":
            return OK, inline
        # A formula keeps its last result in <v>. None there, or an empty one on a number cell
        # (how openpyxl and other scripts save formulas), means it was never calculated; Excel
        # saves an empty text result as <v></v> on a t="str" cell.
        if formula is not None and (value is None or (not value and kind not in ("str", "s"))):
            return FORMULA, formula
        if value is None:
            return OK, None
        if kind == "s":
            index = int(value)
            if index < 0:
                raise IndexError(f"shared string {index}")
            return OK, self.shared[index]
        if kind == "str":
            return OK, value
        if kind == "e":
            return ERROR, value
        if kind == "b":
            return OK, value.strip() in ("1", "true")
        if kind == "d":
            return OK, from_ISO8601(value.strip())
        value = value.strip()
        if not value:
            return OK, None
        number = int(value) if value.lstrip("-").isdigit() else float(value)
        if style and int(style) in self.styles.dates:
            try:
                return OK, from_excel(number, self.epoch,
                                      timedelta=int(style) in self.styles.durations)
            except (OverflowError, ValueError):
                return ERROR, f"{value} (a date outside Excel's range)"
        return OK, number


@dataclass(frozen=True)
class _DateStyles:
    dates: frozenset[int]
    durations: frozenset[int]


def _date_styles(archive) -> _DateStyles:
    """Which cell styles (``s`` attributes) show dates, and which of those durations."""
    from openpyxl.styles.stylesheet import Stylesheet
    from openpyxl.xml.constants import ARC_STYLE
    from openpyxl.xml.functions import fromstring

    try:
        source = archive.read(ARC_STYLE)
    except KeyError:
        return _DateStyles(frozenset(), frozenset())
    stylesheet = Stylesheet.from_tree(fromstring(source))
    return _DateStyles(frozenset(stylesheet.date_formats), frozenset(stylesheet.timedelta_formats))


class SheetCells:
    """One sheet's rows as ``(row number, raw cells)``; ``merged`` holds the merged ranges
    once the rows are read (Excel writes them after the cells).

    Iterating raises what expat raises for malformed XML (ParseError), or ValueError for a
    row number that is no number, at the row where it happens.
    """

    def __init__(self, source: IO[bytes]):
        self._source = source
        self._events = _SheetEvents()

    @property
    def merged(self) -> list[str]:
        return self._events.merged

    def __enter__(self) -> SheetCells:
        return self

    def __exit__(self, *exc) -> None:
        self._source.close()

    def __iter__(self) -> Iterator[tuple[int, list[RawCell]]]:
        events = self._events
        parser = XMLParser(target=events)
        while True:
            chunk = self._source.read(1 << 16)
            if not chunk:
                break
            parser.feed(chunk)
            rows, events.rows = events.rows, []
            yield from rows
        parser.close()
        yield from events.rows


class _SheetEvents:
    """expat callbacks for one worksheet's XML: rows of raw cells, merged ranges; no tree."""

    def __init__(self):
        self.rows: list[tuple[int, list[RawCell]]] = []
        self.merged: list[str] = []
        self._names: dict[str, str] = {}
        self._row = 0
        self._cells: list[RawCell] = []
        self._cell: RawCell | None = None
        self._text: list[str] | None = None
        self._phonetic = 0            # inside <rPh>: a reading aid, not the cell's text

    def start(self, tag: str, attrib: dict[str, str]) -> None:
        name = self._names.get(tag)
        if name is None:
            name = self._names[tag] = tag.rpartition("}")[2]
        if name == "c":
            self._cell = [attrib.get("r"), attrib.get("t", "n"), attrib.get("s"), None, None, None]
        elif name == "v" or name == "f" or (name == "t" and not self._phonetic):
            self._text = []
        elif name == "row":
            number = attrib.get("r")
            self._row = int(number) if number else self._row + 1
            self._cells = []
        elif name == "rPh":
            self._phonetic += 1
        elif name == "mergeCell":
            self.merged.append(attrib.get("ref") or "")

    def data(self, text: str) -> None:
        if self._text is not None:
            self._text.append(text)

    def end(self, tag: str) -> None:
        name = self._names[tag]
        if name == "v" or name == "f" or name == "t":
            if self._cell is not None and self._text is not None:
                text = "".join(self._text)
                if name == "v":
                    self._cell[3] = text
                elif name == "f":
                    self._cell[5] = text
                else:
                    self._cell[4] = (self._cell[4] or "") + text
            self._text = None
        elif name == "c":
            if self._cell is not None:
                self._cells.append(self._cell)
            self._cell = None
        elif name == "row":
            self.rows.append((self._row, self._cells))
            self._cells = []
        elif name == "rPh":
            self._phonetic -= 1

    def close(self) -> None:
        return None


# -- cell references ----------------------------------------------------------------------

_COLUMNS: dict[str, int] = {}


def column_number(reference: str) -> int | None:
    """B12 -> 2; None for a reference that is no cell."""
    letters = reference.rstrip(DIGITS).strip("$").upper()
    number = _COLUMNS.get(letters)
    if number is None:
        if not (1 <= len(letters) <= 3 and letters.isascii() and letters.isalpha()):
            return None
        number = 0
        for letter in letters:
            number = number * 26 + ord(letter) - 64
        _COLUMNS[letters] = number
    return number


def column_letter(column: int) -> str:
    """2 -> B; "?" for a number that is no column."""
    letters = ""
    while column > 0:
        column, rest = divmod(column - 1, 26)
        letters = chr(65 + rest) + letters
    return letters or "?"


def numbered(cells: list[RawCell]) -> Iterator[tuple[int | None, RawCell]]:
    """(column number, cell) for each cell of a row; a cell without a reference follows the
    one before it, a reference that is no cell gives None (and leaves the count as it was)."""
    number = 0
    for cell in cells:
        if cell[0]:
            found = column_number(cell[0])
            if found is None:
                yield None, cell
                continue
            number = found
        else:
            number += 1
        yield number, cell


def has_content(cell: RawCell) -> bool:
    """Whether the cell holds anything (a value, text or a formula), without decoding it."""
    return cell[4] is not None or cell[5] is not None or bool(cell[3] and cell[3].strip())
