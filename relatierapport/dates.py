"""Calendar arithmetic the method needs: "monthly" means the same day next month."""

from __future__ import annotations

import calendar
import datetime as dt

#: Days in a year wherever a span of days is shown in years (relationship duration): the mean
#: length of a calendar year (365.25: a leap day every four years), so ten years from 1 Nov 2016
#: to 1 Nov 2026 (3,652 days) are 10.0 years and not 10.01. Spans are whole days, end minus start.
YEAR_DAYS = 365.25


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` plus whole months, clipped to the month's last day (31 jan + 1 = 28/29 feb)."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    return dt.date(year, month + 1, min(day.day, last))
