"""Every text a reader sees is translated; Dutch is the default."""

from __future__ import annotations

from babel.messages.pofile import read_po

from relatierapport.i18n import LOCALE_DIR, translations
from relatierapport.messages import extract_messages


def test_every_text_has_a_dutch_translation():
    with (LOCALE_DIR / "nl" / "LC_MESSAGES" / "relatierapport.po").open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    missing = []
    for message in extract_messages():
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid)
        strings = entry.string if entry else ""
        if not entry or not all(strings if isinstance(strings, tuple) else [strings]):
            missing.append(msgid)
    assert missing == [], f"untranslated texts (run scripts/update_catalog.py and translate): {missing}"


def test_the_catalog_is_used_with_dutch_plurals():
    dutch = translations("nl")
    assert dutch.gettext("Portfolio report") == "Portefeuillerapport"
    assert dutch.ngettext("every month", "every %(num)s months", 3) == "elke %(num)s maanden"
    assert translations("en").gettext("Portfolio report") == "Portfolio report"


def test_english_reports_have_no_dutch_fixed_text(project):
    from conftest import cli
    project.write_text(project.read_text(encoding="utf-8").replace(
        'name = "Testbureau"', 'name = "Testbureau"\nlanguage = "en"'), encoding="utf-8")
    assert cli("build", "--config", project, "--as-of", "2026-11-01", "--format", "html").exit_code == 0
    page = (project.parent / "site" / "relations" / "k1.html").read_text(encoding="utf-8")
    assert "Contact cadence" in page and "Contactritme" not in page
    assert "15 October 2026" in page and '<html lang="en">' in page
