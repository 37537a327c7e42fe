"""Test a plugin the way it will run: build a small project with it and look at the result.

For plugin authors (and relatierapport's own tests)::

    import acme_score
    from relatierapport.testing import build_project

    def test_score_lands_in_report_json(tmp_path):
        built = build_project(tmp_path, plugins=[acme_score])
        assert built.relation("K1")["acme_score"]["score"] == 50
        assert "ACME" in built.page("K1")

``build_project`` writes a real project (config.toml and CSV files) into a
folder, runs the real build with the built-in plugins plus the ones given, and
returns the findings, report.json and the rendered pages. It is a plain
function, so it needs no pytest plugin: pass pytest's ``tmp_path``.
A plugin that fails raises the same ``PluginError`` the command line reports.
"""

from __future__ import annotations

import csv
import datetime as dt
import importlib.metadata
import io
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import tomli_w

from relatierapport.plugins import ENTRY_POINT_GROUP, load_local_module, local_plugin_name

__all__ = ["AS_OF", "BUSINESS", "EMPLOYEES", "RELATIONS", "TOUCHPOINTS", "BuiltProject",
           "build_project", "plugin_file", "plugin_name"]

#: The report date of the sample data: the sample's touchpoints lie before it.
AS_OF = dt.date(2026, 11, 1)

#: The sample data: rows as dicts, field names as in the model (docs/sources.md: Tables and columns).
RELATIONS: tuple[dict[str, Any], ...] = (
    {"id": "K1", "name": "Alfa Bouw", "kind": "organisation", "role": "client", "owner": "M1",
     "category": "A", "since": "2015-03-01", "city": "Utrecht"},
    {"id": "K2", "name": "Beta Zorg", "kind": "organisation", "role": "client", "owner": "M2",
     "category": "B", "since": "2020-06-15", "city": "Zwolle"},
    {"id": "C1", "name": "Carla de Jong", "kind": "person", "role": "candidate", "owner": "M1",
     "category": "C", "since": "2026-01-10", "city": "Delft"},
)
EMPLOYEES: tuple[dict[str, Any], ...] = (
    {"id": "M1", "name": "Mila Jansen", "team": "Techniek"},
    {"id": "M2", "name": "Sem Bakker", "team": "Zorg"},
)
TOUCHPOINTS: tuple[dict[str, Any], ...] = (
    {"relation": "K1", "date": "2026-09-15", "employee": "M1", "channel": "phone",
     "direction": "out", "kind": "check_in", "notes": "Quarterly meeting"},
    {"relation": "K2", "date": "2026-08-31", "employee": "M2", "channel": "visit",
     "direction": "in", "kind": "value_add", "signals": ["competitor", "rate_pressure"],
     "notes": "Mentioned a competitor"},
)
BUSINESS: tuple[dict[str, Any], ...] = (
    {"relation": "K1", "date": "2026-02-01", "amount": 12500.5, "hours": 40.5,
     "kind": "placement", "status": "won"},
)

Rows = Sequence[Mapping[str, Any]]


@dataclass
class BuiltProject:
    """What a build made: findings, report.json and the rendered HTML pages."""

    root: Path                     # the project folder (config.toml, data/)
    out_dir: Path                  # the output folder
    result: Any                    # build.BuildResult
    report: dict[str, Any]         # report.json, parsed
    pages: dict[str, str]          # rendered HTML by path: "index.html", "relations/k1.html"

    @property
    def findings(self) -> dict[str, Any]:
        """Every analysis' ``Findings`` by analysis name (``findings["cadence"].relations["K1"]``)."""
        return self.result.report.findings

    @property
    def warnings(self) -> list:
        return self.result.warnings

    def relation(self, relation_id: str) -> dict[str, Any]:
        """One relation's entry in report.json, findings of every analysis included."""
        for entry in self.report["relations"]:
            if entry["id"] == relation_id:
                return entry
        raise KeyError(f"no relation {relation_id!r} in report.json; it has "
                       f"{', '.join(e['id'] for e in self.report['relations'])}")

    def page(self, relation_id: str | None = None) -> str:
        """The HTML of a relation's plan, or of the portfolio page without an id."""
        from relatierapport.render.slugs import slugs_for

        if relation_id is None:
            return self.pages["index.html"]
        slug = slugs_for(list(self.result.report.portfolio.relations))[relation_id]
        return self.pages[f"relations/{slug}.html"]


