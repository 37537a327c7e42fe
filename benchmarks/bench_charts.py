"""What the charts cost per page: making their SVG in Python, and drawing it in WeasyPrint.

On the repository's example project (README: *The example project*):

  SVG       every chart object the sections hold is turned into markup (``escape(chart)``), per
            page; and the whole page's Jinja2 render (which includes it), for scale.
  WeasyPrint each page is rendered to PDF twice in one warm worker (the package's own
            ``relatierapport.builtin.outputs.pdf_output.pool._init_worker`` / ``_render_in_worker``, as bench_build.py's
            "WeasyPrint alone"): as built, and with every ``<svg class="chart …">`` element
            removed. The difference is what the charts cost. Rounds alternate the two
            versions; the best of ``--repeat`` runs per page is kept.

    python benchmarks/bench_charts.py              # ~2 minutes on 2 cores
    python benchmarks/bench_charts.py --repeat 1

Prints a markdown table (also to ``benchmarks/work/results-charts.md``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import shutil
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
sys.path.insert(0, str(HERE))

from bench_build import STYLESHEET_LINK, code_state, copy_example, log, machine, wait_for_quiet  # noqa: E402

CHART = re.compile(r'<svg class="chart[^"]*".*?</svg>', re.S)
AS_OF = dt.date(2026, 11, 1)


def charts_in(value) -> list:
    """Every chart object inside a section's data."""
    from relatierapport.render import charts

    kinds = (charts.Bar, charts.Stack, charts.Progress, charts.Scatter, charts.Columns, charts.Legend)
    if isinstance(value, kinds):
        return [value]
    if isinstance(value, dict):
        return [c for item in value.values() for c in charts_in(item)]
    if isinstance(value, (list, tuple)):
        return [c for item in value for c in charts_in(item)]
    return []


def python_side(project: Path, repeat: int) -> dict:
    """Per page: charts, time to make their markup, and the whole page's Jinja2 render."""
    from markupsafe import escape

    from relatierapport.build import BuildOptions, prepare_report
    from relatierapport.render.site import Site

    plugins, report = prepare_report(BuildOptions(project / "config.toml", as_of=AS_OF))
    site = Site(report, plugins)
    result = {"portfolio": None, "relations": []}
    for relation in [None, *report.portfolio.relations.values()]:
        kind = "portfolio" if relation is None else "relation"
        sections = plugins.report_sections(kind, relation, report, report.config)
        found = list({id(chart): chart for chart in charts_in(
            list({id(section.data): section.data for section in sections}.values()))}.values())
        svg_s, page_s = [], []
        for _ in range(repeat):
            t0 = time.perf_counter()
            for chart in found:
                str(escape(chart))
            svg_s.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            site._render(f"{kind}.html", kind, relation, "" if relation is None else "../", "pdf")
            page_s.append(time.perf_counter() - t0)
        entry = {"charts": len(found), "svg_ms": min(svg_s) * 1000, "page_ms": min(page_s) * 1000}
        if relation is None:
            result["portfolio"] = entry
        else:
            result["relations"].append(entry)
    return result


def weasyprint_side(site: Path, project: Path, repeat: int, quiet_wait: float) -> dict:
    from relatierapport.builtin.outputs.pdf_output import pool as pdf
    from relatierapport.render.site import BUILTIN_TEMPLATES

    pages = [site / "index.html", *sorted((site / "relations").glob("*.html"))]
    versions = {}
    for page in pages:
        html = STYLESHEET_LINK.sub("", page.read_text(encoding="utf-8"), count=1)
        versions[page] = {"with": html, "without": CHART.sub("", html)}
        assert "<svg" not in versions[page]["without"].split("<body", 1)[1], page
    settings = pdf.PdfSettings((str(site / "assets" / "report.css"),),
                               tuple(str(p) for p in (site, project, BUILTIN_TEMPLATES)))
    pdf._init_worker(settings)
    out = project / "pdf-charts"
    (out / "relations").mkdir(parents=True, exist_ok=True)
    times = {page: {"with": [], "without": []} for page in pages}
    for round_no in range(repeat):
        wait_for_quiet(quiet_wait)
        for page in pages:
            for variant in (("with", "without") if round_no % 2 == 0 else ("without", "with")):
                target = out / page.relative_to(site).with_suffix(".pdf")
                t0 = time.perf_counter()
                error, *_ = pdf._render_in_worker(pdf.PdfJob(versions[page][variant], page.as_uri(),
                                                            str(target), page.stem))
                times[page][variant].append(time.perf_counter() - t0)
                assert not error, error
        log(f"  round {round_no + 1}/{repeat} done")
    best = {page: {v: min(t) * 1000 for v, t in variants.items()} for page, variants in times.items()}
    return {"portfolio": best[pages[0]], "relations": [best[p] for p in pages[1:]]}


def table(py: dict, wp: dict) -> str:
    rel_py, rel_wp = py["relations"], wp["relations"]
    deltas = [r["with"] - r["without"] for r in rel_wp]
    rows = [
        "| page | charts | SVG made (Python) ms | Jinja2 page ms | WeasyPrint with charts ms | without ms | charts cost ms | share |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
        f"| portfolio | {py['portfolio']['charts']} | {py['portfolio']['svg_ms']:.2f} "
        f"| {py['portfolio']['page_ms']:.1f} | {wp['portfolio']['with']:.0f} | {wp['portfolio']['without']:.0f} "
        f"| {wp['portfolio']['with'] - wp['portfolio']['without']:.0f} "
        f"| {(wp['portfolio']['with'] - wp['portfolio']['without']) / wp['portfolio']['with']:.0%} |",
        f"| relation plan (median of {len(rel_wp)}) | {statistics.median(r['charts'] for r in rel_py):.0f} "
        f"| {statistics.median(r['svg_ms'] for r in rel_py):.2f} "
        f"| {statistics.median(r['page_ms'] for r in rel_py):.1f} "
        f"| {statistics.median(r['with'] for r in rel_wp):.0f} | {statistics.median(r['without'] for r in rel_wp):.0f} "
        f"| {statistics.median(deltas):.1f} "
        f"| {statistics.median(d / r['with'] for d, r in zip(deltas, rel_wp)):.0%} |",
        f"| relation plans, total | {sum(r['charts'] for r in rel_py)} | {sum(r['svg_ms'] for r in rel_py):.1f} "
        f"| {sum(r['page_ms'] for r in rel_py):.0f} | {sum(r['with'] for r in rel_wp):.0f} "
        f"| {sum(r['without'] for r in rel_wp):.0f} | {sum(deltas):.0f} "
        f"| {sum(deltas) / sum(r['with'] for r in rel_wp):.0%} |",
    ]
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="What the charts cost per page (see the module doc).")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--quiet-wait", type=float, default=120, metavar="S")
    args = parser.parse_args(argv)
    code = code_state()
    log(f"{machine()}\nCode: {code}")
    project = WORK / "charts-example"
    shutil.rmtree(project, ignore_errors=True)
    copy_example(project)
    from relatierapport.build import BuildOptions, build
    site = build(BuildOptions(project / "config.toml", formats=("html",), as_of=AS_OF)).out_dir
    py = python_side(project, args.repeat)
    wp = weasyprint_side(site, project, args.repeat, args.quiet_wait)
    text = f"Machine: {machine()}\nCode: {code}\n\n{table(py, wp)}\n"
    print(text)
    (WORK / "results-charts.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
