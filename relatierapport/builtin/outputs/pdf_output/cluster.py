"""Render the PDFs on a Dask distributed cluster: ``build --scheduler ADDRESS`` or ``[build]
scheduler`` in config.toml (the extra ``relatierapport[dask]``).

This process still reads, analyses and makes every page's HTML; the cluster runs only
WeasyPrint, nearly all of a PDF build. The pages go out in chunks (consecutive ``PdfJob``\\ s),
one Dask task a chunk. A worker renders each page with the ``_Renderer`` a local worker uses and
sends back the PDF's bytes, WeasyPrint's warnings and the printed page count; this process
writes the PDFs into the build's staging folder, so the output is swapped in atomically as
after a local build and a failed build leaves the previous output as it was.

A worker cannot read this machine's disk, so what WeasyPrint reads is shipped with the work:

- once a build, to every worker (``scatter(broadcast=True)``): the stylesheet, the files it
  names (``url()``, ``@import``: fonts, images) and every file of the output's ``assets/``;
- with each chunk: any other file a page names (``src``, ``<link href>``, ``url()``, an SVG's
  ``<image href>``, ``<object data>``).

Each file is read here through the ``ProjectFetcher`` of a local build, so what a local build
refuses (a file outside the project, a web address) is refused here too, and the refusal
travels instead of the file: the warnings are a local build's. On the worker a fetcher serves
the shipped files from memory (``data:`` URLs as usual) and refuses whatever was not shipped.

A chunk whose task raises is retried (``RETRIES``); a chunk whose worker is lost is given to
another worker by the scheduler (up to Dask's ``distributed.scheduler.allowed-failures``). A
scheduler that cannot be reached, or has no worker, within Dask's connect timeout
(``distributed.comm.timeouts.connect``, 30 s unless set) is a configuration error (exit 2)
naming the address and where it was set.
"""

from __future__ import annotations

import dataclasses
import gc
import hashlib
import html as html_module
import io
import logging
import mimetypes
import os
import re
import tempfile
import threading
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from posixpath import normpath
from typing import Callable, Iterable, Iterator
from urllib.parse import unquote, urljoin, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from relatierapport.builtin.outputs.pdf_output.links import OUTPUT_URL
from relatierapport.builtin.outputs.pdf_output.pool import (GC_THRESHOLD, PdfError, PdfJob, PdfSettings,
                                                           Rendered, _Renderer)
from relatierapport.errors import ConfigError, Problem, RelatierapportError

#: Chunks stay small enough to spread the work and to make a retry cheap, large enough that
#: Dask's ~1 ms a task and the shipping of a chunk do not count (one plan: ~0.4 s).
MAX_CHUNK = 16
CHUNKS_PER_THREAD = 8
#: Chunks a worker thread has queued, so none waits while this process makes the next pages.
QUEUED_PER_THREAD = 2
#: Retries of a chunk whose task raised (a page WeasyPrint cannot make is not retried: it is
#: reported, as locally).
RETRIES = 2
#: What a worker refuses to fetch because it was not shipped.
NOT_SHIPPED = ("it was not shipped to the cluster (what is shipped: the stylesheet and the files it "
               "names, the output's assets/, and files a page names in src, href or url()); put "
               "the file in templates/assets/")

log = logging.getLogger("relatierapport.cluster")


# -- what travels -------------------------------------------------------------------

@dataclass(frozen=True)
class Shipment:
    """What every page of a build needs on a worker besides its HTML."""

    variant: str | None                                # WeasyPrint's pdf_variant
    stylesheets: tuple[tuple[str, bytes], ...]         # (file URL, bytes), parsed once a worker
    #: file key -> (the URL the fetcher answers with, the bytes, the content type), or the
    #: exception a local build's fetcher raised for it
    files: dict
    token: str = ""                                    # a digest: a worker's renderer is kept per token

    def size(self) -> int:
        return sum(len(data) for _, data in self.stylesheets) + _files_size(self.files)


def _files_size(files: dict) -> int:
    return sum(len(item[1]) for item in files.values() if isinstance(item, tuple))


