"""How long ``relatierapport serve`` takes to show a change of one relation, against a build.

Copies the repository's example project (or, with ``--relations N``, writes a generated one)
into ``benchmarks/work/serve-*``, then in one run:

  build (html)    ``python -m relatierapport build --format html`` in a fresh process
  build (all)     with ``--full``: the same with the default formats (html, pdf, ics; report.json)
  serve rebuild   a preview (``relatierapport.serve.preview.Preview``, ``--format html``, the
                  serve default) running in this process; each round renames one relation in
                  its CSV, waits, through the preview's own ``/__livereload`` long-poll, for the
                  build that follows, and asks for that relation's plan, as the reloading
                  browser does. "change → page" is from writing the file to the page's answer
                  (watchfiles' debounce included; its CPU is the process's, server threads
                  included); "build alone" is the build, as the preview prints it. Two kinds:
                  "pages on request" (the preview as it runs) and "every page" (``--out``
                  inside the project: a folder that stays, so every build writes every page,
                  which is what every preview build did before pages were rendered on request).
  render alone    that relation's plan, and the portfolio, rendered as a request renders them,
                  first in a build (a new ``Site`` of a round's report, templates compiled),
                  after the preview stopped: CPU of the process
  read + analysis ``prepare_report`` for the same project in this process (warm), CPU of the
                  process (polars' threads included): what a rebuild costs before any output
  a template edited  the preview as it runs (pages on request), each round writing the
                  project's templates/relation.html (the plan's title, with the round's number)
                  instead of the data: "change → page" as above; no build runs (the preview
                  shows the last build's report through the edited template).
  serve rebuild (html+pdf)  with ``--pdf``: the preview with ``--format html --format pdf``.
  PDFs alone      with ``--pdf``, after that preview stopped: the changed relation's plan and the
                  portfolio made as PDFs from each round's report, in this process as a build's
                  own process makes them (WeasyPrint warm: one PDF made first, not timed), into a
                  scratch folder: wall and CPU, what "its own pages" are for a PDF preview.

    python benchmarks/bench_serve.py                 # the example, 5 rounds
    python benchmarks/bench_serve.py --pdf --full --rounds 2
    python benchmarks/bench_serve.py --relations 1000
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work"
sys.path.insert(0, str(HERE))
AS_OF = "2026-11-01"

from bench_build import copy_example  # noqa: E402


def generated_project(target: Path, relations: int) -> Path:
    from make_project import make_project

    shutil.rmtree(target, ignore_errors=True)
    make_project(target, relations)
    return target / "config.toml"


def relations_file(config: Path) -> Path:
    from relatierapport.config import read_toml

    for source in read_toml(config)["sources"]:
        if source.get("table") == "relations" and source["path"].endswith(".csv"):
            return config.parent / source["path"]
    raise SystemExit("no relations CSV in config.toml")


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_build(config: Path, *formats: str) -> tuple[float, float]:
    """Wall and CPU seconds (the process and its PDF workers) of one build in a fresh process."""
    args = [sys.executable, "-m", "relatierapport", "build", "--config", str(config),
            "--as-of", AS_OF, *[a for f in formats for a in ("--format", f)]]
    started, cpu = time.perf_counter(), _children_cpu()
    subprocess.run(args, check=True, capture_output=True, cwd=config.parent)
    return time.perf_counter() - started, _children_cpu() - cpu


TEMPLATE = ('{% extends "builtin/relation.html" %}\n'
            "{% block title %}Plan ROUND: {{ relation.name }}{% endblock %}\n")


def serve_rounds(config: Path, formats: tuple[str, ...], rounds: int, out: Path | None = None,
                 template: bool = False) -> tuple[list[dict], dict[str, list[float]]]:
    """The rounds, and the CPU seconds of rendering the changed relation's plan and the
    portfolio alone, from the preview's last build. ``template``: each round edits the
    project's templates/relation.html (the plan's title) instead of the relations' data."""
    import datetime as dt

    from relatierapport.serve.preview import Preview, ServeOptions

    lines: list[str] = []
    preview = Preview(ServeOptions(config, address="127.0.0.1:0", formats=formats, out=out,
                                   as_of=dt.date.fromisoformat(AS_OF)), echo=lines.append).start()
    thread = threading.Thread(target=preview.serve, daemon=True)
    thread.start()
    data = relations_file(config)
    original = data.read_bytes()
    edited = config.parent / "templates" / "relation.html"
    own_template = edited.read_bytes() if edited.is_file() else None
    first_line = original.split(b"\n", 2)[1]
    relation = first_line.split(b";")[0].decode()
    plan = f"{preview.url}{preview.status.snapshot().pages.site.relation_path(relation)}.html"
    for page in (preview.url, plan):          # the browser had the portfolio and the plan open
        with urllib.request.urlopen(page) as response:
            response.read()
    results = []
    sites = []
    alone: dict[str, list[float]] = {"plan": [], "portfolio": []}
    try:
        for round_number in range(rounds):
            assert preview.wait_watching(60)
            with urllib.request.urlopen(f"{preview.url}__livereload") as response:
                since = json.load(response)["version"]
            fields = first_line.split(b";")
            fields[1] = fields[1] + f" {round_number + 1}".encode()
            changed = original.replace(first_line, b";".join(fields), 1)
            started, cpu = time.perf_counter(), time.process_time() + _children_cpu()
            if template:
                edited.write_text(TEMPLATE.replace("ROUND", str(round_number + 1)), encoding="utf-8")
            else:
                data.write_bytes(changed)
            while True:
                with urllib.request.urlopen(f"{preview.url}__livereload?since={since}") as response:
                    status = json.load(response)
                if status["version"] != since:
                    break
            with urllib.request.urlopen(plan) as response:       # what the reloaded browser asks
                shown = response.read().decode()
            waited = time.perf_counter() - started
            cpu = time.process_time() + _children_cpu() - cpu
            assert status["error"] is None, status["error"]
            assert (f"<title>Plan {round_number + 1}: " if template else fields[1].decode()) in shown
            if template:
                assert lines[-1].startswith("only templates changed"), lines[-1]
                results.append({"change_to_page": waited, "build": None, "cpu": cpu, "pdfs_made": None})
                sites.append(preview.status.snapshot().pages.site)
                continue
            built = float(re.search(r" in ([0-9.]+) s", lines[-1])[1])
            pdfs = re.search(r"(\d+) PDFs \(\d+ printed pages(?:, (\d+) unchanged)?\)", lines[-1])
            results.append({"change_to_page": waited, "build": built, "cpu": cpu,
                            "pdfs_made": int(pdfs[1]) - int(pdfs[2] or 0) if pdfs else None})
            sites.append(preview.status.snapshot().pages.site)
    finally:
        data.write_bytes(original)
        if own_template is not None:
            edited.write_bytes(own_template)
        elif template:
            edited.unlink(missing_ok=True)
        preview.close()
    # with the preview stopped, this process does nothing else: process time is the page's
    for site in sites:
        for kind in ("plan", "portfolio"):
            alone[kind].append(first_render(site, relation if kind == "plan" else None))
    if "pdf" in formats:
        alone["pdf wall"], alone["pdf"] = pdfs_alone(sites, relation, config.parent / "pdfs-alone")
    return results, alone


