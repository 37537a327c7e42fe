"""Where a build may read: inside the allowed folders, with every symbolic link followed.

Relation data is personal data, and a project's templates are often someone else's
work. So every path a build reads or copies (templates, assets, stylesheets, files a
PDF embeds) is resolved first (links followed, ``..`` removed) and must lie inside one
of the allowed folders: the project, the output folder, relatierapport's own templates
and the template folders plugins declare. Anything else is refused, with a message that
says which file and what was expected, and nothing is read.
"""

from __future__ import annotations

import os
import posixpath
import shutil
from pathlib import Path
from typing import Callable, Iterable

import jinja2
from jinja2.loaders import split_template_path

from relatierapport.errors import Problem


def inside(path: str | os.PathLike, roots: Iterable[str | os.PathLike]) -> bool:
    """Whether ``path``, resolved (links followed), lies inside one of ``roots`` (resolved)."""
    try:
        target = Path(path).resolve()
    except (OSError, RuntimeError, ValueError):      # a link loop, a NUL byte
        return False
    return any(target.is_relative_to(Path(root).resolve()) for root in roots)


class Roots:
    """The allowed folders of one build, and how to name a path for the user.

    ``project`` is the project folder: paths inside it are shown relative to it
    (``templates/assets/logo.png``), others in full.
    """

    def __init__(self, project: Path, roots: Iterable[str | os.PathLike]):
        self.project = Path(project).resolve()
        self.roots = tuple(dict.fromkeys(Path(root).resolve() for root in (self.project, *roots)))

    def __contains__(self, path: str | os.PathLike) -> bool:
        return inside(path, self.roots)

    def with_(self, *more: str | os.PathLike) -> "Roots":
        return Roots(self.project, (*self.roots, *more))

    def show(self, path: str | os.PathLike) -> str:
        """``path`` as the user knows it: relative to the project when it lies there."""
        absolute = Path(os.path.abspath(path))
        return absolute.relative_to(self.project).as_posix() if absolute.is_relative_to(self.project) \
            else str(absolute)

    def target(self, path: str | os.PathLike) -> str:
        """Where ``path`` really leads (links followed), for the message."""
        try:
            return str(Path(path).resolve())
        except (OSError, RuntimeError, ValueError):
            return "a link that leads nowhere (a loop)"

    def refusal(self, path: str | os.PathLike, what: str, consequence: str) -> Problem:
        """The located warning for a ``what`` ("file", "template") that leads outside."""
        return Problem(self.show(path), f"expected a {what} inside the project, found a link to "
                       f"{self.target(path)}, outside the project and the template folders: "
                       f"{consequence}")


class Refusals:
    """The refusals of one build, each once, in the order they happened."""

    def __init__(self) -> None:
        self._seen: dict[Problem, None] = {}
        self._taken = 0

    def add(self, problem: Problem) -> None:
        self._seen.setdefault(problem)

    def __iter__(self):
        return iter(list(self._seen))

    def take_new(self) -> list[Problem]:
        """The refusals not taken before (so a build reports each once, whichever output found it)."""
        problems = list(self._seen)
        new, self._taken = problems[self._taken:], len(problems)
        return new


def copy_tree(source: Path, target: Path, roots: Roots, refused: Callable[[Problem], None],
              consequence: str = "not copied") -> list[Path]:
    """Copy the files under ``source`` into ``target`` (merging, later copies winning), except
    those that lead outside ``roots``: each of those is refused and not read. Returns the
    files written."""
    written: list[Path] = []
    seen: set[Path] = set()

    def walk(folder: Path, into: Path) -> None:
        if folder not in roots:
            refused(roots.refusal(folder, "folder", consequence))
            return
        real = folder.resolve()
        if real in seen:                    # a link back up: a loop
            return
        seen.add(real)
        for entry in sorted(os.scandir(folder), key=lambda e: e.name):
            path = Path(entry.path)
            if entry.is_dir():
                walk(path, into / entry.name)
            elif path not in roots:
                refused(roots.refusal(path, "file", consequence))
            elif path.is_file():
                into.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path.resolve(), into / entry.name)
                written.append(into / entry.name)
            # anything else (a FIFO, a socket, a dangling link) is nothing to copy

    walk(source, target)
    return written


def first_file(folders: Iterable[Path], name: str, roots: Roots, refused: Callable[[Problem], None],
               what: str = "file") -> Path:
    """The first of ``folders`` that has the file ``name`` inside ``roots``; a match that leads
    outside is refused and the search goes on."""
    for folder in folders:
        path = folder / name
        if not path.is_file():
            continue
        if path in roots:
            return path
        refused(roots.refusal(path, what, "not used"))
    raise FileNotFoundError(name)


class ConfinedLoader(jinja2.FileSystemLoader):
    """A FileSystemLoader that reads a template only when it resolves inside ``roots``.

    A template file that is a link leading outside is refused (not read) and the search
    goes on in the next folder, as if it were not there; Jinja2 itself already keeps
    template names such as ``../x`` or ``/etc/passwd`` inside the folders.
    """

    def __init__(self, searchpath, roots: Roots, refused: Callable[[Problem], None],
                 encoding: str = "utf-8"):
        super().__init__(searchpath, encoding=encoding)
        self.roots, self.refused = roots, refused

    def get_source(self, environment, template):
        pieces = split_template_path(template)
        for searchpath in self.searchpath:
            filename = posixpath.join(searchpath, *pieces)
            if not os.path.isfile(filename):
                continue
            if filename not in self.roots:
                self.refused(self.roots.refusal(filename, "template", "not used"))
                continue
            real = Path(filename).resolve()
            contents = real.read_text(encoding=self.encoding)
            mtime = os.path.getmtime(real)

            def uptodate(real=real, mtime=mtime) -> bool:
                try:
                    return os.path.getmtime(real) == mtime
                except OSError:
                    return False

            return contents, os.path.normpath(filename), uptodate
        raise jinja2.TemplateNotFound(template, f"{template!r} not found in the template folders "
                                      f"(or only as a link outside the project): "
                                      f"{', '.join(map(repr, self.searchpath))}")

    def list_templates(self) -> list[str]:
        return [name for name in super().list_templates()
                if any(os.path.join(folder, *name.split("/")) in self.roots
                       for folder in self.searchpath
                       if os.path.isfile(os.path.join(folder, *name.split("/"))))]


def confine_loader(loader, folders: Iterable[str | os.PathLike], roots: Roots,
                   refused: Callable[[Problem], None]):
    """``loader`` with each of its FileSystemLoaders over ``folders`` (the template folders of
    the build) made a ConfinedLoader: inside Choice- and PrefixLoaders too, so whatever an
    environment's loader chain looks like, every template file it reads is checked. Loaders
    a plugin made for folders of its own are left as they are (plugins are code, trusted)."""
    ours = {os.path.abspath(folder) for folder in folders}
    if isinstance(loader, jinja2.FileSystemLoader) and not isinstance(loader, ConfinedLoader) \
            and {os.path.abspath(path) for path in loader.searchpath} <= ours:
        return ConfinedLoader(loader.searchpath, roots, refused, loader.encoding)
    if isinstance(loader, jinja2.ChoiceLoader):
        loader.loaders = [confine_loader(inner, ours, roots, refused) for inner in loader.loaders]
    elif isinstance(loader, jinja2.PrefixLoader):
        loader.mapping = {prefix: confine_loader(inner, ours, roots, refused)
                          for prefix, inner in loader.mapping.items()}
    return loader
