"""Charts: static, deterministic SVG that WeasyPrint and a browser draw alike, readable without colour."""

from __future__ import annotations

import logging
import random
import re

from markupsafe import Markup, escape

from relatierapport.render.charts import (Bar, Columns, Legend, Point, Progress, Scatter, Stack, TONES,
                                   _hatch, binned)


def every_chart():
    points = binned([(1 + (i % 17) / 4, 1 + (i * 7 % 17) / 4) for i in range(500)], 0.25)
    return [
        Bar(63.5, 100, "amber", (40, 70)), Bar(None, 100), Stack(((10, "green"), (5, "amber"), (3, "red"), (1, "unknown"))),
        Progress(0.62, 0.75),
        Scatter("Matrix <b>", "desc & more", "Accessibility", "Attractiveness", points, x_split=3, y_split=3,
                quadrants=("Develop", "Invest", "Ignore", "Harvest")),
        Scatter("One", "Its place", "x", "y", (Point(3.5, 4.0, 1, True),)),
        Columns("Hours", "November: 12 hours", (12.0, 8.0, 0.0), ("nov", "dec", "jan"), value_labels=("12", "8", "")),
        Legend((("green", "green"), ("red", "red"))),
    ]


def test_charts_are_markup_and_the_same_bytes_every_time():
    first = [str(escape(chart)) for chart in every_chart()]
    second = [str(escape(chart)) for chart in every_chart()]
    assert first == second
    for chart, html in zip(every_chart(), first):
        assert isinstance(escape(chart), Markup)
        assert "<svg" in html
        # nothing that two charts on one page could clash over, nothing a browser would apply
        # to the whole page, nothing WeasyPrint ignores
        assert " id=" not in html and "<style" not in html and "class=\"bar" not in html
        assert "var(" not in html
        numbers = re.findall(r'\s(?:x|y|cx|cy|r|width|height|d)="([^"]*)"', html)
        assert numbers and not any("e" in value for value in numbers)     # no 1e-05 notation


def test_every_picture_has_a_text_alternative_or_is_decorative():
    for html in map(str, map(escape, every_chart())):
        for svg in re.findall(r"<svg[^>]*>.*?</svg>", html, re.S):
            head = svg[:svg.index(">")]
            if 'aria-hidden="true"' in head:
                continue
            assert 'role="img"' in head
            assert re.search(r"<title>[^<]+</title><desc>[^<]+</desc>", svg)


def test_text_in_charts_is_escaped():
    html = str(escape(every_chart()[4]))
    assert "<title>Matrix &lt;b&gt;</title>" in html and "desc &amp; more" in html


def test_bars_clamp_and_show_nothing_for_unknown():
    full, over, under = (str(escape(Bar(v, 100))) for v in (100, 250, -5))
    assert full == over and full.count('d="M0 0h100v10H0z"') == 2     # track and value
    assert under.count("<path") == 1                       # only the track
    assert str(escape(Bar(None, 100))).count("<path") == 1
    assert str(escape(Bar(5, 0))).count("<path") == 1      # nothing to divide by


def test_tones_differ_in_pattern_not_only_in_colour():
    patterns = {tone: style["pattern"] for tone, style in TONES.items() if tone in ("green", "amber", "red", "unknown")}
    assert len(set(patterns.values())) == 4
    amber = str(escape(Stack(((50, "amber"),))))
    red = str(escape(Stack(((50, "red"),))))
    unknown = str(escape(Stack(((1, "unknown"),))))
    assert 'stroke="#fff"' in amber and amber.count("<path") == 3   # track, fill, hatching
    # bars in a table row are solid, the marks say where a value lies in black and white
    bar = str(escape(Bar(50, 100, "amber", (40, 70))))
    assert 'stroke="#fff"' not in bar and 'd="M40 0v10M70 0v10"' in bar
    assert "stroke-dasharray" in unknown                          # a dashed outline
    # cross-hatching draws both diagonals: lines that rise and lines that fall
    directions = set()
    for x0, y0, x1, y1 in re.findall(r"M([\d.]+) ([\d.]+)L([\d.]+) ([\d.]+)", red):
        directions.add((float(x1) - float(x0) > 0) == (float(y1) - float(y0) > 0))
    assert directions == {True, False}


def test_hatching_stays_inside_its_box():
    rng = random.Random(7)
    for _ in range(200):
        x, y, w, h = rng.uniform(0, 50), rng.uniform(0, 20), rng.uniform(0.5, 120), rng.uniform(0.5, 15)
        path = _hatch(x, y, w, h, 4.0, rng.random() < 0.5)
        numbers = [float(n) for n in re.findall(r"-?[\d.]+", path)]
        xs, ys = numbers[0::2], numbers[1::2]
        assert xs and min(xs) >= x - 0.01 and max(xs) <= x + w + 0.01
        assert min(ys) >= y - 0.01 and max(ys) <= y + h + 0.01


