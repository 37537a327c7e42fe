"""Built-in source ``xlsx``: model tables from the sheets of an Excel workbook.

One sheet fills one model table, with the same ``columns`` mapping as CSV. A
source names its table with ``table`` (the sheet is then the one in ``sheet``,
else the sheet named like the table in English or Dutch, in any case:
relations/Relaties, touchpoints/Contactmomenten, business/Opdrachten,
surveys/Enquêtes, employees/Medewerkers, goals/Doelen, events/Gebeurtenissen,
else the only visible sheet; otherwise an error lists the sheets), or reads
several tables from one workbook with ``sheets = { relations = "Klanten",
touchpoints = "Contacten" }``; ``columns`` then applies to every listed table
that has the field (use one ``[[sources]]`` per sheet when two sheets need
different headers for the same field).

How cells become the text that ``tabular.convert`` parses (the choices):

- Cells are read as Excel stored them: a formula gives the result Excel saved
  with it (openpyxl's ``data_only``). A formula *without* a saved result (a
  file written by a script such as openpyxl and never opened in Excel) and
  Excel error values (``#N/A``, ``#DIV/0!``) are errors naming the cell, never
  a silent empty cell (in a relation's extra column: a warning, value left out).
- Date cells become ISO dates, so they are read whatever ``date_format`` says;
  ``date_format`` (same option and meaning as for CSV) is for dates typed as
  text. A *number* in a date column (a date cell formatted as a number) is an
  Excel serial date when it falls in 1920–2100; other numbers there stay
  numbers as text (``20150301`` then reads with ``date_format = ["yyyymmdd"]``,
  a bare year ``2015`` is an error, not 1905).
- Number cells are exact: written out in full (never ``1e-07``) with the
  decimal mark the grid parses. Text cells that hold numbers ("1.234,50", typed
  in a text-formatted column or pasted from a CSV) are parsed with ``decimal``
  (default "."; set "," for Dutch text numbers). A text "1,234" with decimal
  "." is 1234 (thousands grouping), exactly as in a CSV; that is why the
  default is not guessed.
- Headers are the text of the ``header_row`` (default 1; rows above are
  skipped), stripped. Empty rows and columns are ignored; a column with values
  under an empty header is a warning, a merged header cell over several
  columns and a repeated header are errors.

Locations are ``Sheet!row`` or ``Sheet!C12`` (the physical Excel row, and the
column when the field is known), quoted like Excel does for names with spaces:
``'Mijn klanten'!C12``.

Cells come from ``relatierapport.sources.xlsx_grid``, the package's one .xlsx
reader (the CRM exports use it too): it streams a sheet's XML and tells an
empty cell from a formula never calculated and from an Excel error. Rows go
into polars frames in chunks of 50,000, so a large sheet is never held as
Python objects. A file that is not a readable .xlsx (a renamed CSV, an old
.xls, a password-protected workbook, a truncated file, a zip bomb) is one
located error, never an exception.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import unicodedata
import zipfile
from array import array
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

import polars as pl

from relatierapport import hookimpl
from relatierapport.errors import Problem
from relatierapport.hooktypes import SourceReader
from relatierapport.model import TABLES, SourceData
from relatierapport.options import Integer, ListOf, Option, Table, Text
from relatierapport.sources.date_patterns import strftime_formats
from relatierapport.sources.tabular import FIELDS, SCORE_PREFIXES, Grid, convert
from relatierapport.sources.xlsx_grid import (DAMAGED, DIGITS, ERROR, EXCEL_MAX_ROW, OK, RawCell,
                                              Sheet, Workbook, column_letter, column_number,
                                              has_content, numbered)

#: Sheet names tried for a table when the workbook has several sheets.
SHEET_NAMES = {
    "relations": ("relations", "relaties"),
    "touchpoints": ("touchpoints", "contactmomenten"),
    "business": ("business", "opdrachten"),
    "surveys": ("surveys", "enquetes"),
    "employees": ("employees", "medewerkers"),
    "goals": ("goals", "doelen"),
    "events": ("events", "gebeurtenissen"),
}
CHUNK_ROWS = 50_000
#: Excel serial numbers read as dates in date columns: 1920-01-01 .. 2100-12-31.
SERIAL_RANGE = (7306, 73415)
#: Refuse zip members that would unpack to more than this, or that are suspiciously
#: compressed (real sheet XML compresses about 5-30 times; a zip bomb ~1000 times).
MAX_PART_BYTES = 4 << 30
MAX_RATIO, RATIO_FROM_BYTES = 250, 20 << 20

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def _nonempty(value: str) -> str | None:
    return None if value.strip() else "expected a sheet name, found an empty text"


OPTIONS = (
    Option("sheet", Text(), None, "The sheet to read (default: the only sheet, else the one named "
           'like the table, e.g. "Relaties" or "relations").', check=_nonempty),
    Option("sheets", Table(Text(), keys=TABLES), {},
           'Several tables from one workbook: model table = sheet name, e.g. { relations = "Klanten", '
           'touchpoints = "Contacten" }; then table is not needed.'),
    Option("header_row", Integer(minimum=1, maximum=EXCEL_MAX_ROW), 1,
           "Row number of the header row; rows above it are skipped."),
    Option("decimal", Text(choices=(".", ",")), ".",
           'Decimal mark of numbers typed as text ("1.234,50" needs ","); number cells are exact '
           "whatever this says."),
    Option("date_format", ListOf(Text()), ["auto"],
           'Formats of dates typed as text: "auto" (yyyy-mm-dd or dd-mm-yyyy), or patterns such as '
           '"dd-mm-yyyy", "yyyymmdd" or strftime "%d/%m/%Y". Date cells are read whatever this says.'),
)


@hookimpl
def source_readers():
    return [SourceReader("xlsx", read, OPTIONS,
                         "An Excel workbook (.xlsx): one model table per sheet.")]


# -- reading one workbook ---------------------------------------------------------------------

def read(spec, config) -> SourceData:
    """Read the sheets this source names into their model tables."""
    data = SourceData()
    targets = _targets(spec, data.errors)
    if targets is None:
        return data
    if not spec.path.is_file():
        data.errors.append(Problem(spec.display, "expected an .xlsx workbook, found a folder"))
        return data
    with spec.path.open("rb") as handle:
        problem = _refuse_non_xlsx(handle, spec)
        if problem:
            data.errors.append(problem)
            return data
        try:
            handle.seek(0)
            workbook = Workbook(handle)
        except Exception as exc:  # a broken file, whatever openpyxl trips over
            data.errors.append(Problem(spec.display, "expected an .xlsx workbook, found a file "
                                       f"that cannot be read as one ({_reason(exc)})"))
            return data
        with workbook:
            for table, wanted in targets:
                sheet = _choose_sheet(workbook.sheets, table, wanted, spec, data.errors)
                if sheet is not None:
                    _merge(data, _read_sheet(workbook, sheet, table, targets, spec))
    return data


def _targets(spec, errors: list[Problem]) -> list[tuple[str, str | None]] | None:
    """(model table, sheet name or None for the default) for each table this source fills."""
    opts, label = spec.options, f"[[sources]] #{spec.index}"
    sheets = opts.get("sheets") or {}
    if sheets:
        if opts.get("sheet"):
            errors.append(Problem("config.toml", "expected either sheet (with table) or sheets, "
                                  "found both", field=f"{label} sheet"))
            return None
        if spec.table and spec.table not in sheets:
            errors.append(Problem("config.toml", f"expected table to be one of the tables in sheets "
                                  f"({', '.join(sheets)}) or left out, found \"{spec.table}\"",
                                  field=f"{label} table"))
            return None
        unknown = [key for key in spec.columns if not any(_has_field(t, key) for t in sheets)]
        for key in unknown:
            errors.append(Problem("config.toml", f"expected a field of {', '.join(sheets)}, "
                                  f"found {key!r}", field=f"{label} columns.{key}"))
        return None if unknown else list(sheets.items())
    if spec.table is None:
        errors.append(Problem("config.toml", "expected the model table this workbook fills "
                              f"({', '.join(FIELDS)}), or sheets = {{ <table> = \"<sheet>\", … }}, "
                              "found nothing", field=f"{label} table"))
        return None
    return [(spec.table, opts.get("sheet"))]


def _has_field(table: str, key: str) -> bool:
    return key in FIELDS[table] or (table == "relations" and key.startswith("scores."))


def _reason(exc: BaseException) -> str:
    text = str(exc).splitlines()[0][:160] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _refuse_non_xlsx(handle, spec) -> Problem | None:
    """Name what the file is when it is not an .xlsx, and refuse zip bombs before unpacking."""
    head = handle.read(4096)

    def refuse(found: str) -> Problem:
        return Problem(spec.display, f"expected an .xlsx workbook, found {found}")

    if not head:
        return refuse("an empty file")
    if head.startswith(OLE2_MAGIC):
        if spec.path.suffix.lower() == ".xls":
            return refuse("an old Excel 97-2003 .xls file: open it in Excel or LibreOffice and "
                          "save it as .xlsx (Excel Workbook)")
        return refuse("an old Excel 97-2003 .xls file or a password-protected workbook: remove "
                      "the password, or save it as .xlsx (Excel Workbook)")
    if not head.startswith(b"PK"):
        text = head.lstrip(b"\xef\xbb\xbf\xff\xfe").lstrip()
        if text[:1] == b"<":
            return refuse("XML or HTML text (an Excel 2003 XML or a web page saved as .xls?): "
                          "open it in Excel and save it as .xlsx")
        if head and sum(32 <= b < 127 or b in b"\t\r\n" for b in head) > 0.95 * len(head):
            return refuse('plain text (a CSV file?): read it with type = "csv", or save it as .xlsx')
        return refuse(f"{spec.path.stat().st_size} bytes that are not an .xlsx (zip) file")
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
    except Exception as exc:
        return refuse(f"a damaged or truncated zip file ({_reason(exc)})")
    names = {info.filename for info in infos}
    if "xl/workbook.bin" in names:
        return refuse("a binary Excel workbook (.xlsb): save it as .xlsx (Excel Workbook)")
    if "content.xml" in names and "mimetype" in names:
        return refuse("an OpenDocument file (.ods): save it as .xlsx (Excel Workbook)")
    if not any(name.startswith("xl/") for name in names):
        return refuse("a zip archive that is not an Excel workbook")
    for info in infos:
        if info.file_size > MAX_PART_BYTES or (
                info.file_size > RATIO_FROM_BYTES
                and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
            return refuse(f"a part ({info.filename}) that would unpack to {info.file_size:,} bytes "
                          f"from {info.compress_size:,}: refused as a possible zip bomb")
    return None


def _fold(name: str) -> str:
    """Sheet names compare like Excel does (case-insensitively), and without accents."""
    name = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(c for c in name if not unicodedata.combining(c))


def _choose_sheet(sheets: list[Sheet], table: str, wanted: str | None, spec,
                  errors: list[Problem]) -> Sheet | None:
    listed = ", ".join(f'"{ws.title}"' for ws in sheets) or "none"
    label = f"[[sources]] #{spec.index}"
    if wanted is not None:
        found = [ws for ws in sheets if ws.title == wanted] or \
                [ws for ws in sheets if _fold(ws.title) == _fold(wanted)]
        if found:
            return found[0]
        errors.append(Problem(spec.display, f'expected a sheet named "{wanted}" (for {table}), '
                              f"found sheets: {listed}"))
        return None
    names = SHEET_NAMES[table]
    for ws in sheets:
        if _fold(ws.title) in names:
            return ws
    visible = [ws for ws in sheets if ws.state == "visible"]
    if len(visible) == 1:
        return visible[0]
    if len(sheets) == 1:
        return sheets[0]
    errors.append(Problem(spec.display, f'expected a sheet for {table} named "{names[0]}" or '
                          f'"{names[1]}", or sheet = "<name>" in {label}; found sheets: {listed}'))
    return None


def _merge(data: SourceData, part: SourceData) -> None:
    data.relations += part.relations
    data.employees += part.employees
    data.goals += part.goals
    data.tables.update(part.tables)
    data.errors += part.errors
    data.warnings += part.warnings


# -- one sheet --------------------------------------------------------------------------------

def _sheet_ref(title: str) -> str:
    """The sheet as Excel writes it in a reference: Klanten, or 'Mijn klanten'."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass
