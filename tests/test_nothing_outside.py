"""Property tests: whatever a project's tree and data point at, a build opens nothing outside
the project (issue 16).

Each example plants marked files in a folder beside the project, then makes a random
project: links under templates/ (files, folders, templates, the stylesheet, templates/
itself) leading there or inside, templates and data fields referring there by ``../``,
``%2e%2e``, an absolute path or a ``file:`` URL. It builds HTML and PDF and records every
file the process opens (``sys.addaudithook``: every ``open``, ``os.open``, ``io.open`` and
pathlib read goes through the "open" event; directory listings and copies too) and every
URL WeasyPrint asks the fetcher for. Every path opened must resolve inside the project, the
package, the Python installation or the few system files the libraries need; the planted
files are never opened, listed or copied, and the fetcher serves nothing outside.
"""

from __future__ import annotations

import base64
import itertools
import os
import sys
import sysconfig
from pathlib import Path
from urllib.parse import unquote, urlsplit

import click
import pytest
from hypothesis import HealthCheck, example, given, settings, strategies as st

import relatierapport
from relatierapport.builtin.outputs.pdf_output.links import OUTPUT_URL
from relatierapport.builtin.outputs.pdf_output import fetcher as fetcher_module
from relatierapport.testing import build_project

PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==")

# -- the recorder: one audit hook for the whole process (hooks cannot be removed), which
#    records only while a test switches it on ------------------------------------------------
_recording: list[tuple[str, str]] | None = None
_EVENTS = {"open": 0, "os.listdir": 0, "os.scandir": 0, "shutil.copyfile": 0, "shutil.copytree": 0}


def _audit(event: str, args: tuple) -> None:
    if _recording is None or event not in _EVENTS:
        return
    path = args[_EVENTS[event]]
    if isinstance(path, (str, bytes, os.PathLike)):
        _recording.append((event, os.fsdecode(path)))


sys.addaudithook(_audit)

# -- what may be opened -----------------------------------------------------------------------
PACKAGE = Path(relatierapport.__file__).resolve().parent
#: The Python installation: the standard library and site-packages (modules imported lazily).
PYTHON = sorted({Path(sysconfig.get_paths()[key]).resolve()
                 for key in ("stdlib", "platstdlib", "purelib", "platlib")})
#: Fonts and what fontconfig keeps about them (WeasyPrint reads fonts through fontconfig).
FONTS = [Path(p).expanduser() for p in ("/usr/share/fonts", "/usr/local/share/fonts", "~/.fonts",
                                        "~/.local/share/fonts", "/var/cache/fontconfig",
                                        "~/.cache/fontconfig", "/etc/fonts")]
#: Single system files libraries open: the null device, the time zone database.
SYSTEM = [Path("/dev/null"), Path("/usr/share/zoneinfo"), Path("/etc/localtime")]


def allowed(path: Path, project: Path) -> bool:
    return any(path.is_relative_to(root) for root in (project, PACKAGE, *PYTHON, *FONTS, *SYSTEM))


def _warm_up() -> None:
    """Import what a PDF build imports (WeasyPrint's libraries are found through
    ctypes.util, which writes temporary files) and read mimetypes' tables, before recording."""
    import mimetypes

    import weasyprint  # noqa: F401
    from relatierapport.builtin.outputs.pdf_output import pool  # noqa: F401

    mimetypes.init()
    fetcher_module.ProjectFetcher([]).fetch("data:,x")     # data: URLs import email's modules


# -- random projects ----------------------------------------------------------------------------
PLANTED = {"secret.png": PNG, "secret.txt": b"SECRET-ELSEWHERE", "evil.css": b'body::after{content:"STOLEN"}',
           "relation.html": b"STOLEN-TEMPLATE", "dir/other.png": PNG, "templates/portfolio.html": b"STOLEN",
           "templates/assets/report.css": b'body::after{content:"STOLEN"}'}


def plant(elsewhere: Path) -> None:
    for name, content in PLANTED.items():
        (elsewhere / name).parent.mkdir(parents=True, exist_ok=True)
        (elsewhere / name).write_bytes(content)


#: How a reference climbs out or names an outside file; {abs} is the target's absolute path
#: without its leading slash, {uri} its file: URL.
REFERENCES = ["file:///{abs}", "/{abs}", "{uri}", "file://localhost/{abs}", "../../../../../../../../{abs}",
              "%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/%2e%2e/{abs}",
              "%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/%2E%2E/{abs}",
              "..%2f..%2f..%2f..%2f..%2f..%2f..%2f..%2f{abs}", "file:///etc/passwd", "/etc/passwd",
              "assets/../../../../../../../../{abs}", "{{{{ root }}}}assets/logo.png"]
TARGETS = ["secret.png", "secret.txt", "evil.css", "relation.html", "dir/other.png", "dir"]
#: How a template uses a reference.
USES = ['<img src="{ref}" alt="x">', '<link rel="stylesheet" href="{ref}">',
        '<style>@import url("{ref}");</style>', '<div style="background: url(\'{ref}\')">x</div>',
        '{{% include "{ref}" ignore missing %}}', '<link rel="attachment" href="{ref}">']
