"""Data coverage: "we never spoke" against "this export has no activity history", the export's own
contact summary as cadence evidence, and the minimum of known indicators for a health band.

Report date 2026-11-01 throughout; every expected value is worked out by hand in the comments.
Cadence: A monthly, B quarterly, C half-yearly; due soon within 14 days. Health: defaults (weights
response 1, referrals 1, repeat 2, value-add 1, cadence 2; repeat target A 4, B 2, C 1; a band
needs 3 known indicators).
"""

from __future__ import annotations

import json
import re
import textwrap
from pathlib import Path

from conftest import cli

EMPLOYEES = "id;name;email\nM1;Mila Jansen;mila@example.org\n"


def project(root: Path, files: dict[str, str], tables: dict[str, str], extra: str = "",
            language: str = "nl") -> Path:
    """A project of semicolon CSVs: ``tables`` maps a file name to the table it fills."""
    (root / "data").mkdir(parents=True, exist_ok=True)
    for name, text in {"employees.csv": EMPLOYEES, **files}.items():
        (root / "data" / name).write_text(text, encoding="utf-8")
    sources = "".join(f'\n[[sources]]\ntype = "csv"\npath = "data/{name}"\ntable = "{table}"\n'
                      for name, table in {"employees.csv": "employees", **tables}.items())
    config = f'[project]\nname = "Testbureau"\nlanguage = "{language}"\n' + sources + textwrap.dedent(extra)
    (root / "config.toml").write_text(config, encoding="utf-8")
    return root / "config.toml"


def build(config: Path, formats: str = "json", expect: int = 0) -> dict | None:
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", formats)
    assert result.exit_code == expect, result.output
    report = config.parent / "site" / "report.json"
    return json.loads(report.read_text(encoding="utf-8")) if report.exists() else None


def per_relation(report: dict, analysis: str) -> dict:
    return {r["id"]: r[analysis] for r in report["relations"]}


# -- 1. the export's summary of contact, and history per source --------------------------------

RELATIONS = """\
id;name;category;since;summary_last_contact;summary_contacts
S1;Samenvatting Bouw;A;2006-01-01;2026-10-10;12
S2;Oud Overzicht;B;2015-01-01;2026-06-01;
S3;Later Export;A;2015-01-01;2026-11-20;
S4;Gelijke Dag;B;2015-01-01;2026-10-01;
N1;Nooit Gesproken;C;2026-01-10;;
"""
TOUCHPOINTS = """\
relation;date;direction
S2;2026-09-15;out
S3;2026-08-01;out
S4;2026-10-01;out
"""
ADDRESS_BOOK = "id;name;category;since\nE1;Adresboek Advies;B;2020-01-01\n"


def summary_project(tmp_path):
    return project(tmp_path, {"relations.csv": RELATIONS, "touchpoints.csv": TOUCHPOINTS,
                              "addressbook.csv": ADDRESS_BOOK},
                   {"relations.csv": "relations", "touchpoints.csv": "touchpoints",
                    "addressbook.csv": "relations"})


def test_a_summary_date_is_the_last_contact_and_marked_as_such(tmp_path):
    cadence = per_relation(build(summary_project(tmp_path)), "cadence")
    # S1: no touchpoint, the export says 10 Oct 2026: A monthly -> due 10 Nov, 9 days ahead: due soon
    # (without the summary it was due since 1 Feb 2006, 7,578 days overdue).
    s1 = cadence["S1"]
    assert (s1["last_touchpoint"], s1["summary_last_contact"], s1["summary_contacts"]) == \
        (None, "2026-10-10", 12)
    assert (s1["last_contact"], s1["last_contact_source"], s1["next_due"]) == \
        ("2026-10-10", "export_summary", "2026-11-10")
    assert (s1["days_overdue"], s1["days_until_due"], s1["status"]) == (0, 9, "due_soon")
    # S2: touchpoint 15 Sep is later than the export's 1 Jun: B quarterly -> 15 Dec, 44 days, on track.
    s2 = cadence["S2"]
    assert (s2["last_contact"], s2["last_contact_source"], s2["next_due"], s2["status"]) == \
        ("2026-09-15", "touchpoint", "2026-12-15", "on_track")
    # S3: the export's 20 Nov lies after the report date and is not used: 1 Aug + 1 month = 1 Sep,
    # 61 days overdue.
    s3 = cadence["S3"]
    assert (s3["summary_last_contact"], s3["last_contact_source"], s3["days_overdue"]) == \
        (None, "touchpoint", 61)
    # S4: the same day in both: the logged touchpoint is named.
    assert cadence["S4"]["last_contact_source"] == "touchpoint"


