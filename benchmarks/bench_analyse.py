"""Analyse 100,000 relations: CSV to report.json with every lens, against plain polars.

The requirement (issue 4): 100,000 relations with 2 million touchpoints and
200,000 business records, from CSV to report.json with every lens computed, in
under 15 s and 1.5 GB on the 2-core benchmark machine. This script

1. writes (once; reused while its parameters match) a project with
   ``make_project(target, N, touchpoints_per_relation=20, business_per_relation=2)``
   into ``benchmarks/work/nN`` (N = 100,000: 113,980 relations with the contact
   persons, exactly 2,000,000 touchpoints and 200,000 business rows);
2. times ``python -m relatierapport build --format json`` in a fresh subprocess
   (wall clock, best of ``--repeat``; peak RSS from ``os.wait4``);
3. runs the build's stages one by one in a fresh process (configure; load,
   i.e. every source read as the build reads them and merged; each analysis in
   ``plugins.analyses()`` order called as ``build.analyse`` calls it; report.json
   written with ``json_output.report_chunks``), with per stage: wall and CPU
   time, time in Python's cyclic GC, RSS after it, peak RSS during it (the
   high-water mark is reset before each stage through /proc/self/clear_refs) and
   where a sampler found the main thread;
4. runs a plain polars baseline in a fresh subprocess: ``pl.read_csv`` of
   contactmomenten.csv and opdrachten.csv and one aggregation per relation of
   what the analyses need (last touchpoint, touchpoints in the last 12 months,
   touchpoints per kind, won revenue and hours in the last 12 months, first and
   last won date), best of ``--repeat``;
5. prints markdown tables and writes them to ``benchmarks/work/results-analyse.md``
   (raw figures in ``.json``).

    python benchmarks/bench_analyse.py              # ~4 min on 2 cores (+25 s the first time)
    python benchmarks/bench_analyse.py --relations 10000 --repeat 1
    git archive <commit> relatierapport | tar -x -C benchmarks/work/before   # an older package, then:
    python benchmarks/bench_analyse.py --before benchmarks/work/before

``--before DIR`` times the build of the package in DIR (first on ``sys.path`` in the child) in
the same rounds as the current one, and checks that both write the same report.json.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import gc
import importlib.util
import json
import os
import platform
import re
import shutil
import signal
import sys
import time
from collections import Counter
from dataclasses import asdict
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
sys.path.insert(0, str(HERE))

# bench_build and make_project import relatierapport (and polars): the --stages and
# --baseline processes must not have them loaded before they measure their imports.
def log(text: str) -> None:
    print(text, file=sys.stderr, flush=True)

PYTHON = sys.executable
PAGE_SIZE = os.sysconf("SC_PAGE_SIZE")
AS_OF = "2026-11-01"       # the day after the generated data end
TARGET_S, TARGET_MB = 15.0, 1500.0
SAMPLE_EVERY_S = 0.005


# -- the project ----------------------------------------------------------------------------

def project_for(args: argparse.Namespace) -> Path:
    """The generated project, written once and reused while its parameters are the same."""
    project = WORK / f"n{args.relations}"
    wanted = {"relations": args.relations, "touchpoints_per_relation": args.touchpoints_per_relation,
              "business_per_relation": args.business_per_relation}
    marker = project / ".made.json"
    if not args.regenerate and marker.exists() and json.loads(marker.read_text()) == wanted:
        log(f"reusing {project}")
        return project
    if project.exists():
        shutil.rmtree(project)
    from make_project import make_project
    log(f"writing {project} ({args.relations} relations, {args.touchpoints_per_relation} touchpoints "
        f"and {args.business_per_relation} business rows per relation) ...")
    started = time.perf_counter()
    make_project(project, args.relations, args.touchpoints_per_relation, args.business_per_relation)
    marker.write_text(json.dumps(wanted))
    log(f"  written in {time.perf_counter() - started:.1f} s")
    return project


def data_rows(project: Path) -> dict[str, int]:
    """Data lines per CSV (header excluded); the generator writes no quoted newlines."""
    rows = {}
    for path in sorted((project / "data").glob("*.csv")):
        with path.open("rb") as f:
            rows[path.name] = sum(chunk.count(b"\n") for chunk in iter(lambda: f.read(1 << 20), b"")) - 1
    return rows


# -- memory of this process ------------------------------------------------------------------

def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE_SIZE / 2**20


def hwm_mb() -> float:
    with open("/proc/self/status") as f:
        return int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1)) / 1024


def reset_hwm() -> bool:
    """Reset the peak-RSS mark to the current RSS (Linux >= 4.0); False when not allowed."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


