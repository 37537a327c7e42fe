"""Built-in plugin ``profile``: who a relation is, and the index of all relations.

The relation plan ends with the relation's own data (kind, role, owner,
organisation and its contact persons, contact details, tags); an owner that
is no employee reads "unknown account manager" with the source's value in
small print, never a bare CRM id. The portfolio
opens its second part with the portfolio's size and ends with an index
linking every relation to its plan, grouped by account manager. For a large
portfolio the index is bounded (``index_limit``): each account manager's
relations that need attention first (red, overdue, never contacted), the rest
counted, so the PDF stays a report rather than a phone book.
"""

from __future__ import annotations

import polars as pl

from relatierapport import hookimpl
from relatierapport.hooktypes import Section, relation_columns
from relatierapport.options import Integer, Option, OptionGroup
from relatierapport.render.owner_names import account_manager

NAME = "profile"


@hookimpl
def config_options():
    return [OptionGroup(f"plugins.{NAME}", (
        Option("index_limit", Integer(minimum=10), 500,
               "The portfolio's index of relations lists at most this many; beyond it each account "
               "manager's relations that need attention come first and the rest are counted (with "
               "very many account managers: the relations that need attention most)."),
    ), "Relation profiles and the index of relations.")]


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


def _findings_column(report, analysis: str, column: str) -> dict[str, str]:
    found = report.findings.get(analysis)
    if found is None:
        return {}
    frame = relation_columns(found.relations, {column: pl.String})
    return dict(frame.drop_nulls(column).iter_rows())


def index_data(report, limit: int) -> dict:
    """The relations grouped by account manager, at most about ``limit`` rows in all.

    Up to ``limit`` relations: all of them, by name. More: each account manager's relations
    that need attention first (red, overdue, never contacted; then amber or due soon), the
    rest counted; with so many account managers that each would get fewer than four rows,
    one list of the ``limit`` relations that need attention most, with their manager.
    """
    portfolio = report.portfolio
    gettext = report.translate
    status = _findings_column(report, "cadence", "status")
    category = _findings_column(report, "cadence", "category")
    band = _findings_column(report, "health", "band")

    def urgency(relation) -> tuple:
        rid = relation.id
        if band.get(rid) == "red" or status.get(rid) in ("overdue", "never_contacted"):
            level = 0
        else:
            level = 1 if band.get(rid) == "amber" or status.get(rid) == "due_soon" else 2
        return (level, category.get(rid, relation.category) or "D", relation.name.casefold(), rid)

    def manager(owner: str | None, owner_value: str | None) -> dict:
        return account_manager(portfolio, owner, owner_value, gettext)

    def row(r) -> dict:
        return {"id": r.id, "name": r.name, "kind": r.kind, "role": r.role,
                "category": category.get(r.id, r.category), "band": band.get(r.id),
                "status": status.get(r.id), **manager(r.owner, r.owner_value)}

    relations = list(portfolio.relations.values())
    bounded = len(relations) > limit
    # one group per account manager; relations whose owner is no employee are grouped by what
    # the source wrote (after the known account managers), those without an owner come first
    groups: dict[tuple[str | None, str | None], list] = {}
    for item in relations:
        groups.setdefault((item.owner, item.owner_value), []).append(item)
    if bounded and len(groups) * 5 > limit:
        urgent = sorted(relations, key=urgency)[:limit]
        return {"groups": [], "rows": [row(r) for r in urgent], "bounded": True,
                "relations": len(relations), "more": len(relations) - len(urgent)}
    per_group = limit // max(len(groups), 1) - 1 if bounded else None
    result = []

    def order(key: tuple[str | None, str | None]) -> tuple:
        owner, value = key
        rank = 1 if owner else (2 if value else 0)
        return (rank, (_employee_name(portfolio, owner) or "").casefold(), owner or "", value or "")

    for key in sorted(groups, key=order):
        members = groups[key]
        if per_group is None:
            members.sort(key=lambda r: (r.name.casefold(), r.id))
            shown = members
        else:
            shown = sorted(members, key=urgency)[:per_group]
        result.append({**manager(*key), "count": len(members),
                       "more": len(members) - len(shown), "rows": [row(r) for r in shown]})
    return {"groups": result, "rows": [], "bounded": bounded, "relations": len(relations), "more": 0}


@hookimpl
def report_sections(kind, relation, report):
    portfolio = report.portfolio
    if kind == "relation":
        organisation = portfolio.relations.get(relation.organisation) if relation.organisation else None
        contacts = report.memo("profile.contacts", lambda: _contacts_by_organisation(portfolio))
        data = {
            **account_manager(portfolio, relation.owner, relation.owner_value, report.translate),
            "organisation": {"id": organisation.id, "name": organisation.name} if organisation else None,
            "contacts": contacts.get(relation.id, []),
        }
        return [Section("profile", report.translate("Profile"), "sections/profile.html", 58, data)]

    kinds = {"organisation": 0, "person": 0}
    for item in portfolio.relations.values():
        kinds[item.kind] = kinds.get(item.kind, 0) + 1
    summary = {"relations": len(portfolio.relations), "kinds": kinds,
               "employees": len(portfolio.employees),
               "touchpoints": portfolio.touchpoints.height, "business": portfolio.business.height}
    limit = report.config.plugin(NAME).get("index_limit", 500)
    index = report.memo("profile.index", lambda: index_data(report, limit))
    return [Section("summary", report.translate("Portfolio at a glance"), "sections/summary.html", 8,
                    summary),
            Section("index", report.translate("All relations"), "sections/index.html", 1000, index)]
