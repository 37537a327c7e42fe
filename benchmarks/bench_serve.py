"""How long ``relatierapport serve`` takes to show a change of one relation, against a build.

Copies the repository's example project (or, with ``--relations N``, writes a generated one)
into ``benchmarks/work/serve-*``, then in one run:

  build (all)     ``python -m relatierapport build`` in a fresh process, default formats
                  (html, pdf, ics; report.json)
  build (html)    the same with ``--format html``
  serve rebuild   a preview (``relatierapport.serve.preview.Preview``, ``--format html``, the
                  serve default) running in this process; each round renames one relation in
                  its CSV and waits, through the preview's own ``/__livereload`` long-poll, for
                  the build that follows. "change → page" is from writing the file to the
                  answer (watchfiles' debounce included); "build" is the build alone, as the
                  preview prints it.
  serve rebuild (pdf)   with ``--pdf``: the same with ``--format html --format pdf``.

    python benchmarks/bench_serve.py                 # the example, 5 rounds
    python benchmarks/bench_serve.py --pdf --rounds 2
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


def serve_rounds(config: Path, formats: tuple[str, ...], rounds: int) -> list[dict]:
    import datetime as dt

    from relatierapport.serve.preview import Preview, ServeOptions

    lines: list[str] = []
    preview = Preview(ServeOptions(config, address="127.0.0.1:0", formats=formats,
                                   as_of=dt.date.fromisoformat(AS_OF)), echo=lines.append).start()
    thread = threading.Thread(target=preview.serve, daemon=True)
    thread.start()
    data = relations_file(config)
    original = data.read_bytes()
    first_line = original.split(b"\n", 2)[1]
    results = []
    try:
        for round_number in range(rounds):
            assert preview.wait_watching(60)
            with urllib.request.urlopen(f"{preview.url}__livereload") as response:
                since = json.load(response)["version"]
            fields = first_line.split(b";")
            fields[1] = fields[1] + f" {round_number + 1}".encode()
            changed = original.replace(first_line, b";".join(fields), 1)
            started, cpu = time.perf_counter(), time.process_time() + _children_cpu()
            data.write_bytes(changed)
            while True:
                with urllib.request.urlopen(f"{preview.url}__livereload?since={since}") as response:
                    status = json.load(response)
                if status["version"] != since:
                    break
            waited = time.perf_counter() - started
            cpu = time.process_time() + _children_cpu() - cpu
            assert status["error"] is None, status["error"]
            built = float(re.search(r" in ([0-9.]+) s", lines[-1])[1])
            pdfs = re.search(r"(\d+) PDFs \(\d+ printed pages(?:, (\d+) unchanged)?\)", lines[-1])
            with urllib.request.urlopen(preview.url) as response:
                assert fields[1].decode() in response.read().decode()
            results.append({"change_to_page": waited, "build": built, "cpu": cpu,
                            "pdfs_made": int(pdfs[1]) - int(pdfs[2] or 0) if pdfs else None})
    finally:
        data.write_bytes(original)
        preview.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--relations", type=int, help="a generated project of N relations "
                        "(default: the repository's example project)")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--pdf", action="store_true", help="also time serve --format pdf")
    args = parser.parse_args()
    name = f"serve-n{args.relations}" if args.relations else "serve-example"
    config = (generated_project(WORK / name, args.relations) if args.relations
              else copy_example(WORK / name))

    rows = []
    full, full_cpu = timed_build(config)
    html, html_cpu = timed_build(config, "html")
    rows.append(("build (all), fresh process", [full], [full_cpu]))
    rows.append(("build (html), fresh process", [html], [html_cpu]))
    made: list[str] = []
    cases = [("html", ("html",))] + ([("html+pdf", ("html", "pdf"))] if args.pdf else [])
    for label, formats in cases:
        done = serve_rounds(config, formats, args.rounds)
        rows.append((f"serve rebuild ({label}): change → page", [r["change_to_page"] for r in done],
                     [r["cpu"] for r in done]))
        rows.append((f"serve rebuild ({label}): build alone", [r["build"] for r in done], None))
        if "pdf" in formats:
            made.append(f"serve rebuild ({label}): PDFs made again per round: "
                        f"{', '.join(str(r['pdfs_made']) for r in done)}")

    print(f"\n{name}, {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f}\n")
    print("| case | median wall s | runs wall s | median CPU s | × build (all), wall | × build (all), CPU |")
    print("|---|---:|---|---:|---:|---:|")
    for label, values, cpus in rows:
        median = statistics.median(values)
        cpu = statistics.median(cpus) if cpus else None
        print(f"| {label} | {median:.2f} | {', '.join(f'{v:.2f}' for v in values)} | "
              f"{f'{cpu:.2f}' if cpu is not None else '–'} | {median / full:.3f} | "
              f"{f'{cpu / full_cpu:.3f}' if cpu is not None else '–'} |")
    for line in made:
        print(f"\n{line}")


if __name__ == "__main__":
    main()
