"""Turn rendered HTML pages into PDFs with WeasyPrint, in parallel when it pays.

WeasyPrint is nearly all of a PDF build's time, so this module arranges the
work around it: one FontConfiguration and one parsed stylesheet per process,
a raised garbage-collector threshold while rendering, each page its own
document, and a pool of warm worker processes only when there are enough pages
to repay its start-up. ``weasyprint`` is imported here only, lazily.

The pool (``WorkerPool``) can be started before the pages exist, when the build starts:
its workers import WeasyPrint and make their FontConfiguration while the main process
reads and analyses; the stylesheet and the fetcher's roots (``PdfSettings``) come with the
jobs and are set up in each worker on its first job. Memory stays flat however many plans
there are: every process makes a full garbage collection every ``COLLECT_EVERY`` documents,
and a worker retires after ``MAX_DOCUMENTS_PER_WORKER`` documents and a fresh one takes its
place. A fresh worker skips WeasyPrint's ~20 library look-ups (``ctypes.util.find_library``,
each an ``ldconfig``, ``gcc`` and ``ld`` run): the first workers report what they found and
later ones are given it.
"""

from __future__ import annotations

import atexit
import contextlib
import ctypes
import gc
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from relatierapport.errors import RelatierapportError

#: Below this many documents a pool costs more than it saves (~1.2 s to start).
POOL_THRESHOLD = 12
#: Documents a worker renders before a fresh process replaces it: what COLLECT_EVERY does not
#: give back (fragmentation, caches) cannot pile up, at the cost of a worker start (~0.5 s of
#: CPU) per 200 documents (~80 s of CPU); the example's 112 pages need none. See
#: benchmarks/README.md, "Parallel rendering". None: workers live as long as the pool.
MAX_DOCUMENTS_PER_WORKER = 200
GC_THRESHOLD = (100_000, 50, 100)
#: A full garbage collection after every this many documents (0: never). With GC_THRESHOLD
#: a document's cyclic garbage otherwise waits for a rare full collection: a worker grew
#: ~2.5 MB a document (75 -> 223 MB over 60 plans); collecting every 10 holds it at ~103 MB
#: for the same CPU time (benchmarks/README.md, "Parallel rendering").
COLLECT_EVERY = 10
PR_SET_PDEATHSIG = 1          # linux/prctl.h
WATCHDOG_SECONDS = 0.5


@dataclass(frozen=True)
class PdfJob:
    html: str
    base_url: str          # the page's URL under fetcher.OUTPUT_URL: relative links resolve in the output
    target: str            # where to write the PDF
    label: str             # the page, for error messages


@dataclass(frozen=True)
class PdfSettings:
    stylesheets: tuple[str, ...]   # parsed once per process
    roots: tuple[str, ...]         # folders the fetcher may read, the output folder first
    variant: str | None = None     # WeasyPrint's pdf_variant ("pdf/ua-1" tags the PDF), None: untagged


_worker: "_Renderer | None" = None
_font_config = None              # a warm worker's FontConfiguration, until its first job takes it
_looked_up: dict[str, str | None] = {}   # library look-ups this worker made itself, reported once
_collect_every = COLLECT_EVERY
_documents = 0                   # documents this process has rendered


