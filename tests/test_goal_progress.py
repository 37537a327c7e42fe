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


# -- flows: totals that build up over the period (sum, retention) -----------------------------------

def test_a_flow_ahead_of_its_pace_is_on_course():
    # 60 of 100 with half the period gone: progress 60 / 100 = 0.6, expected by now 0.5;
    # projection 60 / 0.5 = 120 >= 100.
    verdict = evaluate(goal(now=Stat(total=60.0)))
    assert (verdict.kind, verdict.status) == ("flow", "on_track")
    assert verdict.actual == 60.0 and verdict.progress == 0.6 and verdict.expected == 0.5
    assert verdict.projection == {"value": 120.0, "method": "linear_total"}
    assert verdict.direction == "towards" and verdict.evaluation is None


def test_a_flow_behind_its_pace_is_behind():
    # 40 at half time: progress 0.4 against 0.5 expected; projection 80 < 100.
    verdict = evaluate(goal(now=Stat(total=40.0)))
    assert (verdict.status, verdict.projection["value"], verdict.progress) == ("behind", 80.0, 0.4)


def test_a_count_past_its_target_is_achieved_before_the_end():
    # 110 >= 100 already, and a count never falls: achieved, progress 1.1.
    verdict = evaluate(goal(now=Stat(total=110.0), cumulative=True))
    assert verdict.status == "achieved" and verdict.progress == pytest.approx(1.1)
    assert verdict.reached_so_far is False


def test_revenue_past_its_target_stays_on_course_until_the_end():
    # 110 of 100 at half time, but revenue can fall (a credit note): on course, reached so far.
    verdict = evaluate(goal(now=Stat(total=110.0), cumulative=False))
    assert verdict.status == "on_track" and verdict.reached_so_far is True


def test_a_credit_note_after_the_target_was_reached_can_still_miss_it():
    # 110 reached, then a credit note of -15: 95 at the end, 5 short: not achieved, -5%.
    verdict = evaluate(goal(phase="ended", elapsed=1.0, now=Stat(total=110.0 - 15.0)))
    assert verdict.status == "not_achieved"
    assert verdict.evaluation == {"achieved": False, "difference": -5.0, "relative": -0.05}
    assert verdict.progress == pytest.approx(0.95)


def test_a_flow_that_went_below_zero_moves_away():
    # Credit notes larger than the deals: -20 so far against 100: progress -0.2, away, behind.
    verdict = evaluate(goal(now=Stat(total=-20.0)))
    assert verdict.progress == pytest.approx(-0.2) and verdict.direction == "away"
    assert verdict.status == "behind"


def test_after_the_end_date_the_evaluation_says_by_how_much():
    # 90 against 100: 10 short, -10%.
    missed = evaluate(goal(phase="ended", elapsed=1.0, now=Stat(total=90.0)))
    assert missed.status == "not_achieved" and missed.projection is None
    assert missed.evaluation == {"achieved": False, "difference": -10.0, "relative": -0.1}
    assert missed.expected is None
    # 105 against 100: 5 over, +5%.
    made = evaluate(goal(phase="ended", elapsed=1.0, now=Stat(total=105.0)))
    assert made.evaluation == {"achieved": True, "difference": 5.0, "relative": 0.05}


def test_a_flow_counts_from_zero_whatever_its_reference_baseline():
    # Referrals: 1 last year (the baseline), 3 wanted this year; 2 so far: progress 2 / 3, not
    # (2 - 1) / (3 - 1). A baseline of 0 changes nothing.
    for baseline in (1.0, 0.0):
        verdict = evaluate(goal(target=3.0, now=Stat(total=2.0), baseline_given=baseline))
        assert verdict.progress == pytest.approx(2 / 3) and verdict.start == 0.0


def test_a_goal_that_has_not_started_has_no_actual_but_is_judged_for_realism():
    # One complete period before the start held 80: expected 80; 100 is 25% more (> 15%).
    verdict = evaluate(goal(phase="not_started", elapsed=0.0, history=[Stat(total=80.0)]))
    assert (verdict.status, verdict.actual, verdict.projection) == ("not_started", None, None)
    assert verdict.progress is None and verdict.realistic["level"] == "ambitious"


