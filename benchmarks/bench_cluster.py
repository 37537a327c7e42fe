"""``build --scheduler`` on a Dask LocalCluster against a local ``--jobs 2`` build (issue 17).

The repository's example project is copied to ``benchmarks/work/cluster/project`` and built
with ``--format pdf --as-of 2026-11-01`` (HTML is the same either way and not the point), each
build a fresh ``python -m relatierapport build`` subprocess:

  json         --format json: reading, analysis and report.json only, the part of every build
               that is not per page (subtracted from a cluster build's CPU, what is left is
               what this machine spends per page: its print HTML and shipping it)
  local-j2     --jobs 2: this machine's process pool
  cluster-cold --scheduler: a LocalCluster (2 worker processes, 1 thread each, on 127.0.0.1)
               just started: its workers import WeasyPrint and load the fonts in this build
  cluster-warm --scheduler again, on the same cluster

For each: wall seconds, the build process's CPU (for local-j2 with its pool workers, which it
waits for), the workers' CPU (psutil, read on the workers through ``Client.run`` before and
after) and their memory (RSS) after; for the cluster builds what was sent and received
(the payload bytes ``pdf_output.cluster`` logs: each page's HTML, the files shipped once a
build to every worker and with the chunks, and the PDFs back), per plan.

The outputs are compared: report.json byte for byte, every PDF's words and their boxes
(``pdftotext -bbox-layout``), which is what "the same plans" means here (the PDFs' link
annotations hold the absolute path of each build's staging folder, so their bytes differ).

    python benchmarks/bench_cluster.py              # example project, 1 round
    python benchmarks/bench_cluster.py --repeat 2   # best of 2 rounds per case

Prints a markdown table and writes it with the raw figures to
``benchmarks/work/cluster/results.md`` / ``.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_build import copy_example  # noqa: E402

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work" / "cluster"
PYTHON = sys.executable
AS_OF = "2026-11-01"

#: Runs the CLI in a child and writes what pdf_output.cluster logged about the traffic.
CHILD = """
import json, logging, sys
traffic = {}
class Keep(logging.Handler):
    def emit(self, record):
        found = getattr(record, "traffic", None)
        if found is not None:
            traffic.update(vars(found), sent=found.sent)
logger = logging.getLogger("relatierapport.cluster")
logger.addHandler(Keep()); logger.setLevel(logging.INFO)
from relatierapport.cli import main
try:
    main(sys.argv[2:])
finally:
    open(sys.argv[1], "w").write(json.dumps(traffic))
"""


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def workers_state(client) -> dict[str, tuple[float, int]]:
    """Each worker process's (CPU seconds so far, RSS bytes)."""
    def measure():
        import psutil
        process = psutil.Process()
        times = process.cpu_times()
        return times.user + times.system, process.memory_info().rss
    return client.run(measure)


def build(config: Path, out: Path, *options: str) -> dict:
    shutil.rmtree(out, ignore_errors=True)
    traffic_file = out.parent / f"{out.name}.traffic.json"
    cpu, started = children_cpu(), time.monotonic()
    formats = () if "--format" in options else ("--format", "pdf")
    done = subprocess.run([PYTHON, "-c", CHILD, str(traffic_file), "build", "--config", str(config),
                           "--as-of", AS_OF, *formats, "--out", str(out), *options],
                          capture_output=True, text=True)
    wall, cpu = time.monotonic() - started, children_cpu() - cpu
    if done.returncode != 0:
        raise SystemExit(f"build {' '.join(options)} failed:\n{done.stdout}\n{done.stderr}")
    traffic = json.loads(traffic_file.read_text()) if traffic_file.exists() else {}
    return {"wall": wall, "cpu": cpu, "traffic": traffic, "output": done.stdout.strip()}


