"""Built-in plugin ``calendar_output``: planned touchpoints as iCalendar files (``--format ics``).

``calendar.ics`` holds every planned touchpoint of the coming ``months``;
``calendar/<owner>.ics`` those of one account manager, to import into Outlook
or Google Calendar (and attached to their monthly mail). Each touchpoint is an
all-day event that does not block the day (TRANSP:TRANSPARENT): a reminder to
make contact that day, with its length in the title and its agenda in the
description, translated into the report's language.

Re-importing updates instead of duplicating: an event's UID is a hash of the
project, the relation id and the cadence month the touchpoint belongs to
(``planning``'s ``period``), so the touchpoint planned for December keeps its
UID when next month's report moves it by a few days; SEQUENCE and DTSTAMP come
from the report date, so a later report wins. The same input gives the same
bytes. UIDs carry no personal data.

Names from the data (relations, account managers, the project) go into titles, the
calendar's name and the lines of a description on one line each (``one_line``): a name
with a line break, from a multi-line cell, would otherwise break the file.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from pathlib import Path

import polars as pl

from relatierapport import __version__, hookimpl
from relatierapport.errors import ConfigError, Problem
from relatierapport.hooktypes import OutputFormat
from relatierapport.render.i18n import translations
from relatierapport.render.labels import label
from relatierapport.render.one_line import one_line
from relatierapport.options import Integer, Option, OptionGroup
from relatierapport.relation_table import RelationTable
from relatierapport.render.slugs import OWNER_CALENDARS, owner_calendars

NAME = "calendar_output"
ALL_FILE = "calendar.ics"
_EPOCH = dt.date(2000, 1, 1)


@hookimpl
def config_options():
    return [OptionGroup(f"plugins.{NAME}", (
        Option("months", Integer(minimum=1, maximum=36), 3,
               "The calendar files hold the planned touchpoints of this many months from the report "
               "date (at most [plugins.planning] months)."),
    ), "Calendar files (.ics) with the planned touchpoints, for all and per account manager.")]


@hookimpl
def output_formats():
    return [OutputFormat("ics", write_calendars, "calendar.ics and calendar/<owner>.ics: planned "
                         "touchpoints to import into a calendar.", needs_pages=False)]


def event_uid(project: str, relation_id: str, period: str) -> str:
    digest = hashlib.sha256("\x1f".join((project, relation_id, period)).encode("utf-8")).hexdigest()
    return f"{digest[:32]}@relatierapport"


Contentline = Parameters = vDate = vDatetime = vText = None    # set by _icalendar()


def _icalendar():
    """Import icalendar when calendars are written, not when the plugins load (issue 17).

    Its encoders become module globals, so an event pays no import."""
    global Contentline, Parameters, vDate, vDatetime, vText
    from icalendar.parser import Contentline, Parameters
    from icalendar.prop import vDate, vDatetime, vText


def write_calendars(pages, out_dir: Path, state) -> list[str]:
    report = state.report
    config = report.config
    found = report.findings.get("planning")
    if found is None or not isinstance(found.relations, RelationTable):
        return []         # planning (or cadence) is disabled: nothing is planned
    months = config.plugin(NAME)["months"]
    planned_months = found.portfolio["months"]      # what planning planned, not its options
    if months > planned_months:
        raise ConfigError([Problem(config.path.name, f"expected at most [plugins.planning] months "
                                   f"({planned_months}), found {months}",
                                   field=f"[plugins.{NAME}] months")])
    events = _events(report, found.relations.frame, months)
    gettext = translations(config.language).gettext
    project = config.project["name"]          # the UIDs' key: as it is, so they stay the same
    project_name = one_line(project)
    _icalendar()
    stamp = vDatetime(dt.datetime.combine(report.as_of, dt.time(), tzinfo=dt.timezone.utc)).to_ical()
    sequence = (report.as_of - _EPOCH).days
    employees = report.portfolio.employees

    every: list[bytes] = []
    per_owner: dict[str, list[bytes]] = {}
    texts: dict = {}
    for row in events.iter_rows(named=True):
        owner = row["owner"]
        owner_name = one_line(employees[owner].name if owner in employees else owner)
        event = _event(row, owner_name, project, stamp, sequence, gettext, texts)
        every.append(event)
        if owner:
            per_owner.setdefault(owner, []).append(event)

    written = []
    title = gettext("Planned touchpoints")
    _write(out_dir / ALL_FILE, f"{project_name} – {title}", every)
    written.append(ALL_FILE)
    owners = report.portfolio.relation_frame()["owner"].drop_nulls().unique().sort().to_list()
    if owners:
        (out_dir / OWNER_CALENDARS).mkdir(exist_ok=True)
    for owner, path in owner_calendars(owners).items():   # empty or not, so mail can attach it
        name = one_line(employees[owner].name if owner in employees else owner)
        _write(out_dir / path, f"{project_name} – {title} – {name}", per_owner.get(owner, []))
        written.append(path)
    return written


def _events(report, planning: pl.DataFrame, months: int) -> pl.DataFrame:
    """One row per touchpoint in the window, by date then relation order."""
    horizon = pl.select(pl.lit(report.as_of).dt.offset_by(f"{months}mo")).item()
    heads = report.portfolio.relation_frame().select("relation", "name", "owner", "role")
    return (planning.lazy().with_row_index("order")
            .select("order", "relation", "category", "minutes", "agenda", "catch_up", "touchpoints")
            .explode("touchpoints").drop_nulls("touchpoints")
            .with_columns(pl.col("touchpoints").struct.field("date"),
                          pl.col("touchpoints").struct.field("period"))
            .filter(pl.col("date") < horizon)
            .with_columns((pl.col("catch_up") & (pl.col("date") == pl.col("date").min().over("relation")))
                          .alias("catch_up"))
            .join(heads.lazy(), on="relation", how="left")
            .sort("date", "order")
            .drop("touchpoints", "order")
            .collect())


def _event(row: dict, owner_name: str | None, project: str, stamp: bytes, sequence: int,
           gettext, texts: dict) -> bytes:
    """One VEVENT, its lines escaped and folded by icalendar's own encoders. Assembled by hand
    rather than through ``icalendar.Event`` (250 µs an event: 40 s for 100,000 relations); the
    text of a relation's events is made once (``texts``)."""
    key = (row["relation"], row["catch_up"])
    if key not in texts:
        minutes = row["minutes"]
        title = gettext("Touchpoint: %(name)s (%(minutes)s min)") % {"name": one_line(row["name"]),
                                                                     "minutes": minutes}
        lines = [gettext("Agenda:"), *(f"- {one_line(gettext(item))}" for item in row["agenda"] or ())]
        if row["catch_up"]:
            lines += ["", gettext("Overdue: make contact as soon as possible.")]
        lines += ["", gettext("Length: %(minutes)s minutes") % {"minutes": minutes},
                  gettext("Category: %(category)s") % {"category": one_line(row["category"])}
                  + (f" · {one_line(label(row['role'], 'role', gettext))}" if row["role"] else ""),
                  gettext("Account manager: %(name)s") % {"name": owner_name or "–"},
                  gettext("Relation: %(id)s") % {"id": one_line(row["relation"])}]
        texts[key] = (_property("SUMMARY", vText(title)), _property("DESCRIPTION", vText("\n".join(lines))))
    title, description = texts[key]
    day = row["date"]
    return b"".join((
        b"BEGIN:VEVENT\r\n", title,
        b"DTSTART;VALUE=DATE:" + vDate(day).to_ical() + b"\r\n",
        b"DTEND;VALUE=DATE:" + vDate(day + dt.timedelta(days=1)).to_ical() + b"\r\n",
        b"DTSTAMP:" + stamp + b"\r\n",
        b"UID:" + event_uid(project, row["relation"], row["period"]).encode() + b"\r\n",
        b"SEQUENCE:" + str(sequence).encode() + b"\r\n",
        description, b"TRANSP:TRANSPARENT\r\n", b"END:VEVENT\r\n"))


def _property(name: str, value: vText) -> bytes:
    """A content line, escaped and folded at 75 octets."""
    return Contentline.from_parts(name, Parameters(), value).to_ical() + b"\r\n"


def _write(path: Path, name: str, events: list[bytes]) -> None:
    from icalendar import Calendar

    calendar = Calendar()
    calendar.add("prodid", f"-//relatierapport//relatierapport {__version__}//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", name)
    head, tail = calendar.to_ical().rsplit(b"END:VCALENDAR", 1)
    with path.open("wb") as handle:
        handle.write(head)
        for event in events:
            handle.write(event)
        handle.write(b"END:VCALENDAR" + tail)
