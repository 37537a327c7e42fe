"""The vcard source on vCards as real clients write them, and on broken and hostile ones.

The expected values for the real files come from the upstream test suites named in each
tests/data folder's SOURCE.txt (ez-vcard's SampleVCardsTest) and from the kcontacts .ref
re-serialisations. The quirks of GPL-licensed test vCards (khard, vcard4android, roundcube)
are shown by fixtures of our own (vcard4-edge-cases, vcard3-all-fields, webmail-vcards);
their SOURCE.txt says which upstream file each mirrors. Which e-mail and phone are chosen
follows the documented rule (first preferred, else first work, else first; fax and pager last).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import random
import socket
import sys
import textwrap
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import TEST_DATA, cli
from relatierapport.build import BuildOptions, configure, prepare_report, read_sources
from relatierapport.builtin.sources.vcard_source import OPTIONS, read_vcards
from relatierapport.builtin.sources.vcard_source.ids import organisation_id
from relatierapport.config import SourceSpec
from relatierapport.errors import ConfigError
from relatierapport.model import SourceData


def read(path: Path, display: str | None = None, **options) -> SourceData:
    """Read ``path`` as a vcard source with the default options, except those given."""
    values = {option.name: option.default for option in OPTIONS}
    values.update(options)
    spec = SourceSpec(index=1, type="vcard", path=path, display=display or path.name, table=None,
                      columns={}, options=values)
    return read_vcards(spec, None)


def write(folder: Path, name: str, content: str | bytes) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, str):
        content = textwrap.dedent(content).replace("\n", "\r\n").encode("utf-8")
    path.write_bytes(content)
    return path


def by_name(data: SourceData) -> dict:
    return {relation.name: relation for relation in data.relations}


def messages(problems) -> list[str]:
    return [str(problem) for problem in problems]


# -- what mainstream clients wrote loads as their upstream tests expect ----------------------

N = "\u00d1"


def person(org=None, email=None, phone=None, **more):
    return {"kind": "person", "org": org, "email": email, "phone": phone, **more}


ORG = {"kind": "organisation"}

EXPECTED = {
    # ez-vcard SampleVCardsTest.androidVCard: QP names with soft breaks, nameless cards
    "ez-vcard/John_Doe_ANDROID.vcf": {
        "john.doe@company.com": person(email="john.doe@company.com"),
        "jane.doe@company.com": person(email="jane.doe@company.com"),
        " ".join([N] * 5): person(phone="123456789"),
        " ".join([N] * 11): person(phone="123456"),
        " ".join([N] * 4): person(org=N * 12, email="bob@company.com", phone="123456"),
        N * 4: person(org=N * 44, email="henry@company.com", phone="55556666"),
        N * 12: ORG, N * 44: ORG,
    },
    "ez-vcard/John_Doe_EVOLUTION.vcf": {
        "Mr. John Richter, James Doe Sr.": person("IBM", "john.doe@ibm.com", "905-555-1234",
                                                  city="Albaney", tags=("VIP",)),
        "IBM": ORG,
    },
    "ez-vcard/John_Doe_GMAIL.vcf": {
        "Mr. John Richter, James Doe Sr.": person("IBM", "john.doe@ibm.com", "905-555-1234"),
        "IBM": ORG,
    },
    # iOS 5: "\r\r\n" line endings, item1. groups, a 32 KB photo
    "ez-vcard/John_Doe_IPHONE.vcf": {
        "Mr. John Richter James Doe Sr.": person("IBM", "john.doe@ibm.com", "905-555-1234",
                                                 city="New York"),
        "IBM": ORG,
    },
    "ez-vcard/John_Doe_MAC_ADDRESS_BOOK.vcf": {
        "Mr. John Richter,James Doe Sr.": person("IBM", "john.doe@ibm.com", "905-777-1234",
                                                 city="New York"),
        "IBM": ORG,
    },
    "ez-vcard/John_Doe_MS_OUTLOOK.vcf": {
        "Mr. John Richter James Doe Sr.": person("IBM", "john.doe@ibm.cm", "(905) 555-1234",
                                                 city="Albaney"),
        "IBM": ORG,
    },
    "ez-vcard/gmail-list.vcf": {
        "Arnold Smith": person(email="asmithk@gmail.com"),
        "Chris Beatle": person(email="chrisy55d@yahoo.com"),
        "Doug White": person(email="dwhite@gmail.com"),
    },
    "ez-vcard/gmail-single.vcf": {
        "Greg Dartmouth": person("TheCompany", "gdartmouth@hotmail.com", "555 555 1111",
                                 city="Custom City"),
        "TheCompany": ORG,
    },
    "ez-vcard/gmail-single2.vcf": {
        "VCard Test": person("TheCompany", "workemail@example.com", "5555551113", city="NY"),
        "TheCompany": ORG,
    },
    "ez-vcard/outlook-2003.vcf": {
        "John Doe III": person("Company, The", "jdoe@hotmail.com", "BusinessPhone", city="Austin"),
        "Company, The": ORG,
    },
    "ez-vcard/rfc2426-example.vcf": {
        "Frank Dawson": person("Lotus Development Corporation", "Frank_Dawson@Lotus.com",
                               "+1-919-676-9515", city="Raleigh"),
        "Tim Howes": person("Netscape Communications Corp.", "howes@netscape.com",
                            "+1-415-937-3419", city="Mountain View"),
        "Lotus Development Corporation": ORG, "Netscape Communications Corp.": ORG,
    },
    "ez-vcard/rfc6350-example.vcf": {
        "Simon Perreault": person("Viagenie", "simon.perreault@viagenie.ca",
                                  "+1-418-656-9254;ext=102", city="Quebec"),
        "Viagenie": ORG,
    },
    # CATEGORIES with escaped commas is one category (ez-vcard: "commas are incorrectly escaped")
    "ez-vcard/thunderbird-MoreFunctionsForAddressBook-extension.vcf": {
        "John Doe": person("TheOrganization", "doe.john@hotmail.com", "555-555-1111",
                           city="New York", tags=("category1, category2, category3",)),
        "TheOrganization": ORG,
    },
    # kcontacts: the .ref files show the values each card holds
    "kde-kcontacts/testfullvcard.vcf": {
        "Sherlock Holmes": person(None, "detective@sherlockholmes.com", "+44-555-555-5555;ext=5555",
                                  city="London", tags=("FICTION", "LITERATURE")),
    },
    "kde-kcontacts/vcard1.vcf": {
        "Frank Dawson": person("Lotus Development Corporation", "Frank_Dawson@Lotus.com",
                               "+1-919-676-9515"),
        "Lotus Development Corporation": ORG,
    },
    "kde-kcontacts/vcard2.vcf": {
        "Tim Howes": person("Netscape Communications Corp.", "howes@netscape.com", "+1-415-937-3419"),
        "Netscape Communications Corp.": ORG,
    },
    "kde-kcontacts/vcard3.vcf": {            # all-lowercase names, version:2.1 mid-card
        "ian geiser": person("Source eXtreme", "geiseri@yahoo.com"),
        "Source eXtreme": ORG,
    },
    "kde-kcontacts/vcard4.vcf": {            # "FN" without a colon, empty N: the organisation itself
        "Ximian, Inc.": {"kind": "organisation", "email": "hello@ximian.com",
                         "phone": "(617) 236-0442"},
    },
    "kde-kcontacts/vcard6.vcf": {"Test User": person(email="email1@abc.de")},
    "kde-kcontacts/vcard8.vcf": {"test": person()},
    "kde-kcontacts/vcard11.vcf": {"Test User": person(email="johndoe@abc.com")},
    "kde-kcontacts/vcard12.vcf": {"Good Looking": person(email="goodlooking@example.com")},
    "kde-kcontacts/vcard13.vcf": {"Test User": person(email="johndoe@abc.com")},
    "kde-kcontacts/vcard14.vcf": {"Test User": person(email="thejoe@abc.com")},
    "kde-kcontacts/vcard15.vcf": {"Test Tester": person(phone="+1-800-123456")},
    # our own vCard 4.0 edge cases (the quirks of khard's test cards)
    "vcard4-edge-cases/card-category.vcf": {"met categorie": person(email="categorie@example.org",
                                                                    tags=("leverancier",))},
    "vcard4-edge-cases/card-contact.vcf": {"tweede contact": person(email="gebruiker@example.com",
                                                                    phone="0123456789")},
    "vcard4-edge-cases/card-individual.vcf": {"Pim J. Tester": person("Voorbeeld Installatie B.V."),
                                              "Voorbeeld Installatie B.V.": ORG},
    "vcard4-edge-cases/card-pref-email.vcf": {"Jan Voorbeeld": person(email="jan@example.net")},
    "vcard4-edge-cases/card-hangul.vcf": {"\ud64d\uae38\ub3d9": person()},
    "vcard4-edge-cases/card-labels.vcf": {"met label": person("Label B.V."), "Label B.V.": ORG},
    "vcard4-edge-cases/card-n-only.vcf": {"Michiel Smit": person(email="michiel@example.org")},   # N only
    "vcard4-edge-cases/card-org.vcf": {"Voorbeeld Installatie B.V.": ORG},
    "vcard4-edge-cases/card-photo-v4.vcf": {"met foto v4": person()},
    "vcard4-edge-cases/card-post.vcf": {"met postadres": person(city="De Stad")},
    "vcard4-edge-cases/card-tel-uri.vcf": {"telefoon als uri": person(phone="31415926")},
    # our own webmail cards (the quirks of roundcube's VCardTest): windows-1252 name, the PREF
    # e-mail is primary
    "webmail-vcards/windows-1252.vcf": {
        "Zo\u00eb Voorbeeld": person("webmail.example", "zoe@mail.example", "+123456789", city="Thuisstad"),
        "webmail.example": ORG,
    },
    "webmail-vcards/apple-company.vcf": {"Voorbeeld Computers AG": {"kind": "organisation",
                                                                    "city": "Z\u00fcrich-Oerlikon"}},
    # FN repeats ORG (Apple "show as company"); the person's name comes from N
    "webmail-vcards/photo-show-as-company.vcf": {"J\u00f6rn G\u00e4rtner": person("Voorbeeld Computers AG"),
                                                 "Voorbeeld Computers AG": ORG},
    "webmail-vcards/csv2vcard/gmail.vcf": {
        "Voorvoegsel Voornaam Midden Achternaam Achtervoegsel": person(
            "bedrijf", "werk@example.nl", "werknummer", city="werk_stad", tags=("Test",)),
        "bedrijf": ORG,
    },
    "webmail-vcards/csv2vcard/email.vcf": {f"adres{i}@example.test": person(email=f"adres{i}@example.test")
                                           for i in range(1, 5)},
    # our own all-fields card (the quirks of vcard4android's allfields-vcard3.vcf)
    "vcard3-all-fields/all-fields.vcf": {
        "\u00c9mile Weergave": person("Voorbeeld, B.V.", "prive@example.com", "+31 6 1234 5678",
                                      city="Utrecht", tags=("A", "B'C")),
        "Voorbeeld, B.V.": ORG,
    },
    "vcard3-all-fields/yearless-birthday-v4.vcf": {"verjaardag zonder jaar": person()},
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_mainstream_vcards_load_with_the_values_upstream_expects(name):
    data = read(TEST_DATA / name, display=name)
    assert data.errors == []
    if name == "ez-vcard/John_Doe_ANDROID.vcf":     # an ORG holds "=80": not UTF-8, as upstream says
        assert messages(data.warnings) == [f"{name}:82: ORG: expected text in utf-8, found byte "
                                           "0x80 that is not valid utf-8: shown as \ufffd"]
    else:
        assert data.warnings == []
    relations = by_name(data)
    assert sorted(relations) == sorted(EXPECTED[name])
    ids = {relation.id: relation for relation in data.relations}
    assert len(ids) == len(data.relations)
    for relation_name, expected in EXPECTED[name].items():
        relation = relations[relation_name]
        assert relation.kind == expected["kind"], relation_name
        assert relation.origin.startswith(f"{name}:")
        if expected["kind"] == "person":
            organisation = ids[relation.organisation].name if relation.organisation else None
            assert (organisation, relation.email, relation.phone) == \
                (expected["org"], expected["email"], expected["phone"]), relation_name
        for key in ("city", "tags") if expected["kind"] == "person" else ("email", "phone", "city"):
            if key in expected:
                assert getattr(relation, key) == expected[key], (relation_name, key)


def test_text_fields_land_in_extra_as_written():
    outlook = read(TEST_DATA / "ez-vcard" / "outlook-2003.vcf").relations[0]
    # upstream: "This is the note field!!\r\nSecond line\r\n\r\nThird line is empty\r\n" (QP)
    assert outlook.extra["note"] == "This is the note field!!\nSecond line\n\nThird line is empty"
    assert (outlook.extra["title"], outlook.extra["job_role"]) == ("The Job Title", "TheProfession")
    assert outlook.extra["department"] == "TheDepartment"
    assert outlook.extra["website"] == "http://web-page-address.com"
    assert outlook.extra["birthday"] == "19800321" and outlook.extra["revision"] == "20121012T210525Z"

    ms = read(TEST_DATA / "ez-vcard" / "John_Doe_MS_OUTLOOK.vcf").relations[0]
    assert ms.extra["anniversary"] == "20110113"                    # X-MS-ANNIVERSARY
    assert ms.extra["related"] == "Manager: Big Blue; Assistant: Jenny"   # X-MS-MANAGER/ASSISTANT

    gmail = read(TEST_DATA / "ez-vcard" / "gmail-single.vcf").relations[0]
    assert gmail.extra["note"] == ("This is GMail's note field.\nIt should be added as a NOTE type."
                                   "\nACustomField: CustomField")
    assert gmail.extra["related"] == "Spouse: MySpouse; CustomRelationship: MyCustom"
    assert gmail.extra["anniversary"] == "1970-06-02"              # item4.X-ABDATE, Anniversary label
    assert gmail.extra["website"] == "http://TheProfile.com"       # "http\://" unescaped

    mac = read(TEST_DATA / "ez-vcard" / "John_Doe_MAC_ADDRESS_BOOK.vcf").relations[0]
    assert mac.extra["related"] == "Spouse: Jenny"

    evolution = read(TEST_DATA / "ez-vcard" / "John_Doe_EVOLUTION.vcf").relations[0]
    assert evolution.id == "477343c8e6bf375a9bac1f96a5000837"
    assert evolution.extra["related"] == "Spouse: Maria; Manager: Big Blue; Assistant: Little Red"
    assert evolution.extra["department"] == "Accounting, Dungeon"
    assert evolution.extra["note"].startswith('THIS SOFTWARE IS PROVIDED BY THE COPYRIGHT HOLDERS AND '
                                              'CONTRIBUTORS "AS IS" AND ANY EXPRESS')

    kde = read(TEST_DATA / "kde-kcontacts" / "vcard8.vcf").relations[0]
    assert kde.extra["note"] == "line one\nline two\nline three"      # "\N" escapes
    sherlock = read(TEST_DATA / "kde-kcontacts" / "testfullvcard.vcf").relations[0]
    assert sherlock.id == "b8767877-b4a1-4c70-9acc-505d3819e519"      # UID without urn:uuid:
    assert sherlock.extra["source_id"] == "urn:uuid:b8767877-b4a1-4c70-9acc-505d3819e519"
    assert (sherlock.extra["title"], sherlock.extra["anniversary"]) == ("Detective", "19960415")
    tester = read(TEST_DATA / "kde-kcontacts" / "vcard15.vcf").relations[0]
    assert tester.extra["related"] == "Child: Child Tester"

    davx5 = by_name(read(TEST_DATA / "vcard3-all-fields" / "all-fields.vcf"))["\u00c9mile Weergave"]
    assert davx5.extra["title"] == "Hoofd, Onderzoek en Ontwikkeling"          # "\," unescaped
    assert davx5.extra["department"] == "Afdeling Noord, Verkoop"              # ORG's units
    # a folded NOTE whose continuation starts with two spaces keeps one; two NOTEs, one text
    assert davx5.extra["note"] == "Dit faxnummer werkt van 0800 tot 1715 CET, ma-vr.\n\nTweede notitie"
    assert davx5.extra["related"] == "Co-worker/crush: \u00d6laf; Parent: ouder@example.com"
    assert davx5.extra["birthday"] == "1996-04-15T201243+04:00"              # time and offset kept
    text = read(TEST_DATA / "vcard4-edge-cases" / "card-text-bday.vcf").relations[0]
    assert text.extra["birthday"] == "circa 1900"
    yearless = read(TEST_DATA / "vcard3-all-fields" / "yearless-birthday-v4.vcf").relations[0]
    assert yearless.extra["birthday"] == "--04-16"


def test_apple_and_windows_1252_cards_concatenated_give_two_cards(tmp_path):
    """As roundcube's VCardTest imports apple.vcf + johndoe.vcf: a UTF-8 Apple card, then a
    windows-1252 one in the same file, give both cards."""
    both = (TEST_DATA / "webmail-vcards" / "apple-company.vcf").read_bytes() + \
        (TEST_DATA / "webmail-vcards" / "windows-1252.vcf").read_bytes()
    data = read(write(tmp_path, "both.vcf", both))
    assert (data.errors, data.warnings) == ([], [])
    relations = by_name(data)
    assert set(relations) == {"Voorbeeld Computers AG", "Zo\u00eb Voorbeeld", "webmail.example"}
    assert relations["Zo\u00eb Voorbeeld"].origin == "both.vcf:32"     # apple-company.vcf has 31 lines


# -- broken files: located warnings, the other cards still load --------------------------------

def test_a_folder_reads_every_vcard_below_it_and_reports_the_broken_ones():
    data = read(TEST_DATA / "vcard4-edge-cases", display="data/cards")
    assert data.errors == []
    found = messages(data.warnings)
    assert "data/cards/card-unparsable.vcf:1: expected END:VCARD, found the end of the file: " \
        "card skipped" in found
    # git symlinks stored as text ("../cards/card-contact.vcf") hold no card
    assert 'data/cards/book.contact.vcf:1: expected BEGIN:VCARD, found "../cards/card-contact.vcf"' in found
    assert len(found) == 3                    # the unparsable card and the two links
    relations = by_name(data)
    # 18 cards that load, and "Label B.V." from an ORG
    assert len(relations) == 19 and "contact zonder einde" not in relations
    tester, company = relations["Pim J. Tester"], relations["Voorbeeld Installatie B.V."]
    # the organisation's own card (KIND:org) and the person's ORG are one relation
    assert tester.organisation == company.id == organisation_id("Voorbeeld Installatie B.V.") \
        == "org-voorbeeld-installatie-b-v"
    assert company.extra["source_id"] == "C3A1F0B2-7D4E-4E59-8B16-2A9F5D0C6E31"
    assert company.origin == "data/cards/card-org.vcf:1"
    origins = [relation.origin for relation in data.relations]
    assert origins[0] == "data/cards/card-altid.vcf:1"          # files in sorted order


def test_folder_rules_nested_sorted_hidden_and_other_files_left_out(tmp_path):
    card = "BEGIN:VCARD\nVERSION:3.0\nFN:{name}\nEND:VCARD\n"
    write(tmp_path, "b/zeta.VCARD", card.format(name="Zeta"))
    write(tmp_path, "a.vcf", card.format(name="Alfa"))
    write(tmp_path, "b/c/beta.vcf", card.format(name="Beta"))
    write(tmp_path, ".hidden.vcf", card.format(name="Hidden"))
    write(tmp_path, "._a.vcf", b"\x00\x05\x16\x07 AppleDouble junk")
    write(tmp_path, ".git/x.vcf", card.format(name="Git"))
    write(tmp_path, "notes.txt", card.format(name="Text"))
    data = read(tmp_path, display="data/contacts/")
    assert [(r.name, r.origin) for r in data.relations] == [
        ("Alfa", "data/contacts/a.vcf:1"), ("Beta", "data/contacts/b/c/beta.vcf:1"),
        ("Zeta", "data/contacts/b/zeta.VCARD:1")]
    empty = tmp_path / "empty"
    empty.mkdir()
    nothing = read(empty, display="data/empty")
    assert nothing.errors == [] and messages(nothing.warnings) == [
        "data/empty: expected .vcf or .vcard files in this folder, found none: this source adds "
        "nothing to the report"]


def test_a_folder_with_a_link_to_a_file_outside_does_not_read_it(tmp_path):
    outside = write(tmp_path, "outside/secret.vcf", "BEGIN:VCARD\nFN:Secret\nEND:VCARD\n")
    (tmp_path / "book").mkdir()
    (tmp_path / "book" / "link.vcf").symlink_to(outside)
    write(tmp_path, "book/own.vcf", "BEGIN:VCARD\nFN:Own\nEND:VCARD\n")
    data = read(tmp_path / "book", display="book")
    assert [r.name for r in data.relations] == ["Own"]
    assert messages(data.warnings) == ["book/link.vcf: expected a file inside book, found a link to "
                                       "a file outside it: not read"]


def test_bad_cards_are_located_and_the_rest_still_loads(tmp_path):
    path = write(tmp_path, "mixed.vcf", """\
        stray text before the first card
        BEGIN:VCARD
        VERSION:3.0
        FN:First
        BEGIN:VCARD
        VERSION:3.0
        FN:Second
        this line has no colon
         an indented line continues it
        EMAIL:second@example.com
        END:VCARD
        BEGIN:VCARD
        N:
        NOTE:only a note
        END:VCARD
        BEGIN:VCARD
        VERSION:4.0
        FN:Third
        """)
    data = read(path, display="data/mixed.vcf")
    assert [(r.name, r.email, r.origin) for r in data.relations] == [
        ("Second", "second@example.com", "data/mixed.vcf:5")]
    assert messages(data.warnings) == [
        'data/mixed.vcf:1: expected BEGIN:VCARD, found "stray text before the first card"',
        "data/mixed.vcf:2: expected END:VCARD before the next BEGIN:VCARD at line 5, found none: "
        "card skipped",
        "data/mixed.vcf:16: expected END:VCARD, found the end of the file: card skipped",
        'data/mixed.vcf:8: expected a property (NAME:value), found "this line has no colon": '
        "line ignored",
        "data/mixed.vcf:9: expected a property, found an indented continuation line with no "
        "property before it: line ignored",
        "data/mixed.vcf:12: expected a name (FN, N or ORG), an e-mail address or a phone number, "
        "found none: card skipped",
    ]


def test_duplicate_uids_get_their_own_id_with_a_warning():
    data = read(TEST_DATA / "kde-kcontacts", display="kde")
    users = [r for r in data.relations if r.name == "Test User"]
    assert [r.id for r in users][0] == "uJTkVqH5Qt"            # vcard11, the first in sorted order
    assert len({r.id for r in users}) == 4
    assert sum("expected a UID of its own, found 'uJTkVqH5Qt' as on the card at kde/vcard11.vcf:1"
               in m for m in messages(data.warnings)) == 3
    # kcontacts' vcard7 has no name, no e-mail and no phone at all
    assert "kde/vcard7.vcf:1: expected a name (FN, N or ORG), an e-mail address or a phone number, " \
        "found none: card skipped" in messages(data.warnings)


def test_strict_fails_on_a_skipped_card_and_plain_build_goes_on(tmp_path):
    (tmp_path / "data").mkdir()
    for name in ("card-unparsable.vcf", "card-pref-email.vcf"):
        (tmp_path / "data" / name).write_bytes((TEST_DATA / "vcard4-edge-cases" / name).read_bytes())
    config = tmp_path / "config.toml"
    config.write_text('[project]\nname = "T"\n\n[[sources]]\ntype = "vcard"\npath = "data"\n',
                      encoding="utf-8")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    strict = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json", "--strict")
    assert strict.exit_code == 1
    assert "data/card-unparsable.vcf:1: expected END:VCARD, found the end of the file" in strict.output


# -- encodings, line endings, quoted-printable ----------------------------------------------------

def test_windows_1252_declared_by_the_card_needs_no_option():
    data = read(TEST_DATA / "webmail-vcards" / "windows-1252.vcf")
    assert data.relations[0].name == "Zo\u00eb Voorbeeld" and data.warnings == []


def test_undeclared_windows_1252_falls_back_with_a_warning_naming_the_file(tmp_path):
    card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Zo\u00eb \u00c6rts\r\nNOTE:\u20ac 5\r\nEND:VCARD\r\n"
    path = write(tmp_path, "excel.vcf", card.encode("cp1252"))
    data = read(path, display="data/excel.vcf")
    assert (data.relations[0].name, data.relations[0].extra["note"]) == ("Zo\u00eb \u00c6rts", "\u20ac 5")
    assert messages(data.warnings) == [
        'data/excel.vcf:3: expected UTF-8 text, found byte 0xeb: this file is read as windows-1252 '
        '(set encoding = "windows-1252" or the right encoding in [[sources]] #1 to say so)']
    said = read(path, encoding="windows-1252")
    assert said.relations[0].name == "Zo\u00eb \u00c6rts" and said.warnings == []


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-16", "utf-8-sig", "utf-32"])
def test_utf16_with_or_without_bom_and_other_boms(tmp_path, codec):
    text = (TEST_DATA / "vcard3-all-fields" / "all-fields.vcf").read_text(encoding="utf-8")
    data = read(write(tmp_path, "book.vcf", text.encode(codec)))
    assert data.warnings == []
    relation = by_name(data)["\u00c9mile Weergave"]
    assert (relation.email, relation.city, relation.origin) == ("prive@example.com", "Utrecht",
                                                                "book.vcf:1")
    # RELATED;CHARSET=UTF-8 in a file that was UTF-16: the file's encoding wins, nothing garbled
    assert relation.extra["related"].startswith("Co-worker/crush: \u00d6laf")
    assert relation.tags == ("A", "B'C")


def test_odd_charsets_and_parameters_are_warnings_not_crashes(tmp_path):
    path = write(tmp_path, "odd.vcf", (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=base64:QW5uYQ==\r\n"
        b"NOTE;CHARSET=undefined:x\r\nTITLE;CHARSET=idna:" + b"a" * 70 + b".nl\r\n"
        b"EMAIL;PREF=\xb2:a@example.com\r\nEMAIL;PREF=1:b@example.com\r\nEND:VCARD\r\n"))
    data = read(path)
    assert [(r.name, r.email) for r in data.relations] == [("QW5uYQ==", "b@example.com")]
    assert messages(data.warnings) == [
        'odd.vcf:3: FN: expected a known CHARSET, found "base64": read as utf-8',
        "odd.vcf:4: NOTE: expected text in undefined, found byte 0x78 that is not valid undefined: shown as \ufffd"]


def test_line_endings_mixed_and_iphone_double_cr(tmp_path):
    data = read(write(tmp_path, "mixed.vcf", b"BEGIN:VCARD\r\nFN:A\nEND:VCARD\rBEGIN:VCARD\r\r\n"
                      b"FN:B\r\n TT\nEND:VCARD\r\n"))
    assert [(r.name, r.origin) for r in data.relations] == [("A", "mixed.vcf:1"), ("BTT", "mixed.vcf:4")]
    iphone = read(TEST_DATA / "ez-vcard" / "John_Doe_IPHONE.vcf")
    assert iphone.relations[0].extra["birthday"] == "2012-06-06"     # the line after the photo


def test_quoted_printable_soft_breaks_and_charsets(tmp_path):
    path = write(tmp_path, "qp.vcf", (
        b"BEGIN:VCARD\r\nVERSION:2.1\r\n"
        b"N;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:M=C3=BC=\r\nller;J=C3=\r\n=B6rg;;;\r\n"
        b"NOTE;ENCODING=QUOTED-PRINTABLE;CHARSET=ISO-8859-1:Caf=E9, Stra=DFe 1=0D=0A=\r\n"
        b"2e regel, 50=25=\r\n\r\n"
        b"ORG;QUOTED-PRINTABLE:De Vries & Co=\r\n=2E\r\n"
        b"TEL;WORK;VOICE:030 123\r\n"
        b"END:VCARD\r\n"))
    data = read(path)
    assert data.warnings == []
    relation = by_name(data)["J\u00f6rg M\u00fcller"]
    assert relation.extra["note"] == "Caf\u00e9, Stra\u00dfe 1\n2e regel, 50%"
    assert by_name(data)["De Vries & Co."].id == relation.organisation == "org-de-vries-co"
    assert relation.phone == "030 123"


def test_kcontacts_qp_soft_break_on_an_unindented_line(tmp_path):
    """vcard7.vcf: the LABEL continues after "=" on a line that does not start with a space."""
    text = (TEST_DATA / "kde-kcontacts" / "vcard7.vcf").read_bytes()
    data = read(write(tmp_path, "v7.vcf", text.replace(b"N:\n", b"FN:Label Test\n")))
    assert data.warnings == [] and [r.name for r in data.relations] == ["Label Test"]
    # the continuation was not read as a property of its own (no "expected a property" warning)


# -- what a card becomes: organisations, groups, categories, options ---------------------------

def test_organisations_are_one_relation_per_name(tmp_path):
    data = read(write(tmp_path, "org.vcf", """\
        BEGIN:VCARD
        VERSION:3.0
        FN:Anna de Boer
        ORG:Acme B.V.;Sales
        END:VCARD
        BEGIN:VCARD
        VERSION:3.0
        FN:Bram Smit
        ORG:ACME  B.V.
        EMAIL:bram@acme.example
        END:VCARD
        BEGIN:VCARD
        VERSION:4.0
        KIND:org
        FN:Acme B.V.
        ORG:Acme B.V.
        EMAIL;TYPE=work:info@acme.example
        ADR;TYPE=work:;;Markt 1;Utrecht;;3511 AA;NL
        UID:acme-1
        END:VCARD
        BEGIN:VCARD
        VERSION:4.0
        FN:\u5c71\u7530\u592a\u90ce
        ORG:\u682a\u5f0f\u4f1a\u793e
        END:VCARD
        """))
    relations = by_name(data)
    acme = relations["Acme B.V."]
    assert acme.id == "org-acme-b-v" and acme.kind == "organisation"
    assert relations["Anna de Boer"].organisation == relations["Bram Smit"].organisation == acme.id
    assert relations["Anna de Boer"].extra["department"] == "Sales"
    assert (acme.email, acme.city, acme.extra["source_id"]) == ("info@acme.example", "Utrecht", "acme-1")
    assert acme.origin == "org.vcf:12"             # its own card
    kaisha = relations["\u682a\u5f0f\u4f1a\u793e"]
    assert kaisha.id.startswith("org-") and len(kaisha.id) == 14    # no letters to slug: a hash
    assert relations["\u5c71\u7530\u592a\u90ce"].organisation == kaisha.id
    assert len(data.relations) == 5


def test_apple_group_cards_become_tags_of_their_members(tmp_path):
    data = read(write(tmp_path, "groups.vcf", """\
        BEGIN:VCARD
        VERSION:3.0
        FN:Anna
        UID:A1B2
        END:VCARD
        BEGIN:VCARD
        VERSION:3.0
        FN:Bram
        UID:urn:uuid:c3d4
        END:VCARD
        BEGIN:VCARD
        VERSION:3.0
        X-ADDRESSBOOKSERVER-KIND:group
        FN:Nieuwjaarsborrel
        X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:a1b2
        X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:C3D4
        X-ADDRESSBOOKSERVER-MEMBER:urn:uuid:gone
        END:VCARD
        BEGIN:VCARD
        VERSION:4.0
        KIND:group
        FN:Klanten
        MEMBER:urn:uuid:A1B2
        END:VCARD
        """))
    assert [(r.name, r.tags) for r in data.relations] == [("Anna", ("Nieuwjaarsborrel", "Klanten")),
                                                          ("Bram", ("Nieuwjaarsborrel",))]
    assert messages(data.warnings) == ['groups.vcf:11: MEMBER: group "Nieuwjaarsborrel" lists 1 '
                                       "member(s) with no card in this source: those are not tagged"]


def test_category_tags_set_the_category(tmp_path):
    path = write(tmp_path, "cat.vcf", """\
        BEGIN:VCARD
        VERSION:3.0
        FN:Anna
        CATEGORIES:a-KLANT,Nieuwsbrief
        END:VCARD
        BEGIN:VCARD
        VERSION:3.0
        FN:Bram
        CATEGORIES:My Contacts,C
        CATEGORIES:B-klant
        END:VCARD
        BEGIN:VCARD
        VERSION:3.0
        FN:Cor
        CATEGORIES:Nieuwsbrief
        END:VCARD
        """)
    tags = {"A": ["A-klant", "A"], "B": ["B-klant"], "C": ["C"]}
    data = read(path, category_tags=tags)
    relations = by_name(data)
    assert relations["Anna"].category == "A" and relations["Anna"].tags == ("a-KLANT", "Nieuwsbrief")
    assert relations["Bram"].tags == ("C", "B-klant")               # Google's "My Contacts" left out
    assert relations["Bram"].category == "B"
    assert relations["Cor"].category is None
    assert messages(data.warnings) == ['cat.vcf:6: category: expected tags for one category, found '
                                       '"B-klant" (B), "C" (C): category B used']
    assert read(path).relations[0].category is None                 # no option: no category


def test_owner_and_role_options_and_their_validation(tmp_path):
    (tmp_path / "data").mkdir()
    write(tmp_path, "data/a.vcf", "BEGIN:VCARD\nVERSION:3.0\nFN:Anna\nORG:Acme\nEND:VCARD\n")
    config = tmp_path / "config.toml"
    config.write_text(textwrap.dedent("""\
        [project]
        name = "T"

        [[sources]]
        type = "vcard"
        path = "data/a.vcf"
        owner = "M1"
        role = "opdrachtgever"
        category_tags = { A = ["A-klant"] }
        """), encoding="utf-8")
    [(_, data)] = read_sources(*configure(BuildOptions(config)))
    anna, acme = by_name(data)["Anna"], by_name(data)["Acme"]
    assert (anna.name, anna.role, anna.owner) == ("Anna", "client", "M1")
    assert (acme.name, acme.role, acme.owner) == ("Acme", None, "M1")
    config.write_text(config.read_text(encoding="utf-8").replace(
        'category_tags = { A = ["A-klant"] }', 'category_tags = { D = ["x"] }\nencoding = "klingon"\n'
        "max_property_bytes = 10"), encoding="utf-8")
    with pytest.raises(ConfigError) as failure:
        configure(BuildOptions(config))
    text = str(failure.value)
    assert "[[sources]] #1 category_tags.D: expected a key from A, B, C" in text
    assert '[[sources]] #1 encoding: expected "auto" or an encoding name' in text
    assert "[[sources]] #1 max_property_bytes: expected a whole number >= 64" in text


# -- limits, binary data and URIs ---------------------------------------------------------------

def test_an_oversized_property_is_refused_with_a_message(tmp_path):
    photo = b"PHOTO;ENCODING=b;TYPE=JPEG:" + b"QUJD" * 300_000          # 1.2 MB of base64
    path = write(tmp_path, "big.vcf", b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Small\r\nEND:VCARD\r\n"
                 b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Big\r\n" + photo + b"\r\nEND:VCARD\r\n"
                 b"BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Note\r\nNOTE:" + b"x" * 2000 + b"\r\nEND:VCARD\r\n")
    data = read(path, display="data/big.vcf")
    assert [r.name for r in data.relations] == ["Small", "Note"]
    assert messages(data.warnings) == [
        "data/big.vcf:8: PHOTO: PHOTO is 1,200,000 bytes, more than max_property_bytes (1,000,000): "
        "oversized properties are refused, card skipped"]
    small = read(path, display="data/big.vcf", max_property_bytes=1000)
    assert [r.name for r in small.relations] == ["Small"]
    assert messages(small.warnings)[1].startswith("data/big.vcf:13: NOTE: NOTE is 2,000 bytes, more "
                                                  "than max_property_bytes (1,000)")


def test_too_many_properties_skip_the_card(tmp_path):
    path = write(tmp_path, "many.vcf", "BEGIN:VCARD\nFN:Many\n" + "TEL:1\n" * 1000 +
                 "END:VCARD\nBEGIN:VCARD\nFN:Few\nEND:VCARD\n")
    data = read(path)
    assert [r.name for r in data.relations] == ["Few"]
    assert messages(data.warnings) == ["many.vcf:1: expected at most 1000 properties in a card, "
                                       "found more: card skipped"]


_SEEN: list[str] = []          # audit events while _WATCHING holds True
_WATCHING: list[bool] = []
_HOOKED: list[bool] = []


def _audit(event: str, args: tuple) -> None:
    if _WATCHING and event in ("open", "socket.connect", "socket.getaddrinfo", "urllib.Request"):
        _SEEN.append(f"{event} {args[0]}")


def test_photo_and_other_uris_are_never_fetched_or_opened(tmp_path):
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.bind(("127.0.0.1", 0))
    server.listen(5)
    server.setblocking(False)
    port = server.getsockname()[1]
    secret = write(tmp_path, "secret.jpg", b"\xff\xd8SECRET-PHOTO-BYTES")
    path = write(tmp_path, "book/uri.vcf", f"""\
        BEGIN:VCARD
        VERSION:4.0
        FN:Uri Person
        PHOTO;VALUE=uri:http://127.0.0.1:{port}/x.jpg
        PHOTO;MEDIATYPE=image/jpeg:file://{secret}
        LOGO:http://127.0.0.1:{port}/logo.png
        SOUND;VALUE=uri:file://{secret}
        KEY:http://127.0.0.1:{port}/key.asc
        URL:http://127.0.0.1:{port}/home
        END:VCARD
        BEGIN:VCARD
        VERSION:3.0
        FN:Data Photo
        PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD
        END:VCARD
        """)
    if not _HOOKED:
        sys.addaudithook(_audit)            # audit hooks stay for the process: it only records
        _HOOKED.append(True)
    _SEEN.clear()
    _WATCHING.append(True)
    try:
        data = read(path)
    finally:
        _WATCHING.clear()
    try:
        server.accept()
        connected = True
    except BlockingIOError:
        connected = False
    finally:
        server.close()
    assert not connected
    assert not [event for event in _SEEN if event.startswith("socket") or "urllib" in event]
    assert [event for event in _SEEN if str(tmp_path) in event] == [f"open {path}"]   # only the vCard
    uri = by_name(data)["Uri Person"]
    assert uri.extra["website"] == f"http://127.0.0.1:{port}/home"   # a URL is kept as text
    everything = json.dumps([dataclasses.asdict(r) for r in data.relations], default=str)
    assert "SECRET" not in everything and "x.jpg" not in everything and "9j/4AAQ" not in everything


def test_vobject_hostile_parameter_lists_do_not_hang(tmp_path):
    """vobject's own line regex needs minutes for FN;a=,,,,…; this source never hands it raw lines."""
    path = write(tmp_path, "hostile.vcf", "BEGIN:VCARD\nFN;a=" + "," * 40 + ";\nEMAIL;" + '"' * 5000 +
                 "\nFN;" + "a=," * 500 + ":Komma\nX-" + "a;" * 3000 + "\nEND:VCARD\n")
    data = read(path)
    assert [r.name for r in data.relations] == ["Komma"]
    assert [w.location for w in data.warnings] == ["3", "5"]     # heads over 2000 characters


