"""The CRM export sources (hubspot, pipedrive, salesforce, odoo, crm) on real and realistic files.

Real files come from tests/data/crm-exports (Salesforce Data Loader samples and test
files, Odoo's res.partner demo data, the 182-column HubSpot contacts header); the rows
in hand-written exports are ours, under headers as the CRMs write them. Expected values
were read from the files, not from the program's output.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import json
import shutil
import zipfile
from pathlib import Path

import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TEST_DATA, cli
from relatierapport.build import BuildOptions, configure, read_sources
from relatierapport.config import SourceSpec
from relatierapport.errors import Problem
from relatierapport.model import SourceData
from relatierapport.plugins import make_plugins

CRM = TEST_DATA / "crm-exports"
SF = CRM / "salesforce-dataloader"
ODOO_XML = CRM / "odoo" / "res_partner_demo.xml"
TYPES = ("hubspot", "pipedrive", "salesforce", "odoo", "crm")


# -- helpers: real projects, read through the real config and plugin machinery ---------------------

def project(root: Path, files: dict[str, str | bytes], *sources: dict) -> Path:
    """A project folder with data files and a config.toml holding these [[sources]]."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        path = root / "data" / name
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    config = {"project": {"name": "CRM-test"}, "sources": list(sources)}
    (root / "config.toml").write_text(tomli_w.dumps(config), encoding="utf-8")
    return root / "config.toml"


def read(root: Path, files: dict[str, str | bytes], **source) -> SourceData:
    """Read one source as a build does (config validated, plugins loaded)."""
    source.setdefault("path", f"data/{next(iter(files))}")
    config = project(root, files, source)
    plugins, cfg = configure(BuildOptions(config))
    [(_, data)] = read_sources(plugins, cfg)
    return data


def by_id(data: SourceData) -> dict:
    return {relation.id: relation for relation in data.relations}


def rows(data: SourceData, table: str) -> list[dict]:
    return data.tables[table].to_dicts() if table in data.tables else []


def messages(problems: list[Problem]) -> list[str]:
    return [str(problem) for problem in problems]


def write_csv(header: list[str], records: list[dict], delimiter: str = ",") -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, header, delimiter=delimiter, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writeheader()
    writer.writerows(records)
    return out.getvalue()


def hubspot_header() -> list[str]:
    lines = (CRM / "hubspot_all_contacts_header.txt").read_text(encoding="utf-8").splitlines()
    return [line for line in lines if line and not line.startswith("#")]


# -- HubSpot --------------------------------------------------------------------------------------

def test_hubspot_contacts_export_with_the_real_182_column_header(tmp_path):
    header = hubspot_header()
    assert len(header) == 182 and "höbbela" in header and header[-1] == "Associated Subscription IDs"
    records = [
        {"Record ID": "51", "First Name": "Sanne", "Last Name": "de Vries",
         "Email": "sanne@bakkerij-jansen.nl", "Phone Number": "+31 30 123 4567", "City": "Utrecht",
         "Contact owner": "Mila Jansen", "Create Date": "2024-01-15 10:23", "Job Title": "Inkoper",
         "Lifecycle Stage": "Customer", "Associated Company": "Bakkerij Jansen BV",
         "Associated Company IDs": "9001", "höbbela": "ja", "Company Name": "Bakkerij Jansen",
         "Last Activity Date": "2024-02-01 09:10", "Last Contacted": "2024-02-12 16:00",
         "Number of times contacted": "7"},
        {"Record ID": "101", "First Name": "Piet", "Last Name": "Bos", "Email": "piet@example.org",
         "Create Date": "2023-06-01", "Lifecycle Stage": "Lead", "Mobile Phone Number": "06-12345678"},
        {"Record ID": "151", "Email": "info@zoë-ærts.nl", "Contact owner": "sem@bureau.nl",
         "Associated Company": "Zoë Ærts", "Create Date": "2022-11-30T08:00:00Z"},
        {"Record ID": "201", "Create Date": "2022-11-30"},
    ]
    data = read(tmp_path, {"hubspot-crm-exports-all-contacts-2024-02-21.csv": write_csv(header, records)},
                type="hubspot")
    assert data.errors == []
    relations = by_id(data)
    sanne = relations["hs:contact:51"]
    assert (sanne.name, sanne.kind, sanne.role, sanne.owner) == ("Sanne de Vries", "person", "contact",
                                                                 "Mila Jansen")
    assert (sanne.email, sanne.phone, sanne.city) == ("sanne@bakkerij-jansen.nl", "+31 30 123 4567", "Utrecht")
    assert sanne.since == dt.date(2024, 1, 15)
    assert sanne.organisation == "hs:company:9001"
    assert sanne.extra["source_id"] == "51" and sanne.extra["title"] == "Inkoper"
    assert sanne.origin.endswith(".csv:2")
    company = relations["hs:company:9001"]
    assert (company.name, company.kind) == ("Bakkerij Jansen BV", "organisation")
    piet = relations["hs:contact:101"]
    assert (piet.role, piet.phone, piet.organisation) == ("prospect", "06-12345678", None)
    nameless = relations["hs:contact:151"]                   # no name: the e-mail address names it
    assert nameless.name == "info@zoë-ærts.nl" and nameless.since == dt.date(2022, 11, 30)
    # a company known by name only: kept for linking across sources, never made up here
    assert (nameless.organisation, nameless.organisation_name) == (None, "Zoë Ærts")
    assert "hs:company:Zoë Ærts" not in relations
    assert "hs:contact:201" not in relations
    assert messages(data.warnings) == [
        "data/hubspot-crm-exports-all-contacts-2024-02-21.csv:5: contacts without a name or e-mail: left out"]
    assert data.employees == []          # owners stay as written; employees come from employee data
    assert (nameless.owner, sanne.owner) == ("sem@bureau.nl", "Mila Jansen")
    # the export's own summary of contact: the latest of the two dates, and the count
    assert (sanne.summary_last_contact, sanne.summary_contacts) == (dt.date(2024, 2, 12), 7)
    assert sanne.provenance["summary_last_contact"] == (
        "data/hubspot-crm-exports-all-contacts-2024-02-21.csv:2 (export summary: Last Contacted)")
    assert sanne.provenance["summary_contacts"].endswith(":2 (export summary: Number of times contacted)")
    assert (piet.summary_last_contact, piet.summary_contacts) == (None, None)     # unknown, not zero


