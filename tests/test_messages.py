"""What `check` and `build` print: the same problem on many rows is one line with the count and
where; report.json and --summary keep every location."""

from __future__ import annotations

import json

import pytest

from conftest import TOUCHPOINTS, cli, write_project
from relatierapport.errors import Problem, grouped
from test_plugins import add_plugin

#: 300 touchpoints (lines 5-304) with the same bad direction, and one with a bad date.
SIDEWAYS = TOUCHPOINTS + "".join(f"K1;01-10-2026;M1;telefoon;sideways;check-in;;rij {n}\n"
                                 for n in range(300)) + "K2;31-02-2026;M2;bezoek;in;;;\n"

#: A project plugin that warns the same way about every relation (and once about one).
WARNS = """
from relatierapport import hookimpl
from relatierapport.errors import Problem
from relatierapport.hooktypes import Analysis, Findings

@hookimpl
def analyses():
    return [Analysis("nagger", nag)]

def nag(portfolio, config, findings):
    warnings = [Problem("data/relations.csv", "expected a postcode, found nothing",
                        relation.origin.rpartition(":")[2], "postcode")
                for relation in portfolio.relations.values()]
    return Findings(warnings=warnings + [Problem("data/relations.csv", "only once", "2", "city")])
"""


def test_the_same_data_error_on_many_rows_is_one_line_with_count_and_lines(tmp_path):
    config = write_project(tmp_path, files={"touchpoints.csv": SIDEWAYS})
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    lines = [line.strip() for line in result.output.splitlines() if line.startswith("  data/")]
    assert lines == [
        'data/touchpoints.csv: direction: expected in or out, found "sideways" — on 300 rows: '
        "lines 5–304 (first: 5, 6, 7)",
        'data/touchpoints.csv:305: date: expected a date as yyyy-mm-dd or dd-mm-yyyy, found "31-02-2026"']
    assert "Error: 301 data problem(s):" in result.output


def test_build_summary_keeps_every_location_of_a_grouped_error(tmp_path):
    config = write_project(tmp_path, files={"touchpoints.csv": SIDEWAYS})
    result = cli("build", "--config", config, "--summary", tmp_path / "summary.json")
    assert result.exit_code == 1
    assert "on 300 rows: lines 5–304" in result.output and result.output.count("sideways") == 1
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert [p["location"] for p in summary["problems"]] == [str(n) for n in range(5, 306)]


def test_the_same_warning_on_many_rows_is_one_line_in_check_and_build(tmp_path):
    relations = "id;name\n" + "".join(f"K{n};Relatie {n}\n" for n in range(1, 41))    # lines 2-41
    config = write_project(tmp_path, relations=relations, files={"touchpoints.csv": "relation;date\nK1;01-10-2026\n",
                                                                  "business.csv": "relation;date\nK1;01-02-2026\n"})
    add_plugin(tmp_path, "nagger", WARNS)
    for command in ("check", "build"):
        args = (command, "--config", config, "--as-of", "2026-11-01") + (
            ("--format", "json", "--summary", tmp_path / "summary.json") if command == "build" else ())
        result = cli(*args)
        assert result.exit_code == 0, result.output
        warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
        assert warnings == [
            "warning: data/relations.csv: postcode: expected a postcode, found nothing — on 40 rows: "
            "lines 2–41 (first: 2, 3, 4)",
            "warning: data/relations.csv:2: city: only once"], command
        assert "41 warning(s)" in result.output
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    postcode = [w for w in report["warnings"] if w["field"] == "postcode"]
    assert [w["location"] for w in postcode] == [str(n) for n in range(2, 42)]
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["counts"]["warnings"] == 41 and len(summary["warnings"]) == 41


def test_a_strict_failure_groups_its_warnings_too(tmp_path):
    relations = "id;name\n" + "".join(f"K{n};Relatie {n}\n" for n in range(1, 41))
    config = write_project(tmp_path, relations=relations, files={"touchpoints.csv": "relation;date\nK1;01-10-2026\n",
                                                                  "business.csv": "relation;date\nK1;01-02-2026\n"})
    add_plugin(tmp_path, "nagger", WARNS)
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json", "--strict")
    assert result.exit_code == 1
    assert "41 warning(s), failing because of --strict:\n" \
           "  data/relations.csv: postcode: expected a postcode, found nothing — on 40 rows: " \
           "lines 2–41 (first: 2, 3, 4)\n  data/relations.csv:2: city: only once" in result.output


