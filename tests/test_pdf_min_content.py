"""Min-content widths from one layout per text give what WeasyPrint's own way gives.

``min_content.split_first_line`` answers WeasyPrint's min-content questions for text that
may break anywhere from one character-wrapped layout instead of one layout per character.
These tests ask both ways the same questions, as a real document asks them, on texts that
are awkward for line breaking, and compare every answer and the PDFs' bytes. A WeasyPrint
release that breaks or measures differently fails here.
"""

from __future__ import annotations

import pytest
import weasyprint
from weasyprint.layout import preferred

from relatierapport.builtin.outputs.pdf_output import min_content
from relatierapport.builtin.outputs.pdf_output.pool import PdfSettings, _Renderer

#: Texts answered from one layout: every character a cluster of its own.
PLAIN = [
    "Van der Berg-Hoogendijk Installatietechniek en Klimaatbeheersing B.V.",
    "x" * 100,
    "jan.de.vries+facturen@installatiebedrijf-noord-holland.example.nl",
    "김민준 (한국 무역 협회 서울 지사)",
    "北京市海淀区中关村科技园区管理委员会",
    "1\u00a0234\u00a0567,89 € bij 12\u00a0% op 3\u00a0dec.\u00a02026",
    "  spaties   voor en   na  ",
    "Müller, Ölçer, Çağlar; Đorđević — Łukasiewicz «Ωμέγα» Жуковский",
    "a",
]
#: Texts left to WeasyPrint: a break may depend on a character's neighbours there.
OTHER = [
    "شركة الخليج للتجارة والمقاولات العامة",
    "บริษัทไทยพาณิชย์จำกัดมหาชน",
    "Familie 👩‍👩‍👧‍👦 en 🇳🇱 vlag",
    "Cafe\u0301 Ame\u0301lie en Zoe\u0308",
    "Ver\u00adzeke\u00adrings\u00admaat\u00adschappij",
    "lang\u200bwoord\u200bmet\u200bnulbreedte",
]
AWKWARD = PLAIN + OTHER + [""]

STYLES = [
    "overflow-wrap: anywhere",
    "overflow-wrap: anywhere; letter-spacing: 0.07em",
    "overflow-wrap: anywhere; word-spacing: 0.4em; font-weight: bold",
    "word-break: break-all",
    "overflow-wrap: anywhere; hyphens: auto",
    "overflow-wrap: anywhere; white-space: pre-wrap",
    "overflow-wrap: break-word",
]


def document() -> str:
    """A table per style, each cell an awkward text, some with inline boxes inside (so the
    text after them does not start a line) and a preserved line break."""
    tables = []
    for style in STYLES:
        rows = "".join(
            f"<tr><td>{text}</td><td><strong>{text[:5]}</strong>{text}</td>"
            f"<td><a href='#x'>{text}</a> {text[::-1]}</td></tr>" for text in AWKWARD)
        rows += "<tr><td>eerste regel\ntweede   regel</td><td>x</td><td>y</td></tr>"
        tables.append(f"<table style='{style}'>{rows}</table>")
    return ("<html lang='nl'><head><style>@page { size: A4; margin: 1cm } "
            "td { border: 1px solid; padding: 2pt; font-size: 9pt }</style></head><body>"
            + "".join(tables) + "</body></html>")


@pytest.fixture
def original(monkeypatch):
    """WeasyPrint's own split_first_line, with preferred's reference to it restored after."""
    assert min_content.install(), f"not checked with WeasyPrint {weasyprint.__version__}"
    monkeypatch.setattr(preferred, "split_first_line", min_content._original)
    return min_content._original


def test_every_min_content_question_gets_weasyprints_answer(original, monkeypatch):
    asked, differ = [], []

    def both(text, style, context, max_width, spacing, is_line_start=True, minimum=False):
        theirs = original(text, style, context, max_width, spacing, is_line_start, minimum)
        ours = min_content.split_first_line(text, style, context, max_width, spacing,
                                            is_line_start, minimum)
        if ours[0] is None:                # answered from one layout
            asked.append(text)
            if (ours[2], ours[3]) != (theirs[2], theirs[3]):
                differ.append((text, style["overflow_wrap"], (theirs[2], theirs[3]), (ours[2], ours[3])))
        return theirs

    monkeypatch.setattr(preferred, "split_first_line", both)
    weasyprint.HTML(string=document()).render()
    min_content.forget()
    assert differ == []
    # the one layout answered the character-by-character questions of every plain text …
    answered = {question.strip() for question in asked}
    for text in PLAIN:
        assert text.strip() in answered, text
    # … and left to WeasyPrint the others, text with a preserved line break, and text that
    # may break only between words or whose every character may break (break-all)
    assert not any(question.strip() in answered for question in OTHER)
    assert not any("\n" in question for question in asked)
    assert len(asked) > 1000


def test_the_pdf_has_the_same_bytes_either_way(original, monkeypatch):
    html = document()
    theirs = weasyprint.HTML(string=html).write_pdf()
    monkeypatch.setattr(preferred, "split_first_line", min_content.split_first_line)
    ours = weasyprint.HTML(string=html).write_pdf()
    min_content.forget()
    assert ours == theirs


def test_one_layout_per_text_instead_of_one_per_character(original, monkeypatch):
    """The reason for it: a 300-character cell costs one character-wrapped layout, not 300."""
    html = "<table><tr><td style='overflow-wrap: anywhere'>" + "abc " * 75 + "</td></tr></table>"
    measured = []
    monkeypatch.setattr(min_content, "_measure",
                        lambda *args, _measure=min_content._measure: measured.append(1) or _measure(*args))
    monkeypatch.setattr(preferred, "split_first_line", min_content.split_first_line)
    weasyprint.HTML(string=html).render()
    min_content.forget()
    assert len(measured) == 1


def test_only_weasyprint_versions_it_was_checked_with(original, monkeypatch):
    monkeypatch.setattr(weasyprint, "__version__", "71.0")
    assert min_content.install() is False
    assert preferred.split_first_line is original
    monkeypatch.setattr(weasyprint, "__version__", "70.2")
    assert min_content.install() is True
    assert preferred.split_first_line is min_content.split_first_line


def test_every_pdf_renderer_uses_it(original, tmp_path):
    _Renderer(PdfSettings((), (str(tmp_path),)))
    assert preferred.split_first_line is min_content.split_first_line
