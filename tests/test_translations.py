"""Every text a reader sees is translated; Dutch is the default."""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from relatierapport.render.i18n import LOCALE_DIR, translations
from relatierapport.devtools.catalog import extract_messages


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


# -- no fixed text outside the catalog ---------------------------------------------------------

TEMPLATES = Path(__file__).resolve().parent.parent / "relatierapport" / "render" / "templates"
#: Attributes whose values a reader sees or hears.
READABLE_ATTRIBUTES = re.compile(r'\b(?:alt|title|aria-label|placeholder)="([^"]*)"')
WORD = re.compile(r"[^\W\d_]{2,}")       # two or more letters: a word, not a category letter


def fixed_text(source: str) -> list[str]:
    """The words a template writes as literal text (outside {{ }}, {% %} and {# #}, outside
    tags and <style>), and in readable attributes; template code is replaced by a blank."""
    from jinja2 import Environment

    env = Environment(extensions=["jinja2.ext.i18n"])
    literal = "".join(value if kind == "data" else "\0"
                      for _, kind, value in env.lex(source))
    literal = re.sub(r"<style\b.*?</style>", "", literal, flags=re.S)
    attributes = [value for value in READABLE_ATTRIBUTES.findall(literal)]
    text = re.sub(r"<[^>]*>", " ", literal)
    text = re.sub(r"&[a-z]+;|&#\d+;", " ", text)
    return WORD.findall(text) + [word for value in attributes for word in WORD.findall(value)]


def test_the_check_finds_fixed_text():
    assert fixed_text('<p>Volgend contact: {{ x }}</p>') == ["Volgend", "contact"]
    assert fixed_text('<img alt="Logo" src="{{ root }}x.png">') == ["Logo"]
    assert fixed_text('<th scope="col">A</th><td>{{ _("Next") }} · {{ n }} ×{{ c }}</td>') == []
    assert fixed_text('{# a comment #}<style>@page { margin: 1cm }</style>') == []


def test_templates_hold_no_fixed_text():
    found = {}
    for path in sorted(TEMPLATES.rglob("*")):
        if path.suffix in (".html", ".txt"):
            words = fixed_text(path.read_text(encoding="utf-8"))
            if words:
                found[str(path.relative_to(TEMPLATES))] = words
    assert found == {}, "texts a reader sees belong in {{ _(...) }} (English message ids)"


