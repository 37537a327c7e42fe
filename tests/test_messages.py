"""What `check` and `build` print: the same problem on many rows is one line with the count and
where; report.json and --summary keep every location."""

from __future__ import annotations

import json

from conftest import TOUCHPOINTS, cli, write_project
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
    config = write_project(tmp_path, relations=relations, files={"touchpoints.csv": "relation;date\n",
                                                                  "business.csv": "relation;date\n"})
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
    config = write_project(tmp_path, relations=relations, files={"touchpoints.csv": "relation;date\n",
                                                                  "business.csv": "relation;date\n"})
    add_plugin(tmp_path, "nagger", WARNS)
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json", "--strict")
    assert result.exit_code == 1
    assert "41 warning(s), failing because of --strict:\n" \
           "  data/relations.csv: postcode: expected a postcode, found nothing — on 40 rows: " \
           "lines 2–41 (first: 2, 3, 4)\n  data/relations.csv:2: city: only once" in result.output
