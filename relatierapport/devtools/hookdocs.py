"""The hook reference, made from the hook specifications' docstrings, and the checks behind it.

hookspecs.py is the only copy of the hook documentation; docs/hooks.md is
generated from it (``python scripts/hook_reference.py``). The meta-tests use the
checks here: every hook has a complete docstring (what for, when it runs, each
argument, the return value, an example that is a real plugin), appears in the
reference, and has a test of its own (marked ``@pytest.mark.hook("name")``).
The checks take the hookspec module as an argument so a test can show that they
fail for a hook added without docs or a test.
"""

from __future__ import annotations

import ast
import inspect
import re
import textwrap
import types
from dataclasses import dataclass, field
from pathlib import Path

PARTS = ("Runs", "Arguments", "Returns", "Example")
_HEADER = re.compile(r"^(Runs|Arguments|Returns|Example)(::?)\s*(.*)$")
_ARGUMENT = re.compile(r"^(\w+): (.*)$")
REFERENCE = "docs/hooks.md"
GENERATOR = "scripts/hook_reference.py"


@dataclass
class HookDoc:
    """One hook's docstring, taken apart."""

    name: str
    parameters: dict[str, str]           # argument -> annotation text
    returns_type: str
    summary: str = ""
    description: str = ""
    parts: dict[str, str] = field(default_factory=dict)          # Runs, Returns, Example
    arguments: dict[str, str] = field(default_factory=dict)      # documented arguments

    @property
    def signature(self) -> str:
        arguments = ", ".join(f"{name}: {kind}" for name, kind in self.parameters.items())
        return f"{self.name}({arguments}) -> {self.returns_type}"


def hookspecs_of(module: types.ModuleType) -> list:
    """The hook specifications of a module, in the order they are written."""
    return [obj for obj in vars(module).values()
            if inspect.isfunction(obj) and hasattr(obj, "relatierapport_spec")]


def parse(function) -> HookDoc:
    signature = inspect.signature(function)
    doc = HookDoc(function.__name__,
                  {name: str(p.annotation) for name, p in signature.parameters.items()},
                  str(signature.return_annotation))
    text = inspect.getdoc(function) or ""
    lines = text.splitlines()
    first = next((i for i, line in enumerate(lines) if _HEADER.match(line)), len(lines))
    intro = "\n".join(lines[:first]).strip()
    doc.summary, _, doc.description = (part.strip() for part in intro.partition("\n\n"))
    sections: list[tuple[str, list[str]]] = []
    for line in lines[first:]:
        match = _HEADER.match(line)
        if match:
            sections.append((match[1], [match[3]] if match[3] else []))
        else:
            sections[-1][1].append(line)
    for part, body in sections:
        doc.parts[part] = textwrap.dedent("\n".join(body)).strip("\n")
    doc.arguments = _arguments(doc.parts.pop("Arguments", ""))
    return doc


def _arguments(text: str) -> dict[str, str]:
    arguments: dict[str, str] = {}
    name = None
    for line in text.splitlines():
        match = _ARGUMENT.match(line)
        if match and not line.startswith(" "):
            name = match[1]
            arguments[name] = match[2]
        elif name and line.strip():
            arguments[name] += " " + line.strip()
    return arguments


def problems(module: types.ModuleType) -> list[str]:
    """What is missing or wrong in each hook's docstring; empty when all are complete."""
    found = []
    for function in hookspecs_of(module):
        name = function.__name__
        if not (function.__doc__ or "").strip():
            found.append(f"{name}: no docstring")
            continue
        doc = parse(function)
        for part in ("Runs", "Returns", "Example"):
            if not doc.parts.get(part):
                found.append(f"{name}: the docstring has no '{part}:' part")
        for argument in doc.parameters:
            if argument not in doc.arguments:
                found.append(f"{name}: argument {argument!r} is not described under 'Arguments:'")
        for argument in doc.arguments:
            if argument not in doc.parameters:
                found.append(f"{name}: 'Arguments:' describes {argument!r}, which the hook does not have")
        example = doc.parts.get("Example", "")
        if example:
            try:
                compile(example, f"<example of {name}>", "exec")
            except SyntaxError as exc:
                found.append(f"{name}: the example does not compile: {exc}")
            if not re.search(rf"@hookimpl\s*\ndef {name}\(", example):
                found.append(f"{name}: the example does not implement the hook (@hookimpl def {name}(...))")
    return found


