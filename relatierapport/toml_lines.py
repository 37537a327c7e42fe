"""Where each key of a TOML file is: tomllib gives values without lines, messages need them.

``KeyLines.read(text)`` scans the text once and remembers the line of every table
header and every key, by its path: ``("plugins", "health", "weights")``, with the
position of an array-of-tables element as a number counted from 1, as messages
count them (``("sources", 2, "path")`` is ``[[sources]] #2 path``). Dotted keys,
inline tables (``columns = { id = "Klantnr" }``), sub-tables of an array element
(``[sources.columns]``), quoted keys, comments and multi-line strings and arrays
are understood. ``line_of(field)`` reads a message's field label (``[plugins.health]
weigths``, ``[[sources]] #2 columns.id``, ``[goals]``, ``recipients[0]``) and answers the
line of the longest part of it that the file has: a key (or an array's item),
else its table.

Only a locator: the text was already parsed by tomllib, so nothing here needs to
reject bad TOML; what it cannot follow it simply does not locate.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

Path = tuple[object, ...]

_BARE = re.compile(r"[A-Za-z0-9_-]+")
_SPACE = re.compile(r"[ \t]*")
_LABEL = re.compile(r"\s*(\[\[?)([^\]]+?)\]\]?\s*(?:#(\d+))?\s*(.*?)\s*")
_KEY_PART = re.compile(r"\[\d+\]|[^.\[\]]+")


@dataclass
class KeyLines:
    """Line (from 1) of every table header and key of one TOML text, by path."""

    lines: dict[Path, int] = field(default_factory=dict)

    @classmethod
    def read(cls, text: str) -> "KeyLines":
        found = cls()
        _Scanner(text, found.lines).run()
        return found

    def line(self, path: Path) -> int | None:
        """The line of the longest prefix of ``path`` that the file names, or None."""
        for end in range(len(path), 0, -1):
            if path[:end] in self.lines:
                return self.lines[path[:end]]
        return None

    def line_of(self, label: str) -> int | None:
        """The line a message's field label points at: ``[plugins.health] weigths``,
        ``[[sources]] #2 path``, ``[project] disable_plugins``, ``[goals]``; None when the
        label names nothing in the file."""
        return self.line(label_path(label)) if label else None


def label_path(label: str) -> Path:
    """``[[sources]] #2 columns.id`` -> ("sources", 2, "columns", "id"); ``recipients[0]`` ->
    (…, "recipients", 1): items of an array, like elements of an array of tables, count from 1."""
    match = _LABEL.fullmatch(label)
    if not match:
        return ()
    path: list[object] = _split_dotted(match[2])
    if match[1] == "[[":
        path.append(int(match[3]) if match[3] else 1)
    if match[4]:        # a list position "[0]" counts from 0; the file's items are noted from 1
        path += [int(part[1:-1]) + 1 if part.startswith("[") else part
                 for part in _KEY_PART.findall(match[4])]
    return tuple(path)


def _split_dotted(text: str) -> list[object]:
    """``plugins."my plugin".x`` -> ["plugins", "my plugin", "x"]."""
    parts, position = [], 0
    while position <= len(text):
        position = _SPACE.match(text, position).end()
        key, position = _key(text, position)
        if key is None:
            break
        parts.append(key)
        position = _SPACE.match(text, position).end()
        if not text.startswith(".", position):
            break
        position += 1
    return parts


def _key(text: str, position: int) -> tuple[str | None, int]:
    """One bare or quoted key at ``position``: (key, position after it) or (None, position)."""
    if text.startswith('"', position):
        end = position + 1
        while end < len(text) and text[end] != '"':
            end += 2 if text[end] == "\\" else 1
        raw = text[position + 1:end]
        try:
            value = raw.encode("latin-1", "backslashreplace").decode("unicode_escape") \
                if "\\" in raw else raw
        except UnicodeDecodeError:
            value = raw
        return value, end + 1
    if text.startswith("'", position):
        end = text.find("'", position + 1)
        end = len(text) if end < 0 else end
        return text[position + 1:end], end + 1
    match = _BARE.match(text, position)
    if not match:
        return None, position
    return match[0], match.end()


class _Scanner:
    """Walks the text statement by statement, keeping the current table and line."""

    def __init__(self, text: str, lines: dict[Path, int]):
        self.text, self.lines = text, lines
        self.position, self.line = 0, 1
        self.table: tuple[object, ...] = ()
        self.counts: dict[tuple[object, ...], int] = {}     # array of tables -> elements so far

    def note(self, path: Path, line: int) -> None:
        for end in range(1, len(path) + 1):
            self.lines.setdefault(path[:end], line)

    def run(self) -> None:
        text = self.text
        while self.position < len(text):
            self.skip_blank()
            if self.position >= len(text):
                break
            if text.startswith("[", self.position):
                self.header()
            else:
                self.pair(self.table)
            self.skip_to_line_end()

    # -- statements ------------------------------------------------------------------------

    def header(self) -> None:
        text, line = self.text, self.line
        array = text.startswith("[[", self.position)
        start = self.position + (2 if array else 1)
        parts = _split_dotted(text[start:text.find("]", start) if "]" in text[start:] else len(text)])
        path = self._resolved(parts)
        if array:
            count = self.counts.get(path, 0) + 1
            self.counts[path] = count
            path = (*path, count)
        self.table = path
        self.note(path, line)

    def _resolved(self, parts: list[object]) -> tuple[object, ...]:
        """A header's path with the element numbers of the arrays of tables it goes through
        (``[sources.columns]`` belongs to the last ``[[sources]]``)."""
        path: list[object] = []
        for part in parts:
            path.append(part)
            count = self.counts.get(tuple(path))
            if count is not None and len(path) < len(parts):
                path.append(count)
        return tuple(path)

    def pair(self, table: tuple[object, ...]) -> None:
        """``key.path = value`` at the current position; inline tables note their keys too."""
        line = self.line
        parts = []
        while True:
            self.position = _SPACE.match(self.text, self.position).end()
            key, self.position = _key(self.text, self.position)
            if key is None:
                return          # not a key: leave the rest of the line alone
            parts.append(key)
            self.position = _SPACE.match(self.text, self.position).end()
            if not self.text.startswith(".", self.position):
                break
            self.position += 1
        if not self.text.startswith("=", self.position):
            return
        self.position += 1
        path = (*table, *parts)
        self.note(path, line)
        self.value(path)

    def items(self, closing: str, item) -> None:
        """``item(index)`` for each item of an inline table or array, up to ``closing`` (commas
        and blank lines between; a position that does not move is stepped over)."""
        text, index = self.text, 0
        while self.position < len(text):
            self.skip_blank(inline=True)
            if text.startswith(closing, self.position):
                self.position += 1
                return
            if text.startswith(",", self.position):
                self.position += 1
                continue
            before = self.position
            index += 1
            item(index)
            if self.position == before:
                self.position += 1

    def value(self, path: tuple[object, ...]) -> None:
        self.position = _SPACE.match(self.text, self.position).end()
        text = self.text
        if text.startswith("{", self.position):
            self.note(path, self.line)
            self.position += 1
            self.items("}", lambda index: self.pair(path))
            return
        if text.startswith("[", self.position):     # items count from 1, as [[tables]] do
            self.position += 1

            def item(index: int) -> None:
                self.note((*path, index), self.line)
                self.value((*path, index))
            self.items("]", item)
            return
        if text.startswith(('"""', "'''"), self.position):
            quote = text[self.position:self.position + 3]
            end = self.position + 3
            while True:
                end = text.find(quote, end)
                if end < 0:
                    end = len(text)
                    break
                if quote == '"""' and _escaped(text, end):
                    end += 1
                    continue
                while text.startswith(quote[0], end + 3):   # up to two quotes end the string too
                    end += 1
                break
            self.advance(min(end + 3, len(text)))
            return
        if text.startswith(('"', "'"), self.position):
            _, self.position = _key(text, self.position)
            return
        match = re.compile(r"[^,\]}\s#]+(?:[ T][0-9:.+\-Z]+)?").match(text, self.position)
        if match:
            self.position = match.end()

    # -- moving on -------------------------------------------------------------------------

    def advance(self, position: int) -> None:
        self.line += self.text.count("\n", self.position, position)
        self.position = position

    def skip_blank(self, inline: bool = False) -> None:
        """Spaces, comments and (between statements, or inside arrays) line breaks."""
        text = self.text
        while self.position < len(text):
            char = text[self.position]
            if char in " \t\r":
                self.position += 1
            elif char == "\n":
                self.position += 1
                self.line += 1
            elif char == "#":
                end = text.find("\n", self.position)
                self.position = len(text) if end < 0 else end
            else:
                return

    def skip_to_line_end(self) -> None:
        end = self.text.find("\n", self.position)
        self.advance(len(self.text) if end < 0 else end)


def _escaped(text: str, position: int) -> bool:
    backslashes = 0
    while position - backslashes - 1 >= 0 and text[position - backslashes - 1] == "\\":
        backslashes += 1
    return backslashes % 2 == 1
