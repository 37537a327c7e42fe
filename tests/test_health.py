"""Relation health, with every score, band, flag and complaint worked out by hand below.

Report date 2026-11-01; the previous period's date is 3 months earlier, 2026-08-01.
Windows are "after the same day N months earlier, up to the report date":
12 months = 2025-11-02 .. 2026-11-01, 6 months = 2026-05-02 .. 2026-11-01; for the
previous period 2025-08-02 .. 2026-08-01 and 2026-02-02 .. 2026-08-01.

Default options: weights response_time 1, referrals 1, repeat_business 2,
value_add 1, cadence 2 (total 7); bands green >= 70, amber >= 40; response time
100 up to 30 days, 0 from 180; referral targets per year A 3, B 2, C 1; repeat
targets A 4, B 2, C 1; value-add targets (6 months) A 2, B 1, C 1; cadence 0
points when overdue by one cadence period (A 30 days, B 90, C 180).
"""

from __future__ import annotations

import json

import pytest

from conftest import cli, write_project

RELATIONS = """\
id;name;category;since
G1;Groen Bouw;A;2015-03-01
R1;Rood Zorg;B;2020-01-01
M1;Midden Advies;C;2018-06-01
F1;Vlaggen Logistiek;B;2019-01-01
P1;Prospect Nieuw;A;2026-09-15
U1;Onbekend;;
"""
TOUCHPOINTS = """\
relation;date;employee;channel;direction;kind;signals;notes
G1;2026-06-10;M1;email;out;value_add;;
G1;2026-06-20;M1;phone;in;referral_given;;
G1;2026-09-01;M1;email;out;value_add;;
G1;2026-09-11;M1;phone;in;referral_given;;
G1;2026-10-15;M1;phone;out;check_in;;
G1;2026-10-20;M1;phone;in;check_in;;
G1;2026-10-25;M1;phone;in;referral_given;;
R1;2026-03-01;M2;phone;out;check_in;;
R1;2026-03-11;M2;phone;in;check_in;;
R1;2026-05-20;M2;email;out;value_add;;
R1;2026-06-01;M2;email;in;offer;;
M1;2026-04-01;M1;visit;out;check_in;;Tariefvoorstel besproken
M1;2026-06-30;M1;phone;in;check_in;;
F1;2025-10-15;M2;phone;out;check_in;;Ze praten ook met een concurrent
F1;2026-02-01;M2;email;out;offer;competitor|rate_pressure;Concurrent biedt een lager tarief
F1;2026-03-01;M2;phone;in;check_in;;Nieuwe contactpersoon op HR
F1;2026-04-01;M2;phone;out;check_in;exclusivity_lost;
F1;2026-05-01;M2;email;out;check_in;;Geen reactie op mail
F1;2026-05-10;M2;phone;in;complaint;;Klacht: geen antwoord op onze vraag
F1;2026-05-12;M1;visit;out;complaint_resolved;;Opgelost
F1;2026-06-01;M2;phone;in;referral_given;;Verwees ons door naar een zusterbedrijf
F1;2026-07-01;M2;visit;in;check_in;strategic|first_call;Betrokken bij hun strategie
F1;2026-08-01;M2;email;in;complaint;;Klacht over factuur
F1;2026-08-15;M2;phone;out;check_in;;
F1;2026-09-01;M2;phone;out;check_in;;
F1;2026-09-15;M2;phone;out;check_in;;
F1;2026-10-01;M2;phone;out;check_in;;
F1;2026-10-15;M2;phone;out;check_in;;
P1;2026-10-01;M1;email;out;value_add;;
P1;2026-10-04;M1;phone;in;check_in;;
"""
BUSINESS = """\
relation;date;amount;hours;kind;status
G1;2026-01-15;1000;10;plaatsing;won
G1;2026-03-15;1000;10;plaatsing;won
G1;2026-09-15;1000;10;plaatsing;won
G1;2026-10-15;1000;10;plaatsing;won
R1;2025-09-10;2000;10;plaatsing;won
R1;2025-10-10;2000;10;plaatsing;won
M1;2026-01-20;500;5;plaatsing;won
F1;2026-03-01;800;8;plaatsing;won
F1;2026-06-01;900;9;plaatsing;lost
"""


