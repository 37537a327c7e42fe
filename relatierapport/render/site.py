"""The Jinja2 environment and the pages of the site.

Templates are looked up in the project's ``templates/`` first, then in plugin
folders, then in the built-ins; ``builtin/<name>`` always reaches the built-in
original so an override can extend it and change one block. Autoescaping is on
for every template whatever its suffix, and an undefined name is an error with
the template and line. Templates show findings; they never compute.

Every template renders in Jinja2's immutable sandbox (``relatierapport.render.sandbox``): a
template that reaches for Python internals, modules or files, or changes the data it is
given, stops the build with its file and line.
"""

from __future__ import annotations

import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Iterator

import jinja2
from jinja2.exceptions import SecurityError
from markupsafe import Markup

from relatierapport import __version__
from relatierapport.hooktypes import Page
from relatierapport.paths import Refusals, Roots, confine_loader, copy_tree, first_file
from relatierapport.render.i18n import install_translations, translations
from relatierapport.render.sandbox import WHAT_TEMPLATES_MAY_DO, TemplateEnvironment
from relatierapport.render.slugs import slugs_for
from relatierapport.render.template_cache import project_template_cache
from relatierapport.render.table_box import boxed_tables

if TYPE_CHECKING:  # pragma: no cover
    from relatierapport.hooktypes import Report
    from relatierapport.plugins import Plugins

BUILTIN_TEMPLATES = Path(__file__).parent / "templates"
STYLESHEET = "assets/report.css"


def template_dirs(project_root: Path, plugins: "Plugins") -> list[Path]:
    """The lookup chain, most specific first."""
    project = project_root / "templates"
    return [d for d in [project, *plugins.template_dirs()] if d.is_dir()] + [BUILTIN_TEMPLATES]


def make_environment(report: "Report", plugins: "Plugins") -> jinja2.Environment:
    dirs = template_dirs(report.config.root, plugins)
    loader = jinja2.ChoiceLoader([
        jinja2.PrefixLoader({"builtin": jinja2.FileSystemLoader(BUILTIN_TEMPLATES)}),
        jinja2.FileSystemLoader([str(d) for d in dirs]),
    ])
    # auto_reload off: one build renders every template thousands of times and none changes
    # meanwhile (``serve`` makes a new environment per build); on, each include stats its file
    env = TemplateEnvironment(loader=loader, autoescape=True, undefined=jinja2.StrictUndefined,
                              extensions=["jinja2.ext.i18n"], trim_blocks=True, lstrip_blocks=True,
                              auto_reload=False)
    install_translations(env, report.config.language)
    env.filters["boxed_tables"] = boxed_tables
    plugins.prepare_jinja_env(env, report.config)
    if env.bytecode_cache is None:      # a plugin's own cache (the preview's, in memory) stays
        env.bytecode_cache = project_template_cache(report.config.root, env)
    return env


def css_string(text: str) -> str:
    """``text`` as a quoted CSS string that is also safe inside an HTML <style> element."""
    return '"' + "".join(c if c.isalnum() or c in " .,:;-_·/()" else f"\\{ord(c):x} "
                         for c in text) + '"'


def page_counter(gettext) -> Markup:
    """CSS ``content`` for "pagina 3 van 12" / "page 3 of 12", made from one translatable
    text, so the word order is the translation's."""
    parts = []
    for piece in re.split(r"(%\(pages?\)s)", gettext("page %(page)s of %(pages)s")):
        if piece in ("%(page)s", "%(pages)s"):
            parts.append(f"counter({piece[2:-2]})")
        elif piece:
            parts.append(css_string(piece))
    return Markup(" ".join(parts))


def find_asset(dirs: list[Path], name: str, roots: Roots | None = None,
               refused=lambda problem: None) -> Path:
    """The first template folder that has ``name`` (so a project can override our CSS); with
    ``roots``, a file that is a link leading outside them is refused and the search goes on."""
    if roots is None:
        roots = Roots(BUILTIN_TEMPLATES, dirs)
    return first_file(dirs, name, roots, refused, "stylesheet" if name.endswith(".css") else "file")


