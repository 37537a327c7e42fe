"""The exceptions a run can end with, and the exit code each one means.

Every error is a ``click.ClickException`` so that the CLI prints its message and
exits with the code from the contract: 1 when the data or a plugin failed, 2 for
usage and configuration errors.
"""

from __future__ import annotations

from dataclasses import dataclass

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


class RelatierapportError(click.ClickException):
    """Base of our errors: a message for the user and an exit code."""

    exit_code = 1


class ProblemsError(RelatierapportError):
    """Several located problems, reported together rather than the first alone."""

    heading = "problems"

    def __init__(self, problems: list[Problem] | list[str]):
        self.problems = list(problems)
        lines = [str(p) for p in self.problems]
        count = len(lines)
        super().__init__(f"{count} {self.heading}:\n" + "\n".join(f"  {line}" for line in lines))


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
