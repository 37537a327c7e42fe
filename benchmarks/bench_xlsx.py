"""What reading an .xlsx costs: the package's grid reader against the libraries that could do it.

Three workbooks are written once with openpyxl into ``benchmarks/work/xlsx/``: a
HubSpot-style contact export of 50,000 rows x 12 columns (ids and counts as
numbers, amounts with decimals, a date cell per row, text) as Excel writes it
(shared strings, a ``<dimension>`` before the cells), the same with 200 rows,
and the 50,000 rows as a script writes them (openpyxl's write-only mode: text
inline, no ``<dimension>``). Each case reads every cell of the sheet into
Python values, in a fresh process (imports not counted), and reports its time
and the process's peak RSS (the small book 20 times in one process, the best
kept):

  grid              relatierapport.sources.xlsx_grid: every cell through Workbook.value
  openpyxl values   openpyxl read-only iter_rows(values_only=True) (the CRM sources' reader
                    before the grid)
  openpyxl cells    openpyxl read-only iter_rows() with the public cell attributes a
                    source would need (value, data_type, is_date)
  calamine          python-calamine to_python() (skipped when not installed)
  fastexcel         fastexcel load_sheet(dtypes="string").to_polars() (skipped when not installed)
  xlsx source       the xlsx source end to end: sheet to converted relations
  crm source        the hubspot source end to end on the same file

``--before DIR`` also runs the two end-to-end cases on the package in DIR (e.g.
``git archive <commit> relatierapport | tar -x -C DIR``), in the same rounds, so
that before and after are measured under the same load. Rounds alternate the
cases; the best of ``--repeat`` runs is kept.

    python benchmarks/bench_xlsx.py                    # ~10 min on 2 cores (+1 min the first time)
    python benchmarks/bench_xlsx.py --repeat 1
    python benchmarks/bench_xlsx.py --before benchmarks/work/before

Prints a markdown table (also written to ``benchmarks/work/results-xlsx.md``).
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib
import json
import os
import re
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
WORK = HERE / "work"
FILES = WORK / "xlsx"
#: label -> (rows, written as Excel writes it (True) or by openpyxl's write-only mode)
BOOKS = {"50,000 x 12": (50_000, True), "200 x 12": (200, True),
         "50,000 x 12 by a script": (50_000, False)}
HEADERS = ["Record ID", "First Name", "Last Name", "Email", "Phone Number", "City", "Contact owner",
           "Create Date", "Lifecycle Stage", "Job Title", "Annual Revenue", "Number of Employees"]
CASES = ("grid", "openpyxl values", "openpyxl cells", "calamine", "fastexcel", "xlsx source",
         "crm source")
END_TO_END = ("xlsx source", "crm source")
BASELINE = "openpyxl values"


# -- the workbooks ----------------------------------------------------------------------------

def make_workbook(path: Path, rows: int, like_excel: bool) -> Path:
    """A contact export; written once, reused while it exists."""
    if path.exists():
        return path
    import openpyxl

    path.parent.mkdir(parents=True, exist_ok=True)
    book = openpyxl.Workbook(write_only=not like_excel)
    if like_excel:
        book.remove(book.active)
    sheet = book.create_sheet("Contacts")
    sheet.append(HEADERS)
    cities = ["Utrecht", "Zwolle", "Delft", "Amersfoort", "Den Haag", "Groningen", "Breda", "Ede"]
    stages = ["customer", "lead", "opportunity", "subscriber"]
    titles = ["Directeur", "Inkoper", "HR-adviseur", "Office manager", "CFO", "Recruiter"]
    owners = [f"Medewerker {n}" for n in range(40)]
    start = dt.datetime(2015, 1, 1)
    for n in range(rows):
        sheet.append([100_000 + n, f"Voornaam{n % 997}", f"Achternaam {n % 4999}",
                      f"contact{n}@voorbeeld{n % 300}.nl", f"06{n:08d}", cities[n % len(cities)],
                      owners[n % len(owners)], start + dt.timedelta(days=n % 4000, hours=n % 9),
                      stages[n % len(stages)], titles[n % len(titles)],
                      round(1000 + (n * 7919) % 2_000_000 / 3, 2), 1 + n % 250])
    temporary = path.with_suffix(".tmp")
    book.save(temporary)
    if like_excel:
        _share_strings(temporary)
    temporary.replace(path)
    return path


INLINE = re.compile(r'<c r="([A-Z]+[0-9]+)"((?: s="[0-9]+")?) t="inlineStr"><is><t>(.*?)</t></is></c>')


def _share_strings(path: Path) -> None:
    """Text cells into a shared string table, as Excel writes them (openpyxl writes them inline)."""
    with zipfile.ZipFile(path) as archive:
        parts = {name: archive.read(name) for name in archive.namelist()}
    table: dict[str, int] = {}

    def shared(match: re.Match) -> str:
        index = table.setdefault(match.group(3), len(table))
        return f'<c r="{match.group(1)}"{match.group(2)} t="s"><v>{index}</v></c>'

    sheet = "xl/worksheets/sheet1.xml"
    parts[sheet] = INLINE.sub(shared, parts[sheet].decode("utf-8")).encode("utf-8")
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/sharedStrings.xml"] = (f'<sst xmlns="{main}" uniqueCount="{len(table)}">'
                                     + "".join(f"<si><t>{text}</t></si>" for text in table)
                                     + "</sst>").encode("utf-8")
    kind = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", f'<Override PartName="/xl/sharedStrings.xml" ContentType="{kind}"/></Types>'.encode())
    relation = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", f'<Relationship Id="rIdStrings" Type="{relation}" '
        'Target="sharedStrings.xml"/></Relationships>'.encode())
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)


# -- the cases (each runs in its own process) -----------------------------------------------------

def read_grid(path: Path) -> int:
    from relatierapport.sources.xlsx_grid import Workbook

    count = 0
    with path.open("rb") as handle, Workbook(handle) as book:
        with book.cells(book.sheets[0]) as rows:
            for _, cells in rows:
                for cell in cells:
                    if book.value(cell)[1] is not None:
                        count += 1
    return count


def read_openpyxl_values(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = sum(value is not None for row in book.worksheets[0].iter_rows(values_only=True)
                for value in row)
    book.close()
    return count


def read_openpyxl_cells(path: Path) -> int:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    count = 0
    for row in book.worksheets[0].iter_rows():
        for cell in row:
            if cell.value is not None and (cell.is_date or cell.data_type != "e"):
                count += 1
    book.close()
    return count


def read_calamine(path: Path) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(path))
    rows = book.get_sheet_by_index(0).to_python()
    book.close()
    return sum(value != "" for row in rows for value in row)


def read_fastexcel(path: Path) -> int:
    import fastexcel

    frame = fastexcel.read_excel(str(path)).load_sheet(0, header_row=None, dtypes="string").to_polars()
    return sum(frame.count().row(0))


def _spec(path: Path, kind: str):
    from relatierapport.config import SourceSpec
    from relatierapport.plugins import make_plugins

    reader = make_plugins().source_readers()[kind]
    options = {o.name: o.default for o in reader.options}
    columns = {"id": "Record ID", "name": "Last Name", "email": "Email", "phone": "Phone Number",
               "city": "City", "since": "Create Date"} if kind == "xlsx" else {}
    spec = SourceSpec(index=1, type=kind, path=path, display=path.name,
                      table="relations" if kind == "xlsx" else None, columns=columns,
                      options=options)
    return reader, spec


def read_source(path: Path, kind: str) -> tuple[int, float]:
    reader, spec = _spec(path, kind)
    started = time.perf_counter()
    data = reader.read(spec, None)
    seconds = time.perf_counter() - started
    if data.errors:
        raise SystemExit(f"{kind}: {data.errors[:3]}")
    return len(data.relations), seconds


READERS = {"grid": read_grid, "openpyxl values": read_openpyxl_values,
           "openpyxl cells": read_openpyxl_cells, "calamine": read_calamine,
           "fastexcel": read_fastexcel}
MODULES = {"calamine": "python_calamine", "fastexcel": "fastexcel"}


def child(case: str, path: Path, times: int) -> None:
    """Run one case ``times`` times and print the best as JSON (the parent's only channel)."""
    module = MODULES.get(case)
    if module:
        try:
            __import__(module)
        except ImportError:
            print(json.dumps({"skipped": f"{module} is not installed"}))
            return
    for module in ("openpyxl", "relatierapport.plugins", "relatierapport.sources.xlsx_grid"):
        try:
            importlib.import_module(module)         # imports are not counted
        except ImportError:
            pass                                    # an older package has no grid
    best = None
    for _ in range(times):
        if case in END_TO_END:
            count, seconds = read_source(path, "xlsx" if case == "xlsx source" else "hubspot")
        else:
            started = time.perf_counter()
            count = READERS[case](path)
            seconds = time.perf_counter() - started
        best = seconds if best is None else min(best, seconds)
    import relatierapport
    print(json.dumps({"seconds": best, "count": count,
                      "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "package": str(Path(relatierapport.__file__).parent)}))


# -- the parent ------------------------------------------------------------------------------------

def run(case: str, path: Path, times: int, before: Path | None) -> dict:
    env = dict(os.environ)
    if before is not None:
        env["PYTHONPATH"] = os.pathsep.join([str(before), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    out = subprocess.run([sys.executable, __file__, "--child", case, str(path), str(times)], env=env,
                         capture_output=True, text=True)
    if out.returncode:
        raise SystemExit(f"{case} on {path.name} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case and size (best kept)")
    parser.add_argument("--before", type=Path, help="a folder holding an older relatierapport package")
    parser.add_argument("--child", nargs=3, metavar=("CASE", "PATH", "TIMES"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child[0], Path(args.child[1]), int(args.child[2]))
        return 0

    books = {label: make_workbook(FILES / f"contacts-{rows}-{'excel' if excel else 'script'}.xlsx",
                                  rows, excel)
             for label, (rows, excel) in BOOKS.items()}
    cases = [(case, None) for case in CASES]
    if args.before:
        cases += [(case, args.before.resolve()) for case in END_TO_END]
    results: dict[tuple[str, str], list[dict]] = {}
    for round_number in range(args.repeat):
        for case, before in cases:
            for label, path in books.items():
                # one process reads the small book 20 times: a read takes milliseconds
                figures = run(case, path, 1 if BOOKS[label][0] > 1000 else 20, before)
                name = f"{case} (before)" if before else case
                results.setdefault((name, label), []).append(figures)
        print(f"round {round_number + 1} of {args.repeat} done", file=sys.stderr)

    names = list(dict.fromkeys(name for name, _ in results))
    base = {label: min(r["seconds"] for r in results[(BASELINE, label)]) for label in BOOKS}
    lines = ["| case | " + " | ".join(f"{label}: best s | × {BASELINE}" for label in BOOKS)
             + " | peak RSS MB (big) | values or relations |",
             "|---|" + "---:|---:|" * len(BOOKS) + "---:|---:|"]
    for name in names:
        runs = {label: results[(name, label)] for label in BOOKS}
        if any("skipped" in r[0] for r in runs.values()):
            lines.append(f"| {name} | " + " | ".join("–" for _ in range(2 * len(BOOKS) + 2))
                         + f" ({next(iter(runs.values()))[0]['skipped']}) |")
            continue
        cells = []
        for label in BOOKS:
            seconds = min(r["seconds"] for r in runs[label])
            cells += [f"{seconds:.4f}" if seconds < 0.1 else f"{seconds:.2f}",
                      f"{seconds / base[label]:.2f}"]
        big = runs[next(iter(BOOKS))]
        lines.append(f"| {name} | " + " | ".join(cells)
                     + f" | {min(r['rss_mb'] for r in big):.0f} | {big[0]['count']:,} |")
    table = "\n".join(lines)
    print(table)
    WORK.mkdir(exist_ok=True)
    (WORK / "results-xlsx.md").write_text(table + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
