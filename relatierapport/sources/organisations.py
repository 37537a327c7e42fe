"""Persons linked to their organisation by its name, when the source gave no id.

A CRM's contacts export often names the contact's company without its id
(HubSpot "Company Name", Pipedrive's bare "Organization" column): the source
keeps that text in ``Relation.organisation_name``. After all sources are read
and merged, each such person is linked to the one organisation relation whose
name is the same, compared as the ``[identity]`` name key compares them
(ignoring case, accents, punctuation and legal forms such as B.V.). A name
that no organisation has, or that several have, is reported, one warning per
file listing the names, and the person stays without an organisation: a link
is never guessed.
"""

from __future__ import annotations

from relatierapport.errors import Problem
from relatierapport.model import Relation
from relatierapport.sources.identity import normalised_name

#: Names listed in one warning; the rest are counted.
SHOWN_NAMES = 5


def link_by_name(relations: dict[str, Relation]) -> list[Problem]:
    """Link persons that name their organisation; the warnings for names that link to none or
    to several organisations."""
    linking = [relation for relation in relations.values()
               if not relation.organisation and relation.organisation_name]
    if not linking:         # the usual case: no name to look up, no index of every organisation
        return []
    index: dict[str, list[str]] = {}
    for relation in relations.values():
        if relation.kind == "organisation" and (key := normalised_name(relation.name)):
            index.setdefault(key, []).append(relation.id)
    missing: dict[str, dict[str, list[Relation]]] = {}     # file -> name -> persons
    several: dict[str, dict[str, list[Relation]]] = {}
    for relation in linking:
        ids = [i for i in index.get(normalised_name(relation.organisation_name), []) if i != relation.id]
        if len(ids) == 1:
            relation.organisation = ids[0]
            origin = relation.provenance.get("organisation_name")
            if origin:
                relation.provenance["organisation"] = origin
            continue
        file = relation.provenance.get("organisation_name", relation.origin).rpartition(":")[0]
        groups = several if ids else missing
        names = groups.setdefault(file or relation.origin, {})
        names.setdefault(relation.organisation_name, []).append(relation)
    problems = []
    for file, names in missing.items():
        persons, they = _persons(names)
        problems.append(Problem(file, f"{persons} an organisation that no source holds, so {they} not "
                                f"linked: {_listed(names)}; add the organisations (their export, or a "
                                "relations table) or correct the names", field="organisation"))
    for file, names in several.items():
        persons, they = _persons(names)
        shown = "; ".join(f"{name!r} ({', '.join(index[normalised_name(name)][:3])})"
                          for name in list(names)[:SHOWN_NAMES])
        more = f" and {len(names) - SHOWN_NAMES} more names" if len(names) > SHOWN_NAMES else ""
        problems.append(Problem(file, f"{persons} an organisation that several relations are called, so "
                                f"{they} not linked: {shown}{more}; give the person an organisation id, "
                                "or merge the organisations ([identity] same)", field="organisation"))
    return problems


def _persons(names: dict[str, list[Relation]]) -> tuple[str, str]:
    """("1 person names", "it is") or ("3 persons name", "they are")."""
    count = sum(len(persons) for persons in names.values())
    return ("1 person names", "it is") if count == 1 else (f"{count} persons name", "they are")


def _listed(names: dict[str, list[Relation]]) -> str:
    ordered = sorted(names.items(), key=lambda item: (-len(item[1]), item[0].casefold()))
    shown = ", ".join(f"{name!r} ({len(persons)}, first: {_place(persons[0])})"
                      for name, persons in ordered[:SHOWN_NAMES])
    more = f" and {len(names) - SHOWN_NAMES} more names" if len(names) > SHOWN_NAMES else ""
    return shown + more


def _place(relation: Relation) -> str:
    place = relation.provenance.get("organisation_name", relation.origin).rpartition(":")[2]
    return f"line {place}" if place.isdigit() else place
