"""Planned touchpoints, every expected date worked out by hand from the cadence below.

The report date, Sunday 1 November 2026, is not a working day: catch-ups land on Monday 2 November.
"""

from __future__ import annotations

import json

from conftest import cli, write_project

RELATIONS = """\
id;name;kind;role;owner;category;since
K1;Alfa Bouw;organisatie;opdrachtgever;M1;A;01-03-2015
K2;Beta Zorg;organisatie;opdrachtgever;M2;B;15-06-2020
C1;Carla de Jong;persoon;kandidaat;M1;C;10-01-2026
F1;Fonds Noord;organisatie;funder;;A;01-01-2020
"""
TOUCHPOINTS = """\
relation;date
K1;15-09-2026
K2;31-08-2026
F1;20-10-2026
"""


def plan(tmp_path, extra_config=""):
    config = write_project(tmp_path, relations=RELATIONS, extra_config=extra_config,
                           files={"touchpoints.csv": TOUCHPOINTS})
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    return {r["id"]: r["planning"] for r in report["relations"]}, report["portfolio"]["planning"]


def dates(found):
    return [(t["date"], t["period"]) for t in found["touchpoints"]]


def test_dates_follow_the_cadence_and_move_to_working_days(tmp_path):
    found, _ = plan(tmp_path, """
        [plugins.planning]
        holidays = ["2027-01-01"]
        """)
    # K1: A, monthly; due 15 Oct, so overdue: a catch-up on the report date (Sunday -> Monday
    # 2 Nov), then the 1st of every month; 1 Jan 2027 is a holiday -> Monday 4 Jan, still the
    # January step; 1 May 2027 is a Saturday -> Monday 3 May. Twelve months: up to 31 Oct 2027.
    k1 = found["K1"]
    assert (k1["catch_up"], k1["next"], k1["count"], k1["cadence_months"]) == (True, "2026-11-02", 12, 1)
    assert dates(k1)[:3] == [("2026-11-02", "2026-11"), ("2026-12-01", "2026-12"),
                             ("2027-01-04", "2027-01")]
    assert dates(k1)[6] == ("2027-05-03", "2027-05") and dates(k1)[-1] == ("2027-10-01", "2027-10")
    # K2: B, quarterly; due 30 Nov (31 Aug + 3 months, clipped): not a catch-up. 28 Feb 2027 is a
    # Sunday; the next working day, Monday 1 Mar, lies in March, so it moves back to Friday
    # 26 Feb and stays in February; 30 Nov 2027 is past the twelve months.
    k2 = found["K2"]
    assert k2["catch_up"] is False and k2["next"] == "2026-11-30"
    assert dates(k2) == [("2026-11-30", "2026-11"), ("2027-02-26", "2027-02"),
                         ("2027-05-31", "2027-05"), ("2027-08-30", "2027-08")]
    # C1: C, half-yearly, never contacted: due 10 Jul (since + 6 months) -> catch-up 2 Nov, then
    # 1 May 2027 (a Saturday) -> 3 May.
    assert dates(found["C1"]) == [("2026-11-02", "2026-11"), ("2027-05-03", "2027-05")]


def test_length_and_agenda_per_role_and_category(tmp_path):
    found, portfolio = plan(tmp_path)
    k1, k2, c1, f1 = found["K1"], found["K2"], found["C1"], found["F1"]
    assert (k1["agenda_role"], k1["minutes"], k1["total_minutes"]) == ("client", 20, 12 * 20)
    assert k1["agenda"] == ["Business check-in", "Share a market insight", "Future planning"]
    assert (k2["minutes"], k2["total_minutes"]) == (15, 4 * 15)
    assert (c1["agenda_role"], c1["minutes"], c1["agenda"]) == ("candidate", 10, ["Availability and wishes"])
    # a funder has no table of its own: the default role's
    assert (f1["agenda_role"], f1["minutes"]) == ("default", 20)
    assert f1["agenda"] == ["Check-in", "Share a market insight", "Future plans"]
    # F1: last touchpoint 20 Oct, monthly -> 20 Nov, not a catch-up
    assert (f1["catch_up"], f1["next"]) == (False, "2026-11-20")
    assert portfolio["touchpoints"] == 12 + 4 + 2 + 12
    assert portfolio["minutes"] == 240 + 60 + 20 + 240
    assert portfolio["catch_up"] == 2
    assert (portfolio["from"], portfolio["to"], portfolio["months"]) == ("2026-11-01", "2027-10-31", 12)
    assert portfolio["per_category"]["A"] == {"relations": 2, "touchpoints": 24, "minutes": 480,
                                              "share": round(480 / 560, 3)}
    assert portfolio["per_owner"] == [
        {"owner": "M1", "relations": 2, "touchpoints": 14, "minutes": 260},
        {"owner": "M2", "relations": 1, "touchpoints": 4, "minutes": 60},
        {"owner": None, "relations": 1, "touchpoints": 12, "minutes": 240}]
    november = portfolio["per_month"][0]
    assert november == {"month": "2026-11", "touchpoints": 4, "minutes": 20 + 15 + 10 + 20}


