"""The only way WeasyPrint may load a resource: files inside allowed folders.

Relation data is personal data. Whatever a template or a data field points at,
a PDF build never touches the network and never reads a file outside the
project, the output folder and the template folders. A URL is decoded
(``%2e%2e`` is ``..``) and resolved with every link followed before it is
checked, and only a regular file is read.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from relatierapport.paths import inside

#: What the user is told a PDF may embed.
EXPECTED = ("expected a file inside the project, the output folder or a template folder "
            "(only files inside the project are embedded)")


class ProjectFetcher(URLFetcher):
    """Serves ``file:`` URLs under ``roots`` and inline ``data:`` URLs; refuses the rest."""

    def __init__(self, roots: list[Path]):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [Path(root).resolve() for root in roots]

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise ValueError(f"relatierapport does not fetch {url!r}: only files inside the project; "
                             f"{EXPECTED}")
        if parts.netloc not in ("", "localhost"):
            raise ValueError(f"relatierapport does not fetch {url!r}: a file on another machine; "
                             f"{EXPECTED}")
        if not parts.path.startswith("/"):          # file:etc/passwd would be read from the cwd
            raise ValueError(f"relatierapport does not fetch {url!r}: not an absolute file URL; "
                             f"{EXPECTED}")
        try:
            path = Path(unquote(parts.path, errors="strict")).resolve()
        except (OSError, RuntimeError, ValueError) as exc:     # a link loop, a NUL, bad UTF-8
            raise ValueError(f"relatierapport does not read {url!r}: {exc}; {EXPECTED}") from None
        if not inside(path, self.roots):
            raise ValueError(f"relatierapport does not read {path}: it is outside the project; "
                             f"{EXPECTED}")
        if not path.is_file():
            raise ValueError(f"relatierapport does not read {path}: it is not a regular file; "
                             f"{EXPECTED}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(path.as_uri(), path.read_bytes(), {"Content-Type": content_type})