#: Where under templates/ a link may sit, and what it may lead to.
LINK_SPOTS = ["assets/x.png", "assets/report.css", "assets/sub/y.txt", "assets/linked", "assets",
              "portfolio.html", "relation.html", "parts/p.html", "sections/profile.html", ""]
LINK_TARGETS = ["secret.png", "secret.txt", "evil.css", "relation.html", "dir", "templates",
                "templates/assets", "<inside>"]

reference = st.tuples(st.sampled_from(REFERENCES), st.sampled_from(TARGETS))
link = st.tuples(st.sampled_from(LINK_SPOTS), st.sampled_from(LINK_TARGETS))
use = st.tuples(st.sampled_from(USES), reference)
field_value = st.one_of(reference, st.text(alphabet=st.sampled_from("ab/.%2e:<> \"'"), max_size=12))


def spell(ref, elsewhere: Path) -> str:
    if isinstance(ref, str):
        return ref
    form, target = ref
    path = elsewhere / target
    return form.format(abs=str(path).lstrip("/"), uri=path.as_uri())


def make_tree(project: Path, elsewhere: Path, links, uses, data_in_src: bool) -> None:
    """templates/ with the links asked for (a spot already taken, or under a link, is skipped),
    a logo, and a relation.html override that uses the references."""
    templates = project / "templates"
    templates.mkdir(parents=True)
    (project / "data").mkdir(parents=True, exist_ok=True)
    (project / "data" / "inside.png").write_bytes(PNG)
    for spot, target in links:
        place = templates / spot
        if not spot or place.exists() or place.is_symlink():
            continue
        place.parent.mkdir(parents=True, exist_ok=True)
        if not place.parent.resolve().is_relative_to(templates.resolve()):
            continue                # under a link that leads outside: leave the planted files alone
        place.symlink_to(project / "data" / "inside.png" if target == "<inside>" else elsewhere / target)
    if not (templates / "assets").is_symlink():
        (templates / "assets").mkdir(exist_ok=True)
        if not (templates / "assets" / "logo.png").is_symlink():
            (templates / "assets" / "logo.png").write_bytes(PNG)
    body = "".join(template.format(ref=spell(ref, elsewhere)) for template, ref in uses)
    if data_in_src:
        body += '<img src="{{ relation.city }}" alt="c"><a href="{{ relation.email }}">e</a>'
    relation = templates / "relation.html"
    if not relation.exists() and not relation.is_symlink():
        relation.write_text('{% extends "builtin/relation.html" %}{% block content %}'
                            '<img src="{{ root }}assets/logo.png" alt="logo">' + body
                            + '{{ super() }}{% endblock %}', encoding="utf-8")
    if any(not spot for spot, _ in links):      # templates/ as a whole is a link leading outside
        templates.rename(project / "templates-own")
        templates.symlink_to(elsewhere / "templates")


_counter = itertools.count()


@pytest.fixture(scope="module", autouse=True)
def warmed():
    _warm_up()