# -- the stages, in one process (``--stages PROJECT AS_OF OUT RESULT [--no-sample]``) ---------------------------

class Sampler:
    """Where the main thread spends its wall-clock time, per stage.

    SIGALRM every 5 ms; the handler runs in the main thread at the next bytecode
    boundary and charges the wall time since the previous sample to the place
    where it runs. A long call into native code (polars in Rust, orjson, a write)
    defers the handler until it returns, so its whole duration is charged to the
    function that made the call: unlike a sampling thread, which only gets the GIL
    when the main thread lets go of it, this does not favour code that releases
    the GIL. A place is the innermost function of relatierapport, the project's
    plugins or this script, plus the polars API call in progress under it, if any.
    """

    OWN = {"_callback": "cyclic GC", "rss_mb": "(measuring)", "hwm_mb": "(measuring)",
           "reset_hwm": "(measuring)", "measure": "(measuring)"}

    def __init__(self, roots: list[str]):
        self.roots = [str(Path(r).resolve()) for r in roots]
        self.polars = str(Path(importlib.util.find_spec("polars").origin).parent)   # not imported yet
        self.me = str(Path(__file__).resolve())
        self.stage = "start"
        self.times: dict[str, Counter] = {}
        self._last = time.perf_counter()

    def start(self) -> None:
        signal.signal(signal.SIGALRM, self._handler)
        signal.siginterrupt(signal.SIGALRM, False)      # SA_RESTART: no EINTR for anyone's I/O
        signal.setitimer(signal.ITIMER_REAL, SAMPLE_EVERY_S, SAMPLE_EVERY_S)

    def stop(self) -> None:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)

    def enter(self, stage: str) -> None:
        self.stage, self._last = stage, time.perf_counter()

    def _place(self, frame) -> str:
        polars_call = None
        while frame is not None:
            code = frame.f_code
            name = code.co_filename
            if name.startswith(self.polars):
                if code.co_name not in ("wrapper", "<lambda>"):
                    polars_call = code.co_name      # ends as the outermost polars API call
            elif any(name.startswith(root) for root in self.roots):
                if name == self.me and code.co_name == "_handler":    # a signal during the handler
                    frame = frame.f_back
                    continue
                if name == self.me and code.co_name in self.OWN:
                    return self.OWN[code.co_name]
                place = f"{Path(name).stem}.{code.co_name}"
                return f"{place} → polars {polars_call}" if polars_call else place
            frame = frame.f_back
        return f"polars {polars_call}" if polars_call else "other"

    def _handler(self, signum, frame) -> None:
        now = time.perf_counter()
        elapsed, self._last = now - self._last, now
        self.times.setdefault(self.stage, Counter())[self._place(frame)] += elapsed


