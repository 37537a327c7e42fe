"""The project files whose change means a new build: config.toml, every source's file or
folder (as config.toml names them now), ``templates/`` and ``plugins/``; never the output
folders, which every build replaces. The live preview watches them (``serve.watch``); a
rebuild asks whether any changed since the previous build to decide whether to start a PDF
worker early (``build._EarlyPdfPool``).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WatchSet:
    """Files and folders whose change means a rebuild, and folders whose changes never do."""

    files: frozenset[Path]
    trees: frozenset[Path]          # folders watched with everything inside them
    ignored: frozenset[Path]        # output folders (and their staging folders beside them)

    @property
    def flat(self) -> frozenset[Path]:
        """Folders watched without their subfolders: those holding a watched file."""
        return frozenset(path.parent for path in self.files) - self.trees

    def wants(self, path: Path) -> bool:
        """Whether a change at ``path`` asks for a rebuild."""
        if any(path == out or path.is_relative_to(out) or _is_staging(path, out)
               for out in self.ignored):
            return False
        if path.name == "__pycache__" or path.suffix in (".pyc", ".pyo") or "__pycache__" in path.parts:
            return False
        if path.name.startswith(".#") or path.name.endswith(("~", ".swp", ".swx")):
            return False          # editors' lock and backup files
        return path in self.files or any(path == tree or path.is_relative_to(tree)
                                         for tree in self.trees)

    def changed_since(self, moment: int) -> bool:
        """Whether a wanted file was modified after ``moment`` (ns since the epoch); a watched
        file that cannot be read (gone, no access) counts as changed."""
        try:
            for path in self.files:
                if path.stat().st_mtime_ns > moment:
                    return True
            return any(path.stat().st_mtime_ns > moment for tree in self.trees
                       for path in tree.rglob("*") if path.is_file() and self.wants(path))
        except OSError:
            return True


def _is_staging(path: Path, out: Path) -> bool:
    """A build's temporary folder (or anything in it) beside output folder ``out``."""
    for part in (path, *path.parents):
        if part.parent == out.parent and part.name.startswith(f".{out.name}."):
            return True
    return False


def watch_set(config_path: Path, outputs: list[Path]) -> WatchSet:
    """What to watch for the project of ``config_path``, read from config.toml as it is now
    (an unreadable config.toml: the file itself and the project's usual folders)."""
    from relatierapport.config import read_toml

    config_path = config_path.resolve()
    root = config_path.parent
    files = {config_path}
    trees = {root / "templates", root / "plugins"}
    try:
        raw = read_toml(config_path)
    except Exception:          # a half-typed config.toml: watch it, rebuild when it is whole
        raw = {}
    sources = raw.get("sources") if isinstance(raw.get("sources"), list) else []
    for source in sources:
        if not isinstance(source, dict) or not isinstance(source.get("path"), str):
            continue
        path = (root / source["path"]).resolve()
        if not path.is_relative_to(root):
            continue           # config validation refuses it; never watch outside the project
        (trees if path.is_dir() else files).add(path)
    outputs = [out.resolve() for out in outputs]
    return WatchSet(frozenset(files), frozenset(trees), frozenset(outputs))
