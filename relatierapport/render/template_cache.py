"""Compiled templates kept between builds, in the project's own cache folder.

Compiling the templates (Jinja2 parses each one and writes Python for it) costs about half a
second of every build, a quarter of a rebuild of the example that changes nothing. Jinja2's
bytecode cache keeps each template's compiled code, keyed by its name, its file and a digest
of its source, so an edited template is compiled again.

It lives in ``<project>/.relatierapport-cache/templates/``, never in the output folder. Compiled
code is code, and loading it runs it. The project folder already holds code every build runs
(``plugins/``), so whoever can write this cache could already run code there. The output folder
may be published, shared or restored from a CI cache, and is trusted with data only (the PDFs'
manifest, kept findings). The cache folder has a ``.gitignore``, so it is never committed, and a
``CACHEDIR.TAG``, so backups skip it. Each relatierapport version, Jinja2 version and template
environment (its class, extensions, filters, tests and syntax) gets a folder of its own; only the
``KEEP`` most recently used stay, so upgrades and edits of an editable install do not pile up
folders. Files are never read through a link. A cache that cannot be read or written is
skipped: it only saves time.
"""

from __future__ import annotations

import os
import re
import shutil
import sys
from pathlib import Path

import jinja2
from jinja2.bccache import Bucket

from relatierapport import __version__
from relatierapport.render import i18n
from relatierapport.render.i18n import folding_key
from relatierapport.render.reuse import digest, file_digest, tree_digest

FOLDER = ".relatierapport-cache"
IGNORE_ALL = "# made by relatierapport: a cache, never committed\n*\n"
CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                "# made by relatierapport: compiled templates, made again when missing\n")
#: Environments whose compiled templates are kept: the most recently used. A project built in
#: two languages, or by two versions side by side, uses two; each costs ~0.5 MB for the example.
KEEP = 4
#: An environment's folder is named by the first hex digits of its digest; pruning removes only
#: folders named so.
NAME_LENGTH = 16
_ENVIRONMENT_FOLDER = re.compile(f"[0-9a-f]{{{NAME_LENGTH}}}")


def environment_fingerprint(env: jinja2.Environment) -> tuple:
    """Everything of the environment that changes the code a template compiles to: its class,
    extensions, syntax options, filters and tests, and the report language (fixed texts are
    translated when a template is compiled, ``i18n.fold_constant_texts``)."""
    autoescape = env.autoescape
    return (type(env).__module__, type(env).__qualname__, tuple(sorted(env.extensions)),
            env.block_start_string, env.block_end_string, env.variable_start_string,
            env.variable_end_string, env.comment_start_string, env.comment_end_string,
            env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
            env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline, env.optimized,
            env.is_async, autoescape if isinstance(autoescape, bool) else repr(autoescape),
            repr(env.finalize), tuple(sorted(env.filters)), tuple(sorted(env.tests)),
            folding_key(env))


def environment_digest(env: jinja2.Environment) -> str:
    """The fingerprint, the versions, and the code that compiles: the environment's class and
    its extensions (a plugin's among them), the translating of fixed texts and its catalogs,
    so that an edit to any of them, in a release or not, gets a cache of its own."""
    modules = {type(env).__module__, i18n.__name__,
               *(type(extension).__module__ for extension in env.extensions.values())}
    code = [file_digest(Path(sys.modules[name].__file__)) for name in sorted(modules)
            if getattr(sys.modules.get(name), "__file__", None)]
    return digest(__version__, jinja2.__version__, repr(environment_fingerprint(env)), *code,
                  tree_digest(i18n.LOCALE_DIR, "*.po"))


class ProjectTemplateCache(jinja2.FileSystemBytecodeCache):
    """Jinja2's file cache, reading no link and giving up quietly on any failure."""

    def __init__(self, root: Path, directory: Path):
        super().__init__(str(directory), "%s.cache")
        self.root = root
        self.usable = not any(folder.is_symlink() for folder in (directory, *directory.parents)
                              if folder.is_relative_to(root) and folder != root)
        if self.usable and directory.is_dir():
            try:
                os.utime(directory)     # used now: what decides which folders stay
            except OSError:
                pass

    def load_bytecode(self, bucket: Bucket) -> None:
        if not self.usable:
            return
        try:
            handle = os.open(self._get_cache_filename(bucket), os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:
            return
        with os.fdopen(handle, "rb") as file:
            try:
                bucket.load_bytecode(file)
            except Exception:       # noqa: BLE001 - cut short or from elsewhere: compile anew
                bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        if not self.usable:
            return
        try:
            self._make_folder()
            super().dump_bytecode(bucket)
        except OSError:
            self.usable = False     # a read-only project: the build goes on without the cache

    def _make_folder(self) -> None:
        directory = Path(self.directory)
        if directory.is_dir():
            return
        top = self.root / FOLDER
        top.mkdir(exist_ok=True)
        for name, text in ((".gitignore", IGNORE_ALL), ("CACHEDIR.TAG", CACHEDIR_TAG)):
            if not (top / name).exists():
                (top / name).write_text(text, encoding="utf-8")
        directory.mkdir(parents=True, exist_ok=True)
        prune(directory.parent, KEEP)


def prune(folder: Path, keep: int) -> None:
    """Remove all but the ``keep`` most recently used environment folders in ``folder``: only
    folders this module names (``NAME_LENGTH`` hex digits), never a link or what it leads to."""
    try:
        found = [entry for entry in os.scandir(folder) if _ENVIRONMENT_FOLDER.fullmatch(entry.name)
                 and entry.is_dir(follow_symlinks=False)]
        found.sort(key=lambda entry: entry.stat(follow_symlinks=False).st_mtime_ns, reverse=True)
    except OSError:
        return
    for entry in found[keep:]:
        shutil.rmtree(entry.path, ignore_errors=True)


def project_template_cache(project_root: Path, env: jinja2.Environment) -> ProjectTemplateCache:
    """The cache of ``env``'s compiled templates inside the project."""
    root = project_root.resolve()
    return ProjectTemplateCache(root, root / FOLDER / "templates" / environment_digest(env)[:NAME_LENGTH])
