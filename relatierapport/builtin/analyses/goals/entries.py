"""What report.json says of each goal: its verdict, SMART check, baseline and history; and per
relation the goals whose scope names it."""

from __future__ import annotations

import dataclasses

import polars as pl

from relatierapport.builtin.analyses.goals.definitions import (AMBITIOUS, BEYOND_BOUNDS, CRITERIA,
                                                               READ_AS_LIMIT,
                                                               Tracked, failed, smart_problem,
                                                               scope_usable)
from relatierapport.builtin.analyses.goals.measure import SCOPE_COLUMN
from relatierapport.builtin.analyses.goals.progress import KINDS, Inputs, Stat, Verdict, evaluate

STATUSES = ("on_track", "behind", "achieved", "not_achieved", "not_started", "within_limit",
            "outside_limit")


def _round(value, digits: int = 2):
    return None if value is None else round(value, digits)


def goal_entry(item: Tracked, found: dict | None, size: int | None, portfolio, margin: float) -> dict:
    """One goal's entry in report.json: its verdict from ``progress.evaluate`` when it could be
    measured, its SMART check, baseline period and history (``_goal`` is removed after use)."""
    goal, metric = item.goal, item.metric
    verdict = Verdict()
    usable = found is not None and not failed(item, "measurable") and not failed(item, "specific")
    if usable and item.phase is not None:
        stats = found["stats"]
        base = stats["base"]
        if goal.baseline_start and metric.aggregate in ("sum", "growth"):
            # a baseline period of another length: its total at the goal period's length
            base_days = (goal.baseline_end - goal.baseline_start).days + 1
            base = dataclasses.replace(base, coverage=base.coverage * base_days / item.elapsed["of_days"])
        verdict = evaluate(Inputs(
            aggregate=metric.aggregate, target=goal.target, phase=item.phase,
            elapsed=item.elapsed["days"] / item.elapsed["of_days"] if item.phase == "running" else
            (1.0 if item.phase == "ended" else 0.0),
            now=stats.get("now", Stat()), base=base,
            history=[stats[role] for role in _history_roles(item)],
            retained=found["retained"], baseline_given=goal.baseline,
            higher_is_better=metric.higher_is_better, bounds=metric.bounds, margin=margin,
            limit=item.limit, cumulative=getattr(metric, "cumulative", False)))
        if verdict.limit_source == "inferred":
            item.notes["limit"] = smart_problem("specific", READ_AS_LIMIT[verdict.limit],
                                                target=goal.target)
        base_from, base_to = item.windows["base"]
        for message, _ in verdict.problems:
            item.problems.append(smart_problem("measurable", message, metric=metric.name,
                                               **{"from": base_from, "to": base_to}))
    if verdict.problems or (verdict.unknown is None and verdict.status is None):
        verdict.unknown = _first_reason(item)
    realistic = verdict.realistic or {"level": None, "expected": None, "periods": 0,
                                      "unknown": _first_reason(item)}
    if realistic.get("beyond") is not None:
        item.notes["realistic"] = smart_problem("realistic", BEYOND_BOUNDS,
                                                wanted=_round(realistic["wanted"]),
                                                bound=realistic["beyond"])
    elif realistic.get("level") == "ambitious":
        item.notes["realistic"] = smart_problem("realistic", AMBITIOUS,
                                                expected=_round(realistic["expected"]),
                                                target=goal.target)
    smart = {criterion: not failed(item, criterion) for criterion in CRITERIA}
    smart["realistic"] = realistic.get("level")
    owner = portfolio.employees.get(goal.owner) if goal.owner else None
    base = item.windows.get("base")
    stats = found["stats"] if found is not None and usable else {}
    base_stat = stats.get("base")
    history = [{"from": item.windows[role][0], "to": item.windows[role][1],
                "total": _round(stats[role].total), "count": stats[role].count,
                "coverage": _round(stats[role].coverage, 4), "retention": _round(stats[role].retention)}
               for role in _history_roles(item) if role in stats]
    return {
        "_goal": goal,
        "id": goal.id, "scope": goal.scope,
        "scope_kind": item.scope[0] if item.scope else None,
        "scope_value": item.scope[1] if item.scope else None,
        "metric": metric.name if metric else goal.metric,
        "unit": metric.unit if metric else None,
        "aggregate": metric.aggregate if metric else None,
        "baseline": _round(verdict.baseline), "baseline_source": verdict.baseline_source,
        "target": goal.target, "start": goal.start, "end": goal.end,
        "owner": goal.owner, "owner_name": owner.name if owner else None,
        "origin": goal.origin, "relations": size or 0,
        "elapsed": item.elapsed,
        "kind": verdict.kind or _kind(item),
        "limit": verdict.limit or item.limit, "limit_source": verdict.limit_source or (
            "goal" if item.limit else None),
        "aim": item.aim, "aim_source": item.aim_source,
        "actual": _round(verdict.actual),
        "progress": _round(verdict.progress, 4), "expected_progress": _round(verdict.expected, 4),
        "direction": verdict.direction, "reached_so_far": verdict.reached_so_far,
        "margin": _round(verdict.margin),
        "achieved_share": _round(verdict.progress, 4),      # the old name of progress (schema 1)
        "so_far": ({"total": _round(stats["now"].total), "count": stats["now"].count,
                    "relations": stats["now"].active, "without_value": stats["now"].missing,
                    "retained": found["retained"] if metric.aggregate == "retention" else None}
                   if "now" in stats else None),
        "status": verdict.status, "unknown": verdict.unknown,
        "projection": ({"value": _round(verdict.projection["value"]),
                        "method": verdict.projection["method"]} if verdict.projection else None),
        "evaluation": ({"achieved": verdict.evaluation["achieved"],
                        "difference": _round(verdict.evaluation["difference"]),
                        "relative": _round(verdict.evaluation["relative"], 4)}
                       if verdict.evaluation else None),
        "baseline_period": ({"from": base[0], "to": base[1],
                             "total": _round(base_stat.total), "count": base_stat.count,
                             "without_value": base_stat.missing,
                             "coverage": _round(base_stat.coverage, 4),
                             "level": _round(verdict.base_level)}
                            if base is not None and base_stat is not None else None),
        "realistic": {"level": realistic.get("level"), "expected": _round(realistic.get("expected")),
                      "periods": realistic.get("periods", 0), "unknown": realistic.get("unknown")},
        "history": history,
        "smart": smart,
        "problems": item.problems + list(item.notes.values()),
    }


