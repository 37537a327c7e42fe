"""What the segmentation's outcomes are called: their keys, names shown, and fixed texts.

The keys are report.json's; the names (marked with ``N_``) are translated on
the pages. Texts for unknown values are fixed, so the pages can show them
translated too.
"""

from __future__ import annotations

from relatierapport.render.labels import N_, PHASE_NAMES, SEGMENT_NAMES, TYPE_NAMES

NAME = "segmentation"
#: The analysis whose P(alive) also makes a relation a sleeping beauty (read from its findings).
CLV = "clv"
CATEGORIES = ("A", "B", "C")
CATEGORY_METHODS = ("data", "scoring", "revenue_share")
SEGMENTS = ("invest", "develop", "harvest", "ignore")
TYPES = ("sleeping_beauty", "unfaithful", "inflatable", "marriage_partner")
RS = ("recency", "regularity", "duration", "revenue", "referrals")
PHASES = ("attract", "develop", "retain", "wind_down")

R_NAMES = {"recency": N_("Recency"), "regularity": N_("Regularity"),
           "duration": N_("Relationship duration"), "revenue": N_("Revenue after hours"),
           "referrals": N_("Referrals given")}
DEFAULT_POLICIES = {
    "invest": N_("Intensive, personal contact by an account manager or management; cooperate."),
    "develop": N_("Intensive; build access through intermediaries and visibility "
                  "(publish, events, board seats)."),
    "harvest": N_("Extensive; frequent direct-marketing contact (phone, mail, e-mail); "
                  "ask their opinion."),
    "ignore": N_("Incidental communication only."),
}
DEFAULT_ADVICE = {
    "sleeping_beauty": N_("Wake them up, or consciously let them sleep."),
    "unfaithful": N_("Win them back: more service, a volume discount."),
    "inflatable": N_("Deflate: stop over-investing time and attention."),
    "marriage_partner": N_("Pamper them extra and show the full range."),
}
#: Reasons for unknown values: fixed texts, so the pages can show them translated.
NO_BUSINESS = N_("no business records")
NO_OWN_BUSINESS = N_("no business records of its own (see its organisation)")
NO_AMOUNTS = N_("its business records carry no amounts")
NO_HOURS = N_("no hours recorded in its business records")
NO_HOURS_IN_WINDOW = N_("no hours recorded for the business of the period")
NO_HOURS_SOME = N_("hours missing on some business records of the period")
NO_AMOUNT_SOME = N_("amounts missing on some won records of the period")
NO_WON_BUSINESS = N_("no won business")
NO_SINCE = N_("no start date (since) in the data")
LATER_SINCE = N_("starts after the report date")
NO_TOUCHPOINTS = N_("no touchpoints")
#: The conditions of each customer type, in the order they are explained.
#: The sleeping beauty holds by its months rule (had_business and quiet) or, when the clv analysis
#: ran, by ``probably_lost`` alone (a repeat buyer whose P(alive) is below its threshold).
CONDITIONS = {"sleeping_beauty": ("had_business", "quiet", "probably_lost"),
              "unfaithful": ("active", "disloyal"),
              "inflatable": ("effort", "low_value"),
              "marriage_partner": ("regular", "active", "profitable", "loyal")}
