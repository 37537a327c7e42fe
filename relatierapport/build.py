"""One linear build: configure, load, analyse, render, publish, post-build.

Each stage is a plain function taking the run's ``BuildOptions``, so ``check``
runs the same stages as ``build`` (and stops before rendering) and tests can
call any of them.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import gc
import os
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

import polars as pl

from relatierapport import config as config_module
from relatierapport.config import Config
from relatierapport.errors import (ConfigError, DataError, PluginError, Problem,
                                   RelatierapportError, StrictError)
from relatierapport.findings_memo import FindingsMemo
from relatierapport.hooktypes import BuildResult, BuildState, Findings, Report, SourceSummary
from relatierapport.model import EVENT_SCHEMAS, Portfolio, SourceData
from relatierapport.plugins import Plugins, describe_failure, make_plugins
from relatierapport.project_files import watch_set
from relatierapport.readonly import seal, view
from relatierapport.relation_table import RelationTable
from relatierapport.render.publish import check_target, staging, swap_in
from relatierapport.sources import organisations, owners
from relatierapport.sources.identity import IDENTITY, Merge, unify

DEFAULT_FORMATS = ("html", "pdf", "ics")


@dataclass(frozen=True)
class BuildOptions:
    """What the command line (or a test) chose for one run; config.toml says the rest.

    ``as_of`` None takes config's ``[project] as_of``, else today;
    ``disable`` adds to config's ``disable_plugins`` (the ``--disable`` option);
    ``extra_plugins`` are plugin objects given in code (tests, ``relatierapport.testing``)
    and ``installed`` says whether installed packages' plugins load (None: unless the
    environment says not to); see ``make_plugins``.
    """

    config_path: Path = Path("config.toml")
    as_of: dt.date | None = None
    strict: bool = False
    disable: tuple[str, ...] = ()
    extra_plugins: Mapping[str, object] | None = None
    installed: bool | None = None
    out: Path | None = None
    formats: tuple[str, ...] = ()
    jobs: int | None = None
    progress: bool = False
    clean: bool = False        # make every file anew instead of carrying unchanged ones over
    scheduler: str | None = None       # --scheduler: a Dask scheduler's address (else [build] scheduler)


@dataclass
class Loaded:
    """Every source read and merged: the portfolio and what reading it found."""

    portfolio: Portfolio
    summaries: list[SourceSummary]
    errors: list[Problem]
    warnings: list[Problem]
    merges: list[Merge] = field(default_factory=list)


# -- stage 1: configuration ---------------------------------------------------------

def configure(options: BuildOptions) -> tuple[Plugins, Config]:
    """Read config.toml, load the plugins it allows, validate it against their options."""
    raw = config_module.read_toml(options.config_path)
    root = options.config_path.parent.resolve()
    plugins = make_plugins(root, config_module.disabled_plugins(raw) | set(options.disable),
                           strict=options.strict, extra=options.extra_plugins,
                           installed=options.installed)
    config = config_module.validate(raw, options.config_path, plugins.option_groups(),
                                    plugins.source_readers())
    config.as_of = options.as_of or config.project.get("as_of") or dt.date.today()
    config.strict = options.strict
    config.warnings = disable_warnings(plugins.warnings, raw, options.config_path) + config.warnings
    if options.strict and any(w.source == options.config_path.name for w in config.warnings):
        raise ConfigError([w for w in config.warnings if w.source == options.config_path.name])
    return plugins, config


def disable_warnings(warnings: list[Problem], raw: dict, path: Path) -> list[Problem]:
    """The plugin machinery's warnings, those about a name in ``[project] disable_plugins`` (not
    one given with --disable) as problems of config.toml at that key's line."""
    named = config_module.disabled_plugins(raw)
    result = []
    for warning in warnings:
        if warning.source == "plugins" and not warning.field and any(
                warning.message.startswith(f"cannot disable {name!r}:") for name in named):
            warning = Problem(path.name, warning.message, field="[project] disable_plugins")
        result.append(warning)
    return config_module.locate(result, path)


# -- stage 2: loading ---------------------------------------------------------------