def test_section_titles_in_python_go_through_the_catalog():
    """Every Section(...) the built-in plugins make has a translated title, never a literal."""
    import ast

    untranslated, seen = [], 0
    for path in sorted((TEMPLATES.parent.parent / "builtin").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Section":
                seen += 1
                title = node.args[1] if len(node.args) > 1 else None
                if isinstance(title, ast.Constant):
                    untranslated.append(f"{path.name}:{node.lineno}")
    assert seen >= 10, "the built-in plugins' Section(...) calls were not found: moved?"
    assert untranslated == []


# -- the reports as read: no English in Dutch, no Dutch in English ---------------------------------

def visible_text(html: str) -> str:
    html = re.sub(r"<(style|script|title)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]*>", " ", html)
    return " ".join(unescape(html).split())


def catalog_fragments() -> list[tuple[str, str]]:
    """(English, Dutch) pieces of every translation that differs: the text between placeholders,
    long enough (three words or more) not to occur in the data by chance."""
    with (LOCALE_DIR / "nl" / "LC_MESSAGES" / "relatierapport.po").open("rb") as handle:
        catalog = read_po(handle, locale="nl")
    pairs = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for english, dutch in zip(ids, strings):
            pieces_en = [p.strip(" .,:;()") for p in re.split(r"%\(\w+\)\w", english)]
            pieces_nl = [p.strip(" .,:;()") for p in re.split(r"%\(\w+\)\w", dutch)]
            pairs += [(en, nl) for en, nl in zip(pieces_en, pieces_nl)
                      if en != nl and len(en.split()) >= 3 and len(nl.split()) >= 3]
    return pairs


@pytest.fixture(scope="module")
def example_pages(built_example) -> dict[str, list[str]]:
    """The visible text of the example project's pages, built in Dutch and in English."""
    pages = {}
    for language in ("nl", "en"):
        site = built_example(language).site
        pages[language] = [visible_text(p.read_text(encoding="utf-8"))
                           for p in [site / "index.html", *sorted((site / "relations").glob("*.html"))]]
    return pages


def test_dutch_reports_hold_no_english_fixed_text_and_english_no_dutch(example_pages):
    pairs = catalog_fragments()
    assert len(pairs) > 100
    dutch, english = " ".join(example_pages["nl"]), " ".join(example_pages["en"])
    assert [en for en, _ in pairs if en in dutch] == []
    assert [nl for _, nl in pairs if nl in english] == []
    assert "Wat deze maand aandacht vraagt" in dutch and "What needs attention this month" in english


@pytest.mark.parametrize("autoescape", [True, False])
def test_the_remembered_gettext_gives_what_jinjas_own_gives(autoescape):
    """``install_translations`` replaces Jinja2's ``_``/``gettext`` by one that remembers each
    finished text: asked twice, with variables, with "%%" and in either escaping mode, it says
    what Jinja2's newstyle gettext says."""
    from jinja2 import Environment

    from relatierapport.render.i18n import install_translations

    source = ('{{ _("page %(page)s of %(pages)s", page="<b>", pages=3) }}|{{ _("page %(page)s of '
              '%(pages)s", page=1, pages=2) }}|{{ _("100%%") }}|{{ _("Total") }}|{{ _("Total") }}|'
              '{{ gettext("Total") }}|{% trans n=2 %}{{ n }} &amp; more{% endtrans %}')
    ours = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)
    install_translations(ours, "nl")
    jinjas = Environment(extensions=["jinja2.ext.i18n"], autoescape=autoescape)
    jinjas.install_gettext_translations(translations("nl"), newstyle=True)
    expected = jinjas.from_string(source).render()
    assert ours.from_string(source).render() == expected
    assert ours.from_string(source).render() == expected           # remembered: the same again
    assert expected.startswith("pagina &lt;b&gt; van 3|pagina 1 van 2|100%|" if autoescape
                               else "pagina <b> van 3|pagina 1 van 2|100%|")


def test_literal_texts_are_translated_when_compiled_and_say_what_the_call_said():
    """``_("text")`` with a literal is translated when the template is compiled: the compiled
    code calls no gettext for it, the page says the same as with Jinja2's own gettext (Markup
    under autoescaping, "%%" as "%"), and where the template binds ``_`` itself, or a plugin
    installed its own ``_``, nothing is folded."""
    from jinja2 import Environment

    from relatierapport.render.i18n import install_translations
    from relatierapport.render.sandbox import TemplateEnvironment

    source = ('{{ _("page %(page)s of %(pages)s", page=1, pages=2) }}|{{ _("Missing") }}|'
              '{{ _("100%%") ~ "<b>" }}|{% autoescape false %}{{ _("Missing") ~ "<b>" }}{% endautoescape %}')
    ours = TemplateEnvironment(extensions=["jinja2.ext.i18n"], autoescape=True)
    install_translations(ours, "nl")
    jinjas = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    jinjas.install_gettext_translations(translations("nl"), newstyle=True)
    assert ours.from_string(source).render() == jinjas.from_string(source).render()
    assert "Ontbreekt<b>" in ours.from_string(source).render()    # translated, not escaped there
    compiled = ours.compile('{{ _("Missing") }}', raw=True)
    assert "gettext" not in compiled and "'_'" not in compiled and translations("nl").gettext("Missing") in compiled

    shadowed = '{% set _ = "mine" %}{{ _ }}'
    assert ours.from_string(shadowed).render() == "mine"
    macro = '{% macro m(_) %}{{ _("Missing") }}{% endmacro %}{{ m(own) }}'
    assert ours.from_string(macro).render(own=lambda text: f"[{text}]") == "[Missing]"

    plugin = TemplateEnvironment(extensions=["jinja2.ext.i18n"], autoescape=True)
    install_translations(plugin, "nl")
    plugin.globals["_"] = lambda text: f"[{text}]"      # a plugin's own gettext, after ours
    assert plugin.from_string('{{ _("Missing") }}').render() == "[Missing]"
