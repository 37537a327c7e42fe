"""Time ``relatierapport build`` as a user sees it, and WeasyPrint on its own.

For each size N (relations asked of the example generator, half clients and
half candidates) this writes a project into ``benchmarks/work/nN`` and times,
each run in a fresh ``python -m relatierapport build`` subprocess:

  html      --format html                       (HTML pages + report.json)
  pdf-j2    --format html --format pdf          (default --jobs: the CPU count)
  pdf-j1    --format html --format pdf --jobs 1 (no pool)

and then "WeasyPrint alone": one fresh process that loads the HTML pages the
html build wrote, drops their <link rel=stylesheet> (the PDF medium omits it
and passes the stylesheet pre-parsed instead), and renders each one exactly as
a PDF worker does (it *calls* ``relatierapport.builtin.outputs.pdf_output.pool._init_worker`` and
``_render_in_worker``: one ``_Renderer`` with one FontConfiguration,
report.css parsed once, the project fetcher, the raised GC threshold, and the
PDF variant the build writes: tagged PDF/UA-1 unless the project's config.toml
says otherwise), timing import, set-up and every page. ``--untagged`` adds
"WeasyPrint alone, untagged" (``pdf_variant`` None) to the same rounds: what
tagging costs WeasyPrint.

    python benchmarks/bench_build.py                 # N = 100 and 1000
    python benchmarks/bench_build.py --sizes 100     # quick
    python benchmarks/bench_build.py --sizes 1000 --pdf-repeat 1
    python benchmarks/bench_build.py --example --sizes    # the repository's example project only
    python benchmarks/bench_build.py --example --sizes --untagged   # and tagged vs untagged

Prints a markdown table (and writes it with the raw figures to
``benchmarks/work/results-<sizes>.md`` / ``.json``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
sys.path.insert(0, str(HERE))

from make_project import DATA_END, make_project  # noqa: E402

PYTHON = sys.executable
CLK_TCK = os.sysconf("SC_CLK_TCK")
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
#: What the built screen HTML has and the PDF medium leaves out.
STYLESHEET_LINK = re.compile(r'<link rel="stylesheet" href="(?:\.\./)?assets/report\.css">\n?')


# -- measuring one subprocess ---------------------------------------------------------

@dataclass
class Run:
    wall_s: float
    cpu_s: float                 # user + system of the whole process tree (workers included)
    maxrss_mb: float             # largest single process in the tree (wait4 ru_maxrss)
    tree_rss_mb: float           # peak of the summed RSS of the tree, sampled every 50 ms
    other_cpu_cores: float       # CPU other processes on the machine used meanwhile, in cores
                                 # (/proc/stat busy time minus this tree's and the benchmark's own)
    stdout: str = field(repr=False, default="")


def _busy_seconds() -> float:
    """Busy CPU time of the whole machine since boot (all cores), from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    return (user + nice + system + irq + softirq + steal) / CLK_TCK