def test_never_contacted_only_where_the_source_has_history(tmp_path):
    report = build(summary_project(tmp_path))
    cadence, coverage = per_relation(report, "cadence"), per_relation(report, "coverage")
    # N1 has no contact, but relations.csv's relations have touchpoints: we never spoke.
    assert (coverage["N1"]["history"], cadence["N1"]["status"]) == ("others", "never_contacted")
    # N1: since 10 Jan + 6 months = 10 Jul; 114 days overdue, as before.
    assert (cadence["N1"]["next_due"], cadence["N1"]["days_overdue"]) == ("2026-07-10", 114)
    # E1 comes from the address book, whose relations have no touchpoint at all: no history.
    assert coverage["E1"] == {"sources": ["data/addressbook.csv"], "touchpoints": 0, "business": 0,
                              "surveys": 0, "summary_last_contact": False,
                              "summary_contacts": False, "history": "none"}
    assert (cadence["E1"]["status"], cadence["E1"]["days_overdue"], cadence["E1"]["next_due"]) == \
        ("no_history", None, "2026-11-01")
    assert coverage["S2"]["history"] == "logged" and coverage["S2"]["touchpoints"] == 1
    assert coverage["S1"]["summary_last_contact"] and coverage["S1"]["summary_contacts"]
    portfolio = report["portfolio"]["coverage"]
    assert portfolio["history"] == {"logged": 3, "others": 2, "none": 1}
    assert portfolio["has_touchpoints"] is True
    assert portfolio["tables"] == {"touchpoints": 3, "business": 0, "surveys": 0}
    sources = {row["source"]: row for row in portfolio["sources"]}
    assert sources["data/relations.csv"] == {
        "source": "data/relations.csv", "type": "csv", "table": "relations", "relations": 5,
        "with_touchpoints": 3, "with_business": 0, "with_surveys": 0, "with_summary": 4,
        "activity_history": True}
    assert sources["data/addressbook.csv"]["activity_history"] is False
    # a source that gave no relations: its relation counts do not apply
    assert sources["data/touchpoints.csv"] == {
        "source": "data/touchpoints.csv", "type": "csv", "table": "touchpoints", "relations": 0,
        "with_touchpoints": None, "with_business": None, "with_surveys": None,
        "with_summary": None, "activity_history": None}
    counts = report["portfolio"]["cadence"]["counts"]
    assert (counts["never_contacted"], counts["no_history"]) == (1, 1)


def test_a_relation_merged_from_two_sources_brings_history_to_both(tmp_path):
    config = project(tmp_path, {
        "relations.csv": "id;name\nK1;Alfa Bouw\nK2;Beta Zorg\n",
        "book.csv": "id;name\nB1;Alfa Bouw B.V.\nB2;Gamma Advies\n",
        "touchpoints.csv": "relation;date\nK1;2026-10-01\n"},
        {"relations.csv": "relations", "book.csv": "relations", "touchpoints.csv": "touchpoints"})
    report = build(config)
    coverage, cadence = per_relation(report, "coverage"), per_relation(report, "cadence")
    # B1 is K1 by its normalised name: K1 comes from both files, and has a touchpoint
    assert coverage["K1"]["sources"] == ["data/relations.csv", "data/book.csv"]
    assert "B1" not in coverage
    # so book.csv has activity history, and B2 (no touchpoint) was never contacted
    assert (coverage["B2"]["history"], cadence["B2"]["status"]) == ("others", "never_contacted")
    sources = {row["source"]: row for row in report["portfolio"]["coverage"]["sources"]}
    assert (sources["data/book.csv"]["relations"], sources["data/book.csv"]["with_touchpoints"],
            sources["data/book.csv"]["activity_history"]) == (2, 1, True)


def test_the_summary_counts_for_the_health_cadence_indicator(tmp_path):
    health = per_relation(build(summary_project(tmp_path)), "health")
    s1 = health["S1"]["indicators"]["cadence"]
    # 0 days overdue -> 100, counted from the export's date
    assert (s1["score"], s1["value"], s1["evidence"]) == (100.0, 0, "export_summary")
    assert health["S2"]["indicators"]["cadence"]["evidence"] == "touchpoint"
    # N1 never contacted: counted from its start
    assert health["N1"]["indicators"]["cadence"]["evidence"] == "since"


# -- 2. a project whose sources carry no activity history at all --------------------------------

