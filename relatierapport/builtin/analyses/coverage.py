"""Built-in plugin ``coverage``: which kinds of data each relation and each source has.

A CRM export of accounts without its activities, or an address book, brings
relations but no contact history. Without knowing that, every such relation
reads "never contacted" and red. This analysis says, per relation and per
source, what the data holds, so other analyses can tell "we never spoke" from
"this export has no activity history". They read it from these findings
(``after = ("coverage",)``).

Only rows dated on or before the report date count, as everywhere else.

Per relation:

``sources``
    The ``[[sources]]`` entries its record came from (their ``name``, else their
    path as written): the entry whose path is the file of the record's origin
    or a folder or archive holding it; for a relation merged from several
    sources, each of them in order.
``touchpoints``, ``business``, ``surveys``
    How many rows of each kind the data holds for it (surveys: those whose
    subject is the relation).
``summary_last_contact``, ``summary_contacts``
    Whether its source gave its own summary of contact: a last-contact date
    (a CRM's "last activity"), a count of contacts.
``history``
    ``logged`` when it has at least one touchpoint; ``others`` when it has none
    but another relation from one of its sources has one (so "never contacted"
    means what it says); ``none`` when no relation from any of its sources has
    a touchpoint: the data holds no activity history for it.

The rule for ``others`` against ``none`` looks at the relations a source
gave, not at the source's own tables: a touchpoints table is a source of its
own (a CSV holds one table), and the touchpoints name relations, not the file
that defined them. A source "has activity history" when at least one of its
relations has a logged touchpoint, wherever that touchpoint was read.

Portfolio: ``tables`` (rows per kind), ``has_touchpoints`` (whether the data
holds any touchpoint at all), ``relations`` (how many relations have each
kind), ``history`` (relations per history value) and ``sources``: every
``[[sources]]`` entry in config order with its type, the table it declares
(null for a source that reads several), how many relations it gave, how many
of those have each kind of data and ``activity_history`` (whether any of them
has a touchpoint); these last are null for a source that gave no relations.
"""

from __future__ import annotations

import re

import polars as pl

from relatierapport import hookimpl
from relatierapport.hooktypes import Analysis, Findings

NAME = "coverage"
KINDS = ("touchpoints", "business", "surveys")
HISTORY = ("logged", "others", "none")


@hookimpl
def analyses():
    return [Analysis(NAME, analyse,
                     description="Which kinds of data (touchpoints, business, surveys, the "
                                 "export's contact summary) each relation and source has.")]


_MERGED = re.compile(r"\((.*)\)$")


def _file(origin: str) -> str:
    """The file part of an origin: "data/x.csv:12" -> "data/x.csv"."""
    file, colon, _ = origin.rpartition(":")
    return file if colon else origin


def _origins(relation) -> list[str]:
    """The record's origin and those of the records merged into it ("id (file:line)" or
    "file:line")."""
    found = [relation.origin]
    for entry in relation.merged_from:
        inner = _MERGED.search(entry)
        found.append(inner.group(1) if inner else entry)
    return found


class _SourceOf:
    """The ``[[sources]]`` label of a file: the entry whose path is the file or a folder or
    archive holding it (the longest such path); the file itself when no entry matches."""

    def __init__(self, specs):
        self.paths = sorted(((spec.display.rstrip("/"), spec.label) for spec in specs),
                            key=lambda item: -len(item[0]))
        self.known: dict[str, str] = {}

    def __call__(self, file: str) -> str:
        if file not in self.known:
            self.known[file] = next((label for path, label in self.paths
                                     if file == path or file.startswith(path + "/")), file)
        return self.known[file]


def _counts(frame: pl.DataFrame, key: str, as_of, name: str) -> pl.LazyFrame:
    return (frame.lazy().filter(pl.col("date") <= as_of)
            .group_by(pl.col(key).alias("relation")).agg(pl.len().cast(pl.Int64).alias(name)))


