"""The programs tests drive: a missing one skips outside CI and fails under CI=true."""

from __future__ import annotations

import pytest

from programs import find, require


@pytest.fixture
def empty_path(monkeypatch, tmp_path):
    """A PATH holding only ``tmp_path``, where nothing is installed unless a test puts it there."""
    monkeypatch.setenv("PATH", str(tmp_path))
    return tmp_path


def test_outside_ci_a_missing_program_skips_and_says_what_to_install(monkeypatch, empty_path):
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"^pdftotext not installed \(apt-get install poppler-utils\)$"):
        require("pdftotext")


@pytest.mark.parametrize("value", ["true", "TRUE", "1"])
def test_under_ci_a_missing_program_fails(monkeypatch, empty_path, value):
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception) as failed:
        require("chromium", "pdfinfo")
    assert str(failed.value) == ("chromium, pdfinfo not installed (apt-get install chromium poppler-utils); "
                                 "under CI=true a missing program is a failure, not a skip")


def test_a_program_is_found_under_any_of_its_names(monkeypatch, empty_path):
    monkeypatch.setenv("CI", "true")
    browser = empty_path / "chromium-browser"
    browser.write_text("#!/bin/sh\n", encoding="utf-8")
    browser.chmod(0o755)
    assert find("chromium") == str(browser)
    require("chromium")                     # present: neither a skip nor a failure