def _kind(item: Tracked) -> str | None:
    """The goal's kind when it could not be measured: from its limit and metric alone."""
    if item.limit:
        return "limit"
    return KINDS.get(item.metric.aggregate) if item.metric is not None else None


def _history_roles(item: Tracked) -> list[str]:
    """h1, h2, …: the periods before the start, newest first."""
    return [role for role in item.windows if role[0] == "h"]


def _first_reason(item: Tracked) -> str | None:
    for criterion in ("specific", "measurable", "time_bound"):
        for problem in item.problems:
            if problem["criterion"] == criterion:
                return problem["text"]
    return None


def goals_in_scope(facts: pl.DataFrame, tracked: list[Tracked], rows: list[dict]) -> pl.DataFrame:
    """Per relation the goals whose scope names it (not portfolio-wide ones): id and status.

    A relation is in one category and one segment, has one owner and is itself: its goals follow
    from those four keys. The few distinct combinations get their list here, and one join hands
    them out (a list per relation built in polars would cost far more)."""
    struct = pl.List(pl.Struct({"id": pl.String, "status": pl.String}))
    listed: dict[str, dict[str, list[dict]]] = {kind: {} for kind in SCOPE_COLUMN}
    for item, row in zip(tracked, rows):
        if scope_usable(item) and item.scope[0] in listed:
            listed[item.scope[0]].setdefault(item.scope[1], []).append(
                {"id": row["id"], "status": row["status"]})
    keys = {kind: f"key_{kind}" for kind in SCOPE_COLUMN if listed[kind]}
    if not keys:
        return facts.select("relation", pl.lit([], dtype=struct).alias("in_scope"))
    keyed = facts.select("relation", *(
        pl.when(pl.col(SCOPE_COLUMN[kind]).is_in(list(listed[kind]))).then(pl.col(SCOPE_COLUMN[kind]))
        .otherwise(pl.lit("")).alias(key) for kind, key in keys.items()))
    combinations = keyed.select(list(keys.values())).unique()
    lists = [[entry for kind, key in keys.items() for entry in listed[kind].get(combination[key], ())]
             for combination in combinations.iter_rows(named=True)]
    lookup = combinations.with_columns(pl.Series("in_scope", lists, dtype=struct))
    return keyed.join(lookup, on=list(keys.values()), how="left", maintain_order="left").select(
        "relation", "in_scope")