def layout(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): subprocess.run(
        ["pdftotext", "-bbox-layout", str(p), "-"], capture_output=True, text=True, check=True).stdout
        for p in sorted(folder.rglob("*.pdf"))}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=1, help="rounds; the best of each case is shown")
    args = parser.parse_args()
    from distributed import Client, LocalCluster

    config = copy_example(WORK / "project")
    plans = None
    results: dict[str, list[dict]] = {"json": [], "local-j2": [], "cluster-cold": [], "cluster-warm": []}
    for _ in range(args.repeat):
        results["json"].append(build(config, WORK / "json", "--format", "json"))
        results["local-j2"].append(build(config, WORK / "local", "--jobs", "2"))
        with LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                          dashboard_address=":0") as cluster, \
                Client(cluster.scheduler_address, set_as_default=False) as client:
            for case in ("cluster-cold", "cluster-warm"):
                before = workers_state(client)
                result = build(config, WORK / case, "--scheduler", cluster.scheduler_address)
                after = workers_state(client)
                result["workers_cpu"] = sum(after[w][0] - before[w][0] for w in after if w in before)
                result["workers_rss"] = sorted(rss for _, rss in after.values())
                results[case].append(result)
    report_json = (WORK / "local" / "report.json").read_bytes()
    plans = len(json.loads(report_json)["relations"])
    expected = layout(WORK / "local")
    same = {case: (WORK / case / "report.json").read_bytes() == report_json and layout(WORK / case) == expected
            for case in ("cluster-cold", "cluster-warm")}

    mb = 1024 * 1024
    rows = ["| case | wall s | × local | build process CPU s | workers' CPU s | CPU s a plan (workers) "
            "| MB sent a plan | MB received a plan | worker RSS MB | same report.json and plans |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|"]
    local_wall = min(r["wall"] for r in results["local-j2"])
    fixed_cpu = min(r["cpu"] for r in results["json"])
    for case, runs in results.items():
        best = min(runs, key=lambda r: r["wall"])
        traffic = best["traffic"]
        pdfs = traffic.get("pages") or plans + 1
        if case == "json":
            cells = "– | – | – | – | – | – |"
        elif case == "local-j2":
            cells = f"(in the build process's) | {(best['cpu'] - fixed_cpu) / pdfs:.3f} | – | – | – | – |"
        else:
            cells = (f"{best['workers_cpu']:.1f} | {best['workers_cpu'] / pdfs:.3f} | "
                     f"{traffic['sent'] / mb / pdfs:.3f} | {traffic['pdf'] / mb / pdfs:.3f} | "
                     f"{', '.join(str(r // mb) for r in best['workers_rss'])} | "
                     f"{'yes' if same[case] else 'NO'} |")
        rows.append(f"| {case} | {best['wall']:.1f} | {best['wall'] / local_wall:.2f} | {best['cpu']:.1f} | "
                    + cells)
    cold = min(results["cluster-cold"], key=lambda r: r["wall"])["traffic"]
    warm_cpu = min(r["cpu"] for r in results["cluster-warm"])
    load = os.getloadavg()
    notes = [
        f"{plans} relations ({plans + 1} PDFs with the portfolio), {cold.get('chunks')} chunks on "
        f"{cold.get('workers')} workers ({cold.get('threads')} threads); shipped once a build to each "
        f"worker: {cold.get('shipment', 0) / 1024:.1f} KB; HTML {cold.get('html', 0) / mb:.2f} MB, files "
        f"with the chunks {cold.get('files', 0) / 1024:.1f} KB, PDFs back {cold.get('pdf', 0) / mb:.2f} MB.",
        f"This machine's CPU a PDF in a cluster build (its CPU less the json build's "
        f"{fixed_cpu:.1f} s): {(warm_cpu - fixed_cpu) / (plans + 1) * 1000:.1f} ms (warm).",
        f"Python {platform.python_version()}, {os.cpu_count()} CPUs, load average at the end "
        f"{load[0]:.1f} / {load[1]:.1f} / {load[2]:.1f}; {args.repeat} round(s), the best shown.",
    ]
    text = "\n".join(rows + [""] + notes)
    print(text)
    (WORK / "results.md").write_text(text + "\n", encoding="utf-8")
    (WORK / "results.json").write_text(json.dumps({"results": results, "same": same, "plans": plans},
                                                  indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
