"""Built-in plugin ``cadence``: is every relation contacted as often as its category asks?

The method's contact rhythm: A relations monthly, B quarterly, C half-yearly
(configurable). For each relation: its category (the segmentation analysis'
when it has one, else the data's, else the configured default, and the report
says which), its last contact on or before the report date, the next due date
and how many days overdue it is.

The last contact is the later of the last logged touchpoint and the date the
source's own summary gives (a CRM's "last activity date",
``Relation.summary_last_contact``), and ``last_contact_source`` says which
(``touchpoint`` on a tie). The next due date is the last contact plus the
cadence; for a relation without either, the start of the relation plus the
cadence, or the report date when that is unknown.

Without any contact on record there are two cases, told apart by the
``coverage`` analysis' findings: ``never_contacted`` when the data holds
touchpoints for other relations of the same source (we could have logged a
contact and did not), ``no_history`` when it holds none for any relation of
its sources (the export carries no activity history, so nothing is known
about contact: no days overdue, and the next due date is the report date).
Without the coverage analysis every such relation is ``never_contacted``.

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
    return [Analysis(NAME, analyse, after=("segmentation", "coverage"),
                     description="Contact cadence: last contact, next due date, days overdue.")]


STATUSES = ("on_track", "due_soon", "overdue", "never_contacted", "no_history")
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


def _history(portfolio, findings) -> pl.DataFrame:
    """Per relation the coverage analysis' ``history`` (logged, others, none), or "others" for
    every relation when that analysis is not loaded (every relation may be never contacted)."""
    found = findings.get("coverage")
    if found is None:
        return portfolio.relation_frame().select("relation", pl.lit("others").alias("history"))
    return relation_columns(found.relations, {"history": pl.String})


def _summaries(portfolio, as_of) -> pl.DataFrame:
    """Per relation the source's own summary of contact: its last-contact date when it lies on
    or before the report date, and its count of contacts."""
    records = list(portfolio.relations.values())
    return pl.DataFrame(
        {"relation": [r.id for r in records],
         "summary_last_contact": [r.summary_last_contact for r in records],
         "summary_contacts": [r.summary_contacts for r in records]},
        schema={"relation": pl.String, "summary_last_contact": pl.Date, "summary_contacts": pl.Int64},
    ).with_columns(pl.when(pl.col("summary_last_contact") <= as_of)
                   .then(pl.col("summary_last_contact")).alias("summary_last_contact"))


def analyse(portfolio, config, findings) -> Findings:
    options = config.plugin(NAME)
    months = {**DEFAULT_MONTHS, **options["months"]}
    as_of = config.as_of
    logged = (portfolio.touchpoints.lazy().filter(pl.col("date") <= as_of)
              .group_by("relation").agg(pl.col("date").max().alias("last_touchpoint")))
    step = pl.format("{}mo", pl.col("cadence_months"))
    touch, summary = pl.col("last_touchpoint"), pl.col("summary_last_contact")
    last, since = pl.col("last_contact"), pl.col("since")
    no_history = last.is_null() & (pl.col("history") == "none")
    due = pl.col("next_due")
    known = pl.col("late").is_not_null()
    per_relation = (
        categories(portfolio, options, findings).lazy()
        .join(portfolio.relation_frame().lazy().select("relation", "since"), on="relation",
              how="left", maintain_order="left")
        .join(logged, on="relation", how="left", maintain_order="left")
        .join(_summaries(portfolio, as_of).lazy(), on="relation", how="left", maintain_order="left")
        .join(_history(portfolio, findings).lazy(), on="relation", how="left", maintain_order="left")
        .with_columns(pl.col("category").replace_strict(months, return_dtype=pl.Int64)
                      .alias("cadence_months"),
                      pl.max_horizontal(touch, summary).alias("last_contact"),
                      pl.when(touch.is_not_null() & (summary.is_null() | (touch >= summary)))
                      .then(pl.lit("touchpoint"))
                      .when(summary.is_not_null()).then(pl.lit("export_summary"))
                      .otherwise(pl.lit(None, pl.String)).alias("last_contact_source"))
        .with_columns(pl.when(last.is_not_null()).then(last.dt.offset_by(step))
                      .when(no_history).then(pl.lit(as_of))
                      .when(since.is_not_null()).then(since.dt.offset_by(step))
                      .otherwise(pl.lit(as_of)).alias("next_due"))
        .with_columns(pl.when(~no_history).then((pl.lit(as_of) - due).dt.total_days()).alias("late"))
        .select("relation", "category", "category_source", "cadence_months", "last_touchpoint",
                "summary_last_contact", "summary_contacts", "last_contact", "last_contact_source",
                "next_due",
                pl.when(known).then(pl.max_horizontal("late", 0)).alias("days_overdue"),
                pl.when(known).then(pl.max_horizontal(-pl.col("late"), 0)).alias("days_until_due"),
                pl.when(no_history).then(pl.lit("no_history"))
                .when(last.is_null()).then(pl.lit("never_contacted"))
                .when(pl.col("late") > 0).then(pl.lit("overdue"))
                .when(-pl.col("late") <= options["due_soon_days"]).then(pl.lit("due_soon"))
                .otherwise(pl.lit("on_track")).alias("status"))
        .collect())
    return Findings(relations=per_relation, portfolio=_portfolio(portfolio, per_relation))


def _portfolio(portfolio, per_relation: pl.DataFrame) -> dict:
    counted = ("overdue", "never_contacted", "no_history")
    per_category = {c: {"relations": 0, **dict.fromkeys(counted, 0)} for c in CATEGORIES}
    for category, relations, *numbers in per_relation.group_by("category").agg(
            pl.len(), *((pl.col("status") == status).sum().alias(status) for status in counted)
    ).iter_rows():
        per_category[category] = {"relations": relations, **dict(zip(counted, numbers))}
    counts = dict.fromkeys(STATUSES, 0)
    counts.update(per_relation.group_by("status").len().iter_rows())
    names = portfolio.relation_frame().select("relation", pl.col("relation").alias("id"), "name", "owner")

    def listing(status: str, by: list[str], descending: list[bool]) -> list[dict]:
        rows = (per_relation.filter(pl.col("status") == status)
                .sort(by, descending=descending)
                .join(names, on="relation", how="left", maintain_order="left")
                .select("id", "name", "owner", "category", "last_touchpoint", "last_contact",
                        "last_contact_source", "next_due", "days_overdue"))
        return rows.to_dicts()

    by_category = (["category", "relation"], [False, False])
    return {
        "per_category": per_category, "counts": counts,
        "overdue": listing("overdue", ["days_overdue", "relation"], [True, False]),
        "never_contacted": listing("never_contacted", *by_category),
        "no_history": listing("no_history", *by_category),
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
                 "never_contacted_more": max(len(data["never_contacted"]) - DISPLAY_LIMIT, 0),
                 "no_history_shown": data["no_history"][:DISPLAY_LIMIT],
                 "no_history_more": max(len(data["no_history"]) - DISPLAY_LIMIT, 0)}
        return [Section("cadence-overview", report.translate("Contact cadence"),
                        "sections/cadence_portfolio.html", 20, {**data, **shown})]
    return [Section("cadence", report.translate("Contact cadence"), "sections/cadence_relation.html",
                    20, found.relations[relation.id])]