def _tree_rss(root: int) -> int:
    """Summed RSS in bytes of ``root`` and all its descendants."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        rest = stat[stat.rfind(")") + 2:].split()
        pid = int(entry.name)
        parents[pid] = int(rest[1])
        rss[pid] = int(rest[21]) * PAGE_SIZE
    total, todo = 0, [root]
    children: dict[int, list[int]] = {}
    for pid, ppid in parents.items():
        children.setdefault(ppid, []).append(pid)
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def run_measured(cmd: list[str], cwd: Path) -> Run:
    """Run ``cmd``; wall clock with perf_counter, rusage of exactly this child with wait4."""
    busy0, self0 = _busy_seconds(), time.process_time()   # process_time: our own sampler's CPU
    start = time.perf_counter()
    with open(cwd / ".bench-stdout", "w+") as out, open(cwd / ".bench-stderr", "w+") as err:
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=err, stdin=subprocess.DEVNULL)
        peak = [0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.05):
                peak[0] = max(peak[0], _tree_rss(proc.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        stop.set()
        sampler.join()
        proc.returncode = os.waitstatus_to_exitcode(status)
        busy = _busy_seconds() - busy0 - (time.process_time() - self0)
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} failed ({proc.returncode}):\n{stdout}\n{stderr}")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(wall, cpu, usage.ru_maxrss / 1024, peak[0] / 2**20,
               max(busy - cpu, 0.0) / wall, stdout)


def wait_for_quiet(limit_s: float, threshold: float = 0.25) -> float:
    """Wait (up to ``limit_s``) until the machine's other processes use < ``threshold`` cores.

    The benchmark machine is shared; a run that starts next to someone else's
    busy process measures them, not us. Returns the load last seen, in cores.
    """
    deadline = time.monotonic() + limit_s
    while True:
        busy0, t0 = _busy_seconds(), time.perf_counter()
        time.sleep(0.5)
        load = (_busy_seconds() - busy0) / (time.perf_counter() - t0)
        if load < threshold or time.monotonic() >= deadline:
            if load >= threshold:
                log(f"  (machine still busy: {load:.2f} cores in use by others; measuring anyway)")
            return load
        time.sleep(2)


def best(runs: list[Run]) -> Run:
    return min(runs, key=lambda r: r.wall_s)


# -- WeasyPrint alone (runs in its own process: ``--weasyprint-alone SITE PROJECT``) ----------

def build_variant(project: Path) -> str | None:
    """The PDF variant a build of ``project`` writes: its config's ``[plugins.pdf_output]
    variant``, else the default (None: untagged)."""
    import tomllib

    from relatierapport.builtin.outputs.pdf_output.options import DEFAULT_VARIANT, OFF

    config = tomllib.loads((project / "config.toml").read_text(encoding="utf-8"))
    variant = config.get("plugins", {}).get("pdf_output", {}).get("variant", DEFAULT_VARIANT)
    return None if variant == OFF else variant


def weasyprint_alone(site: Path, project: Path, pdf_dir: Path, variant: str | None) -> dict:
    """Render every HTML page of ``site`` to PDF as a build's PDF worker does; return timings.

    Uses the package's own worker code (``relatierapport.builtin.outputs.pdf_output.pool._init_worker`` and
    ``_render_in_worker``): the same FontConfiguration, pre-parsed report.css,
    fetcher, GC threshold and logging set-up, in this one process, and ``variant`` as
    WeasyPrint's ``pdf_variant`` (the build's, or None for the untagged comparison).
    """
    site, project, pdf_dir = site.resolve(), project.resolve(), pdf_dir.resolve()
    pages = [site / "index.html", *sorted((site / "relations").glob("*.html"))]
    html = {}
    for page in pages:
        text, found = STYLESHEET_LINK.subn("", page.read_text(encoding="utf-8"), count=1)
        if found != 1:
            raise SystemExit(f"{page}: expected one <link rel=stylesheet> to assets/report.css")
        html[page] = text
    shutil.rmtree(pdf_dir, ignore_errors=True)
    (pdf_dir / "relations").mkdir(parents=True)

    t0 = time.perf_counter()
    import weasyprint  # noqa: F401  (counted: a build's PDF stage pays it too)
    t1 = time.perf_counter()
    from relatierapport.builtin.outputs.pdf_output import pool as pdf
    from relatierapport.render.site import BUILTIN_TEMPLATES

    settings = pdf.PdfSettings((str(site / "assets" / "report.css"),),
                               tuple(str(p) for p in (site, project, BUILTIN_TEMPLATES)), variant)
    pdf._init_worker(settings)      # FontConfiguration, CSS parsed once, fetcher, GC threshold
    t2 = time.perf_counter()
    times = []
    for page in pages:
        target = pdf_dir / page.relative_to(site).with_suffix(".pdf")
        started = time.perf_counter()
        outcome = pdf._render_in_worker(pdf.PdfJob(html[page], page.as_uri(), str(target), page.stem))
        times.append(time.perf_counter() - started)
        error = outcome[0] if isinstance(outcome, tuple) else outcome
        if error:
            raise SystemExit(f"{page}: {error}")
    t3 = time.perf_counter()
    return {"pages": len(pages), "variant": variant, "import_s": t1 - t0, "setup_s": t2 - t1, "loop_s": t3 - t2,
            "total_s": t3 - t0, "portfolio_ms": times[0] * 1000,
            "relation_ms": [t * 1000 for t in times[1:]]}


def _pages(pdf: Path) -> int:
    """Printed pages of a PDF, with poppler's pdfinfo (installed for the tests)."""
    info = subprocess.run(["pdfinfo", pdf], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def pdf_page_counts(folder: Path) -> dict[str, int] | None:
    """Printed pages per PDF (portfolio, and relation plans summarised); None without pdfinfo."""
    if shutil.which("pdfinfo") is None:
        return None
    relation = [_pages(p) for p in sorted((folder / "relations").glob("*.pdf"))]
    return {"portfolio": _pages(folder / "portfolio.pdf"),
            "relation_min": min(relation), "relation_max": max(relation),
            "relation_one_page": sum(1 for n in relation if n == 1), "relations": len(relation),
            "relation_pages": sum(relation)}


# -- one size ----------------------------------------------------------------------------

@dataclass
class SizeResult:
    n: int
    relations: int
    pages: int
    html: list[Run]
    pdf_j2: list[Run]
    pdf_j1: list[Run]
    weasy: list[dict]
    weasy_runs: list[Run]
    printed_pages: dict | None
    jobs_default: int
    variant: str | None = None
    untagged: list[dict] = field(default_factory=list)          # WeasyPrint alone, untagged
    untagged_runs: list[Run] = field(default_factory=list)


def build_cmd(project: Path, out: str, formats: list[str], as_of: str, jobs: int | None) -> list[str]:
    cmd = [PYTHON, "-m", "relatierapport", "build", "--config", str(project / "config.toml"),
           "--out", str(project / out), "--as-of", as_of]
    for name in formats:
        cmd += ["--format", name]
    if jobs is not None:
        cmd += ["--jobs", str(jobs)]
    return cmd


def copy_example(target: Path) -> Path:
    """The repository's own example project (README: *The example project*), as a user has it,
    in place of whatever ``target`` held; returns its config.toml."""
    repo = HERE.parent
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    shutil.copy(repo / "config.toml", target / "config.toml")
    for name in ("data", "plugins", "templates"):
        shutil.copytree(repo / name, target / name)
    return target / "config.toml"


def measure_size(n: int | str, args: argparse.Namespace) -> SizeResult:
    project = WORK / (f"n{n}" if n != "example" else "example")
    if project.exists():
        shutil.rmtree(project)
    if n == "example":
        copy_example(project)
    else:
        make_project(project, n, args.touchpoints_per_relation, args.business_per_relation)
    site = project / "site-html"
    variant = build_variant(project)
    cases = [("html-only", "site-html", ["html"], None),
             (f"html+pdf jobs={os.cpu_count()} (default)", "site-pdf-j2", ["html", "pdf"], None),
             ("html+pdf jobs=1", "site-pdf-j1", ["html", "pdf"], 1),
             ("WeasyPrint alone", None, None, variant)]
    if args.untagged:
        cases.append(("WeasyPrint alone, untagged", None, None, None))
    runs: dict[str, list[Run]] = {label: [] for label, *_ in cases}
    weasy: dict[str, list[dict]] = {label: [] for label, out, *_ in cases if out is None}
    # Rounds, not series: each round runs every case once, so a burst of load from
    # elsewhere on the machine spoils one run of each case rather than all runs of one.
    for round_no in range(max(args.repeat, args.pdf_repeat)):
        for label, out, formats, jobs in cases:
            repeat = args.repeat if out == "site-html" else args.pdf_repeat
            if round_no >= repeat:
                continue
            wait_for_quiet(args.quiet_wait)
            if out is None:     # WeasyPrint alone: ``jobs`` holds the variant
                result_file = project / ".weasy.json"
                run = run_measured([PYTHON, str(Path(__file__).resolve()), "--weasyprint-alone",
                                    str(site), str(project), str(project / "weasy-alone"),
                                    str(result_file), jobs or "none"], project)
                data = json.loads(result_file.read_text())
                weasy[label].append(data)
                rel = data["relation_ms"]
                summary = (f"{data['variant'] or 'untagged'}: {data['total_s']:.2f} s in-process (import {data['import_s']:.2f} + set-up "
                           f"{data['setup_s']:.2f} + {data['pages']} pages {data['loop_s']:.2f}); "
                           f"portfolio {data['portfolio_ms']:.0f} ms, relation median "
                           f"{statistics.median(rel):.0f} ms")
            else:
                shutil.rmtree(project / out, ignore_errors=True)   # every run builds from scratch
                run = run_measured(build_cmd(project, out, formats, args.as_of, jobs), project)
                summary = run.stdout.strip()
            runs[label].append(run)
            log(f"  N={n} {label} run {round_no + 1}/{repeat}: {run.wall_s:.2f} s wall, "
                f"{run.cpu_s:.2f} s CPU, max RSS {run.maxrss_mb:.0f} MB, tree {run.tree_rss_mb:.0f} MB, "
                f"other load {run.other_cpu_cores:.2f} cores | {summary}")
    pages = 1 + len(list((site / "relations").glob("*.html")))
    relations = len(json.loads((site / "report.json").read_text(encoding="utf-8"))["relations"])
    printed = pdf_page_counts(project / "site-pdf-j1")
    html, pdf_j2, pdf_j1, weasy_runs, *untagged_runs = runs.values()
    return SizeResult(n, relations, pages, html, pdf_j2, pdf_j1, weasy["WeasyPrint alone"], weasy_runs,
                      printed, os.cpu_count() or 1, variant,
                      weasy.get("WeasyPrint alone, untagged", []), untagged_runs[0] if untagged_runs else [])


RUN_LISTS = ("html", "pdf_j2", "pdf_j1", "weasy_runs", "untagged_runs")


# -- reporting ------------------------------------------------------------------------------

def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def machine() -> str:
    model = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        from weasyprint import __version__ as wp
        from weasyprint.text import ffi
        harfbuzz = "yes" if getattr(ffi, "harfbuzz_subset", None) is not None else "NO (fontTools fallback)"
    except Exception as exc:  # pragma: no cover
        wp, harfbuzz = "?", f"? ({exc})"
    return (f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}, "
            f"WeasyPrint {wp}, HarfBuzz subsetting: {harfbuzz}")


