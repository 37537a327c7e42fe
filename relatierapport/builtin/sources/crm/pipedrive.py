"""Pipedrive exports and import sheets.

Pipedrive names its columns "<Entity> - <Field>" ("Organization - Name",
"Deal - Value", "Activity - Due date"; Dutch "Organisatie - Naam" too), and one
row may hold several entities: an import sheet row is a person, their
organisation, a deal and an activity at once, and all of them are produced.
Linked organisations and persons in bare columns ("Organization",
"Contact person") hold names: they link by name within the same file. A deal,
activity or note whose organisation is named nowhere else in the file gets
that organisation added with just its name; a person's organisation
("Person - Organization", or a bare "Organization" beside person columns) is
linked after all sources are read to the one organisation of that name, or
reported (sources/organisations.py). Ids are ``pd:org:<ID>`` and
``pd:person:<ID>``, or the name when the file has no ID column (``pd:org:Acme
BV``). Deal status and stage give won, lost, quote or open; activities become
touchpoints (to-do ones: events "planned"), notes with a date events "note".
"Last activity date" and "Done activities" of organisations and persons are
the export's summary of contact. Owners are user names, matched to employees
later; "User - Name" / "User - Email" / "User - ID" rows are employees.
"""

from __future__ import annotations

import re

from relatierapport.builtin.sources.crm.common import Profile
from relatierapport.builtin.sources.crm.layout import KVK_HEADER, Layout, Row, match, norm
from relatierapport.builtin.sources.crm.values import (channel_of, city_from_address, deal_status,
                                                       digits_kvk, person_name, plain_text, truth)

ENTITIES = {"organization": "org", "organisation": "org", "organisatie": "org", "org": "org",
            "person": "person", "persoon": "person", "people": "person", "deal": "deal",
            "activity": "activity", "activiteit": "activity", "note": "note", "notitie": "note",
            "user": "user", "gebruiker": "user"}
ID = ("id", "pipedrive system id", "system id")
OWNER = ("owner", "eigenaar", "owner name")
ORG_NAME = ("organization", "organisation", "organisatie", "organization name", "organisatienaam")
PERSON_NAME = ("contact person", "contactpersoon", "person", "persoon", "person name")
#: The export's summary of contact, on organisations and persons alike.
SUMMARY = {"last_activity": ("last activity date", "laatste activiteitsdatum", "datum laatste activiteit"),
           "done_activities": ("done activities", "activities done", "voltooide activiteiten",
                               "afgeronde activiteiten")}
FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    "org": {
        "id": ID, "name": ("name", "naam"),
        "address": ("address", "adres", "full/combined address of address"),
        "city": ("address - city/town/village/locality", "city/town/village/locality of address",
                 "address - city", "city", "plaats", "stad", "adres - plaats"),
        "postal_code": ("address - zip/postal code", "zip/postal code of address", "postal code",
                        "postcode", "adres - postcode"),
        "country": ("address - country", "country of address", "country", "land"),
        "owner": OWNER, "since": ("organization created", "add time", "created", "toegevoegd op",
                                  "aangemaakt op"),
        "labels": ("label", "labels"), "website": ("website", "web", "site"),
        "vat": ("vat", "vat number", "btw", "btw-nummer", "btw nummer"), "phone": ("phone", "telefoon"),
        **SUMMARY,
    },
    "person": {
        "id": ID, "name": ("name", "naam"), "first_name": ("first name", "voornaam"),
        "last_name": ("last name", "achternaam"),
        "email": ("email (work)", "email - work", "work email", "e-mail (werk)", "email", "e-mail",
                  "email (other)", "email - other", "email (home)", "email - home", "e-mail (privé)"),
        "phone": ("phone (work)", "phone - work", "telefoon (werk)", "phone", "telefoon", "phone (mobile)",
                  "phone - mobile", "telefoon (mobiel)", "phone (other)", "phone (home)", "phone - home"),
        "org_name": ORG_NAME, "owner": OWNER,
        "since": ("person created", "add time", "created", "toegevoegd op", "aangemaakt op"),
        "labels": ("label", "labels"), "title": ("job title", "functie", "functietitel"),
        "city": ("postal address - city/town/village/locality", "city", "plaats"), **SUMMARY,
    },
    "deal": {
        "id": ID, "title": ("title", "titel", "name", "naam"), "value": ("value", "waarde", "amount"),
        "stage": ("stage", "fase", "pipeline stage"), "pipeline": ("pipeline",),
        "status": ("status",), "won_time": ("won time", "won date", "gewonnen op", "tijdstip gewonnen"),
        "lost_time": ("lost time", "lost date", "verloren op", "tijdstip verloren"),
        "close_time": ("close time", "closed on", "deal closed on", "gesloten op"),
        "expected": ("expected close date", "verwachte sluitdatum", "verwachte afsluitdatum"),
        "created": ("deal created", "add time", "created", "toegevoegd op", "aangemaakt op"),
        "owner": OWNER, "org_name": ORG_NAME, "person_name": PERSON_NAME,
    },
    "activity": {
        "id": ID, "subject": ("subject", "onderwerp"), "type": ("type", "soort"),
        "done_time": ("marked as done time", "done time", "afgerond op", "gemarkeerd als gedaan"),
        "due": ("due date", "vervaldatum", "date", "datum", "due"),
        "done": ("done", "status", "gedaan", "afgerond"),
        "owner": ("assigned to user", "assigned to", "toegewezen aan", "user", "gebruiker", *OWNER),
        "note": ("note", "notitie", "notes", "notities"),
        "org_name": ORG_NAME, "person_name": PERSON_NAME,
    },
    "user": {"id": ID, "name": ("name", "naam"), "email": ("email", "e-mail", "e-mailadres")},
    "note": {
        "content": ("content", "inhoud", "note", "notitie"),
        "date": ("add time", "date", "datum", "created", "toegevoegd op"),
        "org_name": ORG_NAME, "person_name": PERSON_NAME,
    },
}
#: Bare columns: the row's organisation or person by name, and its owner.
BARE = {**{name: ("row", "org_name") for name in ORG_NAME},
        **{name: ("row", "person_name") for name in PERSON_NAME},
        **{name: ("row", "owner") for name in OWNER}}
