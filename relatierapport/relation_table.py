"""Per-relation findings held as columns, turned into a dict only for the relation asked for.

A portfolio of 100,000 relations with five analyses would otherwise hold half a
million nested Python dicts (measured: 2.3 GB and ~12 s just to build them).
An analysis may therefore return its per-relation findings as a polars
DataFrame with a ``relation`` column and one row per relation; nested parts are
struct and list columns. ``Findings`` wraps it in a ``RelationTable``, which is
a read-only mapping like the plain dict an analysis may return instead:
``found.relations["K001"]`` is the same nested dict either way, so templates,
report sections and other plugins need not know which form was used.

report.json is written from the frame by polars in one pass (its JSON encoding
gives the same bytes as orjson for the same values). Analyses that read another
analysis' findings in bulk use ``relation_columns``, which works on both forms.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import polars as pl

KEY = "relation"
#: Rows kept per table for the pages being rendered: one relation's and its contacts' (network).
RECENT_ROWS = 8


class RelationTable(Mapping):
    """A ``{relation id: findings dict}`` mapping backed by a DataFrame (one row per relation)."""

    __slots__ = ("frame", "_positions", "_recent")

    def __init__(self, frame: pl.DataFrame):
        if KEY not in frame.columns:
            raise TypeError(f"per-relation findings need a {KEY!r} column, found {frame.columns}")
        if frame.schema[KEY] != pl.String:
            frame = frame.with_columns(pl.col(KEY).cast(pl.String))
        self.frame = frame
        self._positions: dict[str, int] | None = None
        self._recent: dict[str, dict[str, Any]] = {}

    def _index(self) -> dict[str, int]:
        if self._positions is None:
            ids = self.frame[KEY].to_list()
            self._positions = dict(zip(ids, range(len(ids))))
            if len(self._positions) != len(ids):
                duplicated = self.frame[KEY].filter(self.frame[KEY].is_duplicated()).unique().sort()
                raise ValueError(f"per-relation findings hold relation ids more than once: "
                                 f"{', '.join(duplicated.head(5).to_list())}")
        return self._positions

    def __getitem__(self, relation_id: str) -> dict[str, Any]:
        """The relation's findings; the same dict while it is among the last few asked for (a
        page's sections ask for one relation's row of a table about twice, and building a row
        of nested structs is most of the lookup), as a dict-form analysis gives the same dict
        every time."""
        row = self._recent.get(relation_id)
        if row is None:
            row = self.frame.row(self._index()[relation_id], named=True)
            del row[KEY]
            if len(self._recent) >= RECENT_ROWS:
                del self._recent[next(iter(self._recent))]
            self._recent[relation_id] = row
        return row

    def __contains__(self, relation_id: object) -> bool:
        return relation_id in self._index()

    def __iter__(self) -> Iterator[str]:
        return iter(self._index())

    def __len__(self) -> int:
        return self.frame.height

    def __repr__(self) -> str:
        return f"RelationTable({self.frame.height} relations, columns {self.frame.columns[1:]})"

    def validate(self) -> None:
        """Fail early (naming the ids) when a relation appears twice; the index for lookups is
        built only when a relation is first asked for."""
        ids = self.frame[KEY]
        if ids.n_unique() != ids.len():
            duplicated = ids.filter(ids.is_duplicated()).unique().sort()
            raise ValueError(f"per-relation findings hold relation ids more than once: "
                             f"{', '.join(duplicated.head(5).to_list())}")


def relation_columns(relations: Mapping, columns: dict[str, pl.DataType]) -> pl.DataFrame:
    """The given top-level fields of every relation's findings as a frame with a ``relation`` column.

    Works whether an analysis returned a dict or a DataFrame; a field a relation
    lacks is null. This is how one analysis reads another's findings in bulk::

        categories = relation_columns(findings["segmentation"].relations,
                                      {"category": pl.String, "category_source": pl.String})
    """
    if isinstance(relations, RelationTable):
        frame = relations.frame
        return frame.select(KEY, *(pl.col(name).cast(dtype) if name in frame.columns
                                   else pl.lit(None, dtype).alias(name)
                                   for name, dtype in columns.items()))
    ids = list(relations)
    data: dict[str, list] = {KEY: ids}
    for name in columns:
        data[name] = [relations[rid].get(name) for rid in ids]
    return pl.DataFrame(data, schema={KEY: pl.String, **columns}, strict=False)
