"""What a file is when it is not a readable .xlsx, named before openpyxl opens it.

A renamed CSV, an old .xls, a password-protected workbook, an .xlsb or .ods,
a truncated file and a zip bomb each get a message that says what to do;
openpyxl would fail on them with exceptions that say little.
"""

from __future__ import annotations

import zipfile

from relatierapport.errors import Problem


#: Refuse zip members that would unpack to more than this, or that are suspiciously
#: compressed (real sheet XML compresses about 5-30 times; a zip bomb ~1000 times).
MAX_PART_BYTES = 4 << 30
MAX_RATIO, RATIO_FROM_BYTES = 250, 20 << 20

OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def reason(exc: BaseException) -> str:
    """An exception as a short text for a message: its type and first line."""
    text = str(exc).splitlines()[0][:160] if str(exc) else ""
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def refuse_non_xlsx(handle, spec) -> Problem | None:
    """Name what the file is when it is not an .xlsx, and refuse zip bombs before unpacking."""
    head = handle.read(4096)

    def refuse(found: str) -> Problem:
        return Problem(spec.display, f"expected an .xlsx workbook, found {found}")

    if not head:
        return refuse("an empty file")
    if head.startswith(OLE2_MAGIC):
        if spec.path.suffix.lower() == ".xls":
            return refuse("an old Excel 97-2003 .xls file: open it in Excel or LibreOffice and "
                          "save it as .xlsx (Excel Workbook)")
        return refuse("an old Excel 97-2003 .xls file or a password-protected workbook: remove "
                      "the password, or save it as .xlsx (Excel Workbook)")
    if not head.startswith(b"PK"):
        text = head.lstrip(b"\xef\xbb\xbf\xff\xfe").lstrip()
        if text[:1] == b"<":
            return refuse("XML or HTML text (an Excel 2003 XML or a web page saved as .xls?): "
                          "open it in Excel and save it as .xlsx")
        if head and sum(32 <= b < 127 or b in b"\t\r\n" for b in head) > 0.95 * len(head):
            return refuse('plain text (a CSV file?): read it with type = "csv", or save it as .xlsx')
        return refuse(f"{spec.path.stat().st_size} bytes that are not an .xlsx (zip) file")
    try:
        handle.seek(0)
        with zipfile.ZipFile(handle) as archive:
            infos = archive.infolist()
    except Exception as exc:
        return refuse(f"a damaged or truncated zip file ({reason(exc)})")
    names = {info.filename for info in infos}
    if "xl/workbook.bin" in names:
        return refuse("a binary Excel workbook (.xlsb): save it as .xlsx (Excel Workbook)")
    if "content.xml" in names and "mimetype" in names:
        return refuse("an OpenDocument file (.ods): save it as .xlsx (Excel Workbook)")
    if not any(name.startswith("xl/") for name in names):
        return refuse("a zip archive that is not an Excel workbook")
    for info in infos:
        if info.file_size > MAX_PART_BYTES or (
                info.file_size > RATIO_FROM_BYTES
                and info.file_size > MAX_RATIO * max(info.compress_size, 1)):
            return refuse(f"a part ({info.filename}) that would unpack to {info.file_size:,} bytes "
                          f"from {info.compress_size:,}: refused as a possible zip bomb")
    return None
