"""``relatierapport serve``: a real server on 127.0.0.1, real file changes, real HTTP requests.

No test measures time: a rebuild is awaited through the preview's own long-poll endpoint, as
the browser's script awaits it.
"""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import RELATIONS, cli, write_project
from relatierapport.serve.preview import PREVIEW_FOLDER, Preview, ServeOptions
from relatierapport.serve.server import is_loopback, parse_address
from relatierapport.project_files import watch_set

AS_OF = dt.date(2026, 11, 1)


class Running:
    """A preview built and serving in a thread of this process."""

    def __init__(self, config: Path, **options):
        self.config = config
        self.lines: list[str] = []
        self.preview = Preview(ServeOptions(config, address="127.0.0.1:0", as_of=AS_OF, **options),
                               echo=self.lines.append).start()
        self.thread = threading.Thread(target=self.preview.serve, daemon=True)
        self.thread.start()
        assert self.preview.wait_watching(timeout=30), "the watchers never started"
        host, port = self.preview.server.server_address[:2]
        self.host, self.port = host, port

    def get(self, path: str, host: str | None = None) -> tuple[int, str]:
        """A raw request: the path goes out exactly as written (no client-side normalising)."""
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        connection.putrequest("GET", path, skip_host=True)
        connection.putheader("Host", host or f"127.0.0.1:{self.port}")
        connection.endheaders()
        response = connection.getresponse()
        body = response.read().decode("utf-8", "replace")
        connection.close()
        return response.status, body

    def version(self) -> dict:
        with urllib.request.urlopen(f"{self.preview.url}__livereload", timeout=60) as response:
            return json.load(response)

    def next_build(self, since: int) -> dict:
        """The status after the build that follows version ``since`` (long-polls, as the page does)."""
        for _ in range(4):
            with urllib.request.urlopen(f"{self.preview.url}__livereload?since={since}",
                                        timeout=60) as response:
                status = json.load(response)
            if status["version"] != since:
                return status
        raise AssertionError(f"no build after version {since}; the preview said: {self.lines}")

    def close(self) -> None:
        self.preview.close()
        self.thread.join(timeout=30)


@pytest.fixture
def running(tmp_path):
    (tmp_path / "templates").mkdir()
    config = write_project(tmp_path)
    preview = Running(config)
    yield preview
    preview.close()


def test_the_pages_are_rendered_on_request_with_the_reload_script_added_to_the_response(running):
    target = running.preview.target
    assert target == running.config.parent / PREVIEW_FOLDER
    assert (target / "report.json").is_file() and (target / "assets" / "report.css").is_file()
    assert not list(target.rglob("*.html"))                 # no page is written: each is rendered
    code, page = running.get("/")
    assert code == 200 and "Alfa Bouw" in page and "/__livereload?since=" in page
    assert running.get("/index.html")[1] == page
    code, plan = running.get("/relations/k1.html")
    assert code == 200 and "Alfa Bouw" in plan and "__livereload" in plan
    assert 'href="relations/k1.html"' in page and 'href="../assets/report.css"' in plan
    assert running.get("/relations/")[0] == 404             # no listing of a folder
    for unknown in ("/relations/k9.html", "/relations/k1", "/relations/k1.htm", "/k1.html"):
        assert running.get(unknown)[0] == 404, unknown
    code, text = running.get("/relations/k1.pdf")
    assert code == 404 and "--format pdf" in text            # the default preview makes no PDFs


def test_a_changed_data_file_makes_a_new_version_and_the_page_shows_the_change(running):
    before = running.version()["version"]
    data = running.config.parent / "data" / "relations.csv"
    data.write_text(RELATIONS.replace("Alfa Bouw", "Alfa Bouwgroep"), encoding="utf-8")
    status = running.next_build(before)
    assert status == {"version": before + 1, "error": None, "built": True}
    code, page = running.get("/")
    assert code == 200 and "Alfa Bouwgroep" in page and f"var version = {before + 1};" in page
    assert any(line == "changed: data/relations.csv" for line in running.lines)


