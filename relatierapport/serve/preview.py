"""The preview's loop: build once, serve, then build again after every change.

Where it builds: by default into ``.preview/`` in the project folder, a folder of its own that
is removed when the preview stops, so the real output folder (with the PDFs ``mail`` sends)
is never replaced by an HTML-only preview and no copy of the personal data is left behind.
``--out`` chooses another folder: inside the project folder, or the configured output folder
itself (then the preview replaces it exactly as ``build`` does, and it stays). A preview never
writes outside these.

Builds run in this process with ``build()``, one at a time: the changes that arrive during a
build make one more build after it. A failed build leaves the last good output in place (the
build is atomic) and is reported in the terminal and on every page. A change of page
templates alone (``templates/``, not its ``assets/``) makes no build: the last build's report
is shown through the edited templates (``render_again``).

What a build makes: everything but the HTML pages (report.json, assets/, the calendars, PDFs
with ``--format pdf``); the pages are rendered when the browser asks for them, from the last
good build (pages.py). A folder that stays after the preview (``--out``) gets them written
too, as ``build`` writes them.
"""

from __future__ import annotations

import datetime as dt
import queue
import shutil
import sys
import threading
import time
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from relatierapport.errors import ConfigError, Problem
from relatierapport.serve.pages import PAGES_FORMAT, PAGES_PLUGIN, LastGood, PagesPlugin
from relatierapport.serve.reload import BuildStatus
from relatierapport.serve.server import PreviewServer, parse_address
from relatierapport.serve.templates import TEMPLATE_CACHE_PLUGIN, TemplateCache, TemplateCachePlugin
from relatierapport.project_files import WatchSet, watch_set
from relatierapport.serve.watch import Watcher

#: The folder a preview builds into, in the project folder, unless --out says otherwise.
PREVIEW_FOLDER = ".preview"
#: A preview never mails: the mail plugin (its post_build sends when send_after_build is set)
#: is not loaded, and the warnings that its tables are unknown are not shown.
NOT_LOADED = ("mail",)
_ITS_TABLES = ("[plugins.mail]", "[plugins.smtp]")


@dataclass(frozen=True)
class ServeOptions:
    config_path: Path = Path("config.toml")
    address: str = "127.0.0.1:8000"
    check_host: bool = True
    formats: tuple[str, ...] = ("html",)
    as_of: dt.date | None = None
    out: Path | None = None
    disable: tuple[str, ...] = ()
    jobs: int | None = None


def preview_target(config_path: Path, out: Path | None) -> tuple[Path, bool]:
    """The folder to build into and whether the preview removes it when it stops."""
    from relatierapport.config import read_toml

    root = config_path.resolve().parent
    if out is None:
        return root / PREVIEW_FOLDER, True
    raw = read_toml(config_path)
    project = raw.get("project") if isinstance(raw.get("project"), dict) else {}
    configured = (root / str(project.get("output", "site"))).resolve()
    target = out.resolve()
    if target != configured and not target.is_relative_to(root):
        raise ConfigError([Problem("--out", f"expected a folder inside the project folder {root} "
                                   f"or the output folder {configured}, found {target}: a preview "
                                   "writes nowhere else")])
    return target, False


