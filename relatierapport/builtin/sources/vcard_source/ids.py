"""Relation ids from vCards: an organisation's from its name, a card's from its UID.

Ids are stable across runs and sources: the same ORG name always gives the
same ``org-<slug>`` (a short hash for names without letters or digits), so
persons in several address books link to one organisation.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")


def digest(*parts: str, length: int = 10) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8", "surrogatepass")).hexdigest()[:length]


def organisation_id(name: str) -> str:
    """Stable id of an organisation named ``name``: ``org-`` and a slug (or a short hash)."""
    key = " ".join(name.casefold().split())
    slug = _slug(key)
    if not slug:
        return f"org-{digest(key)}"
    if len(slug) > 60:
        return f"org-{slug[:48].rstrip('-')}-{digest(key, length=8)}"
    return f"org-{slug}"


def uid_key(uid: str) -> str:
    uid = uid.strip()
    if uid[:9].lower() == "urn:uuid:":
        uid = uid[9:].strip()
    return uid.casefold()


def uid_id(uid: str) -> str | None:
    """A relation id from a UID: as written without ``urn:uuid:``; odd ones are hashed."""
    uid = uid.strip()
    if uid[:9].lower() == "urn:uuid:":
        uid = uid[9:].strip()
    if not uid:
        return None
    if len(uid) > 100 or any(unicodedata.category(c)[0] in "CZ" for c in uid):
        return f"vcard-{digest(uid, length=12)}"
    return uid
