"""The example project's jubileum plugin (plugins/jubileum.py), worked out by hand.

Report date 2026-11-01, days_ahead 60 (the default): anniversaries from 2026-11-01 up to and
including 2026-12-31 (2026-12-31 - 2026-11-01 = 60 days).
"""

from __future__ import annotations

from pathlib import Path

from relatierapport.testing import build_project, plugin_file

JUBILEUM = Path(__file__).resolve().parent.parent / "plugins" / "jubileum.py"


def relation(rid, since):
    return {"id": rid, "name": f"Relatie {rid}", "kind": "organisation", "since": since}


def build(folder, relations, as_of="2026-11-01", days_ahead=None):
    config = {"plugins": {"jubileum": {"days_ahead": days_ahead}}} if days_ahead else {}
    return build_project(folder, plugins=[plugin_file(JUBILEUM)], relations=relations, touchpoints=[],
                         business=[], as_of=as_of, config=config, formats=["json"], strict=False)


def test_anniversaries_worked_by_hand(tmp_path):
    built = build(tmp_path, [
        relation("J7", "2020-12-31"),   # 31 Dec 2026: 60 days ahead (inclusive), 6 years
        relation("J1", "2016-11-01"),   # on the report date itself: 0 days ahead, 10 years
        relation("J2", "2020-12-31"),   # the same day as J7: by id, J2 first
        relation("J3", "2021-01-01"),   # 1 Jan 2027: 61 days ahead, too far
        relation("J4", "2025-10-31"),   # 31 Oct 2026 has passed; 31 Oct 2027 is too far
        relation("J5", "2026-11-15"),   # started this year: 0 years, no anniversary
        relation("J6", None),           # no start date
    ])
    found = {r["id"]: r["jubileum"] for r in built.report["relations"]}
    assert found == {"J7": {"date": "2026-12-31", "years": 6}, "J1": {"date": "2026-11-01", "years": 10},
                     "J2": {"date": "2026-12-31", "years": 6}, "J3": None, "J4": None, "J5": None,
                     "J6": None}
    assert built.report["portfolio"]["jubileum"]["upcoming"] == [
        {"id": "J1", "name": "Relatie J1", "date": "2026-11-01", "years": 10},
        {"id": "J2", "name": "Relatie J2", "date": "2026-12-31", "years": 6},
        {"id": "J7", "name": "Relatie J7", "date": "2026-12-31", "years": 6}]


def test_a_leap_day_start_falls_on_the_first_of_march(tmp_path):
    # 29 Feb 2024 in 2027 (no leap year): 1 Mar 2027, 9 days after 20 Feb, 3 years; days_ahead 9
    # includes it, 8 does not
    relations = [relation("L1", "2024-02-29")]
    built = build(tmp_path / "nine", relations, as_of="2027-02-20", days_ahead=9)
    assert built.relation("L1")["jubileum"] == {"date": "2027-03-01", "years": 3}
    built = build(tmp_path / "eight", relations, as_of="2027-02-20", days_ahead=8)
    assert built.relation("L1")["jubileum"] is None
