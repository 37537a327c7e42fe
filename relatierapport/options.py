"""Typed options that plugins declare, so config.toml is checked before anything runs.

A plugin returns ``OptionGroup("plugins.myplugin", (Option(...), ...))`` from its
``config_options`` hook. Each option type converts a TOML value or raises
``ValueError("expected …")``; the config loader adds "found …" and the location.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Callable


_NOTHING = object()


class OptionValueError(ValueError):
    """A value inside a table or list is wrong: says where (``path``) and what was found."""

    def __init__(self, message: str, path: tuple[str, ...] = (), value: Any = _NOTHING):
        super().__init__(message)
        self.path, self.value = path, value


def _inside(key: str, item: Any, convert: Callable[[Any], Any]) -> Any:
    try:
        return convert(item)
    except OptionValueError as exc:
        raise OptionValueError(str(exc), (key, *exc.path), exc.value) from None
    except ValueError as exc:
        raise OptionValueError(str(exc), (key,), item) from None


class OptionType:
    """Converts a TOML value to what the plugin uses, or raises ValueError("expected …")."""

    description = "a value"

    def convert(self, value: Any) -> Any:
        return value

    def fail(self) -> None:
        raise ValueError(f"expected {self.description}")


@dataclass(frozen=True)
class Text(OptionType):
    description: str = "a text"
    choices: tuple[str, ...] = ()

    def __post_init__(self):
        if self.choices:
            object.__setattr__(self, "description", "one of " + ", ".join(f'"{c}"' for c in self.choices))

    def convert(self, value):
        if not isinstance(value, str) or (self.choices and value not in self.choices):
            self.fail()
        return value


@dataclass(frozen=True)
class Integer(OptionType):
    minimum: int | None = None
    maximum: int | None = None
    description: str = "a whole number"

    def __post_init__(self):
        bounds = []
        if self.minimum is not None:
            bounds.append(f">= {self.minimum}")
        if self.maximum is not None:
            bounds.append(f"<= {self.maximum}")
        if bounds:
            object.__setattr__(self, "description", f"a whole number {' and '.join(bounds)}")

    def convert(self, value):
        if isinstance(value, bool) or not isinstance(value, int):
            self.fail()
        if (self.minimum is not None and value < self.minimum) or (
                self.maximum is not None and value > self.maximum):
            self.fail()
        return value


@dataclass(frozen=True)
class Number(OptionType):
    minimum: float | None = None
    maximum: float | None = None
    description: str = "a number"

    def __post_init__(self):
        if self.minimum is not None and self.maximum is not None:
            object.__setattr__(self, "description", f"a number from {self.minimum} to {self.maximum}")
        elif self.minimum is not None:
            object.__setattr__(self, "description", f"a number >= {self.minimum}")

    def convert(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail()
        if (self.minimum is not None and value < self.minimum) or (
                self.maximum is not None and value > self.maximum):
            self.fail()
        return float(value)


@dataclass(frozen=True)
class Boolean(OptionType):
    description: str = "true or false"

    def convert(self, value):
        if not isinstance(value, bool):
            self.fail()
        return value


@dataclass(frozen=True)
class Date(OptionType):
    description: str = "a date (YYYY-MM-DD)"

    def convert(self, value):
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value)
            except ValueError:
                pass
        self.fail()


@dataclass(frozen=True)
class ListOf(OptionType):
    item: OptionType = field(default_factory=Text)

    @property
    def description(self):  # type: ignore[override]
        return f"a list, each item {self.item.description}"

    def convert(self, value):
        if not isinstance(value, list):
            self.fail()
        return [_inside(f"[{index}]", item, self.item.convert) for index, item in enumerate(value)]


@dataclass(frozen=True)
class Table(OptionType):
    """A TOML table; ``keys`` restricts the keys, ``value`` types every value."""

    value: OptionType = field(default_factory=Text)
    keys: tuple[str, ...] = ()

    @property
    def description(self):  # type: ignore[override]
        keys = f" with keys from {', '.join(self.keys)}" if self.keys else ""
        return f"a table{keys}, each value {self.value.description}"

    def convert(self, value):
        if not isinstance(value, dict):
            self.fail()
        for key, item in value.items():
            if self.keys and key not in self.keys:
                raise OptionValueError(f"expected a key from {', '.join(self.keys)}", (key,), item)
        return {key: _inside(key, item, self.value.convert) for key, item in value.items()}


@dataclass(frozen=True)
class Option:
    """One key of a config section: its type, its default and what it means."""

    name: str
    type: OptionType
    default: Any = None
    help: str = ""
    required: bool = False
    check: Callable[[Any], str | None] | None = None   # returns a problem text or None


@dataclass(frozen=True)
class OptionGroup:
    """The options of one config section, e.g. ``project`` or ``plugins.cadence``."""

    section: str
    options: tuple[Option, ...]
    help: str = ""
    #: Keys that must never be set here, with what to do instead ("expected no password in
    #: config.toml: set …"); an error whose message never shows the value.
    refused: dict[str, str] = field(default_factory=dict)

    def defaults(self) -> dict[str, Any]:
        return {option.name: option.default for option in self.options}
