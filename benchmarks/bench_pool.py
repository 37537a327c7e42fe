"""Parallel PDF rendering (issue 17): speed-up, worker memory and worker start, each as a ratio
against a baseline measured in the same run.

    git archive 89c3856 relatierapport | tar -x -C benchmarks/work/before-pool   # once
    python benchmarks/bench_pool.py --before benchmarks/work/before-pool         # everything
    python benchmarks/bench_pool.py --parts start                                # ~1 minute
    python benchmarks/bench_pool.py --parts memory --memory-cases 0/0 200/10 --documents 300

Parts (``--parts``, default all three):

start    A worker's start, spawn to its first answer, in a pool of one worker that retires after
         every task (``WorkerPool(1, max_documents=1)``): the first worker looks the libraries up
         itself (``ctypes.util.find_library``, as every worker did before), the following ones are
         given the answers. ``--start-rounds`` workers of each kind. Also, in fresh processes,
         ``import weasyprint`` + FontConfiguration with and without the answers (alternating).
speedup  The example project (copied as bench_build.py --example does) built with
         ``--format html --format pdf`` and ``--jobs 1`` / ``--jobs 2``, each a fresh
         ``python -m relatierapport build``, in rounds; with ``--before`` the same builds of an
         export of an older package (PYTHONPATH) in the same rounds. Best of ``--repeat``,
         and each round's jobs=1 ÷ jobs=2 with their median. After each round's builds, what
         the machine gives two processes then: a fixed CPU-bound Python loop alone, then two
         copies at once; "two processes ×" is the work they did per second over one alone's
         (2.00 on two idle cores), the yardstick for a ratio of ``--jobs 2`` over ``--jobs 1``.
memory   Every page of a generated project (``--relations``, default 1,000: 1,132 documents;
         ``--documents`` the first so many) rendered by a pool of 2 workers (``render_all``
         with a ``WorkerPool``) from the HTML of an html-only build (stylesheet passed
         pre-parsed, as bench_build.py's "WeasyPrint alone"); after each document the RSS of
         every live worker is read from /proc. For each of ``--memory-cases`` REPLACE/COLLECT
         (workers replaced after REPLACE documents, a full garbage collection every COLLECT;
         0 = never; 0/0 is the pool before this work): mean and largest worker RSS over the
         first 100 and the last 100 documents, and their ratio.

The start and memory parts run in a ``python -c`` child, so that the spawned workers import
no ``__main__`` (in a build it is relatierapport's ``__main__``, which multiprocessing does not
import in workers), not this script and what it imports.

Markdown to stdout and to benchmarks/work/results-pool.md (raw figures in .json).
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

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
sys.path.insert(0, str(HERE))

from bench_build import (STYLESHEET_LINK, _busy_seconds, build_variant, copy_example,  # noqa: E402
                         log, run_measured, wait_for_quiet)
from make_project import make_project  # noqa: E402

PYTHON = sys.executable
AS_OF = "2026-10-31"


def other_load(seconds: float = 1.0) -> float:
    """Cores the machine's processes use right now (nothing of ours is running)."""
    busy0, t0 = _busy_seconds(), time.perf_counter()
    time.sleep(seconds)
    return (_busy_seconds() - busy0) / (time.perf_counter() - t0)


# -- start ------------------------------------------------------------------------------------

IMPORT_PROBE = """
import json, resource, sys, time
libraries = json.loads(sys.argv[1])
t0 = time.perf_counter()
if libraries is not None:
    from relatierapport.builtin.outputs.pdf_output.pool import cache_find_library
    cache_find_library(libraries)
import weasyprint
from weasyprint.text.fonts import FontConfiguration
FontConfiguration()
wall = time.perf_counter() - t0
children = resource.getrusage(resource.RUSAGE_CHILDREN)
print(json.dumps({"wall_s": wall, "cpu_s": time.process_time(),
                  "children_cpu_s": children.ru_utime + children.ru_stime}))
"""


