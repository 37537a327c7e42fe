"""What the CRM export sources (hubspot, pipedrive, salesforce, odoo, crm) share.

A CRM export is read in four steps:

1. **read** — the file (a CSV in any encoding, an .xlsx workbook, or a folder or
   .zip of them, such as Salesforce's weekly Data Export) becomes sheets of
   text: a header and rows, each row with its physical line (or sheet row).
2. **recognise** — headers are matched, ignoring case and spacing, against the
   labels the CRM writes (in English and Dutch where known, and API names).
   The match says which objects the file holds (contacts, deals, …) and which
   column holds which field; ``columns`` in config.toml adds or overrides one.
3. **interpret** — each row becomes relations, business, touchpoints, events
   and employees through a small function per CRM. A ``Collector`` gathers
   them: it prefixes ids with the CRM (``hs:123``), links a person to an
   organisation named in the same file, keeps ids unique, and turns owner
   names into employees.
4. **convert** — the gathered text goes through ``tabular.convert``, which
   parses dates, amounts and codes column-wise and reports every bad cell as
   ``file:line: field: expected …, found …``.

Nothing here raises for bad input: problems are located and collected.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import Callable, Iterable

import polars as pl

from relatierapport.errors import Problem
from relatierapport.hooktypes import SourceReader
from relatierapport.sources.identity import normalised_name
from relatierapport.model import SourceData
from relatierapport.options import ListOf, Option, Text
from relatierapport.sources.date_patterns import strftime_formats
from relatierapport.sources.tabular import MAX_PROBLEMS_PER_SOURCE, Grid, convert, decode_text

csv.field_size_limit(max(csv.field_size_limit(), 16 * 1024 * 1024))

ISO_DATES = ("%Y-%m-%d",)
EU_DATES = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")
US_DATES = ("%m/%d/%Y",)
DELIMITERS = (",", ";", "\t", "|")
TEXT_SUFFIXES = (".csv", ".tsv", ".txt")
MAX_MEMBER_BYTES = 256 * 1024 * 1024      # one file inside a .zip or workbook, uncompressed
MAX_ARCHIVE_BYTES = 1024 * 1024 * 1024    # all of them together


def _known_encoding(value: str) -> str | None:
    import codecs
    try:
        codecs.lookup(value)
    except LookupError:
        return "expected an encoding name such as utf-8, cp1252 or utf-16-le"
    return None


def _delimiter(value: str) -> str | None:
    return None if value == "auto" or len(value) == 1 else 'expected "auto" or a single character'


OPTIONS = (
    Option("encoding", Text(), "utf-8",
           "Character encoding of CSV files: utf-8, cp1252 (Excel on Windows), utf-16-le. A byte order "
           "mark (UTF-8, UTF-16, UTF-32) is recognised whatever this says.", check=_known_encoding),
    Option("delimiter", Text(), "auto",
           'Field separator of CSV files: "auto" (the one that splits the header into known columns), '
           '",", ";" or a tab "\\t".', check=_delimiter),
    Option("decimal", Text(choices=("auto", ",", ".")), "auto",
           'Decimal mark of amounts: "auto" (a comma when the delimiter is ";", else a point), "." '
           '(1234.56) or "," (Dutch 1.234,56).'),
    Option("date_format", ListOf(Text()), ["auto"],
           'Date formats tried in order: "auto" (yyyy-mm-dd, also with a time as CRMs write it, and '
           'dd-mm-yyyy; for Salesforce also its US mm/dd/yyyy), or patterns such as "dd/mm/yyyy", '
           '"mm/dd/yyyy" or strftime "%d-%m-%Y".'),
    Option("sheet", Text(), "", "For .xlsx files: the sheet to read (default: the first)."),
)


# -- reading ------------------------------------------------------------------------------------

@dataclass
class Sheet:
    """One table of text read from a file: header, rows and where each row is."""

    display: str                          # file name for messages ("data/x.zip/Account.csv")
    headers: list[str]
    rows: list[list[str | None]]
    lines: list[int]                      # physical line (CSV), row (xlsx) or line (XML) per row
    decimal: str = "."
    excel: bool = False                   # dates may be Excel serial numbers
    kind: str = "csv"                     # csv | xlsx | xml


#: Readers for other file kinds a CRM may offer, by suffix: (raw bytes, display, spec) -> sheets.
ExtraReader = Callable[[bytes, str, object, SourceData], list[Sheet]]


def read_sheets(spec, data: SourceData, known: Callable[[str], bool],
                extra: dict[str, ExtraReader] | None = None) -> list[Sheet]:
    """Every sheet in ``spec.path``: one file, or each file in a folder or .zip."""
    extra = extra or {}
    path: Path = spec.path
    if path.is_dir():
        root = path.resolve()
        members = []
        for child in sorted(path.iterdir(), key=lambda p: p.name):
            if child.name.startswith((".", "~$")) or not child.is_file():
                continue
            if not child.resolve().is_relative_to(root):
                data.warnings.append(Problem(f"{spec.display}/{child.name}", "skipped: a link to a "
                                             "file outside the folder (data is only read from the project)"))
                continue
            if child.suffix.lower() in (*TEXT_SUFFIXES, ".xlsx", *extra):
                members.append((f"{spec.display.rstrip('/')}/{child.name}", child.read_bytes()))
        if not members:
            data.errors.append(Problem(spec.display, "expected a folder with CSV or .xlsx exports, "
                                       "found none"))
        return [s for display, raw in members
                for s in _read_member(raw, display, spec, data, known, extra)]
    raw = path.read_bytes()
    if path.suffix.lower() == ".zip" or (raw[:4] == b"PK\x03\x04" and path.suffix.lower() not in
                                         (".xlsx", *extra)):
        return [s for display, member in _zip_members(raw, spec, data, extra)
                for s in _read_member(member, display, spec, data, known, extra)]
    return _read_member(raw, spec.display, spec, data, known, extra)


def _zip_members(raw: bytes, spec, data: SourceData, extra) -> list[tuple[str, bytes]]:
    """The CSV/xlsx files inside a .zip, bounded in size; a broken archive is one problem."""
    members = []
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            infos = [info for info in archive.infolist() if not info.is_dir()
                     and not info.filename.startswith("__MACOSX/")
                     and PurePosixPath(info.filename).suffix.lower() in (*TEXT_SUFFIXES, ".xlsx", *extra)]
            total = sum(info.file_size for info in infos)
            if total > MAX_ARCHIVE_BYTES or any(info.file_size > MAX_MEMBER_BYTES for info in infos):
                data.errors.append(Problem(spec.display, f"expected a .zip of exports of at most "
                                           f"{MAX_ARCHIVE_BYTES >> 20} MB unpacked, found {total >> 20} MB"))
                return []
            for info in sorted(infos, key=lambda i: i.filename):
                with archive.open(info) as handle:
                    content = handle.read(MAX_MEMBER_BYTES + 1)
                members.append((f"{spec.display}/{info.filename}", content[:MAX_MEMBER_BYTES]))
    except Exception as exc:  # zipfile raises many kinds on damaged archives
        data.errors.append(Problem(spec.display, f"expected a readable .zip archive, found a damaged "
                                   f"or unsupported one ({type(exc).__name__}: {exc})"))
        return []
    if not members:
        data.errors.append(Problem(spec.display, "expected CSV or .xlsx exports inside the .zip, "
                                   "found none"))
    return members


def _read_member(raw: bytes, display: str, spec, data: SourceData, known, extra) -> list[Sheet]:
    suffix = PurePosixPath(display).suffix.lower()
    if suffix in extra:
        return extra[suffix](raw, display, spec, data)
    if suffix == ".xlsx" or raw[:4] == b"PK\x03\x04":
        sheet = _read_xlsx(raw, display, spec, data)
    else:
        sheet = _read_csv(raw, display, spec, data, known)
    return [sheet] if sheet else []


def _header_cells(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        return line.split(delimiter)


def _detect_delimiter(first_line: str, known: Callable[[str], bool]) -> str | None:
    """The delimiter that splits the header into the most known columns (then the most cells)."""
    scored = []
    for delimiter in DELIMITERS:
        cells = _header_cells(first_line, delimiter)
        scored.append((sum(1 for c in cells if known(c)), len(cells), -DELIMITERS.index(delimiter),
                       delimiter))
    scored.sort(reverse=True)
    best, second = scored[0], scored[1]
    if best[1] == 1:
        return ","                         # one column whatever the delimiter
    if best[:2] == second[:2]:
        return None
    return best[3]


def _read_csv(raw: bytes, display: str, spec, data: SourceData, known) -> Sheet | None:
    opts = spec.options
    text, errors, warnings = decode_text(raw, opts["encoding"], display, spec.index)
    data.warnings.extend(warnings)
    if text is None:
        data.errors.extend(errors)
        return None
    if not text.strip():
        data.errors.append(Problem(display, "expected a header line, found an empty file", "1"))
        return None
    delimiter = opts["delimiter"]
    first_line = 1
    hint = re.match(r"\ufeff?sep=(.)\r?\n", text)          # Excel's "sep=;" line before the header
    if hint:
        text = text[hint.end():]
        first_line = 2
        if delimiter == "auto":
            delimiter = hint.group(1)
    if delimiter == "auto":
        first = text.lstrip("\r\n").splitlines()[0]
        delimiter = _detect_delimiter(first, known)
        if delimiter is None:
            data.errors.append(Problem(display, f"could not tell the delimiter from the header line "
                                       f"{first[:80]!r}: set delimiter in [[sources]] #{spec.index}", "1"))
            return None
    decimal = opts["decimal"] if opts["decimal"] != "auto" else ("," if delimiter == ";" else ".")
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"')
    headers: list[str] | None = None
    rows: list[list[str | None]] = []
    lines: list[int] = []
    previous = first_line - 1
    try:
        for record in reader:
            line, previous = previous + 1, reader.line_num + first_line - 1
            if not any(record):
                continue
            if headers is None:
                headers = [cell.strip() for cell in record]
                continue
            if len(record) > len(headers):
                if any(cell.strip() for cell in record[len(headers):]):
                    data.errors.append(Problem(display, f"expected at most {len(headers)} fields (as "
                                               f"in the header), found {len(record)}", str(line)))
                    continue
                record = record[:len(headers)]
            rows.append(record if len(record) == len(headers) else
                        record + [None] * (len(headers) - len(record)))
            lines.append(line)
    except csv.Error as exc:
        data.errors.append(Problem(display, f"cannot be read as CSV: {exc}", str(previous + 1)))
        return None
    if headers is None:
        data.errors.append(Problem(display, "expected a header line, found an empty file", "1"))
        return None
    return Sheet(display, headers, rows, lines, decimal)


def _cell_text(value, decimal: str) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)
        return text.replace(".", ",") if decimal == "," else text
    return str(value)


def _read_xlsx(raw: bytes, display: str, spec, data: SourceData) -> Sheet | None:
    """The first sheet (or the one named by ``sheet``) of a workbook, as text."""
    import openpyxl

    wanted = spec.options.get("sheet") or ""
    decimal = spec.options["decimal"] if spec.options["decimal"] != "auto" else "."
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_ARCHIVE_BYTES:
                data.errors.append(Problem(display, "expected a workbook of at most "
                                           f"{MAX_ARCHIVE_BYTES >> 20} MB unpacked, found more"))
                return None
        book = openpyxl.load_workbook(io.BytesIO(raw), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl and zipfile raise many kinds on files they cannot read
        data.errors.append(Problem(display, f"expected an Excel workbook (.xlsx), found a file that "
                                   f"cannot be read as one ({type(exc).__name__}: {exc})"))
        return None
    try:
        if wanted and wanted not in book.sheetnames:
            data.errors.append(Problem(display, f'expected a sheet "{wanted}" (option sheet), found '
                                       f"sheets: {', '.join(book.sheetnames)}"))
            return None
        if not book.sheetnames:
            data.errors.append(Problem(display, "expected a sheet, found none"))
            return None
        sheet = book[wanted] if wanted else book[book.sheetnames[0]]
        headers: list[str] | None = None
        rows, lines = [], []
        for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
            cells = [_cell_text(v, decimal) for v in values]
            if not any(c and c.strip() for c in cells):
                continue
            if headers is None:
                headers = [(c or "").strip() for c in cells]
                continue
            cells = cells[:len(headers)] + [None] * (len(headers) - len(cells))
            rows.append(cells)
            lines.append(number)
    except Exception as exc:
        data.errors.append(Problem(display, f"expected an Excel workbook (.xlsx), found one that "
                                   f"cannot be read ({type(exc).__name__}: {exc})"))
        return None
    finally:
        book.close()
    if headers is None:
        data.errors.append(Problem(display, "expected a header row, found an empty sheet", "1"))
        return None
    return Sheet(display, headers, rows, lines, decimal, excel=True, kind="xlsx")


# -- recognising headers ------------------------------------------------------------------------

def norm(header: str) -> str:
    """A header as compared: NFKC, no BOM or zero-width marks, no required-field star, casefolded."""
    text = unicodedata.normalize("NFKC", header or "")
    text = re.sub(r"[\ufeff\u200b\u200e\u200f]", "", text).strip().rstrip("*").strip()
    return re.sub(r"\s+", " ", text).casefold()


def alias_table(entities: dict[str, dict[str, Iterable[str]]]) -> dict[str, list[tuple[str, str, int]]]:
    """normalised header -> [(entity, key, priority)] from {entity: {key: (aliases, best first)}}."""
    table: dict[str, list[tuple[str, str, int]]] = {}
    for entity, keys in entities.items():
        for key, aliases in keys.items():
            for priority, alias in enumerate(aliases):
                table.setdefault(norm(alias), []).append((entity, key, priority))
    return table


KVK_HEADER = re.compile(r"\bkvk\b|kvk[-_ ]?n|kamer van koophandel|chamber of commerce|\bcoc[-_ ]?n")


@dataclass
class Layout:
    """Which objects a file holds and which columns hold which (entity, key)."""

    kind: str                                            # e.g. "contacts", "deals", "import sheet"
    headers: list[str]
    columns: dict[tuple[str, str], list[int]] = field(default_factory=dict)
    score: int = 0                                       # how surely this CRM wrote the file

    def has(self, entity: str, key: str | None = None) -> bool:
        if key is None:
            return any(e == entity for e, _ in self.columns)
        return (entity, key) in self.columns

    def recognised(self) -> int:
        return len({i for indices in self.columns.values() for i in indices})


def match(headers: list[str], resolve: Callable[[str], list[tuple[str, str, int]]]) -> dict:
    """(entity, key) -> header indices, the best alias first, then in file order."""
    found: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for index, header in enumerate(headers):
        for entity, key, priority in resolve(norm(header)):
            found.setdefault((entity, key), []).append((priority, index))
    return {ek: [index for _, index in sorted(pairs)] for ek, pairs in found.items()}


def apply_columns(layout: Layout, columns: dict[str, str], default_entity: str,
                  allowed: dict[str, Iterable[str]], display: str, index: int) -> list[Problem]:
    """Add the user's ``columns = { field = "header" }`` (or ``entity.field``) to the layout."""
    problems = []
    by_norm = {norm(h): i for i, h in reversed(list(enumerate(layout.headers)))}
    for name, header in columns.items():
        entity, _, key = name.rpartition(".")
        entity = entity or default_entity
        if entity not in allowed or key not in allowed[entity]:
            known = ", ".join(f"{e}.{k}" for e, keys in allowed.items() for k in keys)
            problems.append(Problem("config.toml", f"expected a field this export can fill "
                                    f"({known}), found {name!r}", field=f"[[sources]] #{index} columns"))
            continue
        position = layout.headers.index(header) if header in layout.headers else by_norm.get(norm(header))
        if position is None:
            problems.append(Problem(display, f'expected a header "{header}" (from columns), found '
                                    f"headers: {', '.join(layout.headers[:40])}", field=name))
            continue
        current = [i for i in layout.columns.get((entity, key), []) if i != position]
        layout.columns[(entity, key)] = [position, *current]
    return problems


