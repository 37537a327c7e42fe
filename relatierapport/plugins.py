"""A fresh plugin manager per run, and a small typed facade over its hooks.

Plugins come from three places: the built-ins (``builtin.BUILTIN_PLUGINS``),
installed packages (entry point group ``relatierapport``) and the project's
``plugins/*.py``; tests may pass more in code (``relatierapport.testing``).
The facade calls each hook implementation itself so that a failure names the
plugin and hook, checks that every hook returns what its specification says,
and combines results in plugin-name order so no behaviour depends on
registration order.
"""

from __future__ import annotations

import dataclasses
import functools
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
from typing import Any, Iterator, Mapping

import pluggy

from relatierapport import hookspecs
from relatierapport.errors import ConfigError, PluginError, Problem, did_you_mean
from relatierapport.hooktypes import Analysis, GoalMetric, OptionGroup, OutputFormat, Section, SourceReader

ENTRY_POINT_GROUP = "relatierapport"
#: Set to 1 to ignore plugins from installed packages (local and built-in ones still load).
SKIP_INSTALLED_ENV = "RELATIERAPPORT_NO_INSTALLED_PLUGINS"

#: What each collecting hook's list must hold, so a wrong return is named, not a traceback.
RETURNS: dict[str, tuple[type, ...]] = {
    "config_options": (OptionGroup,), "source_readers": (SourceReader,), "analyses": (Analysis,),
    "report_sections": (Section,), "output_formats": (OutputFormat,), "template_dirs": (str, Path),
    "goal_metrics": (GoalMetric,),
}
#: Collecting hooks an analysis may name in ``collects``, and the field two plugins may not share.
COLLECTABLE = {"goal_metrics": "name"}


def describe_failure(exc: BaseException) -> str:
    """The exception and the file:line where it was raised, for a PluginError's message."""
    frames = traceback.extract_tb(exc.__traceback__)
    where = f" ({Path(frames[-1].filename).name}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {exc}{where}"


@dataclass
class LoadedPlugin:
    name: str
    origin: str          # "built-in", "package NAME VERSION", "local file PATH", "given in code"
    module: ModuleType | object


@dataclass
class Plugins:
    """The plugins of one run and typed access to their hooks."""

    pm: pluggy.PluginManager
    loaded: dict[str, LoadedPlugin] = field(default_factory=dict)
    warnings: list[Problem] = field(default_factory=list)
    disabled: dict[str, str] = field(default_factory=dict)   # found but not loaded: name -> origin

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
                raise PluginError(impl.plugin_name, hook, describe_failure(exc), relation_id) from exc
            yield impl.plugin_name, result

    def collect(self, hook: str, key: str | None = None, relation_id: str | None = None,
                **kwargs: Any) -> list[tuple[str, Any]]:
        """Flatten list results into (plugin, item); with ``key``, two plugins may not share it."""
        items: list[tuple[str, Any]] = []
        owners: dict[str, str] = {}
        expected = RETURNS.get(hook, (object,))
        wanted = " or ".join(kind.__name__ for kind in expected)
        for plugin, result in self.call_each(hook, relation_id=relation_id, **kwargs):
            if result is not None and not isinstance(result, (list, tuple)):
                raise PluginError(plugin, hook, f"returned {type(result).__name__}, expected a list "
                                  f"of {wanted} (an empty list adds nothing)", relation_id)
            for item in result or ():
                if not isinstance(item, expected):
                    raise PluginError(plugin, hook, f"returned a list holding {type(item).__name__} "
                                      f"{item!r:.60}, expected {wanted}", relation_id)
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

    def output_format_owners(self) -> dict[str, str]:
        """Format name -> the plugin that offers it, to name it when writing fails."""
        return {fmt.name: plugin for plugin, fmt in self.collect("output_formats", key="name")}

    def analyses(self):
        """Analyses in dependency order (ties by name), with missing requirements and cycles named."""
        declared = {analysis.name: (plugin, analysis)
                    for plugin, analysis in self.collect("analyses", key="name")}
        self._check_not_disabled(declared)
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
        return [(plugin, self._with_collected(plugin, analysis)) for plugin, analysis in ordered]

    def _check_not_disabled(self, declared: dict[str, tuple[str, Analysis]]) -> None:
        """A required analysis whose plugin was disabled is the configuration's doing, not a
        plugin's bug: name both plugins, every such pair at once."""
        problems = dict.fromkeys(     # a plugin with two such analyses is named once
            Problem("plugins", f"{plugin} requires {required}, which is disabled; enable "
                    f"{required} or disable {plugin} too", field="[project] disable_plugins")
            for _, (plugin, analysis) in sorted(declared.items())
            for required in analysis.requires
            if required not in declared and required in self.disabled)
        if problems:
            raise ConfigError(list(problems))

    def _with_collected(self, plugin: str, analysis: Analysis) -> Analysis:
        """The analysis with ``run`` bound to the results of the hooks it ``collects``."""
        if not analysis.collects:
            return analysis
        collected = {}
        for hook in analysis.collects:
            if hook not in COLLECTABLE:
                raise PluginError(plugin, "analyses", f"analysis {analysis.name!r} collects "
                                  f"{hook!r}; expected one of {', '.join(sorted(COLLECTABLE))}")
            collected[hook] = [item for _, item in self.collect(hook, key=COLLECTABLE[hook])]
        return dataclasses.replace(analysis, run=functools.partial(analysis.run, **collected))

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