def test_a_failed_build_keeps_the_last_good_pages_and_shows_why_until_fixed(running):
    before = running.version()["version"]
    data = running.config.parent / "data" / "relations.csv"
    data.write_text(RELATIONS.replace("K2;Beta Zorg", ";Beta Zorg"), encoding="utf-8")
    status = running.next_build(before)
    assert status["built"] and "relations.csv:3" in status["error"]
    code, page = running.get("/")
    assert code == 200 and "Beta Zorg" in page                 # the last good build
    assert 'id="relatierapport-serve-error"' in page and "relations.csv:3" in page
    assert any(line.startswith("build failed") for line in running.lines)
    assert "relations.csv:3" in "\n".join(running.lines)

    data.write_text(RELATIONS.replace("Beta Zorg", "Beta Zorggroep"), encoding="utf-8")
    status = running.next_build(status["version"])
    assert status["error"] is None
    code, page = running.get("/")
    assert "Beta Zorggroep" in page and "relatierapport-serve-error" not in page


def test_a_template_error_shows_on_the_page_with_its_file_and_line_and_a_fixed_template_is_used(
        running):
    """Pages are rendered when asked for, so a broken template is found then: the page shows the
    error (the file and line) above its last good version, as a failed build does."""
    templates = running.config.parent / "templates"
    assert "Alfa Bouw" in running.get("/")[1]
    before = running.version()["version"]
    (templates / "portfolio.html").write_text('{% extends "builtin/portfolio.html" %}\n'
                                              "{% block title %}{{ broken( }}{% endblock %}\n",
                                              encoding="utf-8")
    status = running.next_build(before)
    code, page = running.get("/")
    assert code == 200 and "Alfa Bouw" in page                # its last good version
    assert 'id="relatierapport-serve-error"' in page and "templates/portfolio.html:2" in page
    assert "failed to render" in page and "Traceback" not in page
    assert any(line.startswith("page index failed to render") for line in running.lines)
    (templates / "portfolio.html").write_text('{% extends "builtin/portfolio.html" %}\n'
                                              "{% block title %}Voorbeeldtitel{% endblock %}\n",
                                              encoding="utf-8")
    status = running.next_build(status["version"])
    code, page = running.get("/")
    assert status["error"] is None and code == 200 and "<title>Voorbeeldtitel</title>" in page
    assert "relatierapport-serve-error" not in page


def test_a_page_that_never_rendered_shows_the_template_error_alone(running):
    templates = running.config.parent / "templates"
    before = running.version()["version"]
    (templates / "relation.html").write_text('{% extends "builtin/relation.html" %}\n'
                                             "{% block title %}{{ relation.no_such_field }}"
                                             "{% endblock %}\n", encoding="utf-8")
    assert running.next_build(before)["error"] is None        # no page is rendered by the build
    code, page = running.get("/relations/k2.html")
    assert code == 500 and 'id="relatierapport-serve-error"' in page
    assert "templates/relation.html:2" in page and "no_such_field" in page
    assert "/__livereload?since=" in page and "Traceback" not in page
    assert running.get("/")[0] == 200                         # the other template still renders


def test_a_source_added_to_config_toml_is_watched_from_then_on(running):
    root = running.config.parent
    (root / "extra").mkdir()
    (root / "extra" / "more.csv").write_text("id;name;kind\nK9;Gamma Groep;organisatie\n",
                                             encoding="utf-8")
    before = running.version()["version"]
    with running.config.open("a", encoding="utf-8") as config:
        config.write('\n[[sources]]\ntype = "csv"\npath = "extra/more.csv"\ntable = "relations"\n')
    status = running.next_build(before)
    assert status["error"] is None and "Gamma Groep" in running.get("/")[1]
    assert running.preview.wait_watching(timeout=30)
    (root / "extra" / "more.csv").write_text("id;name;kind\nK9;Gamma Holding;organisatie\n",
                                             encoding="utf-8")
    running.next_build(status["version"])
    assert "Gamma Holding" in running.get("/")[1]