# -- rows ---------------------------------------------------------------------------------------

class Row:
    """One record of a sheet, read through a layout."""

    __slots__ = ("cells", "layout", "sheet", "line")

    def __init__(self, cells: list[str | None], layout: Layout, sheet: Sheet, line: int):
        self.cells, self.layout, self.sheet, self.line = cells, layout, sheet, line

    def get(self, entity: str, key: str) -> str | None:
        """The first non-empty value among the columns for (entity, key), stripped."""
        cells = self.cells
        for index in self.layout.columns.get((entity, key), ()):
            value = cells[index]
            if value:
                value = clean(value)
                if value:
                    return value
        return None

    def date(self, entity: str, key: str) -> str | None:
        """A date cell; Excel serial numbers (45631) from workbooks become yyyy-mm-dd."""
        value = self.get(entity, key)
        if value and self.sheet.excel and re.fullmatch(r"[1-9]\d{4}(?:[.,]\d+)?", value):
            days = int(re.split(r"[.,]", value)[0])
            return (dt.date(1899, 12, 30) + dt.timedelta(days=days)).isoformat()
        return value

    def has(self, entity: str) -> bool:
        """Whether any column of this entity holds something in this row."""
        return any(self.get(e, k) for e, k in self.layout.columns if e == entity)

    @property
    def origin(self) -> str:
        return f"{self.sheet.display}:{self.line}"


