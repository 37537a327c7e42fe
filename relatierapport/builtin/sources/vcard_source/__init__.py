"""Built-in source ``vcard``: address books (.vcf) as phones, mail clients and CRMs write them.

``path`` is one .vcf file or a folder; a folder means every ``*.vcf`` and
``*.vcard`` file below it (recursively, sorted by path, hidden files and
folders left out, links that lead outside the folder not followed).

vCard 2.1, 3.0 and 4.0 are read. vobject's value parsers (``stringToTextValues``,
``splitFields``) unescape the values and split N, ADR and ORG into their parts.
vobject's line and component parser is not used: its line regex backtracks
exponentially on a parameter list such as ``FN;a=,,,,…`` (22 commas take 2 s,
each further comma doubles that), it keeps only the text before an unescaped
comma, turns a trailing backslash into "eof", and costs about 0.5 ms a card.
This module does what that leaves to the caller:

* it splits a file into cards (BEGIN:VCARD … END:VCARD) and properties itself,
  with their physical lines, so one bad card is a located warning and the other
  cards still load (a vCard 2.1 AGENT card inside a card is skipped);
* character sets: a BOM, UTF-16 without a BOM, a property's own CHARSET
  (``N;CHARSET=windows-1252:…``), else UTF-8, falling back to windows-1252 with
  a warning naming the file (option ``encoding`` fixes the file's encoding);
* line folds are undone on the bytes, before any decoding (RFC 6350 §3.2): a
  fold inside a multi-byte character (UTF-8, or a surrogate pair in UTF-16)
  reads as the character, with or without a BOM;
* vCard 2.1 quoted-printable, also with soft line breaks (``=`` at the end of a
  line continues on the next, unindented, line);
* line endings: CRLF, LF, CR and iPhone's damaged ``\\r\\r\\n``;
* escapes vobject gets wrong: unescaped commas in text (2.1 and sloppy 3.0
  writers; vobject would keep only the part before the first comma), ``\\:``
  and ``\\"`` (Apple, Google), a trailing backslash;
* limits against hostile input: a property larger than ``max_property_bytes``
  or more than 1000 properties skips the card with a warning; PHOTO, LOGO,
  SOUND and KEY values are never decoded or fetched (they are dropped), URLs
  are kept as text only.

What becomes of a card:

* a person (kind ``person``) when it has a person's name: FN, or N when FN is
  missing or merely repeats the organisation (Apple's "show as company");
* an organisation when its KIND is ``org`` (vCard 4) or when it has ORG but
  no person's name. Every distinct ORG name becomes one organisation relation
  with the id ``org-<slug of the name>`` (a short hash for names without
  letters or digits); persons get ``organisation`` set to it, and an
  organisation's own card fills that same relation;
* a card with neither a name nor ORG is named by its e-mail address or phone;
  a card with none of these is skipped with a warning;
* group cards (Apple ``X-ADDRESSBOOKSERVER-KIND:group``, vCard 4 ``KIND:group``)
  are not relations: their name becomes a tag of each member card;
* CATEGORIES become tags (Google's system groups "My Contacts" and "Starred"
  are left out); ``category_tags`` turns tags into the category A, B or C.

The relation id is the card's UID (without ``urn:uuid:``), else ``vcard-`` and
a short hash of the name and e-mail address. ``email``: the first preferred
address, else the first work address, else the first; ``phone`` likewise
(fax and pager last), as written; ``city``: the locality of the work address,
else the preferred, else the first. ``extra`` keeps as text: source_id (UID),
title, job_role (ROLE), department (ORG units), nickname, note, birthday,
anniversary, revision (REV), website and urls, related (RELATED,
X-ABRELATEDNAMES and Outlook/Evolution spouse, manager, assistant), and every
e-mail address and phone number when there are several.
"""

from __future__ import annotations

from pathlib import Path

