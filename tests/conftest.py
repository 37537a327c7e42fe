"""Shared helpers: small hand-made projects written as real files, and running the real CLI."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from example_build import built_example  # noqa: F401  (a fixture for every test file)
from stress_build import built_stress  # noqa: F401  (a fixture for every test file)
from relatierapport.cli import main
from programs import require

REPO = Path(__file__).resolve().parent.parent
#: Real third-party files and our own fixtures, each folder with its SOURCE.txt (and licence).
TEST_DATA = Path(__file__).resolve().parent / "data"

RELATIONS = """\
id;name;kind;role;owner;category;since;city
K1;Alfa Bouw;organisatie;opdrachtgever;M1;A;01-03-2015;Utrecht
K2;Beta Zorg;organisatie;opdrachtgever;M2;B;15-06-2020;Zwolle
C1;Carla de Jong;persoon;kandidaat;M1;C;10-01-2026;Delft
"""
EMPLOYEES = "id;name;team\nM1;Mila Jansen;Techniek\nM2;Sem Bakker;Zorg\n"
TOUCHPOINTS = """\
relation;date;employee;channel;direction;kind;signals;notes
K1;15-09-2026;M1;telefoon;uit;check-in;;Kwartaaloverleg
K2;31-08-2026;M2;bezoek;in;waarde;concurrent|prijsdruk;Noemde een concurrent
K1;05-11-2026;M1;e-mail;uit;check-in;;Na de rapportdatum
"""
BUSINESS = "relation;date;amount;hours;kind;status\nK1;01-02-2026;12500,50;40,5;plaatsing;gewonnen\n"


def write_project(root: Path, *, relations: str = RELATIONS, extra_config: str = "",
                  files: dict[str, str] | None = None) -> Path:
    """A tiny project with semicolon CSVs; returns the path of its config.toml."""
    data = root / "data"
    data.mkdir(parents=True, exist_ok=True)
    contents = {"relations.csv": relations, "employees.csv": EMPLOYEES,
                "touchpoints.csv": TOUCHPOINTS, "business.csv": BUSINESS, **(files or {})}
    for name, text in contents.items():
        (data / name).write_text(text, encoding="utf-8")
    tables = {"relations.csv": "relations", "employees.csv": "employees",
              "touchpoints.csv": "touchpoints", "business.csv": "business"}
    sources = "".join(f'\n[[sources]]\ntype = "csv"\npath = "data/{name}"\ntable = "{table}"\n'
                      for name, table in tables.items())
    config = textwrap.dedent("""\
        [project]
        name = "Testbureau"
        """) + sources + textwrap.dedent(extra_config)
    (root / "config.toml").write_text(config, encoding="utf-8")
    return root / "config.toml"


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item: pytest.Item) -> None:
    """``@pytest.mark.needs("chromium")``: skip without the program, fail under CI=true."""
    for marker in item.iter_markers("needs"):
        require(*marker.args)


def cli(*args: str):
    """Run the real click command in-process; returns click's Result (exit_code, output)."""
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def run(*args: str, cwd: Path | None = None, **kwargs) -> subprocess.CompletedProcess:
    """Run ``python -m relatierapport`` as a user would, in a subprocess."""
    return subprocess.run([sys.executable, "-m", "relatierapport", *map(str, args)], cwd=cwd,
                          capture_output=True, text=True, **kwargs)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    return write_project(tmp_path)


def example_copy(target: Path, language: str = "nl") -> Path:
    """The repository's example project copied to ``target``, in ``language``; returns its config."""
    import shutil

    for name in ("data", "plugins", "templates"):
        shutil.copytree(REPO / name, target / name)
    text = (REPO / "config.toml").read_text(encoding="utf-8")
    (target / "config.toml").write_text(text.replace('language = "nl"', f'language = "{language}"'),
                                        encoding="utf-8")
    return target / "config.toml"