@dataclass
class Site:
    """Everything needed to render the pages of one build."""

    report: "Report"
    plugins: "Plugins"

    def __post_init__(self) -> None:
        self.env = make_environment(self.report, self.plugins)
        self.dirs = template_dirs(self.report.config.root, self.plugins)
        # what templates, assets and the PDFs may read: the project, our templates and the
        # template folders plugins declare; whatever leads elsewhere is refused (relatierapport.paths)
        self.roots = Roots(self.report.config.root, [BUILTIN_TEMPLATES, *self.plugins.template_dirs()])
        self.refusals = Refusals()
        self.env.loader = confine_loader(self.env.loader, [*self.dirs, BUILTIN_TEMPLATES], self.roots,
                                         self.refusals.add)
        self.slugs = slugs_for(list(self.report.portfolio.relations))
        self.page_counter = page_counter(translations(self.report.config.language).gettext)

    # -- assets -------------------------------------------------------------------
    def copy_assets(self, out_dir: Path) -> list[str]:
        """Copy every template folder's assets/, more specific folders winning; a file or folder
        that is a link leading outside the project is refused, not copied."""
        written = set()
        for folder in reversed(self.dirs):
            assets = folder / "assets"
            if assets.is_dir():
                copy_tree(assets, out_dir / "assets", self.roots, self.refusals.add,
                          "not copied into assets/")
                written |= {str(p.relative_to(out_dir)) for p in (out_dir / "assets").rglob("*")
                            if p.is_file()}
        return sorted(written)

    def stylesheet(self) -> Path:
        return find_asset(self.dirs, STYLESHEET, self.roots, self.refusals.add)

    # -- pages --------------------------------------------------------------------
    def relation_path(self, relation_id: str) -> str:
        return f"relations/{self.slugs[relation_id]}"

    def pages(self) -> Iterator[Page]:
        """The portfolio page, then one plan per relation, each rendered on demand."""
        report = self.report
        yield Page("index", "portfolio", report.config.project["name"],
                   lambda medium: self._render("portfolio.html", "portfolio", None, "", medium))
        for relation in report.portfolio.relations.values():
            yield Page(self.relation_path(relation.id), "relation", relation.name,
                       lambda medium, r=relation: self._render("relation.html", "relation", r,
                                                               "../", medium),
                       relation=relation.id)

    def page_count(self) -> int:
        return 1 + len(self.report.portfolio.relations)

    def _render(self, template: str, kind: str, relation, root: str, medium: str) -> str:
        report = self.report
        sections = self.plugins.report_sections(kind, relation, report, report.config)
        ext = ".pdf" if medium == "pdf" else ".html"
        context = {
            "report": report, "project": report.config.project, "as_of": report.as_of,
            "language": report.config.language, "generator": f"relatierapport {__version__}",
            "kind": kind, "relation": relation, "sections": sections, "medium": medium,
            "root": root, "ext": ext,
            "link": lambda relation_id: f"{root}{self.relation_path(relation_id)}{ext}",
            "portfolio_link": f"{root}{'portfolio.pdf' if medium == 'pdf' else 'index.html'}",
            "page_counter": self.page_counter,
        }
        from relatierapport.errors import RelatierapportError
        page = f"relation {relation.id!r}" if relation else "the portfolio"
        try:
            return self.env.get_template(template).render(context)
        except SecurityError as exc:
            raise RelatierapportError(f"{self._template_location(exc)}: the template tried something "
                                      f"a template may not do while rendering {page}: {exc} "
                                      f"({WHAT_TEMPLATES_MAY_DO})") from exc
        except jinja2.TemplateError as exc:
            raise RelatierapportError(f"{self._template_location(exc)}: template error while "
                                      f"rendering {page}: {type(exc).__name__}: {exc}") from exc
        except RelatierapportError:
            raise
        except Exception as exc:   # e.g. a plugin's filter: name the template and the code that raised
            from relatierapport.plugins import describe_failure
            raise RelatierapportError(f"{self._template_location(exc)}: error while rendering "
                                      f"{page}: {describe_failure(exc)}") from exc

    def _template_location(self, exc: Exception) -> str:
        """file:line of the template where rendering failed (Jinja2 keeps it in the traceback)."""
        if getattr(exc, "filename", None) and getattr(exc, "lineno", None):
            filename, line = exc.filename, exc.lineno       # a syntax error
        else:
            frames = [f for f in traceback.extract_tb(exc.__traceback__)
                      if f.filename.endswith((".html", ".htm", ".j2", ".jinja"))]
            if not frames:
                return "template"
            filename, line = frames[-1].filename, frames[-1].lineno
        path = Path(filename)
        for base in (self.report.config.root, BUILTIN_TEMPLATES.parent):
            if path.is_relative_to(base):
                path = path.relative_to(base)
                break
        return f"{path}:{line}"
