"""Per-relation findings as a DataFrame behave like the dict form, in pages and in report.json."""

import datetime as dt

import orjson
import polars as pl
import pytest

from relatierapport.build import BuildOptions, prepare_report
from relatierapport.builtin.outputs.json_output import report_chunks
from relatierapport.hooktypes import Findings
from relatierapport.relation_table import RelationTable, relation_columns

DICTS = {
    "K2": {"score": 57.1, "since": dt.date(2021, 5, 7), "flags": [{"kind": "competitor", "n": 2}],
           "part": {"a": 1.5, "b": None}, "note": 'é "quoted" <b>\n'},
    "K1": {"score": None, "since": None, "flags": [], "part": {"a": None, "b": "x"}, "note": None},
}


def frame_of(dicts):
    return pl.DataFrame([{"relation": rid, **values} for rid, values in dicts.items()])


def test_a_frame_is_read_as_the_same_dicts():
    found = Findings(relations=frame_of(DICTS))
    assert isinstance(found.relations, RelationTable)
    assert dict(found.relations) == DICTS
    assert list(found.relations) == ["K2", "K1"] and len(found.relations) == 2
    assert "K3" not in found.relations and found.relations.get("K3") is None


def test_duplicate_ids_are_named():
    table = RelationTable(pl.DataFrame({"relation": ["K1", "K2", "K1"], "x": [1, 2, 3]}))
    with pytest.raises(ValueError, match="K1"):
        table.validate()


def test_relation_columns_reads_both_forms_alike():
    wanted = {"score": pl.Float64, "missing": pl.String}
    from_dicts = relation_columns(DICTS, wanted)
    from_frame = relation_columns(RelationTable(frame_of(DICTS)), wanted)
    assert from_dicts.to_dicts() == from_frame.to_dicts() == [
        {"relation": "K2", "score": 57.1, "missing": None},
        {"relation": "K1", "score": None, "missing": None}]


def test_report_json_holds_the_same_values_for_a_frame_and_for_dicts(tmp_path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "relaties.csv").write_text(
        "id;name\nK1;Een\nK2;Twee\nK3;Drie\n", encoding="utf-8")
    (tmp_path / "config.toml").write_text(
        '[project]\nname = "t"\n[[sources]]\ntype = "csv"\npath = "data/relaties.csv"\n'
        'table = "relations"\n', encoding="utf-8")
    _, report = prepare_report(BuildOptions(tmp_path / "config.toml", as_of=dt.date(2026, 11, 1)))
    report.findings = {"aa": Findings(relations=dict(DICTS)), "zz": Findings(relations=frame_of(DICTS))}
    written = b"".join(report_chunks(report))
    relations = orjson.loads(written)["relations"]
    assert [r["id"] for r in relations] == ["K1", "K2", "K3"]
    for relation in relations[:2]:
        assert relation["aa"] == relation["zz"]
    assert relations[1]["zz"]["since"] == "2021-05-07"
    # a relation the dict lacks is left out; one the frame lacks is null
    assert "aa" not in relations[2] and relations[2]["zz"] is None
    # frames first, then dicts, each in name order: the same bytes every time
    lines = [line for line in written.decode().splitlines() if '"id":"K' in line]
    assert lines[0].index('"zz":') < lines[0].index('"aa":')
    assert b"".join(report_chunks(report)) == written


def test_a_row_asked_for_again_is_the_same_dict_while_recent_and_equal_after():
    """A page's sections ask for one relation's row of a table several times: it is built
    once while among the last RECENT_ROWS asked for, and built again (equal) afterwards."""
    from relatierapport.relation_table import RECENT_ROWS

    table = RelationTable(pl.DataFrame({
        "relation": [f"K{i}" for i in range(RECENT_ROWS + 2)],
        "score": list(range(RECENT_ROWS + 2)),
        "flags": [[{"kind": "late", "note": f"n{i}"}] for i in range(RECENT_ROWS + 2)]}))
    first = table["K0"]
    assert table["K0"] is first
    assert first == {"score": 0, "flags": [{"kind": "late", "note": "n0"}]}
    for i in range(1, RECENT_ROWS + 1):
        assert table[f"K{i}"]["score"] == i
    again = table["K0"]
    assert again == first and again is not first
    with pytest.raises(KeyError):
        table["nobody"]