def _register(plugins: Plugins, name: str, module: ModuleType | object, origin: str) -> None:
    if name in plugins.loaded:
        raise PluginError(name, "-", f"two plugins are named {name!r}: "
                          f"{plugins.loaded[name].origin} and {origin}")
    _check_arguments(name, module)
    try:
        plugins.pm.register(module, name=name)
    except pluggy.PluginValidationError as exc:
        raise PluginError(name, _hook_in(str(exc)), str(exc)) from None
    plugins.loaded[name] = LoadedPlugin(name, origin, module)


def _check_arguments(name: str, plugin: ModuleType | object) -> None:
    """Name a hook implementation whose arguments the hook cannot pass, before pluggy's terser check.

    An argument the hook does not have is a typo; an argument with a default is
    never passed at all by pluggy, so the plugin would silently see the default.
    """
    specs = _hook_arguments()
    for attribute in dir(plugin):
        try:
            function = getattr(plugin, attribute)
        except Exception:   # a property that raises is not a hook implementation
            continue
        opts = getattr(function, "relatierapport_impl", None)
        if not isinstance(opts, dict) or not callable(function):
            continue
        hook = opts.get("specname") or attribute
        if hook not in specs:
            continue        # an unknown hook is named by check_pending, with the known ones
        passes = f"it passes any of: {', '.join(specs[hook])}" if specs[hook] else "it passes none"
        for parameter in inspect.signature(function).parameters.values():
            if parameter.kind in (parameter.VAR_POSITIONAL, parameter.VAR_KEYWORD):
                raise PluginError(name, hook, f"{attribute}() takes *{parameter.name}; name the "
                                  f"arguments it uses instead ({passes})")
            if parameter.name not in specs[hook]:
                raise PluginError(name, hook, f"{attribute}() has an argument {parameter.name!r} "
                                  f"that this hook does not pass; {passes}")
            if parameter.default is not parameter.empty:
                raise PluginError(name, hook, f"{attribute}() gives argument {parameter.name!r} a "
                                  "default, so it would never be passed (pluggy passes only "
                                  "arguments without defaults); remove the default")


@functools.cache
def _hook_arguments() -> dict[str, tuple[str, ...]]:
    """Each hook's argument names, from hookspecs.py (computed once per process)."""
    return {hook: tuple(inspect.signature(getattr(hookspecs, hook)).parameters)
            for hook in _hook_names()}


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


