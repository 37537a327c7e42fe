"""Built-in plugin ``pdf_output``: portfolio.pdf and relations/<slug>.pdf via WeasyPrint.

The PDF is made from the same templates as the HTML, in the "pdf" medium
(links point at the PDFs; the stylesheet is parsed once and passed in). Pages
are independent documents rendered by a pool of worker processes when there
are enough of them (``--jobs``).
"""

from __future__ import annotations

import functools
import itertools
import sys
from pathlib import Path
from typing import Callable

import click

from relatierapport import environment, hookimpl
from relatierapport.errors import Problem
from relatierapport.hooktypes import OutputFormat
from relatierapport.builtin.outputs.pdf_output.options import config_options, pdf_variant  # noqa: F401 (a hook)


def write_pdf(pages, out_dir: Path, state) -> list[str]:
    """Every page as a PDF, or carried over from the previous build when made from the same
    inputs (``relatierapport.render.reuse``). What WeasyPrint says about the machine (a missing
    HarfBuzz subsetting library, the report font) becomes one notice per build, characters
    without a font one warning per build, the rest warnings; dates are kept on one line."""
    from relatierapport.builtin.outputs.pdf_output.dates import keep_dates_together
    from relatierapport.builtin.outputs.pdf_output.glyphs import missing_glyph, missing_glyphs_warning
    from relatierapport.builtin.outputs.pdf_output.links import OUTPUT_URL
    from relatierapport.builtin.outputs.pdf_output.pool import (POOL_THRESHOLD, PdfJob, PdfSettings,
                                                               Rendered, render_all_then)
    from relatierapport.render.reuse import Reuse, digest
    from relatierapport.render.site import BUILTIN_TEMPLATES, STYLESHEET   # here: PDF workers need not import Jinja2

    stylesheet = state.site.stylesheet()
    state.site.copy_assets(out_dir)
    (out_dir / "relations").mkdir(exist_ok=True)
    config = state.report.config
    # the fetcher reads only here: the project, our and the plugins' templates, this output
    # (not a template folder's own path: templates/ may itself be a link leading elsewhere)
    roots = tuple(str(p) for p in (out_dir, *state.site.roots.roots))
    settings = PdfSettings((str(stylesheet),), roots, pdf_variant(config))
    pool = state.pdf_pool
    rebuild = pool is not None and pool.workers < state.jobs     # build._EarlyPdfPool's one worker
    if rebuild:
        pool.prepare(settings)       # its stylesheet parsed while the first page's HTML is made
    reuse = Reuse("pdf", stamp(settings, stylesheet, out_dir), state.previous_output)
    written: list[str] = []
    files: dict[str, str] = {}          # the page's label -> its PDF, to say where glyphs are missing
    inputs: dict[str, str] = {}         # the PDF -> the digest of what it is made from
    carried = Rendered()
    tick = lambda: None                 # noqa: E731 (the progress bar's, when there is one)

    def jobs():
        for page in pages:
            name = "portfolio.pdf" if page.kind == "portfolio" else f"{page.path}.pdf"
            written.append(name)
            files.setdefault(page.title, name)
            html = keep_dates_together(page.render("pdf"), config.language)
            inputs[name] = digest(page.path, html)
            kept = reuse.carry(name, inputs[name], out_dir)
            if kept is not None:
                carried.warnings.extend((page.title, message) for message in kept["warnings"])
                carried.printed_pages += kept["printed_pages"]
                tick()
                continue
            yield PdfJob(html, f"{OUTPUT_URL}{page.path}.html", str(out_dir / name), page.title)

    def done(job, messages: list[str], printed: int) -> None:
        name = Path(job.target).relative_to(out_dir).as_posix()
        reuse.record(name, inputs.pop(name), out_dir, {"warnings": messages, "printed_pages": printed})
        tick()

    pending = jobs()
    given = []            # (job, future): pages already with that worker
    if rebuild:
        # the first PDF a rebuild makes again (the portfolio when it changed: the longest by
        # far) goes to that worker at once, while this process makes the other pages' HTML
        # (benchmarks/README.md, "Incremental builds")
        first = next(pending, None)
        if first is not None:
            given.append((first, pool.submit(first, settings)))
    # how many pages need WeasyPrint decides whether a worker pool pays: look ahead that far
    ahead = list(itertools.islice(pending, POOL_THRESHOLD))
    to_render = len(ahead) if len(ahead) < POOL_THRESHOLD else state.site.page_count()
    if rebuild:
        # the others: made here while that worker has the first (or, when many changed, by a
        # full pool), after the other formats wrote
        pool = None
    if state.scheduler:     # on a Dask cluster; the PDFs are still written here
        from relatierapport.builtin.outputs.pdf_output.cluster import cluster_renderer
        on_cluster = cluster_renderer(state, out_dir)

        def render_all_then(*args, **kwargs):     # noqa: F811 (the cluster's answer is complete)
            rendered = on_cluster(*args, **kwargs)
            return lambda: rendered

    def start() -> tuple[Callable[[], None], bool]:
        """Hand every page to WeasyPrint. Returns what completes the format, and whether pages
        are still being made elsewhere then (a pool's last ones: they finish while the other
        formats write)."""
        nonlocal tick
        if not ahead and not given:   # every PDF carried over: WeasyPrint is not even imported
            return functools.partial(finish, Rendered), False
        # what the machine lacks (it loads WeasyPrint's libraries here, ~0.6 s): checked
        # now, not before the first page went to a rebuild's worker
        for notice in environment.pdf_notices(stylesheet == BUILTIN_TEMPLATES / STYLESHEET):
            state.notify(notice)
        jobs_left = itertools.chain(ahead, pending)
        if state.progress:     # the bar stays until the last page: nothing is left running
            with click.progressbar(length=state.site.page_count(), label="PDF", file=sys.stderr) as bar:
                tick = lambda: bar.update(1)     # noqa: E731
                bar.update(reuse.carried)
                rendered = render_all_then(jobs_left, to_render, settings, state.jobs,
                                           on_done=done, pool=pool, given=given)()
            return functools.partial(finish, lambda: rendered), False
        wait_for_rest = render_all_then(jobs_left, to_render, settings, state.jobs,
                                        on_done=done, pool=pool, given=given)
        return functools.partial(finish, wait_for_rest), pool is not None or bool(given)

    def finish(wait_for_rest: Callable[[], Rendered]) -> None:
        rendered = wait_for_rest()
        reuse.save(out_dir)
        state.carried_over += reuse.carried
        rendered.warnings[:0] = carried.warnings
        rendered.printed_pages += carried.printed_pages
        state.printed_pages = (state.printed_pages or 0) + rendered.printed_pages
        characters: dict[int, None] = {}
        missing_in: dict[str, None] = {}
        for page, message in dict.fromkeys(rendered.warnings):
            notice = environment.notice_for(message)
            code = missing_glyph(message)
            if notice:
                state.notify(notice)
            elif code is not None:
                characters[code] = None
                missing_in[files.get(page, page)] = None
            else:
                state.warnings.append(Problem("pdf", message, location=page))
        if characters:
            state.warnings.append(Problem("pdf", missing_glyphs_warning(characters, missing_in)))

    if given:     # the first page is being made: the others are made here after the other formats
        state.defer(lambda: start()[0]())
    else:
        complete, running = start()
        state.defer(complete) if running else complete()   # a pool's last pages: formats write meanwhile
    return written


def stamp(settings, stylesheet: Path, out_dir: Path) -> dict:
    """What every PDF of this build is made with besides its HTML: a previous build's PDFs are
    carried over only when all of it is the same (``relatierapport.render.reuse``)."""
    from relatierapport import __version__
    from relatierapport.render.reuse import file_digest, fonts_fingerprint, installed_version, tree_digest

    return {"relatierapport": __version__, "weasyprint": installed_version("weasyprint"),
            "pydyf": installed_version("pydyf"), "renderer": tree_digest(Path(__file__).parent, "*.py"),
            "variant": settings.variant, "stylesheet": file_digest(stylesheet),
            "assets": tree_digest(out_dir / "assets"), "fonts": fonts_fingerprint()}


@hookimpl
def output_formats():
    return [OutputFormat("pdf", write_pdf, "portfolio.pdf and relations/<slug>.pdf (WeasyPrint).")]
