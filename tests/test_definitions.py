"""The definitions pages (docs/definitions/*.md) name every figure of report.json.

Every leaf of the example's report.json is written in the pages as a backticked JSON
path: ``relations[].cadence.days_overdue``, ``portfolio.health.bands.green``; a list's
items as ``[]`` (``portfolio.health.red[].score``, a list of texts
``relations[].coverage.sources[]``); the keys of a map whose keys are data as a
``<placeholder>`` (``portfolio.cadence.per_category.<category>.overdue``, see
PLACEHOLDERS). A leaf is a value that is not an object or list, and also an empty list or
object, and null: so a list that is empty in the example (``portfolio.cadence.no_history``)
is named itself, and an object that is null for some relations (``relations[].jubileum``)
as well as its fields. The check runs per analysis (ANALYSES), so each definitions page
can be checked on its own.

Every test a page names (``tests/test_x.py::test_name``) must exist.
"""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from conftest import cli, example_copy

REPO = Path(__file__).resolve().parent.parent
DEFINITIONS = REPO / "docs" / "definitions"
AS_OF = "2026-11-01"

#: Maps whose keys are data, not names: the path of the map -> how its keys are written.
PLACEHOLDERS = {
    "portfolio.cadence.per_category": "<category>",
    "portfolio.health.per_category": "<category>",
    "portfolio.planning.per_category": "<category>",
    "portfolio.goals.metrics": "<metric>",
    "portfolio.goals.aims": "<aim>",
    "portfolio.goals.goals[].problems[].params": "<param>",
    "relations[].segmentation.scoring.parts": "<criterion>",
    "relations[].segmentation.attractiveness.parts": "<criterion>",
    "relations[].segmentation.accessibility.parts": "<criterion>",
    "portfolio.segmentation.per_category": "<category>",
    "portfolio.segmentation.per_segment": "<segment>",
    "portfolio.segmentation.per_type": "<type>",
    "portfolio.segmentation.per_phase": "<phase>",
    "portfolio.segmentation.r_scores": "<r>",
    "portfolio.segmentation.r_scores.<r>.counts": "<score>",
    "portfolio.segmentation.r_scores.<r>.ranges": "<score>",
    "portfolio.indicators.success.retention_ab.per_category": "<category>",
}
#: The relation's own fields, first in every relations[] entry (report.md).
RELATION_FIELDS = ("id", "name", "kind", "role", "owner", "organisation")
#: The top-level keys that are not an analysis' (report.md); ``goals`` is the goals page's.
TOP_LEVEL = ("schema", "as_of", "generator", "project", "language", "warnings")
#: The analyses whose figures are defined so far; "report" is the top level and each relation's
#: own fields.
ANALYSES = ("report", "cadence", "coverage", "provenance", "jubileum", "planning", "network", "health",
            "goals", "satisfaction", "segmentation", "indicators", "clv")


def leaf_paths(value, path: str = "") -> set[str]:
    """Every leaf path of a report.json value, written as the definitions pages write it."""
    if isinstance(value, dict) and value:
        placeholder = PLACEHOLDERS.get(path)
        return set().union(*(leaf_paths(item, f"{path}.{placeholder or key}" if path
                                        else placeholder or key)
                             for key, item in value.items()))
    if isinstance(value, list) and value:
        return set().union(*(leaf_paths(item, f"{path}[]") for item in value))
    return {path}


def belongs(path: str, analysis: str) -> bool:
    """Whether ``path`` is one of ``analysis``' figures ("report": the top level and the
    relation's own fields)."""
    if analysis == "report":
        head = re.split(r"[.\[]", path, maxsplit=1)[0]
        return head in TOP_LEVEL or any(path == f"relations[].{field}" for field in RELATION_FIELDS)
    prefixes = (f"relations[].{analysis}", f"portfolio.{analysis}") + (
        ("goals",) if analysis == "goals" else ())     # the top-level goals, as defined
    return any(path == prefix or path.startswith((f"{prefix}.", f"{prefix}["))
               for prefix in prefixes)


