"""Build into a temporary folder beside the target and swap it in only at the end.

A failed or killed build therefore leaves the previous output exactly as it
was. On Linux the swap is one atomic ``renameat2(RENAME_EXCHANGE)``; elsewhere
two renames.

Some of the output outlives a build: the mail ledger (``mail/``) says which
reports were already sent this month, so a rebuild of the same month must not
lose it. The swap carries these folders into the new output (hard links, so
nothing is copied), holding the output lock that ``relatierapport mail`` holds
while it sends, so no ledger line written meanwhile can be lost.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import shutil
import tempfile
from pathlib import Path
from typing import Iterator

from relatierapport.errors import ConfigError, Problem

try:
    import fcntl
except ImportError:  # pragma: no cover - not on POSIX: no lock
    fcntl = None

MARKER = "report.json"
#: Folders of the output folder that a rebuild keeps (the mail ledger and dry-run messages).
CARRIED = ("mail",)
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_target(target: Path, project_root: Path) -> None:
    """Refuse output folders whose replacement would destroy something else."""
    target = target.resolve()
    if target == project_root or project_root.is_relative_to(target):
        raise ConfigError([Problem("output", f"{target} is the project folder or contains it; "
                                   "choose a folder such as site/")])
    if target.exists() and (not target.is_dir() or (
            any(target.iterdir()) and not (target / MARKER).exists())):
        raise ConfigError([Problem("output", f"{target} exists and was not written by "
                                   "relatierapport (no report.json); refusing to replace it")])


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _remove_stale(target: Path) -> None:
    """Remove leftovers of killed builds (their process is gone)."""
    for leftover in target.parent.glob(f".{target.name}.*-*"):
        try:
            pid = int(leftover.name[len(target.name) + 2:].split("-")[1])
        except (IndexError, ValueError):
            continue
        if not _alive(pid):
            shutil.rmtree(leftover, ignore_errors=True)


@contextlib.contextmanager
def staging(target: Path) -> Iterator[Path]:
    """A fresh temporary folder beside ``target``; removed if the build fails."""
    target.parent.mkdir(parents=True, exist_ok=True)
    _remove_stale(target)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.building-{os.getpid()}-", dir=target.parent))
    tmp.chmod(0o755)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise


def _exchange(a: Path, b: Path) -> bool:
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    return renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) == 0


@contextlib.contextmanager
def output_lock(target: Path) -> Iterator[None]:
    """Hold the output folder's lock: swapping a build in and sending mail from it take turns,
    whichever comes second waits. The lock is on the folder that holds the output (an flock on
    the directory itself), so no lock file is left beside it."""
    target.parent.mkdir(parents=True, exist_ok=True)
    handle = os.open(target.parent, os.O_RDONLY)
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)      # closing releases the lock


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination)
    except OSError:
        shutil.copy2(source, destination)


def carry_over(old: Path, new: Path) -> None:
    """Bring the folders that outlive a build (``CARRIED``) from the old output into the new."""
    for name in CARRIED:
        if (old / name).is_dir() and not (new / name).exists():
            shutil.copytree(old / name, new / name, copy_function=_link_or_copy)


def swap_in(tmp: Path, target: Path) -> None:
    """Make ``tmp`` the new ``target``, keeping its ``CARRIED`` folders; the old output is removed."""
    with output_lock(target):
        if target.exists():
            carry_over(target, tmp)
        _swap(tmp, target)


def _swap(tmp: Path, target: Path) -> None:
    if not target.exists():
        os.rename(tmp, target)
        return
    if _exchange(tmp, target):
        shutil.rmtree(tmp, ignore_errors=True)   # tmp now holds the old output
        return
    old = target.with_name(f".{target.name}.old-{os.getpid()}-x")
    os.rename(target, old)
    os.rename(tmp, target)
    shutil.rmtree(old, ignore_errors=True)
