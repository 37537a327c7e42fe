"""The clv analysis' report sections: a relation's customer value in words, the portfolio's per
category, and how it was estimated.

Everything is said in words, never as a bare figure: P(alive) of a relation that bought once is
1 by the model's construction (it can only drop out after a repeat purchase), so the plan says
that it cannot tell yet instead of "100% alive"; when the fit finds no relation leaving
(``dropout_per_purchase`` near 0) every P(alive) is near 1 and the pages say that too; every
unknown figure has its reason. The portfolio's figures are computed once per build with polars
from the per-relation findings (fast at 100,000 relations); the category is the cadence
analysis' (read from its findings, the one place it is decided), else the data's.
"""

from __future__ import annotations

import math
from typing import Any

import polars as pl

from relatierapport.builtin.analyses.clv.options import NAME
from relatierapport.business import won_condition
from relatierapport.dates import add_months
from relatierapport.hooktypes import Section
from relatierapport.relation_table import relation_columns

#: With fewer relations with a repeat purchase than this the figures are rough, and said so.
THIN_DATA = 50
CATEGORIES = ("A", "B", "C")
SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")
#: Weights: the plan's section after its key figures (45); the portfolio's after its indicators.
RELATION_WEIGHT = 47
PORTFOLIO_WEIGHT = 46


def report_sections(kind, relation, report) -> list[Section]:
    found = report.findings.get(NAME)
    if found is None:
        return []
    _ = report.translate
    if kind == "portfolio":
        data = report.memo(f"{NAME}.portfolio", lambda: portfolio_data(found, report))
        return [Section("clv-overview", _("Customer value"), "sections/clv_portfolio.html",
                        PORTFOLIO_WEIGHT, data)]
    if relation.id not in found.relations and "needs_scipy" != found.portfolio.get("unknown"):
        return []
    return [Section("clv", _("Customer value"), "sections/clv_relation.html", RELATION_WEIGHT,
                    relation_data(found, relation.id, report))]


# -- words shared by both pages --------------------------------------------------------------

def _filters(report) -> dict:
    from relatierapport.render.formatting import filters_for
    return filters_for(report)


def unknown_text(reason: str | None, about: dict, report) -> str | None:
    """Why a figure is unknown, in words (``unknown`` of the findings)."""
    _, f = report.translate, _filters(report)
    if reason is None:
        return None
    if reason == "needs_scipy":
        return _("Customer value is not estimated: it needs scipy, which is not installed "
                 "(%(install)s).") % {"install": about.get("install", "")}
    if reason == "no_purchase":
        return _("No won business up to the report date: there is nothing to estimate from.")
    if reason == "too_few_repeat_customers":
        return _("Not estimated: only %(repeat)s relations bought more than once, and the models "
                 "need at least %(minimum)s to learn how often relations buy and how often they "
                 "leave.") % {"repeat": f["number"](about.get("repeat_customers")),
                             "minimum": f["number"](about.get("min_repeat_customers"))}
    if reason == "too_few_repeat_customers_with_value":
        return _("The value of a purchase is not estimated: too few relations have repeat "
                 "purchases with an amount. The chance and the expected purchases are.")
    if reason == "fit_did_not_converge":
        return _("Not estimated: the model's fit did not converge on these data (see the "
                 "build's warnings).")
    if reason == "no_finite_mean_value":
        return _("The value of a purchase is not estimated: the amounts vary so much that the "
                 "model finds no finite mean value.")
    if reason == "credit_notes_outweigh":
        return _("The value of a purchase is not estimated: its credit notes outweigh its "
                 "repeat purchases.")
    return reason


def _rate(rate: float, report) -> str:
    """The discount rate as configured: "10%", "7.5%"."""
    return _filters(report)["percent"](rate, 1 if round(rate * 100, 6) % 1 else 0)


def _no_dropout(about: dict) -> bool:
    bgnbd = about.get("bgnbd")
    return bool(bgnbd) and bgnbd["no_dropout_seen"]


