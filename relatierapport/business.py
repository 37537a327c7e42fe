"""The ``[business]`` table: facts about the organisation's business data that several analyses use.

What an hour of our time costs and whether a business record without a status
is done business are facts about the data, not choices of one analysis:
segmentation, the indicators, the goal metrics and the relation plans all use
them, and no plugin may read another plugin's table. So the core owns them,
like ``[identity]``.
"""

from __future__ import annotations

from typing import Any

import polars as pl

from relatierapport.options import Boolean, Number, Option, OptionGroup

BUSINESS = OptionGroup("business", (
    Option("hourly_cost", Number(minimum=0), 75.0,
           "Cost of one hour of our time in EUR: profit after hours = won revenue - hours x this."),
    Option("no_status_is_won", Boolean(), True,
           "Business records without a status count as won (done business); false: they are "
           "left out of won revenue and won deals."),
), "Facts about the business data that several analyses use.")

#: Keys that used to sit in a plugin's table: still read there, with a warning, until removed.
MOVED = {"plugins.segmentation": ("hourly_cost", "no_status_is_won")}


def won_condition(business: dict[str, Any]) -> pl.Expr:
    """True for won business records: status ``won``, and no status when ``no_status_is_won``
    (never null, so it filters and counts alike)."""
    status = pl.col("status")
    if business["no_status_is_won"]:
        return (status == "won") | status.is_null()
    return (status == "won").fill_null(False)
