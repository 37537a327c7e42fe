"""Customer value (the clv analysis): the published CDNOW results, and figures worked out by hand.

The CDNOW calibration data (tests/data/lifetimes-cdnow, see SOURCE.txt) is the data of Fader,
Hardie & Lee (2005), who publish the BG/NBD estimates r = 0.243, α = 4.414, a = 0.793,
b = 2.426 and log-likelihood −9,582.4 (PUBLISHED.md); Fader & Hardie's note on the
Gamma-Gamma model gives p = 6.25, q = 3.74, v = 15.44 on the same customers.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import sys

import numpy as np
import polars as pl
import pytest

from conftest import TEST_DATA, cli, write_project
from relatierapport.builtin.analyses.clv import models
from relatierapport.builtin.analyses.clv.purchases import purchase_summary

CDNOW = TEST_DATA / "lifetimes-cdnow"
PUBLISHED = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_LOG_LIKELIHOOD = -9582.4
CALIBRATION_END = dt.date(1997, 9, 30)


def cdnow_transactions() -> list[tuple[str, dt.date, float]]:
    """(customer, day, dollars) of every line of CDNOW_sample.txt (no header; master id,
    sample id, YYYYMMDD, CDs, dollars); the sample id is the summary's ID."""
    rows = []
    for line in (CDNOW / "CDNOW_sample.txt").read_text(encoding="ascii").splitlines():
        _, customer, day, _, dollars = line.split()
        rows.append((str(int(customer)), dt.datetime.strptime(day, "%Y%m%d").date(), float(dollars)))
    return rows


def within_one_percent(found: dict) -> dict:
    return {name: round(found[name] / value - 1, 5) for name, value in PUBLISHED.items()
            if abs(found[name] / value - 1) > 0.01}


def test_bgnbd_on_the_papers_calibration_data_gives_the_published_estimates():
    summary = pl.read_csv(CDNOW / "cdnow_customers_summary.csv")
    fit = models.fit_bgnbd(summary["frequency"].to_numpy(), summary["recency"].to_numpy(),
                           summary["T"].to_numpy())
    assert fit.converged and fit.customers == 2357
    assert within_one_percent(vars(fit)) == {}
    assert abs(fit.log_likelihood - PUBLISHED_LOG_LIKELIHOOD) < 1


def test_the_transactions_count_as_the_paper_counts_them():
    """One purchase per customer per day, 39 weeks to 30 Sep 1997: x, t_x and T equal the
    paper's summary (which rounds t_x and T to 2 decimals)."""
    rows = cdnow_transactions()
    business = pl.DataFrame({"relation": [r[0] for r in rows], "date": [r[1] for r in rows],
                             "amount": [r[2] for r in rows], "status": ["won"] * len(rows)})
    ours = purchase_summary(business, {"no_status_is_won": True}, CALIBRATION_END, 7.0)
    paper = pl.read_csv(CDNOW / "cdnow_customers_summary.csv").with_columns(
        pl.col("ID").cast(pl.String).alias("relation"))
    both = ours.join(paper, on="relation", how="full", coalesce=True)
    assert both.height == ours.height == 2357
    assert (both["x"] == both["frequency"]).all() and both["x"].sum() == 2457
    assert (both["t_x"] - both["recency"]).abs().max() < 0.006
    assert (both["T"] - both["T_right"]).abs().max() < 0.006
    repeat = ours.filter((pl.col("x") > 0) & (pl.col("m") > 0))
    gamma = models.fit_gamma_gamma(repeat["x"].to_numpy(), repeat["m"].to_numpy())
    assert gamma.customers == 946
    assert (round(gamma.p, 2), round(gamma.q, 2), round(gamma.v, 2)) == (6.25, 3.74, 15.44)


