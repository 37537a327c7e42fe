"""Red flags and opportunity signals: one row per touchpoint and flag kind it raises, with what
raised it (a signal, a keyword, its direction or kind, a run of unanswered touchpoints), and per
relation the newest of each kind."""

from __future__ import annotations

from collections import Counter

import polars as pl

from relatierapport.builtin.analyses.evidence import keywords_regex, which_keyword, window
from relatierapport.builtin.analyses.health.options import FLAG_KINDS, RED_FLAGS

_TP_COLUMNS = ("relation", "date", "employee", "channel", "direction", "kind", "notes")
#: The touchpoint signal that raises each flag kind (proactive and referral come from kind/direction).
SIGNAL_OF = {"no_response": "no_response", "competitor": "competitor", "rate_pressure": "rate_pressure",
             "stakeholder_change": "stakeholder_change", "exclusivity_lost": "exclusivity_lost",
             "strategic": "strategic", "first_call": "first_call"}
#: Flag kinds as small integers while flags are merged and sorted (hashing and sorting a number
#: is several times cheaper than a name); numbered alphabetically, so sorting by code is sorting
#: by name.
FLAG_CODE = {kind: code for code, kind in enumerate(sorted(FLAG_KINDS))}
_FLAG_PARTS = {"row": pl.UInt32, "flag_code": pl.UInt8, "signal": pl.String,
               "matched_text": pl.String, "rule": pl.String, "unanswered": pl.UInt32}


def _code(kind: str) -> pl.Expr:
    return pl.lit(FLAG_CODE[kind], pl.UInt8)


def _part(frame: pl.DataFrame, **columns) -> pl.DataFrame:
    exprs = [columns.get(name, pl.lit(None)).cast(dtype).alias(name) for name, dtype in _FLAG_PARTS.items()]
    return frame.select(exprs)


