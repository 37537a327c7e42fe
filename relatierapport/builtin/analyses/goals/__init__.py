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

The data are aggregated per metric in one polars pass over its values (every
window any goal needs at once), then per goal over its relations with one
join: no Python loop per relation, so 100,000 relations cost what a few
thousand do. Per relation, report.json lists only the goals whose scope names
it (a category, segment, owner or the relation itself: ids and statuses);
portfolio-wide goals are in the portfolio findings only.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from dataclasses import dataclass, field

import polars as pl

from relatierapport import hookimpl
from relatierapport.dates import add_months
from relatierapport.errors import Problem
from relatierapport.builtin.analyses.goals.progress import Inputs, Stat, Verdict, evaluate
from relatierapport.hooktypes import Analysis, Findings, Section
from relatierapport.render.labels import N_
from relatierapport.options import Integer, Number, Option, OptionGroup
from relatierapport.relation_table import relation_columns

NAME = "goals"
STATUSES = ("on_track", "behind", "achieved", "not_achieved", "not_started")
CRITERIA = ("specific", "measurable", "acceptable", "realistic", "time_bound")
SCOPE_KINDS = ("portfolio", "category", "segment", "relation", "owner")
#: Words users write for a scope kind (the kind itself always counts).
SCOPE_WORDS = {
    "portfolio": ("portefeuille", "alle", "all", "totaal"),
    "category": ("categorie", "cat"),
    "segment": (),
    "relation": ("relatie", "klant"),
    "owner": ("eigenaar", "accountmanager", "medewerker", "employee"),
}
SEGMENT_WORDS = {"invest": ("investeer", "investeren"), "develop": ("ontwikkel", "ontwikkelen"),
                 "harvest": ("oogst", "oogsten"), "ignore": ("negeer", "negeren")}
CATEGORIES = ("A", "B", "C")
#: The first day the data could hold: a window from here counts everything up to the report date.
EVER = dt.date(1, 1, 1)
#: Metric values are summed as whole ten-thousandths (see ``_window_sums``).
VALUE_UNIT = 10_000

NO_METRIC = N_("no metric named")
UNKNOWN_METRIC = N_("unknown metric %(metric)s (known: %(known)s)")
NO_TARGET = N_("no target value")
BAD_SCOPE = N_("scope %(scope)s is not portfolio, category:X, segment:X, relation:<id> or owner:<id>")
BAD_CATEGORY = N_("category %(value)s is not A, B or C")
BAD_SEGMENT = N_("segment %(value)s is not invest, develop, harvest or ignore")
NO_RELATION = N_("no relation has the id %(value)s")
NO_EMPLOYEE = N_("no employee has the id %(value)s")
NO_SEGMENTS = N_("segment scopes need the segmentation analysis, which is not loaded")
EMPTY_SCOPE = N_("no relation in scope")
NO_SCOPE_VALUES = N_("no %(metric)s values for the relations in scope")
NO_OWNER = N_("no owner")
OWNER_UNKNOWN = N_("owner %(owner)s is not an employee")
NO_START = N_("no start date")
NO_END = N_("no end date")
END_BEFORE_START = N_("the end date lies before the start date")
AMBITIOUS = N_("ambitious: the trend gives %(expected)s, the target asks %(target)s")
DUPLICATE = N_("goal id %(id)s is used again (first at %(first)s)")


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


# -- goal definitions --------------------------------------------------------------------------

def _key(word: str) -> str:
    return re.sub(r"[\s_\-.]+", " ", word.strip().lower())


def metric_lookup(metrics) -> dict[str, object]:
    """Every name and alias (lowercased, separators squeezed) -> its metric; names win over
    aliases, and the first plugin's alias wins over a later one's."""
    lookup = {}
    for metric in metrics:
        for word in metric.aliases:
            lookup.setdefault(_key(word), metric)
    lookup.update({_key(metric.name): metric for metric in metrics})
    return lookup


_SCOPE_LOOKUP = {_key(word): kind for kind, words in SCOPE_WORDS.items() for word in (kind, *words)}
_SEGMENT_LOOKUP = {_key(word): seg for seg, words in SEGMENT_WORDS.items() for word in (seg, *words)}


