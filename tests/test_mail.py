"""`relatierapport mail` against a real SMTP server on loopback (aiosmtpd, STARTTLS with a test CA,
AUTH): who receives what, each message once, crashes, refusals, retries, dry runs, bad addresses."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import icalendar
import pytest

from conftest import REPO, RELATIONS, cli, write_project
from smtp_server import CREDENTIALS, PASSWORD, LoopbackServer

EMPLOYEES = ("id;name;team;email\n"
             "M1;Mila Jansen;Techniek;mila@testbureau.nl\n"
             "M2;Sem Bakker;Zorg;sem@testbureau.nl\n")
MAIL = """
[plugins.mail]
sender = "Relatiebeheer <rapporten@testbureau.nl>"
recipients = ["Directie <directie@testbureau.nl>"]
"""
MILA, SEM, BOARD = "mila@testbureau.nl", "sem@testbureau.nl", "directie@testbureau.nl"


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """The small project built once (HTML, PDF, calendars) for 1 November 2026."""
    root = tmp_path_factory.mktemp("built")
    config = write_project(root, files={"employees.csv": EMPLOYEES})
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return root


@pytest.fixture
def server(tmp_path):
    running = LoopbackServer(tmp_path).start()
    yield running
    running.stop()


@pytest.fixture
def project(built, tmp_path, server, monkeypatch) -> Path:
    """A copy of the built project, configured to mail through the loopback server."""
    root = tmp_path / "project"
    shutil.copytree(built, root)
    shutil.copy(server.ca_file, root / "test-ca.pem")
    config = root / "config.toml"
    config.write_text(config.read_text(encoding="utf-8") + MAIL + server.config(), encoding="utf-8")
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    return config


def configure(config: Path, old: str, new: str) -> None:
    text = config.read_text(encoding="utf-8")
    assert old in text
    config.write_text(text.replace(old, new), encoding="utf-8")


def ledger(config: Path) -> list[dict]:
    path = config.parent / "site" / "mail" / "ledger.jsonl"
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def attachments(received) -> dict[str, bytes]:
    return {part.get_filename(): part.get_content() for part in received.message().iter_attachments()}


def test_each_owner_receives_their_plans_portfolio_and_calendar(project, server):
    result = cli("mail", "--config", project)
    assert result.exit_code == 0, result.output
    assert "mail 2026-11: 3 sent, 0 already sent, 0 refused, 0 failed, 0 unknown" in result.output
    site = project.parent / "site"
    assert sorted(r.rcpt_tos[0] for r in server.recorder.received) == [BOARD, MILA, SEM]
    assert all(r.tls and r.user == "rapportage" for r in server.recorder.received)   # STARTTLS + AUTH
    assert all(r.mail_from == "rapporten@testbureau.nl" and len(r.rcpt_tos) == 1
               for r in server.recorder.received)

    (mila,) = server.recorder.to(MILA)
    message = mila.message()
    assert message["To"] == "Mila Jansen <mila@testbureau.nl>"
    assert message["From"] == "Relatiebeheer <rapporten@testbureau.nl>"
    assert message["Subject"] == "Testbureau: relatierapport november 2026"
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_body(("plain",)).get_content().replace("\r\n", "\n")
    assert body.startswith("Beste Mila Jansen,")
    assert "- Alfa Bouw (K1)\n- Carla de Jong (C1)" in body and "Beta Zorg" not in body
    files = attachments(mila)
    assert sorted(files) == ["c1-carla-de-jong.pdf", "calendar-2026-11.ics", "k1-alfa-bouw.pdf",
                             "portfolio-2026-11.pdf"]
    assert files["k1-alfa-bouw.pdf"] == (site / "relations" / "k1.pdf").read_bytes()
    assert files["portfolio-2026-11.pdf"] == (site / "portfolio.pdf").read_bytes()
    calendar = icalendar.Calendar.from_ical(files["calendar-2026-11.ics"])
    assert {str(e["summary"]) for e in calendar.walk("VEVENT")} == {
        "Contactmoment: Alfa Bouw (20 min)", "Contactmoment: Carla de Jong (10 min)"}

    (sem,) = server.recorder.to(SEM)
    assert sorted(attachments(sem)) == ["calendar-2026-11.ics", "k2-beta-zorg.pdf", "portfolio-2026-11.pdf"]
    (board,) = server.recorder.to(BOARD)
    assert list(attachments(board)) == ["portfolio-2026-11.pdf"]
    assert board.message()["To"] == "Directie <directie@testbureau.nl>"
    assert [entry["status"] for entry in ledger(project)] == ["sending", "sent"] * 3


def test_running_mail_twice_sends_each_message_once(project, server):
    assert cli("mail", "--config", project).exit_code == 0
    again = cli("mail", "--config", project)
    assert again.exit_code == 0, again.output
    assert "mail 2026-11: 0 sent, 3 already sent" in again.output
    assert f"already sent  {MILA}" in again.output
    assert len(server.recorder.received) == 3
    ids = [r.message()["Message-ID"] for r in server.recorder.received]
    assert len(set(ids)) == 3 and not any("mila" in i or "M1" in i for i in ids)   # hashed, no names


def test_a_rebuild_of_the_same_month_sends_nothing_again_and_a_new_month_sends_anew(project, server):
    assert cli("mail", "--config", project).exit_code == 0
    for as_of, sent in (("2026-11-01", 0), ("2026-12-01", 3)):
        built = cli("build", "--config", project, "--as-of", as_of, "--format", "pdf",
                    "--format", "ics", "--jobs", "1")
        assert built.exit_code == 0, built.output
        result = cli("mail", "--config", project)
        assert result.exit_code == 0, result.output
        assert f": {sent} sent," in result.output
    assert len(server.recorder.received) == 6
    assert server.recorder.to(MILA)[-1].message()["Subject"] == "Testbureau: relatierapport december 2026"


def test_a_crash_after_the_server_accepted_is_detected_and_needs_resend(project, server):
    """The client is killed the moment the server has the first message, before it can write to
    the ledger: the rerun cannot know whether that message arrived, says so, and sends it only
    with --resend."""
    process = subprocess.Popen([sys.executable, "-m", "relatierapport", "mail", "--config", project],
                               cwd=project.parent, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               env={**os.environ, "PYTHONPATH": str(REPO)})
    server.recorder.on_data = lambda envelope: os.kill(process.pid, signal.SIGKILL)
    process.communicate(timeout=60)
    assert process.returncode == -signal.SIGKILL
    server.recorder.on_data = None
    (first,) = server.recorder.received
    crashed = first.rcpt_tos[0]
    assert [(e["to"], e["status"]) for e in ledger(project)] == [(crashed, "sending")]

    rerun = cli("mail", "--config", project)
    assert rerun.exit_code == 1
    assert "2 sent, 0 already sent, 0 refused, 0 failed, 1 unknown" in rerun.output
    assert f"{crashed}: the outcome of the message of" in rerun.output and "--resend" in rerun.output
    assert len(server.recorder.to(crashed)) == 1 and len(server.recorder.received) == 3

    resent = cli("mail", "--config", project, "--resend")
    assert resent.exit_code == 0, resent.output
    assert "1 sent, 2 already sent" in resent.output
    twice = server.recorder.to(crashed)
    assert len(twice) == 2 and twice[0].message()["Message-ID"] == twice[1].message()["Message-ID"]
    assert cli("mail", "--config", project).exit_code == 0
    assert len(server.recorder.received) == 4


def test_a_refused_recipient_is_reported_and_retried_alone(project, server):
    server.recorder.refuse[SEM] = "550 5.1.1 <sem@testbureau.nl>: mailbox unknown"
    first = cli("mail", "--config", project)
    assert first.exit_code == 1
    assert "2 sent, 0 already sent, 1 refused" in first.output
    assert f"{SEM}: refused: RCPT TO: 550 5.1.1 <sem@testbureau.nl>: mailbox unknown" in first.output
    assert server.recorder.rcpt_attempts[SEM] == 1                 # permanent: no retry
    assert sorted(r.rcpt_tos[0] for r in server.recorder.received) == [BOARD, MILA]

    del server.recorder.refuse[SEM]
    second = cli("mail", "--config", project)
    assert second.exit_code == 0, second.output
    assert "1 sent, 2 already sent" in second.output
    assert len(server.recorder.to(SEM)) == 1 and len(server.recorder.received) == 3


def test_temporary_failures_are_retried_until_the_retries_run_out(project, server):
    server.recorder.temporary[MILA] = 2
    result = cli("mail", "--config", project)
    assert result.exit_code == 0, result.output
    assert server.recorder.rcpt_attempts[MILA] == 3 and len(server.recorder.to(MILA)) == 1
    assert "3 attempts" in result.output

    configure(project, 'recipients = ["Directie <directie@testbureau.nl>"]',
              'recipients = ["Directie <directie@testbureau.nl>", "staf@testbureau.nl"]')
    server.recorder.temporary["staf@testbureau.nl"] = 10
    result = cli("mail", "--config", project)
    assert result.exit_code == 1
    assert "staf@testbureau.nl: failed: temporary failure, gave up after 4 attempt(s): RCPT TO: 451" \
        in result.output
    assert server.recorder.rcpt_attempts["staf@testbureau.nl"] == 4       # 1 + retries (3)
    server.recorder.temporary.clear()
    assert cli("mail", "--config", project).exit_code == 0
    assert len(server.recorder.to("staf@testbureau.nl")) == 1


def test_dry_run_writes_eml_files_and_opens_no_connection(project, server, monkeypatch):
    for name in CREDENTIALS:
        monkeypatch.delenv(name)
    result = cli("mail", "--config", project, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "wrote 3 message(s)" in result.output and "no connection opened" in result.output
    assert server.connections == 0 and server.recorder.received == []
    outbox = project.parent / "site" / "mail" / "dry-run"
    files = sorted(p.name for p in outbox.iterdir())
    assert files == ["01-mila-testbureau-nl.eml", "02-sem-testbureau-nl.eml", "03-directie-testbureau-nl.eml"]
    import email
    import email.policy
    message = email.message_from_bytes((outbox / files[0]).read_bytes(), policy=email.policy.default)
    assert message["To"] == "Mila Jansen <mila@testbureau.nl>"
    assert len(list(message.iter_attachments())) == 4
    assert not (project.parent / "site" / "mail" / "ledger.jsonl").exists()


def test_a_password_in_config_is_refused_naming_the_variable(project, server):
    configure(project, "[plugins.smtp]\n", f'[plugins.smtp]\npassword = "{PASSWORD}"\n')
    result = cli("mail", "--config", project)
    assert result.exit_code == 2
    assert "config.toml:28: [plugins.smtp] password: expected no password in config.toml" in result.output
    assert "set the environment variable RELATIERAPPORT_SMTP_PASSWORD" in result.output
    assert PASSWORD not in result.output and server.connections == 0
    check = cli("check", "--config", project)          # refused by every command, not only mail
    assert check.exit_code == 2 and "password" in check.output


def test_login_and_certificate_problems_stop_the_run_with_what_to_fix(project, server, monkeypatch):
    monkeypatch.setenv("RELATIERAPPORT_SMTP_PASSWORD", "fout")
    wrong = cli("mail", "--config", project)
    assert wrong.exit_code == 1
    assert "refused the login (535" in wrong.output
    assert "check RELATIERAPPORT_SMTP_USER and RELATIERAPPORT_SMTP_PASSWORD" in wrong.output
    assert "0 message(s) sent, 3 not sent" in wrong.output and "fout" not in wrong.output

    monkeypatch.delenv("RELATIERAPPORT_SMTP_USER")
    half = cli("mail", "--config", project)
    assert half.exit_code == 2
    assert "environment: RELATIERAPPORT_SMTP_USER: expected both RELATIERAPPORT_SMTP_USER and " \
           "RELATIERAPPORT_SMTP_PASSWORD to log in, or neither" in half.output

    monkeypatch.setenv("RELATIERAPPORT_SMTP_USER", "rapportage")
    monkeypatch.setenv("RELATIERAPPORT_SMTP_PASSWORD", PASSWORD)
    configure(project, 'ca_file = "test-ca.pem"', 'ca_file = ""')     # the system's CAs only
    untrusted = cli("mail", "--config", project)
    assert untrusted.exit_code == 1
    assert "the certificate of 127.0.0.1:" in untrusted.output and "could not be verified" in untrusted.output
    assert "set [plugins.smtp] ca_file" in untrusted.output
    assert server.recorder.received == []
    assert {entry["status"] for entry in ledger(project)} == {"failed"}
    assert cli("mail", "--config", project, "--dry-run").exit_code == 0   # nothing was sent: all again


def test_unencrypted_mail_only_to_this_machine(project):
    configure(project, 'host = "127.0.0.1"', 'host = "smtp.testbureau.nl"\nsecurity = "none"')
    result = cli("mail", "--config", project)
    assert result.exit_code == 2
    assert 'config.toml:29: [plugins.smtp] security: expected "starttls" or "tls" for smtp.testbureau.nl' \
        in result.output


@pytest.mark.parametrize("email, expected", [
    ('"mila@testbureau.nl\nBcc: spion@elders.nl"', "expected an e-mail address on one line"),
    ('"mila@testbureau.nl, spion@elders.nl"', "it has more than one @"),
    ('"mila de vries@testbureau.nl"', "the part before @ may hold only"),
    ("spion@elders.nl <mila@testbureau.nl>", "expected one e-mail address"),
    ("mila@testbureau", "the domain after @ must be a name such as example.nl"),
])
def test_bad_addresses_in_the_employee_data_are_data_errors_naming_the_record(
        project, server, email, expected):
    data = project.parent / "data" / "employees.csv"
    data.write_text(EMPLOYEES.replace("mila@testbureau.nl", email), encoding="utf-8")
    result = cli("mail", "--config", project)
    assert result.exit_code == 1
    assert "data/employees.csv:2: email: " in result.output and expected in result.output
    assert "(employee 'M1')" in result.output
    assert server.connections == 0 and server.recorder.received == []


def test_a_name_that_smuggles_an_address_is_refused(project, server):
    data = project.parent / "data" / "employees.csv"
    data.write_text(EMPLOYEES.replace("Sem Bakker", "Sem <spion@elders.nl>"), encoding="utf-8")
    result = cli("mail", "--config", project)
    assert result.exit_code == 1
    assert "data/employees.csv:3: name: expected a name without <, >, @ or =?" in result.output
    assert server.connections == 0


def test_bad_recipients_and_a_missing_sender_are_config_errors(project, server):
    configure(project, 'recipients = ["Directie <directie@testbureau.nl>"]',
              'recipients = ["directie@testbureau.nl\\r\\nBcc: spion@elders.nl"]\nreply_to = "twee@a.nl; drie@b.nl"')
    result = cli("mail", "--config", project)
    assert result.exit_code == 2
    assert 'config.toml:26: [plugins.mail] recipients[0]: expected an e-mail address on one line; a line ' \
           'break would add mail headers, found "directie@testbureau.nl\\r\\nBcc: spion@elders.nl"' in result.output
    assert "config.toml:27: [plugins.mail] reply_to: expected one e-mail address" in result.output
    configure(project, 'sender = "Relatiebeheer <rapporten@testbureau.nl>"', 'sender = ""')
    configure(project, '["directie@testbureau.nl\\r\\nBcc: spion@elders.nl"]\nreply_to = "twee@a.nl; drie@b.nl"', "[]")
    result = cli("mail", "--config", project)
    assert result.exit_code == 2
    assert "config.toml:25: [plugins.mail] sender: expected the From address" in result.output
    assert server.connections == 0


def test_a_message_over_the_size_limit_stops_the_run_before_anything_is_sent(project, server):
    configure(project, "[plugins.mail]\n", "[plugins.mail]\nmax_megabytes = 0.05\n")
    result = cli("mail", "--config", project)
    assert result.exit_code == 1
    assert f"the message to {MILA} (owner M1: portfolio, 2 plan(s), calendar) is 0." in result.output
    assert "over [plugins.mail] max_megabytes = 0.05" in result.output
    assert server.connections == 0


def test_mail_before_any_build_is_a_usage_error(tmp_path, server):
    config = write_project(tmp_path, files={"employees.csv": EMPLOYEES}, extra_config=MAIL + server.config())
    result = cli("mail", "--config", config)
    assert result.exit_code == 2
    assert "expected a built output folder with report.json; run `relatierapport build`" in result.output


def test_send_after_build_mails_straight_after_a_successful_build(tmp_path, server, monkeypatch):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    config = write_project(tmp_path, relations=RELATIONS, files={"employees.csv": EMPLOYEES},
                           extra_config=MAIL + "send_after_build = true\n" + server.config())
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "pdf",
                 "--format", "ics", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "mail 2026-11: 3 sent" in result.output
    assert len(server.recorder.received) == 3


def test_an_unreachable_server_stops_the_run_after_the_retries(project, server):
    from smtp_server import free_port
    configure(project, f"port = {server.port}", f"port = {free_port()}\nretries = 1")
    result = cli("mail", "--config", project)
    assert result.exit_code == 1
    assert "cannot connect to 127.0.0.1:" in result.output and "(tried 2 time(s))" in result.output
    assert "0 message(s) sent, 3 not sent" in result.output
    assert [entry["status"] for entry in ledger(project)] == ["failed"]     # nothing was handed over


def test_mail_sends_nothing_when_the_data_makes_the_build_fail(project, server):
    """A relations file emptied to its header: the build fails (0 relations) and keeps last
    build's output; mail reads the data as the build does and refuses, saying why."""
    site = project.parent / "site"
    before = sorted(p.relative_to(site).as_posix() for p in site.rglob("*"))
    (project.parent / "data" / "relations.csv").write_text("id;name;kind;role;owner;category;since;city\n",
                                                          encoding="utf-8")
    build = cli("build", "--config", project, "--as-of", "2026-12-01", "--format", "json")
    assert build.exit_code == 1
    assert "config.toml:4: [[sources]]: expected relations to report on, found none" in build.output
    assert sorted(p.relative_to(site).as_posix() for p in site.rglob("*")) == before
    for command in (("mail",), ("mail", "--dry-run")):
        result = cli(*command, "--config", project)
        assert result.exit_code == 1, result.output
        assert result.output.startswith(
            "Error: 1 data problem(s); the build fails on them, so nothing is sent:\n"
            "  config.toml:4: [[sources]]: expected relations to report on, found none "
            "(data/relations.csv: nothing; data/employees.csv: 2 employees; data/touchpoints.csv: "
            "3 touchpoints; data/business.csv: 1 business); a report of 0 relations is not made\n")
    assert server.connections == 0 and server.recorder.received == []
    assert not (site / "mail").exists()


def test_a_mail_template_that_links_outside_the_project_is_refused(project, server, tmp_path):
    # templates/mail/body.txt as a link to a file elsewhere: not read, a warning, and the
    # built-in body is used; nothing of the outside file reaches a message
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "body.txt").write_text("SECRET-ELSEWHERE {{ relation_count }}", encoding="utf-8")
    folder = project.parent / "templates" / "mail"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "body.txt").symlink_to(elsewhere / "body.txt")
    result = cli("mail", "--config", project, "--dry-run")
    assert result.exit_code == 0, result.output
    assert "warning: templates/mail/body.txt: expected a template inside the project" in result.output
    outbox = project.parent / "site" / "mail" / "dry-run"
    assert all(b"SECRET-ELSEWHERE" not in path.read_bytes() for path in outbox.iterdir())
