"""Plugins read the model and cannot change it for each other: relations, employees, goals and
tables handed to analyses and sections are read-only (issue 16)."""

from __future__ import annotations

import copy
import dataclasses
import pickle

import pytest

from relatierapport import hookimpl
from relatierapport.errors import PluginError
from relatierapport.hooktypes import Analysis, Findings
from relatierapport.readonly import ReadOnlyError, seal
from relatierapport.testing import build_project
from test_plugins import Analyses      # a plugin offering the analyses it is given


def _fails(tmp_path, run, match: str):
    with pytest.raises(PluginError, match=match):
        build_project(tmp_path, plugins={"stout": Analyses(Analysis("stout", run))}, formats=["json"])


def _rename(portfolio, config, findings):
    next(iter(portfolio.relations.values())).name = "Veranderd"


def _delete(portfolio, config, findings):
    del portfolio.relations[next(iter(portfolio.relations))]


def _add_goal(portfolio, config, findings):
    portfolio.goals.append(None)


def _score(portfolio, config, findings):
    next(iter(portfolio.relations.values())).scores["fit"] = 5


def _swap_table(portfolio, config, findings):
    portfolio.business = portfolio.business.head(0)


@pytest.mark.parametrize("run, what", [
    (_rename, r"relation \w+ \(name\) is read-only"),
    (_delete, "this mapping of the portfolio is read-only"),
    (_add_goal, "this list of the portfolio is read-only"),
    (_score, "this mapping of the portfolio is read-only"),
    (_swap_table, r"the portfolio \(business\) is read-only"),
])
def test_an_analysis_that_changes_the_model_fails_naming_its_plugin(tmp_path, run, what):
    _fails(tmp_path, run, rf"plugin 'stout' failed in hook analyses: analysis 'stout' raised "
                          rf"ReadOnlyError: {what}: plugins read the model and return what they found")


def test_a_table_changed_in_place_changes_only_that_plugins_copy(tmp_path):
    def vandal(portfolio, config, findings):
        portfolio.business.drop_in_place("amount")           # polars: in place, on its own clone
        portfolio.touchpoints.clear()
        return Findings()

    plain = build_project(tmp_path / "plain", formats=["json"])
    # "vandal" runs before the built-in analyses that read business and touchpoints
    vandalised = build_project(tmp_path / "vandal", formats=["json"],
                               plugins={"vandal": Analyses(Analysis("vandal", vandal))})
    assert vandalised.report["portfolio"]["indicators"] == plain.report["portfolio"]["indicators"]
    assert vandalised.report["portfolio"]["cadence"] == plain.report["portfolio"]["cadence"]


def test_a_changed_copy_is_allowed_and_leaves_the_original(tmp_path):
    seen = {}

    def renamer(portfolio, config, findings):
        relation = next(iter(portfolio.relations.values()))
        copy_ = dataclasses.replace(relation, name="Kopie")
        copy_.city = "Elders"                                 # an ordinary record: its own
        seen["names"] = (relation.name, copy_.name)
        return Findings()

    built = build_project(tmp_path, plugins={"kopie": Analyses(Analysis("kopie", renamer))},
                          formats=["json"])
    original, changed = seen["names"]
    assert changed == "Kopie" and original != "Kopie"
    assert built.report["relations"][0]["name"] == original


class Sections:
    @hookimpl
    def report_sections(self, kind, relation, report):
        if relation is not None:
            relation.owner = "M2"           # a section that "fixes" the data for the others
        return []


def test_a_section_that_changes_a_relation_fails_naming_its_plugin(tmp_path):
    with pytest.raises(PluginError, match=r"plugin 'secties'.*ReadOnlyError: relation \w+ \(owner\)"):
        build_project(tmp_path, plugins={"secties": Sections()}, formats=["html"])


def test_sealed_records_survive_copy_and_pickle_and_stay_sealed(tmp_path):
    built = build_project(tmp_path, formats=["json"])
    portfolio = built.result.report.portfolio
    relation = next(iter(portfolio.relations.values()))
    for twin in (copy.copy(relation), copy.deepcopy(relation), pickle.loads(pickle.dumps(relation))):
        assert twin == relation
        with pytest.raises(ReadOnlyError):
            twin.name = "x"
    assert pickle.loads(pickle.dumps(portfolio.relations)) == dict(portfolio.relations)
    assert seal(portfolio) is portfolio
