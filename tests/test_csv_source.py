"""The CSV source on real-world shapes: encodings, delimiters, decimal marks, dates, ragged rows."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import TEST_DATA, cli, write_project

ROWS = "id;name;since;city\nK1;Zoë Ærts BV;01-03-2015;Den Haag\n"


def build_json(config: Path) -> dict:
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads((config.parent / "site" / "report.json").read_text(encoding="utf-8"))


def with_option(config: Path, source: str, option: str) -> None:
    text = config.read_text(encoding="utf-8")
    anchor = f'path = "data/{source}"'
    config.write_text(text.replace(anchor, f"{anchor}\n{option}"), encoding="utf-8")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_utf8_with_and_without_bom(tmp_path, encoding):
    config = write_project(tmp_path)
    (tmp_path / "data" / "relations.csv").write_bytes(ROWS.encode(encoding))
    assert build_json(config)["relations"][0]["name"] == "Zoë Ærts BV"


def test_cp1252_needs_saying_and_the_error_hints_at_it(tmp_path):
    config = write_project(tmp_path)
    (tmp_path / "data" / "relations.csv").write_bytes(ROWS.encode("cp1252"))
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert "data/relations.csv:2: expected text in utf-8, found byte 0xeb" in result.output
    assert 'set encoding = "cp1252" in [[sources]] #1' in result.output
    with_option(config, "relations.csv", 'encoding = "cp1252"')
    assert build_json(config)["relations"][0]["name"] == "Zoë Ærts BV"


def many_rows(n: int) -> list[str]:
    return ["id;name;since;city"] + [f"K{i};Relatie {i};01-03-2015;Den Haag" for i in range(n)]


@pytest.mark.parametrize("bad, expected", [
    (b"\xe9", "data/relations.csv:5001: expected text in utf-8, found byte 0xe9"),
    (b"\x00", "data/relations.csv:5001: expected text in utf-8, found NUL bytes"),
])
def test_bad_bytes_far_into_a_large_file_are_located(tmp_path, bad, expected):
    """The fast path only looks at the file's start; what it cannot read the careful path
    explains, with the line."""
    lines = many_rows(6000)
    raw = "\n".join(lines).encode() + b"\n"
    at = raw.index(b"Relatie 4999;")        # line 5001: the header is line 1, K0 line 2
    config = write_project(tmp_path)
    (tmp_path / "data" / "relations.csv").write_bytes(raw[:at] + bad + raw[at:])
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert expected in result.output


def test_a_quoted_line_break_far_into_a_large_file_keeps_later_lines_right(tmp_path):
    lines = many_rows(6000)
    lines[4000] = 'K3999;"Relatie\nmet twee regels";01-03-2015;Den Haag'    # lines 4001-4002
    lines[5000] = "K4999;Relatie 4999;31-02-2015;Den Haag"                  # line 5002
    config = write_project(tmp_path)
    (tmp_path / "data" / "relations.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert 'data/relations.csv:5002: since: expected a date' in result.output


def test_delimiter_is_detected_from_the_header_and_ambiguity_is_an_error(tmp_path):
    config = write_project(tmp_path, relations="id,name,city\nK1,Alfa,Utrecht\n")
    assert build_json(config)["relations"][0]["name"] == "Alfa"
    (tmp_path / "data" / "relations.csv").write_text("onbekend\nK1\n", encoding="utf-8")
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert "could not tell the delimiter from the header line" in result.output


def test_decimal_comma_follows_semicolon_and_can_be_set(tmp_path):
    business = ("relation;date;amount;hours\n"
                "K1;2026-01-05;1.234,56;2,5\n"
                "K1;2026-01-06;€ 99,95;0\n"
                "K1;2026-01-07;-12;1\n")
    config = write_project(tmp_path, files={"business.csv": business})
    from relatierapport.build import BuildOptions, configure, load
    plugins, cfg = configure(BuildOptions(config, strict=False))
    portfolio = load(plugins, cfg).portfolio
    assert portfolio.business["amount"].to_list() == [1234.56, 99.95, -12.0]
    assert portfolio.business["hours"].to_list() == [2.5, 0.0, 1.0]
    (tmp_path / "data" / "business.csv").write_text(
        "relation,date,amount\nK1,2026-01-05,\"1,234.56\"\nK1,2026-01-06,0.5\n", encoding="utf-8")
    portfolio = load(*configure(BuildOptions(config))).portfolio
    assert portfolio.business["amount"].to_list() == [1234.56, 0.5]


def test_explicit_date_format_and_excel_style_dates(tmp_path):
    config = write_project(tmp_path, relations="id;name;since\nK1;Alfa;20150301\n")
    result = cli("check", "--config", config)
    assert result.exit_code == 1 and 'since: expected a date as yyyy-mm-dd or dd-mm-yyyy, found "20150301"' \
        in result.output
    with_option(config, "relations.csv", 'date_format = ["yyyymmdd"]')
    assert build_json(config)["relations"][0]["id"] == "K1"


def test_a_row_with_too_many_fields_is_located(tmp_path):
    config = write_project(tmp_path, files={"touchpoints.csv": "relation;date\nK1;01-10-2026\nK1;02-10-2026;extra\n"})
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert "data/touchpoints.csv:3: expected at most 2 fields (as in the header), found 3" in result.output


CUT_OFF = {     # the last line ends mid-record, without a line break
    "one line a record": ("relation;date;channel;notes\n"
                          "K1;01-10-2026;telefoon;Belde over de offerte\n"
                          "K1;03-10-2026;bez", 3, 3),
    "a quoted line break": ("relation;date;channel;notes\n"
                            'K1;02-10-2026;e-mail;"Stuurde de offerte,\nmet de voorwaarden"\n'
                            "K1;03-10-2026", 4, 2),
}


@pytest.mark.parametrize("encoding", ["utf-8", "cp1252"])          # polars' path, the careful one
@pytest.mark.parametrize("case", list(CUT_OFF))
def test_a_file_cut_off_in_its_last_line_is_a_warning_at_that_line(tmp_path, case, encoding):
    """An export copied before it was complete: its last line has fewer fields than the header
    and no line break after it. Said at that line; the record still counts (its missing fields
    empty), as a short row does anywhere else."""
    text, line, found = CUT_OFF[case]
    config = write_project(tmp_path)
    (tmp_path / "data" / "touchpoints.csv").write_bytes(text.encode(encoding))
    if encoding == "cp1252":
        with_option(config, "touchpoints.csv", 'encoding = "cp1252"')
    result = cli("check", "--config", config)
    assert result.exit_code == 0, result.output
    assert (f"warning: data/touchpoints.csv:{line}: expected 4 fields (as in the header), found "
            f"{found} on the last line, which has no line break after it: the file looks cut off"
            ) in result.output
    assert "data/touchpoints.csv (csv): 2 touchpoints" in result.output
    (tmp_path / "data" / "touchpoints.csv").write_bytes(text.encode(encoding) + b"\n")
    assert "cut off" not in cli("check", "--config", config).output      # a short row: as it is


@pytest.mark.parametrize("text", [
    "relation;date;channel;notes\nK1;01-10-2026;telefoon;Belde",           # whole, no line break
    'relation;date;channel;notes\nK1;01-10-2026;telefoon;"Belde\nterug"',  # whole, a quoted break
    "relation;date;channel;notes\nK1;01-10-2026\n",                        # short, a line break
])
def test_a_whole_last_line_or_a_short_row_with_its_line_break_is_no_warning(tmp_path, text):
    config = write_project(tmp_path, files={"touchpoints.csv": text})
    result = cli("check", "--config", config)
    assert result.exit_code == 0 and "0 warning(s)" in result.output, result.output

UNCLOSED = ("id;name;since;city\n"
            "K1;Alfa Bouw;01-03-2015;Utrecht\n"
            "K2;Beta Zorg;15-06-2020;Zwolle\n"
            'C1;"Carla de Jong;10-01-2026;Delft\n'          # line 4: the quote never closes
            "K4;Delta;01-01-2020;Ede\n"
            "K5;Epsilon;01-01-2020;Ede\n")


def test_an_unclosed_quote_is_located_where_it_opened_and_the_rows_before_it_count(tmp_path):
    config = write_project(tmp_path, relations=UNCLOSED, files={"touchpoints.csv": "relation;date\n"
                                                                 "K1;01-10-2026\n"})
    message = ("data/relations.csv:4: an opening quote is never closed; the rest of the file "
               "(lines 4–6, 3 lines) is left out")
    result = cli("check", "--config", config)
    assert result.exit_code == 0, result.output
    assert f"warning: {message}\n" in result.output
    assert "data/relations.csv (csv): 2 relations; 1 skipped or doubtful" in result.output
    assert [r["id"] for r in build_json(config)["relations"]] == ["K1", "K2"]
    strict = cli("build", "--config", config, "--strict", "--format", "json")
    assert strict.exit_code == 1
    assert f"failing because of --strict:\n  {message}\n" in strict.output


def test_a_quote_inside_an_unquoted_value_is_a_character_of_it(tmp_path):
    # polars calls this file malformed (no line, the whole file rejected); spreadsheets and
    # Python's csv module read Al"fa as a name with a quote in it. A bad date two lines on is
    # still located at its line.
    relations = ('id;name;owner;since\nK1;Al"fa;M1;01-01-2020\nK2;Beta;M1;01-02-2020\n'
                 'K3;Gamma;M1;31-02-2020\n')
    config = write_project(tmp_path, relations=relations, files={"touchpoints.csv": "relation;date\n"
                                                                  "K1;01-10-2026\n"})
    result = cli("check", "--config", config)
    assert result.exit_code == 1 and "cannot be read as CSV" not in result.output
    assert 'data/relations.csv:4: since: expected a date as yyyy-mm-dd or dd-mm-yyyy, found ' \
           '"31-02-2020"' in result.output                            # K3's impossible date
    data = tmp_path / "data" / "relations.csv"
    data.write_text(relations.replace("31-02-2020", "28-02-2020"), encoding="utf-8")
    assert [r["name"] for r in build_json(config)["relations"]] == ['Al"fa', "Beta", "Gamma"]


def test_an_unclosed_quote_after_a_quoted_line_break_and_a_preamble_is_still_located(tmp_path):
    """The quote opens on the second line of a record; lines count the preamble (skip_lines),
    and the quoted line break before it keeps the earlier record's line right."""
    relations = ("Export van 01-11-2026\n"                     # line 1, skipped
                 "id;name;since;city\n"                        # line 2
                 'K1;"Alfa\nBouw";01-03-2015;Utrecht\n'        # lines 3-4
                 "K2;Beta Zorg;31-02-2020;Zwolle\n"            # line 5: a bad date
                 'K3;"Gamma\nBouw";"01-03-2015;Utrecht\n'      # lines 6-7, the quote opens on 7
                 "K4;Delta;01-01-2020;Ede")                     # line 8, no line break at the end
    config = write_project(tmp_path, relations=relations)
    with_option(config, "relations.csv", "skip_lines = 1")
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert ("warning: data/relations.csv:7: an opening quote is never closed; the rest of the file "
            "(lines 6–8, 3 lines) is left out\n") in result.output
    assert "data/relations.csv:5: since: expected a date" in result.output


