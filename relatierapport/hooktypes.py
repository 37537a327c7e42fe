"""The small records that hooks return. Plugin authors import them from here.

They are plain frozen dataclasses so that a plugin's contribution can be
compared, sorted and shown by ``relatierapport plugins`` without calling it.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Iterable, Protocol

from relatierapport.options import Option, OptionGroup

if TYPE_CHECKING:  # pragma: no cover
    import polars as pl

    from relatierapport.relation_table import RelationTable, relation_columns
    from relatierapport.config import Config, SourceSpec
    from relatierapport.errors import Problem
    from relatierapport.model import Portfolio, SourceData
    from relatierapport.paths import Roots

__all__ = ["Analysis", "BuildResult", "BuildState", "Findings", "GoalMetric", "Option", "OptionGroup",
           "OutputFormat", "Page", "RelationTable", "Report", "Section", "SiteFiles", "SourceReader",
           "SourceSummary", "relation_columns"]

#: Names that need polars, imported on first use so that ``relatierapport --help`` need not.
_FROM_RELATION_TABLE = ("RelationTable", "relation_columns")


def __getattr__(name: str):
    if name in _FROM_RELATION_TABLE:
        from relatierapport import relation_table

        value = getattr(relation_table, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@dataclass(frozen=True)
class SourceReader:
    """Reads one kind of file (``type`` in ``[[sources]]``) into the model.

    ``read(spec, config)`` returns a ``SourceData`` and puts located problems in
    its ``errors``/``warnings`` instead of raising, so every bad row is listed.
    ``options`` are the extra keys this type accepts in its ``[[sources]]`` table.
    """

    type: str
    read: Callable[["SourceSpec", "Config"], "SourceData"]
    options: tuple[Option, ...] = ()
    description: str = ""


@dataclass
class Findings:
    """What an analysis found: per relation id, for the portfolio, and its warnings.

    ``relations`` is either a dict ``{relation id: {...}}`` or, for large
    portfolios, a polars DataFrame with a ``relation`` column and one row per
    relation (nested parts as struct and list columns); a DataFrame is wrapped in
    a ``RelationTable``, so ``found.relations[id]`` is a dict either way. Values
    must be JSON-compatible (str, int, float, bool, None, date, lists, dicts):
    they go into report.json under the analysis' name.
    """

    relations: Mapping[str, dict[str, Any]] = field(default_factory=dict)
    portfolio: dict[str, Any] = field(default_factory=dict)
    warnings: list["Problem"] = field(default_factory=list)

    def __post_init__(self):
        polars = sys.modules.get("polars")      # not imported: relations cannot be a DataFrame
        if polars is not None and isinstance(self.relations, polars.DataFrame):
            from relatierapport.relation_table import RelationTable

            self.relations = RelationTable(self.relations)


@dataclass(frozen=True)
class Analysis:
    """A named analysis. ``run(portfolio, config, findings)`` returns ``Findings``.

    ``findings`` maps the names in ``requires`` to their ``Findings``; analyses
    run in dependency order, never in registration order. ``collects`` names
    collecting hooks (``goal_metrics``) whose combined results ``run`` gets as
    a keyword argument of the hook's name: how an analysis reads what other
    plugins offer it.

    ``inputs(portfolio, config, findings)``, when given, returns everything ``run``'s findings
    are made from, as a list of str or bytes (the data it reads, its options, the versions of
    libraries that compute them). A rebuild whose inputs, whose analysis code (``run``'s module,
    or its package) and relatierapport (version and source) equal the previous build's reuses
    the findings that build kept instead of running it (``relatierapport.findings_memo``): for
    an analysis that costs noticeably more than reading its inputs. Anything left out of
    ``inputs`` can leave stale findings; ``build --clean`` runs every analysis. An analysis
    that ``collects`` always runs.
    """

    name: str
    run: Callable[..., Findings]
    requires: tuple[str, ...] = ()
    after: tuple[str, ...] = ()      # run after these when they are loaded; no error when absent
    description: str = ""
    collects: tuple[str, ...] = ()
    inputs: Callable[..., list[str | bytes]] | None = None


#: How a goal metric combines the values of a goal's relations in a period.
GOAL_AGGREGATES = ("sum", "mean", "growth", "change", "retention")


@dataclass(frozen=True)
class GoalMetric:
    """A metric that goals can track: ``metric = "<name>"`` (or one of its ``aliases``) in a goal.

    ``values(portfolio, config)`` returns a polars DataFrame with the columns
    ``relation`` (String), ``date`` (Date) and ``value`` (Float64): one row per
    dated measurement (a won deal and its amount, a survey and its score), or
    None when the data the metric needs is not there at all (the goal then says
    ``missing``). A row may carry 0 (a touchpoint that is not a referral): the
    first row's date tells from when the data cover the metric, so a total over
    a period that starts earlier is scaled up or left out of the history rather
    than taken for a fall. The goals analysis takes the rows of a goal's relations in a
    period and combines them by ``aggregate``: ``sum`` (a total), ``mean`` (an
    average level), ``growth`` (the total in percent against the baseline
    period's), ``change`` (the mean in points against the baseline period's) or
    ``retention`` (of the relations with a value in the baseline period, the
    percentage that has one in the period too). ``unit`` says how values are
    shown: ``count``, ``money``, ``score``, ``percent`` or ``points``.
    ``bounds`` (lowest, highest; None for open) keep projections possible, e.g.
    (0, 10) for a score out of 10. ``cumulative``: the values are never
    negative, so a total reached cannot fall back and a flow goal counts as
    achieved as soon as it reaches its target (counts; not revenue, which a credit
    note can lower). ``aim``: which of the method's three aims a goal on this
    metric serves unless it says so itself: ``extend`` (verlengen), ``expand``
    (verhogen), ``improve`` (verbeteren), or None. ``value_unit``: the unit of the
    values themselves when ``unit`` is that of a comparison (revenue growth is in
    percent of money totals: ``money``).
    """

    name: str
    values: Callable[["Portfolio", "Config"], "pl.DataFrame | None"]
    aggregate: str = "sum"
    unit: str = "count"
    missing: str = "no data for this metric on record"
    aliases: tuple[str, ...] = ()
    higher_is_better: bool = True
    bounds: tuple[float | None, float | None] = (None, None)
    description: str = ""
    cumulative: bool = False
    aim: str | None = None
    value_unit: str | None = None

    def __post_init__(self):
        if self.aggregate not in GOAL_AGGREGATES:
            raise ValueError(f"goal metric {self.name!r}: aggregate must be one of "
                             f"{', '.join(GOAL_AGGREGATES)}, found {self.aggregate!r}")


@dataclass(frozen=True)
class Section:
    """A block of a report page: rendered from ``template`` with ``data``, ordered by ``weight``.

    Lower weights come first. ``title`` is shown as the heading and PDF bookmark.
    """

    id: str
    title: str
    template: str
    weight: int = 100
    data: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Page:
    """One page of the site: ``path`` without extension, e.g. ``index`` or ``relations/k001``."""

    path: str
    kind: str                      # "portfolio" | "relation"
    title: str
    render: Callable[[str], str]   # medium ("screen" | "pdf") -> HTML text
    relation: str | None = None


@dataclass(frozen=True)
class OutputFormat:
    """A way to write the built site, selected with ``--format NAME``.

    ``write(pages, out_dir, build)`` writes files under ``out_dir`` (the temporary
    build folder) and returns the relative paths it wrote.
    """

    name: str
    write: Callable[[Iterable[Page], "Path", Any], list[str]]
    description: str = ""
    needs_pages: bool = True


# -- what the build hands to sections, output formats and post_build ------------------

@dataclass
class Report:
    """The analysed portfolio: what every report section and output format reads."""

    config: "Config"
    portfolio: "Portfolio"
    findings: dict[str, Findings]
    warnings: list["Problem"]
    _memo: dict[str, object] = field(default_factory=dict, repr=False)

    def memo(self, key: str, make: Callable[[], object]) -> object:
        """Compute a lookup once per build (e.g. contacts per organisation) for per-page hooks."""
        if key not in self._memo:
            self._memo[key] = make()
        return self._memo[key]

    @property
    def as_of(self) -> dt.date:
        return self.config.as_of

    def translate(self, message: str) -> str:
        """Translate a fixed text into the report's language (msgids are English). Report
        sections call this ~80 times a page: the catalogue's lookup is found once per report."""
        gettext = self._memo.get("translate.gettext")
        if gettext is None:
            from relatierapport.render.i18n import translations

            gettext = self._memo["translate.gettext"] = translations(self.config.language).gettext
        return gettext(message)


