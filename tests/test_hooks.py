"""One test per hook, each running the example from the hook's docstring as a real plugin.

The examples in hookspecs.py (and so in docs/hooks.md) are therefore code that
works, not sketches. Each test is marked ``@pytest.mark.hook(name)``; the
meta-tests in test_hook_docs.py fail when a hook has no such test.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from relatierapport import hookimpl, hookspecs
from relatierapport.errors import ConfigError, DataError, PluginError, StrictError
from relatierapport.devtools.hookdocs import example_module, parse
from relatierapport.relation_table import RelationTable
from relatierapport.testing import build_project

#: K1 has two touchpoints in the 90 days before the report date, K2 one, C1 none.
TOUCHPOINTS = [
    {"relation": "K1", "date": "2026-10-20", "employee": "M1", "channel": "phone", "direction": "out"},
    {"relation": "K1", "date": "2026-09-01", "employee": "M1", "channel": "visit", "direction": "out"},
    {"relation": "K2", "date": "2026-08-31", "employee": "M2", "channel": "email", "direction": "in"},
    {"relation": "K2", "date": "2026-05-01", "employee": "M2", "channel": "email", "direction": "out"},
]
ACME_TEMPLATE = '<p class="acme">{{ section.data.score }} / 100</p>'


def acme(*hooks: str, **examples) -> dict[str, object]:
    """The docstring examples of ``hooks`` as plugins, named after their hooks."""
    return {f"acme_{hook}": example_module(hook, **examples) for hook in hooks}


@pytest.mark.hook("config_options")
def test_hook_config_options(tmp_path):
    plugins = acme("config_options")
    default = build_project(tmp_path / "default", plugins=plugins, formats=["json"])
    assert default.result.report.config.plugin("acme") == {"points": 25}
    chosen = build_project(tmp_path / "chosen", plugins=plugins, formats=["json"],
                           config={"plugins": {"acme": {"points": 10}}})
    assert chosen.result.report.config.plugin("acme") == {"points": 10}
    with pytest.raises(ConfigError) as failure:
        build_project(tmp_path / "wrong", plugins=plugins, config={"plugins": {"acme": {"points": 0}}})
    assert failure.value.exit_code == 2
    assert failure.value.message == ("1 configuration problem(s):\n  config.toml:5: [plugins.acme] "
                                     "points: expected a whole number >= 1, found 0")
    with pytest.raises(ConfigError, match=r"config.toml:5: \[plugins.acme\] punten: unknown key "
                       r"\(known keys: points\)"):     # a warning, fatal under strict
        build_project(tmp_path / "unknown", plugins=plugins, config={"plugins": {"acme": {"punten": 3}}})


@pytest.mark.hook("source_readers")
def test_hook_source_readers(tmp_path):
    plugins = acme("source_readers")
    rows = [{"id": "7", "name": "Delta Techniek"}, {"id": "8", "name": "Epsilon Zorg"}]
    built = build_project(tmp_path / "good", plugins=plugins, formats=["json"],
                          files={"data/acme.json": json.dumps(rows)},
                          sources=[{"type": "acme_json", "path": "data/acme.json"}])
    assert [r["id"] for r in built.report["relations"]] == ["K1", "K2", "C1", "acme:7", "acme:8"]
    assert built.relation("acme:7")["name"] == "Delta Techniek"
    with pytest.raises(DataError) as failure:
        build_project(tmp_path / "bad", plugins=plugins,
                      files={"data/acme.json": json.dumps([{"name": "no id"}, {"id": "", "name": "x"}])},
                      sources=[{"type": "acme_json", "path": "data/acme.json"}])
    assert failure.value.message == ("2 data problem(s):\n"
                                     "  data/acme.json:record 1: id: expected an id\n"
                                     "  data/acme.json:record 2: id: expected an id")


@pytest.mark.hook("analyses")
def test_hook_analyses(tmp_path):
    built = build_project(tmp_path, plugins=acme("analyses"), touchpoints=TOUCHPOINTS, formats=["json"])
    assert [(r["id"], r["acme_score"], r["acme_call_first"]) for r in built.report["relations"]] == [
        ("K1", {"score": 50}, {"call_first": False}),
        ("K2", {"score": 25}, {"call_first": True}),
        ("C1", {"score": 0}, {"call_first": True}),
    ]
    assert built.report["portfolio"]["acme_score"] == {"scored": 3}
    assert built.report["portfolio"]["acme_call_first"] == {}
    # the DataFrame form is wrapped, and reads like the dict form
    found = built.findings["acme_call_first"].relations
    assert isinstance(found, RelationTable) and found["K2"] == {"call_first": True}


@pytest.mark.hook("report_sections")
def test_hook_report_sections(tmp_path):
    plugins = acme("analyses", "report_sections")
    built = build_project(tmp_path / "nl", plugins=plugins, touchpoints=TOUCHPOINTS,
                          files={"templates/acme.html": ACME_TEMPLATE})
    plan = built.page("K1")
    assert '<h2 id="acme-title">ACME-score</h2>\n<p class="acme">50 / 100</p>' in plan
    assert plan.index('id="cadence"') < plan.index('id="acme"')       # weight 20 before 60
    assert 'class="acme"' not in built.page()                         # not on the portfolio page
    english = build_project(tmp_path / "en", plugins=plugins, touchpoints=TOUCHPOINTS,
                            config={"project": {"language": "en"}},
                            files={"templates/acme.html": ACME_TEMPLATE})
    assert '<h2 id="acme-title">ACME score</h2>' in english.page("C1")


@pytest.mark.hook("template_dirs")
def test_hook_template_dirs(tmp_path):
    package = tmp_path / "acme_package"
    (package / "acme_templates" / "assets").mkdir(parents=True)
    (package / "acme_templates" / "acme.html").write_text(ACME_TEMPLATE, encoding="utf-8")
    (package / "acme_templates" / "assets" / "acme.css").write_text(".acme { color: teal; }",
                                                                     encoding="utf-8")
    (package / "acme_templates" / "base.html").write_text(   # a house style: one block changed
        '{% extends "builtin/base.html" %}{% block masthead %}<p class="acme-logo">ACME</p>'
        '{{ super() }}{% endblock %}', encoding="utf-8")
    plugins = {**acme("analyses", "report_sections"),
               **acme("template_dirs", file=package / "acme.py")}
    built = build_project(tmp_path / "plugin", plugins=plugins, touchpoints=TOUCHPOINTS)
    assert '<p class="acme">50 / 100</p>' in built.page("K1")
    assert '<p class="acme-logo">ACME</p>' in built.page("K1") and "Contactritme" in built.page("K1")
    assert (built.out_dir / "assets" / "acme.css").read_text(encoding="utf-8") == ".acme { color: teal; }"
    assert (built.out_dir / "assets" / "report.css").is_file()         # the built-in assets too
    project_wins = build_project(tmp_path / "project", plugins=plugins, touchpoints=TOUCHPOINTS,
                                 files={"templates/acme.html": "<p>project's own</p>"})
    assert "<p>project's own</p>" in project_wins.page("K1")


@pytest.mark.hook("output_formats")
def test_hook_output_formats(tmp_path):
    built = build_project(tmp_path, plugins=acme("output_formats"), formats=["csv"])
    assert built.result.files == ["relations.csv", "report.json"]
    assert (built.out_dir / "relations.csv").read_bytes() == (
        b"id,name,category\r\nK1,Alfa Bouw,A\r\nK2,Beta Zorg,B\r\nC1,Carla de Jong,C\r\n")
    assert built.pages == {}


@pytest.mark.hook("prepare_jinja_env")
def test_hook_prepare_jinja_env(tmp_path):
    built = build_project(tmp_path, plugins=acme("prepare_jinja_env"), files={
        "templates/relation.html": '{% extends "builtin/relation.html" %}{% block content %}'
                                   '{{ super() }}<p id="acme">{{ relation.name|initials }}, '
                                   'call {{ acme_phone }}</p>{% endblock %}'})
    assert '<p id="acme">AB, call 030 123 45 67</p>' in built.page("K1")
    assert '<p id="acme">CdJ, call 030 123 45 67</p>' in built.page("C1")


class RecordsTheOutput:
    """Looks at the output folder from inside post_build."""

    def __init__(self):
        self.seen: list = []

    @hookimpl
    def post_build(self, result):
        self.seen.append(((result.out_dir / "report.json").is_file(), sorted(result.files)[:2]))


@pytest.mark.hook("post_build")
def test_hook_post_build(tmp_path, capsys):
    recorder = RecordsTheOutput()
    built = build_project(tmp_path / "ok", plugins={**acme("post_build"), "recorder": recorder})
    assert capsys.readouterr().out == f"acme: 0 PDFs ready in {built.out_dir}\n"
    assert recorder.seen == [(True, ["assets/report.css", "index.html"])]  # already swapped in

    class Fails:
        @hookimpl
        def post_build(self):
            raise ConnectionError("mail server down")

    with pytest.raises(PluginError, match=r"^plugin 'mailer' failed in hook post_build: "
                       r"ConnectionError: mail server down \(test_hooks.py:\d+\)$"):
        build_project(tmp_path / "fails", plugins={"mailer": Fails()})
    assert (tmp_path / "fails" / "site" / "report.json").is_file()  # the build itself stands


@pytest.mark.hook("register_commands")
def test_hook_register_commands(tmp_path):
    """Commands come from installed plugins only: install the example as a package."""
    site = tmp_path / "site-packages"
    (site / "acme_cli-1.0.dist-info").mkdir(parents=True)
    (site / "acme_cli.py").write_text(parse(hookspecs.register_commands).parts["Example"],
                                      encoding="utf-8")
    (site / "acme_cli-1.0.dist-info" / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: acme-cli\nVersion: 1.0\n", encoding="utf-8")
    (site / "acme_cli-1.0.dist-info" / "entry_points.txt").write_text(
        "[relatierapport]\nacme_cli = acme_cli\n", encoding="utf-8")
    env = {key: value for key, value in os.environ.items() if key != "RELATIERAPPORT_NO_INSTALLED_PLUGINS"}
    env["PYTHONPATH"] = os.pathsep.join([str(site), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)

    def relatierapport(*args):
        return subprocess.run([sys.executable, "-m", "relatierapport", *args], env=env,
                              capture_output=True, text=True, cwd=tmp_path)

    hello = relatierapport("acme-hello", "Mila")
    assert (hello.returncode, hello.stdout) == (0, "hello Mila, from acme\n"), hello.stderr
    assert "acme-hello  Greet NAME from the ACME plugin." in relatierapport("--help").stdout


@pytest.mark.hook("goal_metrics")
def test_hook_goal_metrics(tmp_path):
    import datetime as dt

    plugins = acme("goal_metrics")
    year = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31), "owner": "M1"}
    goals = [{"id": "P1", "scope": "relation:K1", "metric": "plaatsingen", "target": 2, **year}]
    built = build_project(tmp_path / "good", plugins=plugins, formats=["json"], config={"goals": goals})
    found = built.report["portfolio"]["goals"]
    assert found["metrics"]["placements"] == {"aggregate": "sum", "unit": "count",
                                              "aliases": ["plaatsingen"], "description": "Won placements.",
                                              "value_unit": None}
    # K1's one won placement (1 Feb 2026) by 1 Nov: 1 x 365 / 305 = 1.2 projected, short of 2.
    goal = found["goals"][0]
    assert (goal["metric"], goal["actual"], goal["status"]) == ("placements", 1.0, "behind")
    assert goal["projection"] == {"value": 1.2, "method": "linear_total"}
    # Without business records the metric says why it cannot be measured (a warning: strict fails).
    with pytest.raises(StrictError, match="goal P1 cannot be measured: no business records"):
        build_project(tmp_path / "none", plugins=plugins, formats=["json"], business=[],
                      config={"goals": goals})
    # A metric name another plugin already offers is an error naming both.
    with pytest.raises(PluginError, match="name 'placements' is already provided by plugin 'acme_goal_metrics'"):
        build_project(tmp_path / "twice", plugins={**plugins, "zz": example_module("goal_metrics")},
                      formats=["json"])
