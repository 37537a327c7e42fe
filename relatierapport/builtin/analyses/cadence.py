"""Built-in plugin ``cadence``: is every relation contacted as often as its category asks?

The method's contact rhythm: A relations monthly, B quarterly, C half-yearly
(configurable). For each relation: its category (the segmentation analysis'
when it has one, else the data's, else the configured default, and the report
says which), the last touchpoint on or before the report date, the next due
date (last touchpoint plus the cadence; for a relation never contacted, the
start of the relation plus the cadence, or the report date when that is
unknown) and how many days overdue it is.

This is the one place the category is decided: other analyses read
``category``, ``category_source`` and ``cadence_months`` from these findings.
"""

from __future__ import annotations

import polars as pl

from relatierapport import hookimpl
from relatierapport.hooktypes import Analysis, Findings, Section
from relatierapport.options import Integer, Option, OptionGroup, Table, Text
from relatierapport.relation_table import relation_columns

NAME = "cadence"
CATEGORIES = ("A", "B", "C")
DEFAULT_MONTHS = {"A": 1, "B": 3, "C": 6}


@hookimpl
def config_options():
    return [OptionGroup(f"plugins.{NAME}", (
        Option("months", Table(Integer(minimum=1, maximum=60), keys=CATEGORIES),
               dict(DEFAULT_MONTHS), "Months between touchpoints per category."),
        Option("default_category", Text(choices=CATEGORIES), "C",
               "Category used for relations whose data has none."),
        Option("due_soon_days", Integer(minimum=0, maximum=365), 14,
               "A touchpoint due within this many days counts as due soon."),
    ), "Contact cadence per category.")]


@hookimpl
def analyses():
    return [Analysis(NAME, analyse, after=("segmentation",),
                     description="Contact cadence: last touchpoint, next due date, days overdue.")]


STATUSES = ("on_track", "due_soon", "overdue", "never_contacted")
#: At most this many rows of a portfolio list are shown; every relation plan shows its own.
DISPLAY_LIMIT = 50


def categories(portfolio, options, findings) -> pl.DataFrame:
    """Per relation: category and where it came from (segmentation, the data, or the default).

    The one place a relation's category is decided: every other analysis reads it from these
    findings (``category``, ``category_source``, ``cadence_months``).
    """
    frame = portfolio.relation_frame().select("relation", "category")
    derived = findings.get("segmentation")
    if derived is not None:
        found = relation_columns(derived.relations, {"category": pl.String, "category_source": pl.String})
        frame = frame.join(found.rename({"category": "derived", "category_source": "derived_source"}),
                           on="relation", how="left", maintain_order="left")
    else:
        frame = frame.with_columns(pl.lit(None, pl.String).alias("derived"),
                                   pl.lit(None, pl.String).alias("derived_source"))
    derived_known = pl.col("derived").is_not_null() & (pl.col("derived") != "")
    return frame.select(
        "relation",
        pl.when(derived_known).then(pl.col("derived"))
        .otherwise(pl.col("category").fill_null(pl.lit(options["default_category"]))).alias("category"),
        pl.when(derived_known).then(pl.col("derived_source").fill_null(pl.lit("segmentation")))
        .when(pl.col("category").is_not_null()).then(pl.lit("data"))
        .otherwise(pl.lit("default")).alias("category_source"))


def analyse(portfolio, config, findings) -> Findings:
    options = config.plugin(NAME)
    months = {**DEFAULT_MONTHS, **options["months"]}
    as_of = config.as_of
    last_contact = (portfolio.touchpoints.lazy().filter(pl.col("date") <= as_of)
                    .group_by("relation").agg(pl.col("date").max().alias("last_touchpoint")))
    step = pl.format("{}mo", pl.col("cadence_months"))
    last, since = pl.col("last_touchpoint"), pl.col("since")
    due = pl.col("next_due")
    per_relation = (
        categories(portfolio, options, findings).lazy()
        .join(portfolio.relation_frame().lazy().select("relation", "since"), on="relation",
              how="left", maintain_order="left")
        .join(last_contact, on="relation", how="left", maintain_order="left")
        .with_columns(pl.col("category").replace_strict(months, return_dtype=pl.Int64)
                      .alias("cadence_months"))
        .with_columns(pl.when(last.is_not_null()).then(last.dt.offset_by(step))
                      .when(since.is_not_null()).then(since.dt.offset_by(step))
                      .otherwise(pl.lit(as_of)).alias("next_due"))
        .with_columns((pl.lit(as_of) - due).dt.total_days().alias("late"))
        .select("relation", "category", "category_source", "cadence_months", "last_touchpoint",
                "next_due", pl.max_horizontal("late", 0).alias("days_overdue"),
                pl.max_horizontal(-pl.col("late"), 0).alias("days_until_due"),
                pl.when(last.is_null()).then(pl.lit("never_contacted"))
                .when(pl.col("late") > 0).then(pl.lit("overdue"))
                .when(-pl.col("late") <= options["due_soon_days"]).then(pl.lit("due_soon"))
                .otherwise(pl.lit("on_track")).alias("status"))
        .collect())
    return Findings(relations=per_relation, portfolio=_portfolio(portfolio, per_relation))


def _portfolio(portfolio, per_relation: pl.DataFrame) -> dict:
    per_category = {c: {"relations": 0, "overdue": 0, "never_contacted": 0} for c in CATEGORIES}
    for category, relations, overdue, never in per_relation.group_by("category").agg(
            pl.len(), (pl.col("status") == "overdue").sum().alias("overdue"),
            (pl.col("status") == "never_contacted").sum().alias("never")).iter_rows():
        per_category[category] = {"relations": relations, "overdue": overdue, "never_contacted": never}
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(per_relation.group_by("status").len().iter_rows())
    names = portfolio.relation_frame().select("relation", pl.col("relation").alias("id"), "name", "owner")

    def listing(status: str, by: list[str], descending: list[bool]) -> list[dict]:
        rows = (per_relation.filter(pl.col("status") == status)
                .sort(by, descending=descending)
                .join(names, on="relation", how="left", maintain_order="left")
                .select("id", "name", "owner", "category", "last_touchpoint", "next_due",
                        "days_overdue"))
        return rows.to_dicts()

    return {
        "per_category": per_category, "counts": counts,
        "overdue": listing("overdue", ["days_overdue", "relation"], [True, False]),
        "never_contacted": listing("never_contacted", ["category", "relation"], [False, False]),
        "due_soon": listing("due_soon", ["next_due", "relation"], [False, False]),
    }


@hookimpl
def report_sections(kind, relation, report):
    found = report.findings.get(NAME)
    if found is None:
        return []
    if kind == "portfolio":
        data = found.portfolio
        shown = {"overdue_shown": data["overdue"][:DISPLAY_LIMIT],
                 "never_contacted_shown": data["never_contacted"][:DISPLAY_LIMIT],
                 "never_contacted_more": max(len(data["never_contacted"]) - DISPLAY_LIMIT, 0)}
        return [Section("cadence-overview", report.translate("Contact cadence"),
                        "sections/cadence_portfolio.html", 20, {**data, **shown})]
    return [Section("cadence", report.translate("Contact cadence"), "sections/cadence_relation.html",
                    20, found.relations[relation.id])]
