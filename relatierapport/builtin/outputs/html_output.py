"""Built-in plugin ``html_output``: the portfolio (index.html) and one page per relation."""

from __future__ import annotations

from pathlib import Path

from relatierapport import hookimpl
from relatierapport.hooktypes import OutputFormat


def write_html(pages, out_dir: Path, state) -> list[str]:
    written = state.site.copy_assets(out_dir)
    (out_dir / "relations").mkdir(exist_ok=True)
    for page in pages:
        path = f"{page.path}.html"
        (out_dir / path).write_text(page.render("screen"), encoding="utf-8")
        written.append(path)
    return written


@hookimpl
def output_formats():
    return [OutputFormat("html", write_html, "index.html and relations/<slug>.html with assets/.")]
