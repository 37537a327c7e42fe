"""The xlsx source on real workbooks: typed cells, formulas, several sheets, bad and corrupt files.

Workbooks are written with openpyxl into tmp folders. openpyxl saves formulas without
their results (it does not calculate), so where a test needs a formula *with* the result
Excel would have saved, it writes that result into the sheet XML the way Excel does.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TEST_DATA, cli
from relatierapport.build import BuildOptions, configure, read_sources
from relatierapport.builtin.sources import xlsx_source
from relatierapport.config import Config, SourceSpec
from relatierapport.errors import Problem
from relatierapport.model import SourceData

D = dt.date


def workbook(path: Path, sheets: dict[str, list[list]], *, epoch=None) -> Path:
    """A real .xlsx with one sheet per entry, rows as given (typed: dates, numbers, text)."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    if epoch is not None:
        book.epoch = epoch
    for title, rows in sheets.items():
        sheet = book.create_sheet(title)
        for row in rows:
            sheet.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
    return path


def project(root: Path, sources: str) -> Path:
    """config.toml with the given [[sources]] tables (paths relative to root)."""
    config = root / "config.toml"
    config.write_text('[project]\nname = "Testbureau"\n\n' + textwrap.dedent(sources), encoding="utf-8")
    return config


def read(config: Path) -> list[SourceData]:
    """What each source read, through the real config loader and plugin manager."""
    return [data for _, data in read_sources(*configure(BuildOptions(config)))]


def text(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in problems]


