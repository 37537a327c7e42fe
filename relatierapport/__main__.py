"""Allows ``python -m relatierapport``."""

from relatierapport.cli import main

main()