def measure_start(rounds: int) -> dict:
    from relatierapport.builtin.outputs.pdf_output.pool import WorkerPool, _warm

    spawn = {"looked up": [], "given": []}
    with WorkerPool(1, max_documents=1) as pool:
        for number in range(rounds + 1):
            # the pool's own first worker (started by WorkerPool) looks up; its answers come back
            # with its first result, and every later worker (one per task) is given them
            started = time.perf_counter()
            pool.executor.submit(_warm).result()
            if number:
                spawn["given"].append(time.perf_counter() - started)
    # the first worker, timed from its spawn: a pool of its own, per round
    for _ in range(rounds):
        started = time.perf_counter()
        with WorkerPool(1, max_documents=None) as pool:
            pool.executor.submit(_warm).result()
            spawn["looked up"].append(time.perf_counter() - started)
            libraries = pool.libraries.snapshot()
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    probe = {"looked up": [], "given": []}
    for _ in range(rounds):
        for kind, given in (("looked up", None), ("given", libraries)):
            out = subprocess.run([PYTHON, "-c", IMPORT_PROBE, json.dumps(given)], env=env,
                                 capture_output=True, text=True, check=True).stdout
            probe[kind].append(json.loads(out))
    return {"spawn_to_answer_s": spawn, "import_probe": probe, "libraries": libraries}


def start_table(start: dict) -> str:
    rows = ["| worker | spawn to first answer s: best | median | import weasyprint + FontConfiguration s: best | "
            "median | its CPU s (median) | look-up subprocesses' CPU s (median) |",
            "|---|---:|---:|---:|---:|---:|---:|"]
    for kind, label in (("looked up", "before: looks the libraries up"), ("given", "after: given the answers")):
        spawn = start["spawn_to_answer_s"][kind]
        probe = start["import_probe"][kind]
        walls = [p["wall_s"] for p in probe]
        rows.append(f"| {label} | {min(spawn):.3f} | {statistics.median(spawn):.3f} | {min(walls):.3f} | "
                    f"{statistics.median(walls):.3f} | {statistics.median(p['cpu_s'] for p in probe):.3f} | "
                    f"{statistics.median(p['children_cpu_s'] for p in probe):.3f} |")
    before = statistics.median(start["spawn_to_answer_s"]["looked up"])
    after = statistics.median(start["spawn_to_answer_s"]["given"])
    rows.append(f"\nWorker start after ÷ before (medians, spawn to first answer): {after / before:.2f}; "
                f"{len(start['libraries'])} names answered from the cache.")
    return "\n".join(rows)


# -- speedup ----------------------------------------------------------------------------------

def measure_speedup(before: Path | None, repeat: int, quiet_wait: float) -> dict:
    project = WORK / "pool-example"
    if project.exists():
        shutil.rmtree(project)
    copy_example(project)
    codes = {"after": ROOT} | ({"before": before.resolve()} if before else {})
    for path in codes.values():      # PYTHONPATH must win over the installed (editable) package
        found = subprocess.run([PYTHON, "-c", "import relatierapport; print(relatierapport.__file__)"],
                               env={**os.environ, "PYTHONPATH": str(path)}, capture_output=True, text=True,
                               check=True, cwd=project).stdout.strip()     # the builds' cwd (sys.path[0])
        if not found.startswith(str(path)):
            raise SystemExit(f"PYTHONPATH={path} imports {found}")
    runs: dict[str, list[dict]] = {}
    for round_no in range(repeat):
        for code, path in codes.items():
            for jobs in (1, 2):
                label = f"{code} jobs={jobs}"
                out = project / f"site-{code}-j{jobs}"
                shutil.rmtree(out, ignore_errors=True)
                cmd = [PYTHON, "-m", "relatierapport", "build", "--config", str(project / "config.toml"),
                       "--out", str(out), "--as-of", AS_OF, "--format", "html", "--format", "pdf",
                       "--jobs", str(jobs)]
                wait_for_quiet(quiet_wait)
                env_before = os.environ.get("PYTHONPATH")
                os.environ["PYTHONPATH"] = str(path)
                try:
                    run = run_measured(cmd, project)
                finally:
                    if env_before is None:
                        os.environ.pop("PYTHONPATH")
                    else:
                        os.environ["PYTHONPATH"] = env_before
                pdfs = len(list(out.rglob("*.pdf")))
                log(f"  round {round_no + 1} {label}: {run.wall_s:.2f} s wall, CPU {run.cpu_s:.1f} s, "
                    f"other load {run.other_cpu_cores:.2f} cores, {pdfs} PDFs")
                runs.setdefault(label, []).append({"wall_s": run.wall_s, "cpu_s": run.cpu_s,
                                                   "other_load": run.other_cpu_cores, "pdfs": pdfs})
        machine = two_processes()
        log(f"  round {round_no + 1} machine: a loop alone {machine['alone_s']:.2f} s, two at once "
            f"{machine['two_s'][0]:.2f} / {machine['two_s'][1]:.2f} s: two processes ×{machine['throughput']:.2f}")
        runs.setdefault("machine", []).append(machine)
    return runs


