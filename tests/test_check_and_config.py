"""`check` and config.toml validation: every problem at once, located, with the right exit code."""

from __future__ import annotations

import re

from conftest import RELATIONS, TOUCHPOINTS, cli, write_project


def test_check_summarises_each_source(project):
    result = cli("check", "--config", project, "--as-of", "2026-11-01")
    assert result.exit_code == 0, result.output
    assert "data/relations.csv (csv): 3 relations" in result.output
    assert "data/touchpoints.csv (csv): 3 touchpoints" in result.output
    assert "ok: 3 relations" in result.output


def test_check_lists_every_bad_row_with_file_and_line(tmp_path):
    touchpoints = TOUCHPOINTS + (
        "K1;31-02-2026;M1;telefoon;uit;check-in;;impossible date\n"     # line 5
        "K2;;M2;telefoon;uit;check-in;;no date\n"                       # line 6
        "K1;01-10-2026;M1;telefoon;sideways;check-in;;bad direction\n"  # line 7
    )
    business = ("relation;date;amount;hours;kind;status\n"
                "K1;01-02-2026;twaalf;4;plaatsing;gewonnen\n"            # line 2
                "K2;1-3-2026;1.250,75;3,5;plaatsing;gewonnen\n")         # fine
    config = write_project(tmp_path, files={"touchpoints.csv": touchpoints, "business.csv": business})
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    out = result.output
    assert "data/touchpoints.csv:5: date: expected a date as yyyy-mm-dd or dd-mm-yyyy, found \"31-02-2026\"" in out
    assert "data/touchpoints.csv:6: date: expected a date as yyyy-mm-dd or dd-mm-yyyy, found nothing" in out
    assert "data/touchpoints.csv:7: direction: expected in or out, found \"sideways\"" in out
    assert "data/business.csv:2: amount: expected a number with decimal comma, found \"twaalf\"" in out
    assert "4 data problem(s)" in out


def test_scores_that_are_not_numbers_are_listed_with_line_and_criterion(tmp_path):
    relations = ("id;name;score_fit;score_imago\n"
                 "K1;Een;4;3,5\n"          # fine, decimal comma
                 "K2;Twee;hoog;\n"         # line 3: not a number; an empty score is fine
                 "K3;Drie;2;  ?  \n")      # line 4
    config = write_project(tmp_path, relations=relations)
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert 'data/relations.csv:3: scores.fit: expected a number, found "hoog"' in result.output
    assert 'data/relations.csv:4: scores.imago: expected a number, found "?"' in result.output
    assert "2 data problem(s)" in result.output


def test_a_quoted_line_break_does_not_shift_line_numbers(tmp_path):
    touchpoints = ("relation;date;notes\n"
                   'K1;01-10-2026;"twee\nregels"\n'       # lines 2-3
                   "K1;bad;x\n")                          # line 4
    config = write_project(tmp_path, files={"touchpoints.csv": touchpoints})
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert "data/touchpoints.csv:4: date:" in result.output


def test_duplicate_relation_ids_name_both_lines(tmp_path):
    config = write_project(tmp_path, relations=RELATIONS + "K1;Dubbel BV;organisatie;;;A;;\n")
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert "data/relations.csv:5: id: expected a unique id, found 'K1' again (first on line 2)" in result.output


def test_missing_required_column_names_the_field_and_the_headers(tmp_path):
    config = write_project(tmp_path, relations="nummer;name\nK1;Alfa\n")
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert 'data/relations.csv: id: expected a column for this field: a header "id" or ' \
           'columns = { id = "<your header>" }; found headers: nummer, name' in result.output


def test_columns_mapping_renames_headers(tmp_path):
    config = write_project(tmp_path, relations="Klantnr;Naam\nK1;Alfa\n")
    text = config.read_text(encoding="utf-8").replace(
        'path = "data/relations.csv"\ntable = "relations"',
        'path = "data/relations.csv"\ntable = "relations"\ncolumns = { id = "Klantnr", name = "Naam" }')
    config.write_text(text, encoding="utf-8")
    result = cli("check", "--config", config)
    assert result.exit_code == 0, result.output
    assert "1 relations" in result.output


