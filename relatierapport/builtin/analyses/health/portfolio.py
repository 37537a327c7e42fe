"""The portfolio totals of health: relations per band and category, trends, the red and
turning-red lists, flag counts with the newest red flags, and the open complaints."""

from __future__ import annotations

import polars as pl

from relatierapport.builtin.analyses.health.options import BANDS, CATEGORIES, FLAG_KINDS


def named(portfolio, frame: pl.DataFrame, cats: pl.DataFrame) -> list[dict]:
    """Rows as dicts with the relation's id, name, owner and category first."""
    people = portfolio.relation_frame().select("relation", pl.col("relation").alias("id"), "name", "owner")
    rows = (frame.join(people, on="relation", how="left", maintain_order="left")
            .join(cats.select("relation", "category"), on="relation", how="left", maintain_order="left"))
    return rows.select("id", "name", "owner", "category",
                       *(c for c in frame.columns if c != "relation")).to_dicts()


def flag_summary(portfolio, flagged: pl.DataFrame, cats: pl.DataFrame, options) -> dict:
    """Flags of the whole portfolio: how many of each kind, and the newest red flags."""
    limit = options["list_limit"] or None
    flag_counts = {kind: 0 for kind in FLAG_KINDS}
    flag_counts.update(dict(flagged.group_by("flag").len().iter_rows()))
    red_flags = flagged.lazy().filter(pl.col("red"))
    newest = red_flags.sort(["date", "relation", "flag"], descending=[True, False, False])
    red_flag_rows = ((newest.head(limit) if limit else newest)     # a top-k, not a full sort
                     .select("relation", pl.col("flag").alias("kind"), "date", "employee",
                             "employee_name", "channel", "direction",
                             pl.col("kind").alias("touchpoint_kind"), "notes", "matched_by", "signal",
                             "keyword", "unanswered").collect())
    return {"flag_counts": flag_counts, "red_flags": named(portfolio, red_flag_rows, cats),
            "red_flags_total": red_flags.select(pl.len()).collect().item()}


def totals(portfolio, per_relation: pl.DataFrame, cats, flag_totals: dict, open_rows, options,
           then_date) -> dict:
    """The portfolio findings: bands (overall and per category), trends, the red and turning-red
    relations, the flags and the open complaints."""
    limit = options["list_limit"] or None
    summary = per_relation.select(
        "relation", "category", "score", "band",
        pl.col("trend").struct.field("direction").fill_null("unknown").alias("direction"),
        pl.col("trend").struct.field("change").alias("trend"),
        pl.col("previous").struct.field("score").alias("previous_score"),
        pl.col("previous").struct.field("band").alias("previous_band"),
        pl.col("reasons").list.eval(pl.element().struct.field("indicator")).alias("reasons"))
    empty = {b: 0 for b in BANDS}
    bands = dict(empty)
    bands.update(summary.group_by("band").len().iter_rows())
    per_category = {c: dict(empty) for c in CATEGORIES}
    for category, band, count in summary.group_by("category", "band").len().iter_rows():
        per_category.setdefault(category, dict(empty))[band] = count
    trends = {"up": 0, "down": 0, "flat": 0, "unknown": 0}
    trends.update(summary.group_by("direction").len().iter_rows())
    people = portfolio.relation_frame().select("relation", pl.col("relation").alias("id"), "name", "owner")
    red = (summary.filter(pl.col("band") == "red").sort(["score", "relation"])
           .join(people, on="relation", how="left", maintain_order="left"))
    turning = red.filter(pl.col("previous_band").is_in(["green", "amber"])).sort(["trend", "relation"])
    row = ("id", "name", "owner", "category", "score", "trend", "reasons")
    complaints_rows = open_rows.select("relation", "date", "employee", "employee_name", "channel",
                                       "notes", "age_days")
    return {
        "bands": bands, "per_category": per_category, "trends": trends,
        "previous_as_of": then_date,
        "red": red.head(limit or red.height).select(row).to_dicts(), "red_total": red.height,
        "turning_red": turning.head(limit or turning.height)
        .select(*row, "previous_score", "previous_band").to_dicts(),
        "turning_red_total": turning.height,
        **flag_totals,
        "open_complaints": named(portfolio, complaints_rows, cats),
        "limits": {"list_limit": options["list_limit"], "signal_months": options["signal_months"]},
    }
