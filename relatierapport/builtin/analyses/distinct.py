"""Columns computed once per distinct combination of what they read, then joined back.

Some per-relation columns read a handful of values that repeat across a large
portfolio: which indicators are unknown and why, which criteria lack a score.
Building a list (``pl.concat_list``) for each of 100,000 rows costs seconds in
polars, while the distinct combinations number a few dozen. Not a plugin: it has
no hooks and is not in ``BUILTIN_PLUGINS``.
"""

from __future__ import annotations

from collections.abc import Sequence

import polars as pl


def with_distinct(frame: pl.DataFrame, inputs: Sequence[pl.Expr],
                  outputs: Sequence[pl.Expr]) -> pl.DataFrame:
    """``frame`` with ``outputs`` added as columns, each computed once per distinct combination
    of ``inputs`` (expressions over ``frame``, each with its own name; the outputs may read only
    those names). The same values as ``frame.with_columns(outputs)`` over the inputs, row for
    row; nulls are a value like any other."""
    keys = frame.select(inputs)
    made = keys.unique(maintain_order=True).with_columns(outputs)
    names = made.columns[keys.width:]
    joined = keys.join(made, on=keys.columns, how="left", nulls_equal=True, maintain_order="left")
    return frame.with_columns(joined.select(names).get_columns())
