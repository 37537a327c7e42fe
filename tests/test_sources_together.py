"""An address book, a CRM export and an Excel sheet make one portfolio, with provenance."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from openpyxl import Workbook

from conftest import cli

VCARDS = """\
BEGIN:VCARD
VERSION:3.0
FN:Jan de Vries
N:de Vries;Jan;;;
ORG:Alfa Bouw B.V.
EMAIL;TYPE=WORK:jan@alfabouw.nl.example
TEL;TYPE=WORK:030-1234567
CATEGORIES:A-klant
END:VCARD
BEGIN:VCARD
VERSION:3.0
FN:Els Bakker
N:Bakker;Els;;;
ORG:Beta Zorg
EMAIL:els@betazorg.nl.example
END:VCARD
"""
SALESFORCE_ACCOUNTS = ('"ID","NAME","BILLINGCITY","PHONE","WEBSITE","OWNERID"\r\n'
                       '"0013000000AbcDE","Alfa Bouw","Utrecht","030-9999999","www.alfabouw.nl.example","005A"\r\n')
SALESFORCE_OPPORTUNITIES = ('"ID","ACCOUNTID","NAME","STAGENAME","AMOUNT","CLOSEDATE","ISCLOSED","ISWON"\r\n'
                            '"0063000000XyZ01","0013000000AbcDE","Uitbreiding","Closed Won","12500.00",'
                            '"2026-09-30","true","true"\r\n')


def make_project(root: Path) -> Path:
    data = root / "data"
    data.mkdir(parents=True)
    (data / "adresboek.vcf").write_text(VCARDS, encoding="utf-8")
    (data / "Account.csv").write_text(SALESFORCE_ACCOUNTS, encoding="utf-8")
    (data / "Opportunity.csv").write_text(SALESFORCE_OPPORTUNITIES, encoding="utf-8")
    book = Workbook()
    sheet = book.active
    sheet.title = "Relaties"
    sheet.append(["Klantnr", "Naam", "Categorie", "Plaats", "Relatie sinds"])
    sheet.append(["K1", "Alfa Bouw BV", "A", "Amersfoort", dt.date(2015, 3, 1)])
    sheet.append(["K2", "Beta Zorg", "B", "Zwolle", dt.date(2020, 6, 15)])
    book.save(data / "klanten.xlsx")
    (root / "config.toml").write_text('''
[project]
name = "Drie bronnen"

[[sources]]
type = "xlsx"
path = "data/klanten.xlsx"
table = "relations"
columns = { id = "Klantnr", name = "Naam", category = "Categorie", city = "Plaats", since = "Relatie sinds" }

[[sources]]
type = "vcard"
path = "data/adresboek.vcf"
role = "contact"
category_tags = { A = ["A-klant"] }

[[sources]]
type = "salesforce"
path = "data/Account.csv"

[[sources]]
type = "salesforce"
path = "data/Opportunity.csv"
''', encoding="utf-8")
    return root / "config.toml"


def test_three_kinds_of_source_make_one_portfolio(tmp_path):
    config = make_project(tmp_path)
    checked = cli("check", "--config", config, "--as-of", "2026-11-01")
    assert checked.exit_code == 0, checked.output
    assert "data/klanten.xlsx (xlsx): 2 relations" in checked.output
    assert "merged into K1 (data/klanten.xlsx:Relaties!2): same name 'alfa bouw'" in checked.output

    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    by_name = {r["name"]: r for r in report["relations"]}
    # one Alfa Bouw, kept under the Excel id, with the address book's and the CRM's records folded in
    alfa = [r for r in report["relations"] if r["name"].lower().startswith("alfa bouw")]
    assert [r["id"] for r in alfa] == ["K1"]
    provenance = alfa[0]["provenance"]
    fields = {item["field"]: item["origin"] for item in provenance["fields"]}
    assert fields["city"] == "data/klanten.xlsx:Relaties!2"       # Excel first: Amersfoort
    assert fields["phone"] == "data/Account.csv:2"                # only the CRM has it
    assert len(provenance["merged_from"]) == 2                                   # vCard ORG + CRM account
    assert any(w["field"] == "city" and "Amersfoort" in w["message"] and "Utrecht" in w["message"]
               for w in report["warnings"])
    # the contact person from the address book hangs under the merged organisation
    assert by_name["Jan de Vries"]["organisation"] == "K1"
    assert by_name["Els Bakker"]["organisation"] == "K2"
    # the CRM's won opportunity counts for the merged relation
    from relatierapport.build import BuildOptions, prepare_report
    _, prepared = prepare_report(BuildOptions(config, as_of=dt.date(2026, 11, 1)))
    business = prepared.portfolio.business
    assert business.select("relation", "amount", "status").rows() == [("K1", 12500.0, "won")]
