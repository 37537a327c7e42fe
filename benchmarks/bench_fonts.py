"""What the Noto fallback chain in report.css costs: build time and PDF size of the example.

Three cases, each a fresh ``python -m relatierapport build --format pdf`` of the repository's
example project (copied to ``benchmarks/work/fonts/``), in rounds (every case once, then again)
so that load elsewhere spoils one run of each case rather than every run of one:

  chain      the built-in report.css: DejaVu Sans, then the Noto families
  no-chain   the project's own templates/assets/report.css: the same file with the font line
             as it was before (DejaVu Sans, Helvetica Neue, Arial, sans-serif)
  no-noto    the built-in report.css on a machine without the Noto packages (fontconfig is
             pointed at a folder holding only the DejaVu fonts)

Also the installed size of the Debian packages (``apt-cache show``). Prints a markdown table.

    python benchmarks/bench_fonts.py [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work" / "fonts"
sys.path.insert(0, str(HERE))

from bench_build import copy_example  # noqa: E402

CSS = HERE.parent / "relatierapport" / "render" / "templates" / "assets" / "report.css"
OLD_FONTS = 'html { font-family: "DejaVu Sans", "Helvetica Neue", Arial, sans-serif; color: var(--ink);'
PACKAGES = ("fonts-dejavu-core", "fonts-noto-core", "fonts-noto-cjk")


def without_chain(css: str) -> str:
    """report.css with the font line it had before the Noto chain."""
    chain = re.search(r'html \{ font-family: "DejaVu Sans", "Noto Sans".*?color: var\(--ink\);', css, re.S)
    assert chain, "report.css no longer has the Noto chain on its html rule"
    return css[:chain.start()] + OLD_FONTS + css[chain.end():]


def dejavu_only(folder: Path) -> dict[str, str]:
    """The environment of a process whose fontconfig finds only the DejaVu fonts."""
    files = subprocess.run(["fc-list", "-f", "%{file}\n", "DejaVu Sans"], capture_output=True,
                           text=True, check=True).stdout.split()
    (folder / "fonts").mkdir(parents=True, exist_ok=True)
    for file in files:
        shutil.copy(file, folder / "fonts")
    conf = folder / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
                    f'<dir>{folder / "fonts"}</dir><cachedir>{folder / "cache"}</cachedir></fontconfig>\n',
                    encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def installed_size(package: str) -> str:
    shown = subprocess.run(["apt-cache", "show", package], capture_output=True, text=True).stdout
    found = re.search(r"^Installed-Size: (\d+)", shown, re.M)
    return f"{int(found.group(1)) / 1000:.1f} MB" if found else "?"


def build(project: Path, out: Path, env: dict[str, str]) -> tuple[float, int, int, int]:
    """Seconds, bytes of all PDFs, bytes of portfolio.pdf, printed pages (from the last line)."""
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "relatierapport", "build", "--config",
                           str(project / "config.toml"), "--out", str(out), "--as-of", "2026-11-01",
                           "--format", "pdf"], capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(done.stdout + done.stderr)
    pdfs = [out / "portfolio.pdf", *(out / "relations").glob("*.pdf")]
    printed = int(re.search(r"\((\d+) printed pages\)", done.stdout).group(1))
    return seconds, sum(p.stat().st_size for p in pdfs), (out / "portfolio.pdf").stat().st_size, printed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args()
    shutil.rmtree(WORK, ignore_errors=True)
    projects = {"chain": WORK / "chain", "no-chain": WORK / "no-chain"}
    for project in projects.values():
        copy_example(project)
    (WORK / "no-chain" / "templates" / "assets").mkdir(parents=True, exist_ok=True)
    (WORK / "no-chain" / "templates" / "assets" / "report.css").write_text(
        without_chain(CSS.read_text(encoding="utf-8")), encoding="utf-8")
    cases = {"chain": (projects["chain"], dict(os.environ)),
             "no-chain": (projects["no-chain"], dict(os.environ)),
             "no-noto": (projects["chain"], dejavu_only(WORK / "dejavu-only"))}
    runs: dict[str, list[tuple[float, int, int, int]]] = {name: [] for name in cases}
    for round_ in range(args.repeat):
        for name, (project, env) in cases.items():
            runs[name].append(build(project, WORK / f"out-{name}", env))
            print(f"round {round_ + 1} {name}: {runs[name][-1][0]:.1f} s", file=sys.stderr)
    best = {name: min(found) for name, found in runs.items()}
    base = best["no-chain"]
    print("| case | best build s | ratio to no-chain | all PDFs | portfolio.pdf | printed pages |")
    print("|---|---|---|---|---|---|")
    for name, (seconds, total, portfolio, printed) in best.items():
        print(f"| {name} | {seconds:.1f} | {seconds / base[0]:.2f} | {total / 1e6:.2f} MB "
              f"| {portfolio / 1e3:.0f} kB | {printed} |")
    print()
    print("| Debian package | Installed-Size |")
    print("|---|---|")
    for package in PACKAGES:
        print(f"| {package} | {installed_size(package)} |")


if __name__ == "__main__":
    main()