def example_module(name: str, module: types.ModuleType | None = None,
                   file: Path | None = None) -> types.ModuleType:
    """A hook's example as a plugin module (``file`` becomes its ``__file__``), for tests."""
    if module is None:
        from relatierapport import hookspecs as module
    doc = parse(getattr(module, name))
    plugin = types.ModuleType(f"example_{name}")
    plugin.__file__ = str(file) if file else f"<example of {name}>"
    exec(compile(doc.parts["Example"], plugin.__file__, "exec"), plugin.__dict__)
    return plugin


# -- the reference ------------------------------------------------------------------

def reference(module: types.ModuleType) -> str:
    """docs/hooks.md: an index, then per hook its signature, purpose, when it runs,
    arguments, return value and example."""
    docs = [parse(function) for function in hookspecs_of(module)]
    lines = ["# Hook reference", "",
             f"<!-- Generated from relatierapport/hookspecs.py by `python {GENERATOR}`. "
             "Edit the docstrings there, not this file: a test fails when they differ. -->", "",
             _markdown(inspect.getdoc(module) or ""), "",
             "See [Writing plugins](writing-plugins.md) for a step-by-step guide.", "",
             "| hook | for |", "|---|---|"]
    lines += [f"| [`{doc.name}`](#{doc.name}) | {_inline(doc.summary)} |" for doc in docs]
    for doc in docs:
        lines += ["", f"## {doc.name}", "", "```python", f"def {doc.signature}", "```", "",
                  _markdown(doc.summary)]
        if doc.description:
            lines += ["", _markdown(doc.description)]
        lines += ["", f"**Runs:** {_markdown(doc.parts.get('Runs', ''))}"]
        if doc.arguments:
            lines += ["", "**Arguments:**", ""]
            lines += [f"- `{name}` (`{doc.parameters.get(name, '?')}`): {_inline(text)}"
                      for name, text in doc.arguments.items()]
        lines += ["", f"**Returns:** {_markdown(doc.parts.get('Returns', ''))}"]
        lines += ["", "**Example:**", "", "```python", doc.parts.get("Example", ""), "```"]
    return "\n".join(lines) + "\n"


def missing_from_reference(module: types.ModuleType, text: str) -> list[str]:
    """Hooks without a section (``## name``) in the reference text."""
    headings = set(re.findall(r"^## (\w+)$", text, flags=re.MULTILINE))
    return [f.__name__ for f in hookspecs_of(module) if f.__name__ not in headings]


def _inline(text: str) -> str:
    return re.sub(r"\s*\n\s*", " ", text.replace("``", "`")).strip()


def _markdown(text: str) -> str:
    """Docstring prose as Markdown: paragraphs reflowed, ``- `` lists kept, ``code`` as `code`."""
    blocks = []
    for block in re.split(r"\n\s*\n", text.strip()):
        items: list[str] = []
        for line in block.splitlines():
            if line.lstrip().startswith("- "):
                items.append(line.strip())
            elif items:
                items[-1] += " " + line.strip()
            else:
                items = items or [""]
                items[-1] = (items[-1] + " " + line.strip()).strip()
        blocks.append("\n".join(_inline(item) for item in items))
    return "\n\n".join(blocks)


# -- hooks and their tests ------------------------------------------------------------

def hook_tests(folder: Path) -> dict[str, list[str]]:
    """Hook name -> the tests marked ``@pytest.mark.hook("name", ...)`` in folder's test_*.py."""
    tests: dict[str, list[str]] = {}
    for path in sorted(folder.glob("test_*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name.startswith("test"):
                for decorator in node.decorator_list:
                    if (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)
                            and decorator.func.attr == "hook"):
                        for argument in decorator.args:
                            if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                                tests.setdefault(argument.value, []).append(f"{path.name}::{node.name}")
    return tests


def hooks_without_tests(module: types.ModuleType, tests: dict[str, list[str]]) -> list[str]:
    return [f.__name__ for f in hookspecs_of(module) if not tests.get(f.__name__)]
