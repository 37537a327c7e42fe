"""The segmentation's report sections: the findings shaped for the templates, translated."""

from __future__ import annotations

import math
from functools import lru_cache
from typing import Any

import polars as pl

from relatierapport.builtin.analyses.segmentation.explain import explain, translated
from relatierapport.builtin.analyses.segmentation.names import (CATEGORIES, NAME, PHASE_NAMES,
                                                                R_NAMES, RS, SEGMENT_NAMES,
                                                                SEGMENTS, TYPE_NAMES, TYPES)
from relatierapport.builtin.analyses.segmentation.options import settings
from relatierapport.dates import YEAR_DAYS
from relatierapport.hooktypes import Section


def sections_for(kind, relation, report) -> list[Section]:
    """The portfolio's five segmentation sections, or a relation's one."""
    found = report.findings.get(NAME)
    if found is None:
        return []
    _ = report.translate
    if kind == "portfolio":
        data = report.memo(f"{NAME}.portfolio", lambda: _portfolio_data(found, report))
        return [
            Section("segmentation-overview", _("Portfolio by category"),
                    "sections/segmentation_categories.html", 10, data),
            Section("segmentation-matrix", _("Attractiveness × accessibility"),
                    "sections/segmentation_matrix.html", 12, data),
            Section("segmentation-types", _("Customer types"), "sections/segmentation_types.html",
                    14, data),
            Section("segmentation-phases", _("Lifecycle phases"), "sections/segmentation_phases.html",
                    16, data),
            Section("segmentation-r", _("The five R's"), "sections/segmentation_r.html", 18, data),
        ]
    entry = found.relations.get(relation.id)
    if entry is None:
        return []
    return [Section("segmentation", _("Segmentation"), "sections/segmentation_relation.html", 40,
                    _relation_data(entry, relation, report))]


def _axis(values: list[float], threshold: float) -> tuple[tuple[float, float], tuple[float, ...]]:
    """A score axis: at least 1 to 5 (the usual scale), wider when the data or the threshold is;
    whole-number ticks, at most about six."""
    low = math.floor(min([1.0, threshold, *values]))
    high = math.ceil(max([5.0, threshold, *values]))
    step = max(1, math.ceil((high - low) / 6))
    return (float(low), float(high)), tuple(float(v) for v in range(low, high + 1, step))


def _matrix_labels(report, options) -> dict:
    _ = report.translate
    return {"x_label": _("Accessibility"), "y_label": _("Attractiveness"),
            "quadrants": tuple(translated(_, SEGMENT_NAMES[key])
                               for key in ("develop", "invest", "ignore", "harvest")),
            "x_split": options["accessibility_threshold"],
            "y_split": options["attractiveness_threshold"]}


def _matrix(found, report, options):
    """The attractiveness x accessibility scatter of the portfolio, aggregated to grid cells
    (a few hundred dots at most, however many relations)."""
    from relatierapport.render.charts import Scatter, binned

    _, f = report.translate, _filters(report)
    frame = found.relations.frame.select(
        pl.col("accessibility").struct.field("score").alias("x"),
        pl.col("attractiveness").struct.field("score").alias("y"))
    known = frame.drop_nulls(["x", "y"])
    x_range, x_ticks = _axis(known["x"].to_list(), options["accessibility_threshold"])
    y_range, y_ticks = _axis(known["y"].to_list(), options["attractiveness_threshold"])
    cell = 0.25 if x_range[1] - x_range[0] <= 6 else (x_range[1] - x_range[0]) / 24
    description = _("%(relations)s relations with both scores, in dots of %(cell)s by %(cell)s "
                    "points; a dot's area grows with the number of relations it stands for. "
                    "%(missing)s relations lack a score.") % {
        "relations": f["number"](known.height), "cell": f["number"](cell, 2),
        "missing": f["number"](frame.height - known.height)}
    return Scatter(_("Relations by attractiveness and accessibility"), description,
                   points=binned(known.iter_rows(), cell), x_range=x_range, y_range=y_range,
                   x_ticks=x_ticks, y_ticks=y_ticks, cell=cell, **_matrix_labels(report, options))


def _filters(report) -> dict:
    from relatierapport.render.formatting import filters_for
    return filters_for(report)


