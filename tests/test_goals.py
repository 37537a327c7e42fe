"""Goals through a real build and the command line, every number worked out by hand below.

Report date 2026-11-01. A goal for the year 2026 has 365 days, of which 305 (1 January up to
and including 1 November) have passed: elapsed share 305 / 365 = 0.8356. The previous
period of 2026 is 2025, the one before 2024.

The data: K1 (A, owner M1), K2 (B, M2), K3 (A, M2), C1 (C, candidate of M1, since 10 January
2026). Won business: K1 10,000 on 1 Mar 2025 and 10,000 on 1 Sep 2025, 12,000 on 1 Feb 2026 and
6,000 on 1 Jun 2026; K3 5,000 on 1 May 2025 and 2,000 on 1 Apr 2026; the business data start
with a lost quote of K2 on 15 Dec 2024 (so 2025 is covered, 2024 is not). Touchpoints start on
15 Jan 2026. Customer surveys: K1 8 out of 10 (1 Mar 2026), K3 4 out of 5 = 8 (1 Jun 2026).
"""

from __future__ import annotations

import datetime as dt
import json

import pytest

from conftest import cli
from relatierapport.errors import ConfigError
from relatierapport.testing import build_project

YEAR = {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)}
RELATIONS = [
    {"id": "K1", "name": "Alfa Bouw", "kind": "organisation", "role": "client", "owner": "M1",
     "category": "A", "since": "2015-03-01"},
    {"id": "K2", "name": "Beta Zorg", "kind": "organisation", "role": "client", "owner": "M2",
     "category": "B", "since": "2020-06-15"},
    {"id": "K3", "name": "Gamma Advies", "kind": "organisation", "role": "client", "owner": "M2",
     "category": "A", "since": "2018-01-01"},
    {"id": "C1", "name": "Carla de Jong", "kind": "person", "role": "candidate", "owner": "M1",
     "category": "C", "since": "2026-01-10"},
]
BUSINESS = [
    {"relation": "K2", "date": "2024-12-15", "amount": 3000, "status": "lost"},
    {"relation": "K1", "date": "2025-03-01", "amount": 10000, "status": "won"},
    {"relation": "K3", "date": "2025-05-01", "amount": 5000, "status": "won"},
    {"relation": "K1", "date": "2025-09-01", "amount": 10000, "status": "won"},
    {"relation": "K1", "date": "2026-02-01", "amount": 12000, "status": "won"},
    {"relation": "K3", "date": "2026-04-01", "amount": 2000, "status": "won"},
    {"relation": "K1", "date": "2026-06-01", "amount": 6000, "status": "won"},
]
TOUCHPOINTS = [
    {"relation": "K2", "date": "2026-01-15", "employee": "M2", "direction": "out", "kind": "check_in"},
    {"relation": "K1", "date": "2026-02-01", "employee": "M1", "direction": "out", "kind": "check_in"},
    {"relation": "K2", "date": "2026-03-15", "employee": "M2", "direction": "in", "kind": "referral_given"},
    {"relation": "K3", "date": "2026-04-01", "employee": "M2", "direction": "out", "kind": "check_in"},
    {"relation": "K1", "date": "2026-05-01", "employee": "M2", "direction": "out", "kind": "check_in"},
    {"relation": "K3", "date": "2026-07-01", "employee": "M2", "direction": "out", "kind": "value_add"},
]
SURVEYS = [
    {"subject": "K1", "kind": "customer", "date": "2026-03-01", "score": 8, "scale": 10},
    {"subject": "K3", "kind": "customer", "date": "2026-06-01", "score": 4, "scale": 5},
]
#: Goals in config.toml ([[goals]] #1 to #5).
CONFIG_GOALS = [
    {"id": "G1", "scope": "relation:K1", "metric": "revenue", "target": 22000, **YEAR, "owner": "M1"},
    {"id": "G2", "scope": "category:A", "metric": "revenue_growth", "target": 10, **YEAR, "owner": "M1"},
    {"id": "G6", "scope": "category:A", "metric": "satisfaction", "baseline": 7.0, "target": 8.0,
     **YEAR, "owner": "M2"},
    {"id": "G7", "scope": "category:C", "metric": "satisfaction", "target": 8.0, **YEAR},
    {"id": "G8", "scope": "relation:K2", "metric": "referrals", "target": 2, "start": YEAR["start"],
     "owner": "M2"},
]
#: Goals in a goals table (data/goals.csv lines 2 to 6), in Dutch as users write them.
TABLE_GOALS = [
    {"id": "G3", "scope": "eigenaar:M2", "metric": "contactmomenten", "target": 3,
     "start": "2026-01-01", "end": "2026-12-31", "owner": "M2"},
    {"id": "G4", "scope": "portefeuille", "metric": "nieuwe relaties", "baseline": 0, "target": 2,
     "start": "2026-01-01", "end": "2026-06-30", "owner": "M1"},
    {"id": "G5", "scope": "portefeuille", "metric": "verwijzingen", "target": 5,
     "start": "2027-01-01", "end": "2027-12-31", "owner": "M1"},
    {"id": "G9", "scope": "categorie:B", "metric": "winst", "target": 1000,
     "start": "2026-01-01", "end": "2026-12-31", "owner": "M2"},
    {"id": "G10", "scope": "relatie:K1", "metric": "omzet", "target": 40000,
     "start": "2026-01-01", "end": "2026-12-31", "owner": "M1"},
]


