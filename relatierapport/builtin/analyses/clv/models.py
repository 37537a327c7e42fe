"""BG/NBD and Gamma-Gamma: the closed-form likelihoods and what follows from fitted parameters.

The models of the customer-base analysis literature, as published:

- BG/NBD (Fader, Hardie & Lee 2005, "Counting your customers the easy way", eq. 6, 10, 13 and
  its appendix): while alive a customer buys as a Poisson process with rate λ ~ Gamma(r, α);
  after any purchase the customer drops out with probability p ~ Beta(a, b). Data per customer:
  ``x`` repeat purchases, ``t_x`` the time of the last one and ``T`` the time observed, both from
  the first purchase, in one time unit.
- Gamma-Gamma (Fader, Hardie & Lee 2005, "RFM and CLV", and Fader & Hardie's note "The
  Gamma-Gamma model of monetary value", 2013): a customer's value per purchase varies around
  their own mean, which varies across customers; parameters ``p``, ``q``, ``v``. Data: ``x``
  repeat purchases (at least one) and ``m`` their mean value.

Parameters are fitted by maximum likelihood with scipy (Nelder-Mead on the logarithms, so they
stay positive), the same estimate PyMC-Marketing's MAP fit gives with flat priors. Everything
here works on numpy arrays, one element per customer.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, gammaln, hyp2f1

#: Tolerances of the fit: parameters to 1e-8 relative, the log-likelihood to 1e-10; a fit that
#: needs more than 4,000 evaluations (the CDNOW fit needs ~1,000) does not converge.
TOLERANCE = {"xatol": 1e-8, "fatol": 1e-10, "maxiter": 4000, "maxfev": 4000}
#: Below this mean chance of dropping out after a purchase, a / (a + b), the data show no
#: drop-out at all: the likelihood is flat along a → 0, b → ∞ (a and b themselves are not
#: determined, their ratio is: ~0), so such a fit counts as converged, at that boundary.
NO_DROPOUT = 1e-6
#: Iterations without improvement at that boundary after which the fit stops there.
BOUNDARY_STEPS = 100


@dataclass(frozen=True)
class BgNbd:
    r: float
    alpha: float
    a: float
    b: float
    log_likelihood: float
    customers: int
    converged: bool
    message: str = ""


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    v: float
    log_likelihood: float
    customers: int
    converged: bool
    message: str = ""


# -- BG/NBD ---------------------------------------------------------------------------------

def bgnbd_log_likelihoods(r, alpha, a, b, x, t_x, T) -> np.ndarray:
    """Each customer's log-likelihood (FHL 2005, eq. 6, in logs so large ``x`` stays finite)."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    common = (gammaln(r + x) - gammaln(r) + r * np.log(alpha)
              + gammaln(a + b) + gammaln(b + x) - gammaln(b) - gammaln(a + b + x))
    still_alive = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    dropped = np.full_like(x, -np.inf)
    dropped[repeat] = (np.log(a) - np.log(b + x[repeat] - 1)
                       - (r + x[repeat]) * np.log(alpha + t_x[repeat]))
    return common + np.logaddexp(still_alive, dropped)


