"""Step 1 of reading a CRM export: files become sheets of text.

A CRM export is a CSV in any encoding, an .xlsx workbook, or a folder or .zip
of them (Salesforce's weekly Data Export). Each becomes a ``Sheet``: a header
and rows of text, each row with its physical line (or sheet row), so that
every later problem can name its place. A CRM may add readers for its own
file kinds (Odoo's XML data files). Nothing here raises for bad input.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Callable, Iterator

from relatierapport.errors import Problem
from relatierapport.model import SourceData
from relatierapport.sources.bounds import MAX_COLUMNS, Budget, OverCap, outside_name
from relatierapport.sources.cut_off import cut_off, ends_mid_line
from relatierapport.sources.tabular import decode_text, unclosed_quote
from relatierapport.sources.xlsx_grid import ERROR, EXCEL_MAX_ROW, OK, Workbook, numbered

csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))

DELIMITERS = (",", ";", "\t", "|")
_LINE = re.compile(r"[^\r\n]*(?:\r\n?|\n)|[^\r\n]+\Z")   # a line as universal newlines split it
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")


@dataclass
class Sheet:
    """One table of text read from a file: header, rows and where each row is.

    CSV and .xlsx sheets read their rows only when ``records()`` asks for them, one at a time
    (``more``), so a sheet that is passed over is never read past its header and a sheet that
    is read holds only what its rows become."""

    display: str                          # file name for messages ("data/x.zip/Account.csv")
    headers: list[str]
    rows: list[list[str | None]]          # a row ends at its last cell: reading past it is empty
    lines: list[int]                      # physical line (CSV), row (xlsx) or line (XML) per row
    decimal: str = "."
    excel: bool = False                   # dates may be Excel serial numbers
    kind: str = "csv"                     # csv | xlsx | xml
    more: Iterator[tuple[list[str | None], int]] | None = None   # rows still to read, lazily

    def records(self) -> Iterator[tuple[list[str | None], int]]:
        """(cells, line) of each row: the ones held, then the ones still to read."""
        yield from zip(self.rows, self.lines)
        more, self.more = self.more, None
        if more is not None:
            yield from more

    def close(self) -> None:
        """Stop reading (a sheet passed over): its file is closed, nothing more is read."""
        if self.more is not None:
            self.more.close()
            self.more = None


#: Readers for other file kinds a CRM may offer, by suffix: (raw bytes, display, spec) -> sheets.
ExtraReader = Callable[[bytes, str, object, SourceData], list[Sheet]]


def read_sheets(spec, data: SourceData, known: Callable[[str], bool],
                extra: dict[str, ExtraReader] | None = None) -> tuple[int, Iterator[Sheet]]:
    """Every sheet in ``spec.path``: one file, or each file in a folder or .zip.

    Returns how many files will be read and the sheets, read one file at a time when asked
    for, so that only one file's bytes and one sheet are held at once. Bytes unpacked from a
    .zip (and from the workbooks in it) and files opened are counted as they are read, across
    the whole archive, and reading stops with one located error at ``max_unpacked_mb`` or
    ``max_members``; members whose names lead outside the archive are never read.
    """
    extra = extra or {}
    path: Path = spec.path
    budget = Budget.from_options(spec.options)
    if path.is_dir():
        root = path.resolve()
        children = []
        for child in sorted(path.iterdir(), key=lambda p: p.name):
            if child.name.startswith((".", "~$")) or not child.is_file():
                continue
            if not child.resolve().is_relative_to(root):
                data.warnings.append(Problem(f"{spec.display}/{child.name}", "skipped: a link to a "
                                             "file outside the folder (data is only read from the project)"))
                continue
            if child.suffix.lower() in (*TEXT_SUFFIXES, ".xlsx", *extra):
                children.append(child)
        if not children:
            data.errors.append(Problem(spec.display, "expected a folder with CSV or .xlsx exports, "
                                       "found none"))
        if len(children) > budget.max_members:
            data.errors.append(Problem(spec.display, f"expected at most {budget.max_members:,} CSV, "
                                       f".xlsx or XML files (max_members), found {len(children):,}: "
                                       "none is read"))
            return 0, iter(())

        def folder() -> Iterator[Sheet]:
            for child in children:
                display = f"{spec.display.rstrip('/')}/{child.name}"
                yield from _bounded(child.read_bytes(), display, spec, data, known, extra)
        return len(children), folder()
    with path.open("rb") as handle:
        head = handle.read(4)
    if path.suffix.lower() == ".zip" or (head == b"PK\x03\x04" and path.suffix.lower() not in
                                         (".xlsx", *extra)):
        return _zip_sheets(path, spec, data, known, extra, budget)
    return 1, iter(_bounded(path.read_bytes(), spec.display, spec, data, known, extra))


def _zip_sheets(path: Path, spec, data: SourceData, known, extra,
                budget: Budget) -> tuple[int, Iterator[Sheet]]:
    """The sheets of the CSV/xlsx files inside a .zip, each member read (and counted) only when
    its turn comes; a broken archive is one problem."""
    try:
        archive = zipfile.ZipFile(path)
    except Exception as exc:  # zipfile raises many kinds on damaged archives
        data.errors.append(Problem(spec.display, f"expected a readable .zip archive, found a damaged "
                                   f"or unsupported one ({type(exc).__name__}: {exc})"))
        return 0, iter(())
    infos = []
    for info in archive.infolist():
        if info.is_dir() or info.filename.startswith("__MACOSX/"):
            continue
        outside = outside_name(info.filename)
        if outside:
            data.warnings.append(Problem(f"{spec.display}/{info.filename}", f"expected a file inside "
                                         f"the archive, found {outside}: not read"))
            continue
        if PurePosixPath(info.filename.replace("\\", "/")).suffix.lower() in (*TEXT_SUFFIXES, ".xlsx",
                                                                               *extra):
            infos.append(info)
    if not infos:
        archive.close()
        data.errors.append(Problem(spec.display, "expected CSV or .xlsx exports inside the .zip, "
                                   "found none"))
        return 0, iter(())
    if len(infos) > budget.max_members:
        archive.close()
        data.errors.append(Problem(spec.display, f"expected at most {budget.max_members:,} CSV, .xlsx "
                                   f"or XML files in the .zip (max_members), found {len(infos):,}: "
                                   "none is read"))
        return 0, iter(())

    def members() -> Iterator[Sheet]:
        with archive:
            for info in sorted(infos, key=lambda i: i.filename):
                display = f"{spec.display}/{info.filename}"
                try:
                    budget.member()
                    with archive.open(info) as handle:
                        content = budget.read(handle)
                except OverCap as exc:
                    data.errors.append(Problem(display, str(exc)))
                    return
                except Exception as exc:  # a damaged member (bad CRC, unsupported compression)
                    data.errors.append(Problem(display, f"expected a readable file in the .zip, found "
                                               f"a damaged one ({type(exc).__name__}: {exc})"))
                    continue
                try:
                    sheets = _read_member(content, display, spec, data, known, extra, budget)
                    del content            # the sheet keeps only what it still has to read
                    yield from sheets
                except OverCap as exc:     # a workbook in the archive unpacked past the cap
                    data.errors.append(Problem(display, str(exc)))
                    return
                if budget.over:            # ... while its rows were read: said there, stop here
                    return
    return len(infos), members()


def _bounded(raw: bytes, display: str, spec, data: SourceData, known, extra) -> list[Sheet]:
    """A file of its own (not in a .zip): a workbook gets a budget of its own."""
    try:
        return _read_member(raw, display, spec, data, known, extra,
                            Budget.from_options(spec.options, "the workbook"))
    except OverCap as exc:
        data.errors.append(Problem(display, str(exc)))
        return []


def _read_member(raw: bytes, display: str, spec, data: SourceData, known, extra,
                 budget: Budget) -> list[Sheet]:
    suffix = PurePosixPath(display).suffix.lower()
    if suffix in extra:
        return extra[suffix](raw, display, spec, data)
    if suffix == ".xlsx" or raw[:4] == b"PK\x03\x04":
        sheet = _read_xlsx(raw, display, spec, data, budget)
    else:
        sheet = _read_csv(raw, display, spec, data, known)
    return [sheet] if sheet else []


def _header_cells(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


def _detect_delimiter(first_line: str, known: Callable[[str], bool]) -> str | None:
    """The delimiter that splits the header into the most known columns (then the most cells)."""
    scored = []
    for delimiter in DELIMITERS:
        cells = _header_cells(first_line, delimiter)
        scored.append((sum(1 for c in cells if known(c)), len(cells), -DELIMITERS.index(delimiter),
                       delimiter))
    scored.sort(reverse=True)
    best, second = scored[0], scored[1]
    if best[1] == 1:
        return ","                         # one column whatever the delimiter
    if best[:2] == second[:2]:
        return None
    return best[3]


def _read_csv(raw: bytes, display: str, spec, data: SourceData, known) -> Sheet | None:
    opts = spec.options
    text, errors, warnings = decode_text(raw, opts["encoding"], display, spec.index)
    data.warnings.extend(warnings)
    if text is None:
        data.errors.extend(errors)
        return None
    if not text or text.isspace():
        data.errors.append(Problem(display, "expected a header line, found an empty file", "1"))
        return None
    delimiter = opts["delimiter"]
    first_line = 1
    hint = re.match(r"\ufeff?sep=(.)\r?\n", text)          # Excel's "sep=;" line before the header
    if hint:
        text = text[hint.end():]
        first_line = 2
        if delimiter == "auto":
            delimiter = hint.group(1)
    if delimiter == "auto":
        start = len(text[:4096]) - len(text[:4096].lstrip("\r\n"))   # not splitlines(): a copy
        first = _LINE.match(text, start).group().rstrip("\r\n")        # of the whole text
        delimiter = _detect_delimiter(first, known)
        if delimiter is None:
            data.errors.append(Problem(display, f"could not tell the delimiter from the header line "
                                       f"{first[:80]!r}: set delimiter in [[sources]] #{spec.index}", "1"))
            return None
    decimal = opts["decimal"] if opts["decimal"] != "auto" else ("," if delimiter == ";" else ".")
    # a quote that is never closed would swallow the rest of the file into one value: the rows
    # before its record count, and what is left out is said at the quote's line. Every closed
    # quoted value holds an even number of quotes, so only an odd count needs the scan.
    if text.count('"') % 2:
        unclosed = unclosed_quote(text, delimiter, '"', first_line)
        if unclosed is not None:
            problem = Problem(display, f"an opening quote is never closed; the rest of the file "
                              f"({unclosed.lost}) is left out", str(unclosed.line))
            if unclosed.record_line == first_line:      # in the header: nothing can be read
                data.errors.append(problem)
                return None
            data.warnings.append(problem)
            text = text[:unclosed.record_start]
    mid_line = ends_mid_line(text[-256:])
    # lines one at a time from the text (a StringIO would copy it at 4 bytes a character)
    reader = csv.reader((m.group() for m in _LINE.finditer(text)), delimiter=delimiter,
                        quotechar='"')
    del text
    headers: list[str] | None = None
    previous = first_line - 1
    try:
        for record in reader:
            line, previous = previous + 1, reader.line_num + first_line - 1
            if not any(record):
                continue
            if len(record) > (widest := opts.get("max_columns", MAX_COLUMNS)):
                data.errors.append(Problem(display, f"expected at most {widest:,} "
                                           f"columns (max_columns in [[sources]] #{spec.index}), "
                                           f"found {len(record):,}: not read", str(line)))
                return None
            headers = [cell.strip() for cell in record]
            break
    except csv.Error as exc:
        data.errors.append(Problem(display, f"cannot be read as CSV: {exc}", str(previous + 1)))
        return None
    if headers is None:
        data.errors.append(Problem(display, "expected a header line, found an empty file", "1"))
        return None
    width = len(headers)

    def more() -> Iterator[tuple[list[str | None], int]]:
        previous_line = previous
        last: list[str] | None = None
        try:
            for last in reader:
                record = last
                line, previous_line = previous_line + 1, reader.line_num + first_line - 1
                if not any(record):
                    continue
                if len(record) > width:
                    if any(cell.strip() for cell in record[width:]):
                        data.errors.append(Problem(display, f"expected at most {width} fields (as "
                                                   f"in the header), found {len(record)}", str(line)))
                        continue
                    record = record[:width]
                yield record, line        # a short row is not padded: Row reads past its end as empty
        except csv.Error as exc:
            data.errors.append(Problem(display, f"cannot be read as CSV: {exc}; the rows after it "
                                       "are not read", str(previous_line + 1)))
        else:
            if mid_line and last is not None and any(last) and len(last) < width:
                data.warnings.append(cut_off(display, previous_line, len(last), width))
    return Sheet(display, headers, [], [], decimal, more=more())


def _cell_text(value, decimal: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
        return text.replace(".", ",") if decimal == "," else text
    return str(value)


def _read_xlsx(raw: bytes, display: str, spec, data: SourceData, budget: Budget) -> Sheet | None:
    """The first sheet (or the one named by ``sheet``) of a workbook, as text.

    What the workbook unpacks is counted against ``budget`` as it is read (raises OverCap past
    the cap), rows stop at Excel's last row, and only the header's columns are held."""
    wanted = spec.options.get("sheet") or ""
    decimal = spec.options["decimal"] if spec.options["decimal"] != "auto" else "."
    max_columns = spec.options.get("max_columns", MAX_COLUMNS)
    try:
        book = Workbook(io.BytesIO(raw), budget)
    except OverCap:
        raise
    except Exception as exc:  # openpyxl and zipfile raise many kinds on files they cannot read
        data.errors.append(Problem(display, f"expected an Excel workbook (.xlsx), found a file that "
                                   f"cannot be read as one ({type(exc).__name__}: {exc})"))
        return None
    names = [sheet.title for sheet in book.sheets]
    if wanted and wanted not in names:
        data.errors.append(Problem(display, f'expected a sheet "{wanted}" (option sheet), found '
                                   f"sheets: {', '.join(names)}"))
        book.close()
        return None
    if not names:
        data.errors.append(Problem(display, "expected a sheet, found none"))
        book.close()
        return None
    headers: list[str] | None = None
    count = 0

    def problem(exc: Exception) -> Problem:
        return Problem(display, f"expected an Excel workbook (.xlsx), found one that cannot be "
                       f"read ({type(exc).__name__}: {exc})")

    def too_far(number: int) -> Problem | None:
        return None if number <= EXCEL_MAX_ROW and count <= EXCEL_MAX_ROW else Problem(
            display, f"expected rows up to {EXCEL_MAX_ROW:,} (the last Excel row), found row "
            f"{max(number, count):,}: the rows after it are not read")

    try:
        sheet_rows = book.cells(book.sheets[names.index(wanted) if wanted else 0])
        rows = iter(sheet_rows)
        for number, raw_cells in rows:
            count += 1
            if found := too_far(number):
                data.errors.append(found)
                break
            cells = _row_texts(book, raw_cells, decimal, max_columns + 1)
            if not any(c and c.strip() for c in cells):
                continue
            if len(cells) > max_columns:
                data.errors.append(Problem(display, f"expected at most {max_columns:,} columns "
                                           f"(max_columns in [[sources]] #{spec.index}), "
                                           "found more: not read", str(number)))
                break
            headers = [(c or "").strip() for c in cells]
            break
    except OverCap:
        book.close()
        raise
    except Exception as exc:
        data.errors.append(problem(exc))
        book.close()
        return None
    if headers is None:
        book.close()
        if not data.errors or data.errors[-1].source != display:
            data.errors.append(Problem(display, "expected a header row, found an empty sheet", "1"))
        return None
    width = len(headers)

    def more() -> Iterator[tuple[list[str | None], int]]:
        nonlocal count
        try:
            for number, raw_cells in rows:
                count += 1
                if found := too_far(number):
                    data.errors.append(found)
                    return
                cells = _row_texts(book, raw_cells, decimal, width)
                if any(c and c.strip() for c in cells):
                    yield cells, number
        except OverCap as exc:            # the workbook unpacked past max_unpacked_mb
            data.errors.append(Problem(display, str(exc)))
        except Exception as exc:
            data.errors.append(problem(exc))
        finally:
            book.close()
    return Sheet(display, headers, [], [], decimal, excel=True, kind="xlsx", more=more())


def _row_texts(book: Workbook, cells: list, decimal: str, width: int) -> list[str | None]:
    """A row's cells as text by column (A first), up to column ``width``; an Excel error stays
    as its text (#N/A), a formula without a saved result is empty. Raises ValueError for a
    reference that is no cell."""
    texts: list[str | None] = []
    for number, cell in numbered(cells):
        if number is None:
            raise ValueError(f"expected a cell reference such as B2, found {cell[0][:20]!r}")
        if number > width:
            continue
        status, value = book.value(cell)
        if number > len(texts):
            texts.extend([None] * (number - len(texts)))
        texts[number - 1] = _cell_text(value, decimal) if status == OK else \
            value if status == ERROR else None
    return texts
