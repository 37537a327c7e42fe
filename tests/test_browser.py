"""The HTML as a reader sees it, in headless Chromium: no errors, working links, fits a phone."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from browser import open_page

pytestmark = pytest.mark.needs("chromium")


@pytest.fixture(scope="module")
def example_site(built_example) -> Path:
    """The example project's site in Dutch, as built for this run (2026-11-01)."""
    return built_example("nl").site


def local_targets(links: list[str]) -> list[Path]:
    return [Path(unquote(urlsplit(link).path)) for link in links if link.startswith("file:")]


def test_portfolio_page_opens_cleanly_and_every_link_resolves(example_site):
    page = open_page(example_site / "index.html")
    assert page.errors == []
    assert page.facts["lang"] == "nl" and page.facts["stylesheets"] >= 2
    text = page.facts["text"]
    for heading in ("Portefeuillerapport", "Contactritme", "Alle relaties", "Jubilea"):
        assert heading in text
    targets = local_targets(page.facts["links"])
    assert len(targets) > 100
    assert [t for t in targets if not t.is_file()] == []


def test_relation_plan_reads_well_on_a_phone(example_site):
    page = open_page(example_site / "relations" / "k001.html", width=375, height=740)
    assert page.errors == []
    assert page.facts["scrollWidth"] <= 375          # no sideways scrolling
    assert "Profiel" in page.facts["text"] and "Contactritme" in page.facts["text"]
    assert all(target.is_file() for target in local_targets(page.facts["links"]))
