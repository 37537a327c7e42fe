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
from credit_notes import CREDIT_BUSINESS, CREDIT_RELATIONS
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
        "config.toml:15: [plugins.segmentation] hourly_cost: moved to [business] hourly_cost",
        "config.toml:16: [plugins.segmentation] no_status_is_won: moved to [business] no_status_is_won"]
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
    assert ("warning: config.toml:28: [plugins.segmentation] hourly_cost: moved to [business] "
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
    assert f"config.toml:24: {expected}" in result.output


# -- credit notes: a won record with a negative amount ----------------------------------------
# The portfolio of tests/credit_notes.py. Segmentation's window 2 Nov 2025 .. 1 Nov 2026,
# regularity from 2 Nov 2024; health's repeat window the same 12 months; hourly cost 50.
CREDIT_GOALS = [
    {"id": "G1", "scope": "portfolio", "metric": "revenue", "target": 20000,
     "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31), "owner": "M1"},
    {"id": "G2", "scope": "portfolio", "metric": "retention", "target": 90,
     "start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31), "owner": "M1"},
]


@pytest.fixture(scope="module")
def credit(tmp_path_factory):
    return build_project(tmp_path_factory.mktemp("credit"), relations=CREDIT_RELATIONS,
                         touchpoints=[], business=CREDIT_BUSINESS, goals=CREDIT_GOALS,
                         config={"project": {"language": "en"}, "business": {"hourly_cost": 50}})


def test_a_credit_note_after_a_deal_lowers_revenue_but_adds_no_deal(credit):
    value = credit.relation("K1")["segmentation"]["value"]
    # revenue 8,000 - 2,000; hours 20 (the credit note's missing hours are 0: a refund is no
    # work), so profit 6,000 - 1,000 = 5,000
    assert (value["revenue"], value["hours"], value["profit"]) == (6000.0, 20.0, 5000.0)
    # deals: 1 in the window, 2 since 2 Nov 2024 and in all; the credit note is counted apart
    assert (value["won_deals"], value["won_deals_regular"], value["won_deals_total"],
            value["credit_notes"]) == (1, 2, 2, 1)
    # the last deal is 1 Feb 2026 (273 days before the report date), not the credit note
    assert value["last_won"] == "2026-02-01"
    r = credit.relation("K1")["segmentation"]["r"]
    assert (r["recency"]["value"], r["regularity"]["value"]) == (273, 2)
    # health's repeat business: deals in the last 12 months
    assert credit.relation("K1")["health"]["indicators"]["repeat_business"]["value"] == 1


def test_a_relation_whose_only_won_record_is_a_credit_note_has_no_deal(credit):
    entry = credit.relation("K3")["segmentation"]
    value = entry["value"]
    # revenue -500, 2 hours x 50 = 100: profit -600; no deal, so no recency and phase attract
    assert (value["revenue"], value["profit"], value["won_deals"], value["won_deals_total"],
            value["credit_notes"], value["last_won"]) == (-500.0, -600.0, 0, 0, 1, None)
    assert (entry["phase"], entry["phase_rule"]) == ("attract", "no_won_business")
    assert entry["r"]["recency"] == {"value": None, "score": None, "unknown": "no won business"}
    assert entry["r"]["regularity"]["value"] == 0
    assert credit.relation("K3")["health"]["indicators"]["repeat_business"]["value"] == 0
    # K2: a deal before the last 12 months and only a credit note within them: a sleeping
    # beauty (before, the credit note counted as a won deal in the quiet months)
    k2 = credit.relation("K2")["segmentation"]
    assert (k2["value"]["won_deals_sleeping_months"], k2["type"]) == (0, "sleeping_beauty")
    assert credit.relation("K2")["health"]["indicators"]["repeat_business"]["value"] == 0


def test_goals_count_credit_notes_in_revenue_and_not_as_retention(credit):
    goals = {goal["id"]: goal for goal in credit.report["portfolio"]["goals"]["goals"]}
    # won revenue in 2026: 8,000 - 2,000 - 1,000 - 500
    assert goals["G1"]["actual"] == 4500.0
    # relations with a deal in 2025: K1, K2; with a deal again in 2026: K1 only -> 50 %
    assert goals["G2"]["actual"] == 50.0


def test_the_relation_plan_names_the_credit_notes(credit):
    page = credit.page("K1")
    # indicators: 6,000 from 1 deal and 1 credit note; segmentation: the credit note apart
    assert "€6,000 (1 won deal, 1 credit note)" in page
    assert "<dt>Credit notes</dt><dd>1</dd>" in page
    assert "A credit note lowers the won revenue and is no won deal; without hours it counts " \
           "as 0 hours." in page
    # K3: no deal, so no recency
    assert "unknown: no won business" in credit.page("K3")


def test_a_won_record_without_an_amount_is_left_out_of_revenue_and_counted(tmp_path):
    # K1 of the credit-note portfolio plus a deal of 1 Jul 2026 without an amount (10 h):
    # revenue stays 8,000 - 2,000 = 6,000 (the known amounts), won deals 2 (a deal it is), and
    # both analyses say 1 won record was left out of the revenue. Segmentation's hours of the
    # window (20 + 10 = 30) are known, but the 10 hours earned an unknown amount: the profit is
    # unknown, with the reason (not 6,000 - 30 x 50 = 4,500).
    business = [*CREDIT_BUSINESS,
                {"relation": "K1", "date": "2026-07-01", "amount": None, "hours": 10, "status": "won"}]
    built = build_project(tmp_path / "p", relations=CREDIT_RELATIONS, touchpoints=[],
                          business=business, formats=["html", "json"],
                          config={"project": {"language": "en"}, "business": {"hourly_cost": 50}})
    value = built.relation("K1")["segmentation"]["value"]
    assert (value["revenue"], value["won_deals"], value["records_without_amount"]) == (6000.0, 2, 1)
    assert (value["hours"], value["profit"], value["margin"]) == (30.0, None, None)
    assert value["profit_unknown"] == "amounts missing on some won records of the period"
    # so the R score built on the profit is unknown too
    assert built.relation("K1")["segmentation"]["r"]["revenue"]["score"] is None
    revenue = built.relation("K1")["indicators"]["revenue"]
    assert (revenue["value"], revenue["won"], revenue["records_without_amount"]) == (6000.0, 2, 1)
    assert built.relation("K2")["indicators"]["revenue"]["records_without_amount"] == 0
    page = built.page("K1")
    assert "1 won record without an amount not counted" in page
    assert "<dt>Won records without an amount, left out of the revenue</dt><dd>1</dd>" in page
