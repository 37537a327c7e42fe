"""A cell's value as the text ``tabular.convert`` parses (the choices are in the source's docstring)."""

from __future__ import annotations

import datetime as dt
import math
from decimal import Decimal
from typing import Any


#: Excel serial numbers read as dates in date columns: 1920-01-01 .. 2100-12-31.
SERIAL_RANGE = (7306, 73415)


def cell_text(value: Any, date_column: bool, decimal: str, epoch) -> str | None:
    """A cell's value as the text tabular parses (see the module docstring)."""
    if value is None:
        return None
    if isinstance(value, str):
        return value if value.strip() else None
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, (int, float)):
        if date_column:
            day = _serial_date(value, epoch)
            if day is not None:
                return day.isoformat()
        return _number_text(value, decimal)
    if isinstance(value, dt.datetime):
        if date_column or value.time() == dt.time():
            return value.date().isoformat()
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    return str(value)


def _number_text(value: int | float, decimal: str) -> str:
    if isinstance(value, int):
        text = str(value)
    elif not math.isfinite(value):
        return str(value)
    elif value.is_integer() and abs(value) < 1e15:
        text = str(int(value))
    else:
        text = repr(value)
        if "e" in text or "E" in text:
            text = format(Decimal(text), "f")
    return text.replace(".", decimal) if decimal != "." else text


def _serial_date(value: int | float, epoch) -> dt.date | None:
    if not math.isfinite(value) or not SERIAL_RANGE[0] <= value < SERIAL_RANGE[1] + 1:
        return None
    from openpyxl.utils.datetime import from_excel
    try:
        moment = from_excel(value, epoch)
    except (OverflowError, ValueError):
        return None
    return moment.date() if isinstance(moment, dt.datetime) else None
