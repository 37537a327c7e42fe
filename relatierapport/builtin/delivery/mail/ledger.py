"""The mail ledger: what was sent to whom for which report month, so each message goes once.

``<output>/mail/ledger.jsonl`` gets one JSON line per state change of a message,
appended and flushed to disk (fsync) before the program goes on:

- ``sending``: written before the SMTP transaction of the message starts;
- ``sent``: the server accepted it;
- ``refused``: the server refused it for good (5xx), nothing was delivered;
- ``failed``: it could not be handed over (temporary errors until the retries
  ran out, or no connection), nothing was delivered;
- ``unknown``: the connection broke after the message was handed over, before
  the server's answer.

A message's state is its last line. A later run sends what is not ``sent``,
except a message left in ``sending`` (the run crashed mid-transaction) or
``unknown``: the server may have delivered it, so it is reported and sent again
only with ``--resend``. The ledger survives rebuilds of the output (see
``publish.CARRIED``).
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass
from pathlib import Path

LEDGER = "mail/ledger.jsonl"
DONE = "sent"
UNCERTAIN = ("sending", "unknown")


@dataclass(frozen=True)
class Entry:
    message_id: str
    period: str
    to: str
    status: str
    time: str
    detail: str = ""


class Ledger:
    """The ledger of one output folder: its entries as read, and appending new ones durably."""

    def __init__(self, path: Path):
        self.path = path
        self.latest: dict[str, Entry] = {}
        self.damaged_lines: list[int] = []
        if path.exists():
            with path.open(encoding="utf-8") as handle:
                for number, line in enumerate(handle, start=1):
                    if not line.strip():
                        continue
                    try:
                        entry = Entry(**json.loads(line))
                    except (ValueError, TypeError):
                        self.damaged_lines.append(number)   # e.g. cut off by a crash mid-write
                        continue
                    self.latest[entry.message_id] = entry

    def state(self, message_id: str) -> Entry | None:
        return self.latest.get(message_id)

    def record(self, message_id: str, period: str, to: str, status: str, detail: str = "") -> Entry:
        """Append one line and make sure it is on disk before returning."""
        entry = Entry(message_id, period, to, status,
                      dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"), detail)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        line = (json.dumps(entry.__dict__, ensure_ascii=False) + "\n").encode("utf-8")
        new = not self.path.exists()
        handle = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(handle, line)
            os.fsync(handle)
        finally:
            os.close(handle)
        if new:                       # the file's name must be on disk too
            folder = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(folder)
            finally:
                os.close(folder)
        self.latest[message_id] = entry
        return entry
