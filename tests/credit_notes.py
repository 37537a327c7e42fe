"""A small portfolio with credit notes, shared by the tests of every analysis that counts deals.

Report date 1 Nov 2026; hourly cost 50 by default.
K1: a deal of 10,000 (1 Jun 2025, 10 h), a deal of 8,000 (1 Feb 2026, 20 h) and a credit note
    of -2,000 after it (1 Mar 2026, no hours).
K2: a deal of 5,000 (1 May 2025, 10 h); in the last 12 months only a credit note of -1,000.
K3: nothing but a credit note of -500 without a status (won by default), 2 hours.
"""

CREDIT_RELATIONS = [
    {"id": "K1", "name": "Kaas", "kind": "organisation", "owner": "M1", "category": "A",
     "since": "2020-01-01"},
    {"id": "K2", "name": "Klei", "kind": "organisation", "owner": "M1", "category": "A",
     "since": "2020-01-01"},
    {"id": "K3", "name": "Kers", "kind": "organisation", "owner": "M2", "category": "B",
     "since": "2026-01-01"},
]
CREDIT_BUSINESS = [
    {"relation": "K1", "date": "2025-06-01", "amount": 10000, "hours": 10, "status": "won"},
    {"relation": "K1", "date": "2026-02-01", "amount": 8000, "hours": 20, "status": "won"},
    {"relation": "K1", "date": "2026-03-01", "amount": -2000, "hours": None, "status": "won"},
    {"relation": "K2", "date": "2025-05-01", "amount": 5000, "hours": 10, "status": "won"},
    {"relation": "K2", "date": "2026-04-01", "amount": -1000, "hours": None, "status": "won"},
    {"relation": "K3", "date": "2026-05-01", "amount": -500, "hours": 2, "status": None},
]
