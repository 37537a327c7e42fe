"""Templates render in a sandbox: they show data, they cannot run code, reach files or change data.

Every attack goes through the CLI in a project's own template (an override of the relation
page, as a house style would be) and must stop the build with the template's file and line,
say that a template may not do this, and leave no trace of what it tried.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import cli, example_copy, write_project

#: (what it tries, the template line). Each reaches from a value or global a template has
#: towards code (module globals, builtins, subclasses), files, or the data it was given.
ATTACKS = {
    "class of a string": "{{ relation.name.__class__ }}",
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "mro": "{{ relation.name.__class__.mro() }}",
    "function globals": "{{ lipsum.__globals__ }}",
    "cycler init globals": "{{ cycler.__init__.__globals__.os }}",
    "template reference context": "{{ self._TemplateReference__context }}",
    "format string": '{{ "{0.__class__}".format(relation.name) }}',
    "format_map": '{{ "{x.__class__}".format_map({"x": relation}) }}',
    "attr filter": "{{ relation|attr('__class__') }}",
    "map attribute": "{{ [relation]|map(attribute='__class__')|list }}",
    "is defined": "{% if relation.__class__ is defined %}yes{% endif %}",
    "append to a list": "{{ sections.append(sections[0]) }}",
    "update a dict": "{{ project.update({'name': 'x'}) }}",
    "pop from a dict": "{{ report.findings.pop('cadence') }}",
    "read a file": "{{ report.config.root.joinpath('config.toml').read_text() }}",
    "write a file": "{{ report.config.root.joinpath('pwned.txt').write_text('x') }}",
    "list a folder": "{{ report.config.root.iterdir()|list }}",
    "write a table": "{{ report.portfolio.touchpoints.write_csv(report.config.path.name) }}",
    "sql on a table": "{{ report.portfolio.touchpoints.sql('select 1') }}",
}


@pytest.fixture(scope="module")
def base(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("sandbox")


def build_with(root: Path, line: str):
    config = write_project(root)
    (root / "templates").mkdir()
    (root / "templates" / "relation.html").write_text(
        '{% extends "builtin/relation.html" %}\n{% block content %}\n' + line + '\n{{ super() }}\n'
        '{% endblock %}\n', encoding="utf-8")
    return cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "html")


@pytest.mark.parametrize("attack", ATTACKS)
def test_a_template_cannot_reach_internals_files_or_change_its_data(base, attack):
    root = base / attack.replace(" ", "-")
    result = build_with(root, ATTACKS[attack])
    assert result.exit_code != 0, result.output
    assert "templates/relation.html:3: the template tried something a template may not do" \
        in result.output, result.output
    assert "templates run in a sandbox" in result.output
    assert "Traceback" not in result.output
    assert not (root / "pwned.txt").exists() and not (root / "touchpoints.csv").exists()
    assert not (root / "site" / "index.html").exists()


def test_python_2_names_are_simply_undefined(base):
    """``func_globals`` (Python 2) does not exist: an undefined name, with its file and line."""
    result = build_with(base / "func_globals", "{{ lipsum.func_globals }}")
    assert result.exit_code != 0
    assert "templates/relation.html:3: template error while rendering relation 'K1': " \
           "UndefinedError: 'function object' has no attribute 'func_globals'" in result.output


def test_what_a_template_may_use_still_works(base):
    """Reading data, the filters, loops, a namespace, a path's name, a table's height."""
    root = base / "allowed"
    result = build_with(root, "{% set ns = namespace(n=0) %}{% for t in relation.tags %}"
                              "{% set ns.n = ns.n + 1 %}{% endfor %}<p id=probe>{{ relation.name|upper }} "
                              "{{ ns.n }} {{ report.config.path.name }} "
                              "{{ report.portfolio.touchpoints.height > 0 }} {{ as_of|date }} "
                              "{{ '{0}-{1}'.format(relation.id, relation.kind) }}"
                              "{{ relation.tags|list + ['x'] }}</p>")
    assert result.exit_code == 0, result.output
    page = next((root / "site" / "relations").glob("*.html")).read_text(encoding="utf-8")
    assert "<p id=probe>" in page and "config.toml True" in page


def test_the_example_renders_in_the_sandbox(tmp_path):
    """Every built-in template and the example's plugin templates, in both languages."""
    for language in ("nl", "en"):
        config = example_copy(tmp_path / language, language)
        result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "html")
        assert result.exit_code == 0, result.output
        assert (tmp_path / language / "site" / "index.html").exists()


