"""The plugin manager: local and installed plugins, broken ones, misspelled hooks, overrides,
disabling plugins, and errors that name the plugin, the hook and the relation."""

from __future__ import annotations

import inspect
import json
import re
import textwrap
from pathlib import Path

import pytest

from conftest import cli
from relatierapport import hookimpl
from relatierapport.errors import PluginError, Problem, RelatierapportError
from relatierapport.hooktypes import Analysis, Findings, OutputFormat, Section, SourceReader
from relatierapport.plugins import make_plugins
from relatierapport.testing import build_project

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


def test_project_template_overrides_one_block_of_the_builtin(tmp_path):
    built = build_project(tmp_path, files={"templates/base.html":
        '{% extends "builtin/base.html" %}'
        '{% block masthead %}<p class="huisstijl">Ons logo</p>{{ super() }}{% endblock %}'})
    page = built.page("K1")
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
    assert ("Error: plugin 'args' failed in hook report_sections: report_sections() has an argument "
            "'relatie' that this hook does not pass; it passes any of: kind, relation, report, "
            "config") in result.output


def test_an_argument_with_a_default_is_an_error_at_start_up(tmp_path):
    class Defaulted:
        @hookimpl
        def report_sections(self, kind, relation=None):
            return []

    with pytest.raises(PluginError) as failure:
        build_project(tmp_path, plugins={"defaulted": Defaulted()})
    assert failure.value.message == (
        "plugin 'defaulted' failed in hook report_sections: report_sections() gives argument "
        "'relation' a default, so it would never be passed (pluggy passes only arguments "
        "without defaults); remove the default")


def test_catch_all_arguments_are_an_error_at_start_up(tmp_path):
    class Catchall:
        @hookimpl
        def analyses(self, *args):
            return []

    with pytest.raises(PluginError, match=r"plugin 'catchall' failed in hook analyses: analyses\(\) "
                       r"takes \*args; name the arguments it uses instead \(it passes none\)"):
        build_project(tmp_path, plugins={"catchall": Catchall()})


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
    assert ("Error: plugin 'fout' failed in hook analyses: analysis 'fout' raised "
            "ZeroDivisionError: division by zero (fout.py:6)") in result.output


def line_of(function, text: str) -> int:
    """The line number in this file of the first line of ``function`` that holds ``text``."""
    lines, start = inspect.getsourcelines(function)
    return start + next(number for number, line in enumerate(lines) if text in line)


class FailsForK2:
    """Adds a section to every plan, but fails while making the one of relation K2."""

    @hookimpl
    def report_sections(self, kind, relation):
        if kind == "relation" and relation.id == "K2":
            raise KeyError("score")
        return []


def test_plugin_raising_for_one_relation_names_plugin_hook_and_relation(tmp_path):
    with pytest.raises(PluginError) as failure:
        build_project(tmp_path, plugins={"fails_for_k2": FailsForK2()})
    assert failure.value.message == ("plugin 'fails_for_k2' failed in hook report_sections for "
                                     f"relation 'K2': KeyError: 'score' (test_plugins.py:"
                                     f"{line_of(FailsForK2.report_sections, 'raise')})")
    assert (failure.value.plugin, failure.value.hook, failure.value.relation) == \
        ("fails_for_k2", "report_sections", "K2")


def test_a_failed_build_leaves_the_previous_output_untouched(project):
    site = project.parent / "site"
    assert cli("build", "--config", project, "--as-of", "2026-11-01", "--format", "html").exit_code == 0
    before = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    add_plugin(project.parent, "late", """
        from relatierapport import hookimpl
        @hookimpl
        def report_sections(kind, relation):
            if kind == "relation" and relation.id == "C1":     # the last page: most was written
                raise RuntimeError("kapot")
            return []
        """)
    result = cli("build", "--config", project, "--as-of", "2026-11-02", "--format", "html")
    assert result.exit_code == 1
    assert ("Error: plugin 'late' failed in hook report_sections for relation 'C1': "
            "RuntimeError: kapot (late.py:6)") in result.output
    after = {p.relative_to(site): p.read_bytes() for p in site.rglob("*") if p.is_file()}
    assert after == before
    assert sorted(p.name for p in project.parent.iterdir()) == [   # no half-written folder
        ".relatierapport-cache", "config.toml", "data", "plugins", "site"]   # (compiled templates)


