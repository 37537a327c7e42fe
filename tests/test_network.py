"""The relation network: who holds contact with which organisation, worked out by hand below.

Report date 2026-11-01: touchpoints count when after 2025-11-01 (12 months), and contact is
recent when after 2026-05-01 (6 months).

| unit | owners (own, persons')  | touchpoints (employee, date)                   | holds contact      | last contact |
|------|-------------------------|------------------------------------------------|--------------------|--------------|
| O1   | M1; P1 M1, P2 M2        | O1 M1 1 Oct 2026; P1 M3 1 Sep 2026             | M1, M2, M3         | 1 Oct 2026   |
| O2   | M1                      | M1 1 Jun and 1 Jul 2026                        | M1 only            | 1 Jul 2026   |
| O3   | M2; P3 M2               | O3 M1 15 Oct 2025 (too old); P3 M2 1 Mar 2026  | M2 only            | 1 Mar 2026   |
| O4   | none                    | none                                           | nobody             | never        |
| S1   | M1 (a person, no org.)  | M1 1 Aug 2026                                  | M1 only            | 1 Aug 2026   |
"""

from __future__ import annotations

import pytest

from relatierapport.testing import build_project

RELATIONS = [
    {"id": "O1", "name": "Orion Bouw", "kind": "organisation", "owner": "M1", "category": "A"},
    {"id": "P1", "name": "Piet Orion", "kind": "person", "role": "contact", "organisation": "O1", "owner": "M1"},
    {"id": "P2", "name": "Petra Orion", "kind": "person", "role": "contact", "organisation": "O1", "owner": "M2"},
    {"id": "O2", "name": "Osmose Zorg", "kind": "organisation", "owner": "M1", "category": "A"},
    {"id": "O3", "name": "Optima Advies", "kind": "organisation", "owner": "M2", "category": "B"},
    {"id": "P3", "name": "Paul Optima", "kind": "person", "role": "contact", "organisation": "O3", "owner": "M2"},
    {"id": "O4", "name": "Onbeheerd", "kind": "organisation", "category": "C"},
    {"id": "S1", "name": "Sanne Solo", "kind": "person", "role": "candidate", "owner": "M1", "category": "C"},
]
EMPLOYEES = [{"id": "M1", "name": "Mila Jansen"}, {"id": "M2", "name": "Sem Bakker"},
             {"id": "M3", "name": "Ayoub Smit"}]
TOUCHPOINTS = [
    {"relation": "O3", "date": "2025-10-15", "employee": "M1"},
    {"relation": "P3", "date": "2026-03-01", "employee": "M2"},
    {"relation": "O2", "date": "2026-06-01", "employee": "M1"},
    {"relation": "O2", "date": "2026-07-01", "employee": "M1"},
    {"relation": "S1", "date": "2026-08-01", "employee": "M1"},
    {"relation": "P1", "date": "2026-09-01", "employee": "M3"},
    {"relation": "O1", "date": "2026-10-01", "employee": "M1"},
]


def build(folder, options=None, formats=("json",)):
    config = {"plugins": {"network": options}} if options else {}
    return build_project(folder, relations=RELATIONS, employees=EMPLOYEES, touchpoints=TOUCHPOINTS,
                         business=[], config=config, formats=list(formats), strict=False)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("network"), formats=("html", "json"))


def test_who_holds_contact_per_organisation(built):
    o1 = built.relation("O1")["network"]
    assert o1 == {"unit": "O1", "contacts": 3, "last_contact": "2026-10-01", "single_contact": False,
                  "no_recent_contact": False, "employees": [
                      {"employee": "M1", "owner": True, "touchpoints": 1},
                      {"employee": "M2", "owner": True, "touchpoints": 0},       # owns P2
                      {"employee": "M3", "owner": False, "touchpoints": 1}]}    # met P1
    # A contact person shares its organisation's network.
    assert built.relation("P1")["network"] == o1
    o3 = built.relation("O3")["network"]
    assert (o3["contacts"], o3["single_contact"], o3["last_contact"], o3["no_recent_contact"]) == (
        1, True, "2026-03-01", True)
    o4 = built.relation("O4")["network"]
    assert (o4["contacts"], o4["employees"], o4["last_contact"], o4["single_contact"]) == (0, [], None, False)
    # S1 has one contact too, but a person is not checked for that by default.
    assert built.relation("S1")["network"]["single_contact"] is False


def test_the_risk_lists(built):
    found = built.report["portfolio"]["network"]
    assert found["counts"] == {"units": 5, "single_contact": 2, "no_recent_contact": 2, "no_contact": 1,
                               "contacts_mean": 1.2}                    # (3 + 1 + 1 + 0 + 1) / 5
    assert found["contacts"] == {"0": 1, "1": 3, "3+": 1}
    assert [(r["id"], r["category"], r["employee"], r["employee_name"]) for r in found["single_contact"]] == [
        ("O2", "A", "M1", "Mila Jansen"), ("O3", "B", "M2", "Sem Bakker")]
    # Longest ago first, never contacted before all: O4, then O3 (1 Mar to 1 Nov: 245 days).
    assert [(r["id"], r["last_contact"], r["days_since"]) for r in found["no_recent_contact"]] == [
        ("O4", None, None), ("O3", "2026-03-01", 245)]
    assert found["employees"] == [
        {"id": "M1", "name": "Mila Jansen", "units": 3, "owned": 3, "sole": 1},    # O1, O2, S1; alone at O2
        {"id": "M2", "name": "Sem Bakker", "units": 2, "owned": 2, "sole": 1},     # O1, O3; alone at O3
        {"id": "M3", "name": "Ayoub Smit", "units": 1, "owned": 0, "sole": 0}]