# -- random bytes and damaged real files never crash ----------------------------------------------

VCARD_FOLDERS = ("ez-vcard", "kde-kcontacts", "vcard4-edge-cases", "webmail-vcards", "vcard3-all-fields")
REAL_FILES = sorted(p for folder in VCARD_FOLDERS for p in (TEST_DATA / folder).rglob("*.vcf")
                    if p.stat().st_size < 20_000)
FUZZ = settings(max_examples=80, deadline=dt.timedelta(seconds=2),
                suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])


def _check_shape(data: SourceData, display: str) -> None:
    assert isinstance(data, SourceData)
    for problem in data.errors + data.warnings:
        assert problem.source.startswith(display) and problem.message
        assert problem.location == "" or problem.location.isdigit()
    ids = [relation.id for relation in data.relations]
    assert len(ids) == len(set(ids))
    for relation in data.relations:
        assert relation.name and relation.origin.startswith(f"{display}:")
        if relation.organisation:
            assert relation.organisation in ids


@FUZZ
@given(content=st.binary(max_size=4000))
def test_random_bytes_give_records_or_located_problems(tmp_path, content):
    path = tmp_path / "fuzz.vcf"
    path.write_bytes(content)
    _check_shape(read(path, display="data/fuzz.vcf"), "data/fuzz.vcf")