def test_options_change_months_lengths_and_agendas(tmp_path):
    found, portfolio = plan(tmp_path, """
        [plugins.planning]
        months = 3
        minutes = { candidate = { C = 12 }, funder = { A = 45 } }
        agenda = { funder = { A = ["Subsidieronde bespreken"] } }
        """)
    assert [t["date"] for t in found["K1"]["touchpoints"]] == ["2026-11-02", "2026-12-01", "2027-01-01"]
    assert found["K2"]["count"] == 1 and found["C1"]["count"] == 1
    assert found["C1"]["minutes"] == 12
    assert found["K1"]["minutes"] == 20                       # clients keep their defaults
    assert (found["F1"]["agenda_role"], found["F1"]["minutes"]) == ("funder", 45)
    assert found["F1"]["agenda"] == ["Subsidieronde bespreken"]
    assert found["F1"]["touchpoints"][-1]["date"] == "2027-01-20"
    assert portfolio["to"] == "2027-01-31"


def test_a_cadence_longer_than_the_plan_plans_nothing(tmp_path):
    found, _ = plan(tmp_path, """
        [plugins.cadence]
        months = { B = 24 }
        [plugins.planning]
        months = 6
        """)
    # K2: 31 Aug 2026 + 24 months is after the six months planned
    assert (found["K2"]["count"], found["K2"]["next"], found["K2"]["touchpoints"]) == (0, None, [])
    assert found["K2"]["total_minutes"] == 0


def test_bad_planning_options_are_config_errors(tmp_path):
    config = write_project(tmp_path, extra_config="""
        [plugins.planning]
        months = 0
        minutes = { client = { A = "twintig" } }
        agenda = { client = { D = ["x"] } }
        holidays = ["27-04-2027"]
        """)
    result = cli("check", "--config", config)
    assert result.exit_code == 2
    out = result.output
    assert "config.toml:25: [plugins.planning] months: expected a whole number >= 1 and <= 36, found 0" in out
    assert 'config.toml:26: [plugins.planning] minutes.client.A: expected a whole number >= 1 and <= 480, ' \
           'found "twintig"' in out
    assert 'config.toml:27: [plugins.planning] agenda.client.D: expected a key from A, B, C' in out
    assert 'config.toml:28: [plugins.planning] holidays[0]: expected a date (YYYY-MM-DD), found "27-04-2027"' in out


def test_without_the_cadence_analysis_nothing_is_planned(tmp_path):
    config = write_project(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "Testbureau"', 'name = "Testbureau"\n'
        'disable_plugins = ["cadence", "health", "indicators"]'), encoding="utf-8")   # both need it
    assert cli("build", "--config", config, "--format", "json").exit_code == 0
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    assert report["portfolio"]["planning"] == {"unknown": "the cadence analysis is disabled"}
    assert all("planning" not in relation for relation in report["relations"])


