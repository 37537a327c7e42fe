"""One goal's progress, status, projection, evaluation and realism, from its measured numbers.

Plain arithmetic on a handful of numbers per goal (the ``goals`` analysis
aggregates the data into them with polars), so every rule can be checked by
hand (docs/definitions/goals.md has them with worked examples). A goal is of
one of four kinds, and each kind has its own arithmetic:

**flow** (aggregate ``sum``: revenue, touchpoints, referrals, new relations; and
``retention``, the relations back so far)
    A total that builds up over the period from 0. actual = the total so far
    (retention: of the relations with a value in the baseline period, the
    percentage with one in the period so far). progress = actual ÷ target.
    Expected by now = the elapsed share of the period (of the target).
    Projection = actual ÷ elapsed share (``linear_total``; retention at most
    100). Achieved before the end only when the metric is ``cumulative`` (its
    values are never negative, so a total reached cannot fall back: counts,
    returned relations); a revenue total that reached its target stays
    ``on_track`` with ``reached_so_far``, because a credit note can still pull
    it under.
**change** (``growth``: revenue growth; ``change``: satisfaction change)
    A difference with the baseline period, starting at 0 and not building up:
    growth = (so far ÷ (baseline total × elapsed share) − 1) × 100, the pace of
    the period so far against the same share of the baseline period; change =
    the mean so far − the baseline period's mean, in points. progress = actual
    ÷ target. No "expected by now": the value is compared with the target as
    it is. Projection = the value so far held (``pace_held``, ``change_held``).
**level** (``mean``: satisfaction)
    A level at a moment: actual = the mean of the values so far. progress =
    (actual − baseline) ÷ (target − baseline), the distance covered from the
    baseline (given in the goal, else the baseline period's mean) to the
    target; unknown without a baseline. No "expected by now"; projection = the
    level so far held (``level_held``).
**limit** (any aggregate, with ``limit = "at_least"`` or ``"at_most"``)
    A floor or ceiling that is met or not: actual as its aggregate has it,
    ``margin`` = how far it is on the allowed side (negative: over the limit),
    never a progress percentage. Running: ``within_limit`` or
    ``outside_limit`` (a flow's projection must stay within too); ended:
    ``achieved`` or ``not_achieved``.

progress is negative when the value moved away from the target and above 1
once past it; ``direction`` says ``towards``, ``away`` or ``none``. A running
target goal is ``on_track`` when its projection reaches the target (at least
it, or at most it when lower is better), else ``behind``; after the end date
``achieved`` or ``not_achieved``, with the difference. Projections stay within
the metric's bounds (a score out of 10 is never projected at 11).

Realism compares the target with what the metric's own history gives for a
period of the goal's length: totals (``sum``, ``growth``) continue their
average growth factor over the complete history periods, levels (``mean``,
``change``, ``retention``) their average change per period; one period is held
as it is. A target beyond that expectation by more than ``margin`` of it (the
wrong way for a lower-is-better metric) is ``ambitious``: a warning, not an
error.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from relatierapport.render.labels import N_

TOTALS = ("sum", "growth")
#: The kind of a target goal by its metric's aggregate (a goal with a ``limit`` is a limit).
KINDS = {"sum": "flow", "retention": "flow", "growth": "change", "change": "change", "mean": "level"}
LIMITS = ("at_least", "at_most")

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
    missing: int = 0           # rows without a value (left out of total and count)
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
    limit: str | None = None   # at_least | at_most: the target is a floor or a ceiling
    cumulative: bool = False   # the metric's values are never negative: a total cannot fall back


@dataclass
class Verdict:
    kind: str | None = None                 # flow | change | level | limit
    baseline: float | None = None
    baseline_source: str | None = None      # goal | data
    base_level: float | None = None         # growth: the baseline total; change: its mean
    start: float | None = None              # where progress is measured from
    actual: float | None = None
    progress: float | None = None
    expected: float | None = None           # flows: the share of the target expected by now
    direction: str | None = None            # towards | away | none
    reached_so_far: bool = False            # a flow past its target that could still fall back
    limit: str | None = None                # at_least | at_most
    limit_source: str | None = None         # goal | inferred (a target on the worse side of the start)
    margin: float | None = None             # limits: how far on the allowed side
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


def higher_wanted(goal: Inputs) -> bool:
    """Which way is better for this goal: a floor wants higher, a ceiling lower, else the metric's."""
    if goal.limit is not None:
        return goal.limit == "at_least"
    return goal.higher_is_better


