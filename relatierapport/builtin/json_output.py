"""Built-in plugin ``json_output``: report.json, every finding machine-readable (schema 1).

Findings are namespaced by the analysis that made them. The file is written
with sorted plugin keys and stable relation order, so the same input gives the
same bytes. The document is indented; each relation is one line of compact JSON
(so a diff shows which relations changed, and 100,000 relations stay ~40% smaller).
Per-relation findings held as frames are encoded by polars, dicts by orjson:
both give the same bytes for the same values.
"""

from __future__ import annotations

import dataclasses
import io
from collections.abc import Iterator

import orjson
import polars as pl

from relatierapport import __version__, hookimpl
from relatierapport.hooktypes import OutputFormat
from relatierapport.relation_table import KEY, RelationTable

SCHEMA = 1
#: Indented for people and diffs; orjson writes dates as ISO text and NaN/infinity as null.
OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS | orjson.OPT_APPEND_NEWLINE


def _default(value):
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _relation_entries(report, findings):
    for relation in report.portfolio.relations.values():
        entry = {"id": relation.id, "name": relation.name, "kind": relation.kind,
                 "role": relation.role, "owner": relation.owner,
                 "organisation": relation.organisation}
        for name, found in findings.items():
            if relation.id in found.relations:
                entry[name] = found.relations[relation.id]
        yield entry


def _document(report, later_warnings, relations) -> dict:
    findings = dict(sorted(report.findings.items()))
    goals = [dataclasses.asdict(goal) for goal in report.portfolio.goals]
    for goal in goals:
        goal.pop("origin", None)
    return {
        "schema": SCHEMA, "as_of": report.as_of, "generator": f"relatierapport {__version__}",
        "project": report.config.project["name"], "language": report.config.language,
        "relations": relations,
        "portfolio": {name: found.portfolio for name, found in findings.items()},
        "goals": goals,
        "warnings": [warning.as_json() for warning in [*report.warnings, *later_warnings]],
    }


def report_document(report, later_warnings=()) -> dict:
    """The whole report.json as one dict (for tests and plugins; writing streams it)."""
    findings = dict(sorted(report.findings.items()))
    return _document(report, later_warnings, list(_relation_entries(report, findings)))


_MARK = "\x00relations\x00"
#: Relations encoded per batch: the encoded text of a batch is all that is held at once.
BATCH = 10_000
_HEAD = ("id", "name", "kind", "role", "owner", "organisation")


def _relation_heads(report) -> pl.DataFrame:
    relations = list(report.portfolio.relations.values())
    columns = {"relation": [r.id for r in relations]}
    for name in _HEAD:
        columns[name] = [getattr(r, name) for r in relations]
    return pl.DataFrame(columns, schema={"relation": pl.String, **{n: pl.String for n in _HEAD}})


def _as_struct(frame: pl.DataFrame, ids: pl.Series, column: str) -> pl.DataFrame:
    """An analysis' findings as one struct column in portfolio order, and whether each relation
    has an entry (a relation a frame lacks is left out of its entry, as with a dict)."""
    fields = [c for c in frame.columns if c != KEY]
    value = pl.struct(fields) if fields else pl.lit(None, pl.Null)
    if frame.height == ids.len() and frame[KEY].equals(ids):      # the usual case: no copy
        return frame.select(value.alias(column), pl.lit(True).alias(f"{column}?"))
    found = frame.select(KEY, value.alias(column), pl.lit(True).alias(f"{column}?"))
    return ids.to_frame(KEY).join(found, on=KEY, how="left", maintain_order="left").drop(KEY)


def _relation_lines(report, findings) -> Iterator[bytes]:
    """Each relation's entry as one line of compact JSON, in portfolio order, batch by batch;
    every line ends with ``_BETWEEN``. All analyses of a batch are encoded in one polars
    select, which polars spreads over the cores."""
    heads = _relation_heads(report)
    ids = heads[KEY]
    framed, plain = [heads], {}
    for index, (name, found) in enumerate(findings.items()):
        if isinstance(found.relations, RelationTable):
            framed.append(_as_struct(found.relations.frame, ids, f"__{index}"))
        else:
            plain[index] = found.relations
    wide = pl.concat(framed, how="horizontal")
    keys = [orjson.dumps(name).decode() for name in findings]
    encoded = [pl.struct(_HEAD).struct.json_encode().str.head(-1).alias("__head")]
    for index in range(len(keys)):
        if index not in plain:
            column = pl.col(f"__{index}")
            json = column.struct.json_encode() if wide.schema[f"__{index}"] != pl.Null else pl.lit("{}")
            encoded.append(pl.when(pl.col(f"__{index}?")).then(json).alias(f"__{index}"))
    line = pl.concat_str(
        pl.col("__head"),
        *(pl.when(pl.col(f"__{i}").is_null()).then(pl.lit(""))
          .otherwise(pl.lit(f",{key}:") + pl.col(f"__{i}")) for i, key in enumerate(keys)),
        pl.lit("}"))
    for start in range(0, heads.height, BATCH):
        batch = wide.slice(start, BATCH)
        table = batch.select(encoded)
        for index, relations in plain.items():
            table = table.with_columns(pl.Series(f"__{index}", [
                orjson.dumps(relations[rid], default=_default, option=orjson.OPT_NON_STR_KEYS)
                .decode() if rid in relations else None for rid in batch[KEY].to_list()],
                dtype=pl.String))
        block = io.BytesIO()      # straight to bytes: no Python str of the whole batch
        table.select(line).write_csv(block, include_header=False, quote_style="never",
                                     line_terminator=_BETWEEN)
        yield block.getvalue()


_BETWEEN = ",\n    "


def report_chunks(report, later_warnings=()):
    """report.json as bytes: the document indented, each relation one compact line, written
    batch by batch without ever holding all of it (0.7 GB for 100,000 relations)."""
    findings = dict(sorted(report.findings.items()))
    skeleton = orjson.dumps(_document(report, later_warnings, _MARK), default=_default, option=OPTIONS)
    head, tail = skeleton.split(orjson.dumps(_MARK))
    yield head
    previous = None
    for block in _relation_lines(report, findings):
        if previous is not None:
            yield previous
        else:
            yield b"[\n    "
        previous = block
    if previous is None:
        yield b"[]"
    else:
        yield previous[:-len(_BETWEEN)] + b"\n  ]"
    yield tail


def write_json(pages, out_dir, state) -> list[str]:
    with (out_dir / "report.json").open("wb") as handle:
        for chunk in report_chunks(state.report, state.warnings):
            handle.write(chunk)
    return ["report.json"]


@hookimpl
def output_formats():
    return [OutputFormat("json", write_json, "report.json: every finding, machine readable.",
                         needs_pages=False)]
