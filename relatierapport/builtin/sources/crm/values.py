"""The words CRMs use for statuses, roles, channels and flags, as the model's codes.

Small pure functions the CRM profiles call while interpreting a row; each
understands English and Dutch and the spellings the exports use.
"""

from __future__ import annotations

import re
from functools import lru_cache


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
