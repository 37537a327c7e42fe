"""Salesforce Data Export and Data Loader CSVs.

One CSV per object, headers the API names in original case (weekly Data
Export, Workbench: ``Id``, ``AccountId``) or upper case (Data Loader: ``ID``,
``ACCOUNTID``); ``path`` may also be the export's folder or .zip. Recognised:
Account and Contact (relations), Opportunity (business: ``ISWON``/``ISCLOSED``
and the stage give won, lost, quote or open), Task and Event (touchpoints;
open tasks become events of kind "planned"), User (employees: ``OwnerId``
is a User id, matched to them after all sources are read, so owners show as
names; a User whose e-mail or name an employees table has is that employee)
and Lead (persons). Ids become ``sf:`` + the 18-character id (15-character ids
are extended, so exports of both kinds link up; owner and User ids too);
``Contact.AccountId`` and ``Opportunity.AccountId`` link to ``sf:<AccountId>``.
``LastActivityDate`` of an Account, Contact or Lead is the export's summary of
contact.
"""

from __future__ import annotations

from relatierapport.builtin.sources.crm.common import EU_DATES, ISO_DATES, US_DATES, Profile
from relatierapport.builtin.sources.crm.layout import (KVK_HEADER, Layout, Row, alias_table, match,
                                                       norm)
from relatierapport.builtin.sources.crm.values import (channel_of, deal_status, digits_kvk,
                                                       direction_of, person_name, role_of, truth)

COMMON = {"id": ("id",), "deleted": ("isdeleted",), "owner": ("ownerid",),
          "created": ("createddate",)}
OBJECTS: dict[str, dict[str, tuple[str, ...]]] = {
    "account": {**COMMON, "name": ("name",), "first_name": ("firstname",), "last_name": ("lastname",),
                "type": ("type",), "city": ("billingcity", "shippingcity", "personmailingcity"),
                "street": ("billingstreet", "shippingstreet"), "postal_code": ("billingpostalcode",),
                "country": ("billingcountry", "shippingcountry"), "phone": ("phone", "personmobilephone"),
                "email": ("personemail",), "website": ("website",), "industry": ("industry",),
                "account_number": ("accountnumber",), "person_account": ("ispersonaccount",),
                "last_activity": ("lastactivitydate",),
                "kvk": ("kvk__c", "kvk_nummer__c", "kvknummer__c", "chamber_of_commerce__c"),
                "vat": ("vat__c", "btw__c", "vatnumber__c", "vat_number__c")},
    "contact": {**COMMON, "name": ("name",), "first_name": ("firstname",), "last_name": ("lastname",),
                "account": ("accountid",), "email": ("email",),
                "phone": ("phone", "mobilephone", "otherphone", "homephone"),
                "city": ("mailingcity", "othercity"), "title": ("title",), "department": ("department",),
                "last_activity": ("lastactivitydate",)},
    "lead": {**COMMON, "name": ("name",), "first_name": ("firstname",), "last_name": ("lastname",),
             "company": ("company",), "email": ("email",), "phone": ("phone", "mobilephone"),
             "city": ("city",), "title": ("title",), "status": ("status",),
             "converted": ("isconverted",), "website": ("website",),
             "last_activity": ("lastactivitydate",)},
    "opportunity": {**COMMON, "account": ("accountid",), "name": ("name",), "stage": ("stagename",),
                    "amount": ("amount",), "close_date": ("closedate",), "won": ("iswon",),
                    "closed": ("isclosed",), "type": ("type",)},
    "task": {**COMMON, "who": ("whoid",), "what": ("whatid",), "account": ("accountid",),
             "subject": ("subject",), "date": ("activitydate", "completeddatetime"),
             "status": ("status",), "closed": ("isclosed",), "subtype": ("tasksubtype",),
             "type": ("type",), "call_type": ("calltype",)},
    "event": {**COMMON, "who": ("whoid",), "what": ("whatid",), "account": ("accountid",),
              "subject": ("subject",), "date": ("activitydate", "activitydatetime", "startdatetime"),
              "subtype": ("eventsubtype",), "type": ("type",)},
    "user": {**COMMON, "name": ("name",), "first_name": ("firstname",), "last_name": ("lastname",),
             "username": ("username",), "email": ("email",), "department": ("department",),
             "active": ("isactive",), "alias": ("alias",)},
}
TABLES = {kind: alias_table({kind: keys}) for kind, keys in OBJECTS.items()}
ALL = {alias for table in TABLES.values() for alias in table}
MARKERS = ("isdeleted", "systemmodstamp", "createdbyid", "lastmodifiedbyid", "ownerid", "accountid",
           "stagename", "whoid", "whatid", "masterrecordid", "lastmodifieddate", "createddate")