def test_bad_config_exits_2_naming_every_key(tmp_path):
    config = write_project(tmp_path, extra_config="""
        [plugins.cadence]
        months = { A = "monthly", B = 3, C = 6 }
        default_category = "D"
        """)
    text = config.read_text(encoding="utf-8").replace('name = "Testbureau"',
                                                      'name = "Testbureau"\nlanguage = "de"')
    config.write_text(text, encoding="utf-8")
    result = cli("check", "--config", config)
    assert result.exit_code == 2
    out = result.output
    assert "3 configuration problem(s)" in out
    assert 'config.toml:3: [project] language: expected one of "nl", "en", found "de"' in out
    assert 'config.toml:26: [plugins.cadence] months.A: expected a whole number >= 1 and <= 60, ' \
           'found "monthly"' in out
    assert 'config.toml:27: [plugins.cadence] default_category: expected one of "A", "B", "C", found "D"' in out


def test_source_problems_in_config_are_located(tmp_path):
    config = write_project(tmp_path)
    config.write_text(config.read_text(encoding="utf-8") + (
        '\n[[sources]]\ntype = "excel97"\npath = "data/relations.csv"\n'
        '\n[[sources]]\ntype = "csv"\npath = "../elders.csv"\ntable = "relations"\n'
        '\n[[sources]]\ntype = "csv"\npath = "data/missing.csv"\ntable = "relations"\ndelimiter = ";;"\n'),
        encoding="utf-8")
    result = cli("check", "--config", config)
    assert result.exit_code == 2
    out = result.output
    assert re.search(r'config.toml:25: \[\[sources\]\] #5 type: expected one of [a-z_, ]*csv[a-z_, ]*, '
                     r'found "excel97"', out)
    assert "config.toml:30: [[sources]] #6 path: expected a path inside the project folder" in out
    assert 'config.toml:37: [[sources]] #7 delimiter: expected "auto" or a single character, found ";;"' in out
    assert 'config.toml:35: [[sources]] #7 path: expected an existing file or folder' in out


def test_toml_syntax_error_is_exit_2(tmp_path):
    (tmp_path / "config.toml").write_text("[project\nname = 1\n", encoding="utf-8")
    result = cli("check", "--config", tmp_path / "config.toml")
    assert result.exit_code == 2
    assert "config.toml:1: is not valid TOML: Expected ']' at the end of a table declaration (column 9)" in result.output


def test_unknown_keys_warn_and_fail_under_strict(project):
    project.write_text(project.read_text(encoding="utf-8") + "\n[plugins.cadence]\nmonht = 3\n",
                       encoding="utf-8")
    result = cli("check", "--config", project)
    assert result.exit_code == 0
    assert "warning: config.toml:25: [plugins.cadence] monht: unknown key; did you mean months?" in result.output
    strict = cli("build", "--config", project, "--strict", "--format", "json")
    assert strict.exit_code == 2
    assert "[plugins.cadence] monht: unknown key" in strict.output
    assert not (project.parent / "site").exists()


def test_changing_the_cadence_in_config_changes_the_result(project):
    import json
    project.write_text(project.read_text(encoding="utf-8") +
                       "\n[plugins.cadence]\nmonths = { A = 2 }\n", encoding="utf-8")
    assert cli("build", "--config", project, "--as-of", "2026-11-01", "--format", "json").exit_code == 0
    report = json.loads((project.parent / "site" / "report.json").read_text(encoding="utf-8"))
    k1 = report["relations"][0]["cadence"]
    assert k1["cadence_months"] == 2 and k1["next_due"] == "2026-11-15" and k1["status"] == "due_soon"


