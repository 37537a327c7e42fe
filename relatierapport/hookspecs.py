"""Every hook of relatierapport, typed, with the only copy of its documentation.

Built-in behaviour is written as plugins on these same hooks. Hooks that collect
things return lists; results are combined in plugin-name order, never in
registration order, and two plugins contributing the same name is an error
naming both. A hook implementation may accept any subset of the arguments.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    import click
    import jinja2

    from relatierapport.build import BuildResult, Report
    from relatierapport.config import Config
    from relatierapport.hooktypes import Analysis, OutputFormat, Section, SourceReader
    from relatierapport.model import Relation
    from relatierapport.options import OptionGroup

hookspec = pluggy.HookspecMarker("relatierapport")


@hookspec
def config_options() -> list[OptionGroup]:
    """Declare the config.toml options this plugin reads.

    Runs once at start-up, before config.toml is validated. Return one
    ``OptionGroup`` per section, normally ``plugins.<your plugin name>``; every
    key is type-checked and defaulted, unknown keys are warned about (an error
    under ``--strict``), and all problems are reported together.

    Example::

        @hookimpl
        def config_options():
            return [OptionGroup("plugins.acme", (Option("weight", Number(0, 1), 0.5, "Weight of ..."),))]
    """


@hookspec
def source_readers() -> list[SourceReader]:
    """Offer readers for new kinds of input (``type = "..."`` in ``[[sources]]``).

    Runs at start-up. Each ``SourceReader`` names its type, the extra options its
    ``[[sources]]`` table accepts, and ``read(spec, config) -> SourceData``, which
    turns the file into model records and lists located problems
    (``Problem(source, message, location, field)``) instead of raising on the
    first. Two plugins offering the same type is an error.

    Example::

        @hookimpl
        def source_readers():
            return [SourceReader("acme_crm", read_acme, options=(Option("sheet", Text(), "Blad1"),))]
    """


@hookspec
def analyses() -> list[Analysis]:
    """Offer analyses that read the portfolio and return findings.

    Runs once per build, after all sources are read and merged. Each
    ``Analysis(name, run, requires)`` is run as ``run(portfolio, config, findings)``
    after the analyses named in ``requires``; ``findings`` holds their results.
    ``run`` returns ``Findings(relations={id: {...}}, portfolio={...})``, which
    lands in report.json under ``name``. Analyses never render. Two analyses with
    one name, a missing requirement or a cycle is an error.

    Example::

        @hookimpl
        def analyses():
            return [Analysis("acme_score", score, requires=("cadence",))]
    """


@hookspec
def report_sections(kind: str, relation: Relation | None, report: Report,
                    config: Config) -> list[Section]:
    """Add sections to a report page.

    Called for the portfolio page (``kind="portfolio"``, ``relation=None``) and
    for each relation's plan (``kind="relation"``). ``report.findings[name]`` has
    every analysis' ``Findings``; ``report.translate`` translates a text into the
    report's language. Return ``Section(id, title, template, weight, data)``
    records; pages show them by ascending weight. Templates show ``data``, they do
    not compute. Return an empty list to add nothing to this page.

    Example::

        @hookimpl
        def report_sections(kind, relation, report):
            if kind == "relation":
                found = report.findings["acme_score"].relations.get(relation.id)
                return [Section("acme", "ACME score", "acme.html", 50, {"score": found})]
            return []
    """


@hookspec
def template_dirs() -> list[Path]:
    """Add folders of templates (and an ``assets/`` subfolder of static files).

    Runs when the Jinja2 environment is made. A project's own ``templates/``
    comes first, then plugin folders (by plugin name), then the built-ins; a
    template can extend the original it overrides as ``builtin/<name>``.
    """


@hookspec
def output_formats() -> list[OutputFormat]:
    """Offer output formats, selected with ``build --format NAME``.

    Each ``OutputFormat(name, write)`` is called as ``write(pages, out_dir, build)``
    with the rendered pages, the temporary output folder and the build state,
    and returns the relative paths it wrote. Built-ins: ``html``, ``pdf``, ``json``.
    """


@hookspec
def prepare_jinja_env(env: jinja2.Environment, config: Config) -> None:
    """Add filters, tests or globals to the Jinja2 environment before any page renders."""


@hookspec
def post_build(result: BuildResult, config: Config) -> None:
    """Act on a finished build, after the output folder has been swapped in.

    ``result`` has the output folder, the files written and the warnings.
    Use it to notify, upload or mail; a failure here does not undo the build.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add subcommands to the ``relatierapport`` command line.

    Runs when the CLI starts, for installed (not project-local) plugins.
    """