def _r_text(r: str, value, _, f, options) -> str:
    if value is None:
        return "–"
    if r == "recency":
        return _("days since the last won deal: %(days)s") % {"days": f["number"](value)}
    if r == "regularity":
        return _("won deals in the last %(months)s months: %(count)s") % {
            "count": f["number"](value), "months": options["regularity_months"]}
    if r == "duration":
        return _("%(years)s years") % {"years": f["number"](value / YEAR_DAYS, 1)}
    if r == "revenue":
        return _("%(money)s in the last %(months)s months") % {
            "money": f["money"](value), "months": options["months"]}
    return _("in the last %(months)s months: %(count)s") % {
        "count": f["number"](value), "months": options["months"]}


def _weight_text(weight: float, report) -> str:
    """A weight as written: 3 or 0,5 (no needless decimals)."""
    return _weight_in(weight, report.config.language)


@lru_cache(maxsize=256)
def _weight_in(weight: float, language: str) -> str:
    """Once per weight and language: every plan shows the same few configured weights."""
    from relatierapport.render.formatting import babel_locale, number_pattern
    return number_pattern("#,##0.##").apply(weight, babel_locale(language))


def _r_bands(r: str, summary: dict, report, options) -> list[dict]:
    """Per score from 5 down: the range of values it covers, in the report's language."""
    _, f = report.translate, _filters(report)
    bands = []
    for score in ("5", "4", "3", "2", "1"):
        values = summary["ranges"][score]
        if not values:
            continue
        low, high = values
        if r == "duration":
            low, high = _("%(years)s years") % {"years": f["number"](low / YEAR_DAYS, 1)}, \
                _("%(years)s years") % {"years": f["number"](high / YEAR_DAYS, 1)}
        elif r == "revenue":
            low, high = f["money"](low), f["money"](high)
        else:
            low, high = f["number"](low), f["number"](high)
        text = low if low == high else _("%(low)s to %(high)s") % {"low": low, "high": high}
        if r == "recency":
            text = _("%(range)s days") % {"range": text}
        bands.append({"score": int(score), "text": text,
                      "relations": summary["counts"][score]})
    return bands


def _relation_data(entry, relation, report) -> dict[str, Any]:
    options = report.memo("segmentation.options", lambda: settings(report.config, report.findings))
    _, f = report.translate, _filters(report)
    reasons = explain(entry, _, f, options)
    scores = {name.casefold(): score for name, score in relation.scores.items()}
    lenses = []
    for title, block, table in ((_("ABC scoring"), entry["scoring"], options["scoring_weights"]),
                                (_("Attractiveness"), entry["attractiveness"],
                                 options["attractiveness"]),
                                (_("Accessibility"), entry["accessibility"],
                                 options["accessibility"])):
        lenses.append({
            "title": title, "score": block["score"],
            "missing": ", ".join(block.get("missing", [])),
            "parts": [{"criterion": name, "score": scores.get(name.casefold()),
                       "weight": _weight_text(weight, report),
                       "contribution": block["parts"].get(name)}
                      for name, weight in table.items() if weight > 0]})
    value = entry["value"]
    if value["won_deals"] is None:        # no business records at all: say so once
        facts = [(_("Business"), "–", value["revenue_unknown"])]
    else:
        facts = [
            (_("Won revenue"), f["money"](value["revenue"]), value["revenue_unknown"]),
            (_("Hours spent"), f["number"](value["hours"], 1), value["hours_unknown"]),
            (_("Profit after hours"), f["money"](value["profit"]), value["profit_unknown"]),
            (_("Won deals"), f["number"](value["won_deals"]), None),
        ]
        if value["credit_notes"]:
            facts.append((_("Credit notes"), f["number"](value["credit_notes"]), None))
        if value["records_without_amount"]:
            facts.append((_("Won records without an amount, left out of the revenue"),
                          f["number"](value["records_without_amount"]), None))
    facts += [
        (_("Touchpoints"), f["number"](value["touchpoints"]), None),
        (_("Touchpoints with a competitor signal"), f["number"](value["disloyal_signals"]), None),
    ]
    if value["share_of_wallet"] is not None:
        facts.append((_("Share of wallet"), f["percent"](value["share_of_wallet"]), None))
    return {
        "category": entry["category"], "category_source": entry["category_source"],
        "category_reason": reasons["category_reason"],
        "segment": entry["segment"],
        "segment_name": translated(_, SEGMENT_NAMES[entry["segment"]]) if entry["segment"] else None,
        "segment_reason": reasons["segment_reason"],
        "policy": translated(_, entry["policy"]) if entry["policy"] else None,
        "type": entry["type"],
        "type_name": translated(_, TYPE_NAMES[entry["type"]]) if entry["type"] else None,
        "type_reason": reasons["type_reason"],
        "advice": translated(_, entry["advice"]) if entry["advice"] else None,
        "phase": entry["phase"], "phase_name": translated(_, PHASE_NAMES[entry["phase"]]),
        "phase_source": entry["phase_source"], "phase_reason": reasons["phase_reason"],
        "lenses": lenses,
        "months": options["months"], "hourly_cost": options["hourly_cost"],
        "credit_notes": value["credit_notes"] or 0,
        "facts": [{"label": label, "text": text, "unknown": translated(_, unknown) if unknown else None}
                  for label, text, unknown in facts],
        "r": [{"name": translated(_, R_NAMES[r]), "score": entry["r"][r]["score"],
               "text": _r_text(r, entry["r"][r]["value"], _, f, options),
               "unknown": translated(_, entry["r"][r]["unknown"])
               if entry["r"][r]["score"] is None else None}
              for r in RS],
        "has_scores": bool(scores),
    }