TRAVERSALS = ("/../config.toml", "/%2e%2e/config.toml", "/%2E%2E%2Fconfig.toml", "/..%2fconfig.toml",
              "/relations/../../config.toml", "/relations/%2e%2e/%2e%2e/config.toml",
              "/%2e%2e%5cconfig.toml", "//config.toml", "/data/relations.csv",
              "/../data/relations.csv", "/%2fetc%2fpasswd", "/.preview/index.html",
              "/%00/index.html")


def test_nothing_outside_the_output_folder_is_served(running):
    target = running.preview.target
    (target / "leak.csv").symlink_to(running.config.parent / "data" / "relations.csv")
    (target / "mail").mkdir()                  # messages and the mail ledger: never served
    (target / "mail" / "ledger.jsonl").write_text("sent to someone\n")
    for path in (*TRAVERSALS, "/leak.csv", "/mail/ledger.jsonl"):
        code, body = running.get(path)
        assert code in (403, 404), path
        assert "Alfa Bouw" not in body and "Testbureau" not in body and "someone" not in body, path
    assert running.get("/index.html")[0] == 200


def test_a_request_naming_another_host_is_refused(running):
    assert running.get("/", host=f"localhost:{running.port}")[0] == 200
    code, body = running.get("/", host="rebound.example:8000")     # DNS rebinding
    assert code == 403 and "Alfa Bouw" not in body
    assert running.get("/", host="[")[0] == 403
    assert running.get("/", host=f"[::1]:{running.port}")[0] == 200


def test_the_preview_never_mails(tmp_path):
    """send_after_build mails after every build (here: tries, and writes its ledger); a
    preview's builds do not (the plugin is not loaded), and config.toml's mail tables are not
    reported as unknown."""
    config = write_project(tmp_path, extra_config="""
        [plugins.mail]
        send_after_build = true
        sender = "rapport@example.com"
        [plugins.smtp]
        host = "127.0.0.1"
        port = 9
        """)
    preview = Running(config)
    try:
        status = preview.version()
        assert status["error"] is None and status["built"], preview.lines
        assert not any(line.startswith("warning") for line in preview.lines), preview.lines
        # a build with this config.toml runs mail after it, which writes its ledger in mail/
        assert not (preview.preview.target / "mail").exists()
    finally:
        preview.close()
    assert not (tmp_path / PREVIEW_FOLDER).exists()          # its own folder goes when it stops


def test_the_watch_set_wants_the_inputs_and_never_the_outputs(tmp_path):
    config = write_project(tmp_path)
    root = tmp_path.resolve()
    watched = watch_set(config, [root / "site", root / PREVIEW_FOLDER])
    for wanted in ("config.toml", "data/relations.csv", "templates/portfolio.html",
                   "plugins/acme.py", "templates"):
        assert watched.wants(root / wanted), wanted
    for unwanted in ("site/index.html", ".preview/report.json", ".site.building-12-ab/x.html",
                     "..preview.building-12-ab", "plugins/__pycache__/acme.cpython-311.pyc",
                     "data/other.csv", "README.md", ".venv/lib/x.py", "templates/.#base.html"):
        assert not watched.wants(root / unwanted), unwanted
    assert root in watched.flat and root / "data" in watched.flat
    assert root / "templates" in watched.trees


def test_only_loopback_addresses_count_as_local():
    assert parse_address("127.0.0.1:8000") == ("127.0.0.1", 8000)
    assert parse_address("[::1]:0") == ("::1", 0)
    for host in ("127.0.0.1", "127.1.2.3", "::1", "localhost"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "192.0.2.1", "10.0.0.5"):
        assert not is_loopback(host), host


def test_a_non_loopback_address_is_refused_without_allow_remote(project):
    result = cli("serve", "--config", project, "--dev-addr", "0.0.0.0:8000")
    assert result.exit_code == 2
    assert "not a loopback address" in result.output and "personal data" in result.output
    assert not (project.parent / PREVIEW_FOLDER).exists()


