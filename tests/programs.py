"""The programs some tests drive: headless Chromium and poppler's PDF tools.

A test says what it needs with ``@pytest.mark.needs("pdftotext", ...)``. On a developer's
machine a missing program skips that test and says what to install; under ``CI=true`` it
fails the test, so that CI cannot pass by skipping what it was meant to check.
"""

from __future__ import annotations

import os
import shutil

import pytest

#: Debian package of each program (what .ci/run installs).
PACKAGES = {"chromium": "chromium", "pdftotext": "poppler-utils", "pdfinfo": "poppler-utils",
            "pdftoppm": "poppler-utils", "pdftohtml": "poppler-utils", "pdfimages": "poppler-utils"}
#: Names a program goes by on PATH, if more than its own.
ALIASES = {"chromium": ("chromium", "chromium-browser")}


def find(program: str) -> str | None:
    """The path of ``program`` on PATH, under any of its names."""
    return next(filter(None, map(shutil.which, ALIASES.get(program, (program,)))), None)


def in_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in ("true", "1")


def require(*programs: str) -> None:
    """Skip (fail under CI=true) the running test when one of ``programs`` is missing."""
    missing = [program for program in programs if find(program) is None]
    if not missing:
        return
    packages = " ".join(sorted({PACKAGES[program] for program in missing}))
    message = f"{', '.join(missing)} not installed (apt-get install {packages})"
    if in_ci():
        pytest.fail(f"{message}; under CI=true a missing program is a failure, not a skip", pytrace=False)
    pytest.skip(message)
