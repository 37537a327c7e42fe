"""Built-in plugin ``provenance``: where each relation's data came from.

Every relation keeps the file and line it came from. When one relation is
found in several sources (see ``[identity]``), each field also remembers the
source and line of the value kept; report.json shows both per relation, and
the portfolio lists the merged relations.
"""

from __future__ import annotations

from relatierapport import hookimpl
from relatierapport.hooktypes import Analysis, Findings


@hookimpl
def analyses():
    return [Analysis("provenance", provenance, description="Per-field origin of each relation's data.")]


FIELDS = ("name", "kind", "role", "owner", "organisation", "category", "phase", "since", "email",
          "phone", "city")


def provenance(portfolio, config, findings) -> Findings:
    """Every relation's origin; for merged relations also where each field's value came from."""
    relations = {}
    for relation in portfolio.relations.values():
        found = {"origin": relation.origin}
        if relation.merged_from:
            fields = {name: relation.provenance.get(name, relation.origin) for name in FIELDS
                      if getattr(relation, name) not in (None, "")}
            fields.update((key, origin) for key, origin in relation.provenance.items() if "." in key)
            found.update(fields=dict(sorted(fields.items())), merged_from=list(relation.merged_from))
        relations[relation.id] = found
    merged = [relation.id for relation in portfolio.relations.values() if relation.merged_from]
    return Findings(relations=relations, portfolio={"merged_relations": merged})
