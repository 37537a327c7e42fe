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


def install_translations(env, language: str) -> None:
    """Jinja2's i18n callables for ``language``, with ``_`` and ``gettext`` made cheap.

    Jinja2's own newstyle ``_`` goes through three sandboxed calls (the alias, its gettext,
    the catalogue) and formats the text anew each time; a plan page calls it ~130 times with
    the same few dozen texts, which was ~15 % of rendering a page. Here ``_`` and ``gettext``
    are one function that remembers each finished text without variables. Same output: the
    text is looked up in the same catalogue, made Markup when autoescaping and always
    %-formatted (so "%%" is "%"), as Jinja2's newstyle gettext does."""
    from jinja2 import pass_context
    from markupsafe import Markup

    catalogue = translations(language)
    env.install_gettext_translations(catalogue, newstyle=True)    # ngettext, pgettext, npgettext
    lookup = catalogue.gettext
    finished: dict[tuple[str, bool], str] = {}

    @pass_context
    def gettext(context, string: str, /, **variables) -> str:
        autoescape = context.eval_ctx.autoescape
        if not variables:
            key = (string, autoescape)
            text = finished.get(key)
            if text is None:
                text = finished[key] = (Markup(lookup(string)) if autoescape else lookup(string)) % {}
            return text
        text = lookup(string)
        return (Markup(text) if autoescape else text) % variables

    env.globals.update(gettext=gettext, _=gettext)
