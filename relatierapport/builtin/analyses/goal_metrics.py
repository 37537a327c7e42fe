"""Built-in plugin ``goal_metrics``: the metrics goals can track out of the box.

Each metric only says where its numbers come from (one row per dated
measurement: ``relation``, ``date``, ``value``); the ``goals`` analysis does
periods, scopes, baselines, progress and projections the same way for all of
them, and for the metrics other plugins offer on the same ``goal_metrics`` hook.
Dutch names are accepted next to the English ones (``omzetgroei``,
``tevredenheid``, …).
"""

from __future__ import annotations

import polars as pl

from relatierapport import hookimpl
from relatierapport.business import deal_condition, won_condition
from relatierapport.hooktypes import GoalMetric
from relatierapport.render.labels import N_

VALUE_SCHEMA = {"relation": pl.String, "date": pl.Date, "value": pl.Float64}


def _rows(frame: pl.DataFrame, relation: str, date: str, value: pl.Expr) -> pl.DataFrame:
    return frame.select(pl.col(relation).alias("relation"), pl.col(date).alias("date"),
                        value.cast(pl.Float64).alias("value"))


def revenue(portfolio, config):
    """Won amounts; other business counts as 0, so the data's first day is the first record's."""
    business = portfolio.business
    if business.is_empty() or business["amount"].null_count() == business.height:
        return None
    return _rows(business, "relation", "date",
                 pl.when(won_condition(config.business)).then(pl.col("amount")).otherwise(0.0))


def won_deals(portfolio, config):
    """One row per deal: a won record whose amount is not negative; a credit note is no deal, so
    it never retains a relation."""
    if portfolio.business.is_empty():
        return None
    return _rows(portfolio.business.filter(deal_condition(config.business)), "relation", "date",
                 pl.lit(1.0))


def touchpoints(portfolio, config):
    if portfolio.touchpoints.is_empty():
        return None
    return _rows(portfolio.touchpoints, "relation", "date", pl.lit(1.0))


def referrals(portfolio, config):
    """``referral_given`` touchpoints: the relation referred someone to us."""
    if portfolio.touchpoints.is_empty():
        return None
    return _rows(portfolio.touchpoints, "relation", "date",
                 (pl.col("kind") == "referral_given").fill_null(False))


def customer_satisfaction(portfolio, config):
    """Customer survey scores on a scale of 10 (a score of 4 on a scale of 5 counts as 8)."""
    surveys = portfolio.surveys.filter(pl.col("kind") == "customer")
    if surveys.is_empty():
        return None
    return _rows(surveys, "subject", "date", pl.col("score") * 10 / pl.col("scale").fill_null(10.0))


def new_relations(portfolio, config):
    """Each relation counts once, on the day it started (``since``)."""
    frame = portfolio.relation_frame().filter(pl.col("since").is_not_null())
    if frame.is_empty():
        return None
    return _rows(frame, "relation", "since", pl.lit(1.0))


NO_AMOUNTS = N_("no business records with amounts")
NO_BUSINESS = N_("no business records")
NO_TOUCHPOINTS = N_("no touchpoints on record")
NO_SURVEYS = N_("no customer surveys on record")
NO_SINCE = N_("no relation has a start date (since)")


@hookimpl
def goal_metrics():
    return [
        GoalMetric("revenue", revenue, "sum", "money", NO_AMOUNTS, ("omzet",),
                   description=N_("Won revenue"), aim="expand"),
        GoalMetric("revenue_growth", revenue, "growth", "percent", NO_AMOUNTS,
                   ("omzetgroei", "groei", "growth"),
                   description=N_("Growth of won revenue against the baseline period"), aim="expand",
                   value_unit="money"),
        GoalMetric("touchpoints", touchpoints, "sum", "count", NO_TOUCHPOINTS,
                   ("contactmomenten", "contacten"), description=N_("Touchpoints"),
                   cumulative=True, aim="improve"),
        GoalMetric("referrals", referrals, "sum", "count", NO_TOUCHPOINTS,
                   ("verwijzingen", "doorverwijzingen", "referral"),
                   description=N_("Referrals given by the relations"), cumulative=True,
                   aim="expand"),
        GoalMetric("satisfaction", customer_satisfaction, "mean", "score", NO_SURVEYS,
                   ("tevredenheid", "klanttevredenheid"), bounds=(0.0, 10.0),
                   description=N_("Customer satisfaction (out of 10)"), aim="improve"),
        GoalMetric("satisfaction_change", customer_satisfaction, "change", "points", NO_SURVEYS,
                   ("tevredenheidsgroei", "tevredenheidsstijging"), bounds=(0.0, 10.0),
                   description=N_("Change of customer satisfaction against the baseline period"),
                   aim="improve", value_unit="score"),
        GoalMetric("retention", won_deals, "retention", "percent", NO_BUSINESS,
                   ("behoud", "klantbehoud"), bounds=(0.0, 100.0),
                   description=N_("Relations with won business in the baseline period that have "
                                  "won business again"), cumulative=True, aim="extend"),
        GoalMetric("new_relations", new_relations, "sum", "count", NO_SINCE,
                   ("nieuwe relaties", "nieuwe klanten", "new relations"),
                   description=N_("New relations (by start date)"), cumulative=True),
    ]