_PADDING = "\u3000\u00a0\u200b\ufeff"


def clean(value: str) -> str:
    """Strip spaces, including the ideographic and no-break ones some exports pad with."""
    value = value.strip()
    if value and (value[0] in _PADDING or value[-1] in _PADDING):
        value = value.strip(_PADDING + " \t\r\n")
    return value


# -- coded values ---------------------------------------------------------------------------------

@lru_cache(maxsize=4096)
def squeeze(word: str | None) -> str:
    return re.sub(r"[\s_\-./]+", " ", (word or "").casefold()).strip()


TRUE = {"true", "1", "yes", "y", "ja", "j", "waar", "x", "done", "gedaan", "afgerond", "completed",
        "voltooid"}
FALSE = {"false", "0", "no", "n", "nee", "onwaar", "to do", "todo", "te doen", "not started",
         "niet gestart", "open", "in progress", "bezig", "waiting", "deferred"}


@lru_cache(maxsize=4096)
def truth(value: str | None) -> bool | None:
    word = squeeze(value)
    if word in TRUE:
        return True
    if word in FALSE:
        return False
    return None


WON_WORDS = ("closed won", "closedwon", "won", "gewonnen", "gesloten gewonnen", "afgesloten gewonnen")
LOST_WORDS = ("closed lost", "closedlost", "lost", "verloren", "gesloten verloren", "afgesloten verloren")
QUOTE_WORDS = ("quote", "proposal", "offerte", "voorstel", "offer")


