"""Open a page in Debian's headless Chromium, as a reader would, over the DevTools pipe.

No browser driver package is needed: Chromium speaks the DevTools protocol on
file descriptors 3 (commands in) and 4 (events out) with ``--remote-debugging-pipe``.
We collect console errors, uncaught exceptions and failed loads, then ask the
page for its text, its links and whether every image actually decoded.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from programs import find

CHROMIUM = find("chromium")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-pipe"]

PAGE_FACTS = """JSON.stringify({
  text: document.body.innerText,
  title: document.title,
  lang: document.documentElement.lang,
  links: [...document.querySelectorAll('a[href]')].map(a => a.href),
  images: [...document.images].map(i => ({src: i.src, ok: i.complete && i.naturalWidth > 0, alt: i.alt})),
  stylesheets: document.styleSheets.length,
  scrollWidth: document.documentElement.scrollWidth,
  scrollHeight: document.documentElement.scrollHeight,
})"""


@dataclass
class PageReport:
    errors: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)


class _Pipe:
    def __init__(self, write_fd: int, read_fd: int):
        self.write_fd, self.read_fd, self.buffer, self.next_id = write_fd, read_fd, b"", 0
        self.events: list[dict] = []

    def send(self, method: str, session: str | None = None, **params) -> dict:
        self.next_id += 1
        message = {"id": self.next_id, "method": method, "params": params}
        if session:
            message["sessionId"] = session
        os.write(self.write_fd, json.dumps(message).encode() + b"\0")
        while True:
            reply = self.receive()
            if reply.get("id") == self.next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method}: {reply['error']}")
                return reply.get("result", {})
            self.events.append(reply)

    def receive(self) -> dict:
        while b"\0" not in self.buffer:
            chunk = os.read(self.read_fd, 1 << 16)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self.buffer += chunk
        message, self.buffer = self.buffer.split(b"\0", 1)
        return json.loads(message)

    def wait_for(self, method: str, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(event.get("method") == method for event in self.events):
                return
            self.events.append(self.receive())
        raise TimeoutError(method)


@contextlib.contextmanager
def _chromium(width: int, height: int):
    """A headless Chromium with one blank page: yields the DevTools pipe and the page's session."""
    assert CHROMIUM, "chromium is not installed (apt-get install chromium)"
    commands_r, commands_w = os.pipe()
    events_r, events_w = os.pipe()
    profile = tempfile.mkdtemp(prefix="chromium-profile-")

    def child_fds():
        # via high numbers, so neither pipe end is clobbered, and inheritable for exec
        os.dup2(commands_r, 100)
        os.dup2(events_w, 101)
        os.dup2(100, 3)
        os.dup2(101, 4)

    process = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}",
                                f"--window-size={width},{height}", "about:blank"],
                               close_fds=False, preexec_fn=child_fds,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(commands_r)
    os.close(events_w)
    pipe = _Pipe(commands_w, events_r)
    try:
        target = pipe.send("Target.createTarget", url="about:blank")["targetId"]
        session = pipe.send("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            pipe.send(f"{domain}.enable", session)
        pipe.send("Emulation.setDeviceMetricsOverride", session, width=width, height=height,
                  deviceScaleFactor=1, mobile=width < 600)
        yield pipe, session
    finally:
        process.kill()
        process.wait()
        os.close(commands_w)
        os.close(events_r)
        shutil.rmtree(profile, ignore_errors=True)


def open_page(path: Path, width: int = 1200, height: int = 900, *, expression: str | None = None,
              screenshot: Path | None = None) -> PageReport:
    """Load ``path`` in headless Chromium and report what a reader would run into.

    ``expression`` (JavaScript returning JSON text) adds its result to the facts as
    ``extra``; ``screenshot`` saves the whole page as a PNG, to look at.
    """
    report = PageReport()
    with _chromium(width, height) as (pipe, session):
        pipe.send("Page.navigate", session, url=path.resolve().as_uri())
        pipe.wait_for("Page.loadEventFired")
        facts = pipe.send("Runtime.evaluate", session, expression=PAGE_FACTS, returnByValue=True)
        report.facts = json.loads(facts["result"]["value"])
        if expression:      # a promise is awaited (axe.run returns one)
            extra = pipe.send("Runtime.evaluate", session, expression=expression, returnByValue=True,
                              awaitPromise=True)
            if "exceptionDetails" in extra:
                raise RuntimeError(f"expression failed: {extra['exceptionDetails']}")
            report.facts["extra"] = json.loads(extra["result"]["value"])
        if screenshot:
            import base64
            shot = pipe.send("Page.captureScreenshot", session, format="png", captureBeyondViewport=True,
                             clip={"x": 0, "y": 0, "width": width, "scale": 1,
                                   "height": max(report.facts["scrollHeight"], height)})
            Path(screenshot).write_bytes(base64.b64decode(shot["data"]))
        for event in pipe.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                report.errors.append(f"console: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                report.errors.append(f"exception: {params['exceptionDetails'].get('text')}")
            elif method == "Log.entryAdded" and params["entry"].get("level") == "error":
                report.errors.append(f"log: {params['entry'].get('text')} {params['entry'].get('url', '')}")
            elif method == "Network.loadingFailed" and not params.get("canceled"):
                report.errors.append(f"load failed: {params.get('errorText')}")
    return report


def text_after_reloads(url: str, change, reloads: int = 1, timeout: float = 120) -> tuple[str, str]:
    """Open ``url``, call ``change()``, and wait until the page has loaded ``reloads`` more times
    by itself (a live preview's reload); returns the page's text before and after."""
    text = "document.body.innerText"
    with _chromium(1200, 900) as (pipe, session):
        pipe.send("Page.navigate", session, url=url)
        pipe.wait_for("Page.loadEventFired")
        before = pipe.send("Runtime.evaluate", session, expression=text, returnByValue=True)
        pipe.events.clear()
        change()
        for _ in range(reloads):
            pipe.wait_for("Page.loadEventFired", timeout)
            pipe.events.clear()
        after = pipe.send("Runtime.evaluate", session, expression=text, returnByValue=True)
    return before["result"]["value"], after["result"]["value"]


#: axe-core from npm, committed with its licence (tests/data/axe-core/SOURCE.txt): no network.
AXE = Path(__file__).resolve().parent / "data" / "axe-core" / "axe.min.js"
#: WCAG 2.0/2.1 A and AA (what EN 301 549 asks of web pages) plus axe's best practices;
#: no preload: on file: URLs axe may not fetch the stylesheet again (CORS), and needs not.
AXE_RUN = """axe.run(document, {resultTypes: ['violations'], preload: false,
  runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})
  .then(r => JSON.stringify(r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.slice(0, 5).map(n => n.target.join(' ')), count: v.nodes.length}))))"""


def axe_violations(path: Path, width: int = 1280, height: int = 900) -> list[dict]:
    """What axe-core finds wrong with ``path`` as Chromium shows it at ``width``: one dict per
    rule (id, impact, help, the first targets, count)."""
    script = AXE.read_text(encoding="utf-8")
    page = open_page(path, width, height, expression=f"{script}\n;{AXE_RUN}")
    assert page.errors == [], page.errors
    return page.facts["extra"]