def test_an_output_format_that_raises_is_named(tmp_path):
    class Broken:
        @hookimpl
        def output_formats(self):
            def write(pages, out_dir, state):
                raise OSError("disk full")
            return [OutputFormat("xml", write)]

    with pytest.raises(PluginError, match=r"^plugin 'broken' failed in hook output_formats: format "
                       r"'xml' raised OSError: disk full \(test_plugins.py:\d+\)$"):
        build_project(tmp_path, plugins={"broken": Broken()}, formats=["xml"])
    assert not (tmp_path / "site").exists()


def test_an_output_format_may_finish_its_work_after_the_others_and_before_report_json(tmp_path):
    """BuildState.defer: what a format leaves running (the PDF format: a rebuild's PDFs in a
    worker) is finished after the formats after it wrote, and before report.json is complete:
    report.json has its relations by then, and lists what the finish warned about."""
    seen = []

    class Later:
        @hookimpl
        def output_formats(self):
            def write_a(pages, out_dir, state):
                seen.append("a wrote")

                def finish():
                    written = (out_dir / "report.json").read_bytes()
                    seen.append(("a finished", (out_dir / "b.txt").exists(),
                                 b'"relations"' in written, b'"warnings"' in written))
                    (out_dir / "a.txt").write_text("a", encoding="utf-8")
                    state.warnings.append(Problem("a", "said late, while finishing"))
                state.defer(finish)
                return ["a.txt"]

            def write_b(pages, out_dir, state):
                seen.append("b wrote")
                (out_dir / "b.txt").write_text("b", encoding="utf-8")
                return ["b.txt"]
            return [OutputFormat("a", write_a), OutputFormat("b", write_b)]

    built = build_project(tmp_path, plugins={"later": Later()}, formats=["a", "b"], strict=False)
    assert seen == ["a wrote", "b wrote", ("a finished", True, True, False)]
    assert (built.out_dir / "a.txt").read_text(encoding="utf-8") == "a"
    assert "a.txt" in built.result.files
    report = json.loads((built.out_dir / "report.json").read_text(encoding="utf-8"))
    assert {"source": "a", "location": "", "field": "", "message": "said late, while finishing"} \
        in report["warnings"]


def test_an_output_format_whose_finishing_raises_is_named_and_writes_nothing(tmp_path):
    class Broken:
        @hookimpl
        def output_formats(self):
            def write(pages, out_dir, state):
                def finish():
                    raise OSError("disk full")
                state.defer(finish)
                return []
            return [OutputFormat("xml", write)]

    with pytest.raises(PluginError, match=r"^plugin 'broken' failed in hook output_formats: format "
                       r"'xml' raised OSError: disk full \(test_plugins.py:\d+\)$"):
        build_project(tmp_path, plugins={"broken": Broken()}, formats=["xml", "html"])
    assert not (tmp_path / "site").exists()


def test_a_source_reader_that_raises_is_named(tmp_path):
    class Reader:
        @hookimpl
        def source_readers(self):
            def read(spec, config):
                return int(spec.path.read_text(encoding="utf-8"))
            return [SourceReader("getal", read)]

    with pytest.raises(PluginError, match=r"^plugin 'lezer' failed in hook source_readers: reading "
                       r"data/x.txt failed: ValueError: invalid literal for int\(\) with base 10: "
                       r"'x' \(test_plugins.py:\d+\)$"):
        build_project(tmp_path, plugins={"lezer": Reader()}, files={"data/x.txt": "x"},
                      sources=[{"type": "getal", "path": "data/x.txt"}])


