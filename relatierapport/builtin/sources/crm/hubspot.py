"""HubSpot CRM exports.

A HubSpot export holds one object: contacts, companies, deals or activities
(calls, meetings, e-mails, tasks, notes). Which one is recognised from the
headers, which HubSpot writes in the exporting user's language: English and
Dutch labels are known, and internal property names (``dealstage``) too.
Contacts and companies become relations (ids ``hs:contact:<Record ID>`` and
``hs:company:<Record ID>``, because HubSpot numbers each object separately);
"Primary Associated Company ID" / "Associated Company IDs" link a contact,
deal or activity to its company. A contact with company names but no ids
("Associated Company", else its own "Company Name") is linked by that name:
to a company in the same file, else after all sources are read to the one
organisation of that name (sources/organisations.py). Deals and activities
named by company alone link by name within the file (a company named nowhere
else is added with just its name). Deals become business (stage and "Is Closed
Won" give won, lost, quote or open), activities touchpoints, notes and open
tasks events. "Last Activity Date" / "Last Contacted" (the latest of them) and
"Number of times contacted" of contacts and companies are the export's summary
of contact. Owners stay as written (a name, an e-mail address or an owner id)
and are matched to employees later; a users export ("User ID", "First Name",
"Last Name", "Email") gives the employees.
"""

from __future__ import annotations

import re

from relatierapport.builtin.sources.crm.common import Profile
from relatierapport.builtin.sources.crm.layout import (KVK_HEADER, Layout, Row, alias_table, match,
                                                       norm)
from relatierapport.builtin.sources.crm.values import (channel_of, deal_status, digits_kvk,
                                                       direction_of, person_name, plain_text,
                                                       role_of, truth)

ID = ("Record ID", "Record-ID", "Object ID", "Object-ID", "hs_object_id")
CREATED = ("Create Date", "Aanmaakdatum", "Aanmaakdatum/-tijd", "createdate", "Object create date/time")
ADDRESS = {"street": ("Street Address", "Adres", "Straatadres", "address"),
           "postal_code": ("Postal Code", "Postcode", "zip"),
           "country": ("Country/Region", "Land/regio", "Land", "country")}
COMPANY_IDS = ("Primary Associated Company ID", "Primaire gekoppelde bedrijfs-ID", "associatedcompanyid",
               "Associated Company IDs", "Associated Company ID", "Associated Company IDs (Primary)",
               "Gekoppelde bedrijfs-ID's", "Gekoppelde bedrijfs-id's", "Gekoppelde bedrijf-ID's")
COMPANY_NAMES = ("Associated Company", "Gekoppeld bedrijf", "Gekoppelde bedrijven",
                 "Associated Company (Primary)")
CONTACT_IDS = ("Associated Contact IDs", "Associated Contact ID", "Gekoppelde contact-ID's",
               "Gekoppelde contact-id's")
CONTACT_NAMES = ("Associated Contact", "Gekoppelde contactpersoon", "Gekoppelde contactpersonen")
#: The export's summary of contact (HubSpot's own properties notes_last_updated,
#: notes_last_contacted and num_contacted_notes), on contacts and companies alike.
SUMMARY = {"last_activity": ("Last Activity Date", "Datum laatste activiteit", "notes_last_updated"),
           "last_contacted": ("Last Contacted", "Laatst gecontacteerd", "notes_last_contacted"),
           "times_contacted": ("Number of times contacted", "Aantal keren gecontacteerd",
                               "num_contacted_notes")}