NO_HISTORY_RELATIONS = """\
id;name;owner;category;since;summary_last_contact
H1;Oud Account;M1;A;2006-03-01;
H2;Tweede Account;M1;B;2020-01-01;
H3;Export Zag Ons;M1;C;;2026-10-01
"""
NO_HISTORY_BUSINESS = "relation;date;amount;status\nH1;2026-05-01;1000;won\nH1;2026-09-01;500;won\n"


def no_history_project(tmp_path, extra="", language="nl"):
    return project(tmp_path, {"relations.csv": NO_HISTORY_RELATIONS, "business.csv": NO_HISTORY_BUSINESS},
                   {"relations.csv": "relations", "business.csv": "business"}, extra, language)


def test_without_any_touchpoints_table_nothing_is_overdue_or_red(tmp_path):
    report = build(no_history_project(tmp_path))
    cadence, health = per_relation(report, "cadence"), per_relation(report, "health")
    # H1, H2: no touchpoint, no summary, and no source with touchpoints: no history, no days overdue
    # (H1 was due since 1 Apr 2006: 7,520 days overdue before).
    for rid in ("H1", "H2"):
        assert (cadence[rid]["status"], cadence[rid]["days_overdue"], cadence[rid]["next_due"]) == \
            ("no_history", None, "2026-11-01")
    # H3: the export's 1 Oct + 6 months = 1 Apr 2027: on track, marked as the export's summary
    assert (cadence["H3"]["status"], cadence["H3"]["last_contact_source"], cadence["H3"]["next_due"]) \
        == ("on_track", "export_summary", "2027-04-01")
    # H1: repeat business is known (2 won of target 4 = 50), the rest is not: 1 of 3 needed.
    h1 = health["H1"]
    assert (h1["band"], h1["score"], h1["known_indicators"], h1["min_known_indicators"]) == \
        ("insufficient", None, 1, 3)
    assert h1["indicators"]["repeat_business"]["score"] == 50.0
    no_touch = "no touchpoints in the data: its sources hold no activity history"
    assert h1["missing"] == [
        {"indicator": "response_time", "reason": no_touch},
        {"indicator": "referrals", "reason": no_touch},
        {"indicator": "value_add", "reason": no_touch},
        {"indicator": "cadence",
         "reason": "no touchpoints in the data and no last-contact date in the export's summary"}]
    assert h1["reasons"] == [] and h1["indicators"]["repeat_business"]["contribution"] is None
    # H3: cadence alone (100) would have made it green; one indicator is not enough
    assert (health["H3"]["band"], health["H3"]["known_indicators"]) == ("insufficient", 1)
    bands = report["portfolio"]["health"]["bands"]
    assert bands == {"green": 0, "amber": 0, "red": 0, "insufficient": 3}
    assert report["portfolio"]["coverage"]["has_touchpoints"] is False
    kpis = report["portfolio"]["indicators"]["kpis"]["touchpoints_vs_planned"]
    # all three are left out of the planned touchpoints: none of theirs can be in the data
    assert (kpis["denominator"], kpis["without_history"]) == (0, 3)
    referrals = report["portfolio"]["indicators"]["success"]["referrals_per_a"]
    assert (referrals["denominator"], referrals["without_history"], referrals["unknown"]) == \
        (0, 1, "no A relation has activity history in the data")
    # and each relation's referrals: unknown, not 0, with the same reason as its health
    assert {r["indicators"]["referrals"]["unknown"] for r in report["relations"]} == {no_touch}



def test_the_network_does_not_list_relations_without_history_as_without_recent_contact(tmp_path):
    network = build(no_history_project(tmp_path))["portfolio"]["network"]
    # H1 and H2 have no contact history in the data at all: counted apart, not "not contacted
    # since"; H3 the export saw on 1 Oct, within the 6 months
    assert (network["no_recent_contact_total"], network["no_history_total"]) == (0, 2)
    assert network["no_recent_contact"] == []

def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_the_attention_page_shows_one_group_and_leads_with_what_to_act_on(tmp_path):
    config = no_history_project(tmp_path)
    build(config, "html")
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    attention = page[page.index('id="attention"'):page.index('id="cadence-overview"')]
    text = _text(attention)
    assert "Geen contacthistorie in de gegevens (2)" in text
    assert ("De export bevat geen contacthistorie voor deze 2 relaties: importeer hun activiteiten "
            "of controleer de export.") in text
    assert "Bronnen zonder activiteitenhistorie: data/relations.csv (3 relaties)" in text
    # the key figures in order: the ones to act on first, the group last
    figures = re.findall(r'<li class="tone-(\w+)"><a href="#[\w-]+"><strong>(\d+)</strong> ([^<]+)</a></li>',
                         attention)
    assert [name for _, _, name in figures] == [
        "contact achterstallig", "naar rood", "open klachten", "rode vlaggen deze maand",
        "doelen achter", "rode relaties", "nooit gesproken", "zonder contacthistorie in de gegevens"]
    assert figures[-1][:2] == ("unknown", "2")
    assert all(value == "0" for _, value, _ in figures[:-1])
    plan = _text(_plan(tmp_path, "H1"))
    assert "te weinig gegevens" in plan
    assert "rood · 0,0" not in plan and "dagen te laat" not in plan