def test_an_unclosed_quote_in_the_header_is_an_error(tmp_path):
    config = write_project(tmp_path, relations='id;"name;city\nK1;Alfa;Utrecht\n')
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert ("data/relations.csv:1: an opening quote is never closed; the rest of the file "
            "(lines 1–2, 2 lines) is left out\n") in result.output


def test_unknown_relations_in_events_are_a_warning_and_left_out(tmp_path):
    config = write_project(tmp_path, files={"touchpoints.csv": "relation;date\nK1;01-10-2026\nZZ9;01-10-2026\n"})
    report = build_json(config)
    assert report["relations"][0]["cadence"]["last_touchpoint"] == "2026-10-01"
    assert any("1 rows refer to relations that no source defines (ZZ9)" in w["message"]
               for w in report["warnings"])
    assert cli("build", "--config", config, "--strict", "--format", "json").exit_code == 1


def test_dutch_words_become_model_codes(tmp_path):
    config = write_project(tmp_path)
    from relatierapport.build import BuildOptions, configure, load
    portfolio = load(*configure(BuildOptions(config))).portfolio
    row = portfolio.touchpoints.row(1, named=True)
    assert (row["channel"], row["direction"], row["kind"]) == ("visit", "in", "value_add")
    assert row["signals"] == ["competitor", "rate_pressure"]
    assert portfolio.relations["C1"].kind == "person" and portfolio.relations["C1"].role == "candidate"


