"""The plugin manager: local and installed plugins, broken ones, misspelled hooks, overrides."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from conftest import cli, write_project
from relatierapport.errors import PluginError
from relatierapport.plugins import make_plugins

GOOD_PLUGIN = """
from relatierapport import hookimpl
from relatierapport.hooktypes import Analysis, Findings, Section

@hookimpl
def analyses():
    return [Analysis("acme_score", score, requires=("cadence",))]

def score(portfolio, config, findings):
    cadence = findings["cadence"].relations
    return Findings(relations={rid: {"points": 100 - found["days_overdue"]}
                               for rid, found in cadence.items()},
                    portfolio={"relations_scored": len(cadence)})

@hookimpl
def report_sections(kind, relation, report):
    if kind == "relation":
        points = report.findings["acme_score"].relations[relation.id]["points"]
        return [Section("acme", "ACME-score", "acme.html", 50, {"points": points})]
    return []

@hookimpl
def template_dirs():
    from pathlib import Path
    return [Path(__file__).parent / "acme_templates"]
"""


def add_plugin(root: Path, name: str, code: str, templates: dict[str, str] | None = None) -> None:
    folder = root / "plugins"
    folder.mkdir(exist_ok=True)
    (folder / f"{name}.py").write_text(textwrap.dedent(code), encoding="utf-8")
    for template, text in (templates or {}).items():
        (folder / f"{name}_templates").mkdir(exist_ok=True)
        (folder / f"{name}_templates" / template).write_text(text, encoding="utf-8")


def test_local_plugin_adds_a_finding_and_a_section(project):
    add_plugin(project.parent, "acme", GOOD_PLUGIN,
               {"acme.html": '<p class="acme">{{ section.data.points }} punten</p>'})
    result = cli("build", "--config", project, "--as-of", "2026-11-01", "--format", "html")
    assert result.exit_code == 0, result.output
    site = project.parent / "site"
    report = json.loads((site / "report.json").read_text(encoding="utf-8"))
    k1 = report["relations"][0]
    assert k1["acme_score"] == {"points": 83}          # 100 - 17 days overdue (due 15 Oct)
    assert report["portfolio"]["acme_score"] == {"relations_scored": 3}
    assert '<p class="acme">83 punten</p>' in (site / "relations" / "k1.html").read_text(encoding="utf-8")
    listing = cli("plugins", "--config", project).output
    assert "acme  [local file" in listing
    assert "hooks: analyses, report_sections, template_dirs" in listing


def test_project_template_overrides_one_block_of_the_builtin(project):
    templates = project.parent / "templates"
    templates.mkdir()
    (templates / "base.html").write_text(
        '{% extends "builtin/base.html" %}'
        '{% block masthead %}<p class="huisstijl">Ons logo</p>{{ super() }}{% endblock %}',
        encoding="utf-8")
    assert cli("build", "--config", project, "--as-of", "2026-11-01", "--format", "html").exit_code == 0
    page = (project.parent / "site" / "relations" / "k1.html").read_text(encoding="utf-8")
    assert '<p class="huisstijl">Ons logo</p>' in page
    assert "Contactritme" in page           # the rest of the built-in page is still there


def test_broken_local_plugin_is_named_and_skipped_or_fatal_under_strict(project):
    add_plugin(project.parent, "kapot", "import does_not_exist\n")
    result = cli("build", "--config", project, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == 0
    assert "plugin 'kapot' could not be loaded" in result.output
    assert "ModuleNotFoundError" in result.output
    strict = cli("build", "--config", project, "--format", "json", "--strict")
    assert strict.exit_code == 1
    assert "plugin 'kapot' failed in hook load" in strict.output


def test_misspelled_hook_is_an_error_naming_plugin_and_hook(project):
    add_plugin(project.parent, "typo", """
        from relatierapport import hookimpl
        @hookimpl
        def analyse():
            return []
        """)
    result = cli("build", "--config", project, "--format", "json")
    assert result.exit_code == 1
    assert "plugin 'typo' failed in hook analyse: no such hook; is the name misspelled?" in result.output
    assert "Known hooks: analyses, config_options" in result.output


def test_wrong_argument_name_is_an_error_at_start_up(project):
    add_plugin(project.parent, "args", """
        from relatierapport import hookimpl
        @hookimpl
        def report_sections(kind, relatie):
            return []
        """)
    result = cli("check", "--config", project)
    assert result.exit_code == 1
    assert "plugin 'args' failed in hook report_sections" in result.output
    assert "relatie" in result.output


def test_plugin_raising_in_analysis_is_named(project):
    add_plugin(project.parent, "fout", """
        from relatierapport import hookimpl
        from relatierapport.hooktypes import Analysis
        @hookimpl
        def analyses():
            return [Analysis("fout", lambda portfolio, config, findings: 1 / 0)]
        """)
    result = cli("build", "--config", project, "--format", "json")
    assert result.exit_code == 1
    assert "plugin 'fout' failed in hook analyses" in result.output
    assert "ZeroDivisionError" in result.output


def test_two_plugins_with_one_name_is_an_error_naming_both(project):
    add_plugin(project.parent, "dubbel", """
        from relatierapport import hookimpl
        from relatierapport.hooktypes import OutputFormat
        @hookimpl
        def output_formats():
            return [OutputFormat("html", lambda pages, out, state: [])]
        """)
    result = cli("build", "--config", project, "--format", "json")
    assert result.exit_code == 1
    assert "name 'html' is already provided by plugin" in result.output
    assert "dubbel" in result.output and "html_output" in result.output


def test_missing_requirement_and_cycles_are_named(tmp_path):
    config = write_project(tmp_path)
    add_plugin(tmp_path, "kring", """
        from relatierapport import hookimpl
        from relatierapport.hooktypes import Analysis, Findings
        run = lambda portfolio, config, findings: Findings()
        @hookimpl
        def analyses():
            return [Analysis("een", run, requires=("twee",)), Analysis("twee", run, requires=("een",))]
        """)
    result = cli("build", "--config", config, "--format", "json")
    assert result.exit_code == 1
    assert "analyses require each other in a cycle" in result.output


def test_disable_plugins_in_config(project):
    project.write_text(project.read_text(encoding="utf-8").replace(
        'name = "Testbureau"', 'name = "Testbureau"\ndisable_plugins = ["cadence"]'), encoding="utf-8")
    assert cli("build", "--config", project, "--format", "json").exit_code == 0
    report = json.loads((project.parent / "site" / "report.json").read_text(encoding="utf-8"))
    assert "cadence" not in report["portfolio"]


def write_distribution(site: Path, name: str, module: str, code: str) -> None:
    """An installed package with an entry point, as pip would leave it in site-packages."""
    (site / f"{module}.py").write_text(textwrap.dedent(code), encoding="utf-8")
    info = site / f"{name}-1.2.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(f"Metadata-Version: 2.1\nName: {name}\nVersion: 1.2\n", encoding="utf-8")
    (info / "entry_points.txt").write_text(f"[relatierapport]\n{module} = {module}\n", encoding="utf-8")


def test_installed_plugins_load_by_entry_point_and_broken_ones_are_named(tmp_path, monkeypatch):
    site = tmp_path / "site-packages"
    site.mkdir()
    write_distribution(site, "acme-plugin", "acme_installed", """
        from relatierapport import hookimpl
        from relatierapport.options import Option, OptionGroup, Text
        @hookimpl
        def config_options():
            return [OptionGroup("plugins.acme_installed", (Option("kleur", Text(), "blauw", "Kleur."),))]
        """)
    write_distribution(site, "broken-plugin", "broken_installed", "raise RuntimeError('kapot')\n")
    monkeypatch.syspath_prepend(str(site))
    plugins = make_plugins(None)
    assert plugins.loaded["acme_installed"].origin == "package acme-plugin 1.2"
    assert [w.message for w in plugins.warnings] == [
        "plugin 'broken_installed' could not be loaded (package broken-plugin 1.2): "
        "RuntimeError: kapot; skipped"]
    with pytest.raises(PluginError, match="broken_installed.*RuntimeError: kapot"):
        make_plugins(None, strict=True)
    monkeypatch.setenv("RELATIERAPPORT_NO_INSTALLED_PLUGINS", "1")
    assert "acme_installed" not in make_plugins(None).loaded


def test_builtins_are_plugins_on_the_public_hooks():
    plugins = make_plugins(None)
    builtin = {name for name, p in plugins.loaded.items() if p.origin == "built-in"}
    assert {"csv_source", "cadence", "html_output", "pdf_output", "json_output"} <= builtin
    assert plugins.hooks_of("cadence") == ["analyses", "config_options", "report_sections"]


def test_a_template_error_names_the_template_file_and_line(project):
    templates = project.parent / "templates"
    templates.mkdir()
    (templates / "relation.html").write_text(
        '{% extends "builtin/relation.html" %}\n{% block content %}\n{{ relation.nmae }}\n{% endblock %}',
        encoding="utf-8")
    result = cli("build", "--config", project, "--format", "html")
    assert result.exit_code == 1
    assert "templates/relation.html:3: template error while rendering relation 'K1'" in result.output
    assert "has no attribute 'nmae'" in result.output