def flags(portfolio, as_of, options) -> pl.DataFrame:
    """One row per (touchpoint, flag kind) in the signal window, with what raised it."""
    tp = portfolio.touchpoints.lazy().with_row_index("row")
    recent = (tp.filter(window(as_of, options["signal_months"]))
              .select("row", "relation", "direction", "kind", "signals", "notes").collect())
    parts = []      # (flag kinds the part can raise, its rows)
    by_signal = {code: kind for kind, code in SIGNAL_OF.items()}
    signals = (recent.select("row", "signals").explode("signals")
               .filter(pl.col("signals").is_in(list(by_signal))))
    parts.append((set(by_signal.values()), _part(signals, row=pl.col("row"),
                       flag_code=pl.col("signals").replace_strict(
                           {code: FLAG_CODE[kind] for code, kind in by_signal.items()},
                           return_dtype=pl.UInt8),
                       signal=pl.col("signals"))))

    patterns = {kind: keywords_regex(options["keywords"].get(kind, [])) for kind in FLAG_KINDS}
    patterns = {kind: pattern for kind, pattern in patterns.items() if pattern}
    if patterns:
        anything = "(?i)(?:" + "|".join(p[4:] for p in patterns.values()) + ")"
        candidates = recent.filter(pl.col("notes").str.contains(anything).fill_null(False))
        for kind, pattern in patterns.items():
            found = candidates.select("row", "direction",
                                      pl.col("notes").str.extract(pattern, 1).alias("text"))
            found = found.filter(pl.col("text").is_not_null())
            if kind == "no_response":       # "geen antwoord" in their message is about us
                found = found.filter(pl.col("direction") == "out")
            parts.append(({kind}, _part(found, row=pl.col("row"), flag_code=_code(kind),
                                        matched_text=pl.col("text"))))

    proactive = recent.filter((pl.col("direction") == "in")
                              & ~pl.col("kind").is_in(options["proactive_exclude"]).fill_null(False))
    parts.append(({"proactive"}, _part(proactive, row=pl.col("row"), flag_code=_code("proactive"),
                                       rule=pl.lit("incoming"))))
    referral = recent.filter(pl.col("kind") == "referral_given")
    parts.append(({"referral"}, _part(referral, row=pl.col("row"), flag_code=_code("referral"),
                                      rule=pl.lit("referral_given"))))

    if options["no_response_after"]:
        last_in = (tp.filter((pl.col("direction") == "in") & (pl.col("date") <= as_of))
                   .group_by("relation").agg(pl.col("date").max().alias("last_in")))
        run = (tp.filter((pl.col("direction") == "out") & (pl.col("date") <= as_of))
               .join(last_in, on="relation", how="left")
               .filter(pl.col("last_in").is_null() | (pl.col("date") > pl.col("last_in")))
               .group_by("relation").agg(      # the latest (date, then file order) touchpoint
                   pl.len().alias("unanswered"),
                   (pl.col("date").cast(pl.Int64) * 2**32 + pl.col("row")).max().alias("latest"))
               .with_columns((pl.col("latest") % 2**32).cast(pl.UInt32).alias("row"))
               .filter(pl.col("unanswered") >= options["no_response_after"]).collect())
        run = run.join(recent.select("row"), on="row", how="semi")
        parts.append(({"no_response"}, _part(run, row=pl.col("row"), flag_code=_code("no_response"),
                                             rule=pl.lit("run"), unanswered=pl.col("unanswered"))))

    # one row per (touchpoint, flag): at most one part gives each of these columns a value.
    # Only parts that can raise the same kind can hold the same (touchpoint, flag), so only
    # those are grouped (on one integer made of both); the rest (the many incoming
    # touchpoints, for one) are unique as they are.
    raised = Counter(kind for kinds, _ in parts for kind in kinds)
    shared = [frame for kinds, frame in parts if any(raised[kind] > 1 for kind in kinds)]
    alone = [frame for kinds, frame in parts if all(raised[kind] == 1 for kind in kinds)]
    # Even there most (touchpoint, flag) pairs come once: only the repeated ones are grouped (a
    # group-by taking the largest of three text columns costs five times finding them).
    key = pl.col("row").cast(pl.UInt64) * 16 + pl.col("flag_code")
    if shared:
        shared = pl.concat(shared)
        repeated = shared.select(key.is_duplicated()).to_series()
        alone.append(shared.filter(~repeated))
        alone.append(shared.filter(repeated).group_by(key.alias("key")).agg(
            pl.col("signal").max(), pl.col("matched_text").max(), pl.col("rule").max(),
            pl.col("unanswered").max())
            .select((pl.col("key") // 16).cast(pl.UInt32).alias("row"),
                    (pl.col("key") % 16).cast(pl.UInt8).alias("flag_code"), pl.exclude("key")))
    found = pl.concat(alone)
    texts = (found.filter(pl.col("matched_text").is_not_null()).select("flag_code", "matched_text")
             .unique())
    kind_of = {code: kind for kind, code in FLAG_CODE.items()}
    configured = {(code, text): which_keyword(tuple(options["keywords"].get(kind_of[code], ())),
                                               text.lower()) or text.lower()
                  for code, text in texts.iter_rows()}
    keyword_of = pl.DataFrame({"flag_code": [c for c, _ in configured],
                               "matched_text": [t for _, t in configured],
                               "keyword": list(configured.values())},
                              schema={"flag_code": pl.UInt8, "matched_text": pl.String,
                                      "keyword": pl.String})
    names = {e.id: e.name for e in portfolio.employees.values()}
    matched_by = (pl.when(pl.col("signal").is_not_null()).then(pl.lit("signal"))
                  .when(pl.col("rule") == "run").then(pl.lit("unanswered"))
                  .when(pl.col("rule") == "referral_given").then(pl.lit("kind"))
                  .when(pl.col("rule") == "incoming").then(pl.lit("direction"))
                  .otherwise(pl.lit("keyword")))
    # ``row`` is the touchpoint's position: sort the narrow flag rows first, then fetch each
    # one's touchpoint (notes and all) by position instead of a join on 1 million rows
    found = found.join(keyword_of, on=["flag_code", "matched_text"], how="left")
    found = (found.with_columns(portfolio.touchpoints["date"].gather(found["row"]).alias("date"))
             .sort(["date", "row", "flag_code"], descending=[True, True, False]))
    touchpoint = portfolio.touchpoints.select(c for c in _TP_COLUMNS if c != "date")[found["row"]]
    return (pl.concat([found, touchpoint], how="horizontal")
            .with_columns(pl.col("flag_code").replace_strict(kind_of, return_dtype=pl.String)
                          .alias("flag"),
                          matched_by.alias("matched_by"),
                          pl.col("employee").replace_strict(names, default=pl.col("employee"),
                                                            return_dtype=pl.String)
                          .alias("employee_name"),
                          pl.col("flag_code").is_in([FLAG_CODE[kind] for kind in RED_FLAGS])
                          .alias("red")))


def _flag_item() -> pl.Expr:
    return pl.struct(pl.col("flag").alias("kind"), "date", "employee", "employee_name", "channel",
                     "direction", pl.col("kind").alias("touchpoint_kind"), "notes", "matched_by",
                     "signal", "keyword", "unanswered")


def flag_lists(flagged: pl.DataFrame, per_kind: int) -> pl.DataFrame:
    """Per relation: red flags and opportunity signals, newest first, at most ``per_kind`` of
    each kind (a busy relation has hundreds of incoming touchpoints), and the count of every
    kind before the lists were shortened."""
    sizes = flagged.group_by("relation", "flag_code").len()
    keep = pl.lit(True)
    crowded = sizes.filter(pl.col("len") > per_kind) if per_kind else sizes.clear()
    if crowded.height:          # few relations have more of a kind than are listed
        rows = (flagged.with_row_index("__at")
                .join(crowded.select("relation", "flag_code"), on=["relation", "flag_code"],
                      how="semi", maintain_order="left"))
        dropped = rows.filter(pl.int_range(pl.len()).over("relation", "flag_code") >= per_kind)
        keep = ~pl.int_range(pl.len(), dtype=pl.UInt32).is_in(dropped["__at"].implode())
    items = flagged.select("relation", "red", keep.alias("keep"), _flag_item().alias("item"))
    lists = items.group_by("relation", maintain_order=True).agg(   # each kept item copied once
        pl.col("item").filter(pl.col("keep") & pl.col("red")).alias("red_flags"),
        pl.col("item").filter(pl.col("keep") & ~pl.col("red")).alias("opportunities"))
    del items
    counts = sizes.group_by("relation").agg(pl.struct(*(
        pl.col("len").filter(pl.col("flag_code") == FLAG_CODE[kind]).sum().cast(pl.Int64).alias(kind)
        for kind in FLAG_KINDS)).alias("signal_counts"))
    return lists.join(counts, on="relation", how="full", coalesce=True)
