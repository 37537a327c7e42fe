"""What rendering the templates in the sandbox costs: the example's pages with and without it.

On the repository's example project (README: *The example project*), in one process, in
rounds that alternate the order of the two cases:

  sandbox   the package as it is: every template in ``relatierapport.render.sandbox``'s
            ``TemplateEnvironment`` (Jinja2's ImmutableSandboxedEnvironment, plus no modules,
            files or polars I/O)
  plain     the same environment made from ``jinja2.Environment`` (the package's
            ``site.TemplateEnvironment`` name swapped for the run), everything else equal

Per case and round: a fresh ``Site`` (so compiling the templates counts, as in every build)
renders every page for the screen (what ``--format html`` writes) and for the PDF medium
(what a PDF build renders in addition), and an in-process ``build(--format html)`` (reading,
analyses, pages, report.json) gives the sandbox's share of a whole HTML build. Best of
``--repeat`` per case; the ratio sandbox ÷ plain is taken within the same run.

    python benchmarks/bench_sandbox.py              # ~1 minute on 2 cores
    python benchmarks/bench_sandbox.py --repeat 9

Prints a markdown table (also to ``benchmarks/work/results-sandbox.md``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
sys.path.insert(0, str(HERE))

from bench_build import code_state, copy_example, log, machine, wait_for_quiet  # noqa: E402

AS_OF = dt.date(2026, 11, 1)
CASES = ("sandbox", "plain")


def environment_class(case: str):
    import jinja2

    from relatierapport.render.sandbox import TemplateEnvironment

    return TemplateEnvironment if case == "sandbox" else jinja2.Environment


def render_pages(project: Path, case: str) -> dict:
    """Seconds to render every page, screen and PDF medium, with a fresh environment."""
    from relatierapport.build import BuildOptions, prepare_report
    from relatierapport.render import site as site_module

    site_module.TemplateEnvironment = environment_class(case)
    plugins, report = prepare_report(BuildOptions(project / "config.toml", as_of=AS_OF))
    times = {}
    for medium in ("screen", "pdf"):
        t0, c0 = time.perf_counter(), time.process_time()
        site = site_module.Site(report, plugins)
        assert type(site.env) is environment_class(case)
        pages = [page.render(medium) for page in site.pages()]
        times[medium] = time.perf_counter() - t0
        times[f"{medium} cpu"] = time.process_time() - c0
    times["pages"] = len(pages)
    times["bytes"] = sum(len(p) for p in pages)
    return times


def html_build(project: Path, case: str) -> float:
    """Seconds of an in-process ``build --format html``."""
    from relatierapport.build import BuildOptions, build
    from relatierapport.render import site as site_module

    site_module.TemplateEnvironment = environment_class(case)
    out = project / f"site-{case}"
    shutil.rmtree(out, ignore_errors=True)
    t0 = time.perf_counter()
    build(BuildOptions(project / "config.toml", formats=("html",), as_of=AS_OF, out=out))
    return time.perf_counter() - t0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="What the template sandbox costs (see the module doc).")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quiet-wait", type=float, default=60, metavar="S")
    args = parser.parse_args(argv)
    code = code_state()
    log(f"{machine()}\nCode: {code}")
    project = WORK / "sandbox-example"
    shutil.rmtree(project, ignore_errors=True)
    copy_example(project)
    html_build(project, "sandbox")            # warm up imports and the file cache
    runs = {case: {"screen": [], "pdf": [], "screen cpu": [], "pdf cpu": [], "build": []}
            for case in CASES}
    sizes = {}
    for round_no in range(args.repeat):
        load = wait_for_quiet(args.quiet_wait)
        for case in (CASES if round_no % 2 == 0 else CASES[::-1]):
            pages = render_pages(project, case)
            for key in ("screen", "pdf", "screen cpu", "pdf cpu"):
                runs[case][key].append(pages[key])
            sizes[case] = (pages["pages"], pages["bytes"])
            runs[case]["build"].append(html_build(project, case))
        log(f"  round {round_no + 1}/{args.repeat} (other load {load:.2f} cores): " + "; ".join(
            f"{case} screen {runs[case]['screen'][-1]:.3f} s ({runs[case]['screen cpu'][-1]:.3f} CPU), pdf {runs[case]['pdf'][-1]:.3f} s, "
            f"build {runs[case]['build'][-1]:.3f} s" for case in CASES))
    assert sizes["sandbox"] == sizes["plain"], sizes           # the same pages, byte for byte in size
    pages = sizes["sandbox"][0]
    best = {case: {k: min(v) for k, v in runs[case].items()} for case in CASES}
    rows = ["| case | pages | screen pages s | ms/page | CPU s | PDF-medium pages s | ms/page | CPU s | "
            "`build --format html` s (in-process) |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for case in CASES:
        b = best[case]
        rows.append(f"| {case} | {pages} | {b['screen']:.3f} | {b['screen'] / pages * 1000:.2f} "
                    f"| {b['screen cpu']:.3f} | {b['pdf']:.3f} | {b['pdf'] / pages * 1000:.2f} "
                    f"| {b['pdf cpu']:.3f} | {b['build']:.3f} |")
    s, p = best["sandbox"], best["plain"]
    rows.append(f"| sandbox ÷ plain | | {s['screen'] / p['screen']:.2f} | | {s['screen cpu'] / p['screen cpu']:.2f} "
                f"| {s['pdf'] / p['pdf']:.2f} | | {s['pdf cpu'] / p['pdf cpu']:.2f} "
                f"| {s['build'] / p['build']:.2f} |")
    extra = (s["screen"] - p["screen"]) + (s["pdf"] - p["pdf"])
    text = (f"Machine: {machine()}\nCode: {code}\n\n" + "\n".join(rows) + "\n\n"
            f"Extra time in a PDF build (both media): {extra:+.3f} s; in an HTML build: "
            f"{s['screen'] - p['screen']:+.3f} s.\nRuns (s): " + "; ".join(
                f"{case} {k} " + ", ".join(f"{x:.3f}" for x in v)
                for case in CASES for k, v in runs[case].items()) + "\n")
    print(text)
    (WORK / "results-sandbox.md").write_text(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
