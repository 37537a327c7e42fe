"""Peak memory per MB of input, for each source type (issue 16).

For every source (csv, xlsx, vcard, and the CRM exports hubspot, pipedrive, salesforce as
a weekly-export .zip, odoo as XML data) a file of about ``--mb`` MB of realistic relations
with unique ids is written once into ``benchmarks/work/memory/``. Each case reads its one
source as a build does (config validated, plugins loaded, ``build.read_sources``) in a
fresh process, and its peak RSS is that process's ``ru_maxrss`` (``os.wait4``, the figure
``getrusage(RUSAGE_CHILDREN)`` gives). The baseline, measured in the same run and the same
rounds, is the same source type reading a tiny file of 20 rows (interpreter, imports,
plugins): the memory the input costs is peak − baseline, and that divided by the input's
size in MB is the figure reported. For the .zip, "input" is the unpacked size (what the
reader decompresses), with the packed size alongside.

    python benchmarks/bench_memory.py                  # ~2 min on 2 cores, ~4 MB per source
    python benchmarks/bench_memory.py --mb 16 --repeat 1

Prints a markdown table (also written to ``benchmarks/work/results-memory.md``).
"""

from __future__ import annotations

import argparse
import io
import os
import resource
import subprocess
import sys
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
WORK = HERE / "work" / "memory"
CITIES = ["Utrecht", "Zwolle", "Delft", "Amersfoort", "Den Haag", "Groningen", "Breda", "Ede"]

READ = """
import sys, time
from pathlib import Path
from relatierapport.build import BuildOptions, configure, read_sources
start = time.perf_counter()
plugins, config = configure(BuildOptions(Path(sys.argv[1])))
[(_, data)] = read_sources(plugins, config)
tables = sum(frame.height for frame in data.tables.values())
print(len(data.relations) + tables, len(data.errors), f"{time.perf_counter() - start:.2f}")
"""


# -- inputs -----------------------------------------------------------------------------------------

def csv_rows(rows: int) -> str:
    lines = ["id;name;kind;role;owner;category;since;city;email;phone"]
    for i in range(rows):
        lines.append(f"K{i};Relatie {i} B.V.;organisatie;opdrachtgever;M1;{'ABC'[i % 3]};"
                     f"01-03-{2000 + i % 25};{CITIES[i % 8]};info{i}@relatie{i}.nl;030-{i % 10**7:07d}")
    return "\n".join(lines) + "\n"


