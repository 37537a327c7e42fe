"""Readers count what they unpack and hold, and stop at a documented cap (issue 16).

Each case is a small generated file that would unpack or spread far beyond its size: a
.zip whose members are small but decompress past the cap, an archive of many members, a
CSV of 100,000 columns, an .xlsx sheet without a ``<dimension>``, and archive members
whose names lead outside the archive. All through the CLI, asserting the located message
and the exit code.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import openpyxl
import tomli_w

from conftest import cli, write_project

ACCOUNT_HEADER = "Id,Name,Type,BillingCity,OwnerId,CreatedDate\n"
ACCOUNT = ACCOUNT_HEADER + "001x000000000001AAA,Alfa Bouw,Customer,Utrecht,005x0000000fNSiAAM,2020-01-02\n"


def crm_project(root: Path, name: str, content: bytes, **source) -> Path:
    (root / "data").mkdir(parents=True, exist_ok=True)
    (root / "data" / name).write_bytes(content)
    config = {"project": {"name": "Grenzen"},
              "sources": [{"type": "salesforce", "path": f"data/{name}", **source}]}
    (root / "config.toml").write_text(tomli_w.dumps(config), encoding="utf-8")
    return root / "config.toml"


def archive(members: dict[str, bytes | str]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as export:
        for name, content in members.items():
            export.writestr(name, content)
    return out.getvalue()


def errors_of(output: str) -> list[str]:
    return [line.strip() for line in output.splitlines() if line.startswith("  ")]


# -- archives ---------------------------------------------------------------------------------------

def test_a_member_that_decompresses_past_the_cap_stops_reading_at_it(tmp_path):
    """2 MB of one repeated row compresses to a few KB: under any header size cap, over max_unpacked_mb."""
    bomb = ACCOUNT + "001x000000000002AAA,Beta,Customer,Zwolle,005x,2020-01-02\n" * 36_000
    content = archive({"Account.csv": ACCOUNT, "Contact.csv": bomb.encode()})
    assert len(content) < 50_000
    config = crm_project(tmp_path, "export.zip", content, max_unpacked_mb=1)
    result = cli("check", "--config", config)
    assert result.exit_code == 1, result.output
    assert "data/export.zip/Contact.csv: expected the .zip to unpack to at most 1 MB (max_unpacked_mb), " \
           "found more: reading stopped there" in result.output


def test_members_each_under_the_cap_count_together(tmp_path):
    """Three members of 120 MB of zeros each (about 120 KB packed): the default cap of 256 MB is
    reached inside the third, counted across the archive, and nothing after it is read."""
    zeros = b"Id,Name\n" + b"0" * (120 << 20)
    members = {f"Export{i}.csv": zeros for i in range(1, 4)} | {"Zz.csv": ACCOUNT}
    config = crm_project(tmp_path, "weekly.zip", archive(members))
    result = cli("check", "--config", config)
    assert result.exit_code == 1, result.output
    assert "data/weekly.zip/Export3.csv: expected the .zip to unpack to at most 256 MB (max_unpacked_mb)" \
        in result.output
    assert "Zz.csv" not in result.output.replace("Export", "")


def test_an_archive_of_too_many_files_is_not_read(tmp_path):
    members = {f"Account{i:04d}.csv": ACCOUNT for i in range(1001)}
    config = crm_project(tmp_path, "many.zip", archive(members))
    result = cli("check", "--config", config)
    assert result.exit_code == 1, result.output
    assert "data/many.zip: expected at most 1,000 CSV, .xlsx or XML files in the .zip (max_members), " \
           "found 1,001: none is read" in result.output
    config = crm_project(tmp_path, "many.zip", archive(members), max_members=2000)
    assert "max_members" not in cli("check", "--config", config).output   # read (the same id 1001 times)


def test_rows_past_max_rows_are_not_read(tmp_path):
    rows = "".join(f"001x{i:015d},Relatie {i},Customer,Utrecht,005x,2020-01-02\n" for i in range(50))
    config = crm_project(tmp_path, "Account.csv", (ACCOUNT_HEADER + rows).encode(), max_rows=20)
    result = cli("check", "--config", config)
    assert result.exit_code == 1, result.output
    assert "data/Account.csv:22: expected at most 20 rows in this source (max_rows in [[sources]] #1), " \
           "found more: the rows from here on are not read" in result.output


def test_member_names_outside_the_archive_are_skipped_with_a_warning(tmp_path):
    members = {"../evil.csv": ACCOUNT, "/etc/passwd.csv": ACCOUNT, "C:\\Windows\\x.csv": ACCOUNT,
               "export/../../up.csv": ACCOUNT, "export/./../Account.csv": ACCOUNT}
    config = crm_project(tmp_path, "export.zip", archive(members))
    result = cli("check", "--config", config)
    assert result.exit_code == 0, result.output
    for name, why in [("../evil.csv", "a path that leads out of the archive (..)"),
                      ("/etc/passwd.csv", "an absolute path"),
                      ("C:\\Windows\\x.csv", "an absolute path"),
                      ("export/../../up.csv", "a path that leads out of the archive (..)")]:
        assert f"data/export.zip/{name}: expected a file inside the archive, found {why}: not read" \
            in result.output
    # a name whose .. stays inside the archive is read: the one relation
    assert "data/export.zip (salesforce): 1 relations" in result.output
    strict = cli("check", "--config", config, "--strict")
    assert strict.exit_code == 1, strict.output
    assert "data/export.zip/../evil.csv: expected a file inside the archive" in strict.output


# -- CSV ----------------------------------------------------------------------------------------------

def test_a_csv_of_100000_columns_is_refused_before_it_is_read(tmp_path):
    header = "id;name;" + ";".join("c" for _ in range(100_000))
    config = write_project(tmp_path, relations=header + "\nK1;Alfa" + ";" * 100_000 + "\n")
    assert (tmp_path / "data" / "relations.csv").stat().st_size < 500_000
    result = cli("check", "--config", config)
    assert result.exit_code == 1, result.output
    assert "data/relations.csv:1: expected at most 16,384 columns (max_columns in [[sources]] #1), " \
           "found more (split by ';'): not read" in result.output


def test_a_crm_csv_of_100000_columns_is_refused(tmp_path):
    header = "Id,Name," + ",".join(f"c{i}" for i in range(100_000)) + "\n"
    config = crm_project(tmp_path, "Account.csv", header.encode())
    result = cli("check", "--config", config)
    assert result.exit_code == 1, result.output
    assert "data/Account.csv:1: expected at most 16,384 columns (max_columns in [[sources]] #1), " \
           "found 100,002: not read" in result.output


# -- workbooks without <dimension> ---------------------------------------------------------------------

def workbook_without_dimension(rows: int, header: list[str], title: str = "relations") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = title
    sheet.append(header)
    for i in range(1, rows + 1):
        sheet.append([f"K{i}", f"Relatie nummer {i} met een lange naam om de XML te vullen"])
    out = io.BytesIO()
    book.save(out)
    source, stripped = zipfile.ZipFile(io.BytesIO(out.getvalue())), io.BytesIO()
    with zipfile.ZipFile(stripped, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data, count = re.subn(rb"<dimension[^>]*/>", b"", data)
                assert count == 1
            target.writestr(info.filename, data)
    return stripped.getvalue()


def test_an_xlsx_sheet_without_dimension_stops_at_the_cap_while_it_streams(tmp_path):
    content = workbook_without_dimension(20_000, ["id", "name"])
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "relaties.xlsx").write_bytes(content)
    config = {"project": {"name": "Grenzen"},
              "sources": [{"type": "xlsx", "path": "data/relaties.xlsx", "table": "relations",
                           "max_unpacked_mb": 1}]}
    (tmp_path / "config.toml").write_text(tomli_w.dumps(config), encoding="utf-8")
    result = cli("check", "--config", tmp_path / "config.toml")
    assert result.exit_code == 1, result.output
    [line] = [e for e in errors_of(result.output) if "max_unpacked_mb" in e]
    assert re.fullmatch(r"data/relaties\.xlsx:relations!\d+: expected the workbook to unpack to at most "
                        r"1 MB \(max_unpacked_mb\), found more: reading stopped there", line), line


def test_a_crm_workbook_without_dimension_stops_at_the_cap(tmp_path):
    content = workbook_without_dimension(20_000, ["Id", "Name"], "Account")
    config = crm_project(tmp_path, "Account.xlsx", content, max_unpacked_mb=1)
    result = cli("check", "--config", config)
    assert result.exit_code == 1, result.output
    assert "data/Account.xlsx: expected the workbook to unpack to at most 1 MB (max_unpacked_mb), " \
           "found more: reading stopped there" in result.output


def test_a_crm_workbook_row_past_excels_last_row_ends_the_sheet(tmp_path):
    content = workbook_without_dimension(2, ["Id", "Name"], "Account")
    source, patched = zipfile.ZipFile(io.BytesIO(content)), io.BytesIO()
    with zipfile.ZipFile(patched, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(b'<row r="3"', b'<row r="1048577"').replace(b'r="A3"', b'r="A1048577"') \
                    .replace(b'r="B3"', b'r="B1048577"')
            target.writestr(info.filename, data)
    config = crm_project(tmp_path, "Account.xlsx", patched.getvalue())
    result = cli("check", "--config", config)
    assert result.exit_code == 1, result.output
    assert "data/Account.xlsx: expected rows up to 1,048,576 (the last Excel row), found row 1,048,577: " \
           "the rows after it are not read" in result.output
