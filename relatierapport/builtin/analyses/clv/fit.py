"""The clv analysis: fit both models on the portfolio, then every relation's figures.

Per relation (report.json ``relations[].clv``; null where unknown, ``unknown`` says why):

``purchases``, ``repeat_purchases``
    purchase days up to the report date, and those after the first (``x``);
``p_alive``
    P(alive | x, t_x, T) under the fitted BG/NBD;
``expected_purchases``
    purchases expected in the next ``horizon_months`` months;
``value_per_purchase``, ``value_basis``
    the Gamma-Gamma expected value of one purchase: ``own`` (the relation's own repeat mean
    pulled towards the portfolio's) or ``portfolio`` (no repeat purchase with an amount: the
    portfolio's mean, p·v / (q - 1));
``expected_value``
    expected purchases × value per purchase, undiscounted;
``clv``
    the lifetime value over the horizon: Σ month 1..H of the purchases expected in that
    month × value per purchase ÷ (1 + monthly rate)^month, monthly rate = (1 + yearly
    discount_rate)^(1/12) - 1;
``probably_lost``
    p_alive below ``probably_lost_below`` for a relation with a repeat purchase (null without);
``caveat``
    ``one_purchase`` when P(alive) is 1 only because nothing was repeated yet.
"""

from __future__ import annotations

import numpy as np
import polars as pl

from relatierapport.builtin.analyses.clv import models
from relatierapport.builtin.analyses.clv.options import NAME, UNIT_DAYS
from relatierapport.builtin.analyses.clv.purchases import purchase_summary
from relatierapport.dates import YEAR_DAYS
from relatierapport.errors import Problem
from relatierapport.hooktypes import Findings

#: Below this mean chance of dropping out after a purchase the data show (next to) no relation
#: leaving yet: every P(alive) is near 1, "none probably lost" says little, and the pages say so.
NO_DROPOUT_SEEN = 0.001
FIGURES = ("p_alive", "expected_purchases", "value_per_purchase", "expected_value", "clv")
SCHEMA = {"relation": pl.String, "purchases": pl.Int64, "repeat_purchases": pl.Int64,
          "first_purchase": pl.Date, "last_purchase": pl.Date, "p_alive": pl.Float64,
          "expected_purchases": pl.Float64, "value_per_purchase": pl.Float64,
          "value_basis": pl.String, "expected_value": pl.Float64, "clv": pl.Float64,
          "probably_lost": pl.Boolean, "caveat": pl.String, "unknown": pl.String}