def test_a_plugin_filter_that_raises_names_the_template_the_page_and_the_code(tmp_path):
    class Filters:
        @hookimpl
        def prepare_jinja_env(self, env):
            env.filters["initials"] = lambda name: "".join(part[0] for part in name.split())

    with pytest.raises(RelatierapportError) as failure:
        build_project(tmp_path, plugins={"filters": Filters()}, files={
            "templates/relation.html": '{% extends "builtin/relation.html" %}\n{% block content %}\n'
                                       '{{ relation.city|initials }}\n{% endblock %}'},
            relations=[{"id": "K1", "name": "Alfa Bouw", "city": "Utrecht"},
                       {"id": "K2", "name": "Beta Zorg"}])
    assert re.fullmatch(r"templates/relation.html:3: error while rendering relation 'K2': "
                        r"AttributeError: 'NoneType' object has no attribute 'split' "
                        r"\(test_plugins.py:\d+\)", failure.value.message), failure.value.message


@pytest.mark.parametrize("returned, expected", [
    (Section("x", "X", "x.html"), "returned Section, expected a list of Section (an empty list "
                                  "adds nothing)"),
    ([{"id": "x"}], "returned a list holding dict {'id': 'x'}, expected Section"),
])
def test_a_hook_returning_the_wrong_shape_is_named(tmp_path, returned, expected):
    class Shapeless:
        @hookimpl
        def report_sections(self, kind):
            return returned if kind == "portfolio" else []

    with pytest.raises(PluginError) as failure:
        build_project(tmp_path, plugins={"shapeless": Shapeless()})
    assert failure.value.message == f"plugin 'shapeless' failed in hook report_sections: {expected}"


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


def run_nothing(portfolio, config, findings):
    return Findings()


class Analyses:
    def __init__(self, *analyses):
        self.offered = list(analyses)

    @hookimpl
    def analyses(self):
        return self.offered


def test_missing_requirement_and_cycles_are_named(tmp_path):
    missing = Analyses(Analysis("een", run_nothing, requires=("twee",)))
    with pytest.raises(PluginError) as failure:
        build_project(tmp_path / "missing", plugins={"kring": missing})
    assert failure.value.message == ("plugin 'kring' failed in hook analyses: analysis 'een' "
                                     "requires 'twee', which no loaded plugin provides")
    cycle = Analyses(Analysis("een", run_nothing, requires=("twee",)),
                     Analysis("twee", run_nothing, requires=("een",)))
    with pytest.raises(PluginError, match="analyses require each other in a cycle: (een -> twee -> "
                       "een|twee -> een -> twee)"):
        build_project(tmp_path / "cycle", plugins={"kring": cycle})


def test_an_analysis_gets_what_the_hooks_it_collects_offer(tmp_path):
    seen = {}

    def run(portfolio, config, findings, goal_metrics):
        seen["metrics"] = sorted(metric.name for metric in goal_metrics)
        return Findings()

    build_project(tmp_path / "good", plugins={"lezer": Analyses(Analysis("lezer", run,
                                                                         collects=("goal_metrics",)))})
    assert seen["metrics"] == ["new_relations", "referrals", "retention", "revenue", "revenue_growth",
                               "satisfaction", "satisfaction_change", "touchpoints"]
    wrong = Analyses(Analysis("lezer", run, collects=("analyses",)))
    with pytest.raises(PluginError) as failure:
        build_project(tmp_path / "wrong", plugins={"lezer": wrong})
    assert failure.value.message == ("plugin 'lezer' failed in hook analyses: analysis 'lezer' "
                                     "collects 'analyses'; expected one of goal_metrics")


#: cadence and the analyses that require it (health and indicators read its categories).
CADENCE_AND_DEPENDENTS = ["cadence", "health", "indicators"]


