"""Meta-tests, as datasette has them: every hook is documented in full, is in the generated
reference, and has a test of its own; and these checks do fail for a hook that lacks one."""

from __future__ import annotations

import types

import pluggy
import pytest

from conftest import REPO
from relatierapport import hookspecs
from relatierapport.devtools import hookdocs

TESTS = REPO / "tests"


def test_every_hook_has_a_complete_docstring():
    assert hookdocs.problems(hookspecs) == []


def test_the_committed_reference_is_what_the_docstrings_generate():
    committed = (REPO / hookdocs.REFERENCE).read_text(encoding="utf-8")
    assert hookdocs.missing_from_reference(hookspecs, committed) == []
    assert committed == hookdocs.reference(hookspecs), \
        f"{hookdocs.REFERENCE} is out of date: run python {hookdocs.GENERATOR}"


def test_every_hook_has_a_test_of_its_own():
    assert hookdocs.hooks_without_tests(hookspecs, hookdocs.hook_tests(TESTS)) == []


def test_the_hooks_are_the_ones_the_plugin_manager_knows():
    manager = pluggy.PluginManager("relatierapport")
    manager.add_hookspecs(hookspecs)
    assert sorted(f.__name__ for f in hookdocs.hookspecs_of(hookspecs)) == \
        sorted(name for name in dir(manager.hook) if not name.startswith("_"))


def fake_hookspecs() -> types.ModuleType:
    """The real hooks plus one added carelessly: no docstring, no reference entry, no test."""
    module = types.ModuleType("fake_hookspecs")
    module.__dict__.update({f.__name__: f for f in hookdocs.hookspecs_of(hookspecs)})

    @hookspecs.hookspec
    def relation_scores(relation, report):
        pass

    @hookspecs.hookspec
    def half_documented(relation):
        """Documented, but without the parts a consultant needs.

        Arguments:
            relatie: a typo.

        Example::

            def half_documented(relation:
        """

    module.relation_scores = relation_scores
    module.half_documented = half_documented
    return module


def test_the_meta_checks_fail_for_a_hook_added_without_docs_or_a_test():
    fake = fake_hookspecs()
    assert hookdocs.problems(fake) == [
        "relation_scores: no docstring",
        "half_documented: the docstring has no 'Runs:' part",
        "half_documented: the docstring has no 'Returns:' part",
        "half_documented: argument 'relation' is not described under 'Arguments:'",
        "half_documented: 'Arguments:' describes 'relatie', which the hook does not have",
        "half_documented: the example does not compile: '(' was never closed "
        "(<example of half_documented>, line 1)",
        "half_documented: the example does not implement the hook (@hookimpl def half_documented(...))",
    ]
    committed = (REPO / hookdocs.REFERENCE).read_text(encoding="utf-8")
    assert hookdocs.missing_from_reference(fake, committed) == ["relation_scores", "half_documented"]
    assert hookdocs.hooks_without_tests(fake, hookdocs.hook_tests(TESTS)) == [
        "relation_scores", "half_documented"]


def test_a_test_counts_for_a_hook_only_when_marked_with_it(tmp_path):
    (tmp_path / "test_some.py").write_text(
        "import pytest\n"
        "@pytest.mark.hook('analyses', 'report_sections')\n"
        "def test_both(): pass\n"
        "def test_hook_post_build(): pass\n"          # a name alone does not count
        "@pytest.mark.hook('post_build')\n"
        "def helper(): pass\n", encoding="utf-8")      # nor a marked non-test
    assert hookdocs.hook_tests(tmp_path) == {"analyses": ["test_some.py::test_both"],
                                             "report_sections": ["test_some.py::test_both"]}


@pytest.mark.parametrize("hook", [f.__name__ for f in hookdocs.hookspecs_of(hookspecs)])
def test_each_example_is_a_plugin_the_plugin_manager_accepts(hook):
    from relatierapport.plugins import make_plugins

    plugins = make_plugins(None, extra={"example": hookdocs.example_module(hook)}, installed=False)
    assert plugins.hooks_of("example") == [hook]