@pytest.mark.parametrize("engine", ["auto", "in-memory", "streaming"])
def test_t_x_and_t_are_the_correctly_rounded_quotient_on_every_polars_engine(engine):
    """The times the fit reads are days / unit as Python (and an independent re-computation)
    divides, whichever engine runs the query: polars' own division by a constant is a
    multiplication by its reciprocal, a last bit off for about a third of the values, and
    the fit on very few customers converges or not on that bit."""
    as_of = dt.date(2026, 11, 1)
    firsts = [as_of - dt.timedelta(days=days) for days in range(1, 400)]
    business = pl.DataFrame({"relation": [f"K{n:03}" for n in range(len(firsts))] * 2,
                             "date": firsts + [as_of] * len(firsts),
                             "amount": [100.0] * (2 * len(firsts)), "status": ["won"] * (2 * len(firsts))})
    with pl.Config(engine_affinity=engine):
        ours = purchase_summary(business, {"no_status_is_won": True}, as_of, 7.0)
    days = [(as_of - first).days for first in firsts]
    assert ours["T"].to_list() == [d / 7.0 for d in days]
    assert ours["t_x"].to_list() == [d / 7.0 for d in days]      # the last purchase: the report date
    assert sum(d / 7.0 != d * (1 / 7.0) for d in days) > 100      # values where the two differ


def cdnow_project(root):
    """A project as a user would make it from CDNOW_sample.txt: a relations CSV (one relation per
    customer) and a won-business CSV with every transaction, later ones included."""
    rows = cdnow_transactions()
    customers = sorted({r[0] for r in rows}, key=int)
    relations = "id;name\n" + "".join(f"{c};Klant {c}\n" for c in customers)
    business = "relation;date;amount;hours;kind;status\n" + "".join(
        f"{c};{day:%d-%m-%Y};{f'{dollars:.2f}'.replace('.', ',')};;cd;gewonnen\n" for c, day, dollars in rows)
    return write_project(root, relations=relations, files={
        "business.csv": business, "touchpoints.csv": "relation;date\n4;02-01-1997\n"},
        extra_config='\n[plugins.clv]\ntime_unit = "week"\n')


def test_the_cli_on_a_project_made_from_the_cdnow_transactions(tmp_path):
    config = cdnow_project(tmp_path)
    result = cli("build", "--config", config, "--as-of", "1997-09-30", "--format", "json", "--strict")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    bgnbd = report["portfolio"]["clv"]["bgnbd"]
    assert bgnbd["customers"] == 2357 and bgnbd["time_unit"] == "week"
    assert within_one_percent(bgnbd) == {}
    assert abs(bgnbd["log_likelihood"] - PUBLISHED_LOG_LIKELIHOOD) < 1
    gamma = report["portfolio"]["clv"]["gamma_gamma"]
    assert gamma["customers"] == 946 and round(gamma["p"], 2) == 6.25
    per_relation = {r["id"]: r["clv"] for r in report["relations"]}
    # customer 1 (master id 4): purchases on 1 and 18 Jan and 2 Aug 1997 (and 12 Dec, after
    # the report date)
    four = per_relation["1"]
    assert (four["purchases"], four["repeat_purchases"], four["first_purchase"], four["last_purchase"]) \
        == (3, 2, "1997-01-01", "1997-08-02")
    assert 0 < four["p_alive"] < 1 and four["value_basis"] == "own" and four["unknown"] is None
    assert four["expected_value"] == pytest.approx(four["expected_purchases"] * four["value_per_purchase"])
    assert bgnbd["dropout_per_purchase"] == pytest.approx(bgnbd["a"] / (bgnbd["a"] + bgnbd["b"]))
    totals, values = report["portfolio"]["clv"]["per_relation"], list(per_relation.values())
    known = [c["clv"] for c in values if c["clv"] is not None]
    assert totals["clv"] == pytest.approx(sum(known)) and len(known) == 2357
    assert totals["clv_median"] == pytest.approx(float(np.median(known)))
    assert totals["p_alive_median"] == pytest.approx(float(np.median([c["p_alive"] for c in values])))
    assert totals["expected_value"] == pytest.approx(sum(c["expected_value"] for c in values))
    lost = [c for c in values if c["probably_lost"]]
    assert totals["probably_lost"] == len(lost) > 0 and totals["clv_unknown"] == 0
    assert all(c["p_alive"] < 0.5 and c["repeat_purchases"] > 0 for c in lost)
    assert all(c["probably_lost"] is False for c in values if c["repeat_purchases"] and c["p_alive"] >= 0.5)
    single = next(c for c in per_relation.values() if c["repeat_purchases"] == 0)
    assert single["p_alive"] == 1 and single["caveat"] == "one_purchase" and single["probably_lost"] is None
    assert single["value_basis"] == "portfolio"
    assert single["value_per_purchase"] == pytest.approx(gamma["p"] * gamma["v"] / (gamma["q"] - 1))


