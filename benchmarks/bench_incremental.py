"""What a rebuild costs against a full build (issue 17: incremental builds).

    python benchmarks/bench_incremental.py                       # the example project
    python benchmarks/bench_incremental.py --relations 1000      # a generated project (~8 min)
    python benchmarks/bench_incremental.py --jobs 1

For one project, in one run and each a fresh ``python -m relatierapport build`` subprocess
with html, pdf and ics (``--jobs`` as given, default: CPU count):

1. **full**: ``build --clean`` into ``site/`` (every PDF made);
2. **nothing changed**: ``build`` again into ``site/``; its output must equal (1) file for file;
3. **one touchpoint**: the touchpoints CSV gets one line more (its last line again: one
   relation has one contact moment more), then ``build`` into ``site/``;
4. **clean after the touchpoint**: ``build --clean`` into ``site-clean/``, which (3) must equal
   file for file.

Wall clock (``time.perf_counter``) and CPU seconds of the whole process tree (``os.wait4``)
of each, and the ratios (2) ÷ (1) and (3) ÷ (1). The rounds repeat ``--repeat`` times (the
touchpoint is taken out again before each round); the best of each case is reported, and each
round's own ratios with their median (on a machine whose speed drifts between minutes, the
steadier figure).
Everything is written under ``benchmarks/work/incremental-*`` (gitignored).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import statistics
import sys
import tomllib
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from bench_build import copy_example, run_measured  # noqa: E402
from make_project import make_project  # noqa: E402

WORK = HERE / "work"
AS_OF = "2026-11-01"


def tree(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def touchpoints_file(project: Path) -> Path:
    config = tomllib.loads((project / "config.toml").read_text(encoding="utf-8"))
    for source in config.get("sources", []):
        if source.get("table") == "touchpoints":
            return project / source["path"]
    raise SystemExit("no CSV source with table = \"touchpoints\" in config.toml")


def build(project: Path, out: str, jobs: int | None, *extra: str):
    cmd = [sys.executable, "-m", "relatierapport", "build", "--config", "config.toml", "--out", out,
           "--as-of", AS_OF, "--format", "html", "--format", "pdf", "--format", "ics", *extra]
    if jobs:
        cmd += ["--jobs", str(jobs)]
    return run_measured(cmd, project)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--relations", type=int, help="a generated project of N relations "
                        "(default: the repository's example)")
    parser.add_argument("--jobs", type=int)
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args(argv)
    name = f"incremental-n{args.relations}" if args.relations else "incremental-example"
    project = WORK / name
    if project.exists():
        shutil.rmtree(project)
    if args.relations:
        make_project(project, args.relations)
    else:
        copy_example(project)
    csv = touchpoints_file(project)
    original = csv.read_bytes()
    lines = original.rstrip(b"\r\n").splitlines()
    added = original.rstrip(b"\r\n") + b"\n" + lines[-1] + b"\n"
    best: dict[str, tuple[float, float]] = {}
    per_round: dict[str, list[float]] = {"nothing changed": [], "one touchpoint": []}
    identical = {"nothing changed": True, "one touchpoint": True}
    relations = None
    for round_ in range(args.repeat):
        csv.write_bytes(original)
        runs = {"full": build(project, "site", args.jobs, "--clean")}
        full_tree = tree(project / "site")
        runs["nothing changed"] = build(project, "site", args.jobs)
        identical["nothing changed"] &= tree(project / "site") == full_tree
        csv.write_bytes(added)
        runs["one touchpoint"] = build(project, "site", args.jobs)
        runs["clean after the touchpoint"] = build(project, "site-clean", args.jobs, "--clean")
        identical["one touchpoint"] &= tree(project / "site") == tree(project / "site-clean")
        for case, run in runs.items():
            print(f"round {round_ + 1} {case}: {run.wall_s:.2f} s wall, {run.cpu_s:.2f} s CPU, "
                  f"other CPU {run.other_cpu_cores:.2f}; {run.stdout.strip().splitlines()[-1]}",
                  file=sys.stderr)
            wall, cpu = best.get(case, (float("inf"), float("inf")))
            best[case] = (min(wall, run.wall_s), min(cpu, run.cpu_s))
        for case, ratios in per_round.items():
            ratios.append(runs[case].wall_s / runs["full"].wall_s)
        relations = runs["full"].stdout.split("built ")[1].split(" ")[0]
    csv.write_bytes(original)
    full_wall, full_cpu = best["full"]
    rows = [f"| {case} | {wall:.2f} | {wall / full_wall:.3f} | {cpu:.2f} | {cpu / full_cpu:.3f} | "
            f"{'' if case not in identical else ('yes' if identical[case] else '**no**')} |"
            for case, (wall, cpu) in best.items()]
    table = "\n".join([f"{name}: {relations} relations, --jobs {args.jobs or 'CPU count'}, "
                       f"best of {args.repeat}", "",
                       "| build | wall s | ÷ full | CPU s | ÷ full | output = clean build |",
                       "|---|---|---|---|---|---|", *rows, "",
                       "Each round's wall ÷ that round's full build: " + "; ".join(
                           f"{case} {', '.join(f'{r:.3f}' for r in ratios)} "
                           f"(median {statistics.median(ratios):.3f})" for case, ratios in per_round.items())])
    print(table)
    (WORK / f"results-{name}.md").write_text(table + "\n", encoding="utf-8")
    (WORK / f"results-{name}.json").write_text(json.dumps(
        {"best": best, "per_round": per_round, "identical": identical, "relations": relations}, indent=1), encoding="utf-8")
    return 0 if all(identical.values()) else 1


if __name__ == "__main__":
    raise SystemExit(main())
