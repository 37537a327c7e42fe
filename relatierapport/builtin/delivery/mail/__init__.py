"""Built-in plugin ``mail``: ``relatierapport mail`` sends the built reports, each message once.

Every account manager receives the plans of their own relations (and the
portfolio report and their calendar); the addresses in ``recipients`` receive
the portfolio. The command mails what the last build left in the output folder
(report.json, PDFs, .ics) for that build's report month.

Exactly once: before a message is handed to the server the ledger
(``mail/ledger.jsonl`` in the output folder, see ``mail_ledger``) records it
as ``sending``, and afterwards what happened. A rerun sends only what was not
sent; a message whose outcome cannot be known (a crash or a broken connection
after it was handed over) is reported and sent again only with ``--resend``.
Everything is checked before the first message goes out: addresses, templates,
attachments and sizes. ``--dry-run`` writes the messages as .eml files to
``mail/dry-run/`` instead and opens no connection.

With ``send_after_build = true`` a successful ``relatierapport build`` mails
straight away (this plugin's ``post_build``).
"""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import click

from relatierapport import hookimpl
from relatierapport.builtin.delivery.mail.addresses import Mailbox, MailboxOption
from relatierapport.builtin.delivery.mail import smtp
from relatierapport.errors import ConfigError, DataError, MailError, Problem, grouped
from relatierapport.options import Boolean, ListOf, Number, Option, OptionGroup, Text

# What the command uses (config, Jinja2, Babel, polars through the model) is imported
# in run(): loading the plugin, which `relatierapport --help` does to list the `mail`
# command, stays cheap (issue 17).

NAME = "mail"
DRY_RUN_FOLDER = "mail/dry-run"


@hookimpl
def config_options():
    return [OptionGroup(f"plugins.{NAME}", (
        Option("sender", MailboxOption(), "",
               'The From address, e.g. "Relatiebeheer <rapporten@example.nl>" (needed to mail).'),
        Option("reply_to", MailboxOption(), "", "Where replies go; empty: to the sender."),
        Option("owners", Boolean(), True,
               "Each account manager (the owner of relations, with an e-mail address in the employee "
               "data) receives the plans of their own relations."),
        Option("owner_portfolio", Boolean(), True, "... and the portfolio report."),
        Option("attach_calendar", Boolean(), True, "... and their calendar of planned touchpoints (.ics)."),
        Option("recipients", ListOf(MailboxOption()), [],
               "Who else receives the portfolio report, e.g. [\"Directie <directie@example.nl>\"]."),
        Option("subject", Text(), "",
               "Subject as a Jinja2 template; empty: the built-in one, in the report's language "
               "(variables: project, as_of, period, recipient, owners, relations, portfolio, calendar)."),
        Option("body", Text(), "",
               "Body text as a Jinja2 template, like subject; or override templates/mail/body.txt."),
        Option("max_megabytes", Number(minimum=0.01, maximum=1000), 20.0,
               "Largest message, attachments included; a larger one stops the run before anything "
               "is sent (many servers refuse more than 25 MB)."),
        Option("send_after_build", Boolean(), False,
               "Mail right after every successful `relatierapport build`."),
    ), "Monthly mail of the reports: who receives what (`relatierapport mail`).",
        refused=smtp.refused_credentials()), smtp.options()]


@hookimpl
def register_commands(cli):
    cli.add_command(mail_command)


@hookimpl
def post_build(result, config):
    if config.plugin(NAME).get("send_after_build"):
        run(config.path, out=result.out_dir)


@click.command("mail")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              default=Path("config.toml"), show_default=True,
              help="The project's config.toml (default: ./config.toml).")
@click.option("--out", type=click.Path(path_type=Path, file_okay=False),
              help="The built output folder (default: [project] output in config.toml, else site).")
@click.option("--dry-run", is_flag=True,
              help="Write the messages as .eml files to <output>/mail/dry-run/; connect to nothing.")
@click.option("--resend", is_flag=True,
              help="Also send the messages whose outcome is unknown (the ledger says why).")
def mail_command(config_path: Path, out: Path | None, dry_run: bool, resend: bool) -> None:
    """Mail the built reports: each account manager their plans, the recipients the portfolio."""
    from relatierapport.config import errors_located

    with errors_located(config_path):
        run(config_path, out=out, dry_run=dry_run, resend=resend)


