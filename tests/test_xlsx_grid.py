"""The .xlsx grid reader on workbooks written by openpyxl, some parts patched as Excel writes them."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from xml.etree.ElementTree import ParseError

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

from relatierapport.sources.xlsx_grid import (ERROR, FORMULA, OK, Workbook, column_letter,
                                              column_number, has_content, numbered)


def book_bytes(build, patch: tuple[str, str] | None = None) -> bytes:
    """A workbook made by ``build(workbook)``; ``patch`` edits the first sheet's XML."""
    book = openpyxl.Workbook()
    build(book)
    buffer = io.BytesIO()
    book.save(buffer)
    if patch is None:
        return buffer.getvalue()
    with zipfile.ZipFile(buffer) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode("utf-8")
    parts["xl/worksheets/sheet1.xml"] = re.sub(patch[0], patch[1], sheet).encode("utf-8")
    patched = io.BytesIO()
    with zipfile.ZipFile(patched, "w") as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return patched.getvalue()


def decoded(raw: bytes, sheet: int = 0) -> dict[str, tuple[str, object]]:
    """Every cell of a sheet as reference -> (status, value)."""
    with Workbook(io.BytesIO(raw)) as book, book.cells(book.sheets[sheet]) as rows:
        return {cell[0]: book.value(cell) for _, cells in rows for cell in cells}


def test_cells_are_decoded_as_excel_stored_them():
    def build(book):
        book.active.append(["text", 42, 2.5, True, dt.datetime(2026, 1, 5, 14, 30),
                            dt.date(2015, 3, 1), dt.timedelta(hours=1, minutes=30), "=1+1"])

    cells = decoded(book_bytes(build))
    assert cells == {"A1": (OK, "text"), "B1": (OK, 42), "C1": (OK, 2.5), "D1": (OK, True),
                     "E1": (OK, dt.datetime(2026, 1, 5, 14, 30)),
                     "F1": (OK, dt.datetime(2015, 3, 1)),            # a date style: a date
                     "G1": (OK, dt.timedelta(hours=1, minutes=30)),  # a duration style
                     "H1": (FORMULA, "1+1")}                        # never calculated


def test_errors_and_saved_formula_results_are_told_apart_from_empty_cells():
    def build(book):
        book.active.append(["=1/0", '="a"&"b"', '=IF(TRUE,"","x")', None])

    raw = book_bytes(build, (r'<c r="A1"><f>1/0</f><v\s*/></c><c r="B1"><f>(.*?)</f><v\s*/></c>'
                             r'<c r="C1"><f>(.*?)</f><v\s*/></c>',
                             r'<c r="A1" t="e"><f>1/0</f><v>#DIV/0!</v></c>'
                             r'<c r="B1" t="str"><f>\1</f><v>ab</v></c>'
                             r'<c r="C1" t="str"><f>\2</f><v></v></c>'))
    assert decoded(raw) == {"A1": (ERROR, "#DIV/0!"), "B1": (OK, "ab"), "C1": (OK, "")}


def test_sheets_rows_and_merged_ranges():
    def build(book):
        first = book.active
        first.title = "Klanten"
        first["A1"], first["A4"], first["B4"] = "id", "K1", "x"
        first.merge_cells("A4:A6")
        hidden = book.create_sheet("Oud")
        hidden.sheet_state = "hidden"
        book.create_chartsheet("Grafiek")

    with Workbook(io.BytesIO(book_bytes(build))) as book:
        assert [(s.title, s.state) for s in book.sheets] == [("Klanten", "visible"), ("Oud", "hidden")]
        with book.cells(book.sheets[0]) as rows:
            read = [(number, [cell[0] for cell in cells if has_content(cell)]) for number, cells in rows]
            assert rows.merged == ["A4:A6"]
    assert [(number, refs) for number, refs in read if refs] == [(1, ["A1"]), (4, ["A4", "B4"])]


def test_the_1904_date_system():
    def build(book):
        book.epoch = openpyxl.utils.datetime.CALENDAR_MAC_1904
        book.active.append([dt.date(2026, 9, 1)])

    assert decoded(book_bytes(build)) == {"A1": (OK, dt.datetime(2026, 9, 1))}


def test_damaged_sheet_xml_raises_where_it_is_read():
    raw = book_bytes(lambda book: book.active.append(["a"]), ("</sheetData>", "<row>"))
    with Workbook(io.BytesIO(raw)) as book, book.cells(book.sheets[0]) as rows:
        with pytest.raises(ParseError):
            list(rows)


def test_cell_references():
    assert all(column_number(f"{get_column_letter(n)}7") == n and column_letter(n) == get_column_letter(n)
               for n in range(1, 16385))
    assert [column_number(ref) for ref in ("$B$2", "b2", "AAAA1", "12", "")] == [2, 2, None, None, None]
    cells = [["B1", "n", None, "1", None, None], [None, "n", None, "2", None, None],
             ["??", "n", None, "3", None, None], ["E1", "n", None, "4", None, None]]
    assert [number for number, _ in numbered(cells)] == [2, 3, None, 5]
