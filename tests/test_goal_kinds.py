"""Goal kinds on real pages: flows, levels, changes and limits read as what they are.

The example project holds one goal of each kind; these tests read its report.json and pages
(Dutch and English) for what issue 15 asks: no increase goal that went down shows progress
above 0 or "on course", the C goal reads as a limit that is met, and the first page compares
levels with their targets, not with the time passed.
"""

from __future__ import annotations

import re
from html import unescape

import pytest

from conftest import cli
from relatierapport.testing import build_project


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)))


def _goals(site) -> dict[str, dict]:
    return {goal["id"]: goal for goal in site.report["portfolio"]["goals"]["goals"]}


def test_no_increase_goal_that_went_down_shows_progress_or_on_course(built_example):
    goals = _goals(built_example())
    fell = [goal for goal in goals.values()
            if goal["kind"] in ("change", "level", "flow") and goal["actual"] is not None
            and goal["direction"] == "away"]
    assert {goal["id"] for goal in fell} >= {"A-omzetgroei", "B-omzetgroei", "D08"}
    for goal in fell:
        assert goal["progress"] < 0, goal["id"]
        assert goal["status"] not in ("on_track", "achieved"), goal["id"]
    # and the other way round: every target goal below its start is moving away
    for goal in goals.values():
        if goal["kind"] == "change" and goal["actual"] is not None and goal["target"] > 0 > goal["actual"]:
            assert goal["direction"] == "away" and goal["progress"] < 0


def test_the_c_goal_reads_as_a_limit_that_is_met(built_example):
    site = built_example()
    c_goal = _goals(site)["C-omzetgroei"]
    assert (c_goal["kind"], c_goal["limit"], c_goal["limit_source"]) == ("limit", "at_least", "goal")
    assert c_goal["status"] == "within_limit" and c_goal["progress"] is None
    # margin = actual - floor, in points
    assert c_goal["margin"] == pytest.approx(c_goal["actual"] - c_goal["target"], abs=0.01)
    page = site.html().read_text(encoding="utf-8")
    row = page[page.index('<th scope="row">C-omzetgroei<br>'):]
    row = _text(row[:row.index("</tr>")])
    assert "minimaal -25,0%" in row and "binnen de grens" in row and "ruimte tot de grens" in row
    assert "voortgang" not in row and "bereikt" not in row


def test_the_first_page_compares_levels_with_targets_and_flows_with_time(built_example):
    site = built_example()
    goals = _goals(site)
    page = site.html().read_text(encoding="utf-8")
    section = page[page.index('id="attention-goals"'):]
    items = {_text(item).strip().split(" ")[0]: _text(item)
             for item in re.findall(r"<li>(.*?)</li>", section[:section.index("</ul>")], re.S)}
    behind = [goal for goal in goals.values() if goal["status"] in ("behind", "outside_limit")]
    limit = 5                                   # the example's [plugins.attention] list_limit
    assert behind and len(items) == min(len(behind), limit)
    kinds = {goals[goal_id]["kind"] for goal_id in items}
    assert {"flow", "change"} <= kinds
    for goal in (goals[goal_id] for goal_id in items):
        line = items[goal["id"]]
        if goal["kind"] == "flow":
            assert "verwacht op dit moment" in line, line
        else:   # a level or a change: now against the target, never against the time passed
            assert "nu " in line and "doelwaarde" in line and "verwacht" not in line, line


def test_each_goal_row_says_in_words_what_its_figures_are(built_example):
    site = built_example()
    text = _text(site.html().read_text(encoding="utf-8"))
    goals = _goals(site)
    growth = goals["B-omzetgroei"]
    # "€ 94.080 tot nu toe tegen € 99.284 in hetzelfde deel van de basisperiode (-5,2%);
    #  +5,0% vraagt € 104.248": the same part = baseline total x elapsed days / period days
    share = growth["elapsed"]["days"] / growth["elapsed"]["of_days"]
    same_part = growth["baseline_period"]["level"] * share
    needed = same_part * 1.05
    money = lambda value: "€ " + f"{value:,.0f}".replace(",", ".")  # noqa: E731
    assert (f"{money(growth['so_far']['total'])} tot nu toe tegen {money(same_part)} in hetzelfde "
            f"deel van de basisperiode") in text
    assert f"+5,0% vraagt {money(needed)}" in text
    retention = goals["D04"]
    back, base = retention["so_far"]["retained"], int(retention["baseline_period"]["level"])
    assert f"{back} van de {base} relaties uit de basisperiode zijn terug" in text
    english = _text(built_example("en").html().read_text(encoding="utf-8"))
    assert "so far against" in english and "relations of the baseline period are back" in english
    assert "reached ·" not in english