DUTCH_DEALS = (
    '"Record-ID";"Dealnaam";"Dealfase";"Pijplijn";"Bedrag";"Sluitdatum";"Aanmaakdatum";"Eigenaar deal";'
    '"Gekoppeld bedrijf";"Gekoppelde bedrijfs-ID\'s"\n'
    '"7001";"Nieuwe vestiging";"Gesloten gewonnen";"Verkooppijplijn";"12.500,50";"15-01-2024 10:23";'
    '"01-12-2023";"Mila Jansen";"Bakkerij Jansen BV";"9001"\n'
    '"7002";"Onderhoud";"Offerte verstuurd";"Verkooppijplijn";"1.234,56";"";"02-02-2024";"Sem Bakker";'
    '"Slagerij Smit";""\n'
    '"7003";"Uitbreiding";"Gesloten verloren";"Verkooppijplijn";"800";"2024-03-01";"";"";"";"9001"\n'
    '"7004";"Zonder bedrijf";"Afspraak gepland";"Verkooppijplijn";"50";"2024-03-02";"";"";"";""\n'
)


def test_hubspot_deals_with_dutch_labels_and_decimal_comma(tmp_path):
    data = read(tmp_path, {"deals.csv": DUTCH_DEALS}, type="hubspot")
    assert data.errors == []
    business = rows(data, "business")
    assert [(b["relation"], b["date"], b["amount"], b["status"]) for b in business] == [
        ("hs:company:9001", dt.date(2024, 1, 15), 12500.5, "won"),
        ("hs:company:Slagerij Smit", dt.date(2024, 2, 2), 1234.56, "quote"),   # no close date: created
        ("hs:company:9001", dt.date(2024, 3, 1), 800.0, "lost"),
    ]
    assert messages(data.warnings) == ["data/deals.csv:5: deals without an associated company or contact: "
                                       "left out"]
    relations = by_id(data)
    assert relations["hs:company:9001"].name == "Bakkerij Jansen BV"
    assert relations["hs:company:Slagerij Smit"].name == "Slagerij Smit"
    assert data.employees == []           # deal owners name employees; they are not made into ones


def test_an_unclosed_quote_in_a_crm_export_is_located_and_the_rows_before_it_count(tmp_path):
    # the deals without quotes, but deal 7003's name (line 4) opens one that never closes:
    # before, the reader swallowed 7003 and 7004 into one value without a word
    deals = DUTCH_DEALS.replace('"', "").replace(";Uitbreiding;", ';"Uitbreiding;')
    data = read(tmp_path, {"deals.csv": deals}, type="hubspot")
    assert messages(data.warnings)[0] == ("data/deals.csv:4: an opening quote is never closed; the rest "
                                          "of the file (lines 4–5, 2 lines) is left out")
    assert [b["amount"] for b in rows(data, "business")] == [12500.5, 1234.56]


def test_hubspot_amount_in_the_wrong_locale_is_a_located_error_and_decimal_fixes_it(tmp_path):
    deals = DUTCH_DEALS.replace(";", ",").replace('"12.500,50"', '"12,500.50"').replace('"1.234,56"', '"1234.56"')
    data = read(tmp_path, {"deals.csv": deals}, type="hubspot", decimal=",")
    assert 'data/deals.csv:2: amount: expected a number with decimal comma, found "12,500.50"' in \
        messages(data.errors)
    data = read(tmp_path, {"deals.csv": deals}, type="hubspot")       # "," delimiter: decimal point
    assert [b["amount"] for b in rows(data, "business")] == [12500.5, 1234.56, 800.0]


def test_hubspot_activities_become_touchpoints_notes_and_planned_tasks(tmp_path):
    calls = (
        "Record ID,Activity type,Activity date,Call Title,Call direction,Activity assigned to,Note body,"
        "Task status,Associated Company IDs,Associated Contact IDs,Associated Company\n"
        "1,CALL,2024-03-04 09:15,Kwartaalgesprek,Outbound,Mila Jansen,,,9001,51,Bakkerij Jansen BV\n"
        "2,NOTE,2024-03-05 11:00,,,Mila Jansen,<p>Wil uitbreiden&nbsp;in <b>Zeist</b></p>,,9001,,\n"
        "3,TASK,2024-04-01,Offerte nabellen,,Sem Bakker,,NOT_STARTED,,101,\n"
        "4,MEETING,2024-03-10T14:00:00Z,,,Sem Bakker,,,,,Slagerij Smit\n"
        "5,INCOMING_EMAIL,2024-03-11,,,Mila Jansen,,,,51,\n"
    )
    data = read(tmp_path, {"calls.csv": calls}, type="hubspot")
    assert data.errors == [] and data.warnings == []
    touchpoints = [(t["relation"], t["date"], t["employee"], t["channel"], t["direction"], t["notes"])
                   for t in rows(data, "touchpoints")]
    assert touchpoints == [
        ("hs:company:9001", dt.date(2024, 3, 4), "Mila Jansen", "phone", "out", "Kwartaalgesprek"),
        ("hs:company:Slagerij Smit", dt.date(2024, 3, 10), "Sem Bakker", "visit", None, None),
        ("hs:contact:51", dt.date(2024, 3, 11), "Mila Jansen", "email", "in", None),
    ]
    assert [(e["relation"], e["kind"], e["notes"]) for e in rows(data, "events")] == [
        ("hs:company:9001", "note", "Wil uitbreiden in Zeist"),
        ("hs:contact:101", "planned", "Offerte nabellen"),
    ]