# -- a relation's plan -----------------------------------------------------------------------

def _history(report) -> dict[str, tuple[float, float]]:
    """Per relation its won value (deals and credit notes, as the clv analysis counts value) in
    the horizon before the last one and in the last one up to the report date; computed once
    per build."""
    found = report.findings[NAME]
    months = found.portfolio.get("horizon_months", 12)
    as_of = report.as_of
    last_start, before_start = add_months(as_of, -months), add_months(as_of, -2 * months)
    date, amount = pl.col("date"), pl.col("amount")
    rows = (report.portfolio.business.lazy()
            .filter(won_condition(report.config.business) & (date <= as_of) & (date > before_start))
            .group_by("relation")
            .agg(amount.filter(date <= last_start).sum().alias("before"),
                 amount.filter(date > last_start).sum().alias("last"))
            .collect())
    return {relation: (before, last) for relation, before, last in rows.iter_rows()}


def relation_data(found, relation_id: str, report) -> dict[str, Any]:
    """A relation's customer value: a headline in words, the figures with their reasons and
    a small table of its won value against the value expected."""
    from relatierapport.render.charts import Bar

    _, f = report.translate, _filters(report)
    about = found.portfolio
    if about.get("unknown") == "needs_scipy":
        return {"status": "unknown", "headline": unknown_text("needs_scipy", about, report),
                "facts": [], "rows": [], "notes": []}
    entry = found.relations[relation_id]
    horizon, rate = about["horizon_months"], about["discount_rate"]
    reason = unknown_text(entry["unknown"], about, report)
    p_alive, repeat = entry["p_alive"], entry["repeat_purchases"]
    notes = []
    if entry["purchases"] is None:
        status, headline = "no_purchase", reason
    elif p_alive is None:
        status, headline = "unknown", reason
    elif entry["caveat"] == "one_purchase":
        status = "one_purchase"
        headline = _("Bought once, on %(date)s: whether this relation is still a customer cannot "
                     "be told yet. The model counts a relation as possibly lost only after a "
                     "repeat purchase, so its chance of 100%% says nothing here.") % {
            "date": f["date"](entry["first_purchase"])}
    elif entry["probably_lost"]:
        status = "probably_lost"
        headline = _("Probably lost: the chance that this relation is still a customer is "
                     "%(chance)s, below %(threshold)s. It bought %(purchases)s times, the last on "
                     "%(last)s; for its usual pace that is long ago.") % {
            "chance": f["chance"](p_alive), "threshold": f["percent"](about["probably_lost_below"]),
            "purchases": f["number"](entry["purchases"]), "last": f["date"](entry["last_purchase"])}
    else:
        status = "probably_alive"
        headline = _("Probably still a customer: the chance is %(chance)s (it bought "
                     "%(purchases)s times, the last on %(last)s).") % {
            "chance": f["chance"](p_alive), "purchases": f["number"](entry["purchases"]),
            "last": f["date"](entry["last_purchase"])}
    if status in ("probably_alive", "probably_lost") and _no_dropout(about):
        notes.append(_("The data show hardly any relation leaving after a purchase yet, so the "
                       "model gives nearly every relation a chance close to 100%: read it as "
                       "'no sign of leaving', not as certainty."))
    facts = []
    if entry["purchases"] is not None:
        facts.append((_("Purchases"), _purchases_text(entry, report), None))
    if p_alive is not None and status != "one_purchase":
        facts.append((_("Chance still a customer"), f["chance"](p_alive), None))
    if entry["expected_purchases"] is not None:
        facts.append((_("Purchases expected in the next %(months)s months") % {"months": horizon},
                      f["number"](entry["expected_purchases"], 1), None))
    if entry["purchases"] is not None and p_alive is not None:
        value_reason = reason if entry["value_per_purchase"] is None else None
        facts.append((_("Value expected in the next %(months)s months") % {"months": horizon},
                      f["money"](entry["expected_value"]), value_reason))
        facts.append((_("Lifetime value over the next %(months)s months") % {"months": horizon},
                      f["money"](entry["clv"]),
                      value_reason or _("the expected value discounted at %(rate)s a year") % {
                          "rate": _rate(rate, report)}))
        basis = {"own": _("from its own repeat purchases, drawn towards the portfolio's mean"),
                 "portfolio": _("the portfolio's mean: no repeat purchase with an amount of its "
                                "own yet")}.get(entry["value_basis"])
        facts.append((_("Value per purchase"), f["money"](entry["value_per_purchase"]),
                      basis or value_reason))
    rows = []
    if entry["purchases"] is not None:
        before, last = report.memo(f"{NAME}.history", lambda: _history(report)).get(
            relation_id, (0.0, 0.0))
        expected = entry["expected_value"]
        largest = max([abs(before or 0), abs(last or 0), abs(expected or 0)]) or 1.0
        rows = [
            {"label": _("Won, %(months)s months before that") % {"months": horizon},
             "value": f["money"](before), "bar": Bar(before, largest, "muted")},
            {"label": _("Won, the last %(months)s months") % {"months": horizon},
             "value": f["money"](last), "bar": Bar(last, largest, "muted")},
            {"label": _("Expected, the next %(months)s months") % {"months": horizon},
             "value": f["money"](expected) if expected is not None else _("unknown"),
             "bar": Bar(expected, largest, "accent")},
        ]
    if reason and status not in ("no_purchase", "unknown") and entry["unknown"] not in (
            "too_few_repeat_customers_with_value", "no_finite_mean_value", "credit_notes_outweigh"):
        notes.append(reason)
    return {"status": status, "headline": headline,
            "facts": [{"label": label, "text": text, "note": note} for label, text, note in facts],
            "rows": rows, "notes": notes, "horizon": horizon}


