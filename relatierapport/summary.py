"""What a build did: the line it ends with, and ``build --summary FILE`` as JSON for CI, written
whether it succeeded or not.

Counts, warnings and the files written on success; the exit code and the
problems on failure. No timings or paths of temporary folders, so the same
build gives the same file (a CI job can diff or commit it with the reports).
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson

from relatierapport import __version__


def written(result) -> dict:
    """What a build wrote, files and printed pages apart: ``pages`` are HTML and PDF files (the
    report's pages as files), ``printed_pages`` the pages of all PDFs together (None when no PDF
    was made); ``carried_over`` the files carried over unchanged from the previous build."""
    files = [f for f in result.files if not f.startswith("assets/")]
    return {
        "pages": sum(1 for f in files if f.endswith((".html", ".pdf"))),
        "html": sum(1 for f in files if f.endswith(".html")),
        "pdf": sum(1 for f in files if f.endswith(".pdf")),
        "printed_pages": result.printed_pages,
        "calendars": sum(1 for f in files if f.endswith(".ics")),
        "files": len(result.files),
        "carried_over": result.carried_over,
    }


def line(result, seconds: float) -> str:
    """The one line a build ends with: "built 111 relations into site in 35.0 s: 112 HTML
    pages, 112 PDFs (486 printed pages), 8 calendars, report.json; 0 warning(s)"."""
    counts = written(result)
    parts = []
    if counts["html"]:
        parts.append(f"{counts['html']} HTML pages")
    if counts["pdf"]:
        unchanged = f", {counts['carried_over']} unchanged" if counts["carried_over"] else ""
        parts.append(f"{counts['pdf']} PDFs ({counts['printed_pages']} printed pages{unchanged})")
    if counts["calendars"]:
        parts.append(f"{counts['calendars']} calendars")
    if "report.json" in result.files:
        parts.append("report.json")
    notices = f", {len(result.notices)} notice(s) about this machine" if result.notices else ""
    return (f"built {len(result.report.portfolio.relations)} relations into {result.out_dir} in "
            f"{seconds:.1f} s: {', '.join(parts) or 'nothing'}; {len(result.warnings)} warning(s){notices}")


def succeeded(result) -> dict:
    files = result.files
    return {
        "status": "ok", "exit_code": 0, "generator": f"relatierapport {__version__}",
        "as_of": result.report.as_of.isoformat(), "output": str(result.out_dir),
        "formats": result.formats,
        "counts": {"relations": len(result.report.portfolio.relations), **written(result),
                   "warnings": len(result.warnings)},
        "warnings": [warning.as_json() for warning in result.warnings],
        "notices": list(result.notices),        # about the machine, not the data
        "outputs": files,
    }


def failed(error) -> dict:
    problems = getattr(error, "problems", None)
    return {
        "status": "failed", "exit_code": error.exit_code, "generator": f"relatierapport {__version__}",
        "error": error.format_message(),
        "problems": [p.as_json() if hasattr(p, "as_json") else str(p) for p in problems or ()],
    }


def write(path: Path, summary: dict) -> None:
    """Write atomically: a CI step never reads half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(f".{path.name}.partial")
    partial.write_bytes(orjson.dumps(summary, option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE))
    os.replace(partial, path)