def test_hubspot_dutch_contacts_and_companies_labels(tmp_path):
    companies = ("sep=;\n"                                   # as Excel writes it when re-saving
                 "Record-ID;Naam;Domeinnaam bedrijf;Eigenaar bedrijf;Plaats;Type;KvK-nummer;Aanmaakdatum\n"
                 "9001;Bakkerij Jansen BV;bakkerij-jansen.nl;Mila Jansen;Utrecht;Klant;30123456;15-01-2024\n")
    data = read(tmp_path, {"bedrijven.csv": companies}, type="hubspot")
    assert data.errors == []
    [company] = data.relations
    assert (company.id, company.name, company.role, company.owner, company.city, company.since) == (
        "hs:company:9001", "Bakkerij Jansen BV", "client", "Mila Jansen", "Utrecht", dt.date(2024, 1, 15))
    assert company.extra == {"source_id": "9001", "website": "bakkerij-jansen.nl", "kvk": "30123456"}
    assert company.origin == "data/bedrijven.csv:3"
    contacts = ("Record-ID;Voornaam;Achternaam;E-mail;Telefoonnummer;Eigenaar contactpersoon;Functie;"
                "Primaire gekoppelde bedrijfs-ID\n"
                "51;Sanne;de Vries;sanne@bakkerij-jansen.nl;030-1234567;Mila Jansen;Inkoper;9001\n")
    [sanne] = read(tmp_path, {"contactpersonen.csv": contacts}, type="hubspot").relations
    assert (sanne.id, sanne.name, sanne.organisation, sanne.owner, sanne.extra["title"]) == (
        "hs:contact:51", "Sanne de Vries", "hs:company:9001", "Mila Jansen", "Inkoper")


# -- Pipedrive --------------------------------------------------------------------------------------

#: The header of Pipedrive's official sample import spreadsheet (HEADERS.md).
PIPEDRIVE_IMPORT_HEADER = ("Person - Name*,Person - First name,Person - Last name,Person - Phone,"
                           "Person - Email (Work),Person - Email (Home),Organization - Name*,"
                           "Organization - Address,Deal - Title,Deal - Value,Activity - Subject*,"
                           "Activity - Due date,Note - Content*")


def test_pipedrive_import_sheet_row_gives_person_organisation_deal_and_activity(tmp_path):
    sheet = (PIPEDRIVE_IMPORT_HEADER + "\n"
             'Jan de Boer,Jan,de Boer,+31 6 12345678,jan@deboer.nl,jan@thuis.nl,'
             'De Boer Installatietechniek B.V.,"Kerkstraat 1, 3511 AB Utrecht",Nieuwe cv-installatie,4500,'
             'Kennismakingsgesprek,2024-02-20,Wil offerte voor april\n'
             'Eva Smit,,,,eva@acme.nl,,Acme,,,,,,\n')
    data = read(tmp_path, {"import.csv": sheet}, type="pipedrive")
    assert data.errors == [] and data.warnings == []
    relations = by_id(data)
    org = relations["pd:org:De Boer Installatietechniek B.V."]
    assert (org.kind, org.city, org.extra["address"]) == ("organisation", "Utrecht", "Kerkstraat 1, 3511 AB Utrecht")
    person = relations["pd:person:Jan de Boer"]
    assert (person.kind, person.email, person.phone, person.organisation, person.role) == (
        "person", "jan@deboer.nl", "+31 6 12345678", org.id, "contact")
    assert relations["pd:person:Eva Smit"].organisation == "pd:org:Acme"
    # the sheet has no deal date: the deal is dated by the activity of its row
    assert rows(data, "business") == [{"relation": org.id, "date": dt.date(2024, 2, 20), "amount": 4500.0,
                                       "hours": None, "kind": None, "status": "open"}]
    [touchpoint] = rows(data, "touchpoints")
    assert (touchpoint["relation"], touchpoint["date"], touchpoint["notes"]) == (
        org.id, dt.date(2024, 2, 20), "Kennismakingsgesprek")
    assert org.extra["note"] == "Wil offerte voor april"


PIPEDRIVE_EXPORT = (
    "Organization - ID;Organization - Name;Organization - Owner;Organization - Labels;"
    "Organization - KvK-nummer;Person - ID;Person - Name;Person - Email - Work;Organization;"
    "Deal - Title;Deal - Value;Deal - Status;Deal - Won time;Deal - Lost time;Deal - Owner;"
    "Activity - Subject;Activity - Type;Activity - Due date;Activity - Done\n"
    "12;Acme B.V.;Mila Jansen;Klant, Strategisch;KvK 1234.5678;;;;;;;;;;;;;;\n"
    ";;;;;34;Eva Smit;eva@acme.nl;ACME BV;Raamcontract;12.500,00;won;2024-05-02 10:00:00;;Mila Jansen;"
    "Evaluatie;Meeting;2024-05-10;Done\n"
    ";;;;;35;Tom Kok;tom@kok.nl;Kok Logistiek;Pilot;2.000,00;lost;;2024-04-01 09:00:00;Sem Bakker;"
    "Terugbellen;Call;2024-06-01;To do\n"
)


def test_pipedrive_export_links_bare_organization_names_within_the_file(tmp_path):
    data = read(tmp_path, {"pipedrive.csv": PIPEDRIVE_EXPORT}, type="pipedrive")
    assert data.errors == [] and data.warnings == []
    relations = by_id(data)
    acme = relations["pd:org:12"]
    assert (acme.name, acme.owner, acme.tags) == ("Acme B.V.", "Mila Jansen", ("Klant", "Strategisch"))
    assert acme.extra == {"source_id": "12", "kvk": "12345678"}
    assert relations["pd:person:34"].organisation == "pd:org:12"          # "ACME BV" is "Acme B.V."
    # the deal names "Kok Logistiek", which the file does not hold: the CRM does, so it is added,
    # and the person of that row belongs to it
    assert relations["pd:person:35"].organisation == "pd:org:Kok Logistiek"
    assert relations["pd:org:Kok Logistiek"].name == "Kok Logistiek"
    assert [(b["relation"], b["date"], b["amount"], b["status"]) for b in rows(data, "business")] == [
        ("pd:org:12", dt.date(2024, 5, 2), 12500.0, "won"),
        ("pd:org:Kok Logistiek", dt.date(2024, 4, 1), 2000.0, "lost")]
    assert [(t["relation"], t["channel"], t["notes"]) for t in rows(data, "touchpoints")] == [
        ("pd:org:12", "visit", "Evaluatie")]
    assert [(e["relation"], e["date"], e["kind"]) for e in rows(data, "events")] == [
        ("pd:org:Kok Logistiek", dt.date(2024, 6, 1), "planned")]
    assert data.employees == []                     # owners are names, matched to employees later


