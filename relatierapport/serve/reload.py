"""What the browser is told: the build counter it polls, and what is added to every HTML page.

Each finished build, good or failed, raises the version by one. A page carries the version it
was served at; its script long-polls ``/__livereload?since=N`` and reloads when the answer
differs. A failed build keeps the last good output on disk and the last good build's pages
(``pages``, rendered on request) in the status, so the reloaded page still shows the last good
report, with a banner saying why it is not the newest. Nothing here touches the files on disk:
the script and the banner are added to the response only.
"""

from __future__ import annotations

import html
import json
import threading
from dataclasses import dataclass, field
from typing import Any

ENDPOINT = "/__livereload"
#: How long one poll waits for a new build before it answers "nothing new" (the script asks again).
POLL_SECONDS = 20.0

_SCRIPT = """<script>/* relatierapport serve: live reload */
(function () {
  var version = %d;
  function poll() {
    fetch("%s?since=" + version, {cache: "no-store"})
      .then(function (r) { return r.json(); })
      .then(function (d) { if (d.version !== version) { location.reload(); } else { poll(); } })
      .catch(function () { setTimeout(poll, 1000); });
  }
  poll();
})();
</script>
"""

_BANNER = """<div id="relatierapport-serve-error" role="alert" style="position:fixed;z-index:2147483647;\
top:0;left:0;right:0;max-height:60vh;overflow:auto;margin:0;padding:1em 1.5em;background:#fff3f3;\
color:#5c0000;border-bottom:3px solid #b00020;font:14px/1.4 system-ui,sans-serif;\
box-shadow:0 2px 8px rgba(0,0,0,.3)">%s</div>
"""
_BANNER_PART = """<strong>%s</strong>\
<pre style="white-space:pre-wrap;margin:.5em 0 0;font:13px/1.4 monospace">%s</pre>"""

_ERROR_PAGE = """<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>relatierapport serve: error</title></head>
<body>
</body></html>
"""


@dataclass(frozen=True)
class Snapshot:
    """The status at one moment: which build, the error of the last one if it failed, and
    the pages of the last good build (``relatierapport.serve.pages.LivePages``), so a request
    answers from one build even while the next one runs."""

    version: int
    error: str | None
    built: bool              # some build succeeded: there is output to show
    pages: Any = field(default=None, compare=False)

    def as_json(self) -> bytes:
        return json.dumps({"version": self.version, "error": self.error,
                           "built": self.built}).encode()


class BuildStatus:
    """The counter the builder raises and the server's polls wait on (thread-safe)."""

    def __init__(self) -> None:
        self._changed = threading.Condition()
        self._snapshot = Snapshot(0, None, False)

    def snapshot(self) -> Snapshot:
        with self._changed:
            return self._snapshot

    def finished(self, error: str | None = None, pages: Any = None) -> Snapshot:
        """A build ended: ``error`` None when it succeeded (``pages`` its pages), else what to
        show above the last good build's pages."""
        with self._changed:
            old = self._snapshot
            self._snapshot = Snapshot(old.version + 1, error, old.built or error is None,
                                      pages if error is None else old.pages)
            self._changed.notify_all()
            return self._snapshot

    def wait_newer(self, since: int, timeout: float = POLL_SECONDS) -> Snapshot:
        """The status once its version differs from ``since``, or as it is after ``timeout``."""
        with self._changed:
            self._changed.wait_for(lambda: self._snapshot.version != since, timeout)
            return self._snapshot


BUILD_FAILED = "Build failed: showing the last good build."
PAGE_FAILED = "This page failed to render: showing its last good version."
PAGE_NEVER_RENDERED = "This page failed to render."
_FIX = " Fix the problem and save; the page reloads by itself."


def banner(*errors: tuple[str, str]) -> str:
    """One banner with each ``(heading, error)``."""
    return _BANNER % "".join(_BANNER_PART % (html.escape(heading + _FIX), html.escape(error))
                             for heading, error in errors)


def inject(page: bytes, snapshot: Snapshot, page_error: str | None = None,
           page_heading: str = PAGE_FAILED) -> bytes:
    """``page`` with the reload script (and, after a failed build or when the page itself failed
    to render, the error banner) added just before its last ``</body>`` (at the end when it has
    none)."""
    errors = [(BUILD_FAILED, snapshot.error)] if snapshot.error else []
    if page_error:
        errors.append((page_heading, page_error))
    added = (banner(*errors) if errors else "") + _SCRIPT % (snapshot.version, ENDPOINT)
    added_bytes = added.encode("utf-8")
    at = page.lower().rfind(b"</body>")
    if at < 0:
        return page + added_bytes
    return page[:at] + added_bytes + page[at:]


def error_page(snapshot: Snapshot, page_error: str | None = None) -> bytes:
    """What every page shows while no build has succeeded yet, and a page that failed to render
    and never rendered before."""
    return inject(_ERROR_PAGE.encode(), snapshot, page_error, PAGE_NEVER_RENDERED)
