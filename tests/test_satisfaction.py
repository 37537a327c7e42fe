"""The service-profit chain: employee satisfaction next to their relations', with honest statistics.

Report date 2026-11-01; the window is the last 12 months, the periods are calendar quarters.
Six employees in two teams each own four relations; every relation has customer surveys.

| employee | team | employee scores          | customer scores of their 4 relations |
|----------|------|--------------------------|--------------------------------------|
| E1       | T1   | 9 (15 Sep)               | 8.0 (20 Sep)                         |
| E2       | T1   | 8 (15 Sep)               | 8.5 (20 Sep)                         |
| E3       | T1   | 7 (15 Sep)               | 7.0 (20 Sep)                         |
| E4       | T2   | 7 (15 Jun), 6 (15 Sep)   | 7.0 (20 Jun), 6.0 (20 Sep)           |
| E5       | T2   | 5 (15 Sep)               | 3 out of 5 = 6.0 (20 Sep)            |
| E6       | T2   | 4 (15 Sep)               | 6.2 (20 Sep)                         |

Means in the window: employees 9, 8, 7, 6.5, 5, 4; their relations 8.0, 8.5, 7.0, 6.5, 6.0, 6.2.
Ranks (1 = lowest): employees E1 6, E2 5, E3 4, E4 3, E5 2, E6 1; relations E1 5, E2 6, E3 4,
E4 3, E5 1, E6 2. Differences 1, -1, 0, 0, 1, -1: sum of squares 4.
Spearman's rho = 1 - 6 x 4 / (6 x (36 - 1)) = 1 - 24 / 210 = 0.886.

Health: only R51 (E5's, category A) has a touchpoint, on 15 Jul 2026. On 1 Aug (the health
trend's previous date) it was on time: cadence 100, referrals 0, value-add 0, the rest unknown:
(2 x 100 + 0 + 0) / 4 = 50. Now it is 78 days overdue (due 15 Aug), more than a month: cadence 0,
score 0. Its health fell 50 points; E5 and team T2 have no other relation with a score.
"""

from __future__ import annotations

import pytest

from relatierapport.testing import build_project

EMPLOYEES = [{"id": f"E{n}", "name": f"Medewerker {n}", "team": "T1" if n <= 3 else "T2"}
             for n in range(1, 7)]
RELATIONS = [{"id": f"R{n}{k}", "name": f"Relatie {n}{k}", "owner": f"E{n}",
              "category": "A" if (n, k) == (5, 1) else "B"} for n in range(1, 7) for k in range(1, 5)]
TOUCHPOINTS = [{"relation": "R51", "date": "2026-07-15", "employee": "E5", "direction": "out",
                "kind": "check_in"}]
EMPLOYEE_SCORES = {1: [("2026-09-15", 9)], 2: [("2026-09-15", 8)], 3: [("2026-09-15", 7)],
                   4: [("2026-06-15", 7), ("2026-09-15", 6)], 5: [("2026-09-15", 5)],
                   6: [("2026-09-15", 4)]}
CUSTOMER_SCORES = {1: [("2026-09-20", 8.0, 10)], 2: [("2026-09-20", 8.5, 10)],
                   3: [("2026-09-20", 7.0, 10)], 4: [("2026-06-20", 7.0, 10), ("2026-09-20", 6.0, 10)],
                   5: [("2026-09-20", 3, 5)], 6: [("2026-09-20", 6.2, 10)]}
SURVEYS = ([{"subject": f"E{n}", "kind": "employee", "date": date, "score": score, "scale": 10}
            for n, scores in EMPLOYEE_SCORES.items() for date, score in scores]
           + [{"subject": f"R{n}{k}", "kind": "customer", "date": date, "score": score, "scale": scale}
              for n, scores in CUSTOMER_SCORES.items() for k in range(1, 5)
              for date, score, scale in scores])


def build(folder, options=None, language="nl", **extra):
    config = {"project": {"language": language}}
    if options:
        config["plugins"] = {"satisfaction": options}
    return build_project(folder, relations=extra.pop("relations", RELATIONS),
                         employees=extra.pop("employees", EMPLOYEES), touchpoints=TOUCHPOINTS,
                         business=[],
                         surveys=extra.pop("surveys", SURVEYS), config=config,
                         formats=extra.pop("formats", ["json"]), strict=False, **extra)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    return build(tmp_path_factory.mktemp("satisfaction"), formats=["html", "json"])


