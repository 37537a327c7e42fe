"""How a relation's health findings explain its score: every indicator with its value, inputs,
weight, contribution and what it lost, and the reasons (known indicators below green, the
biggest loss first)."""

from __future__ import annotations

import polars as pl

from relatierapport.builtin.analyses.health.options import INDICATORS


#: Per indicator: (value column, unit, extra fields: name -> column, fixed fields: name -> value).
def _indicator_fields(options) -> dict:
    return {
        "response_time": ("median", "days", {"outgoing": "outgoing", "answered": "answered",
                                             "unanswered": "unanswered", "pending": "pending"},
                          {"window_months": options["response_months"]}),
        "referrals": ("referrals_rate", "per_year", {"count": "referrals", "target": "referrals_target"},
                      {"window_months": options["referral_months"]}),
        "repeat_business": ("won", "won", {"target": "repeat_business_target"},
                            {"window_months": options["repeat_months"]}),
        "value_add": ("value_adds", "touchpoints", {"target": "value_add_target"},
                      {"window_months": options["value_add_months"]}),
        "cadence": ("overdue", "days_overdue", {"cadence_months": "months",
                                                "zero_at_days": "zero_at_days",
                                                "evidence": "evidence"}, {}),
    }


def indicators(options) -> pl.Expr:
    """Every indicator of a relation as a struct: score, unknown, value, its inputs, weight,
    contribution and what it lost."""
    weights = options["weights"]
    parts = []
    for key, (value, unit, extra, fixed) in _indicator_fields(options).items():
        unknown = pl.col(f"{key}_unknown")
        parts.append(pl.struct(
            pl.col(f"{key}_raw").round(1).alias("score"), unknown.alias("unknown"),
            pl.when(unknown.is_null()).then(pl.col(value)).alias("value"), pl.lit(unit).alias("unit"),
            *(pl.col(column).alias(name) for name, column in extra.items()),
            *(pl.lit(number).alias(name) for name, number in fixed.items()),
            pl.lit(float(weights[key])).alias("weight"), pl.col(f"{key}_contribution").alias("contribution"),
            pl.col(f"{key}_lost").alias("lost")).alias(key))
    return pl.struct(parts).alias("indicators")


def reasons(frame: pl.DataFrame, options) -> pl.DataFrame:
    """Per relation: the known indicators scoring below green, the biggest loss first."""
    green = options["bands"]["green"]
    losses = [frame.filter((pl.col(f"{key}_lost") > 0) & (pl.col(f"{key}_raw") < green))
              .select("relation", "order", pl.lit(key).alias("indicator"),
                      pl.col(f"{key}_raw").round(1).alias("score"), pl.col(f"{key}_lost").alias("lost"),
                      pl.lit(rank).alias("rank"))
              for rank, key in enumerate(INDICATORS)]
    return (pl.concat(losses).sort(["order", "lost", "rank"], descending=[False, True, False])
            .group_by("relation", maintain_order=True)
            .agg(pl.struct("indicator", "score", "lost").alias("reasons")))