def test_grouped_lines_compress_ranges_and_leave_few_problems_as_they_are():
    def many(source, locations, field="f", message="m"):
        return [Problem(source, message, str(location), field) for location in locations]

    problems = (many("a.csv", [2, 3, 4, 9, 11, 12, 13, 40, 41, 50, 60, 70, 80])
                + many("a.csv", [5, 6], message="twice")                # fewer than 4: one by one
                + many("b.xlsx", ["Blad1!2", "Blad1!3", "Blad1!4", "Blad1!7"])
                + many("c.vcf", ["", "", "", ""], field="")
                + many("d.csv", ["1", "x", "1", "y"]))
    assert grouped(problems) == [
        "a.csv: f: m — on 13 rows: lines 2–4, 9, 11–13, 40–41, 50, 60, … (2 more ranges) "
        "(first: 2, 3, 4)",
        "a.csv:5: f: twice", "a.csv:6: f: twice",
        "b.xlsx: f: m — on 4 rows: Blad1!2–4, 7 (first: 2, 3, 4)",
        "c.vcf: m — 4 times",
        "d.csv: f: m — 4 times: 1, x, y"]


# -- did you mean ------------------------------------------------------------------------------

def test_a_misspelled_section_plugin_table_key_and_source_type_get_the_close_name(tmp_path):
    config = write_project(tmp_path, extra_config="""
        [projcet]
        name = "x"

        [plugins.cadance]
        months = { A = 2 }

        [plugins.health]
        trend_month = 3
        zzz = 1
        """)
    result = cli("check", "--config", config, "--as-of", "2026-11-01")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert warnings == [
        "warning: config.toml:24: [projcet]: unknown section; did you mean [project]? "
        "(known: project, sources, identity, business, build, plugins, goals)",
        "warning: config.toml:31: [plugins.health] trend_month: unknown key; did you mean trend_months? "
        "(known keys: bands, cadence_zero_periods, fast_resolution_days, keywords, list_limit, "
        "min_known_indicators, no_response_after, proactive_exclude, referral_months, referral_target, repeat_months, "
        "repeat_target, response_days, response_months, signal_months, signals_per_relation, "
        "trend_months, trend_tolerance, value_add_months, value_add_target, weights)",
        "warning: config.toml:32: [plugins.health] zzz: unknown key (known keys: bands, "
        "cadence_zero_periods, fast_resolution_days, keywords, list_limit, min_known_indicators, "
        "no_response_after, "
        "proactive_exclude, referral_months, referral_target, repeat_months, repeat_target, "
        "response_days, response_months, signal_months, signals_per_relation, trend_months, "
        "trend_tolerance, value_add_months, value_add_target, weights)",
        "warning: config.toml:27: [plugins.cadance]: no loaded plugin declares options by this name; "
        "did you mean [plugins.cadence]?"]


def test_a_misspelled_source_type_is_an_error_with_the_close_type(tmp_path):
    config = write_project(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace('type = "csv"', 'type = "CVS"', 1),
                      encoding="utf-8")
    result = cli("check", "--config", config)
    assert result.exit_code == 2
    assert ('config.toml:5: [[sources]] #1 type: expected one of crm, csv, hubspot, odoo, pipedrive, '
            'salesforce, vcard, xlsx, found "CVS"; did you mean "csv"?') in result.output


def test_disabling_a_misspelled_plugin_in_config_names_the_close_one(tmp_path):
    config = write_project(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "Testbureau"', 'name = "Testbureau"\ndisable_plugins = ["netwerk", "xyz"]'),
        encoding="utf-8")
    result = cli("check", "--config", config, "--as-of", "2026-11-01")
    assert result.exit_code == 0
    assert ("warning: config.toml:3: [project] disable_plugins: cannot disable 'netwerk': no plugin has that name; did you mean "
            "'network'? (`relatierapport plugins` lists them)") in result.output
    assert ("warning: config.toml:3: [project] disable_plugins: cannot disable 'xyz': no plugin has that name "
            "(`relatierapport plugins` lists them)") in result.output


# -- hints when the header does not split or does not match --------------------------------------

def set_option(config, source: str, option: str) -> None:
    text = config.read_text(encoding="utf-8")
    anchor = f'path = "data/{source}"'
    config.write_text(text.replace(anchor, f"{anchor}\n{option}"), encoding="utf-8")


def errors(result) -> list[str]:
    return [line.strip() for line in result.output.splitlines() if line.startswith("  ")]