OBJECTS: dict[str, dict[str, tuple[str, ...]]] = {
    "contact": {
        "id": (*ID, "Contact ID", "Contact-ID", "vid"),
        "first_name": ("First Name", "Voornaam", "firstname"),
        "last_name": ("Last Name", "Achternaam", "lastname"),
        "email": ("Email", "E-mail", "E-mailadres", "Work email", "Zakelijk e-mailadres"),
        "phone": ("Phone Number", "Telefoonnummer", "phone", "Mobile Phone Number",
                  "Mobiel telefoonnummer", "mobilephone"),
        "city": ("City", "Plaats", "Stad", "city"),
        "owner": ("Contact owner", "Eigenaar contactpersoon", "Contacteigenaar", "Eigenaar contact",
                  "hubspot_owner_id", "Owner", "Eigenaar"),
        "company_ids": COMPANY_IDS, "company_names": COMPANY_NAMES,
        "company": ("Company Name", "Bedrijfsnaam", "company"),
        "since": CREATED,
        "title": ("Job Title", "Functie", "Functietitel", "jobtitle"),
        "lifecycle": ("Lifecycle Stage", "Levenscyclusfase", "lifecyclestage"),
        "lead_status": ("Lead Status", "Leadstatus", "hs_lead_status"),
        "website": ("Website URL", "Website-URL", "website"), **ADDRESS, **SUMMARY,
    },
    "company": {
        "id": (*ID, "Company ID", "Bedrijfs-ID", "Bedrijf-ID"),
        "name": ("Company name", "Name", "Naam", "Bedrijfsnaam", "Bedrijf", "name"),
        "domain": ("Company Domain Name", "Company domain name", "Domain", "Domeinnaam bedrijf", "Domein",
                   "Domeinnaam", "domain"),
        "phone": ("Phone Number", "Telefoonnummer", "phone"),
        "city": ("City", "Plaats", "Stad", "city"),
        "owner": ("Company owner", "Eigenaar bedrijf", "Bedrijfseigenaar", "hubspot_owner_id", "Owner",
                  "Eigenaar"),
        "since": CREATED,
        "type": ("Type", "Bedrijfstype", "type"),
        "lifecycle": ("Lifecycle Stage", "Levenscyclusfase", "lifecyclestage"),
        "industry": ("Industry", "Branche", "Sector", "industry"),
        "website": ("Website URL", "Website-URL", "website"),
        "vat": ("VAT number", "Btw-nummer", "BTW-nummer", "BTW nummer"), **ADDRESS, **SUMMARY,
    },
    "deal": {
        "id": (*ID, "Deal ID", "Deal-ID"),
        "name": ("Deal Name", "Dealnaam", "dealname"),
        "stage": ("Deal Stage", "Dealfase", "Dealstadium", "dealstage"),
        "pipeline": ("Pipeline", "Pijplijn", "pipeline"),
        "amount": ("Amount", "Bedrag", "amount", "Amount in company currency", "Bedrag in bedrijfsvaluta"),
        "close_date": ("Close Date", "Sluitdatum", "Afsluitdatum", "closedate"),
        "created": CREATED,
        "owner": ("Deal owner", "Eigenaar deal", "Dealeigenaar", "hubspot_owner_id", "Owner", "Eigenaar"),
        "type": ("Deal Type", "Dealtype", "dealtype"),
        "won": ("Is Closed Won", "Is gesloten gewonnen", "hs_is_closed_won"),
        "closed": ("Is Deal Closed?", "Is Closed", "Is deal gesloten?", "hs_is_closed"),
        "company_ids": COMPANY_IDS, "company_names": (*COMPANY_NAMES, "Bedrijf", "Company"),
        "contact_ids": CONTACT_IDS, "contact_names": CONTACT_NAMES,
    },
    "activity": {
        "id": (*ID, "Activity ID", "Engagement ID"),
        "type": ("Activity type", "Activiteitstype", "Engagement type", "hs_engagement_type",
                 "hs_activity_type", "Type"),
        "date": ("Activity date", "Activiteitsdatum", "hs_timestamp", "Timestamp", "Meeting start time",
                 "Starttijd vergadering", "Call date", "Due date", "Vervaldatum", "Create date",
                 "Aanmaakdatum"),
        "subject": ("Call Title", "Meeting name", "Email subject", "Task Title", "Subject", "Onderwerp",
                    "Titel", "hs_call_title", "hs_meeting_title", "hs_email_subject", "hs_task_subject"),
        "body": ("Note body", "Notitietekst", "Notitie", "hs_note_body", "Call notes", "Gespreksnotities",
                 "hs_call_body", "Meeting description", "hs_meeting_body"),
        "owner": ("Activity assigned to", "Assigned to", "Toegewezen aan", "Activity owner",
                  "hubspot_owner_id", "Owner", "Eigenaar", "Created by", "Aangemaakt door"),
        "direction": ("Call direction", "Email direction", "Richting gesprek", "Richting",
                      "hs_call_direction", "hs_email_direction"),
        "status": ("Task status", "Taakstatus", "hs_task_status"),
        "task_type": ("Task type", "Taaktype", "hs_task_type"),
        "company_ids": COMPANY_IDS, "company_names": COMPANY_NAMES,
        "contact_ids": CONTACT_IDS, "contact_names": CONTACT_NAMES,
    },
    # Settings > Users & Teams > Export users ("User ID", "First Name", "Last Name", "Email", …),
    # or an owners list from the API ("Owner ID" / ownerId, the ids API exports' owner columns hold)
    "user": {
        "owner_id": ("Owner ID", "Eigenaar-ID", "ownerId", "owner_id"),
        "user_id": ("User ID", "Gebruikers-ID", "userId", "user_id"),
        "first_name": ("First Name", "Voornaam", "firstName", "first_name"),
        "last_name": ("Last Name", "Achternaam", "lastName", "last_name"),
        "email": ("Email", "E-mail", "E-mailadres", "Email address", "email"),
        "team": ("Primary team", "Primair team", "Teams", "Team", "Assigned teams", "Toegewezen teams",
                 "teams"),
    },
}
TABLES = {kind: alias_table({kind: keys}) for kind, keys in OBJECTS.items()}
ALL = {alias for table in TABLES.values() for alias in table}
KINDS = {"contact": "contacts", "company": "companies", "deal": "deals", "activity": "activities",
         "user": "users"}
