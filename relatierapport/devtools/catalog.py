"""Find every translatable text in the package: templates, ``translate()`` and ``N_()`` calls.

Used by the translation test (a text without a Dutch translation fails it) and
by ``scripts/update_catalog.py`` when texts are added.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "translate": None, "N_": None}
METHOD_MAP = [("render/templates/**.html", "jinja2"), ("render/templates/**.txt", "jinja2"), ("**.py", "python")]
_JINJA = {"extensions": "jinja2.ext.i18n", "trim_blocks": "true", "lstrip_blocks": "true"}
OPTIONS = {"render/templates/**.html": _JINJA, "render/templates/**.txt": _JINJA}


def extract_messages() -> dict[str | tuple[str, str], list[str]]:
    """msgid (or (singular, plural)) -> the files that use it."""
    from babel.messages.extract import extract_from_dir

    found: dict = {}
    for filename, _lineno, message, _comments, _context in extract_from_dir(
            str(PACKAGE), METHOD_MAP, OPTIONS, KEYWORDS):
        if "scaffold" in filename:
            continue   # the example plugin carries its own texts
        found.setdefault(message, []).append(filename)
    return found
