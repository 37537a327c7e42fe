"""Contact cadence, with every expected value worked out by hand from the data below."""

from __future__ import annotations

import datetime as dt
import json

from conftest import cli, write_project

RELATIONS = """\
id;name;category;since
A1;Maandklant;A;01-01-2020
A2;Eind januari;A;01-01-2020
B1;Kwartaalklant;B;01-01-2020
C1;Nieuw, nooit gesproken;C;10-01-2026
N1;Geen categorie;;
"""
TOUCHPOINTS = """\
relation;date
A1;01-08-2026
A1;15-09-2026
A2;31-01-2026
B1;31-08-2026
N1;20-12-2025
A1;05-11-2026
"""


def cadence(tmp_path, extra_config=""):
    config = write_project(tmp_path, relations=RELATIONS, extra_config=extra_config,
                           files={"touchpoints.csv": TOUCHPOINTS,
                                  "business.csv": "relation;date\n", "employees.csv": "id;name\n"})
    # cadence on its own: without segmentation, a relation without category gets the default
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "Testbureau"', 'name = "Testbureau"\ndisable_plugins = ["segmentation"]'), encoding="utf-8")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))


def test_each_relation_worked_out_by_hand(tmp_path):
    report = cadence(tmp_path)
    found = {r["id"]: r["cadence"] for r in report["relations"]}
    # A1: last touchpoint 15 Sep (5 Nov is after the report date); monthly -> due 15 Oct;
    #     1 Nov - 15 Oct = 17 days overdue.
    assert found["A1"] == {"category": "A", "category_source": "data", "cadence_months": 1,
                           "last_touchpoint": "2026-09-15", "summary_last_contact": None,
                           "summary_contacts": None, "last_contact": "2026-09-15",
                           "last_contact_source": "touchpoint", "next_due": "2026-10-15",
                           "days_overdue": 17, "days_until_due": 0, "status": "overdue"}
    # A2: 31 Jan + 1 month is clipped to 28 Feb 2026; overdue 1 Nov - 28 Feb = 246 days.
    assert found["A2"]["next_due"] == "2026-02-28" and found["A2"]["days_overdue"] == 246
    # B1: 31 Aug + 3 months = 30 Nov (clipped); 29 days ahead, more than 14: on track.
    assert found["B1"]["next_due"] == "2026-11-30"
    assert (found["B1"]["days_until_due"], found["B1"]["status"]) == (29, "on_track")
    # C1: never contacted; since 10 Jan + 6 months = 10 Jul; 1 Nov - 10 Jul = 114 days.
    assert (found["C1"]["status"], found["C1"]["next_due"], found["C1"]["days_overdue"]) == \
        ("never_contacted", "2026-07-10", 114)
    # N1: no category -> default C (6 months); 20 Dec 2025 + 6 = 20 Jun 2026; 134 days overdue.
    assert (found["N1"]["category"], found["N1"]["category_source"]) == ("C", "default")
    assert (found["N1"]["next_due"], found["N1"]["days_overdue"]) == ("2026-06-20", 134)


def test_portfolio_counts_and_overdue_list_worst_first(tmp_path):
    portfolio = cadence(tmp_path)["portfolio"]["cadence"]
    # C1 has no touchpoint, but its source (relations.csv) has them for others: never contacted
    assert portfolio["counts"] == {"on_track": 1, "due_soon": 0, "overdue": 3, "never_contacted": 1,
                                   "no_history": 0}
    assert portfolio["per_category"] == {
        "A": {"relations": 2, "overdue": 2, "never_contacted": 0, "no_history": 0},
        "B": {"relations": 1, "overdue": 0, "never_contacted": 0, "no_history": 0},
        "C": {"relations": 2, "overdue": 1, "never_contacted": 1, "no_history": 0}}
    assert [row["id"] for row in portfolio["overdue"]] == ["A2", "N1", "A1"]
    assert [row["id"] for row in portfolio["never_contacted"]] == ["C1"]


def test_configured_cadence_default_and_window(tmp_path):
    report = cadence(tmp_path, """
        [plugins.cadence]
        months = { B = 2 }
        default_category = "A"
        due_soon_days = 40
        """)
    found = {r["id"]: r["cadence"] for r in report["relations"]}
    assert found["B1"]["next_due"] == "2026-10-31" and found["B1"]["days_overdue"] == 1
    assert found["N1"]["category"] == "A" and found["N1"]["next_due"] == "2026-01-20"


