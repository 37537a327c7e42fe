"""Built-in plugin ``health``: how healthy is each relation, why, and is it getting better?

Five indicators, each scored 0-100 by a configurable rule (windows end on the
report date; "the last N months" is the period after the same day N months
before the report date, up to and including the report date):

``response_time``
    For every outgoing touchpoint in the last ``response_months``: the days
    until the relation's next incoming touchpoint (the same day counts, as 0
    days). Outgoing touchpoints still unanswered count with the days they have
    waited so far once that is at least ``response_days.zero``; younger
    unanswered ones are still pending and left out. The value is the median
    (mean of the two middle values for an even count); it scores 100 up to
    ``response_days.full`` days, 0 from ``response_days.zero`` days, linearly
    in between.
``referrals``
    ``referral_given`` touchpoints (the relation referred us) in the last
    ``referral_months``, per year; ``referral_target`` per year (per category)
    scores 100, fewer proportionally.
``repeat_business``
    Won deals in the last ``repeat_months`` (``relatierapport.business``: won
    records whose amount is not negative; a credit note is no repeat business);
    ``repeat_target`` (per category) scores 100, fewer proportionally.
``value_add``
    ``value_add`` touchpoints in the last ``value_add_months``;
    ``value_add_target`` (per category) scores 100, fewer proportionally.
``cadence``
    Days overdue from the ``cadence`` analysis (for the previous period
    recomputed by the same rule); 0 days scores 100, overdue by
    ``cadence_zero_periods`` cadence periods (a cadence month counts as 30
    days) scores 0, linearly in between. Never contacted and no start date:
    unknown.

An indicator that cannot be computed is an explicit unknown with its reason
(no touchpoints on record, no business records, nothing to measure) and is left
out of the score: the score is the weighted mean of the known indicators
(weights in ``weights``), each indicator's contribution is weight x score /
total known weight, and what it "lost" is weight x (100 - score) / total known
weight, so the contributions add up to the score and the losses to 100 - score.
Bands: ``green`` from ``bands.green``, ``amber`` from ``bands.amber``, else
``red``. The reasons are the known indicators scoring below the green limit,
the biggest loss first. The trend repeats the whole computation with the
report date moved back ``trend_months`` (the category stays as it is now).
Each relation's category (for the targets) and cadence in months come from the
``cadence`` analysis' findings; health requires that analysis.

Red flags and opportunity signals come from touchpoints in the last
``signal_months``: their signals, configurable Dutch and English keywords in
the notes (whole words), incoming touchpoints (proactive outreach), kind
``referral_given`` (referral) and, for no response, the relation's latest
``no_response_after`` outgoing touchpoints without an incoming one since.
Each comes with its touchpoint and what raised it. Open complaints (a
complaint without a complaint_resolved on or after its date for the same
relation) are always listed with their age; resolved ones with their
resolution time and whether it was fast (``fast_resolution_days``).

This module is the plugin (its hooks and the run of the analysis); beside it:
``options`` (settings and defaults), ``scoring`` (indicators, score, band and
trend at a date), ``explain`` (each indicator's fields and the reasons),
``flags``, ``complaints``, ``portfolio`` (the portfolio totals) and
``sections`` (what the report sections show).
"""

from __future__ import annotations

import polars as pl

from relatierapport import hookimpl
from relatierapport.builtin.analyses.health.complaints import complaint_lists, complaints
from relatierapport.builtin.analyses.health.explain import indicators, reasons
from relatierapport.builtin.analyses.health.flags import flag_lists, flags
from relatierapport.builtin.analyses.health.options import FLAG_KINDS, NAME, option_group, settings
from relatierapport.builtin.analyses.health.portfolio import flag_summary, totals
from relatierapport.builtin.analyses.health.scoring import scores_with_trend
from relatierapport.builtin.analyses.health.sections import portfolio_data, relation_data
from relatierapport.dates import add_months
from relatierapport.hooktypes import Analysis, Findings, Section
from relatierapport.relation_table import relation_columns


@hookimpl
def config_options():
    return [option_group()]


@hookimpl
def analyses():
    return [Analysis(NAME, analyse, requires=("cadence",), after=("coverage",),
                     description="Health score per relation with bands, trend, reasons, red flags, "
                                 "opportunities and open complaints.")]


#: What health reads from the cadence analysis' findings per relation.
CADENCE_COLUMNS = {"category": pl.String, "category_source": pl.String, "cadence_months": pl.Int64,
                   "days_overdue": pl.Int64, "status": pl.String, "last_contact_source": pl.String,
                   "summary_last_contact": pl.Date}