@FUZZ
@given(source=st.sampled_from(REAL_FILES), seed=st.integers(0, 2**32 - 1),
       edits=st.integers(1, 12), cut=st.floats(0.0, 1.0))
def test_damaged_real_files_give_records_or_located_problems(tmp_path, source, seed, edits, cut):
    data = bytearray(source.read_bytes())
    chance = random.Random(seed)
    for _ in range(edits):
        where = chance.randrange(len(data) + 1)
        action = chance.randrange(4)
        if action == 0 and data[where:]:
            data[where] = chance.randrange(256)                   # flip a byte
        elif action == 1:
            data[where:where] = chance.choice([b"\r", b"\n", b"=", b":", b";", b'"', b"\\", b" ",
                                               b",", b"\x00", b"\r\r\n", b"BEGIN:VCARD\r\n",
                                               b"END:VCARD\n", b"=\r\n", bytes([chance.randrange(256)])])
        elif action == 2:
            del data[where:where + chance.randrange(1, 40)]
        else:
            data[where:where] = data[chance.randrange(len(data) + 1):][:chance.randrange(200)]
    data = data[:max(1, int(len(data) * (0.5 + cut / 2)))] if cut < 0.3 else data
    path = tmp_path / "damaged.vcf"
    path.write_bytes(bytes(data))
    _check_shape(read(path, display="data/damaged.vcf"), "data/damaged.vcf")