def build(tmp_path, extra_config="", relations=RELATIONS, touchpoints=TOUCHPOINTS,
          business=BUSINESS, expect=0):
    config = write_project(tmp_path, relations=relations, extra_config=extra_config,
                           files={"touchpoints.csv": touchpoints, "business.csv": business})
    # The built-in segmentation is switched off so that the categories are the data's (U1 has
    # none: the cadence default C); test_segmentation_category_comes_first puts one back.
    text = config.read_text(encoding="utf-8").replace(
        'name = "Testbureau"', 'name = "Testbureau"\ndisable_plugins = ["segmentation"]')
    config.write_text(text, encoding="utf-8")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == expect, result.output
    if expect:
        return result.output
    return json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))


def health(report):
    return {r["id"]: r["health"] for r in report["relations"]}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return build(tmp_path_factory.mktemp("health"))


def scores(found):
    return {key: item["score"] for key, item in found["indicators"].items()}


def test_green_relation_rising(report):
    g1 = health(report)["G1"]
    # response: out 10 Jun -> in 20 Jun (10 days), out 1 Sep -> in 11 Sep (10), out 15 Oct ->
    #   in 20 Oct (5); median 10 <= 30 -> 100. referrals: 20 Jun, 11 Sep, 25 Oct = 3 a year,
    #   target A 3 -> 100. repeat: 4 won in 12 months, target A 4 -> 100. value-add: 10 Jun and
    #   1 Sep in the 6 months, target 2 -> 100. cadence: last 25 Oct + 1 month, not overdue -> 100.
    assert scores(g1) == {"response_time": 100.0, "referrals": 100.0, "repeat_business": 100.0,
                          "value_add": 100.0, "cadence": 100.0}
    assert (g1["score"], g1["band"], g1["reasons"]) == (100.0, "green", [])
    rt = g1["indicators"]["response_time"]
    assert (rt["value"], rt["outgoing"], rt["answered"], rt["pending"]) == (10.0, 3, 3, 0)
    # contributions: weight x score / 7: 100/7 = 14.3 and 200/7 = 28.6
    assert {k: i["contribution"] for k, i in g1["indicators"].items()} == {
        "response_time": 14.3, "referrals": 14.3, "repeat_business": 28.6, "value_add": 14.3,
        "cadence": 28.6}
    # then (1 Aug): response 10 Jun -> 20 Jun = 100; referrals 1 (20 Jun) = 1/3 -> 33.33;
    #   repeat 15 Jan and 15 Mar = 2 of 4 -> 50; value-add 10 Jun = 1 of 2 -> 50; cadence last
    #   20 Jun + 1 month = 20 Jul, 12 days overdue of 30 -> 60.
    #   (100 + 33.33 + 2x50 + 50 + 2x60) / 7 = 403.33 / 7 = 57.6: amber. Trend 100 - 57.6 = +42.4.
    assert g1["previous"] == {"as_of": "2026-08-01", "score": 57.6, "band": "amber", "unknown": None}
    assert g1["trend"] == {"change": 42.4, "direction": "up", "unknown": None}


def test_red_relation_falling_with_reasons(report):
    r1 = health(report)["R1"]
    # response: 1 Mar -> 11 Mar (10), 20 May -> 1 Jun (12); median 11 -> 100. referrals 0 -> 0.
    # repeat: both won records are before the 12 months -> 0 (known: there is business).
    # value-add: 20 May, target B 1 -> 100. cadence: last 1 Jun + 3 months = 1 Sep; 61 days
    # overdue of 90 -> 100 x (1 - 61/90) = 32.22.
    # (100 + 0 + 0 + 100 + 2 x 32.22) / 7 = 264.44 / 7 = 37.8: red.
    assert scores(r1) == {"response_time": 100.0, "referrals": 0.0, "repeat_business": 0.0,
                          "value_add": 100.0, "cadence": 32.2}
    assert (r1["score"], r1["band"]) == (37.8, "red")
    assert r1["indicators"]["cadence"]["value"] == 61
    assert r1["indicators"]["cadence"]["contribution"] == 9.2          # 2 x 32.22 / 7
    # lost points: repeat 2 x 100 / 7 = 28.6, cadence 2 x 67.78 / 7 = 19.4, referrals 100/7 = 14.3
    assert r1["reasons"] == [{"indicator": "repeat_business", "score": 0.0, "lost": 28.6},
                             {"indicator": "cadence", "score": 32.2, "lost": 19.4},
                             {"indicator": "referrals", "score": 0.0, "lost": 14.3}]
    # then: repeat 10 Sep and 10 Oct 2025 = 2 of 2 -> 100; cadence due 1 Sep, not overdue on
    # 1 Aug -> 100; (100 + 0 + 200 + 100 + 200) / 7 = 85.7 green. Trend 37.8 - 85.7 = -47.9.
    assert (r1["previous"]["score"], r1["previous"]["band"]) == (85.7, "green")
    assert r1["trend"] == {"change": -47.9, "direction": "down", "unknown": None}


