"""The portfolio report and the relation plans: what they say, bounded for large portfolios,
plan texts from config, and a house style that overrides one block."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

import pytest

from conftest import EMPLOYEES, cli, write_project

PLAN_TEXTS = """
[plugins.relation_plan]
budget = { A = 2500 }
channels = { default = ["Koffie op locatie"] }

[plugins.relation_plan.actions.client.before]
A = ["Offerte binnen 24 uur, met referenties"]
"""


def build(config: Path, *extra: str) -> Path:
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "html", *extra)
    assert result.exit_code == 0, result.output
    return config.parent / "site"


def section(html: str, section_id: str) -> str:
    match = re.search(rf'<section id="{section_id}".*?</section>', html, re.S)
    assert match, f"no section {section_id}"
    return match.group(0)


def text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_plan_texts_come_from_config_user_texts_as_written(tmp_path):
    site = build(write_project(tmp_path, extra_config=PLAN_TEXTS))
    plan = text(section((site / "relations" / "k1.html").read_text(encoding="utf-8"), "approach"))
    assert "Offerte binnen 24 uur, met referenties" in plan          # the user's own, as written
    assert "Volledige evaluatie" in plan and "Persoonlijk contact 4 keer per jaar" in plan  # defaults
    assert "Activiteiten: € 2.500 per jaar" in plan and "Koffie op locatie" in plan
    candidate = text(section((site / "relations" / "c1.html").read_text(encoding="utf-8"), "approach"))
    assert "Passende opdrachten voorstellen binnen twee weken" in candidate   # a C candidate
    assert "Alleen contact bij nieuw werk" in candidate and "Activiteiten" not in candidate


def test_plan_texts_in_english_keep_the_users_own(tmp_path):
    config = write_project(tmp_path, extra_config=PLAN_TEXTS)
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "Testbureau"', 'name = "Testbureau"\nlanguage = "en"'), encoding="utf-8")
    plan = text(section((build(config) / "relations" / "k1.html").read_text(encoding="utf-8"), "approach"))
    assert "Offerte binnen 24 uur, met referenties" in plan and "Full evaluation" in plan
    assert "Activities: €2,500 a year" in plan


@pytest.mark.parametrize("line, key", [
    ('[plugins.relation_plan.actions.client.tijdens]\nA = ["x"]', "actions"),
    ('[plugins.relation_plan]\nbudget = { A = -1 }', "budget"),
    ('[plugins.relation_plan]\nchannels = { groeien = ["x"] }', "channels"),
    ('[plugins.attention]\nlist_limit = 0', "list_limit"),
])
def test_wrong_plan_options_are_config_errors_naming_the_key(tmp_path, line, key):
    result = cli("build", "--config", write_project(tmp_path, extra_config="\n" + line + "\n"),
                 "--format", "html")
    assert result.exit_code == 2 and key in result.output and "expected" in result.output


def overdue_project(root: Path, count: int, extra_config: str = "", owners: int = 2) -> Path:
    """``count`` A clients of ``owners`` account managers, each last contacted long ago (all
    overdue)."""
    relations = "id;name;kind;role;owner;category;since;city\n" + "".join(
        f"K{i:03d};Klant {i:03d};organisatie;opdrachtgever;M{1 + i % owners};A;01-03-2015;Utrecht\n"
        for i in range(count))
    touchpoints = "relation;date;employee;channel;direction;kind;signals;notes\n" + "".join(
        f"K{i:03d};{1 + i % 28:02d}-01-2026;M1;telefoon;uit;check-in;;\n" for i in range(count))
    return write_project(root, relations=relations, extra_config=extra_config, files={
        "touchpoints.csv": touchpoints, "business.csv": "relation;date;amount;hours;kind;status\n",
        "employees.csv": EMPLOYEES})


def test_the_first_page_is_bounded_and_points_to_the_rest(tmp_path):
    site = build(overdue_project(tmp_path, 30, "\n[plugins.attention]\nlist_limit = 3\n"))
    index = (site / "index.html").read_text(encoding="utf-8")
    assert index.index('id="attention"') < index.index('id="summary"')      # the first section
    attention = section(index, "attention")
    overdue = re.search(r'<table class="attention-overdue">.*?</table>', attention, re.S).group(0)
    assert overdue.count("<tr>") == 1 + 3                               # header and three rows
    assert '<a href="#cadence-overview">en nog 27</a>' in attention
    assert ('<li class="tone-red"><a href="#attention-overdue"><strong>30</strong> contact achterstallig'
            '</a></li>') in attention
    # the most overdue first: Klant 000 was last contacted on 1 January
    assert attention.index("Klant 000") < attention.index("Klant 001")


def test_long_portfolio_lists_are_bounded(tmp_path):
    site = build(overdue_project(tmp_path, 130, "\n[plugins.profile]\nindex_limit = 20\n"))
    index = (site / "index.html").read_text(encoding="utf-8")
    cadence = section(index, "cadence-overview")
    table = re.search(r'<table class="overdue">.*?</table>', cadence, re.S).group(0)
    assert table.count("<tr>") == 1 + 50
    assert "De 50 met de grootste achterstand staan hier" in cadence
    listing = section(index, "index")
    groups = re.findall(r'<tbody class="owner-group">(.*?)</tbody>', listing, re.S)
    assert len(groups) == 2                                             # one per account manager
    for group in groups:
        assert group.count('<a href="relations/') == 9                  # 20 rows: 2 heads, 2 × 9
        assert "en nog 56" in group
    assert "130 relaties: per accountmanager eerst die aandacht vragen" in text(listing)
    # every relation still has its plan
    assert len(list((site / "relations").glob("*.html"))) == 130


def test_with_many_account_managers_the_index_lists_who_needs_attention_most(tmp_path):
    """Too many account managers for a few rows each: one list, the most urgent first."""
    config = overdue_project(tmp_path, 40, "\n[plugins.profile]\nindex_limit = 10\n", owners=3)
    touchpoints = config.parent / "data" / "touchpoints.csv"
    lines = touchpoints.read_text(encoding="utf-8").splitlines()     # five are contacted in time
    touchpoints.write_text("\n".join(lines[:1] + [line.replace("-01-2026", "-10-2026") for line in lines[1:6]]
                                     + lines[6:]) + "\n", encoding="utf-8")
    listing = section((build(config) / "index.html").read_text(encoding="utf-8"), "index")
    assert 'class="owner-group"' not in listing
    assert listing.count('<a href="relations/') == 10 and "en nog 30" in listing
    assert "40 relaties: de 10 die de meeste aandacht vragen staan hier" in text(listing)
    for calm in ("Klant 000", "Klant 001", "Klant 002", "Klant 003", "Klant 004"):
        assert calm not in listing                                       # on time: not urgent


def test_team_section_counts_per_account_manager(tmp_path):
    site = build(overdue_project(tmp_path, 6))
    team = text(section((site / "index.html").read_text(encoding="utf-8"), "team"))
    assert "Mila Jansen (Techniek) 3 3 0 0 3" in team and "Sem Bakker (Zorg) 3 3 0 0 3" in team


def test_pages_leave_out_what_a_disabled_analysis_would_give(tmp_path):
    site = build(write_project(tmp_path), "--disable", "health", "--disable", "segmentation",
                 "--disable", "planning")
    plan = (site / "relations" / "k1.html").read_text(encoding="utf-8")
    overview = section(plan, "overview")
    assert "Gezondheid" not in overview and "Geen contactmoment gepland." in overview
    assert "Vraagt aandacht" in overview                       # cadence still says what is due
    index = (site / "index.html").read_text(encoding="utf-8")
    attention = section(index, "attention")
    assert "Naar rood" not in attention and "Achterstallige contactmomenten" in attention
    assert 'id="planning-overview"' not in index and 'id="segmentation-matrix"' not in index


def test_the_manuals_plan_texts_build(tmp_path):
    from test_readme_flow import block_after

    site = build(write_project(tmp_path, extra_config="\n" + block_after("reports.md", "plan-texts")))
    plan = text(section((site / "relations" / "k1.html").read_text(encoding="utf-8"), "approach"))
    assert "Offerte binnen 2 werkdagen" in plan and "Activiteiten: € 2.500 per jaar" in plan
    assert "Na een geslaagde plaatsing; In het jaargesprek" in plan


@pytest.mark.needs("pdfimages", "pdftotext", "pdftoppm")
def test_a_house_style_overrides_one_block_and_keeps_the_rest(tmp_path):
    """The manual's example (docs/reports.md), as written there: a logo and colours in templates/base.html, an
    extra section in templates/relation.html; everything else stays the built-in's."""
    from test_readme_flow import block_after
    from test_security import PNG_1X1, embedded_images

    config = write_project(tmp_path)
    templates = tmp_path / "templates"
    (templates / "assets").mkdir(parents=True)
    (templates / "assets" / "logo.png").write_bytes(PNG_1X1)
    for name in ("base", "relation"):
        (templates / f"{name}.html").write_text(block_after("reports.md", f"house-style-{name}"),
                                                encoding="utf-8")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "html",
                 "--format", "pdf", "--jobs", "1")
    assert result.exit_code == 0, result.output
    site = tmp_path / "site"
    plan = (site / "relations" / "k1.html").read_text(encoding="utf-8")
    assert '<img class="logo" src="../assets/logo.png" alt="Testbureau">' in plan
    assert ":root { --accent: #7a1f5c; }" in plan
    assert plan.index('id="profile"') < plan.index('id="afspraken"')        # after the sections
    assert 'id="overview"' in plan and 'id="approach"' in plan               # the rest is kept
    assert (site / "assets" / "logo.png").is_file()
    assert embedded_images(site / "relations" / "k1.pdf") == 1
    pdf_text = subprocess.run(["pdftotext", site / "relations" / "k1.pdf", "-"], capture_output=True,
                              text=True, check=True).stdout
    assert "Elk kwartaal een lunch." in pdf_text and "In één oogopslag" in pdf_text
    # the accent colour reached the PDF: the relation's name (h1) is drawn in it
    from PIL import Image
    subprocess.run(["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", site / "relations" / "k1.pdf",
                    tmp_path / "k1"], check=True)
    image = Image.open(next(tmp_path.glob("k1-*.png"))).convert("RGB")
    data = image.tobytes()
    plum = sum(1 for i in range(0, len(data), 3)
               if abs(data[i] - 0x7a) < 30 and abs(data[i + 1] - 0x1f) < 30 and abs(data[i + 2] - 0x5c) < 30)
    assert plum > 50
    index = (site / "index.html").read_text(encoding="utf-8")
    assert '<img class="logo" src="assets/logo.png"' in index


