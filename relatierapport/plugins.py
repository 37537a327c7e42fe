"""A fresh plugin manager per run, and a small typed facade over its hooks.

Plugins come from three places: the built-ins (``builtin.BUILTIN_PLUGINS``),
installed packages (entry point group ``relatierapport``) and the project's
``plugins/*.py``. The facade calls each hook implementation itself so that a
failure names the plugin and hook, and results are combined in plugin-name
order so no behaviour depends on registration order.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.metadata
import importlib.util
import inspect
import os
import re
import sys
import traceback
from dataclasses import dataclass, field
from graphlib import CycleError, TopologicalSorter
from pathlib import Path
from types import ModuleType
from typing import Any, Iterator

import pluggy

from relatierapport import hookspecs
from relatierapport.errors import PluginError, Problem

ENTRY_POINT_GROUP = "relatierapport"
#: Set to 1 to ignore plugins from installed packages (local and built-in ones still load).
SKIP_INSTALLED_ENV = "RELATIERAPPORT_NO_INSTALLED_PLUGINS"


@dataclass
class LoadedPlugin:
    name: str
    origin: str          # "built-in", "package NAME VERSION", "local file PATH"
    module: ModuleType


@dataclass
class Plugins:
    """The plugins of one run and typed access to their hooks."""

    pm: pluggy.PluginManager
    loaded: dict[str, LoadedPlugin] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)

    # -- calling -------------------------------------------------------------------
    def _impls(self, hook: str) -> list[pluggy.HookImpl]:
        impls = getattr(self.pm.hook, hook).get_hookimpls()
        return sorted(impls, key=lambda impl: impl.plugin_name)

    def call_each(self, hook: str, relation_id: str | None = None,
                  **kwargs: Any) -> Iterator[tuple[str, Any]]:
        """Yield (plugin name, result) per implementation, naming the plugin on failure."""
        for impl in self._impls(hook):
            args = [kwargs[name] for name in impl.argnames]
            try:
                result = impl.function(*args)
            except PluginError:
                raise
            except Exception as exc:  # a plugin's bug: name it, with where it happened
                frame = traceback.extract_tb(exc.__traceback__)[-1]
                detail = f"{type(exc).__name__}: {exc} ({Path(frame.filename).name}:{frame.lineno})"
                raise PluginError(impl.plugin_name, hook, detail, relation_id) from exc
            yield impl.plugin_name, result

    def collect(self, hook: str, key: str | None = None, relation_id: str | None = None,
                **kwargs: Any) -> list[tuple[str, Any]]:
        """Flatten list results into (plugin, item); with ``key``, two plugins may not share it."""
        items: list[tuple[str, Any]] = []
        owners: dict[str, str] = {}
        for plugin, result in self.call_each(hook, relation_id=relation_id, **kwargs):
            for item in result or ():
                if key is not None:
                    value = getattr(item, key)
                    if value in owners:
                        raise PluginError(plugin, hook, f"{key} {value!r} is already provided "
                                          f"by plugin {owners[value]!r}", relation_id)
                    owners[value] = plugin
                items.append((plugin, item))
        return items

    # -- the typed facade ---------------------------------------------------------
    def option_groups(self):
        return [group for _, group in self.collect("config_options", key="section")]

    def source_readers(self):
        return {reader.type: reader for _, reader in self.collect("source_readers", key="type")}

    def output_formats(self):
        return {fmt.name: fmt for _, fmt in self.collect("output_formats", key="name")}

    def analyses(self):
        """Analyses in dependency order (ties by name), with missing requirements and cycles named."""
        declared = {analysis.name: (plugin, analysis)
                    for plugin, analysis in self.collect("analyses", key="name")}
        sorter: TopologicalSorter[str] = TopologicalSorter()
        for name, (plugin, analysis) in sorted(declared.items()):
            for required in analysis.requires:
                if required not in declared:
                    raise PluginError(plugin, "analyses", f"analysis {name!r} requires "
                                      f"{required!r}, which no loaded plugin provides")
            sorter.add(name, *analysis.requires,
                       *(after for after in analysis.after if after in declared))
        try:
            sorter.prepare()
        except CycleError as exc:
            cycle = " -> ".join(exc.args[1])
            raise PluginError(declared[exc.args[1][0]][0], "analyses",
                              f"analyses require each other in a cycle: {cycle}") from None
        ordered = []
        while sorter.is_active():
            ready = sorted(sorter.get_ready())
            ordered.extend(declared[name] for name in ready)
            sorter.done(*ready)
        return ordered

    def report_sections(self, kind, relation, report, config):
        sections = [section for _, section in self.collect(
            "report_sections", key="id", relation_id=relation.id if relation else None,
            kind=kind, relation=relation, report=report, config=config)]
        return sorted(sections, key=lambda section: (section.weight, section.id))

    def template_dirs(self) -> list[Path]:
        return [Path(path) for _, path in self.collect("template_dirs")]

    def prepare_jinja_env(self, env, config) -> None:
        for _ in self.call_each("prepare_jinja_env", env=env, config=config):
            pass

    def post_build(self, result, config) -> None:
        for _ in self.call_each("post_build", result=result, config=config):
            pass

    def hooks_of(self, name: str) -> list[str]:
        """The hooks a plugin implements, for ``relatierapport plugins``."""
        plugin = self.pm.get_plugin(name)
        return sorted(caller.name for caller in self.pm.get_hookcallers(plugin) or ())


def _register(plugins: Plugins, name: str, module: ModuleType, origin: str) -> None:
    if name in plugins.loaded:
        raise PluginError(name, "-", f"two plugins are named {name!r}: "
                          f"{plugins.loaded[name].origin} and {origin}")
    try:
        plugins.pm.register(module, name=name)
    except pluggy.PluginValidationError as exc:
        raise PluginError(name, _hook_in(str(exc)), str(exc)) from None
    plugins.loaded[name] = LoadedPlugin(name, origin, module)


def _hook_in(message: str) -> str:
    """The hook name pluggy mentions in a validation message, for our error."""
    for hook in _hook_names():
        if hook in message:
            return hook
    return "-"


def _hook_names() -> list[str]:
    return [name for name, obj in inspect.getmembers(hookspecs, inspect.isfunction)
            if hasattr(obj, "relatierapport_spec")]


def _broken(plugins: Plugins, name: str, origin: str, exc: BaseException, strict: bool) -> None:
    detail = f"could not be loaded ({origin}): {type(exc).__name__}: {exc}"
    if strict:
        raise PluginError(name, "load", detail) from exc
    plugins.warnings.append(Problem("plugins", f"plugin {name!r} {detail}; skipped"))


def load_local_module(name: str, path: Path) -> ModuleType:
    """Import a project's plugins/NAME.py under a module name no other project shares."""
    folder = hashlib.sha1(str(path.parent).encode()).hexdigest()[:8]
    module_name = f"relatierapport_local_{folder}_{name}"
    spec = importlib.util.spec_from_file_location(module_name, path)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules[module_name]
        raise
    return module


