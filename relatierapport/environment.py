"""The machine a build runs on: what PDFs need from it, for ``relatierapport doctor`` and notices.

The environment is not the data. A missing optional library or font changes how fast or how
a PDF is made, never what the report says, so a build reports it as a *notice* (one line per
build, never a warning, never counted by ``--strict``), and ``relatierapport doctor`` lists
everything with the Debian package that provides what is missing.

WeasyPrint is imported only inside the functions: ``--help`` stays instant.
"""

from __future__ import annotations

import contextlib
import io
import sys
import warnings
from dataclasses import dataclass

#: The font the built-in stylesheet asks for first (render/templates/assets/report.css).
REPORT_FONT = "DejaVu Sans"
#: What WeasyPrint needs at least (its own documentation: Pango 1.44).
PYTHON_NEEDED = (3, 11)
PANGO_NEEDED = (1, 44)

HARFBUZZ_NOTICE = ("libharfbuzz-subset0 is not installed: WeasyPrint subsets fonts with fontTools "
                   "instead and PDFs take about 2.3x longer (apt-get install libharfbuzz-subset0; "
                   "`relatierapport doctor` checks the machine)")

#: WeasyPrint's log messages that are about the machine, not about the report: the start of the
#: message -> the notice it becomes (one per build, however many pages said it).
ENVIRONMENT_MESSAGES = {
    "Using fontTools instead of HarfBuzz-Subset": HARFBUZZ_NOTICE,
}


#: The fonts the stylesheet asks for after DejaVu Sans, for the scripts DejaVu lacks (Chinese,
#: Japanese, Korean; fuller Arabic and Hebrew): one family of each Debian package -> the package.
SCRIPT_FONTS = {"Noto Sans": "fonts-noto-core", "Noto Sans CJK SC": "fonts-noto-cjk"}


def script_fonts_missing() -> list[str]:
    """The Debian packages of SCRIPT_FONTS that fontconfig does not find, in the order of
    SCRIPT_FONTS (without them a name in such a script prints as empty boxes)."""
    return [package for family, package in SCRIPT_FONTS.items() if fonts(family).matched != family]


def font_notice(found: str | None) -> str:
    instead = f"PDFs use {found} instead" if found else "PDFs have no font to write text in"
    return (f"the report font {REPORT_FONT} is not installed: {instead} (apt-get install "
            "fonts-dejavu-core; `relatierapport doctor` checks the machine)")


def notice_for(message: str) -> str | None:
    """The notice a WeasyPrint log message stands for, or None when it is about the report."""
    for start, notice in ENVIRONMENT_MESSAGES.items():
        if message.startswith(start):
            return notice
    return None


@contextlib.contextmanager
def _quiet():
    """WeasyPrint prints a long text to stdout when its libraries do not load, and warns when
    fontconfig has no font; the checks here say it shorter."""
    with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        yield


def weasyprint_libraries():
    """WeasyPrint's ffi module (Pango, HarfBuzz, fontconfig loaded), or raise OSError."""
    with _quiet():
        from weasyprint.text import ffi
    return ffi


def harfbuzz_subsetting() -> bool:
    """Whether WeasyPrint subsets fonts with HarfBuzz (it needs HarfBuzz 4.1 or newer)."""
    ffi = weasyprint_libraries()
    return (getattr(ffi, "harfbuzz_subset", None) is not None
            and bool(ffi.harfbuzz.hb_version_atleast(4, 1, 0)))


@dataclass(frozen=True)
class Fonts:
    """What fontconfig offers: how many fonts, and which family a request gets."""

    count: int
    matched: str | None            # the family fontconfig gives for REPORT_FONT (None: nothing)

    @property
    def report_font(self) -> bool:
        return self.matched == REPORT_FONT


def fonts(family: str = REPORT_FONT) -> Fonts:
    """Ask fontconfig, as WeasyPrint does, for ``family``."""
    ffi_module = weasyprint_libraries()
    ffi, fontconfig = ffi_module.ffi, ffi_module.fontconfig
    config = fontconfig.FcInitLoadConfigAndFonts()
    try:
        fontset = fontconfig.FcConfigGetFonts(config, fontconfig.FcSetSystem)
        count = fontset.nfont if fontset != ffi.NULL else 0
        pattern = fontconfig.FcPatternCreate()
        fontconfig.FcPatternAddString(pattern, b"family", family.encode())
        fontconfig.FcConfigSubstitute(config, pattern, fontconfig.FcMatchPattern)
        fontconfig.FcDefaultSubstitute(pattern)
        result = ffi.new("FcResult *")
        match = fontconfig.FcFontMatch(config, pattern, result)
        fontconfig.FcPatternDestroy(pattern)
        matched = None
        if match != ffi.NULL:
            name = ffi.new("FcChar8 **")
            if fontconfig.FcPatternGetString(match, b"family", 0, name) == fontconfig.FcResultMatch:
                matched = ffi.string(name[0]).decode("utf-8", "replace")
            fontconfig.FcPatternDestroy(match)
    finally:
        fontconfig.FcConfigDestroy(config)
    return Fonts(count, matched if count else None)


