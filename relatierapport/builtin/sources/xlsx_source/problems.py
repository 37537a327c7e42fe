"""What reading one sheet reports besides its rows, and where: ``Sheet!C12`` locations.

Locations are the physical Excel row, and the column when the field is known,
with the sheet quoted as Excel quotes names with spaces: ``'Mijn klanten'!C12``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from relatierapport.errors import Problem
from relatierapport.model import SourceData
from relatierapport.sources.xlsx_grid import DAMAGED, ERROR


def sheet_ref(title: str) -> str:
    """The sheet as Excel writes it in a reference: Klanten, or 'Mijn klanten'."""
    if re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.]*", title):
        return title
    return "'" + title.replace("'", "''") + "'"


@dataclass
class SheetReport:
    """What reading one sheet collects besides the cells."""

    source: str                      # the file, as written in config.toml
    ref: str                         # the sheet as in an Excel reference
    header_row: int
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    flagged: set[tuple[int, str]] = field(default_factory=set)   # (row, field) already reported


def only_problems(result: SourceData, sheet: SheetReport) -> SourceData:
    result.errors += sheet.errors
    result.warnings += sheet.warnings
    return result


def no_header(sheet: SheetReport, spec, filled_row: int | None) -> Problem:
    """No header names in header_row; ``filled_row`` is a row that has values, for the hint."""
    if filled_row is None:
        return Problem(spec.display, f"expected column headers in row {sheet.header_row}, found "
                       "an empty sheet", location=sheet.ref)
    return Problem(spec.display, f"expected column headers in row {sheet.header_row}, found an "
                   f"empty row (row {filled_row} has values: if that is the header row, set "
                   f"header_row = {filled_row} in [[sources]] #{spec.index})",
                   location=f"{sheet.ref}!{sheet.header_row}")


def fault(status: str, value: str) -> str:
    if status == ERROR:
        return f"the Excel error {value}"
    if status == DAMAGED:
        return f"a damaged cell ({value})"
    shown = f" (={value[:60]}{'…' if len(value) > 60 else ''})" if value else ""
    return (f"a formula without a saved result{shown}: open the workbook in Excel or LibreOffice "
            "and save it, so that the results are stored")


def locate(problems: list[Problem], sheet: SheetReport, letters: dict[str, str]) -> list[Problem]:
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