@lru_cache(maxsize=4096)
def deal_status(stage: str | None = None, won: str | None = None, closed: str | None = None,
                status: str | None = None) -> str:
    """won | lost | quote | open, from a CRM's status, won/closed flags and stage name."""
    word = squeeze(status)
    if word in WON_WORDS:
        return "won"
    if word in LOST_WORDS:
        return "lost"
    is_won, is_closed = truth(won), truth(closed)
    if is_won:
        return "won"
    stage_word = squeeze(stage)
    if stage_word in WON_WORDS or re.search(r"\b(won|gewonnen)\b", stage_word):
        return "won"
    if stage_word in LOST_WORDS or re.search(r"\b(lost|verloren)\b", stage_word):
        return "lost"
    if is_closed:
        return "lost"                    # closed and not won
    if any(w in stage_word for w in QUOTE_WORDS):
        return "quote"
    return "open"


@lru_cache(maxsize=4096)
def role_of(word: str | None) -> str | None:
    """A relation role from a CRM's account type or lifecycle stage."""
    text = squeeze(word)
    if not text or text in ("other", "overig", "anders", "none", "account"):
        return None
    if re.search(r"customer|klant|client", text):
        return "client"
    if re.search(r"partner|reseller|wederverkoper", text):
        return "partner"
    if re.search(r"vendor|supplier|leverancier", text):
        return "supplier"
    if re.search(r"prospect|lead|opportunity|subscriber", text):
        return "prospect"
    return text