class _Messages(logging.Handler):
    """Keeps WeasyPrint's warnings (a refused or missing image, ignored CSS) for the build report."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


_messages = _Messages()


class _Renderer:
    """Per-process WeasyPrint state that every document reuses."""

    def __init__(self, settings: PdfSettings, font_config=None):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from relatierapport.builtin.outputs.pdf_output import min_content
        from relatierapport.builtin.outputs.pdf_output.fetcher import ProjectFetcher

        min_content.install()
        self.settings = settings
        self.fetcher = ProjectFetcher([Path(root) for root in settings.roots],
                                      output=Path(settings.roots[0]) if settings.roots else None)
        self.font_config = font_config or FontConfiguration()
        self.variant = settings.variant
        self.stylesheets = [CSS(filename=path, font_config=self.font_config, url_fetcher=self.fetcher)
                            for path in settings.stylesheets]

    def render(self, job: PdfJob) -> int:
        """Write the job's PDF; return its number of printed pages (counted by a finisher, which
        WeasyPrint hands the laid-out document before writing; it changes nothing)."""
        from weasyprint import DEFAULT_OPTIONS, HTML

        from relatierapport.builtin.outputs.pdf_output import min_content
        from relatierapport.builtin.outputs.pdf_output.links import relative_links
        from relatierapport.builtin.outputs.pdf_output.metadata import flatten

        printed: list[int] = []
        options = {**DEFAULT_OPTIONS, "stylesheets": self.stylesheets, "pdf_variant": self.variant}
        try:
            document = HTML(string=job.html, base_url=job.base_url, url_fetcher=self.fetcher
                            ).render(font_config=self.font_config, **options)
        finally:
            min_content.forget()
        flatten(document.metadata)       # title, author, … on one line (HTML.write_pdf in two steps)
        relative_links(document, job.base_url)
        document.write_pdf(job.target, finisher=lambda laid_out, pdf: printed.append(len(laid_out.pages)),
                           **options)
        return printed[0]


def _die_with_parent(parent: int) -> None:
    """A pool worker ends when the build that started it ends, however it ends.

    On Linux the kernel sends the worker SIGKILL when its parent dies (``PR_SET_PDEATHSIG``,
    even when the parent itself is killed with SIGKILL); elsewhere, and should the parent die
    before the request is made, a watchdog thread exits as soon as the worker's parent
    process is no longer the build."""
    if sys.platform.startswith("linux"):
        try:
            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCHDOG_SECONDS)
        os._exit(1)

    threading.Thread(target=watch, name="relatierapport-parent-watchdog", daemon=True).start()


def cache_find_library(known: dict[str, str | None]) -> None:
    """Answer ``ctypes.util.find_library`` from ``known`` (name -> what it returns) in this
    process; a name not in it is looked up as usual, then remembered (and reported once, see
    ``_render_in_worker``). WeasyPrint loads Pango, HarfBuzz and fontconfig through cffi,
    which asks ``find_library`` for several spellings of each: on Linux every spelling that
    is not in ldconfig's cache runs ``gcc`` and ``ld``, ~0.35 s of a worker's start.
    The answers only depend on the machine, so one process's are good for the others
    during a build (they are never kept longer)."""
    import ctypes.util

    original = getattr(ctypes.util.find_library, "__wrapped__", ctypes.util.find_library)

    def find_library(name):
        if name in known:
            return known[name]
        found = known[name] = original(name)
        _looked_up[name] = found
        return found

    find_library.__wrapped__ = original
    ctypes.util.find_library = find_library


def _init_worker(settings: PdfSettings | None = None, parent: int | None = None,
                 libraries: dict[str, str | None] | None = None, collect_every: int = COLLECT_EVERY) -> None:
    """Set up this process for rendering: with ``settings`` (as a build's single process and
    the benchmarks do) the renderer is made now; without, as a warm pool worker does, only
    WeasyPrint is imported and a FontConfiguration made, and the first job brings the
    settings. ``parent`` (a pool worker): end with that process; ``libraries``: the library
    look-ups already made (``cache_find_library``); ``collect_every``: see COLLECT_EVERY.

    What is set up here lives as long as the process: it is frozen (``gc.freeze``), so the
    periodic full collections pass over the documents' objects only."""
    global _worker, _font_config, _collect_every
    _collect_every = collect_every
    if parent is not None:
        _die_with_parent(parent)
    if libraries is not None:
        cache_find_library(dict(libraries))
    gc.set_threshold(*GC_THRESHOLD)
    logger = logging.getLogger("weasyprint")
    if _messages not in logger.handlers:
        logger.addHandler(_messages)
    logger.propagate = False
    if settings is not None:
        _worker = _Renderer(settings)
    else:
        from weasyprint.text.fonts import FontConfiguration

        import relatierapport.builtin.outputs.pdf_output.fetcher  # noqa: F401  (what the first job needs)
        import relatierapport.builtin.outputs.pdf_output.metadata  # noqa: F401

        _font_config = FontConfiguration()
    if parent is not None:       # a pool worker; the build's own process unfreezes (render_all)
        gc.freeze()
        atexit.register(_end_at_once)


