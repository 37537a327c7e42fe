"""The build through the CLI: outputs, exit codes, determinism, atomic output, init."""

from __future__ import annotations

import hashlib
import json
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import cli, run


def tree_digest(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_build_writes_the_contracted_layout(project):
    result = cli("build", "--config", project, "--as-of", "2026-11-01", "--format", "html")
    assert result.exit_code == 0, result.output
    site = project.parent / "site"
    assert (site / "index.html").is_file()
    assert sorted(p.name for p in (site / "relations").iterdir()) == ["c1.html", "k1.html", "k2.html"]
    assert (site / "assets" / "report.css").is_file()
    report = json.loads((site / "report.json").read_text(encoding="utf-8"))
    assert report["schema"] == 1 and report["as_of"] == "2026-11-01"
    assert [r["id"] for r in report["relations"]] == ["K1", "K2", "C1"]
    k1 = report["relations"][0]
    assert k1["kind"] == "organisation" and k1["role"] == "client" and k1["owner"] == "M1"
    assert k1["cadence"]["last_touchpoint"] == "2026-09-15"   # the 5 Nov touchpoint is after as_of
    assert "cadence" in report["portfolio"]
    assert not (site / "portfolio.pdf").exists()


def test_same_input_gives_identical_html_and_json(project, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    for out in (first, second):
        assert cli("build", "--config", project, "--as-of", "2026-11-01", "--format", "html",
                   "--out", out).exit_code == 0
    assert tree_digest(first) == tree_digest(second)


def test_report_date_defaults_to_today(project):
    import datetime as dt
    assert cli("build", "--config", project, "--format", "json").exit_code == 0
    report = json.loads((project.parent / "site" / "report.json").read_text(encoding="utf-8"))
    assert report["as_of"] == dt.date.today().isoformat()
    assert not (project.parent / "site" / "index.html").exists()   # --format json writes json alone


def test_unknown_format_is_a_usage_error(project):
    result = cli("build", "--config", project, "--format", "docx")
    assert result.exit_code == 2
    assert "docx" in result.output and "html" in result.output


def test_missing_config_is_exit_2(tmp_path):
    result = cli("build", "--config", tmp_path / "config.toml")
    assert result.exit_code == 2
    assert "config.toml: not found" in result.output


@pytest.mark.needs("pdftotext", "pdfinfo")
def test_init_then_build_gives_html_and_pdf(tmp_path):
    target = tmp_path / "x"
    assert run("init", target).returncode == 0
    assert (target / "config.toml").is_file() and (target / "plugins" / "jubileum.py").is_file()
    assert (target / "templates").is_dir()
    built = run("build", "--as-of", "2026-11-01", cwd=target)
    assert built.returncode == 0, built.stderr
    site = target / "site"
    relations = json.loads((site / "report.json").read_text(encoding="utf-8"))["relations"]
    for relation in relations:
        slug = relation["id"].lower()
        assert (site / "relations" / f"{slug}.html").is_file()
        assert (site / "relations" / f"{slug}.pdf").read_bytes().startswith(b"%PDF")
    text = subprocess.run(["pdftotext", "-layout", site / "portfolio.pdf", "-"],
                          capture_output=True, text=True, check=True).stdout
    assert "Portefeuillerapport" in text and "Contactritme" in text
    assert "1 november 2026" in text            # Dutch dates via Babel
    assert "pagina 1 van" in text
    info = subprocess.run(["pdfinfo", site / "portfolio.pdf"], capture_output=True, text=True).stdout
    assert "2026" in info and "Nov  1" in info   # metadata dates come from --as-of
    # the last line counts files and printed pages apart; the printed pages are what pdfinfo
    # counts in all PDFs together
    pdfs = [site / "portfolio.pdf", *sorted((site / "relations").glob("*.pdf"))]
    printed = sum(int(re.search(r"^Pages:\s+(\d+)", subprocess.run(
        ["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout, re.M).group(1)) for pdf in pdfs)
    assert printed > len(pdfs)                   # plans run over more than one page
    last = built.stdout.strip().splitlines()[-1]
    assert f": {len(relations) + 1} HTML pages, {len(pdfs)} PDFs ({printed} printed pages), " in last, last


def test_init_refuses_an_existing_project(tmp_path):
    (tmp_path / "config.toml").write_text("", encoding="utf-8")
    result = cli("init", tmp_path)
    assert result.exit_code == 2
    assert "never overwrites" in result.output


def test_init_config_is_valid_toml_with_comments(tmp_path):
    import tomllib
    assert cli("init", tmp_path / "p").exit_code == 0
    text = (tmp_path / "p" / "config.toml").read_text(encoding="utf-8")
    parsed = tomllib.loads(text)
    assert parsed["plugins"]["cadence"]["months"] == {"A": 1, "B": 3, "C": 6}
    assert "# Maanden tussen contactmomenten per categorie." in text      # Dutch unless asked
    assert len(parsed["sources"]) == 7
    assert cli("check", "--config", tmp_path / "p" / "config.toml").exit_code == 0


def test_python_dash_m_and_help():
    result = run("--help")
    assert result.returncode == 0
    for command in ("build", "check", "init", "plugins"):
        assert command in result.stdout


def test_a_failed_build_leaves_the_previous_output(project):
    assert cli("build", "--config", project, "--as-of", "2026-11-01", "--format", "html").exit_code == 0
    site = project.parent / "site"
    before = tree_digest(site)
    plugins = project.parent / "plugins"
    plugins.mkdir()
    (plugins / "kapot.py").write_text(
        "from relatierapport import hookimpl\n"
        "from relatierapport.hooktypes import Section\n"
        "@hookimpl\n"
        "def report_sections(kind, relation):\n"
        "    if relation is not None and relation.id == 'K2':\n"
        "        raise RuntimeError('boom')\n"
        "    return []\n", encoding="utf-8")
    result = cli("build", "--config", project, "--as-of", "2026-11-02", "--format", "html")
    assert result.exit_code == 1
    assert "plugin 'kapot' failed in hook report_sections for relation 'K2'" in result.output
    assert "RuntimeError: boom" in result.output
    assert tree_digest(site) == before
    assert [p.name for p in project.parent.iterdir() if p.name.startswith(".site")] == []


def test_killing_a_build_half_way_leaves_the_previous_output(tmp_path):
    target = tmp_path / "p"
    assert cli("init", target).exit_code == 0
    config = target / "config.toml"
    assert cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "html").exit_code == 0
    site = target / "site"
    before = tree_digest(site)
    process = subprocess.Popen([sys.executable, "-m", "relatierapport", "build", "--config", config,
                                "--as-of", "2026-11-02", "--jobs", "1"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    staged = []
    while time.monotonic() < deadline and process.poll() is None:
        staged = list(target.glob(".site.building-*/relations/*.pdf"))
        if len(staged) >= 3:      # half-way: some PDFs written, not all
            break
        time.sleep(0.05)
    assert process.poll() is None, "the build finished before it could be interrupted"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert staged
    assert tree_digest(site) == before
    # the next build cleans up the killed build's leftovers and succeeds
    assert cli("build", "--config", config, "--as-of", "2026-11-02", "--format", "html").exit_code == 0
    assert list(target.glob(".site.*")) == []
    assert json.loads((site / "report.json").read_text(encoding="utf-8"))["as_of"] == "2026-11-02"


def test_output_folder_that_is_not_ours_is_refused(project, tmp_path):
    foreign = tmp_path / "documents"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("precious", encoding="utf-8")
    result = cli("build", "--config", project, "--out", foreign, "--format", "html")
    assert result.exit_code == 2
    assert "was not written by relatierapport" in result.output
    assert (foreign / "thesis.docx").read_text(encoding="utf-8") == "precious"
    assert cli("build", "--config", project, "--out", project.parent).exit_code == 2


def test_streamed_report_json_holds_the_whole_document_one_relation_per_line(project):
    import dataclasses
    import datetime as dt

    import orjson

    from relatierapport.build import BuildOptions, prepare_report
    from relatierapport.builtin.outputs.json_output import _default, report_chunks, report_document

    _, report = prepare_report(BuildOptions(project, as_of=dt.date(2026, 11, 1)))
    streamed = b"".join(report_chunks(report))
    whole = orjson.loads(orjson.dumps(report_document(report), default=_default))
    assert orjson.loads(streamed) == whole
    lines = streamed.decode().splitlines()
    entries = [line for line in lines if line.startswith('    {"id":')]
    assert [orjson.loads(line.rstrip(","))["id"] for line in entries] == list(report.portfolio.relations)
    # the same report without relations (the portfolio is read-only: a changed copy of it)
    report = dataclasses.replace(report, portfolio=dataclasses.replace(report.portfolio, relations={}))
    empty = b"".join(report_chunks(report))
    assert orjson.loads(empty) == orjson.loads(orjson.dumps(report_document(report), default=_default))
    assert b'"relations": [],' in empty



def test_the_top_level_fields_and_each_relations_own(tmp_path):
    """docs/definitions/report.md: the top level and the fields every relations[] entry starts
    with, read from the data as written (kind and role translated to their codes)."""
    from conftest import write_project
    from relatierapport import __version__

    relations = ("id;name;kind;role;owner;organisation\n"
                 "K1;Alfa Bouw;organisatie;opdrachtgever;M1;\n"
                 "P1;Jan de Vries;persoon;contactpersoon;M9;K1\n")
    config = write_project(tmp_path, relations=relations)
    assert cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json").exit_code == 0
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    assert list(report) == ["schema", "as_of", "generator", "project", "language", "relations",
                            "portfolio", "goals", "warnings"]
    assert (report["schema"], report["as_of"], report["generator"], report["project"],
            report["language"]) == (1, "2026-11-01", f"relatierapport {__version__}", "Testbureau", "nl")
    heads = [{key: r[key] for key in ("id", "name", "kind", "role", "owner", "organisation")}
             for r in report["relations"]]
    # M9 is no employee: the relation keeps no owner, and a warning says so (the other one: the
    # shared touchpoints name K2, which this project lacks)
    assert heads == [
        {"id": "K1", "name": "Alfa Bouw", "kind": "organisation", "role": "client", "owner": "M1",
         "organisation": None},
        {"id": "P1", "name": "Jan de Vries", "kind": "person", "role": "contact", "owner": None,
         "organisation": "K1"}]
    assert all(set(w) == {"source", "location", "field", "message"} for w in report["warnings"])
    assert [w["field"] for w in report["warnings"]] == ["relation", "owner"]
