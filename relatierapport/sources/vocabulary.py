"""The model's coded values and the Dutch and English words users write for them.

Sources pass every coded field through ``normalise`` so that analyses compare
against one spelling ("phone"), whatever the CRM or spreadsheet said
("Telefoon", "tel.", "phone call").
"""

from __future__ import annotations

import re

# canonical code -> words that mean it (lowercase; the code itself always counts)
VOCABULARY: dict[str, dict[str, tuple[str, ...]]] = {
    "kind": {
        "organisation": ("organisatie", "organization", "org", "bedrijf", "company", "account"),
        "person": ("persoon", "contact", "individual", "particulier"),
    },
    "direction": {
        "out": ("uit", "uitgaand", "outbound", "outgoing", "wij"),
        "in": ("inkomend", "inbound", "incoming", "zij"),
    },
    "category": {"A": ("a",), "B": ("b",), "C": ("c",)},
    "survey_kind": {
        "customer": ("klant", "relatie", "client"),
        "employee": ("medewerker", "staff", "personeel"),
    },
    "channel": {
        "phone": ("telefoon", "tel", "telefonisch", "call", "bellen"),
        "visit": ("bezoek", "meeting", "afspraak", "overleg"),
        "email": ("e-mail", "mail bericht", "e-mailbericht"),
        "event": ("evenement", "bijeenkomst", "seminar", "webinar"),
        "mail": ("post", "brief", "letter", "direct mail"),
    },
    "touchpoint_kind": {
        "check_in": ("check-in", "checkin", "contact", "kennismaking"),
        "value_add": ("waarde", "value-add", "marktinzicht", "introductie", "advies"),
        "offer": ("offerte", "quote", "aanbieding"),
        "evaluation": ("evaluatie",),
        "complaint": ("klacht",),
        "complaint_resolved": ("klacht opgelost", "complaint resolved"),
        "referral_given": ("verwijzing gegeven", "referral given", "doorverwijzing gegeven"),
        "referral_received": ("verwijzing ontvangen", "referral received",
                              "doorverwijzing ontvangen"),
    },
    "signal": {
        "competitor": ("concurrent", "concurrentie", "competitor mentioned"),
        "rate_pressure": ("prijsdruk", "tariefdruk", "tarief"),
        "stakeholder_change": ("nieuwe contactpersoon", "new contact", "stakeholderwissel"),
        "exclusivity_lost": ("exclusiviteit kwijt", "exclusivity lost", "geen exclusiviteit"),
        "strategic": ("strategisch", "strategic involvement"),
        "first_call": ("eerste keus", "first-call", "first choice"),
        "no_response": ("geen reactie", "no reply"),
    },
    "phase": {
        "attract": ("aantrekken", "acquisitie", "acquisition"),
        "develop": ("ontwikkelen", "development"),
        "retain": ("behouden", "retention", "binden"),
        "wind_down": ("afbouwen", "wind down", "wind-down"),
    },
    "status": {
        "won": ("gewonnen", "closed won", "afgerond"),
        "lost": ("verloren", "closed lost"),
        "open": ("lopend", "in behandeling"),
        "quote": ("offerte", "offered"),
    },
    "role": {
        "client": ("klant", "opdrachtgever", "customer"),
        "candidate": ("kandidaat",),
        "contact": ("contactpersoon", "contact person"),
        "funder": ("input-organisatie", "financier", "subsidiegever"),
        "intermediary": ("intermediair",),
        "target_group": ("consumerende doelgroep", "doelgroep"),
        "donor": ("donateur",),
        "partner": ("partner",),
    },
}

#: Vocabularies whose unknown words are errors; the others keep unknown words as written.
CLOSED = frozenset({"kind", "direction", "category", "survey_kind"})


def _key(word: str) -> str:
    return re.sub(r"[\s_\-.]+", " ", word.strip().lower())


_LOOKUP: dict[str, dict[str, str]] = {
    vocabulary: {_key(word): code for code, words in codes.items() for word in (code, *words)}
    for vocabulary, codes in VOCABULARY.items()
}


def normalise(vocabulary: str, word: str) -> str | None:
    """The canonical code for ``word``; for open vocabularies the word itself when unknown.

    Returns None for a word outside a closed vocabulary, so the caller can
    report it with its location.
    """
    code = _LOOKUP[vocabulary].get(_key(word))
    if code is not None:
        return code
    if vocabulary in CLOSED:
        return None
    return word.strip()


def mapping(vocabulary: str) -> dict[str, str]:
    """Every known spelling (already lowercased and squeezed) to its code, for vectorised use."""
    return dict(_LOOKUP[vocabulary])


def expected(vocabulary: str) -> str:
    """A human description of the accepted codes, for error messages."""
    return " or ".join(sorted(VOCABULARY[vocabulary]))