# -- worked out by hand ------------------------------------------------------------------------

HAND = models.BgNbd(r=1.0, alpha=1.0, a=2.0, b=3.0, log_likelihood=0.0, customers=0, converged=True)


def test_p_alive_worked_out_by_hand():
    # x = 1, t_x = 1, T = 2: odds = a/(b+x-1) · ((α+T)/(α+t_x))^(r+x) = 2/3 · (3/2)^2 = 1.5
    # -> P(alive) = 1 / (1 + 1.5) = 0.4
    assert models.probability_alive(HAND, [1], [1], [2])[0] == pytest.approx(0.4)
    # no repeat purchase: alive with certainty, however long ago (one drops out only after one)
    assert list(models.probability_alive(HAND, [0, 0], [0, 0], [1, 500])) == [1.0, 1.0]
    # bought at the very end of the period (t_x = T): the odds are a/(b+x-1) = 2/4
    assert models.probability_alive(HAND, [2], [7], [7])[0] == pytest.approx(1 / 1.5)


def test_expected_purchases_by_hand_and_growing_with_frequency():
    # x = 0, T = 0 (just bought for the first time): E[Y(t)] = (a+b-1)/(a-1) · [1 - (α/(α+t))^r
    # · 2F1(r, b; a+b-1; t/(α+t))]; r = 1, α = 1, t = 1: 4 · [1 - 1/2 · 2F1(1, 3; 4; 1/2)],
    # and 2F1(1, 3; 4; z) = Σ (1)_n (3)_n / ((4)_n n!) z^n = Σ 3/(n+3) z^n, z = 1/2:
    series = sum(3 / (n + 3) * 0.5 ** n for n in range(200))
    assert models.expected_purchases(HAND, 1.0, [0], [0], [0])[0] == pytest.approx(4 * (1 - 0.5 * series))
    frequencies = np.arange(0, 20)
    expected = models.expected_purchases(HAND, 10.0, frequencies, np.full(20, 30.0), np.full(20, 30.0))
    assert np.all(np.diff(expected) > 0)


def test_gamma_gamma_value_by_hand():
    model = models.GammaGamma(p=2.0, q=3.0, v=10.0, log_likelihood=0.0, customers=0, converged=True)
    # nothing repeated: the portfolio's mean, p·v/(q-1) = 2·10/2 = 10
    assert models.expected_value_per_purchase(model, [0], [float("nan")])[0] == pytest.approx(10.0)
    # two repeat purchases of 20 on average: p(v + x·m)/(px + q - 1) = 2·(10+40)/(4+2) = 16.67
    assert models.expected_value_per_purchase(model, [2], [20.0])[0] == pytest.approx(100 / 6)


