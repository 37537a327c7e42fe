"""Data is shown, never executed or fetched: escaping, literal template syntax, no file or network reads."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest

from conftest import cli, write_project

HOSTILE = ('id;name;kind;role;owner;category;since;city\n'
           'X1;<script>alert(1)</script>;organisatie;opdrachtgever;M1;A;01-03-2015;{{ 7*7 }}\n'
           'X2;"<img src=""file:///etc/hostname"">";organisatie;opdrachtgever;M1;B;01-03-2015;'
           '"<link rel=stylesheet href=""http://127.0.0.1:9/x.css"">"\n')


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    config = write_project(root, relations=HOSTILE, files={
        "touchpoints.csv": "relation;date;notes\nX1;01-10-2026;{% for x in range(3) %}loop{% endfor %}\n"})
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return root / "site"


def test_markup_in_data_is_escaped_in_html(hostile_site):
    page = (hostile_site / "relations" / "x1.html").read_text(encoding="utf-8")
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    index = (hostile_site / "index.html").read_text(encoding="utf-8")
    assert "<img src" not in index and "&lt;img src=&#34;file:///etc/hostname&#34;&gt;" in index


def test_template_syntax_in_data_stays_literal(hostile_site):
    page = (hostile_site / "relations" / "x1.html").read_text(encoding="utf-8")
    assert "{{ 7*7 }}" in page and "49" not in page


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", path, "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.needs("pdftotext")
def test_markup_in_data_is_text_in_pdf(hostile_site):
    assert "<script>alert(1)</script>" in pdf_text(hostile_site / "relations" / "x1.pdf")
    assert "{{ 7*7 }}" in pdf_text(hostile_site / "relations" / "x1.pdf")
    assert '<img src="file:///etc/hostname">' in pdf_text(hostile_site / "relations" / "x2.pdf")


def embedded_images(pdf: Path) -> int:
    listing = subprocess.run(["pdfimages", "-list", pdf], capture_output=True, text=True,
                             check=True).stdout.splitlines()[2:]
    return sum(1 for line in listing if line.split()[2] == "image")


@pytest.mark.needs("pdfimages", "pdftotext")
def test_no_image_is_embedded_from_a_data_field(hostile_site):
    assert embedded_images(hostile_site / "relations" / "x2.pdf") == 0
    hostname = Path("/etc/hostname").read_text().strip() if Path("/etc/hostname").exists() else None
    if hostname:
        assert hostname not in pdf_text(hostile_site / "relations" / "x2.pdf").replace(
            '<img src="file:///etc/hostname">', "")


def test_fetcher_refuses_everything_outside_the_allowed_folders(tmp_path):
    from relatierapport.builtin.outputs.pdf_output.fetcher import ProjectFetcher

    inside = tmp_path / "assets" / "logo.svg"
    inside.parent.mkdir()
    inside.write_text("<svg xmlns='http://www.w3.org/2000/svg'/>", encoding="utf-8")
    fetcher = ProjectFetcher([tmp_path])
    assert fetcher.fetch(inside.as_uri()).read().startswith(b"<svg")
    for url in ("file:///etc/hostname", "http://127.0.0.1:9/x.css", "https://example.org/x.png",
                "ftp://example.org/x", (tmp_path / "assets" / ".." / ".." / "x").as_uri()):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    link = tmp_path / "assets" / "escape.txt"
    link.symlink_to("/etc/hostname")
    with pytest.raises(ValueError):
        fetcher.fetch(link.as_uri())


PNG_1X1 = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")


@pytest.mark.needs("pdfimages")
def test_a_template_can_embed_project_files_but_nothing_outside(tmp_path):
    """Even a project's own template cannot make WeasyPrint read outside the project."""
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.png").write_bytes(PNG_1X1)
    config = write_project(project)
    (project / "templates" / "assets").mkdir(parents=True)
    (project / "templates" / "assets" / "logo.png").write_bytes(PNG_1X1)
    (project / "templates" / "relation.html").write_text(
        '{% extends "builtin/relation.html" %}{% block content %}'
        '<img src="{{ root }}assets/logo.png" alt="logo">'
        f'<img src="{(elsewhere / "secret.png").as_uri()}" alt="x">'
        '<img src="http://127.0.0.1:9/tracker.png" alt="y">{{ super() }}{% endblock %}',
        encoding="utf-8")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "pdf", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert embedded_images(project / "site" / "relations" / "k1.pdf") == 1   # the project's logo only
    assert "warning: pdf:Alfa Bouw: Failed to load image at" in result.output
    assert "it is outside the project" in result.output and "only files inside the project" in result.output
    strict = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "pdf", "--jobs", "1",
                 "--strict")
    assert strict.exit_code == 1 and "failing because of --strict" in strict.output