# -- every message about config.toml has its line ---------------------------------------------

LOCATED = """\
[project]
name = "Testbureau"
disable_plugins = ["netwrk"]       # line 3
langauge = "en"

[[sources]]
type = "csv"
path = "data/relations.csv"
table = "relations"

[[sources]]
type = "csv"
path = "data/touchpoints.csv"
table = "touchpoint"               # line 14
delimitter = ";"

[plugins.health]
description = '''
[plugins.fake]
weigths = 1
'''
weigths = { a = 1 }                # line 22

[plugins.helth]
x = 1

[plugins.cadence]
months.A = "monthly"               # line 28
"""


def test_config_messages_carry_their_line_and_the_close_name(tmp_path):
    config = write_project(tmp_path)
    config.write_text(LOCATED, encoding="utf-8")
    result = cli("check", "--config", config)
    assert result.exit_code == 2
    assert result.output == (
        "Error: 2 configuration problem(s):\n"
        '  config.toml:28: [plugins.cadence] months.A: expected a whole number >= 1 and <= 60, found "monthly"\n'
        '  config.toml:14: [[sources]] #2 table: expected one of "relations", "employees", "goals", '
        '"touchpoints", "business", "surveys", "events", found "touchpoint"; did you mean "touchpoints"?\n')
    config.write_text(LOCATED.replace('"touchpoint" ', '"touchpoints"').replace('"monthly"', "3 "),
                      encoding="utf-8")
    result = cli("check", "--config", config)
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning: config.toml")]
    assert [line.split(" (known")[0] for line in warnings] == [
        "warning: config.toml:3: [project] disable_plugins: cannot disable 'netwrk': no plugin has "
        "that name; did you mean 'network'? (`relatierapport plugins` lists them)",
        "warning: config.toml:4: [project] langauge: unknown key; did you mean language?",
        "warning: config.toml:18: [plugins.health] description: unknown key",
        "warning: config.toml:22: [plugins.health] weigths: unknown key; did you mean weights?",
        "warning: config.toml:24: [plugins.helth]: no loaded plugin declares options by this name; "
        "did you mean [plugins.health]?",
        "warning: config.toml:15: [[sources]] #2 delimitter: unknown key; did you mean delimiter?"]
    strict = cli("build", "--config", config, "--strict", "--format", "json")
    assert strict.exit_code == 2
    assert "  config.toml:22: [plugins.health] weigths: unknown key; did you mean weights?" in strict.output


def test_a_source_readers_config_message_has_the_line_under_another_config_name(tmp_path):
    # a CSV source without table: the reader names the config as "config.toml"; the project's
    # file is called maand.toml, and the message names that file and the source's line
    config = write_project(tmp_path)
    text = config.read_text(encoding="utf-8").replace('table = "touchpoints"\n', "", 1)
    other = config.with_name("maand.toml")
    other.write_text(text, encoding="utf-8")
    line = next(number for number, row in enumerate(text.splitlines(), 1)
                if 'path = "data/touchpoints.csv"' in row) - 2      # the [[sources]] header
    result = cli("check", "--config", other)
    assert result.exit_code == 1
    assert re.search(rf"maand\.toml:{line}: \[\[sources\]\] #\d+ table: expected the model table "
                     r"this CSV fills", result.output), result.output


def test_a_toml_syntax_error_has_its_line(tmp_path):
    config = write_project(tmp_path)
    config.write_text('[project]\nname = "Testbureau"\n\n[plugins.cadence]\nmonths = = 3\n',
                      encoding="utf-8")
    result = cli("check", "--config", config)
    assert result.exit_code == 2
    assert result.output == ("Error: 1 configuration problem(s):\n"
                             "  config.toml:5: is not valid TOML: Invalid value (column 10)\n")


