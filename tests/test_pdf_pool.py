"""The PDF worker pool (issue 17): workers that retire after a number of documents still render
every page, a failing page is named, a pool started before the settings are known renders with
the settings the jobs bring, and the library look-ups workers share are ctypes' own answers."""

from __future__ import annotations

import ctypes.util
import subprocess
from pathlib import Path

import pytest

from relatierapport.builtin.outputs.pdf_output import pool as pdf


def _settings(tmp_path: Path) -> pdf.PdfSettings:
    css = tmp_path / "print.css"
    css.write_text("@page { size: A6; margin: 10mm } p { font-size: 40pt }", encoding="utf-8")
    return pdf.PdfSettings((str(css),), (str(tmp_path),), None)


def _jobs(tmp_path: Path, count: int, broken: int | None = None) -> list[pdf.PdfJob]:
    jobs = []
    for number in range(count):
        pages = 1 + number % 3          # 1, 2 or 3 printed pages (page breaks), to check each PDF
        html = "".join(f'<p style="break-before: page">Pagina {number}-{page}</p>' for page in range(pages))
        folder = tmp_path / ("missing-folder" if number == broken else "out")
        jobs.append(pdf.PdfJob(f"<html><body>{html}</body></html>", (tmp_path / f"{number}.html").as_uri(),
                               str(folder / f"{number}.pdf"), f"relatie {number}"))
    return jobs


def _pages(path: Path) -> list[str]:
    """The printed pages' text (poppler's pdftotext ends each page with a form feed)."""
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return text.split("\f")[:-1]


@pytest.mark.needs("pdftotext")
def test_recycled_workers_render_every_page(tmp_path):
    (tmp_path / "out").mkdir()
    jobs = _jobs(tmp_path, 9)
    seen: set[int] = set()
    with pdf.WorkerPool(2, max_documents=2) as pool:
        rendered = pdf.render_all(iter(jobs), len(jobs), _settings(tmp_path), 2,
                                  on_done=lambda *done: seen.update(p.pid for p in pool.processes()), pool=pool)
    assert len(seen) > 2, f"expected the workers to be replaced after 2 documents each, saw {seen}"
    assert rendered.printed_pages == sum(1 + n % 3 for n in range(9))
    for number in range(9):
        printed = _pages(tmp_path / "out" / f"{number}.pdf")
        assert [text.strip() for text in printed] == [f"Pagina {number}-{page}" for page in range(1 + number % 3)]


def test_a_backlog_outlives_retiring_workers():
    """Python 3.11's own ProcessPoolExecutor(1, max_tasks_per_child=2) stops after 2 of a
    backlog of tasks and hangs (CPython gh-115634); the pool's executor replaces every retiring
    worker."""
    from concurrent.futures import wait

    with pdf.WorkerPool(1, max_documents=2) as pool:
        futures = [pool.executor.submit(pdf._warm) for _ in range(6)]
        done, not_done = wait(futures, timeout=300)
    assert not not_done, f"{len(not_done)} of 6 tasks never ran: the pool ran out of workers"


def test_a_failing_page_is_named_and_the_pool_ends(tmp_path):
    (tmp_path / "out").mkdir()
    jobs = _jobs(tmp_path, 6, broken=4)
    pool = pdf.WorkerPool(2, max_documents=2)
    try:
        with pytest.raises(pdf.PdfError, match=r"^relatie 4: the PDF could not be made: .*missing-folder"):
            pdf.render_all(iter(jobs), len(jobs), _settings(tmp_path), 2, pool=pool)
        processes = pool.processes()
    finally:
        pool.stop()
    assert not any(process.is_alive() for process in processes)


def test_a_pool_of_its_own_also_names_the_page(tmp_path):
    """Without a started pool, render_all starts one (enough jobs) and ends it."""
    (tmp_path / "out").mkdir()
    jobs = _jobs(tmp_path, pdf.POOL_THRESHOLD, broken=pdf.POOL_THRESHOLD - 1)
    with pytest.raises(pdf.PdfError, match=rf"^relatie {pdf.POOL_THRESHOLD - 1}: "):
        pdf.render_all(iter(jobs), len(jobs), _settings(tmp_path), 2)


def test_workers_report_ctypes_own_library_answers(tmp_path):
    """What the first workers found (and later ones are given) is what ctypes finds here."""
    (tmp_path / "out").mkdir()
    with pdf.WorkerPool(2, max_documents=1) as pool:
        pdf.render_all(iter(_jobs(tmp_path, 3)), 3, _settings(tmp_path), 2, pool=pool)
        learned = pool.libraries.snapshot()
    assert learned, "the workers reported no library look-ups (WeasyPrint loads Pango through cffi)"
    assert any(found for found in learned.values()), learned
    for name, found in learned.items():
        assert found == ctypes.util.find_library(name), name