def _history(findings, cadence: pl.DataFrame) -> pl.DataFrame:
    """The coverage analysis' ``history`` per relation; "others" (some history in the data)
    for every relation when that analysis is not loaded."""
    found = findings.get("coverage")
    if found is None:
        return cadence.select("relation", pl.lit("others").alias("history"))
    return relation_columns(found.relations, {"history": pl.String})


def _relations_frame(portfolio, cadence: pl.DataFrame, history: pl.DataFrame) -> pl.DataFrame:
    """relation, order, category, category_source, since, months, the export's summary date,
    the coverage history, and cadence's days overdue, status and source of the last contact now."""
    return (cadence.with_row_index("order")
            .join(portfolio.relation_frame().select("relation", "since"), on="relation", how="left",
                  maintain_order="left")
            .join(history, on="relation", how="left", maintain_order="left")
            .select("relation", "order", "category", "category_source", "since",
                    pl.col("cadence_months").alias("months"),
                    pl.col("summary_last_contact").alias("summary"), "history",
                    pl.col("days_overdue").alias("now_overdue"), pl.col("status").alias("now_status"),
                    pl.col("last_contact_source").alias("now_source")))


def _empty(frame: pl.DataFrame, name: str) -> pl.Expr:
    return pl.col(name).fill_null(pl.lit([], dtype=frame.schema[name]))


def analyse(portfolio, config, findings) -> Findings:
    options = settings(config)
    as_of = config.as_of
    cadence = relation_columns(findings["cadence"].relations, CADENCE_COLUMNS)
    cats = cadence.select("relation", "category", "category_source")
    relations = _relations_frame(portfolio, cadence, _history(findings, cadence))
    del cadence
    then_date = add_months(as_of, -options["trend_months"])

    frame = scores_with_trend(portfolio, as_of, then_date, options, relations)
    # intermediates are dropped as soon as what follows has what it needs: for a large portfolio
    # each holds a hundred megabytes or more
    flagged = flags(portfolio, as_of, options)
    flag_totals = flag_summary(portfolio, flagged, cats, options)
    flags_per_relation = flag_lists(flagged, options["signals_per_relation"])
    del flagged
    open_rows, resolved_rows = complaints(portfolio, as_of, options)
    joined = (frame.join(reasons(frame, options), on="relation", how="left", maintain_order="left")
              .join(flags_per_relation, on="relation", how="left", maintain_order="left")
              .join(complaint_lists(open_rows, resolved_rows), on="relation", how="left",
                    maintain_order="left"))
    del frame, flags_per_relation, resolved_rows
    per_relation = joined.select(
        "relation", "category", "category_source", "score", "band", "unknown", "known_indicators",
        "min_known_indicators", "missing", indicators(options),
        _empty(joined, "reasons"),
        pl.struct(pl.lit(then_date).alias("as_of"), pl.col("previous_score").alias("score"),
                  pl.col("previous_band").alias("band"), pl.col("previous_unknown").alias("unknown"))
        .alias("previous"),
        pl.struct("change", "direction", pl.col("trend_unknown").alias("unknown")).alias("trend"),
        _empty(joined, "red_flags"), _empty(joined, "opportunities"),
        pl.col("signal_counts").fill_null(pl.lit({kind: 0 for kind in FLAG_KINDS},
                                                 dtype=joined.schema["signal_counts"])),
        pl.struct(_empty(joined, "open"), pl.col("open").list.len().fill_null(0).alias("open_count"),
                  "oldest_open_days", _empty(joined, "resolved"),
                  pl.col("resolved").list.len().fill_null(0).alias("resolved_count"),
                  pl.col("resolved_fast").fill_null(0), "median_resolution_days").alias("complaints"))
    del joined
    return Findings(relations=per_relation,
                    portfolio=totals(portfolio, per_relation, cats, flag_totals, open_rows, options,
                                     then_date))


@hookimpl
def report_sections(kind, relation, report):
    found = report.findings.get(NAME)
    if found is None:
        return []
    if kind == "portfolio":
        data = report.memo(f"{NAME}.portfolio", lambda: portfolio_data(found, report))
        return [
            Section("health-overview", report.translate("Relation health"),
                    "sections/health_portfolio.html", 30, data),
            Section("health-flags", report.translate("Red flags"),
                    "sections/health_flags_portfolio.html", 32, data),
            Section("health-complaints", report.translate("Open complaints"),
                    "sections/health_complaints_portfolio.html", 34, data),
        ]
    data = relation_data(found.relations[relation.id], report)
    return [
        Section("health", report.translate("Health"), "sections/health_relation.html", 10, data),
        Section("health-signals", report.translate("Red flags and opportunities"),
                "sections/health_signals.html", 12, data),
        Section("health-complaints", report.translate("Complaints"),
                "sections/health_complaints.html", 14, data),
    ]
