"""The layout keeps its promises: no import cycle, and plugins that share findings, not code or options."""

from __future__ import annotations

import ast

from relatierapport.builtin import BUILTIN_PLUGINS
from relatierapport.devtools.imports import PACKAGE, cycles, import_graph, module_files

PLUGIN_NAMES = {module: module.rsplit(".", 1)[-1] for module in BUILTIN_PLUGINS}


def owner(module: str) -> str | None:
    """The built-in plugin a module belongs to (its own module or a module inside its package)."""
    for plugin in BUILTIN_PLUGINS:
        if module == plugin or module.startswith(plugin + "."):
            return plugin
    return None


def test_no_import_cycle_counting_every_import():
    found = cycles(import_graph())
    assert not found, "import cycles:\n" + "\n".join(" -> ".join(cycle) for cycle in found)


def test_the_cycle_check_finds_a_cycle(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text("def f():\n    from pkg import b\n")
    (package / "b.py").write_text("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from pkg.a import f\n")
    assert cycles(import_graph(package))


def test_importing_a_submodule_from_its_package_is_no_cycle(tmp_path):
    package = tmp_path / "pkg"
    package.mkdir()
    (package / "__init__.py").write_text("from pkg.b import g\n")
    (package / "a.py").write_text("def f():\n    return 1\n")
    (package / "b.py").write_text("from pkg import a\ndef g():\n    return a.f()\n")
    graph = import_graph(package)
    assert graph["pkg.b"] == {"pkg.a"} and not cycles(graph)


def test_no_builtin_imports_another_plugins_module():
    graph = import_graph()
    wrong = []
    for module, targets in graph.items():
        mine = owner(module)
        if not module.startswith("relatierapport.builtin.") or module == "relatierapport.builtin":
            continue
        for target in targets:
            theirs = owner(target)
            if theirs is not None and theirs != mine:
                wrong.append(f"{module} imports {target} (plugin {PLUGIN_NAMES[theirs]})")
    assert not wrong, "\n".join(wrong)


def _plugin_tables_read(path) -> set[str]:
    """Names in ``….plugin("name")`` calls and ``sections["plugins.name"]`` lookups of a file."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)
                and node.func.attr == "plugin" and node.args
                and isinstance(node.args[0], ast.Constant) and isinstance(node.args[0].value, str)):
            names.add(node.args[0].value)
        if (isinstance(node, ast.Subscript) and isinstance(node.slice, ast.Constant)
                and isinstance(node.slice.value, str) and node.slice.value.startswith("plugins.")):
            names.add(node.slice.value.removeprefix("plugins."))
    return names


def test_no_builtin_reads_another_plugins_options():
    wrong = []
    for module, path in module_files().items():
        if not module.startswith("relatierapport.builtin."):
            continue
        mine = owner(module)
        for name in _plugin_tables_read(path):
            if mine is None or name != PLUGIN_NAMES[mine]:
                wrong.append(f"{path.relative_to(PACKAGE.parent)} reads [plugins.{name}]")
    assert not wrong, "\n".join(wrong)


def test_the_option_check_sees_a_literal_plugin_name(tmp_path):
    file = tmp_path / "x.py"
    file.write_text('months = config.plugin("cadence")["months"]\nother = sections["plugins.planning"]\n')
    assert _plugin_tables_read(file) == {"cadence", "planning"}


def test_only_the_listed_builtins_register_commands():
    """The CLI lists its commands by loading only ``COMMAND_PLUGINS`` (issue 17): a built-in
    with a ``register_commands`` hook outside that list would lose its command in ``--help``."""
    import importlib

    from relatierapport.builtin import COMMAND_PLUGINS

    registering = {module for module in BUILTIN_PLUGINS
                   if hasattr(importlib.import_module(module), "register_commands")}
    assert registering == set(COMMAND_PLUGINS)


def test_the_command_line_starts_without_the_heavy_libraries():
    """``relatierapport --help`` imports neither polars, WeasyPrint, icalendar, Jinja2 nor what
    ``serve`` needs (watchfiles, http.server) (issue 17).

    Behaviour, not timing: the modules a fresh process holds after ``--help`` and after
    ``from relatierapport.hooktypes import …`` (the public names a plugin imports)."""
    import subprocess
    import sys

    heavy = ("polars", "weasyprint", "icalendar", "jinja2", "babel", "openpyxl",
             "watchfiles", "http.server")
    probe = ("import sys\n"
             "from relatierapport.cli import main\n"
             "from relatierapport.hooktypes import Analysis, Findings, Section\n"
             "try:\n"
             "    main(['--help'], prog_name='relatierapport')\n"
             "except SystemExit:\n"
             "    pass\n"
             f"print('heavy:', [m for m in {heavy!r} if m in sys.modules])\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          env={**__import__("os").environ, "RELATIERAPPORT_NO_INSTALLED_PLUGINS": "1"})
    assert "Commands:" in done.stdout and "mail" in done.stdout
    assert done.stdout.strip().splitlines()[-1] == "heavy: []"


def test_hooktypes_still_offers_the_polars_names():
    from relatierapport import hooktypes
    from relatierapport.hooktypes import RelationTable, relation_columns
    from relatierapport.relation_table import RelationTable as table, relation_columns as columns

    assert (RelationTable, relation_columns) == (table, columns)
    assert set(hooktypes.__all__) <= set(dir(hooktypes)) | {"RelationTable", "relation_columns"}