#: Sources read at the same time: a large CSV is mostly polars work (outside the GIL) while
#: building a hundred thousand relation records is Python work, so two overlap well.
READ_THREADS = 2


def read_sources(plugins: Plugins, config: Config) -> list[tuple[SourceSummary, SourceData]]:
    """Every source read by its reader, several at a time; results (and so errors and merges)
    come in the order of config.toml."""
    readers = {reader.type: (plugin, reader) for plugin, reader in plugins.collect("source_readers")}

    def read_one(spec) -> tuple[SourceSummary, SourceData]:
        plugin, reader = readers[spec.type]
        try:
            data = reader.read(spec, config)
        except RelatierapportError:
            raise
        except Exception as exc:
            raise PluginError(plugin, "source_readers", f"reading {spec.display} failed: "
                              f"{describe_failure(exc)}") from exc
        if not data.counts() and not data.errors and not data.warnings:
            data.warnings.append(Problem(spec.display, "expected records, found none: this source "
                                         "adds nothing to the report"))
        return SourceSummary(spec.label, spec.type, data.counts(), data.errors, data.warnings), data

    if len(config.sources) < 2:
        return [read_one(spec) for spec in config.sources]
    with ThreadPoolExecutor(max_workers=READ_THREADS) as pool:
        return list(pool.map(read_one, config.sources))


def merge(results: list[tuple[SourceSummary, SourceData]], identity_options: dict | None = None
          ) -> tuple[Portfolio, list[Problem], list[Problem], list[Merge]]:
    """Combine all sources into one portfolio: relations unified across sources, ids remapped,
    employees made one list and owners matched to them (sources/owners.py), persons linked to
    the organisation they name (sources/organisations.py).

    Returns the portfolio, the errors, the warnings (conflicting values among them)
    and the merges made.
    """
    portfolio = Portfolio()
    errors: list[Problem] = []
    warnings: list[Problem] = []
    frames: dict[str, list[tuple[str, pl.DataFrame]]] = {name: [] for name in EVENT_SCHEMAS}
    for summary, data in results:
        errors += data.errors
        warnings += data.warnings
        portfolio.goals += data.goals
        for name, frame in data.tables.items():
            frames[name].append((summary.label, frame))
    # employees of all sources become one list, and owners are matched to them before relations
    # merge, so two sources naming one employee differently ("005x…", "M1") agree
    portfolio.employees = owners.merge_employees([data.employees for _, data in results])
    directory = owners.resolve(portfolio, [data.relations for _, data in results])
    unified = unify([data.relations for _, data in results], identity_options or IDENTITY.defaults())
    portfolio.relations = unified.relations
    errors += unified.errors
    warnings += unified.conflicts
    id_map = unified.id_map
    for relation in portfolio.relations.values():
        if relation.organisation in id_map:
            relation.organisation = id_map[relation.organisation]

    known = pl.Series("id", list(portfolio.relations), dtype=pl.String)
    for name, parts in frames.items():
        kept = []
        for label, frame in parts:
            if name != "surveys" and frame.height:
                if id_map:
                    frame = frame.with_columns(pl.col("relation").replace(id_map))
                unknown = frame.filter(~pl.col("relation").is_in(known.implode()))
                if unknown.height:
                    ids = unknown["relation"].unique(maintain_order=True).head(10).to_list()
                    warnings.append(Problem(label, f"{unknown.height} rows refer to relations that no "
                                            f"source defines ({', '.join(ids)}); they are left out",
                                            field="relation"))
                    frame = frame.filter(pl.col("relation").is_in(known.implode()))
            elif name == "surveys" and id_map and frame.height:
                frame = frame.with_columns(pl.col("subject").replace(id_map))
            if name == "touchpoints":
                frame = owners.match_touchpoint_employees(frame, directory)
            kept.append(frame)
        if kept:
            setattr(portfolio, name, pl.concat(kept) if len(kept) > 1 else kept[0])
    warnings += owners.unknown_owners(portfolio.relations, directory)
    warnings += organisations.link_by_name(portfolio.relations)
    for relation in portfolio.relations.values():
        if relation.organisation and relation.organisation not in portfolio.relations:
            warnings.append(_at(relation.origin, "organisation", f"expected a relation id, found "
                                f"{relation.organisation!r}, which no relation has"))
    return portfolio, errors, warnings, unified.merges


