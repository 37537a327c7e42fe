"""The repository's example project, built once per test run and read by every test that needs it.

A build in one language takes seconds and several test files read the same pages, so the
first test to ask builds it and the others reuse it. Under pytest-xdist every worker has
its own session, so the build goes to the folder all workers of the run share (the parent
of their base temp folders, as the pytest-xdist docs show) behind a file lock: the first
worker builds, the others wait for it and read. Tests only read the result.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
from filelock import FileLock

AS_OF = dt.date(2026, 11, 1)
#: Relation plans written as PDF besides the portfolio: an A client in good health, a red one,
#: a C candidate (all 112 would take a minute and show nothing more).
PDF_PLANS = ("K002", "K014", "C001")


@dataclass(frozen=True)
class BuiltSite:
    """A built output folder and its report.json, with where its pages are."""
    site: Path
    report: dict            # report.json

    def pdf(self, relation_id: str | None = None) -> Path:
        return self.site / ("portfolio.pdf" if relation_id is None else f"relations/{relation_id.lower()}.pdf")

    def html(self, relation_id: str | None = None) -> Path:
        return self.site / ("index.html" if relation_id is None else f"relations/{relation_id.lower()}.html")


@dataclass(frozen=True)
class BuiltExample(BuiltSite):
    language: str = "nl"


def build(root: Path, language: str) -> dict:
    """The example's HTML with the real CLI (``--strict``), then the PDFs of the portfolio and
    of PDF_PLANS with the real PDF output; returns the CLI's exit code and output."""
    from conftest import cli, example_copy
    from relatierapport.build import BuildOptions, BuildState, prepare_report
    from relatierapport.builtin.outputs.pdf_output import write_pdf
    from relatierapport.render.site import Site

    config = example_copy(root, language)
    result = cli("build", "--config", config, "--as-of", AS_OF.isoformat(), "--format", "html", "--strict")
    recorded = {"exit_code": result.exit_code, "output": result.output}
    if result.exit_code != 0:
        return recorded
    site = config.parent / "site"
    plugins, report = prepare_report(BuildOptions(config, as_of=AS_OF))
    state = BuildState(report, Site(report, plugins), 1, False)
    pages = [p for p in state.site.pages() if p.kind == "portfolio" or p.relation in PDF_PLANS]
    order = list(report.portfolio.relations)
    written = write_pdf(iter(pages), site, state)
    assert written == ["portfolio.pdf", *(f"relations/{r.lower()}.pdf" for r in sorted(PDF_PLANS, key=order.index))]
    assert state.warnings == []
    return recorded


def shared_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder of this run: shared by all xdist workers, or the session's own without xdist."""
    base = tmp_path_factory.getbasetemp()
    return base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base


@pytest.fixture(scope="session")
def built_example(tmp_path_factory):
    """``built_example(language)``: the example project built in that language, once per run."""
    root, seen = shared_folder(tmp_path_factory), {}

    def get(language: str = "nl") -> BuiltExample:
        if language not in seen:
            target = root / f"example-{language}"
            record = target / "build.json"
            with FileLock(f"{target}.lock"):
                if not record.is_file():                   # first to ask; or a build that crashed
                    shutil.rmtree(target, ignore_errors=True)
                    target.mkdir()
                    result = build(target, language)
                    record.write_text(json.dumps(result), encoding="utf-8")
            result = json.loads(record.read_text(encoding="utf-8"))
            assert result["exit_code"] == 0, result["output"]          # --strict: not one warning
            site = target / "site"
            seen[language] = BuiltExample(site, json.loads((site / "report.json").read_text(encoding="utf-8")),
                                          language)
        return seen[language]

    return get