class _Column:
    """One header column: what the table makes of it."""

    header: str
    column: int                      # Excel column number, 1 = A
    field: str | None = None         # model field (or scores.<name>) it fills
    used: bool = False               # read at all (fields; for relations also extra columns)
    date: bool = False               # a date field: numbers in it are serial dates


@dataclass
class _Sheet:
    """What reading one sheet collects besides the cells."""

    source: str                      # the file, as written in config.toml
    ref: str                         # the sheet as in an Excel reference
    header_row: int
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    flagged: set[tuple[int, str]] = field(default_factory=set)   # (row, field) already reported


def _read_sheet(book: Workbook, ws: Sheet, table: str, targets, spec) -> SourceData:
    opts = spec.options
    decimal = opts.get("decimal") or "."
    header_row = opts.get("header_row") or 1
    columns = dict(spec.columns)
    if len(targets) > 1:
        columns = {key: header for key, header in spec.columns.items() if _has_field(table, key)}
    sheet = _Sheet(spec.display, _sheet_ref(ws.title), header_row)
    result = SourceData()

    layout: list[_Column] | None = None
    by_letters: dict[str, int] = {}     # column letters -> position in layout
    buffers: list[list[str | None]] = []
    frames: list[pl.DataFrame] = []
    row_numbers = array("q")
    stray: dict[int, int] = {}          # column without header -> first row with a value there
    last_filled = None                  # the last filled row above the header row
    last_row = 0

    def flush() -> None:
        if buffers and buffers[0]:
            frames.append(pl.DataFrame({c.header: buf for c, buf in zip(layout, buffers)},
                                       schema={c.header: pl.String for c in layout}))
            for buf in buffers:
                buf.clear()

    try:
        sheet_cells = book.cells(ws)   # the sheet's XML part, streamed from the zip
    except Exception as exc:
        result.errors.append(Problem(spec.display, "expected a readable sheet, found damaged "
                                     f"sheet data ({_reason(exc)})", location=sheet.ref))
        return result
    with sheet_cells:
        rows = iter(sheet_cells)
        while True:
            try:
                index, cells = next(rows)
            except StopIteration:
                break
            except Exception as exc:   # malformed XML, a truncated part, a bad row number
                where = f"{sheet.ref}!{last_row + 1}" if last_row else sheet.ref
                result.errors.append(Problem(spec.display, "expected a readable sheet, found "
                                             f"damaged sheet data ({_reason(exc)})", location=where))
                return _only_problems(result, sheet)
            last_row = index
            if index > EXCEL_MAX_ROW:
                result.errors.append(Problem(spec.display, f"expected rows up to {EXCEL_MAX_ROW:,} "
                                             f"(the last Excel row), found row {index:,}",
                                             location=sheet.ref))
                return _only_problems(result, sheet)
            if layout is None:
                if index == header_row:
                    layout = _header(cells, index, table, columns, sheet, book)
                    if layout is None:
                        return _only_problems(result, sheet)
                    if not layout:
                        layout = None      # an empty header row: look on, for a hint
                        continue
                    by_letters = {column_letter(c.column): position
                                  for position, c in enumerate(layout)}
                    buffers = [[] for _ in layout]
                elif any(has_content(cell) for cell in cells):
                    if index > header_row:
                        result.errors.append(_no_header(sheet, spec, index))
                        return _only_problems(result, sheet)
                    last_filled = index
                continue
            if index <= header_row:
                continue
            values = _row_values(cells, index, layout, by_letters, stray, sheet, decimal, book)
            if values is not None:
                for buf, value in zip(buffers, values):
                    buf.append(value)
                row_numbers.append(index)
                if len(buffers[0]) >= CHUNK_ROWS:
                    flush()
    if layout is None:
        result.errors.append(_no_header(sheet, spec, last_filled))
        return _only_problems(result, sheet)
    flush()
    _check_merged(sheet_cells.merged, layout, sheet)
    for column, row in sorted(stray.items()):
        sheet.warnings.append(Problem(
            spec.display, f"expected a header above the values in column {column_letter(column)} "
            f"(the first in row {row}), found an empty header cell: that column is not read",
            location=f"{sheet.ref}!{column_letter(column)}{header_row}"))

    headers = [c.header for c in layout]
    frame = pl.concat(frames) if frames else pl.DataFrame(schema={h: pl.String for h in headers})

    def lines(rows: list[int]) -> dict[int, int]:
        return {row: row_numbers[row] for row in rows}

    grid = Grid(frame, spec.display, lines, columns=columns, decimal=decimal,
                date_formats=strftime_formats(opts.get("date_format") or ["auto"],
                                              first=("%Y-%m-%d",)))
    converted = convert(grid, table)
    letters = {c.field: column_letter(c.column) for c in layout if c.field}
    result.errors = sheet.errors + _locate(converted.errors, sheet, letters)
    result.warnings = sheet.warnings + _locate(converted.warnings, sheet, letters)
    result.tables = converted.tables
    for record in (*converted.relations, *converted.employees, *converted.goals):
        row = record.origin.rpartition(":")[2]
        record.origin = f"{spec.display}:{sheet.ref}!{row}"
    result.relations, result.employees = converted.relations, converted.employees
    result.goals = converted.goals
    return result


