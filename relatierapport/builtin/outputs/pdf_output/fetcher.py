"""The only way WeasyPrint may load a resource: files inside allowed folders.

Relation data is personal data. Whatever a template or a data field points at,
a PDF build never touches the network and never reads a file outside the
project, the output folder and the template folders.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse


class ProjectFetcher(URLFetcher):
    """Serves ``file:`` URLs under ``roots`` and inline ``data:`` URLs; refuses the rest."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [Path(root).resolve() for root in roots]

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise ValueError(f"relatierapport does not fetch {url!r}: only files inside the project")
        path = Path(unquote(urlsplit(url).path)).resolve()
        if not any(path.is_relative_to(root) for root in self.roots):
            raise ValueError(f"relatierapport does not read {path}: it is outside the project")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})
