"""Translations of every fixed text, from the gettext catalogs in ``locale/``.

Message ids are English; ``locale/nl/LC_MESSAGES/relatierapport.po`` holds the
Dutch. Catalogs are compiled in memory at start-up, so there is no build step
and no stale .mo file.
"""

from __future__ import annotations

import gettext
import io
from functools import cache
from pathlib import Path

LOCALE_DIR = Path(__file__).parent / "locale"
DOMAIN = "relatierapport"
#: Babel locale per report language.
BABEL_LOCALES = {"nl": "nl_NL", "en": "en_GB"}


@cache
def translations(language: str) -> gettext.NullTranslations:
    """The translations for a report language; English needs none."""
    po = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po.exists():
        return gettext.NullTranslations()
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    with po.open("rb") as handle:
        catalog = read_po(handle, locale=language, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)
