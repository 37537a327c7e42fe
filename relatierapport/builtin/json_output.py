"""Built-in plugin ``json_output``: report.json, every finding machine-readable (schema 1).

Findings are namespaced by the analysis that made them. The file is written
with sorted plugin keys and stable relation order, so the same input gives the
same bytes.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import math
from pathlib import Path

from relatierapport import __version__, hookimpl
from relatierapport.hooktypes import OutputFormat

SCHEMA = 1


def _default(value):
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (set, frozenset, tuple)):
        return sorted(value) if isinstance(value, (set, frozenset)) else list(value)
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _clean(value):
    """NaN and infinity are not JSON: write them as null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {key: _clean(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [_clean(item) for item in value]
    return value


def report_document(report, later_warnings=()) -> dict:
    findings = dict(sorted(report.findings.items()))
    relations = []
    for relation in report.portfolio.relations.values():
        entry = {"id": relation.id, "name": relation.name, "kind": relation.kind,
                 "role": relation.role, "owner": relation.owner}
        for name, found in findings.items():
            if relation.id in found.relations:
                entry[name] = found.relations[relation.id]
        relations.append(entry)
    goals = [dataclasses.asdict(goal) for goal in report.portfolio.goals]
    for goal in goals:
        goal.pop("origin", None)
    return _clean({
        "schema": SCHEMA, "as_of": report.as_of, "generator": f"relatierapport {__version__}",
        "project": report.config.project["name"], "language": report.config.language,
        "relations": relations,
        "portfolio": {name: found.portfolio for name, found in findings.items()},
        "goals": goals,
        "warnings": [warning.as_json() for warning in [*report.warnings, *later_warnings]],
    })


def write_json(pages, out_dir: Path, state) -> list[str]:
    text = json.dumps(report_document(state.report, state.warnings), ensure_ascii=False, indent=2, default=_default)
    (out_dir / "report.json").write_text(text + "\n", encoding="utf-8")
    return ["report.json"]


@hookimpl
def output_formats():
    return [OutputFormat("json", write_json, "report.json: every finding, machine readable.",
                         needs_pages=False)]
