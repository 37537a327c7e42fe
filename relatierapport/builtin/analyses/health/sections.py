"""What health's report sections show beyond the findings: a bar per indicator, bands per
category as stacked bars, then against now, and the red flags per relation (display only:
report.json holds the findings)."""

from __future__ import annotations

import polars as pl

from relatierapport.builtin.analyses.health.options import BANDS, NAME, RED_FLAGS, settings
from relatierapport.render.labels import N_

#: The chart tone of each band; "too little data" and "no score" (then) look alike: no colour.
BAND_TONES = {"green": "green", "amber": "amber", "red": "red", "insufficient": "unknown",
              "unknown": "unknown"}
#: At most this many rows of a portfolio list are shown; every relation plan shows its own.
DISPLAY_LIMIT = 50


def _tone(score, bands) -> str:
    if score is None:
        return "unknown"
    return "green" if score >= bands["green"] else "amber" if score >= bands["amber"] else "red"


def relation_data(entry: dict, report) -> dict:
    """The findings plus a bar per indicator (score of 100, marks at the band limits)."""
    from relatierapport.render.charts import Bar

    bands = report.memo(f"{NAME}.settings", lambda: settings(report.config))["bands"]
    marks = (bands["amber"], bands["green"])
    bars = {key: Bar(item["score"], 100.0, _tone(item["score"], bands), marks)
            for key, item in entry["indicators"].items()}
    return {**entry, "bars": bars}


def portfolio_data(found, report) -> dict:
    """The findings plus what the charts show: bands per category as stacked bars, and the
    bands now against the previous period's (counted from the relations' previous band)."""
    from relatierapport.render.charts import Legend, Stack

    _ = report.translate
    data = found.portfolio
    order = BANDS
    previous = dict.fromkeys(order, 0)
    frame = found.relations.frame if hasattr(found.relations, "frame") else None
    if frame is not None:
        counted = frame.select(pl.col("previous").struct.field("band").fill_null("unknown")
                               .alias("band")).group_by("band").len()
        previous.update(counted.iter_rows())
    else:
        for entry in found.relations.values():
            band = (entry.get("previous") or {}).get("band") or "unknown"
            previous[band] = previous.get(band, 0) + 1
    stacks = {category: Stack(tuple((row[band], BAND_TONES[band]) for band in order))
              for category, row in data["per_category"].items()}
    total = Stack(tuple((data["bands"][band], BAND_TONES[band]) for band in order))
    # "unknown" then: the relation had not started yet (no band at all)
    rows = order + (("unknown",) if previous.get("unknown") else ())
    now = {**data["bands"], "unknown": 0}
    largest = max(max(previous.values()), max(now.values()), 1)
    then_now = [{"band": band, "then": previous[band], "now": now[band],
                 "then_bar": Stack(((previous[band], "muted"),), largest),
                 "now_bar": Stack(((now[band], BAND_TONES[band]),), largest)}
                for band in rows]
    legend = Legend(tuple((band, _(name)) for band, name in
                          (("green", N_("green")), ("amber", N_("amber")), ("red", N_("red")),
                           ("unknown", N_("too little data")))))
    return {**data, "stacks": stacks, "total_stack": total, "then_now": then_now, "legend": legend,
            "display_limit": DISPLAY_LIMIT, "flag_rows": _flag_rows(data, report),
            "flag_bars": _flag_bars(data["flag_counts"]),
            "open_complaints_shown": data["open_complaints"][:DISPLAY_LIMIT],
            "red_shown": data["red"][:DISPLAY_LIMIT], "turning_red_shown": data["turning_red"][:DISPLAY_LIMIT]}


def _flag_bars(counts: dict) -> dict:
    from relatierapport.render.charts import Bar

    largest = max(counts.values(), default=0)
    return {kind: Bar(count, largest, "red" if kind in RED_FLAGS else "green")
            for kind, count in counts.items()}


def _flag_rows(data: dict, report) -> dict:
    """The newest red flags (as many as the findings keep) per relation: which kinds, how
    many of each, the latest date; at most DISPLAY_LIMIT relations."""
    employees = report.portfolio.employees
    rows: dict[str, dict] = {}
    for flag in data["red_flags"]:           # newest first
        row = rows.setdefault(flag["id"], {
            "id": flag["id"], "name": flag["name"], "category": flag["category"],
            "owner_name": employees[flag["owner"]].name if flag["owner"] in employees else flag["owner"],
            "latest": flag["date"], "kinds": {}})
        row["kinds"][flag["kind"]] = row["kinds"].get(flag["kind"], 0) + 1
    listed = list(rows.values())
    return {"rows": listed[:DISPLAY_LIMIT], "more": max(len(listed) - DISPLAY_LIMIT, 0),
            "from_flags": len(data["red_flags"])}