def test_lower_is_better_compares_the_other_way():
    # At most 10 complaints: 4 at half time projects 8 <= 10.
    assert evaluate(goal(target=10.0, now=Stat(total=4.0), higher_is_better=False)).status == "on_track"
    # 6 at half time projects 12 > 10; and reaching 10 early is no achievement.
    assert evaluate(goal(target=10.0, now=Stat(total=6.0), higher_is_better=False)).status == "behind"
    assert evaluate(goal(target=10.0, phase="ended", elapsed=1.0, now=Stat(total=9.0),
                         higher_is_better=False)).status == "achieved"


def test_retention_counts_the_relations_of_the_baseline_period_that_came_back():
    # 10 relations had business in the baseline period, 6 of them again so far: 60%; progress
    # 60 / 90 = 0.667 against 0.5 expected; projection 60 / 0.5 = 120, at most 100 >= 90.
    running = evaluate(goal("retention", target=90.0, now=Stat(), base=Stat(active=10), retained=6,
                            bounds=(0.0, 100.0), cumulative=True))
    assert running.kind == "flow" and running.actual == 60.0
    assert running.progress == pytest.approx(2 / 3) and running.expected == 0.5
    assert running.projection["value"] == 100.0 and running.status == "on_track"
    # 9 of 10 back: 90% reached, and a return cannot be undone: achieved early.
    early = evaluate(goal("retention", target=90.0, now=Stat(), base=Stat(active=10), retained=9,
                          cumulative=True))
    assert early.status == "achieved"
    ended = evaluate(goal("retention", target=90.0, phase="ended", elapsed=1.0, now=Stat(),
                          base=Stat(active=10), retained=6))
    assert ended.status == "not_achieved" and ended.evaluation["difference"] == -30.0
    nobody = evaluate(goal("retention", target=90.0, now=Stat(), base=Stat(active=0)))
    assert nobody.status is None and nobody.problems


# -- changes: growth and change against the baseline period -------------------------------------

def test_growth_compares_the_pace_with_the_baseline_period():
    # Baseline period 1000; 500 in the first half: 500 / (1000 x 0.5) = 1.0, so 0% growth,
    # against +10%: progress 0 / 10 = 0, behind; no "expected by now" for a change.
    verdict = evaluate(goal("growth", target=10.0, now=Stat(total=500.0), base=Stat(total=1000.0)))
    assert verdict.kind == "change" and verdict.actual == pytest.approx(0.0)
    assert verdict.status == "behind" and verdict.progress == pytest.approx(0.0)
    assert verdict.expected is None and verdict.direction == "none"
    assert verdict.projection == {"value": pytest.approx(0.0), "method": "pace_held"}
    assert (verdict.baseline, verdict.base_level) == (0.0, 1000.0)


def test_shrinking_revenue_against_a_growth_target_moves_away():
    # The example's K012: baseline 1000, 425 at half time: (425 / 500 - 1) x 100 = -15%;
    # target +5%: progress -15 / 5 = -3.0, moving away, behind (never "reached").
    verdict = evaluate(goal("growth", target=5.0, now=Stat(total=425.0), base=Stat(total=1000.0)))
    assert verdict.actual == pytest.approx(-15.0) and verdict.progress == pytest.approx(-3.0)
    assert (verdict.direction, verdict.status) == ("away", "behind")


def test_growth_past_its_target_is_on_course_but_not_achieved_before_the_end():
    # 600 at half time against 1000: +20%, past +10%: progress 2.0, on course.
    verdict = evaluate(goal("growth", target=10.0, now=Stat(total=600.0), base=Stat(total=1000.0)))
    assert verdict.progress == pytest.approx(2.0) and verdict.status == "on_track"


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


def test_a_change_is_counted_from_the_baseline_periods_mean_and_held():
    # Baseline period mean 14 / 2 = 7.0; mean so far 7.3: +0.3 points; held, not scaled by the
    # time passed: projection +0.3 < +1, behind; progress 0.3 / 1.
    verdict = evaluate(goal("change", target=1.0, now=Stat(total=7.3, count=1),
                            base=Stat(total=14.0, count=2)))
    assert verdict.actual == pytest.approx(0.3)
    assert verdict.projection == {"value": pytest.approx(0.3), "method": "change_held"}
    assert verdict.status == "behind" and verdict.progress == pytest.approx(0.3)
    # 8.2 so far: +1.2 already meets +1: on course (a level can fall again: not achieved yet).
    past = evaluate(goal("change", target=1.0, now=Stat(total=8.2, count=1), base=Stat(total=14.0, count=2)))
    assert past.status == "on_track" and past.progress == pytest.approx(1.2)


