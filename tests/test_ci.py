"""What a CI job relies on: --strict fails on any warning, a one-line summary, a summary file."""

from __future__ import annotations

import json

from conftest import TOUCHPOINTS, cli, write_project


def test_summary_file_lists_counts_warnings_and_outputs(project, tmp_path):
    result = cli("build", "--config", project, "--as-of", "2026-11-01", "--format", "html",
                 "--format", "ics", "--summary", tmp_path / "ci" / "summary.json")
    assert result.exit_code == 0, result.output
    last = result.output.strip().splitlines()[-1]
    # files and printed pages apart: 4 HTML pages (the portfolio and 3 plans), no PDF, 3 calendars
    assert last.startswith("built 3 relations into ") and \
        last.endswith(": 4 HTML pages, 3 calendars, report.json; 0 warning(s)"), last
    summary = json.loads((tmp_path / "ci" / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "ok" and summary["exit_code"] == 0 and summary["as_of"] == "2026-11-01"
    assert summary["counts"] == {"relations": 3, "pages": 4, "html": 4, "pdf": 0, "printed_pages": None,
                                 "calendars": 3, "files": len(summary["outputs"]), "carried_over": 0,
                                 "warnings": 0}
    assert {"index.html", "relations/k1.html", "calendar.ics", "calendar/m1.ics", "report.json"} \
        <= set(summary["outputs"])
    first = (tmp_path / "ci" / "summary.json").read_bytes()
    assert cli("build", "--config", project, "--as-of", "2026-11-01", "--format", "html", "--format", "ics",
               "--summary", tmp_path / "ci" / "summary.json").exit_code == 0
    assert (tmp_path / "ci" / "summary.json").read_bytes() == first        # deterministic


def test_strict_fails_on_a_data_warning_and_the_summary_says_why(tmp_path):
    # a touchpoint of a relation no source defines is a warning; --strict makes it fatal
    config = write_project(tmp_path, files={"touchpoints.csv": TOUCHPOINTS + "X9;01-10-2026;M1;;;;;\n"})
    lenient = cli("build", "--config", config, "--format", "json", "--summary", tmp_path / "ok.json")
    assert lenient.exit_code == 0
    assert json.loads((tmp_path / "ok.json").read_text(encoding="utf-8"))["counts"]["warnings"] == 1
    strict = cli("build", "--config", config, "--format", "json", "--strict",
                 "--summary", tmp_path / "strict.json")
    assert strict.exit_code == 1
    assert "failing because of --strict" in strict.output and "X9" in strict.output
    summary = json.loads((tmp_path / "strict.json").read_text(encoding="utf-8"))
    assert summary["status"] == "failed" and summary["exit_code"] == 1
    assert any("X9" in problem["message"] for problem in summary["problems"])


def test_a_config_error_is_in_the_summary_with_exit_code_2(tmp_path):
    config = write_project(tmp_path, extra_config="[plugins.planning]\nmonths = 0\n")
    result = cli("build", "--config", config, "--summary", tmp_path / "summary.json")
    assert result.exit_code == 2
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["exit_code"] == 2 and summary["problems"][0]["field"] == "[plugins.planning] months"
