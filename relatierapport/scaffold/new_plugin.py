"""``relatierapport new-plugin NAME``: an installable plugin package that passes its own tests.

The package has a pyproject.toml with the entry point, a plugin module with an
option, an analysis (a score per relation) and a relation-plan section, the
section's template, tests built on ``relatierapport.testing`` and a README.
The files are templates in ``scaffold/plugin_package`` with ``$name`` fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from string import Template

from relatierapport import __version__
from relatierapport.errors import ConfigError, Problem

SOURCE = Path(__file__).parent / "plugin_package"
PREFIX = "relatierapport"


@dataclass(frozen=True)
class PluginNames:
    plugin: str      # the entry point name: findings key, [plugins.NAME], disable_plugins
    module: str      # the import name
    dist: str        # the distribution (pip) name and the folder

    @property
    def title(self) -> str:
        return self.plugin.replace("_", " ").capitalize()


def names_for(name: str) -> PluginNames:
    """``acme-score`` or ``acme_score`` -> plugin acme_score, module relatierapport_acme_score,
    distribution relatierapport-acme-score; a name no plugin could have is a usage error."""
    from relatierapport.builtin import BUILTIN_PLUGINS

    plugin = re.sub(r"[-\s]+", "_", name.strip().lower())
    plugin = re.sub(rf"^{PREFIX}_", "", plugin)
    if not re.fullmatch(r"[a-z][a-z0-9_]*", plugin):
        raise ConfigError([Problem("NAME", f"expected letters, digits, - or _, starting with a "
                                   f"letter (e.g. acme-score), found {name!r}")])
    if plugin in {module.rsplit(".", 1)[-1] for module in BUILTIN_PLUGINS} | {PREFIX}:
        raise ConfigError([Problem("NAME", f"{plugin!r} is the name of a built-in plugin; "
                                   "choose another, e.g. acme_" + plugin)])
    return PluginNames(plugin, f"{PREFIX}_{plugin}", f"{PREFIX}-{plugin.replace('_', '-')}")


def requirement() -> str:
    """relatierapport versions whose plugin API matches this one (see docs/plugins.md: Plugin API and versioning)."""
    major, minor = (int(part) for part in __version__.split(".")[:2])
    upper = f"{major}.{minor + 1}" if major == 0 else f"{major + 1}"
    return f"relatierapport>={major}.{minor},<{upper}"


def scaffold_plugin(name: str, target: Path | None = None) -> tuple[Path, list[Path]]:
    """Write the package into ``target`` (default ./relatierapport-NAME); never overwrites."""
    names = names_for(name)
    target = Path(target) if target is not None else Path(names.dist)
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ConfigError([Problem(str(target), "expected a new or empty folder; "
                                   "new-plugin never overwrites files")])
    fields = {"plugin": names.plugin, "module": names.module, "dist": names.dist,
              "title": names.title, "requirement": requirement(), "version": __version__}
    files = {
        "pyproject.toml": "pyproject.toml.tmpl",
        "README.md": "README.md.tmpl",
        ".gitignore": "gitignore.tmpl",
        f"src/{names.module}/__init__.py": "plugin.py.tmpl",
        f"src/{names.module}/templates/{names.plugin}.html": "section.html.tmpl",
        f"tests/test_{names.module}.py": "test_plugin.py.tmpl",
    }
    written = []
    for relative, template in files.items():
        text = Template((SOURCE / template).read_text(encoding="utf-8")).substitute(fields)
        path = target / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return target, written