def build(folder, config_goals=CONFIG_GOALS, table_goals=TABLE_GOALS, options=None, **extra):
    config = {"goals": list(config_goals), **({"plugins": {"goals": options}} if options else {})}
    return build_project(folder, relations=RELATIONS, business=BUSINESS, touchpoints=TOUCHPOINTS,
                         surveys=SURVEYS, goals=list(table_goals), config=config, strict=False,
                         formats=extra.pop("formats", ["json"]), **extra)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("goals"), formats=["html", "json"])


def goals_of(built) -> dict[str, dict]:
    return {goal["id"]: goal for goal in built.report["portfolio"]["goals"]["goals"]}


def test_a_total_behind_its_pace(built):
    g1 = goals_of(built)["G1"]
    # K1 won 12,000 + 6,000 = 18,000 so far; 18,000 / (305 / 365) = 21,540.98 < 22,000.
    assert (g1["actual"], g1["status"]) == (18000.0, "behind")
    assert g1["projection"] == {"value": 21540.98, "method": "linear_total"}
    assert g1["achieved_share"] == 0.8182                   # 18,000 / 22,000
    assert g1["elapsed"] == {"days": 305, "of_days": 365, "share": 0.8356}
    # The baseline (none given) is 2025's total: 20,000. Realistic: 2025 held (2024 is not
    # covered by the data), 22,000 is 2,000 above it, within 15% (3,000).
    assert (g1["baseline"], g1["baseline_source"]) == (20000.0, "data")
    assert g1["realistic"] == {"level": "realistic", "expected": 20000.0, "periods": 1, "unknown": None}
    assert g1["smart"] == {"specific": True, "measurable": True, "acceptable": True,
                           "realistic": "realistic", "time_bound": True}
    assert g1["problems"] == [] and g1["origin"] == "config.toml:[[goals]] #1"


def test_revenue_growth_against_the_baseline_period(built):
    g2 = goals_of(built)["G2"]
    # A relations K1 and K3: 20,000 so far in 2026, 25,000 in 2025.
    # (20,000 / (25,000 x 305 / 365) - 1) x 100 = -4.26%: behind +10%.
    assert (g2["actual"], g2["status"]) == (-4.26, "behind")
    assert g2["projection"] == {"value": -4.26, "method": "pace_held"}
    # Progress: -4.26 / 10 = -0.4262, moving away (was 0.7273 "reached": 20,000 / 27,500 so
    # far against the whole year's target, as if the revenue were growing).
    assert (g2["progress"], g2["direction"], g2["kind"]) == (-0.4262, "away", "change")
    assert g2["so_far"] == {"total": 20000.0, "count": 3, "relations": 2, "without_value": 0,
                            "retained": None}
    assert g2["baseline_period"] == {"from": "2025-01-01", "to": "2025-12-31", "total": 25000.0,
                                     "count": 3, "without_value": 0, "coverage": 1.0, "level": 25000.0}
    assert g2["relations"] == 2
    # 2025 held: 0% expected; +10% asks 27,500, 2,500 above 25,000 (within 3,750).
    assert g2["realistic"]["level"] == "realistic" and g2["realistic"]["expected"] == 0.0


