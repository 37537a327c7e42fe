"""Links between the PDFs of one output, kept relative.

WeasyPrint makes every link absolute against the page's base URL, which is the
staging folder of the build (``.site.building-…``): a link from portfolio.pdf to
a plan would lead to a folder that is gone once the build is swapped in, name a
path of this machine inside every PDF, and differ from build to build. A link
into the output folder is therefore written relative to the PDF that holds it
("relations/k1.pdf", "../portfolio.pdf"), which PDF viewers resolve against the
PDF's own location wherever the folder is moved or copied to.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit


def relative_links(document, page_url: str, output_url: str) -> None:
    """Rewrite the laid-out ``document``'s external links that lead into ``output_url`` (the
    output folder's file URL, ending in "/") relative to ``page_url``."""
    if not output_url.endswith("/"):
        output_url += "/"
    here = posixpath.dirname(unquote(urlsplit(page_url).path))
    for page in document.pages:
        for index, (kind, target, rectangle, box) in enumerate(page.links):
            if kind != "external" or not target.startswith(output_url):
                continue
            parts = urlsplit(target)
            relative = posixpath.relpath(unquote(parts.path), here)
            if parts.fragment:
                relative += f"#{parts.fragment}"
            page.links[index] = (kind, relative, rectangle, box)
