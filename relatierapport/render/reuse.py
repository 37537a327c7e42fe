"""Incremental builds: an output file whose inputs did not change is carried over, not made again.

A PDF costs WeasyPrint ~0.4 s; its HTML costs milliseconds. So each output file
is keyed by a digest of exactly what it is made from (the page's HTML, the
stylesheet, every file under ``assets/`` it may embed, the fonts on the
machine, the versions of the programs that make it and the options that change
it). The previous build left a manifest of these digests inside its output
folder (``.relatierapport/<format>.json``); a page whose digest matches is hard
linked (else copied) from the previous output into the staging folder, so the
atomic swap stays and the output is byte for byte what a clean build writes.

The manifest is trusted only when it was written by this very relatierapport
and renderer version (its ``stamp``), and each carried file is checked against
the digest of its bytes recorded when it was written: a file changed by hand is
made again. ``build --clean`` ignores the manifest.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import orjson

#: The folder of the output that holds the manifests; hidden, so no site links to it.
CACHE_FOLDER = ".relatierapport"
#: Where fonts live on Linux and macOS: a font installed or removed there changes every PDF.
FONT_FOLDERS = ("/usr/share/fonts", "/usr/local/share/fonts", "/Library/Fonts", "~/.fonts",
                "~/.local/share/fonts", "~/Library/Fonts")


def digest(*parts: str | bytes) -> str:
    """sha256 of the parts, each length-prefixed so ("ab", "c") and ("a", "bc") differ."""
    hasher = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8") if isinstance(part, str) else part
        hasher.update(len(data).to_bytes(8, "little"))
        hasher.update(data)
    return hasher.hexdigest()


def file_digest(path: Path) -> str:
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()


def tree_digest(folder: Path, pattern: str = "*") -> str:
    """Every file under ``folder`` whose name matches ``pattern``: its path relative to it and
    its bytes (empty: no folder)."""
    parts: list[str] = []
    if folder.is_dir():
        for path in sorted(p for p in folder.rglob(pattern) if p.is_file()):
            parts += [path.relative_to(folder).as_posix(), file_digest(path)]
    return digest(*parts)


def fonts_fingerprint() -> str:
    """The font files on the machine by name, size and modification time: cheap (a few ms for
    hundreds of fonts) and changed by installing, removing or updating a font."""
    parts: list[str] = []
    for folder in FONT_FOLDERS:
        root = Path(os.path.expanduser(folder))
        if not root.is_dir():
            continue
        for directory, _, files in sorted(os.walk(root)):
            for name in sorted(files):
                path = os.path.join(directory, name)
                try:
                    stat = os.stat(path)
                except OSError:
                    continue
                parts.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    return digest(*parts)


def manifest(output: Path, name: str) -> Path:
    """Where an output folder keeps the digests of format ``name``'s files."""
    return output / CACHE_FOLDER / f"{name}.json"


def installed_version(package: str) -> str:
    """The version of an installed package, read from its own dist-info beside it (not by
    searching every folder of sys.path, as importlib.metadata.version does), without importing
    it; "" when it cannot be told."""
    from importlib.metadata import Distribution
    from importlib.util import find_spec

    spec = find_spec(package)
    if spec is None or not spec.origin:
        return ""
    for info in sorted(Path(spec.origin).parent.parent.glob(f"{package}-*.dist-info")):
        return Distribution.at(info).version or ""
    return ""


@dataclass
class Entry:
    """One output file as the manifest records it."""

    inputs: str                 # digest of what it was made from
    output: str                 # digest of the bytes written
    extra: dict = field(default_factory=dict)   # what the format wants back (page counts, warnings)


class Reuse:
    """The previous build's outputs of one format that may be carried into this one.

    ``previous`` is the current output folder (None: nothing to reuse, a first or a
    ``--clean`` build); ``stamp`` names everything that makes every file differ (versions,
    options): a manifest with another stamp is ignored whole.
    """

    def __init__(self, name: str, stamp: dict, previous: Path | None):
        self.name = name
        self.stamp = stamp
        self.previous = previous
        self.old: dict[str, Entry] = {}
        self.new: dict[str, Entry] = {}
        self.carried = 0
        path = manifest(previous, name) if previous is not None else None
        if path is not None and path.is_file():
            try:
                data = orjson.loads(path.read_bytes())
            except orjson.JSONDecodeError:
                data = {}
            if isinstance(data, dict) and data.get("stamp") == stamp:
                self.old = {path: Entry(**entry) for path, entry in data.get("files", {}).items()}

    def carry(self, path: str, inputs: str, staging: Path) -> dict | None:
        """Bring ``path`` over from the previous output when it was made from the same inputs
        and is still what was written; return its ``extra`` then, else None (make it)."""
        entry = self.old.get(path)
        if entry is None or entry.inputs != inputs or self.previous is None:
            return None
        source = self.previous / path
        try:
            if not source.is_file() or source.is_symlink() or file_digest(source) != entry.output:
                return None
            destination = staging / path
            destination.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(source, destination)
            except OSError:
                shutil.copy2(source, destination)
        except OSError:
            return None
        self.new[path] = entry
        self.carried += 1
        return entry.extra

    def record(self, path: str, inputs: str, staging: Path, extra: dict | None = None) -> None:
        """Note a file just made, for the next build."""
        self.new[path] = Entry(inputs, file_digest(staging / path), extra or {})

    def save(self, staging: Path) -> None:
        """Write this build's manifest into the staging folder (sorted: the same build writes
        the same bytes)."""
        path = manifest(staging, self.name)
        path.parent.mkdir(exist_ok=True)
        files = {name: {"inputs": e.inputs, "output": e.output, "extra": e.extra}
                 for name, e in sorted(self.new.items())}
        path.write_bytes(
            orjson.dumps({"stamp": self.stamp, "files": files}, option=orjson.OPT_INDENT_2))
