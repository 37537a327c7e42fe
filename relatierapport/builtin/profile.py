"""Built-in plugin ``profile``: who a relation is, and the index of all relations.

The relation plan opens with the relation's own data (kind, role, owner,
organisation and its contact persons, contact details, tags); the portfolio
ends with an index linking every relation to its plan.
"""

from __future__ import annotations

from relatierapport import hookimpl
from relatierapport.hooktypes import Section


def _employee_name(portfolio, employee_id):
    employee = portfolio.employees.get(employee_id) if employee_id else None
    return employee.name if employee else employee_id


def _contacts_by_organisation(portfolio) -> dict[str, list[dict]]:
    contacts: dict[str, list[dict]] = {}
    for person in portfolio.relations.values():
        if person.organisation:
            contacts.setdefault(person.organisation, []).append(
                {"id": person.id, "name": person.name, "role": person.role})
    return contacts


@hookimpl
def report_sections(kind, relation, report):
    portfolio = report.portfolio
    if kind == "relation":
        organisation = portfolio.relations.get(relation.organisation) if relation.organisation else None
        contacts = report.memo("profile.contacts", lambda: _contacts_by_organisation(portfolio))
        data = {
            "owner_name": _employee_name(portfolio, relation.owner),
            "organisation": {"id": organisation.id, "name": organisation.name} if organisation else None,
            "contacts": contacts.get(relation.id, []),
        }
        return [Section("profile", report.translate("Profile"), "sections/profile.html", 0, data)]

    cadence = report.findings.get("cadence")
    rows = []
    for item in sorted(portfolio.relations.values(), key=lambda r: (r.name.casefold(), r.id)):
        found = cadence.relations.get(item.id, {}) if cadence else {}
        rows.append({"id": item.id, "name": item.name, "kind": item.kind, "role": item.role,
                     "owner_name": _employee_name(portfolio, item.owner), "city": item.city,
                     "category": found.get("category", item.category),
                     "status": found.get("status")})
    kinds = {"organisation": 0, "person": 0}
    for item in portfolio.relations.values():
        kinds[item.kind] = kinds.get(item.kind, 0) + 1
    summary = {"relations": len(portfolio.relations), "kinds": kinds,
               "employees": len(portfolio.employees),
               "touchpoints": portfolio.touchpoints.height, "business": portfolio.business.height}
    return [Section("summary", report.translate("Portfolio at a glance"), "sections/summary.html", 0,
                    summary),
            Section("index", report.translate("All relations"), "sections/index.html", 1000,
                    {"rows": rows})]