def _plan(root: Path, relation_id: str) -> str:
    return (root / "site" / "relations" / f"{relation_id.lower()}.html").read_text(encoding="utf-8")


def test_the_english_report_names_the_group_and_the_band(tmp_path):
    build(no_history_project(tmp_path, language="en"), "html")
    page = _text((tmp_path / "site" / "index.html").read_text(encoding="utf-8"))
    assert "No contact history in the data (2)" in page
    assert ("The export holds no contact history for these 2 relations: import their activities or "
            "check the export.") in page
    plan = _text(_plan(tmp_path, "H1"))
    assert "too little data" in plan
    assert "1 indicator known, a band needs 3" in plan


# -- 3. the minimum of known indicators -----------------------------------------------------------

def test_a_lower_minimum_gives_a_band_from_what_is_known(tmp_path):
    report = build(no_history_project(tmp_path, """
        [plugins.health]
        min_known_indicators = 1
        """))
    health = per_relation(report, "health")
    # H1: repeat business 50 alone -> amber 50.0; H3: cadence 100 alone -> green
    assert (health["H1"]["band"], health["H1"]["score"]) == ("amber", 50.0)
    assert (health["H3"]["band"], health["H3"]["score"]) == ("green", 100.0)
    # H2: nothing known: still too little data
    assert (health["H2"]["band"], health["H2"]["known_indicators"]) == ("insufficient", 0)


def test_the_minimum_never_exceeds_the_weighted_indicators(tmp_path):
    # only repeat business has a weight: 3 cannot be reached, so that one indicator is enough
    report = build(no_history_project(tmp_path, """
        [plugins.health]
        weights = { response_time = 0, referrals = 0, value_add = 0, cadence = 0 }
        """))
    h1 = per_relation(report, "health")["H1"]
    assert (h1["band"], h1["score"], h1["min_known_indicators"], h1["missing"]) == \
        ("amber", 50.0, 1, [])


def test_a_relation_just_below_the_minimum(tmp_path):
    """G1 of the health tests' kind, made short: four indicators known, five needed."""
    config = project(tmp_path, {
        "relations.csv": "id;name;category;since\nP1;Prospect;A;2026-09-15\n",
        "touchpoints.csv": "relation;date;direction;kind\nP1;2026-10-01;out;value_add\n"
                           "P1;2026-10-04;in;check_in\n"},
        {"relations.csv": "relations", "touchpoints.csv": "touchpoints"}, """
        [plugins.health]
        min_known_indicators = 5
        """)
    p1 = per_relation(build(config), "health")["P1"]
    # response 3 days (100), referrals 0, value-add 1 of 2 (50), cadence on time (100): with 3 the
    # band would be green at 70.0 (see test_health); repeat business is unknown, so 4 of 5.
    assert (p1["band"], p1["score"], p1["known_indicators"]) == ("insufficient", None, 4)
    assert p1["missing"] == [{"indicator": "repeat_business", "reason": "no business records"}]
    assert p1["indicators"]["value_add"]["score"] == 50.0


def test_the_option_is_checked(tmp_path):
    for value, found in (("0", "0"), ("6", "6"), ('"drie"', '"drie"')):
        config = no_history_project(tmp_path, f"""
            [plugins.health]
            min_known_indicators = {value}
            """)
        result = cli("check", "--config", config)
        assert result.exit_code != 0
        assert ("[plugins.health] min_known_indicators: expected a whole number >= 1 and <= 5, "
                f"found {found}") in result.output, result.output


# -- 4. reading the summary fields ----------------------------------------------------------------

def test_a_count_that_is_no_whole_number_is_named(tmp_path):
    config = project(tmp_path, {"relations.csv": "id;name;summary_contacts\nK1;Alfa;veel\nK2;Beta;2,5\n"},
                     {"relations.csv": "relations"})
    result = cli("check", "--config", config)
    assert result.exit_code != 0
    assert 'data/relations.csv:2: summary_contacts: expected a whole number, 0 or more, found "veel"' \
        in result.output
    assert 'data/relations.csv:3: summary_contacts: expected a whole number, 0 or more, found "2,5"' \
        in result.output


