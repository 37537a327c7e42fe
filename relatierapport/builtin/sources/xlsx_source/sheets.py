"""Which sheet of the workbook fills a model table.

The one in ``sheet``, else the sheet named like the table in English or Dutch
(in any case, accents ignored), else the only visible sheet; otherwise an
error lists the sheets.
"""

from __future__ import annotations

import unicodedata

from relatierapport.errors import Problem
from relatierapport.sources.xlsx_grid import Sheet


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


def _fold(name: str) -> str:
    """Sheet names compare like Excel does (case-insensitively), and without accents."""
    name = unicodedata.normalize("NFKD", name.strip().casefold())
    return "".join(c for c in name if not unicodedata.combining(c))


def choose_sheet(sheets: list[Sheet], table: str, wanted: str | None, spec,
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
