"""Empty data is a problem: a source that gives no records is a located warning (an error under
--strict), a build of 0 relations fails and leaves the previous output as it was."""

from __future__ import annotations

import json
import textwrap

from conftest import cli, write_project
from test_cli_build import tree_digest

HEADER_ONLY = "data/touchpoints.csv:1: expected rows after the header, found none: this source adds nothing to the report"


def test_a_data_file_with_a_header_and_no_rows_is_a_located_warning_and_strict_fails(tmp_path):
    config = write_project(tmp_path, files={"touchpoints.csv": "relation;date;employee\n\n\n"})
    check = cli("check", "--config", config)
    assert check.exit_code == 0, check.output
    assert "data/touchpoints.csv (csv): nothing; 1 skipped or doubtful\n" in check.output
    assert f"warning: {HEADER_ONLY}\n" in check.output
    build = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert build.exit_code == 0, build.output
    assert f"warning: {HEADER_ONLY}\n" in build.output
    for command in ("check", "build"):
        strict = cli(command, "--config", config, "--as-of", "2026-11-01", "--format", "json", "--strict") \
            if command == "build" else cli(command, "--config", config, "--strict")
        assert strict.exit_code == 1, strict.output
        assert f"failing because of --strict:\n  {HEADER_ONLY}\n" in strict.output


def test_the_header_line_is_after_the_preamble(tmp_path):
    config = write_project(tmp_path, files={"touchpoints.csv": "Export 01-11-2026\nrelation;date\n"})
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace('path = "data/touchpoints.csv"', 'path = "data/touchpoints.csv"\nskip_lines = 1'),
                      encoding="utf-8")
    result = cli("check", "--config", config)
    assert "warning: data/touchpoints.csv:2: expected rows after the header, found none" in result.output


def test_a_build_of_0_relations_fails_and_keeps_the_previous_output(tmp_path):
    config = write_project(tmp_path)
    assert cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json").exit_code == 0
    site = tmp_path / "site"
    before = tree_digest(site)
    (tmp_path / "data" / "relations.csv").write_text("id;name;kind;role;owner;category;since;city\n",
                                                    encoding="utf-8")
    expected = ("Error: 1 data problem(s):\n"
                "  config.toml:4: [[sources]]: expected relations to report on, found none "
                "(data/relations.csv: nothing; data/employees.csv: 2 employees; data/touchpoints.csv: "
                "3 touchpoints; data/business.csv: 1 business); a report of 0 relations is not made\n")
    for strict in ((), ("--strict",)):
        result = cli("build", "--config", config, "--as-of", "2026-12-01", "--format", "json",
                     "--summary", tmp_path / "summary.json", *strict)
        assert result.exit_code == 1
        assert result.output == expected
        assert tree_digest(site) == before
        assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".site")] == []
        summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
        assert summary["status"] == "failed" and summary["exit_code"] == 1
    check = cli("check", "--config", config)
    assert check.exit_code == 1
    assert check.output.endswith(expected)


def vcard_project(root, cards: dict[str, bytes]):
    contacts = root / "data" / "contacts"
    contacts.mkdir(parents=True)
    for name, content in cards.items():
        (contacts / name).write_bytes(content)
    config = root / "config.toml"
    config.write_text(textwrap.dedent("""\
        [project]
        name = "Adresboek"

        [[sources]]
        type = "csv"
        path = "data/relations.csv"
        table = "relations"

        [[sources]]
        type = "vcard"
        path = "data/contacts"
        """), encoding="utf-8")
    (root / "data" / "relations.csv").write_text("id;name\nK1;Alfa Bouw\n", encoding="utf-8")
    return config


def test_an_empty_vcard_folder_is_a_warning_and_strict_fails(tmp_path):
    config = vcard_project(tmp_path, {"leesmij.txt": b"geen kaarten\n"})
    message = ("data/contacts: expected .vcf or .vcard files in this folder, found none: this source "
               "adds nothing to the report")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    assert f"warning: {message}\n" in result.output
    strict = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json", "--strict")
    assert strict.exit_code == 1
    assert f"failing because of --strict:\n  {message}\n" in strict.output


def test_a_vcard_file_without_cards_is_a_warning(tmp_path):
    config = vcard_project(tmp_path, {"leeg.vcf": b"\r\n\r\n"})
    result = cli("check", "--config", config)
    assert result.exit_code == 0, result.output
    assert ("warning: data/contacts/leeg.vcf: expected vCards (BEGIN:VCARD … END:VCARD), found an "
            "empty file\n") in result.output
    assert cli("check", "--config", config, "--strict").exit_code == 1


def test_a_source_that_gives_nothing_and_says_nothing_gets_a_warning(tmp_path):
    """A reader (here a vCard file of group cards only, which are not relations) that reports no
    problem and no record: the build says so."""
    group = (b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Klanten\r\nX-ADDRESSBOOKSERVER-KIND:group\r\n"
             b"END:VCARD\r\n")
    config = vcard_project(tmp_path, {"groepen.vcf": group})
    result = cli("check", "--config", config)
    assert result.exit_code == 0, result.output
    assert ("warning: data/contacts: expected records, found none: this source adds nothing to "
            "the report\n") in result.output