def patch_sheet(book: Path, sheet_number: int, *replacements: tuple[str, str]) -> None:
    """Edit one sheet's XML inside the workbook, e.g. to store a formula's result as Excel does."""
    member = f"xl/worksheets/sheet{sheet_number}.xml"
    with zipfile.ZipFile(book) as archive:
        parts = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(book, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, content in parts:
            if info.filename == member:
                xml = content.decode("utf-8")
                for pattern, new in replacements:
                    xml, count = re.subn(pattern, new, xml)
                    assert count == 1, (pattern, xml)
                content = xml.encode("utf-8")
            archive.writestr(info, content)


# -- cells as Excel stores them ---------------------------------------------------------------

def test_typed_cells_and_text_cells_are_read_as_excel_stores_them(tmp_path):
    book = workbook(tmp_path / "data" / "crm.xlsx", {
        "Relaties": [
            ["id", "name", "since", "phone", "score_nps", "Omzet", "Notitie"],
            ["K1", "Alfa Bouw", D(2015, 3, 1), "0612345678", 8, 1234.5, dt.datetime(2026, 1, 5, 14, 30)],
            ["K2", "Beta Zorg", "15-06-2020", 612345678, 7.5, "1.234,50", "tekst"],
            [1001, "Gamma", 42064, None, None, 1 / 3, True],
            [],
            ["K4", "Delta", None, None, None, 1e-7],
        ],
        "Opdrachten": [
            ["relation", "date", "amount", "hours"],
            ["K1", dt.datetime(2026, 2, 1), 12500.5, 40.5],
            ["K1", "01-03-2026", "1.234,50", "2,5"],
            ["K2", D(2026, 4, 1), 1e-7, 3],
        ],
    })
    wb = openpyxl.load_workbook(book)     # a formatted but empty cell far away: ignored
    wb["Relaties"].cell(row=40, column=20).number_format = "0.00"
    wb.save(book)
    config = project(tmp_path, """
        [[sources]]
        type = "xlsx"
        path = "data/crm.xlsx"
        table = "relations"

        [[sources]]
        type = "xlsx"
        path = "data/crm.xlsx"
        table = "business"
        sheet = "Opdrachten"
        decimal = ","
        """)
    relations, business = read(config)
    assert relations.errors == [] and relations.warnings == []
    by_id = {r.id: r for r in relations.relations}
    assert list(by_id) == ["K1", "K2", "1001", "K4"]          # the empty row 5 is no record
    k1, k2, gamma = by_id["K1"], by_id["K2"], by_id["1001"]
    assert (k1.since, k2.since) == (D(2015, 3, 1), D(2020, 6, 15))
    # 42064 in a date column formatted as a number: days since 1899-12-30, i.e. 1 March 2015
    assert gamma.since == D(2015, 3, 1)
    assert (k1.phone, k2.phone) == ("0612345678", "612345678")   # Excel dropped that 0, not us
    assert (k1.scores, k2.scores, gamma.scores) == ({"nps": 8.0}, {"nps": 7.5}, {})
    assert k1.extra == {"Omzet": "1234.5", "Notitie": "2026-01-05 14:30:00"}
    assert k2.extra == {"Omzet": "1.234,50", "Notitie": "tekst"}   # text stays as typed
    assert gamma.extra == {"Omzet": "0.3333333333333333", "Notitie": "TRUE"}   # as stored
    assert by_id["K4"].extra == {"Omzet": "0.0000001"}      # stored as 1e-07: written out in full
    assert [r.origin for r in relations.relations] == [
        "data/crm.xlsx:Relaties!2", "data/crm.xlsx:Relaties!3", "data/crm.xlsx:Relaties!4",
        "data/crm.xlsx:Relaties!6"]

    assert business.errors == []
    frame = business.tables["business"]
    assert frame["date"].to_list() == [D(2026, 2, 1), D(2026, 3, 1), D(2026, 4, 1)]
    assert frame["amount"].to_list() == [12500.5, 1234.5, 1e-7]    # number cells exact, text Dutch
    assert frame["hours"].to_list() == [40.5, 2.5, 3.0]


def test_text_numbers_follow_decimal_and_bad_ones_are_located(tmp_path):
    workbook(tmp_path / "data" / "crm.xlsx", {"Opdrachten": [
        ["relation", "date", "amount", "hours"],
        ["K1", D(2026, 2, 1), 12500.5, 40.5],
        ["K1", "01-03-2026", "1.234,50", "2,5"],
    ]})
    config = project(tmp_path, """
        [[sources]]
        type = "xlsx"
        path = "data/crm.xlsx"
        table = "business"
        """)
    (business,) = read(config)
    assert text(business.errors) == [
        'data/crm.xlsx:Opdrachten!C3: amount: expected a number with decimal point, found "1.234,50"',
        'data/crm.xlsx:Opdrachten!D3: hours: expected a number with decimal point, found "2,5"']


def test_numbers_in_date_columns(tmp_path):
    serial = (D(2026, 8, 31) - D(1899, 12, 30)).days          # Excel's day count: 46265
    workbook(tmp_path / "data" / "a.xlsx", {"Contactmomenten": [
        ["relation", "date"],
        ["K1", serial],
        ["K1", 20260915],          # yyyymmdd typed as a number
        ["K1", 2026],              # a bare year is not serial day 2026 (1905-07-18)
        ["K1", "15-10-2026"],
    ]})
    mac = (D(2026, 8, 31) - D(1904, 1, 1)).days
    workbook(tmp_path / "data" / "mac.xlsx", {"Contactmomenten": [
        ["relation", "date"], ["K1", D(2026, 9, 1)], ["K1", mac]]},
        epoch=openpyxl.utils.datetime.CALENDAR_MAC_1904)
    config = project(tmp_path, """
        [[sources]]
        type = "xlsx"
        path = "data/a.xlsx"
        table = "touchpoints"
        date_format = ["yyyymmdd", "dd-mm-yyyy"]

        [[sources]]
        type = "xlsx"
        path = "data/mac.xlsx"
        table = "touchpoints"
        """)
    windows, macintosh = read(config)
    assert text(windows.errors) == ['data/a.xlsx:Contactmomenten!B4: date: expected a date as '
                                    'yyyy-mm-dd or yyyymmdd or dd-mm-yyyy, found "2026"']
    assert windows.tables["touchpoints"]["date"].to_list() == [D(2026, 8, 31), D(2026, 9, 15),
                                                              D(2026, 10, 15)]
    assert macintosh.errors == []
    assert macintosh.tables["touchpoints"]["date"].to_list() == [D(2026, 9, 1), D(2026, 8, 31)]


def excel_xml(book: Path, rows: str, shared: list[str]) -> None:
    """Replace the first sheet's rows by XML as Excel writes it, with a shared string table."""
    with zipfile.ZipFile(book) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    parts["xl/worksheets/sheet1.xml"] = re.sub(r"<sheetData>.*</sheetData>",
                                               f"<sheetData>{rows}</sheetData>", sheet).encode()
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/sharedStrings.xml"] = (f'<sst xmlns="{main}" count="{len(shared)}">'
                                     + "".join(f"<si><t>{s}</t></si>" for s in shared)
                                     + "</sst>").encode()
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>'
        .encode())
    relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdStrings" Type="{relation}" '
        'Target="sharedStrings.xml"/></Relationships>'.encode())
    book.write_bytes(zipped(parts))