def _at(origin: str, field_name: str, message: str) -> Problem:
    """A problem located at a record's origin ("file:line")."""
    source, _, line = origin.rpartition(":")
    return Problem(source or origin, message, line, field_name)


def load(plugins: Plugins, config: Config) -> Loaded:
    """Read and merge every source; the caller decides what the errors stop."""
    with _collector_paused():
        results = read_sources(plugins, config)
        portfolio, errors, warnings, merges = merge(results, config.sections["identity"])
    if not portfolio.relations and not errors:
        errors.append(no_relations(config, [summary for summary, _ in results]))
    errors, warnings = config_module.locate(errors, config.path), config_module.locate(warnings, config.path)
    return Loaded(portfolio, [summary for summary, _ in results], errors, warnings, merges)


def no_relations(config: Config, summaries: list[SourceSummary]) -> Problem:
    """A report of nothing is not a report: what each source gave instead, so it can be fixed."""
    gave = "; ".join(f"{summary.label}: " + (", ".join(f"{n} {table}" for table, n in summary.counts.items())
                                             or "nothing") for summary in summaries) or "no sources"
    return Problem(config.path.name, f"expected relations to report on, found none ({gave}); "
                   "a report of 0 relations is not made", field="[[sources]]")


# -- stage 3: analysis --------------------------------------------------------------

@contextlib.contextmanager
def _collector_paused():
    """Sources make a hundred thousand relation records and analyses many small objects for a
    large portfolio, none of them cyclic: the cyclic garbage collector's passes over them would
    only cost time (measured: a quarter of reading 100,000 relations)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def analyse(plugins: Plugins, config: Config, portfolio: Portfolio,
            memo: FindingsMemo | None = None) -> dict[str, Findings]:
    """Run every analysis after those it requires; name the plugin that fails. The portfolio is
    sealed first: each analysis reads its own read-only view, so none can change what the others
    (and the report) see. With ``memo``, an analysis that names its inputs and whose inputs did
    not change since the previous build gets that build's findings instead of running."""
    findings: dict[str, Findings] = {}
    seal(portfolio)
    for plugin, analysis in plugins.analyses():
        given = {name: findings[name] for name in analysis.requires + analysis.after
                 if name in findings}
        try:
            with _collector_paused():
                result = (memo.run(analysis, view(portfolio), config, given) if memo is not None
                          else analysis.run(view(portfolio), config, given))
        except RelatierapportError:
            raise
        except Exception as exc:
            raise PluginError(plugin, "analyses", f"analysis {analysis.name!r} raised "
                              f"{describe_failure(exc)}") from exc
        if not isinstance(result, Findings):
            raise PluginError(plugin, "analyses", f"analysis {analysis.name!r} returned "
                              f"{type(result).__name__}, expected Findings")
        if isinstance(result.relations, RelationTable):
            try:
                result.relations.validate()
            except ValueError as exc:
                raise PluginError(plugin, "analyses", f"analysis {analysis.name!r}: {exc}") from exc
        findings[analysis.name] = result
    return findings


def prepare_report(options: BuildOptions, *,
                   on_loaded: Callable[[Config, Loaded], None] = lambda config, loaded: None,
                   memo: FindingsMemo | None = None) -> tuple[Plugins, Report]:
    """Stages 1-3: everything ``check`` does, and the start of every build.

    ``on_loaded`` sees what the sources gave before data errors stop the run (``check``
    lists it); all data errors together raise one DataError. A build gives a ``memo``: the
    findings its output folder kept from the previous build are reused where their inputs are
    unchanged, and this build's are kept in it.
    """
    with polars_engine():
        return _prepare_report(options, on_loaded, memo)


def _prepare_report(options: BuildOptions, on_loaded: Callable[[Config, Loaded], None],
                    memo: FindingsMemo | None) -> tuple[Plugins, Report]:
    plugins, config = configure(options)
    loaded = load(plugins, config)
    on_loaded(config, loaded)
    if loaded.errors:
        raise DataError(loaded.errors)
    if memo is not None:
        memo.previous = previous_output(options, config)
    findings = analyse(plugins, config, loaded.portfolio, memo)
    warnings = config.warnings + loaded.warnings + config_module.locate(
        [w for f in findings.values() for w in f.warnings], config.path)
    return plugins, Report(config, loaded.portfolio, findings, warnings)


