"""Built-in plugin ``json_output``: report.json, every finding machine-readable (schema 1).

Findings are namespaced by the analysis that made them. The file is written
with sorted plugin keys and stable relation order, so the same input gives the
same bytes. The document is indented; each relation is one line of compact JSON
(so a diff shows which relations changed, and 100,000 relations stay ~40% smaller).
In a relation's entry come its own fields, then the analyses that returned frames
(encoded by polars; null for a relation a frame has no row for), then those that
returned dicts (encoded by orjson; left out for a relation the dict lacks), each
group in name order. polars and orjson write the same bytes for the same values.
"""

from __future__ import annotations

import dataclasses
import io
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

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
    framed = {name: found.relations for name, found in findings.items()
              if isinstance(found.relations, RelationTable) and found.relations.frame.width > 1}
    plain = {name: found.relations for name, found in findings.items() if name not in framed}
    for relation in report.portfolio.relations.values():
        entry = {"id": relation.id, "name": relation.name, "kind": relation.kind,
                 "role": relation.role, "owner": relation.owner,
                 "organisation": relation.organisation}
        for name, relations in framed.items():
            entry[name] = relations.get(relation.id)
        for name, relations in plain.items():
            if relation.id in relations:
                entry[name] = relations[relation.id]
        yield entry


def _document(report, later_warnings, relations) -> dict:
    findings = dict(sorted(report.findings.items()))
    # every goal as defined: config.toml's [[goals]] first, then goals tables (as `goals` reads them)
    goals = [dataclasses.asdict(goal) for goal in [*report.config.goals, *report.portfolio.goals]]
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
#: Relations encoded per batch. Up to four batches are alive at once (two being encoded, one
#: waiting, one being written), so small batches keep the writer's memory small: measured at
#: 100,000 relations, 10,000 per batch cost +600 MB, 500 +150 MB, at the same speed.
BATCH = 500
_HEAD = ("id", "name", "kind", "role", "owner", "organisation")


def _relation_heads(report) -> pl.DataFrame:
    """The relation fields every entry starts with, from the portfolio's columns."""
    return report.portfolio.relation_frame().select(KEY, pl.col(KEY).alias("id"), *_HEAD[1:])


def _as_struct(frame: pl.DataFrame, ids: pl.Series, column: str) -> pl.DataFrame:
    """An analysis' findings as one struct column in portfolio order (null for a relation the
    frame has no row for)."""
    value = pl.struct([c for c in frame.columns if c != KEY])
    if frame.height == ids.len() and frame[KEY].equals(ids):      # the usual case: no copy
        return frame.select(value.alias(column))
    found = frame.select(KEY, value.alias(column))
    return ids.to_frame(KEY).join(found, on=KEY, how="left", maintain_order="left").drop(KEY)


def _relation_lines(report, findings) -> Iterator[memoryview]:
    """Each relation's entry as one line of compact JSON, in portfolio order, batch by batch;
    every line ends with ``_BETWEEN``.

    The relation's own fields and every analysis that returned a frame are one struct per
    relation, encoded by polars in one pass; findings returned as dicts are encoded by orjson
    and appended. Two batches are encoded at once (polars and orjson release the GIL for the
    work that counts) while the file is written in order.
    """
    heads = _relation_heads(report)
    ids = heads[KEY]
    framed = [heads]
    plain = {}
    for name, found in findings.items():
        relations = found.relations
        if isinstance(relations, RelationTable) and relations.frame.width > 1:
            framed.append(_as_struct(relations.frame, ids, name))
        elif len(relations):    # a dict, or a frame with no findings but the relation: {} each
            plain[name] = relations
        # (an analysis with no relation at all adds nothing to any line: no second pass over
        # every line to append nothing)
    wide = pl.concat(framed, how="horizontal")
    entry = pl.struct(wide.columns[1:]).struct.json_encode()
    if plain:
        entry = pl.concat_str(entry.str.head(-1), pl.col("__plain"), pl.lit("}"))
    keys = {name: f",{orjson.dumps(name).decode()}:" for name in plain}

    def batch_bytes(start: int) -> bytes:
        batch = wide.slice(start, BATCH)
        if plain:
            batch = batch.with_columns(pl.Series("__plain", [
                "".join(keys[name] + orjson.dumps(relations[rid], default=_default,
                                                  option=orjson.OPT_NON_STR_KEYS).decode()
                        for name, relations in plain.items() if rid in relations)
                for rid in batch[KEY].to_list()], dtype=pl.String))
        block = io.BytesIO()      # straight to bytes: no Python str of the whole batch
        batch.select(entry).write_csv(block, include_header=False, quote_style="never",
                                      line_terminator=_BETWEEN)
        return block.getbuffer()

    starts = range(0, heads.height, BATCH)
    with ThreadPoolExecutor(max_workers=2) as pool:
        pending = deque(pool.submit(batch_bytes, start) for start in starts[:2])
        for start in starts[2:]:
            block = pending.popleft().result()
            pending.append(pool.submit(batch_bytes, start))
            yield block
        while pending:
            yield pending.popleft().result()


_BETWEEN = ",\n    "


def report_chunks(report, later_warnings=()):
    """report.json as bytes: the document indented, each relation one compact line, written
    batch by batch without ever holding all of it (0.7 GB for 100,000 relations)."""
    yield from _head_and_relations(report)
    yield _tail(report, later_warnings)


def _skeleton(report, later_warnings) -> tuple[bytes, bytes]:
    """The document without its relations: what comes before them and what after."""
    skeleton = orjson.dumps(_document(report, later_warnings, _MARK), default=_default, option=OPTIONS)
    head, tail = skeleton.split(orjson.dumps(_MARK))
    return head, tail


def _head_and_relations(report):
    """Everything up to the end of the relations (the warnings come after them)."""
    findings = dict(sorted(report.findings.items()))
    yield _skeleton(report, ())[0]
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
        yield bytes(previous[:-len(_BETWEEN)]) + b"\n  ]"


def _tail(report, later_warnings) -> bytes:
    """The portfolio's findings, the goals and every warning: made when it is written."""
    return _skeleton(report, later_warnings)[1]


def write_json(pages, out_dir, state) -> list[str]:
    """The relations are written now, while other formats' work may still run elsewhere (a
    rebuild's PDF); the rest, with every warning, once that work is done (``state.defer``:
    report.json's is the last deferred finish, since json writes last)."""
    handle = (out_dir / "report.json").open("wb")
    try:
        for chunk in _head_and_relations(state.report):
            handle.write(chunk)
    except BaseException:
        handle.close()
        raise

    def finish() -> None:
        with handle:
            handle.write(_tail(state.report, state.warnings))

    state.defer(finish)
    return ["report.json"]


@hookimpl
def output_formats():
    return [OutputFormat("json", write_json, "report.json: every finding, machine readable.",
                         needs_pages=False)]
