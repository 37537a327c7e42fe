"""Built-in source ``vcard``: address books (.vcf) as phones, mail clients and CRMs write them.

``path`` is one .vcf file or a folder; a folder means every ``*.vcf`` and
``*.vcard`` file below it (recursively, sorted by path, hidden files and
folders left out, links that lead outside the folder not followed).

vCard 2.1, 3.0 and 4.0 are read. vobject's value parsers (``stringToTextValues``,
``splitFields``) unescape the values and split N, ADR and ORG into their parts.
vobject's line and component parser is not used: its line regex backtracks
exponentially on a parameter list such as ``FN;a=,,,,…`` (22 commas take 2 s,
each further comma doubles that), it keeps only the text before an unescaped
comma, turns a trailing backslash into "eof", and costs about 0.5 ms a card.
This module does what that leaves to the caller:

* it splits a file into cards (BEGIN:VCARD … END:VCARD) and properties itself,
  with their physical lines, so one bad card is a located warning and the other
  cards still load (a vCard 2.1 AGENT card inside a card is skipped);
* character sets: a BOM, UTF-16 without a BOM, a property's own CHARSET
  (``N;CHARSET=windows-1252:…``), else UTF-8, falling back to windows-1252 with
  a warning naming the file (option ``encoding`` fixes the file's encoding);
* vCard 2.1 quoted-printable, also with soft line breaks (``=`` at the end of a
  line continues on the next, unindented, line);
* line endings: CRLF, LF, CR and iPhone's damaged ``\\r\\r\\n``;
* escapes vobject gets wrong: unescaped commas in text (2.1 and sloppy 3.0
  writers; vobject would keep only the part before the first comma), ``\\:``
  and ``\\"`` (Apple, Google), a trailing backslash;
* limits against hostile input: a property larger than ``max_property_bytes``
  or more than 1000 properties skips the card with a warning; PHOTO, LOGO,
  SOUND and KEY values are never decoded or fetched (they are dropped), URLs
  are kept as text only.

What becomes of a card:

* a person (kind ``person``) when it has a person's name: FN, or N when FN is
  missing or merely repeats the organisation (Apple's "show as company");
* an organisation when its KIND is ``org`` (vCard 4) or when it has ORG but
  no person's name. Every distinct ORG name becomes one organisation relation
  with the id ``org-<slug of the name>`` (a short hash for names without
  letters or digits); persons get ``organisation`` set to it, and an
  organisation's own card fills that same relation;
* a card with neither a name nor ORG is named by its e-mail address or phone;
  a card with none of these is skipped with a warning;
* group cards (Apple ``X-ADDRESSBOOKSERVER-KIND:group``, vCard 4 ``KIND:group``)
  are not relations: their name becomes a tag of each member card;
* CATEGORIES become tags (Google's system groups "My Contacts" and "Starred"
  are left out); ``category_tags`` turns tags into the category A, B or C.

The relation id is the card's UID (without ``urn:uuid:``), else ``vcard-`` and
a short hash of the name and e-mail address. ``email``: the first preferred
address, else the first work address, else the first; ``phone`` likewise
(fax and pager last), as written; ``city``: the locality of the work address,
else the preferred, else the first. ``extra`` keeps as text: source_id (UID),
title, job_role (ROLE), department (ORG units), nickname, note, birthday,
anniversary, revision (REV), website and urls, related (RELATED,
X-ABRELATEDNAMES and Outlook/Evolution spouse, manager, assistant), and every
e-mail address and phone number when there are several.
"""

from __future__ import annotations

import binascii
import codecs
import hashlib
import os
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from vobject.icalendar import stringToTextValues
from vobject.vcard import ADDRESS_ORDER, NAME_ORDER, splitFields

from relatierapport import hookimpl
from relatierapport.sources import vocabulary
from relatierapport.errors import Problem
from relatierapport.hooktypes import SourceReader
from relatierapport.model import Relation, SourceData
from relatierapport.options import Integer, ListOf, Option, Table, Text
from relatierapport.sources.tabular import text_codec

SUFFIXES = (".vcf", ".vcard")
MAX_PROPERTIES = 1000            # per card; real cards have fewer than 100
MAX_PROBLEMS = 1000              # per source, then one line saying how many more
SYSTEM_CATEGORIES = frozenset({"my contacts", "mycontacts", "* my contacts", "starred",
                               "* starred", "starred in android"})