def test_pipedrive_xlsx_export_with_dates_as_cells_and_serial_numbers(tmp_path):
    import openpyxl
    book = openpyxl.Workbook()
    book.active.title = "Info"
    book.active.append(["Export van Pipedrive"])
    sheet = book.create_sheet("Deals")
    sheet.append(["Deal - Title", "Deal - Value", "Deal - Status", "Deal - Won time",
                  "Deal - Expected close date", "Organization - Name", "Deal - Owner"])
    sheet.append(["Raamcontract", 12500.5, "won", dt.datetime(2024, 5, 2, 10, 0), None, "Acme B.V.", "Mila Jansen"])
    sheet.append(["Pilot", 2000, "open", None, 45658, "Acme B.V.", None])   # 45658: Excel's 1 Jan 2025
    buffer = io.BytesIO()
    book.save(buffer)
    data = read(tmp_path, {"deals.xlsx": buffer.getvalue()}, type="pipedrive", sheet="Deals")
    assert data.errors == []
    assert [(b["relation"], b["date"], b["amount"], b["status"]) for b in rows(data, "business")] == [
        ("pd:org:Acme B.V.", dt.date(2024, 5, 2), 12500.5, "won"),
        ("pd:org:Acme B.V.", dt.date(2025, 1, 1), 2000.0, "open")]
    assert by_id(data)["pd:org:Acme B.V."].origin == "data/deals.xlsx:2"
    data = read(tmp_path, {"deals.xlsx": buffer.getvalue()}, type="pipedrive", sheet="Blad1")
    assert messages(data.errors) == ['data/deals.xlsx: expected a sheet "Blad1" (option sheet), found sheets: '
                                     'Info, Deals']


# -- Salesforce ------------------------------------------------------------------------------------

def test_salesforce_data_loader_opportunities_real_file(tmp_path):
    data = read(tmp_path, {"opportunityData.csv": (SF / "samples" / "opportunityData.csv").read_bytes()},
                type="salesforce")
    assert data.errors == [] and data.warnings == []
    business = rows(data, "business")
    assert len(business) == 38
    # SOURCE.txt: 29 of 38 on account 001x0000002xLD0AAM; stages: 8 Closed Won, 4 Proposal/Price Quote
    assert sum(b["relation"] == "sf:001x0000002xLD0AAM" for b in business) == 29
    statuses = [b["status"] for b in business]
    assert (statuses.count("won"), statuses.count("quote"), statuses.count("open")) == (8, 4, 26)
    first = business[0]     # "George Foundation - 5000 Widgets", Closed Won, 500000.0, 2005-11-09
    assert (first["date"], first["amount"], first["status"], first["kind"]) == (
        dt.date(2005, 11, 9), 500000.0, "won", "Opportunity")
    assert business[8]["amount"] is None                       # "oppty1" has no AMOUNT
    assert min(b["date"] for b in business) == dt.date(2005, 11, 9)
    assert max(b["date"] for b in business) == dt.date(2006, 6, 6)
    assert data.employees == []          # OWNERID is an id; names come from a User export


def test_a_crm_export_cut_off_in_its_last_record_is_a_warning_at_its_line(tmp_path):
    """The real export with its last line cut after twelve of its 31 fields and no line break:
    said at that line, and the 38 opportunities still count."""
    raw = (SF / "samples" / "opportunityData.csv").read_bytes()
    start = raw.rstrip(b"\n").rindex(b"\n") + 1
    cut = raw[:start] + b",".join(raw[start:].split(b",")[:12])
    data = read(tmp_path, {"opportunityData.csv": cut}, type="salesforce")
    assert data.errors == []
    assert messages(data.warnings) == [
        "data/opportunityData.csv:39: expected 31 fields (as in the header), found 12 on the last "
        "line, which has no line break after it: the file looks cut off (saved or copied before "
        "it was complete?); the record is read with its missing fields empty"]
    assert len(rows(data, "business")) == 38
    whole = read(tmp_path / "whole", {"opportunityData.csv": raw.rstrip(b"\n")}, type="salesforce")
    assert whole.warnings == [] and len(rows(whole, "business")) == 38


def test_salesforce_data_loader_result_files_load(tmp_path):
    for name, count in (("success0413060133.csv", 9), ("error0413060133.csv", 11)):
        data = read(tmp_path, {name: (SF / "samples" / name).read_bytes()}, type="salesforce")
        assert data.errors == [] and len(rows(data, "business")) == count


ACCOUNTS_UPPER = (
    '"ID","ISDELETED","NAME","TYPE","BILLINGCITY","PHONE","WEBSITE","INDUSTRY","OWNERID","CREATEDDATE",'
    '"KVK_NUMMER__C"\n'
    '"001x0000002xLD0AAM","false","George Foundation","Customer - Direct","Utrecht","030-1234567",'
    '"www.george.example","Media","005x0000000fNSiAAM","2006-04-15T03:23:15.000Z","1234 5678"\n'
    '"001x0000002lBtqAAE","false","Universal Media","Prospect","Zwolle","","","","005x0000000fNSiAAM",'
    '"2006-04-16T10:00:00.000Z",""\n'
    '"001x0000002lBtoAAE","true","Verwijderd BV","","","","","","","",""\n'
)
CONTACTS_ORIGINAL = (
    "Id,IsDeleted,AccountId,FirstName,LastName,Email,MobilePhone,MailingCity,Title,OwnerId,CreatedDate\n"
    # a 15-character AccountId (as reports write it) is the same account as the 18-character one
    "003x000000AbCdEAAV,false,001x0000002xLD0,Anna,Visser,anna@george.example,06-11111111,Utrecht,"
    "Directeur,005x0000000fNSiAAM,2006-05-01T09:00:00.000Z\n"
)
OPPORTUNITIES_ORIGINAL = (
    "Id,IsDeleted,AccountId,Name,StageName,Amount,CloseDate,IsClosed,IsWon,OwnerId\n"
    "006x0000001YtCrAAK,false,001x0000002xLD0AAM,George Foundation - 5000 Widgets,Closed Won,500000.0,"
    "2005-11-09,true,true,005x0000000fNSiAAM\n"
    "006x0000001YtCsAAK,false,001x0000002lBtqAAE,Universal Media - 500 Widgets,Closed Lost,50000.0,"
    "2005-11-09,true,false,005x0000000fNSiAAM\n"
)