MARKERS = {norm(h) for h in ("Record ID", "Record-ID", "Contact owner", "Eigenaar contactpersoon",
                             "Company owner", "Deal owner", "Lifecycle Stage", "Levenscyclusfase",
                             "Deal Stage", "Dealfase", "Dealstadium", "Associated Company IDs",
                             "Primary Associated Company ID", "Associated Contact IDs", "hs_object_id",
                             "Activity assigned to", "Last Activity Date", "HubSpot Score",
                             "Pipeline", "Pijplijn", "Associated Company", "Gekoppeld bedrijf")}
DEAL_MARKERS = {norm(h) for h in ("Deal Name", "Dealnaam", "dealname", "Deal Stage", "Dealfase",
                                  "Dealstadium", "dealstage", "Deal ID", "Deal owner", "Dealeigenaar",
                                  "Eigenaar deal")}
ACTIVITY_MARKERS = {norm(h) for h in ("Activity date", "Activiteitsdatum", "Note body", "Notitietekst",
                                      "Call Title", "Call notes", "Meeting name", "Email subject",
                                      "Task Title", "Activity type", "Activiteitstype", "Engagement type",
                                      "Call direction", "hs_timestamp", "Activity assigned to")}
CONTACT_MARKERS = {norm(h) for h in ("First Name", "Last Name", "Voornaam", "Achternaam", "firstname",
                                     "lastname", "Contact ID", "Contact owner", "Eigenaar contactpersoon",
                                     "Contacteigenaar")}
COMPANY_MARKERS = {norm(h) for h in ("Company name", "Company Domain Name", "Company ID", "Company owner",
                                     "Domeinnaam bedrijf", "Eigenaar bedrijf", "Bedrijfseigenaar",
                                     "Bedrijfs-ID", "Bedrijfsnaam", "Domein")}


USER_MARKERS = {norm(h) for h in (*OBJECTS["user"]["owner_id"], *OBJECTS["user"]["user_id"])}
#: Headers only object exports have: a file with them is no users export.
OBJECT_ONLY = {norm(h) for h in (*ID, "Contact owner", "Company owner", "Deal owner", "Company name",
                                 "Deal Name", "Lifecycle Stage", "Activity date")}


def known(header: str) -> bool:
    return header in ALL


def _kind(headers: set[str]) -> str | None:
    if headers & USER_MARKERS and not headers & OBJECT_ONLY:
        return "user"
    if headers & DEAL_MARKERS:
        return "deal"
    if headers & ACTIVITY_MARKERS:
        return "activity"
    if headers & CONTACT_MARKERS:
        return "contact"
    if headers & COMPANY_MARKERS:
        return "company"
    return None