def customer_value(portfolio, config) -> Findings:
    options = config.plugin(NAME)
    unit = options["time_unit"]
    summary = purchase_summary(portfolio.business, config.business, config.as_of, UNIT_DAYS[unit])
    repeat = int((summary["x"] > 0).sum())
    about = {"time_unit": unit, "horizon_months": options["horizon_months"],
             "discount_rate": options["discount_rate"],
             "probably_lost_below": options["probably_lost_below"],
             "customers": summary.height, "repeat_customers": repeat,
             "bgnbd": None, "gamma_gamma": None, "unknown": None}
    everyone = portfolio.relation_frame().select("relation")
    if repeat < options["min_repeat_customers"]:
        # thin data, said in the findings (the pages say it in words), not a warning: a small
        # or new portfolio is not a problem to fix
        about["unknown"] = "too_few_repeat_customers"
        about["min_repeat_customers"] = options["min_repeat_customers"]
        return Findings(relations=_unfitted(everyone, summary, "too_few_repeat_customers"),
                        portfolio=about)
    x, t_x, T = (summary[c].to_numpy().astype(float) for c in ("x", "t_x", "T"))
    fitted_on, every = fitting_sample(summary, options["max_fit_customers"])
    bgnbd = models.fit_bgnbd(*(fitted_on[c].to_numpy().astype(float) for c in ("x", "t_x", "T")))
    if not bgnbd.converged:
        about["unknown"] = "fit_did_not_converge"
        warning = Problem(NAME, f"customer value not estimated: the BG/NBD fit did not converge "
                          f"({bgnbd.message})", field=f"[plugins.{NAME}]")
        return Findings(relations=_unfitted(everyone, summary, "fit_did_not_converge"),
                        portfolio=about, warnings=[warning])
    about["bgnbd"] = {"r": bgnbd.r, "alpha": bgnbd.alpha, "a": bgnbd.a, "b": bgnbd.b,
                      "log_likelihood": bgnbd.log_likelihood, "customers": bgnbd.customers,
                      "time_unit": unit, "sample_every": every,
                      # the mean chance of dropping out right after a purchase, a / (a + b): near
                      # 0 the data show no relation leaving yet and P(alive) is near 1 for all
                      "dropout_per_purchase": bgnbd.a / (bgnbd.a + bgnbd.b),
                      "no_dropout_seen": bgnbd.a / (bgnbd.a + bgnbd.b) < NO_DROPOUT_SEEN}
    warnings: list[Problem] = []
    values, about["gamma_gamma"], gamma_unknown = _value_per_purchase(summary, options, warnings)
    horizon = options["horizon_months"] * (YEAR_DAYS / 12) / UNIT_DAYS[unit]
    monthly = (1.0 + options["discount_rate"]) ** (1 / 12) - 1.0
    p_alive = models.probability_alive(bgnbd, x, t_x, T)
    expected = models.expected_purchases(bgnbd, horizon, x, t_x, T)
    value = values["value_per_purchase"].to_numpy().astype(float)
    clv = models.discounted_value(bgnbd, np.nan_to_num(value), x, t_x, T,
                                  months=options["horizon_months"],
                                  units_per_month=(YEAR_DAYS / 12) / UNIT_DAYS[unit],
                                  monthly_discount=monthly)
    known_value = ~np.isnan(value)
    fitted = summary.select("relation", "purchases", pl.col("x").alias("repeat_purchases"),
                            pl.col("first").alias("first_purchase"),
                            pl.col("last").alias("last_purchase")).with_columns(
        pl.Series("p_alive", p_alive), pl.Series("expected_purchases", expected),
        values["value_per_purchase"], values["value_basis"],
        pl.Series("expected_value", np.where(known_value, expected * value, np.nan)).fill_nan(None),
        pl.Series("clv", np.where(known_value, clv, np.nan)).fill_nan(None),
        values["unknown"].fill_null(gamma_unknown) if gamma_unknown else values["unknown"],
    ).with_columns(
        pl.when(pl.col("repeat_purchases") > 0)
        .then(pl.col("p_alive") < options["probably_lost_below"]).alias("probably_lost"),
        pl.when(pl.col("repeat_purchases") == 0).then(pl.lit("one_purchase")).alias("caveat"))
    about["per_relation"] = _totals(fitted)
    return Findings(relations=_with_everyone(everyone, fitted), portfolio=about, warnings=warnings)