# -- levels: a mean at a moment -------------------------------------------------------------------

def test_a_level_is_compared_with_its_target_not_with_the_time_passed():
    # Baseline 7.0, target 8.0, mean 7.5 at half time: progress (7.5 - 7) / (8 - 7) = 0.5;
    # the level held is 7.5 < 8.0: behind, although half the period passed and half the way
    # is covered.
    verdict = evaluate(goal("mean", target=8.0, now=Stat(total=15.0, count=2), baseline_given=7.0))
    assert verdict.kind == "level" and verdict.actual == 7.5 and verdict.baseline_source == "goal"
    assert verdict.projection == {"value": 7.5, "method": "level_held"}
    assert verdict.status == "behind" and verdict.progress == 0.5 and verdict.expected is None
    on = evaluate(goal("mean", target=8.0, now=Stat(total=16.4, count=2), baseline_given=7.0))
    assert on.status == "on_track" and on.progress == pytest.approx(1.2)


def test_a_level_that_fell_moves_away():
    # Baseline 7.5 (D08 of the example), target 8.0, mean 6.9: progress (6.9 - 7.5) / 0.5 = -1.2.
    verdict = evaluate(goal("mean", target=8.0, now=Stat(total=6.9, count=1), baseline_given=7.5))
    assert verdict.progress == pytest.approx(-1.2) and verdict.direction == "away"
    assert verdict.status == "behind"


def test_a_mean_without_a_baseline_has_no_progress_and_without_values_has_no_status():
    # No baseline given and none in the baseline period: no distance to measure; the level so
    # far is the projection.
    held = evaluate(goal("mean", target=8.0, now=Stat(total=7.6, count=1), base=Stat()))
    assert held.projection == {"value": 7.6, "method": "level_held"} and held.status == "behind"
    assert held.progress is None
    # The baseline period's mean (14 / 2 = 7.0) is the baseline when none is given.
    from_data = evaluate(goal("mean", target=8.0, now=Stat(total=7.6, count=1), base=Stat(total=14.0, count=2)))
    assert (from_data.baseline, from_data.baseline_source) == (7.0, "data")
    # No survey in the period yet: no actual, no status, and why.
    empty = evaluate(goal("mean", target=8.0, now=Stat(), baseline_given=7.0))
    assert (empty.status, empty.unknown) == (None, "no values in the period yet")


def test_a_level_from_a_zero_baseline_and_exactly_on_target():
    # Baseline 0 (a score that starts from nothing), target 8, mean 8: progress (8 - 0) / (8 - 0)
    # = 1.0, on course; 4: 0.5, behind.
    on = evaluate(goal("mean", target=8.0, now=Stat(total=8.0, count=1), baseline_given=0.0))
    assert (on.progress, on.status, on.direction) == (1.0, "on_track", "towards")
    half = evaluate(goal("mean", target=8.0, now=Stat(total=4.0, count=1), baseline_given=0.0))
    assert (half.progress, half.status) == (0.5, "behind")


def test_a_change_exactly_on_target_and_a_credit_note_after_it():
    # Baseline 1000; 550 at half time: (550 / 500 - 1) x 100 = +10%, exactly +10%: progress 1.0,
    # on course. A credit note of -60 after it: 490 -> -2%, progress -0.2, moving away.
    on = evaluate(goal("growth", target=10.0, now=Stat(total=550.0), base=Stat(total=1000.0)))
    assert on.progress == pytest.approx(1.0) and on.status == "on_track"
    after = evaluate(goal("growth", target=10.0, now=Stat(total=550.0 - 60.0), base=Stat(total=1000.0)))
    assert after.progress == pytest.approx(-0.2) and (after.direction, after.status) == ("away", "behind")


# -- limits: a floor or a ceiling, met or not ----------------------------------------------------