def test_a_total_that_reached_its_target_early_is_achieved(built):
    g3 = goals_of(built)["G3"]
    # M2 owns K2 and K3: 2 + 2 touchpoints in 2026 >= 3. "eigenaar:M2" and "contactmomenten" are
    # the Dutch for owner:M2 and touchpoints.
    assert (g3["scope_kind"], g3["scope_value"], g3["metric"]) == ("owner", "M2", "touchpoints")
    assert (g3["actual"], g3["status"]) == (4.0, "achieved")
    # The touchpoints start in 2026: no complete period before to judge the target against.
    assert g3["realistic"]["level"] is None and g3["smart"]["realistic"] is None
    assert g3["origin"] == "data/goals.csv:2"


def test_a_goal_after_its_end_is_evaluated(built):
    g4 = goals_of(built)["G4"]
    # New relations in the first half of 2026: C1 only; 1 against 2: 1 short, -50%.
    assert (g4["status"], g4["actual"]) == ("not_achieved", 1.0)
    assert g4["evaluation"] == {"achieved": False, "difference": -1.0, "relative": -0.5}
    assert g4["projection"] is None
    # The two half years before it had no new relation: 2 asks more than nothing, ambitious.
    assert g4["realistic"]["level"] == "ambitious" and g4["smart"]["realistic"] == "ambitious"
    assert [p["criterion"] for p in g4["problems"]] == ["realistic"]


def test_a_goal_that_has_not_started(built):
    g5 = goals_of(built)["G5"]
    assert (g5["status"], g5["actual"], g5["projection"], g5["elapsed"]) == (
        "not_started", None, None, {"days": 0, "of_days": 365, "share": 0.0})


def test_a_mean_on_course(built):
    g6 = goals_of(built)["G6"]
    # Surveys of A relations in 2026: 8 and 4 of 5 = 8: mean 8.0, a level: held, not scaled by
    # the time passed; 8.0 >= 8.0 on course. Progress from the given baseline 7.0:
    # (8.0 - 7.0) / (8.0 - 7.0) = 1.
    assert (g6["actual"], g6["status"], g6["baseline"], g6["kind"]) == (8.0, "on_track", 7.0, "level")
    assert g6["projection"] == {"value": 8.0, "method": "level_held"}
    assert g6["progress"] == 1.0 and g6["expected_progress"] is None


def test_smart_problems_of_deliberately_flawed_goals(built):
    goals = goals_of(built)
    # G7: nobody in category C was surveyed, and it has no owner.
    assert goals["G7"]["status"] is None
    assert goals["G7"]["unknown"] == "no satisfaction values for the relations in scope"
    assert [(p["criterion"], p["text"]) for p in goals["G7"]["problems"]] == [
        ("acceptable", "no owner"),
        ("measurable", "no satisfaction values for the relations in scope")]
    assert goals["G7"]["smart"] == {"specific": True, "measurable": False, "acceptable": False,
                                    "realistic": None, "time_bound": True}
    # G8: no end date, so no period and no status.
    assert [(p["criterion"], p["text"]) for p in goals["G8"]["problems"]] == [("time_bound", "no end date")]
    assert (goals["G8"]["status"], goals["G8"]["unknown"]) == (None, "no end date")
    # G9: "winst" is no metric anyone offers.
    assert goals["G9"]["problems"][0]["text"] == (
        "unknown metric winst (known: new_relations, referrals, retention, revenue, "
        "revenue_growth, satisfaction, satisfaction_change, touchpoints)")
    assert goals["G9"]["smart"]["measurable"] is False
    # G10: 40,000 from K1, whose 2025 held 20,000: far beyond 15% above the trend.
    assert goals["G10"]["realistic"]["level"] == "ambitious"
    assert goals["G10"]["problems"] == [{
        "criterion": "realistic", "message": "ambitious: the trend gives %(expected)s, the target asks %(target)s",
        "params": {"expected": 20000.0, "target": 40000.0},
        "text": "ambitious: the trend gives 20000.0, the target asks 40000.0"}]


def test_counts_and_goals_per_relation(built):
    portfolio = built.report["portfolio"]["goals"]
    assert portfolio["counts"] == {"on_track": 1, "behind": 3, "achieved": 1, "not_achieved": 1,
                                   "not_started": 1, "within_limit": 0, "outside_limit": 0,
                                   "unknown": 3}
    # Per relation only the goals whose scope names it (category, owner, the relation itself):
    # not the portfolio-wide G4 and G5.
    assert built.relation("K1")["goals"] == {"in_scope": [
        {"id": "G2", "status": "behind"}, {"id": "G6", "status": "on_track"},
        {"id": "G1", "status": "behind"}, {"id": "G10", "status": "behind"}]}
    assert built.relation("K2")["goals"] == {"in_scope": [
        {"id": "G9", "status": None}, {"id": "G3", "status": "achieved"}, {"id": "G8", "status": None}]}
    assert built.relation("C1")["goals"] == {"in_scope": [{"id": "G7", "status": None}]}


