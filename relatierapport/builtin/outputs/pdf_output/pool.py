"""Turn rendered HTML pages into PDFs with WeasyPrint, in parallel when it pays.

WeasyPrint is nearly all of a PDF build's time, so this module arranges the
work around it: one FontConfiguration and one parsed stylesheet per process,
a raised garbage-collector threshold while rendering, each page its own
document, and a pool of warm worker processes only when there are enough pages
to repay its start-up. ``weasyprint`` is imported here only, lazily.
"""

from __future__ import annotations

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable, Iterable

from relatierapport.errors import RelatierapportError

#: Below this many documents a pool costs more than it saves (~1.2 s to start).
POOL_THRESHOLD = 12
GC_THRESHOLD = (100_000, 50, 100)
PR_SET_PDEATHSIG = 1          # linux/prctl.h
WATCHDOG_SECONDS = 0.5


@dataclass(frozen=True)
class PdfJob:
    html: str
    base_url: str          # file URL of the page, so relative links resolve in the output folder
    target: str            # where to write the PDF
    label: str             # the page, for error messages


@dataclass(frozen=True)
class PdfSettings:
    stylesheets: tuple[str, ...]   # parsed once per process
    roots: tuple[str, ...]         # folders the fetcher may read, the output folder first
    variant: str | None = None     # WeasyPrint's pdf_variant ("pdf/ua-1" tags the PDF), None: untagged


_worker: "_Renderer | None" = None


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

    def __init__(self, settings: PdfSettings):
        from weasyprint import CSS
        from weasyprint.text.fonts import FontConfiguration

        from relatierapport.builtin.outputs.pdf_output.fetcher import ProjectFetcher

        self.fetcher = ProjectFetcher([Path(root) for root in settings.roots])
        self.output_url = Path(settings.roots[0]).as_uri() + "/"
        self.font_config = FontConfiguration()
        self.variant = settings.variant
        self.stylesheets = [CSS(filename=path, font_config=self.font_config, url_fetcher=self.fetcher)
                            for path in settings.stylesheets]

    def render(self, job: PdfJob) -> int:
        """Write the job's PDF; return its number of printed pages (counted by a finisher, which
        WeasyPrint hands the laid-out document before writing; it changes nothing)."""
        from weasyprint import DEFAULT_OPTIONS, HTML

        from relatierapport.builtin.outputs.pdf_output.links import relative_links
        from relatierapport.builtin.outputs.pdf_output.metadata import flatten

        printed: list[int] = []
        options = {**DEFAULT_OPTIONS, "stylesheets": self.stylesheets, "pdf_variant": self.variant}
        document = HTML(string=job.html, base_url=job.base_url, url_fetcher=self.fetcher
                        ).render(font_config=self.font_config, **options)
        flatten(document.metadata)       # title, author, … on one line (HTML.write_pdf in two steps)
        relative_links(document, job.base_url, self.output_url)
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


def _init_worker(settings: PdfSettings, parent: int | None = None) -> None:
    global _worker
    if parent is not None:
        _die_with_parent(parent)
    gc.set_threshold(*GC_THRESHOLD)
    logger = logging.getLogger("weasyprint")
    if _messages not in logger.handlers:
        logger.addHandler(_messages)
    logger.propagate = False
    _worker = _Renderer(settings)


def _render_in_worker(job: PdfJob) -> tuple[str, list[str], int]:
    """Render one page; return (error text or "", WeasyPrint's warnings, printed pages) — plain,
    picklable."""
    assert _worker is not None
    _messages.messages = []
    try:
        printed = _worker.render(job)
    except Exception as exc:  # sent back as text: WeasyPrint's exceptions may not pickle
        return f"{type(exc).__name__}: {exc}", _messages.messages, 0
    return "", _messages.messages, printed


class PdfError(RelatierapportError):
    """A page could not be rendered to PDF (exit code 1)."""

    def __init__(self, label: str, detail: str):
        super().__init__(f"{label}: the PDF could not be made: {detail}")


@dataclass
class Rendered:
    """What rendering every job gave: WeasyPrint's (page, warning) pairs and the printed pages."""

    warnings: list[tuple[str, str]] = field(default_factory=list)
    printed_pages: int = 0


def render_all(jobs: Iterable[PdfJob], count: int, settings: PdfSettings, workers: int,
               on_done: Callable[[PdfJob, list[str], int], None] = lambda job, messages, printed: None
               ) -> Rendered:
    """Render every job; raise PdfError naming a page that failed. ``on_done`` hears of each
    page written, with WeasyPrint's warnings about it and its printed pages."""
    rendered = Rendered()
    warnings = rendered.warnings

    def finished(job: PdfJob, outcome: tuple[str, list[str], int]) -> None:
        error, messages, printed = outcome
        if error:
            raise PdfError(job.label, error)
        warnings.extend((job.label, message) for message in messages)
        rendered.printed_pages += printed
        on_done(job, messages, printed)

    if workers <= 1 or count < POOL_THRESHOLD:
        old = gc.get_threshold()
        _init_worker(settings)
        try:
            for job in jobs:
                finished(job, _render_in_worker(job))
        finally:
            gc.set_threshold(*old)
        return rendered
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_worker,
                             initargs=(settings, os.getpid())) as pool, _ended_by_signals(pool):
        pending: dict[Future, PdfJob] = {}

        def collect(done: set[Future]) -> None:
            for future in sorted(done, key=lambda f: pending[f].target):
                finished(pending.pop(future), future.result())

        try:
            for job in jobs:   # keep the queue short: pages are made lazily and hold memory
                if len(pending) >= workers * 4:
                    collect(wait(pending, return_when=FIRST_COMPLETED).done)
                pending[pool.submit(_render_in_worker, job)] = job
            collect(wait(pending).done)
        except BaseException:
            _stop(pool)
            raise
    return rendered


def _stop(pool: ProcessPoolExecutor) -> None:
    """End the pool now: queued pages are dropped, pages being rendered are killed."""
    processes = list((getattr(pool, "_processes", None) or {}).values())
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        if process.is_alive():
            process.kill()
    for process in processes:
        process.join(5)


@contextlib.contextmanager
def _ended_by_signals(pool: ProcessPoolExecutor):
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
