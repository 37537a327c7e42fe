"""Built-in plugin ``goals``: is each SMART goal on track, honestly?

Goals come from config.toml (``[[goals]]``) and from goals tables (a source
with ``table = "goals"``), the same ``Goal`` record either way. Each names a
scope (``portfolio``, ``category:A``, ``segment:invest``, ``relation:<id>``,
``owner:<employee id>``; Dutch words too) and a metric from the
``goal_metrics`` hook (the built-in ones, or a plugin's). Per goal:

- a SMART check: specific (scope and metric named, the scope exists),
  measurable (the metric can be computed from the data at hand, else the
  reason, also a warning in ``check``), acceptable (an owner who is an
  employee), realistic (the target against the metric's own trend; ambitious
  is a warning, not an error) and time-bound (start and end dates);
- progress as of the report date: actual, target, elapsed share against
  achieved share, status and a projection with its method, or after the end
  date the evaluation (``relatierapport.builtin.analyses.goals.progress`` has the arithmetic).

Per relation, report.json lists only the goals whose scope names it (a
category, segment, owner or the relation itself: ids and statuses);
portfolio-wide goals are in the portfolio findings only.

The package: ``definitions`` (reading and checking a goal), ``measure`` (the
metrics per window, in polars), ``progress`` (the arithmetic of a verdict),
``entries`` (report.json's goal entries), ``analysis`` (the run from start to
end) and ``view`` (what the sections show).
"""

from __future__ import annotations

from relatierapport import hookimpl
from relatierapport.builtin.analyses.goals.analysis import NAME, analyse
from relatierapport.hooktypes import Analysis, Section
from relatierapport.options import Integer, Number, Option, OptionGroup


@hookimpl
def config_options():
    return [OptionGroup(f"plugins.{NAME}", (
        Option("ambitious_margin", Number(minimum=0.0, maximum=10.0), 0.15,
               "A target beyond what the metric's own trend gives for the goal's period by more "
               "than this share of it (0.15 = 15%) is marked ambitious (a warning, not an error)."),
        Option("history_periods", Integer(minimum=1, maximum=10), 2,
               "Periods of the goal's length before its start that make the trend the target is "
               "checked against (1: the previous period held as it was)."),
    ), "Goals: SMART check, progress, status and projection of every goal in config.toml "
       "([[goals]]) and in goals tables.")]


@hookimpl
def analyses():
    return [Analysis(NAME, analyse, after=("segmentation", "cadence"), collects=("goal_metrics",),
                     description="SMART goals: check, progress, status, projection, evaluation.")]


def _view(report):
    """The goals as shown, once per build (the relation plans look theirs up by id)."""
    from relatierapport.render.formatting import filters_for
    from relatierapport.render.goal_view import GoalView

    def make():
        found = report.findings[NAME].portfolio
        view = GoalView(report.translate, filters_for(report),
                        report.portfolio.relations, report.portfolio.employees, found["metrics"])
        rows = [view.row(row) for row in found["goals"]]
        return {"rows": rows, "by_id": {row["id"]: row for row in rows},
                "methods": view.methods(rows), "view": view}
    return report.memo("goals.view", make)


@hookimpl
def report_sections(kind, relation, report):
    found = report.findings.get(NAME)
    if found is None or not found.portfolio["goals"]:
        return []
    shown = _view(report)
    if kind == "portfolio":
        data = {"goals": shown["rows"], "counts": found.portfolio["counts"], "as_of": report.as_of,
                "methods": shown["methods"], "aims": shown["view"].aims(found.portfolio["aims"])}
        return [Section("goals", report.translate("Goals"), "sections/goals_portfolio.html", 50, data)]
    ids = [entry["id"] for entry in found.relations[relation.id]["in_scope"]]
    if not ids:
        return []
    goals = [shown["by_id"][goal_id] for goal_id in ids]
    return [Section("goals", report.translate("Goals"), "sections/goals_relation.html", 50,
                    {"goals": goals, "as_of": report.as_of, "methods": shown["view"].methods(goals)})]
