"""From a grid of text cells (any spreadsheet-like source) to model tables.

Sources that read rows of text — CSV now, Excel later — hand a polars frame of
String columns to ``convert``. It maps headers to model fields, parses dates,
numbers and coded values column-wise (fast enough for millions of rows), and
reports every bad cell as ``file:line: field: expected …, found …``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Callable

import polars as pl

from relatierapport import vocabulary
from relatierapport.errors import Problem
from relatierapport.model import EVENT_SCHEMAS, Employee, Goal, Relation, SourceData

#: How many problems one source lists before summarising the rest.
MAX_PROBLEMS_PER_SOURCE = 1000


@dataclass(frozen=True)
class FieldSpec:
    kind: str = "text"            # text | date | number | code | list
    required: bool = False
    vocabulary: str | None = None  # for code and list fields
    default: str | None = None


T, REQ = FieldSpec(), FieldSpec(required=True)
DATE, REQ_DATE, NUMBER = FieldSpec("date"), FieldSpec("date", True), FieldSpec("number")

FIELDS: dict[str, dict[str, FieldSpec]] = {
    "relations": {
        "id": REQ, "name": REQ,
        "kind": FieldSpec("code", vocabulary="kind", default="organisation"),
        "role": FieldSpec("code", vocabulary="role"), "owner": T, "organisation": T,
        "category": FieldSpec("code", vocabulary="category"),
        "phase": FieldSpec("code", vocabulary="phase"), "since": DATE,
        "email": T, "phone": T, "city": T, "tags": FieldSpec("list"),
    },
    "employees": {"id": REQ, "name": REQ, "team": T, "email": T},
    "goals": {"id": REQ, "scope": FieldSpec(default="portfolio"), "metric": T,
              "baseline": NUMBER, "target": NUMBER, "start": DATE, "end": DATE, "owner": T},
    "touchpoints": {
        "relation": REQ, "date": REQ_DATE, "employee": T,
        "channel": FieldSpec("code", vocabulary="channel"),
        "direction": FieldSpec("code", vocabulary="direction"),
        "kind": FieldSpec("code", vocabulary="touchpoint_kind"),
        "signals": FieldSpec("list", vocabulary="signal"), "notes": T,
    },
    "business": {"relation": REQ, "date": REQ_DATE, "amount": NUMBER, "hours": NUMBER,
                 "kind": T, "status": FieldSpec("code", vocabulary="status")},
    "surveys": {"subject": REQ, "kind": FieldSpec("code", True, "survey_kind"),
                "date": REQ_DATE, "score": FieldSpec("number", True), "scale": NUMBER},
    "events": {"relation": REQ, "date": REQ_DATE, "kind": T, "notes": T},
}

SCORE_PREFIXES = ("score_", "score:", "scores.")
LIST_SPLIT = r"\s*[|;,]\s*"


@dataclass
class Grid:
    """Text cells from one source, with what is needed to locate a row in the file."""

    frame: pl.DataFrame                  # String columns, one per header, in file order
    source: str                          # file name for messages
    lines: Callable[[list[int]], dict[int, int]]  # row index -> physical line number
    columns: dict[str, str] = field(default_factory=dict)   # model field -> header
    decimal: str = "."
    date_formats: tuple[str, ...] = ("%Y-%m-%d", "%d-%m-%Y")


# -- cell parsers: each returns (parsed expression) from a stripped String expression ---------

def _date_expr(text: pl.Expr, formats: tuple[str, ...]) -> pl.Expr:
    """Parse with the first format that fits; years outside 1900-2100 are treated as typos."""
    candidates = []
    for fmt in formats:
        parsed = text.str.strptime(pl.Date, fmt, strict=False, exact=True)
        if "%Y" in fmt:  # polars accepts 2-digit years for %Y; a report date never has them
            pattern = re.escape(fmt).replace("%Y", r"\d{4}")
            pattern = re.sub(r"%[a-zA-Z]", r"\\d{1,2}", pattern.replace(r"\%", "%"))
            parsed = pl.when(text.str.contains(f"^{pattern}$")).then(parsed)
        candidates.append(parsed)
    value = pl.coalesce(candidates) if len(candidates) > 1 else candidates[0]
    return pl.when(value.dt.year().is_between(1900, 2100)).then(value)


def _number_expr(text: pl.Expr, decimal: str) -> pl.Expr:
    """Decimal comma or point, with optional thousands grouping and a euro sign."""
    cleaned = text.str.replace_all(r"[€\s]|EUR", "")
    if decimal == ",":
        grouped = r"^[-+]?\d{1,3}(\.\d{3})+(,\d+)?$"
        cleaned = (pl.when(cleaned.str.contains(grouped))
                   .then(cleaned.str.replace_all(".", "", literal=True)).otherwise(cleaned))
        cleaned = pl.when(cleaned.str.contains(r"^[-+]?\d+(,\d+)?$")).then(
            cleaned.str.replace(",", ".", literal=True))
    else:
        grouped = r"^[-+]?\d{1,3}(,\d{3})+(\.\d+)?$"
        cleaned = (pl.when(cleaned.str.contains(grouped))
                   .then(cleaned.str.replace_all(",", "", literal=True)).otherwise(cleaned))
        cleaned = pl.when(cleaned.str.contains(r"^[-+]?(\d+(\.\d*)?|\.\d+)$")).then(cleaned)
    return cleaned.cast(pl.Float64, strict=False)


def _squeeze(text: pl.Expr) -> pl.Expr:
    return text.str.to_lowercase().str.replace_all(r"[\s_\-.]+", " ").str.strip_chars()


def _code_expr(text: pl.Expr, name: str) -> pl.Expr:
    mapped = _squeeze(text).replace_strict(vocabulary.mapping(name), default=None,
                                          return_dtype=pl.String)
    return mapped if name in vocabulary.CLOSED else pl.coalesce(mapped, text)


def _list_expr(text: pl.Expr, name: str | None) -> pl.Expr:
    items = text.str.replace_all(LIST_SPLIT, "|").str.split("|")
    items = items.list.eval(pl.element().filter(pl.element().str.len_chars() > 0))
    if name:
        items = items.list.eval(_code_expr(pl.element(), name))
    return items


def _expected(spec: FieldSpec, grid: Grid) -> str:
    if spec.kind == "date":
        return "a date as " + " or ".join(fmt.replace("%Y", "yyyy").replace("%m", "mm")
                                          .replace("%d", "dd") for fmt in grid.date_formats)
    if spec.kind == "number":
        return "a number with decimal " + ("comma" if grid.decimal == "," else "point")
    if spec.kind == "code" and spec.vocabulary in vocabulary.CLOSED:
        return vocabulary.expected(spec.vocabulary)
    return "a value"


# -- the conversion ---------------------------------------------------------------------------

def _header_map(grid: Grid, table: str, problems: list[Problem]) -> dict[str, str]:
    """Model field -> header, from the ``columns`` mapping or headers named like the field."""
    headers = grid.frame.columns
    by_lower = {h.strip().lower(): h for h in headers}
    fields = FIELDS[table]
    result = {}
    for model_field, header in grid.columns.items():
        if model_field not in fields and not model_field.startswith("scores."):
            problems.append(Problem(grid.source, f"columns maps unknown field {model_field!r}; "
                                    f"fields of {table}: {', '.join(fields)}"))
        elif header not in headers:
            problems.append(Problem(grid.source, f'expected a header "{header}" (from columns), '
                                    f"found headers: {', '.join(headers)}", field=model_field))
        else:
            result[model_field] = header
    for model_field, spec in fields.items():
        if model_field in result:
            continue
        if model_field in by_lower:
            result[model_field] = by_lower[model_field]
        elif spec.required:
            problems.append(Problem(
                grid.source, f'expected a column for this field: a header "{model_field}" or '
                f'columns = {{ {model_field} = "<your header>" }}; found headers: '
                f"{', '.join(headers)}", field=model_field))
    return result


def convert(grid: Grid, table: str) -> SourceData:
    """Turn the grid into one model table, listing every bad cell with its line."""
    data = SourceData()
    headers = _header_map(grid, table, data.errors)
    if data.errors:
        return data
    frame = grid.frame.with_row_index("__row")
    # blank lines arrive as all-null rows: drop them, they are not records
    frame = frame.filter(~pl.all_horizontal(pl.col(c).is_null() for c in grid.frame.columns))

    parsed, invalid = [], []
    for model_field, spec in FIELDS[table].items():
        if model_field not in headers:
            continue
        text = pl.col(headers[model_field]).str.strip_chars()
        text = pl.when(text.str.len_chars() > 0).then(text)
        if spec.kind == "date":
            value = _date_expr(text, grid.date_formats)
        elif spec.kind == "number":
            value = _number_expr(text, grid.decimal)
        elif spec.kind == "code":
            value = _code_expr(text, spec.vocabulary)
        elif spec.kind == "list":
            value = _list_expr(text, spec.vocabulary)
        else:
            value = text
        if spec.kind == "list":
            bad = pl.lit(False)
        else:
            bad = text.is_not_null() & value.is_null()
        if spec.required:
            bad = bad | text.is_null()
        parsed.append(value.alias(model_field))
        invalid.append(bad.alias(f"__bad_{model_field}"))
    keep = [headers[f] for f in headers]
    frame = frame.with_columns(*invalid, *parsed, *(pl.col(h).alias(f"__raw_{h}") for h in keep))

    bad_columns = [c for c in frame.columns if c.startswith("__bad_")]
    any_bad = pl.any_horizontal(bad_columns) if bad_columns else pl.lit(False)
    bad_rows = frame.filter(any_bad)
    if bad_rows.height:
        _report_bad(grid, table, headers, bad_rows, data.errors)
        frame = frame.filter(~any_bad)

    if table in EVENT_SCHEMAS:
        schema = EVENT_SCHEMAS[table]
        columns = [pl.col(name).cast(dtype) if name in headers else pl.lit(None, dtype).alias(name)
                   for name, dtype in schema.items()]
        result = frame.select(columns)
        if "kind" in schema and table == "surveys":
            result = result.with_columns(pl.col("scale").fill_null(10.0))
        data.tables[table] = result
    else:
        _records(grid, table, headers, frame, data)
    return data


def _report_bad(grid: Grid, table: str, headers: dict[str, str], rows: pl.DataFrame,
                problems: list[Problem]) -> None:
    total = 0
    limited = rows.head(MAX_PROBLEMS_PER_SOURCE)
    lines = grid.lines(limited["__row"].to_list())
    for row in limited.iter_rows(named=True):
        for model_field, spec in FIELDS[table].items():
            if not row.get(f"__bad_{model_field}"):
                continue
            total += 1
            raw = row[f"__raw_{headers[model_field]}"]
            found = f'"{raw.strip()}"' if raw and raw.strip() else "nothing"
            expected = _expected(spec, grid)
            problems.append(Problem(grid.source, f"expected {expected}, found {found}",
                                    location=str(lines[row["__row"]]), field=model_field))
    if rows.height > limited.height:
        problems.append(Problem(grid.source, f"… and {rows.height - limited.height} more rows "
                                "with problems (fix the ones above first)"))


def _records(grid: Grid, table: str, headers: dict[str, str], frame: pl.DataFrame,
             data: SourceData) -> None:
    """Relations, employees and goals become typed records, remembering their line."""
    fields = [f for f in FIELDS[table] if f in headers]
    used = set(headers.values())
    scores = {h: h[len(prefix):].strip() for h in grid.frame.columns if h not in used
              for prefix in SCORE_PREFIXES if h.lower().startswith(prefix)}
    scores.update({headers[f]: f[7:] for f in headers if f.startswith("scores.")})
    extra = [h for h in grid.frame.columns if h not in used and h not in scores]
    if scores:
        frame = frame.with_columns(
            _number_expr(pl.col(h).str.strip_chars(), grid.decimal).alias(f"__score_{h}")
            for h in scores)
    lines = grid.lines(frame["__row"].to_list())
    seen: dict[str, int] = {}
    for row in frame.iter_rows(named=True):
        line = lines[row["__row"]]
        values = {f: row[f] for f in fields}
        for name, spec in FIELDS[table].items():
            if values.get(name) is None and spec.default is not None:
                values[name] = spec.default
        origin = f"{grid.source}:{line}"
        if values["id"] in seen:
            data.errors.append(Problem(grid.source, f"expected a unique id, found {values['id']!r} "
                                       f"again (first on line {seen[values['id']]})",
                                       location=str(line), field="id"))
            continue
        seen[values["id"]] = line
        if table == "relations":
            values["tags"] = tuple(values.get("tags") or ())
            values["scores"] = {name: row[f"__score_{h}"] for h, name in scores.items()
                                if row[f"__score_{h}"] is not None}
            for h, name in scores.items():
                if row[h] and row[h].strip() and row[f"__score_{h}"] is None:
                    data.errors.append(Problem(grid.source, f"expected a number, found "
                                               f'"{row[h].strip()}"', str(line), f"scores.{name}"))
            values["extra"] = {h: row[h] for h in extra if row[h] not in (None, "")}
            data.relations.append(Relation(**values, origin=origin))
        elif table == "employees":
            data.employees.append(Employee(**values, origin=origin))
        else:
            data.goals.append(Goal(**values, origin=origin))

