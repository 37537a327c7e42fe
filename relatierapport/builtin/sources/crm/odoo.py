"""Odoo contacts (res.partner).

Reads an Odoo export of contacts, with technical field names (an
import-compatible export: ``id, name, is_company, parent_id/id, email, phone,
city, user_id, vat, company_registry, category_id, website``) or labels
(English or Dutch: "Name", "Related Company", "Salesperson", "Tags" /
"Naam", "Gerelateerd bedrijf", "Verkoper", "Labels"), and Odoo's own XML data
files (``<record model="res.partner">``, as modules ship their demo data).
Companies are organisations, the others persons linked to their company by
``parent_id/id`` (or, in a label export, by the company's name: in the same
file, also from a display name "Company, Person", else across all sources
after merging). Ids are ``odoo:`` + the
external id (``odoo:base.res_partner_1``) or, without one, the name. KvK
(``company_registry``), VAT and website are kept for matching across sources;
the salesperson is the owner.
"""

from __future__ import annotations

import re

from relatierapport.builtin.sources.crm.common import Profile
from relatierapport.builtin.sources.crm.layout import (KVK_HEADER, Layout, Row, alias_table, match,
                                                       norm)
from relatierapport.builtin.sources.crm.odoo_xml import read_xml
from relatierapport.builtin.sources.crm.values import digits_kvk, plain_text, truth

FIELDS: dict[str, tuple[str, ...]] = {
    "id": ("id", "External ID", "Externe ID", ".id", "ID"),
    "name": ("name", "Name", "Naam", "complete_name", "display_name", "Display Name", "Weergavenaam",
             "Volledige naam"),
    "is_company": ("is_company", "Is a Company", "Is een bedrijf", "company_type", "Company Type",
                   "Bedrijfstype", "Soort bedrijf"),
    "parent_id": ("parent_id/id", "Related Company/External ID", "Gerelateerd bedrijf/Externe ID",
                  "parent_id/.id"),
    "parent_name": ("parent_id", "Related Company", "Gerelateerd bedrijf", "parent_name",
                    "Parent name", "commercial_company_name"),
    "email": ("email", "Email", "E-mail"),
    "phone": ("phone", "Phone", "Telefoon", "Telefoonnummer", "mobile", "Mobile", "Mobiel"),
    "city": ("city", "City", "Plaats", "Stad"),
    "street": ("street", "Street", "Straat", "Adres"),
    "postal_code": ("zip", "Zip", "ZIP", "Postcode"),
    "country": ("country_id", "Country", "Land", "country_code", "country_id/id"),
    "owner": ("user_id", "Salesperson", "Verkoper", "Account Manager", "user_id/id"),
    "kvk": ("company_registry", "Company Registry", "Company ID", "KvK", "KvK-nummer", "KvK nummer",
            "Handelsregister", "Bedrijfsregistratie"),
    "vat": ("vat", "Tax ID", "VAT", "Btw-nummer", "BTW-nummer", "Btw nummer", "BTW nummer", "Btw-nr"),
    "website": ("website", "Website", "Website Link"),
    "tags": ("category_id", "Tags", "Labels", "category_id/name"),
    "title": ("function", "Job Position", "Functie", "Job Title"),
    "since": ("create_date", "Created on", "Aangemaakt op"),
    "reference": ("ref", "Reference", "Referentie", "Internal Reference"),
    "active": ("active", "Active", "Actief"),
    "note": ("comment", "Notes", "Notities", "Opmerkingen"),
}
TABLE = alias_table({"partner": FIELDS})
MARKERS = {norm(h) for h in ("parent_id/id", "parent_id", "is_company", "company_type", "user_id",
                             "category_id", "company_registry", "Related Company", "Is a Company",
                             "Gerelateerd bedrijf", "Is een bedrijf", "Salesperson", "Verkoper",
                             "commercial_company_name", "function", "Job Position", "Company Type")}
ID_COLUMNS = {norm(h) for h in ("parent_id/id", "user_id/id", "country_id/id", "parent_id/.id",
                                "Related Company/External ID", "Gerelateerd bedrijf/Externe ID")}


