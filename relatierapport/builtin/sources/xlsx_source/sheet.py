"""One sheet read into its model table: rows streamed, text in chunks, then converted.

Rows go into polars frames in chunks of 50,000 text columns, so a large sheet
is never held as Python objects; ``tabular.convert`` then parses the columns
and its row numbers become ``Sheet!C12`` locations.
"""

from __future__ import annotations

from array import array

import polars as pl

from relatierapport.builtin.sources.xlsx_source.cells import cell_text
from relatierapport.builtin.sources.xlsx_source.files import reason
from relatierapport.builtin.sources.xlsx_source.layout import Column, check_merged, has_field, header
from relatierapport.builtin.sources.xlsx_source.problems import (SheetReport, fault, locate, no_header,
                                                                 only_problems, sheet_ref)
from relatierapport.errors import Problem
from relatierapport.model import SourceData
from relatierapport.sources.bounds import OverCap
from relatierapport.sources import owners
from relatierapport.sources.date_patterns import strftime_formats
from relatierapport.sources.tabular import Grid, convert
from relatierapport.sources.xlsx_grid import (DAMAGED, DIGITS, EXCEL_MAX_ROW, OK, Sheet, Workbook,
                                              column_letter, column_number, has_content)

CHUNK_ROWS = 50_000


def read_sheet(book: Workbook, ws: Sheet, table: str, targets, spec) -> SourceData:
    """The sheet ``ws`` read into the model table ``table``, with its problems located."""
    opts = spec.options
    decimal = opts.get("decimal") or "."
    header_row = opts.get("header_row") or 1
    # an employees table's aliases column: read (sources/owners.py), not a field convert knows
    aliases = ({"aliases": spec.columns["aliases"]} if table == "employees" and "aliases" in spec.columns
               else {})
    columns = {key: name for key, name in spec.columns.items() if not (aliases and key == "aliases")}
    if len(targets) > 1:
        columns = {key: name for key, name in spec.columns.items() if has_field(table, key)}
    sheet = SheetReport(spec.display, sheet_ref(ws.title), header_row)
    result = SourceData()

    layout: list[Column] | None = None
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
                                     f"sheet data ({reason(exc)})", location=sheet.ref))
        return result
    with sheet_cells:
        rows = iter(sheet_cells)
        while True:
            try:
                index, cells = next(rows)
            except StopIteration:
                break
            except OverCap as exc:     # the sheet's XML unpacked past max_unpacked_mb
                where = f"{sheet.ref}!{last_row + 1}" if last_row else sheet.ref
                result.errors.append(Problem(spec.display, str(exc), location=where))
                return only_problems(result, sheet)
            except Exception as exc:   # malformed XML, a truncated part, a bad row number
                where = f"{sheet.ref}!{last_row + 1}" if last_row else sheet.ref
                result.errors.append(Problem(spec.display, "expected a readable sheet, found "
                                             f"damaged sheet data ({reason(exc)})", location=where))
                return only_problems(result, sheet)
            last_row = index
            if index > EXCEL_MAX_ROW:
                result.errors.append(Problem(spec.display, f"expected rows up to {EXCEL_MAX_ROW:,} "
                                             f"(the last Excel row), found row {index:,}",
                                             location=sheet.ref))
                return only_problems(result, sheet)
            if layout is None:
                if index == header_row:
                    layout = header(cells, index, table, {**aliases, **columns}, sheet, book)
                    if layout is None:
                        return only_problems(result, sheet)
                    if not layout:
                        layout = None      # an empty header row: look on, for a hint
                        continue
                    by_letters = {column_letter(c.column): position
                                  for position, c in enumerate(layout)}
                    buffers = [[] for _ in layout]
                elif any(has_content(cell) for cell in cells):
                    if index > header_row:
                        result.errors.append(no_header(sheet, spec, index))
                        return only_problems(result, sheet)
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
        result.errors.append(no_header(sheet, spec, last_filled))
        return only_problems(result, sheet)
    flush()
    check_merged(sheet_cells.merged, layout, sheet)
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
    result.errors = sheet.errors + locate(converted.errors, sheet, letters)
    result.warnings = sheet.warnings + locate(converted.warnings, sheet, letters)
    result.tables = converted.tables
    for record in (*converted.relations, *converted.employees, *converted.goals):
        row = record.origin.rpartition(":")[2]
        record.origin = f"{spec.display}:{sheet.ref}!{row}"
    result.relations, result.employees = converted.relations, converted.employees
    result.goals = converted.goals
    if table == "employees":           # the one employee field convert does not read
        result.errors += owners.table_aliases(frame, {**columns, **aliases}, result.employees,
                                              spec.display)
    return result


def _row_values(cells, index: int, layout: list[Column], by_letters: dict[str, int],
                stray: dict[int, int], sheet: SheetReport, decimal: str, book: Workbook) -> list | None:
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
            status, value = DAMAGED, reason(exc)
        if status != OK:
            cell_problem(status, value, index, column, sheet)
            continue
        text = cell_text(value, column.date, decimal, book.epoch)
        if text is not None:
            if values is None:
                values = [None] * len(layout)
            values[position] = text
    return values


def cell_problem(status: str, value: str, index: int, column: Column, sheet: SheetReport) -> None:
    location = f"{sheet.ref}!{column_letter(column.column)}{index}"
    if column.field is not None:
        sheet.errors.append(Problem(sheet.source, "expected a value, found " + fault(status, value),
                                    location=location, field=column.field))
        sheet.flagged.add((index, column.field))
    else:
        sheet.warnings.append(Problem(sheet.source, "expected a value, found "
                                      + fault(status, value) + "; left out", location=location,
                                      field=column.header))
