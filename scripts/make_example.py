"""Regenerate the repository's example project (config.toml, data/, templates/, plugins/).

The example is a fictional Dutch recruitment agency: 40 client organisations
with their contact persons, 60 candidates and 6 employees, with a year and a
half of touchpoints, placements, surveys, events and goals, reported as of the day after
its data ends (``[project] as_of``) and commented in Dutch. It is made by the
same seeded code as `relatierapport init`, only larger, so it is reproducible:
tests check that the committed files equal this script's output.

Run from the repository root: python scripts/make_example.py
"""

from __future__ import annotations

from pathlib import Path

from relatierapport.scaffold.init import init_project

REPO = Path(__file__).resolve().parent.parent
EXAMPLE = {"name": "Voorbeeld Werving & Selectie", "clients": 40, "candidates": 60, "employees": 6,
           "language": "nl"}


def make_example(target: Path = REPO) -> None:
    init_project(target, overwrite=True, **EXAMPLE)


if __name__ == "__main__":
    make_example()
