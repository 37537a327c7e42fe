"""Data is shown, never executed or fetched: escaping, literal template syntax, no file or network reads;
and nothing outside the project is read through any path: links, ../, %2e%2e, absolute and file: references."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import pytest

from conftest import cli, write_project
from relatierapport.render.site import BUILTIN_TEMPLATES, STYLESHEET

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


# -- resolve before reading: links, ../, %2e%2e, absolute and file: references (issue 16) -------

SECRET_TEXT = "SECRET-ELSEWHERE"
BUILTIN_CSS = BUILTIN_TEMPLATES / STYLESHEET
STOLEN = ("STOLEN-TEMPLATE", "STOLEN-CSS", "STOLEN-INCLUDE", SECRET_TEXT)
TWO = ('id;name;kind;role;owner;category;since;city\n'
       'K1;Alfa Bouw;organisatie;opdrachtgever;M1;A;01-03-2015;{city}\n'
       'K2;Beta Zorg;organisatie;opdrachtgever;M2;B;15-06-2020;Zwolle\n')


def plant_elsewhere(folder: Path) -> Path:
    """Files outside the project that nothing may read: each marked, so a leak shows."""
    (folder / "dir").mkdir(parents=True)
    (folder / "secret.png").write_bytes(PNG_1X1)
    (folder / "dir" / "other.png").write_bytes(PNG_1X1)
    (folder / "secret.txt").write_text(SECRET_TEXT, encoding="utf-8")
    (folder / "evil.css").write_text('body::after { content: "STOLEN-CSS" }', encoding="utf-8")
    (folder / "portfolio.html").write_text("STOLEN-TEMPLATE", encoding="utf-8")
    (folder / "include.html").write_text("STOLEN-INCLUDE", encoding="utf-8")
    return folder


def escape_project(root: Path) -> tuple[Path, Path]:
    """A project whose templates and data try every way out: links under templates/ (a file,
    a folder, a template, an included template), ``../``, ``%2e%2e``, an absolute path,
    ``file:`` URLs, and a data field put into an image's src."""
    project, elsewhere = root / "project", plant_elsewhere(root / "elsewhere")
    secret = elsewhere / "secret.png"
    config = write_project(project, relations=TWO.format(city=secret.as_uri()), files={
        "touchpoints.csv": "relation;date;notes\n"
                           f'K1;01-10-2026;"<img src=""{secret}""> <a href=""file:///etc/passwd"">x</a>"\n'})
    templates = project / "templates"
    (templates / "assets").mkdir(parents=True)
    (templates / "assets" / "logo.png").write_bytes(PNG_1X1)
    (project / "data" / "inside.png").write_bytes(PNG_1X1)
    (templates / "assets" / "inside.png").symlink_to(project / "data" / "inside.png")
    (templates / "assets" / "secret.png").symlink_to(secret)
    (templates / "assets" / "secret.txt").symlink_to(elsewhere / "secret.txt")
    (templates / "assets" / "linked").symlink_to(elsewhere / "dir")
    (templates / "assets" / "report.css").symlink_to(elsewhere / "evil.css")
    (templates / "portfolio.html").symlink_to(elsewhere / "portfolio.html")
    (templates / "parts").mkdir()
    (templates / "parts" / "extra.html").symlink_to(elsewhere / "include.html")
    climbing = "../" * 30 + str(secret).lstrip("/")
    encoded = "%2e%2e/" * 30 + str(secret).lstrip("/")
    (templates / "relation.html").write_text(
        '{% extends "builtin/relation.html" %}{% block content %}'
        '<img src="{{ root }}assets/logo.png" alt="logo">'
        f'<img src="{climbing}" alt="a"><img src="{encoded}" alt="b">'
        '<img src="file:///etc/passwd" alt="c">'
        f'<img src="{secret}" alt="d">'
        '<img src="{{ relation.city }}" alt="e">'
        f'<link rel="stylesheet" href="{(elsewhere / "evil.css").as_uri()}">'
        f'<style>@import url("{"%2e%2e/" * 30}{str(elsewhere / "evil.css").lstrip("/")}");</style>'
        '{% include "parts/extra.html" ignore missing %}'
        '{{ super() }}{% endblock %}', encoding="utf-8")
    return config, elsewhere


@pytest.fixture(scope="module")
def escape_build(tmp_path_factory):
    config, elsewhere = escape_project(tmp_path_factory.mktemp("escape"))
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--jobs", "1")
    assert result.exit_code == 0, result.output
    return config.parent, elsewhere, result.output