def recognise(headers: list[str]) -> Layout | None:
    normalised = [norm(h) for h in headers]
    kind = _kind(set(normalised))
    if kind is None:
        return None
    table = TABLES[kind]

    def resolve(header: str):
        if header in table:
            return table[header]
        if kind in ("contact", "company") and KVK_HEADER.search(header):
            return [(kind, "kvk", 9)]
        return []

    layout = Layout(KINDS[kind], headers, match(headers, resolve))
    layout.score = layout.recognised() + 3 * min(sum(1 for h in normalised if h in MARKERS), 5)
    layout.kind = kind
    return layout


def _ids(value: str | None) -> list[str]:
    return [part.strip() for part in re.split(r"[;|,]", value or "") if part.strip()]


def _names(value: str | None, count: int) -> list[str]:
    """Associated names, split like the ids when the counts agree (names may hold ";")."""
    if not value:
        return []
    parts = [part.strip() for part in value.split(";") if part.strip()]
    return parts if len(parts) == count else ([value] if count <= 1 else [])


def _linked_company(row: Row, out, kind: str) -> str | None:
    """The company a row belongs to: by associated id (adding its name when given), else None."""
    ids = _ids(row.get(kind, "company_ids"))
    names = _names(row.get(kind, "company_names"), len(ids))
    for company_id, name in zip(ids, names):
        out.relation(row, {"id": out.id("company", company_id), "name": name, "kind": "organisation",
                           "source_id": company_id}, unique=False)
    return out.id("company", ids[0]) if ids else None


def _linked_contact(row: Row, out, kind: str) -> str | None:
    ids = _ids(row.get(kind, "contact_ids"))
    return out.id("contact", ids[0]) if ids else None


def interpret(row: Row, out) -> None:
    {"contact": _contact, "company": _company, "deal": _deal, "activity": _activity, "user": _user}[
        row.layout.kind](row, out)


def _summary(row: Row, out, values: dict, kind: str) -> None:
    out.summary(row, values, kind, ("last_activity", "last_contacted"), "times_contacted")


def _contact(row: Row, out) -> None:
    get = lambda key: row.get("contact", key)  # noqa: E731
    source_id = get("id")
    email = get("email")
    name = person_name(get("first_name"), get("last_name")) or email
    if not name:
        out.skip(row, "contacts without a name or e-mail")
        return
    company = _linked_company(row, out, "contact")
    values = {
        "id": out.id("contact", source_id or email or name), "name": name, "kind": "person",
        "role": "contact" if company or get("company_names") else role_of(get("lifecycle")),
        "owner": out.owner(row, get("owner")), "organisation": company, "since": row.date("contact", "since"),
        "email": email, "phone": get("phone"), "city": get("city"), "source_id": source_id,
        "title": get("title"), "company": get("company"), "lifecycle_stage": get("lifecycle"),
        "lead_status": get("lead_status"), "website": get("website"), "street": get("street"),
        "postal_code": get("postal_code"), "country": get("country"),
    }
    _summary(row, out, values, "contact")
    out.relation(row, values, entity="contact")
    named = get("company_names") or get("company")
    if not company and named:
        out.link_by_name(row, out.relations[values["id"]], "organisation", named)


def _company(row: Row, out) -> None:
    get = lambda key: row.get("company", key)  # noqa: E731
    source_id = get("id")
    name = get("name") or get("domain")
    if not name:
        out.skip(row, "companies without a name or domain")
        return
    values = {
        "id": out.id("company", source_id or name), "name": name, "kind": "organisation",
        "role": role_of(get("type")) or role_of(get("lifecycle")),
        "owner": out.owner(row, get("owner")), "since": row.date("company", "since"),
        "phone": get("phone"), "city": get("city"), "source_id": source_id,
        "website": get("website") or get("domain"), "kvk": digits_kvk(get("kvk")), "vat": get("vat"),
        "industry": get("industry"), "lifecycle_stage": get("lifecycle"), "street": get("street"),
        "postal_code": get("postal_code"), "country": get("country"),
    }
    _summary(row, out, values, "company")
    out.relation(row, values, entity="company")