def test_salesforce_accounts_contacts_and_opportunities_link_in_both_header_cases(tmp_path):
    accounts = read(tmp_path, {"Account.csv": ACCOUNTS_UPPER}, type="salesforce")
    assert accounts.errors == []
    relations = by_id(accounts)
    george = relations["sf:001x0000002xLD0AAM"]
    assert (george.name, george.kind, george.role, george.city, george.owner) == (
        "George Foundation", "organisation", "client", "Utrecht", "005x0000000fNSiAAM")
    assert george.since == dt.date(2006, 4, 15)
    assert george.extra == {"source_id": "001x0000002xLD0AAM", "website": "www.george.example",
                            "industry": "Media", "kvk": "12345678"}
    assert relations["sf:001x0000002lBtqAAE"].role == "prospect"
    assert "sf:001x0000002lBtoAAE" not in relations       # ISDELETED true
    assert messages(accounts.warnings) == ["data/Account.csv:4: deleted Account records (IsDeleted true): left out"]

    contacts = read(tmp_path, {"Contact.csv": CONTACTS_ORIGINAL}, type="salesforce")
    [anna] = contacts.relations
    assert (anna.id, anna.name, anna.kind, anna.role, anna.organisation, anna.phone, anna.extra["title"]) == (
        "sf:003x000000AbCdEAAV", "Anna Visser", "person", "contact", "sf:001x0000002xLD0AAM", "06-11111111",
        "Directeur")

    opportunities = read(tmp_path, {"Opportunity.csv": OPPORTUNITIES_ORIGINAL}, type="salesforce")
    assert [(b["relation"], b["amount"], b["status"]) for b in rows(opportunities, "business")] == [
        ("sf:001x0000002xLD0AAM", 500000.0, "won"), ("sf:001x0000002lBtqAAE", 50000.0, "lost")]


def test_salesforce_weekly_export_zip_with_users_tasks_and_events(tmp_path):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as export:
        export.writestr("Account.csv", ACCOUNTS_UPPER.replace('"ID"', '"Id"'))
        export.writestr("Contact.csv", CONTACTS_ORIGINAL)
        export.writestr("Opportunity.csv", OPPORTUNITIES_ORIGINAL)
        export.writestr("Task.csv", (
            "Id,WhoId,WhatId,AccountId,Subject,ActivityDate,Status,IsClosed,OwnerId,TaskSubtype,CallType\n"
            "00Tx1,003x000000AbCdEAAV,,001x0000002xLD0AAM,Belafspraak,2006-06-01,Completed,true,"
            "005x0000000fNSiAAM,Call,Outbound\n"
            "00Tx2,003x000000AbCdEAAV,,,Offerte sturen,2006-07-01,Not Started,false,005x0000000fNSiAAM,Task,\n"))
        export.writestr("Event.csv", (
            "Id,WhoId,WhatId,AccountId,Subject,ActivityDateTime,OwnerId,DurationInMinutes\n"
            "00Ux1,,001x0000002lBtqAAE,,Bezoek,2006-06-12T13:00:00.000Z,005x0000000fNSiAAM,60\n"))
        export.writestr("User.csv", (
            "Id,Username,FirstName,LastName,Email,Department,IsActive\n"
            "005x0000000fNSiAAM,mila@bureau.example,Mila,Jansen,mila@bureau.example,Techniek,true\n"))
        export.writestr("ContentVersion.csv", "Id,Title,PathOnClient\n068x1,Logo,logo.png\n")
    data = read(tmp_path, {"export.zip": archive.getvalue()}, type="salesforce")
    assert data.errors == []
    assert [str(w) for w in data.warnings if "ContentVersion" in str(w)] == [
        'data/export.zip/ContentVersion.csv:1: expected a Salesforce export (Account, Contact, Lead, '
        'Opportunity, Task, Event or User with API names as headers), found headers "Id", "Title", '
        '"PathOnClient": skipped']
    assert set(by_id(data)) == {"sf:001x0000002xLD0AAM", "sf:001x0000002lBtqAAE", "sf:003x000000AbCdEAAV"}
    assert by_id(data)["sf:003x000000AbCdEAAV"].origin == "data/export.zip/Contact.csv:2"
    [mila] = data.employees
    assert (mila.id, mila.name, mila.email, mila.team) == ("005x0000000fNSiAAM", "Mila Jansen",
                                                           "mila@bureau.example", "Techniek")
    touchpoints = [(t["relation"], t["date"], t["channel"], t["direction"], t["employee"])
                   for t in rows(data, "touchpoints")]
    assert touchpoints == [      # files in name order: Event.csv, then Task.csv
        ("sf:001x0000002lBtqAAE", dt.date(2006, 6, 12), "visit", None, "005x0000000fNSiAAM"),
        ("sf:001x0000002xLD0AAM", dt.date(2006, 6, 1), "phone", "out", "005x0000000fNSiAAM")]
    assert [(e["relation"], e["kind"], e["notes"]) for e in rows(data, "events")] == [
        ("sf:003x000000AbCdEAAV", "planned", "Offerte sturen")]
    assert len(rows(data, "business")) == 2


def test_salesforce_bom_encodings_are_detected(tmp_path):
    """The same 3x3 table in five encodings with a BOM (the UTF-32 ones with a 2-byte mark)."""
    found = set()
    for name in ("csvtext_BOM_UTF8.csv", "csvtext_BOM_UTF16BE.csv", "csvtext_BOM_UTF16LE.csv",
                 "csvtext_BOM_UTF32BE.csv", "csvtext_BOM_UTF32LE.csv"):
        data = read(tmp_path, {name: (SF / "testfiles" / name).read_bytes()}, type="salesforce")
        [problem] = data.errors                   # decoded fine; it is just no Salesforce object
        found.add(problem.message.split("found headers ")[1])
    assert found == {'"column1", "column2", "column3"'}


