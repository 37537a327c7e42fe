"""Segmentation, with every expected value worked out by hand from the small portfolio below.

Report date 1 Nov 2026, so with the defaults the 12-month window is 1 Nov 2025 (exclusive)
to 1 Nov 2026, the 24-month regularity window starts after 1 Nov 2024, the hourly cost is
EUR 75 and the criteria weights are the defaults:
  ABC scoring: opbrengst 3, fit 2, kerntaak 2, belangen 1, relatie 1, bekendheid 1, imago 1,
               openheid 1 (sum 12); A from 3.5, B from 3.0.
  attractiveness: opbrengst, fit, belangen, kerntaak (1 each); accessibility: bekendheid,
               imago, relatie, openheid (1 each); high from 3.0.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from hypothesis import given, strategies as st

from conftest import cli, write_project
from relatierapport.builtin.analyses.segmentation import explain
from relatierapport.builtin.analyses.segmentation.explain import PLAIN

RELATIONS = """\
id;name;kind;role;organisation;category;phase;since;score_opbrengst;score_fit;score_belangen;score_kerntaak;score_bekendheid;score_imago;score_relatie;score_openheid;share_of_wallet
H1;Huwelijk BV;organisatie;opdrachtgever;;A;;01-01-2016;5;4;4;5;4;4;5;3;0,9
U1;Ontrouw BV;organisatie;opdrachtgever;;;;01-01-2022;4;4;3;3;2;3;2;3;
O1;Opblaas BV;organisatie;opdrachtgever;;B;behouden;01-01-2020;2;2;3;2;4;4;4;3;
D1;Doornroosje BV;organisatie;opdrachtgever;;C;;01-01-2014;3;3;3;3;2;2;2;2;
N1;Nieuw BV;organisatie;opdrachtgever;;;;01-06-2026;4;3;;;;;;;
K1;Karin Kandidaat;persoon;kandidaat;;;;01-06-2025;;;;;;;;;
P1;Piet Contact;persoon;contactpersoon;H1;A;;01-01-2018;;;;;;;;;
G1;Negeer BV;organisatie;opdrachtgever;;C;;;2;1;2;1;2;2;1;1;
"""
TOUCHPOINTS = """\
relation;date;employee;channel;direction;kind;signals;notes
H1;10-01-2025;M1;telefoon;uit;check-in;;before the window
H1;01-02-2026;M1;telefoon;in;verwijzing gegeven;;
H1;01-06-2026;M1;telefoon;in;verwijzing gegeven;;
H1;01-09-2026;M1;bezoek;uit;check-in;;
H1;05-11-2026;M1;bezoek;in;verwijzing gegeven;;after the report date
U1;01-04-2026;M2;telefoon;in;check-in;concurrent;
U1;01-08-2026;M2;telefoon;in;check-in;exclusiviteit kwijt;
U1;01-10-2026;M2;telefoon;in;verwijzing gegeven;;
O1;15-01-2026;M1;telefoon;uit;check-in;;
O1;15-03-2026;M1;telefoon;uit;check-in;;
O1;15-05-2026;M1;telefoon;uit;check-in;;
O1;15-07-2026;M1;telefoon;uit;check-in;;
O1;15-09-2026;M1;telefoon;uit;check-in;;
D1;01-12-2025;M1;telefoon;uit;check-in;;
N1;10-09-2026;M2;telefoon;in;check-in;;
K1;15-05-2026;M1;telefoon;uit;check-in;;
G1;10-01-2026;M2;e-mail;uit;check-in;;
"""
BUSINESS = """\
relation;date;amount;hours;kind;status
H1;01-03-2025;8000;30;opdracht;gewonnen
H1;01-06-2025;8000;30;opdracht;gewonnen
H1;15-01-2026;10000;40;opdracht;gewonnen
H1;15-04-2026;10000;40;opdracht;gewonnen
H1;15-08-2026;10000;40;opdracht;gewonnen
H1;01-12-2026;99999;1;opdracht;gewonnen
U1;01-03-2026;5000;20;opdracht;gewonnen
U1;01-07-2026;5000;20;opdracht;gewonnen
O1;01-02-2026;1000;30;opdracht;gewonnen
O1;01-06-2026;1000;30;opdracht;gewonnen
O1;01-09-2026;5000;20;opdracht;verloren
D1;01-06-2024;4000;10;opdracht;gewonnen
D1;01-03-2025;3000;10;opdracht;gewonnen
N1;01-09-2026;2000;;opdracht;gewonnen
K1;01-05-2026;;8;plaatsing;gewonnen
K1;01-08-2026;;4;plaatsing;verloren
"""


def build(tmp_path, extra_config="", relations=RELATIONS, fmt="json", language=None):
    config = write_project(tmp_path, relations=relations, extra_config=extra_config,
                           files={"touchpoints.csv": TOUCHPOINTS, "business.csv": BUSINESS})
    if language:
        config.write_text(config.read_text(encoding="utf-8").replace(
            'name = "Testbureau"', f'name = "Testbureau"\nlanguage = "{language}"'), encoding="utf-8")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", fmt)
    assert result.exit_code == 0, result.output
    return json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))


def per_relation(report, plugin="segmentation"):
    return {relation["id"]: relation[plugin] for relation in report["relations"]}


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    return build(tmp_path_factory.mktemp("segmentation"))


@pytest.fixture(scope="module")
def found(report):
    return per_relation(report)


def test_abc_category_from_data_then_scoring_then_revenue_share(found, report):
    # H1, O1, D1, P1, G1 have a category in the data.
    for rid, category in {"H1": "A", "O1": "B", "D1": "C", "P1": "A", "G1": "C"}.items():
        assert (found[rid]["category"], found[rid]["category_source"]) == (category, "data")
        assert found[rid]["category_reason"] == "category in the data"
    # U1: no category; scoring (3x4 + 2x4 + 2x3 + 3 + 2 + 3 + 2 + 3) / 12 = 39/12 = 3.25 -> B.
    u1 = found["U1"]
    assert (u1["category"], u1["category_source"]) == ("B", "scoring")
    assert u1["scoring"]["score"] == 3.25
    # Each criterion's contribution is weight x score / 12: opbrengst 3 x 4 / 12 = 1.0,
    # fit 2 x 4 / 12 = 0.6667, ...; rounded to 4 decimals they add up to the score.
    assert u1["scoring"]["parts"] == {"opbrengst": 1.0, "fit": 0.6667, "kerntaak": 0.5,
                                      "belangen": 0.25, "relatie": 0.1667, "bekendheid": 0.1667,
                                      "imago": 0.25, "openheid": 0.25}
    assert sum(u1["scoring"]["parts"].values()) == pytest.approx(3.25, abs=1e-3)
    assert u1["category_reason"] == \
        "weighted score 3.25 on the scoring matrix (A from 3.50, B from 3.00)"
    # The scoring of relations whose category came from the data is still shown:
    # H1 (15 + 8 + 10 + 4 + 5 + 4 + 4 + 3) / 12 = 53/12 = 4.4167 -> A;
    # O1 and D1 32/12 = 2.6667 -> C; G1 (6+2+2+2+1+2+2+1)/12 = 1.5 -> C.
    assert (found["H1"]["scoring"]["score"], found["H1"]["scoring"]["category"]) == (4.4167, "A")
    assert (found["O1"]["scoring"]["score"], found["O1"]["scoring"]["category"]) == (2.6667, "C")
    assert found["G1"]["scoring"]["score"] == 1.5
    # N1 has only two of the eight scores: scoring unknown, revenue share decides.
    n1 = found["N1"]
    assert n1["scoring"]["score"] is None
    assert n1["scoring"]["missing"] == ["kerntaak", "belangen", "relatie", "bekendheid", "imago",
                                        "openheid"]
    assert (n1["category"], n1["category_source"]) == ("B", "revenue_share")
    # Won revenue in the window: H1 30,000 (3 x 10,000; the December deal is after the report
    # date), U1 10,000, O1 2,000 (the lost 5,000 does not count), N1 2,000: total 44,000.
    # H1: nothing above it -> A; U1: 30,000/44,000 = 68.2% above it, < 80% -> A;
    # O1 and N1 tie at 2,000: 40,000/44,000 = 90.9% above, < 95% -> B, both rank 3.
    assert found["H1"]["revenue_share"] == {"revenue": 30000.0, "share": 0.6818,
                                            "cumulative_before": 0.0, "rank": 1, "category": "A",
                                            "unknown": None}
    assert found["U1"]["revenue_share"] == {"revenue": 10000.0, "share": 0.2273,
                                            "cumulative_before": 0.6818, "rank": 2, "category": "A",
                                            "unknown": None}
    for rid in ("O1", "N1"):
        assert found[rid]["revenue_share"] == {"revenue": 2000.0, "share": 0.0455,
                                               "cumulative_before": 0.9091, "rank": 3,
                                               "category": "B", "unknown": None}
    # K1 (a candidate) has business without amounts: C, with that reason.
    k1 = found["K1"]
    assert (k1["category"], k1["category_source"]) == ("C", "revenue_share")
    assert k1["revenue_share"]["unknown"] == "its business records carry no amounts"
    assert k1["category_reason"] == "its business records carry no amounts: counted as C"
    # D1 had no won business in the window: C by revenue share (its category is from the data).
    assert found["D1"]["revenue_share"]["category"] == "C"
    assert found["D1"]["revenue_share"]["unknown"] == "no won revenue in the last 12 months"
    # The cadence analysis uses the derived category and says where it came from.
    cadence = per_relation(report, "cadence")
    assert (cadence["U1"]["category"], cadence["U1"]["category_source"]) == ("B", "scoring")
    assert (cadence["K1"]["category"], cadence["K1"]["category_source"]) == ("C", "revenue_share")


def test_attractiveness_accessibility_segments(found, report):
    # H1: attractiveness (5+4+4+5)/4 = 4.5, accessibility (4+4+5+3)/4 = 4.0 -> invest.
    h1 = found["H1"]
    assert (h1["attractiveness"]["score"], h1["accessibility"]["score"]) == (4.5, 4.0)
    assert h1["segment"] == "invest"
    assert h1["policy"].startswith("Intensive, personal contact")
    assert h1["attractiveness"]["parts"] == {"opbrengst": 1.25, "fit": 1.0, "belangen": 1.0,
                                             "kerntaak": 1.25}
    # U1: (4+4+3+3)/4 = 3.5 high, (2+3+2+3)/4 = 2.5 low -> develop.
    assert (found["U1"]["attractiveness"]["score"], found["U1"]["accessibility"]["score"],
            found["U1"]["segment"]) == (3.5, 2.5, "develop")
    # D1: attractiveness exactly 3.0, which counts as high; accessibility 2.0 -> develop.
    assert (found["D1"]["attractiveness"]["score"], found["D1"]["attractiveness"]["high"],
            found["D1"]["segment"]) == (3.0, True, "develop")
    # O1: (2+2+3+2)/4 = 2.25 low, (4+4+4+3)/4 = 3.75 high -> harvest.
    assert (found["O1"]["attractiveness"]["score"], found["O1"]["accessibility"]["score"],
            found["O1"]["segment"]) == (2.25, 3.75, "harvest")
    # G1: (2+1+2+1)/4 = 1.5 and (2+2+1+1)/4 = 1.5 -> ignore.
    assert found["G1"]["segment"] == "ignore"
    assert found["G1"]["policy"] == "Incidental communication only."
    # Missing scores: segment unknown, and which criteria are missing.
    assert found["N1"]["segment"] is None and found["N1"]["policy"] is None
    assert found["N1"]["attractiveness"]["missing"] == ["belangen", "kerntaak"]
    assert found["N1"]["segment_reason"] == \
        "unknown: scores missing for belangen, kerntaak, bekendheid, imago, relatie, openheid"
    assert found["K1"]["segment"] is None and found["P1"]["segment"] is None
    matrix = report["portfolio"]["segmentation"]["matrix"]
    assert matrix["points"] == [
        {"id": "D1", "name": "Doornroosje BV", "attractiveness": 3.0, "accessibility": 2.0,
         "segment": "develop"},
        {"id": "G1", "name": "Negeer BV", "attractiveness": 1.5, "accessibility": 1.5,
         "segment": "ignore"},
        {"id": "H1", "name": "Huwelijk BV", "attractiveness": 4.5, "accessibility": 4.0,
         "segment": "invest"},
        {"id": "O1", "name": "Opblaas BV", "attractiveness": 2.25, "accessibility": 3.75,
         "segment": "harvest"},
        {"id": "U1", "name": "Ontrouw BV", "attractiveness": 3.5, "accessibility": 2.5,
         "segment": "develop"}]
    assert (matrix["attractiveness_threshold"], matrix["accessibility_threshold"]) == (3.0, 3.0)


def test_customer_types(found):
    # H1: 5 won deals in 24 months (>= 4); revenue 30,000 - 120 h x 75 = 9,000 -> profit 21,000,
    # margin 70% (>= 50%); share of wallet 0,9 = 90% (not below 60%): loyal -> marriage partner.
    h1 = found["H1"]
    assert h1["type"] == "marriage_partner"
    assert h1["advice"] == "Pamper them extra and show the full range."
    value = h1["value"]
    assert (value["revenue"], value["hours"], value["hours_cost"], value["profit"],
            value["margin"]) == (30000.0, 120.0, 9000.0, 21000.0, 0.7)
    assert (value["won_deals"], value["won_deals_regular"], value["won_deals_total"],
            value["share_of_wallet"], value["touchpoints"]) == (3, 5, 5, 0.9, 3)
    assert h1["type_checks"] == {"sleeping_beauty": False, "unfaithful": False,
                                 "inflatable": False, "marriage_partner": True}
    assert h1["type_reason"] == ("won deals in the last 24 months: 5; margin after hours: 70%; "
                                 "loyal (share of wallet: 90% (disloyal below 60%))")
    # U1: won business in the window, and 2 touchpoints with a competitor signal (concurrent,
    # exclusiviteit kwijt) -> unfaithful love (checked before inflatable and marriage partner).
    assert found["U1"]["type"] == "unfaithful"
    assert found["U1"]["value"]["disloyal_signals"] == 2
    # O1: hours 30 + 30 + 20 (the lost quote counts as effort) = 80 >= 40; profit
    # 2,000 - 80 x 75 = -4,000 <= 0 -> inflatable.
    o1 = found["O1"]
    assert o1["type"] == "inflatable"
    assert (o1["value"]["hours"], o1["value"]["profit"]) == (80.0, -4000.0)
    assert o1["type_reason"] == ("effort in the last 12 months: 80.0 hours and 5 touchpoints, "
                                 "for a profit after hours of -EUR 4,000")
    # D1: won business before (2024, 2025), none since 1 Nov 2025 -> sleeping beauty.
    assert found["D1"]["type"] == "sleeping_beauty"
    assert found["D1"]["value"]["profit"] == 0.0 and found["D1"]["value"]["margin"] is None
    # K1 (candidate): every type is definitely ruled out: no type, with the reasons.
    k1 = found["K1"]
    assert (k1["type"], k1["type_unknown"]) == (None, None)
    assert k1["type_reason"].startswith("none of the types fits: Sleeping beauty: no won "
                                        "business before the last 12 months; Unfaithful love: ")
    assert "Marriage partner: won deals in the last 24 months: 1 (4 needed)" in k1["type_reason"]


def test_missing_data_gives_explicit_unknowns(found):
    # N1: no hours in its business: hours, profit and so the inflatable check are unknown.
    n1 = found["N1"]
    assert n1["value"]["hours"] is None and n1["value"]["profit"] is None
    assert n1["value"]["hours_unknown"] == "no hours recorded in its business records"
    assert (n1["type"], n1["type_unknown"]) == (None, "no hours recorded in its business records")
    assert n1["type_checks"]["inflatable"] is None
    assert n1["type_reason"].startswith("unknown, not every type could be checked")
    # K1: business without amounts (a candidate's placements are booked on the client).
    assert found["K1"]["value"]["revenue"] is None
    assert found["K1"]["value"]["revenue_unknown"] == "its business records carry no amounts"
    assert found["K1"]["value"]["hours"] == 12.0
    # P1: contact person without business of its own; G1: no business at all.
    assert found["P1"]["type"] is None
    assert found["P1"]["type_unknown"] == "no business records of its own (see its organisation)"
    assert found["G1"]["type_unknown"] == "no business records"
    assert found["G1"]["type_reason"] == "unknown: no business records"
    # R's without data are unknown with a reason, never 1.
    assert found["P1"]["r"]["recency"] == {"value": None, "score": None, "unknown": "no won business"}
    assert found["P1"]["r"]["referrals"] == {"value": None, "score": None, "unknown": "no touchpoints"}
    assert found["G1"]["r"]["duration"] == {"value": None, "score": None,
                                            "unknown": "no start date (since) in the data"}
    assert found["G1"]["r"]["regularity"]["unknown"] == "no business records"
    assert found["N1"]["r"]["revenue"]["unknown"] == "no hours recorded in its business records"


def test_five_rs_quintiles_of_ranks(found):
    # score = 1 + floor(5 x (rank - 1) / n), rank from 1 among the relations with a value,
    # ties sharing the lowest rank.
    def scores(r):
        return {rid: (f["r"][r]["value"], f["r"][r]["score"]) for rid, f in found.items()
                if f["r"][r]["score"] is not None}
    # Recency, days since the last won deal (fewer is better), n = 6:
    # D1 1 Mar 2025 = 610 (rank 1 -> 1), K1 1 May 2026 = 184 (2 -> 1), O1 1 Jun = 153 (3 -> 2),
    # U1 1 Jul = 123 (4 -> 3), H1 15 Aug = 78 (5 -> 4), N1 1 Sep = 61 (6 -> 5).
    assert scores("recency") == {"D1": (610, 1), "K1": (184, 1), "O1": (153, 2), "U1": (123, 3),
                                 "H1": (78, 4), "N1": (61, 5)}
    # Regularity, won deals after 1 Nov 2024, n = 6: D1, N1, K1 1 (rank 1 -> 1);
    # U1, O1 2 (rank 4 -> 1 + 15 // 6 = 3); H1 5 (rank 6 -> 5).
    assert scores("regularity") == {"D1": (1, 1), "N1": (1, 1), "K1": (1, 1), "U1": (2, 3),
                                    "O1": (2, 3), "H1": (5, 5)}
    # Duration in days to 1 Nov 2026 (1 Jan 2026 + 304 days), n = 7 (G1 has no start date):
    # N1 153 (1), K1 518 (1), U1 1461+304 = 1765 (2), O1 2192+304 = 2496 (3),
    # P1 2922+304 = 3226 (3), H1 3653+304 = 3957 (4), D1 4383+304 = 4687 (5).
    assert scores("duration") == {"N1": (153, 1), "K1": (518, 1), "U1": (1765, 2), "O1": (2496, 3),
                                  "P1": (3226, 3), "H1": (3957, 4), "D1": (4687, 5)}
    # Revenue after hours, n = 4: O1 -4,000 (1), D1 0 (2), U1 10,000 - 3,000 = 7,000 (3),
    # H1 21,000 (4: with four relations the top one beats three quarters, not four fifths).
    assert scores("revenue") == {"O1": (-4000.0, 1), "D1": (0.0, 2), "U1": (7000.0, 3),
                                 "H1": (21000.0, 4)}
    # Referrals given in the window, n = 7 (P1 has no touchpoints): five zeros (1),
    # U1 1 (rank 6 -> 1 + 25 // 7 = 4), H1 2 (the one on 5 Nov is after the report date; 5).
    assert scores("referrals") == {"O1": (0, 1), "D1": (0, 1), "N1": (0, 1), "K1": (0, 1),
                                   "G1": (0, 1), "U1": (1, 4), "H1": (2, 5)}


def test_lifecycle_phase(found):
    expected = {
        "H1": ("retain", "derived", "regular"),          # 5 won deals, the first in March 2025
        "U1": ("develop", "derived", "new"),             # first won deal 1 Mar 2026
        "O1": ("retain", "data", "data"),                # "behouden" in the data
        "D1": ("wind_down", "derived", "inactive"),      # last won deal 1 Mar 2025
        "N1": ("develop", "derived", "new"),
        "K1": ("develop", "derived", "new"),
        "P1": ("retain", "organisation", "organisation"),  # follows H1
        "G1": ("attract", "derived", "no_won_business"),
    }
    assert {rid: (f["phase"], f["phase_source"], f["phase_rule"]) for rid, f in found.items()} == \
        expected
    assert found["D1"]["phase_reason"] == "no won business since 2025-03-01 (12 months or more)"


def test_portfolio_counts_and_revenue(report):
    portfolio = report["portfolio"]["segmentation"]
    # A: H1 30,000 + P1 (no business); B: U1 10,000 + O1 2,000 + N1 2,000; C: D1 0, K1, G1.
    assert portfolio["per_category"]["A"] == {"relations": 2, "revenue": 30000.0,
                                              "revenue_unknown": 1, "revenue_share": 0.6818}
    assert portfolio["per_category"]["B"]["relations"] == 3
    assert portfolio["per_category"]["B"]["revenue"] == 14000.0
    assert portfolio["per_category"]["C"]["relations"] == 3
    assert portfolio["category_sources"] == {"data": 5, "scoring": 1, "revenue_share": 2,
                                             "unknown": 0}
    assert {k: v["relations"] for k, v in portfolio["per_segment"].items()} == \
        {"invest": 1, "develop": 2, "harvest": 1, "ignore": 1, "unknown": 3}
    assert {k: v["relations"] for k, v in portfolio["per_type"].items()} == \
        {"sleeping_beauty": 1, "unfaithful": 1, "inflatable": 1, "marriage_partner": 1,
         "none": 1, "unknown": 3}
    assert portfolio["per_type"]["unfaithful"]["revenue"] == 10000.0
    assert {k: v["relations"] for k, v in portfolio["per_phase"].items()} == \
        {"attract": 1, "develop": 3, "retain": 3, "wind_down": 1}
    assert portfolio["phase_sources"] == {"data": 1, "derived": 6, "organisation": 1}
    assert portfolio["r_scores"]["recency"]["counts"] == {"1": 2, "2": 1, "3": 1, "4": 1, "5": 1}
    assert portfolio["r_scores"]["recency"]["unknown"] == 2


def test_matrix_and_category_options_change_results(tmp_path):
    found = per_relation(build(tmp_path, """
        [plugins.segmentation]
        attractiveness_threshold = 3.5
        accessibility = { imago = 1, openheid = 1 }
        scoring_thresholds = { A = 3.25 }
        revenue_share = { A = 0.5, B = 0.9 }
        """))
    # D1: attractiveness 3.0 is now low; accessibility (2 + 2) / 2 = 2 -> ignore.
    assert found["D1"]["segment"] == "ignore"
    # U1: attractiveness 3.5 (at the threshold) high; accessibility (3 + 3) / 2 = 3.0 -> invest.
    assert (found["U1"]["accessibility"]["score"], found["U1"]["segment"]) == (3.0, "invest")
    # O1: accessibility (4 + 3) / 2 = 3.5 -> still harvest.
    assert found["O1"]["segment"] == "harvest"
    # U1's scoring 3.25 now reaches A.
    assert (found["U1"]["category"], found["U1"]["category_source"]) == ("A", "scoring")
    # N1: 90.9% of the revenue lies above it, not below 90% -> C.
    assert (found["N1"]["category"], found["N1"]["revenue_share"]["category"]) == ("C", "C")
    assert found["N1"]["segment_reason"] == "unknown: scores missing for belangen, kerntaak, imago, openheid"


def test_category_methods_order_and_unknown(tmp_path):
    report = build(tmp_path, """
        [plugins.segmentation]
        category_methods = ["scoring", "revenue_share"]
        """)
    found = per_relation(report)
    # Scoring first: H1 4.4167 -> A, O1 2.6667 -> C; P1 has no scores and no business -> C.
    assert (found["H1"]["category"], found["H1"]["category_source"]) == ("A", "scoring")
    assert (found["O1"]["category"], found["O1"]["category_source"]) == ("C", "scoring")
    assert (found["P1"]["category"], found["P1"]["category_source"]) == ("C", "revenue_share")
    assert found["P1"]["category_reason"] == "no business records: counted as C"

    report = build(tmp_path, """
        [plugins.segmentation]
        category_methods = ["data"]
        """)
    found, cadence = per_relation(report), per_relation(report, "cadence")
    assert (found["U1"]["category"], found["U1"]["category_source"]) == (None, None)
    assert found["U1"]["category_reason"] == "unknown: no category in the data"
    assert (cadence["U1"]["category"], cadence["U1"]["category_source"]) == ("C", "default")
    assert report["portfolio"]["segmentation"]["category_sources"]["unknown"] == 3


def test_typology_options_change_results(tmp_path):
    found = per_relation(build(tmp_path, """
        [business]
        hourly_cost = 200

        [plugins.segmentation]
        types = ["inflatable", "marriage_partner"]
        profit_hours = "won"
        """))
    # H1: 30,000 - 120 won hours x 200 = 6,000, margin 20% < 50% -> no marriage partner;
    #     not inflatable either (profit above 0): no type.
    assert (found["H1"]["value"]["profit"], found["H1"]["type"]) == (6000.0, None)
    assert found["H1"]["type_checks"] == {"inflatable": False, "marriage_partner": False}
    # O1: only the won hours count now: 60 x 200 = 12,000 -> profit -10,000 -> inflatable.
    assert (found["O1"]["value"]["hours"], found["O1"]["value"]["profit"],
            found["O1"]["type"]) == (60.0, -10000.0, "inflatable")
    # D1 and U1: sleeping beauty and unfaithful love are switched off.
    assert found["D1"]["type"] is None and found["U1"]["type"] is None

    found = per_relation(build(tmp_path, """
        [plugins.segmentation]
        unfaithful_min_signals = 3
        unfaithful_max_share_of_wallet = 0.95
        sleeping_months = 24
        """))
    # U1 has 2 competitor signals, fewer than 3: no longer unfaithful, and nothing else fits.
    assert found["U1"]["type"] is None and found["U1"]["type_unknown"] is None
    # H1's share of wallet 90% is now below 95%: unfaithful (checked before marriage partner).
    assert found["H1"]["type"] == "unfaithful"
    # D1 won 1 Mar 2025, within 24 months: no longer a sleeping beauty.
    assert found["D1"]["type"] is None


def test_phase_and_r_options_change_results(tmp_path):
    found = per_relation(build(tmp_path, """
        [plugins.segmentation]
        develop_months = 0
        wind_down_months = 24
        r_thresholds = { recency = [30, 90, 180, 365] }
        """))
    # No "new" relations any more: fewer than 3 won deals -> develop by few deals.
    assert (found["U1"]["phase"], found["U1"]["phase_rule"]) == ("develop", "few_deals")
    assert (found["K1"]["phase"], found["K1"]["phase_rule"]) == ("develop", "few_deals")
    # D1's last won deal (1 Mar 2025) is within 24 months; 2 deals -> develop.
    assert (found["D1"]["phase"], found["D1"]["phase_rule"]) == ("develop", "few_deals")
    assert found["H1"]["phase"] == "retain"
    # Fixed recency boundaries: 1 + the boundaries at or above the days.
    # D1 610 -> 1, K1 184 -> 2 (365), O1 153 and U1 123 -> 3 (180, 365), H1 78, N1 61 -> 4.
    assert {rid: f["r"]["recency"]["score"] for rid, f in found.items()} == {
        "H1": 4, "U1": 3, "O1": 3, "D1": 1, "N1": 4, "K1": 2, "P1": None, "G1": None}


@pytest.mark.parametrize("option, key", [
    ("scoring_thresholds = { A = 2.0, B = 3.0 }", "scoring_thresholds: expected A >= B"),
    ("attractiveness = { opbrengst = 0 }",
     "attractiveness: expected at least one criterion with a weight above 0"),
    ('types = ["inflatable", "opblaaspop"]', "types[1]: expected one of"),
    ('types = ["inflatable", "inflatable"]', "types: expected each item once"),
    ("revenue_share = { A = 1.5 }", "revenue_share.A: expected a number from 0 to 1"),
    ("r_thresholds = { recency = [1, 2] }", "r_thresholds: expected 4 ascending boundaries"),
    ('policies = { investeer = "Bellen" }', "policies.investeer: expected a key from invest"),
    ("scoring_weights = { Fit = 1, fit = 2 }", "scoring_weights: expected each criterion once"),
    ('profit_hours = "some"', 'profit_hours: expected one of "all", "won"'),
])
def test_invalid_options_are_config_errors_naming_the_key(tmp_path, option, key):
    config = write_project(tmp_path, extra_config=f"[plugins.segmentation]\n{option}\n")
    result = cli("check", "--config", config)
    assert result.exit_code == 2, result.output
    assert f"[plugins.segmentation] {key}" in result.output


def test_doubtful_data_is_a_warning_naming_the_relation(tmp_path):
    relations = RELATIONS.replace("H1;Huwelijk BV;organisatie;opdrachtgever;;A;;",
                                  "H1;Huwelijk BV;organisatie;opdrachtgever;;A;slapend;")
    relations = relations.replace(";0,9\n", ";veel\n")
    report = build(tmp_path, relations=relations)
    messages = [w["message"] for w in report["warnings"]]
    assert any("relation H1: expected one of attract, develop, retain, wind_down, found 'slapend'"
               in m for m in messages)
    assert any("relation H1: expected a share of wallet" in m for m in messages)
    found = per_relation(report)
    assert (found["H1"]["phase"], found["H1"]["phase_source"]) == ("retain", "derived")
    assert found["H1"]["value"]["share_of_wallet"] is None


def test_sections_on_the_pages(tmp_path):
    build(tmp_path, fmt="html", language="en")
    plan = (tmp_path / "site" / "relations" / "h1.html").read_text(encoding="utf-8")
    assert "Marriage partner" in plan and "Pamper them extra" in plan
    assert "Invest" in plan and "The five R" in plan
    contact = (tmp_path / "site" / "relations" / "p1.html").read_text(encoding="utf-8")
    assert "no business records of its own (see its organisation)" in contact
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Customer types" in index and "Unfaithful love" in index
    assert 'href="relations/o1.html">Opblaas BV</a>' in index


@pytest.mark.parametrize("portfolio", ["example", "hand-made"])
def test_reasons_in_report_json_are_what_explain_writes_from_the_whole_entry(tmp_path, portfolio):
    """report.json's reasons are written in bulk from only the fields each reason reads; they
    must equal what the pages' explain() writes from a relation's whole findings entry."""
    import datetime as dt

    from relatierapport.build import BuildOptions, prepare_report
    from relatierapport.builtin.analyses.segmentation import explain, options

    if portfolio == "hand-made":
        build(tmp_path)
        config = tmp_path / "config.toml"
    else:                   # the repository's example project: every lens shows every outcome
        config = Path(__file__).resolve().parents[1] / "config.toml"
    _, report = prepare_report(BuildOptions(config, as_of=dt.date(2026, 11, 1)))
    found = report.findings["segmentation"].relations
    settings = options.settings(report.config)
    assert len(found) > 5
    for rid in found:
        entry = found[rid]
        expected = explain.explain(entry, explain.identity, explain.PLAIN, settings)
        assert {key: entry[key] for key in expected} == expected, rid


@pytest.mark.parametrize("kind, value, digits, text", [
    ("number", 1234567.891, 2, "1,234,567.89"),
    ("number", 2.675, 2, "2.67"),            # the float is just below 2.675
    ("number", 2.5, 0, "2"),                 # a true tie goes to the even digit
    ("money", 1234.5, 2, "EUR 1,234.50"),
    ("money", -1234.5, 0, "-EUR 1,234"),
    ("percent", 0.0105, 1, "1.1%"),          # of 0.0105 x 100 as a float: 1.05000…04
    ("percent", 0.6, 0, "60%"),
    ("number", -0.0, 0, "0"),
    ("money", None, 0, "–"),
])
def test_reasons_in_report_json_format_numbers_in_english(kind, value, digits, text):
    assert PLAIN[kind](value, digits) == text


@given(st.floats(-1e9, 1e9), st.integers(0, 2))
def test_reason_numbers_round_as_python_formats_floats(value, digits):
    """Babel formats them; report.json keeps the rounding it always had."""
    assert PLAIN["number"](value, digits) == f"{value + 0.0:,.{digits}f}"
    assert PLAIN["percent"](value, digits) == f"{(value + 0.0) * 100:,.{digits}f}%"


@given(st.one_of(st.floats(-1e12, 1e12), st.floats(-1, 1), st.integers(-10**6, 10**6).map(lambda n: n / 8),
                 st.sampled_from([-0.4, -0.004, 0.5, 1.5, 2.5, -2.5, 0.125, 1e20, -1e-9, 5e-324])),
       st.integers(0, 2), st.sampled_from(["number", "money", "percent"]))
def test_reason_numbers_are_babels_text(value, digits, kind):
    """report.json's numbers are written by Python's float formatting instead of Babel (many
    times faster for a large portfolio): the same text for every finite number, ties and
    negative values rounding to 0 included."""
    value += 0.0
    assert explain._english(kind, value, digits) == explain._babel_english(kind, value, digits)


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_reason_numbers_not_finite_are_babels_text(value):
    for kind in ("number", "money", "percent"):
        assert explain._english(kind, value, 1) == explain._babel_english(kind, value, 1)


# -- a record without hours is unknown work, never 0 hours ---------------------------------------
# Report date 1 Nov 2026, window 2 Nov 2025 .. 1 Nov 2026, hourly cost 75, hours of every record
# in the window (profit_hours "all"). K1: a won deal of 1,500 without hours and a lost quote
# with 40 hours. Taking the missing hours as 0 made its profit 1,500 - 40 x 75 = -1,500 and
# its revenue R the lowest score; the deal's hours are unknown, so the window's hours, the
# profit and the R built on it are unknown, with the reason. K2: 2,000 with 10 hours:
# profit 2,000 - 750 = 1,250. K3: a deal before the window only: no record in the window is
# 0 hours and 0 revenue, known, so profit 0. R revenue, n = 2: K3 0 (1), K2 1,250 (1 + 5 // 2 = 3).
HOURS_RELATIONS = [
    {"id": "K1", "name": "Kaas", "kind": "organisation", "owner": "M1", "since": "2020-01-01"},
    {"id": "K2", "name": "Klei", "kind": "organisation", "owner": "M1", "since": "2020-01-01"},
    {"id": "K3", "name": "Kers", "kind": "organisation", "owner": "M1", "since": "2020-01-01"},
]
HOURS_BUSINESS = [
    {"relation": "K1", "date": "2026-03-01", "amount": 1500, "hours": None, "status": "won"},
    {"relation": "K1", "date": "2026-04-01", "amount": 3000, "hours": 40, "status": "lost"},
    {"relation": "K2", "date": "2026-02-01", "amount": 2000, "hours": 10, "status": "won"},
    {"relation": "K3", "date": "2025-06-01", "amount": 900, "hours": 6, "status": "won"},
]
SOME_HOURS = "hours missing on some business records of the period"


@pytest.mark.parametrize("language, unknown, reason", [
    ("en", "unknown", SOME_HOURS),
    ("nl", "onbekend", "uren ontbreken bij een deel van de opdrachten van de periode"),
])
def test_a_record_without_hours_leaves_hours_profit_and_revenue_r_unknown(tmp_path, language,
                                                                           unknown, reason):
    from relatierapport.testing import build_project
    built = build_project(tmp_path, relations=HOURS_RELATIONS, business=HOURS_BUSINESS,
                          touchpoints=[], config={"project": {"language": language}})
    entry = built.relation("K1")["segmentation"]
    value = entry["value"]
    assert (value["revenue"], value["hours"], value["hours_cost"], value["profit"],
            value["margin"]) == (1500.0, None, None, None, None)
    assert (value["hours_unknown"], value["profit_unknown"], value["records_without_hours"]) == \
        (SOME_HOURS, SOME_HOURS, 1)
    assert entry["r"]["revenue"] == {"value": None, "score": None, "unknown": SOME_HOURS}
    # inflatable needs the hours (no touchpoints): it cannot be checked, so the type is unknown
    assert (entry["type"], entry["type_unknown"]) == (None, SOME_HOURS)
    assert entry["type_checks"]["inflatable"] is None
    k2 = built.relation("K2")["segmentation"]
    assert (k2["value"]["profit"], k2["value"]["records_without_hours"], k2["r"]["revenue"]) == \
        (1250.0, 0, {"value": 1250.0, "score": 3, "unknown": None})
    k3 = built.relation("K3")["segmentation"]["value"]
    assert (k3["revenue"], k3["hours"], k3["hours_unknown"], k3["profit"], k3["profit_unknown"]) == \
        (0.0, 0.0, None, 0.0, None)
    # the relation plan says so, in the report's language
    page = built.page("K1")
    assert f"{unknown}: {reason}" in page
    assert "-1.500" not in page and "−1.500" not in page and "-€1,500" not in page


# -- ties in the revenue share, and what "no won business" leaves unknown -------------------------
# Won revenue in the window: T1 6,000, T2 2,000, T3 2,000 = 10,000. T4 has only a lost quote,
# T5 no business records at all.
TIE_RELATIONS = [{"id": f"T{n}", "name": f"Tie {n}", "kind": "organisation", "owner": "M1",
                  "since": "2020-01-01"} for n in range(1, 6)]
TIE_BUSINESS = [
    {"relation": "T1", "date": "2026-03-01", "amount": 6000, "hours": 10, "status": "won"},
    {"relation": "T2", "date": "2026-04-01", "amount": 2000, "hours": 10, "status": "won"},
    {"relation": "T3", "date": "2026-05-01", "amount": 2000, "hours": 10, "status": "won"},
    {"relation": "T4", "date": "2026-06-01", "amount": 3000, "hours": 10, "status": "lost"},
]


def test_tied_relations_share_their_place_in_the_revenue_share(tmp_path):
    from relatierapport.testing import build_project
    built = build_project(tmp_path, relations=TIE_RELATIONS, business=TIE_BUSINESS,
                          touchpoints=[], formats=())
    share = {rid: built.relation(rid)["segmentation"]["revenue_share"] for rid in ("T1", "T2", "T3")}
    # T1: nothing above it -> A. T2 and T3 tie: each has only T1 above it (6,000 / 10,000 = 0.6,
    # below 0.8) -> both A and both rank 2; one after the other, the second would have had
    # 0.8 above it and been B. A tie has no order within it.
    assert (share["T1"]["cumulative_before"], share["T1"]["rank"], share["T1"]["category"]) == \
        (0.0, 1, "A")
    for rid in ("T2", "T3"):
        assert (share[rid]["share"], share[rid]["cumulative_before"], share[rid]["rank"],
                share[rid]["category"]) == (0.2, 0.6, 2, "A")


def test_no_won_business_leaves_recency_unknown_but_counts_regularity_as_zero(tmp_path):
    from relatierapport.testing import build_project
    built = build_project(tmp_path, relations=TIE_RELATIONS, business=TIE_BUSINESS,
                          touchpoints=[], formats=())
    r = {rid: built.relation(rid)["segmentation"]["r"] for rid in ("T1", "T4", "T5")}
    # T4 has business but no won deal: no last deal, so recency is unknown; its won deals in
    # the regularity window are a known 0, scored. Regularity, n = 4: T4 0 (rank 1 -> 1);
    # T1, T2, T3 1 (rank 2 -> 1 + 5 x 1 // 4 = 2).
    assert r["T4"]["recency"] == {"value": None, "score": None, "unknown": "no won business"}
    assert r["T4"]["regularity"] == {"value": 0, "score": 1, "unknown": None}
    assert r["T1"]["regularity"] == {"value": 1, "score": 2, "unknown": None}
    # T5 has no business records: regularity is unknown too (the data may not hold its business)
    assert r["T5"]["regularity"] == {"value": None, "score": None, "unknown": "no business records"}


# -- window boundaries, worked by hand ------------------------------------------------------------
# Report date 1 Nov 2026. The window (months 12) is 2 Nov 2025 .. 1 Nov 2026: 1 Nov 2025, the
# day 12 months before, is outside; the report date inside. Regularity (24 months): 2 Nov 2024 ..
# 1 Nov 2026. The quiet months of the sleeping beauty (12) are the window's. Phase: wind down
# when the last deal is on or before 1 Nov 2025; new when the first deal is after 1 Nov 2025.
# Hourly cost 75, profit_hours "all". R thresholds (below) for recency, regularity and duration;
# revenue and referrals by quintiles.
EDGE_RELATIONS = [
    {"id": "W1", "name": "Grens", "kind": "organisation", "owner": "M1", "since": "2026-11-01"},
    {"id": "W2", "name": "Slaap", "kind": "organisation", "owner": "M1", "since": "2026-11-02"},
    {"id": "W3", "name": "Nieuw", "kind": "organisation", "owner": "M1"},
    {"id": "W4", "name": "Bijna", "kind": "organisation", "owner": "M1", "since": "2025-11-01"},
]
EDGE_BUSINESS = [
    {"relation": "W1", "date": "2024-11-01", "amount": 100, "hours": 1, "status": "won"},
    {"relation": "W1", "date": "2024-11-02", "amount": 200, "hours": 1, "status": "won"},
    {"relation": "W1", "date": "2025-11-01", "amount": 400, "hours": 2, "status": "won"},
    {"relation": "W1", "date": "2025-11-01", "amount": -50, "hours": None, "status": "won"},
    {"relation": "W1", "date": "2025-11-02", "amount": 800, "hours": 4, "status": "won"},
    {"relation": "W1", "date": "2026-11-01", "amount": 1600, "hours": 8, "status": "won"},
    {"relation": "W1", "date": "2026-11-01", "amount": -100, "hours": None, "status": "won"},
    {"relation": "W1", "date": "2026-11-02", "amount": 3200, "hours": 16, "status": "won"},
    {"relation": "W2", "date": "2025-11-01", "amount": 500, "hours": 5, "status": "won"},
    *({"relation": "W3", "date": day, "amount": 1000, "hours": 10, "status": "won"}
      for day in ("2025-11-02", "2026-01-01", "2026-02-01")),
    *({"relation": "W4", "date": day, "amount": 1000, "hours": 10, "status": "won"}
      for day in ("2025-11-01", "2026-01-01", "2026-02-01")),
]
EDGE_TOUCHPOINTS = [
    {"relation": "W1", "date": "2025-11-01", "employee": "M1", "channel": "phone", "direction": "in",
     "kind": "referral_given", "signals": ["competitor"]},
    {"relation": "W1", "date": "2025-11-02", "employee": "M1", "channel": "phone", "direction": "in",
     "kind": "referral_given", "signals": ["competitor"]},
    {"relation": "W1", "date": "2026-11-01", "employee": "M1", "channel": "phone", "direction": "in",
     "kind": "check_in", "signals": ["exclusivity_lost"]},
    {"relation": "W1", "date": "2026-11-02", "employee": "M1", "channel": "phone", "direction": "in",
     "kind": "referral_given", "signals": ["competitor"]},
    {"relation": "W3", "date": "2026-03-01", "employee": "M1", "channel": "phone", "direction": "out",
     "kind": "check_in"},
    {"relation": "W4", "date": "2026-03-01", "employee": "M1", "channel": "phone", "direction": "out",
     "kind": "check_in"},
]
EDGE_R_THRESHOLDS = {"recency": [0, 90, 273, 365], "regularity": [1, 2, 3, 4],
                     "duration": [0, 365, 366, 1000]}


@pytest.fixture(scope="module")
def edges(tmp_path_factory):
    from relatierapport.testing import build_project
    built = build_project(tmp_path_factory.mktemp("edges"), relations=EDGE_RELATIONS,
                          business=EDGE_BUSINESS, touchpoints=EDGE_TOUCHPOINTS, formats=(),
                          config={"plugins": {"segmentation": {"r_thresholds": EDGE_R_THRESHOLDS}}})
    found = {rid: built.relation(rid)["segmentation"] for rid in ("W1", "W2", "W3", "W4")}
    return {**found, "portfolio": built.report["portfolio"]["segmentation"]}


def test_window_boundaries_worked_by_hand(edges):
    w1 = edges["W1"]["value"]
    assert (w1["months"], w1["regularity_months"], w1["hourly_cost"]) == (12, 24, 75.0)
    # revenue: 2 Nov 2025 800 + 1 Nov 2026 1,600 + the credit note of 1 Nov 2026 -100 = 2,300
    # (1 Nov 2025 and 2 Nov 2026 count nowhere); hours 4 + 8 + 0 (the credit note without hours)
    # = 12, x 75 = 900; profit 1,400; margin 1,400 / 2,300 = 0.60869... -> 0.6087
    assert (w1["revenue"], w1["hours"], w1["hours_cost"], w1["profit"], w1["margin"],
            w1["records_without_hours"]) == (2300.0, 12.0, 900.0, 1400.0, 0.6087, 0)
    # deals: window 2 Nov 2025, 1 Nov 2026; regularity also 2 Nov 2024 and 1 Nov 2025 (not
    # 1 Nov 2024); all five up to the report date; one credit note in the window
    assert (w1["won_deals"], w1["won_deals_regular"], w1["won_deals_sleeping_months"],
            w1["won_deals_total"], w1["credit_notes"]) == (2, 4, 2, 5, 1)
    assert (w1["first_won"], w1["last_won"]) == ("2024-11-01", "2026-11-01")
    # touchpoints 2 Nov 2025 and 1 Nov 2026: one referral, two with a disloyalty signal
    assert (w1["touchpoints"], w1["referrals"], w1["disloyal_signals"]) == (2, 1, 2)
    # 2 signals reach unfaithful_min_signals 2: unfaithful; 4 deals in 24 months reach
    # marriage_min_deals 4, but a disloyal relation is no marriage partner
    assert edges["W1"]["type"] == "unfaithful"
    assert edges["W1"]["type_conditions"]["marriage_partner.regular"] is True
    assert edges["W1"]["type_conditions"]["marriage_partner.loyal"] is False
    # the last deal on the report date: 0 days; since the report date: 0 days, known
    r1 = edges["W1"]["r"]
    assert (r1["recency"]["value"], r1["regularity"]["value"], r1["duration"]["value"]) == (0, 4, 0)
    assert (edges["W1"]["phase"], edges["W1"]["phase_rule"]) == ("retain", "regular")
    # W2: its only deal on 1 Nov 2025 lies before the quiet months: a sleeping beauty; nothing in
    # the window: revenue 0 and 0 hours, known; the last deal 12 months ago: wind down
    w2 = edges["W2"]
    assert (w2["value"]["revenue"], w2["value"]["hours"], w2["value"]["profit"],
            w2["value"]["margin"], w2["value"]["won_deals_sleeping_months"]) == \
        (0.0, 0.0, 0.0, None, 0)
    assert (w2["type"], w2["phase"], w2["phase_rule"]) == ("sleeping_beauty", "wind_down", "inactive")
    assert w2["r"]["recency"]["value"] == 365
    # a start date after the report date is no duration; W2 has no touchpoints at all
    assert w2["r"]["duration"] == {"value": None, "score": None,
                                   "unknown": "starts after the report date"}
    assert w2["r"]["referrals"] == {"value": None, "score": None, "unknown": "no touchpoints"}
    # W3's first deal on 2 Nov 2025 is within the last 12 months: develop (new); W4's on
    # 1 Nov 2025 is not, and with 3 deals (not fewer than develop_min_deals 3): retain
    assert (edges["W3"]["phase"], edges["W3"]["phase_rule"]) == ("develop", "new")
    assert (edges["W4"]["phase"], edges["W4"]["phase_rule"]) == ("retain", "regular")
    assert edges["W4"]["value"]["revenue"] == 2000.0
    assert edges["W3"]["r"]["duration"]["unknown"] == "no start date (since) in the data"


def test_r_scores_at_their_thresholds_and_tied_quintiles(edges):
    def r(name):
        return {rid: (edges[rid]["r"][name]["value"], edges[rid]["r"][name]["score"])
                for rid in ("W1", "W2", "W3", "W4")}
    # recency [0, 90, 273, 365]: 1 + the boundaries at or above the days. W1 0 -> all four -> 5;
    # W3, W4 1 Feb 2026 = 273 days -> 273 and 365 -> 3; W2 365 -> 2
    assert r("recency") == {"W1": (0, 5), "W2": (365, 2), "W3": (273, 3), "W4": (273, 3)}
    # regularity [1, 2, 3, 4]: 1 + the boundaries at or below the count. W1 4 -> 5; W3 and W4 3
    # -> 4; W2 1 -> 2
    assert r("regularity") == {"W1": (4, 5), "W2": (1, 2), "W3": (3, 4), "W4": (3, 4)}
    # duration [0, 365, 366, 1000]: W1 0 days -> 2; W4 365 -> 3
    assert r("duration") == {"W1": (0, 2), "W2": (None, None), "W3": (None, None), "W4": (365, 3)}
    # revenue after hours by quintiles, n = 4: W2 0 (rank 1 -> 1), W4 2,000 - 1,500 = 500
    # (2 -> 1 + 5 // 4 = 2), W3 3,000 - 2,250 = 750 (3 -> 1 + 10 // 4 = 3), W1 1,400 (4 -> 4)
    assert r("revenue") == {"W1": (1400.0, 4), "W2": (0.0, 1), "W3": (750.0, 3), "W4": (500.0, 2)}
    # referrals, n = 3: W3 and W4 0 tie at the lowest rank 1 -> 1; W1 1 (rank 3 -> 1 + 10 // 3 = 4)
    assert r("referrals") == {"W1": (1, 4), "W2": (None, None), "W3": (0, 1), "W4": (0, 1)}


# -- the revenue share: ties, the boundaries themselves, and revenue of 0 or below ---------------
# Won revenue in the window: S1 5,000, S2 1,500, S3 1,500, S4 1,000, S5 500, S6 400, S7 100 =
# 10,000 (the total of the relations above 0). S8 has only a credit note of -500, S9 only a lost
# quote: both out of the share, C.
SHARE_AMOUNTS = {"S1": 5000, "S2": 1500, "S3": 1500, "S4": 1000, "S5": 500, "S6": 400, "S7": 100,
                 "S8": -500}
SHARE_RELATIONS = [{"id": f"S{n}", "name": f"Share {n}", "kind": "organisation", "owner": "M1",
                    "since": "2020-01-01"} for n in range(1, 10)]
SHARE_BUSINESS = [{"relation": rid, "date": "2026-06-01", "amount": amount, "hours": 0,
                   "status": "won"} for rid, amount in SHARE_AMOUNTS.items()] + [
    {"relation": "S9", "date": "2026-06-01", "amount": 700, "hours": 0, "status": "lost"}]


def test_revenue_share_ties_and_category_boundaries_worked_by_hand(tmp_path):
    from relatierapport.testing import build_project
    built = build_project(tmp_path, relations=SHARE_RELATIONS, business=SHARE_BUSINESS,
                          touchpoints=[], formats=())
    found = {f"S{n}": built.relation(f"S{n}")["segmentation"] for n in range(1, 10)}
    share = {rid: (e["revenue_share"]["share"], e["revenue_share"]["cumulative_before"],
                   e["revenue_share"]["rank"], e["revenue_share"]["category"])
             for rid, e in found.items()}
    # cumulative_before = the revenue of the relations with strictly more, / 10,000; A while
    # below 0.8, B while below 0.95. S2 and S3 tie: both 0.5 before, rank 2; then rank 4.
    # S4 has exactly 0.8 above it: not below 0.8 -> B; S6 exactly 0.95 -> C.
    assert share == {
        "S1": (0.5, 0.0, 1, "A"), "S2": (0.15, 0.5, 2, "A"), "S3": (0.15, 0.5, 2, "A"),
        "S4": (0.1, 0.8, 4, "B"), "S5": (0.05, 0.9, 5, "B"), "S6": (0.04, 0.95, 6, "C"),
        "S7": (0.01, 0.99, 7, "C"), "S8": (None, None, None, "C"), "S9": (None, None, None, "C")}
    for rid in ("S8", "S9"):
        assert found[rid]["revenue_share"]["unknown"] == "no won revenue in the last 12 months"
        assert found[rid]["category_reason"] == "no won revenue in the last 12 months: counted as C"
    assert (found["S8"]["revenue_share"]["revenue"], found["S9"]["revenue_share"]["revenue"]) == \
        (-500.0, 0.0)
    assert found["S4"]["category_reason"] == (
        "10.0% of the won revenue of the last 12 months; the relations above it hold 80.0% "
        "(A below 80%, B below 95%)")
    # the portfolio's revenue sums every relation's, the credit note too: 10,000 - 500 = 9,500;
    # each row's revenue_share is its revenue / 9,500 (A 8,000 -> 0.8421, B 1,500 -> 0.1579,
    # C 400 + 100 - 500 + 0 = 0)
    portfolio = built.report["portfolio"]["segmentation"]
    assert portfolio["revenue"] == 9500.0
    assert portfolio["per_category"] == {
        "A": {"relations": 3, "revenue": 8000.0, "revenue_unknown": 0, "revenue_share": 0.8421},
        "B": {"relations": 2, "revenue": 1500.0, "revenue_unknown": 0, "revenue_share": 0.1579},
        "C": {"relations": 4, "revenue": 0.0, "revenue_unknown": 0, "revenue_share": 0.0},
        "unknown": {"relations": 0, "revenue": 0.0, "revenue_unknown": 0, "revenue_share": 0.0}}



def test_exactly_80_percent_before_a_relation_puts_it_in_b_whatever_the_total(tmp_path):
    """2,400 of 3,000 is 0.8 exactly, so T2 (600) is not below the A band: B. polars' division
    by a constant (a multiplication by 1/3,000) gave 0.7999999999999999, and T2 was A."""
    from relatierapport.testing import build_project
    relations = [{"id": rid, "name": rid, "kind": "organisation", "owner": "M1",
                  "since": "2020-01-01"} for rid in ("T1", "T2")]
    business = [{"relation": rid, "date": "2026-06-01", "amount": amount, "hours": 0,
                 "status": "won"} for rid, amount in (("T1", 2400), ("T2", 600))]
    built = build_project(tmp_path, relations=relations, business=business, touchpoints=[],
                          formats=())
    share = {rid: built.relation(rid)["segmentation"]["revenue_share"] for rid in ("T1", "T2")}
    assert [(s["cumulative_before"], s["share"], s["category"]) for s in share.values()] == [
        (0.0, 0.8, "A"), (0.8, 0.2, "B")]


# -- the customer types' conditions at their thresholds ------------------------------------------
# Hourly cost 75, window 2 Nov 2025 .. 1 Nov 2026.
# X1: four deals of 1,500 with 10 hours each: revenue 6,000, hours 40, cost 3,000, profit 3,000,
#     margin exactly 0.5; share of wallet 60 %, exactly the limit (disloyal only below it).
# X2: a deal of 3,000 with 40 hours: profit exactly 0.
# X3: a deal of 750 with 10 hours: profit 0; 12 touchpoints in the window.
THRESHOLD_RELATIONS = [
    {"id": "X1", "name": "Trouw", "kind": "organisation", "owner": "M1", "since": "2020-01-01",
     "share_of_wallet": "60%"},
    {"id": "X2", "name": "Uren", "kind": "organisation", "owner": "M1", "since": "2020-01-01"},
    {"id": "X3", "name": "Contact", "kind": "organisation", "owner": "M1", "since": "2020-01-01"},
]
THRESHOLD_BUSINESS = [
    *({"relation": "X1", "date": day, "amount": 1500, "hours": 10, "status": "won"}
      for day in ("2026-01-01", "2026-03-01", "2026-05-01", "2026-07-01")),
    {"relation": "X2", "date": "2026-06-01", "amount": 3000, "hours": 40, "status": "won"},
    {"relation": "X3", "date": "2026-06-01", "amount": 750, "hours": 10, "status": "won"},
]
THRESHOLD_TOUCHPOINTS = [
    {"relation": "X3", "date": f"2026-{month:02d}-01", "employee": "M1", "channel": "phone",
     "direction": "out", "kind": "check_in"} for month in range(1, 11)] + [
    {"relation": "X3", "date": "2025-11-02", "employee": "M1", "channel": "phone",
     "direction": "out", "kind": "check_in"},
    {"relation": "X3", "date": "2026-11-01", "employee": "M1", "channel": "phone",
     "direction": "out", "kind": "check_in"},
]


def test_type_conditions_at_their_thresholds(tmp_path):
    from relatierapport.testing import build_project
    built = build_project(tmp_path, relations=THRESHOLD_RELATIONS, business=THRESHOLD_BUSINESS,
                          touchpoints=THRESHOLD_TOUCHPOINTS, formats=())
    x1, x2, x3 = (built.relation(rid)["segmentation"] for rid in ("X1", "X2", "X3"))
    assert (x1["value"]["hours"], x1["value"]["profit"], x1["value"]["margin"],
            x1["value"]["share_of_wallet"]) == (40.0, 3000.0, 0.5, 0.6)
    # 40 hours is much effort (at least 40), but a profit above 0 is no inflatable; 4 deals
    # (at least 4), margin 0.5 (at least 0.5), share of wallet 60 % (not below 60 %): loyal
    assert x1["type_conditions"] == {
        "sleeping_beauty.had_business": False, "sleeping_beauty.quiet": False,
        # null: too few repeat buyers for the clv analysis to estimate a P(alive)
        "sleeping_beauty.probably_lost": None,
        "unfaithful.active": True, "unfaithful.disloyal": False,
        "inflatable.effort": True, "inflatable.low_value": False,
        "marriage_partner.regular": True, "marriage_partner.active": True,
        "marriage_partner.profitable": True, "marriage_partner.loyal": True}
    assert x1["type"] == "marriage_partner"
    # X2: 40 hours and a profit of exactly 0 (at most 0): inflatable
    assert (x2["value"]["profit"], x2["type_conditions"]["inflatable.effort"],
            x2["type_conditions"]["inflatable.low_value"], x2["type"]) == (0.0, True, True,
                                                                            "inflatable")
    # X3: 10 hours, but 12 touchpoints in the window (2 Nov 2025 and 1 Nov 2026 included):
    # much effort; profit 750 - 750 = 0: inflatable
    assert (x3["value"]["touchpoints"], x3["value"]["hours"], x3["value"]["profit"], x3["type"]) == \
        (12, 10.0, 0.0, "inflatable")


def test_hours_are_rounded_before_they_are_priced(tmp_path):
    """hours, hours_cost, profit and margin are each rounded (polars, half to even) and each is
    computed from the rounded figures before it, so report.json can be checked from itself."""
    from relatierapport.testing import build_project
    relations = [{"id": "R1", "name": "Rond", "kind": "organisation", "owner": "M1",
                  "since": "2020-01-01"}]
    business = [{"relation": "R1", "date": "2026-06-01", "amount": 100, "hours": 0.125,
                 "status": "won"}]
    built = build_project(tmp_path, relations=relations, business=business, touchpoints=[],
                          formats=())
    value = built.relation("R1")["segmentation"]["value"]
    # 0.125 hours -> 12.5 hundredths, half to even -> 0.12; 0.12 x 75 = 9.00 (not 9.375);
    # profit 100 - 9 = 91; margin 91 / 100 = 0.91
    assert (value["hours"], value["hours_cost"], value["profit"], value["margin"]) == \
        (0.12, 9.0, 91.0, 0.91)


def test_portfolio_tables_and_r_score_bands_worked_by_hand(edges):
    """The edges project above: revenue W1 2,300, W2 0, W3 3,000, W4 2,000 = 7,300."""
    portfolio = edges["portfolio"]
    assert (portfolio["months"], portfolio["revenue"]) == (12, 7300.0)
    # types: W1 unfaithful, W2 sleeping beauty, W3 and W4 none (W4: a deal before the quiet
    # months but 2 within them; 3 deals in 24 months, 4 needed); revenue_share of the 7,300
    assert portfolio["per_type"] == {
        "sleeping_beauty": {"relations": 1, "revenue": 0.0, "revenue_unknown": 0, "revenue_share": 0.0},
        "unfaithful": {"relations": 1, "revenue": 2300.0, "revenue_unknown": 0, "revenue_share": 0.3151},
        "inflatable": {"relations": 0, "revenue": 0.0, "revenue_unknown": 0, "revenue_share": 0.0},
        "marriage_partner": {"relations": 0, "revenue": 0.0, "revenue_unknown": 0,
                             "revenue_share": 0.0},
        "none": {"relations": 2, "revenue": 5000.0, "revenue_unknown": 0, "revenue_share": 0.6849},
        "unknown": {"relations": 0, "revenue": 0.0, "revenue_unknown": 0, "revenue_share": 0.0}}
    # phases: retain W1, W4 (4,300 / 7,300 = 0.589); develop W3 (0.411); wind down W2
    assert {k: (v["relations"], v["revenue_share"]) for k, v in portfolio["per_phase"].items()} == \
        {"attract": (0, 0.0), "develop": (1, 0.411), "retain": (2, 0.589), "wind_down": (1, 0.0)}
    assert portfolio["phase_sources"] == {"data": 0, "derived": 4, "organisation": 0}
    # no category in the data, no scores: every category by revenue share (W2: 0 -> C)
    assert portfolio["category_sources"] == {"data": 0, "scoring": 0, "revenue_share": 4,
                                             "unknown": 0}
    assert portfolio["per_segment"]["unknown"] == {"relations": 4, "revenue": 7300.0,
                                                   "revenue_unknown": 0, "revenue_share": 1.0}
    assert portfolio["matrix"] == {"attractiveness_threshold": 3.0, "accessibility_threshold": 3.0,
                                   "points": []}
    # per R: the method, relations per score, those without one, and each score's lowest and
    # highest value (null when no relation has that score)
    assert portfolio["r_scores"]["recency"] == {
        "method": "thresholds", "counts": {"1": 0, "2": 1, "3": 2, "4": 0, "5": 1}, "unknown": 0,
        "ranges": {"1": None, "2": [365, 365], "3": [273, 273], "4": None, "5": [0, 0]}}
    assert portfolio["r_scores"]["revenue"] == {
        "method": "quintiles", "counts": {"1": 1, "2": 1, "3": 1, "4": 1, "5": 0}, "unknown": 0,
        "ranges": {"1": [0.0, 0.0], "2": [500.0, 500.0], "3": [750.0, 750.0],
                   "4": [1400.0, 1400.0], "5": None}}
    assert (portfolio["r_scores"]["referrals"]["counts"], portfolio["r_scores"]["referrals"]["unknown"],
            portfolio["r_scores"]["duration"]["unknown"]) == (
        {"1": 2, "2": 0, "3": 0, "4": 1, "5": 0}, 1, 2)


def test_the_pages_show_the_relationship_duration_in_years_of_365_25_days(tmp_path):
    """report.json has the duration in days; the relation plan shows days / 365.25, 1 decimal."""
    from relatierapport.testing import build_project
    # since 14 Oct 2016: 3,670 days to 1 Nov 2026; / 365.25 = 10.048 -> 10.0 (/ 365: 10.055 -> 10.1)
    relations = [{"id": "Y1", "name": "Jaren", "kind": "organisation", "owner": "M1",
                  "since": "2016-10-14"}]
    business = [{"relation": "Y1", "date": "2026-06-01", "amount": 100, "hours": 1, "status": "won"}]
    built = build_project(tmp_path, relations=relations, business=business, touchpoints=[],
                          config={"project": {"language": "en"}})
    assert built.relation("Y1")["segmentation"]["r"]["duration"]["value"] == 3670
    # the five R's table of the relation plan
    assert '<th scope="row">Relationship duration</th><td>10.0 years</td>' in built.page("Y1")