def test_cells_as_excel_writes_them(tmp_path):
    """Shared strings, rich text with a phonetic guide, booleans, ISO date cells, date styles."""
    book = workbook(tmp_path / "data" / "crm.xlsx", {"Relaties": [["x"], [D(2015, 3, 1)]]})
    # openpyxl wrote the date with style 1 (a date format); Excel's XML below uses it too
    excel_xml(book, (
        '<row r="1" spans="1:5"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c>'
        '<c r="C1" t="s"><v>2</v></c><c r="D1" t="s"><v>3</v></c><c r="E1" t="s"><v>4</v></c></row>'
        '<row r="2" spans="1:5"><c r="A2" t="s"><v>5</v></c>'
        '<c r="B2" t="inlineStr"><is><r><t xml:space="preserve">Alfa </t></r><r><rPr><b/></rPr>'
        '<t>Bouw</t></r><rPh sb="0" eb="4"><t>arufa</t></rPh></is></c>'
        '<c r="C2" s="1"><v>42064</v></c><c r="D2" t="b"><v>1</v></c>'
        '<c r="E2" t="d"><v>2026-01-05T00:00:00</v></c></row>'
        '<row r="4"><c r="A4" t="s"><v>6</v></c><c r="B4" t="str"><f>"Be"&amp;"ta"</f><v>Beta</v></c>'
        '<c r="C4" t="d"><v>2020-06-15</v></c><c r="D4" t="b"><v>0</v></c><c r="E4" s="1"/></row>'),
        ["id", "name", "since", "Actief", "Gezien", "K1", "K2"])
    config = project(tmp_path, """
        [[sources]]
        type = "xlsx"
        path = "data/crm.xlsx"
        table = "relations"
        """)
    (data,) = read(config)
    assert data.errors == [] and data.warnings == []
    k1, k2 = data.relations
    assert (k1.id, k1.name, k1.since, k1.extra) == ("K1", "Alfa Bouw", D(2015, 3, 1),
                                                    {"Actief": "TRUE", "Gezien": "2026-01-05"})
    assert (k2.id, k2.name, k2.since, k2.extra) == ("K2", "Beta", D(2020, 6, 15), {"Actief": "FALSE"})
    assert k2.origin == "data/crm.xlsx:Relaties!4"


# -- formulas ---------------------------------------------------------------------------------

def test_formulas_give_their_saved_result_and_never_a_silent_empty(tmp_path):
    book = workbook(tmp_path / "data" / "crm.xlsx", {"Relaties": [
        ["id", "name", "since", "city"],
        ["K1", "Alfa", D(2015, 3, 1), '="Utr"&"echt"'],
        ["K2", '=A3&" BV"', D(2016, 1, 1), "Zwolle"],
        ["K3", "Gamma", "=1/0", "Delft"],
        ["K4", "Delta", D(2017, 1, 1), '=IF(TRUE,"","x")'],
    ]})
    # What Excel saves: D2 with its text result, C4 with its error, D5 with an empty text.
    # B3 stays as openpyxl wrote it: a formula with no result (never calculated).
    patch_sheet(book, 1,
                (r'<c r="D2"><f>(.*?)</f><v\s*/>', r'<c r="D2" t="str"><f>\1</f><v>Utrecht</v>'),
                (r'<c r="C4"><f>(.*?)</f><v\s*/>', r'<c r="C4" t="e"><f>\1</f><v>#DIV/0!</v>'),
                (r'<c r="D5"><f>(.*?)</f><v\s*/>', r'<c r="D5" t="str"><f>\1</f><v></v>'))
    config = project(tmp_path, """
        [[sources]]
        type = "xlsx"
        path = "data/crm.xlsx"
        table = "relations"
        """)
    (data,) = read(config)
    assert text(data.errors) == [
        'data/crm.xlsx:Relaties!B3: name: expected a value, found a formula without a saved result '
        '(=A3&" BV"): open the workbook in Excel or LibreOffice and save it, so that the results '
        'are stored',
        "data/crm.xlsx:Relaties!C4: since: expected a value, found the Excel error #DIV/0!"]
    by_id = {r.id: r for r in data.relations}
    assert by_id["K1"].city == "Utrecht"
    assert by_id["K4"].city is None                     # an empty result is simply empty
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert "data/crm.xlsx:Relaties!B3: name: expected a value, found a formula" in result.output


def test_an_uncalculated_formula_in_an_extra_column_is_a_warning(tmp_path):
    workbook(tmp_path / "data" / "crm.xlsx", {"Blad1": [
        ["id", "name", "Totaal"], ["K1", "Alfa", "=SUM(1,2)"]]})
    config = project(tmp_path, """
        [[sources]]
        type = "xlsx"
        path = "data/crm.xlsx"
        table = "relations"
        """)
    (data,) = read(config)
    assert data.errors == [] and data.relations[0].extra == {}
    assert text(data.warnings) == [
        "data/crm.xlsx:Blad1!C2: Totaal: expected a value, found a formula without a saved result "
        "(=SUM(1,2)): open the workbook in Excel or LibreOffice and save it, so that the results "
        "are stored; left out"]


# -- which sheet ------------------------------------------------------------------------------

CRM = {
    "Klanten": [["Nr", "Naam", "category"], ["K1", "Alfa Bouw", "A"], ["K2", "Beta Zorg", "B"]],
    "Contacten": [["Klant", "date"], ["K1", D(2026, 9, 15)], ["K2", "31-08-2026"]],
    "Medewerkers": [["Nr", "Naam", "team"], ["M1", "Mila Jansen", "Techniek"]],
}