def parse_scope(text: str | None) -> tuple[str, str | None] | None:
    """``category:A`` -> ("category", "A"); ``portefeuille`` -> ("portfolio", None); None if unreadable."""
    text = (text or "portfolio").strip()
    kind_word, sep, value = text.partition(":")
    kind = _SCOPE_LOOKUP.get(_key(kind_word))
    if kind is None:
        return None
    value = value.strip()
    if kind == "portfolio":
        return (kind, None) if not value else None
    if not sep or not value:
        return None
    if kind == "category":
        value = value.upper()
    elif kind == "segment":
        value = _SEGMENT_LOOKUP.get(_key(value), value)
    return kind, value


def previous_period(start: dt.date, end: dt.date) -> tuple[dt.date, dt.date]:
    """The period of the same length right before: whole months stay whole months (2026 -> 2025,
    Q2 -> Q1), other periods step back their number of days."""
    after = end + dt.timedelta(days=1)
    if start.day == 1 and after.day == 1:
        months = (after.year - start.year) * 12 + after.month - start.month
        return add_months(start, -months), start - dt.timedelta(days=1)
    days = (end - start).days + 1
    return start - dt.timedelta(days=days), start - dt.timedelta(days=1)


@dataclass
class Tracked:
    """One goal on its way through the analysis."""

    goal: object
    metric: object = None
    scope: tuple[str, str | None] | None = None
    phase: str | None = None
    elapsed: dict | None = None
    windows: dict = field(default_factory=dict)      # role -> (from, to)
    problems: list[dict] = field(default_factory=list)
    notes: dict = field(default_factory=dict)        # criterion -> problem dict (SMART)


def _problem(criterion: str, message: str, **params) -> dict:
    """A SMART problem: the English text, and the message and its values for the report to translate."""
    text = message % {k: (v.isoformat() if isinstance(v, dt.date) else v) for k, v in params.items()}
    return {"criterion": criterion, "message": message, "params": params, "text": text}


def _define(goal, metrics: dict, employees: dict, relations: dict, segments_loaded: bool,
            as_of: dt.date, history: int) -> Tracked:
    """The goal's metric, scope, period and windows, with every SMART problem found on the way."""
    tracked = Tracked(goal)
    add = tracked.problems.append
    if not goal.metric:
        add(_problem("specific", NO_METRIC))
    else:
        tracked.metric = metrics.get(_key(goal.metric))
        if tracked.metric is None:
            known = ", ".join(sorted({m.name for m in metrics.values()}))
            add(_problem("measurable", UNKNOWN_METRIC, metric=goal.metric, known=known))
    tracked.scope = parse_scope(goal.scope)
    if tracked.scope is None:
        add(_problem("specific", BAD_SCOPE, scope=goal.scope))
    else:
        kind, value = tracked.scope
        if kind == "category" and value not in CATEGORIES:
            add(_problem("specific", BAD_CATEGORY, value=value))
        elif kind == "segment" and value not in SEGMENT_WORDS:
            add(_problem("specific", BAD_SEGMENT, value=value))
        elif kind == "segment" and not segments_loaded:
            add(_problem("measurable", NO_SEGMENTS))
        elif kind == "relation" and value not in relations:
            add(_problem("specific", NO_RELATION, value=value))
        elif kind == "owner" and employees and value not in employees:
            add(_problem("specific", NO_EMPLOYEE, value=value))
    if goal.target is None:
        add(_problem("measurable", NO_TARGET))
    if not goal.owner:
        add(_problem("acceptable", NO_OWNER))
    elif employees and goal.owner not in employees:
        add(_problem("acceptable", OWNER_UNKNOWN, owner=goal.owner))
    if goal.start is None:
        add(_problem("time_bound", NO_START))
    if goal.end is None:
        add(_problem("time_bound", NO_END))
    if goal.start and goal.end and goal.end < goal.start:
        add(_problem("time_bound", END_BEFORE_START))
    if any(p["criterion"] == "time_bound" for p in tracked.problems):
        return tracked
    start, end = goal.start, goal.end
    days = (end - start).days + 1
    if as_of < start:
        tracked.phase, done = "not_started", 0
    elif as_of >= end:
        tracked.phase, done = "ended", days
    else:
        tracked.phase, done = "running", (as_of - start).days + 1
    tracked.elapsed = {"days": done, "of_days": days, "share": round(done / days, 4)}
    if tracked.phase != "not_started":
        tracked.windows["now"] = (start, min(end, as_of))
    period = (start, end)
    for number in range(1, history + 1):
        period = previous_period(*period)
        tracked.windows[f"h{number}"] = period
    tracked.windows["base"] = ((goal.baseline_start, goal.baseline_end) if goal.baseline_start
                               else tracked.windows["h1"])
    tracked.windows["ever"] = (EVER, as_of)
    return tracked


