"""docs/writing-plugins.md is real: its files build in a fresh project, its test passes,
its Python compiles and every relatierapport command it shows parses."""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys

import click
import pytest

from conftest import REPO, cli
from relatierapport.cli import main

GUIDE = REPO / "docs" / "writing-plugins.md"
BLOCK = re.compile(r"(?:<!-- (file|append): (\S+) -->\n)?```(\w*)\n(.*?)^```", re.DOTALL | re.MULTILINE)


def blocks() -> list[tuple[str | None, str | None, str, str]]:
    """(file/append or None, path, language, code) for every fenced block of the guide."""
    return [match.groups() for match in BLOCK.finditer(GUIDE.read_text(encoding="utf-8"))]


def test_the_guides_local_plugin_builds_and_its_test_passes(tmp_path):
    project = tmp_path / "acme-rapport"
    assert cli("init", project).exit_code == 0
    marked = [(action, path, code) for action, path, _, code in blocks() if action]
    assert [path for _, path, _ in marked] == ["plugins/acme.py", "plugins/acme_templates/acme.html",
                                                "config.toml", "tests/test_acme.py"]
    for action, path, code in marked:
        target = project / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("a" if action == "append" else "w", encoding="utf-8") as handle:
            handle.write(code)

    listing = cli("plugins", "--config", project / "config.toml").output
    assert (f"acme  [local file {project / 'plugins' / 'acme.py'}]\n"
            "    hooks: analyses, config_options, report_sections, template_dirs\n"
            "    options [plugins.acme]: key_share\n") in listing
    result = cli("build", "--config", project / "config.toml", "--format", "html",
                 "--as-of", "2026-11-01", "--strict")
    assert result.exit_code == 0, result.output
    report = json.loads((project / "site" / "report.json").read_text(encoding="utf-8"))
    found = {r["id"]: r["acme"] for r in report["relations"] if "acme" in r}
    assert found and set(next(iter(found.values()))) == {"revenue", "share", "key_account"}
    assert report["portfolio"]["acme"]["key_accounts"] == sorted(
        rid for rid, f in found.items() if f["key_account"])
    some = next(iter(found))
    slug = some.lower()
    assert '<h2 id="acme-title">Sleutelklant</h2>' in \
        (project / "site" / "relations" / f"{slug}.html").read_text(encoding="utf-8")

    wrong = (project / "config.toml").read_text(encoding="utf-8").replace("key_share = 0.1",
                                                                          "key_share = 2")
    (project / "config.toml").write_text(wrong, encoding="utf-8")
    result = cli("check", "--config", project / "config.toml")
    assert result.exit_code == 2
    line = wrong.splitlines().index("key_share = 2") + 1       # where init's config.toml put it
    assert f"config.toml:{line}: [plugins.acme] key_share: expected a number from 0 to 1, found 2" \
        in result.output

    env = {key: value for key, value in os.environ.items() if key != "RELATIERAPPORT_NO_INSTALLED_PLUGINS"}
    tests = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests"],
                           cwd=project, capture_output=True, text=True, env=env)
    assert tests.returncode == 0, tests.stdout + tests.stderr
    assert "1 passed" in tests.stdout


@pytest.mark.parametrize("code", [code for _, _, language, code in blocks() if language == "python"])
def test_every_python_block_compiles(code):
    compile(code, "<writing-plugins.md>", "exec")


def commands() -> list[str]:
    """relatierapport commands in bash blocks and in inline code."""
    text = GUIDE.read_text(encoding="utf-8")
    lines = [line.split("  #")[0].strip() for _, _, language, code in blocks() if language == "bash"
             for line in code.splitlines()]
    lines += re.findall(r"`([^`\n]*relatierapport [a-z][^`\n]*)`", text)
    found = [line for line in lines if re.match(r"(\w+=\S+ )?relatierapport [a-z]", line)]
    return list(dict.fromkeys(found))


def test_the_guide_shows_the_commands_a_plugin_author_needs():
    shown = " ".join(commands())
    for needed in ("relatierapport init", "relatierapport build", "relatierapport plugins",
                   "relatierapport new-plugin", "--disable"):
        assert needed in shown


@pytest.mark.parametrize("line", commands())
def test_every_command_in_the_guide_parses(line):
    words = shlex.split(line)
    words = words[words.index("relatierapport") + 1:]
    with click.Context(main) as context:
        command = main.get_command(context, words[0])
        assert command is not None, f"no command {words[0]!r}"
        command.make_context(words[0], words[1:], parent=context)   # raises on an unknown option