def _only_problems(result: SourceData, sheet: _Sheet) -> SourceData:
    result.errors += sheet.errors
    result.warnings += sheet.warnings
    return result


def _no_header(sheet: _Sheet, spec, filled_row: int | None) -> Problem:
    """No header names in header_row; ``filled_row`` is a row that has values, for the hint."""
    if filled_row is None:
        return Problem(spec.display, f"expected column headers in row {sheet.header_row}, found "
                       "an empty sheet", location=sheet.ref)
    return Problem(spec.display, f"expected column headers in row {sheet.header_row}, found an "
                   f"empty row (row {filled_row} has values: if that is the header row, set "
                   f"header_row = {filled_row} in [[sources]] #{spec.index})",
                   location=f"{sheet.ref}!{sheet.header_row}")


def _cells(cells: list[RawCell], index: int, sheet: _Sheet):
    """(column number, raw cell) for each cell of a row; a reference that is no cell is an error."""
    for number, cell in numbered(cells):
        if number is None:
            sheet.errors.append(Problem(sheet.source, "expected a cell reference such as B2, "
                                        f'found "{cell[0][:20]}"', location=f"{sheet.ref}!{index}"))
            continue
        yield number, cell


def _header(cells, index: int, table: str, columns: dict[str, str], sheet: _Sheet,
            book: Workbook) -> list[_Column] | None:
    """The header columns, each marked with the field it fills; None after a header error."""
    layout: list[_Column] = []
    for number, cell in _cells(cells, index, sheet):
        where = f"{sheet.ref}!{column_letter(number)}{index}"
        try:
            status, value = book.value(cell)
        except (ValueError, IndexError, OverflowError) as exc:
            status, value = DAMAGED, _reason(exc)
        if status != OK:
            sheet.errors.append(Problem(sheet.source, "expected a header name, found "
                                        + _fault(status, value), location=where))
            continue
        text = _text(value, False, ".", book.epoch)
        if text is not None and text.strip():
            layout.append(_Column(text.strip(), number))
    layout.sort(key=lambda c: c.column)
    seen: dict[str, int] = {}
    for c in layout:
        where = f"{sheet.ref}!{column_letter(c.column)}{index}"
        if c.header in seen:
            sheet.errors.append(Problem(sheet.source, f'expected unique headers, found "{c.header}" '
                                        f"again (first in column {column_letter(seen[c.header])})",
                                        location=where))
        elif c.header.startswith("__"):
            sheet.errors.append(Problem(sheet.source, "expected a header name not starting with "
                                        f'"__", found "{c.header}"', location=where))
        seen.setdefault(c.header, c.column)
    if sheet.errors:
        return None
    headers = [c.header for c in layout]
    fields = FIELDS[table]
    mapped: dict[str, str] = {}                  # header -> field, as tabular maps them
    for key, header in columns.items():
        if header in headers and (key in fields or key.startswith("scores.")):
            mapped[header] = key
    done = set(mapped.values())
    by_lower = {h.lower(): h for h in headers}
    for name in fields:
        if name not in done and name in by_lower and by_lower[name] not in mapped:
            mapped[by_lower[name]] = name
    for c in layout:
        c.field = mapped.get(c.header)
        if c.field is None and table == "relations":
            for prefix in SCORE_PREFIXES:
                if c.header.lower().startswith(prefix):
                    c.field = "scores." + c.header[len(prefix):].strip()
                    break
        c.used = c.field is not None or table == "relations"
        c.date = c.field is not None and c.field in fields and fields[c.field].kind == "date"
    return layout


