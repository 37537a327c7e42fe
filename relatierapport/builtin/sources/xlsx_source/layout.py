"""The header row as a layout: which column fills which model field.

Headers are the text of ``header_row``, stripped, mapped to fields as the CSV
source maps them (``columns`` first, then a header named like the field, in
any case; ``score_…`` columns for relations). A repeated header and a merged
header cell over several columns are errors; merged data cells a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from relatierapport.builtin.sources.xlsx_source.cells import cell_text
from relatierapport.builtin.sources.xlsx_source.files import reason
from relatierapport.builtin.sources.xlsx_source.problems import SheetReport, fault
from relatierapport.errors import Problem
from relatierapport.sources.owners import ALIAS_HEADERS
from relatierapport.sources.tabular import FIELDS, SCORE_PREFIXES
from relatierapport.sources.xlsx_grid import DAMAGED, OK, RawCell, Workbook, column_letter, numbered


def has_field(table: str, key: str) -> bool:
    """Whether ``key`` (from ``columns``) is a field of the model table."""
    return key in FIELDS[table] or (table == "relations" and key.startswith("scores."))


@dataclass
class Column:
    """One header column: what the table makes of it."""

    header: str
    column: int                      # Excel column number, 1 = A
    field: str | None = None         # model field (or scores.<name>) it fills
    used: bool = False               # read at all (fields; for relations also extra columns)
    date: bool = False               # a date field: numbers in it are serial dates


def _cells(cells: list[RawCell], index: int, sheet: SheetReport):
    """(column number, raw cell) for each cell of a row; a reference that is no cell is an error."""
    for number, cell in numbered(cells):
        if number is None:
            sheet.errors.append(Problem(sheet.source, "expected a cell reference such as B2, "
                                        f'found "{cell[0][:20]}"', location=f"{sheet.ref}!{index}"))
            continue
        yield number, cell


def header(cells, index: int, table: str, columns: dict[str, str], sheet: SheetReport,
           book: Workbook) -> list[Column] | None:
    """The header columns, each marked with the field it fills; None after a header error."""
    layout: list[Column] = []
    for number, cell in _cells(cells, index, sheet):
        where = f"{sheet.ref}!{column_letter(number)}{index}"
        try:
            status, value = book.value(cell)
        except (ValueError, IndexError, OverflowError) as exc:
            status, value = DAMAGED, reason(exc)
        if status != OK:
            sheet.errors.append(Problem(sheet.source, "expected a header name, found "
                                        + fault(status, value), location=where))
            continue
        text = cell_text(value, False, ".", book.epoch)
        if text is not None and text.strip():
            layout.append(Column(text.strip(), number))
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
        c.used = (c.field is not None or table == "relations"
                  or (table == "employees" and (c.header == columns.get("aliases")
                                                or c.header.lower() in ALIAS_HEADERS)))
        c.date = c.field is not None and c.field in fields and fields[c.field].kind == "date"
    return layout


def check_merged(merged: list[str], layout: list[Column], sheet: SheetReport) -> None:
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