def _purchases_text(entry: dict, report) -> str:
    """"3 purchase days, the first on …, the last on …" in the report's language."""
    from relatierapport.render.i18n import translations

    f = _filters(report)
    count = entry["purchases"]
    text = translations(report.config.language).ngettext(
        "%(num)s purchase, on %(first)s", "%(num)s purchases, the first on %(first)s, the last "
        "on %(last)s", count)
    return text % {"num": f["number"](count), "first": f["date"](entry["first_purchase"]),
                   "last": f["date"](entry["last_purchase"])}


# -- the portfolio ---------------------------------------------------------------------------

def _categories(report) -> pl.DataFrame:
    """Per relation its category: the cadence analysis' (where it is decided), else the data's."""
    cadence = report.findings.get("cadence")
    if cadence is not None:
        return relation_columns(cadence.relations, {"category": pl.String})
    return report.portfolio.relation_frame().select("relation", "category")


def portfolio_frame(found, report) -> pl.DataFrame:
    """One row per relation: category and the clv figures the portfolio section sums."""
    figures = relation_columns(found.relations, {
        "purchases": pl.Int64, "repeat_purchases": pl.Int64, "p_alive": pl.Float64,
        "expected_value": pl.Float64, "clv": pl.Float64, "probably_lost": pl.Boolean,
        "unknown": pl.String})
    return figures.join(_categories(report), on="relation", how="left", maintain_order="left") \
        .with_columns(pl.when(pl.col("category").is_in(CATEGORIES)).then(pl.col("category"))
                      .otherwise(pl.lit("unknown")).alias("category"))


