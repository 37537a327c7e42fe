"""Findings kept between builds (``relatierapport.findings_memo``): an analysis that names its
inputs runs again only when they, its code or relatierapport changed; a rebuild that reuses
them writes what a clean build writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from conftest import cli, example_copy, write_project

AS_OF = "2026-11-01"

COUNTING_PLUGIN = """\
import datetime as dt
from pathlib import Path
from relatierapport import hookimpl
from relatierapport.hooktypes import Analysis, Findings

RUNS = Path(__file__).parent.parent / "runs.txt"

@hookimpl
def analyses():
    return [Analysis("telling", run, inputs=inputs)]

def inputs(portfolio, config, findings):
    return [",".join(sorted(portfolio.relations)), config.project["name"]]

def run(portfolio, config, findings):
    with RUNS.open("a") as handle:
        handle.write("run\\n")
    return Findings(relations={rid: {"letters": len(r.name)} for rid, r in portfolio.relations.items()},
                    portfolio={"relations": len(portfolio.relations), "share": 0.1 + 0.2,
                               "nested": {"list": [1, 2.5, None, "x"]}, SHAPE},
                    warnings=WARNINGS)
"""


def counting_project(root: Path, *, shape: str = '"ok": True', warnings: str = "[]") -> Path:
    config = write_project(root)
    (root / "plugins").mkdir()
    (root / "plugins" / "telling.py").write_text(
        COUNTING_PLUGIN.replace("SHAPE", shape).replace("WARNINGS", warnings), encoding="utf-8")
    return config


def build(config: Path, out: Path, *extra: str):
    result = cli("build", "--config", config, "--as-of", AS_OF, "--format", "html", "--out", out,
                 "--jobs", "1", *extra)
    assert result.exit_code == 0, result.output
    return json.loads((out / "report.json").read_text(encoding="utf-8"))


def runs(config: Path) -> int:
    path = config.parent / "runs.txt"
    return len(path.read_text().splitlines()) if path.exists() else 0


def test_unchanged_inputs_reuse_the_findings_and_the_output_equals_a_clean_build(tmp_path):
    config = counting_project(tmp_path / "project")
    out = tmp_path / "site"
    first = build(config, out)
    assert runs(config) == 1
    assert (out / ".relatierapport" / "findings" / "telling.json").is_file()
    again = build(config, out)
    assert runs(config) == 1                          # not run: the kept findings were used
    assert again["portfolio"]["telling"] == first["portfolio"]["telling"]
    assert again["relations"] == first["relations"]
    clean = tmp_path / "clean"
    build(config, clean, "--clean")
    assert runs(config) == 2                          # --clean runs every analysis
    for name in ("report.json", "index.html", ".relatierapport/findings/telling.json",
                 ".relatierapport/findings/clv.json", ".relatierapport/findings/clv.arrow"):
        assert (out / name).read_bytes() == (clean / name).read_bytes(), name


def test_changed_inputs_or_code_run_the_analysis_again(tmp_path):
    config = counting_project(tmp_path / "project")
    out = tmp_path / "site"
    build(config, out)
    relations = config.parent / "data" / "relations.csv"
    relations.write_text(relations.read_text(encoding="utf-8")
                         + "K3;Gamma Groep;organisatie;opdrachtgever;M1;B;01-01-2020;Ede\n",
                         encoding="utf-8")
    found = build(config, out)
    assert runs(config) == 2 and found["portfolio"]["telling"]["relations"] == 4
    build(config, out)
    assert runs(config) == 2
    plugin = config.parent / "plugins" / "telling.py"
    plugin.write_text(plugin.read_text(encoding="utf-8") + "# an edit that changes nothing\n",
                      encoding="utf-8")
    build(config, out)
    assert runs(config) == 3                          # its code changed: run again


def test_an_edit_of_relatierapports_own_code_runs_the_analysis_again(tmp_path):
    """An editable install or a checkout keeps its version while its code changes, and an
    analysis runs package code outside its own module: such an edit is a change of code too."""
    import shutil

    import relatierapport

    package = tmp_path / "install" / "relatierapport"
    shutil.copytree(Path(relatierapport.__file__).parent, package,
                    ignore=shutil.ignore_patterns("__pycache__"))
    config = counting_project(tmp_path / "project")
    env = {**os.environ, "PYTHONPATH": str(package.parent)}

    def build_with_the_copy() -> None:
        done = subprocess.run([sys.executable, "-m", "relatierapport", "build", "--config", str(config),
                               "--as-of", AS_OF, "--format", "html", "--out", str(tmp_path / "site"),
                               "--jobs", "1"], env=env, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr

    build_with_the_copy()
    build_with_the_copy()
    assert runs(config) == 1                          # the second build reused the findings
    dates = package / "dates.py"
    dates.write_text(dates.read_text(encoding="utf-8") + "# an edit that changes nothing\n",
                     encoding="utf-8")
    build_with_the_copy()
    assert runs(config) == 2      # (also shows the copy ran: the installed package did not change)


def test_warnings_come_back_with_the_findings(tmp_path):
    warning = "[Problem('telling', 'te weinig', field='[plugins.telling]')]"
    config = counting_project(tmp_path / "project", warnings=warning)
    (config.parent / "plugins" / "telling.py").write_text(
        "from relatierapport.errors import Problem\n"
        + (config.parent / "plugins" / "telling.py").read_text(encoding="utf-8"), encoding="utf-8")
    out = tmp_path / "site"
    first = build(config, out)
    again = build(config, out)
    assert runs(config) == 1
    assert first["warnings"] == again["warnings"]
    assert any(w["message"] == "te weinig" for w in again["warnings"])


def test_findings_that_would_not_come_back_equal_are_not_kept(tmp_path):
    config = counting_project(tmp_path / "project", shape='"since": dt.date(2020, 1, 1)')
    out = tmp_path / "site"
    build(config, out)
    assert not (out / ".relatierapport" / "findings" / "telling.json").exists()
    found = build(config, out)
    assert runs(config) == 2
    assert found["portfolio"]["telling"]["since"] == "2020-01-01"


def test_a_damaged_or_linked_memo_is_not_read(tmp_path):
    config = counting_project(tmp_path / "project")
    out = tmp_path / "site"
    build(config, out)
    kept = out / ".relatierapport" / "findings" / "telling.json"
    kept.write_bytes(kept.read_bytes()[:40])
    build(config, out)
    assert runs(config) == 2
    # the findings folder replaced by a link to one elsewhere that holds matching findings
    elsewhere = tmp_path / "elsewhere"
    (out / ".relatierapport" / "findings").rename(elsewhere)
    (out / ".relatierapport" / "findings").symlink_to(elsewhere)
    build(config, out)
    assert runs(config) == 3


def test_a_rebuild_with_the_same_purchases_does_not_import_scipy(tmp_path):
    """The clv fit is what this is for: on the example, its figures come back without scipy."""
    config = example_copy(tmp_path / "project")
    out = tmp_path / "site"
    probe = ("import sys; from relatierapport.cli import main\n"
             "try:\n"
             f"    main(['build', '--config', {str(config)!r}, '--as-of', {AS_OF!r}, '--format', 'html',"
             f" '--out', {str(out)!r}, '--jobs', '1'])\n"
             "except SystemExit as exit:\n"
             "    assert not exit.code, exit.code\n"
             "print('scipy' in sys.modules)\n")

    def build_and_tell() -> tuple[bool, dict]:
        done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                              env={**os.environ, "RELATIERAPPORT_NO_INSTALLED_PLUGINS": "1"})
        assert done.returncode == 0, done.stderr
        return done.stdout.strip().splitlines()[-1] == "True", json.loads(
            (out / "report.json").read_text(encoding="utf-8"))

    imported, first = build_and_tell()
    assert imported and first["portfolio"]["clv"]["bgnbd"] is not None
    imported, again = build_and_tell()
    assert not imported
    assert again["portfolio"]["clv"] == first["portfolio"]["clv"]
    assert [r["clv"] for r in again["relations"]] == [r["clv"] for r in first["relations"]]
    business = config.parent / "data" / "opdrachten.csv"
    business.write_text(business.read_text(encoding="utf-8") + "K002;20-10-2026;900,00;2,0;advies;gewonnen\n",
                        encoding="utf-8")
    imported, changed = build_and_tell()
    assert imported and changed["portfolio"]["clv"]["bgnbd"] != first["portfolio"]["clv"]["bgnbd"]