def test_a_fact_list_longer_than_a_page_breaks_across_pages():
    """WeasyPrint cannot lay out a grid that must not break but is taller than a page (it
    failed on the customer types of 100,000 relations); the stylesheet lets such lists break."""
    from weasyprint import CSS, HTML

    from relatierapport.render.site import BUILTIN_TEMPLATES

    facts = "".join(f"<dt>Type {i}</dt><dd>{'Een lange naam, ' * 30}</dd>" for i in range(12))
    document = HTML(string=f'<html><body><section class="section"><dl class="facts">{facts}</dl>'
                           "</section></body></html>").render(
        stylesheets=[CSS(filename=BUILTIN_TEMPLATES / "assets" / "report.css")])
    assert len(document.pages) >= 2


def test_every_key_figure_links_to_its_list_on_the_page(tmp_path):
    """The first page's key figures are links, each to its own list on the attention page
    (red relations and relations never contacted included: issue 14)."""
    html = (build(write_project(tmp_path)) / "index.html").read_text(encoding="utf-8")
    attention = section(html, "attention")
    figures = re.search(r'<ul class="key-figures">(.*?)</ul>', attention, re.S).group(1)
    items = re.findall(r"<li[^>]*>(.*?)</li>", figures, re.S)
    targets = re.findall(r'<a href="#([^"]+)">', figures)
    assert len(items) >= 6 and len(targets) == len(items)
    assert {"attention-overdue", "attention-red", "attention-never-contacted"} <= set(targets)
    assert [t for t in targets if f'id="{t}"' not in attention] == []