@lru_cache(maxsize=4096)
def direction_of(word: str | None) -> str | None:
    text = squeeze(word)
    if re.search(r"\b(in|inbound|incoming|inkomend|received|ontvangen)\b", text):
        return "in"
    if re.search(r"\b(out|outbound|outgoing|uitgaand|uit|sent|verzonden|email sent)\b", text):
        return "out"
    return None


@lru_cache(maxsize=4096)
def channel_of(word: str | None, strict: bool = False) -> str | None:
    """A touchpoint channel code, or the CRM's own word (lowercase; None if ``strict``)."""
    text = squeeze(word)
    if not text:
        return None
    if re.search(r"call|phone|bel|telefo|gesprek", text):
        return "phone"
    if re.search(r"meeting|afspraak|visit|bezoek|lunch|vergader|overleg", text):
        return "visit"
    if re.search(r"e ?mail", text):
        return "email"
    if re.search(r"webinar|seminar|event|evenement", text):
        return "event"
    if re.search(r"letter|brief|\bpost\b", text):
        return "mail"
    return None if strict else text


def plain_text(html: str | None, limit: int = 500) -> str | None:
    """Notes are often HTML in CRMs: their text, on one line, shortened."""
    if not html:
        return None
    text = re.sub(r"<[^>]*>", " ", html).replace("&nbsp;", " ").replace("&amp;", "&")
    text = " ".join(text.split())
    return (text[:limit - 1] + "…" if len(text) > limit else text) or None


def city_from_address(address: str | None) -> str | None:
    """The city of a Dutch address line ("Kerkstraat 1, 3511 AB Utrecht"), else None."""
    found = re.search(r"\b\d{4} ?[A-Z]{2} +([^\d,]+)", address or "")
    return found.group(1).strip() or None if found else None


def digits_kvk(value: str | None) -> str | None:
    """A KvK number (8 digits) from what the CRM holds, or None."""
    digits = re.sub(r"\D", "", value or "")
    return digits if len(digits) == 8 else None


def looks_like_id(value: str) -> bool:
    """Owner values that are record ids (HubSpot numbers, Salesforce 005… ids), not names."""
    return bool(re.fullmatch(r"\d+", value) or re.fullmatch(r"(?=.*\d)[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?",
                                                               value))


def person_name(first: str | None, last: str | None) -> str | None:
    name = " ".join(part for part in (first, last) if part)
    return name or None


# -- collecting records ---------------------------------------------------------------------------

#: Relation fields no CRM column fills by itself, for ``columns = { category = "ABC" }``.
USER_FIELDS = ("category", "phase", "role", "tags")
RELATION_FIELDS = ("id", "name", "kind", "role", "owner", "organisation", "category", "phase",
                   "since", "email", "phone", "city", "tags")