def analyse(portfolio, config, findings) -> Findings:
    as_of = config.as_of
    source_of = _SourceOf(config.sources)
    records = list(portfolio.relations.values())
    base = pl.DataFrame({
        "relation": [r.id for r in records], "origin": [r.origin for r in records],
        "summary_last_contact": [r.summary_last_contact is not None for r in records],
        "summary_contacts": [r.summary_contacts is not None for r in records]},
        schema={"relation": pl.String, "origin": pl.String, "summary_last_contact": pl.Boolean,
                "summary_contacts": pl.Boolean})
    # a few files for a hundred thousand records: each file is looked up once
    base = base.with_columns(pl.col("origin").str.replace(r":[^:]*$", "").alias("file"))
    labels = {file: source_of(file) for file in base["file"].drop_nulls().unique().to_list()}
    base = base.with_columns(
        pl.when(pl.col("origin") != "")
        .then(pl.concat_list(pl.col("file").replace_strict(labels, default=None)))
        .otherwise(pl.lit([], pl.List(pl.String))).alias("sources")).drop("origin", "file")
    merged = [r for r in records if r.merged_from]
    if merged:          # few: their lists are made one by one and put in place
        lists = [list(dict.fromkeys(source_of(_file(origin)) for origin in _origins(r) if origin))
                 for r in merged]
        base = base.update(pl.DataFrame({"relation": [r.id for r in merged], "sources": lists},
                                        schema={"relation": pl.String,
                                                "sources": pl.List(pl.String)}), on="relation")
    frame = base.lazy()
    for name, key in (("touchpoints", "relation"), ("business", "relation"), ("surveys", "subject")):
        frame = frame.join(_counts(getattr(portfolio, name), key, as_of, name), on="relation",
                           how="left", maintain_order="left")
    frame = frame.with_columns(pl.col(KINDS).fill_null(0)).collect()

    pairs = (frame.select("relation", "sources", (pl.col("touchpoints") > 0).alias("logged"))
             .explode("sources").drop_nulls("sources"))
    sources_logged = pairs.group_by("sources").agg(pl.col("logged").any().alias("source_logged"))
    others = (pairs.join(sources_logged, on="sources").group_by("relation")
              .agg(pl.col("source_logged").any().alias("others")))
    frame = (frame.join(others, on="relation", how="left", maintain_order="left")
             .with_columns(pl.when(pl.col("touchpoints") > 0).then(pl.lit("logged"))
                           .when(pl.col("others").fill_null(False)).then(pl.lit("others"))
                           .otherwise(pl.lit("none")).alias("history")))
    per_relation = frame.select("relation", "sources", *KINDS, "summary_last_contact",
                                "summary_contacts", "history")
    return Findings(relations=per_relation, portfolio=_portfolio(portfolio, config, per_relation))


def _with(frame: pl.DataFrame) -> dict:
    """How many relations of ``frame`` have each kind of data."""
    row = frame.select(pl.len().alias("relations"),
                       *((pl.col(kind) > 0).sum().alias(f"with_{kind}") for kind in KINDS),
                       pl.col("summary_last_contact").sum().alias("with_summary")).row(0, named=True)
    return {key: int(value) for key, value in row.items()}


def _portfolio(portfolio, config, per_relation: pl.DataFrame) -> dict:
    as_of = config.as_of
    tables = {name: getattr(portfolio, name).filter(pl.col("date") <= as_of).height
              for name in KINDS}
    history = dict.fromkeys(HISTORY, 0)
    history.update(per_relation.group_by("history").len().iter_rows())
    exploded = per_relation.explode("sources")
    entries = [(spec.label, spec.type, spec.table) for spec in config.sources]
    named = {label for label, _, _ in entries}
    # records whose origin names no [[sources]] entry (a plugin's reader may word it otherwise)
    entries += [(label, None, None) for label in exploded["sources"].drop_nulls().unique().sort()
                if label not in named]
    sources = []
    for label, kind, table in entries:
        counts = _with(exploded.filter(pl.col("sources") == label))
        gave = counts["relations"] > 0      # the rest is about its relations: null without any
        sources.append({"source": label, "type": kind, "table": table,
                        **{key: value if gave or key == "relations" else None
                           for key, value in counts.items()},
                        "activity_history": counts["with_touchpoints"] > 0 if gave else None})
    return {"tables": tables, "has_touchpoints": tables["touchpoints"] > 0,
            "relations": _with(per_relation), "history": history, "sources": sources}
