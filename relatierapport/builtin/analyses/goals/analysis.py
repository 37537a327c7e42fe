"""The goals analysis from start to end: define every goal, measure it, judge it."""

from __future__ import annotations

from relatierapport.builtin.analyses.goals.definitions import (AIMS, DUPLICATE, EMPTY_SCOPE,
                                                               NO_SCOPE_VALUES, Tracked, define,
                                                               failed, located, metric_lookup,
                                                               smart_problem)
from relatierapport.builtin.analyses.goals.entries import STATUSES, goal_entry, goals_in_scope
from relatierapport.builtin.analyses.goals.measure import measure, relation_facts, scope_sizes
from relatierapport.errors import Problem
from relatierapport.hooktypes import Findings

NAME = "goals"


def analyse(portfolio, config, findings, goal_metrics) -> Findings:
    """Every goal defined, measured and judged; problems that stop a goal are warnings."""
    options = config.plugin(NAME)
    history = options["history_periods"]
    margin = options["ambitious_margin"]
    as_of = config.as_of
    warnings: list[Problem] = []
    metrics = metric_lookup(goal_metrics)

    goals, first_at = [], {}
    for goal in [*config.goals, *portfolio.goals]:
        if goal.id in first_at:
            warnings.append(located(goal, smart_problem("specific", DUPLICATE, id=goal.id,
                                                        first=first_at[goal.id])))
            continue
        first_at[goal.id] = goal.origin
        goals.append(goal)

    tracked = [define(goal, metrics, portfolio.employees, portfolio.relations,
                      "segmentation" in findings, as_of, history) for goal in goals]
    facts = relation_facts(portfolio, findings, {t.scope[0] for t in tracked if t.scope})
    sizes = scope_sizes(facts, tracked)
    for index, item in enumerate(tracked):
        if item.scope is not None and index not in sizes and not failed(item, "specific") \
                and not failed(item, "measurable"):
            item.problems.append(smart_problem("measurable", EMPTY_SCOPE))

    measured: dict[int, dict] = {}
    by_metric: dict[str, list[tuple[int, Tracked]]] = {}
    for index, item in enumerate(tracked):
        if item.metric is not None and index in sizes:
            by_metric.setdefault(item.metric.name, []).append((index, item))
    for name, group in sorted(by_metric.items()):
        metric = group[0][1].metric
        values = metric.values(portfolio, config)
        if values is None:
            for _, item in group:
                item.problems.append(smart_problem("measurable", metric.missing))
            continue
        timed = [(index, item) for index, item in group if item.windows]
        measured.update(measure(metric, values, facts, timed, as_of, history) if timed else {})
        for index, item in group:
            found = measured.get(index)
            if (metric.aggregate in ("mean", "change", "retention") and found is not None
                    and not found["stats"]["ever"].count):
                item.problems.append(smart_problem("measurable", NO_SCOPE_VALUES, metric=metric.name))

    rows = []
    for index, item in enumerate(tracked):
        rows.append(goal_entry(item, measured.get(index), sizes.get(index), portfolio, margin))
    for row in rows:
        for problem in row["problems"]:
            if problem["criterion"] in ("specific", "measurable"):     # it cannot be computed
                warnings.append(located(row["_goal"], problem))
    per_relation = goals_in_scope(facts, tracked, rows)
    for row in rows:
        del row["_goal"]
    counts = dict.fromkeys((*STATUSES, "unknown"), 0)
    aims = {aim: {"goals": 0, "statuses": dict.fromkeys((*STATUSES, "unknown"), 0)}
            for aim in (*AIMS, "none")}
    for row in rows:
        status, aim = row["status"] or "unknown", aims[row["aim"] or "none"]
        counts[status] += 1
        aim["goals"] += 1
        aim["statuses"][status] += 1
    portfolio_findings = {
        "goals": rows, "counts": counts, "aims": aims,
        "with_problems": sum(1 for row in rows if row["problems"]),
        "ambitious": sum(1 for row in rows if row["smart"]["realistic"] == "ambitious"),
        "metrics": {metric.name: {"aggregate": metric.aggregate, "unit": metric.unit,
                                  "value_unit": getattr(metric, "value_unit", None),
                                  "aliases": list(metric.aliases), "description": metric.description}
                    for metric in sorted(set(metrics.values()), key=lambda m: m.name)},
        "options": {"ambitious_margin": margin, "history_periods": history},
    }
    return Findings(relations=per_relation, portfolio=portfolio_findings, warnings=warnings)