ALIASES = {entity: {norm(a): key for key, aliases in keys.items() for a in reversed(aliases)}
           for entity, keys in FIELDS.items()}
PRIORITY = {entity: {(key, norm(a)): i for key, aliases in keys.items() for i, a in enumerate(aliases)}
            for entity, keys in FIELDS.items()}
SPLIT = re.compile(r"\s+[-–]\s+")


def _parse(header: str) -> tuple[str, str] | None:
    """("org", "name") for "Organization - Name"; ("row", ...) for bare linking columns."""
    if header in BARE:
        return BARE[header]
    parts = SPLIT.split(header, maxsplit=1)
    if len(parts) != 2 or parts[0] not in ENTITIES:
        return None
    entity, rest = ENTITIES[parts[0]], parts[1].strip()
    key = ALIASES[entity].get(rest)
    if key is None and entity in ("org", "person") and KVK_HEADER.search(rest):
        key = "kvk"
    if key is None and entity == "person" and re.match(r"(e-?mail)\b", rest):
        key = "email"
    if key is None and entity == "person" and re.match(r"(phone|telefoon)\b", rest):
        key = "phone"
    return (entity, key) if key else None


def known(header: str) -> bool:
    return _parse(header) is not None


def recognise(headers: list[str]) -> Layout | None:
    normalised = [norm(h) for h in headers]
    prefixed = sum(1 for h in normalised if (p := _parse(h)) and p[0] != "row")
    if prefixed < 1:
        return None

    def resolve(header: str):
        parsed = _parse(header)
        if parsed is None:
            return []
        entity, key = parsed
        rest = SPLIT.split(header, maxsplit=1)[-1]
        return [(entity, key, PRIORITY.get(entity, {}).get((key, rest), 50))]

    layout = Layout("", headers, match(headers, resolve))
    entities = sorted({e for e, _ in layout.columns if e != "row"})
    layout.kind = "import sheet" if len(entities) > 1 else (entities[0] if entities else "")
    layout.score = layout.recognised() + 3 * min(prefixed, 5)
    return layout


