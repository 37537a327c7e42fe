"""``with_distinct`` gives, row for row, what ``with_columns`` over the same inputs gives."""

from __future__ import annotations

import polars as pl
from hypothesis import given, strategies as st

from relatierapport.builtin.analyses.distinct import with_distinct

ROWS = st.lists(st.tuples(st.one_of(st.none(), st.floats(0, 100, allow_nan=False)),
                          st.one_of(st.none(), st.sampled_from(["no data", "too old", ""])),
                          st.one_of(st.none(), st.integers(-3, 3))), max_size=40)


def _frame(rows) -> pl.DataFrame:
    return pl.DataFrame(rows, schema={"raw": pl.Float64, "why": pl.String, "n": pl.Int64},
                        orient="row")


@given(ROWS)
def test_lists_of_structs_as_with_columns_gives_them(rows):
    frame = _frame(rows)
    inputs = [pl.col("raw").is_null().alias("unknown"), pl.col("why"), pl.col("n")]
    outputs = [pl.concat_list([
        pl.when(pl.col("unknown")).then(pl.struct(pl.lit("raw").alias("indicator"),
                                                  pl.col("why").alias("reason"))),
        pl.when(pl.col("n") < 0).then(pl.struct(pl.lit("n").alias("indicator"),
                                                pl.lit("negative").alias("reason")))])
        .list.drop_nulls().alias("missing"),
        (pl.col("n") * 2).alias("twice")]
    expected = frame.with_columns(frame.select(inputs).with_columns(outputs).select("missing", "twice")
                                  .get_columns())
    assert with_distinct(frame, inputs, outputs).equals(expected)


def test_an_empty_frame_stays_empty_with_the_new_columns():
    frame = _frame([])
    found = with_distinct(frame, [pl.col("why")], [pl.col("why").str.len_chars().alias("length")])
    assert found.columns == ["raw", "why", "n", "length"] and found.height == 0
