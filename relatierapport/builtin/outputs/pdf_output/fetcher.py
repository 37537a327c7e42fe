"""The only way WeasyPrint may load a resource: files inside allowed folders.

Relation data is personal data. Whatever a template or a data field points at,
a PDF build never touches the network and never reads a file outside the
project, the output folder and the template folders. A URL is decoded
(``%2e%2e`` is ``..``) and resolved with every link followed before it is
checked, and only a regular file is read.

Pages are laid out as if the output folder were at ``OUTPUT_URL``, whatever
folder the build writes to (its staging folder ``.site.building-…`` changes
every build): WeasyPrint names an embedded image after its URL, so a page that
shows ``assets/logo.png`` gives the same PDF bytes in every build and on every
machine, and no path of this machine ends up in a PDF.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint.urls import URLFetcher, URLFetcherResponse

from relatierapport.builtin.outputs.pdf_output.links import OUTPUT_URL
from relatierapport.paths import inside

#: What the user is told a PDF may embed.
EXPECTED = ("expected a file inside the project, the output folder or a template folder "
            "(only files inside the project are embedded)")


class ProjectFetcher(URLFetcher):
    """Serves ``file:`` URLs under ``roots`` and inline ``data:`` URLs; refuses the rest. With
    ``output``, ``OUTPUT_URL`` is that folder (it must be among ``roots``)."""

    def __init__(self, roots: list[Path], output: Path | None = None):
        super().__init__(allowed_protocols={"file", "data"}, allow_redirects=False)
        self.roots = [Path(root).resolve() for root in roots]
        self.output = output

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
        answer = None                      # the URL the response names: the one asked for, if aliased
        alias = urlsplit(OUTPUT_URL).path
        try:
            path = Path(unquote(parts.path, errors="strict"))
            if self.output is not None and parts.path.startswith(alias):
                answer = url.split("#")[0]
                path = self.output / path.relative_to(unquote(alias))
            path = path.resolve()
        except (OSError, RuntimeError, ValueError) as exc:     # a link loop, a NUL, bad UTF-8
            raise ValueError(f"relatierapport does not read {url!r}: {exc}; {EXPECTED}") from None
        if not inside(path, self.roots):
            raise ValueError(f"relatierapport does not read {path}: it is outside the project; "
                             f"{EXPECTED}")
        if not path.is_file():
            raise ValueError(f"relatierapport does not read {path}: it is not a regular file; "
                             f"{EXPECTED}")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(answer or path.as_uri(), path.read_bytes(), {"Content-Type": content_type})