def test_spearman_rho_worked_out_by_hand(built):
    link = built.report["portfolio"]["satisfaction"]["link"]["customer_satisfaction"]
    assert {key: link[key] for key in ("employees", "relations", "rho", "strength", "direction",
                                       "conclusion")} == {
        "employees": 6, "relations": 24, "rho": 0.886, "strength": "strong", "direction": "positive",
        "conclusion": "ok"}
    assert link["minimum"] == {"employees": 5, "relations": 20}
    # Fisher's z of the unrounded rho 1 - 24 / 210 = 0.885714: atanh = 1.4017; se =
    # sqrt(1.06 / (6 - 3)) = 0.5944; 95%: z = 1.95996, spread 1.1650; tanh(1.4017 - 1.1650) =
    # tanh(0.2367) = 0.232, tanh(2.5667) = 0.988: above 0, so the sign of the link holds.
    assert link["interval"] == {"level": 0.95, "low": 0.232, "high": 0.988, "method": "fisher_z"}
    assert [(p["id"], p["x"], p["y"]) for p in link["points"]] == [
        ("E1", 9.0, 8.0), ("E2", 8.0, 8.5), ("E3", 7.0, 7.0), ("E4", 6.5, 6.5), ("E5", 5.0, 6.0),
        ("E6", 4.0, 6.2)]


def test_no_number_below_the_minimum_sample(tmp_path):
    # 24 relations are fewer than 25; 6 employees fewer than 7.
    for options in ({"min_relations": 25}, {"min_employees": 7}):
        link = build(tmp_path / str(len(str(options))) / "x", options)\
            .report["portfolio"]["satisfaction"]["link"]["customer_satisfaction"]
        assert (link["conclusion"], link["rho"], link["strength"]) == ("too_few", None, None)
    # Only R51 has a health score: one employee and one relation behind the health link.
    health = build(tmp_path / "health").report["portfolio"]["satisfaction"]["link"]["health"]
    assert (health["conclusion"], health["employees"], health["relations"]) == ("too_few", 1, 1)


def test_a_link_whose_interval_holds_zero_is_no_conclusion(tmp_path):
    # At 99.9%: q = 3.2905, spread 3.2905 x 0.5944 = 1.9559; tanh(1.4017 - 1.9559) = -0.504,
    # tanh(3.3576) = 0.998: the interval -0.504 to 0.998 holds 0, so the strong rho of 0.886 is no conclusion.
    link = build(tmp_path / "wide", {"confidence": 0.999}).report["portfolio"]["satisfaction"][
        "link"]["customer_satisfaction"]
    assert (link["conclusion"], link["rho"]) == ("spans_zero", 0.886)
    assert (link["interval"]["low"], link["interval"]["high"]) == (-0.504, 0.998)


def test_an_interval_needs_more_than_three_employees():
    from relatierapport.builtin.analyses.satisfaction import fisher_interval
    assert fisher_interval(0.9, 3, 0.95)["low"] is None
    assert fisher_interval(1.0, 5, 0.95) == {"level": 0.95, "low": 1.0, "high": 1.0, "method": "fisher_z"}
    # n = 28: se = sqrt(1.06 / 25) = 0.2059; 90%: q = 1.6449, spread 0.3387; atanh(0.5) = 0.5493:
    # tanh(0.2106) = 0.208, tanh(0.8880) = 0.710
    assert fisher_interval(0.5, 28, 0.90) == {"level": 0.90, "low": 0.208, "high": 0.71,
                                              "method": "fisher_z"}


def test_the_strength_words_follow_their_boundaries(tmp_path):
    # 0.886 is below a "strong" of 0.9 but above the default "moderate" of 0.3.
    link = build(tmp_path, {"strength": {"strong": 0.9}}).report["portfolio"]["satisfaction"]["link"]
    assert link["customer_satisfaction"]["strength"] == "moderate"


