"""The segmentation's findings: an entry per relation (with its reasons) and the portfolio's.

The reasons in report.json are the English texts of ``explain``, written once
per distinct combination of what each reads (many relations share one).
"""

from __future__ import annotations

from typing import Any

import polars as pl

from relatierapport.builtin.analyses.segmentation.explain import (PLAIN, _fails, explain_category,
                                                                  explain_phase, explain_segment,
                                                                  explain_type, identity, translated)
from relatierapport.builtin.analyses.segmentation.names import (CATEGORIES, CATEGORY_METHODS,
                                                                CONDITIONS, LATER_SINCE,
                                                                NO_BUSINESS, NO_SINCE,
                                                                NO_TOUCHPOINTS, NO_WON_BUSINESS,
                                                                PHASES, RS, SEGMENTS, TYPE_NAMES,
                                                                TYPES)
from relatierapport.exact import exact_sum, exact_total

VALUE_FIELDS = ("revenue", "hours", "hours_cost", "profit", "margin", "won_window", "won_regular",
                "won_sleeping", "won_all", "credit_notes", "first_won", "last_won", "touchpoints",
                "disloyal", "referrals", "sow", "hours_missing", "amount_missing", "revenue_unknown",
                "hours_unknown", "profit_unknown", "p_alive")
VALUE_KEYS = ("revenue", "hours", "hours_cost", "profit", "margin", "won_deals",
              "won_deals_regular", "won_deals_sleeping_months", "won_deals_total", "credit_notes",
              "first_won", "last_won", "touchpoints", "disloyal_signals", "referrals",
              "share_of_wallet", "records_without_hours", "records_without_amount", "revenue_unknown",
              "hours_unknown", "profit_unknown", "p_alive")
LENSES = (("abc", "scoring_weights"), ("attr", "attractiveness"), ("acc", "accessibility"))


def per_relation(df: pl.DataFrame, o: dict) -> pl.DataFrame:
    """One findings row per relation: the lenses as report.json has them, reasons included."""
    return _with_reasons(_entries(df, o), o)


def _entries(df: pl.DataFrame, o: dict) -> pl.DataFrame:
    lenses = {prefix: [name for name, w in o[table].items() if w > 0] for prefix, table in LENSES}
    return df.select(
        pl.col("id").alias("relation"), "category", "category_source",
        _lens("abc", lenses["abc"], pl.col("abc_category").alias("category")).alias("scoring"),
        _revenue_share_block(o).alias("revenue_share"),
        "segment",
        _lens("attr", lenses["attr"], pl.col("attr_high").alias("high"), first=True)
        .alias("attractiveness"),
        _lens("acc", lenses["acc"], pl.col("acc_high").alias("high"), first=True).alias("accessibility"),
        pl.col("segment").replace_strict(o["policies"], default=None, return_dtype=pl.String)
        .alias("policy"),
        "type", "type_unknown",
        pl.col("type").replace_strict(o["advice"], default=None, return_dtype=pl.String).alias("advice"),
        _when_business([pl.col(f"is:{name}").alias(name) for name in o["types"]]).alias("type_checks"),
        _when_business([pl.col(f"if:{name}:{c}").alias(f"{name}.{c}") for name in o["types"]
                        for c in CONDITIONS[name]]).alias("type_conditions"),
        pl.struct(pl.lit(o["months"]).alias("months"),
                  pl.lit(o["regularity_months"]).alias("regularity_months"),
                  pl.lit(o["hourly_cost"]).alias("hourly_cost"),
                  *(pl.col(column).alias(key) for column, key in zip(VALUE_FIELDS, VALUE_KEYS)))
        .alias("value"),
        pl.struct(*(_r_block(r) for r in RS)).alias("r"),
        "phase", "phase_source", "phase_rule")


