"""A relation's fields chosen from a card's properties: e-mail, phone, city, tags, extras.

A card often holds several of each; the choice prefers what the writer marked
as preferred (PREF, TYPE=pref), then work, then the card's order.
"""

from __future__ import annotations

from relatierapport.builtin.sources.vcard_source.card import (ANNIVERSARY, ASSISTANT, MANAGER, SPOUSE,
                                                              Card, is_work, pref, text)

SYSTEM_CATEGORIES = frozenset({"my contacts", "mycontacts", "* my contacts", "starred",
                               "* starred", "starred in android"})


def email(card: Card) -> str | None:
    """The first preferred address, else the first work address, else the first."""
    emails = ranked(card, "EMAIL")
    return emails[0] if emails else None


def phone(card: Card) -> str | None:
    """Like ``email``, with fax and pager numbers last."""
    phones = ranked(card, "TEL")
    return phones[0] if phones else None


def ranked(card: Card, name: str, by_rank: bool = True) -> list[str]:
    """The card's e-mail addresses or phone numbers: preferred first, then work, as written;
    fax and pager numbers last. ``by_rank`` False: in the card's order."""
    found = []
    for index, prop in enumerate(card.all(name)):
        value = text(prop.value)
        scheme = "mailto:" if name == "EMAIL" else "tel:"
        if value[:len(scheme)].lower() == scheme:
            value = value[len(scheme):].strip()
        if not value:
            continue
        rank = pref(prop)
        last = name == "TEL" and any("fax" in t or t == "pager" for t in prop.types)
        found.append(((last, rank is None, rank or 0, not is_work(prop), index), value))
    return [value for _, value in (sorted(found, key=lambda item: item[0]) if by_rank else found)]


def city(card: Card) -> str | None:
    """The locality of the work address, else of the preferred one, else of the first."""
    cities = []
    for index, prop in enumerate(card.all("ADR")):
        locality = " ".join(text(prop.value.get("city", ""), ", ").split())
        if locality:
            cities.append(((not is_work(prop), pref(prop) is None, index), locality))
    return min(cities)[1] if cities else None


def tags(card: Card) -> tuple[str, ...]:
    """CATEGORIES, without Google's system groups ("My Contacts", "Starred")."""
    found: dict[str, str] = {}
    for prop in card.all("CATEGORIES"):
        values = prop.value if isinstance(prop.value, list) else [prop.value]
        for value in values:
            tag = " ".join(text(value).split())
            if tag and tag.casefold() not in SYSTEM_CATEGORIES:
                found.setdefault(tag.casefold(), tag)
    return tuple(found.values())


def extra(card: Card, uid: str) -> dict[str, str]:
    """What the model has no field for, kept as text (see the source's docstring)."""
    kept: dict[str, str] = {}

    def joined(key: str, names: tuple[str, ...], separator: str = "; ") -> None:
        values = list(dict.fromkeys(v for p in card.all(*names) if (v := text(p.value, ", "))))
        if values:
            kept[key] = separator.join(values)

    if uid:
        kept["source_id"] = uid
    joined("title", ("TITLE",))
    joined("job_role", ("ROLE",))
    joined("nickname", ("NICKNAME",), ", ")
    joined("note", ("NOTE",), "\n\n")
    joined("birthday", ("BDAY",))
    joined("revision", ("REV",))
    anniversary = card.first(*ANNIVERSARY) or next(
        (text(p.value) for p in card.all("X-ABDATE") if "anniversary" in p.types), "")
    if anniversary:
        kept["anniversary"] = anniversary
    urls = sorted(((pref(p) is None, not is_work(p), i), text(p.value))
                  for i, p in enumerate(card.all("URL")) if text(p.value))
    if urls:
        kept["website"] = urls[0][1]
        if len(urls) > 1:
            kept["urls"] = " ".join(dict.fromkeys(url for _, url in urls))
    related = []
    for prop in card.props:
        if prop.value is None:
            continue
        name = text(prop.value)
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
        kept["related"] = "; ".join(dict.fromkeys(related))
    for key, name in (("emails", "EMAIL"), ("phones", "TEL")):
        values = ranked(card, name, by_rank=False)
        if len(values) > 1:
            kept[key] = ", ".join(dict.fromkeys(values))
    return kept


def _capitalised(word: str) -> str:
    return word[:1].upper() + word[1:]