SPOUSE = ("X-SPOUSE", "X-MS-SPOUSE", "X-EVOLUTION-SPOUSE")
MANAGER = ("X-MS-MANAGER", "X-EVOLUTION-MANAGER")
ASSISTANT = ("X-MS-ASSISTANT", "X-EVOLUTION-ASSISTANT")
ANNIVERSARY = ("ANNIVERSARY", "X-ANNIVERSARY", "X-MS-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY")
MEMBER = ("MEMBER", "X-ADDRESSBOOKSERVER-MEMBER")
#: The properties read; everything else (PHOTO, LOGO, SOUND, KEY, ...) is never decoded.
WANTED = frozenset({
    "FN", "N", "ORG", "KIND", "X-ADDRESSBOOKSERVER-KIND", "UID", "EMAIL", "TEL",
    "ADR", "CATEGORIES", "NOTE", "TITLE", "ROLE", "REV", "BDAY", "URL", "NICKNAME", "RELATED",
    "X-ABRELATEDNAMES", "X-ABLABEL", "X-ABDATE", *SPOUSE, *MANAGER, *ASSISTANT, *ANNIVERSARY,
    *MEMBER,
})
STRUCTURED = frozenset({"N", "ADR", "ORG"})        # ";" separates components
LISTS = frozenset({"N", "ADR", "CATEGORIES"})   # "," separates values (vobject keeps them)


def _decoded(data: bytes, codec: str) -> tuple[str, int | None]:
    """``data`` as text, and where the first byte that is not ``codec`` was (None: all fine)."""
    try:
        return data.decode(codec), None
    except UnicodeDecodeError as exc:
        bad = min(exc.start, len(data) - 1)
    except UnicodeError:                  # codecs such as idna or "undefined" refuse otherwise
        bad = 0
    try:
        return data.decode(codec, errors="replace"), bad
    except UnicodeError:
        return data.decode("utf-8", errors="replace"), bad


def _check_encoding(value: str) -> str | None:
    if value == "auto" or text_codec(value):
        return None
    return 'expected "auto" or an encoding name such as utf-8, windows-1252 or utf-16'


OPTIONS = (
    Option("encoding", Text(), "auto",
           'Character encoding of the files: "auto" (a BOM, UTF-16 without BOM, each property\'s '
           "CHARSET, else UTF-8 with a fallback to windows-1252 and a warning), or a name such as "
           "utf-8, windows-1252, iso-8859-15, utf-16.", check=_check_encoding),
    Option("owner", Text(), None, "Employee id set as owner of every relation from this source."),
    Option("role", Text(), None, "Role of the persons from this source (client, candidate, contact, "
           "... or your own word); organisations get none."),
    Option("category_tags", Table(ListOf(Text()), keys=("A", "B", "C")), {},
           'Tags (CATEGORIES) that set the category, e.g. { A = ["A-klant", "A"], B = ["B-klant"] }; '
           "compared without regard to case."),
    Option("max_property_bytes", Integer(minimum=64), 1_000_000,
           "Largest property (e.g. a PHOTO) accepted; a card with a larger one is skipped with a "
           "warning."),
)


@hookimpl
def source_readers():
    return [SourceReader("vcard", read_vcards, OPTIONS,
                         "vCard address books (.vcf, 2.1/3.0/4.0): a file or a folder of them.")]


def read_vcards(spec, config) -> SourceData:
    """Read the vCards in ``spec.path`` (a file or a folder) into relations."""
    book = _Book(spec)
    if spec.table not in (None, "relations"):
        book.error(Problem("config.toml", f'expected table = "relations" (a vCard source fills '
                           f'relations) or no table, found "{spec.table}"',
                           field=f"[[sources]] #{spec.index} table"))
        return book.data
    for path, source in _files(spec, book):
        book.read_file(path, source)
    return book.finish()


# -- files ------------------------------------------------------------------------------