def table_rows(html: str, css_class: str) -> list[list[str]]:
    """The body rows of the table of that class, as cell texts."""
    table = re.search(rf'<table class="{css_class}">.*?<tbody>(.*?)</tbody>', html, re.S).group(1)
    return [[text(cell) for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in re.findall(r"<tr>(.*?)</tr>", table, re.S)]


def test_the_first_page_lists_the_red_relations_of_report_json(built_example):
    """Red relations: A first and the lowest score first, their two main reasons, account
    manager and last touchpoint, bounded with "en nog N" (issue 14)."""
    built = built_example("nl")
    attention = section(built.html().read_text(encoding="utf-8"), "attention")
    health = built.report["portfolio"]["health"]
    relations = {r["id"]: r for r in built.report["relations"]}
    order = {"A": 0, "B": 1, "C": 2}
    expected = sorted(health["red"], key=lambda r: (order[r["category"]], r["score"], r["name"]))[:5]
    rows = table_rows(attention, "attention-red")
    assert [row[0] for row in rows] == [r["name"] for r in expected]
    assert [row[1] for row in rows] == [r["category"] for r in expected] == ["A"] * 5
    assert [row[2] for row in rows] == [f"{r['score']:.1f}".replace(".", ",") for r in expected]
    last = relations[expected[0]["id"]]["cadence"]["last_touchpoint"]
    assert rows[0][5] == dt_medium(last)
    assert len(rows[0][3].split(", ")) == min(2, len(expected[0]["reasons"]))
    assert f'Rode relaties ({health["red_total"]})' in text(attention)
    assert f'<a href="#health-overview">en nog {health["red_total"] - 5}</a>' in attention


def test_the_first_page_lists_the_relations_never_contacted_of_report_json(built_example):
    built = built_example("nl")
    attention = section(built.html().read_text(encoding="utf-8"), "attention")
    never = built.report["portfolio"]["cadence"]["never_contacted"]
    rows = table_rows(attention, "attention-never-contacted")
    assert sorted(row[0] for row in rows) == sorted(r["name"] for r in never) and len(rows) == 4
    assert [row[1] for row in rows] == sorted(row[1] for row in rows)         # A before B before C
    assert f"Nooit gesproken ({len(never)})" in text(attention)
    # "Relatie sinds" is the relation's start date in the data: Ingenieursbureau Bos since 2019,
    # before Finzicht Eindhoven (2026) among the C relations
    since = {row[0]: row[3] for row in rows}
    assert since["Ingenieursbureau Bos"] == "18 feb 2019"
    assert [row[0] for row in rows].index("Ingenieursbureau Bos") < \
        [row[0] for row in rows].index("Finzicht Eindhoven")


def test_the_first_page_bounds_the_never_contacted_list(tmp_path):
    relations = "id;name;kind;role;owner;category;since;city\nK1;Alfa Bouw;organisatie;opdrachtgever;M1;A;01-03-2015;Utrecht\n" + "".join(
        f"N{i:02d};Nieuw {i:02d};organisatie;opdrachtgever;M1;B;01-0{1 + i % 9}-2020;Utrecht\n"
        for i in range(10))
    site = build(write_project(tmp_path, relations=relations,
                               extra_config="\n[plugins.attention]\nlist_limit = 3\n"))
    attention = section((site / "index.html").read_text(encoding="utf-8"), "attention")
    rows = table_rows(attention, "attention-never-contacted")
    assert [row[0] for row in rows] == ["Nieuw 00", "Nieuw 09", "Nieuw 01"]   # the longest first
    assert '<a href="#cadence-overview">en nog 7</a>' in attention


def dt_medium(iso: str) -> str:
    """A date as the Dutch report writes it in tables ("4 jul 2026")."""
    import datetime as dt

    months = ["jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec"]
    day = dt.date.fromisoformat(iso)
    return f"{day.day} {months[day.month - 1]} {day.year}"


NAMES = {"nl": ("Gepland contactmoment", "Contact uiterlijk op", "Volgend contactmoment"),
         "en": ("Planned touchpoint", "Next touchpoint due", "Next touchpoint")}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_planned_touchpoint_and_the_due_date_have_a_name_each(built_example, language):
    """Issue 14: one plan said "Volgend contactmoment" for the planned date at a glance and for the
    cadence's due date further on. The planned touchpoint (planning) and the due date (cadence) are
    named apart wherever they are shown; where they differ, the box at a glance shows both."""
    built = built_example(language)
    planned_name, due_name, old_name = NAMES[language]
    relations = {r["id"]: r for r in built.report["relations"]}
    k014, k002 = relations["K014"], relations["K002"]
    assert k014["planning"]["next"] != k014["cadence"]["next_due"]          # a catch-up: both shown
    assert k002["planning"]["next"] == k002["cadence"]["next_due"]
    page = built.html("K014").read_text(encoding="utf-8")
    glance = text(section(page, "overview"))
    planned, due = (long_date(k014["planning"]["next"], language),
                    long_date(k014["cadence"]["next_due"], language))
    assert f"{planned_name} {planned}" in glance and f"{due_name}: {due}" in glance
    assert f"{due_name} {due}" in text(section(page, "cadence"))
    same = text(section(built.html("K002").read_text(encoding="utf-8"), "overview"))
    assert f"{planned_name} {long_date(k002['planning']['next'], language)}" in same
    assert due_name not in same                                  # the same date: said once
    for path in (built.html(), built.html("K014"), built.html("C001")):
        words = text(path.read_text(encoding="utf-8"))
        assert re.search(rf"\b{old_name}\b(?! due)", words) is None, path


def long_date(iso: str, language: str) -> str:
    """A date as the report writes it in full ("2 november 2026", "2 November 2026")."""
    import datetime as dt

    from babel.dates import format_date

    from relatierapport.render.i18n import BABEL_LOCALES

    return format_date(dt.date.fromisoformat(iso), format="long", locale=BABEL_LOCALES[language])
