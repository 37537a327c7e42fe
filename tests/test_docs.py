"""The manual is a MkDocs site that builds cleanly; its configuration reference is made from the
options the code declares and cannot go stale; README.md stays a front page."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from conftest import REPO
from relatierapport import config, hookimpl
from relatierapport.devtools import config_reference
from relatierapport.hooktypes import SourceReader
from relatierapport.options import Integer, ListOf, Option, OptionGroup, Table, Text
from relatierapport.plugins import make_plugins


def test_the_committed_configuration_reference_is_what_the_options_generate():
    committed = (REPO / config_reference.REFERENCE).read_text(encoding="utf-8")
    assert committed == config_reference.reference(make_plugins(None, installed=False)), \
        f"{config_reference.REFERENCE} is out of date: run python {config_reference.GENERATOR}"


def test_the_reference_has_every_table_config_toml_accepts():
    plugins = make_plugins(None, installed=False)
    page = config_reference.reference(plugins)
    headings = re.findall(r"^#+ `(.*)`$", page, re.M)
    expected = {f"[{name}]" for name in config.TOP_LEVEL if name not in ("sources", "goals", "plugins")}
    expected |= {"[[sources]]", "[[goals]]", "[plugins.<name>]"}
    expected |= {f"[{group.section}]" for group in plugins.option_groups()}
    expected |= {f'type = "{kind}"' for kind in plugins.source_readers()}
    assert set(headings) == expected and len(headings) == len(expected)


class Acme:
    """A plugin with one option of each kind and a source type of its own."""

    @hookimpl
    def config_options(self):
        return [OptionGroup("plugins.acme", (
            Option("points", Integer(minimum=1, maximum=9), 3, "Points per key account."),
            Option("tiers", Table(ListOf(Text(choices=("gold", "silver"))), keys=("A", "B")),
                   {"A": ["gold"]}, "Tiers per category; a * matches <anything>."),
            Option("style", Text(choices=("plain", "bold")), "plain", "How to show it."),
        ), "ACME's key accounts.")]

    @hookimpl
    def source_readers(self):
        return [SourceReader("acme-crm", read=lambda spec, cfg: None, description="ACME's own export.",
                             options=(Option("dialect", Text(), "", "Which ACME version wrote it."),))]


def test_a_plugins_options_appear_with_type_default_allowed_values_and_help():
    page = config_reference.reference(make_plugins(None, extra={"acme": Acme()}, installed=False))
    acme = page[page.index("### `[plugins.acme]`"):]
    assert "ACME's key accounts." in acme
    assert "| `points` | whole number | `3` | 1 to 9 | Points per key account. |" in acme
    assert ("| `tiers` | table of list of text | `{ A = [\"gold\"] }` | keys `A`, `B`; "
            "each value: each: `\"gold\"`, `\"silver\"` | Tiers per category; a \\* matches "
            "&lt;anything\\>. |") in acme
    assert '| `style` | text | `"plain"` | `"plain"`, `"bold"` | How to show it. |' in acme
    assert "[`[plugins.acme]`](#pluginsacme) | ACME's key accounts. |" in page
    source = page[page.index('### `type = "acme-crm"`'):]
    assert "ACME's own export." in source and "| `dialect` | text | `\"\"` |  | Which ACME version" in source


def test_a_long_default_is_shown_as_toml_under_its_table():
    page = config_reference.reference(make_plugins(None, installed=False))
    health = page[page.index("### `[plugins.health]`"):page.index("### `[plugins.indicators]`")]
    assert "| `keywords` | table of list of text | below |" in health
    assert "```toml\n[plugins.health.weights]\nresponse_time = 1.0\n" in health
    assert "[plugins.health.keywords]\nno_response = [\n" in health


def test_the_reference_is_the_same_in_another_process():
    """Nothing on the page depends on set order or hash seeds."""
    script = ("from relatierapport.devtools.config_reference import reference\n"
              "from relatierapport.plugins import make_plugins\n"
              "import sys; sys.stdout.write(reference(make_plugins(None, installed=False)))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, "PYTHONHASHSEED": "12345"}, check=True)
    assert done.stdout == config_reference.reference(make_plugins(None, installed=False))


def test_the_manual_builds_with_mkdocs_strict(tmp_path):
    """Strict mode with anchor validation: a broken link, anchor or nav entry fails the build."""
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
                           REPO / "mkdocs.yml", "--site-dir", tmp_path / "site"],
                          capture_output=True, text=True, cwd=REPO)
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "site" / "configuration" / "index.html").is_file()


def test_the_readme_is_a_front_page_of_at_most_300_lines():
    lines = (REPO / "README.md").read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 300, f"README.md has {len(lines)} lines; move the detail into docs/"


def test_the_readmes_links_point_at_files_of_the_repository():
    text = (REPO / "README.md").read_text(encoding="utf-8")
    targets = [target.split("#")[0] for target in re.findall(r"\]\(([^)\s]+)\)", text)
               if not re.match(r"[a-z]+:", target)]
    assert targets and [target for target in targets if not (REPO / target).exists()] == []