def test_one_workbook_fills_several_tables_with_sheets(tmp_path):
    workbook(tmp_path / "data" / "crm.xlsx", CRM)
    config = project(tmp_path, """
        [[sources]]
        type = "xlsx"
        path = "data/crm.xlsx"
        sheets = { relations = "Klanten", touchpoints = "contacten", employees = "Medewerkers" }
        columns = { id = "Nr", name = "Naam", relation = "Klant" }
        """)
    (data,) = read(config)
    assert data.errors == []
    assert data.counts() == {"relations": 2, "employees": 1, "touchpoints": 2}
    assert [(r.id, r.name, r.category) for r in data.relations] == [("K1", "Alfa Bouw", "A"),
                                                                   ("K2", "Beta Zorg", "B")]
    assert (data.employees[0].id, data.employees[0].team) == ("M1", "Techniek")
    assert data.employees[0].origin == "data/crm.xlsx:Medewerkers!2"
    assert data.tables["touchpoints"]["date"].to_list() == [D(2026, 9, 15), D(2026, 8, 31)]


def test_a_sheet_named_in_config_and_a_missing_one(tmp_path):
    workbook(tmp_path / "data" / "crm.xlsx", CRM)
    config = project(tmp_path, """
        [[sources]]
        type = "xlsx"
        path = "data/crm.xlsx"
        table = "touchpoints"
        sheet = "Contacten"
        columns = { relation = "Klant" }

        [[sources]]
        type = "xlsx"
        path = "data/crm.xlsx"
        table = "touchpoints"
        sheet = "Contact"
        """)
    found, missing = read(config)
    assert found.errors == [] and found.tables["touchpoints"].height == 2
    assert text(missing.errors) == ['data/crm.xlsx: expected a sheet named "Contact" (for '
                                    'touchpoints), found sheets: "Klanten", "Contacten", "Medewerkers"']


def test_sheets_option_mistakes_are_named(tmp_path):
    workbook(tmp_path / "data" / "crm.xlsx", CRM)
    config = project(tmp_path, """
        [[sources]]
        type = "xlsx"
        path = "data/crm.xlsx"
        sheets = { relations = "Klanten" }
        columns = { id = "Nr", name = "Naam", amount = "Bedrag" }

        [[sources]]
        type = "xlsx"
        path = "data/crm.xlsx"
        sheets = { klanten = "Klanten" }
        """)
    result = cli("check", "--config", config)
    assert result.exit_code == 2            # an unknown table in sheets: config.toml is wrong
    assert ("config.toml:14: [[sources]] #2 sheets.klanten: expected a key from relations, employees, "
            "goals, touchpoints, business, surveys, events") in result.output
    config.write_text(config.read_text(encoding="utf-8").replace("klanten =", "goals ="),
                      encoding="utf-8")
    first, second = read(config)
    assert text(first.errors) == ["config.toml: [[sources]] #1 columns.amount: expected a field "
                                  "of relations, found 'amount'"]
    assert first.relations == []
    assert text(second.errors) == [           # the sheet Klanten read as goals: no id column
        'data/crm.xlsx:Klanten!1: id: expected a column for this field: a header "id" or '
        'columns = { id = "<your header>" }; found headers: Nr, Naam, category']
    config.write_text(config.read_text(encoding="utf-8").replace(
        'sheets = { goals = "Klanten" }', 'sheets = { goals = "Klanten" }\nsheet = "Klanten"\n'
        'table = "relations"'), encoding="utf-8")
    first, second = read(config)
    assert text(second.errors) == ["config.toml: [[sources]] #2 sheet: expected either sheet (with "
                                   "table) or sheets, found both"]


def test_dutch_sheet_names_pick_the_sheet_for_each_table(tmp_path):
    workbook(tmp_path / "data" / "crm.xlsx", {
        "Toelichting": [["Export van 1 november"]],
        "Relaties": [["id", "name"], ["K1", "Alfa"]],
        "Contactmomenten": [["relation", "date"], ["K1", D(2026, 9, 15)]],
        "Enquêtes": [["subject", "kind", "date", "score"], ["K1", "klant", D(2026, 6, 1), 8]],
        "Medewerkers": [["id", "name"], ["M1", "Mila"]],
    })
    workbook(tmp_path / "data" / "blad.xlsx", {"Blad1": [["id", "name"], ["K9", "Zeta"]]})
    sources = "".join(f'\n[[sources]]\ntype = "xlsx"\npath = "data/crm.xlsx"\ntable = "{table}"\n'
                      for table in ("relations", "touchpoints", "surveys", "employees", "goals"))
    config = project(tmp_path, sources + '\n[[sources]]\ntype = "xlsx"\npath = "data/blad.xlsx"\n'
                     'table = "relations"\n')
    relations, touchpoints, surveys, employees, goals, single = read(config)
    assert [r.origin for r in relations.relations] == ["data/crm.xlsx:Relaties!2"]
    assert touchpoints.tables["touchpoints"]["date"].to_list() == [D(2026, 9, 15)]
    assert surveys.tables["surveys"].row(0) == ("K1", "customer", D(2026, 6, 1), 8.0, 10.0)
    assert employees.employees[0].origin == "data/crm.xlsx:Medewerkers!2"
    assert text(goals.errors) == [
        'data/crm.xlsx: expected a sheet for goals named "goals" or "doelen", or sheet = "<name>" '
        'in [[sources]] #5; found sheets: "Toelichting", "Relaties", "Contactmomenten", '
        '"Enquêtes", "Medewerkers"']
    assert single.relations[0].origin == "data/blad.xlsx:Blad1!2"   # the only sheet