def first_render(site, relation: str | None) -> float:
    """CPU seconds of rendering one page as a request does, first in its build: a new ``Site``
    of the same report (its environment loads the templates, compiled ones from the preview's
    cache), then the page."""
    from relatierapport.render.site import Site

    cpu = time.process_time()
    fresh = Site(site.report, site.plugins)
    page = next(page for page in fresh.pages() if page.relation == relation)
    page.render("screen")
    return time.process_time() - cpu


def pdfs_alone(sites: list, relation: str, scratch: Path) -> tuple[list[float], list[float]]:
    """Wall and CPU seconds of making the changed relation's plan and the portfolio as PDFs,
    per round's report, as a build's own process makes them (``write_pdf``, one job, nothing
    carried over); one untimed plan first, so WeasyPrint is imported and its fonts set up."""
    from relatierapport.builtin.outputs.pdf_output import write_pdf
    from relatierapport.hooktypes import BuildState
    from relatierapport.render.site import Site

    def make(site, wanted, out: Path) -> tuple[float, float]:
        shutil.rmtree(out, ignore_errors=True)
        out.mkdir(parents=True)
        fresh = Site(site.report, site.plugins)
        state = BuildState(site.report, fresh, 1, False)
        pages = [page for page in fresh.pages() if wanted(page)]
        wall, cpu = time.perf_counter(), time.process_time()
        written = write_pdf(iter(pages), out, state)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        assert len(written) == len(pages) and all(
            (out / name).read_bytes().startswith(b"%PDF") for name in written), written
        return wall, cpu

    make(sites[0], lambda page: page.relation == relation, scratch)
    walls, cpus = [], []
    for site in sites:
        wall, cpu = make(site, lambda page: page.kind == "portfolio" or page.relation == relation,
                         scratch)
        walls.append(wall)
        cpus.append(cpu)
    shutil.rmtree(scratch, ignore_errors=True)
    return walls, cpus


