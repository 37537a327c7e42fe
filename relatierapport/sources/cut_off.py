"""A CSV file that ends in the middle of a record: said, at its last line.

An export copied while it was still being written, a download that stopped half way, or a file
cut to fit an e-mail ends in the middle of a record: its last line has fewer fields than the
header and no line break after it. Shorter rows are otherwise read as they are (their missing
fields are empty: some tools leave trailing empty fields out), so only this combination is a
warning; the record is still read, as the user may well mean it.
"""

from __future__ import annotations

import csv
import io

from relatierapport.errors import Problem


def ends_mid_line(tail: bytes | str) -> bool:
    """Whether a file whose last bytes (or characters) are ``tail`` has a last line with text
    and no line break after it."""
    if isinstance(tail, bytes):
        tail = tail.decode("latin-1")       # only line breaks and blanks are looked at
    return bool(tail) and tail[-1] not in "\r\n" and bool(tail.rsplit("\n", 1)[-1].strip())


def last_record_width(text: str, delimiter: str, quote: str) -> int:
    """Fields in the last record of ``text`` (CSV, read as the csv module and spreadsheets do)."""
    last: list[str] = []
    for last in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar=quote):
        pass
    return len(last)


def cut_off(source: str, line: int, found: int, width: int) -> Problem:
    return Problem(source, f"expected {width} fields (as in the header), found {found} on the last "
                   "line, which has no line break after it: the file looks cut off (saved or "
                   "copied before it was complete?); the record is read with its missing fields "
                   "empty", location=str(line))