# -- measuring ---------------------------------------------------------------------------------

def _aligned(base: pl.DataFrame, other: pl.DataFrame) -> pl.DataFrame:
    """``other``'s columns next to ``base``'s, by relation; without a join when both list the
    relations in the same order (analyses return them in portfolio order)."""
    if other.height == base.height and other["relation"].equals(base["relation"]):
        return base.hstack(other.drop("relation").get_columns())
    return base.join(other, on="relation", how="left", maintain_order="left")


def _relation_facts(portfolio, findings, kinds: set[str]) -> pl.DataFrame:
    """Per relation what the goals' scopes select on (only the ``kinds`` in use are looked up):
    category as the cadence analysis has it (segmentation's, else the data's, else its default),
    owner, segment."""
    frame = portfolio.relation_frame().select("relation", "category", "owner")
    cadence, segmentation = findings.get("cadence"), findings.get("segmentation")
    if "category" in kinds and cadence is not None:
        found = relation_columns(cadence.relations, {"category": pl.String})
        frame = _aligned(frame.drop("category"), found)
    elif "category" in kinds and segmentation is not None:
        found = relation_columns(segmentation.relations, {"category": pl.String})
        frame = _aligned(frame, found.rename({"category": "derived"})).select(
            "relation", pl.coalesce("derived", "category").alias("category"), "owner")
    if "segment" in kinds and segmentation is not None:
        return _aligned(frame, relation_columns(segmentation.relations, {"segment": pl.String}))
    return frame.with_columns(pl.lit(None, pl.String).alias("segment"))


#: The column of the relation facts each scope kind selects on.
SCOPE_COLUMN = {"category": "category", "segment": "segment", "owner": "owner", "relation": "relation"}


def _usable(item: Tracked) -> bool:
    return item.scope is not None and not _failed(item, "specific")


def _scope_sizes(facts: pl.DataFrame, tracked: list[Tracked]) -> dict[int, int]:
    """Relations per goal (goals whose scope names nobody are left out)."""
    counts = {"portfolio": {None: facts.height},
              "relation": {t.scope[1]: 1 for t in tracked if _usable(t) and t.scope[0] == "relation"}}
    for kind in ("category", "segment", "owner"):
        if any(_usable(t) and t.scope[0] == kind for t in tracked):
            counts[kind] = dict(facts.group_by(SCOPE_COLUMN[kind]).len().iter_rows())
    return {index: counts[t.scope[0]].get(t.scope[1], 0) for index, t in enumerate(tracked)
            if _usable(t) and counts[t.scope[0]].get(t.scope[1], 0)}


def _wanted(facts: pl.DataFrame, goals: list[tuple[int, Tracked]]) -> pl.Series | None:
    """The relations any of these goals covers; None when one covers the whole portfolio."""
    if any(t.scope[0] == "portfolio" for _, t in goals):
        return None
    chosen = pl.lit(False)
    for kind, column in SCOPE_COLUMN.items():
        values = [t.scope[1] for _, t in goals if t.scope[0] == kind]
        if values:
            chosen = chosen | pl.col(column).is_in(values)
    return facts.filter(chosen)["relation"]


