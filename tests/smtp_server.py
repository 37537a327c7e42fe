"""A real SMTP server on loopback for the mail tests: aiosmtpd requiring STARTTLS (with a
certificate from a test CA made by trustme) and AUTH, recording what it receives.

The handler can refuse recipients (5xx), fail them temporarily (4xx) a number of
times, and run a function when a message's data arrives (to crash the client).
"""

from __future__ import annotations

import email
import email.policy
import socket
import ssl
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, LoginPassword

USER, PASSWORD = "rapportage", "zeer-geheim-42"
CREDENTIALS = {"RELATIERAPPORT_SMTP_USER": USER, "RELATIERAPPORT_SMTP_PASSWORD": PASSWORD}


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    tls: bool
    user: str | None

    def message(self) -> email.message.EmailMessage:
        return email.message_from_bytes(self.content, policy=email.policy.default)


class Recorder:
    """The handler: records accepted messages, refuses or delays what it is told to."""

    def __init__(self):
        self.received: list[Received] = []
        self.refuse: dict[str, str] = {}
        self.temporary: Counter = Counter()
        self.rcpt_attempts: Counter = Counter()
        self.on_data = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        self.rcpt_attempts[address] += 1
        if address in self.refuse:
            return self.refuse[address]
        if self.temporary[address] > 0:
            self.temporary[address] -= 1
            return "451 4.3.0 Mailbox busy, try again later"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.received.append(Received(envelope.mail_from, list(envelope.rcpt_tos), envelope.content,
                                      session.ssl is not None, session.auth_data))
        if self.on_data is not None:
            self.on_data(envelope)
        return "250 2.0.0 Accepted"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.rcpt_tos]


def _authenticate(server, session, envelope, mechanism, auth_data):
    ok = isinstance(auth_data, LoginPassword) and \
        (auth_data.login, auth_data.password) == (USER.encode(), PASSWORD.encode())
    return AuthResult(success=ok, handled=False, auth_data=USER if ok else None)


class CountingController(Controller):
    """Counts the connections made to it (the controller's own start-up check included)."""

    connections = 0

    def factory(self):
        self.connections += 1
        return SMTP(self.handler, **self.SMTP_kwargs)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class LoopbackServer:
    def __init__(self, folder: Path):
        self.ca = trustme.CA()
        self.ca_file = folder / "test-ca.pem"
        self.ca.cert_pem.write_to_path(str(self.ca_file))
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.ca.issue_cert("127.0.0.1", "localhost").configure_cert(context)
        self.recorder = Recorder()
        self.port = free_port()
        self.controller = CountingController(
            self.recorder, hostname="127.0.0.1", port=self.port, tls_context=context,
            require_starttls=True, authenticator=_authenticate, auth_required=True,
            auth_require_tls=True)

    def start(self) -> "LoopbackServer":
        self.controller.start()
        self.connections_at_start = self.controller.connections
        return self

    def stop(self) -> None:
        self.controller.stop()

    @property
    def connections(self) -> int:
        """Connections made by the code under test."""
        return self.controller.connections - self.connections_at_start

    def config(self, ca_file: str = "test-ca.pem", **smtp) -> str:
        """The [plugins.smtp] table that reaches this server."""
        lines = ["[plugins.smtp]", 'host = "127.0.0.1"', f"port = {self.port}",
                 f'ca_file = "{ca_file}"', "retry_delay = 0.01", "timeout = 10"]
        lines += [f"{key} = {value}" for key, value in smtp.items()]
        return "\n".join(lines) + "\n"
