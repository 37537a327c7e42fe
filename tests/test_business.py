"""The core ``[business]`` table: one hourly cost and one rule for won business, read by every
plugin that needs them, so no plugin reads another's options.

K1 has won business of 10,000 with 40 hours (1 Feb 2026) and a record without a status of 5,000
with 10 hours (1 Jun 2026). With ``no_status_is_won = false`` only the 10,000 is won; the hours
of both count against it in segmentation (profit_hours "all").
"""

from __future__ import annotations

import datetime as dt

import pytest

from conftest import cli, write_project
from relatierapport.testing import build_project

BUSINESS = [
    {"relation": "K1", "date": "2026-02-01", "amount": 10000, "hours": 40, "status": "won"},
    {"relation": "K1", "date": "2026-06-01", "amount": 5000, "hours": 10, "status": ""},
]
GOAL = {"id": "G1", "scope": "relation:K1", "metric": "revenue", "target": 20000,
        "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31), "owner": "M1"}
FACTS = {"hourly_cost": 60, "no_status_is_won": False}


def build(folder, config, **kwargs):
    return build_project(folder, business=BUSINESS,
                         config={"project": {"language": "en"}, "goals": [GOAL], **config}, **kwargs)


def goal_actual(built) -> float:
    return built.report["portfolio"]["goals"]["goals"][0]["actual"]


def test_every_plugin_reads_the_business_table(tmp_path):
    built = build(tmp_path, {"business": FACTS})
    value = built.relation("K1")["segmentation"]["value"]
    # segmentation: the status-less 5,000 is not won; 50 hours x 60 = 3,000 against 10,000
    assert (value["hourly_cost"], value["revenue"], value["hours_cost"], value["profit"]) == \
        (60.0, 10000.0, 3000.0, 7000.0)
    # indicators (no hourly_cost of its own): 10,000 - 40 won hours x 60
    profitability = built.report["portfolio"]["indicators"]["relations"]["profitability"]
    assert (profitability["hourly_cost"], profitability["value"]) == (60.0, 7600.0)
    # goal metrics: won revenue without the status-less record
    assert goal_actual(built) == 10000.0
    # relation plan: the planned hours priced at the same hourly cost
    assert "at €60 an hour" in built.page("K1")


def test_the_defaults_count_records_without_a_status_as_won(tmp_path):
    built = build(tmp_path, {})
    value = built.relation("K1")["segmentation"]["value"]
    assert (value["hourly_cost"], value["revenue"], value["profit"]) == (75.0, 15000.0, 11250.0)
    assert goal_actual(built) == 15000.0
    assert "at €75 an hour" in built.page("K1")


def test_without_segmentation_the_others_still_read_it(tmp_path):
    built = build(tmp_path, {"business": FACTS}, disable=("segmentation",))
    assert "segmentation" not in built.findings
    assert built.report["portfolio"]["indicators"]["relations"]["profitability"]["hourly_cost"] == 60.0
    assert goal_actual(built) == 10000.0
    assert "at €60 an hour" in built.page("K1")


def test_the_former_place_still_works_with_a_warning(tmp_path):
    built = build(tmp_path, {"plugins": {"segmentation": FACTS}}, strict=False)
    assert [str(w) for w in built.warnings if "moved" in str(w)] == [
        "config.toml: [plugins.segmentation] hourly_cost: moved to [business] hourly_cost",
        "config.toml: [plugins.segmentation] no_status_is_won: moved to [business] no_status_is_won"]
    assert built.relation("K1")["segmentation"]["value"]["hourly_cost"] == 60.0
    assert goal_actual(built) == 10000.0


def test_business_wins_over_the_former_place(tmp_path):
    config = write_project(tmp_path, extra_config="""
        [business]
        hourly_cost = 60

        [plugins.segmentation]
        hourly_cost = 90
        """)
    result = cli("check", "--config", config)
    assert result.exit_code == 0, result.output
    assert ("warning: config.toml: [plugins.segmentation] hourly_cost: moved to [business] "
            "hourly_cost, which sets it too; this value is ignored") in result.output
    assert cli("check", "--config", config, "--strict").exit_code == 2


@pytest.mark.parametrize("table, line, expected", [
    ("business", "hourly_cost = -5", "[business] hourly_cost: expected a number >= 0, found -5"),
    ("business", 'no_status_is_won = "ja"',
     '[business] no_status_is_won: expected true or false, found "ja"'),
    ("plugins.segmentation", "hourly_cost = -5",
     "[plugins.segmentation] hourly_cost: expected a number >= 0, found -5"),
])
def test_an_invalid_value_is_a_config_error_naming_where_it_is(tmp_path, table, line, expected):
    config = write_project(tmp_path, extra_config=f"[{table}]\n{line}\n")
    result = cli("check", "--config", config)
    assert result.exit_code == 2, result.output
    assert f"config.toml: {expected}" in result.output