def file_key(url: str) -> str:
    """One key for every spelling of a URL the fetcher may be asked for: a file URL by its
    decoded, normalised path (no query, no fragment); anything else as it is."""
    parts = urlsplit(url)
    if parts.scheme.lower() != "file":
        return url.split("#")[0]
    return "file:" + normpath(unquote(parts.path))


_CSS_URL = re.compile(r"""url\(\s*(?:"([^"]*)"|'([^']*)'|([^)\s]*))\s*\)""", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"""@import\s+(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_HTML_ATTRIBUTES = re.compile(
    r"""(?:\s(?:src|data)|<link\b[^>]*?\shref|<(?:image|feImage|use|img)\b[^>]*?\s(?:xlink:)?href)"""
    r"""\s*=\s*(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
#: CSS inside a page: <style> elements and style attributes (not the text: a relation's notes
#: that say "url(…)" name nothing to fetch).
_HTML_CSS = re.compile(r"""<style\b[^>]*>(.*?)</style>|\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""",
                       re.IGNORECASE | re.DOTALL)


def _found(pattern: re.Pattern, text: str) -> Iterator[str]:
    for match in pattern.finditer(text):
        yield next(group for group in match.groups() if group is not None)


def css_references(text: str) -> list[str]:
    """What a stylesheet (or a style attribute) may make WeasyPrint fetch."""
    return [*_found(_CSS_URL, text), *_found(_CSS_IMPORT, text)]


def html_references(text: str) -> list[str]:
    """What a page may make WeasyPrint fetch: resources in attributes and in CSS (links are
    not fetched, so an ``<a href>`` is left alone)."""
    return [html_module.unescape(ref) for ref in _found(_HTML_ATTRIBUTES, text)] + [
        ref for css in _found(_HTML_CSS, text) for ref in css_references(html_module.unescape(css))]


class Packer:
    """Reads, on this machine and as a local build would, the files the pages need."""

    def __init__(self, roots: Iterable[str]):
        from relatierapport.builtin.outputs.pdf_output.fetcher import ProjectFetcher

        roots = [Path(root) for root in roots]
        self.fetcher = ProjectFetcher(roots, output=roots[0] if roots else None)
        self.read: dict[str, object] = {}          # file key -> as in Shipment.files, read once

    def add(self, files: dict, base_url: str, references: Iterable[str], known: dict) -> None:
        """Put into ``files`` what ``references`` (relative to ``base_url``) name and ``known``
        lacks, and what those files name in turn (a stylesheet's fonts, an SVG's images)."""
        for reference in references:
            reference = reference.strip()
            if not reference or reference.startswith("#") or reference[:5].lower() == "data:":
                continue
            url = urljoin(base_url, reference)
            key = file_key(url)
            if key in known or key in files:
                continue
            if key not in self.read:
                self.read[key] = self._read(url)
            item = files[key] = self.read[key]
            if isinstance(item, tuple) and item[2] in ("text/css", "image/svg+xml"):
                text = item[1].decode("utf-8", "replace")
                nested = css_references(text) if item[2] == "text/css" else html_references(text)
                self.add(files, item[0], nested, known)

    def _read(self, url: str):
        try:
            response = self.fetcher.fetch(url)
            body = response.read()
        except Exception as exc:          # the refusal a worker repeats, as a local build says it
            return exc if type(exc).__module__ == "builtins" else ValueError(str(exc))
        content_type = response.headers.get_content_type() if response.headers else None
        return response.url, body, content_type or mimetypes.guess_type(url)[0] or "application/octet-stream"

    def shipment(self, settings: PdfSettings, out_dir: Path) -> Shipment:
        files: dict = {}
        stylesheets = []
        for path in settings.stylesheets:
            url = Path(path).absolute().as_uri()
            data = Path(path).read_bytes()
            stylesheets.append((url, data))
            self.add(files, url, css_references(data.decode("utf-8", "replace")), {})
        assets = out_dir / "assets"
        if assets.is_dir():
            self.add(files, OUTPUT_URL, [path.relative_to(out_dir).as_posix() for path in
                                                      sorted(assets.rglob("*")) if path.is_file()], {})
        digest = hashlib.sha256(repr(settings.variant).encode())
        for url, data in stylesheets:
            digest.update(url.encode() + b"\0" + hashlib.sha256(data).digest())
        for key, item in sorted(files.items()):
            digest.update(key.encode() + b"\0" + (hashlib.sha256(item[1]).digest()
                                                   if isinstance(item, tuple) else repr(item).encode()))
        return Shipment(settings.variant, tuple(stylesheets), files, digest.hexdigest()[:16])


# -- on a worker --------------------------------------------------------------------

class ShippedFetcher(URLFetcher):
    """A worker's fetcher: the shipped files from memory, ``data:`` URLs, nothing else."""

    def __init__(self, files: dict):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.files = files
        self.extras: dict = {}            # the chunk's own files

    def fetch(self, url, headers=None):
        if urlsplit(url).scheme.lower() == "data":
            return super().fetch(url, headers)
        key = file_key(url)
        item = self.extras.get(key, self.files.get(key))
        if item is None:
            raise ValueError(f"relatierapport does not fetch {url!r} on a cluster worker: {NOT_SHIPPED}")
        if isinstance(item, Exception):
            raise item
        response_url, body, content_type = item
        return URLFetcherResponse(response_url, body, {"Content-Type": content_type})


class _ShippedRenderer(_Renderer):
    """A local worker's renderer, reading the shipped files instead of this machine's disk."""

    def __init__(self, shipment: Shipment):
        from weasyprint import CSS

        super().__init__(PdfSettings((), (), shipment.variant))
        self.fetcher = ShippedFetcher(shipment.files)
        self.stylesheets = [CSS(file_obj=io.BytesIO(data), base_url=url, font_config=self.font_config,
                                url_fetcher=self.fetcher) for url, data in shipment.stylesheets]


class _ThreadMessages(logging.Handler):
    """WeasyPrint's warnings, kept per thread (a Dask worker may run tasks in several)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.local = threading.local()

    def start(self) -> None:
        self.local.messages = []

    def take(self) -> list[str]:
        messages, self.local.messages = getattr(self.local, "messages", []), None
        return messages or []

    def emit(self, record: logging.LogRecord) -> None:
        messages = getattr(self.local, "messages", None)
        if messages is not None:
            messages.append(record.getMessage())


_messages = _ThreadMessages()
_renderers = threading.local()
_setup = threading.Lock()


def _renderer(shipment: Shipment) -> _ShippedRenderer:
    """This thread's renderer for this build (the stylesheet parsed, the fonts loaded once)."""
    with _setup:
        logger = logging.getLogger("weasyprint")
        if _messages not in logger.handlers:
            logger.addHandler(_messages)
            logger.propagate = False
    if getattr(_renderers, "token", None) != shipment.token:
        _renderers.token, _renderers.renderer = None, None      # the last build's goes first
        _renderers.renderer, _renderers.token = _ShippedRenderer(shipment), shipment.token
    return _renderers.renderer


def versions() -> dict[str, str]:
    """What decides how a PDF looks, besides the fonts: compared with the build machine's."""
    import weasyprint

    from relatierapport import __version__
    return {"relatierapport": __version__, "WeasyPrint": weasyprint.__version__}


def render_chunk(jobs: list[PdfJob], shipment: Shipment, extras: dict
                 ) -> tuple[list[tuple[str, list[str], int, bytes]], dict[str, str]]:
    """Runs on a worker: every page of the chunk as (error text or "", WeasyPrint's warnings,
    printed pages, the PDF's bytes), until a page fails; and the worker's versions."""
    renderer = _renderer(shipment)
    renderer.fetcher.extras = extras
    old = gc.get_threshold()
    gc.set_threshold(*GC_THRESHOLD)
    results = []
    try:
        with tempfile.TemporaryDirectory(prefix="relatierapport-pdf-") as folder:
            target = os.path.join(folder, "page.pdf")
            for job in jobs:
                _messages.start()
                try:
                    printed = renderer.render(dataclasses.replace(job, target=target))
                    results.append(("", _messages.take(), printed, Path(target).read_bytes()))
                except Exception as exc:       # sent as text: WeasyPrint's exceptions may not pickle
                    results.append((f"{type(exc).__name__}: {exc}", _messages.take(), 0, b""))
                    break
    finally:
        renderer.fetcher.extras = {}
        gc.set_threshold(*old)
    return results, versions()


# -- on this machine ----------------------------------------------------------------

@dataclass
class Traffic:
    """What a build sent to the cluster and got back, in bytes of payload (HTML, files, PDFs)."""

    pages: int = 0
    chunks: int = 0
    shipment: int = 0          # once a build, to each worker
    html: int = 0
    files: int = 0             # shipped with the chunks
    pdf: int = 0               # received
    workers: int = 0
    threads: int = 0
    worker_versions: dict = field(default_factory=dict)

    @property
    def sent(self) -> int:
        return self.shipment * max(self.workers, 1) + self.html + self.files


def chunk_size(pages: int, threads: int) -> int:
    """About eight chunks a worker thread, so the last chunks leave little idle time, and at
    most ``MAX_CHUNK`` pages each."""
    return max(1, min(MAX_CHUNK, pages // max(1, threads * CHUNKS_PER_THREAD)))


def _chunks(jobs: Iterable[PdfJob], size: int) -> Iterator[list[PdfJob]]:
    chunk: list[PdfJob] = []
    for job in jobs:
        chunk.append(job)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def cluster_renderer(state, out_dir: Path) -> Callable[..., Rendered]:
    """``render_all`` for ``write_pdf``, rendering on the cluster at ``state.scheduler``."""

    def problem(message: str) -> Problem:
        if state.scheduler_set_by.startswith("["):
            return Problem(state.report.config.path.name, message, field=state.scheduler_set_by)
        return Problem(state.scheduler_set_by, message)

    def render(jobs: Iterable[PdfJob], count: int, settings: PdfSettings, workers: int = 1,
               on_done: Callable[[PdfJob, list[str], int], None] = lambda job, messages, printed: None,
               pool=None, given=()) -> Rendered:
        """``pool``, ``given``: a local pool and pages already with it; a build on a cluster
        starts none (``build._EarlyPdfPool``), so neither is used here."""
        assert not given, "pages given to a local worker in a build on a cluster"
        client = connect(state.scheduler, problem)
        try:
            rendered, traffic = render_on(client, jobs, count, settings, out_dir, on_done,
                                          state.scheduler, problem)
        finally:
            client.close()
        mine = versions()
        for name, theirs in sorted(traffic.worker_versions.items()):
            if theirs != mine[name]:
                state.notify(f"the cluster's workers run {name} {theirs}, this machine {mine[name]}: "
                             f"PDFs may differ from a local build; install the same version on the "
                             f"workers")
        return rendered

    return render


def connect(address: str, problem: Callable[[str], Problem]):
    """A Dask client of the scheduler at ``address`` that has at least one worker."""
    try:
        import dask
        from dask.utils import parse_timedelta
        from distributed import Client
    except ImportError as exc:
        raise ConfigError([problem(f"rendering on a Dask cluster needs Dask distributed, which is "
                                   f"not installed ({exc}): pip install 'relatierapport[dask]'")]) from None
    timeout = parse_timedelta(dask.config.get("distributed.comm.timeouts.connect"), "s")
    advice = (f"start a scheduler (`dask scheduler`) and workers (`dask worker {address}`), or "
              "correct the address, or leave it out to render on this machine")
    try:
        client = Client(address, timeout=timeout, set_as_default=False)
    except (OSError, ValueError, TimeoutError) as exc:
        raise ConfigError([problem(f"cannot reach the Dask scheduler at {address}: {exc}; "
                                   f"{advice}")]) from None
    try:
        client.wait_for_workers(1, timeout=timeout)
    except (OSError, TimeoutError):
        client.close()
        raise ConfigError([problem(f"the Dask scheduler at {address} has no workers (waited {timeout:g} "
                                   f"s); {advice}")]) from None
    return client


def render_on(client, jobs: Iterable[PdfJob], count: int, settings: PdfSettings, out_dir: Path,
              on_done: Callable[[PdfJob, list[str], int], None], address: str,
              problem: Callable[[str], Problem]
              ) -> tuple[Rendered, Traffic]:
    """Render every job on the client's cluster and write each PDF to its target."""
    from distributed import as_completed

    threads = client.nthreads()
    traffic = Traffic(workers=len(threads), threads=sum(threads.values()))
    packer = Packer(settings.roots)
    shipment = packer.shipment(settings, out_dir)
    traffic.shipment = shipment.size()
    shipped = client.scatter(shipment, broadcast=True, hash=False)
    run = uuid.uuid4().hex[:8]
    pending: dict = {}                                   # future -> (chunk number, its jobs)
    outcomes: dict[int, list[tuple[str, str]]] = {}      # chunk number -> its (page, warning) pairs
    rendered = Rendered()
    done = as_completed(loop=client.loop)

    def collect(future) -> None:
        number, chunk = pending.pop(future)
        try:
            results, worker = future.result()
        except Exception as exc:
            raise _failure(exc, chunk, address, problem) from exc
        traffic.worker_versions.update(worker)
        warnings = outcomes[number] = []
        for job, (error, messages, printed, pdf) in zip(chunk, results):
            if error:
                raise PdfError(job.label, error)
            Path(job.target).write_bytes(pdf)
            traffic.pdf += len(pdf)
            warnings.extend((job.label, message) for message in messages)
            rendered.printed_pages += printed
            on_done(job, messages, printed)

    try:
        for number, chunk in enumerate(_chunks(jobs, chunk_size(count, traffic.threads))):
            if len(pending) >= traffic.threads * QUEUED_PER_THREAD + 1:
                collect(next(done))
            extras: dict = {}
            for job in chunk:
                packer.add(extras, job.base_url, html_references(job.html), shipment.files)
            traffic.chunks += 1
            traffic.pages += len(chunk)
            traffic.html += sum(len(job.html.encode("utf-8")) for job in chunk)
            traffic.files += _files_size(extras)
            future = client.submit(render_chunk, chunk, shipped, extras, retries=RETRIES, pure=False,
                                   key=f"relatierapport-pdf-{run}-{number}")
            pending[future] = (number, chunk)
            done.add(future)
        while pending:
            collect(next(done))
    except BaseException:
        client.cancel(list(pending))
        raise
    for number in sorted(outcomes):                      # in page order, whichever chunk came first
        rendered.warnings.extend(outcomes[number])
    log.info("rendered %d pages in %d chunks on %d workers (%d threads): sent %d bytes, received %d",
             traffic.pages, traffic.chunks, traffic.workers, traffic.threads, traffic.sent, traffic.pdf,
             extra={"traffic": traffic})
    return rendered, traffic


def _failure(exc: Exception, chunk: list[PdfJob], address: str,
             problem: Callable[[str], Problem]) -> RelatierapportError:
    """What a chunk that the cluster could not render says (after Dask's retries)."""
    pages = f"{chunk[0].label}" + (f" and {len(chunk) - 1} more pages" if len(chunk) > 1 else "")
    if type(exc).__name__ == "KilledWorker":
        return RelatierapportError(f"the Dask cluster at {address} lost every worker that rendered "
                                   f"{pages} (Dask's allowed-failures); see the workers' logs: {exc}")
    if isinstance(exc, ImportError):
        return ConfigError([problem(f"the workers of the Dask scheduler at {address} cannot run "
                                    f"relatierapport ({type(exc).__name__}: {exc}); install "
                                    f"relatierapport[dask], the same version, on every worker")])
    return PdfError(pages, f"on the Dask cluster at {address}: {type(exc).__name__}: {exc}")
