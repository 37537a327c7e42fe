"""Findings kept between builds: an analysis whose inputs did not change is not run again.

An analysis may say what its findings are made from (``Analysis.inputs``). A rebuild whose
inputs, whose analysis code (the module that defines ``run``, or every module of its package)
and whose relatierapport (its version and the source of every module of the package) are the
previous build's takes the findings that build kept in its output folder
(``.relatierapport/findings/``) instead of running the analysis. What
this is for: the clv fit, scipy's import and two maximum-likelihood fits, is a third of a
rebuild of the example that changes nothing.

Kept as data, never as code: the portfolio part and the warnings as JSON, per-relation
findings as JSON (a dict) or Arrow IPC (a table). Findings that would not come back equal
from JSON (a date, a tuple, NaN) are not kept; that analysis then simply runs next time.
Like the PDFs' manifest (``render.reuse``), the kept findings are read only from the output
folder the build writes to, never through a link, and never with ``--clean``.
"""

from __future__ import annotations

import functools
import io
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import orjson

from relatierapport import __version__
from relatierapport.errors import Problem
from relatierapport.hooktypes import Analysis, Findings
from relatierapport.render.reuse import CACHE_FOLDER, digest, file_digest, tree_digest

FOLDER = "findings"
_SAFE_NAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]*")


def code_digest(run) -> str | None:
    """The source of the code that runs the analysis: the module that defines ``run``, or every
    module under its folder when that folder is a package. None when it cannot be told (code
    not from a file): such an analysis always runs."""
    module = sys.modules.get(getattr(run, "__module__", "") or "")
    filename = getattr(module, "__file__", None)
    if not filename:
        return None
    path = Path(filename)
    files = (sorted(path.parent.rglob("*.py")) if (path.parent / "__init__.py").is_file()
             else [path])
    parts: list[str] = []
    for file in files:
        parts += [file.relative_to(path.parent).as_posix(), file_digest(file)]
    return digest(*parts)


@functools.cache
def package_digest() -> str:
    """The source of every module of relatierapport, read once a process. Its version
    alone stays the same while the code is edited (an editable install, a checkout), and an
    analysis runs code of the package outside its own module (dates, business facts). ~20 ms."""
    return tree_digest(Path(__file__).parent, "*.py")


@dataclass
class _Kept:
    key: str
    findings: Findings


class FindingsMemo:
    """The findings the previous build kept (``previous``: its output folder, None for a first or
    a ``--clean`` build), and those of this build to keep for the next."""

    def __init__(self, previous: Path | None):
        self.previous = previous
        self.kept: dict[str, _Kept] = {}
        self.reused: list[str] = []

    def run(self, analysis: Analysis, portfolio, config, given: dict[str, Findings]) -> Findings:
        """The analysis's findings: the previous build's when made from the same inputs, else
        the analysis run."""
        key = self._key(analysis, portfolio, config, given)
        if key is None:
            return analysis.run(portfolio, config, given)
        found = self._load(analysis.name, key)
        if found is not None:
            self.reused.append(analysis.name)
        else:
            found = analysis.run(portfolio, config, given)
        self.kept[analysis.name] = _Kept(key, found)
        return found

    def save(self, staging: Path) -> None:
        """Keep this build's findings in the staging folder, for the next build."""
        for name, kept in sorted(self.kept.items()):
            record = _as_record(kept.findings)
            if record is None:
                continue
            folder = staging / CACHE_FOLDER / FOLDER
            folder.mkdir(parents=True, exist_ok=True)
            table = record.pop("table", None)
            if table is not None:
                (folder / f"{name}.arrow").write_bytes(_canonical_ipc(table))
                record["table"] = f"{name}.arrow"
            (folder / f"{name}.json").write_bytes(orjson.dumps({"key": kept.key, **record}))

    # -- internals ------------------------------------------------------------------------
    def _key(self, analysis: Analysis, portfolio, config, given) -> str | None:
        if (analysis.inputs is None or analysis.collects      # collected: not in its inputs
                or not _SAFE_NAME.fullmatch(analysis.name)):
            return None
        code = code_digest(analysis.run)
        if code is None:
            return None
        parts = analysis.inputs(portfolio, config, given)
        return digest(__version__, package_digest(), analysis.name, code, *parts)

    def _load(self, name: str, key: str) -> Findings | None:
        folder = self._folder()
        if folder is None:
            return None
        path = folder / f"{name}.json"
        try:
            if not path.is_file() or path.is_symlink():
                return None
            record = orjson.loads(path.read_bytes())
            if not isinstance(record, dict) or record.get("key") != key:
                return None
            relations: Any = record.get("relations") or {}
            if record.get("table"):
                import polars as pl

                table = folder / f"{name}.arrow"
                if record["table"] != table.name or not table.is_file() or table.is_symlink():
                    return None
                relations = pl.read_ipc(io.BytesIO(table.read_bytes()))   # not mapped: replaced
            return Findings(relations=relations, portfolio=record.get("portfolio") or {},
                            warnings=[Problem(**w) for w in record.get("warnings", [])])
        except (OSError, ValueError, TypeError, orjson.JSONDecodeError):
            return None     # unreadable: the analysis runs

    def _folder(self) -> Path | None:
        """The previous output's findings folder, when neither it nor its parent is a link."""
        if self.previous is None:
            return None
        cache = self.previous / CACHE_FOLDER
        folder = cache / FOLDER
        if cache.is_symlink() or folder.is_symlink() or not folder.is_dir():
            return None
        return folder


def _as_record(findings: Findings) -> dict | None:
    """The findings as JSON-able data (a table kept as its frame), or None when they would not
    come back equal."""
    from relatierapport.relation_table import RelationTable

    record: dict[str, Any] = {"portfolio": findings.portfolio,
                              "warnings": [w.as_json() for w in findings.warnings]}
    if isinstance(findings.relations, RelationTable):
        record["table"] = findings.relations.frame
        record["relations"] = None
    else:
        record["relations"] = dict(findings.relations)
    data = {k: v for k, v in record.items() if k != "table"}
    try:
        back = orjson.loads(orjson.dumps(data))
    except (TypeError, orjson.JSONEncodeError):
        return None
    return record if _same(data, back) else None


def _canonical_ipc(frame) -> bytes:
    """The frame's Arrow IPC bytes as written from a frame read back: a frame made by an
    analysis (all-null columns, say) can be written in other bytes than the same frame read from
    a file, and a rebuild that reuses findings must write what a clean build writes."""
    import polars as pl

    def written(table) -> bytes:
        buffer = io.BytesIO()
        table.write_ipc(buffer, compression="uncompressed")
        return buffer.getvalue()

    return written(pl.read_ipc(io.BytesIO(written(frame))))


def _same(a, b) -> bool:
    """Equal and of the same types all the way down (1 and 1.0 are not the same here)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, list):
        return len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b))
    return a == b