@settings(max_examples=4, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(links=st.lists(link, max_size=5), uses=st.lists(use, min_size=1, max_size=6),
       city=field_value, notes=field_value, data_in_src=st.booleans())
@example(links=[("assets/x.png", "secret.png"), ("assets/linked", "dir"), ("portfolio.html", "relation.html"),
                ("assets/report.css", "evil.css"), ("parts/p.html", "relation.html")],
         uses=[(u, (r, "secret.png")) for u, r in zip(USES, REFERENCES)]
         + [('{{% include "parts/p.html" ignore missing %}}', ("x", "secret.png"))],
         city=("file:///{abs}", "secret.png"), notes=("%2e%2e/%2e%2e/%2e%2e/%2e%2e/{abs}", "secret.txt"),
         data_in_src=True)
@example(links=[("", "templates")], uses=[(USES[0], ("/{abs}", "secret.png"))],
         city=("../../../../../../../../{abs}", "secret.png"), notes="x", data_in_src=True)
def test_a_build_opens_nothing_outside_the_project(tmp_path, monkeypatch, links, uses, city, notes,
                                                    data_in_src):
    global _recording
    case = tmp_path / f"case{next(_counter)}"
    project, elsewhere = case / "project", case / "elsewhere"
    plant(elsewhere)
    make_tree(project, elsewhere, links, uses, data_in_src)
    relations = [{"id": "K1", "name": "Alfa Bouw", "kind": "organisation", "role": "client", "owner": "M1",
                  "category": "A", "since": "2015-03-01", "city": spell(city, elsewhere),
                  "email": spell(notes, elsewhere)}]
    touchpoints = [{"relation": "K1", "date": "2026-09-15", "employee": "M1", "channel": "phone",
                    "direction": "out", "kind": "check_in", "notes": spell(notes, elsewhere)}]
    fetched: list[tuple[str, str]] = []
    real_fetch = fetcher_module.ProjectFetcher.fetch

    def logged_fetch(self, url, headers=None):
        try:
            response = real_fetch(self, url, headers)
        except Exception as exc:
            fetched.append((url, f"refused: {exc}"))
            raise
        fetched.append((url, "served"))
        return response

    monkeypatch.setattr(fetcher_module.ProjectFetcher, "fetch", logged_fetch)
    _recording = recorded = []
    built = True
    try:
        build_project(project, relations=relations, touchpoints=touchpoints, business=[],
                      formats=("html", "pdf"), strict=False)
    except click.ClickException:
        built = False         # a template error is fine: the property is about what was read
    finally:
        _recording = None

    project_real, elsewhere_real = project.resolve(), elsewhere.resolve()
    opened = [(event, Path(path).resolve()) for event, path in recorded]
    assert opened, "the recorder saw nothing: the audit hook is not working"
    assert any(path.is_relative_to(project_real / "data") for _, path in opened)   # it saw the sources
    leaks = [(event, str(path)) for event, path in opened if path.is_relative_to(elsewhere_real)]
    assert leaks == [], f"opened outside the project: {leaks}"
    strangers = sorted({(event, str(path)) for event, path in opened if not allowed(path, project_real)})
    assert strangers == [], f"opened outside the allowed folders: {strangers}"
    templates = project / "templates"
    if built and not any(p.is_symlink() for p in (templates, templates / "relation.html",
                                                   templates / "assets", templates / "assets" / "logo.png")):
        # the override's logo came through the fetcher: the log is not empty by accident
        assert any(url.endswith("/assets/logo.png") and outcome == "served" for url, outcome in fetched)
    for url, outcome in fetched:       # served: only from the project or our own templates
        # (the output folder under the fixed URL pages are laid out at: its files were opened,
        # so the audit above has seen where they lay)
        if outcome == "served" and not url.startswith(("data:", OUTPUT_URL)):
            served = Path(unquote(urlsplit(url).path)).resolve()
            assert served.is_relative_to(project_real) or served.is_relative_to(PACKAGE), url
    for path in (project / "site").rglob("*"):
        if path.is_file() and not path.is_symlink():
            data = path.read_bytes()
            assert b"STOLEN" not in data and b"SECRET-ELSEWHERE" not in data, path
        assert not path.is_symlink(), path


def test_the_recorder_sees_opens_by_every_route(tmp_path):
    """The audit hook is what the property rests on: open(), io.open, os.open, pathlib, listings."""
    global _recording
    target = tmp_path / "seen.txt"
    target.write_text("x", encoding="utf-8")
    _recording = recorded = []
    try:
        open(target, encoding="utf-8").close()
        os.close(os.open(target, os.O_RDONLY))
        target.read_bytes()
        import io
        io.open(target, "rb").close()
        os.listdir(tmp_path)
    finally:
        _recording = None
    assert [event for event, path in recorded if Path(path) in (target, tmp_path)].count("open") == 4
    assert ("os.listdir", str(tmp_path)) in recorded


SEGMENTS = ["..", "%2e%2e", "%2E%2E", ".%2e", "%2e.", "..%2f", "..%5c", ".", "%2f", "", "assets", "logo.png",
            "elsewhere", "secret.png", "link", "%00", "%ff", "~", "etc", "passwd"]


@settings(max_examples=300, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(scheme=st.sampled_from(["file://", "file://localhost", "file://example.org", "FILE://", "file:",
                               "", "http://127.0.0.1:9", "data:,", "{base}/"]),
       segments=st.lists(st.sampled_from(SEGMENTS), max_size=8))
@example(scheme="{base}/", segments=["link"])
@example(scheme="{base}/", segments=["..", "..", "elsewhere", "secret.png"])
@example(scheme="{base}/", segments=["%2e%2e", "%2E%2E", "elsewhere", "secret.png"])
@example(scheme="file://localhost", segments=["..", "..", "..", "..", "..", "..", "..", "..", "..", "etc",
                                              "passwd"])
def test_the_fetcher_serves_only_files_inside_its_roots(tmp_path, scheme, segments):
    """Any URL a template or a data field can spell, asked of the fetcher directly: what it serves
    lies inside the project, and it opens nothing else."""
    global _recording
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    if not project.exists():
        (project / "assets").mkdir(parents=True)
        (project / "assets" / "logo.png").write_bytes(PNG)
        plant(elsewhere)
        (project / "assets" / "link").symlink_to(elsewhere / "secret.png")
    fetcher = fetcher_module.ProjectFetcher([project])
    url = scheme.format(base=(project / "assets").as_uri()) + "/".join(segments)
    _recording = recorded = []
    try:
        response = fetcher.fetch(url)
    except ValueError as exc:
        response = None
        if not url.lower().startswith("data:"):
            assert "expected a file inside the project" in str(exc)
    except Exception:              # a malformed data: URL is WeasyPrint's own business
        response = None
    finally:
        _recording = None
    opened = [Path(path).resolve() for event, path in recorded if event == "open"]
    assert all(path.is_relative_to(project.resolve()) for path in opened), (url, opened)
    if response is not None and not url.lower().startswith("data:"):
        assert response.read() == PNG
