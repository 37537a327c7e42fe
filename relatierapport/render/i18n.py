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
    env.constant_texts = (gettext, lambda string: lookup(string) % {}, language)


def folded_names(env) -> tuple[str, ...]:
    """The names whose literal calls ``fold_constant_texts`` translates when compiling: ``_``
    and ``gettext`` while they are still ``install_translations``' function."""
    gettext = getattr(env, "constant_texts", (None,))[0]
    return tuple(name for name in ("_", "gettext")
                 if gettext is not None and env.globals.get(name) is gettext)


def folding_key(env) -> tuple:
    """What a compiled template's folded texts depend on (serve's template cache keys on it)."""
    names = folded_names(env)
    return (env.constant_texts[2], names) if names else ()


def fold_constant_texts(env, tree):
    """``_("text")`` / ``gettext("text")`` with a literal and nothing else, translated when the
    template is compiled rather than on every render (a plan page makes ~130 such calls, each
    a sandboxed call of its own). Only where those names are still ``install_translations``'
    function (a plugin that installs its own gettext keeps it) and the template never binds
    them itself; the text becomes Markup only under autoescaping, as the call made it."""
    from jinja2 import nodes
    from jinja2.visitor import NodeTransformer

    names = folded_names(env)
    bound = {node.name for node in tree.find_all(nodes.Name) if node.ctx != "load"}
    bound |= {node.target for node in tree.find_all(nodes.Import)}
    bound |= {name if isinstance(name, str) else name[-1]
              for node in tree.find_all(nodes.FromImport) for name in node.names}
    if not names or bound & set(names):
        return tree

    class Fold(NodeTransformer):
        def visit_Call(self, node):
            node = self.generic_visit(node)
            if not (isinstance(node.node, nodes.Name) and node.node.name in names
                    and len(node.args) == 1 and isinstance(node.args[0], nodes.Const)
                    and isinstance(node.args[0].value, str) and not node.kwargs
                    and node.dyn_args is None and node.dyn_kwargs is None):
                return node
            try:
                text = env.constant_texts[1](node.args[0].value)
            except (KeyError, TypeError, ValueError):    # "%(name)s" without a value: fails when rendered, as before
                return node
            folded = nodes.MarkSafeIfAutoescape(nodes.Const(text, lineno=node.lineno), lineno=node.lineno)
            folded.set_environment(env)
            return folded

    return Fold().visit(tree)
