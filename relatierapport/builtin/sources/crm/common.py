"""What the CRM export sources (hubspot, pipedrive, salesforce, odoo, crm) share.

A CRM export is read in four steps: **read** (files.py: files become sheets of
text), **recognise** (layout.py: headers matched against the labels a CRM
writes), **interpret** (each CRM's profile turns a row into records, which a
collector.py ``Collector`` gathers), **convert** (the collector sends the text
through ``tabular.convert``). This module holds the ``Profile`` a CRM fills in
and the pipeline that runs the steps for one profile, or for the best match
among several. It knows no CRM itself: the profiles are passed in (the list of
all of them is in profiles.py).

Nothing here raises for bad input: problems are located and collected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Sequence

from relatierapport.builtin.sources.crm.collector import Collector
from relatierapport.builtin.sources.crm.files import ExtraReader, Sheet, read_sheets
from relatierapport.builtin.sources.crm.layout import Layout, Row, apply_columns, norm
from relatierapport.errors import Problem
from relatierapport.hooktypes import SourceReader
from relatierapport.model import SourceData
from relatierapport.options import ListOf, Option, Text
from relatierapport.sources.bounds import (COLUMNS_OPTION, MAX_ROWS, MEMBERS_OPTION, ROWS_OPTION,
                                          UNPACKED_OPTION)
from relatierapport.sources.date_patterns import strftime_formats

ISO_DATES = ("%Y-%m-%d",)
EU_DATES = ("%d-%m-%Y", "%d/%m/%Y", "%d.%m.%Y")
US_DATES = ("%m/%d/%Y",)


def _known_encoding(value: str) -> str | None:
    import codecs
    try:
        codecs.lookup(value)
    except LookupError:
        return "expected an encoding name such as utf-8, cp1252 or utf-16-le"
    return None


def _delimiter(value: str) -> str | None:
    return None if value == "auto" or len(value) == 1 else 'expected "auto" or a single character'


OPTIONS = (
    Option("encoding", Text(), "utf-8",
           "Character encoding of CSV files: utf-8, cp1252 (Excel on Windows), utf-16-le. A byte order "
           "mark (UTF-8, UTF-16, UTF-32) is recognised whatever this says.", check=_known_encoding),
    Option("delimiter", Text(), "auto",
           'Field separator of CSV files: "auto" (the one that splits the header into known columns), '
           '",", ";" or a tab "\\t".', check=_delimiter),
    Option("decimal", Text(choices=("auto", ",", ".")), "auto",
           'Decimal mark of amounts: "auto" (a comma when the delimiter is ";", else a point), "." '
           '(1234.56) or "," (Dutch 1.234,56).'),
    Option("date_format", ListOf(Text()), ["auto"],
           'Date formats tried in order: "auto" (yyyy-mm-dd, also with a time as CRMs write it, and '
           'dd-mm-yyyy; for Salesforce also its US mm/dd/yyyy), or patterns such as "dd/mm/yyyy", '
           '"mm/dd/yyyy" or strftime "%d-%m-%Y".'),
    Option("sheet", Text(), "", "For .xlsx files: the sheet to read (default: the first)."),
    UNPACKED_OPTION,
    MEMBERS_OPTION,
    COLUMNS_OPTION,
    ROWS_OPTION,
)


@dataclass(frozen=True)
class Profile:
    """One CRM: how to recognise its exports and turn a row into records."""

    type: str                                       # the config type, e.g. "hubspot"
    label: str                                      # "HubSpot"
    prefix: str                                     # "hs:"
    objects: str                                    # for messages: "contacts, companies, deals …"
    recognise: Callable[[list[str]], Layout | None]
    interpret: Callable[[Row, "Collector"], None]
    known: Callable[[str], bool]                    # is this (normalised) header one of ours?
    fields: dict[str, tuple[str, ...]]              # entity -> keys ``columns`` may name
    default_entity: Callable[[Layout], str]
    auto_dates: tuple[str, ...] = ISO_DATES + EU_DATES
    extra_readers: dict[str, ExtraReader] = field(default_factory=dict)
    describe: str = ""
    org_word: tuple[str, ...] = ("org",)            # ids of organisations named only: prefix + word + name


def _headline(headers: list[str]) -> str:
    shown = ", ".join(f'"{h}"' for h in headers[:12])
    return shown + (f" and {len(headers) - 12} more" if len(headers) > 12 else "")


def read_with(spec, profiles: Sequence[Profile], forced: bool = True,
              hints: Sequence[Profile] = ()) -> SourceData:
    """Read a source with one CRM's profile (``forced``) or the best-matching of several.

    ``hints``: profiles that may name the CRM a file comes from when ``forced`` fails.
    """
    data = SourceData()
    extra: dict[str, ExtraReader] = {}
    for profile in profiles:
        extra.update(profile.extra_readers)

    def known(header: str) -> bool:
        return any(p.known(norm(header)) for p in profiles)

    files, sheets = read_sheets(spec, data, known, extra)
    collector = Collector(spec, "", data)
    auto = [strftime_formats(spec.options["date_format"], p.auto_dates) for p in profiles]
    used_formats: tuple[str, ...] | None = None
    several = files > 1
    read = 0
    for sheet in sheets:            # read one file at a time: only one sheet is held
        read += 1
        if collector.rows_read > spec.options.get("max_rows", MAX_ROWS):
            sheet.close()
            break
        try:
            used_formats = _read_sheet(sheet, profiles, forced, spec, data, several, hints, collector,
                                       auto, used_formats)
        finally:
            sheet.close()           # a sheet passed over is not read past its header
    if data.errors and not read:
        return data
    return collector.finish(used_formats or auto[0])


def _read_sheet(sheet: Sheet, profiles: Sequence[Profile], forced: bool, spec, data: SourceData,
                several: bool, hints: Sequence[Profile], collector: Collector,
                auto: list[tuple[str, ...]], used_formats: tuple[str, ...] | None):
    """Interpret one sheet's rows with the profile that recognises it; returns the date formats
    used so far."""
    chosen = _choose(sheet, profiles, forced, spec, data, several, hints)
    if chosen is None:
        return used_formats
    profile, layout = chosen
    problems = apply_columns(layout, spec.columns, profile.default_entity(layout), profile.fields,
                             sheet.display, spec.index)
    if problems:
        data.errors += problems
        return used_formats
    collector.prefix, collector.org_word = profile.prefix, profile.org_word
    collector.start(sheet)
    most = spec.options.get("max_rows", MAX_ROWS)
    for cells, line in sheet.records():
        collector.rows_read += 1
        if collector.rows_read > most:
            data.errors.append(Problem(sheet.display, f"expected at most {most:,} rows in this source "
                                       f"(max_rows in [[sources]] #{spec.index}), found more: the rows "
                                       "from here on are not read", str(line)))
            break
        profile.interpret(Row(cells, layout, sheet, line), collector)
    collector.end()
    return used_formats if used_formats is not None else auto[profiles.index(profile)]


def _choose(sheet: Sheet, profiles: Sequence[Profile], forced: bool, spec, data: SourceData,
            several: bool, hints: Sequence[Profile]) -> tuple[Profile, Layout] | None:
    candidates = []
    for profile in profiles:
        layout = profile.recognise(sheet.headers)
        if layout is not None:
            candidates.append((layout.score, profile, layout))
    candidates.sort(key=lambda c: -c[0])
    if not candidates:
        if forced:
            profile = profiles[0]
            message = (f"expected a {profile.label} export ({profile.objects}), found headers "
                       f"{_headline(sheet.headers)}")
            hint = _other_crm(sheet.headers, profile, hints)
            problem = Problem(sheet.display, message + hint, "1")
        else:
            problem = Problem(sheet.display, "expected a CRM export (HubSpot, Pipedrive, Salesforce or "
                              f"Odoo), found headers {_headline(sheet.headers)}: set type and, for "
                              "headers of your own, columns", "1")
        # inside a folder or .zip, files that are no export of ours are passed over
        (data.warnings if several else data.errors).append(
            Problem(problem.source, problem.message + (": skipped" if several else ""), "1"))
        return None
    if len(candidates) > 1 and candidates[1][0] * 1.5 >= candidates[0][0]:
        names = " or ".join(f'{c[1].label} (type = "{c[1].type}")' for c in candidates[:3])
        data.errors.append(Problem(sheet.display, f"could be an export of {names}, judging by the "
                                   f"headers {_headline(sheet.headers)}: set the type in [[sources]] "
                                   f"#{spec.index}", "1"))
        return None
    return candidates[0][1], candidates[0][2]


def _other_crm(headers: list[str], profile: Profile, others: Sequence[Profile]) -> str:
    """A hint when another CRM recognises the headers: "it looks like a Pipedrive export"."""
    for other in others:
        if other.type != profile.type and other.recognise(headers) is not None:
            return f'; it looks like a {other.label} export: set type = "{other.type}"'
    return ""


def reader_for(profile: Profile, others: Sequence[Profile] = ()) -> SourceReader:
    """The ``SourceReader`` of one CRM type; ``others`` are the profiles its hints may name."""
    def read(spec, config) -> SourceData:
        return read_with(spec, [profile], hints=others)
    read.__doc__ = f"Read a {profile.label} export ({profile.objects})."
    return SourceReader(profile.type, read, OPTIONS, profile.describe)