def _lens(prefix: str, shown: list[str], extra: pl.Expr, first: bool = False) -> pl.Expr:
    """A weighted lens as a struct: score, (high), parts per criterion, the criteria missing and
    the reason it is unknown (null when known), (category)."""
    score = pl.col(f"{prefix}_score")
    missing = pl.concat_list([pl.when(pl.col(f"c:{name.casefold()}").is_null()).then(pl.lit(name))
                              for name in shown]).list.drop_nulls()
    fields = [score.alias("score")]
    if first:
        fields.append(extra)
    fields += [
        pl.struct(*(pl.when(score.is_not_null()).then(pl.col(f"{prefix}:{name.casefold()}")).alias(name)
                    for name in shown)).alias("parts"),
        pl.when(score.is_null()).then(missing).otherwise(pl.lit([], pl.List(pl.String))).alias("missing"),
        pl.when(score.is_null()).then(pl.lit("scores missing for ") + missing.list.join(", "))
        .alias("unknown")]
    if not first:
        fields.append(extra)
    return pl.struct(fields)


def _revenue_share_block(o) -> pl.Expr:
    unknown = (pl.when(pl.col("revenue").is_null()).then(pl.col("revenue_unknown"))
               .otherwise(pl.lit(f"no won revenue in the last {o['months']} months")))
    return pl.struct(pl.col("revenue"), pl.col("rs_share").alias("share"),
                     pl.col("rs_before").alias("cumulative_before"), pl.col("rs_rank").alias("rank"),
                     pl.col("rs_category").alias("category"),
                     pl.when(pl.col("rs_share").is_null()).then(unknown).alias("unknown"))


def _when_business(fields: list[pl.Expr]) -> pl.Expr:
    """Type checks and conditions exist only for relations with business records (else null)."""
    if not fields:
        return pl.lit(None)
    return pl.when(pl.col("has_business")).then(pl.struct(fields))


#: Why an R has no score, per R.
R_UNKNOWN = {
    "recency": pl.lit(NO_WON_BUSINESS),
    "regularity": pl.coalesce("revenue_unknown", pl.lit(NO_BUSINESS)),
    "duration": pl.when(pl.col("since").is_null()).then(pl.lit(NO_SINCE)).otherwise(pl.lit(LATER_SINCE)),
    "revenue": pl.col("profit_unknown"),
    "referrals": pl.lit(NO_TOUCHPOINTS),
}


def _r_block(r: str) -> pl.Expr:
    score = pl.col(f"rs:{r}")
    return pl.struct(pl.when(score.is_not_null()).then(pl.col(f"r:{r}")).alias("value"),
                     score.alias("score"),
                     pl.when(score.is_null()).then(R_UNKNOWN[r]).alias("unknown")).alias(r)


def _fields(block: str, *names: str) -> pl.Expr:
    """Some fields of a struct column, as a struct of the same name."""
    return pl.struct(pl.col(block).struct.field(*names)).alias(block)


def _lost_sleeping_beauty(options) -> pl.Expr:
    """A sleeping beauty by clv's P(alive) (its reason says the P(alive))."""
    if "sleeping_beauty" not in options["types"]:
        return pl.lit(False)
    return ((pl.col("type") == "sleeping_beauty")
            & pl.col("type_conditions").struct.field("sleeping_beauty.probably_lost").fill_null(False))


def _reason_inputs(options) -> dict:
    """Per reason text: the function that writes it (the pages call the same ones, translated)
    and exactly the findings it reads; fewer fields means fewer distinct combinations."""
    return {
        "category_reason": (explain_category, (
            pl.col("category_source"), _fields("revenue_share", "share", "cumulative_before", "unknown"),
            _fields("scoring", "score", "missing"))),
        "segment_reason": (explain_segment, (
            pl.col("segment"), _fields("attractiveness", "score", "missing"),
            _fields("accessibility", "score", "missing"))),
        "type_reason": (explain_type, (
            pl.col("type"), pl.col("type_unknown"), pl.col("type_checks"), pl.col("type_conditions"),
            pl.struct(pl.col("value").struct.field(
                "last_won", "won_deals_sleeping_months", "share_of_wallet", "disloyal_signals",
                "hours", "touchpoints", "profit", "won_deals_regular", "margin", "hours_unknown",
                "profit_unknown"),
                # read only where it made the relation a sleeping beauty: elsewhere a P(alive)
                # per relation would make every text distinct
                pl.when(_lost_sleeping_beauty(options))
                .then(pl.col("value").struct.field("p_alive")).alias("p_alive")).alias("value"))),
        "phase_reason": (explain_phase, (
            pl.col("phase_rule"), _fields("value", "last_won", "first_won", "won_deals_total"))),
    }