def test_a_hundred_thousand_relations_make_a_few_hundred_dots():
    rng = random.Random(1)
    pairs = [(rng.uniform(1, 5), rng.uniform(1, 5)) for _ in range(100_000)]
    points = binned(pairs, 0.25)
    assert len(points) <= 17 * 17 and sum(p.count for p in points) == 100_000
    html = str(escape(Scatter("t", "d", "x", "y", points, cell=0.25)))
    assert html.count("<circle") == len(points)
    circles = [tuple(map(float, c)) for c in
               re.findall(r'<circle cx="([\d.]+)" cy="([\d.]+)" r="([\d.]+)"', html)]
    assert min(r for _, _, r in circles) >= 2.5                   # the smallest dot stays visible
    # neighbouring cells never overlap: the biggest dot is less than half the grid step wide
    step = min(abs(a[0] - b[0]) for a in circles for b in circles if abs(a[0] - b[0]) > 0.01)
    assert 2 * max(r for _, _, r in circles) < step


def test_binned_keeps_a_highlight_last_so_it_is_drawn_on_top():
    points = binned([(3.1, 3.1), (3.12, 3.05)], 0.25, highlight=(3.1, 3.1))
    assert points[0] == Point(3.125, 3.125, 2) and points[-1] == Point(3.1, 3.1, 1, True)
    html = str(escape(Scatter("t", "d", "x", "y", points)))
    assert html.rindex('fill="#b42318"') > html.index("<circle")     # the highlight comes after


def test_a_cell_never_straddles_a_threshold_on_the_grid():
    points = binned([(2.99, 1.0), (3.0, 1.0), (3.2499, 1.0)], 0.25)
    assert [(p.x, p.count) for p in points] == [(2.875, 1), (3.125, 2)]


def test_weasyprint_draws_every_chart_without_complaint(tmp_path):
    from weasyprint import HTML

    messages: list[str] = []
    handler = logging.Handler()
    handler.emit = lambda record: messages.append(record.getMessage())
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    try:
        body = "".join(f"<p>{escape(chart)}</p>" for chart in every_chart())
        HTML(string=f"<html><body>{body}</body></html>").write_pdf(tmp_path / "charts.pdf")
    finally:
        logger.removeHandler(handler)
    assert messages == []
    assert (tmp_path / "charts.pdf").stat().st_size > 1000


# -- every chart says its figures in words (issue 14: WCAG 1.1.1, EN 301 549) --------------------

def test_a_scatter_in_quadrants_says_how_many_relations_each_holds():
    points = (Point(1.5, 4.5, 3), Point(4.5, 4.5, 12), Point(3.0, 3.0, 5),     # on both splits: high
              Point(1.5, 1.5, 7), Point(4.5, 1.5, 2), Point(4.5, 1.5, 1, True))  # the plan's own
    chart = Scatter("Matrix", "30 relations.", "x", "y", points, x_split=3, y_split=3,
                    quadrants=("Develop", "Invest", "Ignore", "Harvest"))
    assert chart.quadrant_counts() == (("Develop", 3), ("Invest", 17), ("Ignore", 7), ("Harvest", 2))
    desc = re.search(r"<desc>(.*?)</desc>", str(escape(chart))).group(1)
    assert desc == "30 relations. Develop: 3, Invest: 17, Ignore: 7, Harvest: 2."
    # without quadrants the description is the plugin's own, unchanged
    plain = Scatter("t", "Anna: 6,7, 7,2", "x", "y", points)
    assert "<desc>Anna: 6,7, 7,2</desc>" in str(escape(plain))


def charts_on(page: str) -> list[tuple[str, str]]:
    """(svg head, svg) for every chart on a built page."""
    return [(svg[:svg.index(">")], svg) for svg in re.findall(r"<svg\b.*?</svg>", page, re.S)]


def test_every_chart_on_the_example_pages_has_its_figures_in_words(built_example):
    example = built_example("nl")
    pages = {name: path.read_text(encoding="utf-8") for name, path in
             (("index", example.html()), ("K002", example.html("K002")), ("K014", example.html("K014")))}
    seen = {"scatter": 0, "columns": 0, "bar": 0, "stack": 0}
    for name, page in pages.items():
        for head, svg in charts_on(page):
            kind = re.search(r'class="chart chart-(\w+)"', head).group(1)
            if 'aria-hidden="true"' in head:
                if kind == "swatch":          # in a legend item, next to its words
                    continue
                # a bar in a table row: the row's own cells carry the numbers
                row = next(r for r in re.findall(r"<tr\b.*?</tr>", page, re.S) if svg in r)
                cells = re.sub(r"<svg\b.*?</svg>", "", row, flags=re.S)
                assert re.search(r"<t[dh][^>]*>[^<]*\d", cells), f"{name}: a {kind} without figures: {row[:300]}"
                seen[kind] += 1
                continue
            assert 'role="img"' in head, f"{name}: {head}"
            title, desc = (re.search(rf"<{tag}>(.*?)</{tag}>", svg, re.S) for tag in ("title", "desc"))
            assert title and desc, f"{name}: {head}"
            seen[kind] += 1
            if kind == "columns":
                # every number drawn over a column is said in the description
                for label in re.findall(r"<text[^>]*>([\d.,]+)</text>", svg):
                    assert label in desc.group(1), (label, desc.group(1))
            if kind == "scatter" and "Investeer" in svg:
                # the quadrant counts are the per-segment table's
                table = re.search(r'<table class="per-segment.*?</table>', page, re.S).group(0)
                rows = [(segment, count) for segment, count in
                        re.findall(r'<th scope="row">(\w+)</th><td class="num">(\d+)</td>', table)
                        if segment != "onbekend"]              # no score: not in the scatter
                assert len(rows) == 4
                for segment, count in rows:
                    assert f"{segment}: {count}" in desc.group(1)
    assert all(seen.values()), seen