def test_wrong_encoding_gives_a_hint(tmp_path):
    accounts = ACCOUNTS_UPPER.replace("George Foundation", "Pébéo Crédito")
    utf16 = codecs.encode(accounts, "utf-16-le")           # no BOM
    data = read(tmp_path, {"Account.csv": utf16}, type="salesforce")
    assert messages(data.errors) == [
        'data/Account.csv:1: expected text in utf-8, found UTF-16 bytes (NUL bytes between the characters): '
        'set encoding = "utf-16-le" in [[sources]] #1']
    assert by_id(read(tmp_path, {"Account.csv": utf16}, type="salesforce", encoding="utf-16-le")
                 )["sf:001x0000002xLD0AAM"].name == "Pébéo Crédito"
    cp1252 = accounts.encode("cp1252")
    data = read(tmp_path, {"Account.csv": cp1252}, type="salesforce")
    [problem] = data.errors
    assert (problem.location, problem.message) == (
        "2", 'expected text in utf-8, found byte 0xe9 that is not valid utf-8: if it comes from Excel on '
             'Windows, set encoding = "cp1252" in [[sources]] #1')
    data = read(tmp_path, {"Account.csv": cp1252}, type="salesforce", encoding="cp1252")
    assert by_id(data)["sf:001x0000002xLD0AAM"].name == "Pébéo Crédito"
    bom32 = codecs.BOM_UTF32_LE + accounts.encode("utf-32-le")
    assert by_id(read(tmp_path, {"Account.csv": bom32}, type="salesforce"))[
        "sf:001x0000002xLD0AAM"].name == "Pébéo Crédito"


def test_salesforce_data_loader_templates_and_dates(tmp_path):
    data = read(tmp_path, {"upsert.csv": (SF / "testfiles" / "upsertAccountCsvTemplate.csv").read_bytes()},
                type="salesforce")
    assert data.errors == [] and len(data.relations) == 100
    third = by_id(data)["sf:account:account Upsert #3"]      # no ID column: the name makes the id
    assert (third.phone, third.extra["website"]) == ("415-555-0003", "http://www.accountUpsert3.com")
    data = read(tmp_path, {"update.csv": (SF / "testfiles" / "emptyFirstRowFieldValueInCsvTemplate.csv")
                           .read_bytes()}, type="salesforce")
    assert [(r.id, r.name, r.extra.get("website")) for r in data.relations] == [
        ("sf:001x00000035m0iAAA", "account Update #0", None), ("sf:001x00000035m0jAAA", "account Update #1",
                                                               "updated")]
    data = read(tmp_path, {"task.csv": (SF / "testfiles" / "insertTaskWithContactAsWhoCsv.csv").read_bytes()},
                type="salesforce")
    assert data.errors == [] and "Who:Contact-email" in data.warnings[0].message
    # the Data Loader's date test values as CreatedDate: US dates are Salesforce's own, zones ignored
    dates = list(csv.reader(io.StringIO((SF / "testfiles" / "timeZoneFormatTesting.csv").read_text())))[1:]
    accounts = "Name,CreatedDate\n" + "".join(f'{name},"{value}"\n' for name, value in dates)
    since = {r.name: r.since for r in read(tmp_path, {"dates.csv": accounts}, type="salesforce").relations}
    assert since["A"] == dt.date(2009, 7, 15) and since["B"] == dt.date(2009, 7, 13)    # 07/15/2009 02:14:45+0800
    assert since["D"] == dt.date(2009, 7, 14) and since["FT"] == dt.date(2009, 7, 14)   # 2009-07-14T14:14:45+0200
    assert since["AT"] == dt.date(2009, 7, 15)
    wrong = list(csv.reader(io.StringIO((SF / "testfiles" / "timeZoneFormatTestingWithErrors.csv").read_text())))
    accounts = "Name,CreatedDate\n" + "".join(f'{name},"{value}"\n' for name, value in wrong[1:])
    data = read(tmp_path, {"dates.csv": accounts}, type="salesforce")
    assert messages(data.errors) == [
        'data/dates.csv:3: since: expected a date as yyyy-mm-dd or mm/dd/yyyy or dd-mm-yyyy, found '
        '"2009\\7\\14 22:14:45+0800"',
        'data/dates.csv:4: since: expected a date as yyyy-mm-dd or mm/dd/yyyy or dd-mm-yyyy, found '
        '"2009-07/14 02:14:45-0800"']


# -- Odoo --------------------------------------------------------------------------------------------

def test_odoo_xml_demo_data_loads(tmp_path):
    data = read(tmp_path, {"res_partner_demo.xml": ODOO_XML.read_bytes()}, type="odoo")
    assert data.errors == [] and data.warnings == []
    relations = by_id(data)
    # 8 companies (res_partner_1..5, 10, 12, 18), 23 contacts of theirs, 2 of main_partner
    assert len(relations) == 33
    assert sum(r.kind == "organisation" for r in relations.values()) == 8
    wood = relations["odoo:res_partner_1"]
    assert (wood.name, wood.city, wood.email, wood.phone) == ("Wood Corner", "Turlock",
                                                              "wood.corner26@example.com", "(623)-853-7197")
    assert wood.tags == ("Desk Manufacturers", "Office Supplies")
    assert wood.extra == {"source_id": "res_partner_1", "vat": "US12345672", "website": "http://www.wood-corner.com",
                          "street": "1839 Arbor Way", "postal_code": "95380", "country": "US"}
    assert wood.origin == "data/res_partner_demo.xml:41"
    open_wood = relations["odoo:res_partner_5"]          # is_company given as eval="True"
    assert (open_wood.kind, open_wood.extra["country"], open_wood.phone) == ("organisation", "BE",
                                                                            "+32 987 65 43 21")
    willie = relations["odoo:res_partner_address_1"]
    assert (willie.name, willie.kind, willie.role, willie.organisation, willie.extra["title"]) == (
        "Willie Burke", "person", "contact", "odoo:res_partner_1", "Service Manager")
    gemini = [r.name for r in relations.values() if r.organisation == "odoo:res_partner_3"]
    assert gemini == ["Edwin Hansen", "Jesse Brown", "Soham Palmer", "Oscar Morgan"]
    assert relations["odoo:res_partner_main1"].organisation == "odoo:main_partner"   # defined elsewhere


def test_odoo_xml_with_a_dtd_is_refused(tmp_path):
    xml = ('<?xml version="1.0"?>\n<!DOCTYPE odoo [<!ENTITY x "xxxxxxxx">]>\n<odoo><record id="a" '
           'model="res.partner"><field name="name">&x;</field></record></odoo>\n')
    data = read(tmp_path, {"partners.xml": xml}, type="odoo")
    assert messages(data.errors) == ["data/partners.xml:2: expected an Odoo data file, found a DTD (<!DOCTYPE>); "
                                     "files with a DTD are not read"]


