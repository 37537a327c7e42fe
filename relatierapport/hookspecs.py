"""Every hook of relatierapport, typed, with the only copy of its documentation.

Built-in behaviour is written as plugins on these same hooks. A plugin is a
module (or object) with functions marked ``@hookimpl`` and named after a hook.
An implementation may accept any subset of the hook's arguments, by name; an
argument the hook does not have, or one with a default value (pluggy would
never pass it), is an error at start-up naming the plugin and the hook. Hooks
that collect things return lists of the records in ``relatierapport.hooktypes``;
results are combined in plugin-name order, never in registration order, and two
plugins contributing the same name is an error naming both. A plugin that
raises is named with its hook (and the relation, for per-relation calls) and
the build stops, leaving the previous output untouched.

docs/hooks.md is generated from these docstrings (``python scripts/hook_reference.py``);
a test fails when it differs. Each docstring has the same parts: what the hook
is for, ``Runs:``, ``Arguments:`` (one line per argument), ``Returns:`` and an
``Example::`` that is a complete plugin module, run by the tests.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    import click
    import jinja2

    from relatierapport.hooktypes import BuildResult, Report
    from relatierapport.config import Config
    from relatierapport.hooktypes import Analysis, GoalMetric, OutputFormat, Section, SourceReader
    from relatierapport.model import Relation
    from relatierapport.options import OptionGroup

hookspec = pluggy.HookspecMarker("relatierapport")


@hookspec
def config_options() -> list[OptionGroup]:
    """Declare the config.toml options this plugin reads, typed and with defaults.

    Every key is type-checked and defaulted before anything runs; unknown keys
    are warned about (an error under ``--strict``), and all problems are
    reported together as ``config.toml:12: [plugins.acme] points: expected …,
    found …``. ``relatierapport init`` writes each option with its help text,
    and ``relatierapport plugins`` lists them. Read the values in any hook as
    ``config.plugin("acme")`` (a dict with every key, defaults filled in).
    Option types live in ``relatierapport.options``: ``Text``, ``Integer``,
    ``Number``, ``Boolean``, ``Date``, ``ListOf``, ``Table``.

    Runs: once per command (build, check, plugins, init), at start-up, before
    config.toml is validated.

    Returns: a list of ``OptionGroup(section, options, help)``, normally one for
    the section ``plugins.<your plugin name>``; each ``Option(name, type,
    default, help)``. Two plugins declaring one section is an error.

    Example::

        from relatierapport import hookimpl
        from relatierapport.options import Integer, Option, OptionGroup

        @hookimpl
        def config_options():
            return [OptionGroup("plugins.acme", (
                Option("points", Integer(minimum=1), 25,
                       "Points per touchpoint in the last 90 days."),
            ), "The ACME contact score.")]
    """


@hookspec
def source_readers() -> list[SourceReader]:
    """Read a new kind of input: a client's own CRM export, a database dump, an API snapshot.

    A reader turns one file (or folder) into model records, so nothing
    downstream knows the format. It lists located problems instead of raising on
    the first: ``SourceData.errors`` (the data is wrong; the build stops and
    lists them all) and ``SourceData.warnings`` (doubtful rows, still used). Ids
    should carry the source (``acme:123``) when they could collide with another
    source's; relations from several sources are unified afterwards (docs/sources.md:
    ``[identity]``). Event tables (touchpoints, business, surveys, events) are
    polars DataFrames in ``SourceData.tables``, with the schemas of
    ``relatierapport.model.EVENT_SCHEMAS``.

    Runs: the hook at start-up (to validate ``[[sources]]`` types and options)
    and when sources are read; each reader's ``read`` once per ``[[sources]]``
    table of its type, during build and check. Two sources may be read at the
    same time, in threads: a ``read`` must not change state shared with other
    calls (module globals, the config). Results are used in config order.

    Returns: a list of ``SourceReader(type, read, options, description)``.
    ``read(spec, config)`` gets the validated ``[[sources]]`` table
    (``spec.path`` absolute, ``spec.display`` as written, ``spec.options`` with
    the reader's own ``options`` filled in) and returns a
    ``relatierapport.model.SourceData``. Two plugins offering one type is an error.

    Example::

        import json

        from relatierapport import hookimpl
        from relatierapport.errors import Problem
        from relatierapport.hooktypes import SourceReader
        from relatierapport.model import Relation, SourceData

        def read_acme(spec, config):
            data = SourceData()
            rows = json.loads(spec.path.read_text(encoding="utf-8"))
            for number, row in enumerate(rows, start=1):
                if not row.get("id"):
                    data.errors.append(Problem(spec.display, "expected an id", f"record {number}", "id"))
                    continue
                data.relations.append(Relation(id=f"acme:{row['id']}", name=row["name"],
                                               origin=f"{spec.display}:record {number}"))
            return data

        @hookimpl
        def source_readers():
            return [SourceReader("acme_json", read_acme, description="ACME CRM export (JSON)")]
    """


@hookspec
def analyses() -> list[Analysis]:
    """Offer analyses: read the portfolio, return findings (a score, a segment, a list).

    ``run(portfolio, config, findings)`` reads ``portfolio.relations`` (a dict
    of ``Relation`` by id) and the event tables ``portfolio.touchpoints``,
    ``.business``, ``.surveys``, ``.events`` (polars DataFrames with a
    ``relation`` column; aggregate them with polars, not row by row).
    ``findings`` holds the ``Findings`` of the analyses named in ``requires``
    (which must be loaded) and ``after`` (used when loaded). Analyses never
    render; report sections show their findings.

    Per-relation findings come in two forms, and readers see the same either
    way (``found.relations["K1"]`` is a dict):

    - a dict ``{relation id: {...}}``: simplest, fine for thousands of relations;
    - a polars DataFrame with a ``relation`` column and one row per relation
      (nested parts as struct and list columns), for large portfolios (as dicts,
      100,000 relations and five analyses took 2.3 GB). ``Findings`` wraps it
      in a ``RelationTable``; a relation id twice is an error. Every row has
      the same fields (null where unknown), and in report.json a relation the
      frame has no row for shows ``null`` (a dict simply leaves it out).

    To read another analysis' per-relation findings in bulk, whichever form it
    returned, use ``relation_columns(findings["cadence"].relations, {"days_overdue":
    pl.Int64})``: a DataFrame with ``relation`` and those columns (null where a
    relation lacks the field). Values must be JSON-compatible (str, int, float,
    bool, None, date, lists, dicts); they go into report.json under the
    analysis' name: ``relations[i]["acme_score"]`` and ``portfolio["acme_score"]``.
    ``Findings.warnings`` (``Problem`` records) become build warnings. An
    analysis that reads what plugins offer on another collecting hook names it
    in ``collects`` (the goals analysis: ``collects=("goal_metrics",)``); its
    ``run`` then also gets their combined list as a keyword argument of the
    hook's name (``run(portfolio, config, findings, goal_metrics)``).

    Runs: the hook once per build and per check, after config is validated;
    each analysis' ``run`` once, after all sources are read and merged, in
    dependency order (ties by name). A missing requirement or a cycle is an error.
    A build runs them with polars' in-memory engine as the default for ``collect()``
    (for many small queries it starts faster than the streaming engine);
    ``POLARS_ENGINE_AFFINITY`` in the environment chooses another, and an explicit
    ``collect(engine=...)`` is always honoured.

    Returns: a list of ``Analysis(name, run, requires=(), after=(), description, collects=())``;
    ``run`` returns ``Findings(relations=..., portfolio={...}, warnings=[...])``.
    Two analyses with one name is an error.

    Example::

        import datetime as dt

        import polars as pl

        from relatierapport import hookimpl
        from relatierapport.hooktypes import Analysis, Findings, relation_columns

        def score(portfolio, config, findings):
            # dict form: touchpoints in the last 90 days, 25 points each
            start = config.as_of - dt.timedelta(days=90)
            recent = portfolio.touchpoints.filter(pl.col("date").is_between(start, config.as_of))
            counts = dict(recent.group_by("relation").len().iter_rows())
            relations = {rid: {"score": min(100, 25 * counts.get(rid, 0))} for rid in portfolio.relations}
            return Findings(relations=relations, portfolio={"scored": len(relations)})

        def call_first(portfolio, config, findings):
            # DataFrame form, reading acme_score in bulk
            scores = relation_columns(findings["acme_score"].relations, {"score": pl.Int64})
            return Findings(relations=scores.select("relation", call_first=pl.col("score") < 50))

        @hookimpl
        def analyses():
            return [Analysis("acme_score", score, after=("cadence",)),
                    Analysis("acme_call_first", call_first, requires=("acme_score",))]
    """


@hookspec
def goal_metrics() -> list[GoalMetric]:
    """Offer a metric that goals can track: placements, donations, hours, a score of your own.

    A goal (``[[goals]]`` in config.toml or a row of a goals table) names its
    metric; the ``goals`` analysis measures it for the goal's relations and
    period, compares it with the target and the metric's own history, and
    projects it to the end date. A metric only says where its numbers come
    from: ``values(portfolio, config)`` returns one row per dated measurement
    (``relation``, ``date``, ``value``), and the goals analysis does the
    periods, scopes, baseline, progress and projection, the same for every
    metric. Return None from ``values`` when the data the metric needs is not
    there at all: goals on it then say ``missing`` (in the report and in
    ``relatierapport check``) instead of measuring zero. The built-in metrics
    (revenue, revenue_growth, touchpoints, referrals, satisfaction,
    satisfaction_change, retention, new_relations) come from the built-in
    plugin ``goal_metrics`` on this hook.

    Runs: once per build and per check, before the analyses run (the goals
    analysis collects them); each metric's ``values`` at most once per run,
    and only when a goal uses the metric.

    Returns: a list of ``GoalMetric(name, values, aggregate, unit, missing,
    aliases, higher_is_better, bounds, description)`` (``relatierapport.hooktypes``);
    ``aggregate`` is ``sum``, ``mean``, ``growth``, ``change`` or ``retention``.
    Two plugins offering one name is an error.

    Example::

        import polars as pl

        from relatierapport import hookimpl
        from relatierapport.hooktypes import GoalMetric

        def placements(portfolio, config):
            if portfolio.business.is_empty():
                return None
            won = portfolio.business.filter(pl.col("kind") == "placement", pl.col("status") == "won")
            return won.select("relation", "date", pl.lit(1.0).alias("value"))

        @hookimpl
        def goal_metrics():
            return [GoalMetric("placements", placements, aggregate="sum", unit="count",
                               missing="no business records", aliases=("plaatsingen",),
                               description="Won placements.")]
    """


@hookspec
def report_sections(kind: str, relation: Relation | None, report: Report,
                    config: Config) -> list[Section]:
    """Add sections to the portfolio report or to a relation plan.

    A section is a template rendered with the ``data`` you give it; the page
    shows sections by ascending weight. Built-ins on the portfolio: what needs
    attention 0, portfolio at a glance 8, segmentation 10-18, cadence 20,
    touchpoint plan 22, health 30-34, indicators 40-44, account managers 50,
    the list of all relations 1000; on a relation plan: at a glance 0, health
    10-14, cadence 20, touchpoint plan 22, approach 30, segmentation 40, key
    figures 45, profile 58. Templates show ``section.data``, they never
    compute (a chart from ``relatierapport.render.charts`` in the data is written as
    ``{{ section.data.chart }}``); they also get ``report``, ``relation``,
    ``as_of``, ``language`` and ``link(relation_id)``. Work done once per
    build (a lookup over all relations) belongs in an analysis, or in
    ``report.memo(key, make)``.

    Runs: once per page and medium: for the portfolio page and for every
    relation's plan, for HTML and again for PDF; so keep it quick. An
    exception is reported with the plugin, the hook and the relation's id.

    Arguments:
        kind: ``"portfolio"`` or ``"relation"``.
        relation: the ``Relation`` whose plan this is; None on the portfolio page.
        report: the analysed build: ``report.findings[name]`` (every analysis'
            ``Findings``), ``report.portfolio``, ``report.as_of``,
            ``report.translate(text)`` (relatierapport's own texts in the report language).
        config: the validated configuration: ``config.plugin(name)``,
            ``config.language`` (``"nl"`` or ``"en"``), ``config.project``.

    Returns: a list of ``Section(id, title, template, weight, data)``; an empty
    list adds nothing to this page. Two plugins using one section id on a page
    is an error.

    Example::

        from relatierapport import hookimpl
        from relatierapport.hooktypes import Section

        TITLE = {"nl": "ACME-score", "en": "ACME score"}

        @hookimpl
        def report_sections(kind, relation, report, config):
            if kind != "relation":
                return []
            found = report.findings["acme_score"].relations[relation.id]
            return [Section("acme", TITLE[config.language], "acme.html", 60, {"score": found["score"]})]
    """


@hookspec
def template_dirs() -> list[Path]:
    """Add a folder of templates (and an ``assets/`` subfolder of CSS, fonts, images).

    Your sections' templates live here; a template with a built-in's name
    (``base.html``, ``relation.html``, ``assets/report.css``) overrides it, which
    is how a house style is shipped. The lookup order is: the project's own
    ``templates/``, then plugin folders (by plugin name), then the built-ins;
    ``{% extends "builtin/base.html" %}`` always reaches the built-in original,
    so an override can change one block. Every ``assets/`` folder is copied to
    the output's ``assets/``. Templates are autoescaped and an undefined name is
    an error naming the template and line.

    Runs: at the start of rendering, when the Jinja2 environment is made
    (only when HTML or PDF pages are rendered; not on ``check``).

    Returns: a list of folders (``pathlib.Path``); folders that do not exist are skipped.

    Example::

        from pathlib import Path

        from relatierapport import hookimpl

        @hookimpl
        def template_dirs():
            return [Path(__file__).parent / "acme_templates"]
    """


@hookspec
def output_formats() -> list[OutputFormat]:
    """Offer a new output format, selected with ``build --format NAME``: a spreadsheet, an export.

    ``write(pages, out_dir, build)`` writes under ``out_dir``, the temporary
    build folder that replaces the output folder only when every format
    succeeded. ``pages`` yields ``Page(path, kind, title, render, relation)``;
    ``page.render("screen")`` or ``page.render("pdf")`` gives its HTML.
    ``build.report`` is the analysed report (findings, portfolio, config).
    Set ``needs_pages=False`` when the format does not render pages. Work that
    runs elsewhere (other processes) may go on while later formats write:
    ``build.defer(finish)``; the build calls the ``finish()`` calls in the order they were
    deferred, after every format wrote and before the output is swapped in.

    Runs: the hook at build start (to check ``--format``); each chosen format's
    ``write`` once per build: pdf first, then html, the others, and json
    (report.json, always written) last. json writes the relations at once and defers the
    rest (the portfolio, goals and every warning), so its finish comes after the others'.

    Returns: a list of ``OutputFormat(name, write, description, needs_pages)``;
    ``write`` returns the relative paths it wrote. Built-ins: ``html``, ``pdf``,
    ``json``; two plugins offering one name is an error.

    Example::

        import csv

        from relatierapport import hookimpl
        from relatierapport.hooktypes import OutputFormat

        def write_csv(pages, out_dir, build):
            with open(out_dir / "relations.csv", "w", newline="", encoding="utf-8") as handle:
                writer = csv.writer(handle)
                writer.writerow(["id", "name", "category"])
                for relation in build.report.portfolio.relations.values():
                    writer.writerow([relation.id, relation.name, relation.category or ""])
            return ["relations.csv"]

        @hookimpl
        def output_formats():
            return [OutputFormat("csv", write_csv, "relations.csv, one line per relation",
                                 needs_pages=False)]
    """


@hookspec
def prepare_jinja_env(env: jinja2.Environment, config: Config) -> None:
    """Add filters, tests or globals that templates use (yours or a house style's).

    Built-in filters (``date``, ``money``, ``number``, ``change``, ``percent``, ``label``)
    are added by the built-in ``formatting`` plugin on this hook. Filters
    format; they should not compute findings.

    The environment is Jinja2's immutable sandbox (``relatierapport.render.sandbox``):
    templates cannot reach Python internals, modules or files, nor change what they are
    given. A filter or global you add is Python and runs unsandboxed, so give templates
    values and functions that are safe to call from any template.

    Runs: once per build, when the Jinja2 environment is made, before any page renders.

    Arguments:
        env: the ``jinja2.Environment`` all pages render with; change it in place.
        config: the validated configuration (``config.language`` for formatting).

    Returns: nothing.

    Example::

        from relatierapport import hookimpl

        @hookimpl
        def prepare_jinja_env(env, config):
            env.filters["initials"] = lambda name: "".join(part[0] for part in name.split())
            env.globals["acme_phone"] = "030 123 45 67"
    """


@hookspec
def post_build(result: BuildResult, config: Config) -> None:
    """Act on a finished build: notify, upload, mail, archive.

    A failure here is reported naming the plugin (exit code 1) but does not
    undo the build: the output is already in place.

    Runs: once per build, after the output folder has been swapped in; not on ``check``.

    Arguments:
        result: ``BuildResult``: ``out_dir`` (the output folder), ``files``
            (relative paths written), ``warnings``, ``formats``, ``report`` and
            ``notices`` (about the machine, not the report).
        config: the validated configuration.

    Returns: nothing.

    Example::

        import click

        from relatierapport import hookimpl

        @hookimpl
        def post_build(result, config):
            pdfs = [name for name in result.files if name.endswith(".pdf")]
            click.echo(f"acme: {len(pdfs)} PDFs ready in {result.out_dir}")
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``relatierapport`` command line.

    Only installed plugins (entry points) can add commands: a project's
    ``plugins/`` folder is not known before a command runs.

    Runs: when the command line starts and looks up a command or lists them (``--help``).

    Arguments:
        cli: the ``click.Group`` of ``relatierapport``; add commands with ``@cli.command()``.

    Returns: nothing.

    Example::

        import click

        from relatierapport import hookimpl

        @hookimpl
        def register_commands(cli):
            @cli.command("acme-hello")
            @click.argument("name")
            def hello(name):
                \"\"\"Greet NAME from the ACME plugin.\"\"\"
                click.echo(f"hello {name}, from acme")
    """
