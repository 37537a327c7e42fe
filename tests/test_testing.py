"""relatierapport.testing: the helper plugin authors build a small project with."""

from __future__ import annotations

import datetime as dt
import sys
import textwrap
import types

import pytest

from relatierapport import hookimpl
from relatierapport.errors import ConfigError
from relatierapport.hooktypes import Analysis, Findings
from relatierapport.testing import build_project, plugin_file, plugin_name


def test_sample_project_builds_without_warnings_and_returns_findings_report_and_pages(tmp_path):
    built = build_project(tmp_path)
    assert built.warnings == []
    assert [r["id"] for r in built.report["relations"]] == ["K1", "K2", "C1"]
    assert built.report["as_of"] == "2026-11-01"
    assert built.findings["cadence"].relations["K1"]["next_due"] == dt.date(2026, 10, 15)
    assert built.relation("K1")["cadence"]["next_due"] == "2026-10-15"   # as report.json has it
    assert sorted(built.pages) == ["index.html", "relations/c1.html", "relations/k1.html",
                                   "relations/k2.html"]
    assert "<h1>Alfa Bouw</h1>" in built.page("K1")
    assert built.page() == built.pages["index.html"]
    assert (tmp_path / "site" / "report.json").is_file()
    with pytest.raises(KeyError, match="no relation 'K9' in report.json; it has K1, K2, C1"):
        built.relation("K9")


def test_rows_are_written_as_the_model_reads_them(tmp_path):
    built = build_project(tmp_path, relations=[
        {"id": "X1", "name": "Gamma, Delta & Zn", "since": dt.date(2019, 2, 28),
         "tags": ["zorg", "noord"], "score_potential": 4.5, "kvk": None}],
        touchpoints=[], business=[], formats=["json"])
    relation = built.result.report.portfolio.relations["X1"]
    assert (relation.name, relation.since, relation.tags) == \
        ("Gamma, Delta & Zn", dt.date(2019, 2, 28), ("zorg", "noord"))
    assert relation.scores == {"potential": 4.5}
    assert built.pages == {}


def test_config_is_merged_and_a_warning_fails_unless_strict_is_off(tmp_path):
    built = build_project(tmp_path / "en", config={"project": {"language": "en"},
                                                   "plugins": {"cadence": {"months": {"A": 2}}}})
    assert built.report["language"] == "en" and built.report["project"] == "Testbureau"
    assert built.findings["cadence"].relations["K1"]["cadence_months"] == 2
    with pytest.raises(ConfigError, match=r"\[plugins.cadence\] mnths: unknown key"):
        build_project(tmp_path / "typo", config={"plugins": {"cadence": {"mnths": 2}}})
    lenient = build_project(tmp_path / "lenient", config={"plugins": {"cadence": {"mnths": 2}}},
                            strict=False)
    assert any("mnths" in str(warning) for warning in lenient.warnings)


def test_each_build_needs_its_own_folder(tmp_path):
    build_project(tmp_path, formats=["json"])
    with pytest.raises(FileExistsError, match="already holds a project"):
        build_project(tmp_path, formats=["json"])


class Counter:
    @hookimpl
    def analyses(self):
        return [Analysis("counter", lambda portfolio, config, findings:
                         Findings(portfolio={"relations": len(portfolio.relations)}))]


def test_plugins_given_as_objects_modules_or_by_name(tmp_path):
    module = types.ModuleType("acme.counting")
    module.analyses = Counter().analyses
    assert plugin_name(module) == "counting"
    assert plugin_name(Counter()) == "Counter"
    built = build_project(tmp_path / "module", plugins=[module], formats=["json"])
    assert built.report["portfolio"]["counter"] == {"relations": 3}
    named = build_project(tmp_path / "named", plugins={"teller": Counter()}, formats=["json"])
    assert named.result.report.findings["counter"].portfolio == {"relations": 3}


def test_installed_plugins_stay_out_unless_asked_for(tmp_path, monkeypatch):
    site = tmp_path / "site-packages"
    (site / "acme_counter-1.0.dist-info").mkdir(parents=True)
    (site / "acme_counter.py").write_text(textwrap.dedent("""
        from relatierapport import hookimpl
        from relatierapport.hooktypes import Analysis, Findings
        @hookimpl
        def analyses():
            return [Analysis("counter", lambda portfolio, config, findings: Findings())]
        """), encoding="utf-8")
    (site / "acme_counter-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: acme-counter\nVersion: 1.0\n", encoding="utf-8")
    (site / "acme_counter-1.0.dist-info" / "entry_points.txt").write_text(
        "[relatierapport]\ncounter = acme_counter\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(site))
    monkeypatch.delitem(sys.modules, "acme_counter", raising=False)
    assert "counter" not in build_project(tmp_path / "a", formats=["json"]).report["portfolio"]
    with_installed = build_project(tmp_path / "b", formats=["json"], installed=True)
    assert with_installed.report["portfolio"]["counter"] == {}
    import acme_counter
    assert plugin_name(acme_counter) == "counter"      # the entry point's name, not the module's


def test_a_local_plugin_file_is_named_after_the_file_and_finds_its_templates(tmp_path):
    folder = tmp_path / "plugins"
    (folder / "huisstijl_templates").mkdir(parents=True)
    (folder / "huisstijl_templates" / "base.html").write_text(
        '{% extends "builtin/base.html" %}{% block masthead %}<p id="logo">ACME</p>{% endblock %}',
        encoding="utf-8")
    (folder / "huisstijl.py").write_text(textwrap.dedent("""
        from pathlib import Path
        from relatierapport import hookimpl
        @hookimpl
        def template_dirs():
            return [Path(__file__).parent / "huisstijl_templates"]
        """), encoding="utf-8")
    plugin = plugin_file(folder / "huisstijl.py")
    assert plugin_name(plugin) == "huisstijl"
    built = build_project(tmp_path / "project", plugins=[plugin])
    assert '<p id="logo">ACME</p>' in built.page("K2")
