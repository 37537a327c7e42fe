"""How the mail plugin hands the monthly mail to your mail server, safely (``[plugins.smtp]``).

- Encrypted: STARTTLS (port 587) or TLS (465), certificates verified against
  the system's authorities or ``ca_file`` (an in-house CA). Unencrypted
  ``security = "none"`` is accepted only for a server on this machine
  (127.0.0.1, ::1, localhost), e.g. a local test server.
- Credentials only from environment variables (names in ``user_env`` and
  ``password_env``); a ``password`` or ``user`` in config.toml is an error
  that names the variable to set, and never shows the value.
- Temporary failures (4xx answers, a lost or refused connection before the
  message was handed over) are retried ``retries`` times with a doubling
  delay; permanent ones (5xx) are not. A connection that breaks after the
  message was handed over is reported as ``unknown``, never retried: the
  server may have delivered it.
- Certificate, TLS and login problems stop the whole run with what to fix.

The SMTP transaction is done step by step (MAIL, RCPT, DATA) rather than with
``sendmail()`` so the moment the message is handed over is known exactly.
"""

from __future__ import annotations

import ipaddress
import os
import re
import smtplib
import ssl
import time
from dataclasses import dataclass
from typing import Callable

from relatierapport.errors import ConfigError, Problem, RelatierapportError
from relatierapport.options import Integer, Number, Option, OptionGroup, Text

NAME = "smtp"
SECURITY = ("starttls", "tls", "none")
DEFAULT_PORTS = {"starttls": 587, "tls": 465, "none": 25}
USER_ENV = "RELATIERAPPORT_SMTP_USER"
PASSWORD_ENV = "RELATIERAPPORT_SMTP_PASSWORD"


def refused_credentials() -> dict[str, str]:
    """Credential keys refused in a config section, each naming the variable to set instead."""
    where = f"(or the variable named by [plugins.{NAME}] password_env)"
    return {
        "password": f"expected no password in config.toml, which is shared and often committed: "
                    f"set the environment variable {PASSWORD_ENV} {where} instead",
        "user": f"expected no user name in config.toml: credentials come from the environment; "
                f"set {USER_ENV} (or the variable named by [plugins.{NAME}] user_env) instead",
        "username": f"expected no user name in config.toml: set {USER_ENV} instead",
    }


def options() -> OptionGroup:
    """The ``[plugins.smtp]`` table: the mail plugin declares it beside its own."""
    return OptionGroup(f"plugins.{NAME}", (
        Option("host", Text(), "", "Your mail server, e.g. smtp.example.nl (needed by `relatierapport mail`)."),
        Option("port", Integer(minimum=0, maximum=65535), 0,
               "Its port; 0: 587 for starttls, 465 for tls, 25 for none."),
        Option("security", Text(choices=SECURITY), "starttls",
               "starttls or tls, both verifying the server's certificate; none (unencrypted) only "
               "for a server on this machine."),
        Option("ca_file", Text(), "",
               "A PEM file with the certificate authority of an in-house mail server (relative to the "
               "project folder); empty: the system's authorities."),
        Option("user_env", Text(), USER_ENV,
               "The environment variable that holds the SMTP user name (unset: no login)."),
        Option("password_env", Text(), PASSWORD_ENV,
               "The environment variable that holds the SMTP password. Never put it in this file."),
        Option("timeout", Number(minimum=1, maximum=600), 60.0, "Seconds to wait for the server."),
        Option("retries", Integer(minimum=0, maximum=10), 3,
               "Attempts after a temporary failure (4xx, lost connection), per message."),
        Option("retry_delay", Number(minimum=0, maximum=600), 5.0,
               "Seconds before the first retry; doubled before each next one."),
    ), "How `relatierapport mail` reaches your mail server. Credentials come from environment "
       "variables only.", refused=refused_credentials())


class MailServerError(RelatierapportError):
    """The run cannot go on: no trusted connection, a refused login, no server. Exit code 1."""


@dataclass(frozen=True)
class Outcome:
    """What became of one message: ``sent``, ``refused``, ``failed`` or ``unknown``."""

    status: str
    detail: str
    attempts: int


