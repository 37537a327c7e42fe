"""Example local plugin: relation anniversaries ("jubilea") coming up.

A relation that has been with us for whole years is worth a card or a call.
This plugin shows how a consultant extends relatierapport: an option, an
analysis with findings in report.json (under "jubileum"), a section in the
relation plan and one in the portfolio report, and its own template folder.
Files in a project's plugins/ folder are loaded automatically.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from relatierapport import hookimpl
from relatierapport.hooktypes import Analysis, Findings, Section
from relatierapport.options import Integer, Option, OptionGroup


#: A plugin brings its own words; the report language picks one.
TEXTS = {"nl": {"title": "Jubilea", "years": "jaar", "more": "en nog {count}"},
         "en": {"title": "Anniversaries", "years": "years", "more": "and {count} more"}}
#: The portfolio lists at most this many (a large portfolio has thousands in two months).
LIMIT = 50


@hookimpl
def config_options():
    return [OptionGroup("plugins.jubileum", (
        Option("days_ahead", Integer(minimum=1, maximum=366), 60,
               "Show anniversaries falling within this many days after the report date."),
    ))]


@hookimpl
def analyses():
    return [Analysis("jubileum", find_anniversaries, description="Upcoming relation anniversaries.")]


def _anniversary(since: dt.date, year: int) -> dt.date:
    try:
        return since.replace(year=year)
    except ValueError:          # 29 February in a year without it
        return dt.date(year, 3, 1)


def find_anniversaries(portfolio, config, findings):
    days_ahead = config.plugin("jubileum")["days_ahead"]
    upcoming = {}
    for relation in portfolio.relations.values():
        if relation.since is None:
            continue
        day = _anniversary(relation.since, config.as_of.year)
        if day < config.as_of:
            day = _anniversary(relation.since, config.as_of.year + 1)
        years = day.year - relation.since.year
        if years > 0 and (day - config.as_of).days <= days_ahead:
            upcoming[relation.id] = {"date": day, "years": years}
    order = sorted(upcoming, key=lambda rid: (upcoming[rid]["date"], rid))
    listing = [{"id": rid, "name": portfolio.relations[rid].name, **upcoming[rid]} for rid in order]
    return Findings(relations=upcoming, portfolio={"upcoming": listing})


@hookimpl
def template_dirs():
    return [Path(__file__).parent / "jubileum_templates"]


@hookimpl
def report_sections(kind, relation, report):
    found = report.findings["jubileum"]
    texts = TEXTS[report.config.language]
    if kind == "portfolio" and found.portfolio["upcoming"]:
        upcoming = found.portfolio["upcoming"]
    elif kind == "relation" and relation.id in found.relations:
        upcoming = [found.relations[relation.id]]
    else:
        return []
    more = texts["more"].format(count=len(upcoming) - LIMIT) if len(upcoming) > LIMIT else ""
    return [Section("jubileum", texts["title"], "jubileum.html", 90,
                    {"upcoming": upcoming[:LIMIT], "years_word": texts["years"], "more": more})]
