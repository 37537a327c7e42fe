"""``build --summary FILE``: what a build did, as JSON for CI, written whether it succeeded or not.

Counts, warnings and the files written on success; the exit code and the
problems on failure. No timings or paths of temporary folders, so the same
build gives the same file (a CI job can diff or commit it with the reports).
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson

from relatierapport import __version__


def succeeded(result) -> dict:
    files = result.files
    return {
        "status": "ok", "exit_code": 0, "generator": f"relatierapport {__version__}",
        "as_of": result.report.as_of.isoformat(), "output": str(result.out_dir),
        "formats": result.formats,
        "counts": {
            "relations": len(result.report.portfolio.relations),
            "pages": sum(1 for f in files if f.endswith((".html", ".pdf")) and not f.startswith("assets/")),
            "pdf": sum(1 for f in files if f.endswith(".pdf")),
            "calendars": sum(1 for f in files if f.endswith(".ics")),
            "files": len(files),
            "warnings": len(result.warnings),
        },
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