def test_an_out_folder_outside_the_project_is_refused(project, tmp_path_factory):
    elsewhere = tmp_path_factory.mktemp("elsewhere") / "site"
    result = cli("serve", "--config", project, "--dev-addr", "127.0.0.1:0", "--out", elsewhere)
    assert result.exit_code == 2 and "inside the project folder" in result.output
    assert not elsewhere.exists()


def test_the_command_serves_until_stopped_and_removes_its_folder(project):
    """The real command in a subprocess: it prints where it serves, serves, and on SIGTERM
    stops and removes .preview/."""
    process = subprocess.Popen([sys.executable, "-m", "relatierapport", "serve", "--config",
                                str(project), "--dev-addr", "127.0.0.1:0", "--as-of", "2026-11-01"],
                               stderr=subprocess.PIPE, text=True,
                               env={**os.environ, "RELATIERAPPORT_NO_INSTALLED_PLUGINS": "1"})
    try:
        seen = []
        for line in process.stderr:
            seen.append(line)
            if line.startswith("serving "):
                break
        url = re.search(r"at (http://\S+)", seen[-1])[1]
        with urllib.request.urlopen(url, timeout=60) as response:
            assert "Alfa Bouw" in response.read().decode()
        assert (project.parent / PREVIEW_FOLDER / "report.json").exists()
        assert not (project.parent / "site").exists()           # the real output is untouched
    finally:
        process.terminate()
        process.wait(timeout=60)
    assert process.returncode == 0
    assert not (project.parent / PREVIEW_FOLDER).exists()


@pytest.mark.needs("chromium")
def test_the_browser_reloads_by_itself_and_shows_a_failed_build_above_the_last_page(running):
    from browser import text_after_reloads

    data = running.config.parent / "data" / "relations.csv"
    before, after = text_after_reloads(running.preview.url, lambda: data.write_text(
        RELATIONS.replace("Alfa Bouw", "Alfa Bouwgroep"), encoding="utf-8"))
    assert "Alfa Bouw" in before and "Alfa Bouwgroep" not in before
    assert "Alfa Bouwgroep" in after
    _, failed = text_after_reloads(running.preview.url, lambda: data.write_text(
        RELATIONS.replace("K2;Beta Zorg", ";Beta Zorg"), encoding="utf-8"))
    assert "Build failed" in failed and "relations.csv:3" in failed and "Alfa Bouwgroep" in failed


def test_compiled_templates_are_kept_between_builds_and_never_used_for_other_sources():
    import jinja2

    from relatierapport.serve.templates import TemplateCache

    cache = TemplateCache()
    sources = {"page.html": "{{ name }} {{ name|upper }}"}

    def render(**settings) -> str:
        env = jinja2.Environment(loader=jinja2.DictLoader(sources), bytecode_cache=cache, **settings)
        return env.get_template("page.html").render(name="<Alfa>")

    assert render() == "<Alfa> <ALFA>" and (cache.hits, cache.misses) == (0, 1)
    assert render() == "<Alfa> <ALFA>" and (cache.hits, cache.misses) == (1, 1)
    assert render(autoescape=True) == "&lt;Alfa&gt; &lt;ALFA&gt;"        # other settings: compiled anew
    sources["page.html"] = "{{ name|lower }}"                         # an edited template too
    assert render() == "<alfa>" and cache.misses == 3


