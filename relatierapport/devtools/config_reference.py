"""The configuration reference, docs/configuration.md, rendered from the options the code declares.

Plugins declare the keys of their ``[plugins.<name>]`` table (``config_options``),
source readers the extra keys of their ``[[sources]]`` type (``source_readers``),
and config.py the core tables. The page is made from those declarations, so it
cannot drift from what config.toml accepts: a test fails when the committed page
differs from what ``reference`` renders (``python scripts/config_reference.py``
rewrites it).
"""

from __future__ import annotations

import re
from typing import Any

import tomli_w
from markdown.extensions.toc import slugify

from relatierapport import config
from relatierapport.options import (Boolean, Date, Integer, ListOf, Number, Option, OptionGroup,
                                    OptionType, Table, Text)
from relatierapport.plugins import Plugins
from relatierapport.scaffold.init import toml_value

REFERENCE = "docs/configuration.md"
GENERATOR = "scripts/config_reference.py"
#: A default longer than this is shown as TOML below its table instead of in a cell.
INLINE_DEFAULT = 60

INTRO = """\
Every table and key config.toml accepts, with its type, default and allowed
values. Every key is checked before anything runs: a wrong value is an error
naming the key and its line (`config.toml:12: [plugins.cadence] months.A: expected a
whole number >= 1 and <= 60, found "monthly"`, exit 2), an unknown key, table or
plugin name is a warning with its line and the close name when there is one
(`config.toml:14: [plugins.health] weigths: unknown key; did you mean weights?`;
an error under `--strict`), and a key left out takes its default. `relatierapport init`
writes every plugin option with its help text into a new project's config.toml;
`relatierapport plugins` lists the options of the plugins a project loads, its
own and installed ones included. config.toml is UTF-8 text, as every TOML
file is (a byte order mark is fine); one saved as Windows-1252 or UTF-16 is
an error naming the line and the column of the first character that is not.
This page covers the core tables and the built-in plugins."""

SOURCES_HELP = ("One table per file or folder read. Every source has the keys below; its `type` adds "
                "the keys of that reader (the sections after it). See [Sources and columns](sources.md).")
GOALS_HELP = ("One table per goal, with the fields of a goals table row and an optional baseline "
              "period. See [Analysis goals](analyses/goals.md).")
PLUGINS_HELP = ("Each plugin's own options, in a table named after the plugin. A plugin that is "
                "disabled (`disable_plugins`, `--disable`) has no table.")


def reference(plugins: Plugins) -> str:
    """The page: an index of the tables, then every table's keys, in config.py's order of tables."""
    core = core_groups()
    index: list[tuple[str, str]] = []          # heading, what the table holds (Markdown)
    body: list[str] = []
    for name in config.TOP_LEVEL:
        if name in core:
            group = core[name]
            index.append((f"[{name}]", _text(group.help)))
            body += ["", *_group(f"[{name}]", _text(group.help), group.options, name, level=2)]
        elif name == "sources":
            index.append(("[[sources]]", SOURCES_HELP))
            body += ["", *_sources(plugins)]
        elif name == "goals":
            index.append(("[[goals]]", GOALS_HELP))
            body += ["", *_group("[[goals]]", GOALS_HELP, config.GOAL_OPTIONS, "goals", level=2,
                                 array=True)]
        elif name == "plugins":
            body += ["", "## `[plugins.<name>]`", "", PLUGINS_HELP]
            for group in sorted(plugins.option_groups(), key=lambda g: g.section):
                index.append((f"[{group.section}]", _text(group.help)))
                body += ["", *_plugin(group)]
        else:
            raise ValueError(f"config.TOP_LEVEL names [{name}], but no option group in "
                             "relatierapport.config declares it")
    lines = ["# Configuration reference", "",
             f"<!-- Generated from the options the code declares by `python {GENERATOR}`. Edit the "
             "declarations (config_options, source_readers, relatierapport/config.py), not this file: "
             "a test fails when they differ. -->", "", INTRO, "",
             "| table | holds |", "|---|---|"]
    lines += [f"| [`{heading}`](#{slugify(heading, '-')}) | {_first_sentence(summary)} |"
              for heading, summary in index]
    return "\n".join(lines + body) + "\n"


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".") + "." if text else ""


