"""One monthly message: subject and body from Jinja2 templates in the report's language, the
PDFs and calendar attached, and a Message-ID that is the same every time it is made.

The Message-ID is a hash of the project, the report month and the recipient's
address: stable, so the ledger recognises the message on a rerun and a mail
client drops a copy resent with ``--resend``, and without personal data in it.

Templates: ``mail/subject.txt`` and ``mail/body.txt``, looked up like the report
templates (a project's ``templates/mail/body.txt`` wins over the built-in), or
``[plugins.mail] subject`` / ``body`` as Jinja2 text. They are plain text (no
HTML escaping); the subject is folded onto one line (``one_line``: line breaks of
any kind become spaces, control characters go), so neither a template nor the
data can add a header. Like the report's templates they render in the sandbox
(``relatierapport.render.sandbox``).
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import hashlib
import traceback
from collections.abc import Callable
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

import jinja2
from jinja2.exceptions import SecurityError

from relatierapport.builtin.delivery.mail.addresses import Mailbox
from relatierapport.errors import ConfigError, Problem, RelatierapportError
from relatierapport.render.i18n import translations
from relatierapport.render.one_line import one_line
from relatierapport.paths import ConfinedLoader, Roots
from relatierapport.render.sandbox import WHAT_TEMPLATES_MAY_DO, TemplateEnvironment
from relatierapport.builtin.delivery.mail.routing import BuiltSite, Delivery

SUBJECT_TEMPLATE = "mail/subject.txt"
BODY_TEMPLATE = "mail/body.txt"


def message_id(site: BuiltSite, to: Mailbox, sender: Mailbox) -> str:
    digest = hashlib.sha256("\x1f".join((site.project, site.period, to.address.lower()))
                            .encode("utf-8")).hexdigest()
    return f"<{digest[:40]}@{sender.address.rsplit('@', 1)[1]}>"


class Texts:
    """Renders subject and body for each delivery, from config text or template files."""

    def __init__(self, dirs: list[Path], site: BuiltSite, options: dict, filters: dict,
                 config_file: str, roots: Roots | None = None,
                 refused: Callable[[Problem], None] = lambda problem: None):
        self.site = site
        self.config_file = config_file
        self.dirs = [Path(d) for d in dirs]
        # a template file that is a link leading outside the project is refused, as for the pages
        loader = (ConfinedLoader([str(d) for d in dirs], roots, refused) if roots is not None
                  else jinja2.FileSystemLoader([str(d) for d in dirs]))
        self.env = TemplateEnvironment(loader=loader,
                                       autoescape=False, undefined=jinja2.StrictUndefined,
                                       extensions=["jinja2.ext.i18n"], trim_blocks=True,
                                       lstrip_blocks=True)
        self.env.install_gettext_translations(translations(site.language), newstyle=True)
        self.env.filters.update(filters)
        self.templates = {}
        for key, name in (("subject", SUBJECT_TEMPLATE), ("body", BODY_TEMPLATE)):
            try:
                self.templates[key] = (self.env.from_string(options[key]) if options[key].strip()
                                       else self.env.get_template(name))
            except jinja2.TemplateSyntaxError as exc:
                if options[key].strip():
                    raise ConfigError([Problem(config_file, f"expected a Jinja2 template: {exc.message} "
                                               f"(line {exc.lineno})", field=f"[plugins.mail] {key}")]) from None
                raise RelatierapportError(f"{exc.filename}:{exc.lineno}: template error: {exc.message}") from None

    def _location(self, template: jinja2.Template, key: str, exc: Exception) -> str:
        """The template file and line where rendering failed (Jinja2 keeps it in the traceback);
        for a template given as text in config.toml, the option and its line."""
        where = template.filename or "<template>"
        line = next((f.lineno for f in reversed(traceback.extract_tb(exc.__traceback__))
                     if f.filename == where), None)
        if template.name:            # a file; from config.toml the template has no name
            path = Path(template.filename)
            name = next((str(path.relative_to(d.parent)) for d in self.dirs if path.is_relative_to(d)),
                        template.name)
            return f"{name}:{line}" if line else name
        return f"{self.config_file}: [plugins.mail] {key}" + (f", line {line}" if line else "")

    def render(self, delivery: Delivery) -> tuple[str, str]:
        site = self.site
        context = {
            "project": site.project, "as_of": dt.date.fromisoformat(site.as_of), "period": site.period,
            "recipient": {"name": delivery.to.name, "address": delivery.to.address},
            "owners": delivery.owners, "fixed": delivery.fixed, "relations": delivery.relations,
            "portfolio": delivery.portfolio, "calendar": delivery.calendar,
        }
        texts = []
        for key in ("subject", "body"):
            template = self.templates[key]
            try:
                texts.append(template.render(context))
            except jinja2.TemplateError as exc:
                location = self._location(template, key, exc)
                if isinstance(exc, SecurityError):
                    raise RelatierapportError(f"{location}: the template tried something a template "
                                              f"may not do while writing the message to "
                                              f"{delivery.to.address}: {exc} ({WHAT_TEMPLATES_MAY_DO})"
                                              ) from exc
                raise RelatierapportError(f"{location}: template error while writing the message to "
                                          f"{delivery.to.address}: {type(exc).__name__}: {exc}") from exc
        subject, body = texts
        return one_line(subject), body.strip() + "\n"


def compose(delivery: Delivery, site: BuiltSite, sender: Mailbox, reply_to: Mailbox | None,
            subject: str, body: str, when: dt.datetime) -> EmailMessage:
    message = EmailMessage(policy=email.policy.SMTP)
    message["From"] = Address(sender.name, addr_spec=sender.address)
    message["To"] = Address(delivery.to.name, addr_spec=delivery.to.address)
    if reply_to:
        message["Reply-To"] = Address(reply_to.name, addr_spec=reply_to.address)
    message["Subject"] = subject
    message["Date"] = email.utils.format_datetime(when)
    message["Message-ID"] = message_id(site, delivery.to, sender)
    message["Auto-Submitted"] = "auto-generated"        # no out-of-office replies (RFC 3834)
    message.set_content(body)
    for attachment in delivery.attachments:
        maintype, subtype = attachment.mime.split("/")
        data = attachment.path.read_bytes()
        if maintype == "text":
            message.add_attachment(data.decode("utf-8"), subtype=subtype, filename=attachment.filename,
                                   params={"method": "PUBLISH"} if subtype == "calendar" else {})
        else:
            message.add_attachment(data, maintype=maintype, subtype=subtype, filename=attachment.filename)
    message["Content-Language"] = site.language          # after the content: set_content clears it
    return message
