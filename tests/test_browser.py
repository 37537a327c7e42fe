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


# -- fits the window: no sideways scrolling on a laptop or a phone (issue 14) ---------------------

WIDTHS = (1280, 390)
#: the page's width against the window's, and the widest element that sticks out (to name it)
FIT = """JSON.stringify((() => {
  const width = document.documentElement.clientWidth;
  let widest = null;
  for (const el of document.querySelectorAll('body *')) {
    const right = el.getBoundingClientRect().right;
    if (right > width + 0.5 && (!widest || right > widest.right))
      widest = {right: Math.round(right), tag: el.tagName, cls: String(el.className.baseVal ?? el.className)};
  }
  return {clientWidth: width, widest};
})())"""


def overflow(path: Path, width: int) -> str | None:
    """None when ``path`` fits a window ``width`` wide, else what sticks out."""
    page = open_page(path, width=width, height=800, expression=FIT)
    assert page.errors == []
    extra = page.facts["extra"]
    if page.facts["scrollWidth"] <= min(width, extra["clientWidth"]):
        return None
    return f"{path.name} at {width}px is {page.facts['scrollWidth']}px wide; widest: {extra['widest']}"


@pytest.mark.parametrize("width", WIDTHS)
def test_example_pages_fit_a_laptop_and_a_phone(example_site, width):
    pages = [example_site / "index.html", example_site / "relations" / "k002.html"]
    assert [problem for page in pages if (problem := overflow(page, width))] == []


@pytest.mark.parametrize("width", WIDTHS)
def test_stress_pages_fit_a_laptop_and_a_phone(built_stress, width):
    """Unbroken 100-character names in eight scripts, long e-mail addresses and URLs."""
    site = built_stress.site
    pages = [site / "index.html", *(site / "relations" / f"{r}.html" for r in ("s01", "s04", "s07"))]
    assert [problem for page in pages if (problem := overflow(page, width))] == []


def test_the_fit_check_sees_a_page_that_scrolls_sideways(built_stress, tmp_path):
    """Negative control: the same plan without the screen rules that make it fit is too wide."""
    import re
    import shutil

    shutil.copytree(built_stress.site / "assets", tmp_path / "assets")
    (tmp_path / "relations").mkdir()
    shutil.copy(built_stress.site / "relations" / "s01.html", tmp_path / "relations")
    css = tmp_path / "assets" / "report.css"
    text = css.read_text(encoding="utf-8")
    stripped = re.sub(r"@media screen \{.*?\n\}\n", "", text, flags=re.S)
    assert stripped != text
    css.write_text(stripped, encoding="utf-8")
    assert overflow(tmp_path / "relations" / "s01.html", 390) is not None