MAIL_EMPLOYEES = "id;name;team;email\nM1;Mila Jansen;Techniek;mila@testbureau.nl\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mailed")
    config = write_project(root, files={"employees.csv": MAIL_EMPLOYEES})
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return root


@pytest.mark.parametrize("where", ["config", "file"])
def test_the_mail_templates_render_in_the_sandbox_too(built, tmp_path, where):
    shutil.copytree(built, tmp_path, dirs_exist_ok=True)
    config = tmp_path / "config.toml"
    attack = "{{ recipient.update({'address': 'x@evil.example'}) }}"
    mail = '\n[plugins.mail]\nsender = "Relatiebeheer <rapporten@testbureau.nl>"\n'
    if where == "config":
        mail += f'subject = "Rapport {attack}"\n'
    else:
        (tmp_path / "templates" / "mail").mkdir(parents=True)
        (tmp_path / "templates" / "mail" / "body.txt").write_text(f"Hallo\n\n{attack}\n", encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8") + mail, encoding="utf-8")
    result = cli("mail", "--config", config, "--dry-run")
    assert result.exit_code != 0, result.output
    location = ("config.toml: [plugins.mail] subject, line 1" if where == "config"
                else "templates/mail/body.txt:3")
    assert f"{location}: the template tried something a template may not do while writing the " \
           "message to mila@testbureau.nl: using attribute 'update' of a 'dict' object" in result.output
    assert not (tmp_path / "site" / "mail" / "dry-run").exists()


def test_an_attribute_judged_safe_once_is_not_thereby_safe_elsewhere(tmp_path):
    """The sandbox remembers its judgements per (type of object, attribute, type of value):
    ``.open``/``.name`` allowed on one kind of object, or on a value that is text, stay refused
    on a path or when the value is a module, whatever was asked first and however often."""
    import types

    from relatierapport.render.sandbox import TemplateEnvironment, TemplateRefused

    class Card:
        def __init__(self, value):
            self.open = "the card's own field"
            self.name = value

    env = TemplateEnvironment()
    page = env.from_string("{{ card.open }} {{ card.name }}")
    assert page.render(card=Card("plain text")) == "the card's own field plain text"
    with pytest.raises(TemplateRefused):
        page.render(card=Card(types.ModuleType("os")))     # same type and name, a module's value
    with pytest.raises(TemplateRefused):
        env.from_string("{{ path.open }}").render(path=tmp_path)
    with pytest.raises(TemplateRefused):
        env.from_string("{{ path.open }}").render(path=tmp_path)   # asked again: still refused
    assert env.from_string("{{ path.name }}").render(path=tmp_path) == tmp_path.name
    assert page.render(card=Card("again")) == "the card's own field again"


def test_a_dicts_keys_and_methods_read_as_jinja2_reads_them():
    """``d.name`` is the key, ``d.items`` still the method (a key of that name is reached with
    ``d["items"]``), a missing key is undefined, ``d.__class__`` refused."""
    import jinja2

    from relatierapport.render.sandbox import TemplateEnvironment, TemplateRefused

    env = TemplateEnvironment(undefined=jinja2.StrictUndefined)
    data = {"name": "Acme", "items": "a key", "_own": 1}
    assert env.from_string("{{ d.name }} {{ d['items'] }} {{ d._own }} {{ d.items()|list|length }}"
                           ).render(d=data) == "Acme a key 1 3"
    with pytest.raises(jinja2.UndefinedError):
        env.from_string("{{ d.missing }}").render(d=data)
    with pytest.raises(TemplateRefused):
        env.from_string("{{ d.__class__ }}").render(d=data)
    with pytest.raises(TemplateRefused):
        env.from_string("{{ d.update({'name': 'x'}) }}").render(d=data)
    assert data["name"] == "Acme"