def test_real_bank_export_reads_as_events(tmp_path):
    """A real ING export (tests/data/dutch-csv): quoted fields, semicolons, yyyymmdd dates."""
    source = TEST_DATA / "dutch-csv" / "banana-ing-nl" / "csv_ing_example_format3_20230418.csv"
    config = write_project(tmp_path)
    (tmp_path / "data" / "bank.csv").write_bytes(source.read_bytes())
    config.write_text(config.read_text(encoding="utf-8") + (
        '\n[[sources]]\ntype = "csv"\npath = "data/bank.csv"\ntable = "events"\n'
        'date_format = ["yyyymmdd", "dd-mm-yyyy"]\n'
        'columns = { relation = "Naam / Omschrijving", date = "Datum" }\n'), encoding="utf-8")
    result = cli("check", "--config", config)
    # the bank's counterparties are not relations: read fine, then reported as unknown relations
    assert "data/bank.csv (csv): 304 events" in result.output
    assert "304 rows refer to relations that no source defines" in result.output


def test_bank_export_with_preamble_reads_with_skip_lines(tmp_path):
    """A Knab-style export: a "KNAB EXPORT;;;" line before the header, every row ending in ';'."""
    source = TEST_DATA / "dutch-csv" / "preamble-export" / "bank-export-with-preamble.csv"
    config = write_project(tmp_path)
    (tmp_path / "data" / "bank.csv").write_bytes(source.read_bytes())
    text = config.read_text(encoding="utf-8") + (
        '\n[[sources]]\ntype = "csv"\npath = "data/bank.csv"\ntable = "events"\n'
        'date_format = ["dd-mm-yyyy"]\n'
        'columns = { relation = "Tegenrekeninghouder", date = "Transactiedatum" }\n')
    config.write_text(text + "skip_lines = 1\n", encoding="utf-8")
    result = cli("check", "--config", config)
    assert result.exit_code == 0, result.output
    assert "data/bank.csv (csv): 4 events" in result.output
    assert "4 rows refer to relations that no source defines" in result.output
    # without skip_lines the preamble is taken for the header: a located problem, not a crash
    config.write_text(text, encoding="utf-8")
    result = cli("check", "--config", config)
    assert result.exit_code == 1 and "data/bank.csv:1: expected unique headers" in result.output