def make_plugins(project_dir: Path | None = None, disabled: set[str] | frozenset = frozenset(),
                 strict: bool = False) -> Plugins:
    """Build the plugin manager for one run: built-ins, installed packages, local files."""
    from relatierapport.builtin import BUILTIN_PLUGINS

    pm = pluggy.PluginManager("relatierapport")
    pm.add_hookspecs(hookspecs)
    plugins = Plugins(pm)

    for module_name in BUILTIN_PLUGINS:
        name = module_name.rsplit(".", 1)[-1]
        if name not in disabled:
            _register(plugins, name, importlib.import_module(module_name), "built-in")

    if os.environ.get(SKIP_INSTALLED_ENV, "") not in ("", "0"):
        installed = []
    else:
        installed = sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP),
                           key=lambda ep: ep.name)
    for entry_point in installed:
        if entry_point.name in disabled:
            continue
        dist = entry_point.dist
        origin = f"package {dist.name} {dist.version}" if dist else f"entry point {entry_point.value}"
        try:
            module = entry_point.load()
        except Exception as exc:
            _broken(plugins, entry_point.name, origin, exc, strict)
            continue
        _register(plugins, entry_point.name, module, origin)

    plugin_dir = project_dir / "plugins" if project_dir else None
    for path in sorted(plugin_dir.glob("*.py")) if plugin_dir and plugin_dir.is_dir() else ():
        name = path.stem
        if name.startswith("_") or name in disabled:
            continue
        origin = f"local file {path}"
        try:
            module = load_local_module(name, path)
        except Exception as exc:
            _broken(plugins, name, origin, exc, strict)
            continue
        _register(plugins, name, module, origin)

    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or "?"
        unknown = re.search(r"unknown hook '([^']+)'", str(exc))
        raise PluginError(name, unknown[1] if unknown else "-", "no such hook; is the name "
                          f"misspelled? Known hooks: {', '.join(_hook_names())}") from None
    return plugins