def _portfolio_data(found, report) -> dict[str, Any]:
    options = report.memo("segmentation.options", lambda: settings(report.config, report.findings))
    _ = report.translate
    data = found.portfolio

    def rows(table, names, extra=None):
        return [{"key": key, "name": names.get(key, key), **row, **(extra(key) if extra else {})}
                for key, row in table.items() if key not in ("unknown", "none") or row["relations"]]

    special = {"unknown": _("unknown"), "none": _("no type")}
    limit = 25
    typed = (found.relations.frame
             .select("relation", "type", pl.col("value").struct.field("revenue").fill_null(0.0))
             .filter(pl.col("type").is_not_null())
             .join(report.portfolio.relation_frame().select("relation", "name"), on="relation",
                   how="left")
             .sort(["revenue", "name", "relation"], descending=[True, False, False]))

    def type_extra(key):
        if key not in TYPES:
            return {"advice": None, "members": [], "more": 0}
        chosen = typed.filter(pl.col("type") == key)
        return {"advice": translated(_, options["advice"][key]),
                "members": chosen.head(limit).select(pl.col("relation").alias("id"), "name").to_dicts(),
                "more": max(0, chosen.height - limit)}

    sources = {"data": _("from the data"), "scoring": _("from the scoring matrix"),
               "revenue_share": _("from the revenue share"), "unknown": _("unknown")}
    phase_sources = {"data": _("from the data"), "derived": _("derived from the business"),
                     "organisation": _("follows its organisation")}
    result = {
        "months": data["months"], "revenue": data["revenue"],
        "categories": rows(data["per_category"], {**{c: c for c in CATEGORIES}, **special}),
        "category_sources": [{"name": sources[k], "relations": n}
                             for k, n in data["category_sources"].items() if n],
        "segments": rows(data["per_segment"], {**{k: translated(_, v) for k, v in SEGMENT_NAMES.items()},
                                               **special},
                         lambda key: {"policy": translated(_, options["policies"][key])
                                      if key in SEGMENTS else None}),
        "types": rows(data["per_type"],
                      {**{k: translated(_, v) for k, v in TYPE_NAMES.items()}, **special},
                      type_extra),
        "phases": rows(data["per_phase"], {k: translated(_, v) for k, v in PHASE_NAMES.items()}),
        "phase_sources": [{"name": phase_sources[k], "relations": n}
                          for k, n in data["phase_sources"].items() if n],
        "r_scores": [{"name": translated(_, R_NAMES[r]),
                      "bands": _r_bands(r, data["r_scores"][r], report, options),
                      "unknown": data["r_scores"][r]["unknown"]} for r in RS],
    }
    from relatierapport.render.charts import Bar
    for key in ("categories", "segments", "types", "phases"):
        largest = max((row["relations"] for row in result[key]), default=0)
        for row in result[key]:
            row["bar"] = Bar(row["relations"], largest)
            row["revenue_bar"] = Bar(row.get("revenue_share") or 0.0, 1.0, "muted")
    result["relations"] = sum(row["relations"] for row in result["categories"])
    result["matrix"] = _matrix(found, report, options)
    return result
