"""From a grid of text cells (any spreadsheet-like source) to model tables.

Sources that read rows of text — CSV, Excel, CRM exports — hand a polars frame
of String columns to ``convert``. It maps headers to model fields, parses dates,
numbers and coded values column-wise (fast enough for millions of rows), and
reports every bad cell as ``file:line: field: expected …, found …``.

``decode_text`` turns a file's bytes into text for every text-based source:
byte order marks (UTF-8, UTF-16, UTF-32) are honoured whatever the declared
encoding, and bytes that are not what was declared give an error with the
``encoding = "…"`` to set.
"""

from __future__ import annotations

import codecs
import re
from dataclasses import dataclass, field
from typing import Callable

import polars as pl

from relatierapport.sources import vocabulary
from relatierapport.sources.date_patterns import AUTO, shown
from relatierapport.errors import Problem, close_match, did_you_mean
from relatierapport.model import EVENT_SCHEMAS, Employee, Goal, Relation, SourceData

#: How many problems one source lists before summarising the rest.
MAX_PROBLEMS_PER_SOURCE = 1000


@dataclass(frozen=True)
class FieldSpec:
    kind: str = "text"            # text | date | number | count | code | list
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
        "summary_last_contact": DATE, "summary_contacts": FieldSpec("count"),
    },
    "employees": {"id": REQ, "name": REQ, "team": T, "email": T},
    "goals": {"id": REQ, "scope": FieldSpec(default="portfolio"), "metric": T,
              "baseline": NUMBER, "target": NUMBER, "start": DATE, "end": DATE, "owner": T,
              "baseline_start": DATE, "baseline_end": DATE, "limit": T, "aim": T},
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
QUOTED = '"{}"'     # how a header is shown in a message
LIST_SPLIT = r"\s*[|;,]\s*"


@dataclass
class Grid:
    """Text cells from one source, with what is needed to locate a row in the file."""

    frame: pl.DataFrame                  # String columns, one per header, in file order
    source: str                          # file name for messages
    lines: Callable[[list[int]], dict[int, int]]  # row index -> physical line number
    columns: dict[str, str] = field(default_factory=dict)   # model field -> header
    decimal: str = "."
    date_formats: tuple[str, ...] = AUTO


# -- decoding bytes to text ------------------------------------------------------------------