def test_a_hubspot_export_read_by_the_csv_source_uses_its_contact_summary(tmp_path):
    """The real 182-column HubSpot contacts header (made-up records), mapped by `columns`; the project
    has no touchpoints table at all."""
    import csv
    import io

    from conftest import TEST_DATA

    lines = (TEST_DATA / "crm-exports" / "hubspot_all_contacts_header.txt").read_text(
        encoding="utf-8").splitlines()
    header = [line for line in lines if line and not line.startswith("#")]
    out = io.StringIO()
    writer = csv.DictWriter(out, header, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writeheader()
    writer.writerows([
        {"Record ID": "51", "Last Name": "Contact Een", "Create Date": "2006-03-01 10:23",
         "Last Activity Date": "2026-10-05 09:12", "Number of times contacted": "4"},
        {"Record ID": "52", "Last Name": "Contact Twee", "Create Date": "2006-03-01 10:23",
         "Number of times contacted": "0"},
    ])
    config = project(tmp_path, {"contacts.csv": out.getvalue()}, {}, extra="""
        [[sources]]
        type = "csv"
        path = "data/contacts.csv"
        table = "relations"
        delimiter = ","
        columns = { id = "Record ID", name = "Last Name", since = "Create Date", summary_last_contact = "Last Activity Date", summary_contacts = "Number of times contacted" }
        """)
    report = build(config)
    cadence = per_relation(report, "cadence")
    # 51: HubSpot saw it on 5 Oct 2026; category C (the default) -> due 5 Apr 2027, on track,
    # instead of due since 1 Sep 2006 and 7,366 days overdue
    assert (cadence["51"]["last_contact"], cadence["51"]["last_contact_source"],
            cadence["51"]["summary_contacts"], cadence["51"]["next_due"], cadence["51"]["status"]) == \
        ("2026-10-05", "export_summary", 4, "2027-04-05", "on_track")
    # 52: no date in the export, no touchpoints in the data: not overdue, not never contacted
    assert (cadence["52"]["status"], cadence["52"]["days_overdue"], cadence["52"]["summary_contacts"]) \
        == ("no_history", None, 0)


def test_counts_on_or_before_the_report_date_worked_by_hand(tmp_path):
    """Rows dated on the report date count, the day after not; surveys count by their subject."""
    config = project(tmp_path, {
        "relations.csv": "id;name;summary_last_contact\nK1;Alfa;2026-12-01\nK2;Beta;\nK3;Gamma;\n",
        "touchpoints.csv": "relation;date\nK1;2026-11-01\nK1;2026-11-02\nK2;2026-11-02\n",
        "business.csv": "relation;date;amount;status\nK1;2026-01-01;10;won\nK2;2026-11-01;5;lost\n"
                        "K3;2026-11-02;5;won\n",
        "surveys.csv": "subject;kind;date;score\nK2;customer;2026-10-01;8\nM1;employee;2026-10-01;7\n"},
        {"relations.csv": "relations", "touchpoints.csv": "touchpoints", "business.csv": "business",
         "surveys.csv": "surveys"})
    report = build(config)
    coverage = per_relation(report, "coverage")
    # K1: 1 Nov counts, 2 Nov does not: 1 touchpoint, logged. Its export date (1 Dec) lies after
    # the report date: cadence ignores it, but the source did give one.
    assert coverage["K1"] == {"sources": ["data/relations.csv"], "touchpoints": 1, "business": 1,
                              "surveys": 0, "summary_last_contact": True, "summary_contacts": False,
                              "history": "logged"}
    assert per_relation(report, "cadence")["K1"]["summary_last_contact"] is None
    # K2: its only touchpoint is after the report date: none, but K1 of the same source has one
    assert (coverage["K2"]["touchpoints"], coverage["K2"]["business"], coverage["K2"]["surveys"],
            coverage["K2"]["history"]) == (0, 1, 1, "others")
    # K3: the business record after the report date does not count
    assert coverage["K3"]["business"] == 0
    portfolio = report["portfolio"]["coverage"]
    # tables: touchpoints 1 (of 3), business 2 (of 3), surveys 2 (the employee's too)
    assert portfolio["tables"] == {"touchpoints": 1, "business": 2, "surveys": 2}
    assert portfolio["relations"] == {"relations": 3, "with_touchpoints": 1, "with_business": 2,
                                      "with_surveys": 1, "with_summary": 1}
    assert portfolio["history"] == {"logged": 1, "others": 2, "none": 0}