def fit_bgnbd(x, t_x, T) -> BgNbd:
    """r, α, a, b by maximum likelihood."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))

    def negative(logs):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            total = bgnbd_log_likelihoods(*np.exp(logs), x, t_x, T).sum()
        return -total if np.isfinite(total) else np.inf

    # start: r = a = b = 1 and α at a tenth of the mean time observed (α is a time scale: 1 in
    # weeks suits the literature's data, and stays right when the unit is a day or a month)
    start = np.log([1.0, max(float(T.mean()) / 10, 1e-3) if T.size else 1.0, 1.0, 1.0])
    result = minimize(negative, start, method="Nelder-Mead", options=TOLERANCE,
                      callback=_stop_at_the_boundary())
    r, alpha, a, b = np.exp(result.x)
    at_boundary = a / (a + b) < NO_DROPOUT
    converged = bool((result.success or at_boundary) and np.isfinite(result.fun))
    message = "no drop-out in the data (a / (a + b) → 0)" if at_boundary else str(result.message)
    return BgNbd(float(r), float(alpha), float(a), float(b), float(-result.fun), int(x.size),
                 converged, message)


def _stop_at_the_boundary(steps: int = BOUNDARY_STEPS):
    """A Nelder-Mead callback that ends the fit once it sits at the no-drop-out boundary
    (a / (a + b) < NO_DROPOUT) and the log-likelihood has not improved by 1e-10 (relative)
    in ``steps`` iterations: along that ridge a and b drift for ever while r, α and the
    likelihood stay put (the example's fit took all 4,000 evaluations before)."""
    history: list[float] = []

    def callback(intermediate_result):
        _, _, log_a, log_b = intermediate_result.x
        history.append(float(intermediate_result.fun))
        if (len(history) > steps and 1.0 / (1.0 + np.exp(log_b - log_a)) < NO_DROPOUT
                and abs(history[-steps - 1] - history[-1]) <= 1e-10 * abs(history[-1])):
            raise StopIteration

    return callback


def _drop_out_odds(model, x, t_x, T) -> np.ndarray:
    """a/(b+x-1) · ((α+T)/(α+t_x))^(r+x) for repeat customers, 0 for the others: the odds that
    the customer dropped out after the last purchase rather than is still alive (FHL 2005 eq. 13)."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    odds = np.zeros_like(x)
    repeat = x > 0
    xr = x[repeat]
    odds[repeat] = np.exp(np.log(model.a) - np.log(model.b + xr - 1)
                          + (model.r + xr) * (np.log(model.alpha + T[repeat])
                                              - np.log(model.alpha + t_x[repeat])))
    return odds


def probability_alive(model: BgNbd, x, t_x, T) -> np.ndarray:
    """P(alive | x, t_x, T): 1 for a customer without a repeat purchase (under BG/NBD one can
    only drop out right after a purchase)."""
    return 1.0 / (1.0 + _drop_out_odds(model, x, t_x, T))


def expected_purchases(model: BgNbd, t: float, x, t_x, T) -> np.ndarray:
    """E[purchases in the next ``t`` | x, t_x, T] (FHL 2005 eq. 10)."""
    x, t_x, T = (np.asarray(v, dtype=float) for v in (x, t_x, T))
    r, alpha, a, b = model.r, model.alpha, model.a, model.b
    shape = r + x
    z = t / (alpha + T + t)
    bracket = 1.0 - ((alpha + T) / (alpha + T + t)) ** shape * hyp2f1(shape, b + x, a + b + x - 1, z)
    return (a + b + x - 1) / (a - 1) * bracket / (1.0 + _drop_out_odds(model, x, t_x, T))


# -- Gamma-Gamma ----------------------------------------------------------------------------

def gamma_gamma_log_likelihoods(p, q, v, x, m) -> np.ndarray:
    """Each repeat customer's log-likelihood of their mean value ``m`` over ``x`` purchases."""
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)
    return (gammaln(p * x + q) - gammaln(p * x) - gammaln(q) + q * np.log(v)
            + (p * x - 1) * np.log(m) + p * x * np.log(x) - (p * x + q) * np.log(x * m + v))


def fit_gamma_gamma(x, m) -> GammaGamma:
    """p, q, v by maximum likelihood, from repeat customers with a positive mean value."""
    x, m = np.asarray(x, dtype=float), np.asarray(m, dtype=float)

    def negative(logs):
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
            total = gamma_gamma_log_likelihoods(*np.exp(logs), x, m).sum()
        return -total if np.isfinite(total) else np.inf

    # start: p = 1, q = 2 and v at the mean value, so that the mean p·v/(q-1) starts at the data's
    # (from p = q = v = 1 a fit on euro amounts in the thousands wanders off along a ridge)
    start = np.log([1.0, 2.0, max(float(m.mean()), 1e-6) if m.size else 1.0])
    result = minimize(negative, start, method="Nelder-Mead", options=TOLERANCE)
    p, q, v = np.exp(result.x)
    return GammaGamma(float(p), float(q), float(v), float(-result.fun), int(x.size),
                      bool(result.success and np.isfinite(result.fun)), str(result.message))


def expected_value_per_purchase(model: GammaGamma, x, m) -> np.ndarray:
    """E[value of a purchase | x, m]: the customer's mean pulled towards the population's,
    p(v + x·m) / (px + q - 1); for x = 0 the population's mean pv / (q - 1). Needs q > 1."""
    x = np.asarray(x, dtype=float)
    m = np.nan_to_num(np.asarray(m, dtype=float), nan=0.0)
    return model.p * (model.v + x * m) / (model.p * x + model.q - 1)


# -- value over time ------------------------------------------------------------------------

def discounted_value(model: BgNbd, value_per_purchase, x, t_x, T, *, months: int,
                     units_per_month: float, monthly_discount: float) -> np.ndarray:
    """Σ over the next ``months`` months of (expected purchases in that month) × value per
    purchase ÷ (1 + monthly discount)^month: the customer lifetime value over the horizon,
    as lifetimes' ``customer_lifetime_value`` computes it."""
    total = np.zeros(np.asarray(x).shape, dtype=float)
    previous = np.zeros_like(total)
    for month in range(1, months + 1):
        cumulative = expected_purchases(model, month * units_per_month, x, t_x, T)
        total += (cumulative - previous) / (1.0 + monthly_discount) ** month
        previous = cumulative
    return total * np.asarray(value_per_purchase, dtype=float)


__all__ = ["BgNbd", "GammaGamma", "bgnbd_log_likelihoods", "fit_bgnbd", "probability_alive",
           "expected_purchases", "gamma_gamma_log_likelihoods", "fit_gamma_gamma",
           "expected_value_per_purchase", "discounted_value", "expit"]
