"""One relation across sources: merged on conservative keys, provenance kept, conflicts reported."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import cli, write_project

RELATIONS = """\
id;name;kind;city;kvk;email
K1;Alfa Bouw B.V.;organisatie;Utrecht;12345678;info@alfabouw.nl.example
K2;Beta Zorg;organisatie;Zwolle;;
P1;Jan de Vries;persoon;;;jan@alfabouw.nl.example
P2;Piet Smit;persoon;;;piet@mail.example
"""
CRM = """\
id,name,kind,city,phone,kvk,email,organisation
X9,Alfa Bouw,organisation,Amersfoort,030-1234567,1234 5678,,
X8,beta zorg bv,organisation,,038-7654321,,,
Y1,J. de Vries,person,,06-11111111,,JAN@alfabouw.nl.example,X9
Y2,Piet Smit,person,,,,p.smit@elders.example,
"""
TOUCHPOINTS = "relation;date\nX9;01-10-2026\nY1;02-10-2026\n"


def project_with_crm(root: Path, identity: str = "") -> Path:
    config = write_project(root, relations=RELATIONS, files={"touchpoints.csv": TOUCHPOINTS},
                           extra_config=identity)
    (root / "data" / "crm.csv").write_text(CRM, encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8") +
                      '\n[[sources]]\ntype = "csv"\npath = "data/crm.csv"\ntable = "relations"\n',
                      encoding="utf-8")
    return config


def build(config: Path) -> dict:
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads((config.parent / "site" / "report.json").read_text(encoding="utf-8"))


def test_relations_in_two_sources_become_one_with_provenance(tmp_path):
    report = build(project_with_crm(tmp_path))
    by_id = {r["id"]: r for r in report["relations"]}
    # X9 is K1 (same KvK number), X8 is K2 (same name without legal form), Y1 is P1 (same e-mail)
    assert sorted(by_id) == ["K1", "K2", "P1", "P2", "Y2"]
    k1 = by_id["K1"]["provenance"]
    fields = {item["field"]: item["origin"] for item in k1["fields"]}
    assert fields["city"] == "data/relations.csv:2"              # the first source wins
    assert fields["phone"] == "data/crm.csv:2"                    # filled from the CRM export
    assert k1["merged_from"] == ["X9 (data/crm.csv:2)"]
    assert [item["field"] for item in k1["fields"]] == sorted(fields)
    # a relation that was not merged: its record's line, nothing folded in
    assert by_id["P2"]["provenance"] == {"origin": "data/relations.csv:5", "merged_from": [],
                                         "fields": []}
    assert by_id["K2"]["provenance"]["merged_from"] == ["X8 (data/crm.csv:3)"]
    assert by_id["P1"]["provenance"]["merged_from"] == ["Y1 (data/crm.csv:4)"]
    # same name, different e-mail: two people, not merged
    assert "Y2" in by_id and by_id["Y2"]["name"] == "Piet Smit"
    # touchpoints recorded against the CRM id count for the kept relation
    assert by_id["K1"]["cadence"]["last_touchpoint"] == "2026-10-01"
    assert by_id["P1"]["cadence"]["last_touchpoint"] == "2026-10-02"


def test_conflicting_values_are_reported_not_overwritten(tmp_path):
    report = build(project_with_crm(tmp_path))
    conflicts = [w for w in report["warnings"] if w["field"] == "city"]
    assert conflicts == [{"source": "data/crm.csv", "location": "2", "field": "city",
                          "message": "relation K1: keeps 'Utrecht' from data/relations.csv:2; "
                                     "this source says 'Amersfoort'"}]
    assert cli("build", "--config", project_with_crm(tmp_path / "strict"), "--strict",
               "--format", "json").exit_code == 1


def test_matching_is_configurable(tmp_path):
    report = build(project_with_crm(tmp_path, '\n[identity]\nmatch_on = ["id"]\nsame = [["K2", "X8"]]\n'))
    ids = sorted(r["id"] for r in report["relations"])
    assert ids == ["K1", "K2", "P1", "P2", "X9", "Y1", "Y2"]       # only the explicit pair merged


def test_check_lists_the_merges_and_results_are_deterministic(tmp_path):
    config = project_with_crm(tmp_path)
    result = cli("check", "--config", config)
    assert result.exit_code == 0, result.output
    assert "3 relation(s) found in more than one source:" in result.output
    assert "X9 (data/crm.csv:2) merged into K1 (data/relations.csv:2): same kvk '12345678'" in result.output
    assert "X8 (data/crm.csv:3) merged into K2 (data/relations.csv:3): same name 'beta zorg'" in result.output
    first = (build(config), (tmp_path / "site" / "report.json").read_bytes())[1]
    assert build(config) and (tmp_path / "site" / "report.json").read_bytes() == first


def test_a_duplicate_id_within_one_source_is_an_error(tmp_path):
    config = write_project(tmp_path, relations=RELATIONS + "K1;Alfa Twee;organisatie;;;\n")
    result = cli("check", "--config", config)
    assert result.exit_code == 1
    assert "data/relations.csv:6: id: expected a unique id, found 'K1' again (first on line 2)" in result.output


def test_the_portfolio_lists_the_merged_relations_in_relation_order(tmp_path):
    report = build(project_with_crm(tmp_path))
    # K1 (X9 folded in), K2 (X8) and P1 (Y1) were merged; P2 and Y2 were not
    merged = [r["id"] for r in report["relations"] if r["provenance"]["merged_from"]]
    assert merged == ["K1", "K2", "P1"]
    assert report["portfolio"]["provenance"]["merged_relations"] == merged