EVENT_FIELDS = {
    "business": ("relation", "date", "amount", "hours", "kind", "status"),
    "touchpoints": ("relation", "date", "employee", "channel", "direction", "kind", "signals", "notes"),
    "events": ("relation", "date", "kind", "notes"),
}


@dataclass
class _Pending:
    target: dict
    field: str
    name: str
    row_origin: tuple[str, int]
    otherwise: Callable[[], None] | None = None


class Collector:
    """Gathers one source's records while rows are interpreted; ``finish`` converts them."""

    def __init__(self, spec, prefix: str, data: SourceData):
        self.spec, self.prefix, self.data = spec, prefix, data
        self.org_word: tuple[str, ...] = ("org",)     # id part of organisations known by name only
        self.relations: dict[str, dict] = {}
        self.events: dict[str, list[dict]] = {name: [] for name in EVENT_FIELDS}
        self.employees: dict[str, dict] = {}
        self.skipped: dict[tuple[str, str], list[int]] = {}
        self._display = ""
        self._names: dict[str, str] = {}
        self._pending: list[_Pending] = []
        self.sheets: dict[str, Sheet] = {}

    # files
    def start(self, sheet: Sheet) -> None:
        self.sheets[sheet.display] = sheet
        self._display, self._names, self._pending = sheet.display, {}, []

    def end(self) -> None:
        """Resolve organisation names met in this file; unknown ones become organisations."""
        if self._pending:
            for rid, values in self.relations.items():
                if (values["__display"] == self._display and values.get("kind") == "organisation"
                        and values.get("name")):
                    self._names.setdefault(_name_key(values["name"]), rid)
        for pending in self._pending:
            key = _name_key(pending.name)
            target_id = self._names.get(key)
            if target_id is None and pending.otherwise is not None:
                pending.otherwise()
                continue
            if target_id is None:
                target_id = self.id(*self.org_word, pending.name)
                display, line = pending.row_origin
                self._add({"id": target_id, "name": pending.name, "kind": "organisation",
                           "__display": display, "__line": line}, unique=False)
                self._names[key] = target_id
            if pending.target.get("id") != target_id:
                pending.target[pending.field] = target_id
        self._pending = []

    # ids
    def id(self, *parts: str) -> str:
        """A source-unique id: the CRM prefix and the parts, e.g. ``pd:org:Acme BV``."""
        return self.prefix + ":".join(parts)

    # records
    def relation(self, row: Row, values: dict, unique: bool = True, entity: str | None = None) -> str:
        """Add a relation (model fields and extras as text); returns its id.

        ``unique``: the row's own record, whose id must not repeat; linked records
        (an organisation on every deal row) are merged instead. ``entity`` picks up
        the fields a user mapped with ``columns`` (category, phase, role, tags).
        """
        if entity is not None:
            for key in USER_FIELDS:
                value = row.get(entity, key)
                if value:
                    values[key] = value
        values = {k: v for k, v in values.items() if v not in (None, "", (), [])}
        values["__display"], values["__line"] = row.sheet.display, row.line
        return self._add(values, unique)

    def _add(self, values: dict, unique: bool) -> str:
        rid = values["id"]
        existing = self.relations.get(rid)
        if existing is None:
            self.relations[rid] = values
        elif unique and existing.get("__own"):
            self.data.errors.append(Problem(values["__display"], f"expected a unique id, found "
                                            f"{values.get('source_id', rid)!r} again (first at "
                                            f"{existing['__display']}:{existing['__line']})",
                                            str(values["__line"]), "id"))
            return rid
        elif unique:     # the record itself: its values win, what linked rows said fills gaps
            merged = {k: v for k, v in existing.items() if not k.startswith("__")}
            merged.update(values)
            existing.clear()
            existing.update(merged)
        else:
            for key, value in values.items():
                if key not in existing and not key.startswith("__"):
                    existing[key] = value
        if unique:
            self.relations[rid]["__own"] = True
        return rid

    def link_by_name(self, row: Row, target: dict, field_name: str, name: str,
                     otherwise: Callable[[], None] | None = None) -> None:
        """Set ``target[field_name]`` to the id of the organisation called ``name`` in this file.

        When no organisation in the file has that name, one is added with just the name,
        or ``otherwise`` is called instead.
        """
        self._pending.append(_Pending(target, field_name, name, (row.sheet.display, row.line), otherwise))

    def event(self, table: str, row: Row, values: dict) -> dict:
        values = {k: v for k, v in values.items() if v not in (None, "")}
        values["__display"], values["__line"] = row.sheet.display, row.line
        self.events[table].append(values)
        return values

    def owner(self, row: Row, value: str | None, is_id: bool = False) -> str | None:
        """An owner as given; a name (or e-mail) also becomes an employee with that id."""
        if not value:
            return None
        if not is_id and not looks_like_id(value) and value not in self.employees:
            self.employees[value] = {"id": value, "name": value,
                                     "email": value if "@" in value else None, "origin": row.origin}
        return value

    def employee(self, row: Row, eid: str, name: str, email: str | None = None,
                 team: str | None = None) -> None:
        self.employees[eid] = {"id": eid, "name": name, "email": email, "team": team,
                               "origin": row.origin}

    def skip(self, row: Row, reason: str) -> None:
        """A row left out (a warning, summarised per reason and file)."""
        self.skipped.setdefault((row.sheet.display, reason), []).append(row.line)

    # the end
    def finish(self, date_formats: tuple[str, ...]) -> SourceData:
        data = self.data
        for (display, reason), lines in self.skipped.items():
            more = f" (and {len(lines) - 1} more rows, the next on line {lines[1]})" if len(lines) > 1 else ""
            data.warnings.append(Problem(display, f"{reason}: left out{more}", str(lines[0])))
        table = self.spec.table
        by_display: dict[str, dict[str, list[dict]]] = {}
        if table in (None, "relations"):
            for values in self.relations.values():
                by_display.setdefault(values["__display"], {}).setdefault("relations", []).append(values)
        for name, rows in self.events.items():
            if table in (None, name):
                for values in rows:
                    by_display.setdefault(values["__display"], {}).setdefault(name, []).append(values)
        from relatierapport.model import Employee
        if table in (None, "employees"):
            data.employees.extend(Employee(**{k: v for k, v in e.items() if v is not None})
                                  for e in self.employees.values())
        for display, tables in by_display.items():
            sheet = self.sheets.get(display)
            decimal = sheet.decimal if sheet else "."
            for name, rows in tables.items():
                result = convert(_grid(display, name, rows, decimal, date_formats), name)
                data.relations += result.relations
                data.errors += result.errors
                data.warnings += result.warnings
                for tname, frame in result.tables.items():
                    if tname in data.tables:
                        data.tables[tname] = pl.concat([data.tables[tname], frame])
                    else:
                        data.tables[tname] = frame
        if len(data.errors) > MAX_PROBLEMS_PER_SOURCE:
            extra = len(data.errors) - MAX_PROBLEMS_PER_SOURCE
            data.errors[MAX_PROBLEMS_PER_SOURCE:] = [Problem(self.spec.display, f"… and {extra} more "
                                                             "problems (fix the ones above first)")]
        return data