def test_disable_plugins_in_config(tmp_path):
    built = build_project(tmp_path, config={"project": {"disable_plugins": CADENCE_AND_DEPENDENTS}},
                          formats=["json"])
    assert set(CADENCE_AND_DEPENDENTS).isdisjoint(built.report["portfolio"])
    assert "network" in built.report["portfolio"]       # runs after cadence when it is there


def test_disable_option_on_build_check_and_plugins(project):
    disable = [arg for name in CADENCE_AND_DEPENDENTS for arg in ("--disable", name)]
    result = cli("build", "--config", project, "--format", "json", *disable)
    assert result.exit_code == 0, result.output
    report = json.loads((project.parent / "site" / "report.json").read_text(encoding="utf-8"))
    assert set(CADENCE_AND_DEPENDENTS).isdisjoint(report["portfolio"])
    assert "segmentation" in report["portfolio"]
    assert cli("check", "--config", project, *disable).exit_code == 0
    listing = cli("plugins", "--config", project, "--disable", "cadence").output
    assert "cadence  [built-in]  disabled" in listing
    assert "cadence  [built-in]\n" not in listing
    assert "health  [built-in]\n" in listing


def test_disabling_a_plugin_another_requires_is_a_config_error_naming_both(project):
    add_plugin(project.parent, "acme", GOOD_PLUGIN)
    disable = [arg for name in CADENCE_AND_DEPENDENTS for arg in ("--disable", name)]
    for command in ("build", "check"):
        result = cli(command, "--config", project, *disable)
        assert result.exit_code == 2, result.output
        assert ("plugins: [project] disable_plugins: acme requires cadence, which is disabled; "
                "enable cadence or disable acme too") in result.output
    assert cli("check", "--config", project, *disable, "--disable", "acme").exit_code == 0


def test_disabling_a_plugin_no_one_has_is_a_warning(project):
    result = cli("build", "--config", project, "--format", "json", "--disable", "cadance")
    assert result.exit_code == 0
    assert ("warning: plugins: cannot disable 'cadance': no plugin has that name; did you mean "
            "'cadence'? (`relatierapport plugins` lists them)") in result.output
    assert cli("build", "--config", project, "--format", "json", "--disable", "cadance",
               "--strict").exit_code == 1


def test_a_plugin_under_test_can_be_disabled_like_any_other(tmp_path):
    built = build_project(tmp_path, plugins={"fails_for_k2": FailsForK2()},
                          disable=["fails_for_k2"], formats=["json"])
    assert built.report["relations"]


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
    listing = cli("plugins").output
    assert "acme_installed" not in listing and "csv_source  [built-in]" in listing
    assert "installed packages' plugins are skipped (RELATIERAPPORT_NO_INSTALLED_PLUGINS is set)" \
        in listing
    monkeypatch.setenv("RELATIERAPPORT_NO_INSTALLED_PLUGINS", "0")
    listing = cli("plugins", "--disable", "broken_installed").output
    assert "acme_installed  [package acme-plugin 1.2]\n    hooks: config_options\n" \
           "    options [plugins.acme_installed]: kleur" in listing
    assert "broken_installed  [package broken-plugin 1.2]  disabled" in listing


def test_builtins_are_plugins_on_the_public_hooks():
    plugins = make_plugins(None)
    builtin = {name for name, p in plugins.loaded.items() if p.origin == "built-in"}
    assert {"csv_source", "cadence", "html_output", "pdf_output", "json_output"} <= builtin
    assert plugins.hooks_of("cadence") == ["analyses", "config_options", "report_sections"]


def test_a_template_error_names_the_template_file_and_line(tmp_path):
    with pytest.raises(RelatierapportError) as failure:
        build_project(tmp_path, files={"templates/relation.html":
            '{% extends "builtin/relation.html" %}\n{% block content %}\n{{ relation.nmae }}\n'
            '{% endblock %}'})
    assert "templates/relation.html:3: template error while rendering relation 'K1'" in \
        failure.value.message
    assert "has no attribute 'nmae'" in failure.value.message