def _files(spec, book: _Book) -> list[tuple[Path, str]]:
    root: Path = spec.path
    if root.is_file():
        return [(root, spec.display)]
    base = root.resolve()
    prefix = spec.display.rstrip("/\\")
    found: list[tuple[str, Path]] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in names:
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            path = Path(folder, name)
            relative = path.relative_to(root).as_posix()
            if not path.resolve().is_relative_to(base):
                book.warn(Problem(f"{prefix}/{relative}", f"expected a file inside {spec.display}, "
                                  "found a link to a file outside it: not read"))
                continue
            if path.is_file():
                found.append((relative, path))
    if not found:
        book.error(Problem(spec.display, "expected .vcf or .vcard files in this folder, found none"))
    return [(path, f"{prefix}/{relative}") for relative, path in sorted(found)]


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def _sniff_utf16(raw: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte of ASCII text is a NUL."""
    sample = raw[:400]
    half = len(sample) // 2
    if half < 2 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


_LINE_BREAK = re.compile(rb"\r\r\n|\r\n|\n|\r")
_BEGIN = re.compile(rb"(?:\xef\xbb\xbf)?[ \t]*BEGIN[ \t]*:[ \t]*VCARD[ \t]*", re.IGNORECASE)
_END = re.compile(rb"[ \t]*END[ \t]*:[ \t]*VCARD[ \t]*", re.IGNORECASE)
_AGENT = re.compile(rb"[ \t]*(?:[A-Za-z0-9_-]+\.)?AGENT\b", re.IGNORECASE)
_BASE64_LINE = re.compile(rb"[ \t]*[A-Za-z0-9+/=]+[ \t]*")


# -- one property -------------------------------------------------------------------------

_NAME = re.compile(r"(?:([A-Za-z0-9_-]{1,64})\.)?([A-Za-z0-9_-]{1,64})")


def _split_outside_quotes(text: str, separator: str) -> list[str]:
    if '"' not in text:
        return text.split(separator)
    parts, current, quoted = [], [], False
    for char in text:
        if char == '"':
            quoted = not quoted
        elif char == separator and not quoted:
            parts.append("".join(current))
            current = []
            continue
        current.append(char)
    parts.append("".join(current))
    return parts


def _find_colon(line: bytes) -> int:
    """The colon that ends a property's name and parameters (not one inside quotes)."""
    colon = line.find(b":")
    if line.find(b'"', 0, colon if colon >= 0 else len(line)) < 0:
        return colon
    quoted = False
    for index, byte in enumerate(line[:4000]):
        if byte == 0x22:
            quoted = not quoted
        elif byte == 0x3A and not quoted:
            return index
    return line.find(b":")      # unbalanced quotes: the first colon after all


def _parse_head(head: str) -> tuple[str | None, str, dict[str, list[str]]] | None:
    """``group.NAME;PARAM=a,b;BARE`` -> (group, NAME, {PARAM: [values]}); None when malformed."""
    parts = _split_outside_quotes(head, ";")
    match = _NAME.fullmatch(parts[0].strip())
    if not match:
        return None
    group, name = match.group(1), match.group(2).upper().replace("_", "-")
    params: dict[str, list[str]] = {}
    for part in parts[1:]:
        key, equals, value = part.partition("=")
        key = key.strip().upper()
        if not equals:                       # vCard 2.1 bare parameters: WORK, PREF, QUOTED-PRINTABLE
            if key in ("QUOTED-PRINTABLE", "BASE64", "B", "8BIT", "7BIT"):
                params.setdefault("ENCODING", []).append(key)
            elif key:
                params.setdefault("TYPE", []).append(key.lower())
            continue
        values = [v.strip().strip('"').strip() for v in _split_outside_quotes(value, ",")]
        if key == "TYPE":
            values = [v.lower() for v in values]
        params.setdefault(key, []).extend(v for v in values if v)
    return (group.lower() if group else None), name, params


@dataclass
class _Property:
    line: int
    group: str | None
    name: str
    params: dict[str, list[str]]
    chunks: list[bytes]
    size: int
    qp: bool = False
    base64: bool = False
    soft_break: bool = False          # quoted-printable value ended with "=": continues
    value: Any = None                 # the parsed value (see _parse_value); None: not read

    def add(self, chunk: bytes, limit: int) -> None:
        if self.soft_break:
            chunk = b"\n" + chunk
        self.size += len(chunk)
        if self.size <= limit:        # an oversized value is not kept: the card is skipped
            self.chunks.append(chunk)
        self.soft_break = self.qp and chunk.rstrip(b" \t").endswith(b"=")

    @property
    def types(self) -> list[str]:
        return self.params.get("TYPE", [])


# -- decoding and escaping ----------------------------------------------------------------

_ESCAPES = re.compile(r"\\(.)|\\\Z|([,;])", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_NEWLINES = re.compile(r"\r\n|\r|\n")


def _vobject_text(value: str, name: str) -> str:
    """Escape a decoded value the way vobject expects, keeping what the writer meant.

    Unescaped commas are list separators only in N, ADR and CATEGORIES
    (vobject would cut any other text at its first comma); semicolons separate
    components only in N, ADR and ORG; ``\\:`` and ``\\"`` mean the character;
    a backslash before a letter or at the end is a literal backslash.
    """
    commas, semicolons = name in LISTS, name in STRUCTURED

    def replace(match: re.Match) -> str:
        separator = match.group(2)
        if separator:
            keep = commas if separator == "," else semicolons
            return separator if keep else "\\" + separator
        char = match.group(1)
        if char is None:
            return "\\\\"
        if char in "nN\\,;":
            return "\\" + char
        if char.isalnum() or char.isspace():
            return "\\\\" + char
        return char

    return _ESCAPES.sub(replace, _CONTROL.sub(" ", value))


def _parse_value(name: str, escaped: str) -> Any:
    """vobject's value parsers: text -> str, CATEGORIES -> [str], N/ADR -> {part: str or [str]},
    ORG -> [str or [str]]."""
    if name in STRUCTURED:
        fields = splitFields(escaped) if ("\\" in escaped or ";" in escaped or "," in escaped) \
            else [escaped]
        if name == "N":
            return dict(zip(NAME_ORDER, fields))
        if name == "ADR":
            return dict(zip(ADDRESS_ORDER, fields))
        return fields
    if name in LISTS:
        return stringToTextValues(escaped)
    return stringToTextValues(escaped)[0] if "\\" in escaped else escaped


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def _digest(*parts: str, length: int = 10) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:length]


def organisation_id(name: str) -> str:
    """Stable id of an organisation named ``name``: ``org-`` and a slug (or a short hash)."""
    key = " ".join(name.casefold().split())
    slug = _slug(key)
    if not slug:
        return f"org-{_digest(key)}"
    if len(slug) > 60:
        return f"org-{slug[:48].rstrip('-')}-{_digest(key, length=8)}"
    return f"org-{slug}"


def _text(value: Any, joiner: str = " ") -> str:
    """A vobject value (text, or a list of texts) as one stripped text."""
    if isinstance(value, (list, tuple)):
        return joiner.join(part for part in (_text(v, joiner) for v in value) if part)
    return value.strip() if isinstance(value, str) else ""


def _apple_label(label: str) -> str:
    match = re.fullmatch(r"_\$!<(.*)>!\$_", label)
    return (match.group(1) if match else label).strip()


def _pref(prop: _Property) -> int | None:
    for value in prop.params.get("PREF", []):
        if value.isascii() and value.isdigit() and len(value) <= 3:
            return int(value)
    return 1 if "pref" in prop.types else None


def _is_work(prop: _Property) -> bool:
    return "work" in prop.types


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


# -- the address book ---------------------------------------------------------------------

@dataclass
class _Card:
    source: str
    line: int
    props: list[_Property] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)    # Apple item groups: group -> X-ABLabel
    by_name: dict[str, list[_Property]] = field(default_factory=dict)   # the properties read

    @property
    def origin(self) -> str:
        return f"{self.source}:{self.line}"

    def all(self, *names: str) -> list[_Property]:
        if len(names) == 1:
            return self.by_name.get(names[0], [])
        return [p for p in self.props if p.name in names and p.value is not None]

    def first(self, *names: str) -> str:
        for prop in self.all(*names):
            text = _text(prop.value, ", ")
            if text:
                return text
        return ""