@dataclass(frozen=True)
class Settings:
    host: str
    port: int
    security: str
    context: ssl.SSLContext | None
    user: str | None
    password: str | None
    user_env: str
    password_env: str
    timeout: float
    retries: int
    retry_delay: float

    @property
    def server(self) -> str:
        return f"{self.host}:{self.port}"


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def settings(config, environ=os.environ) -> Settings:
    """The validated settings for sending, or a ConfigError naming every key to fix."""
    options = config.plugin(NAME)
    file, section = config.path.name, f"[plugins.{NAME}]"
    problems = []
    host, security = options["host"].strip(), options["security"]
    if not host:
        problems.append(Problem(file, "expected your mail server's name, e.g. smtp.example.nl, "
                                "found nothing", field=f"{section} host"))
    elif security == "none" and not is_loopback(host):
        problems.append(Problem(file, f'expected "starttls" or "tls" for {host}: unencrypted mail '
                                'is allowed only to a server on this machine (127.0.0.1, ::1, '
                                'localhost), found "none"', field=f"{section} security"))
    context = None
    if security != "none":
        ca_file = options["ca_file"]
        path = (config.root / ca_file).resolve() if ca_file else None
        if path is not None and not path.is_file():
            problems.append(Problem(file, f'expected a PEM file with a certificate authority, found '
                                    f'nothing at "{ca_file}"', field=f"{section} ca_file"))
        else:
            try:
                context = ssl.create_default_context(cafile=str(path) if path else None)
            except ssl.SSLError as exc:
                problems.append(Problem(file, f"expected a PEM file with a certificate authority, "
                                        f'found "{ca_file}", which is not one ({exc})',
                                        field=f"{section} ca_file"))
    user_env, password_env = options["user_env"], options["password_env"]
    user, password = environ.get(user_env) or None, environ.get(password_env) or None
    if bool(user) != bool(password):
        missing, present = (password_env, user_env) if user else (user_env, password_env)
        problems.append(Problem("environment", f"expected both {user_env} and {password_env} "
                                f"to log in, or neither; {present} is set but {missing} is not",
                                field=missing))
    if problems:
        raise ConfigError(problems)
    return Settings(host, options["port"] or DEFAULT_PORTS[security], security, context, user,
                    password, user_env, password_env, options["timeout"], options["retries"],
                    options["retry_delay"])


class _Temporary(Exception):
    """A failure before the message was handed over that may pass: retry."""

    def __init__(self, detail: str, unreachable: bool = False):
        super().__init__(detail)
        self.unreachable = unreachable        # no connection could be made at all


def _text(code: int, reply: bytes | str) -> str:
    reply = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else reply
    return f"{code} {' '.join(reply.split())}"


