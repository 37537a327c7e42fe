"""Built-in plugin ``json_output``: report.json, every finding machine-readable (schema 1).

Findings are namespaced by the analysis that made them. The file is written
with sorted plugin keys and stable relation order, so the same input gives the
same bytes. orjson writes it: the standard library's encoder falls back to pure
Python when indenting and took 20 s for 100,000 relations.
"""

from __future__ import annotations

import dataclasses

import orjson

from relatierapport import __version__, hookimpl
from relatierapport.hooktypes import OutputFormat

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


def report_chunks(report, later_warnings=()):
    """report.json as bytes, relation by relation: the same bytes as dumping the whole
    document at once, without ever holding all of it (1 GB for 100,000 relations)."""
    findings = dict(sorted(report.findings.items()))
    skeleton = orjson.dumps(_document(report, later_warnings, _MARK), default=_default, option=OPTIONS)
    head, tail = skeleton.split(orjson.dumps(_MARK))
    yield head
    first = True
    for entry in _relation_entries(report, findings):
        text = orjson.dumps(entry, default=_default, option=orjson.OPT_INDENT_2 | orjson.OPT_NON_STR_KEYS)
        yield (b"[\n    " if first else b",\n    ") + text.replace(b"\n", b"\n    ")
        first = False
    yield b"[]" if first else b"\n  ]"
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