class SiteFiles(Protocol):
    """What an output format may ask of the rendered site besides its pages."""

    dirs: list[Path]
    roots: "Roots"      # the folders the build may read (``path in roots`` follows links)

    def copy_assets(self, out_dir: Path) -> list[str]: ...

    def stylesheet(self) -> Path: ...

    def page_count(self) -> int: ...

    def pages(self) -> Iterator[Page]: ...


@dataclass
class BuildState:
    """What an output format's ``write`` gets besides the pages (its third argument).

    ``warnings`` are about the report (a missing image, a template's CSS): they count for
    ``--strict`` and go into report.json. ``notices`` are about the machine the build runs on
    (a missing optional library or font): printed once as ``notice: …``, never counted by
    ``--strict``, not in report.json. Add one with ``notify``.
    """

    report: Report
    site: SiteFiles | None          # None when no chosen format needs pages
    jobs: int
    progress: bool
    warnings: list["Problem"] = field(default_factory=list)   # output formats add theirs here
    notices: list[str] = field(default_factory=list)
    printed_pages: int | None = None    # pages of the PDFs written, when a format made PDFs
    #: the output folder of the previous build, whose unchanged files may be carried over
    #: (``relatierapport.render.reuse``); None on a first build and with ``build --clean``
    previous_output: Path | None = None
    carried_over: int = 0               # files carried over from it unchanged
    pdf_pool: Any = None    # PDF workers the build started early (pdf_output's WorkerPool), or None
    #: A Dask scheduler's address: the PDFs are rendered on its cluster (None: on this machine),
    #: and where it was set, for messages: "--scheduler" or "[build] scheduler" (config.toml).
    scheduler: str | None = None
    scheduler_set_by: str = "--scheduler"

    #: work an output format left running (``defer``), finished after the other formats
    deferred: list[Callable[[], None]] = field(default_factory=list)

    def defer(self, finish: Callable[[], None]) -> None:
        """Let work this format started (rendering in other processes) go on while the
        formats after it write: ``finish()`` waits for it and completes the format. The build
        calls the finishes in the order they were deferred once every format wrote (json's,
        which completes report.json with every warning, last); raising there fails the build
        like raising in ``write``."""
        self.deferred.append(finish)

    def finish_deferred(self) -> None:
        while self.deferred:
            self.deferred.pop(0)()

    def notify(self, notice: str) -> None:
        """Note something about the machine, once per build however often it is said."""
        if notice not in self.notices:
            self.notices.append(notice)


@dataclass
class BuildResult:
    """What a finished build wrote: ``post_build`` gets it. ``notices`` are about the machine,
    not the report (see ``BuildState``)."""

    out_dir: Path
    files: list[str]
    warnings: list["Problem"]
    formats: list[str]
    report: Report = field(repr=False)
    notices: list[str] = field(default_factory=list)
    printed_pages: int | None = None    # pages of the PDFs written (None: no PDF was made)
    carried_over: int = 0               # of the files, those carried over from the previous build


@dataclass
class SourceSummary:
    """What one source gave, for ``check``."""

    label: str
    type: str
    counts: dict[str, int]
    errors: list["Problem"]
    warnings: list["Problem"]