def test_the_cache_answers_known_names_and_looks_up_the_rest(monkeypatch):
    asked: list[str] = []

    def original(name):
        asked.append(name)
        return f"lib{name}.so.7"

    monkeypatch.setattr(ctypes.util, "find_library", original)
    monkeypatch.setattr(pdf, "_looked_up", {})
    pdf.cache_find_library({"pango-1.0": "libpango-1.0.so.0", "nothing": None})
    assert ctypes.util.find_library("pango-1.0") == "libpango-1.0.so.0"
    assert ctypes.util.find_library("nothing") is None
    assert ctypes.util.find_library("other") == "libother.so.7"
    assert ctypes.util.find_library("other") == "libother.so.7"
    assert asked == ["other"]                   # looked up once, then remembered
    assert pdf._take_looked_up() == {"other": "libother.so.7"}
    assert pdf._take_looked_up() == {}          # reported once
    pdf.cache_find_library({})                  # installed again: wraps ctypes' own, not itself
    assert ctypes.util.find_library.__wrapped__ is original


def test_library_cache_pickles_as_a_snapshot():
    import pickle

    cache = pdf._LibraryCache()
    cache.learn({"a": "liba.so.1"})
    cache.learn({"b": None})
    assert pickle.loads(pickle.dumps(cache)) == {"a": "liba.so.1", "b": None}


# -- the pool a build starts early (build.py) --------------------------------------------------

#: Documents enough for the pool (its threshold, 12: the portfolio and 11 plans), so --jobs 2
#: keeps the early pool.
MANY = "id;name;kind;role;owner;category;since;city\n" + "".join(
    f"K{i};Relatie {i};organisatie;opdrachtgever;M{1 + i % 2};A;01-03-2015;Utrecht\n"
    for i in range(1, pdf.POOL_THRESHOLD))


@pytest.fixture
def started(monkeypatch) -> list:
    """The pools build() starts (pdf.start_pool, watched)."""
    pools = []
    real = pdf.start_pool

    def start_pool(*args, **kwargs):
        pools.append(real(*args, **kwargs))
        return pools[-1]

    monkeypatch.setattr(pdf, "start_pool", start_pool)
    return pools


def _build(tmp_path: Path, relations: str | None, formats: tuple[str, ...], jobs: int = 2):
    import datetime as dt

    from conftest import write_project
    from relatierapport.build import BuildOptions, build

    config = write_project(tmp_path, **({"relations": relations} if relations else {}))
    return build(BuildOptions(config, as_of=dt.date(2026, 11, 1), formats=formats, jobs=jobs, out=tmp_path / "site"))


def test_a_build_renders_its_pdfs_with_the_pool_it_started_early(tmp_path, started):
    result = _build(tmp_path, MANY, ("pdf",))
    assert len(started) == 1
    assert started[0].libraries.snapshot(), "the early pool's workers did not render"
    assert len(list((tmp_path / "site").rglob("*.pdf"))) == pdf.POOL_THRESHOLD
    assert result.printed_pages >= pdf.POOL_THRESHOLD
    assert not started[0].processes() or not any(p.is_alive() for p in started[0].processes())


def test_a_small_report_stops_the_early_pool_and_renders_here(tmp_path, started, monkeypatch):
    submitted = []
    monkeypatch.setattr(pdf.WorkerPool, "submit", lambda self, *args: submitted.append(args))
    _build(tmp_path, None, ("pdf",))                 # 3 relations: 4 documents
    assert len(started) == 1 and submitted == []
    assert sorted(p.name for p in (tmp_path / "site").rglob("*.pdf")) == [
        "c1.pdf", "k1.pdf", "k2.pdf", "portfolio.pdf"]
    assert started[0].executor._stopping


@pytest.mark.parametrize("relations, formats, jobs", [(MANY, ("html",), 2), (None, ("pdf",), 1)])
def test_no_early_pool_without_pdfs_or_with_one_job(tmp_path, started, relations, formats, jobs):
    _build(tmp_path, relations, formats, jobs)
    assert started == []


def _files(out: Path) -> dict[str, str]:
    """Every file of an output folder (its build manifest included) -> its sha256."""
    import hashlib

    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


