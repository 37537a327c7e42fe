"""The .ics files: they parse back with the planned touchpoints, per owner and for all, with
stable UIDs, so importing next month's file updates events instead of duplicating them."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import icalendar

from conftest import cli, write_project
from test_planning import RELATIONS, TOUCHPOINTS


def build(root: Path, as_of: str = "2026-11-01", extra_config: str = "", touchpoints: str = TOUCHPOINTS,
          out: str = "site") -> Path:
    config = write_project(root, relations=RELATIONS, extra_config=extra_config,
                           files={"touchpoints.csv": touchpoints})
    result = cli("build", "--config", config, "--as-of", as_of, "--format", "ics", "--out", root / out)
    assert result.exit_code == 0, result.output
    return root / out


def events(path: Path) -> list[icalendar.Event]:
    calendar = icalendar.Calendar.from_ical(path.read_bytes())
    assert calendar["method"] == "PUBLISH" and calendar["version"] == "2.0"
    return list(calendar.walk("VEVENT"))


def summary(event) -> tuple:
    return (event.decoded("dtstart"), str(event["summary"]))


def test_each_owner_gets_their_touchpoints_of_the_coming_three_months(tmp_path):
    site = build(tmp_path)
    mila = events(site / "calendar" / "m1.ics")       # K1 (monthly, catch-up) and C1 (catch-up)
    assert [summary(e) for e in mila] == [
        (dt.date(2026, 11, 2), "Contactmoment: Alfa Bouw (20 min)"),
        (dt.date(2026, 11, 2), "Contactmoment: Carla de Jong (10 min)"),
        (dt.date(2026, 12, 1), "Contactmoment: Alfa Bouw (20 min)"),
        (dt.date(2027, 1, 1), "Contactmoment: Alfa Bouw (20 min)")]
    sem = events(site / "calendar" / "m2.ics")
    assert [summary(e) for e in sem] == [(dt.date(2026, 11, 30), "Contactmoment: Beta Zorg (15 min)")]
    first = mila[0]
    assert first.decoded("dtend") == dt.date(2026, 11, 3)          # all day
    assert str(first["transp"]) == "TRANSPARENT"                   # a reminder, not a busy block
    description = str(first["description"])
    assert description.startswith("Agenda:\n- Zakelijke check-in\n- Marktinzicht delen\n- Toekomstplanning")
    assert "Achterstallig: neem zo snel mogelijk contact op." in description
    assert "Duur: 20 minuten" in description and "Accountmanager: Mila Jansen" in description
    assert "Categorie: A · opdrachtgever" in description
    assert "Achterstallig" not in str(mila[2]["description"])       # only the catch-up itself


def test_the_calendar_for_all_holds_every_owners_events_and_those_without_owner(tmp_path):
    site = build(tmp_path)
    every = events(site / "calendar.ics")
    by_owner = events(site / "calendar" / "m1.ics") + events(site / "calendar" / "m2.ics")
    assert {str(e["uid"]) for e in by_owner} < {str(e["uid"]) for e in every}
    fonds = [summary(e) for e in every if "Fonds Noord" in str(e["summary"])]   # F1 has no owner
    assert fonds == [(dt.date(2026, 11, 20), "Contactmoment: Fonds Noord (20 min)"),
                     (dt.date(2026, 12, 21), "Contactmoment: Fonds Noord (20 min)"),  # 20 Dec: Sunday
                     (dt.date(2027, 1, 20), "Contactmoment: Fonds Noord (20 min)")]
    assert len({str(e["uid"]) for e in every}) == len(every)
    assert all("@" in str(e["uid"]) and "K1" not in str(e["uid"]) for e in every)


def test_next_months_calendar_updates_the_same_events(tmp_path):
    november = events(build(tmp_path, out="november") / "calendar" / "m1.ics")
    # In November Mila called Alfa Bouw (K1) on 10 November; the December report plans K1 from
    # 10 December on: the December touchpoint moves, and keeps its UID.
    december = events(build(tmp_path, "2026-12-01", touchpoints=TOUCHPOINTS + "K1;10-11-2026\n",
                             out="december") / "calendar" / "m1.ics")
    uid_then = {e.decoded("dtstart").strftime("%Y-%m"): str(e["uid"])
                for e in november if "Alfa" in str(e["summary"])}
    now = {e.decoded("dtstart"): e for e in december if "Alfa" in str(e["summary"])}
    assert sorted(now) == [dt.date(2026, 12, 10), dt.date(2027, 1, 11), dt.date(2027, 2, 10)]
    assert str(now[dt.date(2026, 12, 10)]["uid"]) == uid_then["2026-12"]
    assert str(now[dt.date(2027, 1, 11)]["uid"]) == uid_then["2027-01"]   # 10 Jan: Sunday
    assert now[dt.date(2026, 12, 10)]["sequence"] > november[0]["sequence"]


def test_same_input_gives_the_same_bytes(tmp_path):
    first = build(tmp_path, out="one")
    second = build(tmp_path, out="two")
    for name in ("calendar.ics", "calendar/m1.ics", "calendar/m2.ics"):
        assert (first / name).read_bytes() == (second / name).read_bytes()


def test_english_reports_give_english_calendars_and_months_is_an_option(tmp_path):
    site = build(tmp_path, extra_config="""
        [plugins.calendar_output]
        months = 1
        """)
    assert len(events(site / "calendar.ics")) == 4               # November only
    config = tmp_path / "config.toml"
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "Testbureau"', 'name = "Testbureau"\nlanguage = "en"'), encoding="utf-8")
    assert cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "ics").exit_code == 0
    first = events(tmp_path / "site" / "calendar" / "m1.ics")[0]
    assert str(first["summary"]) == "Touchpoint: Alfa Bouw (20 min)"
    assert str(first["description"]).startswith("Agenda:\n- Business check-in\n")


def test_a_calendar_longer_than_the_plan_is_a_config_error(tmp_path):
    config = write_project(tmp_path, extra_config="""
        [plugins.planning]
        months = 2
        [plugins.calendar_output]
        months = 3
        """)
    result = cli("build", "--config", config, "--format", "ics")
    assert result.exit_code == 2
    assert "config.toml:27: [plugins.calendar_output] months: expected at most [plugins.planning] " \
           "months (2), found 3" in result.output
    assert not (tmp_path / "site").exists()
