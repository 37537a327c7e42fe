"""One goal's verdict from its numbers: progress, status, projection, evaluation and realism.

Every expected value is worked out by hand in the comment above it. ``elapsed`` is the
share of the goal's period that has passed on the report date.
"""

from __future__ import annotations

import pytest

from relatierapport.builtin.analyses.goals.progress import Inputs, Stat, evaluate


def goal(aggregate="sum", target=100.0, phase="running", elapsed=0.5, now=None, base=None,
         history=(), **extra) -> Inputs:
    return Inputs(aggregate=aggregate, target=target, phase=phase, elapsed=elapsed,
                  now=now or Stat(), base=base, history=list(history), **extra)


# -- totals (sum) ----------------------------------------------------------------------------------

def test_a_total_ahead_of_its_pace_is_on_course():
    # 60 of 100 with half the period gone: projection 60 / 0.5 = 120 >= 100; share 60 / 100.
    verdict = evaluate(goal(now=Stat(total=60.0)))
    assert verdict.status == "on_track"
    assert verdict.actual == 60.0 and verdict.achieved_share == 0.6
    assert verdict.projection == {"value": 120.0, "method": "linear_total"}
    assert verdict.evaluation is None


def test_a_total_behind_its_pace_is_behind():
    # 40 at half time: projection 80 < 100.
    verdict = evaluate(goal(now=Stat(total=40.0)))
    assert (verdict.status, verdict.projection["value"], verdict.achieved_share) == ("behind", 80.0, 0.4)


def test_a_total_that_reached_the_target_is_achieved_before_the_end():
    # 110 >= 100 already: a total cannot fall back.
    assert evaluate(goal(now=Stat(total=110.0))).status == "achieved"


def test_after_the_end_date_the_evaluation_says_by_how_much():
    # 90 against 100: 10 short, -10%.
    missed = evaluate(goal(phase="ended", elapsed=1.0, now=Stat(total=90.0)))
    assert missed.status == "not_achieved" and missed.projection is None
    assert missed.evaluation == {"achieved": False, "difference": -10.0, "relative": -0.1}
    # 105 against 100: 5 over, +5%.
    made = evaluate(goal(phase="ended", elapsed=1.0, now=Stat(total=105.0)))
    assert made.evaluation == {"achieved": True, "difference": 5.0, "relative": 0.05}


def test_a_goal_that_has_not_started_has_no_actual_but_is_judged_for_realism():
    # One complete period before the start held 80: expected 80; 100 is 25% more (> 15%).
    verdict = evaluate(goal(phase="not_started", elapsed=0.0, history=[Stat(total=80.0)]))
    assert (verdict.status, verdict.actual, verdict.projection) == ("not_started", None, None)
    assert verdict.realistic["level"] == "ambitious"


def test_lower_is_better_compares_the_other_way():
    # At most 10 complaints: 4 at half time projects 8 <= 10.
    assert evaluate(goal(target=10.0, now=Stat(total=4.0), higher_is_better=False)).status == "on_track"
    # 6 at half time projects 12 > 10; and reaching 10 early is no achievement.
    assert evaluate(goal(target=10.0, now=Stat(total=6.0), higher_is_better=False)).status == "behind"
    assert evaluate(goal(target=10.0, phase="ended", elapsed=1.0, now=Stat(total=9.0),
                         higher_is_better=False)).status == "achieved"


# -- growth --------------------------------------------------------------------------------------

def test_growth_compares_the_pace_with_the_baseline_period():
    # Baseline period 1000; 500 in the first half: 500 / (1000 x 0.5) = 1.0, so 0% growth,
    # against +10%: behind. Share of the target total 1100 reached: 500 / 1100 = 0.4545.
    verdict = evaluate(goal("growth", target=10.0, now=Stat(total=500.0), base=Stat(total=1000.0)))
    assert verdict.actual == pytest.approx(0.0) and verdict.status == "behind"
    assert verdict.achieved_share == pytest.approx(0.454545, abs=1e-6)
    assert verdict.projection["method"] == "linear_pace"
    assert (verdict.baseline, verdict.base_level) == (0.0, 1000.0)


def test_growth_may_be_a_floor_at_most_minus_25_percent():
    # 450 at half time against 1000: (450 / 500 - 1) x 100 = -10%, above the floor of -25%.
    verdict = evaluate(goal("growth", target=-25.0, now=Stat(total=450.0), base=Stat(total=1000.0)))
    assert verdict.actual == pytest.approx(-10.0) and verdict.status == "on_track"


def test_a_baseline_period_the_data_cover_in_part_is_scaled_to_the_whole():
    # The data start 40% into the baseline period (coverage 0.6): 600 / 0.6 = 1000 for the year.
    # Ended with 1100: (1100 / 1000 - 1) x 100 = +10%, exactly the target.
    verdict = evaluate(goal("growth", target=10.0, phase="ended", elapsed=1.0, now=Stat(total=1100.0),
                            base=Stat(total=600.0, coverage=0.6)))
    assert verdict.base_level == pytest.approx(1000.0)
    assert verdict.status == "achieved" and verdict.actual == pytest.approx(10.0)


def test_growth_without_a_baseline_total_cannot_be_measured():
    verdict = evaluate(goal("growth", target=10.0, now=Stat(total=500.0), base=Stat(total=0.0)))
    assert verdict.status is None and verdict.problems
    assert verdict.problems[0][0].startswith("the baseline period %(from)s to %(to)s has a total of 0")


# -- levels: mean, change, retention ---------------------------------------------------------------

