"""Write a relatierapport project of a chosen size for benchmarks.

The project is exactly what ``relatierapport init`` makes (commented
config.toml, sample Dutch CSVs, the scaffold plugin), only with N relations:
half clients, half candidates. The data come from the package's own
generator (``relatierapport.scaffold.example.write_example_data``); when a fixed
volume of touchpoints or business rows per relation is asked for, the CSVs
are rewritten by that same generator with those volumes.

    python benchmarks/make_project.py TARGET --relations 1000
"""

from __future__ import annotations

import argparse
import csv
from pathlib import Path

from relatierapport.scaffold.example import write_example_data
from relatierapport.scaffold.init import init_project

#: The date the generated data run up to; pass it as ``--as-of`` for reproducible reports.
DATA_END = "2026-10-31"


def split(relations: int) -> tuple[int, int]:
    """(clients, candidates): half each, the odd one a candidate."""
    clients = relations // 2
    return clients, relations - clients


def employees_for(relations: int) -> int:
    """About one account manager per 50 relations, at least 3 (init's default)."""
    return max(3, round(relations / 50))


def make_project(target: Path, relations: int, touchpoints_per_relation: float | None = None,
                 business_per_relation: float | None = None, *, seed: int = 2026) -> Path:
    """Write config.toml and data/ for ``relations`` relations into ``target``; return config.toml.

    ``touchpoints_per_relation`` / ``business_per_relation`` of None keep the
    generator's natural volumes (cadence and buying rate per relation).
    """
    if relations < 1:
        raise ValueError("need at least one relation")
    target = Path(target)
    clients, candidates = split(relations)
    employees = employees_for(relations)
    init_project(target, clients=clients, candidates=candidates, employees=employees, overwrite=True)
    if touchpoints_per_relation is not None or business_per_relation is not None or seed != 2026:
        # Same files, same generator, only the volumes (or seed) differ from init's.
        write_example_data(target / "data", clients=clients, candidates=candidates,
                           employees=employees, seed=seed,
                           touchpoints_per_relation=touchpoints_per_relation,
                           business_per_relation=business_per_relation)
    return target / "config.toml"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("target", type=Path, metavar="TARGET")
    parser.add_argument("--relations", type=int, default=100, metavar="N",
                        help="number of relations, half clients and half candidates (default 100)")
    parser.add_argument("--touchpoints-per-relation", type=float, default=None, metavar="X",
                        help="exactly round(X*N) touchpoint rows (default: the generator's own volume)")
    parser.add_argument("--business-per-relation", type=float, default=None, metavar="X",
                        help="exactly round(X*N) business rows (default: the generator's own volume)")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    config = make_project(args.target, args.relations, args.touchpoints_per_relation,
                          args.business_per_relation, seed=args.seed)
    counts = {}
    for path in sorted((args.target / "data").glob("*.csv")):
        with path.open(encoding="utf-8-sig", newline="") as f:
            counts[path.name] = sum(1 for _ in csv.reader(f, delimiter=";")) - 1   # minus the header
    print(f"wrote {config} ({args.relations} relations): "
          + ", ".join(f"{name} {rows}" for name, rows in counts.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
