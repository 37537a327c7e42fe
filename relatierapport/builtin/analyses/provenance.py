"""Built-in plugin ``provenance``: where each relation's data came from.

Every relation keeps the file and line it came from. When one relation is
found in several sources (see ``[identity]``), each field also remembers the
source and line of the value kept; report.json shows both per relation, and
the portfolio lists the merged relations.

Findings are columns (one row per relation): ``origin``; ``merged_from``, the
records folded in (empty when none); ``fields``, for a merged relation the
origin of each field that has a value, as ``{field, origin}`` items in field
order (empty when not merged). A list rather than a mapping, because the
fields differ per relation (``extra.*`` and ``scores.*`` from a CRM export can
be hundreds).
"""

from __future__ import annotations

import polars as pl

from relatierapport import hookimpl
from relatierapport.hooktypes import Analysis, Findings


@hookimpl
def analyses():
    return [Analysis("provenance", provenance, description="Per-field origin of each relation's data.")]


FIELDS = ("name", "kind", "role", "owner", "organisation", "category", "phase", "since", "email",
          "phone", "city")
_ITEM = pl.Struct({"field": pl.String, "origin": pl.String})


def _field_origins(relation) -> list[dict]:
    fields = {name: relation.provenance.get(name, relation.origin) for name in FIELDS
              if getattr(relation, name) not in (None, "")}
    fields.update((key, origin) for key, origin in relation.provenance.items() if "." in key)
    return [{"field": name, "origin": origin} for name, origin in sorted(fields.items())]


def provenance(portfolio, config, findings) -> Findings:
    """Every relation's origin; for merged relations also where each field's value came from."""
    records = list(portfolio.relations.values())
    merged = [relation for relation in records if relation.merged_from]
    frame = pl.DataFrame({"relation": [r.id for r in records], "origin": [r.origin for r in records]},
                         schema={"relation": pl.String, "origin": pl.String})
    frame = frame.with_columns(pl.lit([], pl.List(pl.String)).alias("merged_from"),
                               pl.lit([], pl.List(_ITEM)).alias("fields"))
    if merged:          # few relations: their lists are made one by one and joined in
        details = pl.DataFrame({
            "relation": [r.id for r in merged],
            "merged_from": [list(r.merged_from) for r in merged],
            "fields": [_field_origins(r) for r in merged]},
            schema={"relation": pl.String, "merged_from": pl.List(pl.String), "fields": pl.List(_ITEM)})
        frame = frame.update(details, on="relation")
    return Findings(relations=frame, portfolio={"merged_relations": [r.id for r in merged]})
