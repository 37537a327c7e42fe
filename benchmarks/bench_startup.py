"""How long the CLI takes to start: ``--help``, ``plugins`` and ``check`` (issue 17).

Each case is a fresh subprocess, ``python -m relatierapport …``, run in the repository
root (the example project: ``config.toml``, ``data/``; for ``--before`` the root of that
checkout, the same example at that commit), so interpreter start-up and every
import count as they do for a user. The baseline, in the same rounds, is ``python -c pass``
(the interpreter alone); the figures are best-of-``--repeat`` wall seconds and their
ratio to that baseline. Rounds alternate the cases, so a burst of load elsewhere spoils
one run of each case rather than every run of one.

    python benchmarks/bench_startup.py                  # ~1 minute on 2 cores
    python benchmarks/bench_startup.py --repeat 15
    git worktree add /tmp/before <commit>               # an older package, then:
    python benchmarks/bench_startup.py --before /tmp/before

``--before DIR`` adds the same cases with ``PYTHONPATH=DIR`` (a checkout of an older
commit), run in the same rounds. ``--imports`` also lists which heavy libraries each
case imported (``sys.modules`` at exit, via ``-X importtime``-free probing).

Prints a markdown table (also to ``benchmarks/work/results-startup.md``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"

CASES = {
    "python -c pass": ["-c", "pass"],
    "--help": ["-m", "relatierapport", "--help"],
    "plugins": ["-m", "relatierapport", "plugins"],
    "check": ["-m", "relatierapport", "check"],
}
HEAVY = ("polars", "weasyprint", "icalendar", "jinja2", "babel", "openpyxl", "vobject")


def run(args: list[str], pythonpath: str) -> float:
    env = {**os.environ, "PYTHONPATH": pythonpath}
    started = time.perf_counter()
    # run in the checkout itself: ``-m`` puts the working folder first on sys.path
    done = subprocess.run([sys.executable, *args], cwd=pythonpath, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    elapsed = time.perf_counter() - started
    if done.returncode not in (0,):
        raise SystemExit(f"{args} exited with {done.returncode} (PYTHONPATH={pythonpath})")
    return elapsed


def heavy_imports(args: list[str], pythonpath: str) -> str:
    """The heavy libraries in sys.modules after the command ran (in-process, via runpy)."""
    if args[0] != "-m":
        return ""
    probe = ("import atexit, sys\n"
             f"atexit.register(lambda: print(','.join(m for m in {HEAVY!r} if m in sys.modules), "
             "file=sys.__stderr__))\n"
             f"sys.argv = ['relatierapport', *{args[2:]!r}]\n"
             "import runpy; runpy.run_module('relatierapport', run_name='__main__')\n")
    env = {**os.environ, "PYTHONPATH": pythonpath}
    done = subprocess.run([sys.executable, "-c", probe], cwd=pythonpath, env=env,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    return done.stderr.strip().splitlines()[-1] if done.stderr.strip() else ""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=10)
    parser.add_argument("--before", type=Path, help="a checkout of an older commit to compare")
    args = parser.parse_args()

    variants = {"now": str(ROOT)}
    if args.before:
        variants["before"] = str(args.before.resolve())
    times: dict[tuple[str, str], list[float]] = {}
    for round_ in range(args.repeat):
        for variant, path in variants.items():
            for case, argv in CASES.items():
                if case == "python -c pass" and variant != "now":
                    continue
                times.setdefault((variant, case), []).append(run(argv, path))
        print(f"round {round_ + 1}/{args.repeat} done", file=sys.stderr)

    base = min(times[("now", "python -c pass")])
    lines = ["| code | case | best s | × python -c pass | median s | heavy libraries imported |",
             "|---|---|---:|---:|---:|---|"]
    for (variant, case), runs in times.items():
        runs = sorted(runs)
        heavy = heavy_imports(CASES[case], variants[variant]) or "–"
        lines.append(f"| {variant} | `{case}` | {runs[0]:.3f} | {runs[0] / base:.1f} | "
                     f"{runs[len(runs) // 2]:.3f} | {heavy} |")
    table = "\n".join(lines)
    print(table)
    WORK.mkdir(exist_ok=True)
    (WORK / "results-startup.md").write_text(table + "\n")


if __name__ == "__main__":
    main()