#: Byte order marks, longest first (the UTF-32-LE mark starts with the UTF-16-LE one).
BOMS = ((codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"))
SINGLE_BYTE = frozenset({"cp1252", "latin-1", "iso8859-1", "iso8859-15", "cp1250", "mac-roman",
                         "cp850", "cp437"})


def text_codec(name: str) -> str | None:
    """The codec's canonical name when ``name`` is a text encoding (not base64, zlib, ...)."""
    try:
        info = codecs.lookup(name)
    except (LookupError, ValueError):
        return None
    return info.name if getattr(info, "_is_text_encoding", True) else None


def sniff_unicode(raw: bytes) -> str | None:
    """"utf-16-le", "utf-16-be", "utf-32-le" or "utf-32-be" when NUL bytes say so, else None.

    Text that is mostly Latin script has a NUL in every second (UTF-16) or in three of
    every four bytes (UTF-32) at fixed positions; other files almost never do.
    """
    sample = raw[:4096]
    quads = len(sample) // 4
    if quads >= 1:
        zeros = [sum(1 for i in range(pos, quads * 4, 4) if sample[i] == 0) for pos in range(4)]
        if min(zeros[1:]) >= 0.9 * quads and zeros[0] <= 0.1 * quads:
            return "utf-32-le"
        if min(zeros[:3]) >= 0.9 * quads and zeros[3] <= 0.1 * quads:
            return "utf-32-be"
    pairs = len(sample) // 2
    if pairs >= 2:
        even = sum(1 for i in range(0, pairs * 2, 2) if sample[i] == 0)
        odd = sum(1 for i in range(1, pairs * 2, 2) if sample[i] == 0)
        if odd >= 0.6 * pairs and even <= 0.1 * pairs:
            return "utf-16-le"
        if even >= 0.6 * pairs and odd <= 0.1 * pairs:
            return "utf-16-be"
    return None


def _line_at(text_before: str) -> int:
    return text_before.count("\n") + 1


#: Text garbled before it reached us: UTF-8 bytes read as cp1252 (or Latin-1) and saved again
#: as UTF-8, so "é" became "Ã©" and "’" became "â€™". Each candidate is confirmed by undoing
#: the mistake. The bytes form lets a reader that never decodes the file look for it.
MOJIBAKE = re.compile("[ÂÃ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                      "\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030\u2039"
                      "\u203a\u20ac\u2122]|â€[\u0080-\u00bf\u0152-\u2122]?")
MOJIBAKE_BYTES = re.compile(rb"\xc3[\x82\x83](?:\xc2[\x80-\xbf]|[\xc5\xc6\xcb\xe2])|\xc3\xa2\xe2\x82\xac")


def _undone(garbled: str) -> str | None:
    """What garbled text meant, or None when it is not garbled after all."""
    for codec in ("cp1252", "latin-1"):
        try:
            meant = garbled.encode(codec).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
        return meant if len(meant) < len(garbled) else None
    return None


def mojibake(text: str, source: str, index: int | str = "?") -> Problem | None:
    """A warning when the text holds letters garbled before the file was saved ("Ã©" for "é"),
    at the first such line, with how many lines have them; None for clean text."""
    first, lines = None, set()
    for match in MOJIBAKE.finditer(text):
        meant = _undone(match[0])
        if meant is None:
            continue
        line = _line_at(text[:match.start()])
        lines.add(line)
        if first is None:
            first = (line, match[0], meant)
    if first is None:
        return None
    line, garbled, meant = first
    more = len(lines) - 1
    others = f" (and on {more} more line{'s' if more > 1 else ''})" if more else ""
    return Problem(source, f'expected readable text, found "{garbled}" where "{meant}" is meant'
                   f"{others}: the file was read with the wrong encoding and saved again before "
                   "it reached relatierapport, so no encoding option repairs it; export it again "
                   f"from the program it comes from, as UTF-8 (in [[sources]] #{index})",
                   location=str(line))


def decode_text(raw: bytes, encoding: str, source: str, index: int | str = "?"
                ) -> tuple[str | None, list[Problem], list[Problem]]:
    """The file's text, or None with an error saying which encoding to set.

    Returns ``(text, errors, warnings)``. A byte order mark decides the encoding
    (so UTF-16 and UTF-32 files with a BOM need no option); UTF-16/32 bytes
    without one, invalid bytes and NUL bytes are errors naming the option to set;
    valid UTF-8 read as a one-byte encoding (cp1252) is a warning.
    """
    where = f"in [[sources]] #{index}"
    codec = codecs.lookup(encoding).name
    errors: list[Problem] = []
    warnings: list[Problem] = []
    for bom, name in BOMS:
        if raw.startswith(bom):
            body = raw[len(bom):]
            sniffed = sniff_unicode(body) if name.startswith("utf-16") else None
            if sniffed and sniffed.startswith("utf-32"):
                name = sniffed          # a UTF-16 mark before UTF-32 text (as some tools write)
            actual = "utf-8" if name == "utf-8" else name
            break
    else:
        body, actual = raw, None
    if actual is None:
        sniffed = sniff_unicode(raw)
        if codec in ("utf-16", "utf-32") and not (sniffed and sniffed.startswith(codec)):
            found = (f"{sniffed[:6].upper()} bytes" if sniffed else
                     f"no {codec.upper()} bytes (no byte order mark, no NUL bytes between the characters)")
            errors.append(Problem(source, f"expected text in {encoding}, found {found}: set encoding = "
                                  f'"{sniffed or "utf-8"}" {where}', location="1"))
            return None, errors, warnings
        if codec in ("utf-16", "utf-32"):
            actual = sniffed            # the byte order the NUL bytes show
        elif sniffed and not codec.startswith(sniffed[:6]):
            errors.append(Problem(source, f"expected text in {encoding}, found {sniffed[:6].upper()} "
                                  f'bytes (NUL bytes between the characters): set encoding = "{sniffed}" '
                                  f"{where}", location="1"))
            return None, errors, warnings
        else:
            actual = codec
    shown = encoding if actual == codec else f"{actual} (from its byte order mark)"
    try:
        text = body.decode(actual)
    except UnicodeDecodeError as exc:
        line = _line_at(body[:exc.start].decode(actual, errors="replace"))
        if codec == "utf-8" and actual == "utf-8":
            hint = 'if it comes from Excel on Windows, set encoding = "cp1252"'
        else:
            hint = "check the encoding option"
        byte = body[exc.start:exc.start + 1].hex() or "00"
        errors.append(Problem(source, f"expected text in {shown}, found byte 0x{byte} that is not "
                              f"valid {actual}: {hint} {where}", location=str(line)))
        return None, errors, warnings
    nul = text.find("\x00")
    if nul >= 0:
        sniffed = sniff_unicode(raw)
        hint = (f'set encoding = "{sniffed}"' if sniffed else
                "it does not look like a text file (a spreadsheet or database file saved as .csv?)")
        errors.append(Problem(source, f"expected text in {actual}, found NUL bytes: {hint} {where}",
                              location=str(_line_at(text[:nul]))))
        return None, errors, warnings
    if actual not in SINGLE_BYTE and not text.isascii():
        garbled = mojibake(text, source, index)
        if garbled:
            warnings.append(garbled)
    if codec in SINGLE_BYTE and actual == codec and not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            warnings.append(Problem(source, f"expected text in {encoding}, found valid UTF-8 with "
                                    f"accented letters, which {encoding} shows garbled (é as Ã©): "
                                    f'set encoding = "utf-8" {where} if names look wrong'))
    return text, errors, warnings


# -- a quote that is never closed ------------------------------------------------------------

@dataclass(frozen=True)
class UnclosedQuote:
    """Where a quoted value that runs to the end of the text opened (lines count from 1)."""

    line: int                  # the line of the opening quote
    record_line: int           # the line where the record holding it starts
    record_start: int          # offset of that record in the text: what comes before is whole
    last_line: int             # the text's last line

    @property
    def lost(self) -> str:
        """ "lines 14–20, 7 lines" (or "line 20, 1 line"): what is left out from the record on."""
        count = self.last_line - self.record_line + 1
        if count == 1:
            return f"line {self.record_line}, 1 line"
        return f"lines {self.record_line}–{self.last_line}, {count} lines"


def unclosed_quote(text: str, delimiter: str, quote: str = '"', first_line: int = 1
                   ) -> UnclosedQuote | None:
    """The quote that opens a value and is never closed, or None when every quoted value ends;
    the text's first line is line ``first_line`` of its file.

    Quoting as spreadsheets write it: a quote opens a value only at the start of a field, a
    doubled quote inside one is a quote character, and a quoted value may hold line breaks.
    Jumps from field to field (a search per field), so it is only for when a reader failed.
    """
    boundary = re.compile(f"[{re.escape(delimiter)}\n]")
    last_line = first_line - 1 + text.count("\n") + (not text.endswith("\n"))
    position, line = 0, first_line
    record_start, record_line = 0, first_line
    length = len(text)
    while position < length:
        if text.startswith(quote, position):       # a quoted value: find its closing quote
            end = text.find(quote, position + 1)
            while end >= 0 and text.startswith(quote, end + 1):
                end = text.find(quote, end + 2)
            if end < 0:
                return UnclosedQuote(line, record_line, record_start, last_line)
            line += text.count("\n", position, end)
            position = end + 1
        found = boundary.search(text, position)    # the rest of the field, to its end
        if found is None:
            break
        position = found.end()
        if found[0] == "\n":
            line += 1
            record_start, record_line = position, line
    return None


# -- cell parsers: each returns (parsed expression) from a stripped String expression ---------

#: A time of day after a date ("2024-01-15 10:23", "2006-04-15T03:23:15.000Z", "…+0800"):
#: the model keeps dates, so the time (and its zone, as written) is dropped.
TIME_SUFFIX = (r"(?:[T ]\s*\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?\s*(?:[AaPp]\.?[Mm]\.?)?\s*"
               r"(?:Z|UTC|GMT)?(?:[+-]\d{2}(?::?\d{2})?)?)$")


def _date_expr(text: pl.Expr, formats: tuple[str, ...]) -> pl.Expr:
    """Parse with the first format that fits; years outside 1900-2100 are treated as typos.

    A time after the date is accepted and ignored, unless a format itself has a time.
    """
    candidates = []
    date_only = text.str.replace(TIME_SUFFIX, "")
    for fmt in formats:
        source = text if re.search(r"%[HIMSpTR]", fmt) else date_only
        parsed = source.str.strptime(pl.Date, fmt, strict=False, exact=True)
        if "%Y" in fmt:  # polars accepts 2-digit years for %Y; a report date never has them
            pattern = re.escape(fmt).replace("%Y", r"\d{4}")
            pattern = re.sub(r"%[a-zA-Z]", r"\\d{1,2}", pattern.replace(r"\%", "%"))
            parsed = pl.when(source.str.contains(f"^{pattern}$")).then(parsed)
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
        return "a date as " + " or ".join(shown(fmt) for fmt in grid.date_formats)
    if spec.kind == "number":
        return "a number with decimal " + ("comma" if grid.decimal == "," else "point")
    if spec.kind == "count":
        return "a whole number, 0 or more"
    if spec.kind == "code" and spec.vocabulary in vocabulary.CLOSED:
        return vocabulary.expected(spec.vocabulary)
    return "a value"


# -- the conversion ---------------------------------------------------------------------------

def _header_map(grid: Grid, table: str, problems: list[Problem]) -> dict[str, str]:
    """Model field -> header, from the ``columns`` mapping or headers named like the field.

    A header that is not there is one problem, whichever way the field was to be found,
    naming the file's header that looks most like it.
    """
    headers = grid.frame.columns
    by_lower = {h.strip().lower(): h for h in headers}
    fields = FIELDS[table]
    result = {}
    used = set(grid.columns.values())
    for model_field, header in grid.columns.items():
        if model_field not in fields and not model_field.startswith("scores."):
            problems.append(Problem(grid.source, f"columns maps unknown field {model_field!r}"
                                    f"{did_you_mean(model_field, fields, '{!r}')}; "
                                    f"fields of {table}: {', '.join(fields)}"))
        elif header not in headers:
            others = [h for h in headers if h not in used]
            problems.append(Problem(grid.source, f'expected a header "{header}" (from columns), '
                                    f"found headers: {', '.join(headers)}"
                                    f"{did_you_mean(header, others, QUOTED)}",
                                    field=model_field))
        else:
            result[model_field] = header
    for model_field, spec in fields.items():
        if model_field in result or model_field in grid.columns:
            continue
        if model_field in by_lower:
            result[model_field] = by_lower[model_field]
        elif spec.required:
            close = close_match(model_field, [h for h in headers if h not in used])
            hint = (f'; the header "{close}" looks like it: rename it "{model_field}" or set '
                    f'columns = {{ {model_field} = "{close}" }}' if close else "")
            problems.append(Problem(
                grid.source, f'expected a column for this field: a header "{model_field}" or '
                f'columns = {{ {model_field} = "<your header>" }}; found headers: '
                f"{', '.join(headers)}{hint}", field=model_field))
    return result


def convert(grid: Grid, table: str) -> SourceData:
    """Turn the grid into one model table, listing every bad cell with its line."""
    data = SourceData()
    headers = _header_map(grid, table, data.errors)
    if data.errors:
        return data
    # the file's columns are kept as __raw_<header>, so no header can collide with a model field
    frame = grid.frame.rename({h: f"__raw_{h}" for h in grid.frame.columns}).with_row_index("__row")
    # blank lines arrive as all-null rows: drop them, they are not records
    frame = frame.filter(~pl.all_horizontal(pl.col(f"__raw_{c}").is_null() for c in grid.frame.columns))

    for model_field, spec in FIELDS[table].items():
        if model_field in headers:
            frame = _parse_field(frame, grid, model_field, spec, f"__raw_{headers[model_field]}")

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


def _parse_field(frame: pl.DataFrame, grid: Grid, model_field: str, spec: FieldSpec,
                 header: str) -> pl.DataFrame:
    """Add the parsed column and its ``__bad_`` flag.

    Every field is parsed once per distinct text and joined back: two million
    touchpoints hold a few hundred distinct dates and a few thousand employee ids,
    so this is many times faster than parsing every cell. Only the key column takes
    part in the join, so its cost does not grow with the width of the file.
    """
    text = pl.col("__text").str.strip_chars()
    text = pl.when(text.str.len_chars() > 0).then(text)
    if spec.kind == "date":
        value = _date_expr(text, grid.date_formats)
    elif spec.kind == "number":
        value = _number_expr(text, grid.decimal)
    elif spec.kind == "count":
        number = _number_expr(text, grid.decimal)
        value = pl.when((number >= 0) & (number == number.floor())).then(number).cast(pl.Int64)
    elif spec.kind == "code":
        value = _code_expr(text, spec.vocabulary)
    elif spec.kind == "list":
        value = _list_expr(text, spec.vocabulary)
    else:
        value = text
    bad = pl.lit(False) if spec.kind == "list" else text.is_not_null() & value.is_null()
    if spec.required:
        bad = bad | text.is_null()
    columns = (value.alias(model_field), bad.alias(f"__bad_{model_field}"))
    lookup = frame.select(pl.col(header).unique().alias("__text")).select(pl.col("__text"), *columns)
    parsed = frame.select(pl.col(header).alias("__text")).join(
        lookup, on="__text", how="left", nulls_equal=True, maintain_order="left")
    return frame.with_columns(parsed[model_field], parsed[f"__bad_{model_field}"])


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
            _number_expr(pl.col(f"__raw_{h}").str.strip_chars(), grid.decimal).alias(f"__score_{h}")
            for h in scores)
    rows = frame["__row"].to_list()
    lines = grid.lines(rows)
    # column lists zipped row by row, not per-row dicts from the frame: 100,000 relations load
    # in a fraction of the time
    names = list(fields)
    columns = [frame[f].to_list() for f in names]
    defaults = [(name, spec.default) for name, spec in FIELDS[table].items() if spec.default is not None]
    # scores: numbers per criterion, unset ones left out; cells that are not numbers are errors
    score_names = list(scores.values())
    score_columns = [frame[f"__score_{h}"].to_list() for h in scores]
    for h, name in scores.items():
        raw = pl.col(f"__raw_{h}").str.strip_chars()
        bad = frame.filter(pl.col(f"__score_{h}").is_null() & (raw.str.len_chars() > 0))
        for row, text in bad.select("__row", raw).iter_rows():
            data.errors.append(Problem(grid.source, f'expected a number, found "{text}"',
                                       str(lines[row]), f"scores.{name}"))
    extra_values = [(h, frame[f"__raw_{h}"].to_list()) for h in extra]
    seen: dict[str, int] = {}
    score_rows = zip(*score_columns) if score_columns else iter(lambda: (), None)
    for index, (row, *cells) in enumerate(zip(rows, *columns)):
        criteria = next(score_rows)
        line = lines[row]
        values = dict(zip(names, cells))
        for name, default in defaults:
            if values.get(name) is None:
                values[name] = default
        origin = f"{grid.source}:{line}"
        if values["id"] in seen:
            data.errors.append(Problem(grid.source, f"expected a unique id, found {values['id']!r} "
                                       f"again (first on line {seen[values['id']]})",
                                       location=str(line), field="id"))
            continue
        seen[values["id"]] = line
        if table == "relations":
            values["tags"] = tuple(values.get("tags") or ())
            values["scores"] = ({name: number for name, number in zip(score_names, criteria)
                                 if number is not None} if None in criteria
                                else dict(zip(score_names, criteria)))
            values["extra"] = {h: column[index] for h, column in extra_values
                               if column[index] not in (None, "")}
            data.relations.append(Relation(**values, origin=origin))
        elif table == "employees":
            data.employees.append(Employee(**values, origin=origin))
        else:
            data.goals.append(Goal(**values, origin=origin))

