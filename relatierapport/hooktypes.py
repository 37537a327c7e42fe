"""The small records that hooks return. Plugin authors import them from here.

They are plain frozen dataclasses so that a plugin's contribution can be
compared, sorted and shown by ``relatierapport plugins`` without calling it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Callable, Iterable

import polars as pl

from relatierapport.options import Option, OptionGroup
from relatierapport.relation_table import RelationTable, relation_columns

if TYPE_CHECKING:  # pragma: no cover
    from pathlib import Path

    from relatierapport.config import Config, SourceSpec
    from relatierapport.errors import Problem
    from relatierapport.model import Portfolio, SourceData

__all__ = ["Analysis", "Findings", "Option", "OptionGroup", "OutputFormat", "Page",
           "RelationTable", "Section", "SourceReader", "relation_columns"]


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
        if isinstance(self.relations, pl.DataFrame):
            self.relations = RelationTable(self.relations)


@dataclass(frozen=True)
class Analysis:
    """A named analysis. ``run(portfolio, config, findings)`` returns ``Findings``.

    ``findings`` maps the names in ``requires`` to their ``Findings``; analyses
    run in dependency order, never in registration order.
    """

    name: str
    run: Callable[["Portfolio", "Config", dict[str, Findings]], Findings]
    requires: tuple[str, ...] = ()
    after: tuple[str, ...] = ()      # run after these when they are loaded; no error when absent
    description: str = ""


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