def test_odoo_csv_exports_with_technical_names_and_dutch_labels(tmp_path):
    # an import-compatible export of some demo partners, as Odoo writes it (technical names)
    technical = (
        "id,name,is_company,parent_id/id,email,phone,city,user_id,vat,company_registry,category_id,website\n"
        "base.res_partner_1,Wood Corner,True,,wood.corner26@example.com,(623)-853-7197,Turlock,"
        'Mitchell Admin,US12345672,,"Desk Manufacturers,Office Supplies",http://www.wood-corner.com\n'
        "base.res_partner_address_1,Willie Burke,False,base.res_partner_1,willie.burke80@example.com,"
        "(846)-523-2111,,Mitchell Admin,,,,\n"
        "__export__.res_partner_42_1a2b3c4d,Jansen Installatie B.V.,True,,info@jansen.example,,Utrecht,"
        'Marc Demo,NL001234567B01,"KvK 30123456",Klant,jansen.example\n')
    data = read(tmp_path, {"contacts.csv": technical}, type="odoo")
    assert data.errors == []
    relations = by_id(data)
    assert relations["odoo:base.res_partner_address_1"].organisation == "odoo:base.res_partner_1"
    assert relations["odoo:base.res_partner_1"].tags == ("Desk Manufacturers", "Office Supplies")
    jansen = relations["odoo:__export__.res_partner_42_1a2b3c4d"]
    assert (jansen.owner, jansen.extra["kvk"], jansen.extra["vat"], jansen.extra["website"]) == (
        "Marc Demo", "30123456", "NL001234567B01", "jansen.example")
    assert data.employees == []           # salespersons are owners, matched to employees later
    # the list view exported with Dutch labels: display names "Company, Person" link by name
    labels = ("Naam;E-mail;Telefoon;Verkoper;Plaats;Land;Labels\n"
              "Wood Corner;wood.corner26@example.com;(623)-853-7197;Mitchell Admin;Turlock;Verenigde Staten;"
              "Desk Manufacturers\n"
              "Wood Corner, Willie Burke;willie.burke80@example.com;(846)-523-2111;;;;\n"
              "Jansen, de Vries & Partners;info@jdv.example;;;Zwolle;;\n")
    data = read(tmp_path, {"contacten.csv": labels}, type="odoo")
    assert data.errors == []
    relations = by_id(data)
    willie = relations["odoo:Wood Corner, Willie Burke"]
    assert (willie.name, willie.kind, willie.role, willie.organisation) == (
        "Willie Burke", "person", "contact", "odoo:Wood Corner")
    wood = relations["odoo:Wood Corner"]
    assert (wood.kind, wood.owner, wood.tags, wood.extra["country"]) == (
        "organisation", "Mitchell Admin", ("Desk Manufacturers",), "Verenigde Staten")
    partners = relations["odoo:Jansen, de Vries & Partners"]      # no company "Jansen" in the file
    assert (partners.name, partners.kind, partners.organisation) == (
        "Jansen, de Vries & Partners", "organisation", None)


# -- type = "crm", columns, table --------------------------------------------------------------------

def test_crm_type_recognises_each_crm_and_names_candidates_when_unsure(tmp_path):
    files = {"deals.csv": DUTCH_DEALS, "pipedrive.csv": PIPEDRIVE_EXPORT, "Contact.csv": CONTACTS_ORIGINAL,
             "partners.xml": ODOO_XML.read_bytes()}
    expected = {"deals.csv": "hs:company:9001", "pipedrive.csv": "pd:org:12",
                "Contact.csv": "sf:003x000000AbCdEAAV", "partners.xml": "odoo:res_partner_1"}
    for name, relation_id in expected.items():
        data = read(tmp_path, {name: files[name]}, type="crm", decimal=",")
        assert data.errors == [] and relation_id in by_id(data), name
    data = read(tmp_path, {"both.csv": "Name,Phone,Website,Type\nAcme,010-1234567,acme.example,Customer\n"},
                type="crm")
    assert messages(data.errors) == [
        'data/both.csv:1: could be an export of Salesforce (type = "salesforce") or Odoo (type = "odoo"), '
        'judging by the headers "Name", "Phone", "Website", "Type": set the type in [[sources]] #1']
    data = read(tmp_path, {"pipedrive.csv": PIPEDRIVE_EXPORT}, type="hubspot")
    assert data.errors[0].message.endswith('it looks like a Pipedrive export: set type = "pipedrive"')


def test_columns_maps_a_custom_property_and_table_keeps_one_table(tmp_path):
    companies = ("Record ID,Company name,Company owner,ABC-klasse,Fase\n"
                 "9001,Bakkerij Jansen BV,Mila Jansen,A,behouden\n9002,Slagerij Smit,,X,\n")
    data = read(tmp_path, {"companies.csv": companies}, type="hubspot",
                columns={"category": "ABC-klasse", "company.phase": "Fase"})
    assert messages(data.errors) == ['data/companies.csv:3: category: expected A or B or C, found "X"']
    assert [(r.id, r.category, r.phase) for r in data.relations] == [("hs:company:9001", "A", "retain")]
    data = read(tmp_path, {"companies.csv": companies}, type="hubspot", columns={"klasse": "ABC-klasse"})
    assert "expected a field this export can fill" in data.errors[0].message
    data = read(tmp_path, {"deals.csv": DUTCH_DEALS}, type="hubspot", table="business")
    assert data.relations == [] and data.employees == [] and len(rows(data, "business")) == 3