_LOCAL_MODULE = re.compile(r"relatierapport_local_[0-9a-f]{8}_(\w+)")


def local_plugin_name(module_name: str) -> str | None:
    """The plugin name of a module made by ``load_local_module``, else None."""
    match = _LOCAL_MODULE.fullmatch(module_name)
    return match[1] if match else None


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


def skip_installed() -> bool:
    """Whether the environment asks to leave out plugins from installed packages."""
    return os.environ.get(SKIP_INSTALLED_ENV, "").strip().lower() not in ("", "0", "false", "no")


def make_plugins(project_dir: Path | None = None, disabled: set[str] | frozenset = frozenset(),
                 strict: bool = False, *, extra: Mapping[str, object] | None = None,
                 installed: bool | None = None, builtins: tuple[str, ...] | None = None) -> Plugins:
    """Build the plugin manager for one run: built-ins, installed packages, local files.

    ``disabled`` names plugins not to load (config ``disable_plugins`` and
    ``--disable``); a name no plugin has is a warning, as it is likely a typo.
    ``extra`` registers further plugins (modules or objects) by name, after all
    others: how ``relatierapport.testing`` runs a plugin under test.
    ``installed=False`` skips entry points; None follows ``RELATIERAPPORT_NO_INSTALLED_PLUGINS``.
    ``builtins`` loads only these of the built-in modules (default: all of them).
    """
    from relatierapport.builtin import BUILTIN_PLUGINS

    pm = pluggy.PluginManager("relatierapport")
    pm.add_hookspecs(hookspecs)
    plugins = Plugins(pm)

    for module_name in BUILTIN_PLUGINS if builtins is None else builtins:
        name = module_name.rsplit(".", 1)[-1]
        if name in disabled:
            plugins.disabled[name] = "built-in"
        else:
            _register(plugins, name, importlib.import_module(module_name), "built-in")

    if installed is None:
        installed = not skip_installed()
    entry_points = sorted(importlib.metadata.entry_points(group=ENTRY_POINT_GROUP),
                          key=lambda ep: ep.name) if installed else []
    for entry_point in entry_points:
        dist = entry_point.dist
        origin = f"package {dist.name} {dist.version}" if dist else f"entry point {entry_point.value}"
        if entry_point.name in disabled:
            plugins.disabled[entry_point.name] = origin
            continue
        try:
            module = entry_point.load()
        except Exception as exc:
            _broken(plugins, entry_point.name, origin, exc, strict)
            continue
        _register(plugins, entry_point.name, module, origin)

    plugin_dir = project_dir / "plugins" if project_dir else None
    for path in sorted(plugin_dir.glob("*.py")) if plugin_dir and plugin_dir.is_dir() else ():
        name = path.stem
        origin = f"local file {path}"
        if name.startswith("_"):
            continue
        if name in disabled:
            plugins.disabled[name] = origin
            continue
        try:
            module = load_local_module(name, path)
        except Exception as exc:
            _broken(plugins, name, origin, exc, strict)
            continue
        _register(plugins, name, module, origin)

    for name, plugin in (extra or {}).items():
        if name in disabled:
            plugins.disabled[name] = "given in code"
        else:
            _register(plugins, name, plugin, "given in code")

    names = [*plugins.loaded, *plugins.disabled]
    for name in sorted(set(disabled) - set(plugins.disabled)):
        guess = did_you_mean(name, names, "'{}'")
        plugins.warnings.append(Problem("plugins", f"cannot disable {name!r}: no plugin has that "
                                        f"name{guess} (`relatierapport plugins` lists them)"))
    try:
        pm.check_pending()
    except pluggy.PluginValidationError as exc:
        name = pm.get_name(exc.plugin) or "?"
        unknown = re.search(r"unknown hook '([^']+)'", str(exc))
        raise PluginError(name, unknown[1] if unknown else "-", "no such hook; is the name "
                          f"misspelled? Known hooks: {', '.join(_hook_names())}") from None
    return plugins
