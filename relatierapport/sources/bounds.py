"""What a reader may unpack and hold, counted while it reads.

Archive headers say how large a member will be, but a reader that trusts them
can still be made to unpack far more than it keeps (many members, each under a
per-member cap) or to hold far more than the file suggests (a CSV header of
200,000 columns). So the readers count as they go: every byte a zip member
yields is counted against one ``Budget`` for the whole archive (and the
workbooks inside it), so is every member opened, and a reader stops at the
first byte past the cap with one located error. The caps are source options
(``max_unpacked_mb``, ``max_members``, ``max_columns``, ``max_rows``), documented in
docs/sources.md.

``outside_name`` tells which member names would point outside the archive's
own tree (``../x.csv``, ``/etc/x``, ``C:\\x``): those members are never read.
"""

from __future__ import annotations

import posixpath
import re
from typing import IO

from relatierapport.options import Integer, Option

#: Defaults of the caps; docs/sources.md explains them, benchmarks/README.md measures them.
MAX_UNPACKED_MB = 256
MAX_MEMBERS = 1000
MAX_COLUMNS = 16_384            # Excel's widest sheet (XFD)
MAX_ROWS = 1_000_000
CHUNK = 1 << 20

UNPACKED_OPTION = Option(
    "max_unpacked_mb", Integer(minimum=1, maximum=1 << 20), MAX_UNPACKED_MB,
    "The most a .zip or .xlsx may unpack to, in MB, counted while it is read across all its "
    "members (a zip bomb or an archive of many files stops with an error here).")
MEMBERS_OPTION = Option(
    "max_members", Integer(minimum=1), MAX_MEMBERS,
    "The most CSV, .xlsx or XML files read from one .zip or folder.")
ROWS_OPTION = Option(
    "max_rows", Integer(minimum=1), MAX_ROWS,
    "The most rows read from all files of the source together; each row read is held as a "
    "record until the build ends.")
COLUMNS_OPTION = Option(
    "max_columns", Integer(minimum=1), MAX_COLUMNS,
    "The most columns a header line may have (16,384 is Excel's widest sheet); a wider file "
    "is refused before it is read.")


class OverCap(Exception):
    """Reading went past a cap; ``problem_text`` says which and how to raise it."""


class Budget:
    """Bytes unpacked and members opened, for one archive (or one workbook), counted as read."""

    def __init__(self, max_bytes: int, max_members: int = MAX_MEMBERS, what: str = "the .zip"):
        self.max_bytes, self.max_members, self.what = max_bytes, max_members, what
        self.unpacked = 0
        self.members = 0
        self.over = False                 # a cap was passed: nothing more is read

    @classmethod
    def from_options(cls, options: dict, what: str = "the .zip") -> Budget:
        return cls(options.get("max_unpacked_mb", MAX_UNPACKED_MB) << 20,
                   options.get("max_members", MAX_MEMBERS), what)

    def member(self) -> None:
        self.members += 1
        if self.members > self.max_members:
            self.over = True
            raise OverCap(f"expected at most {self.max_members:,} files in {self.what} "
                          f"(max_members), found more: nothing more is read")

    def take(self, size: int) -> None:
        self.unpacked += size
        if self.unpacked > self.max_bytes:
            self.over = True
            raise OverCap(f"expected {self.what} to unpack to at most {self.max_bytes >> 20:,} MB "
                          f"(max_unpacked_mb), found more: reading stopped there")

    def read(self, handle: IO[bytes]) -> bytes:
        """All of ``handle`` (an open zip member), a chunk at a time, counted as it comes."""
        parts = []
        while chunk := handle.read(CHUNK):
            self.take(len(chunk))
            parts.append(chunk)
        return b"".join(parts)

    def stream(self, handle: IO[bytes]) -> Counted:
        return Counted(handle, self)


class Counted:
    """A readable stream whose every byte is counted against a budget (raises OverCap)."""

    def __init__(self, handle: IO[bytes], budget: Budget):
        self._handle, self._budget = handle, budget

    def read(self, size: int = -1) -> bytes:
        data = self._handle.read(CHUNK if size is None or size < 0 else size)
        self._budget.take(len(data))
        return data

    def close(self) -> None:
        self._handle.close()

    def __enter__(self) -> Counted:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


_DRIVE = re.compile(r"^[A-Za-z]:")


def outside_name(name: str) -> str | None:
    """Why a zip member name points outside the archive's tree, or None when it stays inside.

    Backslashes count as separators (archives made on Windows); the name is normalised first,
    so ``a/../b.csv`` stays inside and ``a/../../b.csv`` does not.
    """
    if "\x00" in name:
        return "a name with a NUL character"
    posix = name.replace("\\", "/")
    if posix.startswith("/") or _DRIVE.match(posix):
        return "an absolute path"
    normal = posixpath.normpath(posix)
    if normal == ".." or normal.startswith("../"):
        return "a path that leads out of the archive (..)"
    return None


def header_fields(path, skip_lines: int, delimiters: tuple[str, ...], max_columns: int) \
        -> tuple[int, str] | None:
    """(fields, delimiter) when the header line (after ``skip_lines``) splits into more than
    ``max_columns`` fields by one of ``delimiters``; None otherwise. Streams the file's start
    a megabyte at a time and stops as soon as the count is over, so neither the line nor the
    file is held. Counts bytes, so it works for any ASCII-compatible encoding and for UTF-16
    (a quoted delimiter counts too; the caps are far above real headers)."""
    wanted = [d.encode("ascii") for d in delimiters if d.isascii()]
    counts = dict.fromkeys(wanted, 0)
    line = 0
    with open(path, "rb") as handle:
        while block := handle.read(CHUNK):
            start = 0
            while line < skip_lines:
                end = block.find(b"\n", start)
                if end < 0:
                    start = len(block)
                    break
                line, start = line + 1, end + 1
            if line < skip_lines:
                continue
            end = block.find(b"\n", start)
            piece = block[start:end if end >= 0 else len(block)]
            for delimiter in wanted:
                counts[delimiter] += piece.count(delimiter)
                if counts[delimiter] + 1 > max_columns:
                    return counts[delimiter] + 1, delimiter.decode("ascii")
            if end >= 0:
                return None
    return None