def test_the_portfolio_shows_the_mix_of_aims(built_example):
    site = built_example()
    aims = site.report["portfolio"]["goals"]["aims"]
    goals = _goals(site)
    for aim in ("extend", "expand", "improve", "none"):
        members = [goal for goal in goals.values() if (goal["aim"] or "none") == aim]
        assert aims[aim]["goals"] == len(members)
        assert sum(aims[aim]["statuses"].values()) == len(members)
    # the method's retention goal serves "verlengen", revenue "verhogen", satisfaction "verbeteren"
    assert goals["D04"]["aim"] == "extend" and goals["D02"]["aim"] == "expand"
    assert goals["D08"]["aim"] == "improve" and goals["D04"]["aim_source"] == "metric"
    text = _text(site.html().read_text(encoding="utf-8"))
    assert "Doelen per V van de methode" in text and "Verlengen (relaties langer houden)" in text


GOALS = [
    {"relation": "K1", "date": "2025-03-01", "amount": 10000, "status": "won"},
    {"relation": "K1", "date": "2026-02-01", "amount": 6000, "status": "won"},
]
YEAR = {"start": "2026-01-01", "end": "2026-12-31", "owner": "M1"}


def test_limit_and_aim_words_in_a_goals_table_and_a_limit_read_from_the_target(tmp_path):
    goals = [
        {"id": "L1", "scope": "portfolio", "metric": "omzetgroei", "target": -25, "limit": "minimaal",
         "aim": "verhogen", **YEAR},
        {"id": "L2", "scope": "portfolio", "metric": "omzetgroei", "target": -25, **YEAR},
        {"id": "L3", "scope": "portfolio", "metric": "omzetgroei", "target": 5, "limit": "soms",
         "aim": "vaak", **YEAR},
    ]
    built = build_project(tmp_path / "p", relations=[{"id": "K1", "name": "Alfa", "owner": "M1"}],
                          business=GOALS, goals=goals, formats=["json"], strict=False)
    found = _goals(built)
    # K1: 10,000 in 2025, but the data start on 1 Mar 2025, so 2025 counts as 10,000 x 365 / 306;
    # 6,000 by 1 Nov 2026 (305 of 365 days): (6000 / (10000 x 365/306 x 305/365) - 1) x 100
    # = (6000 / 9967.32 - 1) x 100 = -39.80%: 14.80 points under the floor of -25%
    assert found["L1"]["actual"] == pytest.approx(-39.8, abs=0.01)
    assert (found["L1"]["limit"], found["L1"]["limit_source"], found["L1"]["aim"]) == (
        "at_least", "goal", "expand")
    assert found["L1"]["status"] == "outside_limit" and found["L1"]["margin"] == pytest.approx(-14.8, abs=0.01)
    # the same target without limit: read as a floor, and the report says the rule was used
    assert (found["L2"]["limit"], found["L2"]["limit_source"]) == ("at_least", "inferred")
    assert any("read as a limit of at least -25" in p["text"] for p in found["L2"]["problems"])
    # unknown words: the limit stops the goal (its meaning is unclear), the aim is only noted
    assert found["L3"]["status"] is None
    texts = [p["text"] for p in found["L3"]["problems"]]
    assert "limit soms is not at_least (minimaal) or at_most (maximaal)" in texts
    assert any(t.startswith("aim vaak is not extend") for t in texts)
    result = cli("check", "--config", built.root / "config.toml", "--as-of", "2026-11-01")
    assert "goal L3 is not specific: limit soms" in result.output
    assert "goal L2: read as a limit of at least -25" in result.output


def test_a_referral_goals_baseline_counts_referrals_not_touchpoints(tmp_path):
    touchpoints = [{"relation": "K1", "date": day, "employee": "M1", "direction": "out", "kind": kind}
                   for day, kind in (("2025-02-01", "check_in"), ("2025-03-01", "referral_given"),
                                     ("2025-04-01", "check_in"), ("2026-02-01", "referral_given"),
                                     ("2026-03-01", "check_in"))]
    goals = [{"id": "R1", "scope": "relation:K1", "metric": "verwijzingen", "target": 3, **YEAR}]
    built = build_project(tmp_path / "p", relations=[{"id": "K1", "name": "Alfa", "owner": "M1"}],
                          touchpoints=touchpoints, goals=goals, formats=["json"], strict=False)
    goal = _goals(built)["R1"]
    # 2025: one referral among three touchpoints; 2026 so far: one among two
    assert goal["baseline_period"]["count"] == 1 and goal["baseline_period"]["total"] == 1.0
    assert goal["so_far"]["count"] == 1 and goal["actual"] == 1.0
    # a count cannot fall back, but 1 of 3 is behind its pace: 1 x 365 / 305 = 1.2 < 3
    assert goal["status"] == "behind" and goal["progress"] == pytest.approx(1 / 3, abs=1e-4)