def test_lifetime_value_by_hand_and_zero_when_nothing_is_expected():
    x, t_x, T = np.array([3.0]), np.array([20.0]), np.array([30.0])
    weeks_per_month = 365.25 / 12 / 7
    month = models.expected_purchases(HAND, weeks_per_month, x, t_x, T)
    # one month, no discount: the purchases expected in it times the value per purchase
    assert models.discounted_value(HAND, 50.0, x, t_x, T, months=1, units_per_month=weeks_per_month,
                                   monthly_discount=0.0)[0] == pytest.approx(50.0 * month[0])
    # two months at 1 % a month: month 1 ÷ 1.01, month 2's own purchases ÷ 1.01²
    two = models.expected_purchases(HAND, 2 * weeks_per_month, x, t_x, T)
    assert models.discounted_value(HAND, 50.0, x, t_x, T, months=2, units_per_month=weeks_per_month,
                                   monthly_discount=0.01)[0] == pytest.approx(
        50.0 * (month[0] / 1.01 + (two[0] - month[0]) / 1.01 ** 2))
    # nothing is worth anything: 0, not unknown
    assert models.discounted_value(HAND, 0.0, x, t_x, T, months=12, units_per_month=weeks_per_month,
                                   monthly_discount=0.01)[0] == 0.0


# -- what the analysis counts and says ---------------------------------------------------------