#: A CPU-bound job of a few seconds that touches little memory: the machine's own capacity for
#: two processes, apart from anything the build does.
MACHINE_JOB = """
import json, time
start, cpu, x = time.perf_counter(), time.process_time(), 0
for i in range(25_000_000):
    x += i * i % 7
print(json.dumps([time.perf_counter() - start, time.process_time() - cpu]))
"""


def two_processes() -> dict:
    """The fixed job alone, then two copies at once: how much of a second core the machine gives."""
    def together(copies: int) -> list[float]:
        children = [subprocess.Popen([PYTHON, "-c", MACHINE_JOB], stdout=subprocess.PIPE, text=True)
                    for _ in range(copies)]
        return [json.loads(child.communicate()[0])[0] for child in children]

    alone, = together(1)
    both = together(2)
    return {"alone_s": alone, "two_s": both, "throughput": 2 * alone / max(both)}


def speedup_table(runs: dict) -> str:
    """Best of the rounds for each, and the ratio of each round's pair (jobs=1 and jobs=2 run
    one after the other): on a machine whose speed drifts from minute to minute the pairs'
    median is the steadier figure, the best-of ratio the one comparable with older tables."""
    rows = ["| code | jobs=1 best s | jobs=2 best s | jobs=1 ÷ jobs=2 (best) | per round | median of rounds "
            "| runs jobs=1 (other load, cores) | runs jobs=2 (other load, cores) |",
            "|---|---:|---:|---:|---|---:|---|---|"]
    for code in ("before", "after"):
        if f"{code} jobs=1" not in runs:
            continue
        one, two = runs[f"{code} jobs=1"], runs[f"{code} jobs=2"]
        b1, b2 = min(r["wall_s"] for r in one), min(r["wall_s"] for r in two)
        pairs = [a["wall_s"] / b["wall_s"] for a, b in zip(one, two)]
        fmt = lambda rs: ", ".join(f"{r['wall_s']:.2f} ({r['other_load']:.2f})" for r in rs)  # noqa: E731
        rows.append(f"| {code} | {b1:.2f} | {b2:.2f} | **{b1 / b2:.2f}** | {', '.join(f'{r:.2f}' for r in pairs)} "
                    f"| {statistics.median(pairs):.2f} | {fmt(one)} | {fmt(two)} |")
    machine = [m["throughput"] for m in runs.get("machine", [])]
    if machine:
        rows.append(f"\nThe machine after each round: two processes ×{', ×'.join(f'{m:.2f}' for m in machine)} "
                    f"the work of one (median ×{statistics.median(machine):.2f}; 2.00 is two idle cores).")
        for code in ("before", "after"):
            if f"{code} jobs=1" in runs:
                used = [a["wall_s"] / b["wall_s"] / m for a, b, m in
                        zip(runs[f"{code} jobs=1"], runs[f"{code} jobs=2"], machine)]
                rows.append(f"{code}: each round's jobs=1 ÷ jobs=2 over that figure: "
                            f"{', '.join(f'{u:.2f}' for u in used)} (median {statistics.median(used):.2f})")
    return "\n".join(rows)


# -- memory -----------------------------------------------------------------------------------

