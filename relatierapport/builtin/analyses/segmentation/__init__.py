"""Built-in plugin ``segmentation``: the four lenses of the method on every relation.

- **ABC category**: from the data when present, else from a weighted scoring
  matrix (criteria, weights, thresholds), else from the relation's share of
  the won revenue (the top relations making up 80% are A, the next 15% B,
  the rest C). ``category_source`` says which method decided; the cadence
  analysis reads ``category`` and ``category_source``.
- **Attractiveness x accessibility**: two weighted scores of criteria, each
  split at a threshold, give the segments invest / develop / harvest / ignore,
  each with its policy.
- **Customer typology**: sleeping beauty, unfaithful love, inflatable and
  marriage partner, from effort (hours, touchpoints), value (revenue, profit
  after hours), activity (recency, regularity) and loyalty (competitor
  signals, share of wallet). Rules are tried in the configured order; the
  first that holds decides. A rule whose inputs are unknown cannot hold: the
  reason says what was missing. The sleeping beauty also holds, when the
  ``clv`` analysis ran (it runs first), for a relation with repeat purchases
  whose probability of still being a customer (P(alive)) is below clv's
  ``probably_lost_below``; its reason says which held.
- **Five R's**: recency, regularity, relationship duration, revenue as
  profitability and referral power, each scored 1-5 across the portfolio
  (quintiles of the ranks; ties share the lowest rank) or on fixed boundaries.
- **Lifecycle phase**: from the data when given, else derived from the won
  business (attract, develop, retain, wind down).

What is won business, a deal and a credit note is the core's (``relatierapport.business``):
revenue sums every won record's amount, so a credit note (a won record with a negative
amount) lowers it; won deals, regularity, the first and last deal (recency, phase) and the
types' activity count deals only, so a credit note is never business done (``credit_notes``
in ``value`` says how many the window held).

Event tables are aggregated once with polars and every lens is a polars
expression over one row per relation; the loop over relations only builds the
findings from those rows. The package: ``options`` (declared and completed),
``compute`` (the lenses as polars columns), ``findings`` (what report.json
holds), ``explain`` (the reason texts: English in report.json, translated on
the pages) and ``sections`` (the report sections).
"""

from __future__ import annotations

from relatierapport import hookimpl
from relatierapport.builtin.analyses.segmentation.compute import clv_columns, columns
from relatierapport.builtin.analyses.segmentation.findings import per_relation, portfolio_summary
from relatierapport.builtin.analyses.segmentation.names import (CLV, NAME, PHASE_NAMES, R_NAMES,
                                                                SEGMENT_NAMES, TYPE_NAMES)
from relatierapport.builtin.analyses.segmentation.options import option_group, settings
from relatierapport.builtin.analyses.segmentation.sections import sections_for
from relatierapport.hooktypes import Analysis, Findings

#: The names other plugins show next to their own findings.
__all__ = ["NAME", "PHASE_NAMES", "R_NAMES", "SEGMENT_NAMES", "TYPE_NAMES", "analyse"]


@hookimpl
def config_options():
    return [option_group()]


@hookimpl
def analyses():
    return [Analysis(NAME, analyse, after=(CLV,), description="ABC category, attractiveness x accessibility "
                     "segment, customer type, five R's and lifecycle phase per relation.")]


def analyse(portfolio, config, findings) -> Findings:
    options = settings(config, findings)
    df, warnings = columns(portfolio, options, config.as_of, clv_columns(findings, options))
    return Findings(relations=per_relation(df, options), portfolio=portfolio_summary(df, options),
                    warnings=warnings)


@hookimpl
def report_sections(kind, relation, report):
    return sections_for(kind, relation, report)
