"""Incremental builds: a PDF whose inputs did not change is carried over from the previous build
(hard linked), everything else is made again, and the output is byte for byte a clean build's."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import orjson
import pytest

from conftest import cli, write_project

AS_OF = "2026-11-01"
PDFS = ["portfolio.pdf", "relations/c1.pdf", "relations/k1.pdf", "relations/k2.pdf"]


def build(config: Path, out: Path, *extra: str):
    result = cli("build", "--config", config, "--as-of", AS_OF, "--format", "html", "--format", "pdf",
                 "--out", out, "--jobs", "1", *extra)
    assert result.exit_code == 0, result.output
    return result


def inodes(out: Path) -> dict[str, int]:
    return {name: (out / name).stat().st_ino for name in PDFS}


def tree(out: Path) -> dict[str, str]:
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file()}


@pytest.fixture
def built(tmp_path: Path):
    config = write_project(tmp_path / "project")
    out = tmp_path / "site"
    first = build(config, out)
    assert "unchanged" not in first.output
    return config, out


def test_nothing_changed_carries_every_pdf_and_equals_a_clean_build(built, tmp_path):
    config, out = built
    before = inodes(out)
    result = build(config, out)
    assert "4 PDFs (" in result.output and "4 unchanged" in result.output
    assert inodes(out) == before                      # the same files, hard linked over
    clean = tmp_path / "clean"
    build(config, clean, "--clean")
    assert tree(out) == tree(clean)


def test_one_touchpoint_remakes_that_relation_and_the_portfolio_only(built, tmp_path):
    config, out = built
    before = inodes(out)
    touchpoints = config.parent / "data" / "touchpoints.csv"
    touchpoints.write_text(touchpoints.read_text(encoding="utf-8")
                           + "K2;20-10-2026;M2;telefoon;uit;check-in;;Nabellen offerte\n", encoding="utf-8")
    result = build(config, out)
    after = inodes(out)
    remade = sorted(name for name in PDFS if after[name] != before[name])
    assert "relations/k2.pdf" in remade and "portfolio.pdf" in remade
    assert "relations/k1.pdf" not in remade and "relations/c1.pdf" not in remade
    assert f"{4 - len(remade)} unchanged" in result.output
    clean = tmp_path / "clean"
    build(config, clean, "--clean")
    assert tree(out) == tree(clean)


def test_a_changed_stylesheet_remakes_every_pdf(built):
    config, out = built
    before = inodes(out)
    css = config.parent / "templates" / "assets" / "report.css"
    css.parent.mkdir(parents=True)
    builtin = Path(__import__("relatierapport").__file__).parent / "render/templates/assets/report.css"
    css.write_text(builtin.read_text(encoding="utf-8") + "\nh1 { color: #8a1c1c; }\n", encoding="utf-8")
    result = build(config, out)
    assert "unchanged" not in result.output
    assert all(inodes(out)[name] != before[name] for name in PDFS)


def test_clean_makes_every_pdf_anew(built):
    config, out = built
    before = inodes(out)
    result = build(config, out, "--clean")
    assert "unchanged" not in result.output
    assert all(inodes(out)[name] != before[name] for name in PDFS)


def test_a_pdf_changed_by_hand_is_made_again(built):
    config, out = built
    tampered = out / "relations" / "k1.pdf"
    original = tampered.read_bytes()
    tampered.write_bytes(original[:-10] + b"%%EOF\n\n\n\n")
    result = build(config, out)
    assert "3 unchanged" in result.output
    assert (out / "relations" / "k1.pdf").read_bytes() == original


def test_a_manifest_of_another_version_is_not_trusted(built):
    config, out = built
    manifest = out / ".relatierapport" / "pdf.json"
    data = orjson.loads(manifest.read_bytes())
    assert set(data["files"]) == set(PDFS)
    data["stamp"]["weasyprint"] = "0.1"
    manifest.write_bytes(orjson.dumps(data))
    result = build(config, out)
    assert "unchanged" not in result.output


def test_a_carried_pdf_keeps_its_printed_pages_and_warnings(tmp_path):
    """What WeasyPrint said about a page (here an image it could not load) is said again when the
    page is carried over, so --strict and report.json see the same build either way."""
    config = write_project(tmp_path / "project")
    template = config.parent / "templates" / "relation.html"
    template.parent.mkdir()
    template.write_text('{% extends "builtin/relation.html" %}{% block content %}'
                        '<img src="{{ root }}assets/missing-logo.png" alt="logo">{{ super() }}'
                        '{% endblock %}', encoding="utf-8")
    out = tmp_path / "site"
    summaries = []
    for run in ("first", "second"):
        result = cli("build", "--config", config, "--as-of", AS_OF, "--format", "pdf", "--out", out,
                     "--jobs", "1", "--summary", tmp_path / f"{run}.json")
        assert result.exit_code == 0, result.output
        summaries.append(json.loads((tmp_path / f"{run}.json").read_text(encoding="utf-8")))
    first, second = summaries
    assert second["counts"]["carried_over"] == 4 and first["counts"]["carried_over"] == 0
    assert second["counts"]["printed_pages"] == first["counts"]["printed_pages"] > 4
    assert second["warnings"] == first["warnings"]
    assert any("missing-logo.png" in w["message"] for w in first["warnings"])


def test_links_between_the_pdfs_are_relative_to_the_pdf(built):
    """A link in portfolio.pdf to a plan leads to relations/<slug>.pdf beside it, not to the
    build's staging folder (gone after the swap, and a path of this machine). (A plan's link
    back to the portfolio is not printed.)"""
    import re
    import zlib

    _, out = built

    def uris(name: str) -> set[str]:
        found = set()
        for stream in re.findall(rb"stream\r?\n(.*?)endstream", (out / name).read_bytes(), re.S):
            try:
                stream = zlib.decompress(stream)
            except zlib.error:
                pass
            found |= {m.decode() for m in re.findall(rb"/URI \(([^)]*)\)", stream)}
        return found

    assert {"relations/k1.pdf", "relations/k2.pdf", "relations/c1.pdf"} <= uris("portfolio.pdf")
    assert not [uri for name in PDFS for uri in uris(name) if uri.startswith("file:") or "building" in uri]


def png() -> bytes:
    """A small logo (Pillow comes with WeasyPrint)."""
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (8, 4), (30, 90, 160)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_page_with_an_image_gives_the_same_pdf_in_any_output_folder(tmp_path):
    """WeasyPrint names an embedded image after its URL; the pages are laid out under one fixed
    URL whatever folder the build writes to (its staging folder changes every build), so an
    incremental build, a clean build and a build elsewhere give the same bytes."""
    config = write_project(tmp_path / "project")
    (config.parent / "templates" / "assets").mkdir(parents=True)
    (config.parent / "templates" / "assets" / "logo.png").write_bytes(png())
    (config.parent / "templates" / "relation.html").write_text(
        '{% extends "builtin/relation.html" %}{% block content %}'
        '<img src="{{ root }}assets/logo.png" alt="logo" style="width: 2cm">{{ super() }}'
        '{% endblock %}', encoding="utf-8")
    build(config, tmp_path / "one")
    build(config, tmp_path / "two", "--clean")
    assert b"/Image" in (tmp_path / "one" / "relations" / "k1.pdf").read_bytes()
    assert tree(tmp_path / "one") == tree(tmp_path / "two")


def test_a_fresh_install_writing_bytecode_carries_on_its_second_build(tmp_path):
    """Python writes the PDF code's bytecode (__pycache__) as modules are first imported, some
    only once a page is rendered: the build's stamp is made from the sources, so bytecode
    appearing between two builds does not make every PDF again."""
    import os
    import shutil
    import subprocess
    import sys

    import relatierapport

    package = tmp_path / "install"
    shutil.copytree(Path(relatierapport.__file__).parent, package / "relatierapport",
                    ignore=shutil.ignore_patterns("__pycache__"))
    config = write_project(tmp_path / "project")
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPYCACHEPREFIX")}
    env["PYTHONPATH"] = str(package)
    outputs = []
    for _ in range(2):
        done = subprocess.run([sys.executable, "-m", "relatierapport", "build", "--config", str(config),
                               "--as-of", AS_OF, "--format", "pdf", "--out", str(tmp_path / "site"),
                               "--jobs", "1"], env=env, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        outputs.append(done.stdout)
    assert list((package / "relatierapport" / "builtin" / "outputs" / "pdf_output").glob("__pycache__/*.pyc"))
    assert "unchanged" not in outputs[0] and "4 unchanged" in outputs[1]
