"""The Jinja2 environment every template renders in: Jinja2's immutable sandbox, and no files.

Templates are taken from third parties and colleagues (a house style, a plugin package's
section), so they are treated as data, not code: unlike a local Python plugin, a template
cannot run code of its choosing. Every template the build renders (the built-ins, the
project's ``templates/``, plugin packages' templates, the mail's subject and body) renders
in :class:`TemplateEnvironment`, a :class:`jinja2.sandbox.ImmutableSandboxedEnvironment`
that also keeps templates away from the file system:

- what Jinja2's sandbox refuses: attributes starting with ``_`` (``__class__``,
  ``__globals__``, ``__subclasses__``, ``self._TemplateReference__context``, …), the
  internals of functions, frames and code (``mro``, ``gi_frame``, …), the same through
  ``|attr``, ``|map(attribute=…)`` and ``"{0.__class__}".format(…)``, and calling what is
  marked unsafe;
- what the immutable sandbox adds: changing a list, dict or set it was given (``append``,
  ``update``, ``pop``, …); a template shows data, it does not change it;
- and here: any attribute of a module; the file-system side of a path (a template may use
  ``path.name``, not ``path.read_text()`` or ``path.write_text()``); and the methods of a
  polars table that read or write files or run SQL (``write_csv``, ``sink_parquet``,
  ``serialize``, ``sql``).

Trying any of these raises :class:`TemplateRefused` at once (not an undefined value that
fails later, or never), which the build reports with the template's file and line.
"""

from __future__ import annotations

import pathlib
import re
import types
from typing import Any

from jinja2.exceptions import SecurityError
from jinja2.sandbox import ImmutableSandboxedEnvironment

#: What a template may use of a path: the attributes of a pure path (names and parts),
#: never those of ``pathlib.Path`` that open, list, change or resolve files.
PURE_PATH_ATTRIBUTES = frozenset(name for name in dir(pathlib.PurePath) if not name.startswith("_"))
#: What ``getattr`` finds on a plain dict (its methods): for any other name a dict's key is meant.
_DICT_ATTRIBUTES = frozenset(dir(dict))
#: Methods of polars frames, series and expressions that reach files or run SQL.
POLARS_IO = re.compile(r"^(write|sink|serialize|deserialize|sql|read|scan)")

WHAT_TEMPLATES_MAY_DO = ("templates run in a sandbox: they may show the data they are given and "
                         "call the report's filters, but not reach Python internals, modules or "
                         "files, nor change the data they are given")


class TemplateRefused(SecurityError):
    """A template tried something a template may not do (see the module doc)."""


def refused(obj: Any, attribute: str) -> str:
    """Why ``attribute`` of ``obj`` is not for templates, in words."""
    kind = type(obj).__name__
    if isinstance(obj, types.ModuleType):
        return f"using attribute {attribute!r} of the module {obj.__name__!r}"
    if isinstance(obj, pathlib.PurePath) and attribute in dir(pathlib.Path):
        return f"using {attribute!r} of a path (the file system)"
    return f"using attribute {attribute!r} of a {kind!r} object"


class TemplateEnvironment(ImmutableSandboxedEnvironment):
    """Jinja2's immutable sandbox, with modules, files and polars I/O also out of reach."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._judged: dict[tuple[type, str, type], bool] = {}

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        """Judged once per kind of access: every rule here and in Jinja2's sandboxes depends
        only on the object's type, the attribute's name and the value's type, and a page asks
        the same few hundred questions thousands of times (~10 % of rendering a page)."""
        key = (type(obj), attr, type(value))
        safe = self._judged.get(key)
        if safe is None:
            safe = self._judged[key] = self._judge(obj, attr, value)
        return safe

    def _judge(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, types.ModuleType) or isinstance(value, types.ModuleType):
            return False
        if isinstance(obj, pathlib.PurePath):
            return attr in PURE_PATH_ATTRIBUTES
        if type(obj).__module__.split(".", 1)[0] == "polars" and POLARS_IO.match(attr):
            return False
        return True

    def _parse(self, source: str, name: str | None, filename: str | None):
        from relatierapport.render.i18n import fold_constant_texts

        return fold_constant_texts(self, super()._parse(source, name, filename))

    def getattr(self, obj: Any, attribute: str) -> Any:
        """``data.name`` on a plain dict is its key (a dict has no attribute of that name, so
        Jinja2 would try the attribute, fail and then read the key): the same answer without
        the failed attribute look-up, which is most of what a page's ``.`` costs."""
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)

    def unsafe_undefined(self, obj: Any, attribute: str):
        """Refuse at once: an undefined value could be tested (``is defined``) or never shown."""
        raise TemplateRefused(refused(obj, attribute))