# -- never a crash: random bytes and damaged real files ------------------------------------------

from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

from relatierapport.config import SourceSpec  # noqa: E402
from relatierapport.builtin.sources.csv_source import OPTIONS, read_csv  # noqa: E402
from relatierapport.errors import Problem  # noqa: E402
from relatierapport.model import SourceData  # noqa: E402

REAL_CSVS = sorted((TEST_DATA / "dutch-csv").rglob("*.csv")) + sorted(
    (Path(__file__).parent.parent / "data").glob("*.csv"))
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def read_bytes_as(tmp_path: Path, raw: bytes, table: str, options: dict) -> SourceData:
    path = tmp_path / "fuzz.csv"
    path.write_bytes(raw)
    spec = SourceSpec(index=1, type="csv", path=path, display="fuzz.csv", table=table, columns={},
                      options={**{o.name: o.default for o in OPTIONS}, **options})
    return read_csv(spec, None)


def assert_records_or_located_problems(data: SourceData) -> None:
    assert isinstance(data, SourceData)
    for problem in data.errors + data.warnings:
        assert isinstance(problem, Problem) and problem.source and problem.message


@FUZZ
@given(raw=st.binary(max_size=2000), table=st.sampled_from(["relations", "touchpoints", "business"]),
       encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_random_bytes_give_records_or_located_problems(tmp_path, raw, table, encoding):
    assert_records_or_located_problems(read_bytes_as(tmp_path, raw, table, {"encoding": encoding}))


@FUZZ
@given(data=st.data())
def test_damaged_real_files_give_records_or_located_problems(tmp_path, data):
    source = data.draw(st.sampled_from(REAL_CSVS))
    raw = bytearray(source.read_bytes()[:20000])
    for _ in range(data.draw(st.integers(1, 8))):
        position = data.draw(st.integers(0, max(len(raw) - 1, 0)))
        action = data.draw(st.sampled_from(["flip", "cut", "insert"]))
        if action == "flip" and raw:
            raw[position] = data.draw(st.integers(0, 255))
        elif action == "cut":
            del raw[position:position + data.draw(st.integers(1, 50))]
        else:
            raw[position:position] = data.draw(st.sampled_from([b'"', b";", b"\n", b"\r", b"\x00", b"\xff"]))
    table = data.draw(st.sampled_from(["relations", "touchpoints", "business", "events"]))
    assert_records_or_located_problems(read_bytes_as(tmp_path, bytes(raw), table, {}))
