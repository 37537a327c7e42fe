"""What rendering the HTML pages costs per relation, with the formatting of this package and
of an older one (issue 17: Babel formatting, once per locale and pattern).

    python benchmarks/bench_html.py                      # the example project, 5 rounds
    git archive 7cd4011 relatierapport | tar -x -C benchmarks/work/before-7cd4011
    python benchmarks/bench_html.py --before benchmarks/work/before-7cd4011 --repeat 5
    python benchmarks/bench_html.py --relations 1000     # a generated project (make_project)

Each case is a fresh process (``--child``) that reads and analyses the project as a build
does (not timed), then renders every page's screen HTML once, as ``build --format html``
does (timed: ``time.perf_counter`` around ``Site.pages()`` and ``page.render("screen")``),
and reports ms per relation (pages ÷ relations, portfolio included in the time) and the
share of it spent in Babel's formatting (a second, profiled render in the same process
would be warm, so the share comes from cProfile on its own run, ``--profile``). Cases
alternate in rounds; the best run is reported. "before" runs the same child with
``PYTHONPATH`` pointing at an export of an older package: the formatting off, in the
same rounds, without a switch in the package.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORK = HERE / "work"
AS_OF = "2026-11-01"


def child(config: Path, as_of: str, profile: bool) -> dict:
    import datetime as dt

    from relatierapport.build import BuildOptions, prepare_report
    from relatierapport.render.site import Site

    options = BuildOptions(config_path=config, as_of=dt.date.fromisoformat(as_of))
    plugins, report = prepare_report(options)
    site = Site(report, plugins)
    profiler = None
    if profile:
        import cProfile
        profiler = cProfile.Profile()
        profiler.enable()
    start = time.perf_counter()
    size = 0
    for page in site.pages():
        size += len(page.render("screen"))
    seconds = time.perf_counter() - start
    result = {"relations": len(report.portfolio.relations), "seconds": seconds, "chars": size}
    if profiler is not None:
        import pstats
        profiler.disable()
        stats = pstats.Stats(profiler).stats
        total = sum(tt for _, _, tt, _, _ in stats.values())
        babel = sum(tt for (file, _, _), (_, _, tt, _, _) in stats.items() if "/babel/" in file)
        parses = sum(nc for (file, _, name), (_, nc, *_) in stats.items()
                     if file.endswith("babel/core.py") and name == "parse")
        result |= {"babel_share": babel / total, "locale_parse": parses}
    return result


def run(pythonpath: Path, config: Path, profile: bool) -> dict:
    env = dict(os.environ, PYTHONPATH=str(pythonpath))
    out = subprocess.run([sys.executable, __file__, "--child", str(config), "--as-of", AS_OF]
                         + (["--profile"] if profile else []),
                         env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--as-of", default=AS_OF)
    parser.add_argument("--profile", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--before", type=Path, help="an export of an older relatierapport package")
    parser.add_argument("--relations", type=int, help="a generated project instead of the example")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child, args.as_of, args.profile)))
        return
    if args.relations:
        sys.path.insert(0, str(HERE))
        from make_project import make_project
        target = WORK / f"html-n{args.relations}"
        if not target.exists():
            make_project(target, args.relations)
        config = target / "config.toml"
    else:
        config = ROOT / "config.toml"
    cases = {"after": ROOT} | ({"before": args.before.resolve()} if args.before else {})
    runs: dict[str, list[dict]] = {name: [] for name in cases}
    for round_ in range(args.repeat):
        for name, path in cases.items():
            result = run(path, config, profile=False)
            runs[name].append(result)
            print(f"round {round_ + 1} {name}: {result['seconds'] * 1000 / result['relations']:.2f} "
                  f"ms/relation", file=sys.stderr)
    profiled = {name: run(path, config, profile=True) for name, path in cases.items()}
    best = {name: min(r["seconds"] for r in rs) for name, rs in runs.items()}
    base = best.get("before", best["after"])
    print("| case | relations | best s | ms/relation | runs ms/relation | × before | "
          "Babel share (profiled) | Locale.parse calls |")
    print("|---|---:|---:|---:|---|---:|---:|---:|")
    for name, rs in runs.items():
        n = rs[0]["relations"]
        all_runs = ", ".join(f"{r['seconds'] * 1000 / n:.2f}" for r in rs)
        p = profiled[name]
        print(f"| {name} | {n} | {best[name]:.3f} | {best[name] * 1000 / n:.2f} | {all_runs} | "
              f"{best[name] / base:.2f} | {p['babel_share']:.0%} | {p['locale_parse']:,} |")
    if "before" in runs and {r["chars"] for r in runs["before"]} != {r["chars"] for r in runs["after"]}:
        print("\nthe HTML differs in length between before and after", file=sys.stderr)


if __name__ == "__main__":
    main()