def test_a_preview_build_is_the_same_as_a_build(running, tmp_path):
    """Byte for byte, with the template cache warm (the pages rendered once, then a new build):
    every file a build writes is in the preview's folder, but its pages, which are the
    preview's answers (less the reload script the preview adds)."""
    from relatierapport.build import BuildOptions, build
    from relatierapport.serve.reload import inject

    for name in ("index.html", "relations/k1.html", "relations/k2.html", "relations/c1.html"):
        assert running.get(f"/{name}")[0] == 200
    assert running.preview.build()
    plain = tmp_path / "plain"
    build(BuildOptions(running.config, as_of=AS_OF, out=plain, formats=("html",)))
    files = lambda root: {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    pages = {name for name in files(plain) if name.endswith(".html")}
    assert pages == {"index.html", "relations/k1.html", "relations/k2.html", "relations/c1.html"}
    assert files(running.preview.target) == files(plain) - pages
    for name in files(plain) - pages:
        assert (running.preview.target / name).read_bytes() == (plain / name).read_bytes(), name
    snapshot = running.preview.status.snapshot()
    for name in pages:
        code, answer = running.get(f"/{name}")
        assert code == 200 and answer.encode() == inject((plain / name).read_bytes(), snapshot), name
    assert running.preview.template_cache.hits


TITLED_PLAN = ('{% extends "builtin/relation.html" %}\n'
               "{% block title %}Plan van {{ relation.name }}{% endblock %}\n")


def test_an_edited_template_is_shown_without_a_build_as_a_build_would_show_it(running, tmp_path):
    """A template changes no finding: the preview shows the last build's report through the
    edited template, reading and analysing nothing (report.json stays the same file), and the
    page is the one a build with that template writes."""
    from relatierapport.build import BuildOptions, build
    from relatierapport.serve.reload import inject

    target = running.preview.target
    assert "<title>Plan van" not in running.get("/relations/k1.html")[1]
    report_json = (target / "report.json").stat()
    before, lines = running.version()["version"], len(running.lines)
    (running.config.parent / "templates" / "relation.html").write_text(TITLED_PLAN, encoding="utf-8")
    status = running.next_build(before)
    assert status == {"version": before + 1, "error": None, "built": True}
    code, plan = running.get("/relations/k1.html")
    assert code == 200 and "<title>Plan van Alfa Bouw</title>" in plan
    assert ((target / "report.json").stat().st_ino, (target / "report.json").stat().st_mtime_ns) == (
        report_json.st_ino, report_json.st_mtime_ns)
    said = running.lines[lines:]
    assert any(line.startswith("only templates changed") for line in said), said
    assert not any(line.startswith("built ") for line in said), said

    plain = tmp_path / "plain"
    build(BuildOptions(running.config, as_of=AS_OF, out=plain, formats=("html",)))
    snapshot = running.preview.status.snapshot()
    for name in ("index.html", "relations/k1.html", "relations/c1.html"):
        code, answer = running.get(f"/{name}")
        assert code == 200 and answer.encode() == inject((plain / name).read_bytes(), snapshot), name


def test_a_template_changed_with_anything_else_makes_a_build(running):
    """Data beside a template, or an asset (which a build copies): a build, as before."""
    templates = running.config.parent / "templates"
    report_json = (running.preview.target / "report.json").stat().st_ino
    before, lines = running.version()["version"], len(running.lines)
    (templates / "relation.html").write_text(TITLED_PLAN, encoding="utf-8")
    (running.config.parent / "data" / "relations.csv").write_text(
        RELATIONS.replace("Alfa Bouw", "Alfa Bouwgroep"), encoding="utf-8")
    version = before
    while "Alfa Bouwgroep" not in running.get("/relations/k1.html")[1]:   # one build or two
        version = running.next_build(version)["version"]
    assert "<title>Plan van Alfa Bouwgroep</title>" in running.get("/relations/k1.html")[1]
    assert (running.preview.target / "report.json").stat().st_ino != report_json
    assert any(line.startswith("built ") for line in running.lines[lines:])

    lines = len(running.lines)
    (templates / "assets").mkdir()
    (templates / "assets" / "logo.svg").write_text("<svg/>", encoding="utf-8")
    logo = running.preview.target / "assets" / "logo.svg"
    while not logo.is_file():                                             # one build or two
        version = running.next_build(version)["version"]
    assert logo.read_text(encoding="utf-8") == "<svg/>"
    assert not any(line.startswith("only templates changed") for line in running.lines[lines:])


def test_a_rebuild_renders_only_the_pages_the_browser_asks_for_each_once(tmp_path):
    """Counted by the project's own plugin, whose report_sections runs once per page rendered:
    a build renders none, a request renders its page once per build, and the page of the
    relation that changed shows the change."""
    config = write_project(tmp_path)
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "teller.py").write_text(
        "from relatierapport import hookimpl\n\n\n@hookimpl\n"
        "def report_sections(kind, relation, report, config):\n"
        "    with open(config.root / 'renders.log', 'a', encoding='utf-8') as log:\n"
        "        log.write((relation.id if relation else 'portfolio') + '\\n')\n"
        "    return []\n", encoding="utf-8")
    log = tmp_path / "renders.log"
    renders = lambda: log.read_text(encoding="utf-8").split() if log.exists() else []
    preview = Running(config)
    try:
        assert renders() == []                                # the build rendered no page
        assert "Alfa Bouw" in preview.get("/")[1]
        assert "Alfa Bouw" in preview.get("/relations/k1.html")[1]
        preview.get("/relations/k1.html")
        preview.get("/")
        assert renders() == ["portfolio", "K1"]               # each page once in a build
        before = preview.version()["version"]
        data = tmp_path / "data" / "relations.csv"
        data.write_text(RELATIONS.replace("Alfa Bouw", "Alfa Bouwgroep"), encoding="utf-8")
        assert preview.next_build(before)["error"] is None
        assert renders() == ["portfolio", "K1"]               # the rebuild rendered none
        code, plan = preview.get("/relations/k1.html")
        assert code == 200 and "Alfa Bouwgroep" in plan
        assert renders() == ["portfolio", "K1", "K1"]         # only the page asked for
        assert any(line.endswith("4 HTML pages, each rendered when the browser asks for it")
                   for line in preview.lines), preview.lines
    finally:
        preview.close()


