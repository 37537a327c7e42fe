"""Example local plugin: relation anniversaries ("jubilea") coming up.

A relation that has been with us for whole years is worth a card or a call.
This plugin shows how a consultant extends relatierapport: an option, an
analysis with findings in report.json (under "jubileum"), a section in the
relation plan and one in the portfolio report, and its own template folder.
Files in a project's plugins/ folder are loaded automatically.

The analysis works on all relations at once with polars, the way that stays
fast for a hundred thousand relations, and returns its per-relation findings
as a DataFrame with a "relation" column (a dict {relation id: {...}} works too
and is simpler for small portfolios: see docs/writing-plugins.md).
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from relatierapport import hookimpl
from relatierapport.hooktypes import Analysis, Findings, Section
from relatierapport.options import Integer, Option, OptionGroup


#: A plugin brings its own words; the report language picks one.
TEXTS = {"nl": {"title": "Jubilea", "years": "jaar", "more": "en nog {count}"},
         "en": {"title": "Anniversaries", "years": "years", "more": "and {count} more"}}
#: The portfolio lists at most this many (a large portfolio has thousands in two months).
LIMIT = 50


@hookimpl
def config_options():
    return [OptionGroup("plugins.jubileum", (
        Option("days_ahead", Integer(minimum=1, maximum=366), 60,
               "Show anniversaries falling within this many days after the report date."),
    ))]


@hookimpl
def analyses():
    return [Analysis("jubileum", find_anniversaries, description="Upcoming relation anniversaries.")]


def _anniversary(since: pl.Expr, years: pl.Expr) -> pl.Expr:
    """The start date that many years later; 29 February falls on 1 March in other years."""
    day = since.dt.offset_by(pl.format("{}y", years))     # polars gives 28 February there
    leap_day = (since.dt.month() == 2) & (since.dt.day() == 29) & (day.dt.day() == 28)
    return pl.when(leap_day).then(day + pl.duration(days=1)).otherwise(day)


def find_anniversaries(portfolio, config, findings):
    days_ahead = config.plugin("jubileum")["days_ahead"]
    as_of = config.as_of
    since = pl.col("since")
    this_year = _anniversary(since, as_of.year - since.dt.year())
    next_year = _anniversary(since, as_of.year + 1 - since.dt.year())
    upcoming = (
        portfolio.relation_frame().lazy()                     # every relation's fields as columns
        .filter(since.is_not_null())
        .with_columns(pl.when(this_year < as_of).then(next_year).otherwise(this_year).alias("date"))
        .with_columns((pl.col("date").dt.year() - since.dt.year()).alias("years"))
        .filter((pl.col("years") > 0) & ((pl.col("date") - pl.lit(as_of)).dt.total_days() <= days_ahead))
        .sort("date", "relation")
        .collect())
    listing = upcoming.select(pl.col("relation").alias("id"), "name", "date", "years").to_dicts()
    return Findings(relations=upcoming.select("relation", "date", "years"),
                    portfolio={"upcoming": listing})


@hookimpl
def template_dirs():
    return [Path(__file__).parent / "jubileum_templates"]


@hookimpl
def report_sections(kind, relation, report):
    found = report.findings["jubileum"]
    texts = TEXTS[report.config.language]
    if kind == "portfolio" and found.portfolio["upcoming"]:
        upcoming = found.portfolio["upcoming"]
    elif kind == "relation" and relation.id in found.relations:
        upcoming = [found.relations[relation.id]]
    else:
        return []
    more = texts["more"].format(count=len(upcoming) - LIMIT) if len(upcoming) > LIMIT else ""
    return [Section("jubileum", texts["title"], "jubileum.html", 90,
                    {"upcoming": upcoming[:LIMIT], "years_word": texts["years"], "more": more})]
