"""``relatierapport new-plugin``: a package that installs with pip, shows up, builds and passes its tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib

import pytest

from conftest import cli, write_project
from relatierapport import __version__
from relatierapport.errors import ConfigError
from relatierapport.scaffold.new_plugin import names_for


def test_new_plugin_writes_a_package_with_its_entry_point(tmp_path):
    result = cli("new-plugin", "acme-score", "--out", tmp_path / "pkg")
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"created 6 files in {tmp_path / 'pkg'}; next:\n")
    files = sorted(str(p.relative_to(tmp_path / "pkg")) for p in (tmp_path / "pkg").rglob("*")
                   if p.is_file())
    assert files == [".gitignore", "README.md", "pyproject.toml",
                     "src/relatierapport_acme_score/__init__.py",
                     "src/relatierapport_acme_score/templates/acme_score.html",
                     "tests/test_relatierapport_acme_score.py"]
    project = tomllib.loads((tmp_path / "pkg" / "pyproject.toml").read_text(encoding="utf-8"))
    assert project["project"]["name"] == "relatierapport-acme-score"
    assert project["project"]["entry-points"] == {"relatierapport": {"acme_score": "relatierapport_acme_score"}}
    major, minor = __version__.split(".")[:2]
    assert project["project"]["dependencies"] == [
        f"relatierapport>={major}.{minor},<{major}.{int(minor) + 1}"]
    for path in (tmp_path / "pkg").rglob("*.py"):
        compile(path.read_text(encoding="utf-8"), str(path), "exec")
        assert "$" not in path.read_text(encoding="utf-8"), path   # every field was filled in


@pytest.mark.parametrize("given, plugin, dist", [
    ("acme-score", "acme_score", "relatierapport-acme-score"),
    ("Acme Score", "acme_score", "relatierapport-acme-score"),
    ("relatierapport-huisstijl", "huisstijl", "relatierapport-huisstijl"),
    ("crm2", "crm2", "relatierapport-crm2"),
])
def test_plugin_names(given, plugin, dist):
    names = names_for(given)
    assert (names.plugin, names.module, names.dist) == (plugin, f"relatierapport_{plugin}", dist)


def test_names_that_cannot_work_and_existing_folders_are_refused(tmp_path):
    with pytest.raises(ConfigError, match=r"NAME: expected letters, digits, - or _, starting with a "
                       r"letter \(e.g. acme-score\), found '9lives'"):
        names_for("9lives")
    with pytest.raises(ConfigError, match="'cadence' is the name of a built-in plugin; choose "
                       "another, e.g. acme_cadence"):
        names_for("cadence")
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "notes.txt").write_text("mine", encoding="utf-8")
    result = cli("new-plugin", "acme", "--out", tmp_path / "pkg")
    assert result.exit_code == 2
    assert "pkg: expected a new or empty folder; new-plugin never overwrites files" in result.output
    assert (tmp_path / "pkg" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_a_fresh_plugin_installs_shows_up_builds_and_passes_its_own_tests(tmp_path):
    """The issue's "done when": scaffold, pip install, plugins, build, the scaffold's tests.

    pip installs into a folder of its own (``--target``) put on PYTHONPATH for the
    subprocesses, so the test environment itself is left as it was.
    """
    package = tmp_path / "relatierapport-acme-score"
    site = tmp_path / "site-packages"
    env = {key: value for key, value in os.environ.items()
           if key not in ("RELATIERAPPORT_NO_INSTALLED_PLUGINS", "PYTHONPATH")}
    env["PYTHONPATH"] = str(site)

    def run(*args, cwd=tmp_path):
        done = subprocess.run([sys.executable, *map(str, args)], cwd=cwd, env=env,
                              capture_output=True, text=True)
        assert done.returncode == 0, f"{args}:\n{done.stdout}\n{done.stderr}"
        return done.stdout

    run("-m", "relatierapport", "new-plugin", "acme-score")
    run("-m", "pip", "install", "--quiet", "--no-deps", "--target", site, package)
    assert (site / "relatierapport_acme_score" / "templates" / "acme_score.html").is_file()

    listing = run("-m", "relatierapport", "plugins")
    assert ("acme_score  [package relatierapport-acme-score 0.1.0]\n"
            "    hooks: analyses, config_options, report_sections, template_dirs\n"
            "    options [plugins.acme_score]: window_days, points\n") in listing

    config = write_project(tmp_path / "project")
    built = run("-m", "relatierapport", "build", "--config", config, "--as-of", "2026-11-01",
                "--format", "html")
    assert built.startswith("built 3 relations into ") and ": 4 HTML pages, report.json;" in built
    out = tmp_path / "project" / "site"
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert {r["id"]: r["acme_score"] for r in report["relations"]} == {
        "K1": {"score": 25, "touchpoints": 1},        # 15-09-2026; 05-11 is after the report date
        "K2": {"score": 25, "touchpoints": 1},
        "C1": {"score": 0, "touchpoints": 0}}
    plan = (out / "relations" / "k1.html").read_text(encoding="utf-8")
    assert '<h2 id="acme_score-title">Acme score</h2>\n<p class="acme_score"><strong>25</strong> / 100</p>' \
        in plan

    tests = run("-m", "pytest", "-q", "-p", "no:cacheprovider", cwd=package)
    assert "4 passed" in tests