def portfolio_data(found, report) -> dict[str, Any]:
    from relatierapport.render.charts import Bar

    _ = report.translate
    about = found.portfolio
    if about.get("unknown") == "needs_scipy":
        return {"known": False, "unknown_text": unknown_text("needs_scipy", about, report)}
    frame = portfolio_frame(found, report)
    aggregates = (
        pl.len().alias("relations"),
        pl.col("clv").is_not_null().sum().alias("with_value"),
        pl.col("clv").sum().alias("clv"),
        pl.col("clv").median().alias("clv_median"),
        pl.col("expected_value").sum().alias("expected_value"),
        pl.col("probably_lost").fill_null(False).sum().alias("probably_lost"),
        (pl.col("repeat_purchases") == 0).fill_null(False).sum().alias("one_purchase"),
        pl.col("purchases").is_null().sum().alias("no_purchase"))
    grouped = {row["category"]: row for row in frame.group_by("category").agg(*aggregates)
               .iter_rows(named=True)}
    total = frame.select(*aggregates).row(0, named=True)
    keys = [*CATEGORIES, *(["unknown"] if "unknown" in grouped else [])]
    empty = {"relations": 0, "with_value": 0, "clv": 0.0, "clv_median": None, "expected_value": 0.0,
             "probably_lost": 0, "one_purchase": 0, "no_purchase": 0}
    largest = max((grouped.get(k, empty)["clv"] or 0.0 for k in keys), default=0.0)
    categories = []
    for key in keys:
        row = {**empty, **grouped.get(key, {})}
        share = row["clv"] / total["clv"] if total["clv"] else None
        categories.append({**row, "name": key if key != "unknown" else _("unknown"),
                           "share": share, "bar": Bar(row["clv"], largest)})
    known = about.get("bgnbd") is not None
    data: dict[str, Any] = {
        "known": known, "categories": categories, "total": total,
        "horizon": about["horizon_months"], "rate": _rate(about["discount_rate"], report),
        "unknown_text": unknown_text(about.get("unknown"), about, report),
        "warnings": _warnings(about, total, report), "method": _method(about, report),
    }
    if known and (about.get("gamma_gamma") is None or not total["with_value"]):
        # the value of a purchase could not be estimated for anyone: say why, once
        reasons = (frame.filter(pl.col("purchases").is_not_null() & pl.col("unknown").is_not_null())
                   ["unknown"].mode().sort())
        if reasons.len():
            data["warnings"].insert(0, unknown_text(reasons[0], about, report))
    if known and total["with_value"]:
        data["chart"] = _distribution(frame, report)
    return data


def _warnings(about: dict, total: dict, report) -> list[str]:
    """Plain words about what the figures rest on: thin data, no dropout, single purchases."""
    _, f = report.translate, _filters(report)
    texts = []
    if about.get("bgnbd") is None:
        return texts
    if about["repeat_customers"] < THIN_DATA:
        texts.append(_("Thin data: the estimate rests on only %(repeat)s relations that bought "
                       "more than once. Treat the figures as a rough indication.") % {
            "repeat": f["number"](about["repeat_customers"])})
    if _no_dropout(about):
        texts.append(_("The data show hardly any relation leaving after a purchase (the chance of "
                       "dropping out after a purchase is about 0%): the model gives nearly every "
                       "relation a chance close to 100% of still being a customer and marks none "
                       "as probably lost. It assumes every relation keeps buying at its own pace; "
                       "a relation that has quietly gone is not recognised yet."))
    one = total["one_purchase"]
    if one:
        texts.append(_("%(one)s of the %(customers)s relations with a purchase bought only once: "
                       "whether they are still customers cannot be told yet (the model counts "
                       "100%% for them), and their value per purchase is the portfolio's "
                       "mean.") % {"one": f["number"](one), "customers": f["number"](about["customers"])})
    return texts