def test_an_incremental_rebuild_gives_the_pdfs_it_makes_again_to_one_early_worker(tmp_path, started,
                                                                                 monkeypatch):
    """The second build finds the first one's PDF digests in the output. With no project file
    changed since, no worker is started (and no PDF made); with one changed, one worker is
    started before reading. Of the PDFs one relation's change makes again it gets the first
    (the portfolio) and this process makes the plan, after the other formats; when most PDFs
    change a full pool makes the others; the output equals a clean build's; --clean starts a
    full early pool again."""
    import datetime as dt

    from relatierapport.build import BuildOptions, build

    submitted: list[str] = []
    real_submit = pdf.WorkerPool.submit

    def submit(self, job, settings):
        submitted.append(f"{self.workers}:{Path(job.target).name}")
        return real_submit(self, job, settings)

    monkeypatch.setattr(pdf.WorkerPool, "submit", submit)
    from relatierapport.hooktypes import BuildState
    deferred: list[int] = []            # the PDFs were left to finish after the other formats
    real_defer = BuildState.defer       # (report.json's finish, deferred by every build, not counted)
    monkeypatch.setattr(BuildState, "defer", lambda self, finish: (
        deferred.append(1) if "write_pdf" in getattr(finish, "func", finish).__qualname__ else None)
        or real_defer(self, finish))
    documents = pdf.POOL_THRESHOLD + 1       # the first PDF to the early worker, enough left for a pool
    _build(tmp_path, MANY + f"K{documents - 1};Relatie {documents - 1};organisatie;opdrachtgever;M1;A;"
           "01-03-2015;Utrecht\n", ("pdf",))
    assert [pool.workers for pool in started] == [2] and len(submitted) == documents
    assert deferred == [1]      # the pool's last pages were finished while the other formats wrote
    deferred.clear()
    config, out = tmp_path / "config.toml", tmp_path / "site"
    again = lambda **extra: build(BuildOptions(config, as_of=dt.date(2026, 11, 1), formats=("pdf",),  # noqa: E731
                                               jobs=2, out=out, **extra))
    submitted.clear()
    nothing = again()
    assert [pool.workers for pool in started] == [2] and submitted == [] and deferred == []
    assert nothing.carried_over == documents and nothing.printed_pages >= documents

    relations = tmp_path / "data" / "relations.csv"
    relations.write_text(relations.read_text(encoding="utf-8").replace("Relatie 3;", "Relatie Drie;"),
                         encoding="utf-8")
    one = again()
    assert [pool.workers for pool in started] == [2, 1]
    assert submitted == ["1:portfolio.pdf"]         # to the worker; k3's plan is made here meanwhile
    assert deferred == [1]
    assert one.carried_over == documents - 2
    clean = build(BuildOptions(config, as_of=dt.date(2026, 11, 1), formats=("pdf",), jobs=1,
                               out=tmp_path / "clean"))
    assert clean.carried_over == 0 and _files(out) == _files(tmp_path / "clean")

    submitted.clear()
    from relatierapport.render.site import BUILTIN_TEMPLATES, STYLESHEET
    stylesheet = tmp_path / "templates" / STYLESHEET        # the project's own, changing every PDF
    stylesheet.parent.mkdir(parents=True, exist_ok=True)
    stylesheet.write_text((BUILTIN_TEMPLATES / STYLESHEET).read_text(encoding="utf-8") + "\nh1 { letter-spacing: 0.01em }\n",
                          encoding="utf-8")
    every = again()
    assert [pool.workers for pool in started] == [2, 1, 1]
    assert submitted[0] == "1:portfolio.pdf"            # the first at once, to the early worker …
    assert len(submitted) == documents and all(s.startswith("2:") for s in submitted[1:])
    assert every.carried_over == 0                      # … the other twelve to a pool of two
    assert deferred == [1, 1]

    again(clean=True)
    assert [pool.workers for pool in started] == [2, 1, 1, 2]


def test_whether_a_project_changed_since_a_build_is_guessed_yes_on_any_doubt(tmp_path):
    """What decides whether a rebuild starts a worker early: the files the live preview
    watches, modified after the previous build."""
    import os
    import time

    from conftest import write_project
    from relatierapport.project_files import watch_set

    config = write_project(tmp_path)
    _changed_since = lambda config, moment: watch_set(config, [tmp_path / "site"]).changed_since(moment)  # noqa: E731
    later, earlier = time.time_ns() + 10**9, 0
    assert _changed_since(config, later) is False            # nothing touched since
    assert _changed_since(config, earlier) is True
    plugin = tmp_path / "plugins" / "eigen.py"
    plugin.parent.mkdir()
    plugin.write_text("# later\n", encoding="utf-8")
    os.utime(plugin, ns=(later + 1, later + 1))
    assert _changed_since(config, later) is True              # a plugin edited after
    plugin.unlink()
    (tmp_path / "data" / "business.csv").unlink()
    assert _changed_since(config, later) is True              # a source gone: doubt says yes


def test_with_nothing_to_render_here_weasyprint_is_not_set_up_here(tmp_path, monkeypatch):
    """A rebuild whose only PDF went to its worker renders nothing in the build's own process,
    which then need not import WeasyPrint nor make a renderer."""
    def refuse(*args, **kwargs):
        raise AssertionError("WeasyPrint set up for nothing")

    monkeypatch.setattr(pdf, "_init_worker", refuse)
    rendered = pdf.render_all(iter(()), 0, _settings(tmp_path), 2)
    assert rendered.printed_pages == 0 and rendered.warnings == []


def test_rendering_here_leaves_the_collector_as_it_was(tmp_path):
    """In the build's own process the report is frozen for the periodic collections while
    pages render (gc.freeze), and unfrozen after, with the collector's thresholds."""
    import gc

    (tmp_path / "out").mkdir()
    before = gc.get_threshold(), gc.get_freeze_count()
    jobs = _jobs(tmp_path, pdf.COLLECT_EVERY + 1)
    rendered = pdf.render_all(iter(jobs), pdf.POOL_THRESHOLD - 1, _settings(tmp_path), 2)
    assert rendered.printed_pages == sum(1 + n % 3 for n in range(len(jobs)))
    assert (gc.get_threshold(), gc.get_freeze_count()) == before
