"""Who receives what: one message per address, with the built PDFs (and calendar) it should carry.

Routing reads the *built* output (report.json, the PDFs, the .ics files), so
the mail carries exactly what was built, and takes addresses only from the
employee records (owners) and from ``[plugins.mail] recipients`` — never from
the relations' own data. Every account manager who owns relations receives
their relations' plans (and, by default, the portfolio and their calendar);
the fixed recipients receive the portfolio. Two routes to one address become
one message. Problems are collected, not raised one by one: a bad address in
the employee data is an error naming its file and line.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import orjson

from relatierapport.builtin.delivery.mail.addresses import Mailbox, check_address, check_name
from relatierapport.render.one_line import CONTROL, has_line_break, one_line
from relatierapport.render.slugs import owner_calendars
from relatierapport.errors import ConfigError, Problem
from relatierapport.render.publish import MARKER
from relatierapport.render.slugs import slugify, slugs_for

PORTFOLIO_PDF = "portfolio.pdf"


@dataclass(frozen=True)
class Attachment:
    path: Path                 # in the output folder
    filename: str              # as the recipient sees it
    mime: str                  # "application/pdf", "text/calendar"


@dataclass
class Delivery:
    """One message to one address."""

    to: Mailbox
    owners: list[str] = field(default_factory=list)          # employee ids it is for
    fixed: bool = False                                       # in [plugins.mail] recipients
    relations: list[dict] = field(default_factory=list)       # {"id", "name"} of the plans attached
    portfolio: bool = False
    calendar: bool = False
    attachments: list[Attachment] = field(default_factory=list)


@dataclass(frozen=True)
class BuiltSite:
    """What a build left in the output folder, as far as mailing needs it."""

    folder: Path
    as_of: str
    project: str
    language: str
    relations: list[dict]      # {"id", "name", "owner"} in report order

    @property
    def period(self) -> str:
        return self.as_of[:7]


def read_site(folder: Path) -> BuiltSite:
    """The built output, or a usage error when there is none yet."""
    marker = folder / MARKER
    if not marker.is_file():
        raise ConfigError([Problem(str(folder), f"expected a built output folder with {MARKER}; "
                                   "run `relatierapport build` before `relatierapport mail`")])
    report = orjson.loads(marker.read_bytes())
    relations = [{"id": r["id"], "name": r["name"], "owner": r.get("owner")} for r in report["relations"]]
    return BuiltSite(folder, report["as_of"], report.get("project", ""),
                     report.get("language", "nl"), relations)


def route(site: BuiltSite, employees: dict, options: dict) -> tuple[list[Delivery], list[Problem], list[Problem]]:
    """The messages to send, and the errors and warnings met on the way."""
    errors: list[Problem] = []
    warnings: list[Problem] = []
    by_address: dict[str, Delivery] = {}
    period = site.period
    slugs = slugs_for([relation["id"] for relation in site.relations])
    calendars = owner_calendars(r["owner"] for r in site.relations if r["owner"])
    portfolio_pdf = Attachment(site.folder / PORTFOLIO_PDF, f"portfolio-{period}.pdf", "application/pdf")

    def delivery(mailbox: Mailbox) -> Delivery:
        return by_address.setdefault(mailbox.address.lower(), Delivery(mailbox))

    if options["owners"]:
        owned: dict[str, list[dict]] = {}
        for relation in site.relations:
            if relation["owner"]:
                owned.setdefault(relation["owner"], []).append(relation)
        for owner, relations in sorted(owned.items()):
            employee = employees.get(owner)
            if employee is None:
                warnings.append(Problem("mail", f"owner {owner!r} of {len(relations)} relation(s) is "
                                        "no employee in the data; their plans are not mailed"))
                continue
            mailbox = _employee_mailbox(employee, errors, warnings)
            if mailbox is None:
                if not employee.email:
                    warnings.append(_at(employee.origin, "email", f"employee {owner!r} owns "
                                        f"{len(relations)} relation(s) but has no e-mail address; "
                                        "their plans are not mailed"))
                continue
            found = delivery(mailbox)
            found.owners.append(owner)
            for relation in relations:
                found.relations.append({"id": relation["id"], "name": relation["name"]})
                name = slugify(relation["name"])[:40].strip("-")
                found.attachments.append(Attachment(
                    site.folder / "relations" / f"{slugs[relation['id']]}.pdf",
                    f"{slugs[relation['id']]}{'-' + name if name else ''}.pdf", "application/pdf"))
            if options["owner_portfolio"]:
                found.portfolio = True
            if options["attach_calendar"]:
                found.calendar = True
                found.attachments.append(Attachment(site.folder / calendars[owner],
                                                    f"calendar-{period}"
                                                    f"{'-' + slugify(owner) if len(found.owners) > 1 else ''}.ics",
                                                    "text/calendar"))
    for mailbox in options["recipients"]:
        found = delivery(mailbox)
        found.fixed = True
        found.portfolio = True

    deliveries = list(by_address.values())
    for found in deliveries:
        if found.portfolio:
            found.attachments.insert(0, portfolio_pdf)
    missing = sorted({a.path for found in deliveries for a in found.attachments if not a.path.is_file()})
    for path in missing:
        errors.append(Problem(str(path.relative_to(site.folder.parent)), _missing_advice(path, site.folder)))
    return deliveries, errors, warnings


def _missing_advice(path: Path, folder: Path) -> str:
    if path.suffix == ".ics":
        return ("expected the account manager's calendar; build with the ics format (one of the "
                "default formats) or set [plugins.mail] attach_calendar = false")
    return ("expected the PDF that this message attaches; build with PDF (one of the default "
            "formats) before mailing")


def _employee_mailbox(employee, errors: list[Problem], warnings: list[Problem]) -> Mailbox | None:
    """The employee's checked mailbox; a bad address or name is an error at its record. A name
    over more lines (a multi-line cell of an HR export) goes into the header on one line, with a
    warning at its record; a control character or a second address in it stays an error."""
    if not employee.email:
        return None
    try:
        address = check_address(employee.email)
    except ValueError as exc:
        errors.append(_at(employee.origin, "email", f"{exc}, found {_shown(employee.email)} "
                          f"(employee {employee.id!r})"))
        return None
    name = employee.name
    if has_line_break(name):
        name = one_line(name) if not CONTROL.search(name) else name
        warnings.append(_at(employee.origin, "name", f"expected a name on one line, found "
                            f"{_shown(employee.name)} (employee {employee.id!r}); the mail headers "
                            f"have {_shown(name)}"))
    try:
        name = check_name(name)
    except ValueError as exc:
        errors.append(_at(employee.origin, "name", f"{exc}, found {_shown(employee.name)} "
                          f"(employee {employee.id!r})"))
        return None
    return Mailbox(name, address)


def _shown(text: str) -> str:
    return orjson.dumps(text).decode()


def _at(origin: str, field_name: str, message: str) -> Problem:
    source, _, line = origin.rpartition(":")
    return Problem(source or origin or "employees", message, line if source else "", field_name)
