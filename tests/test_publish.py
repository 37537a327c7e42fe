"""The atomic swap keeps what outlives a build: the mail ledger survives a rebuild."""

from __future__ import annotations

import json

from conftest import cli
from relatierapport.render.publish import swap_in


def test_a_rebuild_keeps_the_mail_folder_and_nothing_else_of_the_old_output(project):
    assert cli("build", "--config", project, "--as-of", "2026-11-01", "--format", "json").exit_code == 0
    site = project.parent / "site"
    (site / "mail").mkdir()
    (site / "mail" / "ledger.jsonl").write_text('{"status": "sent"}\n', encoding="utf-8")
    (site / "stale.txt").write_text("from an old build", encoding="utf-8")
    assert cli("build", "--config", project, "--as-of", "2026-11-01", "--format", "json").exit_code == 0
    assert (site / "mail" / "ledger.jsonl").read_text(encoding="utf-8") == '{"status": "sent"}\n'
    assert not (site / "stale.txt").exists()
    assert json.loads((site / "report.json").read_text(encoding="utf-8"))["as_of"] == "2026-11-01"


def test_a_failed_build_leaves_the_ledger_where_it_was(project):
    assert cli("build", "--config", project, "--format", "json").exit_code == 0
    site = project.parent / "site"
    (site / "mail").mkdir()
    (site / "mail" / "ledger.jsonl").write_text("line\n", encoding="utf-8")
    project.write_text(project.read_text(encoding="utf-8") + "\n[plugins.cadence]\nmonths = 1\n",
                       encoding="utf-8")
    assert cli("build", "--config", project, "--format", "json").exit_code == 2
    assert (site / "mail" / "ledger.jsonl").read_text(encoding="utf-8") == "line\n"


def test_the_carried_ledger_is_the_same_file_so_later_lines_land_in_the_new_output(tmp_path):
    old, new = tmp_path / "site", tmp_path / ".site.building-1-x"
    (old / "mail").mkdir(parents=True)
    (old / "report.json").write_text("{}", encoding="utf-8")
    (old / "mail" / "ledger.jsonl").write_text("one\n", encoding="utf-8")
    new.mkdir()
    (new / "report.json").write_text('{"new": true}', encoding="utf-8")
    swap_in(new, old)
    assert (old / "report.json").read_text(encoding="utf-8") == '{"new": true}'
    assert (old / "mail" / "ledger.jsonl").read_text(encoding="utf-8") == "one\n"
    assert not new.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["site"]     # no lock file left beside it


def test_the_swap_waits_for_a_mail_run_holding_the_output_lock(tmp_path):
    import threading
    import time

    from relatierapport.render.publish import output_lock

    old, new = tmp_path / "site", tmp_path / ".site.building-1-x"
    (old / "mail").mkdir(parents=True)
    new.mkdir()
    swapped = threading.Event()
    with output_lock(old):
        (old / "mail" / "ledger.jsonl").write_text("sending\n", encoding="utf-8")
        worker = threading.Thread(target=lambda: (swap_in(new, old), swapped.set()))
        worker.start()
        time.sleep(0.3)
        assert not swapped.is_set()           # waits while the lock is held
        with (old / "mail" / "ledger.jsonl").open("a", encoding="utf-8") as ledger:
            ledger.write("sent\n")
    worker.join(5)
    assert swapped.is_set()
    assert (old / "mail" / "ledger.jsonl").read_text(encoding="utf-8") == "sending\nsent\n"
