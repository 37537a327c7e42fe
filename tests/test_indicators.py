"""Success indicators, monthly KPIs and relation indicators, worked out by hand below.

Report date 2026-11-01, period 12 months: 2025-11-02 .. 2026-11-01; the previous
period 2024-11-02 .. 2025-11-01. KPI month: October 2026 (the month before the
report date's month). Cadence: A monthly, B quarterly, C half-yearly.
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import cli, write_project
from credit_notes import CREDIT_BUSINESS, CREDIT_RELATIONS

RELATIONS = """\
id;name;category;since
A1;Alfa;A;2016-11-01
A2;Aspen;A;2021-11-01
B1;Beuk;B;2024-05-01
C1;Ceder;C;2026-01-01
D1;Den;C;2025-01-01
N1;Nieuw;;
"""
TOUCHPOINTS = """\
relation;date;employee;channel;direction;kind;signals;notes
A1;2025-06-01;M1;phone;in;referral_given;;
A1;2026-01-10;M1;phone;in;referral_given;;
A1;2026-05-10;M1;phone;in;referral_given;;
A1;2026-07-01;M1;phone;in;referral_given;;
A1;2026-10-05;M1;email;out;value_add;;Marktinzicht salarisbenchmark gedeeld
A2;2025-08-01;M2;phone;out;check_in;;
B1;2026-10-12;M2;event;out;value_add;;Uitgenodigd voor ons HR-ontbijt
C1;2026-09-15;M1;phone;out;check_in;;
C1;2026-10-20;M1;phone;out;check_in;;
"""
BUSINESS = """\
relation;date;amount;hours;kind;status
A1;2025-03-01;10000;20;werving;won
A1;2026-02-01;20000;100;werving;won
A1;2026-06-01;10000;;werving;won
A1;2026-09-30;5000;;werving;open
A2;2024-06-01;1000;;werving;lost
A2;2025-06-01;5000;10;werving;won
A2;2026-03-01;3000;;werving;lost
B1;2024-12-01;2000;5;plaatsing;won
B1;2026-09-01;4000;20;plaatsing;won
B1;2026-10-05;7000;;plaatsing;open
C1;2026-03-01;6000;10;plaatsing;won
C1;2026-03-01;1000;2;plaatsing;won
C1;2026-04-01;3000;15;plaatsing;won
C1;2026-10-20;2000;;plaatsing;quote
D1;2025-05-01;200;;plaatsing;won
D1;2026-05-01;500;;plaatsing;won
"""


def build(tmp_path, extra_config="", *, segmentation=False, expect=0):
    config = write_project(tmp_path, relations=RELATIONS, extra_config=extra_config,
                           files={"touchpoints.csv": TOUCHPOINTS, "business.csv": BUSINESS})
    if not segmentation:   # categories straight from the data (N1: the cadence default C)
        config.write_text(config.read_text(encoding="utf-8").replace(
            'name = "Testbureau"', 'name = "Testbureau"\ndisable_plugins = ["segmentation"]'),
            encoding="utf-8")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == expect, result.output
    if expect:
        return result.output
    return json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return build(tmp_path_factory.mktemp("indicators"), "[plugins.indicators]\nhourly_cost = 50\n")


def test_success_indicators_against_targets(report):
    success = report["portfolio"]["indicators"]["success"]
    # Won in the period: A1 20000 + 10000, B1 4000, D1 500 (first won 2025-05-01 or earlier:
    # existing) = 34500; C1 6000 + 1000 + 3000 (first won 2026-03-01: new). 34500 / 44500.
    assert success["existing_share"] == {
        "value": 0.7753, "target": 0.8, "met": False, "numerator": 34500.0, "denominator": 44500.0,
        "unit": "share", "unknown": None, "measure": "amount", "records_without_amount": 0,
        "credit_notes": 0}
    # referral_given of A relations in the period: A1 10 Jan, 10 May, 1 Jul (1 Jun 2025 is
    # before) = 3; A relations: A1, A2 -> 1.5 per A relation per year.
    assert success["referrals_per_a"] == {
        "value": 1.5, "target": 3.0, "met": False, "numerator": 3, "denominator": 2,
        "unit": "per_relation_per_year", "unknown": None, "without_history": 0}
    # A/B with won business in the previous period: A1 (Mar 2025), A2 (Jun 2025), B1 (Dec 2024);
    # still won business in the period: A1, B1 -> 2 / 3.
    retention = success["retention_ab"]
    assert (retention["value"], retention["numerator"], retention["denominator"], retention["met"]) == \
        (0.6667, 2, 3, False)
    assert retention["per_category"] == {"A": {"base": 2, "retained": 1, "lost": ["A2"]},
                                         "B": {"base": 1, "retained": 1, "lost": []}}
    # 7 won records in the period; repeats (an earlier won date of the same relation): A1 twice,
    # B1, C1 1 Apr, D1 = 5; C1's two records of 1 Mar 2026 are its first -> 5 / 7.
    assert (success["repeat_share"]["value"], success["repeat_share"]["numerator"],
            success["repeat_share"]["denominator"], success["repeat_share"]["met"]) == \
        (0.7143, 5, 7, True)
    period = report["portfolio"]["indicators"]["period"]
    assert period == {"months": 12, "from": "2025-11-02", "to": "2026-11-01",
                      "previous_from": "2024-11-02", "data_from": "2024-06-01", "partial": False}


def test_monthly_kpis_for_the_previous_month(report):
    kpis = report["portfolio"]["indicators"]["kpis"]
    assert (kpis["month"], kpis["from"], kpis["to"]) == ("2026-10", "2026-10-01", "2026-10-31")
    # Due by 31 Oct as of 1 Oct: A1 (1 Jul + 1 month = 1 Aug), A2 (1 Aug 2025 + 1 = 1 Sep 2025),
    # B1 (never: since 1 May 2024 + 3 = 1 Aug 2024), D1 (since 1 Jan 2025 + 6 = 1 Jul 2025),
    # N1 (never contacted, no start date: due at once). C1 (15 Sep + 6 months) is not due.
    # Contacted in October: A1, B1 (and C1, not planned) -> 2 of 5; 4 were overdue on 1 Oct.
    assert kpis["touchpoints_vs_planned"] == {
        "value": 0.4, "numerator": 2, "denominator": 5, "unit": "share", "unknown": None,
        "overdue_at_start": 4, "without_history": 0}
    assert (kpis["touchpoints"], kpis["relations_contacted"]) == (3, 3)
    # open B1 5 Oct 7000 and quote C1 20 Oct 2000; A1's open record of 30 Sep is September's.
    assert kpis["new_opportunities"] == {"count": 2, "amount": 9000.0, "open": 1, "quote": 1}
    # value-add: A1 5 Oct, B1 12 Oct; an insight ("marktinzicht"): A1 only.
    assert kpis["value_add"] == 2
    assert kpis["insights"] == {"count": 1, "by": "keywords"}


def test_relation_indicators(report):
    relations = report["portfolio"]["indicators"]["relations"]
    # days since the start: A1 3652, A2 1826, B1 914, C1 304, D1 669 = 7365 / 365.25 = 20.16
    # years over 5 relations = 4.03; N1 has no start date.
    assert relations["duration"] == {"value": 4.03, "numerator": 20.16, "denominator": 5,
                                     "unit": "years", "unknown": None}
    # went quiet: A2, last activity 1 Aug 2025 (touchpoint), 1369 days after its start = 3.75
    assert relations["lapsed_duration"] == {"value": 3.75, "numerator": 3.75, "denominator": 1,
                                            "unit": "years", "unknown": None}
    # won revenue in the period: A1 30000, B1 4000, C1 10000, D1 500 = 44500 over 4 relations
    assert relations["value_per_relation"] == {"value": 11125.0, "numerator": 44500.0,
                                               "denominator": 4, "unit": "euro", "unknown": None}
    # with hours: A1 20000/100h, B1 4000/20h, C1 6000/10h + 1000/2h + 3000/15h = 34000 for 147 h;
    # 147 x 50 = 7350; profit 26650, margin 26650 / 34000 = 0.7838. Left out: A1 10000, D1 500.
    assert relations["profitability"] == {
        "value": 26650.0, "records": 5, "records_without_hours": 2, "revenue_without_hours": 10500.0,
        "credit_notes": 0, "hourly_cost": 50.0, "revenue": 34000.0, "hours": 147.0, "cost": 7350.0,
        "margin": 0.7838, "unknown": None, "hourly_cost_source": "indicators"}


#: An unknown profit keeps every field of a known one, each null (one shape for every relation).
NO_PROFIT = {"value": None, "revenue": None, "hours": None, "cost": None, "margin": None,
             "records_without_hours": None, "revenue_without_hours": None, "credit_notes": None}


def test_per_relation_figures_and_explicit_unknowns(report):
    found = {r["id"]: r["indicators"] for r in report["relations"]}
    a1 = found["A1"]
    # 1 Nov 2016 to 1 Nov 2026: 3652 days / 365.25 = 9.9986 -> 10.0 (/ 365 would be 10.01)
    assert a1["duration"]["value"] == 10.0 and a1["existing"] is True
    assert a1["revenue"] == {"value": 30000.0, "won": 2, "credit_notes": 0, "records_without_amount": 0,
                            "unknown": None}
    # 20000 - 100 h x 50 = 15000; the 10000 without hours is left out and counted
    assert a1["profit"] == {"value": 15000.0, "revenue": 20000.0, "hours": 100.0, "cost": 5000.0,
                            "margin": 0.75, "records_without_hours": 1,
                            "revenue_without_hours": 10000.0, "credit_notes": 0, "unknown": None}
    assert a1["referrals"] == {"value": 3, "unknown": None}
    # A2: business, but none won in the period: revenue 0 is known, profit is not
    assert found["A2"]["revenue"] == {"value": 0.0, "won": 0, "credit_notes": 0,
                                      "records_without_amount": 0, "unknown": None}
    assert found["A2"]["profit"] == {**NO_PROFIT, "unknown": "no won business in the period"}
    assert found["D1"]["profit"] == {**NO_PROFIT,
                                     "unknown": "no hours recorded on won business in the period"}
    assert found["D1"]["referrals"] == {"value": None, "unknown": "no touchpoints on record"}
    assert found["C1"]["existing"] is False
    n1 = found["N1"]
    assert n1["duration"] == {"value": None, "since": None, "unknown": "no start date (since)"}
    assert n1["revenue"] == {"value": None, "won": 0, "credit_notes": 0, "records_without_amount": 0,
                             "unknown": "no business records"}
    assert n1["profit"] == {**NO_PROFIT, "unknown": "no business records"}


def test_config_changes_targets_measure_month_keywords_and_cost(tmp_path):
    report = build(tmp_path, """
        [plugins.indicators]
        targets = { existing_share = 0.75 }
        existing_measure = "count"
        kpi_month = "current"
        insight_keywords = []
        """)
    found = report["portfolio"]["indicators"]
    # counted in records: A1 x2, B1, D1 existing of 7 = 0.5714; target 0.75 not met
    existing = found["success"]["existing_share"]
    assert (existing["value"], existing["numerator"], existing["denominator"], existing["target"],
            existing["met"]) == (0.5714, 4, 7, 0.75, False)
    # November up to 1 Nov: A1 due 5 Nov (5 Oct + 1), A2 and D1 overdue, N1 at once; none contacted
    kpis = found["kpis"]
    assert (kpis["month"], kpis["from"], kpis["to"]) == ("2026-11", "2026-11-01", "2026-11-01")
    assert (kpis["touchpoints_vs_planned"]["numerator"], kpis["touchpoints_vs_planned"]["denominator"],
            kpis["touchpoints_vs_planned"]["overdue_at_start"]) == (0, 4, 2)
    assert kpis["insights"] == {"count": 0, "by": "every value-add touchpoint"}
    # no hourly cost of its own: [business] hourly_cost (75), with or without segmentation
    assert found["relations"]["profitability"]["hourly_cost"] == 75.0


def test_categories_and_cadence_come_from_the_cadence_analysis(tmp_path):
    # C relations monthly and the default category A, in cadence's options only. C1 (15 Sep
    # + 1 month = 15 Oct) is now due in October and was contacted on 20 Oct: 3 of 6, still 4
    # overdue on 1 Oct. N1 (no category) is A: 3 A relations for the referrals.
    report = build(tmp_path, '[plugins.cadence]\nmonths = { C = 1 }\ndefault_category = "A"\n')
    found = report["portfolio"]["indicators"]
    planned = found["kpis"]["touchpoints_vs_planned"]
    assert (planned["numerator"], planned["denominator"], planned["overdue_at_start"]) == (3, 6, 4)
    assert found["success"]["referrals_per_a"]["denominator"] == 3
    assert {r["id"]: r["indicators"]["category"] for r in report["relations"]}["N1"] == "A"


def test_hourly_cost_falls_back_to_business(tmp_path):
    report = build(tmp_path, "[business]\nhourly_cost = 60\n", segmentation=True)
    profitability = report["portfolio"]["indicators"]["relations"]["profitability"]
    # 34000 - 147 h x 60 = 25180; the source keeps the name report.json has always given it
    assert (profitability["value"], profitability["hourly_cost"], profitability["hourly_cost_source"]) \
        == (25180.0, 60.0, "segmentation")


def test_insights_and_months_without_data_are_unknown_not_zero(tmp_path):
    config = write_project(tmp_path, relations="id;name;since\nX1;Leeg;2030-01-01\n",
                           files={"touchpoints.csv": "relation;date\n", "business.csv": "relation;date\n"})
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    portfolio = found["portfolio"]["indicators"]
    assert portfolio["success"]["existing_share"]["unknown"] == "no won business in the period"
    assert portfolio["success"]["referrals_per_a"]["unknown"] == "no A relations"
    assert portfolio["success"]["retention_ab"]["unknown"] == \
        "no A or B relation had won business in the previous period"
    assert portfolio["success"]["repeat_share"]["value"] is None
    # X1 starts in 2030: not planned in October 2026
    assert portfolio["kpis"]["touchpoints_vs_planned"]["unknown"] == "no relation was due in the month"
    assert portfolio["relations"]["duration"]["unknown"] == \
        "no relation has a start date (since) on or before the report date"
    assert portfolio["relations"]["value_per_relation"]["unknown"] == "no won revenue in the period"


@pytest.mark.parametrize("line, key", [
    ("targets = { existing_share = 80 }", "targets"),
    ("targets = { referrals = 3 }", "targets.referrals"),
    ("hourly_cost = -1", "hourly_cost"),
    ('kpi_month = "last"', "kpi_month"),
    ('existing_measure = "euros"', "existing_measure"),
    ("period_months = 0", "period_months"),
    ('insight_keywords = ["*"]', "insight_keywords"),
])
def test_invalid_options_are_config_errors_naming_the_key(tmp_path, line, key):
    output = build(tmp_path, f"\n[plugins.indicators]\n{line}\n", expect=2)
    assert f"[plugins.indicators] {key}: expected" in output


def test_portfolio_sections_render(tmp_path):
    build(tmp_path, "[plugins.indicators]\nhourly_cost = 50\n")
    result = cli("build", "--config", tmp_path / "config.toml", "--as-of", "2026-11-01",
                 "--format", "html")
    assert result.exit_code == 0, result.output
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    for section in ("indicators-success", "indicators-kpis", "indicators-relations"):
        assert f'id="{section}"' in index
    plan = (tmp_path / "site" / "relations" / "a1.html").read_text(encoding="utf-8")
    assert 'id="indicators"' in plan


# -- credit notes: a won record with a negative amount lowers revenue, and is never a deal -------
# The portfolio of tests/credit_notes.py: K1 a deal in each period and a credit note after the
# second one; K2 a deal in the previous period and in this one only a credit note; K3 nothing but
# a credit note (no status, which counts as won by default), with 2 hours.

@pytest.fixture(scope="module")
def credit(tmp_path_factory):
    from relatierapport.testing import build_project
    return build_project(tmp_path_factory.mktemp("credit"), relations=CREDIT_RELATIONS,
                         touchpoints=[], business=CREDIT_BUSINESS,
                         config={"business": {"hourly_cost": 50}}, formats=("html",))


def test_a_credit_note_lowers_revenue_and_is_never_a_won_deal(credit):
    found = {r["id"]: r["indicators"] for r in credit.report["relations"]}
    # K1 in the period: 8000 - 2000 = 6000 from one deal and one credit note
    assert found["K1"]["revenue"] == {"value": 6000.0, "won": 1, "credit_notes": 1,
                                      "records_without_amount": 0, "unknown": None}
    # the credit note has no hours: a refund is no work, so 0 hours (and said: credit_notes 1);
    # 6000 - 20 h x 50 = 5000, margin 5000 / 6000
    assert found["K1"]["profit"] == {
        "value": 5000.0, "revenue": 6000.0, "hours": 20.0, "cost": 1000.0, "margin": 0.8333,
        "records_without_hours": 0, "revenue_without_hours": 0.0, "credit_notes": 1,
        "unknown": None}
    # K3's only won record is a credit note: revenue -500 from no deal; profit -500 - 2 h x 50;
    # no margin on a revenue below 0; not an existing relation (no deal at all)
    assert found["K3"]["revenue"] == {"value": -500.0, "won": 0, "credit_notes": 1,
                                      "records_without_amount": 0, "unknown": None}
    assert (found["K3"]["profit"]["value"], found["K3"]["profit"]["margin"]) == (-600.0, None)
    assert found["K3"]["existing"] is False
    assert found["K2"]["existing"] is True     # its deal of 1 May 2025


def test_credit_notes_are_no_repeat_business_and_no_retention(credit):
    success = credit.report["portfolio"]["indicators"]["success"]
    # deals in the period: K1 1 Feb 2026 only, a repeat (K1's deal of 1 Jun 2025) -> 1 / 1; the
    # three credit notes are not won records of the repeat share (before: 3 / 4, a refund counted
    # as repeat business)
    repeat = success["repeat_share"]
    assert (repeat["numerator"], repeat["denominator"], repeat["value"], repeat["credit_notes"]) == \
        (1, 1, 1.0, 3)
    # A relations with a deal in the previous period: K1, K2. K2 has only a credit note in the
    # period: lost -> 1 / 2
    retention = success["retention_ab"]
    assert (retention["numerator"], retention["denominator"]) == (1, 2)
    assert retention["per_category"]["A"] == {"base": 2, "retained": 1, "lost": ["K2"]}
    # won revenue in the period, credit notes included: 8000 - 2000 - 1000 - 500 = 4500; from
    # existing relations (a deal on or before 1 Nov 2025: K1, K2) 8000 - 2000 - 1000 = 5000.
    # K3's credit note lowers the total only, so the share is above 1: 5000 / 4500 = 1.1111
    existing = success["existing_share"]
    assert (existing["numerator"], existing["denominator"], existing["value"],
            existing["credit_notes"]) == (5000.0, 4500.0, 1.1111, 3)


def test_credit_notes_in_the_relation_indicators(credit):
    relations = credit.report["portfolio"]["indicators"]["relations"]
    # relations with won amounts in the period: K1 6000, K2 -1000, K3 -500 = 4500 / 3
    assert (relations["value_per_relation"]["numerator"],
            relations["value_per_relation"]["denominator"]) == (4500.0, 3)
    # every won record is priced (the credit notes without hours at 0 hours): revenue 4500,
    # hours 20 + 2 = 22 -> cost 1100, profit 3400, margin 3400 / 4500 = 0.7556
    profitability = relations["profitability"]
    assert {key: profitability[key] for key in ("value", "revenue", "hours", "cost", "margin",
                                                "records", "records_without_hours",
                                                "credit_notes")} == {
        "value": 3400.0, "revenue": 4500.0, "hours": 22.0, "cost": 1100.0, "margin": 0.7556,
        "records": 4, "records_without_hours": 0, "credit_notes": 3}


def test_credit_notes_that_cancel_the_deals_leave_the_existing_share_unknown(tmp_path):
    from relatierapport.testing import build_project
    business = [
        {"relation": "K1", "date": "2025-06-01", "amount": 1000, "hours": 5, "status": "won"},
        {"relation": "K1", "date": "2026-02-01", "amount": 1000, "hours": 5, "status": "won"},
        {"relation": "K3", "date": "2026-05-01", "amount": -1500, "hours": None, "status": "won"},
    ]
    built = build_project(tmp_path, relations=CREDIT_RELATIONS, touchpoints=[], business=business,
                          formats=())
    existing = built.report["portfolio"]["indicators"]["success"]["existing_share"]
    # won revenue in the period: 1000 - 1500 = -500: no share of a revenue below 0
    assert (existing["value"], existing["numerator"], existing["denominator"], existing["unknown"]) \
        == (None, 1000.0, -500.0, "won revenue in the period is not above 0")


def test_the_relation_plan_shows_deals_credit_notes_and_what_profit_left_out(credit, tmp_path):
    # Dutch (the default): K1 6.000 from 1 deal and 1 credit note; the profit says the credit
    # note counted without hours as 0 hours
    page = credit.page("K1")
    assert "€ 6.000 (1 gewonnen opdracht, 1 creditnota)" in page
    assert "inclusief 1 creditnota, zonder uren geteld als 0 uur" in page
    # A1 of the hand-worked project above: 20000 with 100 h, 10000 without hours left out (in
    # English: the deal's revenue is said, not taken as 0 hours)
    from relatierapport.testing import build_project
    rows = [dict(zip(("relation", "date", "amount", "hours", "kind", "status"), line.split(";")))
            for line in BUSINESS.splitlines()[1:] if line.startswith("A1;")]
    built = build_project(tmp_path, relations=[
        {"id": "A1", "name": "Alfa", "kind": "organisation", "owner": "M1", "category": "A",
         "since": "2016-11-01"}], touchpoints=[], business=rows,
        config={"project": {"language": "en"}, "business": {"hourly_cost": 50}})
    page = built.page("A1")
    # 20000 + 10000 in the period (the deal of 1 Mar 2025 is before it): 2 won deals;
    # profit 20000 - 100 h x 50 = 15000
    assert "€30,000 (2 won deals)" in page
    assert "€15,000 (€20,000 revenue − €5,000 for 100.0 hours); " \
           "1 won record without hours left out (€10,000)" in page


# -- the definitions (docs/definitions/indicators.md), each boundary worked out by hand ----------

def _relation(relation_id, category, since="2020-01-01"):
    return {"id": relation_id, "name": f"Relatie {relation_id}", "kind": "organisation",
            "owner": "M1", "category": category, "since": since}


def _touchpoint(relation, date, kind="check_in", notes=None):
    return {"relation": relation, "date": date, "employee": "M1", "channel": "phone",
            "direction": "out", "kind": kind, "notes": notes}


def _record(relation, date, amount, hours=None, status="won"):
    return {"relation": relation, "date": date, "amount": amount, "hours": hours, "status": status}


def _indicators(tmp_path, relations, touchpoints, business, options=None, *, as_of="2026-11-01",
                config=None):
    """A small project's indicators (segmentation off: the data's categories), report.json."""
    from relatierapport.testing import build_project
    built = build_project(tmp_path, relations=relations, touchpoints=touchpoints, business=business,
                          config={**(config or {}), "plugins": {"indicators": options or {}}},
                          as_of=as_of, formats=(), disable=("segmentation",))
    return built.report


def test_the_kpi_month_and_its_first_and_last_day():
    from relatierapport.builtin.analyses.indicators import report_month
    day = dt.date
    # previous (the default): the calendar month before the report date's month, 1st to last day,
    # also when the report date is the last day of its own month
    assert report_month(day(2026, 11, 1), "previous") == (day(2026, 10, 1), day(2026, 10, 31),
                                                          day(2026, 10, 31))
    assert report_month(day(2026, 10, 31), "previous") == (day(2026, 9, 1), day(2026, 9, 30),
                                                           day(2026, 9, 30))
    assert report_month(day(2026, 1, 15), "previous") == (day(2025, 12, 1), day(2025, 12, 31),
                                                          day(2025, 12, 31))
    # current: the report date's month; due up to its last day, data up to the report date
    assert report_month(day(2026, 2, 15), "current") == (day(2026, 2, 1), day(2026, 2, 28),
                                                         day(2026, 2, 15))


#: Cadence A monthly, B quarterly. Last contacts before October: T1 1 Sep (due 1 Oct, the 1st),
#: T2 15 Sep (due 15 Oct), T3 31 Aug (due 30 Sep: 31 Aug + 1 month clipped; overdue on 1 Oct),
#: T4 30 Sep (due 30 Oct), T5 31 Jul (B: due 31 Oct, the last day), T6 1 Aug (B: due 1 Nov).
KPI_TOUCHPOINTS = [
    _touchpoint("T1", "2026-09-01"), _touchpoint("T1", "2026-10-01", "value_add", "Benchmark gedeeld"),
    _touchpoint("T2", "2026-09-15"), _touchpoint("T2", "2026-10-31", "value_add", "Koffie gedronken"),
    _touchpoint("T3", "2026-08-31"), _touchpoint("T3", "2026-11-01"),
    _touchpoint("T4", "2026-09-30"),
    _touchpoint("T5", "2026-07-31"),
    _touchpoint("T6", "2026-08-01"), _touchpoint("T6", "2026-11-02"),
]
KPI_BUSINESS = [
    _record("T1", "2026-09-30", 50, status="open"), _record("T1", "2026-10-01", 100, status="open"),
    _record("T2", "2026-10-31", None, status="quote"), _record("T3", "2026-11-01", 70, status="open"),
    _record("T4", "2026-10-15", 900, status="lost"),
]
KPI_RELATIONS = [_relation(f"T{i}", "A" if i <= 4 else "B") for i in range(1, 7)]


def test_kpis_count_the_months_first_and_last_day_and_not_the_report_date(tmp_path):
    kpis = _indicators(tmp_path, KPI_RELATIONS, KPI_TOUCHPOINTS, KPI_BUSINESS)["portfolio"][
        "indicators"]["kpis"]
    assert (kpis["basis"], kpis["month"], kpis["from"], kpis["to"]) == \
        ("previous", "2026-10", "2026-10-01", "2026-10-31")
    # due on or before 31 Oct: T1 (1 Oct), T2 (15 Oct), T3 (30 Sep, overdue), T4 (30 Oct),
    # T5 (31 Oct) = 5; T6 (1 Nov) is not. Done in October: T1 on the 1st, T2 on the 31st;
    # T4's touchpoint of 30 Sep and T3's of 1 Nov (the report date) are outside the month.
    assert kpis["touchpoints_vs_planned"] == {
        "value": 0.4, "numerator": 2, "denominator": 5, "unit": "share", "unknown": None,
        "overdue_at_start": 1, "without_history": 0}
    assert (kpis["touchpoints"], kpis["relations_contacted"]) == (2, 2)
    assert (kpis["value_add"], kpis["insights"]) == (2, {"count": 1, "by": "keywords"})
    # open of 1 Oct (100) and the quote of 31 Oct (no amount: counted, adds nothing); 30 Sep and
    # 1 Nov are outside, the lost record is no opportunity
    assert kpis["new_opportunities"] == {"count": 2, "amount": 100.0, "open": 1, "quote": 1}


def test_kpis_of_the_current_month_count_the_report_date(tmp_path):
    kpis = _indicators(tmp_path, KPI_RELATIONS, KPI_TOUCHPOINTS, KPI_BUSINESS,
                       {"kpi_month": "current"})["portfolio"]["indicators"]["kpis"]
    assert (kpis["month"], kpis["from"], kpis["to"]) == ("2026-11", "2026-11-01", "2026-11-01")
    # as of 1 Nov, due by 30 Nov: T1 (1 Oct + 1 = 1 Nov), T2 (31 Oct + 1 = 30 Nov), T6 (1 Nov);
    # overdue: T3 (30 Sep), T4 (30 Oct), T5 (31 Oct) = 6. Done: T3 on the report date; T6's
    # touchpoint of 2 Nov lies after it and is not read.
    assert kpis["touchpoints_vs_planned"] == {
        "value": 0.1667, "numerator": 1, "denominator": 6, "unit": "share", "unknown": None,
        "overdue_at_start": 3, "without_history": 0}
    assert (kpis["touchpoints"], kpis["relations_contacted"], kpis["value_add"]) == (1, 1, 0)
    assert kpis["new_opportunities"] == {"count": 1, "amount": 70.0, "open": 1, "quote": 0}


def test_the_exports_last_contact_counts_when_it_lies_before_the_month(tmp_path):
    relations = [{**_relation("U1", "A"), "summary_last_contact": "2026-09-20"},
                 {**_relation("U2", "A"), "summary_last_contact": "2026-10-05"},
                 {**_relation("U3", "A"), "summary_last_contact": "2026-09-25"}]
    touchpoints = [_touchpoint("U3", "2026-09-10"), _touchpoint("U3", "2026-10-25")]
    kpis = _indicators(tmp_path, relations, touchpoints, [])["portfolio"]["indicators"]["kpis"]
    # U1: the export's 20 Sep -> due 20 Oct. U2: the export's 5 Oct lies in the month, not
    # before it: never contacted before October, since 1 Jan 2020 + 1 month -> overdue. U3: the
    # later of its touchpoint of 10 Sep and the export's 25 Sep -> due 25 Oct, done on 25 Oct.
    planned = kpis["touchpoints_vs_planned"]
    assert (planned["numerator"], planned["denominator"], planned["overdue_at_start"]) == (1, 3, 1)


def test_period_boundaries_existing_repeat_retention_and_quiet_relations(tmp_path):
    # Period 2025-11-02 .. 2026-11-01, previous 2024-11-02 .. 2025-11-01; the period's start
    # (as_of - 12 months) is 2025-11-01.
    relations = [_relation("P1", "A"), _relation("P2", "A"), _relation("P3", "B"),
                 _relation("P4", "B"), _relation("P5", "C", "2026-01-01"),
                 _relation("P6", "C", "2026-11-01"), _relation("P7", "C", "2026-11-02")]
    business = [
        _record("P1", "2025-11-01", 100),   # on the start: existing, in the previous period
        _record("P1", "2025-11-02", 1000),  # on the period's first day: in the period, a repeat
        _record("P2", "2025-11-02", 2000),  # its first deal on the period's first day: new
        _record("P2", "2026-11-01", 3000),  # on the report date: in the period, a repeat
        _record("P2", "2026-11-02", 9000),  # after the report date: not read
        _record("P3", "2024-11-01", 100),   # before the previous period: existing, no retention base
        _record("P3", "2026-05-01", 4000),
        _record("P4", "2024-11-02", 100),   # the previous period's first day: retention base, lost
        _record("P5", "2026-03-01", 500), _record("P5", "2026-03-01", 500),  # one day: no repeat
    ]
    touchpoints = [
        _touchpoint("P1", "2025-11-01", "referral_given"),   # outside the period
        _touchpoint("P1", "2025-11-02", "referral_given"),   # the period's first day
        _touchpoint("P1", "2026-11-01", "referral_given"),   # the report date
        _touchpoint("P4", "2025-11-01"),                     # last activity on the start: quiet
    ]
    report = _indicators(tmp_path, relations, touchpoints, business)
    found = report["portfolio"]["indicators"]
    assert found["period"] == {"months": 12, "from": "2025-11-02", "to": "2026-11-01",
                               "previous_from": "2024-11-02", "data_from": "2024-11-01",
                               "partial": False}
    success = found["success"]
    # won in the period: P1 1000 and P3 4000 existing; P2 2000 + 3000, P5 500 + 500 new
    existing = success["existing_share"]
    assert (existing["numerator"], existing["denominator"], existing["value"]) == \
        (5000.0, 11000.0, 0.4545)
    # deals in the period: 6; repeats P1 2 Nov 2025, P2 1 Nov 2026, P3 = 3
    assert (success["repeat_share"]["numerator"], success["repeat_share"]["denominator"]) == (3, 6)
    # base: P1 (1 Nov 2025), P4 (2 Nov 2024); P3's 1 Nov 2024 is before. Retained: P1.
    assert success["retention_ab"]["per_category"] == {"A": {"base": 1, "retained": 1, "lost": []},
                                                       "B": {"base": 1, "retained": 0, "lost": ["P4"]}}
    # referral_given of A relations (P1, P2) in the period: 2 Nov 2025 and 1 Nov 2026 -> 2 / 2
    assert (success["referrals_per_a"]["numerator"], success["referrals_per_a"]["value"]) == (2, 1.0)
    per = {r["id"]: r["indicators"] for r in report["relations"]}
    assert {key: per[key]["existing"] for key in ("P1", "P2", "P3", "P4", "P5")} == \
        {"P1": True, "P2": False, "P3": True, "P4": True, "P5": False}
    assert per["P2"]["revenue"] == {"value": 5000.0, "won": 2, "credit_notes": 0,
                                    "records_without_amount": 0, "unknown": None}
    # quiet: P4 only (last activity 1 Nov 2025, the start): 2131 days since 1 Jan 2020 / 365.25
    assert found["relations"]["lapsed_duration"] == {"value": 5.83, "numerator": 5.83,
                                                     "denominator": 1, "unit": "years",
                                                     "unknown": None}
    # a start on the report date is 0 years; a start the day after has not started
    assert per["P6"]["duration"] == {"value": 0.0, "since": "2026-11-01", "unknown": None}
    assert per["P7"]["duration"] == {"value": None, "since": "2026-11-02",
                                     "unknown": "starts after the report date"}
    # P1-P4 2131 + 365 = 2496 days each, P5 304, P6 0 -> (4 x 2496 + 304) / 365.25 = 28.1670
    # years over 6 relations = 4.6945; P7 has not started
    assert found["relations"]["duration"] == {"value": 4.69, "numerator": 28.17, "denominator": 6,
                                              "unit": "years", "unknown": None}


CREDIT_SHARE_RELATIONS = [_relation("Q1", "A"), _relation("Q2", "A"), _relation("Q3", "B")]
#: Q1: a credit note before its first deal; Q2: a deal before the period, a credit note and a deal
#: in it; Q3: a deal before the period and only a credit note in it. No deal has hours.
CREDIT_SHARE_BUSINESS = [
    _record("Q1", "2025-06-01", -300), _record("Q1", "2025-12-01", 1000),
    _record("Q2", "2025-06-01", 2000), _record("Q2", "2026-02-01", -500, hours=2),
    _record("Q2", "2026-03-01", 2500),
    _record("Q3", "2025-03-01", 1000), _record("Q3", "2026-04-01", -1000),
]


def test_a_credit_note_in_each_share_worked_by_hand(tmp_path):
    report = _indicators(tmp_path / "amount", CREDIT_SHARE_RELATIONS, [], CREDIT_SHARE_BUSINESS,
                         config={"business": {"hourly_cost": 50}})
    success = report["portfolio"]["indicators"]["success"]
    # the business data start on 1 Mar 2025, after the previous period's first day (2 Nov 2024)
    assert (report["portfolio"]["indicators"]["period"]["data_from"],
            report["portfolio"]["indicators"]["period"]["partial"]) == ("2025-03-01", True)
    # amounts: existing (a deal on or before 1 Nov 2025: Q2, Q3; Q1's credit note is no deal)
    # -500 + 2500 - 1000 = 1000 of 1000 - 500 + 2500 - 1000 = 2000
    assert {key: success["existing_share"][key] for key in
            ("numerator", "denominator", "value", "credit_notes")} == \
        {"numerator": 1000.0, "denominator": 2000.0, "value": 0.5, "credit_notes": 2}
    # deals in the period: Q1 1 Dec 2025 (no repeat: its earlier record is a credit note),
    # Q2 1 Mar 2026 (a repeat) -> 1 / 2
    repeat = success["repeat_share"]
    assert (repeat["numerator"], repeat["denominator"], repeat["credit_notes"]) == (1, 2, 2)
    # base: Q2 (A), Q3 (B); Q1's credit note of June 2025 is no deal. Q3 has only a credit note
    # in the period: lost -> 1 / 2
    assert success["retention_ab"]["per_category"] == {"A": {"base": 1, "retained": 1, "lost": []},
                                                       "B": {"base": 1, "retained": 0, "lost": ["Q3"]}}
    per = {r["id"]: r["indicators"] for r in report["relations"]}
    assert (per["Q1"]["existing"], per["Q2"]["existing"], per["Q3"]["existing"]) == (False, True, True)
    relations = report["portfolio"]["indicators"]["relations"]
    # relations with a won amount in the period: Q1 1000, Q2 2000, Q3 -1000 -> 2000 / 3
    assert (relations["value_per_relation"]["value"], relations["value_per_relation"]["numerator"],
            relations["value_per_relation"]["denominator"]) == (666.67, 2000.0, 3)
    # no deal has hours: profitability is unknown, although the credit notes are priced
    # (Q2's with its 2 hours, Q3's without hours at 0 hours)
    profitability = relations["profitability"]
    assert (profitability["value"], profitability["unknown"], profitability["records"],
            profitability["records_without_hours"], profitability["revenue_without_hours"]) == \
        (None, "no won business with both amount and hours in the period", 2, 2, 3500.0)
    # an unknown profitability keeps the known one's fields, null
    assert (profitability["revenue"], profitability["hours"], profitability["cost"],
            profitability["margin"]) == (None, None, None, None)
    assert per["Q2"]["profit"]["unknown"] == "no hours recorded on won business in the period"
    # Q3 has no deal in the period, only its credit note: -1000 at 0 hours, no margin
    assert (per["Q3"]["profit"]["value"], per["Q3"]["profit"]["hours"], per["Q3"]["profit"]["margin"]) \
        == (-1000.0, 0.0, None)
    # counted in deals: the same shares without the credit notes: Q2 of Q1, Q2 -> 1 / 2
    counted = _indicators(tmp_path / "count", CREDIT_SHARE_RELATIONS, [], CREDIT_SHARE_BUSINESS,
                          {"existing_measure": "count"})
    existing = counted["portfolio"]["indicators"]["success"]["existing_share"]
    assert (existing["numerator"], existing["denominator"], existing["credit_notes"]) == (1, 2, 2)


def test_rounding_of_shares_and_money_worked_by_hand(tmp_path):
    relations = [_relation("R1", "A"), _relation("R2", "A"), _relation("R3", "A")]
    business = [_record("R1", "2025-01-01", 10, hours=1), _record("R1", "2026-01-01", 1000, hours=3),
                _record("R2", "2026-02-01", 31000, hours=0.125),
                _record("R3", "2026-03-01", None, hours=5)]
    report = _indicators(tmp_path / "a", relations, [], business,
                         {"targets": {"existing_share": 0.03125}, "hourly_cost": 0.1})
    existing = report["portfolio"]["indicators"]["success"]["existing_share"]
    # 1000 / 32000 = 0.03125 exactly: Python's round to 4 decimals, half to even -> 0.0312; met
    # compares the unrounded share with the target (0.03125 >= 0.03125)
    assert (existing["value"], existing["met"]) == (0.0312, True)
    per = {r["id"]: r["indicators"] for r in report["relations"]}
    # R2: 31000 - 0.125 h x 0.1 = 30999.9875 -> 30999.99; cost 0.0125 -> 0.01 (half to even)
    assert (per["R2"]["profit"]["value"], per["R2"]["profit"]["cost"], per["R2"]["profit"]["hours"]) \
        == (30999.99, 0.01, 0.12)
    # R3's deal has no amount: left out of the share and counted; its revenue is unknown, it is
    # no relation with a won amount, and profitability leaves it out (hours and all) uncounted
    assert existing["records_without_amount"] == 1
    assert per["R3"]["revenue"] == {"value": None, "won": 1, "credit_notes": 0,
                                    "records_without_amount": 1,
                                    "unknown": "won business in the period has no amounts"}
    assert per["R3"]["profit"]["unknown"] == "won business in the period has no amounts"
    relations = report["portfolio"]["indicators"]["relations"]
    assert relations["value_per_relation"]["denominator"] == 2
    assert (relations["profitability"]["records"], relations["profitability"]["hours"],
            relations["profitability"]["records_without_hours"]) == (2, 3.12, 0)


def test_a_business_hourly_cost_of_0_is_a_cost_of_0(tmp_path):
    report = _indicators(tmp_path, [_relation("R1", "A")], [],
                         [_record("R1", "2026-01-01", 1000, hours=3)],
                         config={"business": {"hourly_cost": 0}})
    profitability = report["portfolio"]["indicators"]["relations"]["profitability"]
    # the plugin's 0 means "not set"; [business]'s 0 is 0 euros an hour: profit = revenue
    assert (profitability["value"], profitability["hourly_cost"], profitability["hourly_cost_source"],
            profitability["unknown"]) == (1000.0, 0.0, "segmentation", None)