def test_amber_relation_flat_and_linear_response_score(report):
    m1 = health(report)["M1"]
    # response: out 1 Apr -> in 30 Jun = 90 days -> 100 x (180 - 90) / (180 - 30) = 60.
    # referrals 0, target C 1 -> 0; repeat 1 of 1 -> 100; value-add 0 -> 0; cadence on time.
    # (60 + 0 + 200 + 0 + 200) / 7 = 65.7: amber; the same on 1 Aug, so the trend is flat.
    assert scores(m1) == {"response_time": 60.0, "referrals": 0.0, "repeat_business": 100.0,
                          "value_add": 0.0, "cadence": 100.0}
    assert (m1["score"], m1["band"], m1["previous"]["score"]) == (65.7, "amber", 65.7)
    assert m1["trend"]["direction"] == "flat" and m1["trend"]["change"] == 0.0
    # referrals and value-add lose 100/7 = 14.3 each (tie: indicator order), response 40/7 = 5.7
    assert [(r["indicator"], r["lost"]) for r in m1["reasons"]] == [
        ("referrals", 14.3), ("value_add", 14.3), ("response_time", 5.7)]


def test_unknown_indicators_are_left_out_and_reweighted(report):
    found = health(report)
    p1 = found["P1"]
    # No business: repeat is unknown and left out; total weight 1 + 1 + 1 + 2 = 5.
    # response 3 days -> 100, referrals 0 -> 0, value-add 1 of 2 -> 50, cadence on time -> 100.
    # (100 + 0 + 50 + 200) / 5 = 70.0: exactly the green limit.
    assert p1["indicators"]["repeat_business"]["score"] is None
    assert p1["indicators"]["repeat_business"]["unknown"] == "no business records"
    assert p1["indicators"]["repeat_business"]["contribution"] is None
    assert (p1["score"], p1["band"]) == (70.0, "green")
    assert {k: i["contribution"] for k, i in p1["indicators"].items()} == {
        "response_time": 20.0, "referrals": 0.0, "repeat_business": None, "value_add": 10.0,
        "cadence": 40.0}
    # P1 started on 15 Sep 2026, after the previous period's date.
    assert p1["previous"]["unknown"] == "the relation had not started yet"
    assert p1["trend"] == {"change": None, "direction": None,
                           "unknown": "no score for the previous period"}
    u1 = found["U1"]
    # Nothing at all: every indicator unknown with its reason; 0 known of the 3 a band needs.
    assert {k: i["unknown"] for k, i in u1["indicators"].items()} == {
        "response_time": "no touchpoints on record", "referrals": "no touchpoints on record",
        "repeat_business": "no business records", "value_add": "no touchpoints on record",
        "cadence": "never contacted and no start date (since) known"}
    assert (u1["score"], u1["band"], u1["unknown"]) == (
        None, "insufficient", "too little data: fewer indicators known than a health band needs")
    assert (u1["known_indicators"], u1["min_known_indicators"]) == (0, 3)
    assert u1["missing"] == [{"indicator": key, "reason": u1["indicators"][key]["unknown"]}
                             for key in ("response_time", "referrals", "repeat_business",
                                         "value_add", "cadence")]
    # P1: 4 known (repeat business is not), enough: nothing in its way
    assert (p1["known_indicators"], p1["missing"]) == (
        4, [{"indicator": "repeat_business", "reason": "no business records"}])
    assert u1["trend"]["unknown"] == "no score now"


