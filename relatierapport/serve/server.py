"""The preview's HTTP server: the output folder only, read-only, with live reload.

A ``ThreadingHTTPServer`` with its own small handler rather than ``SimpleHTTPRequestHandler``:
no directory listings, no file outside the output folder (a path is resolved and must stay
inside it, so ``..``, ``%2e%2e`` and symbolic links that lead out are refused), no hidden
files and no ``mail/`` folder (messages and the mail ledger), and a ``Host`` check so that a
web page elsewhere cannot read the preview through DNS rebinding. The folder is looked up
again for every request: the build swaps a new output folder in under the same name.

The HTML pages are not files: the portfolio (``/``, ``/index.html``) and the plans
(``/relations/<slug>.html``) are rendered from the last good build's pages
(``relatierapport.serve.pages``) when asked for; any other path, an unknown slug among them,
is looked up in the folder.
"""

from __future__ import annotations

import ipaddress
import mimetypes
import socket
import urllib.parse
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from relatierapport.render.publish import CARRIED
from relatierapport.serve.reload import ENDPOINT, BuildStatus, Snapshot, error_page, inject

DEFAULT_ADDRESS = "127.0.0.1:8000"
LOOPBACK_NAMES = ("localhost",)


class AddressError(ValueError):
    """A --dev-addr that cannot be used; the message says why."""


def parse_address(text: str) -> tuple[str, int]:
    """``HOST:PORT`` (``[::1]:8000`` for IPv6) as host and port."""
    host, sep, port = text.strip().rpartition(":")
    if not sep or not host:
        raise AddressError(f"expected HOST:PORT such as {DEFAULT_ADDRESS}, found {text!r}")
    host = host[1:-1] if host.startswith("[") and host.endswith("]") else host
    try:
        number = int(port)
    except ValueError:
        raise AddressError(f"expected a port number after the colon, found {port!r}") from None
    if not 0 <= number <= 65535:
        raise AddressError(f"expected a port from 0 to 65535, found {number}")
    return host, number


def is_loopback(host: str) -> bool:
    """Whether every address ``host`` stands for is this machine's loopback (127.0.0.0/8, ::1)."""
    if host.lower() in LOOPBACK_NAMES or host.lower().endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        pass
    try:
        found = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(found) and all(ipaddress.ip_address(info[4][0].split("%")[0]).is_loopback
                               for info in found)


class PreviewServer(ThreadingHTTPServer):
    """Serves ``root`` (looked up per request) and answers the reload polls from ``status``."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], root: Path, status: BuildStatus, *,
                 check_host: bool = True):
        host = address[0]
        self.address_family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.root = root
        self.status = status
        self.check_host = check_host
        super().__init__(address, PreviewHandler)

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{f'[{host}]' if ':' in host else host}:{port}/"


def url_parts(url_path: str) -> list[str] | None:
    """The parts of a URL path, or None when they could name something we never serve (a
    hidden file, ``..``, a backslash, ``mail/``)."""
    path = urllib.parse.unquote(url_path.split("?", 1)[0].split("#", 1)[0])
    parts = [part for part in path.split("/") if part]
    if any(part in (".", "..") or part.startswith(".") or "\\" in part or "\0" in part
           for part in parts):
        return None
    if parts and parts[0] in CARRIED:
        return None
    return parts


def resolve(root: Path, url_path: str) -> Path | None:
    """The file a URL path names inside ``root``, or None when it names nothing we serve."""
    parts = url_parts(url_path)
    if parts is None:
        return None
    base = root.resolve()
    candidate = base.joinpath(*parts)
    if candidate.is_dir():
        candidate = candidate / "index.html"
    try:
        candidate = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not candidate.is_relative_to(base) or not candidate.is_file():
        return None
    return candidate


class PreviewHandler(BaseHTTPRequestHandler):
    server: PreviewServer
    server_version = "relatierapport-serve"
    sys_version = ""

    def log_message(self, format, *args) -> None:     # quiet: the terminal shows builds
        pass

    def do_HEAD(self) -> None:
        self._answer(head=True)

    def do_GET(self) -> None:
        self._answer(head=False)

    def _answer(self, head: bool) -> None:
        if self.server.check_host and not self._host_is_local():
            return self._send(HTTPStatus.FORBIDDEN, b"forbidden: the preview answers to "
                              b"localhost and 127.0.0.1 only\n", "text/plain", head)
        url = urllib.parse.urlsplit(self.path)
        if url.path == ENDPOINT:
            return self._poll(url.query, head)
        status = self.server.status.snapshot()
        if not status.built:
            return self._send(HTTPStatus.SERVICE_UNAVAILABLE, error_page(status),
                              "text/html; charset=utf-8", head)
        parts = url_parts(url.path)
        page = status.pages.find(parts) if status.pages is not None and parts is not None else None
        if page is not None:
            return self._page(status, page, head)
        # a folder without its trailing slash: redirect so the page's relative links work
        file = resolve(self.server.root, url.path)
        if file is None:
            missing = b"not found\n"
            if url.path.endswith(".pdf"):
                missing = (b"not found: this preview makes no PDFs; start it with "
                           b"`relatierapport serve --format pdf` to see them\n")
            return self._send(HTTPStatus.NOT_FOUND, missing, "text/plain", head)
        if file.name == "index.html" and not url.path.endswith(("/", "index.html")):
            self.send_response(HTTPStatus.MOVED_PERMANENTLY)
            self.send_header("Location", url.path + "/")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        try:
            body = file.read_bytes()
        except OSError:     # swapped away between resolving and reading: the client retries
            return self._send(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain", head)
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind == "text/html":
            body = inject(body, status)
        if kind.startswith("text/") or kind in ("application/json", "application/javascript"):
            kind += "; charset=utf-8"
        self._send(HTTPStatus.OK, body, kind, head)

    def _page(self, status: Snapshot, path: str, head: bool) -> None:
        """A page of the last good build, rendered now or earlier in this build; one that fails
        to render shows its error above its last good version (or alone), never a traceback."""
        shown = status.pages.show(path)
        if shown.error is None:
            body = inject(shown.html.encode("utf-8"), status)
        elif shown.html is not None:
            body = inject(shown.html.encode("utf-8"), status, shown.error)
        else:
            return self._send(HTTPStatus.INTERNAL_SERVER_ERROR, error_page(status, shown.error),
                              "text/html; charset=utf-8", head)
        self._send(HTTPStatus.OK, body, "text/html; charset=utf-8", head)

    def _poll(self, query: str, head: bool) -> None:
        values = urllib.parse.parse_qs(query)
        try:
            since = int(values["since"][0])
        except (KeyError, ValueError):
            snapshot = self.server.status.snapshot()
        else:
            snapshot = self.server.status.wait_newer(since)
        self._send(HTTPStatus.OK, snapshot.as_json(), "application/json", head)

    def _host_is_local(self) -> bool:
        host = self.headers.get("Host", "")
        try:
            name = urllib.parse.urlsplit(f"//{host}").hostname or ""
        except ValueError:        # not a host at all ("[", "a:b:c")
            return False
        return name in ("localhost", "127.0.0.1", "::1") or name.endswith(".localhost") or (
            name.startswith("127.") and is_loopback(name))

    def _send(self, code: HTTPStatus, body: bytes, kind: str, head: bool) -> None:
        try:
            self.send_response(code)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            self.send_header("Cache-Control", "no-store")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            self.end_headers()
            if not head:
                self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass   # the browser went away (a reload while a poll waited)