def test_goals_that_cannot_be_computed_are_warnings(built):
    warnings = [w for w in built.report["warnings"] if w["message"].startswith("goal ")]
    assert warnings == [
        {"source": "config.toml", "location": "35", "field": "[[goals]] #4 metric",
         "message": "goal G7 cannot be measured: no satisfaction values for the relations in scope"},
        {"source": "data/goals.csv", "location": "5", "field": "metric",
         "message": "goal G9 cannot be measured: unknown metric winst (known: new_relations, "
                    "referrals, retention, revenue, revenue_growth, satisfaction, "
                    "satisfaction_change, touchpoints)"}]


def test_the_report_shows_goals_with_status_progress_and_problems(built):
    page = built.page()
    assert 'id="goals"' in page and "<caption>Doelen op 1 november 2026</caption>" in page
    for status in ("op koers", "achter", "behaald", "niet behaald", "nog niet gestart"):
        assert f">{status}</span>" in page
    g1 = page[page.index('<th scope="row">G1<br>'):]
    g1 = g1[:g1.index("</tr>")]                                                   # G1's row
    # G1's bar, in words: 82% of the target, 84% of the period passed (a flow)
    assert 'class="chart chart-bar"' in g1 and "voortgang 82% · 84% van de periode verstreken" in g1
    assert "bereikt" not in page
    assert "geen eigenaar" in page and "geen einddatum" in page
    assert "geen waarden van klanttevredenheid (op 10) voor de relaties in het bereik" in page
    plan = built.page("K1")
    assert "G1" in plan and "G10" in plan and "G4" not in plan


def test_check_lists_goals_that_cannot_be_computed_and_strict_fails(tmp_path):
    built = build(tmp_path / "project")
    config = built.root / "config.toml"
    result = cli("check", "--config", config, "--as-of", "2026-11-01")
    assert result.exit_code == 0, result.output
    assert ("warning: config.toml:35: [[goals]] #4 metric: goal G7 cannot be measured: no satisfaction "
            "values for the relations in scope") in result.output
    assert "warning: data/goals.csv:5: metric: goal G9 cannot be measured: unknown metric winst" in result.output
    strict = cli("check", "--config", config, "--as-of", "2026-11-01", "--strict")
    assert strict.exit_code == 1 and "goal G9 cannot be measured" in strict.output


def test_config_goals_are_checked_like_any_config(tmp_path):
    bad = [{"id": "X1", "target": "tien", "start": "1 januari"}, {"scope": "portfolio"},
           {"id": "X1", "metric": "revenue", "baseline_start": dt.date(2025, 1, 1)}]
    with pytest.raises(ConfigError) as failure:
        build(tmp_path, config_goals=bad, table_goals=[])
    assert failure.value.exit_code == 2
    assert failure.value.problems and [str(p) for p in failure.value.problems] == [
        'config.toml:2: [[goals]] #1 target: expected a number, found "tien"',
        'config.toml:2: [[goals]] #1 start: expected a date (YYYY-MM-DD), found "1 januari"',
        "config.toml:3: [[goals]] #2 id: is required: A short unique name, shown in the report and "
        "report.json.",
        "config.toml:4: [[goals]] #3 id: expected a unique id, found 'X1' again (first in [[goals]] #1)",
        "config.toml:4: [[goals]] #3 baseline_start: expected baseline_start and baseline_end together, "
        "found only baseline_start"]


def test_a_goal_id_used_twice_keeps_the_first(tmp_path):
    table = [{**TABLE_GOALS[0], "id": "G1"}]
    built = build(tmp_path, config_goals=CONFIG_GOALS[:1], table_goals=table)
    assert [g["id"] for g in built.report["portfolio"]["goals"]["goals"]] == ["G1"]
    assert goals_of(built)["G1"]["metric"] == "revenue"
    assert [(w["location"], w["field"], w["message"]) for w in built.report["warnings"]
            if w["message"].startswith("goal")] == [
        ("2", "id", "goal G1 is left out: goal id G1 is used again (first at config.toml:[[goals]] #1)")]


