"""Links between the PDFs of one output, kept relative.

WeasyPrint makes every link absolute against the page's base URL (under
``OUTPUT_URL``, standing for the build's staging folder): a link from
portfolio.pdf to a plan would lead nowhere. A link into the output folder is
therefore written relative to the PDF that holds it
("relations/k1.pdf", "../portfolio.pdf"), which PDF viewers resolve against the
PDF's own location wherever the folder is moved or copied to.
"""

from __future__ import annotations

import posixpath
from urllib.parse import unquote, urlsplit

#: Where the pages of a PDF build seem to be, whatever folder the build writes to (the fetcher
#: reads it from the real one, see fetcher.py): links into it are made relative here.
OUTPUT_URL = "file:///relatierapport-output/"


def relative_links(document, page_url: str) -> None:
    """Rewrite the laid-out ``document``'s external links that lead into the output folder
    (``OUTPUT_URL``) relative to ``page_url``."""
    here = posixpath.dirname(unquote(urlsplit(page_url).path))
    for page in document.pages:
        for index, (kind, target, rectangle, box) in enumerate(page.links):
            if kind != "external" or not target.startswith(OUTPUT_URL):
                continue
            parts = urlsplit(target)
            relative = posixpath.relpath(unquote(parts.path), here)
            if parts.fragment:
                relative += f"#{parts.fragment}"
            page.links[index] = (kind, relative, rectangle, box)
