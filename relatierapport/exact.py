"""Sums of money and hours that come out the same on every run.

polars adds floats in parallel, and the order in which partial sums meet can
change from run to run; the last bit of a total changes with it, and sometimes
the last digit of a rounded one (seen: 7.17 against 7.18). report.json must be
byte-identical for the same input, so amounts and hours are added as whole
ten-thousandths (exact in integers), which no real amount or hour count needs
more than.
"""

from __future__ import annotations

import polars as pl

#: Ten-thousandths: exact for any amount in cents and any hours in minutes.
SCALE = 10_000


def exact_sum(values: pl.Expr) -> pl.Expr:
    """``values.sum()`` computed in whole ten-thousandths: the same in every run."""
    return (values * SCALE).round().cast(pl.Int64).sum() / SCALE


def exact_total(frame: pl.DataFrame, column: str) -> float:
    """The exact sum of one column of a frame, as a float (0.0 when empty)."""
    return float(frame.select(exact_sum(pl.col(column))).item() or 0.0)