def test_a_monthly_relation_keeps_one_touchpoint_in_every_month(tmp_path):
    config = write_project(tmp_path, relations="id;name;category\nM1;Maandklant;A\n",
                           files={"touchpoints.csv": "relation;date\nM1;30-10-2026\n"})
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    found = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    m1 = found["relations"][0]["planning"]
    # due 30 Nov, then the 30th (28 Feb) of every month. Saturday 30 Jan 2027 would move to
    # Monday 1 Feb: back to Friday 29 Jan. Sunday 28 Feb: Friday 26 Feb. Saturday 30 Oct 2027
    # would move to 1 Nov, past the twelve months: Friday 29 Oct. One touchpoint per month.
    assert dates(m1) == [
        ("2026-11-30", "2026-11"), ("2026-12-30", "2026-12"), ("2027-01-29", "2027-01"),
        ("2027-02-26", "2027-02"), ("2027-03-30", "2027-03"), ("2027-04-30", "2027-04"),
        ("2027-05-31", "2027-05"), ("2027-06-30", "2027-06"), ("2027-07-30", "2027-07"),
        ("2027-08-30", "2027-08"), ("2027-09-30", "2027-09"), ("2027-10-29", "2027-10")]


def test_due_on_the_report_date_the_plans_end_and_the_shares_worked_by_hand(tmp_path):
    """Report date Monday 2 November 2026: twelve months are 2 Nov 2026 up to and including
    1 Nov 2027 (a touchpoint on 2 Nov 2027 is outside)."""
    relations = ("id;name;kind;role;owner;category;since\n"
                 "D1;Delta;organisatie;opdrachtgever;M1;A;01-01-2020\n"
                 "D2;Epsilon;organisatie;opdrachtgever;M1;B;01-01-2020\n"
                 "D3;Zeta;organisatie;opdrachtgever;;C;01-01-2020\n")
    touchpoints = "relation;date\nD1;02-10-2026\nD2;01-09-2026\nD3;01-06-2026\n"
    config = write_project(tmp_path, relations=relations, files={"touchpoints.csv": touchpoints})
    result = cli("build", "--config", config, "--as-of", "2026-11-02", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    found = {r["id"]: r["planning"] for r in report["relations"]}
    # D1: 2 Oct + 1 month = 2 Nov, the report date: due, not late -> no catch-up; monthly from
    # 2 Nov; 2 Nov 2027 is outside the twelve months: 12 touchpoints x 20 minutes
    d1 = found["D1"]
    assert (d1["catch_up"], d1["next"], d1["count"], d1["total_minutes"]) == (False, "2026-11-02", 12, 240)
    assert dates(d1)[-1] == ("2027-10-04", "2027-10")        # Saturday 2 Oct 2027 -> Monday 4 Oct
    # D2: 1 Sep + 3 = 1 Dec; 1 Mar, 1 Jun, 1 Sep 2027 (1 Dec 2027 outside): 4 x 15 = 60
    assert (found["D2"]["count"], found["D2"]["total_minutes"]) == (4, 60)
    # D3: 1 Jun + 6 = 1 Dec; 1 Jun 2027: 2 x 10 = 20
    assert (found["D3"]["count"], found["D3"]["total_minutes"]) == (2, 20)
    portfolio = report["portfolio"]["planning"]
    assert (portfolio["from"], portfolio["to"], portfolio["touchpoints"], portfolio["minutes"],
            portfolio["catch_up"]) == ("2026-11-02", "2027-11-01", 18, 320, 0)
    # shares of 320 minutes, Python's round to 3 decimals (half to even on exact ties):
    # A 240/320 = 0.75; B 60/320 = 0.1875 -> 0.188; C 20/320 = 0.0625 -> 0.062 (not 0.063)
    assert {c: row["share"] for c, row in portfolio["per_category"].items()} == \
        {"A": 0.75, "B": 0.188, "C": 0.062}
    assert portfolio["per_owner"] == [
        {"owner": "M1", "relations": 2, "touchpoints": 16, "minutes": 300},
        {"owner": None, "relations": 1, "touchpoints": 2, "minutes": 20}]
    # November: D1 alone; December: D1, D2 and D3 (20 + 15 + 10)
    assert portfolio["per_month"][:2] == [{"month": "2026-11", "touchpoints": 1, "minutes": 20},
                                          {"month": "2026-12", "touchpoints": 3, "minutes": 45}]
