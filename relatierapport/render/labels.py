"""Readable, translatable names for the model's codes ("client" -> "opdrachtgever").

Codes a user wrote that we do not know are shown as written: they are data,
not fixed text.
"""

from __future__ import annotations


def N_(message: str) -> str:
    """Marks a text for the translation catalog without translating it here."""
    return message


LABELS: dict[str, dict[str, str]] = {
    "kind": {"organisation": N_("organisation"), "person": N_("person")},
    "role": {
        "client": N_("client"), "candidate": N_("candidate"), "contact": N_("contact person"),
        "funder": N_("funder"), "intermediary": N_("intermediary"),
        "target_group": N_("target group"), "donor": N_("donor"), "partner": N_("partner"),
    },
    "cadence": {
        "on_track": N_("on track"), "due_soon": N_("due soon"), "overdue": N_("overdue"),
        "never_contacted": N_("never contacted"), "no_history": N_("no touchpoints in the data"),
    },
    # the method's segments, customer types and lifecycle phases (segmentation's findings),
    # named alike wherever they are shown
    "segment": {"invest": N_("Invest"), "develop": N_("Develop"), "harvest": N_("Harvest"),
                "ignore": N_("Ignore")},
    "customer_type": {"sleeping_beauty": N_("Sleeping beauty"), "unfaithful": N_("Unfaithful love"),
                      "inflatable": N_("Inflatable"), "marriage_partner": N_("Marriage partner")},
    "phase": {"attract": N_("Attracting"), "develop": N_("Developing"), "retain": N_("Retaining"),
              "wind_down": N_("Winding down")},
}
SEGMENT_NAMES = LABELS["segment"]
TYPE_NAMES = LABELS["customer_type"]
PHASE_NAMES = LABELS["phase"]


def label(value: str | None, vocabulary: str, gettext) -> str:
    if value is None:
        return "–"
    known = LABELS.get(vocabulary, {}).get(value)
    return gettext(known) if known else value