def test_a_link_under_templates_leading_outside_is_not_copied_into_assets(escape_build):
    project, elsewhere, output = escape_build
    assets = project / "site" / "assets"
    assert sorted(p.name for p in assets.iterdir()) == ["inside.png", "logo.png", "report.css"]
    assert not any(p.is_symlink() for p in assets.rglob("*"))
    for name, kind in (("secret.png", "file"), ("secret.txt", "file"), ("linked", "folder")):
        assert (f"warning: templates/assets/{name}: expected a {kind} inside the project, found a link "
                f"to {(elsewhere / name).resolve() if name != 'linked' else (elsewhere / 'dir').resolve()}, "
                "outside the project and the template folders: not copied into assets/") in output


def test_a_template_that_is_a_link_leading_outside_is_not_used(escape_build):
    project, elsewhere, output = escape_build
    assert (f"warning: templates/portfolio.html: expected a template inside the project, found a link "
            f"to {(elsewhere / 'portfolio.html').resolve()}, outside the project and the template "
            "folders: not used") in output
    assert (f"warning: templates/parts/extra.html: expected a template inside the project, found a "
            f"link to {(elsewhere / 'include.html').resolve()}") in output
    index = (project / "site" / "index.html").read_text(encoding="utf-8")
    assert "Testbureau" in index          # the built-in portfolio.html took its place
    assert (f"warning: templates/assets/report.css: expected a stylesheet inside the project, found a "
            f"link to {(elsewhere / 'evil.css').resolve()}, outside the project and the template "
            "folders: not used") in output
    assert (project / "site" / "assets" / "report.css").read_bytes() == \
        BUILTIN_CSS.read_bytes()        # ours, not the link's target


def test_nothing_from_outside_reaches_any_output_file(escape_build):
    project, _, _ = escape_build
    for path in (project / "site").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert not any(marker.encode() in data for marker in STOLEN), path
            assert PNG_1X1 not in data or path.suffix == ".png", path


@pytest.mark.needs("pdfimages", "pdftotext")
def test_pdfs_embed_nothing_from_outside_whatever_the_reference(escape_build):
    project, elsewhere, output = escape_build
    k1 = project / "site" / "relations" / "k1.pdf"
    assert embedded_images(k1) == 1          # the project's logo, nothing else
    text = pdf_text(k1) + pdf_text(project / "site" / "portfolio.pdf")
    assert not any(marker in text for marker in STOLEN)
    secret = (elsewhere / "secret.png").resolve()
    refused = ("ValueError: relatierapport does not read {}: it is outside the project; expected a "
               "file inside the project, the output folder or a template folder")
    # ../ climbing, %2e%2e, an absolute path and a data field all lead to the same file: refused
    assert "warning: pdf:Alfa Bouw: Failed to load image at '" in output
    assert refused.format(secret) in output
    assert "%2e%2e/%2e%2e/" in output          # the encoded one is named as written, then refused
    assert refused.format("/etc/passwd") in output
    assert refused.format((elsewhere / "evil.css").resolve()) in output
    assert "Failed to load stylesheet at" in output


def test_a_refused_path_fails_the_build_under_strict(tmp_path):
    config, elsewhere = escape_project(tmp_path)
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "html", "--strict")
    assert result.exit_code == 1, result.output
    assert "warning(s), failing because of --strict" in result.output
    for name in ("templates/assets/secret.png", "templates/assets/linked", "templates/portfolio.html",
                 "templates/parts/extra.html"):
        assert f"  {name}: expected a " in result.output
    assert not (config.parent / "site").exists()


def test_a_templates_folder_that_is_a_link_leading_outside_is_refused_whole(tmp_path):
    project, elsewhere = tmp_path / "project", plant_elsewhere(tmp_path / "elsewhere")
    (elsewhere / "templates" / "assets").mkdir(parents=True)
    (elsewhere / "templates" / "assets" / "stolen.png").write_bytes(PNG_1X1)
    (elsewhere / "templates" / "portfolio.html").write_text("STOLEN-TEMPLATE", encoding="utf-8")
    config = write_project(project, relations=TWO.format(city="Utrecht"))
    (project / "templates").symlink_to(elsewhere / "templates")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "html")
    assert result.exit_code == 0, result.output
    assert f"warning: templates/assets: expected a folder inside the project, found a link to " \
           f"{(elsewhere / 'templates' / 'assets').resolve()}" in result.output
    assert "warning: templates/portfolio.html: expected a template inside the project" in result.output
    assert not (project / "site" / "assets" / "stolen.png").exists()
    assert "STOLEN" not in (project / "site" / "index.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("name", ["../../elsewhere/include.html", "%2e%2e/%2e%2e/elsewhere/include.html",
                                  "/{elsewhere}/include.html"])
