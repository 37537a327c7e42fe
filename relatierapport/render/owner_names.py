"""How a page names a relation's account manager: never a bare CRM id in that place.

An owner is an employee id after loading (sources/owners.py), shown as the
employee's name. An owner the data named but no employee matched (a CRM user
id such as ``005x0000000fNSiAAM``, a name no employees table has) is shown as
"unknown account manager", with what the source wrote as a note in small
print, so the reader can still tell who it was. Sections put both in their
data; templates only show them.
"""

from __future__ import annotations

from relatierapport.render.labels import N_

UNKNOWN = N_("unknown account manager")


def account_manager(portfolio, owner: str | None, owner_value: str | None, gettext) -> dict:
    """``{"owner_name": …, "owner_value": …}`` for a page: the employee's name, or "unknown
    account manager" and the source's value, or both None (nobody is named)."""
    if owner:
        employee = portfolio.employees.get(owner)
        return {"owner_name": employee.name if employee else owner, "owner_value": None}
    if owner_value:
        return {"owner_name": gettext(UNKNOWN), "owner_value": owner_value}
    return {"owner_name": None, "owner_value": None}