def test_red_flags_and_opportunities_with_their_touchpoints(report):
    f1 = health(report)["F1"]
    # 15 Oct 2025 (a competitor in the notes) is outside the 12 months; "Tariefvoorstel" (M1) is
    # not the whole word "tarief"; "geen antwoord" on an incoming complaint is about us.
    flags = [(f["date"], f["kind"], f["matched_by"], f["signal"], f["keyword"], f["unanswered"])
             for f in f1["red_flags"]]
    assert flags == [
        # the latest 5 outgoing touchpoints (15 Aug .. 15 Oct) without an incoming one since 1 Aug
        ("2026-10-15", "no_response", "unanswered", None, None, 5),
        ("2026-05-01", "no_response", "keyword", None, "geen reactie", None),
        ("2026-04-01", "exclusivity_lost", "signal", "exclusivity_lost", None, None),
        ("2026-03-01", "stakeholder_change", "keyword", None, "nieuwe contactpersoon", None),
        ("2026-02-01", "competitor", "signal", "competitor", "concurrent", None),
        ("2026-02-01", "rate_pressure", "signal", "rate_pressure", "tarief", None),
    ]
    first = f1["red_flags"][-1]
    assert (first["employee"], first["employee_name"], first["channel"], first["touchpoint_kind"],
            first["notes"]) == ("M2", "Sem Bakker", "email", "offer", "Concurrent biedt een lager tarief")
    chances = [(f["date"], f["kind"], f["matched_by"], f["signal"], f["keyword"])
               for f in f1["opportunities"]]
    assert chances == [
        ("2026-07-01", "first_call", "signal", "first_call", None),
        ("2026-07-01", "proactive", "direction", None, None),
        ("2026-07-01", "strategic", "signal", "strategic", "strategie"),
        ("2026-06-01", "referral", "kind", None, "verwees ons"),   # referral_given: not "proactive"
        ("2026-03-01", "proactive", "direction", None, None),
    ]
    # F1's score: response 28, 39, 9, 20 days (five outgoing since 15 Aug still pending, < 180
    # days) -> median 24 -> 100; referral 1 a year of 2 -> 50; repeat 1 of 2 -> 50; value-add 0;
    # cadence on time. (100 + 50 + 100 + 0 + 200) / 7 = 64.3, also on 1 Aug: flat.
    assert (f1["score"], f1["band"], f1["trend"]["direction"]) == (64.3, "amber", "flat")
    assert f1["indicators"]["response_time"]["pending"] == 5


def test_open_and_resolved_complaints(report):
    complaints = health(report)["F1"]["complaints"]
    # 1 Aug complaint: no complaint_resolved on or after it -> open, 92 days old on 1 Nov.
    assert complaints["open"] == [{"date": "2026-08-01", "employee": "M2", "employee_name": "Sem Bakker",
                                   "channel": "email", "notes": "Klacht over factuur", "age_days": 92}]
    assert (complaints["open_count"], complaints["oldest_open_days"]) == (1, 92)
    # 10 May complaint resolved on 12 May: 2 days, within 7 -> fast.
    [resolved] = complaints["resolved"]
    assert (resolved["date"], resolved["resolved_on"], resolved["days"], resolved["fast"],
            resolved["resolved_by"]) == ("2026-05-10", "2026-05-12", 2, True, "M1")
    assert complaints["median_resolution_days"] == 2


def test_portfolio_distribution_turning_red_flags_and_complaints(report):
    portfolio = report["portfolio"]["health"]
    assert portfolio["bands"] == {"green": 2, "amber": 2, "red": 1, "insufficient": 1}
    assert portfolio["per_category"] == {
        "A": {"green": 2, "amber": 0, "red": 0, "insufficient": 0},
        "B": {"green": 0, "amber": 1, "red": 1, "insufficient": 0},
        "C": {"green": 0, "amber": 1, "red": 0, "insufficient": 1}}
    assert portfolio["trends"] == {"up": 1, "down": 1, "flat": 2, "unknown": 2}
    assert [(r["id"], r["previous_band"], r["previous_score"], r["score"]) for r in
            portfolio["turning_red"]] == [("R1", "green", 85.7, 37.8)]
    assert portfolio["red"][0]["reasons"] == ["repeat_business", "cadence", "referrals"]
    # Incoming touchpoints other than complaints and referrals: G1 20 Oct, R1 11 Mar and 1 Jun,
    # M1 30 Jun, P1 4 Oct, F1 1 Mar and 1 Jul = 7; referrals: G1 3 + F1 1.
    assert portfolio["flag_counts"] == {
        "no_response": 2, "competitor": 1, "rate_pressure": 1, "stakeholder_change": 1,
        "exclusivity_lost": 1, "proactive": 7, "referral": 4, "strategic": 1, "first_call": 1}
    assert [(f["id"], f["date"], f["kind"]) for f in portfolio["red_flags"]][:3] == [
        ("F1", "2026-10-15", "no_response"), ("F1", "2026-05-01", "no_response"),
        ("F1", "2026-04-01", "exclusivity_lost")]
    assert portfolio["red_flags_total"] == 6
    assert [(c["id"], c["age_days"]) for c in portfolio["open_complaints"]] == [("F1", 92)]