def test_a_request_during_a_build_gets_the_last_good_builds_page(tmp_path):
    """The project's plugin holds the build in its analysis until the test opens the gate: the
    pages asked for meanwhile are the last good build's, rendered from it if need be."""
    config = write_project(tmp_path)
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "poort.py").write_text(
        "import time\n\nfrom relatierapport import hookimpl\n"
        "from relatierapport.hooktypes import Analysis, Findings\n\n\n"
        "def wait(portfolio, config, findings):\n"
        "    (config.root / 'waiting').touch()\n"
        "    while not (config.root / 'gate').exists():\n"
        "        time.sleep(0.05)\n"
        "    return Findings()\n\n\n@hookimpl\ndef analyses():\n"
        "    return [Analysis('poort', wait)]\n", encoding="utf-8")
    gate, waiting = tmp_path / "gate", tmp_path / "waiting"
    gate.touch()
    preview = Running(config)
    try:
        assert "Alfa Bouw" in preview.get("/relations/k1.html")[1]
        before = preview.version()["version"]
        gate.unlink()
        waiting.unlink()
        (tmp_path / "data" / "relations.csv").write_text(
            RELATIONS.replace("Alfa Bouw", "Alfa Bouwgroep"), encoding="utf-8")
        for _ in range(600):                          # until the build waits at the gate
            if waiting.exists():
                break
            time.sleep(0.1)
        assert waiting.exists(), preview.lines
        for path in ("/relations/k1.html", "/"):      # rendered before, and not yet
            code, page = preview.get(path)
            assert code == 200 and "Alfa Bouw<" in page and "Alfa Bouwgroep" not in page, path
        assert preview.version()["version"] == before
        gate.touch()
        assert preview.next_build(before)["error"] is None
        assert "Alfa Bouwgroep" in preview.get("/relations/k1.html")[1]
    finally:
        gate.touch()
        preview.close()


def test_a_preview_into_a_folder_that_stays_writes_every_page(tmp_path):
    """--out: the folder outlives the preview, so it is a build's folder, pages included."""
    config = write_project(tmp_path)
    preview = Running(config, out=tmp_path / "site")
    try:
        written = (tmp_path / "site" / "relations" / "k1.html").read_text(encoding="utf-8")
        code, plan = preview.get("/relations/k1.html")
        assert code == 200 and plan.startswith(written[:written.rindex("</body>")])
        assert preview.preview.status.snapshot().pages.renders == 0   # served as written
    finally:
        preview.close()
    assert (tmp_path / "site" / "index.html").is_file()


