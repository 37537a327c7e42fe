"""One goal's progress, status, projection, evaluation and realism, from its measured numbers.

Plain arithmetic on a handful of numbers per goal (the ``goals`` analysis
aggregates the data into them with polars), so every rule can be checked by
hand. Per aggregate of the goal's metric:

``sum`` (revenue, touchpoints, referrals, new relations)
    actual = the total so far; projection = the total so far ÷ the elapsed
    share of the period (``linear_total``); achieved early once the total
    reaches the target (a total cannot fall back).
``growth`` (revenue growth)
    actual = the total so far against the same share of the baseline period's
    total, in percent: (so far ÷ (baseline total × elapsed share) − 1) × 100;
    the projection is that pace held to the end (``linear_pace``).
``mean`` (satisfaction)
    actual = the mean of the values so far; projection = baseline + (actual −
    baseline) ÷ elapsed share (``linear_change``), or the level so far held
    when no baseline is known (``level_held``).
``change`` (satisfaction change)
    actual = the mean so far − the baseline period's mean, in points;
    projection = actual ÷ elapsed share (``linear_change``).
``retention``
    actual = of the relations with a value in the baseline period, the
    percentage with one in the period so far; projection = actual ÷ elapsed
    share (``linear_total``), at most 100; achieved early once it reaches the
    target.

A running goal is ``on_track`` when its projection reaches the target (at
least it, or at most it when lower is better), else ``behind``; after the end
date ``achieved`` or ``not_achieved``, with the difference. Projections stay
within the metric's bounds (a score out of 10 is never projected at 11).

Realism compares the target with what the metric's own history gives for a
period of the goal's length: totals (``sum``, ``growth``) continue their
average growth factor over the complete history periods, levels (``mean``,
``change``, ``retention``) their average change per period; one period is held
as it is. A target beyond that expectation by more than ``margin`` of it (the
wrong way for a lower-is-better metric) is ``ambitious``: a warning, not an
error.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from relatierapport.render.labels import N_

TOTALS = ("sum", "growth")

NO_BASELINE_TOTAL = N_("the baseline period %(from)s to %(to)s has a total of 0 to compare with")
NO_BASELINE_MEAN = N_("no values in the baseline period %(from)s to %(to)s to compare with")
NO_BASELINE_ACTIVE = N_("no relation in scope has values in the baseline period %(from)s to %(to)s")
NO_VALUES_YET = N_("no values in the period yet")
NO_HISTORY = N_("no complete period before the start to compare with")
NOT_MEASURABLE = N_("the goal cannot be measured")


@dataclass
class Stat:
    """What the data hold for a goal's relations in one window."""

    total: float = 0.0
    count: int = 0
    active: int = 0            # relations with at least one value
    coverage: float = 1.0      # share of the window's days on or after the data's first day
    retention: float | None = None   # for history periods: retention against the period before


@dataclass
class Inputs:
    """Everything one goal's verdict needs."""

    aggregate: str
    target: float
    phase: str                 # not_started | running | ended
    elapsed: float             # share of the period elapsed (1 once ended)
    now: Stat
    base: Stat | None          # the baseline period (None: not needed or no start)
    history: list[Stat] = field(default_factory=list)   # periods before the start, newest first
    retained: int = 0          # retention: relations active in the baseline period and now
    baseline_given: float | None = None
    higher_is_better: bool = True
    bounds: tuple[float | None, float | None] = (None, None)
    margin: float = 0.15


@dataclass
class Verdict:
    baseline: float | None = None
    baseline_source: str | None = None      # goal | data
    base_level: float | None = None         # growth: the baseline total; change: its mean
    actual: float | None = None
    achieved_share: float | None = None
    status: str | None = None
    unknown: str | None = None
    projection: dict | None = None
    evaluation: dict | None = None
    realistic: dict = field(default_factory=dict)
    problems: list[tuple[str, dict]] = field(default_factory=list)   # (message, params): not measurable


def _clamp(value: float, bounds) -> float:
    low, high = bounds
    if low is not None:
        value = max(low, value)
    if high is not None:
        value = min(high, value)
    return value


def _better(value: float, target: float, higher: bool) -> bool:
    return value >= target if higher else value <= target


def _scaled_total(stat: Stat) -> float | None:
    """A window's total, scaled up to the whole window when the data start inside it."""
    if stat.coverage <= 0:
        return None
    return stat.total / stat.coverage


def _mean(stat: Stat | None) -> float | None:
    return stat.total / stat.count if stat is not None and stat.count else None


