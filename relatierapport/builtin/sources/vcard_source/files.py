"""A vCard source's files, and their bytes as text the card reader can split.

``path`` is one file or a folder: every ``*.vcf`` and ``*.vcard`` below it
(recursively, sorted by path, hidden files and folders left out, links that
lead outside the folder not followed). A file with a BOM, or in UTF-16
without one, becomes UTF-8 here; other files stay bytes, because vCard 2.1
declares a character set per property.
"""

from __future__ import annotations

import codecs
import os
from dataclasses import dataclass
from pathlib import Path

from relatierapport.builtin.sources.vcard_source.problems import Problems
from relatierapport.errors import Problem
from relatierapport.sources.tabular import text_codec

SUFFIXES = (".vcf", ".vcard")


def vcard_files(spec, problems: Problems) -> list[tuple[Path, str]]:
    """The files of a source: itself, or the vCard files in its folder, sorted."""
    root: Path = spec.path
    if root.is_file():
        return [(root, spec.display)]
    base = root.resolve()
    prefix = spec.display.rstrip("/\\")
    found: list[tuple[str, Path]] = []
    for folder, subfolders, names in os.walk(root):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        for name in names:
            if name.startswith(".") or not name.lower().endswith(SUFFIXES):
                continue
            path = Path(folder, name)
            relative = path.relative_to(root).as_posix()
            if not path.resolve().is_relative_to(base):
                problems.warn(Problem(f"{prefix}/{relative}", f"expected a file inside {spec.display}, "
                                      "found a link to a file outside it: not read"))
                continue
            if path.is_file():
                found.append((relative, path))
    if not found:
        problems.warn(Problem(spec.display, "expected .vcf or .vcard files in this folder, found none: "
                              "this source adds nothing to the report"))
    return [(path, f"{prefix}/{relative}") for relative, path in sorted(found)]


_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"),
         (codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
         (codecs.BOM_UTF16_BE, "utf-16"))


def sniff_utf16(raw: bytes) -> str | None:
    """UTF-16 without a BOM: every other byte of ASCII text is a NUL."""
    sample = raw[:400]
    half = len(sample) // 2
    if half < 2 or b"\x00" not in sample:
        return None
    even, odd = sample[0::2].count(0), sample[1::2].count(0)
    if odd > 0.3 * half and even < 0.05 * half:
        return "utf-16-le"
    if even > 0.3 * half and odd < 0.05 * half:
        return "utf-16-be"
    return None


def as_utf8(raw: bytes, encoding: str, source: str, problems: Problems) -> tuple[bytes, bool]:
    """Files in UTF-16/32 (or with any BOM) become UTF-8 here; returns (bytes, trusted).

    Nothing is decoded across a line fold here (RFC 6350 §3.2: unfold, then decode): a fold
    may split a character, so UTF-8 stays bytes (a UTF-8 BOM is only removed) and UTF-16/32
    becomes UTF-8 code unit by code unit, a surrogate pair split by a fold as its two halves
    (``surrogatepass``). ``values.decode`` decodes each property's bytes once unfolded."""
    codec = None
    if encoding == "auto":
        for bom, name in _BOMS:
            if raw.startswith(bom):
                codec = name
                break
        else:
            codec = sniff_utf16(raw)
    else:
        name = text_codec(encoding) or "utf-8"
        if name.startswith(("utf-16", "utf-32")):
            codec = name
        elif name == "utf-8" and raw.startswith(codecs.BOM_UTF8):
            codec = "utf-8-sig"
    if codec is None:
        return raw, False
    if codec == "utf-8-sig":
        while raw.startswith(codecs.BOM_UTF8):
            raw = raw[len(codecs.BOM_UTF8):]
        return raw, True
    try:
        text = raw.decode(codec, errors="surrogatepass")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].decode(codec, errors="replace").count("\n") + 1
        problems.warn(Problem(source, f"expected text in {codec}, found "
                              f"bytes that are not: read as \ufffd", location=str(line)))
        text = raw.decode(codec, errors="replace")
    return text.lstrip("\ufeff").encode("utf-8", errors="surrogatepass"), True


def codec_option(encoding: str) -> str | None:
    """The encoding option as a codec for property values; None means auto."""
    if encoding == "auto":
        return None
    return text_codec(encoding)


@dataclass
class FileState:
    source: str
    trusted: bool                     # already text (BOM, UTF-16): CHARSET no longer applies
    codec: str | None                 # the encoding option; None means auto
    index: int                        # the [[sources]] number, for hints
    fallback_reported: bool = False

    @property
    def default_name(self) -> str:
        return "utf-8" if self.trusted or self.codec is None else self.codec