# -- through the CLI: a project whose relations come from vCards ----------------------------------

def test_build_with_a_vcard_folder_gives_persons_linked_to_their_organisation(tmp_path):
    contacts = tmp_path / "data" / "contacts"
    contacts.mkdir(parents=True)
    for folder, name in (("vcard4-edge-cases", "card-individual.vcf"), ("vcard4-edge-cases", "card-org.vcf"),
                         ("webmail-vcards", "windows-1252.vcf"), ("ez-vcard", "rfc2426-example.vcf")):
        (contacts / name).write_bytes((TEST_DATA / folder / name).read_bytes())
    config = tmp_path / "config.toml"
    config.write_text(textwrap.dedent("""\
        [project]
        name = "Adresboek"
        language = "en"

        [[sources]]
        type = "vcard"
        path = "data/contacts"
        role = "contactpersoon"
        """), encoding="utf-8")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    kinds = {entry["name"]: (entry["kind"], entry["role"]) for entry in report["relations"]}
    assert kinds == {
        "Pim J. Tester": ("person", "contact"), "Voorbeeld Installatie B.V.": ("organisation", None),
        "Zo\u00eb Voorbeeld": ("person", "contact"), "webmail.example": ("organisation", None),
        "Frank Dawson": ("person", "contact"), "Lotus Development Corporation": ("organisation", None),
        "Tim Howes": ("person", "contact"), "Netscape Communications Corp.": ("organisation", None)}
    assert [w for w in report["warnings"] if w["source"].startswith("data/contacts")] == []
    ids = {entry["name"]: entry["id"] for entry in report["relations"]}
    # report.json does not carry the organisation link: read it from the same build's portfolio
    _, built = prepare_report(BuildOptions(config, as_of=dt.date(2026, 11, 1)))
    links = {r.name: built.portfolio.relations[r.organisation].name
             for r in built.portfolio.relations.values() if r.organisation}
    assert links == {"Pim J. Tester": "Voorbeeld Installatie B.V.", "Zo\u00eb Voorbeeld": "webmail.example",
                     "Frank Dawson": "Lotus Development Corporation",
                     "Tim Howes": "Netscape Communications Corp."}
    assert ids["Voorbeeld Installatie B.V."] == "org-voorbeeld-installatie-b-v"