# -- bad cells, headers -----------------------------------------------------------------------

def test_bad_cells_are_all_listed_with_sheet_and_row(tmp_path):
    workbook(tmp_path / "data" / "crm.xlsx", {"Mijn klanten": [
        ["Export uit het CRM"],
        [D(2026, 11, 1)],
        ["Klantnr", "name", "since", "city", "category"],
        ["K1", "Alfa", D(2015, 3, 1), "Utrecht", "Z"],
        [],
        ["K2", "Beta", "31-02-2026", "Zwolle", "B"],
        [None, "Gamma", None, "Delft", "C"],
        ["K1", "Alfa again", None, None, "A"],
        ["K5", "Epsilon", D(2019, 1, 1), None, "a"],
    ]})
    config = project(tmp_path, """
        [[sources]]
        type = "xlsx"
        path = "data/crm.xlsx"
        table = "relations"
        header_row = 3
        columns = { id = "Klantnr" }
        """)
    (data,) = read(config)
    assert text(data.errors) == [
        "data/crm.xlsx:'Mijn klanten'!E4: category: expected A or B or C, found \"Z\"",
        "data/crm.xlsx:'Mijn klanten'!C6: since: expected a date as yyyy-mm-dd or dd-mm-yyyy, "
        'found "31-02-2026"',
        "data/crm.xlsx:'Mijn klanten'!A7: id: expected a value, found nothing"]
    # the rows with errors are left out, so the second K1 (row 8) is read for now
    assert [r.origin for r in data.relations] == ["data/crm.xlsx:'Mijn klanten'!8",
                                                  "data/crm.xlsx:'Mijn klanten'!9"]
    assert [(r.id, r.category) for r in data.relations] == [("K1", "A"), ("K5", "A")]
    book = tmp_path / "data" / "crm.xlsx"
    wb = openpyxl.load_workbook(book)
    sheet = wb["Mijn klanten"]
    sheet["E4"], sheet["C6"], sheet["A7"] = "A", "28-02-2026", "K3"
    wb.save(book)
    (data,) = read(config)
    assert text(data.errors) == ["data/crm.xlsx:'Mijn klanten'!A8: id: expected a unique id, "
                                 "found 'K1' again (first in 'Mijn klanten'!4)"]
    result = cli("check", "--config", config)
    assert result.exit_code == 1 and "'Mijn klanten'!A8: id: expected a unique id" in result.output


def test_header_problems_are_reported_clearly(tmp_path):
    book = workbook(tmp_path / "data" / "x.xlsx", {
        "Merged": [["id", "Naam", None], ["K1", "Alfa", "BV"]],
        "Twice": [["id", "name", "name"], ["K1", "Alfa", "Beta"]],
        "Stray": [["id", "name", None, None], ["K1", "Alfa"], ["K2", "Beta", None, "los"]],
        "Low": [[], [], ["id", "name"], ["K1", "Alfa"]],
        "Empty": [],
        "Mapped": [["id", "name"], ["K1", "Alfa"]],
        "MergedData": [["id", "name", "owner"], ["K1", "Alfa", "M1"], ["K2", "Beta"], ["K3", "Gamma"]],
    })
    wb = openpyxl.load_workbook(book)
    wb["Merged"].merge_cells("B1:C1")
    wb["MergedData"].merge_cells("C2:C4")
    wb.save(book)
    sources = "".join(f'\n[[sources]]\ntype = "xlsx"\npath = "data/x.xlsx"\ntable = "relations"\n'
                      f'sheet = "{sheet}"\n' for sheet in ("Merged", "Twice", "Stray", "Low", "Empty"))
    sources += ('\n[[sources]]\ntype = "xlsx"\npath = "data/x.xlsx"\ntable = "relations"\n'
                'sheet = "Mapped"\ncolumns = { name = "Naam" }\n')
    sources += ('\n[[sources]]\ntype = "xlsx"\npath = "data/x.xlsx"\ntable = "touchpoints"\n'
                'sheet = "MergedData"\n'
                'columns = { relation = "id", date = "name", employee = "owner" }\n')
    merged, twice, stray, low, empty, mapped, merged_data = read(project(tmp_path, sources))
    assert text(merged.errors) == [
        "data/x.xlsx:Merged!B1: expected one header cell per column, found merged cells B1:C1 in "
        "the header row: unmerge them and give each column its own header",
        'data/x.xlsx:Merged!1: name: expected a column for this field: a header "name" or '
        'columns = { name = "<your header>" }; found headers: id, Naam; the header "Naam" looks '
        'like it: rename it "name" or set columns = { name = "Naam" }']
    assert text(twice.errors) == ['data/x.xlsx:Twice!C1: expected unique headers, found "name" '
                                  "again (first in column B)"]
    assert stray.errors == [] and [r.id for r in stray.relations] == ["K1", "K2"]
    assert text(stray.warnings) == [
        "data/x.xlsx:Stray!D1: expected a header above the values in column D (the first in row 3), "
        "found an empty header cell: that column is not read"]
    assert text(low.errors) == [
        "data/x.xlsx:Low!1: expected column headers in row 1, found an empty row (row 3 has "
        "values: if that is the header row, set header_row = 3 in [[sources]] #4)"]
    assert text(empty.errors) == ["data/x.xlsx:Empty: expected column headers in row 1, found an "
                                  "empty sheet"]
    assert text(mapped.errors) == [
        'data/x.xlsx:Mapped!1: name: expected a header "Naam" (from columns), found headers: id, '
        'name; did you mean "name"?']
    assert any(w.location == "MergedData!C2" and "merged cells C2:C4" in w.message
               and "rows 3–4 are read as empty" in w.message for w in merged_data.warnings)


