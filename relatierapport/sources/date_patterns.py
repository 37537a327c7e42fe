"""Date patterns as users write them in config.toml, as strftime formats and back.

Every tabular source takes ``date_format = ["dd-mm-yyyy", "%d/%m/%Y", "auto"]``.
One translation here keeps a pattern meaning the same in the CSV, xlsx and CRM
sources, and the messages name formats the way the user wrote them.
"""

from __future__ import annotations

import re

#: What "auto" means for CSV and xlsx: the two forms that cannot be misread.
AUTO = ("%Y-%m-%d", "%d-%m-%Y")


def strftime_formats(patterns: list[str], auto: tuple[str, ...] = AUTO,
                     first: tuple[str, ...] = ()) -> tuple[str, ...]:
    """The strftime formats for ``patterns``, in order and without repeats.

    "auto" stands for ``auto`` (a reader's own unambiguous formats); a pattern with
    a ``%`` is strftime already; otherwise yyyy (Dutch jjjj), mm and dd become
    %Y, %m and %d. ``first`` comes before all, e.g. ISO where a reader writes
    date cells as ISO text.
    """
    formats = list(first)
    for pattern in patterns:
        if pattern == "auto":
            formats.extend(auto)
        elif "%" in pattern:
            formats.append(pattern)
        else:
            fmt = re.sub(r"(?i)yyyy|jjjj", "%Y", pattern)
            formats.append(re.sub(r"(?i)dd", "%d", re.sub("mm|MM", "%m", fmt)))
    return tuple(dict.fromkeys(formats))


def shown(fmt: str) -> str:
    """A strftime format as messages show it: ``%d-%m-%Y`` -> ``dd-mm-yyyy``."""
    return fmt.replace("%Y", "yyyy").replace("%m", "mm").replace("%d", "dd")
