"""Text that becomes a header or a line is flattened to one line: calendar names and titles,
mail subjects and display names, PDF metadata.

A multi-line cell of an HR export (a quoted name over two lines), a bare carriage return in
the project's name and a line separator in a relation's name must not fail the build or end
up raw in a line-based format: the build (HTML, PDF, calendars) succeeds, the calendars
parse, the PDFs' title and author are one line, and the mail goes out with one-line headers
and a warning at the employee's record.
"""

from __future__ import annotations

import email
import email.policy
import re
import shutil
import subprocess
from pathlib import Path

import icalendar
import pytest

from conftest import RELATIONS, cli, write_project
from smtp_server import CREDENTIALS, LoopbackServer

from relatierapport.render.one_line import has_line_break, one_line

EMPLOYEES = ('id;name;team;email\n'
             'M1;"Mila\r\nJansen";Techniek;mila@testbureau.nl\n'
             'M2;"Sem\nBakker\u2028jr.";Zorg;sem@testbureau.nl\n')
BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@pytest.mark.parametrize("text, flat", [
    ("Mila\r\nJansen", "Mila Jansen"), ("Test\rbureau", "Test bureau"),
    (" a\u2028b\u2029c\x85d\te\x0bf  ", "a b c d e f"), ("nul\x00 bel\x07 esc\x1b", "nul bel esc"),
    ("", ""), (None, ""),
])
def test_one_line(text, flat):
    assert one_line(text) == flat
    assert not has_line_break(one_line(text))


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """html + pdf + ics (the default formats) of a project whose names hold line breaks."""
    root = tmp_path_factory.mktemp("lines")
    relations = RELATIONS.replace("Alfa Bouw", "Alfa\u2028Bouw").replace("Beta Zorg", '"Beta\nZorg"')
    config = write_project(root, relations=relations, files={"employees.csv": EMPLOYEES})
    text = config.read_text(encoding="utf-8").replace('name = "Testbureau"', 'name = "Test\\rbureau"')
    config.write_text(text, encoding="utf-8")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return root


def test_the_build_succeeds_and_the_calendars_are_valid(built):
    files = [built / "site" / "calendar.ics", *sorted((built / "site" / "calendar").glob("*.ics"))]
    assert len(files) == 3
    summaries = []
    for path in files:
        data = path.read_bytes()
        assert b"\r" not in data.replace(b"\r\n", b"") and b"\n" not in data.replace(b"\r\n", b"")
        calendar = icalendar.Calendar.from_ical(data)
        name = str(calendar["X-WR-CALNAME"])
        assert name.startswith("Test bureau – ") and not has_line_break(name)
        for event in calendar.walk("VEVENT"):
            summaries.append(str(event["SUMMARY"]))
            assert "Accountmanager: Mila Jansen" in str(event["DESCRIPTION"]) or \
                   "Accountmanager: Sem Bakker jr." in str(event["DESCRIPTION"])
    assert summaries and not any(has_line_break(s) for s in summaries)
    assert any("Alfa Bouw" in s for s in summaries) and any("Beta Zorg" in s for s in summaries)
    names = sorted(str(icalendar.Calendar.from_ical(p.read_bytes())["X-WR-CALNAME"]) for p in files[1:])
    assert names == ["Test bureau – Geplande contactmomenten – Mila Jansen",
                     "Test bureau – Geplande contactmomenten – Sem Bakker jr."]


def pdf_info(path: Path) -> dict[str, str]:
    """pdfinfo's document information: every line must be a ``Key: value`` line (a line break
    in a value would show as a line of its own), and the XMP metadata (tagged PDFs) too."""
    lines = subprocess.run(["pdfinfo", "-enc", "UTF-8", path], capture_output=True, text=True,
                           check=True).stdout.splitlines()
    info = {}
    for line in lines:
        matched = re.fullmatch(r"([A-Za-z][A-Za-z ]*):\s*(.*)", line)
        assert matched, (path.name, line)
        info[matched[1]] = matched[2]
    meta = subprocess.run(["pdfinfo", "-meta", path], capture_output=True, text=True).stdout
    for field in re.findall(r"<rdf:li[^>]*>(.*?)</rdf:li>|<pdf:Keywords>(.*?)</pdf:Keywords>", meta, re.S):
        value = "".join(field)
        assert not any(c in value for c in BREAKS), (path.name, value)
    return info


@pytest.mark.needs("pdfinfo")
def test_the_pdf_metadata_is_one_line(built):
    pdfs = [built / "site" / "portfolio.pdf", *sorted((built / "site" / "relations").glob("*.pdf"))]
    titles = []
    for path in pdfs:
        info = pdf_info(path)
        for key in ("Title", "Author", "Subject", "Keywords"):
            assert not any(c in info.get(key, "") for c in BREAKS), (path.name, key, info[key])
        titles.append(info["Title"])
        assert info["Author"] == "Test bureau"
    assert "Relatieplan: Beta Zorg · Test bureau" in titles
    assert "Relatieplan: Alfa Bouw · Test bureau" in titles


def test_the_html_still_shows_the_names(built):
    page = (built / "site" / "index.html").read_text(encoding="utf-8")
    assert "Alfa\u2028Bouw" in page or "Alfa Bouw" in page


@pytest.fixture
def server(tmp_path):
    running = LoopbackServer(tmp_path).start()
    yield running
    running.stop()


def test_the_mail_goes_out_with_one_line_headers(built, tmp_path, server, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(built, root)
    shutil.copy(server.ca_file, root / "test-ca.pem")
    config = root / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + '\n[plugins.mail]\n'
                      'sender = "Relatiebeheer <rapporten@testbureau.nl>"\n'
                      'subject = "{{ project }}:\\n{{ period }}\\r\\nBcc: evil@example.com"\n'
                      + server.config(), encoding="utf-8")
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    result = cli("mail", "--config", config)
    assert result.exit_code == 0, result.output
    assert 'employees.csv:2: name: expected a name on one line, found "Mila\\r\\nJansen" ' \
           "(employee 'M1'); the mail headers have \"Mila Jansen\"" in result.output
    assert sorted(r for received in server.recorder.received for r in received.rcpt_tos) == \
        ["mila@testbureau.nl", "sem@testbureau.nl"]
    for received in server.recorder.received:
        head = received.content.split(b"\r\n\r\n", 1)[0].decode("ascii")
        for line in head.split("\r\n"):       # a header line, or the folded rest of one
            assert line[:1] in (" ", "\t") or ":" in line, line
        assert "\nBcc:" not in head and "\r\n\r\n" not in head
        message = email.message_from_bytes(received.content, policy=email.policy.default)
        assert message["Bcc"] is None
        for key in ("To", "From", "Subject"):
            assert not any(c in str(message[key]) for c in BREAKS), (key, message[key])
        assert message["Subject"] == "Test bureau: 2026-11 Bcc: evil@example.com"
    names = sorted(r.message()["To"].addresses[0].display_name for r in server.recorder.received)
    assert names == ["Mila Jansen", "Sem Bakker jr."]