def xlsx_book(rows: int) -> bytes:
    import openpyxl
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Relaties")
    sheet.append(["id", "name", "kind", "role", "owner", "category", "since", "city", "email", "phone"])
    for i in range(rows):
        sheet.append([f"K{i}", f"Relatie {i} B.V.", "organisatie", "opdrachtgever", "M1", "ABC"[i % 3],
                      f"{2000 + i % 25}-03-01", CITIES[i % 8], f"info{i}@relatie{i}.nl",
                      f"030-{i % 10**7:07d}"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def vcards(rows: int) -> str:
    return "".join(f"BEGIN:VCARD\r\nVERSION:3.0\r\nUID:urn:uuid:card-{i}\r\nFN:Persoon {i}\r\n"
                   f"N:Persoon;{i};;;\r\nORG:Relatie {i} B.V.\r\nEMAIL;TYPE=work:p{i}@relatie{i}.nl\r\n"
                   f"TEL;TYPE=work:+31 30 {i % 10**7:07d}\r\nADR;TYPE=work:;;Straat {i};{CITIES[i % 8]};;;NL\r\n"
                   "END:VCARD\r\n" for i in range(rows))


def hubspot(rows: int) -> str:
    lines = ['"Record ID","First Name","Last Name","Email","Phone Number","City","Create Date",'
             '"Lifecycle Stage","Job Title"']
    for i in range(rows):
        lines.append(f'"{100000 + i}","Eva{i}","Smit","eva{i}@relatie{i}.nl","+31 30 {i % 10**7:07d}",'
                     f'"{CITIES[i % 8]}","2024-01-{1 + i % 28:02d} 10:00","customer","Inkoper"')
    return "\n".join(lines) + "\n"


def pipedrive(rows: int) -> str:
    lines = ["Organization - ID;Organization - Name;Organization - Owner;Organization - Labels;"
             "Organization - Address"]
    for i in range(rows):
        lines.append(f"{i};Relatie {i} B.V.;Mila Jansen;Klant;Straat {i}, {CITIES[i % 8]}")
    return "\n".join(lines) + "\n"


def salesforce(rows: int) -> str:
    lines = ['"Id","Name","Type","BillingCity","OwnerId","CreatedDate","Industry","Phone"']
    for i in range(rows):
        lines.append(f'"001x{i:014d}","Relatie {i} B.V.","Customer","{CITIES[i % 8]}",'
                     f'"005x0000000fNSiAAM","2020-01-{1 + i % 28:02d}T10:00:00.000Z","Retail",'
                     f'"+31 30 {i % 10**7:07d}"')
    return "\n".join(lines) + "\n"


def odoo(rows: int) -> str:
    records = "".join(f'<record id="partner_{i}" model="res.partner"><field name="name">Relatie {i} B.V.'
                      f'</field><field name="is_company" eval="True"/><field name="city">{CITIES[i % 8]}'
                      f'</field><field name="email">info{i}@relatie{i}.nl</field>'
                      f'<field name="phone">+31 30 {i % 10**7:07d}</field></record>\n'
                      for i in range(rows))
    return f'<?xml version="1.0" encoding="utf-8"?>\n<odoo>\n<data>\n{records}</data>\n</odoo>\n'


#: case -> (source type, file name, writer(rows) -> text or bytes, bytes per row (about), table)
CASES = {
    "csv": ("csv", "relations.csv", csv_rows, 100, "relations"),
    "xlsx": ("xlsx", "relations.xlsx", xlsx_book, 35, "relations"),
    "vcard": ("vcard", "contacts.vcf", vcards, 250, None),
    "hubspot (csv)": ("hubspot", "contacts.csv", hubspot, 130, None),
    "pipedrive (csv)": ("pipedrive", "organizations.csv", pipedrive, 75, None),
    "salesforce (weekly .zip)": ("salesforce", "export.zip", salesforce, 130, None),
    "odoo (XML)": ("odoo", "res_partner.xml", odoo, 260, None),
}


def write_case(case: str, megabytes: float, tiny: bool) -> tuple[Path, float, float]:
    """The case's project (config.toml); returns (config, input MB, packed MB)."""
    kind, name, writer, per_row, table = CASES[case]
    rows = 20 if tiny else int(megabytes * 1e6 / per_row)
    folder = WORK / f"{kind}-{'tiny' if tiny else f'{megabytes:g}mb'}"
    path = folder / "data" / name
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        content = writer(rows)
        if name.endswith(".zip"):
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as export:
                export.writestr("Account.csv", content)
                export.writestr("Attachment.csv", '"Id","ParentId","Name"\n"00Px1","001x1","a.pdf"\n')
            content = out.getvalue()
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
        source = f'[[sources]]\ntype = "{kind}"\npath = "data/{name}"\n' + (
            f'table = "{table}"\n' if table else "")
        (folder / "config.toml").write_text(f'[project]\nname = "Geheugen"\n\n{source}', encoding="utf-8")
    packed = path.stat().st_size / 1e6
    unpacked = packed
    if name.endswith(".zip"):
        with zipfile.ZipFile(path) as export:
            unpacked = sum(info.file_size for info in export.infolist()) / 1e6
    return folder / "config.toml", unpacked, packed


def measure(config: Path) -> tuple[float, float, str]:
    """(peak RSS MB, wall s, what was read) of one fresh process reading the source."""
    env = {**os.environ, "PYTHONPATH": str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", "")}
    start = time.perf_counter()
    process = subprocess.Popen([sys.executable, "-c", READ, str(config)], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, env=env, text=True)
    out, err = process.communicate()
    wall = time.perf_counter() - start
    # the largest child this process reaped; main() runs each measurement in a process of its
    # own (--measure-one), so that is exactly this one
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if process.returncode:
        raise SystemExit(f"{config}: {err.strip().splitlines()[-1] if err.strip() else process.returncode}")
    return usage.ru_maxrss / 1024, wall, out.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--mb", type=float, default=4.0, help="input size per source (default 4)")
    parser.add_argument("--repeat", type=int, default=2, help="rounds; the lowest peak is kept")
    parser.add_argument("--cases", nargs="*", default=list(CASES))
    args = parser.parse_args()
    results: dict[str, dict] = {}
    for _ in range(args.repeat):
        for case in args.cases:
            for tiny in (True, False):
                config, unpacked, packed = write_case(case, args.mb, tiny)
                peak, wall, read = _fresh(config)
                kept = results.setdefault(case, {}).setdefault("tiny" if tiny else "full", None)
                if kept is None or peak < kept[0]:
                    results[case]["tiny" if tiny else "full"] = (peak, wall, read, unpacked, packed)
                print(f"{case} {'baseline' if tiny else f'{args.mb:g} MB'}: {peak:.0f} MB peak, "
                      f"{wall:.1f} s ({read})", file=sys.stderr)
    lines = ["| source | input MB | records read, errors | peak RSS MB | baseline MB | MB per MB of input | wall s |",
             "|---|---:|---|---:|---:|---:|---:|"]
    for case in args.cases:
        peak, wall, read, unpacked, packed = results[case]["full"]
        base = results[case]["tiny"][0]
        size = f"{unpacked:.1f}" + (f" ({packed:.2f} packed)" if packed != unpacked else "")
        records, errors, _ = read.split()
        lines.append(f"| {case} | {size} | {int(records):,}, {errors} | {peak:.0f} | {base:.0f} | "
                     f"{(peak - base) / unpacked:.1f} | {wall:.1f} |")
    table = "\n".join(lines)
    print(table)
    (WORK.parent / "results-memory.md").write_text(table + "\n", encoding="utf-8")


def _fresh(config: Path) -> tuple[float, float, str]:
    """``measure`` in a process of its own, so RUSAGE_CHILDREN holds exactly one child."""
    if os.environ.get("BENCH_MEMORY_CHILD"):
        return measure(config)
    out = subprocess.run([sys.executable, __file__, "--measure-one", str(config)], capture_output=True,
                         text=True, env={**os.environ, "BENCH_MEMORY_CHILD": "1"})
    if out.returncode:
        raise SystemExit(out.stderr)
    peak, wall, read = out.stdout.strip().split("\t")
    return float(peak), float(wall), read


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--measure-one":
        peak, wall, read = measure(Path(sys.argv[2]))
        print(f"{peak}\t{wall}\t{read}")
    else:
        main()
