"""Totals of money and hours are the same on every run, and exact.

polars adds a group's floats in parallel, in an order that can change from run
to run (measured here: seven different per-group totals in eight runs over
three million rows), so report.json could change without the input changing.
"""

import polars as pl

from relatierapport.exact import divided, exact_sum, exact_total, quotient


def amounts() -> pl.DataFrame:
    rows = 3_000_000      # few groups of many rows: a portfolio total per category
    return pl.DataFrame({"group": pl.int_range(rows, eager=True) % 3,
                         "cents": pl.int_range(rows, eager=True) % 100_000 + 1}).with_columns(
        (pl.col("cents") / 100).alias("amount"))


def test_group_totals_are_identical_run_after_run_and_exact():
    frame = amounts()
    runs = {tuple(frame.group_by("group").agg(exact_sum(pl.col("amount"))).sort("group")["amount"])
            for _ in range(8)}
    assert len(runs) == 1
    exact = frame.group_by("group").agg(pl.col("cents").sum()).sort("group")["cents"].to_list()
    assert list(runs.pop()) == [cents / 100 for cents in exact]


def test_exact_total_of_a_column_and_of_nothing():
    frame = pl.DataFrame({"amount": [0.1, 0.2, None, 1234.5678]})
    assert exact_total(frame, "amount") == 1234.8678
    assert exact_total(frame.clear(), "amount") == 0.0


def test_a_quotient_by_a_constant_is_pythons_and_keeps_null():
    """polars' own ``values / 110`` multiplies by 1/110: 88 / 110 comes out 0.7999999999999999.
    ``quotient`` and ``divided`` give what Python's ``/`` gives, every value, null kept null."""
    values = [float(n) for n in range(1, 20_001)] + [None, 0.0, -88.0]
    expected = [None if v is None else v / 110 for v in values]
    series = pl.Series("revenue", values)
    assert quotient(series, 110).to_list() == expected
    assert quotient(series, 110).name == "revenue"
    frame = pl.DataFrame({"revenue": series})
    assert frame.select(divided(pl.col("revenue"), 110))["revenue"].to_list() == expected
    assert frame.lazy().select(divided(pl.col("revenue") * 1, 110)).collect()["revenue"].to_list() == expected
