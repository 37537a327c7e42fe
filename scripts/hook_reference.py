"""Write docs/hooks.md, the hook reference, from the docstrings in relatierapport/hookspecs.py.

The docstrings are the only copy of the hook documentation; a test fails when
the committed docs/hooks.md differs from what this script writes, and when a
docstring lacks a part (what for, Runs, Arguments, Returns, Example).

Run from the repository root after changing a hook's docstring:
    python scripts/hook_reference.py
"""

from __future__ import annotations

import sys
from pathlib import Path

from relatierapport import hookspecs
from relatierapport.devtools import hookdocs

REPO = Path(__file__).resolve().parent.parent


def main() -> int:
    missing = hookdocs.problems(hookspecs)
    for problem in missing:
        print(f"relatierapport/hookspecs.py: {problem}", file=sys.stderr)
    (REPO / hookdocs.REFERENCE).write_text(hookdocs.reference(hookspecs), encoding="utf-8")
    print(f"wrote {hookdocs.REFERENCE}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