@pytest.mark.parametrize("careful", [False, True])
def test_a_wrong_delimiter_is_one_problem_saying_which_one_the_file_has(tmp_path, careful):
    """Both ways of reading a CSV (straight from a UTF-8 file, or decoded first) say it alike."""
    relations = ("Relatienr;Naam;Soort;Plaats;Accountmanager\r\n"
                 "K1;Alfa Bouw;organisatie;Utrecht;M1\r\nK2;Beta Zorg;organisatie;Zwolle;M2\r\n")
    config = write_project(tmp_path, relations=relations)
    set_option(config, "relations.csv", 'delimiter = ","\ncolumns = { id = "Relatienr", name = "Naam", '
               'kind = "Soort", city = "Plaats", owner = "Accountmanager" }'
               + ('\nencoding = "cp1252"' if careful else ""))
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert errors(result) == [
        "data/relations.csv:1: expected the columns Relatienr, Naam, Soort…, found one column "
        "'Relatienr;Naam;Soort;Plaats;Accountmana…': the file looks ';'-separated; "
        'set delimiter = ";" in [[sources]] #1']
    set_option(config, "relations.csv", 'skip_lines = 0')
    config.write_text(config.read_text(encoding="utf-8").replace('delimiter = ","', 'delimiter = ";"'),
                      encoding="utf-8")
    assert cli("check", "--config", config, "--as-of", "2026-11-01").exit_code == 0


def test_a_tab_separated_file_read_with_commas_names_the_tab(tmp_path):
    config = write_project(tmp_path, relations="id\tname\tcity, region\nK1\tAlfa\tUtrecht, Midden\n")
    set_option(config, "relations.csv", 'delimiter = ","')
    result = cli("check", "--config", config)
    assert errors(result) == [
        "data/relations.csv:1: expected the columns id, name, found 2 columns ('id\\tname\\tcity', "
        "'region'…): the file looks '\\t'-separated; set delimiter = \"\\t\" in [[sources]] #1"]


def test_one_header_typo_is_one_problem_naming_the_header_meant(tmp_path):
    config = write_project(tmp_path, relations="Relatienr;Nam;Plaats\nK1;Alfa Bouw;Utrecht\n")
    set_option(config, "relations.csv", 'columns = { id = "Relatienr", name = "Naam", city = "Plaats" }')
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert errors(result) == [
        'data/relations.csv: name: expected a header "Naam" (from columns), found headers: '
        'Relatienr, Nam, Plaats; did you mean "Nam"?']


def test_a_header_like_the_field_name_is_named_with_both_ways_to_fix_it(tmp_path):
    config = write_project(tmp_path, relations="id;nmae;city\nK1;Alfa Bouw;Utrecht\n")
    result = cli("check", "--config", config)
    assert errors(result) == [
        'data/relations.csv: name: expected a column for this field: a header "name" or '
        'columns = { name = "<your header>" }; found headers: id, nmae, city; the header "nmae" '
        'looks like it: rename it "name" or set columns = { name = "nmae" }']
    set_option(config, "relations.csv", 'columns = { nmae = "nmae" }')
    result = cli("check", "--config", config)
    assert ("data/relations.csv: columns maps unknown field 'nmae'; did you mean 'name'?; fields of "
            "relations: id, name, kind") in result.output


GARBLED = "id;name;city\nK1;Alfa Bouw;Utrecht\nK2;CafÃ© Noord;Zwolle\nK3;Dâ€™Arcy & Zn;Delft\n"


@pytest.mark.parametrize("padding", [0, 70_000])       # in the file's start, or far beyond it
def test_letters_garbled_before_the_file_was_saved_are_a_warning_with_the_letter_meant(tmp_path, padding):
    rows = "".join(f"P{n};Relatie {n};Café Çà ë\n" for n in range(padding // 30))
    config = write_project(tmp_path, relations=GARBLED.replace("\nK1", "\n" + rows + "K1", 1))
    result = cli("check", "--config", config, "--as-of", "2026-11-01")
    assert result.exit_code == 0, result.output
    line = 3 + padding // 30
    assert [line for line in result.output.splitlines() if line.startswith("warning:")] == [
        f'warning: data/relations.csv:{line}: expected readable text, found "Ã©" where "é" is meant '
        "(and on 1 more line): the file was read with the wrong encoding and saved again before it "
        "reached relatierapport, so no encoding option repairs it; export it again from the program "
        "it comes from, as UTF-8 (in [[sources]] #1)"]
    assert cli("check", "--config", config, "--as-of", "2026-11-01", "--strict").exit_code == 1


def test_accented_letters_written_right_are_no_warning(tmp_path):
    config = write_project(tmp_path, relations="id;name\nK1;Café Ça Ëlse à la Ã ©\nK2;Zoë’s\n")
    result = cli("check", "--config", config, "--as-of", "2026-11-01", "--strict")
    assert result.exit_code == 0, result.output