def _row_values(cells, index: int, layout: list[_Column], by_letters: dict[str, int],
                stray: dict[int, int], sheet: _Sheet, decimal: str, book: Workbook) -> list | None:
    """The row's text per header column, or None when it holds nothing that is read."""
    values: list[str | None] | None = None
    number = 0
    for cell in cells:          # the hot loop: one pass per cell of a possibly huge sheet
        reference = cell[0]
        position = by_letters.get(reference.rstrip(DIGITS)) if reference else None
        if position is None:
            found = column_number(reference) if reference else number + 1
            if found is None:
                sheet.errors.append(Problem(sheet.source, "expected a cell reference such as B2, "
                                            f'found "{reference[:20]}"',
                                            location=f"{sheet.ref}!{index}"))
                continue
            number = found
            position = by_letters.get(column_letter(number))
            if position is None:
                if number not in stray and has_content(cell):
                    stray[number] = index
                continue
        column = layout[position]
        number = column.column
        if not column.used:
            continue
        try:
            status, value = book.value(cell)
        except (ValueError, IndexError, OverflowError) as exc:
            status, value = DAMAGED, _reason(exc)
        if status != OK:
            _cell_problem(status, value, index, column, sheet)
            continue
        text = _text(value, column.date, decimal, book.epoch)
        if text is not None:
            if values is None:
                values = [None] * len(layout)
            values[position] = text
    return values


