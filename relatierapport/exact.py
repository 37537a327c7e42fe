"""Sums of money and hours that come out the same on every run, and quotients as Python
computes them.

polars adds floats in parallel, and the order in which partial sums meet can
change from run to run; the last bit of a total changes with it, and sometimes
the last digit of a rounded one (seen: 7.17 against 7.18). report.json must be
byte-identical for the same input, so amounts and hours are added as whole
ten-thousandths (exact in integers), which no real amount or hour count needs
more than.

Quotients by a constant are divided by numpy. polars divides by a constant as a
multiplication by its reciprocal, a last-bit error for many values (36 % of
x / 7.0; pola-rs/polars#27753): 88 / 110 then comes out as 0.7999999999999999,
below a band of 0.8 that the definition puts it on.
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


def quotient(values: pl.Series, divisor: float) -> pl.Series:
    """``values / divisor``, each the correctly rounded quotient (as Python's ``/`` gives it);
    null stays null."""
    exact = pl.Series(values.name, values.cast(pl.Float64).to_numpy() / divisor, dtype=pl.Float64)
    if not values.null_count():
        return exact
    return pl.select(pl.when(values.is_not_null()).then(exact)).to_series().alias(values.name)


def divided(values: pl.Expr, divisor: float) -> pl.Expr:
    """``quotient`` inside an expression (each value on its own, so in any context)."""
    return values.map_batches(lambda series: quotient(series, divisor), return_dtype=pl.Float64)
