"""The pdf output's options: which PDF variant WeasyPrint writes.

Tagged PDF/UA-1 by default, because organisations that publish their reports
must publish accessible documents (issue 14); "none" writes the untagged PDF of
before. The variants are WeasyPrint 70's names, written out here so reading the
config does not import WeasyPrint (tests check they are WeasyPrint's).
"""

from __future__ import annotations

from relatierapport import hookimpl
from relatierapport.options import Option, OptionGroup, Text

NAME = "pdf_output"
DEFAULT_VARIANT = "pdf/ua-1"
OFF = "none"
VARIANTS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-1a", "pdf/a-2a", "pdf/a-3a", "pdf/a-1b", "pdf/a-2b",
            "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/a-4u", "pdf/a-4e", "pdf/a-4f", "pdf/x-1a",
            "pdf/x-3", "pdf/x-4", "pdf/x-5g")


@hookimpl
def config_options():
    return [OptionGroup(f"plugins.{NAME}", (
        Option("variant", Text(choices=(*VARIANTS, OFF)), DEFAULT_VARIANT,
               "The PDF variant WeasyPrint writes. \"pdf/ua-1\" is tagged for screen readers "
               "(PDF/UA: structure tags, document language and title); \"none\" writes an "
               "untagged PDF; the pdf/a-… and pdf/x-… variants are for archiving and printing "
               "(only pdf/a-…a and pdf/ua-… are tagged)."),
    ), "The PDFs (portfolio.pdf and relations/<id>.pdf).")]


def pdf_variant(config) -> str | None:
    """The variant to hand WeasyPrint, None for an untagged PDF."""
    variant = config.plugin(NAME)["variant"]
    return None if variant == OFF else variant