def test_a_config_saved_by_a_windows_editor_is_read_or_named_exactly(tmp_path):
    """Windows editors save UTF-8 with a byte order mark, or "ANSI" (Windows-1252), or UTF-16:
    the first is read as it is; the others are exit 2 naming the line, the column and the fix,
    not a traceback."""
    config = write_project(tmp_path)
    text = config.read_text(encoding="utf-8").replace('name = "Testbureau"', 'name = "Café Zuid"')
    config.write_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"))
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "html",
                 "--out", tmp_path / "site", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "Café Zuid" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    config.write_bytes(text.encode("cp1252"))
    result = cli("check", "--config", config)
    assert result.exit_code == 2
    line = text.splitlines().index('name = "Café Zuid"') + 1
    assert result.output == (
        "Error: 1 configuration problem(s):\n"
        f"  config.toml:{line}: is not UTF-8 text: byte 0xE9 in column 12 (perhaps saved as "
        "Windows-1252 or Latin-1); expected UTF-8, as TOML files are: save it again with the "
        "encoding UTF-8\n")
    config.write_bytes(text.encode("utf-16"))
    result = cli("check", "--config", config)
    assert result.exit_code == 2 and "config.toml: is saved as UTF-16; expected UTF-8" in result.output


def test_a_config_parsed_once_gives_each_reader_its_own_copy(tmp_path):
    from relatierapport.config import read_toml

    config = write_project(tmp_path)
    first = read_toml(config)
    first["project"]["name"] = "Veranderd"
    first["sources"].clear()
    again = read_toml(config)
    assert again["project"]["name"] == "Testbureau" and again["sources"]
    config.write_text(config.read_text(encoding="utf-8").replace("Testbureau", "Ander Bureau"),
                      encoding="utf-8")
    assert read_toml(config)["project"]["name"] == "Ander Bureau"     # a new text is parsed anew


def test_config_written_as_inline_tables_is_located_too(tmp_path):
    """tomli_w (and so relatierapport.testing) writes [[goals]] as an array of inline tables;
    an item of a list is found by its position."""
    config = write_project(tmp_path)
    sources = config.read_text(encoding="utf-8").split("\n", 2)[2]        # after [project] name
    config.write_text(
        "goals = [\n"
        '    { id = "G1", metric = "revenue", target = 10 },\n'
        '    { id = "G2", metric = "revenue", target = "tien" },\n'          # line 3
        "]\n"
        '[project]\nname = "Testbureau"\n' + sources +
        '\n[plugins.mail]\nrecipients = [\n    "directie@testbureau.nl",\n    "geen adres",\n]\n',
        encoding="utf-8")
    address = config.read_text(encoding="utf-8").splitlines().index('    "geen adres",') + 1
    result = cli("check", "--config", config)
    assert result.exit_code == 2
    assert 'config.toml:3: [[goals]] #2 target: expected a number, found "tien"' in result.output
    assert f"config.toml:{address}: [plugins.mail] recipients[1]: expected" in result.output


def test_key_lines_follow_toml_as_written():
    from relatierapport.toml_lines import KeyLines
    lines = KeyLines.read(
        '# [fake]\n'                                   # 1
        'title = """\n[fake]\nx = 1\n"""\n'            # 2-5
        '[[sources]]\n'                                # 6
        'type = "csv"\n'                               # 7
        '[sources.columns]\n'                          # 8
        'id = "Nr"\n'                                  # 9
        '[[sources]]\n'                                # 10
        '"quoted key" = 1\n'                           # 11
        'columns = { name = "Naam" }\n'                # 12
        '[plugins]\n'                                  # 13
        'cadence.months.A = 3\n')                      # 14
    assert [lines.line_of(label) for label in (
        "[fake]", "[[sources]] #1 columns.id", "[[sources]] #1 path", "[[sources]] #2 quoted key",
        "[[sources]] #2 columns.name", "[plugins.cadence] months.A", "[plugins.cadence] months.B",
        "[[sources]]", "[goals]")] == [None, 9, 6, 11, 12, 14, 14, 6, None]