def fitting_sample(rows: pl.DataFrame, most: int) -> tuple[pl.DataFrame, int]:
    """The relations a model is fitted on, and k: every k-th in relation-id order when there are
    more than ``most`` (k = 1: all). Ten thousand relations pin the few parameters down far
    more tightly than the models' own assumptions hold, and the likelihood costs the same per
    relation at every size (at 114,000 relations fitting on all took 12 s of a 25 s analysis);
    every relation still gets its own figures from the fitted parameters. Systematic in id order,
    so the same data always give the same sample and ids given in order of arrival are spread
    over every cohort."""
    if rows.height <= most:
        return rows, 1
    every = -(-rows.height // most)
    return rows.sort("relation").gather_every(every), every


def _value_per_purchase(summary: pl.DataFrame, options: dict, warnings: list[Problem]):
    """The value of one purchase per relation (Gamma-Gamma), the fit's parameters, and the
    reason every value is unknown when it could not be fitted."""
    positive = summary.filter((pl.col("x") > 0) & (pl.col("m") > 0))
    empty = pl.DataFrame({"value_per_purchase": [None] * summary.height,
                          "value_basis": [None] * summary.height,
                          "unknown": [None] * summary.height},
                         schema={"value_per_purchase": pl.Float64, "value_basis": pl.String,
                                 "unknown": pl.String})
    if positive.height < options["min_repeat_customers"]:      # thin data: unknown, said
        return empty, None, "too_few_repeat_customers_with_value"
    fitted_on, every = fitting_sample(positive, options["max_fit_customers"])
    gamma = models.fit_gamma_gamma(fitted_on["x"].to_numpy().astype(float),
                                   fitted_on["m"].to_numpy().astype(float))
    parameters = {"p": gamma.p, "q": gamma.q, "v": gamma.v, "customers": gamma.customers,
                  "sample_every": every}
    if not gamma.converged or gamma.q <= 1:
        reason = "fit_did_not_converge" if not gamma.converged else "no_finite_mean_value"
        warnings.append(Problem(NAME, f"value per purchase not estimated: the Gamma-Gamma fit "
                                f"{'did not converge' if not gamma.converged else 'has q ≤ 1 (no finite mean value)'}",
                                field=f"[plugins.{NAME}]"))
        return empty, parameters, reason
    own = (pl.col("x") > 0) & (pl.col("m") > 0)
    outweighed = (pl.col("x") > 0) & (pl.col("m") <= 0)
    x = summary["x"].to_numpy().astype(float)
    m = summary["m"].to_numpy().astype(float)
    basis_own = summary.select(own.fill_null(False)).to_series().to_numpy()
    value = np.where(basis_own, models.expected_value_per_purchase(gamma, x, m),
                     models.expected_value_per_purchase(gamma, np.zeros_like(x), m))
    frame = summary.select(
        pl.when(own).then(pl.lit("own")).when(outweighed).then(None)
        .otherwise(pl.lit("portfolio")).alias("value_basis"),
        pl.when(outweighed).then(pl.lit("credit_notes_outweigh")).alias("unknown"),
    ).with_columns(pl.Series("value_per_purchase", value))
    frame = frame.with_columns(pl.when(pl.col("value_basis").is_not_null())
                               .then(pl.col("value_per_purchase")).alias("value_per_purchase"))
    return frame.select("value_per_purchase", "value_basis", "unknown"), parameters, None


def _totals(fitted: pl.DataFrame) -> dict:
    """Portfolio sums and medians of the relations with figures."""
    return fitted.select(
        pl.col("expected_purchases").sum().alias("expected_purchases"),
        pl.col("expected_value").sum().alias("expected_value"),
        pl.col("clv").sum().alias("clv"),
        pl.col("clv").median().alias("clv_median"),
        pl.col("p_alive").median().alias("p_alive_median"),
        pl.col("probably_lost").sum().alias("probably_lost"),
        pl.col("clv").is_null().sum().alias("clv_unknown"),
    ).to_dicts()[0]


def _unfitted(everyone: pl.DataFrame, summary: pl.DataFrame, reason: str) -> pl.DataFrame:
    rows = summary.select("relation", "purchases", pl.col("x").alias("repeat_purchases"),
                          pl.col("first").alias("first_purchase"), pl.col("last").alias("last_purchase"))
    return _with_everyone(everyone, rows.with_columns(pl.lit(reason).alias("unknown")))


def _with_everyone(everyone: pl.DataFrame, rows: pl.DataFrame) -> pl.DataFrame:
    """One row per relation, in the portfolio's order; no purchase: every figure unknown."""
    joined = everyone.join(rows, on="relation", how="left", maintain_order="left")
    for column, dtype in SCHEMA.items():
        if column not in joined.columns:
            joined = joined.with_columns(pl.lit(None, dtype).alias(column))
    return joined.select(pl.col(c).cast(t) for c, t in SCHEMA.items()).with_columns(
        pl.when(pl.col("purchases").is_null()).then(pl.lit("no_purchase"))
        .otherwise(pl.col("unknown")).alias("unknown"))
