"""Characters no installed font has: one warning per build instead of one line per glyph.

WeasyPrint logs every character it prints as an empty box (".notdef") separately, page after
page; a single Chinese name would flood a build with dozens of lines. Here they become one
warning that says which characters, in which PDFs, and which Debian package has fonts for them.
"""

from __future__ import annotations

import re

from relatierapport import environment

#: WeasyPrint 70 (weasyprint/draw/text.py): '.notdef glyph rendered for Unicode string
#: unsupported by fonts: "X" (U+0058)'.
NOTDEF = re.compile(r'^\.notdef glyph rendered for Unicode string unsupported by fonts: .*\(U\+([0-9A-F]+)\)$')
#: Characters and files named in the warning; the rest are counted.
SHOWN = 12


def missing_glyph(message: str) -> int | None:
    """The code point of a missing-glyph message, or None for any other message."""
    found = NOTDEF.match(message)
    return int(found.group(1), 16) if found else None


def missing_glyphs_warning(characters: dict[int, None], files: dict[str, None]) -> str:
    """The one warning for every missing glyph of a build (both in the order first met)."""
    shown = ", ".join(f"{chr(code)} (U+{code:04X})" for code in list(characters)[:SHOWN])
    more = f" and {len(characters) - SHOWN} more" if len(characters) > SHOWN else ""
    where = ", ".join(list(files)[:SHOWN]) + (f" and {len(files) - SHOWN} more PDFs"
                                              if len(files) > SHOWN else "")
    missing = environment.script_fonts_missing()
    remedy = (f"install fonts for them (apt-get install {' '.join(missing)}; `relatierapport doctor` "
              "checks the machine)" if missing else
              "no installed font has them, not even the Noto fonts: install a font that does")
    count = len(characters)
    return (f"{count} character{'s' if count != 1 else ''} printed as empty boxes, no font has "
            f"{'them' if count != 1 else 'it'}: {shown}{more}; in {where}; {remedy}")