def test_growth_at_least_minus_25_percent_is_a_floor_with_its_margin():
    # 450 at half time against 1000: (450 / 500 - 1) x 100 = -10%: 15 points above the floor.
    verdict = evaluate(goal("growth", target=-25.0, now=Stat(total=450.0), base=Stat(total=1000.0),
                            limit="at_least"))
    assert (verdict.kind, verdict.limit, verdict.limit_source) == ("limit", "at_least", "goal")
    assert verdict.status == "within_limit" and verdict.margin == pytest.approx(15.0)
    assert verdict.progress is None
    # The example's C goal: +35.7% is far within the floor, not "151 % of the way to -25 %".
    grown = evaluate(goal("growth", target=-25.0, now=Stat(total=678.5), base=Stat(total=1000.0),
                          limit="at_least"))
    assert grown.status == "within_limit" and grown.margin == pytest.approx(35.7 + 25.0)
    # 350 at half time: -30%, 5 points under the floor.
    under = evaluate(goal("growth", target=-25.0, now=Stat(total=350.0), base=Stat(total=1000.0),
                          limit="at_least"))
    assert under.status == "outside_limit" and under.margin == pytest.approx(-5.0)


def test_a_growth_target_below_zero_without_a_limit_is_read_as_a_floor_and_says_so():
    verdict = evaluate(goal("growth", target=-25.0, now=Stat(total=450.0), base=Stat(total=1000.0)))
    assert (verdict.kind, verdict.limit, verdict.limit_source) == ("limit", "at_least", "inferred")
    assert verdict.status == "within_limit"


def test_a_limit_is_met_or_not_at_the_end():
    # At least 90% retention: 9 of 10 back at the end: met, margin 0; 8 of 10: missed by 10.
    met = evaluate(goal("retention", target=90.0, phase="ended", elapsed=1.0, now=Stat(),
                        base=Stat(active=10), retained=9, limit="at_least"))
    assert met.status == "achieved" and met.margin == pytest.approx(0.0)
    missed = evaluate(goal("retention", target=90.0, phase="ended", elapsed=1.0, now=Stat(),
                           base=Stat(active=10), retained=8, limit="at_least"))
    assert missed.status == "not_achieved" and missed.margin == pytest.approx(-10.0)


def test_a_ceiling_on_a_flow_also_judges_its_projection():
    # At most 10 touchpoints of a kind: 6 at half time is within now, but projects 12 > 10.
    verdict = evaluate(goal(target=10.0, now=Stat(total=6.0), limit="at_most"))
    assert verdict.margin == pytest.approx(4.0) and verdict.status == "outside_limit"
    assert evaluate(goal(target=10.0, now=Stat(total=4.0), limit="at_most")).status == "within_limit"


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


def test_a_target_beyond_the_scale_is_out_of_reach_whatever_the_trend():
    # +3 points from a baseline mean of 7.6 asks 10.6 on a scale that ends at 10.
    verdict = evaluate(goal("change", target=3.0, now=Stat(total=7.0, count=1),
                            base=Stat(total=7.6, count=1), bounds=(0.0, 10.0)))
    assert verdict.realistic["level"] == "ambitious"
    assert (verdict.realistic["beyond"], verdict.realistic["wanted"]) == (10.0, pytest.approx(10.6))
    # +2 asks 9.6: within the scale, judged by the trend (none here)
    within = evaluate(goal("change", target=2.0, now=Stat(total=7.0, count=1),
                           base=Stat(total=7.6, count=1), bounds=(0.0, 10.0)))
    assert within.realistic["level"] is None and "beyond" not in within.realistic
    # 110 % retention
    assert evaluate(goal("retention", target=110.0, now=Stat(), base=Stat(active=10), retained=6,
                         bounds=(0.0, 100.0))).realistic["beyond"] == 100.0


def test_the_margin_decides_what_is_ambitious():
    # Expected 100 (one period held); 120 is 20% more: ambitious at 15%, realistic at 25%.
    history = [Stat(total=100.0)]
    assert evaluate(goal(target=120.0, history=history, margin=0.15)).realistic["level"] == "ambitious"
    assert evaluate(goal(target=120.0, history=history, margin=0.25)).realistic["level"] == "realistic"