# -- files that are not (readable) workbooks ----------------------------------------------------

def real_xlsx(path: Path) -> bytes:
    workbook(path, CRM)
    return path.read_bytes()


def zipped(members: dict[str, bytes]) -> bytes:
    import io
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def damaged_sheet(path: Path) -> bytes:
    good = real_xlsx(path)
    import io
    with zipfile.ZipFile(io.BytesIO(good)) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    members["xl/worksheets/sheet2.xml"] = members["xl/worksheets/sheet2.xml"][:300]
    return zipped(members)


def without_workbook_part(path: Path) -> bytes:
    import io
    with zipfile.ZipFile(io.BytesIO(real_xlsx(path))) as archive:
        members = {name: archive.read(name) for name in archive.namelist() if name != "xl/workbook.xml"}
    return zipped(members)


CORRUPT = {
    "renamed csv": (lambda p: b"id;name\nK1;Alfa\n",
                    'expected an .xlsx workbook, found plain text (a CSV file?): read it with '
                    'type = "csv", or save it as .xlsx', ""),
    "empty": (lambda p: b"", "expected an .xlsx workbook, found an empty file", ""),
    "truncated": (lambda p: real_xlsx(p)[:2000],
                  "expected an .xlsx workbook, found a damaged or truncated zip file (BadZipFile", ""),
    "binary": (lambda p: bytes(range(256)) * 4,
               "expected an .xlsx workbook, found 1024 bytes that are not an .xlsx (zip) file", ""),
    "html": (lambda p: b"<html><body><table><tr><td>K1</td></tr></table></body></html>",
             "expected an .xlsx workbook, found XML or HTML text", ""),
    "other zip": (lambda p: zipped({"word/document.xml": b"<w/>"}),
                  "expected an .xlsx workbook, found a zip archive that is not an Excel workbook", ""),
    "ods": (lambda p: zipped({"mimetype": b"application/vnd.oasis.opendocument.spreadsheet",
                              "content.xml": b"<x/>"}),
            "expected an .xlsx workbook, found an OpenDocument file (.ods): save it as .xlsx", ""),
    "zip bomb": (lambda p: zipped({"[Content_Types].xml": b"<x/>",
                                   "xl/worksheets/sheet1.xml": b" " * (25 << 20)}),
                 "expected an .xlsx workbook, found a part (xl/worksheets/sheet1.xml) that would "
                 "unpack to 26,214,400 bytes from", ""),
    "no workbook part": (without_workbook_part,
                         "expected an .xlsx workbook, found a file that cannot be read as one "
                         "(KeyError", ""),
    "damaged sheet xml": (damaged_sheet,
                          "expected a readable sheet, found damaged sheet data (ParseError",
                          "Contacten"),
}


@pytest.mark.parametrize("case", list(CORRUPT))
def test_a_corrupt_or_foreign_file_is_one_located_error(tmp_path, case):
    make, message, location = CORRUPT[case]
    path = tmp_path / "data" / "crm.xlsx"
    path.parent.mkdir(parents=True, exist_ok=True)
    content = make(tmp_path / "scratch.xlsx")
    path.write_bytes(content)
    config = project(tmp_path, """
        [[sources]]
        type = "xlsx"
        path = "data/crm.xlsx"
        table = "touchpoints"
        sheet = "Contacten"
        columns = { relation = "Klant" }
        """)
    (data,) = read(config)
    assert len(data.errors) == 1, data.errors
    problem = data.errors[0]
    assert problem.source == "data/crm.xlsx" and problem.message.startswith(message), problem
    assert problem.location.startswith(location)
    assert data.counts() == {}


def test_an_old_xls_is_refused_with_a_way_out(tmp_path):
    path = tmp_path / "data" / "relaties.xls"
    path.parent.mkdir()
    # the Compound File (OLE2) signature every Excel 97-2003 file starts with, then its header
    path.write_bytes(bytes.fromhex("d0cf11e0a1b11ae1") + bytes(16) + bytes.fromhex("3e000300feff0900")
                     + bytes(488))
    config = project(tmp_path, """
        [[sources]]
        type = "xlsx"
        path = "data/relaties.xls"
        table = "relations"
        """)
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert ("data/relaties.xls: expected an .xlsx workbook, found an old Excel 97-2003 .xls file: "
            "open it in Excel or LibreOffice and save it as .xlsx (Excel Workbook)") in result.output
    renamed = tmp_path / "data" / "relaties.xlsx"          # same bytes, named .xlsx: maybe encrypted
    renamed.write_bytes(path.read_bytes())
    config.write_text(config.read_text(encoding="utf-8").replace(".xls\"", ".xlsx\""), encoding="utf-8")
    (data,) = read(config)
    assert "or a password-protected workbook" in data.errors[0].message


