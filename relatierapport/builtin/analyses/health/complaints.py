"""Complaints: the open ones (no complaint_resolved on or after their date) with their age,
and the recently resolved ones with their resolution time."""

from __future__ import annotations

import polars as pl

from relatierapport.dates import add_months


def complaints(portfolio, as_of, options) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Open complaints (no complaint_resolved on or after their date) and recently resolved ones."""
    tp = portfolio.touchpoints.lazy().filter(pl.col("date") <= as_of).with_row_index("row")
    made = tp.filter(pl.col("kind") == "complaint").sort("date")
    solved = (tp.filter(pl.col("kind") == "complaint_resolved")
              .select("relation", pl.col("date").alias("resolved_on"),
                      pl.col("notes").alias("resolution_notes"),
                      pl.col("employee").alias("resolved_by")).sort("resolved_on"))
    names = {e.id: e.name for e in portfolio.employees.values()}
    matched = (made.join_asof(solved, left_on="date", right_on="resolved_on", by="relation",
                              strategy="forward", check_sortedness=False)
               .with_columns(pl.col("employee").replace_strict(names, default=pl.col("employee"),
                                                               return_dtype=pl.String)
                             .alias("employee_name")))
    open_ = (matched.filter(pl.col("resolved_on").is_null())
             .with_columns((pl.lit(as_of) - pl.col("date")).dt.total_days().alias("age_days"))
             .sort(["date", "relation", "row"]).collect())
    resolved = (matched.filter(pl.col("resolved_on").is_not_null()
                               & (pl.col("resolved_on") > add_months(as_of, -options["signal_months"])))
                .with_columns((pl.col("resolved_on") - pl.col("date")).dt.total_days().alias("days"))
                .with_columns((pl.col("days") <= options["fast_resolution_days"]).alias("fast"))
                .sort(["resolved_on", "date", "row"], descending=True).collect())
    return open_, resolved


def complaint_lists(open_rows: pl.DataFrame, resolved_rows: pl.DataFrame) -> pl.DataFrame:
    """Per relation: its open complaints with the oldest one's age, and its recently resolved
    ones with how many were resolved fast and the median resolution time."""
    opened = open_rows.group_by("relation", maintain_order=True).agg(
        pl.struct("date", "employee", "employee_name", "channel", "notes", "age_days").alias("open"),
        pl.col("age_days").max().alias("oldest_open_days"))
    resolved = resolved_rows.group_by("relation", maintain_order=True).agg(
        pl.struct("date", "employee", "employee_name", "notes", "resolved_on", "resolved_by",
                  "resolution_notes", "days", "fast").alias("resolved"),
        pl.col("fast").sum().cast(pl.Int64).alias("resolved_fast"),
        pl.col("days").median().alias("median_resolution_days"))
    return opened.join(resolved, on="relation", how="full", coalesce=True)
