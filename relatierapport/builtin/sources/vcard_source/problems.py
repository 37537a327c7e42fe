"""A vCard source's problems: every error, warnings up to a limit, then how many more.

A hostile or badly broken address book can hold a problem on every line; the
first thousand warnings say enough, and the rest are counted.
"""

from __future__ import annotations

from relatierapport.errors import Problem
from relatierapport.model import SourceData

MAX_PROBLEMS = 1000              # warnings listed per source, then one line saying how many more


class Problems:
    """Collects into a ``SourceData``; ``close`` adds the count of warnings not listed."""

    def __init__(self, data: SourceData):
        self.data = data
        self.count = 0

    def error(self, problem: Problem) -> None:
        self.data.errors.append(problem)          # few, and each one fails the build: all kept

    def warn(self, problem: Problem) -> None:
        self.count += 1
        if self.count <= MAX_PROBLEMS:
            self.data.warnings.append(problem)

    def warn_at(self, source: str, line: int, message: str, field: str = "") -> None:
        self.warn(Problem(source, message, location=str(line), field=field))

    def close(self, display: str) -> None:
        if self.count > MAX_PROBLEMS:
            self.data.warnings.append(Problem(display, f"{self.count - MAX_PROBLEMS} "
                                              "more problems not listed"))


def shown(line: bytes, length: int = 40) -> str:
    """The start of a line for a message: control characters as "?", long lines cut."""
    text = line[:length * 4].decode("utf-8", errors="replace").strip()
    text = "".join(char if char.isprintable() else "?" for char in text)
    return text[:length] + ("…" if len(text) > length else "")
