"""Load config.toml and validate it against the options the loaded plugins declare.

Every problem is collected and reported at once, as
``config.toml: [section] key: expected …, found …``. Unknown keys are warnings
(errors under ``--strict``).
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import datetime as dt
import functools
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator

from relatierapport.business import BUSINESS, MOVED
from relatierapport.errors import ConfigError, Problem, ProblemsError, did_you_mean
from relatierapport.sources.identity import IDENTITY
from relatierapport.model import TABLES, Goal
from relatierapport.options import (_NOTHING, Date, ListOf, Number, Option, OptionGroup, OptionValueError,
                                    Table, Text)
from relatierapport.toml_lines import KeyLines

TOP_LEVEL = ("project", "sources", "identity", "business", "build", "plugins", "goals")

#: The [project] section; owned by the core because it decides which plugins load.
PROJECT = OptionGroup("project", (
    Option("name", Text(), "Relatierapport", "The organisation or portfolio name shown on every page."),
    Option("language", Text(choices=("nl", "en")), "nl", "Language of the reports: nl or en."),
    Option("output", Text(), "site", "Output folder, relative to the project folder."),
    Option("author", Text(), "", "Author in the PDF metadata (defaults to the name)."),
    Option("disable_plugins", ListOf(Text()), [], "Plugins not to load, by name (see `relatierapport plugins`)."),
    Option("as_of", Date(), None, "The report date, e.g. 2026-11-01 (a TOML date, no quotes): the "
           "report is made as on that day. Left out: today. `--as-of` on the command line overrides it."),
), "The project as a whole.")

#: Address schemes a Dask scheduler listens on (distributed's comm backends).
SCHEDULER_SCHEMES = ("tcp", "tls", "ws", "wss", "ucx", "inproc")


def scheduler_problem(address: str) -> str | None:
    """What is wrong with a Dask scheduler address ("tcp://10.0.0.5:8786"), or None."""
    scheme, separator, rest = address.partition("://")
    if not separator:
        scheme, rest = "tcp", address           # Dask reads "10.0.0.5:8786" as tcp://
    if scheme not in SCHEDULER_SCHEMES or not rest.strip() or any(c.isspace() for c in address):
        return ('expected a Dask scheduler address such as "tcp://10.0.0.5:8786" (schemes: '
                f'{", ".join(SCHEDULER_SCHEMES)})')
    return None


#: The [build] section: how the build runs, not what it shows.
BUILD = OptionGroup("build", (
    Option("scheduler", Text(), None,
           'A Dask distributed scheduler, e.g. "tcp://10.0.0.5:8786": the PDFs are rendered on its '
           "cluster and written here (needs the extra relatierapport[dask] here and on every "
           "worker). The pages go to the cluster's workers with the relation data in them. Left "
           "out: on this machine. `--scheduler` on the command line overrides it.",
           check=scheduler_problem),
), "How the build runs (not what it shows): where the PDFs are rendered. See the manual's "
   "page Beyond one machine.")

#: Keys every [[sources]] table has, whatever its type.
SOURCE_OPTIONS: tuple[Option, ...] = (
    Option("type", Text(), None, "Which reader reads this source: csv, xlsx, vcard, hubspot, pipedrive, "
           "salesforce, odoo, crm, or a plugin's type.", required=True),
    Option("path", Text(), None, "The file or folder, relative to the project folder.", required=True),
    Option("table", Text(choices=TABLES), None,
           "Which model table the file fills, for sources that hold one table."),
    Option("columns", Table(Text()), {},
           "Model field = header in the file, for headers that differ from the field names."),
    Option("name", Text(), None, "A label for this source in messages and in check's summary."),
)

#: Keys of a [[goals]] table: the fields of a goals table row, plus the baseline period.
GOAL_OPTIONS: tuple[Option, ...] = (
    Option("id", Text(), None, "A short unique name, shown in the report and report.json.",
           required=True),
    Option("scope", Text(), "portfolio", "Whose result counts: portfolio, category:A, "
           "segment:invest, relation:<relation id> or owner:<employee id>."),
    Option("metric", Text(), None, "What is measured: revenue, revenue_growth (% against the "
           "baseline period), touchpoints, referrals, satisfaction, satisfaction_change (points "
           "against the baseline period), retention, new_relations, or a plugin's metric."),
    Option("baseline", Number(), None, "The value the goal starts from (optional: the baseline "
           "period's value from the data when left out)."),
    Option("target", Number(), None, "The value to reach by the end date."),
    Option("start", Date(), None, "First day of the goal's period."),
    Option("end", Date(), None, "Last day of the goal's period: the goal is evaluated after it."),
    Option("owner", Text(), None, "The employee id of whoever answers for the goal."),
    Option("baseline_start", Date(), None, "First day of the baseline period (with baseline_end); "
           "default: the period of the goal's length right before start."),
    Option("baseline_end", Date(), None, "Last day of the baseline period."),
    Option("limit", Text(), None, "Makes the target a limit that is met or not, instead of a "
           "value to reach: at_least (a floor, e.g. revenue_growth at least -25) or at_most (a "
           "ceiling); Dutch minimaal and maximaal too."),
    Option("aim", Text(), None, "Which of the method's three aims the goal serves: extend "
           "(verlengen: keep the relationship longer), expand (verhogen: more spend) or improve "
           "(verbeteren: better operations); default: the metric's."),
)


@dataclass(frozen=True)
class SourceSpec:
    """One validated ``[[sources]]`` table."""

    index: int                     # 1-based position in config.toml
    type: str
    path: Path                     # absolute, inside the project
    display: str                   # path as the user wrote it, for messages
    table: str | None
    columns: dict[str, str]
    options: dict[str, Any]
    name: str | None = None

    @property
    def label(self) -> str:
        return self.name or self.display


@dataclass
class Config:
    """The validated configuration of one run, plus the run's own settings."""

    path: Path
    root: Path
    raw: dict[str, Any]
    sections: dict[str, dict[str, Any]] = field(default_factory=dict)
    sources: list[SourceSpec] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    as_of: dt.date = field(default_factory=dt.date.today)
    strict: bool = False
    goals: list[Goal] = field(default_factory=list)     # the [[goals]] tables; goals tables are data

    @property
    def project(self) -> dict[str, Any]:
        return self.sections.get("project", {})

    @property
    def language(self) -> str:
        return self.project.get("language", "nl")

    @property
    def business(self) -> dict[str, Any]:
        """The validated ``[business]`` table (defaults filled in): facts several plugins use."""
        return self.sections.get("business") or BUSINESS.defaults()

    def plugin(self, name: str) -> dict[str, Any]:
        """The validated options of ``[plugins.<name>]`` (defaults filled in)."""
        return self.sections.get(f"plugins.{name}", {})