def _user(row: Row, out) -> None:
    """A HubSpot user (or owner) as an employee: ``hs:owner:<Owner ID>`` (else the user id),
    with the other ids as aliases, so owner columns holding ids find them too."""
    get = lambda key: row.get("user", key)  # noqa: E731
    owner_id, user_id, email = get("owner_id"), get("user_id"), get("email")
    name = person_name(get("first_name"), get("last_name")) or email
    if not (owner_id or user_id) or not name:
        out.skip(row, "users without an Owner ID or User ID and a name or e-mail")
        return
    eid = out.id("owner", owner_id) if owner_id else out.id("user", user_id)
    out.employee(row, eid, name, email, get("team"), aliases=(owner_id, user_id))


def _relation_of(row: Row, out, kind: str, what: str) -> tuple[str | None, str | None]:
    """(relation id, organisation name to link later) for a deal or activity row."""
    company = _linked_company(row, out, kind)
    if company:
        return company, None
    contact = _linked_contact(row, out, kind)
    if contact:
        return contact, None
    name = row.get(kind, "company_names")
    if name:
        return None, name
    out.skip(row, f"{what} without an associated company or contact")
    return None, None


def _deal(row: Row, out) -> None:
    get = lambda key: row.get("deal", key)  # noqa: E731
    date = row.date("deal", "close_date") or row.date("deal", "created")
    if not date:
        out.skip(row, "deals without a close date or create date")
        return
    relation, by_name = _relation_of(row, out, "deal", "deals")
    if relation is None and by_name is None:
        return
    values = out.event("business", row, {
        "relation": relation, "date": date, "amount": get("amount"), "kind": get("type"),
        "status": deal_status(get("stage"), get("won"), get("closed")),
    })
    out.owner(row, get("owner"))
    if by_name:
        out.link_by_name(row, values, "relation", by_name)


def _activity_type(row: Row) -> str:
    word = (row.get("activity", "type") or "").casefold()
    if word:
        return word
    columns = {norm(row.layout.headers[i]) for indices in row.layout.columns.values() for i in indices}
    for marker, kind in (("note body", "note"), ("notitietekst", "note"), ("hs_note_body", "note"),
                         ("call title", "call"), ("call direction", "call"), ("meeting name", "meeting"),
                         ("email subject", "email"), ("task title", "task")):
        if marker in columns:
            return kind
    return ""


def _activity(row: Row, out) -> None:
    get = lambda key: row.get("activity", key)  # noqa: E731
    date = row.date("activity", "date")
    if not date:
        out.skip(row, "activities without a date")
        return
    relation, by_name = _relation_of(row, out, "activity", "activities")
    if relation is None and by_name is None:
        return
    kind = _activity_type(row)
    body = plain_text(get("body"))
    values = {"relation": relation, "date": date}
    if "note" in kind or "notitie" in kind:
        values = out.event("events", row, {**values, "kind": "note", "notes": body or get("subject")})
    elif ("task" in kind or "taak" in kind) and truth(get("status")) is not True:
        values = out.event("events", row, {**values, "kind": "planned", "notes": get("subject")})
    else:
        if "task" in kind or "taak" in kind:
            kind = get("task_type") or ""
        values = out.event("touchpoints", row, {
            **values, "employee": out.owner(row, get("owner")), "channel": channel_of(kind),
            "direction": direction_of(get("direction")) or direction_of(kind.replace("_", " ")),
            "notes": get("subject") or body,
        })
    if by_name:
        out.link_by_name(row, values, "relation", by_name)


PROFILE = Profile(
    type="hubspot", label="HubSpot", prefix="hs:",
    objects="contacts, companies, deals, activities or users, with English or Dutch labels",
    org_word=("company",),
    recognise=recognise, interpret=interpret, known=known,
    fields={kind: tuple(keys) + (("category", "phase", "role", "tags", "kvk") if kind in
                                 ("contact", "company") else ())
            for kind, keys in OBJECTS.items()},
    default_entity=lambda layout: layout.kind,
    describe="A HubSpot export of contacts, companies, deals, activities or users (English or Dutch "
             "labels), or a folder or .zip of them.",
)
