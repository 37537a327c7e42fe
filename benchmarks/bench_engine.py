"""Which polars engine the build's queries should run on: read + analysis of one project on
each engine, as ratios against polars' default ("auto") measured in the same rounds.

For each round and each engine a fresh process, with ``POLARS_ENGINE_AFFINITY`` set to the
engine (the build keeps an engine the environment names), runs ``prepare_report`` (configure,
read every source, merge, every analysis: stages 1-3, what a live preview's build redoes
after a data change) once to warm up and then ``--repeat`` times; the process's CPU time
(polars' threads included) and wall time of each are kept, the fastest reported. Rounds
alternate the engines, so a slow minute of the machine falls on each alike.

    python benchmarks/bench_engine.py                       # the example project, 5 rounds
    python benchmarks/bench_engine.py --relations 1000      # a generated project
    python benchmarks/bench_engine.py --engines auto in-memory streaming
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
sys.path.insert(0, str(HERE))
AS_OF = "2026-11-01"


def child(config: Path, repeat: int) -> None:
    """In the fresh process: prepare_report warm, ``repeat`` times; one JSON line."""
    from relatierapport.build import BuildOptions, prepare_report

    options = BuildOptions(config, as_of=dt.date.fromisoformat(AS_OF), disable=("mail",))
    prepare_report(options)
    runs = []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        prepare_report(options)
        runs.append({"wall": time.perf_counter() - wall, "cpu": time.process_time() - cpu})
    print(json.dumps(runs))


def project(relations: int | None) -> Path:
    if relations is None:
        from bench_build import copy_example

        return copy_example(WORK / "engine-example")
    target = WORK / f"engine-n{relations}"
    if not (target / "config.toml").is_file():
        from make_project import make_project

        shutil.rmtree(target, ignore_errors=True)
        make_project(target, relations)
    return target / "config.toml"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relations", type=int, help="a generated project of N relations "
                        "(default: the repository's example project)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--repeat", type=int, default=3, help="warm runs per process")
    parser.add_argument("--engines", nargs="+", default=["auto", "in-memory"])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child, args.repeat)
        return
    config = project(args.relations)
    best: dict[str, list[dict]] = {engine: [] for engine in args.engines}
    for round_number in range(1, args.rounds + 1):
        for engine in args.engines:
            env = {**os.environ, "POLARS_ENGINE_AFFINITY": engine}
            done = subprocess.run([sys.executable, __file__, "--child", str(config),
                                   "--repeat", str(args.repeat)], env=env, check=True,
                                  capture_output=True, text=True)
            runs = json.loads(done.stdout.strip().splitlines()[-1])
            fastest = min(runs, key=lambda run: run["cpu"])
            best[engine].append(fastest)
            print(f"  round {round_number} {engine}: {fastest['wall']:.3f} s wall, "
                  f"{fastest['cpu']:.3f} s CPU (fastest of {args.repeat})", file=sys.stderr)
    baseline = args.engines[0]
    base_wall = statistics.median(r["wall"] for r in best[baseline])
    base_cpu = statistics.median(r["cpu"] for r in best[baseline])
    name = f"{args.relations} generated relations" if args.relations else "the example project"
    print(f"\nread + analysis (prepare_report) of {name}, {args.rounds} rounds, median of the "
          f"rounds' fastest\n")
    print(f"| engine | wall s | ÷ {baseline} | CPU s | ÷ {baseline} | rounds (wall s) |")
    print("|---|---:|---:|---:|---:|---|")
    for engine, runs in best.items():
        wall = statistics.median(r["wall"] for r in runs)
        cpu = statistics.median(r["cpu"] for r in runs)
        print(f"| {engine} | {wall:.3f} | {wall / base_wall:.2f} | {cpu:.3f} | {cpu / base_cpu:.2f} "
              f"| {', '.join(format(r['wall'], '.3f') for r in runs)} |")


if __name__ == "__main__":
    main()
