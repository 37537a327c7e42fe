"""E-mail addresses we send to, checked strictly: exactly one mailbox, nothing smuggled in.

An address comes from the employee data or from config.toml and ends up in a
mail header. A line break in it would let the data add headers (``Bcc: …``);
a comma, a second ``<…>`` or an encoded word in a name could slip a second
recipient past a reader. So an address is accepted only as a plain ASCII
``local@domain`` (internationalised domains are turned into their ASCII form)
and a name only without line breaks, control characters, ``<``, ``>``, ``@``
or ``=?``; anything else is refused with what was expected.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from relatierapport.options import OptionType, OptionValueError

_ATOM = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+"
_LOCAL = re.compile(rf"{_ATOM}(?:\.{_ATOM})*")
_LABEL = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?")
_MAILBOX = re.compile(r"(?P<name>[^<>]*?)\s*<(?P<address>[^<>]*)>")
EXPECTED = "one e-mail address such as julia@example.nl or \"Julia de Vries <julia@example.nl>\""


@dataclass(frozen=True)
class Mailbox:
    """A checked recipient or sender: a display name (may be empty) and an ASCII address."""

    name: str
    address: str

    def __str__(self) -> str:
        return f"{self.name} <{self.address}>" if self.name else self.address


class Shown:
    """A value quoted with its line breaks and control characters visible, for messages."""

    def __init__(self, text: str):
        self.text = text

    def __repr__(self) -> str:
        return json.dumps(self.text, ensure_ascii=False)


def _no_controls(text: str, what: str) -> None:
    if "\r" in text or "\n" in text:
        raise ValueError(f"expected {what} on one line; a line break would add mail headers")
    if any(ord(char) < 32 or ord(char) == 127 for char in text):
        raise ValueError(f"expected {what} without control characters")


def check_address(text: str) -> str:
    """The address as it goes into the envelope (ASCII; IDN domains as punycode), or ValueError."""
    _no_controls(text, "an e-mail address")
    address = text.strip()
    if address.count("@") != 1:
        found = "no @" if "@" not in address else "more than one @"
        raise ValueError(f"expected {EXPECTED}; it has {found}")
    local, domain = address.split("@")
    if not _LOCAL.fullmatch(local) or len(local) > 64:
        raise ValueError(f"expected {EXPECTED}; the part before @ may hold only letters, digits, "
                         "dots (not two in a row, not at either end) and !#$%&'*+/=?^_`{|}~-, "
                         "no spaces, commas or quotes")
    try:
        ascii_domain = domain.encode("idna").decode("ascii") if not domain.isascii() else domain
    except UnicodeError:
        raise ValueError(f"expected {EXPECTED}; the domain {domain!r} is not a valid domain name") from None
    labels = ascii_domain.split(".")
    if len(labels) < 2 or not all(_LABEL.fullmatch(label) for label in labels) or len(ascii_domain) > 253:
        raise ValueError(f"expected {EXPECTED}; the domain after @ must be a name such as example.nl")
    return f"{local}@{ascii_domain.lower()}"


def check_name(name: str) -> str:
    """A display name that cannot carry a second address or a header."""
    _no_controls(name, "a name")
    if any(mark in name for mark in ("<", ">", "@", "=?")):
        raise ValueError("expected a name without <, >, @ or =? (they could pass off another address)")
    return " ".join(name.split())


def parse_mailbox(text: str) -> Mailbox:
    """``julia@example.nl`` or ``Julia de Vries <julia@example.nl>`` (the name may be quoted)."""
    _no_controls(text, "an e-mail address")
    text = text.strip()
    matched = _MAILBOX.fullmatch(text)
    if matched:
        name = matched["name"].strip()
        if len(name) >= 2 and name[0] == name[-1] == '"':
            name = name[1:-1]
        return Mailbox(check_name(name), check_address(matched["address"]))
    if "<" in text or ">" in text:
        raise ValueError(f"expected {EXPECTED}")
    return Mailbox("", check_address(text))


@dataclass(frozen=True)
class MailboxOption(OptionType):
    """A config.toml value that must be one mailbox (an empty text is allowed: not set)."""

    description: str = EXPECTED

    def convert(self, value):
        if not isinstance(value, str):
            self.fail()
        if not value.strip():
            return None
        try:
            return parse_mailbox(value)
        except ValueError as exc:
            raise OptionValueError(str(exc), (), Shown(value)) from None
