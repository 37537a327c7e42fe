"""The package's import graph, every import counted (function-level and ``TYPE_CHECKING`` ones too).

The architecture test uses it to keep the layout honest: no import cycle, and no
built-in plugin module importing another plugin's module.
"""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
NAME = PACKAGE.name


def module_files(package: Path = PACKAGE) -> dict[str, Path]:
    """Dotted module name -> file, for every module of the package (packages by their __init__)."""
    found = {}
    for path in sorted(package.rglob("*.py")):
        parts = path.relative_to(package.parent).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        if "scaffold" in parts and path.parent.name != "scaffold":
            continue    # templates of files a user gets, not modules of ours
        found[".".join(parts)] = path
    return found


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The package modules ``module`` imports anywhere in its file."""
    is_package = path.name == "__init__.py"
    base = module.split(".") if is_package else module.split(".")[:-1]
    wanted: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            prefix = base[:len(base) - node.level + 1] if node.level else []
            target = ".".join(prefix + ([node.module] if node.module else []))
            # ``from package import module`` imports that module; ``from module import name``
            # the module (a package's __init__ runs for its submodules either way, unwritten)
            submodules = [f"{target}.{alias.name}" for alias in node.names
                          if f"{target}.{alias.name}" in known]
            names = submodules + ([target] if len(submodules) < len(node.names) else [])
        else:
            continue
        for name in names:
            # the longest known module the name starts with (``from pkg import module`` included)
            while name and name not in known:
                name = name.rpartition(".")[0]
            if name and name != module:
                wanted.add(name)
    return wanted


def import_graph(package: Path = PACKAGE) -> dict[str, set[str]]:
    files = module_files(package)
    known = set(files)
    graph = {module: imports_of(module, path, known) for module, path in files.items()}
    # a module's parent packages are imported with it, but only edges written in code count
    return graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Every import cycle found, each once, as a list of modules (first repeated at the end)."""
    found: list[list[str]] = []
    remaining = {module: set(targets) for module, targets in graph.items()}
    while True:
        try:
            TopologicalSorter(remaining).prepare()
            return found
        except CycleError as exc:
            cycle = list(exc.args[1])
            found.append(cycle)
            # break the cycle at its first edge and look for more
            remaining[cycle[1]].discard(cycle[0])