def clv_of(tmp_path, business: str, relations: str, extra: str = "", as_of: str = "2026-11-01"):
    config = write_project(tmp_path, relations=relations, files={
        "business.csv": business, "touchpoints.csv": "relation;date\nK1;01-01-2026\n"},
        extra_config=extra)
    result = cli("build", "--config", config, "--as-of", as_of, "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    return report["portfolio"]["clv"], {r["id"]: r.get("clv") for r in report["relations"]}, report["warnings"]


def test_credit_notes_lower_value_and_are_never_purchases(tmp_path):
    relations = "id;name\nK1;Alfa\nK2;Beta\nK3;Gamma\n"
    business = ("relation;date;amount;hours;kind;status\n"
                "K1;01-01-2026;1000;;;gewonnen\n"
                "K1;01-03-2026;400;;;gewonnen\n"
                "K1;01-03-2026;200;;;gewonnen\n"      # same day: one purchase of 600
                "K1;01-05-2026;800;;;gewonnen\n"
                "K1;01-06-2026;-100;;;gewonnen\n"     # a credit note: no purchase, lowers value
                "K1;01-07-2026;500;;;verloren\n"      # lost: not business
                "K2;01-02-2026;-50;;;gewonnen\n"      # only a credit note: no purchase at all
                "K3;01-02-2026;300;;;gewonnen\n"
                "K3;01-03-2026;100;;;gewonnen\n"
                "K3;01-04-2026;-900;;;gewonnen\n")    # credit notes outweigh the repeat value
    about, found, warnings = clv_of(tmp_path, business, relations,
                                    "\n[plugins.clv]\nmin_repeat_customers = 2\n")
    assert (found["K1"]["purchases"], found["K1"]["repeat_purchases"]) == (3, 2)
    assert (found["K1"]["first_purchase"], found["K1"]["last_purchase"]) == ("2026-01-01", "2026-05-01")
    assert found["K2"]["purchases"] is None and found["K2"]["unknown"] == "no_purchase"
    assert found["K2"]["p_alive"] is None and found["K2"]["clv"] is None
    assert about["customers"] == 2 and about["repeat_customers"] == 2
    # repeat value of K1: (600 + 800 - 100) / 2 = 650; of K3: (100 - 900) / 1 < 0 -> unknown
    # value, too few positive repeat customers for Gamma-Gamma (1 < 2): said, not a warning
    assert found["K3"]["unknown"] in ("credit_notes_outweigh", "too_few_repeat_customers_with_value")
    assert found["K1"]["value_per_purchase"] is None and about["gamma_gamma"] is None
    assert warnings == []


def test_too_few_repeat_relations_is_an_explicit_unknown_not_a_zero(tmp_path):
    about, found, warnings = clv_of(
        tmp_path, "relation;date;amount;hours;kind;status\nK1;01-01-2026;10;;;gewonnen\n"
        "K1;01-02-2026;10;;;gewonnen\nK2;01-02-2026;10;;;gewonnen\n", "id;name\nK1;Alfa\nK2;Beta\nK3;Gamma\n")
    assert about["unknown"] == "too_few_repeat_customers" and about["bgnbd"] is None
    assert (about["repeat_customers"], about["min_repeat_customers"]) == (1, 20)
    assert found["K1"]["unknown"] == "too_few_repeat_customers" and found["K1"]["p_alive"] is None
    assert found["K1"]["purchases"] == 2 and found["K3"]["unknown"] == "no_purchase"
    assert warnings == []


def test_a_fit_that_does_not_converge_is_a_warning_and_unknown(tmp_path, monkeypatch):
    monkeypatch.setattr(models, "TOLERANCE", {"maxiter": 3})    # far too few steps to converge
    config = cdnow_project(tmp_path)
    result = cli("build", "--config", config, "--as-of", "1997-09-30", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    assert report["portfolio"]["clv"]["unknown"] == "fit_did_not_converge"
    assert {r["clv"]["unknown"] for r in report["relations"]} == {"fit_did_not_converge"}
    assert any("did not converge" in w["message"] for w in report["warnings"])
    assert cli("build", "--config", config, "--as-of", "1997-09-30", "--format", "json",
               "--strict").exit_code != 0


def test_without_scipy_the_analysis_says_what_to_install(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "scipy", None)          # as if it were not installed
    about, found, warnings = clv_of(tmp_path, "relation;date;amount;hours;kind;status\n"
                                    "K1;01-01-2026;10;;;gewonnen\n",
                                    "id;name\nK1;Alfa\n", "\n[plugins.clv]\nhorizon_months = 6\n")
    assert about == {"unknown": "needs_scipy", "install": 'pip install "relatierapport[clv]"'}
    assert warnings == []           # said in the report, not a warning: init's projects set [plugins.clv]


def test_a_portfolio_where_nobody_drops_out_fits_at_that_boundary():
    """Every relation bought every week up to the report date: the likelihood is highest as the
    chance of dropping out goes to 0 (a → 0, b → ∞, neither determined): a fit at that boundary,
    said by dropout_per_purchase ~0 and P(alive) ~1, not a failure."""
    x = np.arange(5, 35, dtype=float)
    fit = models.fit_bgnbd(x, x, x)                 # bought weekly, the last time this week
    assert fit.converged and fit.a / (fit.a + fit.b) < models.NO_DROPOUT
    assert np.all(models.probability_alive(fit, x, x, x) > 0.999)


def test_a_large_portfolio_is_fitted_on_every_kth_relation_and_all_get_figures(tmp_path):
    """max_fit_customers: with more relations, the models are fitted on every k-th relation in
    id order (k = ceil(n / max)); every relation still gets its figures. On CDNOW with at most
    1,000: k = 3, 786 relations (ids sorted as text), and the estimates stay near the full fit."""
    config = cdnow_project(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace(
        'time_unit = "week"', 'time_unit = "week"\nmax_fit_customers = 1000'), encoding="utf-8")
    result = cli("build", "--config", config, "--as-of", "1997-09-30", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    bgnbd, gamma = report["portfolio"]["clv"]["bgnbd"], report["portfolio"]["clv"]["gamma_gamma"]
    assert (bgnbd["sample_every"], bgnbd["customers"]) == (3, 786)          # ceil(2357 / 1000)
    assert (gamma["sample_every"], gamma["customers"]) == (1, 946)          # 946 ≤ 1000: all
    assert abs(bgnbd["r"] / PUBLISHED["r"] - 1) < 0.25 and abs(bgnbd["alpha"] / PUBLISHED["alpha"] - 1) < 0.25
    assert all(r["clv"]["p_alive"] is not None for r in report["relations"])