def pdf_notices(builtin_stylesheet: bool = True) -> list[str]:
    """The notices a PDF build on this machine gets (the report font is only checked when the
    built-in stylesheet is used: a project's own stylesheet names its own fonts)."""
    notices = [] if harfbuzz_subsetting() else [HARFBUZZ_NOTICE]
    if builtin_stylesheet:
        found = fonts()
        if not found.report_font:
            notices.append(font_notice(found.matched))
    return notices


# -- relatierapport doctor ----------------------------------------------------------------------

@dataclass(frozen=True)
class Check:
    """One line of ``relatierapport doctor``."""

    what: str
    status: str                    # "ok", "missing" (needed), "advised" (works without), "not needed"
    detail: str
    install: tuple[str, ...] = ()  # Debian packages that provide what is missing

    @property
    def fails(self) -> bool:
        return self.status == "missing"


def _version(number: int) -> tuple[int, int, int]:
    return number // 10000, number // 100 % 100, number % 100


def checks() -> list[Check]:
    """Everything a build needs or is better with, in the order a person would install it."""
    found: list[Check] = []
    python = sys.version_info[:3]
    shown = ".".join(map(str, python))
    needed = ".".join(map(str, PYTHON_NEEDED))
    found.append(Check("Python", "ok" if python >= PYTHON_NEEDED else "missing",
                       f"{shown} ({needed} or newer needed)", () if python >= PYTHON_NEEDED
                       else ("python3",)))
    try:
        ffi = weasyprint_libraries()
    except OSError as exc:
        found.append(Check("WeasyPrint", "missing", f"its libraries do not load ({exc}); PDFs "
                           "cannot be made", ("libpango-1.0-0", "libpangoft2-1.0-0")))
        return found + _not_needed()
    import weasyprint

    pango = _version(ffi.pango.pango_version())
    pango_ok = pango[:2] >= PANGO_NEEDED
    found.append(Check("WeasyPrint", "ok" if pango_ok else "missing",
                       f"{weasyprint.__version__} with Pango {'.'.join(map(str, pango))} "
                       f"(Pango {'.'.join(map(str, PANGO_NEEDED))} or newer needed)",
                       () if pango_ok else ("libpango-1.0-0", "libpangoft2-1.0-0")))
    if harfbuzz_subsetting():
        found.append(Check("HarfBuzz subsetting", "ok", "fonts in PDFs are subset by HarfBuzz"))
    else:
        found.append(Check("HarfBuzz subsetting", "advised", "not available: PDFs are made with "
                           "fontTools, about 2.3x slower", ("libharfbuzz-subset0",)))
    offered = fonts()
    if not offered.count:
        found.append(Check("fonts", "missing", "fontconfig finds no font: PDFs would have no text",
                           ("fonts-dejavu-core",)))
    elif offered.report_font:
        found.append(Check("fonts", "ok", f"{offered.count} found, the report font {REPORT_FONT} "
                           "among them"))
    else:
        found.append(Check("fonts", "advised", f"{offered.count} found, but not the report font "
                           f"{REPORT_FONT}: PDFs use {offered.matched} instead",
                           ("fonts-dejavu-core",)))
    if offered.count:
        found.append(_script_fonts())
    return found + _not_needed()


def _script_fonts() -> Check:
    missing = script_fonts_missing()
    if not missing:
        return Check("fonts for every script", "ok", "Noto fonts found for Chinese, Japanese, Korean, "
                     "Arabic, Hebrew and more")
    return Check("fonts for every script", "advised", "Noto fonts not found: names in scripts that "
                 "DejaVu Sans lacks (Chinese, Japanese, Korean) print as empty boxes", tuple(missing))


def _not_needed() -> list[Check]:
    return [Check("chromium, poppler-utils", "not needed", "only the project's own tests use them; "
                  "reports are made without")]