class NothingSent(DataError):
    """The data the reports come from has errors (so a build fails on them): exit code 1."""

    heading = "data problem(s); the build fails on them, so nothing is sent"


@dataclass
class Planned:
    """A message with what the ledger says of it."""

    delivery: object
    message_id: str
    size: int
    previous: object = None          # mail_ledger.Entry or None
    action: str = "send"             # send | already sent | unknown


@dataclass
class Run:
    period: str
    counts: Counter = field(default_factory=Counter)
    problems: list[Problem] = field(default_factory=list)


def run(config_path: Path, *, out: Path | None = None, dry_run: bool = False, resend: bool = False,
        echo=click.echo, sleep=time.sleep) -> Run:
    """Mail (or, with ``dry_run``, write) the messages of the built output. Raises on problems."""
    from relatierapport import build as stages     # build imports the plugin machinery
    from relatierapport.builtin.delivery.mail.ledger import DONE, LEDGER, UNCERTAIN, Ledger
    from relatierapport.builtin.delivery.mail.message import Texts, compose, message_id
    from relatierapport.builtin.delivery.mail.routing import read_site, route
    from relatierapport.paths import Roots
    from relatierapport.render.formatting import make_filters
    from relatierapport.render.publish import MARKER, output_lock
    from relatierapport.render.site import template_dirs

    plugins, config = stages.configure(stages.BuildOptions(config_path))
    file = config.path.name
    if NAME not in plugins.loaded:
        raise ConfigError([Problem(file, "expected the mail plugin, found it in disable_plugins",
                                   field="[project] disable_plugins")])
    options = config.plugin(NAME)
    sender = options["sender"] if isinstance(options["sender"], Mailbox) else None
    if sender is None:
        raise ConfigError([Problem(file, 'expected the From address, e.g. "Relatiebeheer '
                                   '<rapporten@example.nl>", found nothing', field=f"[plugins.{NAME}] sender")])
    reply_to = options["reply_to"] if isinstance(options["reply_to"], Mailbox) else None
    settings = None if dry_run else smtp.settings(config)
    target = (out if out is not None else config.root / config.project["output"]).resolve()

    with output_lock(target):          # a build waits to swap in until we are done
        # the data as the build reads it: with errors (0 relations among them) the build fails
        # and leaves the previous output, so nothing may go out, whatever output is there
        loaded = stages.load(plugins, config)
        if loaded.errors:
            raise NothingSent(loaded.errors)
        site = read_site(target)
        if not site.relations:
            raise NothingSent([Problem(str(target / MARKER), "expected the reports of relations, "
                                       "found a build of 0 relations")])
        portfolio = loaded.portfolio
        for warning in grouped(loaded.warnings):
            echo(f"warning: {warning}", err=True)
        deliveries, errors, warnings = route(site, portfolio.employees, options)
        for warning in warnings:
            echo(f"warning: {warning}", err=True)
        if errors:
            raise DataError(errors)
        dirs = template_dirs(config.root, plugins)
        texts = Texts(dirs, site, options, make_filters(site.language), file,
                      roots=Roots(config.root, dirs),
                      refused=lambda problem: echo(f"warning: {problem}", err=True))
        ledger = Ledger(target / LEDGER)
        for line in ledger.damaged_lines:
            echo(f"warning: {target / LEDGER}:{line}: not a ledger entry (cut off?); ignored", err=True)

        # Compose every message once before sending any: a bad template, a missing file or a
        # message over the size limit stops the run while nothing has gone out yet.
        now = dt.datetime.now().astimezone()
        limit = options["max_megabytes"] * 1_000_000
        planned, too_big = [], []
        for delivery in deliveries:
            subject, body = texts.render(delivery)
            size = len(compose(delivery, site, sender, reply_to, subject, body, now).as_bytes())
            if size > limit:
                too_big.append(Problem("mail", f"the message to {delivery.to.address} "
                                       f"({_contents(delivery)}) is {size / 1e6:.1f} MB, over "
                                       f"[plugins.{NAME}] max_megabytes = {options['max_megabytes']:g}; "
                                       "raise it if your mail server accepts more"))
            mid = message_id(site, delivery.to, sender)
            previous = ledger.state(mid)
            action = ("already sent" if previous and previous.status == DONE
                      else "unknown" if previous and previous.status in UNCERTAIN and not resend
                      else "send")
            planned.append(Planned(delivery, mid, size, previous, action))
        if too_big:
            raise DataError(too_big)

        result = Run(site.period)
        for item in planned:
            if item.action != "send":
                result.counts[item.action] += 1
                echo(_line(item.action, item, f"{item.previous.status} {item.previous.time}"))
            if item.action == "unknown":
                result.problems.append(Problem(
                    "mail", f"{item.delivery.to.address}: the outcome of the message of "
                    f"{item.previous.time} is unknown ({item.previous.detail or 'the run stopped while sending'}); "
                    "the server may have delivered it. Ask the recipient; send it again with --resend"))
        to_send = [item for item in planned if item.action == "send"]
        if dry_run:
            _write_dry_run(target / DRY_RUN_FOLDER, to_send, texts, site, sender, reply_to, now)
            result.counts["written"] = len(to_send)
            echo(f"mail {site.period} (dry run): wrote {len(to_send)} message(s) to "
                 f"{target / DRY_RUN_FOLDER}, {result.counts['already sent']} already sent; "
                 "no connection opened")
        else:
            _send(to_send, texts, site, sender, reply_to, settings, ledger, result, echo, sleep)
            echo(f"mail {site.period}: " + ", ".join(
                f"{result.counts[key]} {key}" for key in ("sent", "already sent", "refused", "failed", "unknown"))
                + f"; ledger {target / LEDGER}")
    if result.problems:
        raise MailError(result.problems)
    return result


