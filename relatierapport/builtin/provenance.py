"""Built-in plugin ``provenance``: where each relation's data came from.

When one relation is found in several sources (see ``[identity]``), every
field remembers the source and line of the value kept; report.json shows it
per relation, and the portfolio lists the merges made.
"""

from __future__ import annotations

from relatierapport import hookimpl
from relatierapport.hooktypes import Analysis, Findings


@hookimpl
def analyses():
    return [Analysis("provenance", provenance, description="Per-field origin of each relation's data.")]


def provenance(portfolio, config, findings) -> Findings:
    relations = {relation.id: {"origin": relation.origin, "fields": dict(sorted(relation.provenance.items())),
                               "merged_from": list(relation.merged_from)}
                 for relation in portfolio.relations.values()}
    merged = [relation.id for relation in portfolio.relations.values() if relation.merged_from]
    return Findings(relations=relations, portfolio={"merged_relations": merged})