class _Book:
    """Everything read from one source: relations, groups and the problems met."""

    def __init__(self, spec):
        self.spec = spec
        options = spec.options
        self.limit: int = options.get("max_property_bytes", 1_000_000)
        self.encoding: str = options.get("encoding", "auto")
        self.owner: str | None = options.get("owner") or None
        role = options.get("role")
        self.role = vocabulary.normalise("role", role) if role else None
        category_tags = options.get("category_tags") or {}
        self.category_tags = {tag.casefold(): category for category in ("C", "B", "A")
                              for tag in category_tags.get(category, [])}
        self.file = _FileState("", False, None)
        self.data = SourceData()
        self.relations: dict[str, Relation] = {}
        self.organisation_cards: set[str] = set()
        self.groups: list[tuple[_Card, str, list[str]]] = []
        self.problems = 0

    # problems ---------------------------------------------------------------------------

    def _count(self) -> bool:
        self.problems += 1
        return self.problems <= MAX_PROBLEMS

    def error(self, problem: Problem) -> None:
        self.data.errors.append(problem)          # few, and each one fails the build: all kept

    def warn(self, problem: Problem) -> None:
        if self._count():
            self.data.warnings.append(problem)

    def warn_at(self, source: str, line: int, message: str, field: str = "") -> None:
        self.warn(Problem(source, message, location=str(line), field=field))

    # files -------------------------------------------------------------------------------

    def read_file(self, path: Path, source: str) -> None:
        try:
            raw = path.read_bytes()
        except OSError as exc:
            self.error(Problem(source, f"cannot be read: {exc.strerror or exc}"))
            return
        data, trusted = self._unicode(raw, source)
        self.file = _FileState(source, trusted, self._codec())
        lines = _LINE_BREAK.split(data)
        cards = self._split(lines, source)
        if not cards and not any(line.strip() for line in lines):
            self.warn(Problem(source, "expected vCards (BEGIN:VCARD … END:VCARD), found an empty file"))
        for start, body in cards:
            self._card(_Card(source, start), body)

    def _codec(self) -> str | None:
        """The encoding option as a codec for property values; None means auto."""
        if self.encoding == "auto":
            return None
        return text_codec(self.encoding)

    def _unicode(self, raw: bytes, source: str) -> tuple[bytes, bool]:
        """Files in UTF-16/32 (or with any BOM) become UTF-8 here; returns (bytes, trusted)."""
        codec = None
        if self.encoding == "auto":
            for bom, name in _BOMS:
                if raw.startswith(bom):
                    codec = name
                    break
            else:
                codec = _sniff_utf16(raw)
        else:
            name = text_codec(self.encoding) or "utf-8"
            if name.startswith(("utf-16", "utf-32")):
                codec = name
            elif name == "utf-8" and raw.startswith(codecs.BOM_UTF8):
                codec = "utf-8-sig"
        if codec is None:
            return raw, False
        try:
            text = raw.decode(codec)
        except UnicodeDecodeError as exc:
            line = raw[:exc.start].decode(codec, errors="replace").count("\n") + 1
            self.warn(Problem(source, f"expected text in {codec.replace('-sig', '')}, found "
                              f"bytes that are not: read as \ufffd", location=str(line)))
            text = raw.decode(codec, errors="replace")
        return text.lstrip("\ufeff").encode("utf-8"), True

    def _split(self, lines: list[bytes], source: str) -> list[tuple[int, list[tuple[int, bytes]]]]:
        """Cards as (physical line of BEGIN, [(line, bytes)]) — unterminated ones are reported."""
        cards: list[tuple[int, list[tuple[int, bytes]]]] = []
        start: int | None = None
        body: list[tuple[int, bytes]] = []
        nested = 0
        stray: tuple[int, bytes] | None = None
        for number, line in enumerate(lines, start=1):
            if _BEGIN.fullmatch(line):
                if start is None:
                    start, body = number, []
                    if stray:
                        self._stray(source, *stray)
                        stray = None
                    continue
                if body and _AGENT.match(body[-1][1]):      # vCard 2.1 AGENT: a card inside a card
                    nested += 1
                    continue
                self.warn_at(source, start, f"expected END:VCARD before the next BEGIN:VCARD at line "
                             f"{number}, found none: card skipped")
                start, body, nested = number, [], 0
            elif start is None:
                if stray is None and line.strip():
                    stray = (number, line)
            elif _END.fullmatch(line):
                if nested:
                    nested -= 1
                else:
                    cards.append((start, body))
                    start = None
            elif not nested:
                body.append((number, line))
        if stray:
            self._stray(source, *stray)
        if start is not None:
            self.warn_at(source, start, "expected END:VCARD, found the end of the file: card skipped")
        return cards

    def _stray(self, source: str, number: int, line: bytes) -> None:
        self.warn_at(source, number, f'expected BEGIN:VCARD, found "{_shown(line)}"')

    # one card ---------------------------------------------------------------------------

    def _logical(self, card: _Card, body: list[tuple[int, bytes]]) -> list[_Property] | None:
        """Unfold lines into properties: folding, QP soft breaks, unindented base64 lines."""
        props: list[_Property] = []
        current: _Property | None = None
        for number, line in body:
            if not line.strip():
                if current is not None:
                    current.soft_break = False
                continue
            if current is not None and current.soft_break:
                current.add(line, self.limit)
            elif line[:1] in (b" ", b"\t"):
                if current is None:
                    self.warn_at(card.source, number, "expected a property, found an indented "
                                 "continuation line with no property before it: line ignored")
                else:
                    current.add(line[1:], self.limit)
            elif current is not None and current.base64 and b":" not in line \
                    and _BASE64_LINE.fullmatch(line):
                current.add(line, self.limit)
            else:
                current = self._property(card, number, line)
                if current is not None:
                    props.append(current)
                    if len(props) > MAX_PROPERTIES:
                        self.warn_at(card.source, card.line, f"expected at most {MAX_PROPERTIES} "
                                     "properties in a card, found more: card skipped")
                        return None
        for prop in props:
            if prop.size > self.limit:
                self.warn_at(card.source, prop.line, f"{prop.name} is {prop.size:,} bytes, more than "
                             f"max_property_bytes ({self.limit:,}): oversized properties are refused, "
                             "card skipped", field=prop.name)
                return None
        return props

    def _property(self, card: _Card, number: int, line: bytes) -> _Property | None:
        colon = _find_colon(line)
        head_bytes, value = (line, b"") if colon < 0 else (line[:colon], line[colon + 1:])
        parsed = _parse_head(head_bytes[:2000].decode("latin-1")) if len(head_bytes) <= 2000 else None
        if parsed is None:
            self.warn_at(card.source, number, f'expected a property (NAME:value), found '
                         f'"{_shown(line)}": line ignored')
            return None
        group, name, params = parsed
        encoding = {v.upper() for v in params.get("ENCODING", [])}
        prop = _Property(number, group, name, params, [], 0,
                         qp="QUOTED-PRINTABLE" in encoding, base64=bool(encoding & {"BASE64", "B"}))
        prop.add(value, self.limit)
        return prop

    def _card(self, card: _Card, body: list[tuple[int, bytes]]) -> None:
        props = self._logical(card, body)
        if props is None:
            return
        for prop in props:
            if prop.name in WANTED:               # PHOTO, KEY, ...: never decoded, never fetched
                prop.value = _parse_value(prop.name, _vobject_text(self._decode(card, prop), prop.name))
                card.by_name.setdefault(prop.name, []).append(prop)
        card.props = props
        self._interpret(card)

    def _decode(self, card: _Card, prop: _Property) -> str:
        data = b"".join(prop.chunks)
        if prop.qp:
            data = binascii.a2b_qp(data)
        declared = prop.params.get("CHARSET", [None])[0]
        if declared:
            name = text_codec(declared)
            if name is None:
                self.warn_at(card.source, prop.line, f"expected a known CHARSET, found "
                             f'"{_shown(declared.encode())}": read as {self.file.default_name}',
                             field=prop.name)
            declared = name
        if self.file.trusted and not prop.qp:
            declared = None                   # the file was text already (BOM, UTF-16)
        codec = declared or ("utf-8" if self.file.trusted else self.file.codec)
        if codec is None:                     # auto: UTF-8, else windows-1252 with a warning
            try:
                text = data.decode("utf-8")
            except UnicodeDecodeError as exc:
                if not self.file.fallback_reported:
                    self.file.fallback_reported = True
                    self.warn_at(card.source, prop.line, f"expected UTF-8 text, found byte "
                                 f"0x{data[exc.start]:02x}: this file is read as windows-1252 "
                                 '(set encoding = "windows-1252" or the right encoding in '
                                 f"[[sources]] #{self.spec.index} to say so)")
                text = data.decode("cp1252", errors="replace")
        else:
            text, bad = _decoded(data, codec)
            if bad is not None:
                self.warn_at(card.source, prop.line, f"expected text in {codec}, found byte "
                             f"0x{data[bad]:02x} that is not valid {codec}: shown as \ufffd", field=prop.name)
        if prop.qp:
            text = _NEWLINES.sub(r"\\n", text)
        return text

    # from properties to relations -------------------------------------------------------------

    def _interpret(self, card: _Card) -> None:
        card.labels = {p.group: _apple_label(_text(p.value)) for p in card.all("X-ABLABEL") if p.group}
        for prop in card.props:
            if card.labels.get(prop.group or ""):
                prop.params.setdefault("TYPE", []).append(card.labels[prop.group].lower())
        kind = (card.first("KIND") or card.first("X-ADDRESSBOOKSERVER-KIND")).lower()
        fn = " ".join(card.first("FN").split())
        n_name = ""
        for prop in card.all("N"):
            name = prop.value
            n_name = " ".join(" ".join(_text(name.get(part, ""), " ").split())
                              for part in ("given", "additional", "family")
                              if _text(name.get(part, ""), " "))
            if n_name:
                break
        org_parts: list[str] = []
        for prop in card.all("ORG"):
            parts = [_text(p) for p in (prop.value if isinstance(prop.value, list) else [prop.value])]
            if parts and parts[0]:
                org_parts = parts
                break
        org_name = " ".join(org_parts[0].split()) if org_parts else ""

        if kind == "group":
            members = [m for p in card.all(*MEMBER) if (m := _uid_key(_text(p.value)))]
            name = fn or n_name
            if name:
                self.groups.append((card, name, members))
            else:
                self.warn_at(card.source, card.line, "expected a name (FN) for this group card, "
                             "found none: group ignored")
            return

        same = org_name and fn and fn.casefold() == org_name.casefold()
        person_name = n_name if (not fn or same) else fn
        if kind in ("org", "organization", "organisation") or not person_name:
            name = org_name or fn or n_name
            if name:
                self._organisation_card(card, name)
                return
        if not person_name:
            person_name = self._email(card) or self._phone(card)
        if not person_name:
            self.warn_at(card.source, card.line, "expected a name (FN, N or ORG), an e-mail address "
                         "or a phone number, found none: card skipped")
            return
        relation = self._relation(card, person_name, "person")
        if relation is None:
            return
        relation.role = self.role
        if org_name:
            relation.organisation = self._organisation(org_name, card.origin)
            if len(org_parts) > 1 and any(org_parts[1:]):
                relation.extra["department"] = ", ".join(p for p in org_parts[1:] if p)

    def _relation(self, card: _Card, name: str, kind: str, rid: str | None = None) -> Relation | None:
        email = self._email(card)
        uid = card.first("UID")
        if rid is None:
            rid = _uid_id(uid) or f"vcard-{_digest(name, email or '', length=12)}"
            if rid in self.relations:
                other = self.relations[rid]
                alternative = f"{rid}-{_digest(card.source, name, email or '', length=6)}"
                if alternative in self.relations:
                    same = "same UID, name" if uid else "no UID, and the same name"
                    self.warn_at(card.source, card.line, f"{same} and e-mail address as the card at "
                                 f"{other.origin} in this file: card skipped as a duplicate",
                                 field="UID" if uid else "")
                    return None
                if uid:
                    message = f"expected a UID of its own, found {uid!r} as on the card at {other.origin}"
                else:
                    message = f"no UID, and the same name and e-mail address as the card at {other.origin}"
                self.warn_at(card.source, card.line, f"{message}: read with id {alternative!r}",
                             field="UID" if uid else "")
                rid = alternative
        relation = Relation(id=rid, name=name, kind=kind, owner=self.owner, email=email,
                            phone=self._phone(card), city=self._city(card), tags=self._tags(card),
                            extra=self._extra(card, uid), origin=card.origin)
        self.relations[rid] = relation
        return relation

    def _organisation(self, name: str, origin: str) -> str:
        """The id of the organisation named ``name``, made when first mentioned."""
        rid = organisation_id(name)
        existing = self.relations.get(rid)
        if existing is not None and existing.kind != "organisation":
            rid = f"{rid}-org"
        if rid not in self.relations:
            self.relations[rid] = Relation(id=rid, name=name, kind="organisation", owner=self.owner,
                                           origin=origin)
        return rid

    def _organisation_card(self, card: _Card, name: str) -> None:
        rid = self._organisation(name, card.origin)
        relation = self.relations[rid]
        fresh = self._relation(card, name, "organisation", rid=rid)
        if fresh is None:
            return
        if rid in self.organisation_cards:
            # a second card for the same organisation: it fills what the first left open
            for attribute in ("email", "phone", "city"):
                if not getattr(relation, attribute):
                    setattr(relation, attribute, getattr(fresh, attribute))
            relation.tags = tuple(dict.fromkeys(relation.tags + fresh.tags))
            for key, value in fresh.extra.items():
                relation.extra.setdefault(key, value)
            self.relations[rid] = relation
        self.organisation_cards.add(rid)

    # field choices -------------------------------------------------------------------------

    def _email(self, card: _Card) -> str | None:
        emails = self._ranked(card, "EMAIL")
        return emails[0] if emails else None

    def _phone(self, card: _Card) -> str | None:
        phones = self._ranked(card, "TEL")
        return phones[0] if phones else None

    def _ranked(self, card: _Card, name: str, ranked: bool = True) -> list[str]:
        found = []
        for index, prop in enumerate(card.all(name)):
            value = _text(prop.value)
            scheme = "mailto:" if name == "EMAIL" else "tel:"
            if value[:len(scheme)].lower() == scheme:
                value = value[len(scheme):].strip()
            if not value:
                continue
            pref = _pref(prop)
            last = name == "TEL" and any("fax" in t or t == "pager" for t in prop.types)
            found.append(((last, pref is None, pref or 0, not _is_work(prop), index), value))
        return [value for _, value in (sorted(found, key=lambda item: item[0]) if ranked else found)]

    def _city(self, card: _Card) -> str | None:
        cities = []
        for index, prop in enumerate(card.all("ADR")):
            city = " ".join(_text(prop.value.get("city", ""), ", ").split())
            if city:
                cities.append(((not _is_work(prop), _pref(prop) is None, index), city))
        return min(cities)[1] if cities else None

    def _tags(self, card: _Card) -> tuple[str, ...]:
        tags: dict[str, str] = {}
        for prop in card.all("CATEGORIES"):
            values = prop.value if isinstance(prop.value, list) else [prop.value]
            for value in values:
                tag = " ".join(_text(value).split())
                if tag and tag.casefold() not in SYSTEM_CATEGORIES:
                    tags.setdefault(tag.casefold(), tag)
        return tuple(tags.values())

    def _extra(self, card: _Card, uid: str) -> dict[str, str]:
        extra: dict[str, str] = {}

        def joined(key: str, names: tuple[str, ...], separator: str = "; ") -> None:
            values = list(dict.fromkeys(v for p in card.all(*names) if (v := _text(p.value, ", "))))
            if values:
                extra[key] = separator.join(values)

        if uid:
            extra["source_id"] = uid
        joined("title", ("TITLE",))
        joined("job_role", ("ROLE",))
        joined("nickname", ("NICKNAME",), ", ")
        joined("note", ("NOTE",), "\n\n")
        joined("birthday", ("BDAY",))
        joined("revision", ("REV",))
        anniversary = card.first(*ANNIVERSARY) or next(
            (_text(p.value) for p in card.all("X-ABDATE") if "anniversary" in p.types), "")
        if anniversary:
            extra["anniversary"] = anniversary
        urls = sorted(((_pref(p) is None, not _is_work(p), i), _text(p.value))
                      for i, p in enumerate(card.all("URL")) if _text(p.value))
        if urls:
            extra["website"] = urls[0][1]
            if len(urls) > 1:
                extra["urls"] = " ".join(dict.fromkeys(url for _, url in urls))
        related = []
        for prop in card.props:
            if prop.value is None:
                continue
            name = _text(prop.value)
            if not name:
                continue
            if prop.name == "X-ABRELATEDNAMES":
                label = card.labels.get(prop.group or "", "")
            elif prop.name == "RELATED":
                label = "/".join(t for t in prop.types if t != "pref")
            elif prop.name in SPOUSE:
                label = "Spouse"
            elif prop.name in MANAGER:
                label = "Manager"
            elif prop.name in ASSISTANT:
                label = "Assistant"
            else:
                continue
            related.append(f"{_capitalised(label)}: {name}" if label else name)
        if related:
            extra["related"] = "; ".join(dict.fromkeys(related))
        for key, name in (("emails", "EMAIL"), ("phones", "TEL")):
            values = self._ranked(card, name, ranked=False)
            if len(values) > 1:
                extra[key] = ", ".join(dict.fromkeys(values))
        return extra

    # the end --------------------------------------------------------------------------------

    def finish(self) -> SourceData:
        by_uid: dict[str, list[Relation]] = {}
        for relation in self.relations.values():
            key = _uid_key(relation.extra.get("source_id", ""))
            if key:
                by_uid.setdefault(key, []).append(relation)
        for card, name, members in self.groups:
            missing = 0
            for member in members:
                found = by_uid.get(member)
                if not found:
                    missing += 1
                for relation in found or ():
                    relation.tags = tuple(dict.fromkeys(relation.tags + (name,)))
            if missing:
                self.warn_at(card.source, card.line, f'group "{name}" lists {missing} member(s) with '
                             "no card in this source: those are not tagged", field="MEMBER")
        for relation in self.relations.values():
            self._category(relation)
        self.data.relations = list(self.relations.values())
        if self.problems > MAX_PROBLEMS:
            self.data.warnings.append(Problem(self.spec.display, f"{self.problems - MAX_PROBLEMS} "
                                              "more problems not listed"))
        return self.data

    def _category(self, relation: Relation) -> None:
        if not self.category_tags:
            return
        found = {}
        for tag in relation.tags:
            category = self.category_tags.get(tag.casefold())
            if category:
                found.setdefault(category, tag)
        if not found:
            return
        chosen = min(found)
        relation.category = chosen
        if len(found) > 1:
            tags = ", ".join(f'"{tag}" ({category})' for category, tag in sorted(found.items()))
            source, _, line = relation.origin.rpartition(":")
            self.warn(Problem(source, f"expected tags for one category, found {tags}: category "
                              f"{chosen} used", location=line, field="category"))