OBJECT_NAMES = {"account": "Account", "contact": "Contact", "lead": "Lead", "opportunity": "Opportunity",
                "task": "Task", "event": "Event", "user": "User"}


def known(header: str) -> bool:
    return header in ALL or header.endswith("__c") or header.startswith(("who:", "what:"))


def _kind(headers: set[str]) -> str | None:
    def has(*names: str) -> bool:
        return any(name in headers for name in names)

    if has("stagename", "iswon") or (has("accountid") and has("closedate") and has("amount")):
        return "opportunity"
    if has("startdatetime", "enddatetime", "durationinminutes", "activitydatetime", "eventsubtype",
           "isalldayevent"):
        return "event"
    if has("subject") and (has("whoid", "whatid", "activitydate", "tasksubtype", "calltype", "priority",
                               "status") or any(h.startswith(("who:", "what:")) for h in headers)):
        return "task"
    if has("username"):
        return "user"
    if has("isconverted", "convertedaccountid", "leadsource") and has("company") and has("lastname"):
        return "lead"
    if has("lastname", "firstname") and not has("ispersonaccount", "billingcity", "industry", "website"):
        return "contact"
    if has("name", "lastname"):
        return "account"
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
        if kind in ("account", "contact", "lead") and header.endswith("__c") and KVK_HEADER.search(header):
            return [(kind, "kvk", 9)]
        if header.startswith("who:") and kind in ("task", "event"):
            return [(kind, "who_lookup", 0)]
        return []

    layout = Layout(OBJECT_NAMES[kind], headers, match(headers, resolve))
    markers = sum(1 for h in normalised if h in MARKERS or h.endswith("__c"))
    layout.score = layout.recognised() + 3 * min(markers, 5)
    layout.kind = kind
    return layout


def sf_id18(value: str) -> str:
    """The 18-character form of a 15-character Salesforce id (case-safe); others unchanged."""
    if len(value) != 15 or not value.isalnum() or not value.isascii():
        return value
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    suffix = ""
    for start in (0, 5, 10):
        bits = sum(1 << i for i, char in enumerate(value[start:start + 5]) if "A" <= char <= "Z")
        suffix += alphabet[bits]
    return value + suffix


def interpret(row: Row, out) -> None:
    kind = row.layout.kind
    if truth(row.get(kind, "deleted")):
        out.skip(row, f"deleted {OBJECT_NAMES[kind]} records (IsDeleted true)")
        return
    {"account": _account, "contact": _person, "lead": _person, "opportunity": _opportunity,
     "task": _activity, "event": _activity, "user": _user}[kind](row, out, kind)


def _rid(out, value: str) -> str:
    return out.id(sf_id18(value))


def _owner(row: Row, out, kind: str) -> str | None:
    """``OwnerId`` as the 18-character User id (a User export's ``Id`` is made the same)."""
    owner = row.get(kind, "owner")
    return out.owner(row, sf_id18(owner) if owner else None)


def _account(row: Row, out, kind: str) -> None:
    get = lambda key: row.get(kind, key)  # noqa: E731
    source_id = get("id")
    name = get("name") or person_name(get("first_name"), get("last_name"))
    if not name:
        out.skip(row, "Account records without a Name")
        return
    person = truth(get("person_account"))
    values = {
        "id": _rid(out, source_id) if source_id else out.id("account", name), "name": name,
        "kind": "person" if person else "organisation", "role": role_of(get("type")),
        "owner": _owner(row, out, kind), "since": row.date(kind, "created"),
        "email": get("email"), "phone": get("phone"), "city": get("city"),
        "source_id": source_id, "website": get("website"), "kvk": digits_kvk(get("kvk")),
        "vat": get("vat"), "industry": get("industry"), "street": get("street"),
        "postal_code": get("postal_code"), "country": get("country"),
        "account_number": get("account_number"),
    }
    out.summary(row, values, kind, ("last_activity",))
    out.relation(row, values, entity=kind)