def _end_at_once() -> None:
    """A pool worker's last step: end without tearing down its heap of fonts, stylesheet and
    caches (~0.3 s a worker, which the build waits for when it closes the pool). Every result
    was written to the pipe when its page was done; only Python's buffered output is left."""
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    os._exit(0)


def _renderer(settings: PdfSettings | None) -> _Renderer:
    """The renderer for ``settings`` (None: the one set up by ``_init_worker``), made on the
    first job that brings them."""
    global _worker, _font_config
    if settings is not None and (_worker is None or _worker.settings != settings):
        font_config, _font_config = _font_config, None
        _worker = _Renderer(settings, font_config)
    assert _worker is not None
    return _worker


def _warm() -> dict[str, str | None]:
    """A pool's first call to each worker: nothing to do (the initializer did the work), but
    it makes the pool start its processes now. Returns the library look-ups made."""
    return _take_looked_up()


def _prepare(settings: PdfSettings) -> dict[str, str | None]:
    """Make this worker's renderer for ``settings`` (the stylesheet parsed) before its first
    page, so that page need not wait for it; what fails here fails that page again, where it
    is reported. Returns the library look-ups made."""
    with contextlib.suppress(Exception):
        _renderer(settings)
    return _take_looked_up()


def _take_looked_up() -> dict[str, str | None]:
    found = dict(_looked_up)
    _looked_up.clear()
    return found


def _render_in_worker(job: PdfJob, settings: PdfSettings | None = None
                      ) -> tuple[str, list[str], int, dict[str, str | None]]:
    """Render one page; return (error text or "", WeasyPrint's warnings, printed pages, library
    look-ups this worker made and has not reported yet) — plain, picklable."""
    global _documents
    try:
        # made on a worker's first page: what WeasyPrint says about the stylesheet meanwhile
        # (properties it ignores) is not about the page, as before the renderer was made lazily
        renderer = _renderer(settings)
    except Exception as exc:  # sent back as text: WeasyPrint's exceptions may not pickle
        return f"{type(exc).__name__}: {exc}", [], 0, _take_looked_up()
    _messages.messages = []
    try:
        printed = renderer.render(job)
    except Exception as exc:  # sent back as text: WeasyPrint's exceptions may not pickle
        return f"{type(exc).__name__}: {exc}", _messages.messages, 0, _take_looked_up()
    finally:
        _documents += 1
        if _collect_every and _documents % _collect_every == 0:
            gc.collect()
    return "", _messages.messages, printed, _take_looked_up()


class PdfError(RelatierapportError):
    """A page could not be rendered to PDF (exit code 1)."""

    def __init__(self, label: str, detail: str):
        super().__init__(f"{label}: the PDF could not be made: {detail}")


@dataclass
class Rendered:
    """What rendering every job gave: WeasyPrint's (page, warning) pairs and the printed pages."""

    warnings: list[tuple[str, str]] = field(default_factory=list)
    printed_pages: int = 0