@dataclass
class _FileState:
    source: str
    trusted: bool                     # already text (BOM, UTF-16): CHARSET no longer applies
    codec: str | None                 # the encoding option; None means auto
    fallback_reported: bool = False

    @property
    def default_name(self) -> str:
        return "utf-8" if self.trusted or self.codec is None else self.codec


def _shown(line: bytes, length: int = 40) -> str:
    """The start of a line for a message: control characters as "?", long lines cut."""
    text = line[:length * 4].decode("utf-8", errors="replace").strip()
    text = "".join(char if char.isprintable() else "?" for char in text)
    return text[:length] + ("…" if len(text) > length else "")


def _uid_key(uid: str) -> str:
    uid = uid.strip()
    if uid[:9].lower() == "urn:uuid:":
        uid = uid[9:].strip()
    return uid.casefold()


def _uid_id(uid: str) -> str | None:
    """A relation id from a UID: as written without ``urn:uuid:``; odd ones are hashed."""
    uid = uid.strip()
    if uid[:9].lower() == "urn:uuid:":
        uid = uid[9:].strip()
    if not uid:
        return None
    if len(uid) > 100 or any(unicodedata.category(c)[0] in "CZ" for c in uid):
        return f"vcard-{_digest(uid, length=12)}"
    return uid
