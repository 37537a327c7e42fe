"""The exceptions a run can end with, and the exit code each one means.

Every error is a ``click.ClickException`` so that the CLI prints its message and
exits with the code from the contract: 1 when the data or a plugin failed, 2 for
usage and configuration errors.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable

import click


@dataclass(frozen=True)
class Problem:
    """One located problem: which file, which line or record, which field, what was wrong."""

    source: str
    message: str
    location: str = ""
    field: str = ""

    def __str__(self) -> str:
        where = self.source + (f":{self.location}" if self.location else "")
        what = f"{self.field}: {self.message}" if self.field else self.message
        return f"{where}: {what}"

    def as_json(self) -> dict[str, str]:
        return {"source": self.source, "location": self.location,
                "field": self.field, "message": self.message}


#: The same problem this many times or more is one line; fewer are listed one by one.
GROUP_FROM = 4
#: Locations listed in a grouped line, and the single ones named after "first:".
SHOWN_RANGES = 6
SHOWN_FIRST = 3
_NUMBERED = re.compile(r"(.*?)(\d+)")


def _ranges(numbers: list[int]) -> list[str]:
    """Sorted distinct numbers as "2–424" and "7" pieces."""
    pieces: list[str] = []
    start = previous = numbers[0]
    for number in numbers[1:] + [None]:
        if number is not None and number == previous + 1:
            previous = number
            continue
        pieces.append(f"{start}–{previous}" if previous > start else str(start))
        if number is not None:
            start = previous = number
    return pieces


def _where(locations: list[str]) -> str:
    """Where a problem happened on many rows: ranges of lines, then the first few."""
    count = len(locations)
    matches = [_NUMBERED.fullmatch(location) for location in locations]
    if all(matches) and len({m[1] for m in matches}) == 1:
        prefix = matches[0][1]
        numbers = sorted({int(m[2]) for m in matches})
        pieces = _ranges(numbers)
        shown = ", ".join(pieces[:SHOWN_RANGES]) + (
            f", … ({len(pieces) - SHOWN_RANGES} more ranges)" if len(pieces) > SHOWN_RANGES else "")
        label = "lines " if not prefix else prefix
        first = ", ".join(str(n) for n in numbers[:SHOWN_FIRST])
        return f"on {count} rows: {label}{shown} (first: {first})"
    listed = list(dict.fromkeys(location for location in locations if location))
    if not listed:
        return f"{count} times"
    more = f", … ({len(listed) - SHOWN_FIRST} more)" if len(listed) > SHOWN_FIRST else ""
    return f"{count} times: {', '.join(listed[:SHOWN_FIRST])}{more}"


def grouped(problems: Iterable[Problem | str]) -> list[str]:
    """One line per distinct problem: the same message on many rows of one source becomes
    ``source: field: message — on 423 rows: lines 2–424 (first: 2, 3, 4)``.

    Problems are grouped by (source, field, message) in the order each first occurs; one
    that occurs fewer than ``GROUP_FROM`` times is listed as ``str(problem)`` each time. report.json and ``--summary`` keep
    every location: this is only how a person reads them.
    """
    groups: dict[tuple, list] = {}
    for problem in problems:
        key = (problem.source, problem.field, problem.message) if isinstance(problem, Problem) \
            else (str(problem),)
        groups.setdefault(key, []).append(problem)
    lines = []
    for key, members in groups.items():
        if len(members) < GROUP_FROM:
            lines += [str(member) for member in members]
        elif len(key) == 1:                  # a plain text, without a location to list
            lines.append(f"{key[0]} — {len(members)} times")
        else:
            source, field, message = key
            what = f"{field}: {message}" if field else message
            lines.append(f"{source}: {what} — {_where([m.location for m in members])}")
    return lines


def close_match(word: str, candidates: Iterable[str]) -> str | None:
    """The candidate ``word`` was probably meant to be (a typo, another case), else None."""
    by_lower: dict[str, str] = {}
    for candidate in candidates:
        by_lower.setdefault(candidate.lower(), candidate)
    found = difflib.get_close_matches(word.lower(), list(by_lower), n=1, cutoff=0.6)
    return by_lower[found[0]] if found else None


def did_you_mean(word: str, candidates: Iterable[str], shown: str = "{}") -> str:
    """``"; did you mean cadence?"`` (the match put into ``shown``), or "" when nothing is close."""
    match = close_match(word, candidates)
    return f"; did you mean {shown.format(match)}?" if match is not None and match != word else ""


class RelatierapportError(click.ClickException):
    """Base of our errors: a message for the user and an exit code."""

    exit_code = 1


class ProblemsError(RelatierapportError):
    """Several located problems, reported together rather than the first alone."""

    heading = "problems"

    def __init__(self, problems: list[Problem] | list[str]):
        self.problems = list(problems)     # every one, with its location (for --summary)
        lines = grouped(self.problems)
        super().__init__(f"{len(self.problems)} {self.heading}:\n"
                         + "\n".join(f"  {line}" for line in lines))


class ConfigError(ProblemsError):
    """config.toml (or an option) is wrong: exit code 2."""

    exit_code = 2
    heading = "configuration problem(s)"


class DataError(ProblemsError):
    """The relation data could not be read as the model needs it: exit code 1."""

    exit_code = 1
    heading = "data problem(s)"


class PluginError(RelatierapportError):
    """A plugin failed to load or raised inside a hook: exit code 1, naming the plugin."""

    exit_code = 1

    def __init__(self, plugin: str, hook: str, detail: str, relation: str | None = None):
        self.plugin, self.hook, self.relation = plugin, hook, relation
        where = f" for relation {relation!r}" if relation else ""
        super().__init__(f"plugin {plugin!r} failed in hook {hook}{where}: {detail}")


class MailError(ProblemsError):
    """Messages that were refused, failed or whose outcome is unknown: exit code 1."""

    exit_code = 1
    heading = "message(s) not sent"


class StrictError(ProblemsError):
    """``--strict`` turned warnings into an error."""

    exit_code = 1
    heading = "warning(s), failing because of --strict"
