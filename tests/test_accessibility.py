"""Accessible web pages (WCAG 2.1 AA, EN 301 549): axe-core in headless Chromium finds no serious
or critical violation on the portfolio and on a plan, of the example and of the stress project.

axe-core is the npm package, committed under tests/data/axe-core (no network); see its
SOURCE.txt. Moderate findings are printed for the record but do not fail the test.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from browser import axe_violations

pytestmark = pytest.mark.needs("chromium")

BLOCKING = ("serious", "critical")


def blocking(path: Path, width: int) -> list[dict]:
    found = axe_violations(path, width)
    for violation in found:
        if violation["impact"] not in BLOCKING:
            print(f"{path.name} at {width}px, {violation['impact']}: {violation['id']} {violation['targets']}")
    return [v for v in found if v["impact"] in BLOCKING]


def describe(found: list[dict]) -> str:
    return "\n".join(f"{v['impact']} {v['id']} ({v['count']}x): {v['help']}; e.g. {v['targets']}"
                     for v in found)


@pytest.mark.parametrize("width", (1280, 390))
def test_example_portfolio_and_plan_have_no_serious_violation(built_example, width):
    example = built_example("nl")
    for page in (example.html(), example.html("K002")):
        found = blocking(page, width)
        assert found == [], f"{page.name}:\n{describe(found)}"


def test_stress_portfolio_and_plans_have_no_serious_violation(built_stress):
    """Names in eight scripts (right-to-left among them) and a plan without any history."""
    for page in (built_stress.html(), built_stress.html("S01"), built_stress.html("S07"),
                 built_stress.html("S09")):
        found = blocking(page, 390)
        assert found == [], f"{page.name}:\n{describe(found)}"


def test_the_check_fails_on_a_page_made_to_break_it(tmp_path):
    """Negative control: low-contrast text, an image without alt text, a table box a keyboard
    cannot reach, a chart without a name: axe must find each."""
    page = tmp_path / "broken.html"
    page.write_text("""<!DOCTYPE html><html lang="nl"><head><meta charset="utf-8"><title>Kapot</title></head>
<body><main><h1>Kapot</h1>
<p style="color:#bbbbbb;background:#ffffff">Lichtgrijze tekst op wit</p>
<img src="data:image/gif;base64,R0lGODlhAQABAAAAACw=" width="10" height="10">
<svg role="img" width="40" height="10"><rect width="40" height="10"/></svg>
<div style="overflow-x:auto;width:100px"><p style="width:600px">Een brede regel die schuift</p></div>
</main></body></html>""", encoding="utf-8")
    found = {v["id"] for v in axe_violations(page, 390) if v["impact"] in BLOCKING}
    assert {"color-contrast", "image-alt", "svg-img-alt", "scrollable-region-focusable"} <= found, found


# -- the table boxes (relatierapport/render/table_box.py) -----------------------------------------

def test_each_table_gets_a_named_box_that_a_keyboard_reaches():
    from relatierapport.render.table_box import boxed_tables

    html = ('<h3><span class="marker" aria-hidden="true">▲</span>Te laat (3)</h3>'
            '<table class="a"><tr><td>1</td></tr></table>'
            '<table class="b"><caption>Per &quot;team&quot; <span class="note">(2)</span></caption></table>'
            '<p>tekst</p><table class="c"></table>')
    boxed = str(boxed_tables(html, "Ritme & rust", "tabel"))
    boxes = re.findall(r'<div class="table-scroll" role="region" aria-label="([^"]*)" tabindex="0"><table class="(\w)"',
                       boxed)
    assert boxes == [("Ritme &amp; rust: Te laat (3)", "a"),           # the heading above, no marker
                     ("Ritme &amp; rust: Per &quot;team&quot; (2)", "b"),  # its caption, as text
                     ("Ritme &amp; rust, tabel", "c")]                 # neither: not the section's name
    assert boxed.count("</table></div>") == 3 and "<p>tekst</p>" in boxed
    assert str(boxed_tables("<p>geen tabel</p>", "x", "tabel")) == "<p>geen tabel</p>"


def test_the_pdf_gets_no_boxes(project):
    """The same page for the PDF: tables as they were, no scrolling region in print."""
    from relatierapport.build import BuildOptions, prepare_report
    from relatierapport.render.site import Site

    plugins, report = prepare_report(BuildOptions(project))
    page = next(Site(report, plugins).pages())
    screen, pdf = page.render("screen"), page.render("pdf")
    assert screen.count("<table") == screen.count('<div class="table-scroll"') > 3
    assert pdf.count("<table") == screen.count("<table") and "table-scroll" not in pdf
