"""``relatierapport init``: a new project with a commented config.toml and sample data.

The config is written with tomli-w from the options the plugins declare, each
key preceded by its help text, so the file documents itself and can never
drift from what the plugins accept. The repository's own example project is
made by the same code (``scripts/make_example.py``), only larger.
"""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import tomli_w

from relatierapport.business import BUSINESS
from relatierapport.config import GOAL_OPTIONS, PROJECT, SOURCE_OPTIONS
from relatierapport.scaffold.comments import LANGUAGES, comment
from relatierapport.scaffold.example import DATA_END, goal_templates, write_example_data
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
#: The report date the sample data is made for: the day after it ends, so every section of
#: the report has something to show whenever the project is built.
SAMPLE_AS_OF = DATA_END + dt.timedelta(days=1)


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


def _section(header: str, group: OptionGroup, values: dict[str, Any], language: str) -> list[str]:
    lines = ["", *_comment(comment(language, group.section, group.help)), header]
    for option in group.options:
        key = f"{group.section} {option.name}"
        value = SAMPLE_SETTINGS.get((group.section, option.name),
                                    values.get(option.name, option.default))
        if value is None:
            continue            # a key without a default is left out: it says "not set"
        lines += _comment(comment(language, key, option.help)) + _comment(comment(language, f"why {key}"))
        lines.append(f"{toml_key(option.name)} = {toml_value(value)}")
    return lines


def _goals(goals: list[dict[str, Any]], language: str) -> list[str]:
    """``[[goals]]`` tables; the first explains its keys, and the optional ones it leaves out."""
    lines = ["", *_comment(comment(language, "goals.intro"))]
    helps = {option.name: comment(language, f"goals {option.name}", option.help)
             for option in GOAL_OPTIONS}
    for number, goal in enumerate(goals):
        lines += ["", "[[goals]]"]
        for key, value in goal.items():
            lines += _comment(helps[key]) if number == 0 else []
            lines.append(f"{toml_key(key)} = {toml_value(value)}")
        if number == 0:
            left_out = [option for option in GOAL_OPTIONS if option.name not in goal]
            lines += _comment(comment(language, "goals.optional") + "\n" + "\n".join(
                f"  {option.name}: {helps[option.name]}" for option in left_out))
    return lines


# Settings of the sample project that differ from the defaults: (option section, name) ->
# value; why is the comment "why <section> <name>", written above it. Referrals and
# regularity are small counts: most relations share 0 or 1, and quintiles of tied ranks then
# skip scores (every 0 scores 1, the next value 4). Fixed boundaries score the counts.
SAMPLE_SETTINGS = {
    ("project", "as_of"): SAMPLE_AS_OF,
    ("plugins.segmentation", "r_thresholds"): {"referrals": [1, 2, 3, 5], "regularity": [1, 2, 4, 6]},
}


def config_text(name: str, groups: list[OptionGroup], goals: list[dict[str, Any]] = (),
                language: str = "nl") -> str:
    """The commented config.toml of a new project, its comments in ``language`` (nl or en)."""
    if language not in LANGUAGES:
        raise ValueError(f"expected a language from {', '.join(LANGUAGES)}, found {language!r}")
    lines = _comment(comment(language, "header"))
    lines += _section("[project]", PROJECT, {"name": name, "author": name, "language": language},
                      language)
    lines += _section("[business]", BUSINESS, {}, language)
    source_help = {option.name: comment(language, f"sources {option.name}", option.help)
                   for option in SOURCE_OPTIONS}
    lines += ["", *_comment(comment(language, "sources.intro"))]
    for number, (path, table, columns) in enumerate(SAMPLE_SOURCES):
        explain = _comment if number == 0 else (lambda text: [])   # the first one explains
        lines += ["", "[[sources]]", *explain(source_help["type"]), 'type = "csv"',
                  *explain(source_help["path"]), f"path = {toml_value(path)}",
                  *explain(source_help["table"]), f"table = {toml_value(table)}"]
        for key, value in SAMPLE_FORMAT.items():
            lines += [*explain(comment(language, f"format {key}")), f"{key} = {toml_value(value)}"]
        lines += [*explain(source_help["columns"]), f"columns = {toml_value(columns)}"]
    if goals:
        lines += _goals(list(goals), language)
    for group in sorted(groups, key=lambda g: g.section):
        if group.section.startswith("plugins."):
            lines += _section(f"[{group.section}]", group, {}, language)
    return "\n".join(lines) + "\n"


def init_project(target: Path, *, name: str = "Voorbeeld Werving & Selectie", clients: int = 10,
                 candidates: int = 15, employees: int = 3, overwrite: bool = False,
                 language: str = "nl") -> list[Path]:
    """Write a new project, its config.toml commented in ``language`` (and its reports in it);
    refuses a non-empty folder unless ``overwrite``."""
    from relatierapport.errors import ConfigError, Problem
    from relatierapport.plugins import make_plugins

    if target.exists() and any(target.iterdir()) and not overwrite:
        raise ConfigError([Problem(str(target), "expected a new or empty folder; "
                                   "init never overwrites an existing project")])
    target.mkdir(parents=True, exist_ok=True)
    write_example_data(target / "data", clients=clients, candidates=candidates, employees=employees,
                       end=DATA_END)
    (target / "templates").mkdir(exist_ok=True)
    (target / "templates" / "README.md").write_text(
        (SCAFFOLD / "templates-README.md").read_text(encoding="utf-8"), encoding="utf-8")
    shutil.copytree(SCAFFOLD / "plugins", target / "plugins", dirs_exist_ok=True,
                    ignore=shutil.ignore_patterns("__pycache__"))
    plugins = make_plugins(target.resolve())
    (target / "config.toml").write_text(config_text(name, plugins.option_groups(),
                                                    goal_templates(employees, DATA_END), language),
                                        encoding="utf-8")
    return sorted(p for p in target.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
