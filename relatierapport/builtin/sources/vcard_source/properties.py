"""A card's lines as properties: ``group.NAME;PARAM=a,b:value``, unfolded.

Lines are unfolded here (indented continuations, vCard 2.1 quoted-printable
soft line breaks, unindented base64 lines) and split into name, parameters
and the raw value, with the physical line each property starts on. vobject's
line parser is not used: its regex backtracks exponentially on a parameter
list such as ``FN;a=,,,,…``. Limits against hostile input: a property larger
than ``max_property_bytes`` or more than 1000 properties skips the card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from relatierapport.builtin.sources.vcard_source.problems import Problems, shown

MAX_PROPERTIES = 1000            # per card; real cards have fewer than 100
_BASE64_LINE = re.compile(rb"[ \t]*[A-Za-z0-9+/=]+[ \t]*")
_NAME = re.compile(r"(?:([A-Za-z0-9_-]{1,64})\.)?([A-Za-z0-9_-]{1,64})")


@dataclass
class Property:
    """One property of a card: where it starts, its name and parameters, its raw value."""

    line: int
    group: str | None
    name: str
    params: dict[str, list[str]]
    chunks: list[bytes]
    size: int
    qp: bool = False
    base64: bool = False
    soft_break: bool = False          # quoted-printable value ended with "=": continues
    value: Any = None                 # the parsed value (values.parse_value); None: not read

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


def unfold(source: str, card_line: int, body: list[tuple[int, bytes]], limit: int,
           problems: Problems) -> list[Property] | None:
    """Unfold lines into properties: folding, QP soft breaks, unindented base64 lines."""
    props: list[Property] = []
    current: Property | None = None
    for number, line in body:
        if not line.strip():
            if current is not None:
                current.soft_break = False
            continue
        if current is not None and current.soft_break:
            current.add(line, limit)
        elif line[:1] in (b" ", b"\t"):
            if current is None:
                problems.warn_at(source, number, "expected a property, found an indented "
                                 "continuation line with no property before it: line ignored")
            else:
                current.add(line[1:], limit)
        elif current is not None and current.base64 and b":" not in line \
                and _BASE64_LINE.fullmatch(line):
            current.add(line, limit)
        else:
            current = parse_line(source, number, line, limit, problems)
            if current is not None:
                props.append(current)
                if len(props) > MAX_PROPERTIES:
                    problems.warn_at(source, card_line, f"expected at most {MAX_PROPERTIES} "
                                     "properties in a card, found more: card skipped")
                    return None
    for prop in props:
        if prop.size > limit:
            problems.warn_at(source, prop.line, f"{prop.name} is {prop.size:,} bytes, more than "
                             f"max_property_bytes ({limit:,}): oversized properties are refused, "
                             "card skipped", field=prop.name)
            return None
    return props


def parse_line(source: str, number: int, line: bytes, limit: int,
               problems: Problems) -> Property | None:
    """A property's first line: name, parameters and the start of its value."""
    colon = _find_colon(line)
    head_bytes, value = (line, b"") if colon < 0 else (line[:colon], line[colon + 1:])
    parsed = _parse_head(head_bytes[:2000].decode("latin-1")) if len(head_bytes) <= 2000 else None
    if parsed is None:
        problems.warn_at(source, number, f'expected a property (NAME:value), found '
                         f'"{shown(line)}": line ignored')
        return None
    group, name, params = parsed
    encoding = {v.upper() for v in params.get("ENCODING", [])}
    prop = Property(number, group, name, params, [], 0,
                    qp="QUOTED-PRINTABLE" in encoding, base64=bool(encoding & {"BASE64", "B"}))
    prop.add(value, limit)
    return prop


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