def test_scopes_that_name_nothing_are_not_specific(tmp_path):
    goals = [{"id": "S1", "scope": "relation:K9", "metric": "revenue", "target": 1, **YEAR, "owner": "M1"},
             {"id": "S2", "scope": "categorie:D", "metric": "revenue", "target": 1, **YEAR, "owner": "M1"},
             {"id": "S3", "scope": "afdeling:Zorg", "metric": "revenue", "target": 1, **YEAR, "owner": "M9"},
             {"id": "S4", "scope": "owner:M2", "metric": "revenue", **YEAR, "owner": "M2"}]
    found = goals_of(build(tmp_path, config_goals=goals, table_goals=[]))
    assert [p["text"] for p in found["S1"]["problems"]] == ["no relation has the id K9"]
    assert [p["text"] for p in found["S2"]["problems"]] == ["category D is not A, B or C"]
    assert [p["text"] for p in found["S3"]["problems"]] == [
        "scope afdeling:Zorg is not portfolio, category:X, segment:X, relation:<id> or owner:<id>",
        "owner M9 is not an employee"]
    assert [p["text"] for p in found["S4"]["problems"]] == ["no target value"]
    assert all(found[g]["status"] is None for g in ("S1", "S2", "S3", "S4"))


def test_the_margin_and_history_options(tmp_path):
    # G1 asks 22,000 against 20,000 held: 10% more. Within a 15% margin, beyond a 5% one.
    strict_margin = goals_of(build(tmp_path / "margin", config_goals=CONFIG_GOALS[:1], table_goals=[],
                                   options={"ambitious_margin": 0.05}))
    assert strict_margin["G1"]["realistic"]["level"] == "ambitious"
    longer = goals_of(build(tmp_path / "history", config_goals=CONFIG_GOALS[:1], table_goals=[],
                            options={"history_periods": 3}))
    assert [(h["from"], h["coverage"]) for h in longer["G1"]["history"]] == [
        ("2025-01-01", 1.0), ("2024-01-01", 0.0464), ("2023-01-01", 0.0)]   # 17 of 366 days
    with pytest.raises(ConfigError, match=r"\[plugins.goals\] history_periods: expected a whole "
                                          r"number >= 1 and <= 10, found 0"):
        build(tmp_path / "bad", options={"history_periods": 0})


def test_a_custom_baseline_period(tmp_path):
    # Growth of K1 against the second half of 2025 only: 10,000 (on 1 Sep) in 184 days, for a
    # goal of 365 days: 10,000 x 365 / 184 = 19,836.96 at the goal's length. The pace so far:
    # (18,000 / (19,836.96 x 305 / 365) - 1) x 100 = (18,000 / 16,576.09 - 1) x 100 = +8.59%.
    goal = {"id": "B1", "scope": "relation:K1", "metric": "revenue_growth", "target": 5, **YEAR,
            "owner": "M1", "baseline_start": dt.date(2025, 7, 1), "baseline_end": dt.date(2025, 12, 31)}
    found = goals_of(build(tmp_path, config_goals=[goal], table_goals=[]))["B1"]
    assert found["baseline_period"]["total"] == 10000.0
    assert found["baseline_period"]["level"] == 19836.96
    assert (found["actual"], found["status"]) == (8.59, "on_track")


def test_a_goals_table_can_name_the_baseline_period_too(tmp_path):
    # the goal of test_a_custom_baseline_period, as a table row with Dutch dates: the same figures
    row = {"id": "B1", "scope": "relatie:K1", "metric": "omzetgroei", "target": 5,
           "start": "2026-01-01", "end": "2026-12-31", "owner": "M1",
           "baseline_start": "2025-07-01", "baseline_end": "2025-12-31"}
    found = goals_of(build(tmp_path, config_goals=[], table_goals=[row]))["B1"]
    assert found["baseline_period"]["total"] == 10000.0
    assert (found["actual"], found["status"]) == (8.59, "on_track")


def test_report_json_lists_every_goal_as_defined(built):
    # config.toml's [[goals]] first, then the goals table, each in its own order
    assert [goal["id"] for goal in built.report["goals"]] == \
        [g["id"] for g in CONFIG_GOALS] + [g["id"] for g in TABLE_GOALS]
    # as written (the goals analysis' portfolio findings hold them understood)
    g3 = next(goal for goal in built.report["goals"] if goal["id"] == "G3")
    assert (g3["scope"], g3["metric"], g3["target"]) == ("eigenaar:M2", "contactmomenten", 3.0)