def _fault(status: str, value: str) -> str:
    if status == ERROR:
        return f"the Excel error {value}"
    if status == DAMAGED:
        return f"a damaged cell ({value})"
    shown = f" (={value[:60]}{'…' if len(value) > 60 else ''})" if value else ""
    return (f"a formula without a saved result{shown}: open the workbook in Excel or LibreOffice "
            "and save it, so that the results are stored")


def _cell_problem(status: str, value: str, index: int, column: _Column, sheet: _Sheet) -> None:
    location = f"{sheet.ref}!{column_letter(column.column)}{index}"
    if column.field is not None:
        sheet.errors.append(Problem(sheet.source, "expected a value, found " + _fault(status, value),
                                    location=location, field=column.field))
        sheet.flagged.add((index, column.field))
    else:
        sheet.warnings.append(Problem(sheet.source, "expected a value, found "
                                      + _fault(status, value) + "; left out", location=location,
                                      field=column.header))


def _text(value: Any, date_column: bool, decimal: str, epoch) -> str | None:
    """A cell's value as the text tabular parses (see the module docstring)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if date_column:
            day = _serial_date(value, epoch)
            if day is not None:
                return day.isoformat()
        return _number_text(value, decimal)
    if isinstance(value, dt.datetime):
        if date_column or value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _number_text(value: int | float, decimal: str) -> str:
    if isinstance(value, int):
        text = str(value)
    elif not math.isfinite(value):
        return str(value)
    elif value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    else:
        text = repr(value)
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
    return text.replace(".", decimal) if decimal != "." else text


def _serial_date(value: int | float, epoch) -> dt.date | None:
    if not math.isfinite(value) or not SERIAL_RANGE[0] <= value < SERIAL_RANGE[1] + 1:
        return None
    from openpyxl.utils.datetime import from_excel
    try:
        moment = from_excel(value, epoch)
    except (OverflowError, ValueError):
        return None
    return moment.date() if isinstance(moment, dt.datetime) else None


def _check_merged(merged: list[str], layout: list[_Column], sheet: _Sheet) -> None:
    """A merged header hides the names of all but its first column; merged data cells
    leave all but their first cell empty."""
    from openpyxl.utils.cell import range_boundaries

    columns = {c.column: c for c in layout}
    for reference in merged:
        try:
            min_col, min_row, max_col, max_row = range_boundaries(reference)
        except (ValueError, TypeError):
            continue
        if None in (min_col, min_row, max_col, max_row):
            continue
        if min_row <= sheet.header_row <= max_row and max_col > min_col:
            sheet.errors.append(Problem(
                sheet.source, f"expected one header cell per column, found merged cells "
                f"{reference} in the header row: unmerge them and give each column its own "
                "header", location=f"{sheet.ref}!{column_letter(min_col)}{sheet.header_row}"))
        elif min_row > sheet.header_row and max_row > min_row and any(
                columns[c].used for c in range(min_col, min(max_col, min_col + 1000) + 1)
                if c in columns):
            sheet.warnings.append(Problem(
                sheet.source, f"expected one value per cell, found merged cells {reference}: "
                f"only {column_letter(min_col)}{min_row} holds the value, rows {min_row + 1}–"
                f"{max_row} are read as empty there (unmerge and fill the cells)",
                location=f"{sheet.ref}!{column_letter(min_col)}{min_row}"))


def _locate(problems: list[Problem], sheet: _Sheet, letters: dict[str, str]) -> list[Problem]:
    """tabular's row numbers become Sheet!C12 locations; cells reported already are dropped."""
    located = []
    for problem in problems:
        location = problem.location
        if location.isdigit():
            if (int(location), problem.field) in sheet.flagged:
                continue
            location = f"{sheet.ref}!{letters.get(problem.field, '')}{location}"
        elif not location:
            location = sheet.ref if problem.message.startswith("…") else \
                f"{sheet.ref}!{sheet.header_row}"
        message = re.sub(r"\(first on line (\d+)\)", rf"(first in {sheet.ref}!\1)", problem.message)
        located.append(replace(problem, location=location, message=message))
    return located