# -- never a crash -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def good_books(tmp_path_factory) -> list[bytes]:
    """Two small valid workbooks: as openpyxl writes them, and with Excel's shared strings."""
    folder = tmp_path_factory.mktemp("good")
    book = workbook(folder / "crm.xlsx", {"Relaties": [
        ["id", "name", "since", "score_nps", "Omzet"],
        ["K1", "Alfa", D(2015, 3, 1), 8, 1234.5],
        ["K2", "Beta", "15-06-2020", 7.5, "1.234,50"],
        ["K3", "=A4&\"x\"", 42064, None, "=1/0"]]})
    excel = workbook(folder / "excel.xlsx", {"Relaties": [["x"], [D(2015, 3, 1)]]})
    excel_xml(excel, (
        '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="s">'
        '<v>2</v></c></row><row r="2"><c r="A2" t="s"><v>3</v></c><c r="B2" t="inlineStr"><is><r>'
        '<t>Alfa</t></r><rPh><t>a</t></rPh></is></c><c r="C2" s="1"><v>42064</v></c></row>'
        '<row r="3"><c r="A3" t="s"><v>4</v></c><c r="B3" t="str"><f>1</f><v>Beta</v></c>'
        '<c r="C3" t="e"><v>#N/A</v></c></row></sheetData><mergeCells count="1"><mergeCell '
        'ref="B2:B3"/></mergeCells><sheetData>'), ["id", "name", "since", "K1", "K2"])
    return [book.read_bytes(), excel.read_bytes()]


def _read_bytes(folder: Path, content: bytes) -> SourceData:
    path = folder / "fuzz.xlsx"
    path.write_bytes(content)
    spec = SourceSpec(index=1, type="xlsx", path=path, display="data/fuzz.xlsx", table="relations",
                      columns={}, options={o.name: o.default for o in xlsx_source.OPTIONS})
    data = xlsx_source.read(spec, Config(path=folder / "config.toml", root=folder, raw={}))
    assert isinstance(data, SourceData)
    for problem in data.errors + data.warnings:
        assert isinstance(problem, Problem) and problem.message
        assert problem.source in ("data/fuzz.xlsx", "config.toml")
    for relation in data.relations:
        assert relation.id and relation.name and relation.origin.startswith("data/fuzz.xlsx:")
    return data


FUZZ = settings(max_examples=60, deadline=dt.timedelta(seconds=5),
                suppress_health_check=[HealthCheck.function_scoped_fixture])


@FUZZ
@given(content=st.binary(max_size=3000))
def test_random_bytes_never_crash(tmp_path, content):
    data = _read_bytes(tmp_path, content)
    assert data.errors                       # random bytes are never a workbook


@FUZZ
@given(which=st.sampled_from([0, 1]),
       edits=st.lists(st.tuples(st.integers(min_value=0), st.integers(0, 255)), min_size=1,
                      max_size=8),
       cut=st.one_of(st.none(), st.integers(min_value=0)))
def test_mutated_workbooks_never_crash(tmp_path, good_books, which, edits, cut):
    content = bytearray(good_books[which])
    for position, byte in edits:
        content[position % len(content)] = byte
    if cut is not None:
        content = content[:cut % len(content)]
    _read_bytes(tmp_path, bytes(content))


@FUZZ
@given(which=st.sampled_from([0, 1]),
       member=st.sampled_from(["xl/worksheets/sheet1.xml", "xl/worksheets/sheet1.xml",
                               "xl/sharedStrings.xml", "xl/workbook.xml", "xl/styles.xml",
                               "[Content_Types].xml", "xl/_rels/workbook.xml.rels"]),
       edits=st.lists(st.tuples(st.integers(min_value=0), st.sampled_from(
           b'<>/="0123456789AZaz ,.-tsnefdv#\x00\xff')), min_size=1, max_size=6))
def test_workbooks_with_mutated_xml_never_crash(tmp_path, good_books, which, member, edits):
    """Damage inside the zip's parts (with valid checksums), so the XML parsers see it."""
    import io
    with zipfile.ZipFile(io.BytesIO(good_books[which])) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    xml = bytearray(members.get(member, b"<x/>"))
    for position, byte in edits:
        xml[position % len(xml)] = byte
    members[member] = bytes(xml)
    _read_bytes(tmp_path, zipped(members))


