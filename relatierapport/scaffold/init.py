"""``relatierapport init``: a new project with a commented config.toml and sample data.

The config is written with tomli-w from the options the plugins declare, each
key preceded by its help text, so the file documents itself and can never
drift from what the plugins accept. The repository's own example project is
made by the same code (``scripts/make_example.py``), only larger.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import tomli_w

from relatierapport.business import BUSINESS
from relatierapport.config import GOAL_OPTIONS, PROJECT, SOURCE_OPTIONS
from relatierapport.scaffold.example import goal_templates, write_example_data
from relatierapport.options import OptionGroup

SCAFFOLD = Path(__file__).parent

#: The sample data files, the table each fills, and its Dutch headers mapped to model fields.
SAMPLE_SOURCES: tuple[tuple[str, str, dict[str, str]], ...] = (
    ("data/medewerkers.csv", "employees", {"id": "Medewerker", "name": "Naam", "team": "Team",
                                           "email": "E-mail"}),
    ("data/relaties.csv", "relations", {
        "id": "Relatienr", "name": "Naam", "kind": "Soort", "role": "Rol", "owner": "Accountmanager",
        "organisation": "Organisatie", "category": "Categorie", "phase": "Fase",
        "since": "Relatie sinds", "email": "E-mail", "phone": "Telefoon", "city": "Plaats",
        "tags": "Labels"}),
    ("data/contactmomenten.csv", "touchpoints", {
        "relation": "Relatienr", "date": "Datum", "employee": "Medewerker", "channel": "Kanaal",
        "direction": "Richting", "kind": "Soort", "signals": "Signalen", "notes": "Notities"}),
    ("data/opdrachten.csv", "business", {"relation": "Relatienr", "date": "Datum", "amount": "Bedrag",
                                         "hours": "Uren", "kind": "Soort", "status": "Status"}),
    ("data/enquetes.csv", "surveys", {"subject": "Onderwerp", "kind": "Soort", "date": "Datum",
                                      "score": "Score", "scale": "Schaal"}),
    ("data/gebeurtenissen.csv", "events", {"relation": "Relatienr", "date": "Datum", "kind": "Soort",
                                           "notes": "Notities"}),
    ("data/doelen.csv", "goals", {"id": "Doel", "scope": "Bereik", "metric": "Maatstaf",
                                  "baseline": "Basis", "target": "Doelwaarde", "start": "Start",
                                  "end": "Eind", "owner": "Eigenaar"}),
)
#: How the sample CSVs are written: as Dutch Excel saves "CSV UTF-8".
SAMPLE_FORMAT = {"delimiter": ";", "decimal": ",", "date_format": ["dd-mm-yyyy"], "encoding": "utf-8"}
FORMAT_HELP = {
    "delimiter": "Field separator; \"auto\" detects it from the header line.",
    "decimal": "Decimal mark in numbers: \",\" as Dutch Excel writes, or \".\".",
    "date_format": "Date formats tried in order, e.g. \"dd-mm-yyyy\" or \"yyyy-mm-dd\".",
    "encoding": "utf-8 (a BOM is fine); cp1252 for CSVs saved by older Excel on Windows.",
}


def toml_value(value: Any) -> str:
    """One TOML value as tomli-w writes it; tables inline so each key stays on one line."""
    if isinstance(value, dict):
        inner = ", ".join(f"{toml_key(k)} = {toml_value(v)}" for k, v in value.items())
        return "{ " + inner + " }" if inner else "{}"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    return tomli_w.dumps({"v": value}).split("=", 1)[1].strip()


def toml_key(key: str) -> str:
    return tomli_w.dumps({key: 0}).rsplit("=", 1)[0].strip()


def _comment(text: str) -> list[str]:
    return [f"# {line}" if line else "#" for line in text.splitlines()] if text else []


def _section(header: str, group: OptionGroup, values: dict[str, Any]) -> list[str]:
    lines = ["", *_comment(group.help), header]
    for option in group.options:
        value, why = SAMPLE_SETTINGS.get((group.section, option.name),
                                         (values.get(option.name, option.default), ""))
        lines += _comment(option.help) + _comment(why)
        lines.append(f"{toml_key(option.name)} = {toml_value(value)}")
    return lines


GOALS_HELP = """\
Goals: each report checks every goal (SMART), and shows its progress, status and
projection (docs/analyses/goals.md). Below are the method's goals per category; set your
own dates, targets and owners. Goals may also come from a table: a source with
table = "goals" (data/doelen.csv here)."""


def _goals(goals: list[dict[str, Any]]) -> list[str]:
    """``[[goals]]`` tables; the first explains its keys, and the optional ones it leaves out."""
    lines = ["", *_comment(GOALS_HELP)]
    helps = {option.name: option.help for option in GOAL_OPTIONS}
    for number, goal in enumerate(goals):
        lines += ["", "[[goals]]"]
        for key, value in goal.items():
            lines += _comment(helps[key]) if number == 0 else []
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
        if number == 0:
            left_out = [option for option in GOAL_OPTIONS if option.name not in goal]
            lines += _comment("Optional keys, not set here:\n" + "\n".join(
                f"  {option.name}: {option.help}" for option in left_out))
    return lines


# Settings of the sample project that differ from the defaults: (option section, name) ->
# (value, why, written above it). Referrals and regularity are small counts: most relations
# share 0 or 1, and quintiles of tied ranks then skip scores (every 0 scores 1, the next
# value 4). Fixed boundaries score the counts.
SAMPLE_SETTINGS = {
    ("plugins.segmentation", "r_thresholds"): (
        {"referrals": [1, 2, 3, 5], "regularity": [1, 2, 4, 6]},
        "Set here for the counts (referrals, won deals): with quintiles, ties would skip scores."),
}


def config_text(name: str, groups: list[OptionGroup], goals: list[dict[str, Any]] = ()) -> str:
    """The commented config.toml of a new project."""
    lines = ["# relatierapport project configuration.",
             "# Every key below is explained above it; change what fits your organisation.",
             "# `relatierapport check` validates this file and the data without rendering."]
    lines += _section("[project]", PROJECT, {"name": name, "author": name})
    lines += _section("[business]", BUSINESS, {})
    source_help = {option.name: option.help for option in SOURCE_OPTIONS}
    lines += ["", "# One [[sources]] table per file. The sample files are Dutch Excel CSVs."]
    for number, (path, table, columns) in enumerate(SAMPLE_SOURCES):
        explain = _comment if number == 0 else (lambda text: [])   # the first one explains
        lines += ["", "[[sources]]", *explain(source_help["type"]), 'type = "csv"',
                  *explain(source_help["path"]), f"path = {toml_value(path)}",
                  *explain(source_help["table"]), f"table = {toml_value(table)}"]
        for key, value in SAMPLE_FORMAT.items():
            lines += [*explain(FORMAT_HELP[key]), f"{key} = {toml_value(value)}"]
        lines += [*explain(source_help["columns"]), f"columns = {toml_value(columns)}"]
    if goals:
        lines += _goals(list(goals))
    for group in sorted(groups, key=lambda g: g.section):
        if group.section.startswith("plugins."):
            lines += _section(f"[{group.section}]", group, {})
    return "\n".join(lines) + "\n"


def init_project(target: Path, *, name: str = "Voorbeeld Werving & Selectie", clients: int = 10,
                 candidates: int = 15, employees: int = 3, overwrite: bool = False) -> list[Path]:
    """Write a new project; refuses a non-empty folder unless ``overwrite``."""
    from relatierapport.errors import ConfigError, Problem
    from relatierapport.plugins import make_plugins

    if target.exists() and any(target.iterdir()) and not overwrite:
        raise ConfigError([Problem(str(target), "expected a new or empty folder; "
                                   "init never overwrites an existing project")])
    target.mkdir(parents=True, exist_ok=True)
    write_example_data(target / "data", clients=clients, candidates=candidates, employees=employees)
    (target / "templates").mkdir(exist_ok=True)
    (target / "templates" / "README.md").write_text(
        (SCAFFOLD / "templates-README.md").read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(SCAFFOLD / "plugins", target / "plugins", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    plugins = make_plugins(target.resolve())
    (target / "config.toml").write_text(config_text(name, plugins.option_groups(),
                                                    goal_templates(employees)), encoding="utf-8")
    return sorted(p for p in target.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