from relatierapport import hookimpl
from relatierapport.builtin.sources.vcard_source.book import AddressBook
from relatierapport.builtin.sources.vcard_source.card import WANTED, Card
from relatierapport.builtin.sources.vcard_source.cards import LINE_BREAK, split_cards
from relatierapport.builtin.sources.vcard_source.files import (FileState, as_utf8, codec_option,
                                                               vcard_files)
from relatierapport.builtin.sources.vcard_source.problems import Problems
from relatierapport.builtin.sources.vcard_source.properties import unfold
from relatierapport.builtin.sources.vcard_source.values import decode, parse_value, vobject_text
from relatierapport.errors import Problem
from relatierapport.hooktypes import SourceReader
from relatierapport.model import SourceData
from relatierapport.options import Integer, ListOf, Option, Table, Text
from relatierapport.sources.tabular import text_codec


def _check_encoding(value: str) -> str | None:
    if value == "auto" or text_codec(value):
        return None
    return 'expected "auto" or an encoding name such as utf-8, windows-1252 or utf-16'


OPTIONS = (
    Option("encoding", Text(), "auto",
           'Character encoding of the files: "auto" (a BOM, UTF-16 without BOM, each property\'s '
           "CHARSET, else UTF-8 with a fallback to windows-1252 and a warning), or a name such as "
           "utf-8, windows-1252, iso-8859-15, utf-16.", check=_check_encoding),
    Option("owner", Text(), None, "Employee id set as owner of every relation from this source."),
    Option("role", Text(), None, "Role of the persons from this source (client, candidate, contact, "
           "... or your own word); organisations get none."),
    Option("category_tags", Table(ListOf(Text()), keys=("A", "B", "C")), {},
           'Tags (CATEGORIES) that set the category, e.g. { A = ["A-klant", "A"], B = ["B-klant"] }; '
           "compared without regard to case."),
    Option("max_property_bytes", Integer(minimum=64), 1_000_000,
           "Largest property (e.g. a PHOTO) accepted; a card with a larger one is skipped with a "
           "warning."),
)


@hookimpl
def source_readers():
    return [SourceReader("vcard", read_vcards, OPTIONS,
                         "vCard address books (.vcf, 2.1/3.0/4.0): a file or a folder of them.")]


def read_vcards(spec, config) -> SourceData:
    """Read the vCards in ``spec.path`` (a file or a folder) into relations."""
    data = SourceData()
    problems = Problems(data)
    if spec.table not in (None, "relations"):
        problems.error(Problem("config.toml", f'expected table = "relations" (a vCard source fills '
                               f'relations) or no table, found "{spec.table}"',
                               field=f"[[sources]] #{spec.index} table"))
        return data
    book = AddressBook(spec.options, problems)
    for path, source in vcard_files(spec, problems):
        _read_file(path, source, spec, book, problems)
    data.relations = book.finish()
    problems.close(spec.display)
    return data


def _read_file(path: Path, source: str, spec, book: AddressBook, problems: Problems) -> None:
    """One file: its cards, their properties, the properties read into the address book."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        problems.error(Problem(source, f"cannot be read: {exc.strerror or exc}"))
        return
    encoding = spec.options.get("encoding", "auto")
    text, trusted = as_utf8(raw, encoding, source, problems)
    file = FileState(source, trusted, codec_option(encoding), spec.index)
    lines = LINE_BREAK.split(text)
    cards = split_cards(lines, source, problems)
    if not cards and not any(line.strip() for line in lines):
        problems.warn(Problem(source, "expected vCards (BEGIN:VCARD … END:VCARD), found an empty file"))
    limit = spec.options.get("max_property_bytes", 1_000_000)
    for start, body in cards:
        props = unfold(source, start, body, limit, problems)
        if props is None:
            continue
        card = Card(source, start, props)
        for prop in props:
            if prop.name in WANTED:           # PHOTO, KEY, ...: never decoded, never fetched
                prop.value = parse_value(prop.name, vobject_text(decode(prop, source, file, problems),
                                                                 prop.name))
                card.by_name.setdefault(prop.name, []).append(prop)
        book.add(card)
