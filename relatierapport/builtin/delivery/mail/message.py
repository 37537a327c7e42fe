"""One monthly message: subject and body from Jinja2 templates in the report's language, the
PDFs and calendar attached, and a Message-ID that is the same every time it is made.

The Message-ID is a hash of the project, the report month and the recipient's
address: stable, so the ledger recognises the message on a rerun and a mail
client drops a copy resent with ``--resend``, and without personal data in it.

Templates: ``mail/subject.txt`` and ``mail/body.txt``, looked up like the report
templates (a project's ``templates/mail/body.txt`` wins over the built-in), or
``[plugins.mail] subject`` / ``body`` as Jinja2 text. They are plain text (no
HTML escaping); the subject is folded onto one line, so neither a template nor
the data can add a header.
"""

from __future__ import annotations

import datetime as dt
import email.policy
import email.utils
import hashlib
from email.headerregistry import Address
from email.message import EmailMessage
from pathlib import Path

import jinja2

from relatierapport.builtin.delivery.mail.addresses import Mailbox
from relatierapport.errors import ConfigError, Problem, RelatierapportError
from relatierapport.render.i18n import translations
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
                 config_file: str):
        self.site = site
        self.env = jinja2.Environment(loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
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
            try:
                texts.append(self.templates[key].render(context))
            except jinja2.TemplateError as exc:
                name = self.templates[key].name or f"[plugins.mail] {key}"
                raise RelatierapportError(f"{name}: template error while writing the message to "
                                          f"{delivery.to.address}: {type(exc).__name__}: {exc}") from exc
        subject, body = texts
        return " ".join(subject.split()), body.strip() + "\n"


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
