"""Built-in plugin ``pdf_output``: portfolio.pdf and relations/<slug>.pdf via WeasyPrint.

The PDF is made from the same templates as the HTML, in the "pdf" medium
(links point at the PDFs; the stylesheet is parsed once and passed in). Pages
are independent documents rendered by a pool of worker processes when there
are enough of them (``--jobs``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from relatierapport import environment, hookimpl
from relatierapport.errors import Problem
from relatierapport.hooktypes import OutputFormat
from relatierapport.builtin.outputs.pdf_output.options import config_options, pdf_variant  # noqa: F401 (a hook)
from relatierapport.render.site import BUILTIN_TEMPLATES, STYLESHEET


def write_pdf(pages, out_dir: Path, state) -> list[str]:
    """Every page as a PDF. What WeasyPrint says about the machine (a missing HarfBuzz
    subsetting library, the report font) becomes one notice per build, characters without a
    font one warning per build, the rest warnings; dates are kept on one line."""
    from relatierapport.builtin.outputs.pdf_output.dates import keep_dates_together
    from relatierapport.builtin.outputs.pdf_output.glyphs import missing_glyph, missing_glyphs_warning
    from relatierapport.builtin.outputs.pdf_output.pool import PdfJob, PdfSettings, render_all

    stylesheet = state.site.stylesheet()
    for notice in environment.pdf_notices(stylesheet == BUILTIN_TEMPLATES / STYLESHEET):
        state.notify(notice)
    state.site.copy_assets(out_dir)
    (out_dir / "relations").mkdir(exist_ok=True)
    config = state.report.config
    # the fetcher reads only here: the project, our and the plugins' templates, this output
    # (not a template folder's own path: templates/ may itself be a link leading elsewhere)
    roots = tuple(str(p) for p in (out_dir, *state.site.roots.roots))
    settings = PdfSettings((str(stylesheet),), roots, pdf_variant(config))
    written: list[str] = []
    files: dict[str, str] = {}          # the page's label -> its PDF, to say where glyphs are missing

    def jobs():
        for page in pages:
            name = "portfolio.pdf" if page.kind == "portfolio" else f"{page.path}.pdf"
            written.append(name)
            files.setdefault(page.title, name)
            yield PdfJob(keep_dates_together(page.render("pdf"), config.language),
                         (out_dir / f"{page.path}.html").as_uri(), str(out_dir / name), page.title)

    count = state.site.page_count()
    if state.scheduler:     # on a Dask cluster; the PDFs are still written here
        from relatierapport.builtin.outputs.pdf_output.cluster import cluster_renderer
        render_all = cluster_renderer(state, out_dir)  # noqa: F811
    if state.progress:
        with click.progressbar(length=count, label="PDF", file=sys.stderr) as bar:
            rendered = render_all(jobs(), count, settings, state.jobs, on_done=lambda: bar.update(1))
    else:
        rendered = render_all(jobs(), count, settings, state.jobs)
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
    return written


@hookimpl
def output_formats():
    return [OutputFormat("pdf", write_pdf, "portfolio.pdf and relations/<slug>.pdf (WeasyPrint).")]