def test_the_fuzzed_workbooks_read_when_intact(tmp_path, good_books):
    """The starting points of the fuzz tests are good workbooks, so mutations start from sense."""
    book, excel = (_read_bytes(tmp_path, content) for content in good_books)
    assert [(r.id, r.name, r.since) for r in book.relations] == [
        ("K1", "Alfa", D(2015, 3, 1)), ("K2", "Beta", D(2020, 6, 15))]
    assert [p.location for p in book.errors] == ["Relaties!B4"]       # the uncalculated formula
    assert [(r.id, r.name, r.since) for r in excel.relations] == [("K1", "Alfa", D(2015, 3, 1)),
                                                                  ("K2", "Beta", None)]
    assert [p.location for p in excel.errors] == ["Relaties!C3"]      # the #N/A
    assert [p.location for p in excel.warnings] == ["Relaties!B2"]    # merged B2:B3


# -- real data ---------------------------------------------------------------------------------

def test_real_cdnow_purchases_through_a_workbook(tmp_path):
    """The 6,919 CDNOW purchases (2,357 customers) from tests/data, put into a workbook as Excel
    users would have them: dates half as date cells, half as yyyymmdd text, amounts as numbers."""
    source = TEST_DATA / "lifetimes-cdnow" / "CDNOW_sample.txt"
    lines = [line.split() for line in source.read_text(encoding="ascii").splitlines() if line.strip()]
    rows = [["Klant", "Datum", "Bedrag", "Aantal"]]
    for number, (customer, _, day, cds, dollars) in enumerate(lines):
        date = dt.datetime.strptime(day, "%Y%m%d") if number % 2 else day
        rows.append([customer, date, float(dollars), int(cds)])
    workbook(tmp_path / "data" / "cdnow.xlsx", {"Aankopen": rows})
    config = project(tmp_path, """
        [[sources]]
        type = "xlsx"
        path = "data/cdnow.xlsx"
        table = "business"
        date_format = ["yyyymmdd"]
        columns = { relation = "Klant", date = "Datum", amount = "Bedrag" }
        """)
    (data,) = read(config)
    assert data.errors == [] and data.warnings == []
    frame = data.tables["business"]
    assert frame.height == 6919 and frame["relation"].n_unique() == 2357
    assert frame.row(0) == ("00004", D(1997, 1, 1), 29.33, None, None, None)
    assert frame.row(1)[1] == D(1997, 1, 18)               # a date cell
    assert frame["date"].min() == D(1997, 1, 1) and frame["date"].max() <= D(1998, 6, 30)
    assert round(frame["amount"].sum(), 2) == round(sum(float(line[4]) for line in lines), 2)


# -- the whole build ---------------------------------------------------------------------------

def test_build_reads_relations_and_touchpoints_from_two_sheets_of_one_workbook(tmp_path):
    serial = (D(2026, 8, 31) - D(1899, 12, 30)).days
    workbook(tmp_path / "data" / "crm.xlsx", {
        "Klanten": [["Klantnr", "Naam", "Categorie", "Sinds"],
                    ["K1", "Alfa Bouw", "A", D(2015, 3, 1)],
                    ["K2", "Beta Zorg", "B", "15-06-2020"],
                    ["C1", "Carla de Jong", "C", D(2026, 1, 10)]],
        "Contacten": [["Klantnr", "Datum", "Kanaal"],
                      ["K1", D(2026, 9, 15), "telefoon"],
                      ["K2", serial, "bezoek"],          # a date cell formatted as a number
                      ["K1", "05-11-2026", "e-mail"]],   # after the report date
    })
    config = project(tmp_path, """
        [[sources]]
        type = "xlsx"
        path = "data/crm.xlsx"
        sheets = { relations = "Klanten", touchpoints = "Contacten" }

        [sources.columns]       # one mapping for both sheets: each table takes its fields
        id = "Klantnr"
        name = "Naam"
        category = "Categorie"
        since = "Sinds"
        relation = "Klantnr"
        date = "Datum"
        channel = "Kanaal"
        """)
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    found = {r["id"]: r["cadence"] for r in report["relations"]}
    # K1 (A, monthly): last touchpoint 15 Sep (5 Nov is after the report date) -> due 15 Oct,
    # 17 days overdue on 1 Nov.
    assert (found["K1"]["last_touchpoint"], found["K1"]["next_due"], found["K1"]["days_overdue"],
            found["K1"]["status"]) == ("2026-09-15", "2026-10-15", 17, "overdue")
    # K2 (B, quarterly): 31 Aug (the serial 46265) + 3 months = 30 Nov; 29 days ahead: on track.
    assert (found["K2"]["last_touchpoint"], found["K2"]["next_due"], found["K2"]["days_until_due"],
            found["K2"]["status"]) == ("2026-08-31", "2026-11-30", 29, "on_track")
    # C1 (C, half-yearly): never contacted; since 10 Jan + 6 months = 10 Jul; 114 days overdue.
    assert (found["C1"]["status"], found["C1"]["next_due"], found["C1"]["days_overdue"]) == \
        ("never_contacted", "2026-07-10", 114)
    assert report["portfolio"]["cadence"]["counts"]["overdue"] == 1
    assert report["warnings"] == []