def core_groups() -> dict[str, OptionGroup]:
    """The core tables config.py validates by name ([project], [identity], …).

    Taken from the option groups config.py defines or imports, so a core table
    added there appears here with no change to this module.
    """
    return {value.section: value for value in vars(config).values()
            if isinstance(value, OptionGroup) and "." not in value.section}


def _sources(plugins: Plugins) -> list[str]:
    lines = _group("[[sources]]", SOURCES_HELP, config.SOURCE_OPTIONS, "sources", level=2, array=True)
    for kind, reader in sorted(plugins.source_readers().items()):
        heading = f'type = "{kind}"'
        lines += ["", *_group(heading, _text(reader.description), reader.options, "sources", level=3,
                              array=True)]
    return lines


def _plugin(group: OptionGroup) -> list[str]:
    lines = _group(f"[{group.section}]", _text(group.help), group.options, group.section, level=3)
    if group.refused:
        lines += ["", "Never set here: " + "; ".join(
            f"`{key}` ({_text(why)})" for key, why in sorted(group.refused.items())) + "."]
    return lines


def _group(heading: str, help_markdown: str, options: tuple[Option, ...], table: str, *, level: int,
           array: bool = False) -> list[str]:
    """One table of config.toml: its heading, help, keys, and long defaults as TOML."""
    lines = ["#" * level + f" `{heading}`", ""]
    if help_markdown:
        lines += [help_markdown, ""]
    if not options:
        return lines + ["No keys."]
    lines += ["| key | type | default | allowed | meaning |", "|---|---|---|---|---|"]
    long = {}
    for option in options:
        default = _default(option)
        if len(default) > INLINE_DEFAULT or "|" in default:
            long[option.name] = option.default
            default = "below"
        lines.append(f"| `{option.name}` | {kind(option.type)} | {default} | {allowed(option.type)} | "
                     f"{_text(option.help)} |")
    if long:
        lines += ["", "Longer defaults:", "", "```toml", _toml(table, long, array).rstrip("\n"), "```"]
    return lines


def _default(option: Option) -> str:
    if option.required:
        return "required"
    if option.default is None:
        return "none"
    return f"`{toml_value(option.default)}`"


def _toml(table: str, values: dict[str, Any], array: bool) -> str:
    """``values`` as TOML under their table's header, as a user would write them."""
    nested: dict[str, Any] = values
    for part in reversed(table.split(".")):
        nested = {part: [nested] if array else nested}
        array = False
    return tomli_w.dumps(nested)


def kind(option_type: OptionType) -> str:
    """What sort of value an option takes: text, whole number, list of …, table of …."""
    if isinstance(option_type, ListOf):
        return f"list of {kind(option_type.item)}"
    if isinstance(option_type, Table):
        return f"table of {kind(option_type.value)}"
    names = {Text: "text", Integer: "whole number", Number: "number", Boolean: "true or false",
             Date: "date"}
    return names.get(type(option_type)) or _text(option_type.description)


def allowed(option_type: OptionType) -> str:
    """The values accepted beyond the sort: choices, bounds, the keys of a table."""
    if isinstance(option_type, Text) and option_type.choices:
        return ", ".join(f'`"{choice}"`' for choice in option_type.choices)
    if isinstance(option_type, (Integer, Number)):
        low, high = option_type.minimum, option_type.maximum
        if low is not None and high is not None:
            return f"{low} to {high}"
        if low is not None:
            return f"at least {low}"
        if high is not None:
            return f"at most {high}"
        return ""
    if isinstance(option_type, ListOf):
        inner = allowed(option_type.item)
        return f"each: {inner}" if inner else ""
    if isinstance(option_type, Table):
        keys = "keys " + ", ".join(f"`{key}`" for key in option_type.keys) if option_type.keys else ""
        inner = allowed(option_type.value)
        return "; ".join(part for part in (keys, f"each value: {inner}" if inner else "") if part)
    return ""


_CODE = re.compile(r"(`[^`]*`)")
_SPECIAL = re.compile(r"([\\*_\[\]|>])")


def _text(text: str) -> str:
    """Help text (written for config.toml comments) as Markdown on one line: code spans kept,
    characters Markdown would read as markup escaped."""
    parts = _CODE.split(" ".join(text.split()))
    return "".join(part if part.startswith("`") else
                   _SPECIAL.sub(r"\\\1", part.replace("&", "&amp;").replace("<", "&lt;"))
                   for part in parts)