def _python_values(series: pl.Series) -> list:
    """A column as Python values, structs as dicts: column by column, several times faster than
    ``iter_rows(named=True)`` for nested data."""
    if not isinstance(series.dtype, pl.Struct):
        return series.to_list()
    fields = [field.name for field in series.dtype.fields]
    values = [dict(zip(fields, row)) for row in
              zip(*(_python_values(series.struct.field(name)) for name in fields))]
    if series.null_count():
        values = [None if missing else value for value, missing in zip(values, series.is_null())]
    return values


def _texts(frame: pl.DataFrame, explain_one, inputs, options) -> pl.Series:
    """``explain_one`` of every row, called once per distinct combination of ``inputs``."""
    keys = frame.select(inputs)
    distinct = keys.unique(maintain_order=True)
    entries = (dict(zip(distinct.columns, row))
               for row in zip(*(_python_values(distinct[c]) for c in distinct.columns)))
    texts = [explain_one(entry, identity, PLAIN, options) for entry in entries]
    distinct = distinct.with_columns(pl.Series("__text", texts, dtype=pl.String))
    return keys.join(distinct, on=keys.columns, how="left", nulls_equal=True,
                     maintain_order="left")["__text"]


#: What ``explain._fails`` reads of a relation's ``value`` to say why each condition fails.
FAILS_READS = {"had_business": (), "active": (), "quiet": ("won_deals_sleeping_months",),
               "probably_lost": ("p_alive",),
               "disloyal": ("share_of_wallet", "disloyal_signals"),
               "loyal": ("share_of_wallet", "disloyal_signals"),
               "effort": ("hours", "hours_unknown", "touchpoints"), "regular": ("won_deals_regular",),
               "low_value": ("profit", "profit_unknown"),
               "profitable": ("profit", "profit_unknown", "margin")}


def _type_reasons(frame: pl.DataFrame, options) -> pl.Series:
    """``explain_type`` of every relation. When no type fits, the text is a lead and one part per
    type (why its decisive condition fails), and each part reads only a few values: the parts
    are written once per distinct combination of what each reads and joined in polars, where
    the whole text would have tens of thousands of combinations at 100,000 relations. The other
    relations get ``explain_type`` once per distinct combination of all it reads."""
    explain_one, inputs = _reason_inputs(options)["type_reason"]
    types = options["types"]
    none_fits = pl.col("type_conditions").is_not_null() & pl.col("type").is_null()
    if not types:
        return _texts(frame, explain_one, inputs, options)
    general = _texts(frame, explain_one, [pl.when(~none_fits).then(i).alias(i.meta.output_name())
                                          for i in inputs], options)
    parts = []
    for name in types:
        condition = {c: pl.col("type_conditions").struct.field(f"{name}.{c}") for c in CONDITIONS[name]}
        decisive = None             # the first condition that fails, else the first unknown one
        for c, holds in [*((c, held == False) for c, held in condition.items()),      # noqa: E712
                         *((c, held.is_null()) for c, held in condition.items())]:
            decisive = (pl.when(holds) if decisive is None else decisive.when(holds)).then(pl.lit(c))
        decisive = pl.when(none_fits).then(decisive.otherwise(None))
        read = {field: [c for c in CONDITIONS[name] if field in FAILS_READS[c]]
                for c in CONDITIONS[name] for field in FAILS_READS[c]}
        value = pl.struct(*(pl.when(decisive.is_in(conditions))
                            .then(pl.col("value").struct.field(field)).alias(field)
                            for field, conditions in read.items())) if read else pl.lit(None)

        def part(entry, _, f, o, name=name):
            if entry["decisive"] is None:
                return None
            return f"{translated(_, TYPE_NAMES[name])}: {_fails(entry['decisive'], entry['value'], _, f, o)}"
        parts.append(_texts(frame, part, [decisive.alias("decisive"), value.alias("value")], options))
    lead = (pl.when(pl.col("type_unknown").is_not_null() & (pl.col("type_unknown") != ""))
            .then(pl.lit("unknown, not every type could be checked"))
            .otherwise(pl.lit("none of the types fits")))
    return frame.select(
        pl.when(none_fits).then(pl.concat_str(lead, pl.lit(": "), pl.concat_str(parts, separator="; ")))
        .otherwise(general).alias("type_reason")).to_series()


