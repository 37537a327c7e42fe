"""The machine is not the data: `relatierapport doctor`, and notices that never fail --strict.

Missing libraries and fonts are made real, not pretended: a build or `doctor` runs in a
subprocess where a `sitecustomize.py` makes cffi refuse to load one library before WeasyPrint
is imported (WeasyPrint loads HarfBuzz's subsetting library and Pango with ``ffi.dlopen``,
weasyprint/text/ffi.py), or where fontconfig is pointed at a folder of fonts of our choosing.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import mkdocs

from conftest import cli, run, write_project
from relatierapport.environment import HARFBUZZ_NOTICE

HIDE = """\
import cffi

_dlopen = cffi.FFI.dlopen


def dlopen(self, name, *args, **kwargs):
    if name and {hidden!r} in str(name):
        raise OSError(f"cannot load {{name}} (hidden for a test)")
    return _dlopen(self, name, *args, **kwargs)


cffi.FFI.dlopen = dlopen
"""


def without(library: str, folder: Path) -> dict[str, str]:
    """The environment of a process in which ``library`` cannot be loaded."""
    folder.mkdir(exist_ok=True)
    (folder / "sitecustomize.py").write_text(HIDE.format(hidden=library), encoding="utf-8")
    path = os.pathsep.join(filter(None, [str(folder), os.environ.get("PYTHONPATH")]))
    return {**os.environ, "PYTHONPATH": path}


def with_fonts(fonts: list[Path], folder: Path) -> dict[str, str]:
    """The environment of a process whose fontconfig knows only ``fonts``."""
    (folder / "fonts").mkdir(parents=True)
    for font in fonts:
        (folder / "fonts" / font.name).write_bytes(font.read_bytes())
    conf = folder / "fonts.conf"
    conf.write_text(f'<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>'
                    f'<dir>{folder / "fonts"}</dir><cachedir>{folder / "cache"}</cachedir></fontconfig>\n',
                    encoding="utf-8")
    return {**os.environ, "FONTCONFIG_FILE": str(conf)}


def lines(text: str) -> list[str]:
    return [" ".join(line.split()) for line in text.splitlines()]


# -- doctor -------------------------------------------------------------------------------------

def test_doctor_on_a_machine_with_everything_exits_0():
    result = cli("doctor")
    assert result.exit_code == 0, result.output
    out = lines(result.output)
    assert out[0].startswith("ok Python: 3.1") and out[0].endswith("(3.11 or newer needed)")
    assert out[1].startswith("ok WeasyPrint: ") and " with Pango 1." in out[1]
    assert out[2] == "ok HarfBuzz subsetting: fonts in PDFs are subset by HarfBuzz"
    assert out[3].startswith("ok fonts: ") and out[3].endswith("found, the report font DejaVu Sans "
                                                              "among them")
    assert out[4] == ("ok fonts for every script: Noto fonts found for Chinese, Japanese, Korean, "
                      "Arabic, Hebrew and more")
    assert out[5:] == [
        "not needed chromium, poppler-utils: only the project's own tests use them; reports are made "
        "without",
        "everything a build needs is here"]


def test_doctor_advises_harfbuzz_subsetting_and_still_exits_0(tmp_path):
    done = run("doctor", env=without("harfbuzz-subset", tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    assert ("advised HarfBuzz subsetting: not available: PDFs are made with fontTools, about 2.3x "
            "slower; install: apt-get install libharfbuzz-subset0") in lines(done.stdout)
    assert lines(done.stdout)[-1] == ("everything a build needs is here; advised: apt-get install "
                                      "libharfbuzz-subset0")


def test_doctor_exits_1_without_pango_naming_the_packages(tmp_path):
    done = run("doctor", env=without("pango", tmp_path))
    assert done.returncode == 1, done.stdout + done.stderr
    out = lines(done.stdout)
    assert out[1] == ("missing WeasyPrint: its libraries do not load (cannot load libpango-1.0-0 "
                      "(hidden for a test)); PDFs cannot be made; install: apt-get install "
                      "libpango-1.0-0 libpangoft2-1.0-0")
    assert out[-1] == ("relatierapport cannot make PDFs on this machine: apt-get install "
                       "libpango-1.0-0 libpangoft2-1.0-0")
    assert "-----" not in done.stdout           # WeasyPrint's own long text is not shown


def test_doctor_exits_1_without_any_font_and_advises_the_report_font(tmp_path):
    done = run("doctor", env=with_fonts([], tmp_path / "none"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert ("missing fonts: fontconfig finds no font: PDFs would have no text; install: apt-get "
            "install fonts-dejavu-core") in lines(done.stdout)
    other = Path(mkdocs.__file__).parent / "themes" / "mkdocs" / "webfonts" / "fa-solid-900.ttf"
    done = run("doctor", env=with_fonts([other], tmp_path / "other"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert ("advised fonts: 1 found, but not the report font DejaVu Sans: PDFs use Font Awesome 6 "
            "Free instead; install: apt-get install fonts-dejavu-core") in lines(done.stdout)


def test_doctor_advises_the_noto_fonts_when_only_the_report_font_is_there(tmp_path):
    dejavu = Path(subprocess.run(["fc-match", "-f", "%{file}", "DejaVu Sans"], capture_output=True,
                                 text=True, check=True).stdout)
    done = run("doctor", env=with_fonts([dejavu], tmp_path))
    assert done.returncode == 0, done.stdout + done.stderr
    out = lines(done.stdout)
    assert out[3].startswith("ok fonts: 1 found, the report font DejaVu Sans")
    assert out[4] == ("advised fonts for every script: Noto fonts not found: names in scripts that "
                      "DejaVu Sans lacks (Chinese, Japanese, Korean) print as empty boxes; install: "
                      "apt-get install fonts-noto-core fonts-noto-cjk")
    assert out[-1] == ("everything a build needs is here; advised: apt-get install fonts-noto-core "
                       "fonts-noto-cjk")


# -- notices in a build -------------------------------------------------------------------------

def test_a_strict_build_without_harfbuzz_subsetting_passes_with_one_notice(tmp_path):
    config = write_project(tmp_path / "p")
    done = run("build", "--config", config, "--as-of", "2026-11-01", "--strict",
               "--summary", tmp_path / "summary.json", env=without("harfbuzz-subset", tmp_path / "lib"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert [line for line in done.stderr.splitlines() if line.startswith("notice:")] == [
        f"notice: {HARFBUZZ_NOTICE}"]
    assert "warning" not in done.stderr
    assert done.stdout.strip().endswith("0 warning(s), 1 notice(s) about this machine")
    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    assert summary["warnings"] == [] and summary["notices"] == [HARFBUZZ_NOTICE]
    report = (tmp_path / "p" / "site" / "report.json").read_text(encoding="utf-8")
    assert json.loads(report)["warnings"] == [] and "HarfBuzz" not in report
    assert (tmp_path / "p" / "site" / "relations" / "k1.pdf").read_bytes().startswith(b"%PDF")


def test_without_harfbuzz_subsetting_a_data_warning_or_a_pdf_warning_still_fails_strict(tmp_path):
    env = without("harfbuzz-subset", tmp_path / "lib")
    garbled = "id;name\nK1;Alfa Bouw\nK2;CafÃ© Noord\nC1;Carla de Jong\n"
    config = write_project(tmp_path / "data", relations=garbled)
    done = run("build", "--config", config, "--as-of", "2026-11-01", "--strict", env=env)
    assert done.returncode == 1
    assert "1 warning(s), failing because of --strict:\n  data/relations.csv:3: expected readable " \
           'text, found "Ã©" where "é" is meant' in done.stderr
    # a PDF warning about the report (an image that is not there) is no notice
    config = write_project(tmp_path / "image")
    (tmp_path / "image" / "templates").mkdir()
    (tmp_path / "image" / "templates" / "base.html").write_text(
        '{% extends "builtin/base.html" %}{% block logo %}<img src="logo-ontbreekt.png" alt="">'
        '{% endblock %}', encoding="utf-8")
    done = run("build", "--config", config, "--as-of", "2026-11-01", "--strict", "--format", "pdf",
               env=env)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "warning(s), failing because of --strict:" in done.stderr
    assert "logo-ontbreekt.png" in done.stderr and "HarfBuzz" not in done.stderr