class _LibraryCache:
    """The library look-ups pool workers made (name -> ``find_library``'s answer), for the
    workers started after them. Pickled (when a worker is spawned) as a plain dict: a
    snapshot, since workers report from the pool's manager thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._found: dict[str, str | None] = {}

    def learn(self, found: dict[str, str | None]) -> None:
        if found:
            with self._lock:
                self._found = {**self._found, **found}     # replaced, never changed in place

    def snapshot(self) -> dict[str, str | None]:
        return self._found

    def __reduce__(self):
        return dict, (self._found,)


class _Executor(ProcessPoolExecutor):
    """A ProcessPoolExecutor that always replaces a worker that retired after
    ``max_tasks_per_child`` tasks. Python 3.11–3.13's own replacement first takes a token of
    the idle-worker semaphore, which counts finished tasks rather than idle workers, and if
    it gets one spawns nobody: with a queue of pages the pool runs out of workers and the
    build hangs (CPython gh-115634, fixed in later releases without this method being used
    for it)."""

    _stopping = False

    def _adjust_process_count(self):
        if threading.current_thread() is self._executor_manager_thread:   # a worker retired
            if not self._stopping and len(self._processes) < self._max_workers:
                self._spawn_process()
            return
        super()._adjust_process_count()


class WorkerPool:
    """PDF worker processes (spawned), started before there is work for them.

    Each worker ends with the build (``_die_with_parent``), imports WeasyPrint and makes its
    FontConfiguration at once, and sets up the stylesheet on its first job (the settings come
    with every job); after ``max_documents`` documents it is replaced by a fresh one. Use as a
    context manager, or ``close()`` (waits for submitted work) / ``stop()`` (kills).
    """

    def __init__(self, workers: int, max_documents: int | None = MAX_DOCUMENTS_PER_WORKER,
                 collect_every: int = COLLECT_EVERY):
        self.workers = workers
        self.libraries = _LibraryCache()
        self.executor = _Executor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"),
                                  initializer=_init_worker, initargs=(None, os.getpid(), self.libraries, collect_every),
                                  max_tasks_per_child=max_documents)
        for _ in range(workers):     # the executor spawns a worker per submission while none is idle
            self.executor.submit(_warm).add_done_callback(self._learn)

    def _learn(self, future: Future) -> None:
        if not future.cancelled() and future.exception() is None:
            self.libraries.learn(future.result())

    def pays(self, count: int) -> bool:
        """Whether ``count`` documents are worth this pool (else render_all without it)."""
        return count >= POOL_THRESHOLD

    def prepare(self, settings: PdfSettings) -> None:
        """Have a worker set ``settings`` up now, before the first page comes (a rebuild's
        single worker: see ``pdf_output.write_pdf``)."""
        self.executor.submit(_prepare, settings).add_done_callback(self._learn)

    def submit(self, job: PdfJob, settings: PdfSettings) -> Future:
        return self.executor.submit(_render_in_worker, job, settings)

    def processes(self) -> list:
        """The live worker processes (for measurements)."""
        return list((getattr(self.executor, "_processes", None) or {}).values())

    def close(self) -> None:
        """Wait for submitted work, then end the workers."""
        self.executor.shutdown(wait=True)

    def stop(self) -> None:
        """End the pool now: queued pages are dropped, pages being rendered are killed."""
        _stop(self.executor)

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, kind, value, traceback) -> None:
        if kind is None:
            self.close()
        else:
            self.stop()


def start_pool(workers: int, max_documents: int | None = MAX_DOCUMENTS_PER_WORKER) -> WorkerPool:
    """A warm pool of ``workers`` PDF workers, starting now (see ``WorkerPool``)."""
    return WorkerPool(workers, max_documents)


def render_all(jobs: Iterable[PdfJob], count: int, settings: PdfSettings, workers: int,
               on_done: Callable[[PdfJob, list[str], int], None] = lambda job, messages, printed: None,
               pool: WorkerPool | None = None, given: list[tuple[PdfJob, Future]] = ()) -> Rendered:
    """Render every job; raise PdfError naming a page that failed. ``on_done`` hears of each
    page written, with WeasyPrint's warnings about it and its printed pages. ``pool``: a started
    pool to use (it stays open), else one is started here when there are enough jobs.
    ``given``: jobs that came before ``jobs`` and were already given to a worker (a rebuild's,
    see ``pdf_output.write_pdf``), not counted in ``count``; they are collected after
    ``jobs``, in their order, and their warnings put first."""
    return render_all_then(jobs, count, settings, workers, on_done, pool, given)()


def render_all_then(jobs: Iterable[PdfJob], count: int, settings: PdfSettings, workers: int,
                    on_done: Callable[[PdfJob, list[str], int], None] = lambda job, messages, printed: None,
                    pool: WorkerPool | None = None, given: list[tuple[PdfJob, Future]] = ()
                    ) -> Callable[[], Rendered]:
    """``render_all`` in two steps. Now: every job is handed out; with ``pool`` (which stays
    open) the last few (four a worker) are still being made when this returns. The function
    returned waits for them and gives what ``render_all`` gives, so that the build's process
    can write the other formats while the workers finish (``BuildState.defer``)."""
    rest = _render_all(jobs, count, settings, workers, on_done, pool)

    def finish() -> Rendered:
        rendered = rest()
        first = Rendered()
        with _ended_by_signals():
            for job, future in given:
                _account(job, _outcome(job, future), first, on_done)
        rendered.warnings[:0] = first.warnings
        rendered.printed_pages += first.printed_pages
        return rendered

    return finish


def _outcome(job: PdfJob, future: Future) -> tuple[str, list[str], int, dict]:
    """A worker's answer for ``job`` (see ``_render_in_worker``), waited for."""
    try:
        return future.result()
    except BrokenProcessPool as exc:     # a worker died (killed, out of memory)
        raise PdfError(job.label, f"the PDF worker ended unexpectedly ({exc})") from exc