def test_where_a_preview_builds(project):
    from relatierapport.errors import ConfigError
    from relatierapport.serve.preview import preview_target

    root = project.parent.resolve()
    assert preview_target(project, None) == (root / PREVIEW_FOLDER, True)       # removed on exit
    assert preview_target(project, root / "site") == (root / "site", False)     # the output itself
    assert preview_target(project, root / "tmp" / "preview") == (root / "tmp" / "preview", False)
    outside = project.with_name("config-outside.toml")
    outside.write_text('[project]\nname = "X"\noutput = "../elders"\n', encoding="utf-8")
    assert preview_target(outside, root.parent / "elders")[0] == root.parent / "elders"
    with pytest.raises(ConfigError):
        preview_target(project, root.parent / "elders")


def test_a_preview_folder_someone_else_wrote_is_refused_before_serving(project):
    mine = project.parent / PREVIEW_FOLDER
    mine.mkdir()
    (mine / "notes.txt").write_text("not a report\n")
    result = cli("serve", "--config", project, "--dev-addr", "127.0.0.1:0")
    assert result.exit_code == 2 and "was not written by relatierapport" in result.output
    assert (mine / "notes.txt").exists()


def test_an_edited_plugin_is_imported_afresh(tmp_path):
    """plugins/ is watched and each build imports its files again: an edit of the same size
    in the same second (a stale .pyc would hide it) shows on the next page."""
    config = write_project(tmp_path)
    (tmp_path / "plugins").mkdir()
    plugin = tmp_path / "plugins" / "stempel.py"
    source = ("from relatierapport import hookimpl\n\n\n@hookimpl\n"
              "def prepare_jinja_env(env, config):\n    env.globals['stempel'] = 'versie 1'\n")
    plugin.write_text(source, encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "portfolio.html").write_text(
        '{% extends "builtin/portfolio.html" %}\n{% block title %}{{ stempel }}{% endblock %}\n',
        encoding="utf-8")
    preview = Running(config)
    try:
        assert "<title>versie 1</title>" in preview.get("/")[1]
        before = preview.version()["version"]
        plugin.write_text(source.replace("versie 1", "versie 2"), encoding="utf-8")
        assert preview.next_build(before)["error"] is None
        assert "<title>versie 2</title>" in preview.get("/")[1]
        assert not (tmp_path / "plugins" / "__pycache__").exists()
    finally:
        preview.close()


def test_a_template_edit_that_a_plugin_refuses_is_reported_by_a_build(tmp_path):
    """Showing the last build through edited templates makes a new template environment; when
    a plugin's hook fails there, the preview builds instead, which reports the failure as
    any build does, and keeps serving."""
    config = write_project(tmp_path)
    (tmp_path / "plugins").mkdir()
    (tmp_path / "plugins" / "kieskeurig.py").write_text(
        "from pathlib import Path\n\nfrom relatierapport import hookimpl\n\n\n@hookimpl\n"
        "def prepare_jinja_env(env, config):\n"
        "    if 'WEIGER' in (Path(config.root) / 'templates' / 'relation.html').read_text('utf-8'):\n"
        "        raise ValueError('kieskeurig weigert dit sjabloon')\n", encoding="utf-8")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "relation.html").write_text(TITLED_PLAN, encoding="utf-8")
    preview = Running(config)
    try:
        before = preview.version()["version"]
        (tmp_path / "templates" / "relation.html").write_text(TITLED_PLAN + "{# WEIGER #}\n",
                                                              encoding="utf-8")
        status = preview.next_build(before)
        assert status["error"] and "kieskeurig weigert dit sjabloon" in status["error"]
        assert any(line.startswith("build failed") for line in preview.lines)
        (tmp_path / "templates" / "relation.html").write_text(TITLED_PLAN, encoding="utf-8")
        status = preview.next_build(status["version"])
        assert status["error"] is None          # after a failed build: a build, which succeeds
        assert "<title>Plan van Alfa Bouw</title>" in preview.get("/relations/k1.html")[1]
    finally:
        preview.close()
