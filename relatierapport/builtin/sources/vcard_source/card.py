"""A card as read: its properties by name, and how their parsed values read as text.

Only the properties in ``WANTED`` are decoded; PHOTO, LOGO, SOUND and KEY
values are never decoded or fetched (URLs are kept as text only).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from relatierapport.builtin.sources.vcard_source.properties import Property

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


@dataclass
class Card:
    """A card's properties; ``by_name`` holds the ones read (decoded and parsed)."""

    source: str
    line: int
    props: list[Property] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)    # Apple item groups: group -> X-ABLabel
    by_name: dict[str, list[Property]] = field(default_factory=dict)   # the properties read

    @property
    def origin(self) -> str:
        return f"{self.source}:{self.line}"

    def all(self, *names: str) -> list[Property]:
        if len(names) == 1:
            return self.by_name.get(names[0], [])
        return [p for p in self.props if p.name in names and p.value is not None]

    def first(self, *names: str) -> str:
        for prop in self.all(*names):
            found = text(prop.value, ", ")
            if found:
                return found
        return ""


def text(value: Any, joiner: str = " ") -> str:
    """A vobject value (text, or a list of texts) as one stripped text."""
    if isinstance(value, (list, tuple)):
        return joiner.join(part for part in (text(v, joiner) for v in value) if part)
    return value.strip() if isinstance(value, str) else ""


def apple_label(label: str) -> str:
    match = re.fullmatch(r"_\$!<(.*)>!\$_", label)
    return (match.group(1) if match else label).strip()


def pref(prop: Property) -> int | None:
    for value in prop.params.get("PREF", []):
        if value.isascii() and value.isdigit() and len(value) <= 3:
            return int(value)
    return 1 if "pref" in prop.types else None


def is_work(prop: Property) -> bool:
    return "work" in prop.types
