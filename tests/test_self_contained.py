"""A clone tests itself: no test reads files from beside the repository, and every file in
tests/data says where it comes from (SOURCE.txt), so its licence can be checked."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import TEST_DATA

TESTS = Path(__file__).resolve().parent
#: Ways a test could point at the data folder next to the repository.
OUTSIDE = re.compile(r"""shared["']?\s*[/\\]+\s*["']?data|\.\.[/\\]+shared|parent\s*/\s*["']shared["']""")


def test_no_test_reads_data_from_beside_the_repository():
    found = [f"{path.relative_to(TESTS)}:{number}: {line.strip()}"
             for path in sorted(TESTS.rglob("*.py")) if TEST_DATA not in path.parents
             for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
             if OUTSIDE.search(line)]
    assert found == []


def test_the_pattern_catches_the_old_ways_of_pointing_there():
    # written with placeholders, so that this file does not match itself
    lines = ['SHARED_DATA = REPO.parent / {q}shared{q} / {q}data{q}', "see ..{s}shared for the files",
             'open({q}shared{s}data{s}khard{s}x.vcf{q})']
    assert all(OUTSIDE.search(line.format(q='"', s="/")) for line in lines)
    assert not OUTSIDE.search('TEST_DATA / "crm-exports"')


def test_every_data_file_has_a_source_note_in_its_folder_or_above():
    files = [p for p in TEST_DATA.rglob("*") if p.is_file() and p.parent != TEST_DATA
             and not p.name.startswith("README")]
    assert files
    unexplained = [str(p.relative_to(TEST_DATA)) for p in files
                   if not any((folder / "SOURCE.txt").is_file()
                              for folder in p.parents if TEST_DATA in folder.parents)]
    assert unexplained == []


def test_the_nothing_outside_property_tests_run_everywhere():
    """They guard personal data (issue 16): no skip, no program they need, so CI always runs them."""
    text = (TESTS / "test_nothing_outside.py").read_text(encoding="utf-8")
    assert not re.search(r"\bskip(if)?\b|importorskip|mark\.needs|xfail", text)
    assert "def test_a_build_opens_nothing_outside_the_project" in text