def _window_sums(values: pl.DataFrame, windows: list[tuple[dt.date, dt.date]],
                 pairs: list[tuple[int, int]], wanted: pl.Series | None, as_of: dt.date) -> pl.DataFrame:
    """Per relation, for every window k: ``s{k}`` the sum, ``n{k}`` the rows, ``a{k}`` 1 when it has
    any; for every pair j of windows: ``b{j}`` 1 when it has values in both. One pass over the values
    (of the relations ``wanted`` only, when given), up to the report date."""
    lazy = values.lazy()
    if wanted is not None:
        lazy = lazy.filter(pl.col("relation").is_in(wanted.implode()))
    lazy = lazy.filter(pl.col("date") <= as_of)
    # values as whole ten-thousandths: integer sums come out the same whatever order polars adds
    # them up in, so report.json is byte-identical from run to run
    scaled = (pl.col("value") * VALUE_UNIT).round().cast(pl.Int64)
    columns = []       # plain columns summed per relation: cheaper than filters inside the groups
    for k, (start, end) in enumerate(windows):
        inside = pl.col("date").is_between(start, end)
        columns += [pl.when(inside).then(scaled).otherwise(0).alias(f"s{k}"),
                    inside.cast(pl.Int64).alias(f"n{k}")]
    # in the values' order, so the float sums that follow add up the same way every run
    per_relation = lazy.select("relation", *columns).group_by("relation", maintain_order=True).sum()
    flags = [(pl.col(f"n{k}") > 0).cast(pl.Int64).alias(f"a{k}") for k in range(len(windows))]
    flags += [((pl.col(f"n{a}") > 0) & (pl.col(f"n{b}") > 0)).cast(pl.Int64).alias(f"b{j}")
              for j, (a, b) in enumerate(pairs)]
    return per_relation.with_columns(flags).collect()


def _coverage(window: tuple[dt.date, dt.date], data_from: dt.date | None, as_of: dt.date) -> float:
    """Share of a window's days that the data can hold: on or after their first day, up to the
    report date."""
    start, end = window
    if data_from is None:
        return 1.0
    first, last = max(start, data_from), min(end, as_of)
    return max(0, (last - first).days + 1) / ((end - start).days + 1)


def _measure(metric, values: pl.DataFrame, facts: pl.DataFrame, goals: list[tuple[int, Tracked]],
             as_of: dt.date, history: int) -> dict[int, dict]:
    """Per goal of this metric: a ``Stat`` per window role, and retention counts."""
    data_from = values["date"].min()         # after the report date: nothing is covered
    windows: dict[tuple, int] = {}
    pairs: dict[tuple[int, int], int] = {}
    plan = {}
    for index, tracked in goals:
        roles = {role: windows.setdefault((start, min(end, as_of)), len(windows))
                 for role, (start, end) in tracked.windows.items()}
        wanted_pairs = {}
        if metric.aggregate == "retention":
            if "now" in roles:
                wanted_pairs["now"] = pairs.setdefault((roles["base"], roles["now"]), len(pairs))
            for number in range(1, history):
                key = (roles[f"h{number + 1}"], roles[f"h{number}"])
                wanted_pairs[f"h{number}"] = pairs.setdefault(key, len(pairs))
        plan[index] = (roles, wanted_pairs)
    ordered = sorted(windows, key=windows.get)
    per_relation = _window_sums(values, ordered, list(pairs), _wanted(facts, goals), as_of)
    kinds = {t.scope[0] for _, t in goals}
    by_scope = {}       # (kind, value) -> the summed columns of its relations
    if "portfolio" in kinds:
        by_scope[("portfolio", None)] = per_relation.drop("relation").sum().row(0, named=True)
    grouped = kinds - {"portfolio", "relation"}
    if grouped:
        joined = per_relation.join(facts.select("relation", *(SCOPE_COLUMN[k] for k in grouped)),
                                   on="relation", how="left", maintain_order="left")
        sums = [column for column in per_relation.columns if column != "relation"]
        for kind in grouped:
            for row in joined.group_by(SCOPE_COLUMN[kind]).agg(pl.col(sums).sum()).iter_rows(named=True):
                by_scope[(kind, row[SCOPE_COLUMN[kind]])] = row
    if "relation" in kinds:
        named = per_relation.filter(pl.col("relation").is_in(
            [t.scope[1] for _, t in goals if t.scope[0] == "relation"]))
        by_scope.update({("relation", row["relation"]): row for row in named.iter_rows(named=True)})
    totals = {index: by_scope.get(t.scope, {}) for index, t in goals}
    result = {}
    for index, tracked in goals:
        roles, wanted_pairs = plan[index]
        row = totals.get(index, {})
        stats = {}
        for role, k in roles.items():
            stats[role] = Stat(total=(row.get(f"s{k}") or 0) / VALUE_UNIT, count=int(row.get(f"n{k}") or 0),
                               active=int(row.get(f"a{k}") or 0),
                               coverage=_coverage(tracked.windows[role], data_from, as_of))
        for role, j in wanted_pairs.items():
            if role == "now":
                continue
            previous = stats[f"h{int(role[1:]) + 1}"]
            both = int(row.get(f"b{j}") or 0)
            stats[role].retention = both / previous.active * 100 if previous.active else None
        retained = int(row.get(f"b{wanted_pairs['now']}") or 0) if "now" in wanted_pairs else 0
        result[index] = {"stats": stats, "retained": retained, "data_from": data_from}
    return result