def test_english_reports_say_on_course(tmp_path):
    english = build_project(tmp_path / "en", relations=RELATIONS, business=BUSINESS,
                            touchpoints=TOUCHPOINTS, surveys=SURVEYS, formats=["html"],
                            config={"goals": CONFIG_GOALS[:3], "project": {"language": "en"}})
    page = english.page()
    assert ">on course</span>" in page and ">behind</span>" in page
    assert "Projected: €21,541 (linear)" in page


def test_init_writes_the_methods_goals_per_category(tmp_path):
    assert cli("init", tmp_path / "p", "--language", "en").exit_code == 0
    text = (tmp_path / "p" / "config.toml").read_text(encoding="utf-8")
    assert '[[goals]]\n# A short unique name' in text
    result = cli("build", "--config", tmp_path / "p" / "config.toml", "--as-of", "2026-11-01",
                 "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "p" / "site" / "report.json").read_text(encoding="utf-8"))
    found = {g["id"]: (g["scope"], g["metric"], g["target"])
             for g in report["portfolio"]["goals"]["goals"] if g["origin"].startswith("config.toml")}
    assert found == {"A-omzetgroei": ("category:A", "revenue_growth", 10.0),
                     "B-omzetgroei": ("category:B", "revenue_growth", 5.0),
                     "C-omzetgroei": ("category:C", "revenue_growth", -25.0),
                     "A-tevredenheid": ("category:A", "satisfaction_change", 3.0),
                     "B-tevredenheid": ("category:B", "satisfaction_change", 1.0)}


def test_the_manuals_goal_example_is_a_goal_that_works(tmp_path):
    import re
    import tomllib

    from conftest import REPO

    text = (REPO / "docs" / "analyses" / "goals.md").read_text(encoding="utf-8")
    block = re.search(r"<!-- goal-example:[^>]*-->\n```toml\n(.*?)```", text, re.S)[1]
    goal = tomllib.loads(block)["goals"][0]
    # M01 is no employee of this project: only "acceptable" fails; the rest is computed.
    found = goals_of(build(tmp_path, config_goals=[goal], table_goals=[]))["A-omzetgroei"]
    assert (found["status"], found["actual"]) == ("behind", -4.26)      # G2 above
    assert [p["text"] for p in found["problems"]] == ["owner M01 is not an employee"]


def test_segment_scopes_follow_the_segmentation(tmp_path):
    # K1 scores 5 on every criterion (attractive and accessible: invest), K3 1 (ignore).
    scores = ("opbrengst", "fit", "belangen", "kerntaak", "bekendheid", "imago", "relatie", "openheid")
    relations = [{**row, **({f"score_{c}": 5 for c in scores} if row["id"] == "K1" else
                            {f"score_{c}": 1 for c in scores} if row["id"] == "K3" else {})}
                 for row in RELATIONS]
    goal = {"id": "S1", "scope": "segment:investeer", "metric": "revenue", "target": 15000, **YEAR,
            "owner": "M1"}
    built = build_project(tmp_path / "with", relations=relations, business=BUSINESS, touchpoints=TOUCHPOINTS,
                          config={"goals": [goal]}, formats=["json"], strict=False)
    found = goals_of(built)["S1"]
    # Only K1 is in the invest segment: its 18,000 so far reached 15,000 already, but revenue can
    # still fall (a credit note): on course, reached so far.
    assert (found["scope_value"], found["relations"], found["actual"], found["status"]) == (
        "invest", 1, 18000.0, "on_track")
    assert found["reached_so_far"] is True
    assert built.relation("K1")["goals"]["in_scope"] == [{"id": "S1", "status": "on_track"}]
    without = build_project(tmp_path / "without", relations=relations, business=BUSINESS,
                            config={"goals": [goal], "project": {"disable_plugins": ["segmentation"]}},
                            formats=["json"], strict=False)
    assert [p["text"] for p in goals_of(without)["S1"]["problems"]] == [
        "segment scopes need the segmentation analysis, which is not loaded"]


def test_an_end_before_the_start_is_not_time_bound(tmp_path):
    goal = {"id": "T1", "scope": "portfolio", "metric": "revenue", "target": 1, "owner": "M1",
            "start": dt.date(2026, 12, 31), "end": dt.date(2026, 1, 1)}
    found = goals_of(build(tmp_path, config_goals=[goal], table_goals=[]))["T1"]
    assert [(p["criterion"], p["text"]) for p in found["problems"]] == [
        ("time_bound", "the end date lies before the start date")]
    assert (found["status"], found["unknown"]) == (None, "the end date lies before the start date")