def _account(job: PdfJob, outcome: tuple[str, list[str], int, dict], rendered: Rendered,
             on_done: Callable[[PdfJob, list[str], int], None], pool: "WorkerPool | None" = None) -> None:
    """Add one page's outcome to ``rendered`` and tell ``on_done``; raise PdfError if it failed."""
    error, messages, printed, looked_up = outcome
    if pool is not None:
        pool.libraries.learn(looked_up)
    if error:
        raise PdfError(job.label, error)
    rendered.warnings.extend((job.label, message) for message in messages)
    rendered.printed_pages += printed
    on_done(job, messages, printed)


def _render_all(jobs: Iterable[PdfJob], count: int, settings: PdfSettings, workers: int,
                on_done: Callable[[PdfJob, list[str], int], None], pool: WorkerPool | None
                ) -> Callable[[], Rendered]:
    """Hand out every job; return what waits for the last ones (see ``render_all_then``)."""
    rendered = Rendered()

    def finished(job: PdfJob, outcome: tuple[str, list[str], int, dict]) -> None:
        _account(job, outcome, rendered, on_done, pool)

    if pool is None and (workers <= 1 or count < POOL_THRESHOLD):
        old = gc.get_threshold()
        ready = False        # WeasyPrint is set up here for the first job (there may be none)
        try:
            for job in jobs:
                if not ready:
                    _init_worker(settings)
                    gc.freeze()  # the report and the build: the periodic collections pass them over
                    ready = True
                finished(job, _render_in_worker(job))
        finally:
            if ready:
                gc.unfreeze()
            gc.set_threshold(*old)
        return lambda: rendered
    if pool is None:      # a pool of its own, closed here: every page is made before returning
        with WorkerPool(workers) as own:
            made = _render_all(jobs, count, settings, workers, on_done, own)()
        return lambda: made
    pending: dict[Future, PdfJob] = {}

    def collect(done: set[Future]) -> None:
        for future in sorted(done, key=lambda f: pending[f].target):
            job = pending.pop(future)
            finished(job, _outcome(job, future))

    def rest() -> Rendered:
        with _ended_by_signals():
            try:
                collect(wait(pending).done)
            except BaseException:
                pool.stop()
                raise
        return rendered

    with _ended_by_signals():
        try:
            for job in jobs:   # keep the queue short: pages are made lazily and hold memory
                if len(pending) >= pool.workers * 4:
                    collect(wait(pending, return_when=FIRST_COMPLETED).done)
                pending[pool.submit(job, settings)] = job
        except BaseException:
            pool.stop()
            raise
    return rest


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the pool now: queued pages are dropped, pages being rendered are killed. No worker
    is replaced from here on (``_Executor``), and one being replaced is started before the
    list is taken (replacement happens under the executor's shutdown lock)."""
    pool._stopping = True
    with getattr(pool, "_shutdown_lock", None) or contextlib.nullcontext():
        processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(5)


@contextlib.contextmanager
def _ended_by_signals():
    """While the pool works, SIGTERM (and SIGHUP) end the build like Ctrl-C does: the workers
    are killed on the way out, never left behind. Only the main thread can set handlers."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def interrupted(number, frame):
        raise SystemExit(128 + number)

    previous = {}
    for number in (signal.SIGTERM, getattr(signal, "SIGHUP", None)):
        if number is not None:
            previous[number] = signal.signal(number, interrupted)
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)
