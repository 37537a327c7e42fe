"""One relation, however many sources mention it.

An organisation often appears in the CRM export, the address book and the
Excel sheet at once. After all sources are read, relations that share an
identity key are merged into one, in source order: the first source's id is
kept, each field takes the first non-empty value and remembers where it came
from (``Relation.provenance``), and a later source that says something else is
reported as a conflict, never silently overwritten. Matching is conservative
by default (same id, same KvK number, same e-mail address for persons, same
normalised name for organisations); the e-mail domain is opt-in because
subsidiaries and franchises share domains. The same sources in the same order
always give the same result.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, fields

from relatierapport.errors import Problem
from relatierapport.model import Relation
from relatierapport.options import ListOf, Option, OptionGroup, Text

KEYS = ("id", "kvk", "email", "email_domain", "name")
FREE_MAIL = ["gmail.com", "googlemail.com", "hotmail.com", "hotmail.nl", "outlook.com", "live.nl",
             "live.com", "yahoo.com", "icloud.com", "me.com", "kpnmail.nl", "ziggo.nl",
             "xs4all.nl", "planet.nl", "home.nl", "proton.me", "protonmail.com"]
LEGAL_FORMS = r"\b(b\.?\s?v\.?|n\.?\s?v\.?|v\.?o\.?f\.?|c\.?v\.?|holding|gmbh|ltd|inc|llc|stichting|vereniging)\b"

IDENTITY = OptionGroup("identity", (
    Option("match_on", ListOf(Text(choices=KEYS)), ["id", "kvk", "email", "name"],
           "Which keys make two relations from different sources one: id (same relation id), kvk "
           "(same chamber of commerce number), email (same address, persons), email_domain (same "
           "domain of e-mail or website, organisations; not free-mail domains), name (same "
           "normalised name, organisations)."),
    Option("same", ListOf(ListOf(Text())), [],
           'Relation ids that are one relation whatever the keys say, e.g. [["K001", "hs:123"]].'),
    Option("free_mail_domains", ListOf(Text()), FREE_MAIL,
           "E-mail domains shared by unrelated people: never used for email_domain matching."),
), "How relations from several sources are recognised as one.")

#: The source's own summary of contact: of two, the latest date and the larger count count,
#: without a conflict (two exports of different days differ, and neither is wrong).
SUMMARIES = ("summary_last_contact", "summary_contacts")
MERGEABLE = [f.name for f in fields(Relation)
             if f.name not in ("id", "tags", "scores", "extra", "origin", "provenance", "merged_from",
                               *SUMMARIES)]


@dataclass(frozen=True)
class Merge:
    """One relation folded into another, and why: for ``check`` and report.json."""

    kept: str
    merged: str
    key: str
    value: str
    origins: tuple[str, str]

    def __str__(self) -> str:
        return (f"{self.merged} ({self.origins[1]}) merged into {self.kept} ({self.origins[0]}): "
                f"same {self.key} {self.value!r}")


@dataclass
class Unified:
    relations: dict[str, Relation]
    id_map: dict[str, str]                       # merged-away id -> kept id
    merges: list[Merge] = field(default_factory=list)
    conflicts: list[Problem] = field(default_factory=list)
    errors: list[Problem] = field(default_factory=list)


def normalised_name(name: str) -> str:
    text = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    text = re.sub(LEGAL_FORMS, " ", text)
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def _domain(relation: Relation, free_mail: set[str]) -> str | None:
    candidates = [relation.email or "", relation.extra.get("website", "")]
    for value in candidates:
        value = value.strip().lower()
        host = value.rsplit("@", 1)[1] if "@" in value else re.sub(r"^[a-z]+://", "", value).split("/")[0]
        host = host.removeprefix("www.")
        if "." in host and host not in free_mail:
            return host
    return None


def identity_keys(relation: Relation, match_on: list[str], free_mail: set[str]) -> list[tuple[str, str]]:
    """The (key, value) pairs by which this relation may be recognised elsewhere."""
    keys = []
    if "id" in match_on:
        keys.append(("id", relation.id))
    kvk = re.sub(r"\D", "", relation.extra.get("kvk", ""))
    if "kvk" in match_on and len(kvk) >= 8:
        keys.append(("kvk", kvk))
    if "email" in match_on and relation.kind == "person" and relation.email:
        keys.append(("email", relation.email.strip().lower()))
    if relation.kind == "organisation":
        if "email_domain" in match_on and (domain := _domain(relation, free_mail)):
            keys.append(("email_domain", domain))
        if "name" in match_on and (name := normalised_name(relation.name)):
            keys.append(("name", name))
    return keys


def unify(batches: list[list[Relation]], options: dict) -> Unified:
    """Merge relations from sources (one list per source, in config order)."""
    match_on, free_mail = options["match_on"], set(options["free_mail_domains"])
    same = {rid: group[0] for group in options["same"] for rid in group[1:]}
    kept: dict[str, Relation] = {}
    owner_of: dict[tuple[str, str], str] = {}      # identity key -> kept relation id
    result = Unified(kept, {})
    last = max((index for index, batch in enumerate(batches) if batch), default=0)
    for index, batch in enumerate(batches):
        in_this_source: set[str] = set()
        remember = index < last       # keys are only needed when a later source has relations
        for relation in batch:
            target, key = _find(relation, same, owner_of, match_on, free_mail, kept, in_this_source)
            if target is None and relation.id in kept:
                result.errors.append(_duplicate(relation, kept[relation.id]))
                continue
            if target is None:
                kept[relation.id] = relation     # provenance lists only values from other records
                target = relation
            else:
                result.merges.append(Merge(target.id, relation.id, key[0], key[1],
                                           (target.origin, relation.origin)))
                if relation.id != target.id:
                    result.id_map[relation.id] = target.id
                _fold(target, relation, result.conflicts)
            in_this_source.add(target.id)
            if remember:
                for identity in identity_keys(relation, match_on, free_mail):
                    owner_of.setdefault(identity, target.id)
    return result


def _find(relation, same, owner_of, match_on, free_mail, kept, in_this_source):
    """The kept relation this one is, if any; never two records of one source into one."""
    if relation.id in same and same[relation.id] in kept:
        return kept[same[relation.id]], ("explicit mapping", same[relation.id])
    if not owner_of:
        return None, None
    for identity in identity_keys(relation, match_on, free_mail):
        target_id = owner_of.get(identity)
        if target_id is not None and target_id not in in_this_source:
            return kept[target_id], identity
    return None, None


def _fold(target: Relation, other: Relation, conflicts: list[Problem]) -> None:
    """Fill the target's empty fields from ``other``; report disagreements."""
    for name in MERGEABLE:
        mine, theirs = getattr(target, name), getattr(other, name)
        if theirs in (None, ""):
            continue
        if mine in (None, ""):
            setattr(target, name, theirs)
            target.provenance[name] = other.origin
        elif _differs(name, mine, theirs):
            conflicts.append(_conflict(target, other, name, mine, theirs))
    for name in SUMMARIES:
        mine, theirs = getattr(target, name), getattr(other, name)
        if theirs is not None and (mine is None or theirs > mine):
            setattr(target, name, theirs)
            target.provenance[name] = other.provenance.get(name, other.origin)
    target.tags = tuple(dict.fromkeys(target.tags + other.tags))
    for attribute in ("scores", "extra"):
        mine_map, theirs_map = getattr(target, attribute), getattr(other, attribute)
        for key, value in theirs_map.items():
            if key not in mine_map:
                mine_map[key] = value
                target.provenance[f"{attribute}.{key}"] = other.origin
            elif mine_map[key] != value and key != "source_id":
                conflicts.append(_conflict(target, other, f"{attribute}.{key}", mine_map[key], value))
    target.merged_from.append(other.origin if other.id == target.id else f"{other.id} ({other.origin})")


def _differs(name: str, mine, theirs) -> bool:
    if isinstance(mine, str) and isinstance(theirs, str):
        if name == "name":
            return normalised_name(mine) != normalised_name(theirs)
        return mine.strip().casefold() != theirs.strip().casefold()
    return mine != theirs


def _conflict(target: Relation, other: Relation, name: str, mine, theirs) -> Problem:
    source, _, line = other.origin.rpartition(":")
    return Problem(source or other.origin,
                   f"relation {target.id}: keeps {mine!r} from {target.provenance.get(name, target.origin)}; "
                   f"this source says {theirs!r}", line, name)


def _duplicate(relation: Relation, first: Relation) -> Problem:
    source, _, line = relation.origin.rpartition(":")
    return Problem(source or relation.origin, f"expected a unique id, found {relation.id!r} again "
                   f"(first at {first.origin})", line, "id")