def read_and_analyse(config: Path, rounds: int) -> list[float]:
    """CPU seconds of stages 1-3 alone (configure, read, merge, analyse), as a preview's build
    runs them (the mail plugin not loaded), warm after a first run."""
    import datetime as dt

    from relatierapport.build import BuildOptions, prepare_report

    options = BuildOptions(config, as_of=dt.date.fromisoformat(AS_OF), disable=("mail",))
    prepare_report(options)
    times = []
    for _ in range(rounds):
        cpu = time.process_time()          # polars' threads included
        prepare_report(options)
        times.append(time.process_time() - cpu)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relations", type=int, help="a generated project of N relations "
                        "(default: the repository's example project)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pdf", action="store_true", help="also time serve --format pdf")
    parser.add_argument("--full", action="store_true", help="also time a full build (with PDFs)")
    args = parser.parse_args()
    name = f"serve-n{args.relations}" if args.relations else "serve-example"
    config = (generated_project(WORK / name, args.relations) if args.relations
              else copy_example(WORK / name))

    rows = []
    html, html_cpu = timed_build(config, "html")
    rows.append(("build (html), fresh process", [html], [html_cpu]))
    if args.full:
        full, full_cpu = timed_build(config)
        rows.append(("build (all), fresh process", [full], [full_cpu]))
    made: list[str] = []
    every = config.parent / "preview-every-page"
    cases = [("html, every page", ("html",), every), ("html, pages on request", ("html",), None)]
    cases += [("html, a template edited", ("html",), None)]
    cases += [("html+pdf", ("html", "pdf"), None)] if args.pdf else []
    figures: dict[str, float] = {}
    for label, formats, out in cases:
        template = label == "html, a template edited"
        done, alone = serve_rounds(config, formats, args.rounds, out, template=template)
        shutil.rmtree(every, ignore_errors=True)
        rows.append((f"serve rebuild ({label}): change → page", [r["change_to_page"] for r in done],
                     [r["cpu"] for r in done]))
        figures[label] = statistics.median(r["cpu"] for r in done)
        if template:
            continue
        rows.append((f"serve rebuild ({label}): build alone", [r["build"] for r in done], None))
        if "pdf" in formats:
            made.append(f"serve rebuild ({label}): PDFs made again per round: "
                        f"{', '.join(str(r['pdfs_made']) for r in done)}")
            rows.append(("make the changed relation's plan and the portfolio as PDFs alone",
                         alone["pdf wall"], alone["pdf"]))
            waited = statistics.median(r["change_to_page"] for r in done)
            made.append(f"serve rebuild ({label}), change → page: "
                        f"{waited / statistics.median(alone['pdf wall']):.2f} × its two PDFs alone "
                        f"(wall), {figures[label] / statistics.median(alone['pdf']):.2f} × (CPU)")
        if out is None and "pdf" not in formats:
            rows.append(("render the changed relation's plan alone (first in its build)", None,
                         alone["plan"]))
            rows.append(("render the portfolio alone (first in its build)", None, alone["portfolio"]))
            figures["plan"] = statistics.median(alone["plan"])
            figures["portfolio"] = statistics.median(alone["portfolio"])
    analysed = read_and_analyse(config, args.rounds)
    rows.append(("read + analysis alone", None, analysed))
    figures["read + analysis"] = statistics.median(analysed)

    base_label, base_cpu = "build (html)", html_cpu
    print(f"\n{name}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n")
    print(f"| case | median wall s | runs wall s | median CPU s | runs CPU s | × {base_label}, CPU |")
    print("|---|---:|---|---:|---|---:|")
    for label, values, cpus in rows:
        wall = f"{statistics.median(values):.2f}" if values else "–"
        runs = ", ".join(f"{v:.2f}" for v in values) if values else "–"
        cpu = statistics.median(cpus) if cpus else None
        print(f"| {label} | {wall} | {runs} | {f'{cpu:.3f}' if cpu is not None else '–'} | "
              f"{', '.join(f'{c:.3f}' for c in cpus) if cpus else '–'} | "
              f"{f'{cpu / base_cpu:.3f}' if cpu is not None else '–'} |")
    on_request = figures["html, pages on request"]
    print(f"\nserve rebuild, pages on request, CPU: {on_request / figures['html, every page']:.3f} × "
          f"every page, {on_request / figures['plan']:.1f} × the plan alone; read + analysis "
          f"{figures['read + analysis'] / on_request:.0%} of it, the plan "
          f"{figures['plan'] / on_request:.0%}")
    print(f"a template edited, change → page, CPU: {figures['html, a template edited']:.3f} s, "
          f"{figures['html, a template edited'] / on_request:.3f} × a data change's")
    for line in made:
        print(f"\n{line}")


if __name__ == "__main__":
    main()