def test_per_employee_over_time_and_the_signal(built):
    found = built.report["portfolio"]["satisfaction"]
    e4 = next(row for row in found["employees"] if row["id"] == "E4")
    # E4: 7 then 6 (mean 6.5); latest 6.0 is below 6.5 (low) and 1.0 down (falling by >= 0.5);
    # their relations went from 7.0 to 6.0 (falling too).
    assert {k: e4[k] for k in ("satisfaction", "responses", "customer_satisfaction",
                               "surveyed_relations", "relations", "latest", "change",
                               "customer_change")} == {
        "satisfaction": 6.5, "responses": 2, "customer_satisfaction": 6.5, "surveyed_relations": 4,
        "relations": 4, "latest": 6.0, "change": -1.0, "customer_change": -1.0}
    assert e4["flags"] == {"low": True, "falling": True, "health_falling": False, "customer_falling": True}
    assert [(p["from"], p["employee"], p["customer"]) for p in e4["history"]] == [
        ("2025-07-01", None, None), ("2025-10-01", None, None), ("2026-01-01", None, None),
        ("2026-04-01", 7.0, 7.0), ("2026-07-01", 6.0, 6.0), ("2026-10-01", None, None)]
    # E5 is low (5) and the health of R51 fell 50 points: a signal. E6 is low too, but nothing
    # of theirs fell. Team T2: latest quarter (6 + 5 + 4) / 3 = 5.0, the one before 7.0 (E4 alone):
    # -2.0; customers (4 x 6.0 + 4 x 6.0 + 4 x 6.2) / 12 = 6.07 against 7.0: -0.93; health -50.
    assert [(s["level"], s["id"], s["reasons"]) for s in found["signals"]] == [
        ("employee", "E4", ["low", "falling", "customer_falling"]),
        ("employee", "E5", ["low", "health_falling"]),
        ("team", "T2", ["low", "falling", "health_falling", "customer_falling"])]
    e5 = next(row for row in found["employees"] if row["id"] == "E5")
    assert (e5["health"], e5["scored_relations"], e5["health_change"], e5["health_down"]) == (0.0, 1, -50.0, 1)
    t2 = next(row for row in found["teams"] if row["team"] == "T2")
    assert (t2["latest"], t2["change"], t2["customer_change"], t2["members"]) == (
        5.0, -2.0, -0.93, ["E4", "E5", "E6"])


def test_a_low_threshold_changes_the_signals(tmp_path):
    # With "low" below 4, "falling" from a drop of 2 points and health falling from 60 points,
    # nobody is low; T2 fell 2.0 but its customers only 0.93 and its health 50: no signal.
    found = build(tmp_path, {"low_score": 4.0, "falling_points": 2.0, "health_falling_points": 60.0})\
        .report["portfolio"]["satisfaction"]
    assert found["signals"] == []


def test_the_report_states_the_link_with_a_chart_and_its_text(built):
    page = built.page()
    assert "Een sterk verband (hogere medewerkerstevredenheid gaat samen met hogere waarden): " \
           "Spearmans rangcorrelatie 0,89 (95%-interval 0,23 tot 0,99), uit 6 medewerkers en 24 relaties." in page
    # the report's scatter chart, its title and every employee's values in its text alternative
    start = page.index('<figure class="scatter">')
    chart = page[start:page.index("</figure>", start)]
    assert 'class="chart chart-scatter"' in chart
    assert "<title>Medewerkerstevredenheid en klanttevredenheid</title>" in chart
    assert "Medewerker 4: 6,5, 6,5" in chart
    assert chart.count("<circle") == 6                            # one dot per employee
    # health: only R51 has a score
    assert "Te weinig gegevens voor een conclusie: 1 medewerker en 1 relatie" in page


def test_an_english_report_says_too_few_data(tmp_path):
    built = build(tmp_path, {"min_relations": 25}, language="en", formats=["html"])
    assert ("Too few data to draw a conclusion: 6 employees and 24 relations, at least 5 and 25 "
            "are needed.") in built.page()


