"""Measuring the goals' metrics: per goal a ``Stat`` for every window it needs.

The data are aggregated per metric in one polars pass over its values (every
window any goal needs at once), then per scope with one join: no Python loop
per relation, so 100,000 relations cost what a few thousand do.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from relatierapport.builtin.analyses.goals.definitions import Tracked, scope_usable
from relatierapport.builtin.analyses.goals.progress import TOTALS, Stat
from relatierapport.relation_table import relation_columns

#: Metric values are summed as whole ten-thousandths (see ``_window_sums``).
VALUE_UNIT = 10_000


def _aligned(base: pl.DataFrame, other: pl.DataFrame) -> pl.DataFrame:
    """``other``'s columns next to ``base``'s, by relation; without a join when both list the
    relations in the same order (analyses return them in portfolio order)."""
    if other.height == base.height and other["relation"].equals(base["relation"]):
        return base.hstack(other.drop("relation").get_columns())
    return base.join(other, on="relation", how="left", maintain_order="left")


def relation_facts(portfolio, findings, kinds: set[str]) -> pl.DataFrame:
    """Per relation what the goals' scopes select on (only the ``kinds`` in use are looked up):
    category as the cadence analysis decides it (the data's when cadence is disabled), owner,
    segment."""
    frame = portfolio.relation_frame().select("relation", "category", "owner")
    cadence, segmentation = findings.get("cadence"), findings.get("segmentation")
    if "category" in kinds and cadence is not None:
        found = relation_columns(cadence.relations, {"category": pl.String})
        frame = _aligned(frame.drop("category"), found)
    if "segment" in kinds and segmentation is not None:
        return _aligned(frame, relation_columns(segmentation.relations, {"segment": pl.String}))
    return frame.with_columns(pl.lit(None, pl.String).alias("segment"))


#: The column of the relation facts each scope kind selects on.
SCOPE_COLUMN = {"category": "category", "segment": "segment", "owner": "owner", "relation": "relation"}


def scope_sizes(facts: pl.DataFrame, tracked: list[Tracked]) -> dict[int, int]:
    """Relations per goal (goals whose scope names nobody are left out)."""
    counts = {"portfolio": {None: facts.height},
              "relation": {t.scope[1]: 1 for t in tracked
                           if scope_usable(t) and t.scope[0] == "relation"}}
    for kind in ("category", "segment", "owner"):
        if any(scope_usable(t) and t.scope[0] == kind for t in tracked):
            counts[kind] = dict(facts.group_by(SCOPE_COLUMN[kind]).len().iter_rows())
    return {index: counts[t.scope[0]].get(t.scope[1], 0) for index, t in enumerate(tracked)
            if scope_usable(t) and counts[t.scope[0]].get(t.scope[1], 0)}


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
                 pairs: list[tuple[int, int]], wanted: pl.Series | None, as_of: dt.date,
                 totals: bool = False) -> pl.DataFrame:
    """Per relation, for every window k: ``s{k}`` the sum, ``n{k}`` the rows with a value (for
    ``totals`` the rows that are not 0), ``m{k}`` the rows without a value (a won record without
    an amount: left out of the sum, and counted so the report can say so), ``a{k}`` 1 when it
    has any; for every pair j of windows: ``b{j}`` 1 when
    it has values in both. One pass over the values (of the relations ``wanted`` only, when
    given), up to the report date."""
    lazy = values.lazy()
    if wanted is not None:
        lazy = lazy.filter(pl.col("relation").is_in(wanted.implode()))
    lazy = lazy.filter(pl.col("date") <= as_of)
    # values as whole ten-thousandths: integer sums come out the same whatever order polars adds
    # them up in, so report.json is byte-identical from run to run
    scaled = (pl.col("value") * VALUE_UNIT).round().cast(pl.Int64)
    columns = []       # plain columns summed per relation: cheaper than filters inside the groups
    # a total counts the rows that add to it: a 0 (a touchpoint that is not a referral) only marks
    # from when the data cover the metric; a level counts every value, a score of 0 included
    counted = pl.col("value") != 0 if totals else pl.lit(True)
    for k, (start, end) in enumerate(windows):
        inside = pl.col("date").is_between(start, end)
        columns += [pl.when(inside).then(scaled).otherwise(0).alias(f"s{k}"),
                    (inside & counted).fill_null(False).cast(pl.Int64).alias(f"n{k}"),
                    (inside & pl.col("value").is_null()).cast(pl.Int64).alias(f"m{k}")]
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


def measure(metric, values: pl.DataFrame, facts: pl.DataFrame, goals: list[tuple[int, Tracked]],
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
    per_relation = _window_sums(values, ordered, list(pairs), _wanted(facts, goals), as_of,
                                totals=metric.aggregate in TOTALS)
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
                               active=int(row.get(f"a{k}") or 0), missing=int(row.get(f"m{k}") or 0),
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
