"""A killed build leaves no PDF worker behind (issue 16), through the CLI in a subprocess.

The build runs in a session of its own, so every process it starts (the spawned pool
workers, multiprocessing's resource tracker) shares its process group; after the build
is killed, nothing of that group may remain.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import write_project

pytestmark = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")

#: More relations than the pool's threshold (12 documents), so --jobs 2 starts a pool.
RELATIONS = "id;name;kind;role;owner;category;since;city\n" + "".join(
    f"K{i};Relatie {i};organisatie;opdrachtgever;M{1 + i % 2};A;01-03-2015;Utrecht\n" for i in range(1, 17))


def _group(pgid: int) -> list[tuple[int, str]]:
    """(pid, command line) of the live processes in process group ``pgid`` (zombies left out)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()
            if int(fields[2]) == pgid and fields[0] != "Z":
                cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
                found.append((int(entry.name), cmdline))
        except (OSError, ValueError):
            continue
    return found


def _start_build(tmp_path: Path) -> subprocess.Popen:
    config = write_project(tmp_path, relations=RELATIONS)
    return subprocess.Popen([sys.executable, "-m", "relatierapport", "build", "--config", str(config),
                             "--format", "pdf", "--jobs", "2", "--as-of", "2026-11-01"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)


def _wait_for_worker(build: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if build.poll() is not None:
            pytest.fail(f"the build ended (exit {build.returncode}) before a PDF worker started")
        if any("spawn_main" in cmd and pid != build.pid for pid, cmd in _group(build.pid)):
            time.sleep(1.0)            # let the workers get into their initializer and work
            return
        time.sleep(0.1)
    build.kill()
    pytest.fail("no PDF worker started")


def _assert_group_gone(pgid: int, within: float = 8.0) -> None:
    deadline = time.monotonic() + within
    left = _group(pgid)
    while left and time.monotonic() < deadline:
        time.sleep(0.1)
        left = _group(pgid)
    for pid, _ in left:                # do not leave them behind for the next test either
        try:
            os.kill(pid, signal.SIGKILL)
        except OSError:
            pass
    assert not left, f"processes left behind {within} s after the build was killed: {left}"


@pytest.mark.parametrize("number", [signal.SIGKILL, signal.SIGTERM, signal.SIGINT],
                         ids=["SIGKILL", "SIGTERM", "SIGINT"])
def test_a_killed_build_leaves_no_pdf_worker(tmp_path, number):
    build = _start_build(tmp_path)
    try:
        _wait_for_worker(build)
        os.kill(build.pid, number)
        code = build.wait(timeout=30)
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    assert code != 0
    _assert_group_gone(build.pid)