def test_the_window_and_the_periods(tmp_path):
    # 3 months (after 2026-08-01): only the September scores count now; E4's is 6.
    # Half years: January-June holds E4's 7 (and their relations' 7.0), July-December 6 (6.0).
    found = build(tmp_path, {"months": 3, "period_months": 6, "periods": 2}).report["portfolio"]["satisfaction"]
    assert found["window"] == {"from": "2026-08-02", "to": "2026-11-01", "months": 3}
    assert found["periods"] == [{"from": "2026-01-01", "to": "2026-06-30"},
                                {"from": "2026-07-01", "to": "2026-12-31"}]
    e4 = next(row for row in found["employees"] if row["id"] == "E4")
    assert (e4["satisfaction"], e4["responses"], e4["customer_satisfaction"]) == (6.0, 1, 6.0)
    assert [(p["employee"], p["customer"]) for p in e4["history"]] == [(7.0, 7.0), (6.0, 6.0)]


def test_strength_boundaries_out_of_order_are_a_config_error(tmp_path):
    from relatierapport.errors import ConfigError

    with pytest.raises(ConfigError) as failure:
        build(tmp_path, {"strength": {"weak": 0.5, "moderate": 0.3}})
    assert [str(p) for p in failure.value.problems] == [
        "config.toml:5: [plugins.satisfaction] strength: expected weak <= moderate <= strong, found a table"]


def _employee(found, employee):
    return next(row for row in found["employees"] if row["id"] == employee)


def test_window_and_period_boundaries_worked_by_hand(tmp_path):
    """docs/definitions/satisfaction.md: the window is after 2025-11-01 up to and including
    2026-11-01; the periods are calendar quarters, both ends included, the last one holding the
    report date; nothing after the report date counts anywhere."""
    surveys = [
        # E1: 2025-11-01 is as_of - 12 months (outside the window, inside Oct-Dec 2025),
        # 2025-11-02 the window's first day, 2026-11-01 the report date, 2026-11-02 after it.
        *({"subject": "E1", "kind": "employee", "date": date, "score": score, "scale": 10}
          for date, score in (("2025-11-01", 1), ("2025-11-02", 6), ("2026-11-01", 8),
                              ("2026-11-02", 10))),
        # the same for the customers of R11; R12's only survey is outside the window
        *({"subject": "R11", "kind": "customer", "date": date, "score": score, "scale": 10}
          for date, score in (("2025-11-01", 2), ("2025-11-02", 7), ("2026-11-01", 9),
                              ("2026-11-02", 10))),
        {"subject": "R12", "kind": "customer", "date": "2025-11-01", "score": 4, "scale": 10},
        # E2: 2025-06-30 is before the first period (Jul-Sep 2025), 2025-07-01 and 2025-09-30
        # its first and last day, 2025-10-01 the next quarter's first
        *({"subject": "E2", "kind": "employee", "date": date, "score": score, "scale": 10}
          for date, score in (("2025-06-30", 3), ("2025-07-01", 5), ("2025-09-30", 7),
                              ("2025-10-01", 9))),
    ]
    found = build(tmp_path, surveys=surveys).report["portfolio"]["satisfaction"]
    assert found["window"] == {"from": "2025-11-02", "to": "2026-11-01", "months": 12}
    e1 = _employee(found, "E1")
    # now: (6 + 8) / 2 = 7.0 from 2 responses; customers (7 + 9) / 2 = 8.0 from R11 alone
    assert (e1["satisfaction"], e1["responses"], e1["customer_satisfaction"],
            e1["surveyed_relations"], e1["relations"]) == (7.0, 2, 8.0, 1, 4)
    # Oct-Dec 2025 holds 2025-11-01 and 2025-11-02: (1 + 6) / 2 = 3.5, customers (2 + 4 + 7) / 3
    # = 4.33; Oct-Dec 2026 only the report date: 8.0 and 9.0 (not 9.0 and 9.5 with 2026-11-02).
    assert [(p["from"], p["employee"], p["customer"]) for p in e1["history"]] == [
        ("2025-07-01", None, None), ("2025-10-01", 3.5, 4.33), ("2026-01-01", None, None),
        ("2026-04-01", None, None), ("2026-07-01", None, None), ("2026-10-01", 8.0, 9.0)]
    # latest: the last quarter with a score; change against the one before with a score
    assert (e1["latest"], e1["change"], e1["customer_change"]) == (8.0, 4.5, 4.67)
    e2 = _employee(found, "E2")
    # E2 has nothing in the window; Jul-Sep 2025: (5 + 7) / 2 = 6.0; Oct-Dec 2025: 9.0
    assert (e2["satisfaction"], e2["responses"], e2["latest"], e2["change"]) == (None, 0, 9.0, 3.0)
    assert [p["employee"] for p in e2["history"]][:2] == [6.0, 9.0]