def test_signals_per_relation_lists_the_newest_of_each_kind_and_counts_them_all(tmp_path):
    found = health(build(tmp_path, """
        [plugins.health]
        signals_per_relation = 1
        """))
    f1 = found["F1"]
    # F1 has two no_response flags (15 Oct by the run, 1 May by keyword) and two proactive ones
    # (1 Jul, 1 Mar): only the newest of each is listed, the counts keep both.
    assert [(f["date"], f["kind"]) for f in f1["red_flags"]] == [
        ("2026-10-15", "no_response"), ("2026-04-01", "exclusivity_lost"),
        ("2026-03-01", "stakeholder_change"), ("2026-02-01", "competitor"),
        ("2026-02-01", "rate_pressure")]
    assert [(f["date"], f["kind"]) for f in f1["opportunities"]] == [
        ("2026-07-01", "first_call"), ("2026-07-01", "proactive"), ("2026-07-01", "strategic"),
        ("2026-06-01", "referral")]
    assert f1["signal_counts"] == {
        "no_response": 2, "competitor": 1, "rate_pressure": 1, "stakeholder_change": 1,
        "exclusivity_lost": 1, "proactive": 2, "referral": 1, "strategic": 1, "first_call": 1}
    # G1: three referrals given (20 Jun, 11 Sep, 25 Oct) and one proactive check-in (20 Oct)
    assert [(f["date"], f["kind"]) for f in found["G1"]["opportunities"]] == [
        ("2026-10-25", "referral"), ("2026-10-20", "proactive")]
    assert found["G1"]["signal_counts"]["referral"] == 3
    # a relation without any flag: empty lists and zero counts, not nulls
    assert found["U1"]["red_flags"] == [] and found["U1"]["opportunities"] == []
    assert set(found["U1"]["signal_counts"].values()) == {0}


def test_weight_band_and_keyword_changes(tmp_path):
    report = build(tmp_path, """
        [plugins.health]
        weights = { cadence = 0 }
        bands = { green = 75 }
        keywords = { stakeholder_change = [], competitor = ["zusterbedrijf"], rate_pressure = ["tarief*"] }
        no_response_after = 6
        """)
    found = health(report)
    # R1 without cadence: (100 + 0 + 0 + 100) / 5 = 40.0 -> amber instead of red.
    r1 = found["R1"]
    assert (r1["score"], r1["band"]) == (40.0, "amber")
    assert r1["indicators"]["cadence"]["score"] == 32.2              # still shown, weight 0
    assert r1["indicators"]["cadence"]["contribution"] is None
    # P1: (100 + 0 + 50) / 3 = 50.0, and green now starts at 75 anyway.
    assert (found["P1"]["score"], found["P1"]["band"]) == (50.0, "amber")
    # G1 stays 100 green.
    assert found["G1"]["band"] == "green"
    f1 = {(f["date"], f["kind"]): f for f in found["F1"]["red_flags"]}
    # no stakeholder keywords: 1 Mar is no red flag any more; only 5 outgoing in a row: no run flag
    assert ("2026-03-01", "stakeholder_change") not in f1
    assert ("2026-10-15", "no_response") not in f1
    # the signal still counts, the keyword list was replaced: "concurrent" no longer named
    assert f1[("2026-02-01", "competitor")]["keyword"] is None
    assert f1[("2026-06-01", "competitor")]["keyword"] == "zusterbedrijf"
    assert f1[("2026-02-01", "rate_pressure")]["keyword"] == "tarief*"
    # "tarief*" also matches the longer word "Tariefvoorstel" of M1
    assert [(f["kind"], f["keyword"]) for f in found["M1"]["red_flags"]] == [("rate_pressure", "tarief*")]


def test_no_reply_yet_and_no_outgoing_are_explicit_unknowns(tmp_path):
    relations = "id;name;category\nW1;Wacht;C\nV1;Alleen inkomend;C\n"
    touchpoints = ("relation;date;direction;kind\nW1;2026-10-20;out;check_in\n"
                   "V1;2026-10-10;in;check_in\n")
    found = health(build(tmp_path, relations=relations, touchpoints=touchpoints,
                         business="relation;date\n"))
    w1 = found["W1"]
    # 12 days without a reply is still within the 180 days: nothing to measure yet.
    assert w1["indicators"]["response_time"]["unknown"] == \
        "outgoing touchpoints in the window still await a reply"
    assert w1["indicators"]["response_time"]["pending"] == 1
    # referrals 0, value-add 0, cadence on time; repeat unknown: (0 + 0 + 200) / 4 = 50.0
    assert (w1["score"], w1["band"]) == (50.0, "amber")
    assert found["V1"]["indicators"]["response_time"]["unknown"] == \
        "no outgoing touchpoints in the window to measure"


