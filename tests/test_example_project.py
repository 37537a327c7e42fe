"""The repository's example project: reproducible from its generator, and it builds."""

from __future__ import annotations

import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))
from make_example import make_example  # noqa: E402


def test_committed_example_is_exactly_the_generator_output(tmp_path):
    make_example(tmp_path)
    for name in ["config.toml", *(f"data/{p.name}" for p in (REPO / "data").glob("*.csv")),
                 "plugins/jubileum.py", "plugins/jubileum_templates/jubileum.html",
                 "templates/README.md"]:
        assert (tmp_path / name).read_bytes() == (REPO / name).read_bytes(), name
    assert sorted(p.name for p in (tmp_path / "data").iterdir()) == \
        sorted(p.name for p in (REPO / "data").iterdir())


def test_example_project_builds_with_findings_for_every_relation(built_example):
    report = built_example("nl").report          # built with --strict, as of 2026-11-01: no warning
    assert len(report["relations"]) >= 100
    assert all("cadence" in relation for relation in report["relations"])
    statuses = {relation["cadence"]["status"] for relation in report["relations"]}
    assert statuses == {"on_track", "due_soon", "overdue", "never_contacted"}
    # the example plugin: a few relations have an anniversary within 60 days, the others null
    upcoming = [r for r in report["relations"] if r["jubileum"]]
    assert 0 < len(upcoming) < len(report["relations"])
    for relation in upcoming:
        assert "2026-11-01" <= relation["jubileum"]["date"] <= "2026-12-31"
        assert relation["jubileum"]["years"] >= 1
    soonest_first = sorted((r["jubileum"]["date"], r["id"]) for r in upcoming)
    assert [u["id"] for u in report["portfolio"]["jubileum"]["upcoming"]] == \
        [rid for _, rid in soonest_first]
    kinds = {(r["kind"], r["role"]) for r in report["relations"]}
    assert {("organisation", "client"), ("person", "candidate"), ("person", "contact")} <= kinds