def test_an_include_cannot_leave_the_template_folders(tmp_path, name):
    project, elsewhere = tmp_path / "project", plant_elsewhere(tmp_path / "elsewhere")
    config = write_project(project, relations=TWO.format(city="Utrecht"))
    (project / "templates").mkdir()
    (project / "templates" / "portfolio.html").write_text(
        '{% extends "builtin/portfolio.html" %}\n'
        f'{{% block content %}}{{% include "{name.format(elsewhere=elsewhere)}" %}}{{% endblock %}}',
        encoding="utf-8")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "html")
    assert result.exit_code == 1, result.output
    assert "templates/portfolio.html:2: template error while rendering the portfolio: " \
           "TemplateNotFound" in result.output
    assert "STOLEN" not in result.output and not (project / "site").exists()


def test_the_fetcher_refuses_encoded_climbing_other_hosts_relative_and_non_files(tmp_path):
    from relatierapport.builtin.outputs.pdf_output.fetcher import ProjectFetcher

    (tmp_path / "project" / "assets").mkdir(parents=True)
    plant_elsewhere(tmp_path / "elsewhere")
    fetcher = ProjectFetcher([tmp_path / "project"])
    base = (tmp_path / "project" / "assets").as_uri()
    for url in (base + "/%2e%2e/%2e%2e/elsewhere/secret.txt", base + "/%2E%2E/%2E%2E/elsewhere/secret.txt",
                base + "/..%2f..%2felsewhere/secret.txt", "file://example.org" + str(tmp_path / "project"),
                "file:elsewhere/secret.txt", base, base + "/missing.png", "file:///etc/passwd",
                "FILE:///etc/passwd", base + "/%00.png", base + "/%ff.png"):
        with pytest.raises(ValueError, match="expected a file inside the project"):
            fetcher.fetch(url)
    inside = tmp_path / "project" / "assets" / "logo.png"
    inside.write_bytes(PNG_1X1)
    assert fetcher.fetch("file://localhost" + str(inside)).read() == PNG_1X1
    assert fetcher.fetch(base + "/%6cogo.png").read() == PNG_1X1     # %6c is l: decoded, then checked


@pytest.mark.parametrize("kind", ["link", "absolute", "climbing", "encoded", "file-url"])
def test_a_source_path_leading_outside_is_refused_before_anything_is_read(tmp_path, kind):
    project, elsewhere = tmp_path / "project", plant_elsewhere(tmp_path / "elsewhere")
    (elsewhere / "relations.csv").write_text(TWO.format(city="SECRET-ELSEWHERE"), encoding="utf-8")
    config = write_project(project)
    (project / "data" / "link.csv").symlink_to(elsewhere / "relations.csv")
    path = {"link": "data/link.csv", "absolute": str(elsewhere / "relations.csv"),
            "climbing": "../elsewhere/relations.csv", "encoded": "%2e%2e/elsewhere/relations.csv",
            "file-url": (elsewhere / "relations.csv").as_uri()}[kind]
    config.write_text(config.read_text(encoding="utf-8")
                      + f'\n[[sources]]\ntype = "csv"\npath = "{path}"\ntable = "relations"\n',
                      encoding="utf-8")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "html")
    assert result.exit_code == 2, result.output
    expected = ("expected a path inside the project folder" if kind in ("link", "absolute", "climbing")
                else "expected an existing file or folder")    # %2e%2e and file: are names, not decoded
    line = config.read_text(encoding="utf-8").splitlines().index(f'path = "{path}"') + 1
    assert f"config.toml:{line}: [[sources]] #5 path: {expected}" in result.output
    assert SECRET_TEXT not in result.output and not (project / "site").exists()


def test_a_link_in_a_source_folder_leading_outside_is_skipped_with_a_warning(tmp_path):
    project, elsewhere = tmp_path / "project", plant_elsewhere(tmp_path / "elsewhere")
    (elsewhere / "stolen.vcf").write_text("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:SECRET-ELSEWHERE\r\n"
                                          "END:VCARD\r\n", encoding="utf-8")
    config = write_project(project)
    (project / "data" / "cards").mkdir()
    (project / "data" / "cards" / "own.vcf").write_text(
        "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Dirk Dekker\r\nEND:VCARD\r\n", encoding="utf-8")
    (project / "data" / "cards" / "stolen.vcf").symlink_to(elsewhere / "stolen.vcf")
    config.write_text(config.read_text(encoding="utf-8")
                      + '\n[[sources]]\ntype = "vcard"\npath = "data/cards"\n', encoding="utf-8")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "html")
    assert "data/cards/stolen.vcf: expected a file inside data/cards, found a link to a file " \
           "outside it: not read" in result.output
    assert SECRET_TEXT not in result.output
    if result.exit_code == 0:
        assert SECRET_TEXT not in (project / "site" / "report.json").read_text(encoding="utf-8")