def test_the_options_change_the_lists(tmp_path):
    # Persons checked too: S1 hangs on M1. 12 months recent: O3 (1 Mar) is recent.
    # 18 months of touchpoints (after 2025-05-01): M1's touchpoint at O3 counts, O3 has two contacts.
    found = build(tmp_path, {"single_contact_kinds": ["organisation", "person"], "recent_months": 12,
                             "months": 18}).report["portfolio"]["network"]
    assert [r["id"] for r in found["single_contact"]] == ["O2", "S1"]
    assert [r["id"] for r in found["no_recent_contact"]] == ["O4"]
    limited = build(tmp_path / "limit", {"list_limit": 1}).report["portfolio"]["network"]
    assert (len(limited["single_contact"]), limited["single_contact_total"]) == (1, 2)


def test_the_report_shows_the_network(built):
    page = built.page()
    assert "<h3>Afhankelijk van één persoon (2)</h3>" in page and "Osmose Zorg" in page
    assert "<h3>Zonder recent contact (2)</h3>" in page
    plan = built.page("P1")
    assert "Geteld bij de organisatie Orion Bouw." in plan and "Ayoub Smit" in plan


def test_window_boundaries_worked_by_hand(tmp_path):
    """12 months of touchpoints = 2025-11-02 .. 2026-11-01; recent = after 2026-05-01."""
    relations = [{"id": f"W{i}", "name": f"Grens {i}", "kind": "organisation", "owner": "M1",
                  "category": "A"} for i in range(1, 5)]
    touchpoints = [
        {"relation": "W1", "date": "2025-11-01", "employee": "M2"},   # the day 12 months before: out
        {"relation": "W1", "date": "2025-11-02", "employee": "M3"},   # the window's first day: in
        {"relation": "W2", "date": "2026-11-01", "employee": "M2"},   # the report date: in
        {"relation": "W2", "date": "2026-11-02", "employee": "M3"},   # after the report date: out
        {"relation": "W3", "date": "2026-05-01", "employee": "M1"},   # 6 months before: not recent
        {"relation": "W4", "date": "2026-05-02", "employee": "M1"},   # recent
    ]
    built = build_project(tmp_path, relations=relations, employees=EMPLOYEES, touchpoints=touchpoints,
                          business=[], formats=["json"], strict=False)
    found = {rid: built.relation(rid)["network"] for rid in ("W1", "W2", "W3", "W4")}
    # W1: owner M1 (0 touchpoints) and M3; W2: M1 and M2
    assert [(e["employee"], e["owner"], e["touchpoints"]) for e in found["W1"]["employees"]] == [
        ("M1", True, 0), ("M3", False, 1)]
    assert [(e["employee"], e["touchpoints"]) for e in found["W2"]["employees"]] == [("M1", 0), ("M2", 1)]
    assert [(found[w]["contacts"], found[w]["last_contact"], found[w]["single_contact"],
             found[w]["no_recent_contact"]) for w in found] == [
        (2, "2025-11-02", False, True), (2, "2026-11-01", False, False),
        (1, "2026-05-01", True, True), (1, "2026-05-02", True, False)]
    portfolio = built.report["portfolio"]["network"]
    # days since: 2 Nov 2025 -> 1 Nov 2026 = 364; 1 May -> 1 Nov 2026 = 184; oldest first
    assert [(r["id"], r["days_since"], r["contacts"], r["owner"], r["owner_name"])
            for r in portfolio["no_recent_contact"]] == [
        ("W1", 364, 2, "M1", "Mila Jansen"), ("W3", 184, 1, "M1", "Mila Jansen")]
    # contacts (2 + 2 + 1 + 1) / 4 = 1.5
    assert portfolio["counts"] == {"units": 4, "single_contact": 2, "no_recent_contact": 2,
                                   "no_contact": 0, "contacts_mean": 1.5}
    assert portfolio["contacts"] == {"1": 2, "2": 2}
    assert portfolio["window"] == {"months": 12, "recent_months": 6, "recent_since": "2026-05-01",
                                   "list_limit": 100}
    assert portfolio["employees"] == [
        {"id": "M1", "name": "Mila Jansen", "units": 4, "owned": 4, "sole": 2},
        {"id": "M2", "name": "Sem Bakker", "units": 1, "owned": 0, "sole": 0},
        {"id": "M3", "name": "Ayoub Smit", "units": 1, "owned": 0, "sole": 0}]
    assert (portfolio["single_contact_total"], portfolio["no_recent_contact_total"],
            portfolio["no_history_total"]) == (2, 2, 0)