def test_scores_out_of_ten_and_rounding_worked_by_hand(tmp_path):
    """Each score is put out of 10 and rounded to a whole millionth; means are shown rounded to
    2 decimals, half to even; thresholds compare the shown values."""
    surveys = [
        # E1: 6.25 and 6.0: mean 6.125 exactly, shown 6.12 (612.5 rounds to the even 612)
        {"subject": "E1", "kind": "employee", "date": "2026-09-15", "score": 6.25, "scale": 10},
        {"subject": "E1", "kind": "employee", "date": "2026-09-16", "score": 6.0, "scale": 10},
        # R11: 3 out of 7 = 4.285714..., 4285714 millionths, shown 4.29; 4 out of 5 = 8.0
        {"subject": "R11", "kind": "customer", "date": "2026-09-20", "score": 3, "scale": 7},
        {"subject": "R12", "kind": "customer", "date": "2026-09-20", "score": 4, "scale": 5},
        # E2: 8.2 then 7.7: as doubles 7.7 - 8.2 = -0.4999999999999991, shown -0.5: falling
        # (-0.5 <= -0.5), and latest 7.7 is not low
        {"subject": "E2", "kind": "employee", "date": "2026-06-15", "score": 8.2, "scale": 10},
        {"subject": "E2", "kind": "employee", "date": "2026-09-15", "score": 7.7, "scale": 10},
    ]
    found = build(tmp_path, surveys=surveys).report["portfolio"]["satisfaction"]
    e1 = _employee(found, "E1")
    # customers: (4285714 + 8000000) / 2 = 6142857 millionths = 6.142857, shown 6.14
    assert (e1["satisfaction"], e1["customer_satisfaction"]) == (6.12, 6.14)
    assert [p["customer"] for p in e1["history"]][-2] == 6.14
    e2 = _employee(found, "E2")
    assert (e2["satisfaction"], e2["latest"], e2["change"]) == (7.95, 7.7, -0.5)
    assert e2["flags"] == {"low": False, "falling": True, "health_falling": False,
                           "customer_falling": False}
    # falling, but no relation health or customer satisfaction fell: no signal
    assert e2["signal"] is False


def test_thresholds_exactly_at_the_boundary(tmp_path):
    """low: latest < low_score (equal is not low); falling: change <= -falling_points;
    health falling: health_change <= -health_falling_points; customer falling: customer_change
    <= -falling_points; a strength word from rho >= its bound."""
    found = build(tmp_path, {"low_score": 6.0, "falling_points": 1.0, "health_falling_points": 50.0,
                             "strength": {"strong": 0.886}}).report["portfolio"]["satisfaction"]
    e4, e5, e6 = (_employee(found, e) for e in ("E4", "E5", "E6"))
    # E4: latest 6.0 is not below 6.0; change -1.0 and customer change -1.0 are <= -1.0
    assert e4["flags"] == {"low": False, "falling": True, "health_falling": False, "customer_falling": True}
    # E5: 5.0 < 6.0; the health of R51 changed -50.0 <= -50.0
    assert e5["flags"] == {"low": True, "falling": False, "health_falling": True, "customer_falling": False}
    # E6: low, but one quarter only (no change) and no health change: no signal
    assert (e6["flags"]["low"], e6["change"], e6["customer_change"], e6["health_change"],
            e6["signal"]) == (True, None, None, None, False)
    # T2: latest 5.0, change -2.0, health -50.0, customers -0.93 (above -1.0)
    assert [(s["level"], s["id"], s["reasons"]) for s in found["signals"]] == [
        ("employee", "E4", ["falling", "customer_falling"]),
        ("employee", "E5", ["low", "health_falling"]),
        ("team", "T2", ["low", "falling", "health_falling"])]
    # rho 0.886 (rounded to 3 decimals) >= strong 0.886
    assert found["link"]["customer_satisfaction"]["strength"] == "strong"
    assert found["thresholds"] == {"low_score": 6.0, "falling_points": 1.0,
                                   "health_falling_points": 50.0,
                                   "strength": {"weak": 0.1, "moderate": 0.3, "strong": 0.886}}
    assert found["list_limit"] == 100


