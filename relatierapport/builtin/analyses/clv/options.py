"""``[plugins.clv]``: the time unit the models are fitted in, the horizon and the discount."""

from __future__ import annotations

from relatierapport.dates import YEAR_DAYS
from relatierapport.options import Integer, Number, Option, OptionGroup, Text

NAME = "clv"
#: Days in one unit of time; the fitted r, α (and so the rates) are per unit.
UNIT_DAYS = {"day": 1.0, "week": 7.0, "month": YEAR_DAYS / 12}

OPTIONS = OptionGroup(f"plugins.{NAME}", (
    Option("time_unit", Text(choices=tuple(UNIT_DAYS)), "week",
           "Unit of time the BG/NBD model is fitted in (its r and alpha are per this unit): "
           "the literature uses weeks."),
    Option("horizon_months", Integer(minimum=1, maximum=120), 12,
           "Months ahead over which expected purchases, expected value and the lifetime value "
           "are counted."),
    Option("discount_rate", Number(minimum=0, maximum=1), 0.10,
           "Yearly discount rate for the lifetime value (0.10 = 10 % a year), applied per month."),
    Option("min_repeat_customers", Integer(minimum=2), 20,
           "Fewest relations with a repeat purchase for the models to be fitted at all; with fewer "
           "every figure is unknown, with the reason."),
    Option("max_fit_customers", Integer(minimum=100), 10000,
           "Most relations a model is fitted on: with more, every k-th in id order (all of them "
           "still get their figures); the fit's cost grows with this, not with the portfolio."),
    Option("probably_lost_below", Number(minimum=0, maximum=1), 0.5,
           "A relation with repeat purchases whose probability of being alive is below this is "
           "'probably lost' (the attention page and the sleeping-relation check use it)."),
), "Customer value: BG/NBD and Gamma-Gamma (probability alive, expected purchases, lifetime value).")