def test_a_mean_is_projected_from_its_baseline():
    # Baseline 7.0, target 8.0, mean 7.5 at half time: 7.0 + 0.5 / 0.5 = 8.0 >= 8.0; share 0.5.
    verdict = evaluate(goal("mean", target=8.0, now=Stat(total=15.0, count=2), baseline_given=7.0))
    assert verdict.actual == 7.5 and verdict.baseline_source == "goal"
    assert verdict.projection == {"value": 8.0, "method": "linear_change"}
    assert verdict.status == "on_track" and verdict.achieved_share == 0.5


def test_a_projection_stays_within_the_scale():
    # 7.0 + 0.5 / 0.1 = 12.0, shown as 10 on a scale of 10.
    verdict = evaluate(goal("mean", target=8.0, elapsed=0.1, now=Stat(total=7.5, count=1),
                            baseline_given=7.0, bounds=(0.0, 10.0)))
    assert verdict.projection["value"] == 10.0


def test_a_mean_without_a_baseline_holds_its_level_and_without_values_has_no_status():
    # No baseline given and none in the baseline period: the level so far is the projection.
    held = evaluate(goal("mean", target=8.0, now=Stat(total=7.6, count=1), base=Stat()))
    assert held.projection == {"value": 7.6, "method": "level_held"} and held.status == "behind"
    # The baseline period's mean (14 / 2 = 7.0) is the baseline when none is given.
    from_data = evaluate(goal("mean", target=8.0, now=Stat(total=7.6, count=1), base=Stat(total=14.0, count=2)))
    assert (from_data.baseline, from_data.baseline_source) == (7.0, "data")
    # No survey in the period yet: no actual, no status, and why.
    empty = evaluate(goal("mean", target=8.0, now=Stat(), baseline_given=7.0))
    assert (empty.status, empty.unknown) == (None, "no values in the period yet")


def test_a_change_is_counted_from_the_baseline_periods_mean():
    # Baseline period mean 7.0; mean so far 7.3: +0.3 points; projection 0.3 / 0.5 = +0.6 < +1.
    verdict = evaluate(goal("change", target=1.0, now=Stat(total=7.3, count=1),
                            base=Stat(total=14.0, count=2)))
    assert verdict.actual == pytest.approx(0.3) and verdict.projection["value"] == pytest.approx(0.6)
    assert verdict.status == "behind" and verdict.achieved_share == pytest.approx(0.3)


def test_retention_counts_the_relations_of_the_baseline_period_that_came_back():
    # 10 relations had business in the baseline period, 6 of them again so far: 60%;
    # projection 60 / 0.5 = 120, at most 100 >= 90: on course.
    running = evaluate(goal("retention", target=90.0, now=Stat(), base=Stat(active=10), retained=6,
                            bounds=(0.0, 100.0)))
    assert running.actual == 60.0 and running.projection["value"] == 100.0
    assert running.status == "on_track"
    ended = evaluate(goal("retention", target=90.0, phase="ended", elapsed=1.0, now=Stat(),
                          base=Stat(active=10), retained=6))
    assert ended.status == "not_achieved" and ended.evaluation["difference"] == -30.0
    nobody = evaluate(goal("retention", target=90.0, now=Stat(), base=Stat(active=0)))
    assert nobody.status is None and nobody.problems


# -- realism -------------------------------------------------------------------------------------

def test_a_total_continues_its_growth_factor():
    # History 100 (last period), 80 (the one before): factor 1.25, expected 125.
    # 150 is 25 above it, more than 15% of 125 (18.75): ambitious. 140 is 15 above: realistic.
    history = [Stat(total=100.0), Stat(total=80.0)]
    assert evaluate(goal(target=150.0, history=history)).realistic == {
        "level": "ambitious", "expected": 125.0, "periods": 2, "unknown": None}
    assert evaluate(goal(target=140.0, history=history)).realistic["level"] == "realistic"


def test_a_period_the_data_do_not_cover_ends_the_history():
    # The period before the last starts before the data: only the last one (100) counts, held.
    history = [Stat(total=100.0), Stat(total=20.0, coverage=0.3)]
    realistic = evaluate(goal(target=140.0, history=history)).realistic
    assert (realistic["expected"], realistic["periods"], realistic["level"]) == (100.0, 1, "ambitious")
    nothing = evaluate(goal(target=140.0, history=[Stat(total=5.0, coverage=0.5)])).realistic
    assert nothing["level"] is None and nothing["unknown"].startswith("no complete period")


def test_a_level_continues_its_change_per_period():
    # Means 7.5 (last period) and 7.0: +0.5 a period, expected 8.0. 10 is 2.0 above (> 1.2): ambitious;
    # 9 is 1.0 above (<= 1.2): realistic.
    history = [Stat(total=7.5, count=1), Stat(total=14.0, count=2)]
    assert evaluate(goal("mean", target=10.0, baseline_given=7.5, history=history)).realistic["level"] == "ambitious"
    assert evaluate(goal("mean", target=9.0, baseline_given=7.5, history=history)).realistic["level"] == "realistic"


def test_growth_realism_is_shown_as_the_growth_the_trend_gives():
    # Baseline 1000, history 1000 and 800: factor 1.25, expected total 1250 = +25%.
    # +50% asks 1500: 250 above 1250, more than 187.5: ambitious.
    verdict = evaluate(goal("growth", target=50.0, now=Stat(total=500.0), base=Stat(total=1000.0),
                            history=[Stat(total=1000.0), Stat(total=800.0)]))
    assert verdict.realistic["expected"] == pytest.approx(25.0) and verdict.realistic["level"] == "ambitious"


def test_the_margin_decides_what_is_ambitious():
    # Expected 100 (one period held); 120 is 20% more: ambitious at 15%, realistic at 25%.
    history = [Stat(total=100.0)]
    assert evaluate(goal(target=120.0, history=history, margin=0.15)).realistic["level"] == "ambitious"
    assert evaluate(goal(target=120.0, history=history, margin=0.25)).realistic["level"] == "realistic"