def test_organisation_ids_are_stable_and_normalised():
    assert organisation_id("ACME Inc.") == organisation_id("  acme   inc. ") == "org-acme-inc"
    assert organisation_id("Caf\u00e9 de Zw\u00e4an") == "org-cafe-de-zwaan"
    long = organisation_id("Stichting " + "Heel Lange Naam " * 10)
    assert len(long) <= 62 and long == organisation_id("stichting " + "heel lange naam " * 10)


def _folded_inside(raw: bytes, char: bytes, at: int, fold: bytes) -> bytes:
    """``raw`` with a line fold ``fold`` (CRLF and a space, encoded) ``at`` bytes into ``char``."""
    split = raw.index(char) + at
    return raw[:split] + fold + raw[split:]


FOLDED_CARD = ("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Zo\u00eb \u00c6rts \U0001f600\r\n"
               "ORG:Caf\u00e9 \u201eDe Zw\u00e4an\u201d\r\nEND:VCARD\r\n")


@pytest.mark.parametrize("codec, bom", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"),
                                        ("utf-16-le", b"\xff\xfe"), ("utf-16-be", b"")])
def test_a_line_fold_inside_a_character_is_unfolded_before_decoding(tmp_path, codec, bom):
    """RFC 6350 §3.2: a writer folds at 75 octets, which may fall inside a multi-byte character
    (inside "ë" and "„" in UTF-8, between the halves of the emoji's surrogate pair in UTF-16);
    unfolding comes before decoding, so the text reads as written, with or without a BOM."""
    raw, fold = FOLDED_CARD.encode(codec), "\r\n ".encode(codec)
    if codec == "utf-8":
        raw = _folded_inside(raw, "\u00eb".encode(), 1, fold)
        raw = _folded_inside(raw, "\u201e".encode(), 2, fold)
    else:
        raw = _folded_inside(raw, "\U0001f600".encode(codec), 2, fold)
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "folded.vcf").write_bytes(bom + raw)
    config = tmp_path / "config.toml"
    config.write_text('[project]\nname = "Adresboek"\n\n[[sources]]\ntype = "vcard"\n'
                      'path = "data/folded.vcf"\n', encoding="utf-8")
    result = cli("build", "--config", config, "--as-of", "2026-11-01", "--format", "json", "--strict")
    assert result.exit_code == 0, result.output
    report = json.loads((tmp_path / "site" / "report.json").read_text(encoding="utf-8"))
    assert sorted(r["name"] for r in report["relations"]) == [
        "Caf\u00e9 \u201eDe Zw\u00e4an\u201d", "Zo\u00eb \u00c6rts \U0001f600"]
