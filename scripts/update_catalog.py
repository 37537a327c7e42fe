"""Bring locale/*/LC_MESSAGES/relatierapport.po up to date with the texts in the package.

New texts are added untranslated (the translation test then names them);
texts no longer used are dropped. Run: python scripts/update_catalog.py
"""

from __future__ import annotations

from babel.messages.catalog import Catalog
from babel.messages.pofile import read_po, write_po

from relatierapport.render.i18n import DOMAIN, LOCALE_DIR
from relatierapport.devtools.catalog import extract_messages


def update(language: str) -> None:
    path = LOCALE_DIR / language / "LC_MESSAGES" / f"{DOMAIN}.po"
    old = read_po(path.open("rb"), locale=language) if path.exists() else Catalog(locale=language)
    new = Catalog(locale=language, domain=DOMAIN, project="relatierapport")
    for message, files in extract_messages().items():
        existing = old.get(message if isinstance(message, str) else message[0])
        new.add(message, existing.string if existing else "",
                locations=[(f, 0) for f in sorted(set(files))])
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as handle:
        write_po(handle, new, width=100, omit_header=False, no_location=True, sort_output=True)


if __name__ == "__main__":
    update("nl")