# -- the analysis ------------------------------------------------------------------------------

def analyse(portfolio, config, findings, goal_metrics) -> Findings:
    options = config.plugin(NAME)
    history = options["history_periods"]
    margin = options["ambitious_margin"]
    as_of = config.as_of
    warnings: list[Problem] = []
    metrics = metric_lookup(goal_metrics)

    goals, first_at = [], {}
    for goal in [*config.goals, *portfolio.goals]:
        if goal.id in first_at:
            warnings.append(_located(goal, _problem("specific", DUPLICATE, id=goal.id,
                                                   first=first_at[goal.id])))
            continue
        first_at[goal.id] = goal.origin
        goals.append(goal)

    tracked = [_define(goal, metrics, portfolio.employees, portfolio.relations,
                       "segmentation" in findings, as_of, history) for goal in goals]
    facts = _relation_facts(portfolio, findings, {t.scope[0] for t in tracked if t.scope})
    sizes = _scope_sizes(facts, tracked)
    for index, item in enumerate(tracked):
        if item.scope is not None and index not in sizes and not _failed(item, "specific") \
                and not _failed(item, "measurable"):
            item.problems.append(_problem("measurable", EMPTY_SCOPE))

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
                item.problems.append(_problem("measurable", metric.missing))
            continue
        timed = [(index, item) for index, item in group if item.windows]
        measured.update(_measure(metric, values, facts, timed, as_of, history) if timed else {})
        for index, item in group:
            found = measured.get(index)
            if (metric.aggregate in ("mean", "change", "retention") and found is not None
                    and not found["stats"]["ever"].count):
                item.problems.append(_problem("measurable", NO_SCOPE_VALUES, metric=metric.name))

    rows = []
    for index, item in enumerate(tracked):
        rows.append(_goal_entry(item, measured.get(index), sizes.get(index), portfolio, margin))
    for row in rows:
        for problem in row["problems"]:
            if problem["criterion"] in ("specific", "measurable"):     # it cannot be computed
                warnings.append(_located(row["_goal"], problem))
    per_relation = _per_relation(facts, tracked, rows)
    for row in rows:
        del row["_goal"]
    counts = dict.fromkeys((*STATUSES, "unknown"), 0)
    for row in rows:
        counts[row["status"] or "unknown"] += 1
    portfolio_findings = {
        "goals": rows, "counts": counts,
        "with_problems": sum(1 for row in rows if row["problems"]),
        "ambitious": sum(1 for row in rows if row["smart"]["realistic"] == "ambitious"),
        "metrics": {metric.name: {"aggregate": metric.aggregate, "unit": metric.unit,
                                  "aliases": list(metric.aliases), "description": metric.description}
                    for metric in sorted(set(metrics.values()), key=lambda m: m.name)},
        "options": {"ambitious_margin": margin, "history_periods": history},
    }
    return Findings(relations=per_relation, portfolio=portfolio_findings, warnings=warnings)


def _failed(item: Tracked, criterion: str) -> bool:
    return any(p["criterion"] == criterion for p in item.problems)


#: The goal field a problem is about, for its warning (the metric, unless named here).
PROBLEM_FIELDS = {NO_TARGET: "target", EMPTY_SCOPE: "scope", NO_SEGMENTS: "scope", BAD_SCOPE: "scope",
                  BAD_CATEGORY: "scope", BAD_SEGMENT: "scope", NO_RELATION: "scope",
                  NO_EMPLOYEE: "scope", DUPLICATE: "id"}


def _located(goal, problem: dict) -> Problem:
    """A warning at the goal's place in config.toml or its table: ``data/doelen.csv:4: metric: goal
    D03 cannot be measured: …``."""
    source, _, location = goal.origin.rpartition(":")
    what = "is not specific" if problem["criterion"] == "specific" else "cannot be measured"
    if problem["message"] == DUPLICATE:
        what = "is left out"
    return Problem(source or goal.origin, f"goal {goal.id} {what}: {problem['text']}", location,
                   PROBLEM_FIELDS.get(problem["message"], "metric"))


