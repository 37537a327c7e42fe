"""WeasyPrint time per relation plan, before and after a change to the print layout (issue 17).

The same plans of the repository's example project (README: *The example project*) are rendered
to PDF twice per round, once with each version of the package: a child process per version and
round, with ``PYTHONPATH`` pointing at that version, so each uses its own templates, report.css
and PDF worker code. The child makes the plans' HTML in the "pdf" medium exactly as a PDF build
does (``page.render("pdf")`` and ``keep_dates_together``; not timed), starts one warm worker with
the package's own ``relatierapport.builtin.outputs.pdf_output.pool._init_worker`` (one
FontConfiguration, the version's stylesheet parsed once, the project fetcher, the raised GC
threshold, the tagged ``pdf/ua-1`` variant of the example), renders one plan untimed to warm up,
then times ``_render_in_worker`` for every plan.

Time is the child's **process CPU time** (``time.process_time``), not wall clock: the machine is
shared, and CPU time is what another process running meanwhile disturbs least. Rounds alternate
the order of the versions; per plan and version the best of the rounds is kept.

    python benchmarks/bench_weasyprint.py                     # 24 plans, 3 rounds (~3 minutes)
    python benchmarks/bench_weasyprint.py --plans 111 --rounds 2
    python benchmarks/bench_weasyprint.py --keep-pdfs benchmarks/work/pdfs   # to compare the pages
    python benchmarks/bench_weasyprint.py --same-html before   # both render the HTML "before" makes

With ``--same-html before`` (or ``after``) that version makes the HTML once and both render it,
each with its own stylesheet and PDF code: the same content, so only the rendering is compared
(the templates may have grown between the versions).

"before" is an export of the package at a commit (default 89c3856, the commit issue 17's print
work started from), made once with ``git archive <commit> relatierapport`` into
``benchmarks/work/before-<commit>``; "after" is this checkout. Prints a markdown table (also to
``benchmarks/work/results-weasyprint.md``, raw figures in ``.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import copy_example  # noqa: E402

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
REPO = HERE.parent
BEFORE_COMMIT = "89c3856"


# -- the child: one version, every plan -------------------------------------------------------

def child(project: Path, ids: list[str], out: Path, keep: Path | None, html_dir: Path | None = None,
          dump: bool = False) -> dict:
    from relatierapport.build import BuildOptions, prepare_report
    from relatierapport.builtin.outputs.pdf_output import pool as pdf
    from relatierapport.builtin.outputs.pdf_output.dates import keep_dates_together
    from relatierapport.builtin.outputs.pdf_output.options import pdf_variant
    from relatierapport.render.site import Site

    plugins, report = prepare_report(BuildOptions(project / "config.toml"))
    site = Site(report, plugins)
    language = report.config.language
    pages = {page.relation: page for page in site.pages() if page.kind == "relation"}
    jobs = []
    site_dir = out / "site"
    for relation_id in ids:
        page = pages[relation_id]
        if html_dir is not None and not dump:      # the same content for both versions
            html = (html_dir / f"{relation_id}.html").read_text(encoding="utf-8")
        else:
            html = keep_dates_together(page.render("pdf"), language)
        if dump:
            html_dir.mkdir(parents=True, exist_ok=True)
            (html_dir / f"{relation_id}.html").write_text(html, encoding="utf-8")
            continue
        target = (keep or out) / f"{page.path.rsplit('/', 1)[-1]}.pdf"
        jobs.append(pdf.PdfJob(html, (site_dir / f"{page.path}.html").as_uri(), str(target), page.title))
    if dump:
        return {"dumped": len(ids)}
    (keep or out).mkdir(parents=True, exist_ok=True)
    site.copy_assets(site_dir)
    roots = tuple(str(p) for p in (site_dir, *site.roots.roots))
    t0 = time.process_time()
    pdf._init_worker(pdf.PdfSettings((str(site.stylesheet()),), roots, pdf_variant(report.config)))
    setup_ms = (time.process_time() - t0) * 1000
    error, *_ = pdf._render_in_worker(jobs[0])          # warm-up: fonts, caches
    assert not error, error
    plans = []
    for job in jobs:
        c0, w0 = time.process_time(), time.perf_counter()
        error, messages, printed, *_ = pdf._render_in_worker(job)
        cpu, wall = time.process_time() - c0, time.perf_counter() - w0
        assert not error, f"{job.label}: {error}"
        plans.append({"cpu_ms": cpu * 1000, "wall_ms": wall * 1000, "pages": printed,
                      "html_bytes": len(job.html.encode()), "warnings": len(messages)})
    import relatierapport
    return {"package": str(Path(relatierapport.__file__).parent), "setup_ms": setup_ms, "plans": plans}


# -- the parent: versions, rounds, the table -------------------------------------------------

def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def export(commit: str) -> Path:
    """``git archive <commit> relatierapport`` into benchmarks/work/before-<commit> (once)."""
    root = WORK / f"before-{commit}"
    if not (root / "relatierapport" / "__init__.py").is_file():
        root.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(["git", "archive", commit, "relatierapport"], cwd=REPO,
                                 capture_output=True, check=True).stdout
        subprocess.run(["tar", "-x", "-C", str(root)], input=archive, check=True)
    return root


def relation_ids(project: Path, count: int) -> list[str]:
    """``count`` plans spread evenly over the example's relations (in the report's order)."""
    code = ("import json, pathlib; from relatierapport.build import BuildOptions, prepare_report; "
            f"_, r = prepare_report(BuildOptions(pathlib.Path({str(project / 'config.toml')!r}))); "
            "print(json.dumps(list(r.portfolio.relations)))")
    ids = json.loads(subprocess.run([sys.executable, "-c", code], env=_env(REPO), capture_output=True,
                                    text=True, check=True).stdout)
    if count >= len(ids):
        return ids
    step = len(ids) / count
    return [ids[int(i * step)] for i in range(count)]


def _env(root: Path) -> dict:
    return {**os.environ, "PYTHONPATH": str(root)}


def run_child(root: Path, project: Path, ids: list[str], keep: Path | None,
              html_dir: Path | None = None, dump: bool = False) -> dict:
    out = WORK / "weasyprint-out"
    shutil.rmtree(out, ignore_errors=True)
    cmd = ([sys.executable, str(Path(__file__).resolve()), "--child", str(project), "--ids", ",".join(ids),
            "--out", str(out)] + (["--keep-pdfs", str(keep)] if keep else [])
           + (["--html", str(html_dir)] if html_dir else []) + (["--dump"] if dump else []))
    result = subprocess.run(cmd, env=_env(root), capture_output=True, text=True)
    if result.returncode:
        raise SystemExit(f"the child for {root} failed:\n{result.stderr}")
    return json.loads(result.stdout)


def summary(name: str, rounds: list[dict]) -> dict:
    per_plan = list(zip(*(r["plans"] for r in rounds)))
    best = [min(p["cpu_ms"] for p in plan) for plan in per_plan]
    return {"name": name, "package": rounds[0]["package"], "best_ms": best,
            "mean_ms": statistics.fmean(best), "median_ms": statistics.median(best),
            "round_means": [statistics.fmean(p["cpu_ms"] for p in r["plans"]) for r in rounds],
            "pages": statistics.fmean(p["pages"] for p in rounds[0]["plans"]),
            "printed": [p["pages"] for p in rounds[0]["plans"]],
            "html_kb": statistics.fmean(p["html_bytes"] for p in rounds[0]["plans"]) / 1024}


def table(before: dict, after: dict, plans: int, rounds: int) -> str:
    rows = ["| version | ms CPU per plan (mean of best) | median | per round (mean) | printed pages per plan "
            "| ms per printed page | HTML KB per plan |",
            "|---|---:|---:|---|---:|---:|---:|"]
    for s in (before, after):
        rows.append(f"| {s['name']} | {s['mean_ms']:.0f} | {s['median_ms']:.0f} "
                    f"| {', '.join(f'{m:.0f}' for m in s['round_means'])} | {s['pages']:.2f} "
                    f"| {s['mean_ms'] / s['pages']:.0f} | {s['html_kb']:.1f} |")
    ratios = [a / b for a, b in zip(after["best_ms"], before["best_ms"])]
    rows.append("")
    rows.append(f"after ÷ before: **{after['mean_ms'] / before['mean_ms']:.2f}** (mean), "
                f"{statistics.median(ratios):.2f} (median of the per-plan ratios, "
                f"{min(ratios):.2f}–{max(ratios):.2f}); {plans} plans, best of {rounds} rounds; "
                f"plans printing a different number of pages: "
                f"{sum(a != b for a, b in zip(before['printed'], after['printed']))}")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="WeasyPrint CPU time per plan, before and after (see the module doc).")
    parser.add_argument("--plans", type=int, default=24, help="plans to render, spread over the example (default 24)")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--before", default=BEFORE_COMMIT, metavar="COMMIT")
    parser.add_argument("--before-root", type=Path, help="a folder holding relatierapport/ instead of an export")
    parser.add_argument("--after-root", type=Path, default=REPO, help="default: this checkout")
    parser.add_argument("--keep-pdfs", type=Path, metavar="DIR", help="keep the last round's PDFs in DIR/before, DIR/after")
    parser.add_argument("--same-html", choices=("before", "after"),
                        help="render the pdf-medium HTML this version makes with both versions (each with its "
                             "own stylesheet and PDF code): the same content, only the rendering differs")
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--html", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--dump", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--ids", help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.ids.split(","), args.out, args.keep_pdfs, args.html, args.dump)))
        return 0

    roots = {"before": args.before_root or export(args.before), "after": args.after_root}
    project = WORK / "weasyprint-example"
    copy_example(project)
    ids = relation_ids(project, args.plans)
    log(f"{len(ids)} plans; before = {roots['before']}, after = {roots['after']}")
    html_dir = None
    if args.same_html:
        html_dir = WORK / "weasyprint-html"
        shutil.rmtree(html_dir, ignore_errors=True)
        run_child(roots[args.same_html], project, ids, None, html_dir, dump=True)
        log(f"  the HTML of {args.same_html} for both versions")
    runs = {name: [] for name in roots}
    for round_no in range(args.rounds):
        order = list(roots) if round_no % 2 == 0 else list(reversed(roots))
        for name in order:
            keep = args.keep_pdfs / name if args.keep_pdfs and round_no == args.rounds - 1 else None
            result = run_child(roots[name], project, ids, keep, html_dir)
            runs[name].append(result)
            log(f"  round {round_no + 1}/{args.rounds} {name}: "
                f"{statistics.fmean(p['cpu_ms'] for p in result['plans']):.0f} ms CPU per plan")
    before = summary(f"before ({args.before if not args.before_root else args.before_root})", runs["before"])
    after = summary("after (this checkout)" if args.after_root == REPO else f"after ({args.after_root})",
                    runs["after"])
    text = table(before, after, len(ids), args.rounds)
    print(text)
    WORK.mkdir(exist_ok=True)
    (WORK / "results-weasyprint.md").write_text(text + "\n")
    (WORK / "results-weasyprint.json").write_text(json.dumps({"ids": ids, "before": before, "after": after,
                                                              "runs": runs}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