# -- stage 4 and 5: render and publish ----------------------------------------------

def build(options: BuildOptions, *, on_stage: Callable[[str], None] = lambda stage: None
          ) -> BuildResult:
    """Build the reports into the output folder atomically: all formats succeed or nothing changes."""
    with _EarlyPdfPool(options) as early, polars_engine():
        return _build(options, on_stage, early)


#: Which polars engine runs a build's queries, unless the environment names one.
POLARS_ENGINE = "in-memory"


@contextlib.contextmanager
def polars_engine():
    """Run the build's polars queries on the in-memory engine, unless ``POLARS_ENGINE_AFFINITY``
    in the environment chooses one; the process's setting is back as it was afterwards.

    Why: polars' default ("auto") hands a lazy query to its streaming engine, whose start
    costs about a millisecond on small frames. The analyses make several hundred queries:
    reading and analysing the example took 0.77 of the time in memory, 1,131 relations
    0.80–0.98; at 113,980 relations the time was the same within noise and the peak 50–125 MB
    lower (benchmarks/README.md, "Which polars engine"). report.json is the same on either engine
    for those projects; the one figure found to depend on the engine (clv's times, a division by
    a constant) is divided outside polars."""
    if os.environ.get("POLARS_ENGINE_AFFINITY"):
        yield
        return
    with pl.Config(engine_affinity=POLARS_ENGINE):
        yield


class _EarlyPdfPool:
    """PDF worker processes started when the build starts, before reading and analysing, so
    that their start (importing WeasyPrint, ~0.5 s each) overlaps them: when PDFs are asked
    for (or by default) and --jobs allows more than one process. Stopped once the sources
    are read if the report has too few pages for a pool (they are then rendered in this
    process), stopped on any error, closed when the output is in place. Not started when a
    Dask cluster renders them.

    An incremental rebuild (the output holds the PDFs' digests) makes few PDFs again, often
    the portfolio (its longest) and a plan: it gets one worker, which takes the first of them
    as soon as its HTML is known (``pdf_output.write_pdf``), and only when a project file
    (``project_files``, what the live preview watches) changed since the previous build; with
    none changed it most likely makes no PDF at all.
    That is a guess about whether to start a worker: which PDFs are made again is decided by
    their digests either way."""

    def __init__(self, options: BuildOptions):
        self.options = options
        self.pool = None
        if _jobs(options) > 1 and "pdf" in (options.formats or DEFAULT_FORMATS) and not options.scheduler:
            from relatierapport.builtin.outputs.pdf_output.pool import start_pool

            previous = _previous_pdfs(options)
            if previous is None:
                self.pool = start_pool(_jobs(options))
            elif watch_set(options.config_path, [previous.parent.parent]).changed_since(
                    previous.stat().st_mtime_ns):
                self.pool = start_pool(1)

    def on_loaded(self, config: Config, loaded: Loaded) -> None:
        if self.pool is not None and (not self.pool.pays(1 + len(loaded.portfolio.relations))
                                      or _scheduler(self.options, config)[0]):
            self.stop()

    def stop(self) -> None:
        if self.pool is not None:
            self.pool.stop()
            self.pool = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None

    def __enter__(self) -> "_EarlyPdfPool":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        self.stop() if kind is not None else self.close()


def _previous_pdfs(options: BuildOptions) -> Path | None:
    """The previous build's PDF digests in the output folder, unless ``--clean`` is given: the
    folder is read from config.toml's ``[project] output`` before the config is validated, so
    any doubt says there are none."""
    from relatierapport.render.reuse import manifest

    if options.clean:
        return None
    try:
        target = options.out
        if target is None:
            output = config_module.read_toml(options.config_path).get("project", {}).get("output", "site")
            target = options.config_path.parent / output
        found = manifest(target, "pdf")
        return found if found.is_file() else None
    except (RelatierapportError, OSError, AttributeError, TypeError, ValueError):
        return None


