"""The ``[business]`` table: facts about the organisation's business data that several analyses use.

What an hour of our time costs and whether a business record without a status
is done business are facts about the data, not choices of one analysis:
segmentation, the indicators, health, the goal metrics and the relation plans all
use them, and no plugin may read another plugin's table. So the core owns them,
like ``[identity]``, and with them the three definitions every analysis counts by:

*won record*
    status ``won``, or no status when ``no_status_is_won`` (``won_condition``).
    Won records make the won revenue: the sum of their amounts, negative ones
    included, records without an amount left out.
*credit note*
    a won record with a negative amount (``credit_note_condition``): a refund
    or correction. It lowers the won revenue and is never a deal.
*deal* (a won deal)
    a won record whose amount is not negative (``deal_condition``): an amount
    of 0 is a deal (business done for nothing is still business done), and so
    is a won record without an amount (a placement booked without its fee).
    Everything that counts business done counts deals: won deals, repeat
    business, regularity, the first and the last deal (recency), the repeat
    share and retention.
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
           "left out of won revenue and won deals. A won record with a negative amount is a "
           "credit note: it lowers won revenue and is never a won deal."),
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


def credit_note_condition(business: dict[str, Any]) -> pl.Expr:
    """True for credit notes: won records (``won_condition``) with a negative amount. They lower
    the won revenue and never count as a deal (never null)."""
    return won_condition(business) & (pl.col("amount") < 0).fill_null(False)


def deal_condition(business: dict[str, Any]) -> pl.Expr:
    """True for deals: won records (``won_condition``) whose amount is not negative; an amount of
    0 and no amount at all are deals, a credit note is not (never null)."""
    return won_condition(business) & ~(pl.col("amount") < 0).fill_null(False)
