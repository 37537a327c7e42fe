"""Write docs/configuration.md, the configuration reference, from the options the code declares.

The plugins' config_options, the source readers' options and the core tables in
relatierapport/config.py are the only copy; a test fails when the committed
docs/configuration.md differs from what this script writes.

Run from the repository root after adding or changing an option:
    python scripts/config_reference.py
"""

from __future__ import annotations

from pathlib import Path

from relatierapport.devtools import config_reference
from relatierapport.plugins import make_plugins

REPO = Path(__file__).resolve().parent.parent


def main() -> None:
    page = config_reference.reference(make_plugins(None, installed=False))
    (REPO / config_reference.REFERENCE).write_text(page, encoding="utf-8")
    print(f"wrote {config_reference.REFERENCE}")


if __name__ == "__main__":
    main()
