"""Issue 13's whole first import, as a new user makes it: a Salesforce Account export of 420
accounts whose owners are Salesforce user ids (with and without its User export), real clients'
vCards, and a HubSpot companies + contacts export whose owners are display names, beside the
organisation's employees table. The output stays short and grouped, owners that are employees
are those employees, and no page puts a bare CRM id where the account manager goes.
"""

from __future__ import annotations

import csv
import io
import json
import re
import shutil
from pathlib import Path

import pytest
import tomli_w

from conftest import TEST_DATA, run

FIXTURES = TEST_DATA / "crm-exports" / "first-import"
U1, U2 = "005x0000000fNSiAAM", "005x0000000fNUmAAM"      # the Salesforce User ids of User.csv
ACCOUNTS = 420
VCARDS = ("John_Doe_ANDROID.vcf", "John_Doe_IPHONE.vcf", "John_Doe_MS_OUTLOOK.vcf", "outlook-2003.vcf",
          "gmail-list.vcf", "rfc6350-example.vcf", "thunderbird-MoreFunctionsForAddressBook-extension.vcf")


def salesforce_accounts(target: Path) -> None:
    """420 accounts under the real Account header (the fixture's), owned by the two user ids;
    a third has a LastActivityDate, as an export of a CRM with logged calls does."""
    with (FIXTURES / "salesforce" / "Account.csv").open(encoding="utf-8", newline="") as file:
        rows = list(csv.DictReader(file))
    header = list(rows[0])
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, header, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writeheader()
    for number in range(ACCOUNTS):
        row = dict(rows[number % len(rows)])
        row["ID"] = f"001x{number:010d}AAA"
        row["NAME"] = f"Proefaccount {number:03d}"
        row["OWNERID"] = U1 if number % 3 else U2
        row["LASTACTIVITYDATE"] = f"2026-{1 + number % 10:02d}-15" if number % 3 == 0 else ""
        writer.writerow(row)
    target.write_text(buffer.getvalue(), encoding="utf-8")


def first_import(root: Path, *, with_users: bool) -> Path:
    data = root / "data"
    shutil.copytree(FIXTURES, data, ignore=shutil.ignore_patterns("SOURCE.txt", "pipedrive"))
    salesforce_accounts(data / "salesforce" / "Account.csv")
    (data / "vcards").mkdir()
    for name in VCARDS:
        shutil.copy(TEST_DATA / "ez-vcard" / name, data / "vcards" / name)
    sources = [{"type": "csv", "path": "data/employees.csv", "table": "employees"},
               {"type": "salesforce", "path": "data/salesforce/Account.csv"},
               {"type": "hubspot", "path": "data/hubspot/hubspot-crm-exports-companies.csv"},
               {"type": "hubspot", "path": "data/hubspot/hubspot-crm-exports-all-contacts.csv"},
               {"type": "vcard", "path": "data/vcards"}]
    if with_users:
        sources.insert(2, {"type": "salesforce", "path": "data/salesforce/User.csv"})
    config = {"project": {"name": "Proefbureau", "language": "nl", "as_of": "2026-11-01"}, "sources": sources}
    text = tomli_w.dumps(config).replace('as_of = "2026-11-01"', "as_of = 2026-11-01")
    (root / "config.toml").write_text(text, encoding="utf-8")
    return root / "config.toml"


@pytest.fixture(scope="module", params=[False, True], ids=["accounts alone", "with the User export"])
def built(request, tmp_path_factory):
    root = tmp_path_factory.mktemp("first-import")
    config = first_import(root, with_users=request.param)
    checked = run("check", "--config", config, cwd=root)
    result = run("build", "--config", config, "--format", "html", cwd=root)
    report = json.loads((root / "site" / "report.json").read_text(encoding="utf-8"))
    return request.param, checked, result, report, root / "site"


def test_check_and_build_say_it_in_at_most_40_grouped_lines(built):
    with_users, checked, result, _, _ = built
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert result.returncode == 0, result.stderr
    check_lines = (checked.stdout + checked.stderr).splitlines()
    build_lines = (result.stdout + result.stderr).splitlines()
    assert len(check_lines) <= 40, "\n".join(check_lines)
    assert len(build_lines) <= 40, "\n".join(build_lines)
    owner_lines = [line for line in check_lines if "Account.csv: owner: " in line]
    if with_users:
        assert owner_lines == []
    else:   # one line per user id, however many accounts it owns
        assert len(owner_lines) == 2, owner_lines
        assert any(f"280 relations are owned by '{U1}'" in line for line in owner_lines), owner_lines
        assert any(f"140 relations are owned by '{U2}'" in line for line in owner_lines), owner_lines


def test_owners_that_are_employees_are_those_employees(built):
    with_users, _, _, report, _ = built
    owners = {r["name"]: r["owner"] for r in report["relations"]}
    accounts = {name: owner for name, owner in owners.items() if name.startswith("Proefaccount")}
    assert len(accounts) == ACCOUNTS
    # Pieter van den Berg (U1) is M1 by e-mail in the employees table; Lotte Proef (U2) is nobody's
    # name there, so the User export makes her an employee of her own (with her CRM id)
    expected = {"Proefaccount 001": "M1", "Proefaccount 000": U2} if with_users else \
        {"Proefaccount 001": None, "Proefaccount 000": None}
    assert {name: accounts[name] for name in expected} == expected
    # HubSpot owners by display name are the employees of the table, never a second record
    employees = {r["owner"] for r in report["relations"] if r["owner"]}
    assert employees <= {"M1", "M2", "M3", "M4", U2}


def test_contacts_are_linked_to_their_company(built):
    _, _, _, report, _ = built
    relations = {r["id"]: r for r in report["relations"]}
    persons = [r for r in report["relations"] if r["id"].startswith("hs:contact:") and r["organisation"]]
    assert persons, "no HubSpot contact was linked to a company"
    assert all(relations[p["organisation"]]["kind"] == "organisation" for p in persons)


def test_no_page_shows_a_bare_crm_id_as_account_manager(built):
    _, _, _, _, site = built
    for page in [site / "index.html", *sorted((site / "relations").glob("*.html"))]:
        html = page.read_text(encoding="utf-8")
        # an id may appear as the note in small print beside "onbekende accountmanager", nowhere else
        bare = re.sub(r'<small class="note owner-value">[^<]*</small>', "", html)
        assert U1 not in bare and U2 not in bare, page.name


def test_the_attention_page_leads_with_what_an_account_manager_can_act_on(built):
    from relatierapport.render.i18n import translations

    _, _, _, report, site = built
    html = (site / "index.html").read_text(encoding="utf-8")
    figures = re.search(r'<ul class="key-figures">(.*?)</ul>', html, re.S).group(1)
    labels = [label.strip() for label in re.findall(r"</strong>([^<]+)</a></li>", figures)]
    gettext = translations("nl").gettext
    assert labels[0] == gettext("overdue touchpoints"), labels
    # the accounts without any contact history are one group at the end, not hundreds of
    # never-contacted or red rows
    assert labels[-1] == gettext("without contact history in the data"), labels
    assert len(report["portfolio"]["cadence"]["never_contacted"]) < 50