def _method(about: dict, report) -> dict[str, Any] | None:
    """The fitted parameters for the "how this was estimated" note, formatted."""
    _, f = report.translate, _filters(report)
    bgnbd, gamma = about.get("bgnbd"), about.get("gamma_gamma")
    if bgnbd is None:
        return None
    units = {"day": _("days"), "week": _("weeks"), "month": _("months")}

    def g(value: float) -> str:        # a parameter: 4 significant digits, however small or large
        if value == 0 or not math.isfinite(value):
            return f["number"](value)
        digits = max(0, min(6, 3 - math.floor(math.log10(abs(value)))))
        if abs(value) < 1e-4:
            mantissa, exponent = f"{value:.2e}".split("e")
            power = str(int(exponent)).translate(SUPERSCRIPT)
            return f"{f['number'](float(mantissa), 2)} × 10{power}"
        return f["number"](value, digits)

    return {
        "bgnbd": {"r": g(bgnbd["r"]), "alpha": g(bgnbd["alpha"]), "a": g(bgnbd["a"]),
                  "b": g(bgnbd["b"]), "customers": f["number"](bgnbd["customers"]),
                  "log_likelihood": f["number"](bgnbd["log_likelihood"], 1),
                  "unit": units.get(bgnbd["time_unit"], bgnbd["time_unit"]),
                  "dropout": f["chance"](bgnbd["dropout_per_purchase"])},
        "gamma": None if gamma is None else {
            "p": g(gamma["p"]), "q": g(gamma["q"]), "v": g(gamma["v"]),
            "customers": f["number"](gamma["customers"])},
    }


def _bands(values: list[float]) -> list[float]:
    """Band edges from the 1-2.5-5 series between the lowest twentieth of ``values`` and the
    largest: at most 7 edges (8 columns), fewer when the values lie close together."""
    ordered = sorted(values)
    low = max(ordered[len(ordered) // 20], 1.0)
    high = max(ordered[-1], low)
    for series in ((1.0, 2.5, 5.0), (1.0, 3.0), (1.0,)):
        edges = []
        for exponent in range(int(math.floor(math.log10(low))) - 1, int(math.ceil(math.log10(high))) + 2):
            for step in series:
                edge = step * 10.0 ** exponent
                if low <= edge <= high * 1.0001 or (not edges and edge >= low):
                    edges.append(edge)
        edges = sorted(set(edges))
        if len(edges) <= 7:
            return edges or [low]
    return edges[:7]


def _distribution(frame: pl.DataFrame, report):
    """Relations by lifetime value band as columns; the counts in the text alternative."""
    from relatierapport.render.charts import Columns

    _, f = report.translate, _filters(report)
    values = frame.filter(pl.col("clv").is_not_null())["clv"]
    edges = _bands(values.to_list())
    thousands = edges[-1] >= 10_000
    scale = 1000.0 if thousands else 1.0

    def short(edge: float) -> str:
        value = edge / scale
        return f["number"](value, 0 if value == int(value) else 1)

    counts, labels, spoken = [], [], []
    bounds = [-math.inf, *edges, math.inf]
    for low, high in zip(bounds, bounds[1:]):
        count = int(values.filter((values >= low) & (values < high)).len())
        counts.append(count)
        if low == -math.inf:
            labels.append(f"< {short(high)}")
            spoken.append(_("below %(high)s: %(count)s") % {"high": f["money"](high),
                                                            "count": f["number"](count)})
        elif high == math.inf:
            labels.append(f"≥ {short(low)}")
            spoken.append(_("%(low)s or more: %(count)s") % {"low": f["money"](low),
                                                              "count": f["number"](count)})
        else:
            labels.append(f"{short(low)}–{short(high)}")
            spoken.append(_("%(low)s to %(high)s: %(count)s") % {
                "low": f["money"](low), "high": f["money"](high), "count": f["number"](count)})
    description = _("Relations by lifetime value over the horizon: %(bands)s.") % {
        "bands": "; ".join(spoken)}
    caption = (_("Relations per lifetime value band, in thousands of euros") if thousands
               else _("Relations per lifetime value band, in euros"))
    return {"chart": Columns(_("Relations by lifetime value"), description, tuple(counts),
                             tuple(labels), value_labels=tuple(f["number"](c) for c in counts)),
            "caption": caption, "columns": len(counts)}