def test_a_teams_figures_worked_by_hand(built):
    """A team's figures are its employees' sums: means of all the team's scores, not means of
    its employees' means."""
    found = built.report["portfolio"]["satisfaction"]
    assert [t["team"] for t in found["teams"]] == ["T1", "T2"]
    t1, t2 = found["teams"]
    # T2 now: E4's 7 and 6, E5's 5, E6's 4: (7 + 6 + 5 + 4) / 4 = 5.5 (the employees' means
    # 6.5, 5, 4 would give 5.17); customers (4 x 7.0 + 4 x 6.0 + 4 x 6.0 + 4 x 6.2) / 16 = 6.3;
    # health: R51 alone, 0.0, change -50.0, down.
    assert {k: t2[k] for k in ("satisfaction", "responses", "customer_satisfaction",
                               "surveyed_relations", "relations", "health", "scored_relations",
                               "health_change", "health_down", "members", "signal")} == {
        "satisfaction": 5.5, "responses": 4, "customer_satisfaction": 6.3, "surveyed_relations": 12,
        "relations": 12, "health": 0.0, "scored_relations": 1, "health_change": -50.0,
        "health_down": 1, "members": ["E4", "E5", "E6"], "signal": True}
    # per quarter: Apr-Jun E4 alone 7.0 / 7.0; Jul-Sep (6 + 5 + 4) / 3 = 5.0 and customers
    # (4 x 6.0 + 4 x 6.0 + 4 x 6.2) / 12 = 6.0667 -> 6.07
    assert [(p["employee"], p["customer"]) for p in t2["history"]][3:5] == [(7.0, 7.0), (5.0, 6.07)]
    # T1: (9 + 8 + 7) / 3 = 8.0; customers (4 x 8.0 + 4 x 8.5 + 4 x 7.0) / 12 = 7.8333 -> 7.83;
    # one quarter with scores: latest 8.0, no change; no health score.
    assert {k: t1[k] for k in ("satisfaction", "customer_satisfaction", "latest", "change",
                               "health", "scored_relations", "health_change", "health_down")} == {
        "satisfaction": 8.0, "customer_satisfaction": 7.83, "latest": 8.0, "change": None,
        "health": None, "scored_relations": 0, "health_change": None, "health_down": 0}
    team_signal = found["signals"][-1]
    assert {k: team_signal[k] for k in ("level", "id", "name", "team", "latest", "change",
                                        "health_change", "customer_change", "relations")} == {
        "level": "team", "id": "T2", "name": None, "team": "T2", "latest": 5.0, "change": -2.0,
        "health_change": -50.0, "customer_change": -0.93, "relations": 12}


