"""From won business to what the models count: per relation x, t_x, T and the mean value m.

As the customer-base literature counts (Fader, Hardie & Lee 2005):

- a *purchase* is a day with at least one deal (``relatierapport.business.deal_condition``)
  on or before the report date; several deals on one day are one purchase;
- ``x`` is the number of repeat purchases (purchase days after the first), ``t_x`` the time
  from the first purchase to the last, ``T`` the time from the first purchase to the report
  date, both in the configured unit;
- ``m`` is the mean value of the repeat purchases: the amounts of the deals on repeat purchase
  days, plus the credit notes (``credit_note_condition``, negative) dated after the first
  purchase day and on or before the report date, divided by the repeat purchase days that
  have an amount. Credit notes lower value and are never purchases. ``m`` is unknown (null)
  without a repeat purchase with an amount, and not positive when credit notes outweigh.
"""

from __future__ import annotations

import datetime as dt

import polars as pl

from relatierapport.business import credit_note_condition, deal_condition
from relatierapport.exact import quotient


def purchase_summary(business: pl.DataFrame, rules: dict, as_of: dt.date, unit_days: float) -> pl.DataFrame:
    """One row per relation with at least one purchase: relation, purchases, x, t_x, T, m,
    first, last (dates), repeat_days_with_amount."""
    won = business.lazy().filter(pl.col("date") <= as_of)
    days = (won.filter(deal_condition(rules))
            .group_by("relation", "date")
            .agg(pl.col("amount").sum().alias("amount"),
                 pl.col("amount").is_not_null().any().alias("has_amount")))
    per_relation = (days.sort("relation", "date")
                    .with_columns(pl.col("date").min().over("relation").alias("first"))
                    .with_columns((pl.col("date") > pl.col("first")).alias("repeat"))
                    .group_by("relation")
                    .agg(pl.len().alias("purchases"),
                         pl.col("first").first(),
                         pl.col("date").max().alias("last"),
                         pl.col("amount").filter(pl.col("repeat") & pl.col("has_amount")).sum()
                         .alias("repeat_value"),
                         (pl.col("repeat") & pl.col("has_amount")).sum().alias("repeat_days_with_amount")))
    credits = (won.filter(credit_note_condition(rules))
               .select("relation", "date", "amount"))
    later_credits = (credits.join(per_relation.select("relation", "first"), on="relation")
                     .filter(pl.col("date") > pl.col("first"))
                     .group_by("relation").agg(pl.col("amount").sum().alias("credit_notes")))
    summary = (per_relation.join(later_credits, on="relation", how="left")
               .with_columns(pl.col("credit_notes").fill_null(0.0))
               .select("relation", "purchases",
                       (pl.col("purchases") - 1).alias("x"),
                       (pl.col("last") - pl.col("first")).dt.total_days().alias("t_x"),
                       (pl.lit(as_of) - pl.col("first")).dt.total_days().alias("T"),
                       pl.when(pl.col("repeat_days_with_amount") > 0)
                       .then((pl.col("repeat_value") + pl.col("credit_notes"))
                             / pl.col("repeat_days_with_amount")).alias("m"),
                       "first", "last", "repeat_days_with_amount", "credit_notes")
               .sort("relation").collect())
    # days over the unit's length, correctly rounded: the fit on very few customers can
    # converge or not on the last bit
    return summary.with_columns(quotient(summary["t_x"], unit_days), quotient(summary["T"], unit_days))