@pytest.mark.parametrize("section, key", [
    ("weights = { cadence = -1 }", "weights.cadence"),
    ("weights = { response_time = 0, referrals = 0, repeat_business = 0, value_add = 0, cadence = 0 }",
     "weights"),
    ("weights = { speed = 1 }", "weights.speed"),
    ("bands = { green = 30, amber = 50 }", "bands"),
    ("response_days = { full = 100, zero = 50 }", "response_days"),
    ('keywords = { competitor = [""] }', "keywords"),
    ("referral_target = { A = 0 }", "referral_target"),
    ("trend_months = 0", "trend_months"),
])
def test_invalid_options_are_config_errors_naming_the_key(tmp_path, section, key):
    output = build(tmp_path, f"\n[plugins.health]\n{section}\n", expect=2)
    assert f"[plugins.health] {key}: expected" in output


def test_segmentation_category_comes_first(tmp_path):
    # A stand-in segmentation analysis says G1 is C: the C targets apply (repeat target 1).
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "segmenten.py").write_text(
        "from relatierapport import hookimpl\n"
        "from relatierapport.hooktypes import Analysis, Findings\n"
        "@hookimpl\n"
        "def analyses():\n"
        "    return [Analysis('segmentation', lambda p, c, f: Findings(relations={\n"
        "        'G1': {'category': 'C', 'category_source': 'scoring'}}))]\n", encoding="utf-8")
    found = health(build(tmp_path))
    assert (found["G1"]["category"], found["G1"]["category_source"]) == ("C", "scoring")
    assert found["G1"]["indicators"]["repeat_business"]["target"] == 1.0
    assert (found["R1"]["category"], found["R1"]["category_source"]) == ("B", "data")


STAND_IN_CADENCE = """\
import datetime as dt
from relatierapport import hookimpl
from relatierapport.hooktypes import Analysis, Findings

@hookimpl
def analyses():
    return [Analysis("cadence", run)]

def run(portfolio, config, findings):
    return Findings(relations={rid: {
        "category": "A", "category_source": "ritme", "cadence_months": 2, "days_overdue": 10,
        "status": "overdue", "last_touchpoint": None, "next_due": dt.date(2026, 10, 22)}
        for rid in portfolio.relations})
"""


def test_category_and_cadence_come_from_the_cadence_analysis(tmp_path):
    # Whatever gives the cadence analysis decides: here a stand-in says every relation is A,
    # every two months, 10 days overdue; R1's data says B and there is no [plugins.cadence].
    config = write_project(tmp_path, relations=RELATIONS,
                           files={"touchpoints.csv": TOUCHPOINTS, "business.csv": BUSINESS})
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "ritme.py").write_text(STAND_IN_CADENCE, encoding="utf-8")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json",
                 "--disable", "cadence", "--disable", "segmentation")
    assert result.exit_code == 0, result.output
    r1 = health(json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8")))["R1"]
    assert (r1["category"], r1["category_source"]) == ("A", "ritme")
    assert r1["indicators"]["repeat_business"]["target"] == 4.0             # A's target
    # 10 days overdue of 2 x 30 -> 100 x (1 - 10/60) = 83.3
    cadence = r1["indicators"]["cadence"]
    assert (cadence["cadence_months"], cadence["value"], cadence["zero_at_days"], cadence["score"]) \
        == (2, 10, 60.0, 83.3)


def test_cadence_options_reach_health_through_the_cadence_findings(tmp_path):
    # R1 (B) is due monthly: 1 Jun + 1 month = 1 Jul, 123 days overdue of 30 -> 0; U1 (no
    # category) gets cadence's default A, with the A targets.
    report = build(tmp_path, '\n[plugins.cadence]\nmonths = { B = 1 }\ndefault_category = "A"\n')
    found = health(report)
    r1 = found["R1"]["indicators"]["cadence"]
    assert (r1["cadence_months"], r1["value"], r1["zero_at_days"], r1["score"]) == (1, 123, 30.0, 0.0)
    assert (found["U1"]["category"], found["U1"]["category_source"]) == ("A", "default")
    assert found["U1"]["indicators"]["repeat_business"]["target"] == 4.0


def test_disabling_cadence_alone_is_a_config_error_naming_both(tmp_path):
    config = write_project(tmp_path, relations=RELATIONS,
                           files={"touchpoints.csv": TOUCHPOINTS, "business.csv": BUSINESS})
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json",
                 "--disable", "cadence")
    assert result.exit_code == 2, result.output
    assert "health requires cadence, which is disabled; enable cadence or disable health too" in result.output