def _person(row: Row, out, kind: str) -> None:
    get = lambda key: row.get(kind, key)  # noqa: E731
    source_id = get("id")
    name = get("name") or person_name(get("first_name"), get("last_name")) or get("email")
    if not name:
        out.skip(row, f"{OBJECT_NAMES[kind]} records without a name or e-mail")
        return
    if kind == "lead" and truth(get("converted")):
        out.skip(row, "converted Lead records (they are Contacts now)")
        return
    account = get("account") if kind == "contact" else None
    values = {
        "id": _rid(out, source_id) if source_id else out.id(kind, name), "name": name,
        "kind": "person", "role": "contact" if account else ("prospect" if kind == "lead" else None),
        "organisation": _rid(out, account) if account else None,
        "owner": _owner(row, out, kind), "since": row.date(kind, "created"),
        "email": get("email"), "phone": get("phone"), "city": get("city"),
        "source_id": source_id, "title": get("title"), "company": get("company") if kind == "lead" else None,
        "website": get("website") if kind == "lead" else None,
    }
    out.summary(row, values, kind, ("last_activity",))
    out.relation(row, values, entity=kind)


def _opportunity(row: Row, out, kind: str) -> None:
    get = lambda key: row.get(kind, key)  # noqa: E731
    account = get("account")
    if not account:
        out.skip(row, "Opportunity records without an AccountId")
        return
    date = row.date(kind, "close_date") or row.date(kind, "created")
    if not date:
        out.skip(row, "Opportunity records without a CloseDate or CreatedDate")
        return
    out.event("business", row, {
        "relation": _rid(out, account), "date": date, "amount": get("amount"),
        "kind": get("type"), "status": deal_status(get("stage"), get("won"), get("closed")),
    })


def _activity(row: Row, out, kind: str) -> None:
    get = lambda key: row.get(kind, key)  # noqa: E731
    what = get("what") or ""
    target = get("account") or (what if what.startswith("001") else None) or get("who")
    if not target:
        reason = ("activities naming their contact by a lookup field (e.g. Who:Contact-email) instead "
                  "of WhoId" if row.layout.has(kind, "who_lookup") else
                  "activities without an AccountId, an account WhatId or a WhoId")
        out.skip(row, reason)
        return
    date = row.date(kind, "date")
    if not date:
        out.skip(row, f"{OBJECT_NAMES[kind]} records without an ActivityDate")
        return
    channel = channel_of(get("subtype"), strict=True) or channel_of(get("type"), strict=True)
    if kind == "event":
        channel = channel or "visit"
    done = truth(get("closed"))
    status = (get("status") or "").casefold()
    if done is None and status:
        done = status in ("completed", "voltooid", "afgerond", "done")
    values = {"relation": _rid(out, target), "date": date}
    if kind == "task" and done is False:
        out.event("events", row, {**values, "kind": "planned", "notes": get("subject")})
        return
    out.event("touchpoints", row, {
        **values, "employee": _owner(row, out, kind), "channel": channel,
        "direction": direction_of(get("call_type")), "notes": get("subject"),
    })


def _user(row: Row, out, kind: str) -> None:
    """A User as an employee with its 18-character Id (what OwnerId holds); the login name
    (Username) and the short Alias are aliases an owner may be given by too."""
    get = lambda key: row.get(kind, key)  # noqa: E731
    uid = get("id") or get("username")
    name = get("name") or person_name(get("first_name"), get("last_name")) or get("username")
    if not uid or not name:
        out.skip(row, "User records without an Id or a name")
        return
    out.employee(row, sf_id18(uid), name, get("email"), get("department"),
                 aliases=(get("username"), get("alias")))


def _default_entity(layout: Layout) -> str:
    return layout.kind


PROFILE = Profile(
    type="salesforce", label="Salesforce", prefix="sf:",
    objects="Account, Contact, Lead, Opportunity, Task, Event or User with API names as headers",
    org_word=("account",),
    recognise=recognise, interpret=interpret, known=known,
    fields={kind: tuple(keys) + (("category", "phase", "role", "tags") if kind in
                                 ("account", "contact", "lead") else ())
            for kind, keys in OBJECTS.items()},
    default_entity=_default_entity,
    auto_dates=ISO_DATES + US_DATES + EU_DATES[:1],
    describe="A Salesforce Data Export or Data Loader CSV (Account, Contact, Opportunity, Task, "
             "Event, User, Lead), or a folder or .zip of them.",
)