def test_which_employees_and_relations_count_toward_the_link(tmp_path):
    """n is the employees with both values (E7 has no employee survey); the relations behind the
    customer link are theirs with a customer survey in the window (R11's only one is before it,
    R71 is E7's); ranks are of the shown values, ties averaged."""
    employees = EMPLOYEES + [{"id": "E7", "name": "Medewerker 7", "team": "T1"}]
    relations = RELATIONS + [{"id": "R71", "name": "Relatie 71", "owner": "E7", "category": "B"}]
    surveys = [dict(s, date="2025-11-01") if s["subject"] == "R11" else
               dict(s, score={8: 8.004, 7: 7.996}[s["score"]])
               if s["subject"] in ("E2", "E3") else s for s in SURVEYS]
    surveys.append({"subject": "R71", "kind": "customer", "date": "2026-09-20", "score": 9, "scale": 10})
    # E8 is in no employees table and owns nothing: listed from their survey, without a name,
    # team or y value
    surveys.append({"subject": "E8", "kind": "employee", "date": "2026-09-15", "score": 6, "scale": 10})
    found = build(tmp_path, {"min_relations": 23}, employees=employees, relations=relations,
                  surveys=surveys).report["portfolio"]["satisfaction"]
    assert [e["id"] for e in found["employees"]] == [f"E{n}" for n in range(1, 9)]
    e8 = _employee(found, "E8")
    assert (e8["name"], e8["team"], e8["satisfaction"], e8["relations"], e8["customer_satisfaction"]) == (
        None, None, 6.0, 0, None)
    link = found["link"]["customer_satisfaction"]
    # 6 employees; 24 relations less R11: 23, just the minimum (23 >= 23)
    assert (link["employees"], link["relations"], link["conclusion"]) == (6, 23, "ok")
    assert _employee(found, "E1")["surveyed_relations"] == 3
    # x shown: E1 9.0, E2 8.0 (8.004), E3 8.0 (7.996), E4 6.5, E5 5.0, E6 4.0: E2 and E3 tie.
    # x ranks E1..E6: 6, 4.5, 4.5, 3, 2, 1; y (8.0, 8.5, 7.0, 6.5, 6.0, 6.2): 5, 6, 4, 3, 1, 2.
    # Deviations from 3.5: x 2.5, 1, 1, -0.5, -1.5, -2.5; y 1.5, 2.5, 0.5, -0.5, -2.5, -1.5;
    # sum of products 14.5, of squares 17 and 17.5: rho = 14.5 / sqrt(297.5) = 0.84067 -> 0.841
    # (the unrounded 8.004 > 7.996 would give 0.886).
    assert [(p["id"], p["x"]) for p in link["points"]] == [
        ("E1", 9.0), ("E2", 8.0), ("E3", 8.0), ("E4", 6.5), ("E5", 5.0), ("E6", 4.0)]
    # Fisher: atanh(0.84067) = 1.22345, spread 1.95996 x sqrt(1.06 / 3) = 1.16504:
    # tanh(0.05841) = 0.058, tanh(2.38849) = 0.983
    assert (link["rho"], link["interval"]["low"], link["interval"]["high"]) == (0.841, 0.058, 0.983)


def test_the_link_with_ties_too_few_pairs_and_no_variation():
    import polars as pl

    from relatierapport.builtin.analyses.satisfaction import DEFAULT_STRENGTH, link

    options = {"min_employees": 3, "min_relations": 1, "confidence": 0.95,
               "strength": dict(DEFAULT_STRENGTH)}

    def points(x, y):
        return pl.DataFrame({"x": x, "y": y, "relations": [1] * len(x)},
                            schema={"x": pl.Float64, "y": pl.Float64, "relations": pl.Int64})

    # x 1, 1, 1, 2, 3 (average ranks 2, 2, 2, 4, 5), y 1..5: deviations -1, -1, -1, 1, 2 and
    # -2, -1, 0, 1, 2; 8 / sqrt(8 x 10) = 0.894 (1 - 6 sum d^2 / (n (n^2 - 1)) would give 0.9).
    # Fisher: atanh(0.89443) = 1.44364, spread 1.95996 x sqrt(1.06 / 2) = 1.42688:
    # tanh(0.01676) = 0.017, tanh(2.87051) = 0.994.
    found = link(points([1, 1, 1, 2, 3, None], [1, 2, 3, 4, 5, 6]), options)
    assert (found["employees"], found["relations"], found["rho"], found["conclusion"]) == (
        5, 5, 0.894, "ok")
    assert (found["interval"]["low"], found["interval"]["high"]) == (0.017, 0.994)
    # three employees: a rho but no interval, so no conclusion
    found = link(points([1, 2, 3], [1, 3, 2]), options)
    assert (found["rho"], found["interval"]["low"], found["conclusion"]) == (0.5, None, "spans_zero")
    # every x the same: no rank correlation
    found = link(points([5, 5, 5, 5], [1, 2, 3, 4]), options)
    assert (found["rho"], found["strength"], found["direction"], found["conclusion"]) == (
        None, None, None, "no_variation")