def test_a_won_record_without_an_amount_is_left_out_and_the_goal_says_so(tmp_path):
    business = [{"relation": "K1", "date": "2025-03-01", "amount": 10000, "status": "won"},
                {"relation": "K1", "date": "2026-02-01", "amount": 6000, "status": "won"},
                {"relation": "K1", "date": "2026-03-01", "amount": None, "status": "won"},
                {"relation": "K1", "date": "2026-04-01", "amount": -1000, "status": "won"}]
    goals = [{"id": "O1", "scope": "relation:K1", "metric": "omzet", "target": 12000, **YEAR}]
    built = build_project(tmp_path / "p", relations=[{"id": "K1", "name": "Alfa", "owner": "M1"}],
                          business=business, goals=goals, formats=["html", "json"], strict=False)
    goal = _goals(built)["O1"]
    # 6,000 - 1,000 (a credit note lowers revenue); the record without an amount adds nothing
    # and is counted apart: count 2 (6,000 and -1,000), without_value 1
    assert goal["so_far"] == {"total": 5000.0, "count": 2, "relations": 1, "without_value": 1,
                              "retained": None}
    assert goal["baseline_period"]["without_value"] == 0
    text = _text(built.page())
    assert "records zonder waarde weggelaten: 1 in de periode, 0 in de basisperiode" in text


def test_previous_periods_step_back_whole_months_or_days():
    import datetime as dt

    from relatierapport.builtin.analyses.goals.definitions import previous_period
    d = dt.date
    # a calendar year, a quarter and a month step back their months; 10 days step back 10 days
    assert previous_period(d(2026, 1, 1), d(2026, 12, 31)) == (d(2025, 1, 1), d(2025, 12, 31))
    assert previous_period(d(2026, 4, 1), d(2026, 6, 30)) == (d(2026, 1, 1), d(2026, 3, 31))
    assert previous_period(d(2026, 3, 1), d(2026, 3, 31)) == (d(2026, 2, 1), d(2026, 2, 28))
    assert previous_period(d(2026, 3, 5), d(2026, 3, 14)) == (d(2026, 2, 23), d(2026, 3, 4))


def test_phase_and_window_boundaries_worked_by_hand(tmp_path):
    # Report date 1 Nov 2026. Touchpoints of K1 on 1 Jan (the first day: in), 1 Nov (the report
    # date: in) and 2 Nov (after the report date: never read); 31 Dec 2025 (the baseline period's
    # last day).
    touchpoints = [{"relation": "K1", "date": day, "employee": "M1", "direction": "out",
                    "kind": "check_in"} for day in ("2025-12-31", "2026-01-01", "2026-11-01",
                                                    "2026-11-02")]
    goals = [
        {"id": "Y", "scope": "relation:K1", "metric": "touchpoints", "target": 4, **YEAR},
        # starts on the report date: running, day 1 of 30
        {"id": "S", "scope": "relation:K1", "metric": "touchpoints", "target": 4,
         "start": "2026-11-01", "end": "2026-11-30", "owner": "M1"},
        # ends on the report date: ended, judged
        {"id": "E", "scope": "relation:K1", "metric": "touchpoints", "target": 2,
         "start": "2026-10-01", "end": "2026-11-01", "owner": "M1"},
        # starts the day after: not started
        {"id": "N", "scope": "relation:K1", "metric": "touchpoints", "target": 4,
         "start": "2026-11-02", "end": "2026-12-31", "owner": "M1"},
    ]
    built = build_project(tmp_path / "p", relations=[{"id": "K1", "name": "Alfa", "owner": "M1"}],
                          touchpoints=touchpoints, goals=goals, formats=["json"], strict=False)
    found = _goals(built)
    # Y: 1 Jan and 1 Nov: 2 so far; elapsed 305 of 365 days = 0.8356; the baseline period 2025
    # holds 31 Dec only, but the data start on 31 Dec: coverage 1 / 365, scaled 1 x 365 = 365
    assert found["Y"]["actual"] == 2.0 and found["Y"]["elapsed"] == {"days": 305, "of_days": 365,
                                                                       "share": 0.8356}
    assert found["Y"]["baseline_period"]["coverage"] == pytest.approx(1 / 365, abs=1e-4)
    assert found["Y"]["baseline"] == 365.0
    # S: 1 Nov counts, day 1 of 30: projection 1 / (1/30) = 30
    assert (found["S"]["actual"], found["S"]["status"]) == (1.0, "on_track")
    assert found["S"]["elapsed"] == {"days": 1, "of_days": 30, "share": 0.0333}
    assert found["S"]["projection"]["value"] == 30.0
    # E: 1 Nov is its last day: 1 of 2, ended, not achieved by 1 (-50%)
    assert (found["E"]["status"], found["E"]["actual"]) == ("not_achieved", 1.0)
    assert found["E"]["evaluation"] == {"achieved": False, "difference": -1.0, "relative": -0.5}
    assert (found["N"]["status"], found["N"]["actual"]) == ("not_started", None)