class Preview:
    """One preview: ``start()`` binds the address and builds, ``serve()`` answers and rebuilds
    until ``close()`` (another thread) or Ctrl-C."""

    def __init__(self, options: ServeOptions, echo: Callable[[str], None] = print):
        self.options = options
        self.config_path = options.config_path.resolve()
        self.root = self.config_path.parent
        self.echo = echo
        self.status = BuildStatus()
        self.changes: queue.Queue[set[Path]] = queue.Queue()
        self.target, self._remove_after = preview_target(options.config_path, options.out)
        self.server: PreviewServer | None = None
        self.watcher: Watcher | None = None
        self._watched: WatchSet | None = None
        self._closing = threading.Event()
        self._server_thread: threading.Thread | None = None
        self._last_warnings: list[str] | None = None
        self.template_cache = TemplateCache()
        self.last_good = LastGood()

    # -- life cycle ------------------------------------------------------------------

    def start(self) -> "Preview":
        from relatierapport.config import read_toml

        read_toml(self.config_path)          # no config.toml, or not TOML at all: exit 2 now
        from relatierapport.render.publish import check_target
        check_target(self.target, self.root)  # a folder we did not write: refused now, not per build
        try:
            import watchfiles  # noqa: F401
        except ImportError:
            raise ConfigError([Problem("serve", "needs the watchfiles package, which is not "
                                       "installed: pip install \"relatierapport[serve]\"")]) from None
        host, port = parse_address(self.options.address)
        try:
            self.server = PreviewServer((host, port), self.target, self.status,
                                        check_host=self.options.check_host)
        except OSError as exc:
            raise ConfigError([Problem("--dev-addr", f"cannot listen on {self.options.address}: "
                                       f"{exc.strerror or exc}")]) from exc
        # plugins/ files are imported again for every build: never from a stale .pyc
        sys.dont_write_bytecode = True
        self.build()
        self._server_thread = threading.Thread(target=self.server.serve_forever, name="serve-http",
                                               daemon=True)
        self._server_thread.start()
        return self

    def wait_watching(self, timeout: float | None = None) -> bool:
        """Whether the watchers are in place (tests change files only then)."""
        return self.watcher is not None and self.watcher.wait_ready(timeout)

    @property
    def url(self) -> str:
        assert self.server is not None
        return self.server.url

    def serve(self) -> None:
        """Build after every batch of changes until closed."""
        while not self._closing.is_set():
            try:
                changed = self.changes.get(timeout=0.2)
            except queue.Empty:
                continue
            while True:                       # everything that came meanwhile: one build
                try:
                    changed |= self.changes.get_nowait()
                except queue.Empty:
                    break
            if self._closing.is_set():
                break
            self.echo(f"changed: {', '.join(sorted(self._shown(p) for p in changed))}")
            if not self.render_again(changed):
                self.build()

    def close(self) -> None:
        """Stop serving and watching; remove the preview's own folder."""
        self._closing.set()
        if self.watcher is not None:
            self.watcher.stop()
        if self.server is not None:
            if self._server_thread is not None:
                self.server.shutdown()
            self.server.server_close()
        if self._remove_after:
            self._remove_own_folder()

    def _remove_own_folder(self) -> None:
        from relatierapport.render.publish import MARKER

        if (self.target / MARKER).is_file():
            shutil.rmtree(self.target, ignore_errors=True)
        for leftover in self.target.parent.glob(f".{self.target.name}.building-*"):
            shutil.rmtree(leftover, ignore_errors=True)

    # -- building ----------------------------------------------------------------------

    def build(self) -> bool:
        """One build into the target; True when it succeeded. Never raises for a bad project."""
        import click

        from relatierapport import summary
        from relatierapport.build import BuildOptions, build
        from relatierapport.config import errors_located

        writes_pages = not self._remove_after      # a folder that stays is a complete build
        pages = PagesPlugin(self.last_good, self.echo, read_back=writes_pages)
        formats = tuple(f for f in self.options.formats if f != "html" or writes_pages)
        options = BuildOptions(self.config_path, as_of=self.options.as_of,
                               disable=tuple(dict.fromkeys(self.options.disable + NOT_LOADED)),
                               out=self.target, formats=(*formats, PAGES_FORMAT), jobs=self.options.jobs,
                               extra_plugins={TEMPLATE_CACHE_PLUGIN:
                                              TemplateCachePlugin(self.template_cache),
                                              PAGES_PLUGIN: pages})
        started = time.monotonic()
        try:
            with errors_located(self.config_path):
                result = build(options)
        except click.ClickException as error:
            message = error.format_message()
        except Exception:                   # a bug, ours or a plugin's: show it, keep serving
            message = traceback.format_exc()
        else:
            result.warnings = [w for w in result.warnings if not _about_mail(w)]
            self._show_warnings(result.warnings)
            self.echo(summary.line(result, time.monotonic() - started)
                      + ("" if writes_pages else f"; {len(pages.built.paths)} HTML pages, each "
                         "rendered when the browser asks for it"))
            message = None
        if message is not None:
            self.echo(f"build failed ({time.monotonic() - started:.1f} s); still serving the last "
                      f"good build:\n{message}")
        self._watch()          # what config.toml names now, before the browser hears of the build
        self.status.finished(message, pages.built)
        return message is None

    def render_again(self, changed: set[Path]) -> bool:
        """After a change of page templates alone, show the last build's report through the
        edited templates: nothing is read or analysed again, since a template changes no
        finding. False (a build is needed) for any other change (data, config.toml, plugins,
        an asset, which a build copies), after a failed build, and when the preview writes more
        than pages on request (``--format pdf``, or a folder that stays)."""
        status = self.status.snapshot()
        if (status.error is not None or status.pages is None or not self._remove_after
                or tuple(self.options.formats) != ("html",) or not changed
                or not all(self._page_template(path) for path in changed)):
            return False
        try:
            pages = status.pages.again()
        except Exception:     # noqa: BLE001 - a plugin's environment hook, say: a build reports it
            return False
        self.echo("only templates changed: the last build's findings shown through them, "
                  "nothing read or analysed again")
        self.status.finished(None, pages)
        return True

    def _page_template(self, path: Path) -> bool:
        """A file of the project's templates/ that is not an asset and not a source's."""
        templates = self.root / "templates"
        if not path.is_relative_to(templates) or path.is_relative_to(templates / "assets"):
            return False
        watched = self._watched
        return watched is None or (path not in watched.files and not any(
            path.is_relative_to(tree) for tree in watched.trees if tree != templates))

    def _show_warnings(self, warnings) -> None:
        from relatierapport.errors import grouped

        lines = grouped(warnings)
        if lines != self._last_warnings:
            for line in lines:
                self.echo(f"warning: {line}")
        self._last_warnings = lines

    # -- watching ----------------------------------------------------------------------

    def _watch(self) -> None:
        """Watch what config.toml names now; restart the watchers when that changed."""
        from relatierapport.config import read_toml

        outputs = [self.target]
        try:
            raw = read_toml(self.config_path)
            project = raw.get("project") if isinstance(raw.get("project"), dict) else {}
            outputs.append(self.root / str(project.get("output", "site")))
        except Exception:
            outputs.append(self.root / "site")
        watched = watch_set(self.config_path, outputs)
        if self.watcher is not None and _existing(watched) == _existing(self._watched):
            return
        if self.watcher is not None:
            self.watcher.stop()
        self._watched = watched
        self.watcher = Watcher(watched, self.changes).start()

    def _shown(self, path: Path) -> str:
        return str(path.relative_to(self.root)) if path.is_relative_to(self.root) else str(path)


def _existing(watched: WatchSet | None):
    if watched is None:
        return None
    return (sorted(p for p in watched.flat if p.is_dir()), sorted(p for p in watched.trees if p.is_dir()),
            watched.files, watched.ignored)


def _about_mail(problem: Problem) -> bool:
    return problem.field in _ITS_TABLES and problem.message.startswith("no loaded plugin declares")