def _with_reasons(frame: pl.DataFrame, options) -> pl.DataFrame:
    """The four English reason texts for report.json, each written once per distinct combination
    of what it reads (many relations share one), then joined back."""
    columns = {}
    for name, (explain_one, inputs) in _reason_inputs(options).items():
        columns[name] = (_type_reasons(frame, options) if name == "type_reason"
                         else _texts(frame, explain_one, inputs, options))
    return frame.with_columns(**columns)


def portfolio_summary(df: pl.DataFrame, options) -> dict[str, Any]:
    """Counts and revenue per category, segment, type and phase; the matrix; the R score bands."""
    total = exact_total(df, "revenue")

    def table(key: pl.Expr, keys: tuple[str, ...]) -> dict[str, dict]:
        grouped = df.group_by(key.alias("key")).agg(
            relations=pl.len(), revenue=exact_sum(pl.col("revenue")),
            revenue_unknown=pl.col("revenue").is_null().sum())
        rows = {row["key"]: row for row in grouped.iter_rows(named=True)}
        result = {}
        for name in keys:
            row = rows.get(name, {"relations": 0, "revenue": 0.0, "revenue_unknown": 0})
            revenue = round(float(row["revenue"] or 0.0), 2)
            result[name] = {"relations": row["relations"], "revenue": revenue,
                            "revenue_unknown": row["revenue_unknown"],
                            "revenue_share": round(revenue / total, 4) if total > 0 else None}
        return result

    def counts(column: str, keys: tuple[str, ...]) -> dict[str, int]:
        found = dict(df.group_by(pl.col(column).fill_null("unknown")).len().iter_rows())
        return {key: found.get(key, 0) for key in keys}

    type_key = pl.coalesce("type", pl.when(pl.col("type_unknown").is_not_null())
                           .then(pl.lit("unknown")).otherwise(pl.lit("none")))
    points = (df.filter(pl.col("segment").is_not_null())
              .select("id", "name", pl.col("attr_score").alias("attractiveness"),
                      pl.col("acc_score").alias("accessibility"), "segment")
              .sort("id").to_dicts())
    r_summary = {}
    for r in RS:
        grouped = {row[0]: row[1:] for row in df.group_by(f"rs:{r}").agg(
            pl.len(), pl.col(f"r:{r}").min().alias("low"),
            pl.col(f"r:{r}").max().alias("high")).iter_rows()}
        r_summary[r] = {
            "method": "thresholds" if r in options["r_thresholds"] else "quintiles",
            "counts": {str(s): grouped.get(s, (0,))[0] for s in range(1, 6)},
            "unknown": grouped.get(None, (0,))[0],
            "ranges": {str(s): list(grouped[s][1:]) if s in grouped else None
                       for s in range(1, 6)}}
    return {
        "months": options["months"], "revenue": round(total, 2),
        "per_category": table(pl.col("category").fill_null("unknown"), (*CATEGORIES, "unknown")),
        "category_sources": counts("category_source", (*CATEGORY_METHODS, "unknown")),
        "per_segment": table(pl.col("segment").fill_null("unknown"), (*SEGMENTS, "unknown")),
        "per_type": table(type_key, (*TYPES, "none", "unknown")),
        "per_phase": table(pl.col("phase"), PHASES),
        "phase_sources": counts("phase_source", ("data", "derived", "organisation")),
        "matrix": {"attractiveness_threshold": options["attractiveness_threshold"],
                   "accessibility_threshold": options["accessibility_threshold"],
                   "points": points},
        "r_scores": r_summary,
    }