def plugin_name(plugin: ModuleType | object) -> str:
    """The name a plugin gets: its entry point's name when a package declares the module,
    else the module's last name part (or the object's class name)."""
    module_name = getattr(plugin, "__name__", None)
    if isinstance(plugin, ModuleType):
        if local_plugin_name(module_name):
            return local_plugin_name(module_name)
        for entry_point in importlib.metadata.entry_points(group=ENTRY_POINT_GROUP):
            if entry_point.value == module_name:
                return entry_point.name
        return module_name.rsplit(".", 1)[-1]
    return module_name or type(plugin).__name__


def plugin_file(path: str | Path) -> ModuleType:
    """Import a local plugin (a project's ``plugins/NAME.py``) as relatierapport does, to pass
    to ``build_project``; its name is NAME and ``__file__`` is the real file."""
    path = Path(path).resolve()
    return load_local_module(path.stem, path)


def build_project(folder: Path, *, plugins: Sequence[object] | Mapping[str, object] = (),
                  relations: Rows | None = None, employees: Rows | None = None,
                  touchpoints: Rows | None = None, business: Rows | None = None,
                  surveys: Rows | None = None, events: Rows | None = None, goals: Rows | None = None,
                  config: Mapping[str, Any] | None = None, sources: Rows = (),
                  files: Mapping[str, str | bytes] | None = None,
                  as_of: dt.date | str = AS_OF, formats: Sequence[str] = ("html",),
                  strict: bool = True, installed: bool = False,
                  disable: Sequence[str] = ()) -> BuiltProject:
    """Write a small project into ``folder`` and build it with ``plugins``.

    - ``plugins``: modules or objects with ``@hookimpl`` functions (named by
      ``plugin_name``; a local plugin file: ``plugin_file(path)``), or a
      mapping name -> plugin. The built-ins always load;
      installed packages only with ``installed=True``, so a test sees only the
      plugins it names.
    - ``relations``, ``employees``, ``touchpoints``, ``business``: rows as dicts
      with model field names (lists become ``a|b``, dates ISO text); None gives
      the sample rows above, an empty list leaves the table out. ``surveys``,
      ``events`` and ``goals`` are left out unless given.
    - ``config``: merged into config.toml (e.g. ``{"plugins": {"acme": {"weight": 2}},
      "project": {"language": "en"}}``); ``sources``: extra ``[[sources]]`` tables;
      ``files``: more files by relative path (data for a source, ``templates/`` overrides).
    - ``strict`` (default on): warnings fail the build, so an unknown option in
      ``config`` or a doubtful row is not missed.
    """
    folder = Path(folder)
    if (folder / "config.toml").exists():
        raise FileExistsError(f"{folder} already holds a project; give each build its own folder "
                              "(e.g. tmp_path / 'nl')")
    tables = {"employees": EMPLOYEES if employees is None else employees,
              "relations": RELATIONS if relations is None else relations,
              "touchpoints": TOUCHPOINTS if touchpoints is None else touchpoints,
              "business": BUSINESS if business is None else business,
              "surveys": surveys or (), "events": events or (), "goals": goals or ()}
    source_tables = []
    for table, rows in tables.items():
        if rows:
            path = f"data/{table}.csv"
            _write(folder / path, _csv(rows))
            source_tables.append({"type": "csv", "path": path, "table": table, "delimiter": ",",
                                  "decimal": ".", "date_format": ["yyyy-mm-dd"]})
    document = _merge({"project": {"name": "Testbureau"}}, dict(config or {}))
    document["sources"] = source_tables + [dict(source) for source in sources]
    _write(folder / "config.toml", tomli_w.dumps(document))
    for relative, content in (files or {}).items():
        _write(folder / relative, content)

    from relatierapport.build import BuildOptions, build

    given = dict(plugins) if isinstance(plugins, Mapping) else {plugin_name(p): p for p in plugins}
    out_dir = folder / "site"
    result = build(BuildOptions(folder / "config.toml", out=out_dir, formats=tuple(formats),
                                as_of=dt.date.fromisoformat(as_of) if isinstance(as_of, str) else as_of,
                                strict=strict, jobs=1, disable=tuple(disable), extra_plugins=given,
                                installed=installed))
    report = json.loads((out_dir / "report.json").read_text(encoding="utf-8"))
    pages = {path: (out_dir / path).read_text(encoding="utf-8")
             for path in result.files if path.endswith(".html")}
    return BuiltProject(folder, out_dir, result, report, pages)


def _csv(rows: Rows) -> str:
    header: dict[str, None] = {}
    for row in rows:
        header.update(dict.fromkeys(row))
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([_cell(row.get(name)) for name in header])
    return buffer.getvalue()


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple, set, frozenset)):
        return "|".join(str(item) for item in value)
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return str(value)


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(base.get(key), dict):
            base[key] = _merge(dict(base[key]), value)
        else:
            base[key] = value
    return base


def _write(path: Path, content: str | bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