def output_folder(options: BuildOptions, config: Config) -> Path:
    """Where the build writes: ``--out``, else config's ``[project] output``."""
    out = options.out if options.out is not None else config.root / config.project["output"]
    return out.resolve()


def previous_output(options: BuildOptions, config: Config) -> Path | None:
    """The output folder when it holds a previous build whose files may be carried over (its
    report.json marks it as ours); None with ``--clean``."""
    target = output_folder(options, config)
    return None if options.clean or not (target / "report.json").is_file() else target


def _jobs(options: BuildOptions) -> int:
    return options.jobs or os.cpu_count() or 1


def _build(options: BuildOptions, on_stage: Callable[[str], None], early: _EarlyPdfPool) -> BuildResult:
    on_stage("reading and analysing")
    memo = FindingsMemo(None)
    plugins, report = prepare_report(options, on_loaded=early.on_loaded, memo=memo)
    config = report.config
    if options.strict and report.warnings:
        raise StrictError(report.warnings)
    available = plugins.output_formats()
    chosen = list(dict.fromkeys(options.formats or DEFAULT_FORMATS))
    unknown = [name for name in chosen if name not in available]
    if unknown:
        raise ConfigError([Problem("--format", f"expected one of {', '.join(sorted(available))}, "
                                   f"found {', '.join(unknown)}")])
    if "json" in available and "json" not in chosen:
        chosen.append("json")      # report.json is always written: it marks our output folder
    target = output_folder(options, config)
    check_target(target, config.root)

    from relatierapport.render.site import Site
    site = Site(report, plugins) if any(available[n].needs_pages for n in chosen) else None
    state = BuildState(report, site, _jobs(options), options.progress, pdf_pool=early.pool,
                       previous_output=previous_output(options, config))
    state.scheduler, state.scheduler_set_by = _scheduler(options, config)
    files: list[str] = []
    with staging(target) as tmp:
        # pdf first, so that a rebuild's few PDFs render while the other formats write (see
        # BuildState.defer); json last: it writes its relations meanwhile and finishes, with
        # what rendering warned about, after the others' deferred work
        for name in sorted(chosen, key=lambda n: (n == "json", n != "pdf", n != "html", n)):
            on_stage(f"writing {name}")
            pages = site.pages() if site is not None else iter(())
            files += _write(plugins, available[name], pages, tmp, state)
            if site is not None:     # templates, assets or a stylesheet refused as leading outside
                state.warnings += site.refusals.take_new()
        state.finish_deferred()
        if options.strict and state.warnings:
            raise StrictError(state.warnings)
        memo.save(tmp)
        swap_in(tmp, target)
    early.close()
    result = BuildResult(target, sorted(set(files)), report.warnings + state.warnings, chosen, report,
                         state.notices, state.printed_pages, state.carried_over)
    plugins.post_build(result, config)
    return result


def _scheduler(options: BuildOptions, config: Config) -> tuple[str | None, str]:
    """The Dask scheduler to render on, and where it was set: --scheduler wins over config."""
    if options.scheduler:
        return options.scheduler, "--scheduler"
    return config.sections.get("build", {}).get("scheduler") or None, "[build] scheduler"


def _write(plugins: Plugins, output_format, pages, tmp: Path, state: BuildState) -> list[str]:
    """Run one output format, and name it in what it leaves to finish later (``BuildState.defer``)."""
    waiting = len(state.deferred)
    files = _naming(plugins, output_format, lambda: list(output_format.write(pages, tmp, state)))
    state.deferred[waiting:] = [functools.partial(_naming, plugins, output_format, finish)
                                for finish in state.deferred[waiting:]]
    return files


def _naming(plugins: Plugins, output_format, work: Callable[[], object]):
    """Run a format's work; a plugin's exception names the plugin (report_sections and
    template errors, raised while pages render, already name themselves)."""
    try:
        return work()
    except RelatierapportError:
        raise
    except Exception as exc:
        owner = plugins.output_format_owners().get(output_format.name, "?")
        raise PluginError(owner, "output_formats", f"format {output_format.name!r} raised "
                          f"{describe_failure(exc)}") from exc
