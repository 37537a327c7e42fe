"""The PDFs are tagged PDF/UA-1 by default (issue 14: users must publish accessible documents).

Read back with poppler's pdfinfo (Tagged, Title) and from the PDF's own objects (the catalog's
/Lang, the figures' /Alt), so the checks are on the files a user publishes. A project that turns
tagging off gets an untagged PDF: the negative control showing the checks can fail.
"""

from __future__ import annotations

import html
import re
import subprocess
import zlib
from pathlib import Path

import pytest

from conftest import cli, write_project

AS_OF = "2026-11-01"


def pdfinfo(path: Path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", path], capture_output=True, text=True, check=True).stdout
    return dict((key.strip(), value.strip()) for key, value in
                (line.split(":", 1) for line in out.splitlines() if ":" in line))


def pdf_objects(path: Path) -> bytes:
    """The PDF's bytes with every compressed stream inflated (the catalog and the structure
    tree live in object streams)."""
    data = path.read_bytes()
    parts = [data]
    for match in re.finditer(rb"stream\r?\n(.*?)endstream", data, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)


def pdf_strings(objects: bytes, key: bytes) -> list[str]:
    """Every string value of ``/key``: literal ``(…)`` or UTF-16 hex ``<FEFF…>``."""
    found = []
    for literal, hexa in re.findall(rb"/" + key + rb" (?:\(((?:[^()\\]|\\.)*)\)|<([0-9A-Fa-f]*)>)", objects):
        if hexa:
            raw = bytes.fromhex(hexa.decode())
            found.append(raw[2:].decode("utf-16-be") if raw[:2] == b"\xfe\xff" else raw.decode("latin-1"))
        else:
            found.append(re.sub(rb"\\(.)", rb"\1", literal).decode("latin-1"))
    return found


def html_title(path: Path) -> str:
    return html.unescape(re.search(r"<title>([^<]*)</title>", path.read_text(encoding="utf-8")).group(1))


@pytest.mark.needs("pdfinfo")
@pytest.mark.parametrize("language", ["nl", "en"])
@pytest.mark.parametrize("relation", [None, "K014"])
def test_the_example_pdfs_are_tagged_with_title_and_language(built_example, language, relation):
    built = built_example(language)
    pdf = built.pdf(relation)
    info = pdfinfo(pdf)
    assert info["Tagged"] == "yes"
    assert info["PDF version"] == "1.7"                    # what PDF/UA-1 asks
    assert info["Title"] == html_title(built.html(relation))
    objects = pdf_objects(pdf)
    assert pdf_strings(objects, b"Lang") == [language]
    assert b"/DisplayDocTitle true" in objects             # viewers show the title, not the file name
    assert b"/StructTreeRoot" in objects


@pytest.mark.needs("pdfinfo")
def test_the_charts_text_alternatives_are_the_figures_alt_texts(built_example):
    """Every chart with a text alternative (its SVG <title>) carries it as the figure's /Alt."""
    built = built_example("nl")
    titles = re.findall(r'<svg [^>]*role="img"><title>([^<]*)</title>',
                        built.html().read_text(encoding="utf-8"))
    assert len(titles) >= 2
    alts = pdf_strings(pdf_objects(built.pdf()), b"Alt")
    assert sorted(alts) == sorted(html.unescape(title) for title in titles)


@pytest.mark.needs("pdfinfo")
@pytest.mark.parametrize("variant, tagged", [(None, "yes"), ('"pdf/ua-1"', "yes"), ('"none"', "no")])
def test_the_variant_option_tags_or_not(tmp_path, variant, tagged):
    extra = f"\n[plugins.pdf_output]\nvariant = {variant}\n" if variant else ""
    config = write_project(tmp_path, extra_config=extra)
    result = cli("build", "--config", config, "--as-of", AS_OF, "--format", "pdf", "--strict")
    assert result.exit_code == 0, result.output
    for pdf in (tmp_path / "site" / "portfolio.pdf", tmp_path / "site" / "relations" / "k1.pdf"):
        assert pdfinfo(pdf)["Tagged"] == tagged
        assert (b"/StructTreeRoot" in pdf_objects(pdf)) == (tagged == "yes")


def test_an_unknown_variant_is_a_config_error(tmp_path):
    config = write_project(tmp_path, extra_config='\n[plugins.pdf_output]\nvariant = "pdf/ua-9"\n')
    result = cli("build", "--config", config, "--as-of", AS_OF, "--format", "pdf")
    assert result.exit_code == 2
    assert "[plugins.pdf_output] variant" in result.output and '"pdf/ua-1"' in result.output


def test_the_declared_variants_are_weasyprints():
    from weasyprint.pdf import VARIANTS as WEASYPRINT

    from relatierapport.builtin.outputs.pdf_output.options import DEFAULT_VARIANT, OFF, VARIANTS

    assert set(VARIANTS) <= set(WEASYPRINT) and DEFAULT_VARIANT in VARIANTS and OFF not in WEASYPRINT


@pytest.mark.needs("pdfinfo")
def test_the_stress_pdfs_in_every_script_are_tagged_with_their_title(built_stress):
    """Names in eight scripts, 100 characters without a space: still tagged, the title whole."""
    from stress_build import STRESS_RELATIONS

    for relation in (None, *STRESS_RELATIONS):
        pdf = built_stress.pdf(relation)
        info = pdfinfo(pdf)
        assert info["Tagged"] == "yes", pdf.name
        assert info["Title"] == html_title(built_stress.html(relation)), pdf.name
        assert b"/StructTreeRoot" in pdf_objects(pdf), pdf.name
