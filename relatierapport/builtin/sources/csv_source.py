"""Built-in source ``csv``: one CSV file fills one model table.

Users' CSVs come from Dutch Excel as often as from anywhere else, so the
delimiter, encoding, decimal mark and date format are options. Defaults are
chosen so that a wrong guess is an error with a hint, never wrong data: the
delimiter is detected from the header line, the decimal mark follows the
delimiter (``;`` means Dutch Excel, so a decimal comma), and dates are accepted
only in the two unambiguous forms yyyy-mm-dd and dd-mm-yyyy.
"""

from __future__ import annotations

import csv
import io
import json
from functools import cache

import polars as pl

from relatierapport import hookimpl
from relatierapport.errors import Problem
from relatierapport.hooktypes import SourceReader
from relatierapport.model import SourceData
from relatierapport.options import Integer, ListOf, Option, Text
from relatierapport.sources import owners
from relatierapport.sources.bounds import COLUMNS_OPTION, header_fields
from relatierapport.sources.cut_off import cut_off, ends_mid_line, last_record_width
from relatierapport.sources.date_patterns import strftime_formats
from relatierapport.sources.tabular import (BOMS, FIELDS, MOJIBAKE_BYTES, Grid, convert, decode_text,
                                            text_codec, unclosed_quote)

DELIMITERS = (";", ",", "\t", "|")


def _single_char_or_auto(value: str) -> str | None:
    if value != "auto" and len(value) != 1:
        return 'expected "auto" or a single character'
    return None


def _known_encoding(value: str) -> str | None:
    if text_codec(value) is None:
        return "expected a text encoding such as utf-8, cp1252 or iso-8859-15"
    return None


OPTIONS = (
    Option("delimiter", Text(), "auto", 'Field separator: "auto" (from the header line), ";", ",", or a tab "\\t".',
           check=_single_char_or_auto),
    Option("encoding", Text(), "utf-8", "Character encoding: utf-8, cp1252 (Excel on Windows), "
           "iso-8859-15, utf-16-le; a byte order mark (UTF-8, UTF-16, UTF-32) is recognised whatever "
           "this says.", check=_known_encoding),
    Option("decimal", Text(choices=("auto", ",", ".")), "auto",
           'Decimal mark: "auto" (a comma when the delimiter is ";", else a point), "," or ".".'),
    Option("date_format", ListOf(Text()), ["auto"],
           'Date formats tried in order: "auto" (yyyy-mm-dd or dd-mm-yyyy), or patterns such as '
           '"dd-mm-yyyy", "yyyymmdd" or strftime "%d/%m/%Y".'),
    Option("skip_lines", Integer(minimum=0), 0, "Lines to skip before the header (bank-style preambles)."),
    Option("quote", Text(), '"', "Quote character.", check=lambda v: None if len(v) == 1 else "expected one character"),
    COLUMNS_OPTION,
)


@hookimpl
def source_readers():
    return [SourceReader("csv", read_csv, OPTIONS, "A CSV file holding one model table.")]


def _cells(header: str, delimiter: str) -> list[str]:
    return [c.strip().strip('"') for c in header.split(delimiter)]


def _wanted(spec) -> set[str]:
    """The headers (lower case) that would name a model field of the source's table."""
    return ({f.lower() for f in FIELDS.get(spec.table or "", {})}
            | {h.lower() for h in spec.columns.values()})


def _detect_delimiter(header: str, spec) -> tuple[str | None, Problem | None]:
    """Pick the delimiter that splits the header into the most known column names."""
    wanted = _wanted(spec)
    scored = []
    for delimiter in DELIMITERS:
        cells = [c.lower() for c in _cells(header, delimiter)]
        scored.append((sum(c in wanted for c in cells), len(cells), delimiter))
    scored.sort(reverse=True)
    best, second = scored[0], scored[1]
    if best[1] == 1:
        return None, Problem(spec.display, f"could not tell the delimiter from the header line "
                             f"{header[:80]!r}: set delimiter in [[sources]] #{spec.index}", "1")
    if best[:2] == second[:2]:
        return None, Problem(spec.display, f"the header line could be split by {best[2]!r} or "
                             f"{second[2]!r}: set delimiter in [[sources]] #{spec.index}", "1")
    return best[2], None


