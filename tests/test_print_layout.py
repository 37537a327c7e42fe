"""Printed reports hold any data (issue 14): what a reader of the PDF would see go wrong.

Checked on the stress project (unbroken 100-character names in eight scripts, long e-mail
addresses and URLs, 349 relations) and on the example, for the portfolio and every plan built
as PDF: no word past a page edge, no character without a glyph, every stress name printed
whole, no page holding only a heading and none ending with one, long tables repeating their
header, no date split over two lines. Each check is shown to fail on a PDF made to break it
(tiny pages rendered here with the real WeasyPrint).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import pdf_checks as checks
from conftest import cli, write_project
from relatierapport.builtin.outputs.pdf_output.dates import keep_dates_together
from relatierapport.render.site import BUILTIN_TEMPLATES
from stress_build import STRESS_RELATIONS

pytestmark = pytest.mark.needs("pdftotext")
REPORT_CSS = BUILTIN_TEMPLATES / "assets" / "report.css"


def built_pdfs(site: Path) -> list[tuple[Path, str]]:
    """Every PDF of a built site with the HTML of its page (for the headings)."""
    pdfs = [site / "portfolio.pdf", *sorted((site / "relations").glob("*.pdf"))]
    return [(pdf, (site / "index.html" if pdf.name == "portfolio.pdf" else pdf.with_suffix(".html"))
             .read_text(encoding="utf-8")) for pdf in pdfs]


@pytest.fixture(params=["stress", "example"])
def site(request) -> Path:
    if request.param == "stress":
        return request.getfixturevalue("built_stress").site
    return request.getfixturevalue("built_example")("nl").site


def faults_in(site: Path, check) -> dict[str, list[str]]:
    found = {pdf.name: check(pdf, html) for pdf, html in built_pdfs(site)}
    assert len(found) >= 4                      # the portfolio and at least three plans
    return {name: faults for name, faults in found.items() if faults}


def render(tmp_path: Path, body: str, css: str = "", report_css: bool = False, name: str = "t") -> Path:
    """A tiny page rendered by WeasyPrint as the report would be (optionally with report.css)."""
    from weasyprint import CSS, HTML

    html = f'<!doctype html><html lang="nl"><head><style>{css}</style></head><body>{body}</body></html>'
    target = tmp_path / f"{name}.pdf"
    sheets = [CSS(filename=str(REPORT_CSS))] if report_css else []
    HTML(string=html).write_pdf(target, stylesheets=sheets)
    return target


# -- on the stress project and the example --------------------------------------------------------

def test_no_word_reaches_past_a_page_edge(site):
    assert faults_in(site, lambda pdf, html: checks.words_off_page(pdf)) == {}


def test_no_page_holds_only_a_heading_and_none_ends_with_a_heading_or_legend(site):
    assert faults_in(site, checks.heading_only_pages) == {}
    assert faults_in(site, checks.pages_ending_with_a_heading) == {}


def test_no_date_is_split_over_two_lines(site):
    assert faults_in(site, lambda pdf, html: checks.wrapped_dates(pdf)) == {}


def test_every_stress_name_prints_whole_and_no_glyph_is_missing(built_stress):
    record = json.loads((built_stress.site.parent / "build.json").read_text(encoding="utf-8"))
    assert checks.missing_glyph_warnings(record["warnings"]) == []
    for relation, (name, *_) in STRESS_RELATIONS.items():
        assert checks.prints_whole(built_stress.pdf(relation), name), relation
    # the portfolio lists the stress names in its tables, each whole however it wraps
    assert all(checks.prints_whole(built_stress.pdf(), name) for name, *_ in STRESS_RELATIONS.values())


def test_the_long_relation_index_repeats_its_header_on_every_page(built_stress):
    pdf = built_stress.pdf()
    pages = checks.read_pages(pdf)
    start = max(page.number for page in pages                   # the index: the last section
                if any(line.text == "Alle relaties" for line in page.body))
    body = checks.rows(pages[start - 1].body)
    heading = next(i for i, row in enumerate(body) if " ".join(line.text for line in row) == "Alle relaties")
    header = " ".join(line.text for line in body[heading + 1])
    assert header.startswith("Relatie")
    assert len(pages) - start >= 5                                  # it does run over many pages
    assert checks.pages_without_header(pdf, header, range(start + 1, len(pages) + 1)) == []


# -- each check fails on a PDF made to break it ---------------------------------------------------

def test_a_word_past_the_edge_is_found(tmp_path):
    wide = render(tmp_path, f"<p style='white-space: nowrap'>{'Gezondheidszorg' * 12}</p>")
    assert checks.words_off_page(wide) and "xMax" in checks.words_off_page(wide)[0]
    # report.css makes the same word wrap in a table cell
    cell = f"<table><tr><td>{'Gezondheidszorg' * 12}</td><td>16 aug 2026</td></tr></table>"
    assert checks.words_off_page(render(tmp_path, cell, name="plain")) != []
    assert checks.words_off_page(render(tmp_path, cell, report_css=True, name="report")) == []


def test_a_page_holding_only_a_heading_is_found(tmp_path):
    body = "<h1>Relatieplan</h1><p>Tekst.</p><h2 style='break-before: page'>Relatienetwerk</h2>"
    html = f"<html><body>{body}</body></html>"
    assert checks.heading_only_pages(render(tmp_path, body), html) == ["page 2: only 'Relatienetwerk'"]
    # a heading followed by its text on the same page is fine
    fine = body + "<p>Wie heeft contact.</p>"
    assert checks.heading_only_pages(render(tmp_path, fine, name="fine"), f"<body>{fine}</body>") == []


def test_a_heading_or_legend_ending_a_page_is_found_and_report_css_keeps_them_with_the_table(tmp_path):
    from weasyprint import CSS, HTML

    body = ("<style>.chart-legend { display: flex; gap: 1em; list-style: none }</style>"
            "<h2>Gezondheid</h2><ul class='chart-legend'><li>groen</li><li>rood</li></ul>"
            "<p style='break-before: page'>De tabel.</p>")
    assert checks.pages_ending_with_a_heading(render(tmp_path, body), body) == [
        "page 1 ends with 'groen rood'"]
    # text fills the page up to a heading, its chart legend and a table: report.css without its
    # rule for legends leaves heading and legend alone at the bottom; with it they move on
    rows = "".join(f"<tr><td>Relatie {n}</td><td>A</td></tr>" for n in range(8))
    page = ("".join(f"<p>Regel {n} van de tekst die de pagina vult.</p>" for n in range(40))
            + "<h2>Gezondheid</h2><ul class='chart-legend'><li>groen</li><li>rood</li></ul>"
            f"<table><thead><tr><th>Relatie</th><th>Cat</th></tr></thead><tbody>{rows}</tbody></table>")
    css = REPORT_CSS.read_text(encoding="utf-8")
    rule = "h1, h2, h3, h4, caption, .chart-legend { break-after: avoid; }"
    assert rule in css
    found = {}
    for name, sheet in (("without", css.replace(rule, "h1, h2, h3, h4, caption { break-after: avoid; }")),
                        ("with", css)):
        HTML(string=f'<html lang="nl"><body>{page}</body></html>').write_pdf(
            tmp_path / f"{name}.pdf", stylesheets=[CSS(string=sheet)])
        found[name] = checks.pages_ending_with_a_heading(tmp_path / f"{name}.pdf", page)
    assert found == {"without": ["page 1 ends with 'groen rood'"], "with": []}


def test_a_wrapped_date_is_found_and_the_pdf_keeps_dates_whole(tmp_path):
    body = "<table><tr><td>Naam</td><td style='width: 3em'>16 aug 2026</td></tr></table>"
    assert checks.wrapped_dates(render(tmp_path, body)) == ["page 1: '16 aug 2026' over two lines"]
    kept = keep_dates_together(f"<html><body>{body}</body></html>", "nl").split("<body>")[1]
    assert '<span class="date">16 aug 2026</span>' in kept
    # in English too, in sentences; never in an attribute or an inline SVG (whose text is no HTML)
    english = keep_dates_together('<body><p title="1 May 2026">Due 15 Oct 2026 (1 November 2026)</p>'
                                  "<svg><text>1 Nov 2026</text></svg></body>", "en")
    assert english == ('<body><p title="1 May 2026">Due <span class="date">15 Oct 2026</span> '
                       '(<span class="date">1 November 2026</span>)</p><svg><text>1 Nov 2026</text></svg></body>')
    assert checks.wrapped_dates(render(tmp_path, kept, report_css=True, name="kept")) == []


def test_a_name_changed_in_print_is_not_whole(tmp_path):
    name = "Gezondheidszorgkwaliteitsbewakingsondersteuning"
    hyphenated = render(tmp_path, f"<p style='hyphens: auto; width: 6em'>{name}</p>")
    assert not checks.prints_whole(hyphenated, name)                # "Gezond-" / "heids…"
    assert checks.prints_whole(render(tmp_path, f"<p>{name}</p>", name="whole"), name)
    # right-to-left text comes back from pdftotext in visual order: still found whole
    arabic = STRESS_RELATIONS["S07"][0]
    assert checks.prints_whole(render(tmp_path, f"<p>{arabic}</p>", name="arabic"), arabic)


def test_a_table_that_does_not_repeat_its_header_is_found(tmp_path):
    rows = "".join(f"<tr><td>Relatie {n}</td><td>A</td></tr>" for n in range(120))
    with_thead = f"<table><thead><tr><th>Relatie</th><th>Cat</th></tr></thead><tbody>{rows}</tbody></table>"
    without = f"<table><tbody><tr><th>Relatie</th><th>Cat</th></tr>{rows}</tbody></table>"
    repeated = render(tmp_path, with_thead, report_css=True, name="thead")
    count = len(checks.read_pages(repeated))
    assert count >= 2
    assert checks.pages_without_header(repeated, "Relatie Cat", range(2, count + 1)) == []
    once = render(tmp_path, without, report_css=True, name="once")
    assert checks.pages_without_header(once, "Relatie Cat", range(2, count + 1)) != []


def test_characters_without_a_font_are_one_warning_naming_them_the_pdfs_and_nothing_else(tmp_path):
    relations = ("id;name;kind;role;owner;category;since;city\n"
                 "K1;Alfa\ue000Bouw\ue001;organisatie;opdrachtgever;M1;A;01-03-2015;Utrecht\n"
                 "K2;Beta\ue000Zorg;organisatie;opdrachtgever;M2;B;15-06-2020;Zwolle\n"
                 "C1;Carla de Jong;persoon;kandidaat;M1;C;10-01-2026;Delft\n")
    config = write_project(tmp_path, relations=relations)
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "pdf")
    assert result.exit_code == 0, result.output
    found = [line for line in result.output.splitlines() if "U+E000" in line]
    assert len(found) == 1, result.output
    assert ("2 characters printed as empty boxes, no font has them: \ue000 (U+E000), \ue001 (U+E001); "
            "in ") in found[0]
    assert "portfolio.pdf" in found[0] and "relations/k1.pdf" in found[0] and "relations/k2.pdf" in found[0]
    assert "relations/c1.pdf" not in found[0]
    assert "no installed font has them, not even the Noto fonts" in found[0]   # Noto is installed here
    assert ".notdef" not in result.output
    assert checks.missing_glyph_warnings([found[0]]) == [found[0]]
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    assert len(report["warnings"]) == 1 and "U+E001" in report["warnings"][0]["message"]