class GcTimer:
    """Seconds spent in the cyclic garbage collector (gc.callbacks), and how many passes."""

    def __init__(self):
        self.seconds, self.passes, self._t = 0.0, 0, 0.0
        gc.callbacks.append(self._callback)

    def _callback(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._t = time.perf_counter()
        else:
            self.seconds += time.perf_counter() - self._t
            self.passes += 1


def run_stages(project: Path, as_of: dt.date, out_file: Path, sample: bool = True) -> dict:
    """The build's stages in order, measured one by one; the same work as ``build --format json``:
    configure, load (every source, read as the build reads them, and the merge), each analysis,
    report.json."""
    t_start = time.perf_counter()
    stages: list[dict] = []
    can_reset = reset_hwm()
    gc_timer = GcTimer()
    sampler = Sampler([str(Path(importlib.util.find_spec("relatierapport").origin).parent),
                       str(project / "plugins"), __file__])
    if sample:
        sampler.start()

    def measure(name: str, work):
        sampler.enter(name)
        if can_reset:
            reset_hwm()
        gc0, passes0 = gc_timer.seconds, gc_timer.passes
        t0, c0 = time.perf_counter(), time.process_time()
        result = work()
        wall, cpu = time.perf_counter() - t0, time.process_time() - c0
        stages.append({"stage": name, "wall_s": wall, "cpu_s": cpu,
                       "gc_s": gc_timer.seconds - gc0, "gc_passes": gc_timer.passes - passes0,
                       "rss_mb": rss_mb(), "peak_mb": hwm_mb()})
        return result

    def imports():
        from relatierapport import build as build_module
        from relatierapport.builtin.outputs import json_output
        return build_module, json_output

    stages_module, json_output = measure("import relatierapport (and polars)", imports)
    # every stage on the polars engine build() chooses (an older package has no choice)
    engine = contextlib.ExitStack()
    engine.enter_context(getattr(stages_module, "polars_engine", contextlib.nullcontext)())
    plugins, config = measure("configure", lambda: stages_module.configure(
        stages_module.BuildOptions(project / "config.toml", as_of=as_of)))

    loaded = measure("load (read every source, merge)", lambda: stages_module.load(plugins, config))
    portfolio, warnings = loaded.portfolio, loaded.warnings

    # as build.analyse does: each analysis inside the package's own pause of the cyclic GC
    paused = getattr(stages_module, "_collector_paused", contextlib.nullcontext)
    findings = {}
    for plugin, analysis in plugins.analyses():
        def run(analysis=analysis):
            with paused():
                return analysis.run(portfolio, config, {name: findings[name] for name in
                                                        analysis.requires + analysis.after
                                                        if name in findings})
        findings[analysis.name] = measure(f"analysis {analysis.name}", run)
    warnings = config.warnings + warnings + [w for f in findings.values() for w in f.warnings]
    report = stages_module.Report(config, portfolio, findings, warnings)

    def write():
        out_file.parent.mkdir(parents=True, exist_ok=True)
        with out_file.open("wb") as handle:
            for chunk in json_output.report_chunks(report, []):
                handle.write(chunk)
        return out_file.stat().st_size

    size = measure("write report.json", write)
    engine.close()
    sampler.stop()
    total = time.perf_counter() - t_start
    for stage in stages:
        stage["places"] = sampler.times.get(stage["stage"], Counter()).most_common()
    tables = {name: getattr(portfolio, name).height for name in
              ("touchpoints", "business", "surveys", "events")}
    frames_mb = sum(getattr(portfolio, name).estimated_size() for name in tables) / 2**20
    return {"stages": stages, "total_s": total, "hwm_reset": can_reset,
            "relations": len(portfolio.relations), "tables": tables, "frames_mb": frames_mb,
            "per_relation_entries": {name: len(f.relations) for name, f in findings.items()},
            "report_json_bytes": size, "gc_total_s": gc_timer.seconds}


# -- the plain polars baseline (``--baseline PROJECT AS_OF RESULT``) ---------------------------

def run_baseline(project: Path, as_of: dt.date) -> dict:
    """Read the two big CSVs with polars and aggregate per relation what the analyses need."""
    t0 = time.perf_counter()
    import polars as pl
    t1 = time.perf_counter()

    def read(name: str, **options) -> pl.DataFrame:
        frame = pl.read_csv(project / "data" / name, separator=";", **options)
        first = frame.columns[0]
        return frame.rename({first: first.lstrip("\ufeff")})    # polars drops a UTF-8 BOM; be sure

    touchpoints = read("contactmomenten.csv")
    business = read("opdrachten.csv", decimal_comma=True,
                    schema_overrides={"Bedrag": pl.Float64, "Uren": pl.Float64})
    t2 = time.perf_counter()
    window = as_of.replace(year=as_of.year - 1, day=min(as_of.day, 28) if as_of.month == 2 else as_of.day)
    date = pl.col("Datum").str.to_date("%d-%m-%Y")
    kinds = sorted(touchpoints["Soort"].unique().drop_nulls())
    tp = (touchpoints.lazy().with_columns(date).filter(pl.col("Datum") <= as_of)
          .group_by("Relatienr").agg(
              last_touchpoint=pl.col("Datum").max(),
              touchpoints_12m=(pl.col("Datum") > window).sum(),
              touchpoints_all=pl.len(),
              *[(pl.col("Soort") == kind).sum().alias(f"kind:{kind}") for kind in kinds]))
    won = pl.col("Status") == "gewonnen"
    recent = won & (pl.col("Datum") > window)
    bz = (business.lazy().with_columns(date).filter(pl.col("Datum") <= as_of)
          .group_by("Relatienr").agg(
              revenue_12m=pl.col("Bedrag").filter(recent).sum(),
              hours_12m=pl.col("Uren").filter(recent).sum(),
              won_12m=recent.sum(),
              won_all=won.sum(),
              first_won=pl.col("Datum").filter(won).min(),
              last_won=pl.col("Datum").filter(won).max()))
    per_relation = tp.join(bz, on="Relatienr", how="full", coalesce=True).collect()
    t3 = time.perf_counter()
    return {"import_s": t1 - t0, "read_s": t2 - t1, "aggregate_s": t3 - t2, "total_s": t3 - t0,
            "rows_in": touchpoints.height + business.height, "relations_out": per_relation.height,
            "columns_out": per_relation.width, "kinds": len(kinds)}


# -- measuring ---------------------------------------------------------------------------------

def measure_all(project: Path, args: argparse.Namespace) -> dict:
    from bench_build import run_measured, wait_for_quiet
    out = project / "site-json"
    build_cmd = [PYTHON, "-m", "relatierapport", "build", "--config", str(project / "config.toml"),
                 "--out", str(out), "--format", "json", "--as-of", args.as_of]
    builds: list = []           # bench_build.Run
    befores: list = []          # bench_build.Run of the older package (--before)
    baselines: list[tuple] = []  # (Run, in-process figures)
    before_out = project / "site-json-before"
    before_cmd = None
    if args.before is not None:
        # the older package first on sys.path, then run as `python -m relatierapport` would
        before_cmd = [PYTHON, "-c", f"import sys, runpy; sys.path.insert(0, {str(args.before.resolve())!r}); "
                      "runpy.run_module('relatierapport', run_name='__main__', alter_sys=True)",
                      *build_cmd[3:-5], str(before_out), *build_cmd[-4:]]
    stage_file, baseline_file = project / ".stages.json", project / ".baseline.json"
    me = str(Path(__file__).resolve())
    for round_no in range(args.repeat):
        wait_for_quiet(args.quiet_wait)
        shutil.rmtree(out, ignore_errors=True)
        run = run_measured(build_cmd, project)
        builds.append(run)
        log(f"  build run {round_no + 1}/{args.repeat}: {run.wall_s:.2f} s wall, {run.cpu_s:.2f} s CPU, "
            f"max RSS {run.maxrss_mb:.0f} MB, other load {run.other_cpu_cores:.2f} cores | "
            f"{run.stdout.strip()}")
        if before_cmd is not None:
            wait_for_quiet(args.quiet_wait)
            shutil.rmtree(before_out, ignore_errors=True)
            run = run_measured(before_cmd, project)
            befores.append(run)
            log(f"  build (before) run {round_no + 1}/{args.repeat}: {run.wall_s:.2f} s wall, "
                f"{run.cpu_s:.2f} s CPU, max RSS {run.maxrss_mb:.0f} MB, other load "
                f"{run.other_cpu_cores:.2f} cores | {run.stdout.strip()}")
        wait_for_quiet(args.quiet_wait)
        run = run_measured([PYTHON, me, "--baseline", str(project), args.as_of, str(baseline_file)],
                           project)
        data = json.loads(baseline_file.read_text())
        baselines.append((run, data))
        log(f"  polars baseline run {round_no + 1}/{args.repeat}: {run.wall_s:.2f} s wall "
            f"(in-process: import {data['import_s']:.2f} + read {data['read_s']:.2f} + aggregate "
            f"{data['aggregate_s']:.2f}), max RSS {run.maxrss_mb:.0f} MB, other load "
            f"{run.other_cpu_cores:.2f} cores")
    report_bytes = (out / "report.json").stat().st_size
    stage_runs = []
    for round_no in range(args.stage_repeat):
        wait_for_quiet(args.quiet_wait)
        run = run_measured([PYTHON, me, "--stages", str(project), args.as_of,
                            str(project / "stages-out" / "report.json"), str(stage_file)], project)
        data = json.loads(stage_file.read_text())
        stage_runs.append((run, data))
        log(f"  stage breakdown run {round_no + 1}/{args.stage_repeat}: {data['total_s']:.2f} s "
            f"in-process, peak {max(s['peak_mb'] for s in data['stages']):.0f} MB, "
            f"other load {run.other_cpu_cores:.2f} cores")
    same = same_bytes(project / "stages-out" / "report.json", out / "report.json") \
        if args.compare_output else None
    shutil.rmtree(project / "stages-out", ignore_errors=True)
    same_before = None
    if before_cmd is not None:
        same_before = same_bytes(before_out / "report.json", out / "report.json")
        shutil.rmtree(before_out, ignore_errors=True)
    return {"builds": builds, "befores": befores, "baselines": baselines, "stage_runs": stage_runs,
            "report_json_bytes": report_bytes, "same_output": same, "same_as_before": same_before,
            "before": str(args.before) if args.before is not None else None}


def same_bytes(a: Path, b: Path) -> bool:
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        while True:
            x, y = fa.read(1 << 24), fb.read(1 << 24)
            if x != y:
                return False
            if not x:
                return True


# -- reporting ---------------------------------------------------------------------------------

def machine() -> str:
    model = "?"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    import orjson
    import polars
    memory = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1)) / 2**20
    return (f"{os.cpu_count()} CPUs ({model}), {memory:.0f} GB RAM, Python {platform.python_version()}, "
            f"polars {polars.__version__}, orjson {orjson.__version__}")