def _rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def prepare_memory_project(relations: int) -> tuple[Path, Path]:
    project = WORK / f"pool-p{relations}"
    site = project / "site-html"
    if not (site / "index.html").exists():
        shutil.rmtree(project, ignore_errors=True)
        make_project(project, relations)
        subprocess.run([PYTHON, "-m", "relatierapport", "build", "--config", str(project / "config.toml"),
                        "--out", str(site), "--as-of", AS_OF, "--format", "html"], check=True,
                       env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.DEVNULL)
    return project, site


def measure_memory(relations: int, cases: list[str], quiet_wait: float, limit_pages: int | None = None,
                   workers: int = 2) -> dict:
    from relatierapport.builtin.outputs.pdf_output import pool as pdf
    from relatierapport.render.site import BUILTIN_TEMPLATES

    project, site = prepare_memory_project(relations)
    pages = [site / "index.html", *sorted((site / "relations").glob("*.html"))][:limit_pages]
    settings = pdf.PdfSettings((str(site / "assets" / "report.css"),),
                               tuple(str(p) for p in (site, project, BUILTIN_TEMPLATES)),
                               build_variant(project))
    results = {}
    for case in cases:
        limit, collect, *documents = (int(part) for part in case.split("/"))
        case_pages = pages[:documents[0]] if documents else pages
        out = project / f"pdf-{limit}-{collect}"
        shutil.rmtree(out, ignore_errors=True)
        (out / "relations").mkdir(parents=True)

        def jobs():
            for page in case_pages:
                html = STYLESHEET_LINK.sub("", page.read_text(encoding="utf-8"), count=1)
                yield pdf.PdfJob(html, page.as_uri(), str(out / page.relative_to(site).with_suffix(".pdf")),
                                 page.stem)

        samples: list[list[float]] = []
        pids: set[int] = set()
        load = wait_for_quiet(quiet_wait)
        busy0, started = _busy_seconds(), time.perf_counter()
        with pdf.WorkerPool(workers, max_documents=limit or None, collect_every=collect) as pool:
            def done(job, messages, printed) -> None:      # render_all names what it finished
                live = [p.pid for p in pool.processes()]
                pids.update(live)
                samples.append([rss for rss in map(_rss_mb, live) if rss is not None])

            pdf.render_all(jobs(), len(case_pages), settings, workers, on_done=done, pool=pool)
        wall = time.perf_counter() - started
        busy = (_busy_seconds() - busy0) / wall
        first, last = samples[:100], samples[-100:]
        mean = lambda ss: statistics.fmean(x for s in ss for x in s)  # noqa: E731
        result = {"documents": len(samples), "wall_s": wall, "machine_busy_cores": busy, "load_before": load,
                  "workers_started": len(pids), "first100_mean": mean(first), "last100_mean": mean(last),
                  "first100_max": max(max(s) for s in first if s), "last100_max": max(max(s) for s in last if s),
                  "peak": max(max(s) for s in samples if s),
                  "curve": [round(statistics.fmean(s), 1) if s else None for s in samples]}
        log(f"  replaced after {limit or 'never'}, collected every {collect or 'never'}: {wall:.1f} s, {len(pids)} workers, RSS mean first 100 "
            f"{result['first100_mean']:.0f} MB, last 100 {result['last100_mean']:.0f} MB, peak {result['peak']:.0f} MB")
        results[case] = result
    return results


def memory_table(memory: dict) -> str:
    rows = ["| workers replaced after | full collection every | documents | workers started | wall s | machine busy, cores | "
            "worker RSS MB, first 100 docs: mean | max | last 100 docs: mean | max | last ÷ first (mean) | "
            "last ÷ first (max) | peak MB |", "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"]
    for case, r in memory.items():
        limit, collect, *_ = case.split("/")
        rows.append(f"| {'never' if limit == '0' else limit + ' documents'} | "
                    f"{'never' if collect == '0' else collect + ' documents'} | {r['documents']} | {r['workers_started']} | "
                    f"{r['wall_s']:.1f} | {r['machine_busy_cores']:.2f} | {r['first100_mean']:.0f} | "
                    f"{r['first100_max']:.0f} | {r['last100_mean']:.0f} | {r['last100_max']:.0f} | "
                    f"**{r['last100_mean'] / r['first100_mean']:.2f}** | {r['last100_max'] / r['first100_max']:.2f} | "
                    f"{r['peak']:.0f} |")
    return "\n".join(rows)