def display_name(path: Path) -> str:
    return path.name


def disabled_plugins(raw: dict[str, Any]) -> set[str]:
    """Read [project] disable_plugins before plugins load (it is validated again later)."""
    names = raw.get("project", {}).get("disable_plugins", []) if isinstance(raw.get("project"), dict) else []
    return {name for name in names if isinstance(name, str)} if isinstance(names, list) else set()


def read_toml(path: Path) -> dict[str, Any]:
    """Parse config.toml; a missing file, text that is not UTF-8 or a syntax error is a
    configuration error. A UTF-8 byte order mark (Windows editors write one) is allowed. One
    build reads the file more than once (configuring, what the preview watches), so a text is
    parsed once; every caller gets a copy of its own."""
    name = display_name(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError([Problem(name, f"not found at {path} (run `relatierapport init DIR` "
                                         "to make a project, or pass --config PATH)")]) from None
    except OSError as exc:
        raise ConfigError([Problem(name, f"cannot be read: {exc}")]) from None
    return copy.deepcopy(_parsed(name, data))


@functools.lru_cache(maxsize=4)
def _parsed(name: str, data: bytes) -> dict[str, Any]:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ConfigError([Problem(name, "is saved as UTF-16; expected UTF-8 text, as TOML files "
                                         "are: save it again with the encoding UTF-8")])
    body = data.removeprefix(b"\xef\xbb\xbf")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = body.count(b"\n", 0, exc.start) + 1
        column = len(body[body.rfind(b"\n", 0, exc.start) + 1:exc.start].decode("utf-8", "replace")) + 1
        raise ConfigError([Problem(name, f"is not UTF-8 text: byte 0x{body[exc.start]:02X} in column "
                                         f"{column} (perhaps saved as Windows-1252 or Latin-1); "
                                         "expected UTF-8, as TOML files are: save it again with the "
                                         "encoding UTF-8", str(line))]) from None
    try:
        return tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        at = _TOML_AT.search(str(exc))
        message = str(exc)[:at.start()] if at else str(exc)
        raise ConfigError([Problem(name, f"is not valid TOML: {message}" + (
            f" (column {at[2]})" if at else ""), at[1] if at else "")]) from None


_TOML_AT = re.compile(r" \(at line (\d+), column (\d+)\)$")


def key_lines(path: Path) -> KeyLines:
    """Where each key of the file is (nothing when it cannot be read)."""
    try:
        return KeyLines.read(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError):
        return KeyLines()


def locate(problems: list[Problem], path: Path, lines: KeyLines | None = None) -> list[Problem]:
    """Problems about config.toml with the line of what their field names: ``config.toml:12:
    [plugins.health] weigths: …`` (the key's line, else its table's). Others are left as they are;
    a record from config.toml located by its table (``[[goals]] #4``) gets that table's line."""
    name = display_name(path)
    result = []
    for problem in problems:
        ours = problem.source in (name, "config.toml")
        if ours and problem.source != name:   # a source reader names the config by its usual name
            problem = dataclasses.replace(problem, source=name)
        if ours and problem.location.startswith("["):      # a record's origin: "[[goals]] #4"
            problem = dataclasses.replace(problem, location="", field=" ".join(
                part for part in (problem.location, problem.field) if part))
        if ours and not problem.location and problem.field.startswith("["):
            lines = lines if lines is not None else key_lines(path)
            line = lines.line_of(problem.field)
            if line is not None:
                problem = dataclasses.replace(problem, location=str(line))
        result.append(problem)
    return result


def relocated(error: ProblemsError, path: Path) -> ProblemsError:
    """The same error with its config.toml problems located (see ``locate``)."""
    problems = locate(error.problems, path)
    if all(a is b for a, b in zip(problems, error.problems)):
        return error
    try:
        return type(error)(problems)
    except TypeError:            # a subclass made otherwise: keep it as it was
        return error


@contextlib.contextmanager
def errors_located(path: Path) -> Iterator[None]:
    """Problems about config.toml raised anywhere in a run (an output's or mail's check of its
    options) leave with the line of the key they name."""
    try:
        yield
    except ProblemsError as error:
        located = relocated(error, path)
        if located is error:
            raise
        raise located from error


def _found(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a table"
    if isinstance(value, list):
        return f"a list of {len(value)}"
    return repr(value)


_CHOICES = re.compile(r'expected one of ((?:"[^"]*"(?:, )?)+)$')


def _choice(error: ValueError, value: Any) -> str:
    """"; did you mean "touchpoints"?" when a text is close to one of the choices it missed."""
    match = _CHOICES.match(str(error))
    if not match or not isinstance(value, str):
        return ""
    return did_you_mean(value, re.findall(r'"([^"]*)"', match[1]), '"{}"')


class _Checker:
    """Collects problems while validating sections."""

    def __init__(self, file: str):
        self.file = file
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []

    def section(self, label: str, values: Any, options: tuple[Option, ...],
                refused: dict[str, str] | None = None) -> dict[str, Any]:
        if not isinstance(values, dict):
            self.errors.append(Problem(self.file, f"expected a table, found {_found(values)}",
                                       field=label))
            return {option.name: option.default for option in options}
        known = {option.name: option for option in options}
        result: dict[str, Any] = {}
        for option in options:
            if option.name not in values:
                if option.required:
                    self.errors.append(Problem(self.file, f"is required: {option.help}",
                                               field=f"{label} {option.name}"))
                result[option.name] = option.default
                continue
            value = values[option.name]
            try:
                converted = option.type.convert(value)
                problem = option.check(converted) if option.check else None
                if problem:
                    raise ValueError(problem)
            except OptionValueError as exc:
                path = "".join(p if p.startswith("[") else f".{p}" for p in exc.path)
                found = "nothing" if exc.value is _NOTHING else _found(exc.value)
                self.errors.append(Problem(self.file, f"{exc}, found {found}{_choice(exc, exc.value)}",
                                           field=f"{label} {option.name}{path}"))
                converted = option.default
            except ValueError as exc:
                self.errors.append(Problem(self.file, f"{exc}, found {_found(value)}{_choice(exc, value)}",
                                           field=f"{label} {option.name}"))
                converted = option.default
            result[option.name] = converted
        for key in values:
            if key in (refused or {}):
                self.errors.append(Problem(self.file, f"{refused[key]}, found a value (not shown)",
                                           field=f"{label} {key}"))
            elif key not in known:
                self.warnings.append(Problem(
                    self.file, f"unknown key{did_you_mean(key, known)} "
                    f"(known keys: {', '.join(sorted(known)) or 'none'})", field=f"{label} {key}"))
        return result


def validate(raw: dict[str, Any], path: Path, groups: list[OptionGroup],
             readers: dict[str, Any]) -> Config:
    """Check ``raw`` against the declared option groups and source readers."""
    file = display_name(path)
    root = path.parent.resolve()
    checker = _Checker(file)
    declared = {group.section: group for group in groups}
    declared["project"] = PROJECT

    for key in raw:
        if key not in TOP_LEVEL:
            guess = did_you_mean(key, TOP_LEVEL, "[{}]")
            checker.warnings.append(Problem(file, f"unknown section{guess} (known: "
                                            f"{', '.join(TOP_LEVEL)})", field=f"[{key}]"))

    sections = {"project": checker.section("[project]", raw.get("project", {}),
                                           declared["project"].options),
                "identity": checker.section("[identity]", raw.get("identity", {}), IDENTITY.options),
                "build": checker.section("[build]", raw.get("build", {}), BUILD.options)}
    plugin_tables = raw.get("plugins", {})
    if not isinstance(plugin_tables, dict):
        checker.errors.append(Problem(file, "expected tables [plugins.NAME]", field="[plugins]"))
        plugin_tables = {}
    sections["business"] = _business(raw.get("business", {}), plugin_tables, checker)
    for section, group in sorted(declared.items()):
        if section.startswith("plugins."):
            table = plugin_tables.get(section[8:], {})
            if isinstance(table, dict) and section in MOVED:
                table = {key: value for key, value in table.items() if key not in MOVED[section]}
            sections[section] = checker.section(f"[{section}]", table, group.options, group.refused)
    plugin_sections = [section for section in declared if section.startswith("plugins.")]
    for name in plugin_tables:
        if f"plugins.{name}" not in declared:
            guess = did_you_mean(f"plugins.{name}", plugin_sections, "[{}]")
            checker.warnings.append(Problem(file, f"no loaded plugin declares options by this "
                                            f"name{guess}", field=f"[plugins.{name}]"))

    sources = _sources(raw.get("sources", []), root, readers, checker)
    goals = _goals(raw.get("goals", []), checker)
    lines = key_lines(path) if checker.errors or checker.warnings else KeyLines()
    if checker.errors:
        raise ConfigError(locate(checker.errors, path, lines))
    return Config(path=path, root=root, raw=raw, sections=sections, sources=sources,
                  warnings=locate(checker.warnings, path, lines), goals=goals)


def _business(values: Any, plugin_tables: dict[str, Any], checker: _Checker) -> dict[str, Any]:
    """``[business]``, with a key still written in the plugin table it moved from carried over
    (validated there, with a warning), unless ``[business]`` sets it too."""
    result = checker.section("[business]", values, BUSINESS.options)
    given = values if isinstance(values, dict) else {}
    for section, keys in MOVED.items():
        table = plugin_tables.get(section.removeprefix("plugins."))
        for key in keys:
            if not isinstance(table, dict) or key not in table:
                continue
            moved = f"moved to [business] {key}"
            if key in given:
                checker.warnings.append(Problem(checker.file, f"{moved}, which sets it too; "
                                                "this value is ignored", field=f"[{section}] {key}"))
                continue
            checker.warnings.append(Problem(checker.file, moved, field=f"[{section}] {key}"))
            option = next(option for option in BUSINESS.options if option.name == key)
            result[key] = checker.section(f"[{section}]", {key: table[key]}, (option,))[key]
    return result


def _goals(tables: Any, checker: _Checker) -> list[Goal]:
    """``[[goals]]`` tables as ``Goal`` records: the types checked here, whether the goal is SMART
    by the goals analysis (as for goals from a table)."""
    if not isinstance(tables, list):
        checker.errors.append(Problem(checker.file, f"expected [[goals]] tables, found "
                                      f"{_found(tables)}", field="[goals]"))
        return []
    goals, seen = [], {}
    for index, table in enumerate(tables, start=1):
        label = f"[[goals]] #{index}"
        before = len(checker.errors)
        values = checker.section(label, table, GOAL_OPTIONS)
        goal_id = values["id"]
        if isinstance(goal_id, str) and goal_id in seen:
            checker.errors.append(Problem(checker.file, f"expected a unique id, found {goal_id!r} "
                                          f"again (first in [[goals]] #{seen[goal_id]})",
                                          field=f"{label} id"))
        elif isinstance(goal_id, str):
            seen[goal_id] = index
        if (values["baseline_start"] is None) != (values["baseline_end"] is None):
            given = "baseline_start" if values["baseline_start"] else "baseline_end"
            checker.errors.append(Problem(checker.file, "expected baseline_start and baseline_end "
                                          f"together, found only {given}", field=f"{label} {given}"))
        elif values["baseline_start"] and values["baseline_end"] < values["baseline_start"]:
            checker.errors.append(Problem(checker.file, "expected a date on or after baseline_start, "
                                          f"found {values['baseline_end']}",
                                          field=f"{label} baseline_end"))
        if len(checker.errors) > before:
            continue
        text = {key: values[key] or None for key in ("metric", "owner")}
        goals.append(Goal(**{**values, **text}, origin=f"{checker.file}:{label}"))
    return goals


def _sources(tables: Any, root: Path, readers: dict[str, Any], checker: _Checker) -> list[SourceSpec]:
    if not isinstance(tables, list):
        checker.errors.append(Problem(checker.file, "expected [[sources]] tables", field="[sources]"))
        return []
    specs = []
    for index, table in enumerate(tables, start=1):
        label = f"[[sources]] #{index}"
        kind = table.get("type") if isinstance(table, dict) else None
        reader = readers.get(kind) if isinstance(kind, str) else None
        if isinstance(kind, str) and reader is None:
            guess = did_you_mean(kind, readers, '"{}"')
            checker.errors.append(Problem(checker.file, f'expected one of {", ".join(sorted(readers))}, '
                                          f"found {_found(kind)}{guess}", field=f"{label} type"))
        options = SOURCE_OPTIONS + (reader.options if reader else ())
        values = checker.section(label, table, options)
        columns = values.get("columns") or {}
        if not isinstance(values.get("path"), str):
            continue
        path = (root / values["path"]).resolve()
        if not path.is_relative_to(root):
            checker.errors.append(Problem(checker.file, "expected a path inside the project folder "
                                          f"({root}); relation data is never read from elsewhere, "
                                          f"found {_found(values['path'])}", field=f"{label} path"))
            continue
        if not path.exists():
            checker.errors.append(Problem(checker.file, f"expected an existing file or folder, "
                                          f"found nothing at {_found(values['path'])}",
                                          field=f"{label} path"))
            continue
        if reader is None:
            continue
        extra = {key: value for key, value in values.items()
                 if key not in {o.name for o in SOURCE_OPTIONS}}
        specs.append(SourceSpec(index=index, type=kind, path=path, display=values["path"],
                                table=values.get("table"), columns=columns, options=extra,
                                name=values.get("name")))
    return specs