def interpret(row: Row, out) -> None:
    get = row.get
    owner = get("row", "owner")
    org_name_bare = get("row", "org_name")
    if row.has("user"):
        _user(row, out)

    org_id = None
    org_source, org_name = get("org", "id"), get("org", "name")
    if org_name or org_source:
        org_id = out.id("org", org_source or org_name)
        if org_name:
            values = {
                "id": org_id, "name": org_name, "kind": "organisation",
                "owner": out.owner(row, get("org", "owner") or owner), "since": row.date("org", "since"),
                "phone": get("org", "phone"),
                "city": get("org", "city") or city_from_address(get("org", "address")),
                "tags": _labels(get("org", "labels")), "source_id": org_source,
                "website": get("org", "website"), "kvk": digits_kvk(get("org", "kvk")),
                "vat": get("org", "vat"), "address": get("org", "address"),
                "postal_code": get("org", "postal_code"), "country": get("org", "country"),
            }
            out.summary(row, values, "org", ("last_activity",), "done_activities")
            out.relation(row, values, unique=False, entity="org")
    linked_org = get("person", "org_name") or org_name_bare

    person_id = None
    person_source = get("person", "id")
    email = get("person", "email")
    name = get("person", "name") or person_name(get("person", "first_name"), get("person", "last_name"))
    if name or person_source or email:
        person_id = out.id("person", person_source or name or email)
        if name or email:
            person = {
                "id": person_id, "name": name or email, "kind": "person",
                "owner": out.owner(row, get("person", "owner") or owner), "organisation": org_id,
                "role": "contact" if org_id or linked_org else None,
                "since": row.date("person", "since"), "email": email, "phone": get("person", "phone"),
                "city": get("person", "city"), "tags": _labels(get("person", "labels")),
                "source_id": person_source, "title": get("person", "title"),
            }
            out.summary(row, person, "person", ("last_activity",), "done_activities")
            out.relation(row, person, unique=False, entity="person")
            if not org_id and linked_org:
                out.link_by_name(row, out.relations[person_id], "organisation", linked_org)

    def relation_for(entity: str, what: str):
        """(relation id, organisation name to link later), or (None, None) with a warning."""
        if org_id:
            return org_id, None
        name_of_org = get(entity, "org_name") or org_name_bare
        if name_of_org:
            return None, name_of_org
        if person_id:
            return person_id, None
        out.skip(row, f"{what} without an organisation or person")
        return None, None

    activity_date = row.date("activity", "done_time") or row.date("activity", "due")
    touchpoint = None
    if row.has("activity"):
        relation, by_name = relation_for("activity", "activities")
        if not activity_date:
            out.skip(row, "activities without a due date or done time")
        elif relation or by_name:
            done = truth(get("activity", "done"))
            if done is None and row.date("activity", "done_time"):
                done = True
            base = {"relation": relation, "date": activity_date}
            if done is False:
                touchpoint = out.event("events", row, {**base, "kind": "planned",
                                                       "notes": get("activity", "subject")})
            else:
                touchpoint = out.event("touchpoints", row, {
                    **base, "employee": out.owner(row, get("activity", "owner") or owner),
                    "channel": channel_of(get("activity", "type")),
                    "notes": get("activity", "subject") or plain_text(get("activity", "note")),
                })
            if by_name:
                out.link_by_name(row, touchpoint, "relation", by_name)

    if row.has("deal"):
        date = (row.date("deal", "won_time") or row.date("deal", "lost_time")
                or row.date("deal", "close_time") or row.date("deal", "expected")
                or row.date("deal", "created") or activity_date)
        relation, by_name = relation_for("deal", "deals")
        if not date:
            out.skip(row, "deals without a date (won, lost, close, expected close or created)")
        elif relation or by_name:
            business = out.event("business", row, {
                "relation": relation, "date": date, "amount": get("deal", "value"),
                "status": deal_status(get("deal", "stage"), status=get("deal", "status")),
                "kind": get("deal", "pipeline"),
            })
            out.owner(row, get("deal", "owner") or owner)
            if by_name:
                out.link_by_name(row, business, "relation", by_name)

    content = plain_text(get("note", "content"))
    if content:
        note_date = row.date("note", "date")
        relation, by_name = relation_for("note", "notes")
        if note_date and (relation or by_name):
            note = out.event("events", row, {"relation": relation, "date": note_date, "kind": "note",
                                             "notes": content})
            if by_name:
                out.link_by_name(row, note, "relation", by_name)
        elif touchpoint is not None and "notes" not in touchpoint:
            touchpoint["notes"] = content
        elif relation and relation in out.relations:
            out.relations[relation].setdefault("note", content)


def _user(row: Row, out) -> None:
    """A Pipedrive user as an employee ``pd:user:<ID or name>``; owners name users by their
    name, so the name (and the e-mail address) find them."""
    uid, name, email = row.get("user", "id"), row.get("user", "name"), row.get("user", "email")
    if not (name or email):
        out.skip(row, "users without a name or e-mail")
        return
    out.employee(row, out.id("user", uid or name or email), name or email, email, aliases=(uid,))


def _labels(value: str | None) -> tuple[str, ...]:
    return tuple(part.strip() for part in re.split(r"[,;|]", value or "") if part.strip())


PROFILE = Profile(
    type="pipedrive", label="Pipedrive",
    prefix="pd:",
    objects='"<Entity> - <Field>" columns for organisations, persons, deals, activities and notes',
    recognise=recognise, interpret=interpret, known=known,
    fields={entity: tuple(keys) + (("category", "phase", "role", "tags", "kvk") if entity in
                                   ("org", "person") else ())
            for entity, keys in FIELDS.items()},
    default_entity=lambda layout: "person" if layout.has("person") else "org",
    describe="A Pipedrive export or import sheet (\"Organization - Name\", \"Deal - Value\", ...): "
             "organisations, persons, deals, activities and notes, several per row.",
)
