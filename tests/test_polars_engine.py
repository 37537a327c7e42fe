"""The polars engine a build's queries run on (``build.polars_engine``): the in-memory engine,
whose start is cheaper than the streaming one's for the analyses' many small queries, unless
the environment names another; the process's own polars setting is left as it was."""

from __future__ import annotations

import polars as pl

from relatierapport import hookimpl
from relatierapport.build import BuildOptions, prepare_report
from relatierapport.hooktypes import Analysis, Findings
from relatierapport.testing import TOUCHPOINTS, build_project


def affinity() -> str | None:
    return pl.Config.state(if_set=True).get("POLARS_ENGINE_AFFINITY")


class EngineSpy:
    """An analysis that notes the engine polars would run its queries on, and runs one."""

    def __init__(self):
        self.seen: list[str | None] = []

    @hookimpl
    def analyses(self):
        return [Analysis("engine_spy", self.run)]

    def run(self, portfolio, config, findings):
        self.seen.append(affinity())
        touched = portfolio.touchpoints.lazy().group_by("relation").len().collect()
        return Findings(portfolio={"relations_touched": touched.height})


def test_a_build_runs_its_queries_in_memory_and_leaves_the_process_as_it_was(tmp_path, monkeypatch):
    monkeypatch.delenv("POLARS_ENGINE_AFFINITY", raising=False)
    spy = EngineSpy()
    built = build_project(tmp_path / "p", plugins={"engine_spy": spy})
    assert spy.seen == ["in-memory"]
    assert built.report["portfolio"]["engine_spy"] == {
        "relations_touched": len({row["relation"] for row in TOUCHPOINTS})}
    assert affinity() is None           # the default again after the build

    # check's stages (prepare_report) alone, as ``relatierapport check`` runs them
    prepare_report(BuildOptions(tmp_path / "p" / "config.toml", extra_plugins={"engine_spy": spy},
                                installed=False))
    assert spy.seen == ["in-memory", "in-memory"]
    assert affinity() is None


def test_an_engine_named_in_the_environment_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("POLARS_ENGINE_AFFINITY", "streaming")
    spy = EngineSpy()
    build_project(tmp_path / "p", plugins={"engine_spy": spy})
    assert spy.seen == ["streaming"]
    assert affinity() == "streaming"
