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
located error, never an exception; what the workbook unpacks is counted while
it is read and stops at ``max_unpacked_mb`` (sources/bounds.py).
"""
from __future__ import annotations

from relatierapport import hookimpl
from relatierapport.builtin.sources.xlsx_source.files import reason, refuse_non_xlsx
from relatierapport.builtin.sources.xlsx_source.layout import has_field
from relatierapport.builtin.sources.xlsx_source.sheet import read_sheet
from relatierapport.builtin.sources.xlsx_source.sheets import choose_sheet
from relatierapport.errors import Problem
from relatierapport.hooktypes import SourceReader
from relatierapport.model import TABLES, SourceData
from relatierapport.options import Integer, ListOf, Option, Table, Text
from relatierapport.sources.bounds import UNPACKED_OPTION, Budget, OverCap
from relatierapport.sources.tabular import FIELDS
from relatierapport.sources.xlsx_grid import EXCEL_MAX_ROW, Workbook


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
    UNPACKED_OPTION,
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
        problem = refuse_non_xlsx(handle, spec)
        if problem:
            data.errors.append(problem)
            return data
        try:
            handle.seek(0)
            workbook = Workbook(handle, Budget.from_options(spec.options, "the workbook"))
        except OverCap as exc:
            data.errors.append(Problem(spec.display, str(exc)))
            return data
        except Exception as exc:  # a broken file, whatever openpyxl trips over
            data.errors.append(Problem(spec.display, "expected an .xlsx workbook, found a file "
                                       f"that cannot be read as one ({reason(exc)})"))
            return data
        with workbook:
            for table, wanted in targets:
                sheet = choose_sheet(workbook.sheets, table, wanted, spec, data.errors)
                if sheet is not None:
                    _merge(data, read_sheet(workbook, sheet, table, targets, spec))
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
        unknown = [key for key in spec.columns if not any(has_field(t, key) for t in sheets)]
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


def _merge(data: SourceData, part: SourceData) -> None:
    data.relations += part.relations
    data.employees += part.employees
    data.goals += part.goals
    data.tables.update(part.tables)
    data.errors += part.errors
    data.warnings += part.warnings
