"""What the preview watches, and the watching itself (watchfiles, imported only here).

Watched: config.toml, every source's file or folder (as config.toml names them now: a change
to config.toml that adds a source is followed), ``templates/`` and ``plugins/``. Never the
output folders, which every build replaces. Folders that hold a watched file (the project
folder for config.toml, ``data/`` for a CSV) are watched without their subfolders, so a
``.venv`` in the project folder costs nothing; source folders, ``templates/`` and ``plugins/``
with theirs.
"""

from __future__ import annotations

import queue
import threading
from dataclasses import dataclass
from pathlib import Path

#: How long watchfiles waits for more changes (ms) before it reports them, and at most.
STEP_MS = 100
DEBOUNCE_MS = 1600
READY_MS = 250


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


class Watcher:
    """Two watchfiles loops (folders flat, trees recursive) in daemon threads, putting each
    batch of wanted changes, as a set of paths, on ``changes``."""

    def __init__(self, watched: WatchSet, changes: "queue.Queue[set[Path]]"):
        self.watched = watched
        self.changes = changes
        self._stop = threading.Event()
        self._threads: list[threading.Thread] = []
        self._ready: list[threading.Event] = []

    def start(self) -> "Watcher":
        flat = sorted(p for p in self.watched.flat if p.is_dir())
        trees = sorted(p for p in self.watched.trees if p.is_dir())
        # a tree inside a flat folder is watched by the flat loop as one entry (its creation) only
        for paths, recursive in ((flat, False), (trees, True)):
            if paths:
                ready = threading.Event()
                self._ready.append(ready)
                thread = threading.Thread(target=self._loop, args=(paths, recursive, ready),
                                          name=f"serve-watch-{'tree' if recursive else 'flat'}",
                                          daemon=True)
                thread.start()
                self._threads.append(thread)
        return self

    def wait_ready(self, timeout: float | None = None) -> bool:
        """Whether every loop has set up its watches (changes from then on are seen)."""
        return all(ready.wait(timeout) for ready in self._ready)

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(timeout=10)

    def _loop(self, paths: list[Path], recursive: bool, ready: threading.Event) -> None:
        import watchfiles

        # an empty batch every READY_MS when nothing changed: the first one says the watches
        # are in place
        for batch in watchfiles.watch(*paths, recursive=recursive, stop_event=self._stop,
                                      debounce=DEBOUNCE_MS, step=STEP_MS, watch_filter=None,
                                      raise_interrupt=False, ignore_permission_denied=True,
                                      rust_timeout=READY_MS, yield_on_timeout=True):
            ready.set()
            wanted = {Path(name) for _, name in batch if self.watched.wants(Path(name))}
            if wanted:
                self.changes.put(wanted)