def code_state() -> str:
    """The commit measured, and which package files differed from it (others edit in parallel)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=HERE, capture_output=True,
                              text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "relatierapport"], cwd=HERE.parent,
                               capture_output=True, text=True, check=True).stdout.split("\n")
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    changed = sorted(line[3:] for line in dirty if line.strip())
    return f"commit {head}" + (f" with uncommitted changes in {', '.join(changed)}" if changed else "")


def table(results: list[SizeResult]) -> str:
    rows = ["| N | relations | pages | html-only s | html+pdf s (jobs=2) | html+pdf s (jobs=1) "
            "| WeasyPrint alone s (1 process) | ms/page html-only | ms/page jobs=2 | ms/page jobs=1 "
            "| ms/page WeasyPrint alone | overhead ratio |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for r in results:
        h, j2, j1 = best(r.html).wall_s, best(r.pdf_j2).wall_s, best(r.pdf_j1).wall_s
        w = min(x["total_s"] for x in r.weasy)
        ms = lambda s: f"{s / r.pages * 1000:.0f}"  # noqa: E731
        rows.append(f"| {r.n} | {r.relations} | {r.pages} | {h:.2f} | {j2:.2f} | {j1:.2f} | {w:.2f} "
                    f"| {ms(h)} | {ms(j2)} | {ms(j1)} | {ms(w)} | {j1 / (h + w):.2f} |")
    return "\n".join(rows)


def tagging(results: list[SizeResult]) -> str:
    """Tagged against untagged WeasyPrint alone, measured in the same rounds (``--untagged``)."""
    rows = ["| N | pages | variant | WeasyPrint alone s (tagged) | WeasyPrint alone s (untagged) "
            "| tagged ÷ untagged | html+pdf s (jobs=1) | build ÷ (html-only + WeasyPrint alone tagged) "
            "| other load (cores), tagged / untagged runs |",
            "|---:|---:|---|---:|---:|---:|---:|---:|---|"]
    for r in results:
        if not r.untagged:
            continue
        tagged, untagged = min(x["total_s"] for x in r.weasy), min(x["total_s"] for x in r.untagged)
        h, j1 = best(r.html).wall_s, best(r.pdf_j1).wall_s
        load = lambda runs: ", ".join(f"{x.other_cpu_cores:.2f}" for x in runs)  # noqa: E731
        rows.append(f"| {r.n} | {r.pages} | {r.variant or 'none'} | {tagged:.2f} | {untagged:.2f} "
                    f"| {tagged / untagged:.2f} | {j1:.2f} | {j1 / (h + tagged):.2f} "
                    f"| {load(r.weasy_runs)} / {load(r.untagged_runs)} |")
    return "\n".join(rows) if len(rows) > 2 else ""


def detail(results: list[SizeResult]) -> str:
    rows = ["| N | case | best wall s | CPU s (tree) | CPU use | max RSS MB (1 process) "
            "| peak tree RSS MB (sum) | other load (cores) | runs (wall s) |",
            "|---:|---|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        for label, runs in (("html-only", r.html), (f"html+pdf jobs={r.jobs_default}", r.pdf_j2),
                            ("html+pdf jobs=1", r.pdf_j1), ("WeasyPrint alone (process)", r.weasy_runs),
                            ("WeasyPrint alone, untagged (process)", r.untagged_runs)):
            if not runs:
                continue
            b = best(runs)
            rows.append(f"| {r.n} | {label} | {b.wall_s:.2f} | {b.cpu_s:.2f} | {b.cpu_s / b.wall_s:.0%} "
                        f"| {b.maxrss_mb:.0f} | {b.tree_rss_mb:.0f} | {b.other_cpu_cores:.2f} "
                        f"| {', '.join(f'{x.wall_s:.2f}' for x in runs)} |")
    rows += ["", "| N | WeasyPrint import s | set-up s (FontConfiguration + report.css) "
             "| portfolio page ms | relation page ms: median | mean | p90 | max | printed pages |",
             "|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    for r in results:
        w = min(r.weasy, key=lambda x: x["total_s"])
        rel = sorted(w["relation_ms"])
        p = r.printed_pages
        printed = (f"portfolio {p['portfolio']}, relation plans {p['relation_min']}–{p['relation_max']} "
                   f"({p['relation_one_page']}/{p['relations']} one page; mean "
                   f"{p['relation_pages'] / p['relations']:.1f})") if p else "(pdfinfo missing)"
        rows.append(f"| {r.n} | {w['import_s']:.2f} | {w['setup_s']:.2f} | {w['portfolio_ms']:.0f} "
                    f"| {statistics.median(rel):.0f} | {statistics.fmean(rel):.0f} "
                    f"| {rel[int(0.9 * (len(rel) - 1))]:.0f} | {rel[-1]:.0f} | {printed} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--weasyprint-alone"]:
        site, project, pdf_dir, result_file = map(Path, argv[1:5])
        variant = argv[5] if len(argv) > 5 and argv[5] != "none" else None
        result_file.write_text(json.dumps(weasyprint_alone(site, project, pdf_dir, variant)))
        return 0
    parser = argparse.ArgumentParser(description="Time relatierapport builds (see the module doc).")
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1000], metavar="N")
    parser.add_argument("--example", action="store_true",
                        help="also measure the repository's example project (first)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of the HTML-only build (best kept)")
    parser.add_argument("--pdf-repeat", type=int, default=2,
                        help="runs of each PDF build and of WeasyPrint alone (best kept)")
    parser.add_argument("--as-of", default=DATA_END, help=f"report date (default {DATA_END}, "
                        "the end of the generated data)")
    parser.add_argument("--quiet-wait", type=float, default=120, metavar="S",
                        help="before each run, wait up to S seconds for other processes to go idle")
    parser.add_argument("--untagged", action="store_true",
                        help="also time WeasyPrint alone without tagging (pdf_variant None)")
    parser.add_argument("--touchpoints-per-relation", type=float, default=None)
    parser.add_argument("--business-per-relation", type=float, default=None)
    args = parser.parse_args(argv)

    WORK.mkdir(exist_ok=True)
    code = code_state()     # before the runs: others may change the tree while we measure
    log(f"{machine()}\nCode: {code}")
    results = []
    for n in (["example"] if args.example else []) + args.sizes:
        log(f"N={n}: writing project into {WORK / (f'n{n}' if n != 'example' else 'example')}")
        results.append(measure_size(n, args))
    if code_state() != code:
        code += f" (changed during the run to: {code_state()})"
    tagged = tagging(results)
    text = (f"Machine: {machine()}\nCode: {code}\n\n{table(results)}\n\n"
            + (f"{tagged}\n\n" if tagged else "") + f"{detail(results)}\n")
    print(text)
    stem = WORK / f"results-{'-'.join(map(str, (['example'] if args.example else []) + args.sizes))}"
    stem.with_suffix(".md").write_text(text)
    stem.with_suffix(".json").write_text(json.dumps(
        [{**{k: v for k, v in asdict(r).items() if k not in RUN_LISTS},
          **{k: [{x: y for x, y in asdict(run).items() if x != "stdout"} for run in getattr(r, k)]
             for k in RUN_LISTS}} for r in results], indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
