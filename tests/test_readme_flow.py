"""The manual's monthly flow, run as written: build, then mail, against an SMTP server on loopback.

The commands and the config blocks are read from docs/delivery.md (the blocks after
the monthly-flow markers), so the manual cannot drift from what works.
"""

from __future__ import annotations

import email
import email.policy
import re
import shlex

from aiosmtpd.controller import Controller

from conftest import REPO, run, write_project
from smtp_server import free_port
from test_mail import EMPLOYEES


def block_after(page: str, marker: str) -> str:
    """The fenced block after ``<!-- marker: … -->`` on a page of the manual (docs/)."""
    text = (REPO / "docs" / page).read_text(encoding="utf-8")
    found = re.search(rf"<!-- {marker}:[^>]*-->\n```\w*\n(.*?)```", text, re.S)
    assert found, f"docs/{page} has no block after <!-- {marker} -->"
    return found[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, email.message_from_bytes(envelope.content,
                                                                           policy=email.policy.default)))
        return "250 OK"


def test_the_monthly_flow_of_the_manual(tmp_path):
    inbox, port = Inbox(), free_port()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    try:
        local_smtp = block_after("delivery.md", "monthly-flow-local-smtp").replace("port = 8025",
                                                                                  f"port = {port}")
        assert f"port = {port}" in local_smtp
        config = write_project(tmp_path, files={"employees.csv": EMPLOYEES.replace("testbureau.nl", "voorbeeld-ws.nl")},
                               extra_config=block_after("delivery.md", "monthly-flow-config") + local_smtp)
        outputs = []
        for line in block_after("delivery.md", "monthly-flow").strip().splitlines():
            command = shlex.split(line)
            assert command[0] == "relatierapport"
            done = run(*command[1:], cwd=config.parent)
            assert done.returncode == 0, f"{line}\n{done.stdout}\n{done.stderr}"
            outputs.append(done.stdout)
    finally:
        server.stop()
    build, dry_run, mail, again = outputs
    assert "built 3 relations" in build and (tmp_path / "build-summary.json").is_file()
    assert "wrote 3 message(s)" in dry_run and len(list((tmp_path / "site" / "mail" / "dry-run").iterdir())) == 3
    assert ": 3 sent, 0 already sent" in mail
    assert ": 0 sent, 3 already sent" in again
    received = {tuple(rcpt): message for rcpt, message in inbox.messages}
    assert len(inbox.messages) == 3                 # one per owner, one for management
    plans = {rcpt: sorted(p.get_filename() for p in message.iter_attachments() if "-" in p.get_filename()
                          and not p.get_filename().startswith(("portfolio", "calendar")))
             for rcpt, message in received.items()}
    assert plans == {("mila@voorbeeld-ws.nl",): ["c1-carla-de-jong.pdf", "k1-alfa-bouw.pdf"],
                     ("sem@voorbeeld-ws.nl",): ["k2-beta-zorg.pdf"], ("directie@voorbeeld-ws.nl",): []}
    for message in received.values():
        assert any(p.get_filename().startswith("portfolio-") for p in message.iter_attachments())