def _round(value, digits: int = 2):
    return None if value is None else round(value, digits)


def _goal_entry(item: Tracked, found: dict | None, size: int | None, portfolio, margin: float) -> dict:
    goal, metric = item.goal, item.metric
    verdict = Verdict()
    usable = found is not None and not _failed(item, "measurable") and not _failed(item, "specific")
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
            higher_is_better=metric.higher_is_better, bounds=metric.bounds, margin=margin))
        base_from, base_to = item.windows["base"]
        for message, _ in verdict.problems:
            item.problems.append(_problem("measurable", message, metric=metric.name,
                                          **{"from": base_from, "to": base_to}))
    if verdict.problems or (verdict.unknown is None and verdict.status is None):
        verdict.unknown = _first_reason(item)
    realistic = verdict.realistic or {"level": None, "expected": None, "periods": 0,
                                      "unknown": _first_reason(item)}
    if realistic.get("level") == "ambitious":
        item.notes["realistic"] = _problem("realistic", AMBITIOUS, expected=_round(realistic["expected"]),
                                           target=goal.target)
    smart = {criterion: not _failed(item, criterion) for criterion in CRITERIA}
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
        "actual": _round(verdict.actual), "achieved_share": _round(verdict.achieved_share, 4),
        "status": verdict.status, "unknown": verdict.unknown,
        "projection": ({"value": _round(verdict.projection["value"]),
                        "method": verdict.projection["method"]} if verdict.projection else None),
        "evaluation": ({"achieved": verdict.evaluation["achieved"],
                        "difference": _round(verdict.evaluation["difference"]),
                        "relative": _round(verdict.evaluation["relative"], 4)}
                       if verdict.evaluation else None),
        "baseline_period": ({"from": base[0], "to": base[1],
                             "total": _round(base_stat.total), "count": base_stat.count,
                             "coverage": _round(base_stat.coverage, 4),
                             "level": _round(verdict.base_level)}
                            if base is not None and base_stat is not None else None),
        "realistic": {"level": realistic.get("level"), "expected": _round(realistic.get("expected")),
                      "periods": realistic.get("periods", 0), "unknown": realistic.get("unknown")},
        "history": history,
        "smart": smart,
        "problems": item.problems + list(item.notes.values()),
    }


def _history_roles(item: Tracked) -> list[str]:
    """h1, h2, …: the periods before the start, newest first."""
    return [role for role in item.windows if role[0] == "h"]


def _first_reason(item: Tracked) -> str | None:
    for criterion in ("specific", "measurable", "time_bound"):
        for problem in item.problems:
            if problem["criterion"] == criterion:
                return problem["text"]
    return None


def _per_relation(facts: pl.DataFrame, tracked: list[Tracked], rows: list[dict]) -> pl.DataFrame:
    """Per relation the goals whose scope names it (not portfolio-wide ones): id and status.

    A relation is in one category and one segment, has one owner and is itself: its goals follow
    from those four keys. The few distinct combinations get their list here, and one join hands
    them out (a list per relation built in polars would cost far more)."""
    struct = pl.List(pl.Struct({"id": pl.String, "status": pl.String}))
    listed: dict[str, dict[str, list[dict]]] = {kind: {} for kind in SCOPE_COLUMN}
    for item, row in zip(tracked, rows):
        if _usable(item) and item.scope[0] in listed:
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


# -- report sections ---------------------------------------------------------------------------

def _view(report):
    """The goals as shown, once per build (the relation plans look theirs up by id)."""
    from relatierapport.render.formatting import filters_for
    from relatierapport.builtin.analyses.goals.view import GoalView

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
                "methods": shown["methods"]}
        return [Section("goals", report.translate("Goals"), "sections/goals_portfolio.html", 50, data)]
    ids = [entry["id"] for entry in found.relations[relation.id]["in_scope"]]
    if not ids:
        return []
    goals = [shown["by_id"][goal_id] for goal_id in ids]
    return [Section("goals", report.translate("Goals"), "sections/goals_relation.html", 50,
                    {"goals": goals, "as_of": report.as_of, "methods": shown["view"].methods(goals)})]