def _short(place: str) -> str:
    return place.replace("relatierapport.", "")


def tables(project: Path, rows: dict[str, int], m: dict) -> str:
    from bench_build import best
    build, (base_run, base) = best(m["builds"]), min(m["baselines"], key=lambda x: x[0].wall_s)
    stage_run, stages = min(m["stage_runs"], key=lambda x: x[1]["total_s"])
    peak = max(s["peak_mb"] for s in stages["stages"])
    ok = lambda good: "yes" if good else "**no**"  # noqa: E731
    out = [
        f"Data: {stages['relations']:,} relations, {rows.get('contactmomenten.csv', 0):,} touchpoints, "
        f"{rows.get('opdrachten.csv', 0):,} business rows, {rows.get('enquetes.csv', 0):,} survey rows, "
        f"{rows.get('gebeurtenissen.csv', 0):,} events; CSVs "
        f"{sum(p.stat().st_size for p in (project / 'data').glob('*.csv')) / 1e6:.0f} MB.",
        "",
        "| case | best wall s | × plain polars (wall) | CPU s | × plain polars (CPU) | max RSS MB | target | within target | runs (wall s) | other load (cores) |",
        "|---|---:|---:|---:|---:|---:|---|---|---|---:|",
        *(f"| {label} | {b.wall_s:.2f} | {b.wall_s / base_run.wall_s:.1f} | {b.cpu_s:.2f} "
          f"| {b.cpu_s / base_run.cpu_s:.1f} | {b.maxrss_mb:.0f} | {TARGET_S:.0f} s, {TARGET_MB:,.0f} MB "
          f"| time {ok(b.wall_s < TARGET_S)}, memory {ok(b.maxrss_mb < TARGET_MB)} "
          f"| {', '.join(f'{r.wall_s:.2f}' for r in runs)} | {b.other_cpu_cores:.2f} |"
          for label, b, runs in [("`build --format json` (CSV → report.json, every lens)", build, m["builds"])]
          + ([(f"the same, before (`{m['before']}`)", best(m["befores"]), m["befores"])]
             if m.get("befores") else [])),
        f"| plain polars: read 2 CSVs + aggregate per relation | {base_run.wall_s:.2f} | 1.0 "
        f"| {base_run.cpu_s:.2f} | 1.0 | {base_run.maxrss_mb:.0f} | – | – "
        f"| {', '.join(f'{r.wall_s:.2f}' for r, _ in m['baselines'])} | {base_run.other_cpu_cores:.2f} |",
        "",
        *([f"Before and after wrote {'the same' if m['same_as_before'] else 'DIFFERENT'} report.json bytes.",
           ""] if m.get("same_as_before") is not None else []),
        f"report.json: {m['report_json_bytes'] / 1e9:.2f} GB ({m['report_json_bytes']:,} bytes, "
        f"{m['report_json_bytes'] / stages['relations'] / 1024:.1f} KiB per relation)."
        + ("" if m["same_output"] is None else
           f" The stage breakdown wrote {'the same bytes' if m['same_output'] else 'DIFFERENT bytes'}."),
        "",
        f"Plain polars baseline (best run, in-process): import {base['import_s']:.2f} s, "
        f"`pl.read_csv` of both files {base['read_s']:.2f} s, parse dates + filter + one `group_by` "
        f"per table + join {base['aggregate_s']:.2f} s = {base['read_s'] + base['aggregate_s']:.2f} s "
        f"for read + aggregate ({base['rows_in']:,} rows in, {base['relations_out']:,} relations × "
        f"{base['columns_out']} columns out).",
        "",
        f"Stage breakdown (one process, run {m['stage_runs'].index((stage_run, stages)) + 1} of "
        f"{len(m['stage_runs'])}; total {stages['total_s']:.2f} s in-process, "
        f"{stage_run.wall_s:.2f} s with interpreter start; peak {peak:.0f} MB; "
        f"other load {stage_run.other_cpu_cores:.2f} cores). RSS after = resident set when the stage "
        "ended; peak = high-water mark during the stage"
        + ("" if stages["hwm_reset"] else " (NOT reset per stage: /proc/self/clear_refs refused)")
        + "; GC = time in Python's cyclic garbage collector.",
        "",
        "| stage | wall s | share | CPU s | GC s (passes) | RSS after MB | Δ RSS MB | peak MB | where the main thread was (sampled) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    previous = 0.0
    for s in stages["stages"]:
        total = sum(n for _, n in s["places"]) or 1
        where = "; ".join(f"{_short(p)} {n / total:.0%}" for p, n in s["places"][:3] if n / total >= 0.05)
        out.append(f"| {s['stage']} | {s['wall_s']:.2f} | {s['wall_s'] / stages['total_s']:.0%} "
                   f"| {s['cpu_s']:.2f} | {s['gc_s']:.2f} ({s['gc_passes']}) | {s['rss_mb']:.0f} "
                   f"| {s['rss_mb'] - previous:+.0f} | {s['peak_mb']:.0f} | {where} |")
        previous = s["rss_mb"]
    out.append(f"| **total** | **{stages['total_s']:.2f}** | | "
               f"{sum(s['cpu_s'] for s in stages['stages']):.2f} | {stages['gc_total_s']:.2f} | | | "
               f"**{peak:.0f}** | |")
    out += ["", f"Polars tables after merge: {stages['frames_mb']:.0f} MB (estimated_size; "
            + ", ".join(f"{k} {v:,} rows" for k, v in stages["tables"].items()) + "). "
            "Per-relation findings entries: "
            + ", ".join(f"{k} {v:,}" for k, v in stages["per_relation_entries"].items()) + "."]
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--stages"]:
        project, as_of, out_file, result = Path(argv[1]), dt.date.fromisoformat(argv[2]), \
            Path(argv[3]), Path(argv[4])
        result.write_text(json.dumps(run_stages(project, as_of, out_file, "--no-sample" not in argv)))
        return 0
    if argv[:1] == ["--baseline"]:
        project, as_of, result = Path(argv[1]), dt.date.fromisoformat(argv[2]), Path(argv[3])
        result.write_text(json.dumps(run_baseline(project, as_of)))
        return 0
    parser = argparse.ArgumentParser(description="Time CSV → report.json at 100,000 relations "
                                     "against plain polars (see the module doc).")
    parser.add_argument("--relations", type=int, default=100_000, metavar="N")
    parser.add_argument("--touchpoints-per-relation", type=float, default=20)
    parser.add_argument("--business-per-relation", type=float, default=2)
    parser.add_argument("--as-of", default=AS_OF, help=f"report date (default {AS_OF})")
    parser.add_argument("--repeat", type=int, default=2, help="runs of the build and of the baseline "
                        "(best kept; default 2)")
    parser.add_argument("--stage-repeat", type=int, default=1, help="runs of the stage breakdown "
                        "(fastest kept; default 1)")
    parser.add_argument("--quiet-wait", type=float, default=120, metavar="S",
                        help="before each run, wait up to S seconds for other processes to go idle")
    parser.add_argument("--regenerate", action="store_true", help="write the project anew")
    parser.add_argument("--before", type=Path, metavar="DIR",
                        help="also time the build with an older package (DIR holds its relatierapport/, "
                        "e.g. from git archive) in the same rounds, and check it writes the same report.json")
    parser.add_argument("--no-compare-output", dest="compare_output", action="store_false",
                        help="skip checking that the stage breakdown wrote the build's report.json")
    args = parser.parse_args(argv)

    from bench_build import code_state
    WORK.mkdir(exist_ok=True)
    code = code_state()
    log(f"{machine()}\nCode: {code}")
    project = project_for(args)
    rows = data_rows(project)
    log("  rows: " + ", ".join(f"{k} {v:,}" for k, v in rows.items()))
    measured = measure_all(project, args)
    if code_state() != code:
        code += f" (changed during the run to: {code_state()})"
    text = (f"Machine: {machine()}\nCode: {code}\nDate: {dt.date.today()}, --as-of {args.as_of}\n\n"
            f"{tables(project, rows, measured)}\n")
    print(text)
    (WORK / "results-analyse.md").write_text(text)
    (WORK / "results-analyse.json").write_text(json.dumps({
        "rows": rows, "report_json_bytes": measured["report_json_bytes"],
        "same_output": measured["same_output"],
        "builds": [{k: v for k, v in asdict(r).items() if k != "stdout"} for r in measured["builds"]],
        "befores": [{k: v for k, v in asdict(r).items() if k != "stdout"} for r in measured["befores"]],
        "same_as_before": measured["same_as_before"], "before": measured["before"],
        "baselines": [{**{k: v for k, v in asdict(r).items() if k != "stdout"}, **d}
                      for r, d in measured["baselines"]],
        "stage_runs": [{"run": {k: v for k, v in asdict(r).items() if k != "stdout"}, **d}
                       for r, d in measured["stage_runs"]]}, indent=1, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