def test_add_months_clips_to_the_end_of_the_month():
    from relatierapport.dates import add_months
    assert add_months(dt.date(2024, 1, 31), 1) == dt.date(2024, 2, 29)
    assert add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)


def test_a_category_derived_by_segmentation_sets_the_cadence(tmp_path):
    """With segmentation loaded, N1 (no category, no revenue) gets C from revenue share, not the default."""
    config = write_project(tmp_path, relations=RELATIONS,
                           files={"touchpoints.csv": TOUCHPOINTS,
                                  "business.csv": "relation;date\n", "employees.csv": "id;name\n"})
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    n1 = next(r for r in report["relations"] if r["id"] == "N1")
    assert (n1["cadence"]["category"], n1["cadence"]["category_source"]) == ("C", "revenue_share")
    assert n1["cadence"]["next_due"] == "2026-06-20"


BOUNDARY_RELATIONS = """\
id;name;category;since
E1;Vandaag gesproken;A;01-01-2020
E2;Vandaag verschuldigd;A;01-01-2020
E3;Over veertien dagen;B;01-01-2020
E4;Over vijftien dagen;B;01-01-2020
E5;Twee dagen te laat;A;01-01-2020
E6;Nooit, geen begin;C;
"""
BOUNDARY_TOUCHPOINTS = """\
relation;date
E1;01-11-2026
E2;01-10-2026
E3;15-08-2026
E4;16-08-2026
E5;30-09-2026
"""


def test_boundaries_worked_by_hand(tmp_path):
    """The report date and the due-soon limit are inclusive; no contact and no start: due today."""
    config = write_project(tmp_path, relations=BOUNDARY_RELATIONS,
                           files={"touchpoints.csv": BOUNDARY_TOUCHPOINTS,
                                  "business.csv": "relation;date\n", "employees.csv": "id;name\n"})
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    found = {r["id"]: r["cadence"] for r in report["relations"]}

    def row(rid):
        c = found[rid]
        return (c["last_touchpoint"], c["next_due"], c["days_overdue"], c["days_until_due"], c["status"])

    # E1: a touchpoint on the report date itself counts: 1 Nov + 1 month = 1 Dec, 30 days ahead.
    assert row("E1") == ("2026-11-01", "2026-12-01", 0, 30, "on_track")
    # E2: 1 Oct + 1 month = 1 Nov, the report date: 0 days late, 0 days ahead -> due soon, not overdue.
    assert row("E2") == ("2026-10-01", "2026-11-01", 0, 0, "due_soon")
    # E3: 15 Aug + 3 months = 15 Nov: 14 days ahead = due_soon_days (14), inclusive -> due soon.
    assert row("E3") == ("2026-08-15", "2026-11-15", 0, 14, "due_soon")
    # E4: 16 Aug + 3 months = 16 Nov: 15 days ahead -> on track.
    assert row("E4") == ("2026-08-16", "2026-11-16", 0, 15, "on_track")
    # E5: 30 Sep + 1 month = 30 Oct: 1 Nov - 30 Oct = 2 days overdue.
    assert row("E5") == ("2026-09-30", "2026-10-30", 2, 0, "overdue")
    # E6: no contact, no start date: due on the report date, 0 days overdue, never contacted.
    assert row("E6") == (None, "2026-11-01", 0, 0, "never_contacted")
    portfolio = report["portfolio"]["cadence"]
    # due soon: earliest next due first (E2 1 Nov, E3 15 Nov)
    assert [r["id"] for r in portfolio["due_soon"]] == ["E2", "E3"]
    assert portfolio["due_soon"][0] == {
        "id": "E2", "name": "Vandaag verschuldigd", "owner": None, "category": "A",
        "last_touchpoint": "2026-10-01", "last_contact": "2026-10-01",
        "last_contact_source": "touchpoint", "next_due": "2026-11-01", "days_overdue": 0}
    assert portfolio["counts"] == {"on_track": 2, "due_soon": 2, "overdue": 1, "never_contacted": 1,
                                   "no_history": 0}