def test_sections_render_in_dutch_and_english(tmp_path):
    config = write_project(tmp_path, relations=RELATIONS,
                           files={"touchpoints.csv": TOUCHPOINTS, "business.csv": BUSINESS})
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "html")
    assert result.exit_code == 0, result.output
    plan = (tmp_path / "site" / "relations" / "f1.html").read_text(encoding="utf-8")
    assert "Klacht over factuur" in plan and "Verwees ons door naar een zusterbedrijf" in plan
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Rood Zorg" in index and 'id="health-overview"' in index


def test_window_boundaries_worked_by_hand(tmp_path):
    """"The last N months" excludes the day N months before the report date and includes the
    report date; rows after the report date count nowhere; a reply on the same day is 0 days."""
    relations = "id;name;category;since\nB1;Grens Bouw;A;2015-01-01\nB2;Zelfde Dag;A;2015-01-01\n"
    touchpoints = """\
relation;date;employee;channel;direction;kind;signals;notes
B1;2025-11-01;M1;phone;in;referral_given;;
B1;2025-11-02;M1;phone;in;referral_given;;
B1;2026-05-01;M1;email;out;value_add;;
B1;2026-05-02;M1;email;out;value_add;;
B1;2026-11-01;M1;phone;in;referral_given;;
B1;2026-11-02;M1;phone;in;referral_given;;
B2;2026-10-01;M1;phone;out;check_in;;
B2;2026-10-01;M1;phone;in;check_in;;
B2;2026-10-20;M1;phone;out;check_in;;
"""
    business = """\
relation;date;amount;hours;kind;status
B1;2025-11-01;100;1;plaatsing;won
B1;2025-11-02;100;1;plaatsing;won
B1;2026-11-01;100;1;plaatsing;won
B1;2026-11-02;100;1;plaatsing;won
"""
    report = build(tmp_path, relations=relations, touchpoints=touchpoints, business=business)
    found = health(report)
    b1 = found["B1"]
    assert (report["portfolio"]["health"]["previous_as_of"], report["portfolio"]["health"]["limits"]) == \
        ("2026-08-01", {"list_limit": 100, "signal_months": 12})
    ind = b1["indicators"]
    # 12 months = 2025-11-02 .. 2026-11-01: referrals 2 Nov 2025 and 1 Nov 2026 (not 1 Nov 2025,
    # not 2 Nov 2026): 2 a year of target A 3 -> 100 x 2/3 = 66.67 -> 66.7
    assert (ind["referrals"]["count"], ind["referrals"]["value"], ind["referrals"]["score"]) == (2, 2.0, 66.7)
    # won business: 2 Nov 2025 and 1 Nov 2026 -> 2 of 4 = 50
    assert (ind["repeat_business"]["value"], ind["repeat_business"]["score"]) == (2, 50.0)
    # 6 months = 2026-05-02 .. 2026-11-01: value-add 2 May only -> 1 of 2 = 50
    assert (ind["value_add"]["value"], ind["value_add"]["score"]) == (1, 50.0)
    # replies: 1 May -> 1 Nov = 184 days, 2 May -> 1 Nov = 183; median 183.5 >= 180 -> 0
    assert (ind["response_time"]["value"], ind["response_time"]["score"]) == (183.5, 0.0)
    # cadence: last contact 1 Nov (the report date) + 1 month: not overdue -> 100
    assert (ind["cadence"]["value"], ind["cadence"]["score"]) == (0, 100.0)
    # (0 + 66.67 + 2 x 50 + 50 + 2 x 100) / 7 = 416.67 / 7 = 59.52 -> 59.5
    assert (b1["score"], b1["band"]) == (59.5, "amber")
    # referral opportunities in the 12 months of signals: 2 Nov 2025 and 1 Nov 2026
    assert [f["date"] for f in b1["opportunities"]] == ["2026-11-01", "2025-11-02"]
    assert b1["signal_counts"]["referral"] == 2 and b1["signal_counts"]["proactive"] == 0
    # then (1 Aug 2026): referrals 1 and 2 Nov 2025 -> 66.67; value-add 1 and 2 May -> 100; won
    # 1 and 2 Nov 2025 -> 50; response: both replies come after 1 Aug and 92 days < 180: pending,
    # unknown; cadence: 2 May + 1 month = 2 Jun, 60 days overdue of 30 -> 0.
    # (66.67 + 2 x 50 + 100 + 0) / 6 = 44.44 -> 44.4; change 59.5 - 44.4 = 15.1 > 5: up
    assert (b1["previous"]["score"], b1["trend"]["change"], b1["trend"]["direction"]) == (44.4, 15.1, "up")
    # the fixed fields of each indicator: unit, weight, window, target (category A), cadence scale
    assert [(k, i["unit"], i["weight"], i.get("window_months"), i.get("target")) for k, i in ind.items()] == [
        ("response_time", "days", 1.0, 12, None), ("referrals", "per_year", 1.0, 12, 3.0),
        ("repeat_business", "won", 2.0, 12, 4.0), ("value_add", "touchpoints", 1.0, 6, 2.0),
        ("cadence", "days_overdue", 2.0, None, None)]
    # cadence: monthly, 0 points at 1 x 1 x 30 days overdue; counted from a logged touchpoint
    assert (ind["cadence"]["cadence_months"], ind["cadence"]["zero_at_days"], ind["cadence"]["evidence"]) == \
        (1, 30.0, "touchpoint")
    # contributions and losses: referrals 66.67/7 = 9.5 and 33.33/7 = 4.8; response 0 and 100/7
    assert (ind["referrals"]["contribution"], ind["referrals"]["lost"]) == (9.5, 4.8)
    assert (ind["response_time"]["contribution"], ind["response_time"]["lost"]) == (0.0, 14.3)
    # reasons: known indicators below 70, the biggest loss first: repeat 2 x 50 / 7 = 14.3 and
    # response 14.3 tie -> indicator order (response first); value-add 50/7 = 7.1; referrals 4.8
    assert [(r["indicator"], r["score"], r["lost"]) for r in b1["reasons"]] == [
        ("response_time", 0.0, 14.3), ("repeat_business", 50.0, 14.3), ("value_add", 50.0, 7.1),
        ("referrals", 66.7, 4.8)]
    assert (b1["known_indicators"], b1["min_known_indicators"], b1["missing"], b1["unknown"]) == (5, 3, [], None)
    # B2: out 1 Oct answered the same day: 0 days; out 20 Oct waited 12 days: pending
    rt = found["B2"]["indicators"]["response_time"]
    assert (rt["value"], rt["outgoing"], rt["answered"], rt["unanswered"], rt["pending"], rt["score"]) == \
        (0.0, 2, 1, 0, 1, 100.0)