def evaluate(goal: Inputs) -> Verdict:
    verdict = Verdict(kind="limit" if goal.limit else KINDS.get(goal.aggregate, "flow"))
    aggregate, higher = goal.aggregate, higher_wanted(goal)
    base_level = _base_level(goal, verdict)
    if verdict.problems:
        verdict.unknown = NOT_MEASURABLE
        verdict.realistic = {"level": None, "unknown": NOT_MEASURABLE}
        return verdict
    verdict.base_level = base_level
    _baseline(goal, verdict, base_level)
    verdict.realistic = realism(goal, base_level)
    measured_as = KINDS.get(aggregate, "flow")
    verdict.start = (verdict.baseline if measured_as == "level" else 0.0)
    if goal.limit is not None:
        verdict.limit, verdict.limit_source = goal.limit, "goal"
    elif _reads_as_limit(goal, measured_as, verdict.start):
        goal = replace(goal, limit="at_least" if goal.higher_is_better else "at_most")
        verdict.kind, verdict.limit, verdict.limit_source = "limit", goal.limit, "inferred"
    if goal.phase == "not_started":
        verdict.status = "not_started"
        return verdict

    elapsed = goal.elapsed if goal.phase == "running" else 1.0
    actual, projected, method = _actual(goal, base_level, elapsed)
    if actual is None:
        verdict.unknown = NO_VALUES_YET
        return verdict
    verdict.actual = actual
    if goal.limit is not None:
        return _limit(goal, verdict, projected, method, measured_as)
    start = verdict.start
    if start is not None and goal.target != start:
        verdict.progress = (actual - start) / (goal.target - start)
        moved = actual - start
        verdict.direction = ("none" if moved == 0 else
                             "towards" if (moved > 0) == (goal.target > start) else "away")
    if goal.phase == "ended":
        achieved = _better(actual, goal.target, higher)
        verdict.status = "achieved" if achieved else "not_achieved"
        difference = actual - goal.target
        verdict.evaluation = {"achieved": achieved, "difference": difference,
                              "relative": difference / abs(goal.target) if goal.target else None}
        return verdict
    verdict.projection = {"value": projected, "method": method}
    if measured_as == "flow":
        verdict.expected = elapsed
    reached = _better(actual, goal.target, higher)
    if measured_as == "flow" and reached and goal.cumulative and higher:
        verdict.status = "achieved"          # a count reached cannot fall back
    elif measured_as == "flow":
        verdict.status = "on_track" if _better(projected, goal.target, higher) else "behind"
        verdict.reached_so_far = reached and higher
    else:
        verdict.status = "on_track" if reached else "behind"
    return verdict


def _reads_as_limit(goal: Inputs, measured_as: str, start: float | None) -> bool:
    """A change or level target on the worse side of where it starts ("revenue growth -25 %",
    "satisfaction 7 from 7.5") is a limit: nobody aims to get worse, they bound the loss."""
    if measured_as not in ("change", "level") or start is None or goal.target == start:
        return False
    return (goal.target < start) == goal.higher_is_better


def _actual(goal: Inputs, base_level: float | None, elapsed: float):
    """The value so far, its projection to the end date and the projection's method."""
    aggregate = goal.aggregate
    if aggregate == "sum":
        actual = goal.now.total
        return actual, actual / elapsed, "linear_total"
    if aggregate == "retention":
        actual = goal.retained / goal.base.active * 100
        return actual, _clamp(actual / elapsed, goal.bounds), "linear_total"
    if aggregate == "growth":
        actual = (goal.now.total / (base_level * elapsed) - 1) * 100
        return actual, actual, "pace_held"
    mean = _mean(goal.now)
    if mean is None:
        return None, None, None
    if aggregate == "change":
        return mean - base_level, mean - base_level, "change_held"
    return mean, mean, "level_held"


def _limit(goal: Inputs, verdict: Verdict, projected: float, method: str, measured_as: str) -> Verdict:
    """A floor or ceiling: met or not, with its margin; no progress percentage."""
    floor = goal.limit == "at_least"
    verdict.margin = (verdict.actual - goal.target) if floor else (goal.target - verdict.actual)
    if goal.phase == "ended":
        achieved = verdict.margin >= 0
        verdict.status = "achieved" if achieved else "not_achieved"
        verdict.evaluation = {"achieved": achieved, "difference": verdict.actual - goal.target,
                              "relative": ((verdict.actual - goal.target) / abs(goal.target)
                                           if goal.target else None)}
        return verdict
    verdict.projection = {"value": projected, "method": method}
    within = verdict.margin >= 0
    if measured_as == "flow":       # a total must stay within the limit to the end as well
        within = within and _better(projected, goal.target, floor)
    verdict.status = "within_limit" if within else "outside_limit"
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
    """Is the target within reach of the metric's own trend? ``level``: realistic, ambitious or None.
    A target whose level lies outside the metric's bounds (+3 points from 7.6 on a scale of 10)
    is ambitious whatever the trend, with ``beyond`` the bound it passes and ``wanted`` the level."""
    aggregate = goal.aggregate
    if aggregate in ("mean", "change", "retention") and goal.limit is None:
        wanted = goal.target + (base_level or 0.0) if aggregate == "change" else goal.target
        low, high = goal.bounds
        bound = high if high is not None and wanted > high else low if low is not None and wanted < low else None
        if bound is not None and (aggregate != "change" or base_level is not None):
            return {"level": "ambitious", "expected": None, "periods": 0, "unknown": None,
                    "beyond": bound, "wanted": wanted}
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
    gap = wanted - expected if higher_wanted(goal) else expected - wanted
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
