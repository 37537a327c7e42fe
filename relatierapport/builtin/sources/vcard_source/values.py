"""A property's value: bytes to text, then vobject's value parsers.

Character sets: a property's own CHARSET (``N;CHARSET=windows-1252:…``), else
the file's (UTF-8, falling back to windows-1252 with a warning naming the
file, or the ``encoding`` option); vCard 2.1 quoted-printable. vobject's
``stringToTextValues`` and ``splitFields`` then unescape the text and split N,
ADR and ORG into their parts, after this module has escaped what vobject gets
wrong: unescaped commas in text (2.1 and sloppy 3.0 writers; vobject would keep
only the part before the first comma), ``\\:`` and ``\\"`` (Apple, Google), a
trailing backslash.
"""

from __future__ import annotations

import binascii
import re
from typing import Any

from vobject.icalendar import stringToTextValues
from vobject.vcard import ADDRESS_ORDER, NAME_ORDER, splitFields

from relatierapport.builtin.sources.vcard_source.files import FileState
from relatierapport.builtin.sources.vcard_source.problems import Problems, shown
from relatierapport.builtin.sources.vcard_source.properties import Property
from relatierapport.sources.tabular import text_codec

STRUCTURED = frozenset({"N", "ADR", "ORG"})        # ";" separates components
LISTS = frozenset({"N", "ADR", "CATEGORIES"})   # "," separates values (vobject keeps them)
_ESCAPES = re.compile(r"\\(.)|\\\Z|([,;])", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f]")
_NEWLINES = re.compile(r"\r\n|\r|\n")
_SURROGATE_BYTES = re.compile(rb"\xed[\xa0-\xbf][\x80-\xbf]")      # U+D800-U+DFFF as UTF-8


def decode(prop: Property, source: str, file: FileState, problems: Problems) -> str:
    """A property's raw value as text: quoted-printable, CHARSET, the file's encoding."""
    data = b"".join(prop.chunks)
    if prop.qp:
        data = binascii.a2b_qp(data)
    declared = prop.params.get("CHARSET", [None])[0]
    if declared:
        name = text_codec(declared)
        if name is None:
            problems.warn_at(source, prop.line, f"expected a known CHARSET, found "
                             f'"{shown(declared.encode())}": read as {file.default_name}',
                             field=prop.name)
        declared = name
    if file.trusted and not prop.qp:
        declared = None                   # the file was text already (BOM, UTF-16)
    codec = declared or ("utf-8" if file.trusted else file.codec)
    if codec == "utf-8" and file.trusted:  # a BOM or UTF-16/32: see files.as_utf8
        text, bad = _unfolded_utf8(data)
        if bad is not None:
            problems.warn_at(source, prop.line, f"expected text in utf-8, found byte "
                             f"0x{data[bad]:02x} that is not valid utf-8: shown as \ufffd", field=prop.name)
    elif codec is None:                   # auto: UTF-8, else windows-1252 with a warning
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            if not file.fallback_reported:
                file.fallback_reported = True
                problems.warn_at(source, prop.line, f"expected UTF-8 text, found byte "
                                 f"0x{data[exc.start]:02x}: this file is read as windows-1252 "
                                 '(set encoding = "windows-1252" or the right encoding in '
                                 f"[[sources]] #{file.index} to say so)")
            text = data.decode("cp1252", errors="replace")
    else:
        text, bad = _decoded(data, codec)
        if bad is not None:
            problems.warn_at(source, prop.line, f"expected text in {codec}, found byte "
                             f"0x{data[bad]:02x} that is not valid {codec}: shown as \ufffd", field=prop.name)
    if prop.qp:
        text = _NEWLINES.sub(r"\\n", text)
    return text


def _unfolded_utf8(data: bytes) -> tuple[str, int | None]:
    """UTF-8 of a file that was text already; the halves of a surrogate pair that a line fold
    split in a UTF-16 file (files.as_utf8 keeps them apart) become their character again."""
    text, bad = _decoded(data, "utf-8")
    if bad is None or not _SURROGATE_BYTES.search(data):
        return text, bad
    try:
        paired = data.decode("utf-8", errors="surrogatepass").encode("utf-16-le", errors="surrogatepass")
        return paired.decode("utf-16-le"), None
    except UnicodeError:                  # a lone half, or bytes that are not UTF-8 at all
        return text, bad


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


def vobject_text(value: str, name: str) -> str:
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


def parse_value(name: str, escaped: str) -> Any:
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