def _name_key(name: str) -> str:
    return normalised_name(name) or " ".join(name.casefold().split())


def _grid(display: str, table: str, rows: list[dict], decimal: str, date_formats) -> Grid:
    model = RELATION_FIELDS if table == "relations" else EVENT_FIELDS[table]
    keys = [k for k in model if any(k in r for r in rows)]
    extras = sorted({k for r in rows for k in r if k not in model and not k.startswith("__")})
    columns = {}
    for key in (*keys, *extras):
        values = []
        for r in rows:
            value = r.get(key)
            if isinstance(value, (list, tuple)):
                value = "|".join(value)
            values.append(value)
        columns[key] = pl.Series(key, values, dtype=pl.String)
    frame = pl.DataFrame(columns) if columns else pl.DataFrame()
    lines = [r["__line"] for r in rows]
    return Grid(frame, display, lambda indices: {i: lines[i] for i in indices},
                decimal=decimal, date_formats=date_formats)


# -- the readers ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Profile:
    """One CRM: how to recognise its exports and turn a row into records."""

    type: str                                       # the config type, e.g. "hubspot"
    label: str                                      # "HubSpot"
    prefix: str                                     # "hs:"
    objects: str                                    # for messages: "contacts, companies, deals …"
    recognise: Callable[[list[str]], Layout | None]
    interpret: Callable[[Row, "Collector"], None]
    known: Callable[[str], bool]                    # is this (normalised) header one of ours?
    fields: dict[str, tuple[str, ...]]              # entity -> keys ``columns`` may name
    default_entity: Callable[[Layout], str]
    auto_dates: tuple[str, ...] = ISO_DATES + EU_DATES
    extra_readers: dict[str, ExtraReader] = field(default_factory=dict)
    describe: str = ""
    org_word: tuple[str, ...] = ("org",)            # ids of organisations named only: prefix + word + name


