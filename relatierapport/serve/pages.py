"""The preview's HTML pages: rendered when the browser asks for one, not by every build.

A build renders every page (112 for the example) while the browser shows one, so a preview
build does not run the built-in ``html`` format. It runs the serve-only format
``PAGES_FORMAT`` instead (given to each build in code, through ``BuildOptions.extra_plugins``,
as the template cache is): it copies the assets, as ``html`` does, and keeps the build's
``Site`` and its pages as ``LivePages``, which the preview hands to the server once the build
has succeeded. The server renders a page from them on request with ``page.render("screen")``,
the call the ``html`` format writes, so the HTML is a build's, and keeps it until the next
build. A rebuild after one relation's change then costs reading, analysing and the pages the
browser shows after it. After a change of page templates alone the preview does not build at
all: ``LivePages.again`` shows the last build's report through the edited templates
(``Preview.render_again``), since a template changes no finding.

Rendering happens in the request threads, one page at a time per build (the lock): a
``Site`` and its report are not made to be rendered from by several threads at once, and a
page asked for twice at once is rendered once. The build loop never renders from a build's
``LivePages``; it makes new ones.

A page that fails to render (a template error, a plugin's section) is a located error as in a
build; the server shows it in the banner above the page's last good rendering (``LastGood``,
kept across builds), or as an error page when there is none, and the terminal prints it once.

When the preview's folder stays after it stops (``--out``), its builds are complete builds:
``html`` runs too, and the pages it wrote are read back as the rendered pages.
"""

from __future__ import annotations

import threading
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterable

from relatierapport import hookimpl
from relatierapport.hooktypes import OutputFormat

if TYPE_CHECKING:  # pragma: no cover
    from relatierapport.hooktypes import Page
    from relatierapport.render.site import Site

#: The serve-only output format, and the name its plugin is registered under (preview builds only).
PAGES_FORMAT = "serve-pages"
PAGES_PLUGIN = "serve_pages"


@dataclass(frozen=True)
class Shown:
    """What to answer for a page: its HTML, or the error that kept it from rendering and the
    page's last good HTML (None when it never rendered)."""

    html: str | None
    error: str | None = None


class LastGood:
    """The last HTML each page rendered to, kept across builds (thread-safe): what a page that
    no longer renders shows under the error."""

    def __init__(self) -> None:
        self._pages: dict[str, str] = {}
        self._lock = threading.Lock()

    def get(self, path: str) -> str | None:
        with self._lock:
            return self._pages.get(path)

    def put(self, path: str, html: str) -> None:
        with self._lock:
            self._pages[path] = html


class LivePages:
    """The pages of one successful build, rendered on first request and kept."""

    def __init__(self, site: "Site", pages: Iterable["Page"], rendered: dict[str, str] | None = None,
                 *, last_good: LastGood | None = None, echo: Callable[[str], None] = print,
                 lock: threading.Lock | None = None):
        self.site = site
        self._pages = {page.path: page for page in pages}
        self._shown: dict[str, Shown] = {path: Shown(html) for path, html in (rendered or {}).items()}
        self._lock = lock or threading.Lock()
        self.last_good = last_good or LastGood()
        self.echo = echo
        self.renders = 0           # pages rendered on request (not read back from a written build)

    def again(self) -> "LivePages":
        """The same build's pages through the templates as they are now: a new ``Site`` of the
        same report and plugins (so a new template environment), its pages rendered on
        request. It shares this build's lock, since both render from the one report."""
        from relatierapport.render.site import Site

        site = Site(self.site.report, self.site.plugins)
        return LivePages(site, site.pages(), last_good=self.last_good, echo=self.echo, lock=self._lock)

    @property
    def paths(self) -> list[str]:
        """Every page's path without extension, as the html format names its files."""
        return list(self._pages)

    def find(self, parts: list[str]) -> str | None:
        """The page a checked URL path (its parts) names: ``/`` and ``/index.html`` the
        portfolio, ``/relations/<slug>.html`` a plan; None for anything else."""
        if not parts or parts == ["index.html"]:
            path = "index"
        elif parts[-1].endswith(".html"):
            path = "/".join(parts)[:-len(".html")]
        else:
            return None
        return path if path in self._pages else None

    def show(self, path: str) -> Shown:
        """The page ``path`` (one of ``paths``), rendered now unless it was before in this build."""
        with self._lock:
            shown = self._shown.get(path)
            if shown is None:
                shown = self._shown[path] = self._render(path)
            return shown

    def _render(self, path: str) -> Shown:
        import click

        self.renders += 1
        try:
            html = self._pages[path].render("screen")
        except click.ClickException as error:     # a located error: template file and line
            error_text = error.format_message()
        except Exception:                          # a bug, ours or a plugin's: show it, keep serving
            error_text = traceback.format_exc()
        else:
            self.last_good.put(path, html)
            self._warn_refused()
            return Shown(html)
        self._warn_refused()
        self.echo(f"page {path} failed to render:\n{error_text}")
        return Shown(self.last_good.get(path), error_text)

    def _warn_refused(self) -> None:
        """A template that leads outside the project, met while rendering: a build warns of it."""
        from relatierapport.errors import grouped

        for line in grouped(self.site.refusals.take_new()):
            self.echo(f"warning: {line}")


class PagesPlugin:
    """For one preview build: the ``PAGES_FORMAT`` output format, and the ``LivePages`` it made
    (``built``) once the build has run it."""

    def __init__(self, last_good: LastGood, echo: Callable[[str], None], *, read_back: bool = False):
        self.last_good = last_good
        self.echo = echo
        self.read_back = read_back      # the html format runs in this build: its pages are written
        self.built: LivePages | None = None

    @hookimpl
    def output_formats(self):
        return [OutputFormat(PAGES_FORMAT, self.write, "relatierapport serve's pages: assets/ "
                             "written, pages rendered when the browser asks for them.")]

    def write(self, pages, out_dir: Path, state) -> list[str]:
        pages = list(pages)
        written = state.site.copy_assets(out_dir)
        rendered = {}
        if self.read_back:      # the build runs the html format before every other
            for page in pages:
                rendered[page.path] = (out_dir / f"{page.path}.html").read_text(encoding="utf-8")
        self.built = LivePages(state.site, pages, rendered, last_good=self.last_good, echo=self.echo)
        return written