class Connection:
    """One SMTP connection, opened on the first message and reused for the next ones."""

    def __init__(self, settings: Settings, sleep=time.sleep):
        self.settings = settings
        self.smtp: smtplib.SMTP | None = None
        self.sleep = sleep

    def __enter__(self) -> "Connection":
        return self

    def __exit__(self, *exc) -> None:
        if self.smtp is not None:
            try:
                self.smtp.quit()
            except (OSError, smtplib.SMTPException):
                pass
            self._drop()

    def send(self, sender: str, recipient: str, data: bytes,
             before_data: Callable[[], None] = lambda: None) -> Outcome:
        """Hand one message to the server for one recipient, retrying temporary failures.

        ``before_data`` runs just before each DATA command, once MAIL and RCPT were accepted:
        the moment after which the outcome may become unknowable (the ledger records it)."""
        setup = self.settings
        detail = ""
        for attempt in range(1, setup.retries + 2):
            if attempt > 1:
                self.sleep(setup.retry_delay * 2 ** (attempt - 2))
            try:
                return self._transaction(sender, recipient, data, attempt, before_data)
            except _Temporary as exc:
                detail, unreachable = str(exc), exc.unreachable
                self._drop()
        if unreachable:        # the next messages would fare no better: stop the run
            raise MailServerError(f"{detail} (tried {setup.retries + 1} time(s))")
        return Outcome("failed", f"temporary failure, gave up after {setup.retries + 1} "
                                 f"attempt(s): {detail}", setup.retries + 1)

    # -- one attempt ------------------------------------------------------------------------
    def _transaction(self, sender: str, recipient: str, data: bytes, attempt: int,
                     before_data: Callable[[], None]) -> Outcome:
        smtp = self._connected()
        try:
            code, reply = smtp.mail(sender)
            if code != 250:
                self._reset()
                return self._refusal("MAIL FROM", code, reply, attempt)
            code, reply = smtp.rcpt(recipient)
            if code not in (250, 251):
                self._reset()
                return self._refusal("RCPT TO", code, reply, attempt)
            before_data()
            code, reply = smtp.docmd("DATA")
            if code != 354:
                self._reset()
                return self._refusal("DATA", code, reply, attempt)
        except (OSError, smtplib.SMTPException) as exc:
            raise _Temporary(f"the connection to {self.settings.server} broke: {exc}") from None
        # From here on the server has the message, or part of it: a broken connection means
        # we cannot know whether it was delivered, so it is never retried.
        try:
            smtp.send(_dot_stuffed(data) + b".\r\n")
            code, reply = smtp.getreply()
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            return Outcome("unknown", f"the connection broke after the message was handed over "
                                      f"({exc}); the server may have delivered it", attempt)
        if code == 250:
            return Outcome("sent", _text(code, reply), attempt)
        return self._refusal("the message", code, reply, attempt)

    def _refusal(self, command: str, code: int, reply: bytes, attempt: int) -> Outcome:
        detail = f"{command}: {_text(code, reply)}"
        if 400 <= code < 500:
            raise _Temporary(detail)
        if code == 530:
            raise MailServerError(f"{self.settings.server} requires a login ({detail}): set "
                                  f"{self.settings.user_env} and {self.settings.password_env}")
        return Outcome("refused", detail, attempt)

    def _connected(self) -> smtplib.SMTP:
        if self.smtp is not None:
            return self.smtp
        setup = self.settings
        try:
            if setup.security == "tls":
                smtp = smtplib.SMTP_SSL(setup.host, setup.port, timeout=setup.timeout,
                                        context=setup.context)
            else:
                smtp = smtplib.SMTP(setup.host, setup.port, timeout=setup.timeout)
            self.smtp = smtp
            smtp.ehlo()
            if setup.security == "starttls":
                if not smtp.has_extn("starttls"):
                    raise MailServerError(f"{setup.server} does not offer STARTTLS; mail is never "
                                          'sent unencrypted (use security = "tls" if it expects '
                                          "TLS from the start)")
                smtp.starttls(context=setup.context)
                smtp.ehlo()
            if setup.user:
                smtp.login(setup.user, setup.password)
        except ssl.SSLCertVerificationError as exc:
            self._drop()
            raise MailServerError(
                f"the certificate of {setup.server} could not be verified ({exc.verify_message}); "
                "for a server with an in-house certificate authority set [plugins.smtp] ca_file") from None
        except ssl.SSLError as exc:
            self._drop()
            raise MailServerError(f"no secure connection with {setup.server}: {exc}") from None
        except smtplib.SMTPAuthenticationError as exc:
            self._drop()
            raise MailServerError(f"{setup.server} refused the login ({_text(exc.smtp_code, exc.smtp_error)}); "
                                  f"check {setup.user_env} and {setup.password_env}") from None
        except smtplib.SMTPNotSupportedError as exc:
            self._drop()
            raise MailServerError(f"{setup.server} does not offer a login over this connection "
                                  f"({exc}); unset {setup.user_env} and {setup.password_env} if "
                                  "it needs none") from None
        except smtplib.SMTPResponseException as exc:
            self._drop()
            if 400 <= exc.smtp_code < 500:
                raise _Temporary(f"{setup.server}: {_text(exc.smtp_code, exc.smtp_error)}") from None
            raise MailServerError(f"{setup.server} refused the connection: "
                                  f"{_text(exc.smtp_code, exc.smtp_error)}") from None
        except (OSError, smtplib.SMTPException) as exc:
            self._drop()
            raise _Temporary(f"cannot connect to {setup.server}: {exc}", unreachable=True) from None
        return smtp

    def _reset(self) -> None:
        try:
            self.smtp.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()

    def _drop(self) -> None:
        if self.smtp is not None:
            try:
                self.smtp.close()
            except OSError:
                pass
        self.smtp = None


def _dot_stuffed(data: bytes) -> bytes:
    """The message as DATA sends it: CRLF line ends, a leading dot doubled, ending in CRLF."""
    data = re.sub(rb"(?:\r\n|\n|\r(?!\n))", b"\r\n", data)
    data = re.sub(rb"(?m)^\.", b"..", data)
    return data if data.endswith(b"\r\n") else data + b"\r\n"
