"""The stress project builds, and holds what it promises to hold (the layout checks read it)."""

from __future__ import annotations

from stress_build import LATIN_100, STRESS_RELATIONS


def test_stress_project_holds_long_names_in_every_script_and_hundreds_of_relations(built_stress):
    relations = {relation["id"]: relation for relation in built_stress.report["relations"]}
    assert len(relations) > 300
    assert len(LATIN_100) == 100 and " " not in LATIN_100
    for relation_id, (name, *_rest) in STRESS_RELATIONS.items():
        assert relations[relation_id]["name"] == name
        assert built_stress.html(relation_id).is_file() and built_stress.pdf(relation_id).is_file()
    assert built_stress.pdf().is_file()