def test_cli_builds_a_project_from_two_crm_files(tmp_path):
    """Accounts (Data Loader, upper case) + the real opportunity export: business linked to accounts."""
    config = project(tmp_path, {"Account.csv": ACCOUNTS_UPPER,
                                "opportunityData.csv": (SF / "samples" / "opportunityData.csv").read_bytes(),
                                "hubspot-deals.csv": DUTCH_DEALS},
                     {"type": "salesforce", "path": "data/Account.csv"},
                     {"type": "crm", "path": "data/opportunityData.csv"},
                     {"type": "hubspot", "path": "data/hubspot-deals.csv", "decimal": ","})
    result = cli("build", "--config", config, "--as-of", "2006-07-01", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    relations = {r["id"]: r for r in report["relations"]}
    assert relations["sf:001x0000002xLD0AAM"]["name"] == "George Foundation"
    # OwnerId is a User id and no source holds employees: unknown, said once for all relations
    assert relations["sf:001x0000002xLD0AAM"]["owner"] is None
    assert [w["message"] for w in report["warnings"] if w["field"] == "owner"] == [
        "2 relations name an owner, but no source holds employees: '005x0000000fNSiAAM' (2); add an "
        "employees table (or the CRM's user export) with these names, e-mail addresses or ids (as aliases)"]
    assert relations["hs:company:9001"]["name"] == "Bakkerij Jansen BV"
    # 38 opportunities: 29 on George Foundation, 2 on Universal Media; the other accounts are not in
    # Account.csv, so their 7 rows are reported and left out
    unknown = [w["message"] for w in report["warnings"] if "no source defines" in w["message"]]
    assert len(unknown) == 1 and unknown[0].startswith("7 rows refer to relations that no source defines")
    from relatierapport.build import BuildOptions, load
    portfolio = load(*configure(BuildOptions(config))).portfolio
    per_relation = dict(portfolio.business.group_by("relation").len().iter_rows())
    assert per_relation["sf:001x0000002xLD0AAM"] == 29 and per_relation["sf:001x0000002lBtqAAE"] == 2


# -- no input crashes or hangs a reader ----------------------------------------------------------------

READERS = make_plugins().source_readers()
OPTION_DEFAULTS = {t: {o.name: o.default for o in READERS[t].options} for t in TYPES}
REAL_FILES = sorted(p for p in CRM.rglob("*") if p.suffix in (".csv", ".xml", ".txt")
                    and not p.name.startswith(("SOURCE", "LICENSE")))


def workbook(text: str, delimiter: str) -> bytes:
    """A CSV as an .xlsx workbook (one sheet), as CRMs export it."""
    import openpyxl
    book = openpyxl.Workbook()
    for record in csv.reader(io.StringIO(text), delimiter=delimiter):
        book.active.append(record)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


HANDMADE = [(DUTCH_DEALS.encode(), ".csv"), (PIPEDRIVE_EXPORT.encode(), ".csv"), (ACCOUNTS_UPPER.encode(), ".csv"),
            (CONTACTS_ORIGINAL.encode(), ".csv"), (workbook(PIPEDRIVE_EXPORT, ";"), ".xlsx"),
            ((PIPEDRIVE_IMPORT_HEADER + "\nJan,Jan,,,j@x.nl,,Acme,,Deal,10,Bellen,2024-01-01,Notitie\n").encode(),
             ".csv")]


def read_bytes(folder: Path, raw: bytes, suffix: str, kind: str, encoding: str = "utf-8") -> SourceData:
    path = folder / f"input{suffix}"
    path.write_bytes(raw)
    options = {**OPTION_DEFAULTS[kind], "encoding": encoding}
    spec = SourceSpec(index=1, type=kind, path=path, display=f"data/input{suffix}", table=None, columns={},
                      options=options)
    return READERS[kind].read(spec, None)


def check_result(data: SourceData) -> None:
    assert isinstance(data, SourceData)
    for problem in data.errors + data.warnings:
        assert isinstance(problem, Problem) and problem.source.startswith("data/input") and problem.message


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(raw=st.binary(max_size=600), suffix=st.sampled_from([".csv", ".xml", ".xlsx", ".zip"]),
       kind=st.sampled_from(TYPES), encoding=st.sampled_from(["utf-8", "cp1252", "utf-16"]))
def test_random_bytes_give_records_or_located_problems(tmp_path, raw, suffix, kind, encoding):
    check_result(read_bytes(tmp_path, raw, suffix, kind, encoding))


SEEDS = [(path.read_bytes(), path.suffix) for path in REAL_FILES] + HANDMADE
PUNCTUATION = [b'"', b"\n", b"\r", b",", b";", b"\x00", b"\t", b" - ", b"<", b"&", b"\xff\xfe", b"\xef\xbb\xbf",
               b"\xe9", b"PK\x03\x04", b"<!DOCTYPE a>", b"</record>", b'<field name="parent_id" ref="x"/>']


@st.composite
def mutated(draw):
    seed, suffix = draw(st.sampled_from(SEEDS))
    raw = bytearray(seed)
    for _ in range(draw(st.integers(1, 6))):
        position = draw(st.integers(0, len(raw)))
        action = draw(st.sampled_from(["insert", "delete", "replace", "cut", "duplicate"]))
        if action == "insert":
            raw[position:position] = draw(st.sampled_from(PUNCTUATION) | st.binary(min_size=1, max_size=8))
        elif action == "delete":
            del raw[position:position + draw(st.integers(1, 40))]
        elif action == "replace" and position < len(raw):
            raw[position] = draw(st.integers(0, 255))
        elif action == "cut":
            del raw[position:]
        else:
            raw[position:position] = raw[position:position + draw(st.integers(1, 300))]
    return bytes(raw), draw(st.sampled_from([suffix, suffix, ".zip"]))


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=mutated(), kind=st.sampled_from(TYPES))
def test_mutated_real_files_give_records_or_located_problems(tmp_path, case, kind):
    raw, suffix = case
    if suffix == ".zip":                                      # the mutated file inside an archive
        archive = io.BytesIO()
        with zipfile.ZipFile(archive, "w") as export:
            export.writestr("Account.csv", raw)
            export.writestr("partners.xml", raw)
        raw = archive.getvalue()
    check_result(read_bytes(tmp_path, raw, suffix, kind))


def test_a_folder_of_exports_reads_each_file_and_ignores_others(tmp_path):
    folder = tmp_path / "data" / "salesforce"
    folder.mkdir(parents=True)
    (folder / "Account.csv").write_text(ACCOUNTS_UPPER, encoding="utf-8")
    shutil.copy(SF / "samples" / "opportunityData.csv", folder / "Opportunity.csv")
    (folder / "README.md").write_text("not an export", encoding="utf-8")
    data = read(tmp_path, {"Account.csv": ACCOUNTS_UPPER}, type="salesforce", path="data/salesforce")
    assert data.errors == []
    assert len(data.relations) == 2 and len(rows(data, "business")) == 38
