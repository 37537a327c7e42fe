"""The report date from config.toml or the command line, and `init` in the user's language."""

from __future__ import annotations

import datetime as dt
import json
import tomllib

import pytest

from conftest import cli, write_project
from relatierapport.config import GOAL_OPTIONS, PROJECT, SOURCE_OPTIONS
from relatierapport.business import BUSINESS
from relatierapport.plugins import make_plugins
from relatierapport.scaffold.comments import DUTCH, ENGLISH
from relatierapport.scaffold.example import DATA_END


def report_date(config) -> str:
    site = config.parent / "site" / "report.json"
    return json.loads(site.read_text(encoding="utf-8"))["as_of"]


def test_the_report_date_comes_from_config_unless_the_command_line_gives_one(tmp_path):
    config = write_project(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "Testbureau"', 'name = "Testbureau"\nas_of = 2026-11-01'), encoding="utf-8")
    assert cli("build", "--config", config, "--format", "json").exit_code == 0
    assert report_date(config) == "2026-11-01"
    assert cli("build", "--config", config, "--format", "json", "--as-of", "15-10-2026").exit_code == 0
    assert report_date(config) == "2026-10-15"
    result = cli("check", "--config", config, "--as-of", "2026-10-15")
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("value", ['"01-11-2026"', '"gisteren"', "2026-11-01T10:00:00"])
def test_a_report_date_in_config_that_is_no_date_names_the_key(tmp_path, value):
    config = write_project(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "Testbureau"', f'name = "Testbureau"\nas_of = {value}'), encoding="utf-8")
    result = cli("check", "--config", config)
    assert result.exit_code == 2
    assert "config.toml:3: [project] as_of: expected a date (YYYY-MM-DD), found" in result.output


@pytest.mark.parametrize("command", ["build", "check"])
def test_as_of_takes_both_date_forms_and_names_them_when_neither_fits(project, command):
    extra = ("--format", "json") if command == "build" else ()
    assert cli(command, "--config", project, "--as-of", "01-11-2026", *extra).exit_code == 0
    if command == "build":
        assert report_date(project) == "2026-11-01"
    result = cli(command, "--config", project, "--as-of", "01/11/2026")
    assert result.exit_code == 2
    assert ("Invalid value for '--as-of': expected a date as YYYY-MM-DD or DD-MM-YYYY "
            "(e.g. 2026-11-01 or 01-11-2026), found '01/11/2026'") in result.output


def comments(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("# ")]


def test_init_writes_its_comments_in_the_language_asked(tmp_path):
    for language in ("nl", "en"):
        result = cli("init", tmp_path / language, "--language", language)
        assert result.exit_code == 0, result.output
    dutch = (tmp_path / "nl" / "config.toml").read_text(encoding="utf-8")
    english = (tmp_path / "en" / "config.toml").read_text(encoding="utf-8")
    assert tomllib.loads(dutch)["project"]["language"] == "nl"
    assert tomllib.loads(english)["project"]["language"] == "en"
    assert "# Maanden tussen contactmomenten per categorie." in dutch
    assert "# Months between touchpoints per category." in english
    # every comment is in its language: the two files share no comment line, and the same
    # settings are commented in both
    assert len(comments(dutch)) == len(comments(english)) > 100
    assert set(comments(dutch)) & set(comments(english)) == set()
    settings = lambda text: [line for line in text.splitlines() if not line.startswith("#")]
    assert [line.replace('"en"', '"nl"') for line in settings(english)] == settings(dutch)
    for language in ("nl", "en"):
        result = cli("check", "--config", tmp_path / language / "config.toml", "--strict")
        assert result.exit_code == 0, result.output


def test_init_writes_dutch_unless_asked_and_refuses_another_language(tmp_path):
    assert cli("init", tmp_path / "p").exit_code == 0
    text = (tmp_path / "p" / "config.toml").read_text(encoding="utf-8")
    assert text.startswith("# Configuratie van een relatierapport-project.")
    result = cli("init", tmp_path / "q", "--language", "de")
    assert result.exit_code == 2 and "'de' is not one of 'nl', 'en'" in result.output
    assert not (tmp_path / "q").exists()


def test_the_dutch_table_has_every_built_in_text_and_nothing_stale():
    groups = [PROJECT, BUSINESS, *make_plugins(None, installed=False).option_groups()]
    keys = {group.section for group in groups if group.help}
    keys |= {f"{group.section} {option.name}" for group in groups for option in group.options}
    keys |= {f"sources {option.name}" for option in SOURCE_OPTIONS}
    keys |= {f"goals {option.name}" for option in GOAL_OPTIONS}
    missing = sorted(keys - set(DUTCH))
    assert missing == [], f"options without a Dutch comment in scaffold/comments.py: {missing}"
    own = set(ENGLISH) | {"plugins.jubileum days_ahead"}       # the example plugin's option
    assert sorted(set(DUTCH) - keys - own) == []
    assert sorted(set(ENGLISH) - set(DUTCH)) == []


def test_a_new_project_reports_as_of_the_day_after_its_sample_data(tmp_path):
    assert cli("init", tmp_path / "p").exit_code == 0
    config = tmp_path / "p" / "config.toml"
    assert tomllib.loads(config.read_text(encoding="utf-8"))["project"]["as_of"] == \
        DATA_END + dt.timedelta(days=1) == dt.date(2026, 11, 1)
    assert cli("build", "--config", config, "--format", "json").exit_code == 0
    assert report_date(config) == "2026-11-01"
