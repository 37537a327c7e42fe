"""What the preview watches, and the watching itself (watchfiles, imported only here).

Watched: the project files whose change means a new build (``relatierapport.project_files``:
config.toml, every source's file or folder as config.toml names them now, so a change to
config.toml that adds a source is followed, ``templates/`` and ``plugins/``), never the
output folders, which every build replaces. Folders that hold a watched file (the project
folder for config.toml, ``data/`` for a CSV) are watched without their subfolders, so a
``.venv`` in the project folder costs nothing; source folders, ``templates/`` and ``plugins/``
with theirs.
"""

from __future__ import annotations

import queue
import threading
from pathlib import Path

from relatierapport.project_files import WatchSet

#: How long watchfiles waits for more changes (ms) before it reports them, and at most.
STEP_MS = 100
DEBOUNCE_MS = 1600
READY_MS = 250


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