def _send(to_send, texts, site, sender, reply_to, settings, ledger, result, echo, sleep) -> None:
    from relatierapport.builtin.delivery.mail.message import compose

    sent_before = 0
    with smtp.Connection(settings, sleep=sleep) as connection:
        for index, item in enumerate(to_send):
            delivery = item.delivery
            address = delivery.to.address
            subject, body = texts.render(delivery)
            data = compose(delivery, site, sender, reply_to, subject, body,
                           dt.datetime.now().astimezone()).as_bytes()
            try:
                outcome = connection.send(sender.address, address, data, before_data=lambda: ledger.record(
                    item.message_id, site.period, address, "sending"))
            except smtp.MailServerError as exc:
                ledger.record(item.message_id, site.period, address, "failed", exc.message)
                not_sent = len(to_send) - index
                raise smtp.MailServerError(f"{exc.message}. {sent_before} message(s) sent, {not_sent} not "
                                           "sent: run `relatierapport mail` again once this is fixed") from None
            ledger.record(item.message_id, site.period, address, outcome.status, outcome.detail)
            result.counts[outcome.status] += 1
            sent_before += outcome.status == "sent"
            echo(_line(outcome.status, item, outcome.detail if outcome.status != "sent" else
                       f"{item.size / 1e6:.1f} MB" + (f", {outcome.attempts} attempts" if outcome.attempts > 1 else "")))
            if outcome.status != "sent":
                result.problems.append(Problem("mail", f"{address}: {outcome.status}: {outcome.detail}"))


def _write_dry_run(folder: Path, to_send, texts, site, sender, reply_to, now) -> None:
    from relatierapport.builtin.delivery.mail.message import compose
    from relatierapport.render.slugs import slugify

    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    for number, item in enumerate(to_send, start=1):
        subject, body = texts.render(item.delivery)
        message = compose(item.delivery, site, sender, reply_to, subject, body, now)
        (folder / f"{number:02d}-{slugify(item.delivery.to.address)}.eml").write_bytes(message.as_bytes())


def _contents(delivery) -> str:
    parts = [f"owner {', '.join(delivery.owners)}"] if delivery.owners else ["recipient"]
    if delivery.portfolio:
        parts.append("portfolio")
    if delivery.relations:
        parts.append(f"{len(delivery.relations)} plan(s)")
    if delivery.calendar:
        parts.append("calendar")
    return ": ".join([parts[0], ", ".join(parts[1:])]) if len(parts) > 1 else parts[0]


def _line(status: str, item: Planned, detail: str) -> str:
    return f"{status:<13} {item.delivery.to.address}  ({_contents(item.delivery)}) {detail}".rstrip()