def _shown(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _wrong_delimiter(header: str, delimiter: str, spec) -> Problem | None:
    """One problem instead of a header error per field when the header splits into more known
    column names by another delimiter than by the one set: which one the file looks like."""
    wanted = _wanted(spec)

    def known(by: str) -> int:
        return sum(cell.lower() in wanted for cell in _cells(header, by))

    found = known(delimiter)
    best = max((d for d in DELIMITERS if d != delimiter), key=known)
    if known(best) <= found:
        return None
    fields = FIELDS[spec.table]
    expected = [spec.columns.get(name, name) for name, field in fields.items()
                if field.required or name in spec.columns]
    listed = ", ".join(expected[:3]) + ("…" if len(expected) > 3 else "")
    cells = _cells(header, delimiter)
    what = (f"one column {_shown(header)!r}" if len(cells) == 1 else
            f"{len(cells)} columns ({', '.join(repr(_shown(c, 20)) for c in cells[:3])}…)")
    return Problem(spec.display, f"expected the columns {listed}, found {what}: the file looks "
                   f"{best!r}-separated; set delimiter = {json.dumps(best)} in [[sources]] "
                   f"#{spec.index}", location=str(1 + spec.options["skip_lines"]))


def read_csv(spec, config) -> SourceData:
    """Read one CSV file into the model table named by ``table``."""
    data = SourceData()
    opts = spec.options
    if spec.table is None:
        data.errors.append(Problem("config.toml", "expected the model table this CSV fills "
                                   f"({', '.join(FIELDS)}), found nothing",
                                   field=f"[[sources]] #{spec.index} table"))
        return data
    if not spec.path.is_file():
        data.errors.append(Problem(spec.display, "expected a CSV file, found a folder"))
        return data
    wide = _too_wide(spec)
    if wide:
        data.errors.append(wide)
        return data
    fast = _read_plain_utf8(spec)
    if fast is not None:
        return fast
    raw = spec.path.read_bytes()
    text, errors, warnings = decode_text(raw, opts["encoding"], spec.display, spec.index)
    del raw
    data.warnings.extend(warnings)
    if text is None:
        data.errors.extend(errors)
        return data
    skip = opts["skip_lines"]
    body = text.split("\n", skip)[-1] if skip else text
    if not body.strip():
        data.errors.append(Problem(spec.display, "expected a header line, found an empty file"))
        return data
    delimiter = opts["delimiter"]
    header = body.split("\n", 1)[0].rstrip("\r")
    problem = (_detect_delimiter(header, spec)[1] if delimiter == "auto" else
               _wrong_delimiter(header, delimiter, spec))
    if problem:
        data.errors.append(problem)
        return data
    if delimiter == "auto":
        delimiter = _detect_delimiter(header, spec)[0]
    try:
        frame = pl.read_csv(io.BytesIO(body.encode("utf-8")), separator=delimiter,
                            quote_char=opts["quote"], infer_schema=False, has_header=True)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        unclosed = unclosed_quote(body, delimiter, opts["quote"], first_line=1 + skip)
        if unclosed is not None:
            return _before_unclosed_quote(body, unclosed, spec, delimiter, data.warnings)
        ragged = _ragged_rows(body, delimiter, opts["quote"], skip, spec)
        frame = None if ragged else _read_with_python(body, delimiter, opts["quote"])
        if frame is None:
            data.errors.extend(ragged or [Problem(spec.display, "cannot be read as CSV: "
                                                  f"{str(exc).splitlines()[0]}")])
            return data
    if _multiline_header(frame):       # polars reads a quote left open in the header as one header
        unclosed = unclosed_quote(body, delimiter, opts["quote"], first_line=1 + skip)
        if unclosed is not None:
            return _before_unclosed_quote(body, unclosed, spec, delimiter, data.warnings)
    physical = body.count("\n") + (not body.endswith("\n"))
    result = _convert(frame, spec, delimiter, _line_finder(lambda: body, physical, frame.height,
                                                            delimiter, opts["quote"], skip))
    result.warnings[:0] = data.warnings
    if ends_mid_line(body[-256:]):
        _said_if_cut_off(result, frame, spec, physical, skip, delimiter,
                         lambda: body.rsplit("\n", 1)[-1], lambda: body)
    return result


def _multiline_header(frame: pl.DataFrame) -> bool:
    return any("\n" in column for column in frame.columns)


def _before_unclosed_quote(body: str, unclosed, spec, delimiter: str, warnings: list) -> SourceData:
    """A quote that is never closed swallows the rest of the file into one value: the records
    before the one it opens in still count, and what is left out is said, at the quote's line
    (a warning; an error when even the header is lost)."""
    skip = spec.options["skip_lines"]
    problem = Problem(spec.display, f"an opening quote is never closed; the rest of the file "
                      f"({unclosed.lost}) is left out", location=str(unclosed.line))
    if unclosed.record_line == 1 + skip:   # in the header: nothing can be read
        data = SourceData(warnings=warnings)
        data.errors.append(problem)
        return data
    before = body[:unclosed.record_start]
    try:
        frame = pl.read_csv(io.BytesIO(before.encode("utf-8")), separator=delimiter,
                            quote_char=spec.options["quote"], infer_schema=False, has_header=True)
    except (pl.exceptions.ComputeError, pl.exceptions.NoDataError) as exc:
        data = SourceData(warnings=warnings)
        data.errors.extend(_ragged_rows(before, delimiter, spec.options["quote"], skip, spec) or
                           [Problem(spec.display, f"cannot be read as CSV: {str(exc).splitlines()[0]}")])
        data.errors.append(problem)
        return data
    physical = before.count("\n")
    result = _convert(frame, spec, delimiter, _line_finder(lambda: before, physical, frame.height,
                                                            delimiter, spec.options["quote"], skip))
    result.warnings[:0] = warnings + [problem]
    return result


def _too_wide(spec) -> Problem | None:
    """A header of more than max_columns fields, refused before polars builds a frame of them
    (a 1.8 MB header of 200,000 columns would take over a gigabyte)."""
    opts = spec.options
    delimiters = DELIMITERS if opts["delimiter"] == "auto" else (opts["delimiter"],)
    found = header_fields(spec.path, opts["skip_lines"], delimiters, opts["max_columns"])
    if found is None:
        return None
    return Problem(spec.display, f"expected at most {opts['max_columns']:,} columns (max_columns in "
                   f"[[sources]] #{spec.index}), found more (split by {found[1]!r}): not read",
                   location=str(1 + opts["skip_lines"]))


#: How much of the file's start is looked at before handing the file to polars.
_SNIFF_BYTES = 65536


def _read_plain_utf8(spec) -> SourceData | None:
    """The common case, fast: UTF-8 (a BOM is fine) with no preamble, read by polars straight
    from the file, without the file's bytes or a Python str of it in memory (for two million
    touchpoints: ~0.5 GB and ~0.5 s less). Anything unusual (another encoding, invalid UTF-8,
    NUL bytes, a file polars refuses) returns None: the careful path then reads it and says
    exactly what is wrong where."""
    opts = spec.options
    if opts["skip_lines"] or text_codec(opts["encoding"]) != "utf-8":
        return None
    with spec.path.open("rb") as handle:
        head = handle.read(_SNIFF_BYTES)
    if not head or head.isspace() or b"\x00" in head:
        return None
    if any(head.startswith(bom) for bom, name in BOMS if name != "utf-8"):
        return None
    end = head.find(b"\n")
    try:
        header = head[:end if end >= 0 else len(head)].decode("utf-8-sig").rstrip("\r")
    except UnicodeDecodeError:
        return None
    delimiter = opts["delimiter"]
    if delimiter == "auto":
        delimiter, problem = _detect_delimiter(header, spec)
    else:
        problem = _wrong_delimiter(header, delimiter, spec)
    if problem:
        return None     # the careful path says what is wrong
    physical, has_nul, garbled, mid_line = _scan(spec.path)
    if has_nul or garbled:
        return None     # NUL bytes or garbled letters: the careful path says what they suggest
    try:
        frame = pl.read_csv(spec.path, separator=delimiter, quote_char=opts["quote"],
                            infer_schema=False, has_header=True)
    except Exception:   # noqa: BLE001 - whatever it is, the careful path explains it
        return None
    if _multiline_header(frame):
        return None     # perhaps a quote left open: the careful path looks
    text = None if physical == frame.height + 1 else (
        lambda: spec.path.read_bytes().decode("utf-8-sig"))   # only when a line is asked for
    result = _convert(frame, spec, delimiter, _line_finder(text, physical, frame.height, delimiter,
                                                           opts["quote"], 0))
    if mid_line:
        _said_if_cut_off(result, frame, spec, physical, 0, delimiter,
                         lambda: _last_line(spec.path), text)
    return result


def _said_if_cut_off(result: SourceData, frame: pl.DataFrame, spec, physical: int, skip: int,
                     delimiter: str, last_line, text) -> None:
    """A warning when the file, which ends without a line break, has fewer fields in its last
    record than in its header. ``last_line`` and ``text`` give the last physical line and the
    whole text (after the skipped lines), asked for only when needed."""
    if not frame.height or not result.counts():
        return
    one_line_each = physical == frame.height + 1
    found = last_record_width(last_line() if one_line_each else text(), delimiter,
                              spec.options["quote"])
    if found < frame.width:
        result.warnings.append(cut_off(spec.display, physical + skip, found, frame.width))


def _last_line(path) -> str:
    """The file's last line, read from its end."""
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        tail, step = b"", 4096
        while b"\n" not in tail and len(tail) < size:
            step = min(step * 2, size)
            handle.seek(size - step)
            tail = handle.read(step)
    return tail.rsplit(b"\n", 1)[-1].decode("utf-8-sig", errors="replace")


def _scan(path) -> tuple[int, bool, bool, bool]:
    """Lines in the file (a last line without a line break counts), whether it holds a NUL
    byte, whether it holds letters garbled before it was saved, and whether it ends in the
    middle of a line, a megabyte at a time."""
    count, last, nul, garbled = 0, b"\n", False, False
    with path.open("rb") as handle:
        while block := handle.read(1 << 20):
            count += block.count(b"\n")
            nul = nul or b"\x00" in block
            garbled = garbled or MOJIBAKE_BYTES.search(block) is not None
            last = (last + block[-256:])[-256:]
    return count + (last[-1:] != b"\n"), nul, garbled, ends_mid_line(last)


def _line_finder(text, physical: int, records: int, delimiter: str, quote: str, skip: int):
    """``lines(rows) -> {row index: physical line}`` for messages and record origins.

    When the file has exactly one line per record (plus the header), record ``i`` is on line
    ``i + 2``: no second parse. Otherwise (a quoted value with a line break) the text is read
    again by the csv module, once, when a line is first asked for.
    """
    if physical == records + 1:
        return lambda rows: {row: row + 2 + skip for row in rows}

    @cache
    def record_starts() -> list[int]:
        """Physical line where each record starts (record 0 is the header)."""
        reader = csv.reader(io.StringIO(text(), newline=""), delimiter=delimiter, quotechar=quote)
        starts, previous = [], 0
        for _ in reader:
            starts.append(previous + 1 + skip)
            previous = reader.line_num
        return starts

    def lines(rows: list[int]) -> dict[int, int]:
        starts = record_starts()
        return {row: starts[row + 1] if row + 1 < len(starts) else -1 for row in rows}

    return lines


def _convert(frame: pl.DataFrame, spec, delimiter: str, lines) -> SourceData:
    opts = spec.options
    duplicated = [c for c in frame.columns if "_duplicated_" in c]
    if duplicated:
        names = sorted({c.split("_duplicated_")[0] for c in duplicated})
        data = SourceData()
        data.errors.append(Problem(spec.display, f"expected unique headers, found {', '.join(names)} "
                                   "more than once", location=str(1 + opts["skip_lines"])))
        return data
    decimal = opts["decimal"] if opts["decimal"] != "auto" else ("," if delimiter == ";" else ".")
    columns = {key: header for key, header in spec.columns.items()
               if not (spec.table == "employees" and key == "aliases")}
    grid = Grid(frame, spec.display, lines, columns=columns, decimal=decimal,
                date_formats=strftime_formats(opts["date_format"]))
    data = convert(grid, spec.table)
    if spec.table == "employees":      # the one employee field convert does not read
        data.errors += owners.table_aliases(frame, spec.columns, data.employees, spec.display)
    if not data.counts() and not data.errors:
        data.warnings.append(Problem(spec.display, "expected rows after the header, found none: this "
                                     "source adds nothing to the report",
                                     location=str(1 + opts["skip_lines"])))
    return data


def _read_with_python(body: str, delimiter: str, quote: str) -> pl.DataFrame | None:
    """The file as Python's csv module and spreadsheets read it, for what polars calls malformed:
    a quote inside an unquoted value (``Al"fa``) is a character of it. Every value is text, an
    empty one null, short rows padded (as polars reads them)."""
    try:
        records = list(csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, quotechar=quote))
    except csv.Error:
        return None
    records = [record for record in records if record]
    if not records:
        return None
    header, rows = records[0], records[1:]
    if len(set(header)) != len(header):
        return None                      # duplicate headers: polars' own message says which
    width = len(header)
    columns = {name: [(row[i] if i < len(row) else "") or None for row in rows]
               for i, name in enumerate(header)}
    return pl.DataFrame(columns, schema={name: pl.String for name in header}) if width else None


def _ragged_rows(body: str, delimiter: str, quote: str, skip: int, spec) -> list[Problem]:
    """Rows with more fields than the header, located, for when polars refuses the file."""
    reader = csv.reader(io.StringIO(body, newline=""), delimiter=delimiter, quotechar=quote)
    problems, previous, width = [], 0, None
    for record in reader:
        line = previous + 1 + skip
        previous = reader.line_num
        if width is None:
            width = len(record)
        elif len(record) > width:
            problems.append(Problem(spec.display, f"expected at most {width} fields (as in the "
                                    f"header), found {len(record)}", location=str(line)))
    return problems