def windows_table(memory: dict, size: int = 100) -> str:
    """Mean worker RSS per window of ``size`` documents (in the order rendered; the first is
    the portfolio), to see whether memory grows anywhere, not only first against last."""
    rows = []
    for case, r in memory.items():
        curve = r["curve"]
        means = [statistics.fmean(v for v in curve[lo:lo + size] if v is not None)
                 for lo in range(0, len(curve), size)]
        head = " | ".join(f"{lo + 1}–{min(lo + size, len(curve))}" for lo in range(0, len(curve), size))
        rows += [f"| case {case} | {head} |", "|---|" + "---:|" * len(means),
                 "| mean worker RSS MB | " + " | ".join(f"{m:.0f}" for m in means) + " |"]
    return "\n".join(rows)


# -- main -------------------------------------------------------------------------------------

def in_child(call: str):
    """``bench_pool.<call>`` in a ``python -c`` child (see the module's docstring); its JSON."""
    code = (f"import json, sys; sys.path.insert(0, {str(HERE)!r}); import bench_pool; "
            f"print(json.dumps(bench_pool.{call}))")
    return json.loads(subprocess.run([PYTHON, "-c", code], check=True, stdout=subprocess.PIPE, text=True,
                                     env={**os.environ, "PYTHONPATH": str(ROOT)}).stdout)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--parts", nargs="+", choices=("start", "speedup", "memory"),
                        default=["start", "speedup", "memory"])
    parser.add_argument("--before", type=Path, help="an export of an older relatierapport package (speedup)")
    parser.add_argument("--repeat", type=int, default=2, help="rounds of the speedup builds (best reported)")
    parser.add_argument("--start-rounds", type=int, default=5)
    parser.add_argument("--relations", type=int, default=1000)
    parser.add_argument("--memory-cases", nargs="+", default=["0/0", "200/10"],
                        help="memory: REPLACE/COLLECT[/DOCUMENTS]: workers replaced after REPLACE "
                             "documents, a full garbage collection every COLLECT documents (0: never), "
                             "the first DOCUMENTS documents (default --documents or all); default: "
                             "before (0/0) and the pool's defaults")
    parser.add_argument("--memory-workers", type=int, default=2)
    parser.add_argument("--documents", type=int, help="memory: only the first this many documents (default all)")
    parser.add_argument("--quiet-wait", type=float, default=60)
    args = parser.parse_args(argv)
    WORK.mkdir(exist_ok=True)
    raw: dict = {"load_at_start": other_load()}
    sections = [f"Other load when the run started: {raw['load_at_start']:.2f} cores."]
    if "start" in args.parts:
        log("start: workers spawned one after another")
        raw["start"] = in_child(f"measure_start({args.start_rounds})")
        sections.append(start_table(raw["start"]))
    if "speedup" in args.parts:
        log("speedup: the example project, --jobs 1 and 2")
        raw["speedup"] = measure_speedup(args.before, args.repeat, args.quiet_wait)
        sections.append(speedup_table(raw["speedup"]))
    if "memory" in args.parts:
        log(f"memory: {args.relations} relations, cases {args.memory_cases}")
        raw["memory"] = in_child(f"measure_memory({args.relations}, {args.memory_cases!r}, {args.quiet_wait}, "
                                 f"{args.documents}, {args.memory_workers})")
        sections += [memory_table(raw["memory"]), windows_table(raw["memory"])]
    text = "\n\n".join(sections)
    print(text)
    stem = WORK / f"results-pool-{'-'.join(args.parts)}"
    stem.with_suffix(".md").write_text(text + "\n", encoding="utf-8")
    stem.with_suffix(".json").write_text(json.dumps(raw, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