def _headline(headers: list[str]) -> str:
    shown = ", ".join(f'"{h}"' for h in headers[:12])
    return shown + (f" and {len(headers) - 12} more" if len(headers) > 12 else "")


def read_with(spec, profiles: list["Profile"], forced: bool = True) -> SourceData:
    """Read a source with one CRM's profile (``forced``) or the best-matching of several."""
    data = SourceData()
    extra: dict[str, ExtraReader] = {}
    for profile in profiles:
        extra.update(profile.extra_readers)

    def known(header: str) -> bool:
        return any(p.known(norm(header)) for p in profiles)

    sheets = read_sheets(spec, data, known, extra)
    if data.errors and not sheets:
        return data
    collector = Collector(spec, "", data)
    auto = [strftime_formats(spec.options["date_format"], p.auto_dates) for p in profiles]
    used_formats: tuple[str, ...] | None = None
    several = len(sheets) > 1
    for sheet in sheets:
        chosen = _choose(sheet, profiles, forced, spec, data, several)
        if chosen is None:
            continue
        profile, layout = chosen
        problems = apply_columns(layout, spec.columns, profile.default_entity(layout), profile.fields,
                                 sheet.display, spec.index)
        if problems:
            data.errors += problems
            continue
        collector.prefix, collector.org_word = profile.prefix, profile.org_word
        collector.start(sheet)
        for cells, line in zip(sheet.rows, sheet.lines):
            profile.interpret(Row(cells, layout, sheet, line), collector)
        collector.end()
        formats = auto[profiles.index(profile)]
        used_formats = formats if used_formats is None else used_formats
    return collector.finish(used_formats or auto[0])


def _choose(sheet: Sheet, profiles: list[Profile], forced: bool, spec, data: SourceData,
            several: bool) -> tuple[Profile, Layout] | None:
    candidates = []
    for profile in profiles:
        layout = profile.recognise(sheet.headers)
        if layout is not None:
            candidates.append((layout.score, profile, layout))
    candidates.sort(key=lambda c: -c[0])
    if not candidates:
        if forced:
            profile = profiles[0]
            message = (f"expected a {profile.label} export ({profile.objects}), found headers "
                       f"{_headline(sheet.headers)}")
            hint = _other_crm(sheet.headers, profile)
            problem = Problem(sheet.display, message + hint, "1")
        else:
            problem = Problem(sheet.display, "expected a CRM export (HubSpot, Pipedrive, Salesforce or "
                              f"Odoo), found headers {_headline(sheet.headers)}: set type and, for "
                              "headers of your own, columns", "1")
        # inside a folder or .zip, files that are no export of ours are passed over
        (data.warnings if several else data.errors).append(
            Problem(problem.source, problem.message + (": skipped" if several else ""), "1"))
        return None
    if len(candidates) > 1 and candidates[1][0] * 1.5 >= candidates[0][0]:
        names = " or ".join(f'{c[1].label} (type = "{c[1].type}")' for c in candidates[:3])
        data.errors.append(Problem(sheet.display, f"could be an export of {names}, judging by the "
                                   f"headers {_headline(sheet.headers)}: set the type in [[sources]] "
                                   f"#{spec.index}", "1"))
        return None
    return candidates[0][1], candidates[0][2]


def _other_crm(headers: list[str], profile: Profile) -> str:
    """A hint when another CRM recognises the headers: "it looks like a Pipedrive export"."""
    from relatierapport.builtin.sources.crm import hubspot_source, odoo_source, pipedrive_source, salesforce_source
    for module in (hubspot_source, pipedrive_source, salesforce_source, odoo_source):
        other = module.PROFILE
        if other.type != profile.type and other.recognise(headers) is not None:
            return f'; it looks like a {other.label} export: set type = "{other.type}"'
    return ""


def all_profiles() -> list[Profile]:
    from relatierapport.builtin.sources.crm import hubspot_source, odoo_source, pipedrive_source, salesforce_source
    return [module.PROFILE for module in (hubspot_source, pipedrive_source, salesforce_source,
                                          odoo_source)]


def reader_for(profile: Profile) -> SourceReader:
    """The ``SourceReader`` of one CRM type."""
    def read(spec, config) -> SourceData:
        return read_with(spec, [profile])
    read.__doc__ = f"Read a {profile.label} export ({profile.objects})."
    return SourceReader(profile.type, read, OPTIONS, profile.describe)


def read_any(spec, config) -> SourceData:
    """``type = "crm"``: each file is read by the CRM its headers show."""
    return read_with(spec, all_profiles(), forced=False)


CRM_READER = SourceReader("crm", read_any, OPTIONS,
                          "A CRM export (HubSpot, Pipedrive, Salesforce or Odoo), recognised from its "
                          "headers.")