def evaluate(goal: Inputs) -> Verdict:
    verdict = Verdict()
    aggregate, higher = goal.aggregate, goal.higher_is_better
    base_level = _base_level(goal, verdict)
    if verdict.problems:
        verdict.unknown = NOT_MEASURABLE
        verdict.realistic = {"level": None, "unknown": NOT_MEASURABLE}
        return verdict
    verdict.base_level = base_level
    _baseline(goal, verdict, base_level)
    verdict.realistic = realism(goal, base_level)
    if goal.phase == "not_started":
        verdict.status = "not_started"
        return verdict

    elapsed = goal.elapsed if goal.phase == "running" else 1.0
    actual, method, projected = None, None, None
    if aggregate == "sum":
        actual = goal.now.total
        projected, method = actual / elapsed, "linear_total"
        verdict.achieved_share = actual / goal.target if goal.target > 0 else None
    elif aggregate == "growth":
        actual = (goal.now.total / (base_level * elapsed) - 1) * 100
        projected, method = actual, "linear_pace"
        goal_total = base_level * (1 + goal.target / 100)
        verdict.achieved_share = goal.now.total / goal_total if goal_total > 0 else None
    elif aggregate == "retention":
        actual = goal.retained / goal.base.active * 100
        projected, method = _clamp(actual / elapsed, goal.bounds), "linear_total"
        verdict.achieved_share = actual / goal.target if goal.target > 0 else None
    else:   # mean, change: levels, measured from where the goal started
        mean = _mean(goal.now)
        start = 0.0 if aggregate == "change" else verdict.baseline
        if mean is not None and aggregate == "change":
            actual = mean - base_level
            level = _clamp(base_level + actual / elapsed, goal.bounds)
            projected, method = level - base_level, "linear_change"
        elif mean is not None and start is not None:
            actual = mean
            projected, method = _clamp(start + (actual - start) / elapsed, goal.bounds), "linear_change"
        elif mean is not None:
            actual, projected, method = mean, mean, "level_held"
        if actual is not None and start is not None and (goal.target - start) * (1 if higher else -1) > 0:
            verdict.achieved_share = (actual - start) / (goal.target - start)
    if actual is None:
        verdict.unknown = NO_VALUES_YET
        return verdict
    verdict.actual = actual
    if goal.phase == "ended":
        achieved = _better(actual, goal.target, higher)
        verdict.status = "achieved" if achieved else "not_achieved"
        difference = actual - goal.target
        verdict.evaluation = {"achieved": achieved, "difference": difference,
                              "relative": difference / abs(goal.target) if goal.target else None}
        return verdict
    verdict.projection = {"value": projected, "method": method}
    monotone = aggregate in ("sum", "retention") and higher
    if monotone and actual >= goal.target:
        verdict.status = "achieved"
    else:
        verdict.status = "on_track" if _better(projected, goal.target, higher) else "behind"
    return verdict


def _base_level(goal: Inputs, verdict: Verdict) -> float | None:
    """What growth, change and retention are measured against; a problem when the data lack it."""
    base = goal.base
    if goal.aggregate == "growth":
        total = _scaled_total(base) if base is not None else None
        if not total or total <= 0:
            verdict.problems.append((NO_BASELINE_TOTAL, {}))
        return total
    if goal.aggregate == "change":
        mean = goal.baseline_given if goal.baseline_given is not None else _mean(base)
        if mean is None:
            verdict.problems.append((NO_BASELINE_MEAN, {}))
        return mean
    if goal.aggregate == "retention":
        if base is None or not base.active:
            verdict.problems.append((NO_BASELINE_ACTIVE, {}))
        return float(base.active) if base is not None else None
    return None


def _baseline(goal: Inputs, verdict: Verdict, base_level: float | None) -> None:
    """The value the goal starts from: given in the goal, else the baseline period's."""
    if goal.baseline_given is not None and goal.aggregate not in ("growth", "change"):
        verdict.baseline, verdict.baseline_source = goal.baseline_given, "goal"
        return
    if goal.aggregate in ("growth", "change"):
        verdict.baseline, verdict.baseline_source = 0.0, "data"
    elif goal.aggregate == "sum" and goal.base is not None:
        verdict.baseline, verdict.baseline_source = _scaled_total(goal.base), "data"
    elif goal.aggregate == "mean":
        mean = _mean(goal.base)
        if mean is not None:
            verdict.baseline, verdict.baseline_source = mean, "data"
    elif goal.aggregate == "retention" and goal.history and goal.history[0].retention is not None:
        verdict.baseline, verdict.baseline_source = goal.history[0].retention, "data"


def realism(goal: Inputs, base_level: float | None) -> dict:
    """Is the target within reach of the metric's own trend? ``level``: realistic, ambitious or None."""
    aggregate = goal.aggregate
    levels = []                     # the newest history periods, up to the first unusable one
    for level in _levels(goal):
        if level is None:
            break
        levels.append(level)
    if not levels:
        return {"level": None, "expected": None, "periods": 0, "unknown": NO_HISTORY}
    newest, oldest, n = levels[0], levels[-1], len(levels)
    if n == 1:
        expected = newest
    elif aggregate in TOTALS:
        expected = newest * (newest / oldest) ** (1 / (n - 1)) if oldest > 0 else newest
    else:
        expected = newest + (newest - oldest) / (n - 1)
    wanted = {"sum": goal.target, "growth": (base_level or 0) * (1 + goal.target / 100),
              "change": (base_level or 0) + goal.target}.get(aggregate, goal.target)
    gap = wanted - expected if goal.higher_is_better else expected - wanted
    ambitious = gap > goal.margin * abs(expected) if expected else gap > 0
    shown = {"growth": (expected / base_level - 1) * 100 if base_level else None,
             "change": expected - (base_level or 0)}.get(aggregate, expected)
    return {"level": "ambitious" if ambitious else "realistic", "expected": shown, "periods": n,
            "unknown": None}


def _levels(goal: Inputs) -> list[float | None]:
    """The metric's level in each history period (newest first); None where it is unusable:
    totals need the whole period covered by the data, levels need values."""
    aggregate = goal.aggregate
    if aggregate in TOTALS:
        return [stat.total if stat.coverage >= 1 else None for stat in goal.history]
    if aggregate == "retention":
        return [stat.retention for stat in goal.history]
    return [_mean(stat) for stat in goal.history]
