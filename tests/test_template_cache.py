"""Compiled templates kept in the project (``relatierapport.render.template_cache``): a second
build compiles none, an edited template is compiled again, a link or damaged file is not read,
and errors still name the template's file and line."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from conftest import cli, write_project

AS_OF = "2026-11-01"
CACHE = ".relatierapport-cache"


@pytest.fixture
def compiled(monkeypatch) -> list[str]:
    """The names of the templates Jinja2 writes Python for (what the cache saves)."""
    names: list[str] = []
    generate = jinja2.Environment._generate

    def counting(self, source, name, filename, defer_init=False):
        names.append(name)
        return generate(self, source, name, filename, defer_init)

    monkeypatch.setattr(jinja2.Environment, "_generate", counting)
    return names


def build(config: Path, out: Path, expect: int = 0) -> str:
    result = cli("build", "--config", config, "--as-of", AS_OF, "--format", "html", "--out", out,
                 "--jobs", "1")
    assert result.exit_code == expect, result.output
    return result.output


def with_template(root: Path, text: str) -> Path:
    config = write_project(root)
    (root / "templates").mkdir()
    (root / "templates" / "portfolio.html").write_text(
        '{% extends "builtin/portfolio.html" %}{% block before_sections %}' + text
        + "{% endblock %}", encoding="utf-8")
    return config


def test_a_second_build_compiles_no_template(tmp_path, compiled):
    config = with_template(tmp_path / "project", "<p>Eerste versie</p>")
    build(config, tmp_path / "site")
    assert "portfolio.html" in compiled and "base.html" in compiled
    compiled.clear()
    build(config, tmp_path / "site")
    assert compiled == []
    assert "Eerste versie" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    cache = tmp_path / "project" / CACHE
    assert (cache / ".gitignore").read_text(encoding="utf-8").splitlines()[-1] == "*"
    assert (cache / "CACHEDIR.TAG").read_text(encoding="utf-8").startswith(
        "Signature: 8a477f597d28d172789f06886806bc55")
    assert list((cache / "templates").glob("*/*.cache"))
    assert not [p for p in (tmp_path / "site").rglob("*.cache")]     # never in the output


def test_an_edited_template_is_compiled_again(tmp_path, compiled):
    config = with_template(tmp_path / "project", "<p>Eerste versie</p>")
    build(config, tmp_path / "site")
    with_template_text = (tmp_path / "project" / "templates" / "portfolio.html")
    with_template_text.write_text(with_template_text.read_text(encoding="utf-8").replace(
        "Eerste", "Tweede"), encoding="utf-8")
    compiled.clear()
    build(config, tmp_path / "site")
    assert compiled == ["portfolio.html"]
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "Tweede versie" in page and "Eerste versie" not in page


def test_a_plugin_that_changes_the_environment_gets_a_cache_of_its_own(tmp_path, compiled):
    config = with_template(tmp_path / "project", "<p>{{ project.name|shout }}</p>")
    (tmp_path / "project" / "plugins").mkdir()
    plugin = tmp_path / "project" / "plugins" / "roepen.py"
    plugin.write_text("from relatierapport import hookimpl\n\n@hookimpl\ndef prepare_jinja_env(env, config):\n"
                      "    env.filters['shout'] = lambda text: text.upper() + '!'\n", encoding="utf-8")
    build(config, tmp_path / "site")
    assert "TESTBUREAU!" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    plugin.unlink()
    compiled.clear()
    output = build(config, tmp_path / "site", expect=1)     # the filter is gone: said, not hidden
    assert "No filter named 'shout'" in output and "portfolio.html" in compiled
    with_template(tmp_path / "again", "<p>{{ project.name }}</p>")
    (tmp_path / "project" / "templates" / "portfolio.html").write_bytes(
        (tmp_path / "again" / "templates" / "portfolio.html").read_bytes())
    build(config, tmp_path / "site")
    assert len(list((tmp_path / "project" / CACHE / "templates").iterdir())) == 2


def test_a_linked_or_damaged_cache_is_not_read(tmp_path, compiled):
    config = with_template(tmp_path / "project", "<p>Eerste versie</p>")
    build(config, tmp_path / "site")
    expected = (tmp_path / "site" / "index.html").read_bytes()
    for file in (tmp_path / "project" / CACHE / "templates").glob("*/*.cache"):
        file.write_bytes(file.read_bytes()[:30])
    compiled.clear()
    build(config, tmp_path / "site")
    assert "portfolio.html" in compiled
    assert (tmp_path / "site" / "index.html").read_bytes() == expected
    # the cache folder made a link to a folder outside the project: neither read nor written
    elsewhere = tmp_path / "elsewhere"
    (tmp_path / "project" / CACHE).rename(elsewhere)
    (tmp_path / "project" / CACHE).symlink_to(elsewhere)
    before = sorted((p, p.stat().st_mtime_ns) for p in elsewhere.rglob("*"))
    compiled.clear()
    build(config, tmp_path / "site")
    assert "portfolio.html" in compiled
    assert sorted((p, p.stat().st_mtime_ns) for p in elsewhere.rglob("*")) == before
    assert (tmp_path / "site" / "index.html").read_bytes() == expected


def test_an_error_in_a_cached_template_names_its_file_and_line(tmp_path):
    config = with_template(tmp_path / "project", "\n\n<p>{{ report.nergens.iets }}</p>")
    first = build(config, tmp_path / "site", expect=1)
    again = build(config, tmp_path / "site", expect=1)
    assert "templates/portfolio.html:3" in first
    assert again == first


def test_another_report_language_is_compiled_anew(tmp_path):
    """Fixed texts are translated when a template is compiled: Dutch code must not serve English."""
    config = with_template(tmp_path / "project", "<p>{{ _('Portfolio report') }}</p>")
    build(config, tmp_path / "site")
    assert "<p>Portefeuillerapport</p>" in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "Testbureau"\n', 'name = "Testbureau"\nlanguage = "en"\n'), encoding="utf-8")
    build(config, tmp_path / "site")
    page = (tmp_path / "site" / "index.html").read_text(encoding="utf-8")
    assert "<p>Portfolio report</p>" in page and "Portefeuillerapport" not in page


def test_only_the_most_recently_used_environments_stay(tmp_path):
    """Each version or edited environment makes a folder; the oldest go, what is not ours stays."""
    import os

    from relatierapport.render.template_cache import KEEP

    config = with_template(tmp_path / "project", "<p>Eerste versie</p>")
    templates = tmp_path / "project" / CACHE / "templates"
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "keep.cache").write_text("not ours", encoding="utf-8")
    old = [templates / f"{n:016x}" for n in range(KEEP + 2)]    # as left by earlier versions
    for age, folder in enumerate(old):
        folder.mkdir(parents=True)
        (folder / "x.cache").write_bytes(b"old")
        os.utime(folder, (1_000_000 + age, 1_000_000 + age))     # old[-1] used most recently
    (templates / "notes").mkdir()
    (templates / "abcdef0123456789").symlink_to(elsewhere)
    build(config, tmp_path / "site")
    made = [folder for folder in templates.iterdir() if folder not in old
            and folder.name not in ("notes", "abcdef0123456789")]
    assert len(made) == 1 and list(made[0].glob("*.cache"))
    assert [folder.is_dir() for folder in old] == [False] * 3 + [True] * (KEEP - 1)
    assert (templates / "notes").is_dir() and (templates / "abcdef0123456789").is_symlink()
    assert (elsewhere / "keep.cache").read_text(encoding="utf-8") == "not ours"
    # a folder made long ago but used by a build counts as used then: a new one removes another
    os.utime(made[0], (999_999, 999_999))
    build(config, tmp_path / "site")
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "Testbureau"\n', 'name = "Testbureau"\nlanguage = "en"\n'), encoding="utf-8")
    build(config, tmp_path / "site")                            # another language: a new folder
    assert made[0].is_dir() and [folder.is_dir() for folder in old[3:]] == [False, True, True]
