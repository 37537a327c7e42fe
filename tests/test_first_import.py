"""A first real import: CRM exports whose owners are CRM user ids or display names, beside the
organisation's own employees table (issue 13).

The exports in tests/data/crm-exports/first-import carry the real column headers of Salesforce
(Account, User), HubSpot (contacts: the 182-column header; companies) and Pipedrive, with
invented records. Everything runs through the real command line; expected values were read
from the files (see their SOURCE.txt), not from the program's output.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import shutil
from pathlib import Path

import tomli_w

from conftest import TEST_DATA, cli
from relatierapport.build import BuildOptions, configure, load

FIXTURES = TEST_DATA / "crm-exports" / "first-import"
U1, U2 = "005x0000000fNSiAAM", "005x0000000fNUmAAM"      # the Salesforce User ids in Account.csv
EMPLOYEES = {"type": "csv", "path": "data/employees.csv", "table": "employees"}
ACCOUNTS = {"type": "salesforce", "path": "data/salesforce/Account.csv"}
USERS = {"type": "salesforce", "path": "data/salesforce/User.csv"}
COMPANIES = {"type": "hubspot", "path": "data/hubspot/hubspot-crm-exports-companies.csv"}
CONTACTS = {"type": "hubspot", "path": "data/hubspot/hubspot-crm-exports-all-contacts.csv"}
ORGANISATIONS = {"type": "pipedrive", "path": "data/pipedrive/organizations.csv"}
PERSONS = {"type": "pipedrive", "path": "data/pipedrive/persons.csv"}


def project(root: Path, *sources: dict, employees: str | None = None, language: str = "nl") -> Path:
    """A project holding the fixtures (``employees`` replaces employees.csv) and these sources."""
    shutil.copytree(FIXTURES, root / "data", ignore=shutil.ignore_patterns("SOURCE.txt"))
    if employees is not None:
        (root / "data" / "employees.csv").write_text(employees, encoding="utf-8")
    config = {"project": {"name": "Proefbureau", "language": language}, "sources": list(sources)}
    (root / "config.toml").write_text(tomli_w.dumps(config), encoding="utf-8")
    return root / "config.toml"


def check(config: Path) -> list[str]:
    result = cli("check", "--config", config, "--as-of", "2026-11-01")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert len(lines) <= 40
    return lines


def warnings(lines: list[str], field: str) -> list[str]:
    return [line.removeprefix("warning: ") for line in lines if f": {field}: " in line]


def build_html(config: Path) -> dict:
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "html")
    assert result.exit_code == 0, result.output
    return json.loads((config.parent / "site" / "report.json").read_text(encoding="utf-8"))


def portfolio(config: Path):
    return load(*configure(BuildOptions(config, as_of=dt.date(2026, 11, 1)))).portfolio


def owners(report: dict) -> dict[str, str | None]:
    return {r["id"]: r["owner"] for r in report["relations"]}


# -- Salesforce: owners are User ids ------------------------------------------------------------------

def test_salesforce_owner_ids_without_the_user_export_are_one_warning_per_id(tmp_path):
    config = project(tmp_path, EMPLOYEES, ACCOUNTS)
    lines = check(config)
    # before: one "expected an employee id, found '005x…', which no employee has" per account
    assert not any("expected an employee id" in line for line in lines)
    assert warnings(lines, "owner") == [
        f"data/salesforce/Account.csv: owner: 9 relations are owned by '{U1}' (first: line 2), which is "
        "no employee (no id, name, e-mail or alias matches); add it to an employee's aliases",
        f"data/salesforce/Account.csv: owner: 3 relations are owned by '{U2}' (first: line 5), which is "
        "no employee (no id, name, e-mail or alias matches); add it to an employee's aliases"]
    report = build_html(config)
    assert set(owners(report).values()) == {None}
    loaded = portfolio(config)
    assert {r.owner_value for r in loaded.relations.values()} == {U1, U2}


def test_no_page_shows_a_bare_crm_id_as_account_manager(tmp_path):
    config = project(tmp_path, EMPLOYEES, ACCOUNTS)
    build_html(config)
    pages = sorted((tmp_path / "site").rglob("*.html"))
    assert len(pages) == 13                          # the portfolio and twelve plans
    small = re.compile(r'<small class="note owner-value">(005x[0-9A-Za-z]{14})</small>')
    for page in pages:
        html = page.read_text(encoding="utf-8")
        bare = small.sub("", html)
        assert U1 not in bare and U2 not in bare, page.name
    html = (tmp_path / "site" / "relations" / "sf-001x0000010testaae.html").read_text(encoding="utf-8")
    assert "Alfa Testbouw" in html
    assert ('<span class="badge-label">Accountmanager</span><strong>onbekende accountmanager</strong> '
            f'<small class="note owner-value">{U1}</small>') in html               # the plan's header
    assert ('<dt>Accountmanager</dt><dd>onbekende accountmanager '
            f'<small class="note owner-value">{U1}</small></dd>') in html          # its profile
    index = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    # the team table and the index: one row and one group per value, named as unknown
    assert index.count(f'onbekende accountmanager <small class="note owner-value">{U1}</small>') == 2


def test_the_user_export_names_the_owners_and_merges_with_the_employees_table(tmp_path):
    config = project(tmp_path, EMPLOYEES, ACCOUNTS, USERS)
    lines = check(config)
    assert warnings(lines, "owner") == []
    report = build_html(config)
    found = owners(report)
    # U1 has M1's e-mail address: that User is M1, not a second Pieter van den Berg
    assert found["sf:001x0000010TeStAAE"] == "M1"
    assert found["sf:001x0000013TeStAAA"] == U2      # a User the employees table lacks: an employee
    loaded = portfolio(config)
    assert sorted(loaded.employees) == [U2, "M1", "M2", "M3", "M4"]
    m1 = loaded.employees["M1"]
    assert (m1.name, m1.team) == ("Pieter van den Berg", "Zakelijk")
    assert set(m1.aliases) == {U1, "pieter@bureau-noord.example.sandbox", "pberg"}
    assert loaded.employees[U2].name == "Lotte Proef"
    team = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Lotte Proef" in team and U2 not in team


def test_an_aliases_column_in_the_employees_table_names_a_crm_user(tmp_path):
    employees = ("id;name;team;email;aliases\n"
                 f"M1;Pieter van den Berg;Zakelijk;p.vandenberg@bureau-noord.example;{U1} | pberg\n"
                 "M2;Sanne Visser;Publiek;;\n")
    config = project(tmp_path, EMPLOYEES, ACCOUNTS, employees=employees)
    lines = check(config)
    assert warnings(lines, "owner") == [
        f"data/salesforce/Account.csv: owner: 3 relations are owned by '{U2}' (first: line 5), which is "
        "no employee (no id, name, e-mail or alias matches); add it to an employee's aliases"]
    found = owners(build_html(config))
    assert found["sf:001x0000010TeStAAE"] == "M1" and found["sf:001x0000013TeStAAA"] is None


def test_two_sources_naming_one_employee_differently_are_no_conflict(tmp_path):
    """A relation in an own table (owner M1) and in the Salesforce export (owner U1, M1's User):
    owners are matched before relations merge, so the merged relation has one owner."""
    config = project(tmp_path, EMPLOYEES, {"type": "csv", "path": "data/relations.csv",
                                           "table": "relations"}, ACCOUNTS, USERS)
    (tmp_path / "data" / "relations.csv").write_text("id;name;owner\nK1;Alfa Testbouw;M1\n",
                                                      encoding="utf-8")
    lines = check(config)
    assert "1 relation(s) found in more than one source:" in lines
    assert not any(": owner: " in line for line in lines)
    assert owners(build_html(config))["K1"] == "M1"


# -- HubSpot: owners by display name beside an employees table ------------------------------------------

def test_hubspot_owners_by_name_or_e_mail_are_the_employees_of_the_table(tmp_path):
    config = project(tmp_path, EMPLOYEES, COMPANIES, CONTACTS)
    lines = check(config)
    assert warnings(lines, "owner") == [
        "data/hubspot/hubspot-crm-exports-companies.csv: owner: 4 relations are owned by 'Ex Medewerker' "
        "(first: line 7; also in 1 other file), which is no employee (no id, name, e-mail or alias "
        "matches); add it to an employee's aliases",
        "data/hubspot/hubspot-crm-exports-companies.csv: owner: 2 relations are owned by 'J. de Wit' "
        "(first: line 9; also in 1 other file), which is no employee (no id, name, e-mail or alias "
        "matches); add it to an employee's aliases"]
    found = owners(build_html(config))
    assert found["hs:company:7001"] == "M1"          # "Pieter van den Berg"
    assert found["hs:contact:9102"] == "M1"          # "P.vandenBerg@Bureau-Noord.example"
    assert found["hs:contact:9103"] == "M3"          # "Joost  de Wit"
    assert found["hs:company:7005"] == "M4"          # "Renee Smit" is "Renée Smit"
    assert found["hs:contact:9108"] == "M4"          # "RENEE SMIT"
    assert found["hs:contact:9111"] is None          # no owner given
    loaded = portfolio(config)
    assert sorted(loaded.employees) == ["M1", "M2", "M3", "M4"]     # no CRM-made second records


def test_an_alias_resolves_another_spelling(tmp_path):
    employees = ("id;name;team;email;aliases\nM1;Pieter van den Berg;;p.vandenberg@bureau-noord.example;\n"
                 "M2;Sanne Visser;;;\nM3;Joost de Wit;;;J. de Wit\nM4;Renée Smit;;;\n")
    config = project(tmp_path, EMPLOYEES, COMPANIES, CONTACTS, employees=employees)
    lines = check(config)
    assert [w.split("owned by ")[1].split(" (")[0] for w in warnings(lines, "owner")] == ["'Ex Medewerker'"]
    found = owners(build_html(config))
    assert found["hs:company:7008"] == "M3" and found["hs:contact:9109"] == "M3"


def test_hubspot_contacts_are_linked_to_their_company_by_name(tmp_path):
    config = project(tmp_path, EMPLOYEES, COMPANIES, CONTACTS)
    lines = check(config)
    assert warnings(lines, "organisation") == [
        "data/hubspot/hubspot-crm-exports-all-contacts.csv: organisation: 2 persons name an organisation "
        "that no source holds, so they are not linked: 'Onbekend Proefbedrijf' (2, first: line 8); add "
        "the organisations (their export, or a relations table) or correct the names",
        "data/hubspot/hubspot-crm-exports-all-contacts.csv: organisation: 1 person names an organisation "
        "that several relations are called, so it is not linked: 'Groen Advies' (hs:company:7002, "
        "hs:company:7003); give the person an organisation id, or merge the organisations ([identity] "
        "same)"]
    report = build_html(config)
    organisation = {r["id"]: r["organisation"] for r in report["relations"]}
    # "Bakkerij Noord BV", "bakkerij noord" and "Bakkerij Noord B.V." are "Bakkerij Noord B.V."
    assert [organisation[f"hs:contact:{i}"] for i in (9101, 9102, 9114)] == ["hs:company:7001"] * 3
    assert organisation["hs:contact:9103"] == "hs:company:7004"
    assert organisation["hs:contact:9106"] is None     # "Groen Advies": two companies, not guessed
    assert organisation["hs:contact:9107"] is None     # a company no source holds
    assert organisation["hs:contact:9111"] is None     # no company named
    assert not any(r["id"].startswith("hs:company:Onbekend") for r in report["relations"])
    linked = sum(value is not None for key, value in organisation.items() if key.startswith("hs:contact"))
    assert linked == 11
    plan = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Bakkerij Noord B.V." in plan


def test_the_exports_own_summary_of_contact_is_read_with_its_column(tmp_path):
    config = project(tmp_path, COMPANIES, CONTACTS, ORGANISATIONS, PERSONS, ACCOUNTS)
    relations = portfolio(config).relations
    company = relations["hs:company:7001"]   # Last Activity Date 2026-09-10, Last Contacted 2026-08-20
    assert (company.summary_last_contact, company.summary_contacts) == (dt.date(2026, 9, 10), 3)
    assert company.provenance["summary_last_contact"] == (
        "data/hubspot/hubspot-crm-exports-companies.csv:2 (export summary: Last Activity Date)")
    assert (relations["hs:company:7005"].summary_last_contact,
            relations["hs:company:7005"].summary_contacts) == (None, None)      # empty: unknown
    contact = relations["hs:contact:9101"]   # contacted 0 times: a zero the export states
    assert (contact.summary_last_contact, contact.summary_contacts) == (dt.date(2026, 6, 10), 0)
    org = relations["pd:org:11"]
    assert (org.summary_last_contact, org.summary_contacts) == (dt.date(2026, 10, 1), 6)
    assert org.provenance["summary_contacts"] == (
        "data/pipedrive/organizations.csv:2 (export summary: Organization - Done activities)")
    account = relations["sf:001x0000010TeStAAE"]
    assert (account.summary_last_contact, account.summary_contacts) == (dt.date(2026, 1, 10), None)
    assert relations["sf:001x0000012TeStAAE"].summary_last_contact is None   # LASTACTIVITYDATE empty


def test_a_summary_value_that_is_no_date_is_a_located_warning(tmp_path):
    config = project(tmp_path, COMPANIES)
    path = tmp_path / "data" / "hubspot" / "hubspot-crm-exports-companies.csv"
    path.write_text(path.read_text(encoding="utf-8").replace('"2026-09-10 14:00"', '"gisteren"'),
                    encoding="utf-8")
    lines = check(config)
    assert ("warning: data/hubspot/hubspot-crm-exports-companies.csv:2: Last Activity Date: expected a "
            "date as yyyy-mm-dd or dd-mm-yyyy or dd/mm/yyyy or dd.mm.yyyy, found 'gisteren'; the "
            "export's summary of contact leaves it out") in lines
    company = portfolio(config).relations["hs:company:7001"]
    assert company.summary_last_contact == dt.date(2026, 8, 20)         # Last Contacted still counts


# -- Pipedrive: owners by user name, persons by organisation name -----------------------------------------

def test_pipedrive_owners_by_user_name_and_persons_linked_to_their_organisation(tmp_path):
    config = project(tmp_path, EMPLOYEES, ORGANISATIONS, PERSONS)
    lines = check(config)
    assert warnings(lines, "owner") == [
        "data/pipedrive/organizations.csv: owner: 1 relation is owned by 'Oud Account' (line 5), which is "
        "no employee (no id, name, e-mail or alias matches); add it to an employee's aliases"]
    assert warnings(lines, "organisation") == [
        "data/pipedrive/persons.csv: organisation: 1 person names an organisation that no source holds, "
        "so it is not linked: 'Verdwenen Voorbeeld BV' (1, first: line 6); add the organisations (their "
        "export, or a relations table) or correct the names"]
    report = build_html(config)
    by_id = {r["id"]: r for r in report["relations"]}
    assert [by_id[f"pd:org:{i}"]["owner"] for i in (11, 12, 13, 14)] == ["M1", "M2", "M4", None]
    assert [by_id[f"pd:person:{i}"]["organisation"] for i in (21, 22, 23, 24, 25)] == [
        "pd:org:11", "pd:org:12", "pd:org:13", "pd:org:11", None]
    assert by_id["pd:person:24"]["owner"] == "M2"


# -- employees with the same name --------------------------------------------------------------------------

def test_an_owner_that_names_two_employees_is_reported_not_guessed(tmp_path):
    employees = ("id;name;team;email\nE1;Jan Proef;Noord;jan.noord@proef.example\n"
                 "E2;Jan Proef;Zuid;jan.zuid@proef.example\n")
    config = project(tmp_path, EMPLOYEES, {"type": "csv", "path": "data/relations.csv",
                                           "table": "relations"}, employees=employees)
    (tmp_path / "data" / "relations.csv").write_text(
        "id;name;owner\nK1;Alfa;Jan Proef\nK2;Beta;jan proef\nK3;Gamma;jan.zuid@proef.example\n",
        encoding="utf-8")
    lines = check(config)
    assert warnings(lines, "owner") == [
        "data/relations.csv: owner: 1 relation is owned by 'Jan Proef' (line 2), which is the name of 2 "
        "employees (E1, E2); add it to the aliases of the one it means",
        "data/relations.csv: owner: 1 relation is owned by 'jan proef' (line 3), which is the name of 2 "
        "employees (E1, E2); add it to the aliases of the one it means"]
    assert owners(build_html(config)) == {"K1": None, "K2": None, "K3": "E2"}


def test_a_whole_first_import_checks_in_a_few_grouped_lines(tmp_path):
    config = project(tmp_path, EMPLOYEES, ACCOUNTS, USERS, COMPANIES, CONTACTS, ORGANISATIONS, PERSONS)
    lines = check(config)
    assert lines[-1].startswith("ok: 44 relations")
    assert len([line for line in lines if line.startswith("warning: ")]) == 6


# -- CRM user exports are employees --------------------------------------------------------------------------

HUBSPOT_USERS = (            # Settings > Users & Teams > Export users: user id, names, e-mail, teams
    "User ID,First Name,Last Name,Email,Teams\n"
    "4101,Pieter,van den Berg,p.vandenberg@bureau-noord.example,Zakelijk\n"
    "4102,Sanne,Visser,s.visser@bureau-noord.example,Publiek\n"
    "4103,Ex,Medewerker,ex@bureau-noord.example,\n")


def test_a_hubspot_users_export_gives_the_employees_and_merges_with_the_table(tmp_path):
    users = {"type": "crm", "path": "data/hubspot/users.csv"}
    config = project(tmp_path, COMPANIES, users)
    (tmp_path / "data" / "hubspot" / "users.csv").write_text(HUBSPOT_USERS, encoding="utf-8")
    lines = check(config)
    assert "data/hubspot/users.csv (crm): 3 employees" in lines
    found = owners(build_html(config))
    assert [found[f"hs:company:{i}"] for i in (7001, 7002, 7006)] == ["hs:user:4101", "hs:user:4102",
                                                                      "hs:user:4103"]
    # beside the employees table: Pieter by e-mail, Sanne by name (M2 has no e-mail); the users'
    # ids become aliases, so owner columns holding ids find them too
    config = project(tmp_path / "with-table", EMPLOYEES, COMPANIES, users)
    (tmp_path / "with-table" / "data" / "hubspot" / "users.csv").write_text(HUBSPOT_USERS, encoding="utf-8")
    loaded = portfolio(config)
    assert sorted(loaded.employees) == ["M1", "M2", "M3", "M4", "hs:user:4103"]
    assert set(loaded.employees["M2"].aliases) == {"hs:user:4102", "4102"}
    assert loaded.employees["M2"].email == "s.visser@bureau-noord.example"    # a gap filled
    assert loaded.relations["hs:company:7002"].owner == "M2"


def test_pipedrive_user_rows_are_employees(tmp_path):
    users = {"type": "pipedrive", "path": "data/pipedrive/users.csv"}
    config = project(tmp_path, ORGANISATIONS, users)
    (tmp_path / "data" / "pipedrive" / "users.csv").write_text(
        "User - ID,User - Name,User - Email\n7,Pieter van den Berg,p.vandenberg@bureau-noord.example\n"
        "8,Oud Account,oud@bureau-noord.example\n", encoding="utf-8")
    found = owners(build_html(config))
    assert [found[f"pd:org:{i}"] for i in (11, 12, 14)] == ["pd:user:7", None, "pd:user:8"]


def test_an_excel_employees_sheet_may_carry_aliases_too(tmp_path):
    import openpyxl
    book = openpyxl.Workbook()
    book.active.title = "Medewerkers"
    book.active.append(["id", "name", "Aliassen"])
    book.active.append(["M1", "Pieter van den Berg", f"{U1}|pberg"])
    book.active.append(["M2", "Lotte Proef", U2])
    config = project(tmp_path, {"type": "xlsx", "path": "data/team.xlsx", "table": "employees"}, ACCOUNTS)
    book.save(tmp_path / "data" / "team.xlsx")
    lines = check(config)
    assert warnings(lines, "owner") == []
    found = owners(build_html(config))
    assert (found["sf:001x0000010TeStAAE"], found["sf:001x0000013TeStAAA"]) == ("M1", "M2")
    # a header of one's own, mapped with columns; a mapping that names no header is an error
    book.active["C1"] = "Andere namen"
    for header, owner in (("Andere namen", "M1"), ("Bijnamen", None)):
        root = tmp_path / header
        config = project(root, {"type": "xlsx", "path": "data/team.xlsx", "table": "employees",
                                "columns": {"aliases": header}}, ACCOUNTS)
        book.save(root / "data" / "team.xlsx")
        result = cli("build", "--config", config, "--format", "json")
        if owner:
            assert result.exit_code == 0, result.output
            assert owners(json.loads((root / "site" / "report.json").read_text(encoding="utf-8")))[
                "sf:001x0000010TeStAAE"] == owner
        else:
            assert result.exit_code == 1
            assert ('data/team.xlsx: aliases: expected a header "Bijnamen" (from columns), found '
                    "headers: id, name, Andere namen") in result.output


def test_of_two_sources_summaries_the_latest_date_and_larger_count_count_without_a_conflict(tmp_path):
    later = {"type": "pipedrive", "path": "data/pipedrive/later.csv"}
    config = project(tmp_path, COMPANIES, later)
    (tmp_path / "data" / "pipedrive" / "later.csv").write_text(
        "Organization - ID,Organization - Name,Organization - Last activity date,Organization - Done activities\n"
        "31,Bakkerij Noord BV,2026-10-20,2\n32,Hofman Proeftechniek,2026-01-05,40\n", encoding="utf-8")
    lines = check(config)
    assert "2 relation(s) found in more than one source:" in lines
    assert not any("summary" in line for line in lines if line.startswith("warning: "))
    relations = portfolio(config).relations
    bakkerij, hofman = relations["hs:company:7001"], relations["hs:company:7004"]
    # HubSpot: Bakkerij 2026-09-10 and 3 times; Hofman 2026-09-13 (Last Contacted 2026-08-23), 6 times
    assert (bakkerij.summary_last_contact, bakkerij.summary_contacts) == (dt.date(2026, 10, 20), 3)
    assert (hofman.summary_last_contact, hofman.summary_contacts) == (dt.date(2026, 9, 13), 40)
    assert bakkerij.provenance["summary_last_contact"] == (
        "data/pipedrive/later.csv:2 (export summary: Organization - Last activity date)")
    assert hofman.provenance["summary_contacts"] == (
        "data/pipedrive/later.csv:3 (export summary: Organization - Done activities)")
    assert hofman.provenance["summary_last_contact"] == (
        "data/hubspot/hubspot-crm-exports-companies.csv:5 (export summary: Last Activity Date)")