def named_paths() -> set[str]:
    """Every backticked text of the definitions pages."""
    text = "\n".join(page.read_text(encoding="utf-8") for page in sorted(DEFINITIONS.glob("*.md")))
    return set(re.findall(r"`([^`\n]+)`", text))


@pytest.fixture(scope="module")
def example_report(tmp_path_factory) -> dict:
    """The example project's report.json (JSON alone: a second's build)."""
    root = tmp_path_factory.mktemp("definitions")
    config = example_copy(root)
    result = cli("build", "--config", config, "--as-of", AS_OF, "--format", "json", "--strict")
    assert result.exit_code == 0, result.output
    return json.loads((root / "site" / "report.json").read_text(encoding="utf-8"))


def test_the_path_rule_worked_by_hand():
    report = {"as_of": "2026-11-01", "warnings": [],
              "relations": [{"id": "K1", "jubileum": None, "coverage": {"sources": ["a", "b"]}},
                            {"id": "K2", "jubileum": {"years": 5}, "coverage": {"sources": []}}],
              "portfolio": {"cadence": {"per_category": {"A": {"overdue": 1}}, "no_history": []}}}
    assert leaf_paths(report) == {
        "as_of", "warnings", "relations[].id", "relations[].jubileum", "relations[].jubileum.years",
        "relations[].coverage.sources[]", "relations[].coverage.sources",
        "portfolio.cadence.per_category.<category>.overdue", "portfolio.cadence.no_history"}
    assert belongs("relations[].id", "report") and not belongs("relations[].id", "cadence")
    assert belongs("portfolio.cadence.no_history", "cadence")
    assert not belongs("portfolio.cadence_extra.x", "cadence")


@pytest.mark.parametrize("analysis", ANALYSES)
def test_every_figure_of_the_example_is_defined(example_report, analysis):
    paths = {path for path in leaf_paths(example_report) if belongs(path, analysis)}
    assert paths, f"the example's report.json has no figures of {analysis}"
    missing = sorted(paths - named_paths())
    assert not missing, f"not defined in docs/definitions/*.md: {missing}"


def test_rounding_is_half_to_even_as_documented():
    """report.md, Rounding: polars rounds the value times 10^d half to even; Python's round the
    exact binary value."""
    import polars as pl

    values = pl.Series([12.25, 12.35, 1.05, 0.45, 2.5, 3.5, -0.25])
    # 122.5 -> 122 (even), 123.5 -> 124, 10.5 -> 10, 4.5 -> 4, 2.5 -> 2, 3.5 -> 4, -2.5 -> -2
    assert values.round(1).to_list() == [12.2, 12.4, 1.0, 0.4, 2.5, 3.5, -0.2]
    assert values.round(0).to_list() == [12.0, 12.0, 1.0, 0.0, 2.0, 4.0, -0.0]
    # Python: 1/2000 is a little above 0.0005 as a double -> 0.001; 1/16 = 0.0625 exactly -> 0.062
    assert (round(1 / 2000, 3), round(1 / 16, 3), round(480 / 560, 3)) == (0.001, 0.062, 0.857)


def _tests_named() -> list[tuple[str, str, str]]:
    found = []
    for page in sorted(DEFINITIONS.glob("*.md")):
        for file, name in re.findall(r"tests/(test_\w+\.py)::(\w+)", page.read_text(encoding="utf-8")):
            found.append((page.name, file, name))
    return found


def test_every_test_a_definition_names_exists():
    named = _tests_named()
    assert named
    defined: dict[str, set[str]] = {}
    missing = []
    for page, file, name in named:
        if file not in defined:
            path = REPO / "tests" / file
            tree = ast.parse(path.read_text(encoding="utf-8")) if path.is_file() else ast.Module([], [])
            defined[file] = {node.name for node in tree.body if isinstance(node, ast.FunctionDef)}
        if name not in defined[file]:
            missing.append(f"{page}: tests/{file}::{name}")
    assert not missing, missing