def known(header: str) -> bool:
    return header in TABLE or header.endswith("/id")


def recognise(headers: list[str]) -> Layout | None:
    normalised = [norm(h) for h in headers]

    def resolve(header: str):
        if header in TABLE:
            return TABLE[header]
        if KVK_HEADER.search(header):
            return [("partner", "kvk", 9)]
        return []

    layout = Layout("res.partner", headers, match(headers, resolve))
    if not layout.has("partner", "name"):
        return None
    markers = sum(1 for h in normalised if h in MARKERS or h.endswith("/id"))
    if markers == 0 and layout.recognised() < 3:
        return None
    layout.score = layout.recognised() + 3 * min(markers, 5)
    return layout


def _is_id_column(row: Row, key: str) -> bool:
    indices = row.layout.columns.get(("partner", key), [])
    for index in indices:
        value = row.cells[index] if index < len(row.cells) else None
        if value and value.strip():
            return norm(row.layout.headers[index]) in ID_COLUMNS
    return False


def _company(value: str | None) -> bool | None:
    word = (value or "").strip().casefold()
    if word in ("company", "bedrijf", "organisation", "organization"):
        return True
    if word in ("person", "individual", "persoon", "individu", "particulier"):
        return False
    return truth(value)


def _country(value: str | None, is_id: bool) -> str | None:
    if value and is_id:
        code = value.rpartition(".")[2]
        return code.upper() if len(code) == 2 else value
    return value


def interpret(row: Row, out) -> None:
    get = lambda key: row.get("partner", key)  # noqa: E731
    name, source_id = get("name"), get("id")
    if not name:
        out.skip(row, "contacts without a name")
        return
    if truth(get("active")) is False:
        out.skip(row, "archived contacts (active false)")
        return
    parent_id, parent_name = get("parent_id"), get("parent_name")
    company = _company(get("is_company"))
    display_name = name
    # a label export's display name "Wood Corner, Willie Burke": a person of the company named
    # first, if the file has that company (else it is one name with a comma in it)
    split = company is None and not (parent_id or parent_name) and ", " in name
    if split:
        parent_name, _, name = name.partition(", ")
    if company is None:
        company = not (parent_id or parent_name)
    owner = get("owner")
    values = {
        "id": out.id(source_id or display_name), "name": name, "kind": "organisation" if company else "person",
        "role": "contact" if not company and (parent_id or parent_name) else None,
        "owner": out.owner(row, owner),
        "organisation": out.id(parent_id) if parent_id else None,
        "since": row.date("partner", "since"), "email": get("email"), "phone": get("phone"),
        "city": get("city"), "tags": tuple(t.strip() for t in re.split(r"[,;|]", get("tags") or "")
                                           if t.strip()),
        "source_id": source_id, "kvk": digits_kvk(get("kvk")), "vat": get("vat"),
        "website": get("website"), "title": get("title"), "street": get("street"),
        "postal_code": get("postal_code"),
        "country": _country(get("country"), _is_id_column(row, "country")),
        "reference": get("reference"), "note": plain_text(get("note")),
    }
    rid = out.relation(row, values, entity="partner")
    if not values["organisation"] and parent_name and not company:
        target = out.relations[rid]

        def one_name() -> None:
            target.update(name=display_name, kind="organisation")
            target.pop("role", None)

        out.link_by_name(row, target, "organisation", parent_name, otherwise=one_name if split else None)


PROFILE = Profile(
    type="odoo", label="Odoo",
    prefix="odoo:",
    objects="res.partner contacts with technical field names or labels, or an Odoo XML data file",
    org_word=(),
    recognise=recognise, interpret=interpret, known=known,
    fields={"partner": tuple(FIELDS) + ("category", "phase", "role")},
    default_entity=lambda layout: "partner",
    extra_readers={".xml": read_xml},
    describe="An Odoo contacts export (res.partner; technical names or labels) or an Odoo XML data "
             "file with res.partner records.",
)