def test_repeat_business_counts_deals_by_the_business_rules(tmp_path):
    """repeat_business counts deals (relatierapport.business): won records whose amount is not
    negative, an amount of 0 or none included; a record without a status is won while
    ``[business] no_status_is_won`` (default true). Credit notes and lost records are no deal."""
    relations = "id;name;category;since\nD1;Deals Bouw;A;2015-01-01\n"
    business = """\
relation;date;amount;hours;kind;status
D1;2026-02-01;1000;1;plaatsing;won
D1;2026-03-01;0;1;plaatsing;won
D1;2026-04-01;;1;plaatsing;won
D1;2026-05-01;500;1;plaatsing;
D1;2026-06-01;-300;;plaatsing;won
D1;2026-07-01;800;1;plaatsing;lost
D1;2025-11-01;1000;1;plaatsing;won
"""
    # last 12 months = 2025-11-02 .. 2026-11-01: 1,000, 0, no amount, no status (won by default)
    # = 4 deals; not the credit note, the lost record or 1 Nov 2025 -> 4 of target A 4 = 100
    ind = health(build(tmp_path / "default", relations=relations, business=business))["D1"]["indicators"]
    assert (ind["repeat_business"]["value"], ind["repeat_business"]["score"]) == (4, 100.0)
    # no_status_is_won = false: the record without a status is not won -> 3 of 4 = 75
    ind = health(build(tmp_path / "strict", relations=relations, business=business,
                       extra_config="[business]\nno_status_is_won = false\n"))["D1"]["indicators"]
    assert (ind["repeat_business"]["value"], ind["repeat_business"]["score"]) == (3, 75.0)
