"""Seeded example data: the relations of a fictional Dutch recruitment agency.

"Voorbeeld Werving & Selectie" works for client organisations (opdrachtgevers,
with contact persons) and candidates. This module writes its relation data as
Dutch Excel would ("CSV UTF-8": BOM, ``;``, CRLF, ``dd-mm-yyyy``, decimal
comma), for the repository's example project, for ``relatierapport init`` and,
at a much larger size, for the benchmarks.

The data is fictional: names are combined from word lists, e-mail addresses
use reserved domains (``*.example``, ``voorbeeld-ws.nl``) and every phone
number has a subscriber part starting with 0, which Dutch numbering never
assigns. The same arguments always give byte-identical files: all randomness
comes from ``random.Random`` streams seeded from ``seed`` and a fixed label.

Conventions the readers can rely on:

- ``Soort`` in contactmomenten is seen from our log: ``verwijzing gegeven``
  means the relation gave us a referral (its referral power), ``verwijzing
  ontvangen`` means the relation received an introduction from us.
- opdrachten: ``Bedrag`` is the value of the deal (for ``verloren`` and
  ``offerte`` the quoted value); candidates' placements have no amount, the
  revenue is booked on the client. ``Uren`` are the hours we spent.
- doelen: ``Doelwaarde`` is the value the metric should reach, ``Basis`` the
  value the goal started from; ``omzetgroei`` is in percent against the
  previous period, so C's "at most -25%" is ``-25``.

Deliberate situations (overdue cadences, the four customer types, open and
resolved complaints, an employee whose satisfaction falls together with that
of their clients, relations without any contact) are placed on relations drawn
with the seed; ``_build_world(...).scenarios`` names them.
"""

from __future__ import annotations

import argparse
import csv
import io
import random
from array import array
from bisect import bisect
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cache
from itertools import accumulate, product
from pathlib import Path
from typing import Iterable, NamedTuple

__all__ = ["DATA_END", "goal_templates", "write_example_data"]

#: The last day of the example data (and of the goals' periods): the example and a project
#: made by ``relatierapport init`` report as of the day after it.
DATA_END = date(2026, 10, 31)

# --------------------------------------------------------------------------
# Word lists (fictional combinations of common Dutch words and names)
# --------------------------------------------------------------------------

_FIRST_NAMES = (
    "Anna", "Daan", "Emma", "Lucas", "Sanne", "Thomas", "Lotte", "Bram", "Fleur",
    "Jeroen", "Eva", "Sem", "Noor", "Ruben", "Iris", "Lars", "Maud", "Tim",
    "Julia", "Stijn", "Femke", "Niels", "Sophie", "Joost", "Lisa", "Bas",
    "Anouk", "Koen", "Marieke", "Wouter", "Esther", "Pieter", "Ingrid", "Hans",
    "Mirjam", "Frank", "Yara", "Mohamed", "Fatima", "Ayoub", "Priya", "Kevin",
    "Romy", "Jesse", "Merel", "Sven", "Linda", "Mark", "Karin", "Erik", "Nadia",
    "Youssef", "Annelies", "Gerrit", "Ilse", "Rik", "Zoë", "Chloé", "René",
    "Saskia", "Dirk", "Hanneke", "Milan", "Naima", "Jan", "Tessa", "Vincent",
)
# (tussenvoegsel, achternaam): "Anna van den Berg", "Bouwbedrijf Van den Berg".
_SURNAMES = (
    ("de", "Vries"), ("", "Jansen"), ("van den", "Berg"), ("", "Bakker"),
    ("", "Visser"), ("", "Smit"), ("", "Meijer"), ("de", "Boer"), ("", "Mulder"),
    ("de", "Groot"), ("", "Bos"), ("", "Vos"), ("", "Peters"), ("", "Hendriks"),
    ("van", "Leeuwen"), ("", "Dekker"), ("", "Brouwer"), ("de", "Wit"),
    ("", "Dijkstra"), ("", "Smits"), ("de", "Graaf"), ("van der", "Meer"),
    ("van der", "Linden"), ("", "Kok"), ("", "Jacobs"), ("de", "Haan"),
    ("", "Vermeulen"), ("van den", "Heuvel"), ("van der", "Veen"),
    ("van den", "Broek"), ("de", "Bruijn"), ("van der", "Heijden"),
    ("", "Schouten"), ("van", "Beek"), ("", "Willems"), ("van", "Vliet"),
    ("van de", "Ven"), ("", "Hoekstra"), ("", "Maas"), ("", "Verhoeven"),
    ("", "Koster"), ("van", "Dam"), ("van der", "Wal"), ("", "Prins"),
    ("", "Blom"), ("", "Huisman"), ("de", "Jong"), ("van", "Dijk"),
    ("", "Kuipers"), ("", "Veenstra"), ("", "Kramer"), ("van den", "Brink"),
    ("", "Scholten"), ("", "Post"), ("", "Postma"), ("", "Timmermans"),
    ("", "Groen"), ("", "Wolters"), ("", "Hermans"), ("", "Evers"),
    ("van", "Wijk"), ("", "Koning"), ("ter", "Horst"), ("el", "Amrani"),
    ("", "Yılmaz"), ("", "Bouzid"), ("", "Çelik"), ("", "Ramdin"),
)
# (name, area code, region): area codes of three digits, so numbers are 3+7.
_CITIES = (
    ("Amsterdam", "020", "West"), ("Rotterdam", "010", "West"),
    ("Den Haag", "070", "West"), ("Utrecht", "030", "Midden"),
    ("Eindhoven", "040", "Zuid"), ("Groningen", "050", "Noord"),
    ("Tilburg", "013", "Zuid"), ("Almere", "036", "Midden"),
    ("Breda", "076", "Zuid"), ("Nijmegen", "024", "Oost"),
    ("Arnhem", "026", "Oost"), ("Haarlem", "023", "West"),
    ("Enschede", "053", "Oost"), ("Amersfoort", "033", "Midden"),
    ("Apeldoorn", "055", "Oost"), ("Zwolle", "038", "Oost"),
    ("Leiden", "071", "West"), ("Maastricht", "043", "Zuid"),
    ("Dordrecht", "078", "West"), ("Leeuwarden", "058", "Noord"),
    ("'s-Hertogenbosch", "073", "Zuid"), ("Delft", "015", "West"),
    ("Alkmaar", "072", "West"), ("Hilversum", "035", "Midden"),
)
_CITY_CUM = tuple(accumulate((9, 8, 6, 6, 5, 4, 3, 3, 3, 3, 3, 3, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2, 2)))

# (trade word, sector label): "Bouwbedrijf Van Dijk".
_TRADES = (
    ("Bouwbedrijf", "Bouw"), ("Installatiebedrijf", "Techniek"),
    ("Transportbedrijf", "Logistiek"), ("Schildersbedrijf", "Bouw"),
    ("Adviesbureau", "Advies"), ("Accountantskantoor", "Finance"),
    ("Ingenieursbureau", "Techniek"), ("Drukkerij", "Productie"),
    ("Metaalbewerking", "Techniek"), ("Elektrotechniek", "Techniek"),
    ("Hoveniersbedrijf", "Groen"), ("Administratiekantoor", "Finance"),
)
_CARE_WORDS = ("Zorggroep", "Woonzorg", "Thuiszorg", "Kinderopvang", "Zorgcentrum", "Stichting")
_CARE_NAMES = ("De Linde", "De Eik", "Het Baken", "De Wilgen", "De Horst", "Het Anker",
               "De Beuk", "De Esch", "Het Kompas", "De Zonnebloem", "De Waterlelie", "Het Gasthuis")
_SECTOR_WORDS = (("Techniek", "Techniek"), ("Logistiek", "Logistiek"), ("Installatie", "Techniek"),
                 ("Metaal", "Productie"), ("ICT", "ICT"), ("Data", "ICT"), ("Finance", "Finance"),
                 ("Energie", "Techniek"), ("Food", "Productie"))
_REGION_WORDS = ("Noord", "Zuid", "Oost", "West", "Rijnmond", "Twente", "Brabant", "Gelderland",
                 "Holland", "Limburg", "Zeeland", "Veluwe", "Drenthe", "Amstelland",
                 "Kennemerland", "Haaglanden", "Midden")
_COMPANY_SUFFIXES = ("BV", "B.V.", "Groep", "Services", "")
_PARTNER_WORDS = (("Accountants", "Finance"), ("Adviseurs", "Advies"), ("Makelaars", "Vastgoed"))
_BRANDS = (("Vitalis", "Zorg"), ("Novitec", "ICT"), ("Zorgwaard", "Zorg"), ("Bouwkracht", "Bouw"),
           ("Flexpoint", "Logistiek"), ("Metalix", "Productie"), ("Agrivia", "Productie"),
           ("Logitrans", "Logistiek"), ("Netvisie", "ICT"), ("Finzicht", "Finance"))

_TEAMS = ("Techniek", "Zorg", "Finance")
_CLIENT_EXTRA_TAGS = ("Raamcontract", "Nieuwsbrief", "Exclusief", "MKB", "Overheid")
_CANDIDATE_TAGS = ("ICT", "Zorg", "Techniek", "Finance", "Logistiek", "ZZP", "Parttime",
                   "Direct beschikbaar", "Starter", "Senior")
_CONTACT_TAGS = ("HR", "Directie", "Inkoop", "Teamleider", "Beslisser")
_PHASES = ("aantrekken", "ontwikkelen", "behouden", "afbouwen")

_ASCII = str.maketrans({"ë": "e", "é": "e", "è": "e", "ï": "i", "ö": "o", "ü": "u", "ç": "c",
                        "ı": "i", "Ç": "c", "'": "", " ": "", ".": "", "&": ""})

# --------------------------------------------------------------------------
# Codes
# --------------------------------------------------------------------------

A, B, C = 0, 1, 2
CATEGORY = ("A", "B", "C")
CLIENT, CANDIDATE, CONTACT = 0, 1, 2
NORMAL, LOYAL, FLIRT, INFLATED, SLEEPING, NO_BUSINESS = range(6)
# Quadrants of attractiveness x accessibility (high = mean above 3.0).
INVEST, DEVELOP, HARVEST, IGNORE = (True, True), (True, False), (False, True), (False, False)

# Contact cadence in days per category (method defaults: A monthly, B
# quarterly, C half-yearly), and how much more or less often a profile is
# contacted than its cadence says (an opblaaspop gets far too much attention).
_CADENCE = (30.0, 91.0, 182.0)
_INTENSITY = {NORMAL: (0.8, 1.4), LOYAL: (1.2, 1.6), FLIRT: (0.9, 1.3),
              INFLATED: (2.2, 3.0), SLEEPING: (0.25, 0.5), NO_BUSINESS: (1.0, 1.5)}
# Deals per year: clients buy, candidates get placed.
_DEALS_PER_YEAR = {CLIENT: (8.0, 4.0, 1.5), CANDIDATE: (1.2, 0.7, 0.3), CONTACT: (0.0, 0.0, 0.0)}
# Cumulative weights (for _pick) of the profiles NORMAL..NO_BUSINESS, of the
# quadrants per category and of the number of colleagues who know a relation.
_PROFILES = tuple(range(6))
_PROFILE_CUM = {CLIENT: tuple(accumulate((61, 12, 8, 7, 7, 5))),
                CANDIDATE: tuple(accumulate((55, 10, 5, 0, 0, 30)))}
_QUADRANTS = (INVEST, DEVELOP, HARVEST, IGNORE)
_QUADRANT_CUM = tuple(tuple(accumulate(w)) for w in ((60, 28, 8, 4), (30, 25, 25, 20), (8, 12, 35, 45)))
_COLLEAGUE_CUM = {(CLIENT, A): (25, 70, 100), (CLIENT, B): (50, 100, 100), (CLIENT, C): (80, 100, 100),
                  CANDIDATE: (70, 100, 100)}
_COMPANY_PATTERN_CUM = tuple(accumulate((30, 12, 20, 13, 10)))


class _Scenario(NamedTuple):
    """A deliberate situation the reports should find, placed on one relation."""

    name: str
    cat: int
    profile: int
    quadrant: tuple[bool, bool]
    falling_owner: bool = False   # owned by the employee whose satisfaction falls
    colleagues: int | None = None  # number of colleagues who also know them
    overdue: int = 0              # days between the last touchpoint and `end`
    silent: bool = False          # no touchpoints at all
    new: bool = False             # relation started after `start`
    recent: bool = False          # a touchpoint in the last week
    hide_category: bool = False   # Categorie left empty
    since_year: int = 0
    no_start: bool = False        # Sinds left empty: with nothing else on record, health is unknown


_CLIENT_SCENARIOS = (
    _Scenario("huwelijkspartner", A, LOYAL, INVEST, colleagues=2, recent=True, since_year=2013),
    _Scenario("overspelige liefde", A, FLIRT, INVEST, colleagues=1),
    _Scenario("A achterstallig, alleen eigenaar kent hen", A, NORMAL, DEVELOP, colleagues=0, overdue=140),
    _Scenario("A achterstallig, eigenaar met dalende tevredenheid", A, NORMAL, INVEST,
              falling_owner=True, overdue=115),
    _Scenario("opblaaspop", B, INFLATED, HARVEST, recent=True),
    _Scenario("doornroosje", B, SLEEPING, DEVELOP, since_year=2014),
    _Scenario("klacht open, eigenaar met dalende tevredenheid", B, NORMAL, HARVEST, falling_owner=True),
    _Scenario("klacht snel opgelost", B, NORMAL, INVEST, colleagues=1),
    _Scenario("B achterstallig", B, NORMAL, HARVEST, overdue=260),
    _Scenario("zonder contactmomenten", C, NORMAL, IGNORE, silent=True),
    _Scenario("nieuwe prospect zonder categorie", B, NO_BUSINESS, DEVELOP, new=True, hide_category=True),
)
_CANDIDATE_SCENARIOS = (
    _Scenario("kandidaat zonder contactmomenten", C, NO_BUSINESS, IGNORE, silent=True, no_start=True),
    _Scenario("kandidaat zonder contactmomenten (B)", B, NO_BUSINESS, HARVEST, silent=True),
    _Scenario("kandidaat A achterstallig", A, NORMAL, INVEST, overdue=150),
    _Scenario("kandidaat die vaak geplaatst wordt en doorverwijst", A, LOYAL, INVEST, recent=True),
)


@dataclass(slots=True)
class _Employee:
    id: str
    name: str
    team: str
    email: str


@dataclass(slots=True)
class _Rel:
    """One relation: its CSV fields plus the hidden truth that drives its events."""

    id: str
    group: int
    cat: int                      # true category, also when Categorie is left empty
    owner: int
    name: str = ""
    organisation: str = ""
    category: str = ""            # as written (empty for ~10%)
    phase: str = ""
    since: date = date(2020, 1, 1)
    since_written: bool = True    # False: Sinds is left empty in the CSV (the date stays the truth)
    email: str = ""
    phone: str = ""
    city: str = ""
    labels: str = ""
    scores: tuple[int, ...] | None = None
    colleagues: tuple[int, ...] = ()
    profile: int = NORMAL
    intensity: float = 1.0
    first_day: int = 0            # first day (index from `start`) it can have events
    last_touch_day: int = 0       # last day it can have touchpoints (earlier when overdue)
    silent: bool = False
    recent: bool = False
    no_hours: bool = False        # business rows without hours
    emp_ids: tuple[str, ...] = ()  # 8 slots: who holds a touchpoint (6 owner, 2 colleagues)
    rank: int = 0                 # position in Relatienr sort order


@dataclass
class _World:
    seed: int
    start: date
    end: date
    ndays: int
    day_str: list[str]
    employees: list[_Employee]
    falling: int                  # index of the employee whose satisfaction falls
    rels: list[_Rel]              # in file order: clients, candidates, contact persons
    by_rank: list[_Rel]           # in Relatienr order
    base_count: int               # clients + candidates (the volume unit)
    scenarios: dict[str, str] = field(default_factory=dict)


# --------------------------------------------------------------------------
# Small helpers
# --------------------------------------------------------------------------

def _rng(seed: int, part: str) -> random.Random:
    """An independent stream per part, so changing one file leaves the others."""
    return random.Random(f"{seed}:{part}")


def _pick(rng: random.Random, items: tuple, cum: tuple):
    """A weighted choice from cumulative weights: rng.choices is too slow in bulk."""
    return items[bisect(cum, rng.random() * cum[-1])]


def _dmy(d: date) -> str:
    return d.strftime("%d-%m-%Y")


def _money(x: float) -> str:
    return f"{x:.2f}".replace(".", ",")


def _one_decimal(x: float) -> str:
    return f"{x:.1f}".replace(".", ",")


def _slug(text: str) -> str:
    return text.lower().translate(_ASCII)


def _add_months(d: date, months: int) -> date:
    """First day of the month `months` away from d's month."""
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return date(y, m + 1, 1)


def _month_end(d: date) -> date:
    return _add_months(d, 1) - timedelta(days=1)


def _id_width(n: int) -> int:
    """Zero-padded ids of one width per prefix sort as strings in number order."""
    return max(3, len(str(n)))


class _Csv:
    """A Dutch Excel "CSV UTF-8" writer that counts the data rows it wrote.

    Rows go to an in-memory buffer written out in 1 MB pieces: csv.writer
    calls write() once per row, which costs more than the formatting on a
    text file. The BOM is written by hand for the same reason (the
    utf-8-sig codec encodes in Python, utf-8 in C)."""

    _CHUNK = 1 << 20

    def __init__(self, path: Path, header: Iterable[str]):
        self._file = path.open("w", encoding="utf-8", newline="")
        self._file.write("\ufeff")
        self._buffer = io.StringIO()
        self._writer = csv.writer(self._buffer, delimiter=";", lineterminator="\r\n")
        self._writer.writerow(header)
        self.rows = 0

    def write(self, row: Iterable[object]) -> None:
        self.write_many((row,))

    def write_many(self, rows: Iterable[Iterable[object]]) -> None:
        rows = list(rows)
        self._writer.writerows(rows)
        self._wrote(len(rows))

    def write_lines(self, lines: list[str]) -> None:
        """Rows already formatted as CSV text, line endings included (the hot path)."""
        self._buffer.write("".join(lines))
        self._wrote(len(lines))

    def _wrote(self, count: int) -> None:
        self.rows += count
        if self._buffer.tell() > self._CHUNK:
            self._drain()

    def _drain(self) -> None:
        self._file.write(self._buffer.getvalue())
        self._buffer.seek(0)
        self._buffer.truncate()

    def __enter__(self) -> "_Csv":
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self._drain()
        finally:
            self._file.close()


def _csv_text(fields: Iterable[object]) -> str:
    """One row as Dutch CSV text with its line ending, quoted by the csv module."""
    buffer = io.StringIO()
    csv.writer(buffer, delimiter=";", lineterminator="\r\n").writerow(fields)
    return buffer.getvalue()


def _apportion(weights: list[float], total: int) -> list[int]:
    """Split `total` over the weights in whole numbers that add up exactly."""
    cumulative = list(accumulate(weights))
    if not cumulative or cumulative[-1] <= 0:
        return [0] * len(weights)
    scale = total / cumulative[-1]
    out, previous = [], 0
    for c in cumulative:
        current = round(c * scale)
        out.append(current - previous)
        previous = current
    return out


def _spread_days(rng: random.Random, first: int, last: int, k: int) -> list[int]:
    """k days in [first, last], one per equal slice: a regular cadence with jitter."""
    step = (last - first + 1) / k
    rnd = rng.random
    return [first + int((j + rnd()) * step) for j in range(k)]


# --------------------------------------------------------------------------
# Employees
# --------------------------------------------------------------------------

def _build_employees(seed: int, n: int) -> list[_Employee]:
    """A small team; first names are unique so e-mail addresses are too."""
    rng = _rng(seed, "medewerkers")
    teams = _TEAMS if n >= 5 else _TEAMS[:2] if n >= 2 else _TEAMS[:1]
    firsts = rng.sample(_FIRST_NAMES, min(n, len(_FIRST_NAMES)))
    out = []
    for i in range(n):
        first = firsts[i % len(firsts)]
        tv, last = rng.choice(_SURNAMES)
        local = _slug(first) + ("" if i < len(firsts) else str(i + 1))
        out.append(_Employee(f"M{i + 1:02d}", " ".join(p for p in (first, tv, last) if p),
                             teams[i % len(teams)], f"{local}@voorbeeld-ws.nl"))
    return out


def _owner_weights(n: int) -> list[float]:
    """Uneven portfolios: M01 owns far more relations, the last one few."""
    weights = [1.0] * n
    weights[0] = 3.0
    if n >= 4:
        weights[-1] = 0.35
    return weights


# --------------------------------------------------------------------------
# Relations
# --------------------------------------------------------------------------

class _Names:
    """Unique company names, person e-mail addresses without collisions."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.companies: set[str] = set()
        self.mailboxes: dict[str, int] = {}

    def company(self, city: str) -> tuple[str, str]:
        """A fictional company name and its sector label."""
        for _ in range(3):
            name, sector = self._company_once(city)
            if name not in self.companies:
                break
        else:
            base = name if name.endswith(city) else f"{name} {city}"
            name, n = base, 2
            while name in self.companies:
                name, n = f"{base} {n}", n + 1
        self.companies.add(name)
        return name, sector

    def _company_once(self, city: str) -> tuple[str, str]:
        rng = self.rng
        pattern = bisect(_COMPANY_PATTERN_CUM, rng.random() * _COMPANY_PATTERN_CUM[-1])
        if pattern == 0:
            trade, sector = rng.choice(_TRADES)
            return f"{trade} {self.surname(capital=True)}", sector
        if pattern == 1:
            word = rng.choice(_CARE_WORDS)
            return f"{word} {rng.choice(_CARE_NAMES)}", "Onderwijs" if word == "Kinderopvang" else "Zorg"
        if pattern == 2:
            word, sector = rng.choice(_SECTOR_WORDS)
            suffix = rng.choice(_COMPANY_SUFFIXES)
            return " ".join(p for p in (word, rng.choice(_REGION_WORDS), suffix) if p), sector
        if pattern == 3:
            word, sector = rng.choice(_PARTNER_WORDS)
            return f"{self.surname(capital=True)} & {self.surname(capital=True)} {word}", sector
        brand, sector = rng.choice(_BRANDS)
        return f"{brand} {city}", sector

    def surname(self, capital: bool = False) -> str:
        tv, last = self.rng.choice(_SURNAMES)
        if not tv:
            return last
        return f"{tv[0].upper()}{tv[1:]} {last}" if capital else f"{tv} {last}"

    def person(self) -> tuple[str, str]:
        """A person's full name and the local part of a unique e-mail address."""
        first = self.rng.choice(_FIRST_NAMES)
        tv, last = self.rng.choice(_SURNAMES)
        local = f"{_slug(first)}.{_slug(tv + last)}"
        seen = self.mailboxes.get(local, 0)
        self.mailboxes[local] = seen + 1
        if seen:
            local = f"{local}{seen + 1}"
        return " ".join(p for p in (first, tv, last) if p), local


def _scores(rng: random.Random, quadrant: tuple[bool, bool]) -> tuple[int, ...]:
    """Four attractiveness then four accessibility criteria, 1-5, off the 3.0 line."""
    return _criteria(rng, quadrant[0]) + _criteria(rng, quadrant[1])


def _criteria(rng: random.Random, high: bool) -> tuple[int, ...]:
    items, cum = _criteria_table(high)
    return _pick(rng, items, cum)


@cache
def _criteria_table(high: bool) -> tuple[tuple, tuple]:
    """Every outcome of drawing four scores and nudging them off the 3.0 line, with its weight.

    Drawing from this table costs one random number instead of four."""
    weights: dict[tuple[int, ...], int] = {}
    for draw in product((3, 4, 4, 4, 5, 5, 2) if high else (1, 2, 2, 2, 3, 3, 4), repeat=4):
        values = list(draw)
        while high and sum(values) <= 12:
            values[values.index(min(values))] += 1
        while not high and sum(values) >= 12:
            values[values.index(max(values))] -= 1
        weights[tuple(values)] = weights.get(tuple(values), 0) + 1
    return tuple(weights), tuple(accumulate(weights.values()))


def _phone(rng: random.Random, area: str | None) -> str:
    """Dutch-looking numbers that cannot exist: the subscriber part starts with 0."""
    if area is None:
        return f"06-0{rng.randrange(10**7):07d}"
    return f"{area}-0{rng.randrange(10**6):06d}"


def _category_list(rng: random.Random, n: int, fixed: dict[int, int]) -> list[int]:
    """Exactly ~20/30/50% A/B/C, counting the categories scenarios already fixed."""
    target = [round(n * 0.2), round(n * 0.3)]
    target.append(n - sum(target))
    for cat in fixed.values():
        target[cat] -= 1
    pool = [cat for cat in (A, B, C) for _ in range(max(0, target[cat]))]
    pool += [C] * (n - len(fixed) - len(pool))
    rng.shuffle(pool)
    pool = pool[: n - len(fixed)]
    it = iter(pool)
    return [fixed[i] if i in fixed else next(it) for i in range(n)]


def _since(rng: random.Random, group: int, cat: int, scen: _Scenario | None,
           start: date, end: date) -> date:
    """Start of the relation: A clients tend to be older, some are new in the period."""
    period = max(1, (end - start).days - 30)
    if scen is not None and scen.new:
        return end - timedelta(days=min(period, 120))
    if scen is not None and scen.since_year:
        return date(scen.since_year, rng.randint(1, 12), rng.randint(1, 28))
    if scen is None and rng.random() < 0.07:
        return start + timedelta(days=rng.randrange(period))
    first = date(2012 if group == CLIENT else 2016, 1, 1)
    if first >= start:
        first = start - timedelta(days=3 * 365)
    u = rng.random()
    if group == CLIENT and cat == A:
        u **= 1.6
    return first + timedelta(days=int(u * ((start - first).days - 30)))


def _labels(rng: random.Random, group: int, sector: str, region: str) -> str:
    """0-3 tags: sector, region and a commercial or personal tag."""
    tags = []
    if group == CLIENT:
        if rng.random() < 0.75:
            tags.append(sector)
        if rng.random() < 0.5:
            tags.append(f"Regio {region}")
        if rng.random() < 0.25:
            tags.append(rng.choice(_CLIENT_EXTRA_TAGS))
    elif group == CANDIDATE:
        tags = rng.sample(_CANDIDATE_TAGS, rng.choice((0, 1, 1, 2, 2, 3)))
    else:
        tags = rng.sample(_CONTACT_TAGS, rng.choice((0, 1, 1, 2)))
    return "|".join(tags)


def _phase(rng: random.Random, rel: _Rel, new: bool) -> str:
    """Mostly empty (derived later); about 15% have a phase that fits the story."""
    if new:
        return "aantrekken" if rng.random() < 0.6 else ""
    if rng.random() >= 0.15:
        return ""
    if rel.profile == SLEEPING:
        return rng.choice(("afbouwen", "ontwikkelen"))
    if rel.profile == LOYAL:
        return "behouden"
    return rng.choice(_PHASES)


def _emp_slots(employees: list[_Employee], owner: int, colleagues: tuple[int, ...]) -> tuple[str, ...]:
    """Who holds a touchpoint: the owner 6 in 8 times, colleagues the rest."""
    ids = [employees[owner].id] * 8
    for j, c in enumerate(colleagues[:2]):
        ids[7 - j] = employees[c].id
        if len(colleagues) == 1:
            ids[6] = employees[c].id
    return tuple(ids)


def _colleagues(rng: random.Random, n_emp: int, owner: int, count: int) -> tuple[int, ...]:
    others = [e for e in range(n_emp) if e != owner]
    return tuple(rng.sample(others, min(count, len(others))))


def _build_group(world: _World, rng: random.Random, names: _Names, group: int, n: int,
                 scenarios: tuple[_Scenario, ...], owner_cum: tuple[float, ...]) -> list[_Rel]:
    """Clients or candidates, with the scenarios placed on seed-drawn positions."""
    prefix = "K" if group == CLIENT else "C"
    width = _id_width(n)
    scen_at = dict(zip(rng.sample(range(n), min(n, len(scenarios))), scenarios))
    cats = _category_list(rng, n, {i: s.cat for i, s in scen_at.items()})
    start, end, n_emp = world.start, world.end, len(world.employees)
    owners = tuple(range(n_emp))
    rels = []
    for i in range(n):
        scen = scen_at.get(i)
        cat = cats[i]
        owner = _pick(rng, owners, owner_cum)
        if scen is not None and scen.falling_owner:
            owner = world.falling
        rel = _Rel(f"{prefix}{i + 1:0{width}d}", group, cat, owner)
        city, area, region = _pick(rng, _CITIES, _CITY_CUM)
        rel.city = city
        if group == CLIENT:
            rel.name, sector = names.company(city)
            rel.email = f"info@{_slug(rel.name).replace('-', '')}.nl.example"
            rel.phone = _phone(rng, area)
        else:
            rel.name, local = names.person()
            sector = ""
            rel.email = f"{local}@mail.example"
            rel.phone = _phone(rng, None)
        rel.labels = _labels(rng, group, sector, region)
        if scen is None:
            rel.profile = _pick(rng, _PROFILES, _PROFILE_CUM[group])
        else:
            rel.profile = scen.profile
        rel.since = _since(rng, group, cat, scen, start, end)
        if rel.profile == SLEEPING and rel.since > start - timedelta(days=3 * 365):
            rel.since = date(2012 + rng.randrange(8), rng.randint(1, 12), rng.randint(1, 28))
        new = rel.since > start
        if new and scen is None and rng.random() < 0.5:
            rel.profile = NO_BUSINESS
        hide = scen.hide_category if scen is not None else rng.random() < 0.10
        rel.category = "" if hide else CATEGORY[cat]
        rel.phase = _phase(rng, rel, new)
        quadrant = scen.quadrant if scen is not None else _pick(rng, _QUADRANTS, _QUADRANT_CUM[cat])
        scores = _scores(rng, quadrant)  # always drawn, so the stream stays aligned
        rel.scores = scores if scen is not None or rng.random() >= 0.10 else None
        if hide and scen is None and len(rels) % 3 == 0:
            rel.scores = None   # neither a category nor scores: revenue share must decide
        n_col = scen.colleagues if scen is not None and scen.colleagues is not None else \
            _colleague_count(rng, group, cat)
        rel.colleagues = _colleagues(rng, n_emp, owner, n_col)
        _set_activity(rng, world, rel, scen)
        if scen is not None:
            world.scenarios[scen.name] = rel.id
            rel.since_written = not scen.no_start
        rels.append(rel)
    return rels


def _colleague_count(rng: random.Random, group: int, cat: int) -> int:
    """Several employees know A clients; many C and candidates only by their owner."""
    return _pick(rng, (0, 1, 2), _COLLEAGUE_CUM[(group, cat) if group == CLIENT else CANDIDATE])


#: Days before `end` since which the employee whose satisfaction falls has not contacted their
#: relations (their health falls with it: the service-profit chain the satisfaction analysis shows).
_NEGLECTED_DAYS = 120


def _set_activity(rng: random.Random, world: _World, rel: _Rel, scen: _Scenario | None) -> None:
    """The hidden drivers of touchpoints and business: window, intensity, exceptions."""
    last = world.ndays - 1
    rel.first_day = max(0, (rel.since - world.start).days)
    rel.intensity = rng.uniform(*_INTENSITY[rel.profile])
    overdue = scen.overdue if scen is not None else 0
    if scen is None and rel.cat != C and rng.random() < 0.03:
        overdue = rng.randint(100, 170) if rel.cat == A else rng.randint(220, 300)
    rel.silent = scen.silent if scen is not None else False
    rel.recent = scen.recent if scen is not None else (not overdue and rng.random() < 0.08)
    if scen is None and rel.owner == world.falling:
        overdue = max(overdue, _NEGLECTED_DAYS)    # the unhappy employee lets contact slide
        rel.recent = False
    rel.last_touch_day = last - overdue if overdue < last - rel.first_day else last
    rel.no_hours = rng.random() < 0.08
    rel.emp_ids = _emp_slots(world.employees, rel.owner, rel.colleagues)


def _build_contacts(world: _World, rng: random.Random, names: _Names,
                    clients: list[_Rel]) -> list[_Rel]:
    """One or two contact persons per A client, known by its owner or a colleague."""
    out: list[_Rel] = []
    for org in (c for c in clients if c.cat == A):
        team = (org.owner,) + org.colleagues
        for j in range(1 if rng.random() < 0.6 else 2):
            owner = team[j % len(team)]
            rel = _Rel("", CONTACT, A, owner)
            rel.name, local = names.person()
            rel.organisation = org.id
            rel.email = f"{local}@{org.email.split('@')[1]}"
            rel.phone = _phone(rng, None)
            rel.city = org.city
            rel.labels = _labels(rng, CONTACT, "", "")
            rel.category = org.category if rng.random() < 0.8 else ""
            rel.since = min(world.end, org.since + timedelta(days=rng.randrange(0, 700)))
            quadrant = _pick(rng, _QUADRANTS, _QUADRANT_CUM[A])
            scores = _scores(rng, quadrant)
            rel.scores = scores if rng.random() >= 0.10 else None
            rel.colleagues = tuple(e for e in team if e != owner)
            rel.profile = FLIRT if org.profile == FLIRT else NORMAL
            rel.intensity = rng.uniform(0.7, 1.2)
            rel.first_day = max(org.first_day, (rel.since - world.start).days)
            rel.last_touch_day = org.last_touch_day
            rel.silent = org.silent
            rel.emp_ids = _emp_slots(world.employees, owner, rel.colleagues)
            out.append(rel)
    width = _id_width(len(out))
    for i, rel in enumerate(out):
        rel.id = f"P{i + 1:0{width}d}"
    return out


def _build_world(seed: int, clients: int, candidates: int, employees: int,
                 start: date, end: date) -> _World:
    """Everything except the event tables: employees and relations with their drivers."""
    ndays = (end - start).days + 1
    day_str = [_dmy(start + timedelta(days=d)) for d in range(ndays)]
    emps = _build_employees(seed, employees)
    falling = 2 if employees >= 3 else employees - 1
    world = _World(seed, start, end, ndays, day_str, emps, falling, [], [], clients + candidates)
    owner_cum = tuple(accumulate(_owner_weights(employees)))
    names = _Names(_rng(seed, "namen"))
    client_rels = _build_group(world, _rng(seed, "opdrachtgevers"), names, CLIENT, clients,
                               _CLIENT_SCENARIOS, owner_cum)
    candidate_rels = _build_group(world, _rng(seed, "kandidaten"), names, CANDIDATE, candidates,
                                  _CANDIDATE_SCENARIOS, owner_cum)
    contacts = _build_contacts(world, _rng(seed, "contactpersonen"), names, client_rels)
    world.rels = client_rels + candidate_rels + contacts
    world.by_rank = sorted(world.rels, key=lambda r: r.id)
    for rank, rel in enumerate(world.by_rank):
        rel.rank = rank
    return world


def _write_employees(path: Path, world: _World) -> int:
    with _Csv(path, ("Medewerker", "Naam", "Team", "E-mail")) as out:
        for e in world.employees:
            out.write((e.id, e.name, e.team, e.email))
        return out.rows


_RELATION_HEADER = (
    "Relatienr", "Naam", "Soort", "Rol", "Accountmanager", "Organisatie", "Categorie", "Fase",
    "Relatie sinds", "E-mail", "Telefoon", "Plaats", "Labels", "score_opbrengst", "score_fit",
    "score_belangen", "score_kerntaak", "score_bekendheid", "score_imago", "score_relatie",
    "score_openheid",
)
_KIND_ROLE = {CLIENT: ("organisatie", "opdrachtgever"), CANDIDATE: ("persoon", "kandidaat"),
              CONTACT: ("persoon", "contactpersoon")}


def _write_relations(path: Path, world: _World) -> int:
    emp_ids = [e.id for e in world.employees]
    empty_scores = ("",) * 8
    with _Csv(path, _RELATION_HEADER) as out:
        for r in world.rels:
            kind, role = _KIND_ROLE[r.group]
            out.write((r.id, r.name, kind, role, emp_ids[r.owner], r.organisation, r.category,
                       r.phase, _dmy(r.since) if r.since_written else "", r.email, r.phone, r.city, r.labels)
                      + (r.scores if r.scores is not None else empty_scores))
        return out.rows


# --------------------------------------------------------------------------
# Touchpoints
# --------------------------------------------------------------------------

# Notes per kind: (text, channel or "" for any, direction or "" for any).
_ORG_NOTES = {
    "check-in": (
        ("Kwartaaloverleg, vacatures Q1 besproken", "bezoek", "uit"),
        ("Korte check-in, geen nieuwe vacatures op dit moment", "telefoon", ""),
        ("Telefonisch bijgepraat over de personeelsbehoefte", "telefoon", ""),
        ("Bezoek op locatie, kennisgemaakt met de teamleiders", "bezoek", "uit"),
        ("Planning voor het komende halfjaar doorgenomen", "", "uit"),
        ("Belde zelf over een nieuwe vacature voor een werkvoorbereider", "telefoon", "in"),
        ("Mailde met vraag naar beschikbare monteurs", "e-mail", "in"),
        ("Budget voor volgend jaar nog niet rond, na de zomer opnieuw bellen", "", ""),
        ("Vroeg of ons tarief omlaag kan bij meer volume", "", ""),
        ("Gaf aan dat er binnenkort een nieuwe contactpersoon komt op HR", "", ""),
        ("Ze praten ook met een concurrent over inhuur van monteurs", "", ""),
        ("Werken aan een nieuwe strategie voor werving, willen ons erbij betrekken", "bezoek", ""),
        ("Noemde prijsdruk vanuit hun inkoopafdeling", "", ""),
        ("Gesproken op de netwerkborrel van de regio", "evenement", ""),
        ("Nieuwjaarskaart en relatiegeschenk gestuurd", "post", "uit"),
        ("Follow-up na eerdere vacature, verloopt naar wens", "e-mail", "uit"),
    ),
    "waarde": (
        ("Marktinzicht salarisbenchmark gedeeld", "e-mail", "uit"),
        ("Arbeidsmarktrapportage voor de regio gedeeld", "e-mail", "uit"),
        ("Introductie bij collega-werkgever in de regio geregeld", "", "uit"),
        ("Uitgenodigd voor ons HR-ontbijt", "evenement", "uit"),
        ("Whitepaper nieuwe regels voor flexwerk toegestuurd", "post", "uit"),
        ("Advies gegeven over employer branding", "bezoek", "uit"),
        ("Trends in de technische arbeidsmarkt gepresenteerd", "bezoek", "uit"),
        ("Overzicht van bewegingen bij concurrenten in hun sector gedeeld", "e-mail", "uit"),
    ),
    "offerte": (
        ("Offerte uitgebracht voor werving projectleider", "e-mail", "uit"),
        ("Offerte detachering twee verpleegkundigen verstuurd", "e-mail", "uit"),
        ("Tariefvoorstel voor raamcontract besproken", "bezoek", ""),
        ("Offerte nagebeld, besluit volgt volgende week", "telefoon", "uit"),
        ("Vroegen een offerte aan voor drie planners", "", "in"),
    ),
    "evaluatie": (
        ("Evaluatie plaatsing: zeer tevreden over de kandidaat", "", ""),
        ("Evaluatie na proeftijd, kandidaat blijft", "telefoon", ""),
        ("Jaarevaluatie samenwerking, verbeterpunten genoteerd", "bezoek", "uit"),
        ("Evaluatie detachering: verlenging met drie maanden", "", ""),
    ),
    "klacht": (
        ("Klacht: kandidaat verscheen niet op de eerste werkdag", "telefoon", "in"),
        ("Klacht over late facturatie", "e-mail", ""),
        ("Ontevreden over de doorlooptijd van de vacature", "", ""),
        ("Klacht: cv's sloten niet aan bij het profiel", "e-mail", ""),
    ),
    "klacht opgelost": (
        ("Klacht opgelost: vervangende kandidaat geplaatst", "", "uit"),
        ("Creditnota verstuurd, klant tevreden met de oplossing", "e-mail", "uit"),
        ("Excuses aangeboden en werkwijze aangepast, klacht afgesloten", "bezoek", "uit"),
    ),
    "verwijzing gegeven": (
        ("Verwees ons door naar een zusterbedrijf", "", "in"),
        ("Gaf de naam van de HR-manager bij hun leverancier door", "", "in"),
        ("Raadde ons aan bij een collega in hun netwerk", "", ""),
    ),
    "verwijzing ontvangen": (
        ("Wij hebben hen in contact gebracht met een opleidingsinstituut", "", "uit"),
        ("Introductie bij een ICT-partner uit ons netwerk", "", "uit"),
    ),
}
_CANDIDATE_NOTES = {
    "check-in": (
        ("Loopbaangesprek, wil doorgroeien naar teamleider", "", "uit"),
        ("Beschikbaarheid gecheckt, per direct inzetbaar", "telefoon", ""),
        ("Huidige opdracht loopt goed", "", ""),
        ("Zoekt een parttime functie in de regio", "", ""),
        ("Belde zelf, opdracht loopt over twee maanden af", "telefoon", "in"),
        ("Vraagt naar hoger tarief bij de volgende opdracht", "", ""),
        ("Kennismakingsgesprek op kantoor", "bezoek", ""),
    ),
    "waarde": (
        ("Salarisindicatie en marktinzicht gedeeld", "e-mail", "uit"),
        ("Cv-advies gegeven", "", "uit"),
        ("Uitnodiging voor onze netwerkbijeenkomst", "evenement", "uit"),
        ("Tips voor het sollicitatiegesprek gestuurd", "e-mail", "uit"),
    ),
    "evaluatie": (
        ("Evaluatie na eerste maand plaatsing, tevreden", "", ""),
        ("Evaluatie opdracht: wil graag verlengen", "", ""),
    ),
    "klacht": (
        ("Klacht: uren te laat uitbetaald", "", "in"),
        ("Ontevreden over communicatie rond de afwijzing", "e-mail", "in"),
    ),
    "klacht opgelost": (
        ("Betaling rechtgezet, excuses aangeboden", "", "uit"),
        ("Uitgebreid teruggekoppeld over de afwijzing, kandidaat tevreden", "telefoon", "uit"),
    ),
    "verwijzing gegeven": (
        ("Bracht een oud-collega aan als kandidaat", "", "in"),
        ("Tipte ons over een vacature bij haar werkgever", "", "in"),
    ),
    "verwijzing ontvangen": (
        ("Voorgesteld aan een opdrachtgever in ons netwerk", "", "uit"),
    ),
}
_ENGLISH_NOTES = {
    "check-in": (("Quick call, no new vacancies this quarter", "telefoon", ""),
                 ("Met the new HR director, positive first meeting", "bezoek", ""),
                 ("They are also talking to a competitor about rates", "", "")),
    "waarde": (("Shared salary benchmark for IT roles", "e-mail", "uit"),),
    "evaluatie": (("Evaluation after probation, very happy with the candidate", "", ""),),
    "offerte": (("Sent proposal for two interim controllers", "e-mail", "uit"),),
}
_SIGNAL_NOTES = {
    "concurrent": ("Noemde dat ze ook met een concurrent praten",
                   "Vacature ook bij een ander bureau uitgezet"),
    "prijsdruk": ("Inkoop wil korting op het uurtarief", "Druk op marge: vragen 10% lager tarief"),
    "nieuwe contactpersoon": ("Nieuwe HR-manager gestart, kennismaking gepland",),
    "exclusiviteit kwijt": ("Exclusiviteit vervalt, vacatures gaan voortaan naar drie bureaus",),
    "strategisch": ("Gevraagd mee te denken over hun strategische personeelsplanning",),
    "eerste keus": ("Belde ons als eerste voor een nieuwe vacature",),
    "geen reactie": ("Geen reactie op mail en voicemail", "Twee keer gebeld, geen reactie"),
    "concurrent|prijsdruk": ("Concurrent biedt een lager tarief, inkoop zet druk op de prijs",),
    "strategisch|eerste keus": ("Betrokken bij hun plannen voor volgend jaar en belden ons als eerste",),
}
_CANDIDATE_SIGNAL_NOTES = {
    "concurrent": ("Staat ook ingeschreven bij een ander bureau",),
    "prijsdruk": ("Wil een hoger uurtarief dan de opdrachtgever biedt",),
    "geen reactie": ("Geen reactie op voicemail en appje",),
    "eerste keus": ("Belde ons als eerste nu de opdracht afloopt",),
}

_KIND_WEIGHTS = {
    (CLIENT, A): (38, 18, 12, 10, 2.0, 6, 4), (CLIENT, B): (45, 12, 14, 10, 2.5, 3, 2),
    (CLIENT, C): (52, 6, 18, 6, 3.0, 1, 1), (CANDIDATE, A): (45, 18, 0, 15, 1.5, 7, 3),
    (CANDIDATE, B): (50, 15, 0, 15, 1.5, 4, 2), (CANDIDATE, C): (60, 10, 0, 12, 1.5, 2, 1),
}
_KINDS = ("check-in", "waarde", "offerte", "evaluatie", "klacht", "verwijzing gegeven",
          "verwijzing ontvangen")
_CHANNELS = ("telefoon", "bezoek", "e-mail", "evenement", "post")
_CHANNEL_WEIGHTS = {
    "check-in": (45, 22, 25, 5, 1), "waarde": (10, 20, 40, 25, 8), "offerte": (10, 15, 70, 0, 5),
    "evaluatie": (35, 50, 15, 0, 0), "klacht": (60, 5, 35, 0, 0), "klacht opgelost": (50, 20, 30, 0, 0),
    "verwijzing gegeven": (50, 10, 30, 10, 0), "verwijzing ontvangen": (30, 0, 50, 20, 0),
}
_INBOUND = {"check-in": 0.22, "waarde": 0.05, "offerte": 0.2, "evaluatie": 0.2, "klacht": 0.9,
            "klacht opgelost": 0.1, "verwijzing gegeven": 0.85, "verwijzing ontvangen": 0.1}
_SIGNAL_CHANCE = {"check-in": 0.07, "waarde": 0.03, "offerte": 0.12, "evaluatie": 0.05,
                  "verwijzing gegeven": 0.05}
_SIGNALS_FOR_KIND = {
    "check-in": None,  # any
    "offerte": ("concurrent", "prijsdruk", "exclusiviteit kwijt", "concurrent|prijsdruk"),
    "waarde": ("strategisch",), "evaluatie": ("concurrent", "strategisch", "nieuwe contactpersoon"),
    "verwijzing gegeven": ("eerste keus",),
}
_SIGNAL_WEIGHTS = {  # per pool flavour
    "normal": {"concurrent": 3, "prijsdruk": 3, "nieuwe contactpersoon": 2, "exclusiviteit kwijt": 1,
               "strategisch": 2, "eerste keus": 2, "geen reactie": 3, "concurrent|prijsdruk": 1,
               "strategisch|eerste keus": 1},
    "flirt": {"concurrent": 6, "prijsdruk": 4, "exclusiviteit kwijt": 2, "concurrent|prijsdruk": 3,
              "geen reactie": 1},
    "loyal": {"strategisch": 4, "eerste keus": 4, "strategisch|eerste keus": 2,
              "nieuwe contactpersoon": 1},
    "candidate": {"concurrent": 3, "prijsdruk": 1, "geen reactie": 3, "eerste keus": 2},
}
_POOL_BITS = 11
_RESOLUTION_BITS = 4


def _pick_note(rng: random.Random, notes: tuple, channel: str, direction: str) -> str:
    fitting = [t for t, ch, d in notes if ch in ("", channel) and d in ("", direction)]
    return rng.choice(fitting) if fitting else ""


def _template(rng: random.Random, group: int, kind: str, flavour: str, signal_boost: float) -> tuple:
    """One touchpoint shape: (kanaal, richting, soort, signalen, notities)."""
    candidate = group == CANDIDATE
    signal = ""
    chance = _SIGNAL_CHANCE.get(kind, 0.0) * signal_boost
    allowed = _SIGNALS_FOR_KIND.get(kind, ())
    if chance and rng.random() < chance:
        weights = _SIGNAL_WEIGHTS["candidate" if candidate else flavour]
        options = [s for s in weights if allowed is None or s in allowed]
        if options:
            signal = rng.choices(options, weights=[weights[s] for s in options])[0]
    channel = rng.choices(_CHANNELS, weights=_CHANNEL_WEIGHTS[kind])[0]
    if candidate and channel == "bezoek" and rng.random() < 0.5:
        channel = "telefoon"
    if "eerste keus" in signal:
        direction = "in"
    elif signal == "geen reactie":
        direction, channel = "uit", rng.choice(("telefoon", "e-mail"))
    else:
        direction = "in" if rng.random() < _INBOUND[kind] else "uit"
    if signal:
        table = _CANDIDATE_SIGNAL_NOTES if candidate else _SIGNAL_NOTES
        return channel, direction, kind, signal, rng.choice(table[signal])
    roll = rng.random()
    if roll < 0.12:
        note = ""
    elif roll < 0.15 and kind in _ENGLISH_NOTES:
        note = _pick_note(rng, _ENGLISH_NOTES[kind], channel, direction)
    else:
        note = _pick_note(rng, (_CANDIDATE_NOTES if candidate else _ORG_NOTES)[kind], channel, direction)
    return channel, direction, kind, signal, note


def _pool(rng: random.Random, group: int, cat: int, flavour: str) -> list[tuple]:
    """2048 precomputed touchpoint shapes, so each row costs one random draw."""
    weights = list(_KIND_WEIGHTS[(CANDIDATE if group == CANDIDATE else CLIENT, cat)])
    boost = 1.0
    if flavour == "loyal":
        weights[5] *= 2.5
        weights[4] *= 0.4
        boost = 2.0
    elif flavour == "flirt":
        weights[4] *= 1.5
        boost = 5.0
    kinds = rng.choices(_KINDS, weights=weights, k=1 << _POOL_BITS)
    return [_template(rng, group, kind, flavour, boost) for kind in kinds]


def _resolutions(rng: random.Random, group: int) -> list[tuple]:
    return [_template(rng, group, "klacht opgelost", "normal", 0.0) for _ in range(1 << _RESOLUTION_BITS)]


_FLAVOURS = ("normal", "loyal", "flirt")


def _pool_index(rel: _Rel) -> int:
    flavour = 1 if rel.profile == LOYAL else 2 if rel.profile == FLIRT else 0
    return ((1 if rel.group == CANDIDATE else 0) * 3 + rel.cat) * 3 + flavour


# Fixed touchpoints that make the scenarios unmistakable: scenario -> (days
# before `end`, shape).
_SCRIPTED_TOUCHPOINTS = {
    "klacht snel opgelost": [
        (210, ("telefoon", "in", "klacht", "", "Klacht: kandidaat verscheen niet op de eerste werkdag")),
        (207, ("bezoek", "uit", "klacht opgelost", "",
               "Binnen twee dagen vervangende kandidaat geplaatst en eerste week gecrediteerd")),
    ],
    "overspelige liefde": [
        (300, ("e-mail", "in", "klacht", "", "Ontevreden over doorlooptijd, overwegen een ander bureau")),
        (255, ("telefoon", "uit", "klacht opgelost", "",
               "Na lang traject alsnog kandidaat geleverd, klacht afgesloten")),
        (30, ("telefoon", "in", "check-in", "concurrent|exclusiviteit kwijt",
              "Vacatures gaan voortaan ook naar een concurrent, exclusiviteit vervalt")),
    ],
    "klacht open, eigenaar met dalende tevredenheid": [
        (75, ("telefoon", "in", "klacht", "", "Klacht: factuur klopt niet en er wordt niet teruggebeld")),
        (45, ("e-mail", "in", "klacht", "", "Herinnering: nog steeds geen antwoord op eerdere klacht")),
    ],
    "huwelijkspartner": [
        (50, ("telefoon", "in", "verwijzing gegeven", "",
              "Verwees ons door naar een zusterbedrijf in Duitsland")),
        (25, ("bezoek", "uit", "waarde", "strategisch",
              "Meegedacht over hun strategische personeelsplanning")),
    ],
}


def _forced_rows(world: _World) -> dict[tuple[int, int], list[tuple]]:
    """The scripted touchpoints keyed by (day, rank), kept inside each relation's window."""
    by_id = {r.id: r for r in world.rels if r.id in world.scenarios.values()}
    forced: dict[tuple[int, int], list[tuple]] = {}
    last = world.ndays - 1
    for name, rows in _SCRIPTED_TOUCHPOINTS.items():
        rel = by_id.get(world.scenarios.get(name, ""))
        if rel is None:
            continue
        for back, shape in rows:
            day = last - back
            if rel.first_day <= day <= rel.last_touch_day:
                forced.setdefault((day, rel.rank), []).append(shape)
    prospect = by_id.get(world.scenarios.get("nieuwe prospect zonder categorie", ""))
    if prospect is not None and prospect.first_day <= last:
        forced.setdefault((prospect.first_day, prospect.rank), []).insert(0, (
            "telefoon", "in", "check-in", "eerste keus",
            "Belde zelf na een aanbeveling door een bestaande klant"))
    return forced


def _counts(expected: list[float], total: int | None, rng: random.Random) -> list[int]:
    """Rows per relation: the expected number rounded at random, or a share of a fixed total."""
    if total is not None:
        return _apportion(expected, total)
    return [int(e + rng.random()) for e in expected]


def _day_buckets(ndays: int, placed: Iterable[tuple[int, list[int]]]) -> list[array]:
    """Per day the ranks of the relations with a row that day: compact, and sortable per day."""
    buckets = [array("I") for _ in range(ndays)]
    for rank, days in placed:
        for d in days:
            buckets[d].append(rank)
    return buckets


def _write_touchpoints(path: Path, world: _World, per_relation: float | None) -> int:
    """Place days per relation in day buckets, then write day by day in Relatienr order."""
    rng = _rng(world.seed, "contactmomenten")
    forced = _forced_rows(world)
    total = None if per_relation is None else round(per_relation * world.base_count)
    expected = []
    for r in world.by_rank:
        span = r.last_touch_day - r.first_day + 1
        expected.append(0.0 if r.silent or span <= 0 else span / _CADENCE[r.cat] * r.intensity)
    counts = _counts(expected, total, rng)
    for (_day, rank), shapes in forced.items():
        counts[rank] = max(0, counts[rank] - len(shapes))
    last = world.ndays - 1

    def placed() -> Iterable[tuple[int, list[int]]]:
        for r, k in zip(world.by_rank, counts):
            if k:
                days = _spread_days(rng, r.first_day, r.last_touch_day, k)
                if r.recent and r.last_touch_day == last:
                    days[-1] = max(r.first_day, last - rng.randrange(7))
                yield r.rank, days
        for (day, rank), shapes in forced.items():
            yield rank, [day] * len(shapes)

    return _stream_touchpoints(path, world, _day_buckets(world.ndays, placed()), forced)


def _stream_touchpoints(path: Path, world: _World, buckets: list[array],
                        forced: dict[tuple[int, int], list[tuple]]) -> int:
    """The hot loop: one pool draw per row, plus the open-complaint state per relation.

    Shapes are CSV-formatted once (by the csv module, so quoting is right) and
    rows are joined as text: per row csv.writer would cost more than all else."""
    rng = _rng(world.seed, "contactmomenten-rijen")
    shape_rng = _rng(world.seed, "contactmomenten-vormen")
    pools = [[_shape_line(shape) for shape in _pool(shape_rng, group, cat, flavour)]
             for group in (CLIENT, CANDIDATE) for cat in (A, B, C) for flavour in _FLAVOURS]
    resolutions = tuple([_shape_line(shape) for shape in _resolutions(shape_rng, group)]
                        for group in (CLIENT, CANDIDATE))
    pool_of = [pools[_pool_index(r)] for r in world.by_rank]
    scripted = {k[1] for k in forced}
    open_complaints: set[int] = set()
    by_rank, day_str = world.by_rank, world.day_str
    bits, rnd = rng.getrandbits, rng.random
    with _Csv(path, ("Relatienr", "Datum", "Medewerker", "Kanaal", "Richting", "Soort",
                     "Signalen", "Notities")) as out:
        for day, bucket in enumerate(buckets):
            if not bucket:
                continue
            ds = day_str[day]
            lines = []
            for rank in sorted(bucket):
                r = by_rank[rank]
                if rank in scripted:
                    waiting = forced.get((day, rank))
                    if waiting:
                        kind, tail = _shape_line(waiting.pop(0))
                    else:
                        kind, tail = pool_of[rank][bits(_POOL_BITS)]
                        while kind == "klacht":
                            kind, tail = pool_of[rank][bits(_POOL_BITS)]
                elif rank in open_complaints and rnd() < 0.5:
                    open_complaints.discard(rank)
                    kind, tail = resolutions[r.group == CANDIDATE][bits(_RESOLUTION_BITS)]
                else:
                    kind, tail = pool_of[rank][bits(_POOL_BITS)]
                    if kind == "klacht":
                        open_complaints.add(rank)
                lines.append(f"{r.id};{ds};{r.emp_ids[bits(3)]};{tail}")
            out.write_lines(lines)
        return out.rows


def _shape_line(shape: tuple) -> tuple[str, str]:
    """(soort, the shape as the CSV text that ends a row)."""
    return shape[2], _csv_text(shape)


# --------------------------------------------------------------------------
# Business (opdrachten)
# --------------------------------------------------------------------------

_BUSINESS_KINDS = ("plaatsing",) * 6 + ("detachering",) * 4 + ("werving",) * 4 + ("advies",) * 2
_KIND_FACTOR = {"plaatsing": 1.0, "detachering": 1.8, "werving": 1.0, "advies": 0.4}
_DEAL_SIZE = ((3000.0, 15000.0), (1500.0, 7000.0), (500.0, 3000.0))
# Revenue per hour of our time: a normal deal pays, an opblaaspop does not.
_RATE = {NORMAL: (90, 200), LOYAL: (180, 320), FLIRT: (80, 160), INFLATED: (15, 40),
         SLEEPING: (90, 180), NO_BUSINESS: (90, 200)}
_DEAL_RATE_FACTOR = {NORMAL: 1.0, LOYAL: 1.4, FLIRT: 1.0, INFLATED: 0.8, SLEEPING: 1.0,
                     NO_BUSINESS: 0.0}


def _status_table(gewonnen: int, verloren: int, lopend: int, offerte: int) -> tuple[str, ...]:
    """32 slots, so a status costs one 5-bit draw."""
    table = ("gewonnen",) * gewonnen + ("verloren",) * verloren + ("lopend",) * lopend \
        + ("offerte",) * offerte
    assert len(table) == 32
    return table


_STATUS_OLD = {NORMAL: _status_table(25, 5, 2, 0), LOYAL: _status_table(29, 1, 2, 0),
               FLIRT: _status_table(17, 13, 2, 0), INFLATED: _status_table(20, 10, 1, 1),
               "kandidaat": _status_table(24, 5, 3, 0)}
_STATUS_RECENT = {NORMAL: _status_table(13, 3, 8, 8), LOYAL: _status_table(16, 1, 8, 7),
                  FLIRT: _status_table(9, 9, 6, 8), INFLATED: _status_table(6, 8, 4, 14),
                  "kandidaat": _status_table(18, 4, 10, 0)}


def _business_window(world: _World, r: _Rel) -> tuple[int, int]:
    """Doornroosjes stopped buying over a year before `end`; others buy all period."""
    last = world.ndays - 1
    if r.profile == SLEEPING:
        last -= 380
    return r.first_day, last


def _write_business(path: Path, world: _World, per_relation: float | None,
                    revenue_of: dict[str, float]) -> int:
    """Deals in date order; revenue of a few goal relations is summed along the way."""
    rng = _rng(world.seed, "opdrachten")
    total = None if per_relation is None else round(per_relation * world.base_count)
    expected = []
    for r in world.by_rank:
        first, last = _business_window(world, r)
        rate = _DEALS_PER_YEAR[r.group][r.cat] * _DEAL_RATE_FACTOR[r.profile]
        expected.append(max(0, last - first + 1) / 365.0 * rate)
    counts = _counts(expected, total, rng)
    buckets = _day_buckets(world.ndays, (
        (r.rank, _spread_days(rng, *_business_window(world, r), k))
        for r, k in zip(world.by_rank, counts) if k))
    row_rng = _rng(world.seed, "opdrachten-rijen")
    bits, rnd = row_rng.getrandbits, row_rng.random
    recent_from = world.ndays - 60
    goal_year_start = (date(world.end.year, 1, 1) - world.start).days
    with _Csv(path, ("Relatienr", "Datum", "Bedrag", "Uren", "Soort", "Status")) as out:
        for day, bucket in enumerate(buckets):
            if not bucket:
                continue
            ds = world.day_str[day]
            statuses = _STATUS_RECENT if day >= recent_from else _STATUS_OLD
            rows = []
            for rank in sorted(bucket):
                r = world.by_rank[rank]
                if r.group == CANDIDATE:
                    hours = "" if r.no_hours else _one_decimal(3 + 13 * rnd())
                    rows.append((r.id, ds, "", hours, "plaatsing", statuses["kandidaat"][bits(5)]))
                    continue
                kind = _BUSINESS_KINDS[bits(4)]
                lo, hi = _DEAL_SIZE[r.cat]
                amount = (lo + (hi - lo) * rnd()) * _KIND_FACTOR[kind]
                if r.profile == INFLATED:
                    amount *= 0.25
                amount = round(amount) if rnd() < 0.8 else round(amount, 2)
                status = statuses.get(r.profile, statuses[NORMAL])[bits(5)]
                rate_lo, rate_hi = _RATE[r.profile]
                no_hours = r.no_hours or rnd() < 0.03
                hours = "" if no_hours else _one_decimal(amount / (rate_lo + (rate_hi - rate_lo) * rnd()))
                rows.append((r.id, ds, _money(amount), hours, kind, status))
                if day < goal_year_start and status == "gewonnen" and r.id in revenue_of:
                    revenue_of[r.id] += amount
            out.write_many(rows)
        return out.rows


# --------------------------------------------------------------------------
# Surveys
# --------------------------------------------------------------------------

def _waves(start: date, end: date, months: tuple[int, ...]) -> list[date]:
    return [date(y, m, 15) for y in range(start.year, end.year + 1) for m in months
            if start <= date(y, m, 15) <= end]


def _employee_satisfaction(world: _World, rng: random.Random) -> tuple[list[float], list[tuple]]:
    """Quarterly scores; the falling employee drops about half a point a quarter."""
    bases = [rng.uniform(6.8, 8.2) for _ in world.employees]
    bases[world.falling] = 8.1
    rows = []
    for q, when in enumerate(_waves(world.start, world.end, (3, 6, 9, 12))):
        for e, emp in enumerate(world.employees):
            if e == world.falling:
                score = 8.1 - 0.55 * q + rng.uniform(-0.15, 0.15)
            else:
                score = bases[e] + rng.uniform(-0.3, 0.3)
            rows.append((when, 1, emp.id, "medewerker", max(1.0, min(10.0, score))))
    return bases, rows


#: How much a client's satisfaction moves with one point of its owner's (employee) satisfaction.
_SERVICE_PROFIT = 0.8


def _customer_base(rng: random.Random, r: _Rel) -> float:
    return {LOYAL: 8.6, FLIRT: 6.6, INFLATED: 7.6, SLEEPING: 6.9}.get(r.profile, 7.5) \
        + rng.uniform(-0.6, 0.6)


def _write_surveys(path: Path, world: _World) -> tuple[int, dict[int, float]]:
    """Customer surveys twice a year for A/B clients and once a year (December) for C clients,
    employee surveys every quarter. A client's satisfaction follows that of its owner (the
    service-profit chain), and falls with the falling employee's.

    Returns the row count and the first wave's mean score per category (the
    baseline of the satisfaction goals)."""
    rng = _rng(world.seed, "enquetes")
    emp_bases, rows = _employee_satisfaction(world, rng)
    always_answer = set(world.scenarios.values())
    first_wave: dict[int, list[float]] = {A: [], B: []}
    waves = _waves(world.start, world.end, (6, 12))
    for r in world.rels:
        if r.group != CLIENT:
            continue
        base = _customer_base(rng, r) + _SERVICE_PROFIT * (emp_bases[r.owner] - 7.5)
        for w, when in enumerate(waves):
            answered = rng.random() < 0.85 or r.id in always_answer
            if r.cat == C and when.month != 12:
                continue
            when = when + timedelta(days=rng.randint(-10, 10))
            if not answered or when < r.since or not world.start <= when <= world.end:
                continue
            score = base + rng.uniform(-0.4, 0.4)
            if r.owner == world.falling:
                score -= 0.7 * w
            score = round(max(1.0, min(10.0, score)), 1)
            if w == 0 and r.cat != C:
                first_wave[r.cat].append(score)
            rows.append((when, 0, r.id, "klant", score))
    rows.sort(key=lambda row: (row[0], row[1], row[2]))
    with _Csv(path, ("Onderwerp", "Soort", "Datum", "Score", "Schaal")) as out:
        out.write_many([(subject, kind, _dmy(when), _one_decimal(score), "10")
                        for when, _order, subject, kind, score in rows])
        baselines = {cat: sum(v) / len(v) for cat, v in first_wave.items() if v}
        return out.rows, baselines


# --------------------------------------------------------------------------
# Life events
# --------------------------------------------------------------------------

# Notes per (organisation?, kind): an organisation moves offices, a person moves house.
_EVENT_NOTES = {
    (True, "verhuizing"): ("Verhuisd naar een nieuw pand op het bedrijventerrein", "Nieuw adres doorgegeven"),
    (False, "verhuizing"): ("Verhuisd naar de andere kant van het land", "Nieuw adres doorgegeven"),
    (True, "fusie"): ("Gefuseerd met een branchegenoot, nieuwe organisatie",
                      "Overgenomen door een groter concern"),
    (True, "nieuwe contactpersoon"): ("Nieuwe HR-manager gestart",
                                      "Nieuwe inkoopmanager, werkt ook met andere bureaus"),
    (False, "pensioen"): ("Gaat met pensioen per 1 januari",
                          "Neemt afscheid na 30 jaar, opvolger nog onbekend"),
    (False, "geboorte"): ("Dochter geboren, kaartje gestuurd", "Zoon geboren, met verlof"),
    (False, "ziekte"): ("Langdurig ziek, contact via collega", "Herstelt van een operatie"),
    (True, "jubileum"): ("Bedrijf bestaat 50 jaar", "Honderdjarig bestaan gevierd"),
    (False, "jubileum"): ("25 jaar in dienst", "10-jarig jubileum gevierd"),
}
_EVENT_KINDS = {CLIENT: ("verhuizing", "fusie", "nieuwe contactpersoon", "jubileum"),
                CONTACT: ("pensioen", "ziekte", "jubileum", "verhuizing", "geboorte"),
                CANDIDATE: ("verhuizing", "geboorte", "ziekte", "jubileum")}


# Events that fit the scenario stories: (scenario, days before `end`, kind, note).
_SCRIPTED_EVENTS = (
    ("overspelige liefde", 120, "nieuwe contactpersoon",
     "Nieuwe inkoopmanager, werkt ook met andere bureaus"),
    ("huwelijkspartner", 20, "jubileum", "Bedrijf bestaat 50 jaar, feest in december"),
    ("doornroosje", 200, "fusie", "Gefuseerd met een branchegenoot, nieuwe organisatie"),
    ("kandidaat die vaak geplaatst wordt en doorverwijst", 60, "geboorte",
     "Dochter geboren, kaartje gestuurd"),
)


def _write_events(path: Path, world: _World) -> int:
    """About 15 events at the default size, growing with the square root at scale."""
    rng = _rng(world.seed, "gebeurtenissen")
    last = world.ndays - 1
    rows: list[tuple[int, str, str, str]] = []
    for name, back, kind, note in _SCRIPTED_EVENTS:
        rid = world.scenarios.get(name)
        if rid is not None and back <= last:
            rows.append((last - back, rid, kind, note))
    contacts = [r for r in world.rels if r.group == CONTACT]
    if contacts:
        rows.append((max(0, last - 45), rng.choice(contacts).id, "pensioen",
                     "HR-directeur gaat met pensioen per 1 januari, opvolger nog onbekend"))
    wanted = max(len(rows) + 3, round(15 * (max(world.base_count, 1) / 100) ** 0.5))
    taken = {row[1] for row in rows}
    free = [r for r in world.rels if r.id not in taken]
    for r in rng.sample(free, min(len(free), wanted - len(rows))):
        kind = rng.choice(_EVENT_KINDS[r.group])
        day = r.first_day + rng.randrange(max(1, last - r.first_day + 1))
        rows.append((day, r.id, kind, rng.choice(_EVENT_NOTES[(r.group == CLIENT, kind)])))
    rows.sort(key=lambda row: (row[0], row[1]))
    with _Csv(path, ("Relatienr", "Datum", "Soort", "Notities")) as out:
        out.write_many([(rid, world.day_str[day], kind, note) for day, rid, kind, note in rows])
        return out.rows


# --------------------------------------------------------------------------
# Goals
# --------------------------------------------------------------------------

def goal_templates(employees: int = 3, end: date = DATA_END) -> list[dict]:
    """The method's goals per category for the year of ``end``, as ``[[goals]]`` tables: revenue
    +10% for A, +5% for B and at most -25% for C; satisfaction +3 points for A and +1 for B.
    Owners are the sample's account managers (M01 the A relations, M02 the B, the last one C)."""
    def emp(k: int) -> str:
        return f"M{min(k, employees - 1) + 1:02d}"

    year = {"start": date(end.year, 1, 1), "end": date(end.year, 12, 31)}
    return [
        {"id": "A-omzetgroei", "scope": "category:A", "metric": "revenue_growth", "target": 10.0,
         **year, "owner": emp(0)},
        {"id": "B-omzetgroei", "scope": "category:B", "metric": "revenue_growth", "target": 5.0,
         **year, "owner": emp(1)},
        {"id": "C-omzetgroei", "scope": "category:C", "metric": "revenue_growth", "target": -25.0,
         "limit": "at_least", **year, "owner": emp(employees - 1)},
        {"id": "A-tevredenheid", "scope": "category:A", "metric": "satisfaction_change",
         "target": 3.0, **year, "owner": emp(0)},
        {"id": "B-tevredenheid", "scope": "category:B", "metric": "satisfaction_change",
         "target": 1.0, **year, "owner": emp(1)},
    ]


def _goal_rows(world: _World, satisfaction: dict[int, float],
               revenue_of: dict[str, float]) -> list[tuple]:
    """Goals for one relation, an owner and the portfolio, in every state (on track, behind,
    achieved, not achieved, not yet started), two deliberately flawed (no owner, no end date).
    The method's goals per category are in config.toml (``goal_templates``)."""
    n = len(world.employees)

    def emp(k: int) -> str:
        return world.employees[min(k, n - 1)].id

    owner_of = {r.id: world.employees[r.owner].id for r in world.rels if r.id in world.scenarios.values()}
    end = world.end
    year = (date(end.year, 1, 1), date(end.year, 12, 31))
    last_year_end = date(end.year - 1, 12, 31)
    ended = (world.start, last_year_end if last_year_end > world.start + timedelta(days=60)
             else _month_end(world.start + (end - world.start) / 2))
    quarter_start = _add_months(end, -9)
    quarter = (quarter_start, _month_end(_add_months(quarter_start, 2)))
    next_year = (date(end.year + 1, 1, 1), date(end.year + 1, 12, 31))
    loyal = world.scenarios.get("huwelijkspartner")
    flirt = world.scenarios.get("overspelige liefde")
    sat_a, sat_b = satisfaction.get(A, 7.5), satisfaction.get(B, 7.0)
    # three in four of the relations that started in the ended period: a goal that was achieved
    started = sum(1 for r in world.rels if ended[0] <= r.since <= ended[1])
    rows = []
    if loyal:
        # Revenue before the goal year, scaled to a full year.
        days_before = (year[0] - world.start).days
        before = revenue_of.get(loyal, 0.0) * 365 / days_before if days_before > 0 else 0.0
        basis = round(before / 100) * 100
        rows.append((f"relatie:{loyal}", "verwijzingen", 1, 3, *year, owner_of[loyal]))
        target = round(basis * 1.1 / 100) * 100
        rows.append((f"relatie:{loyal}", "omzet", basis, target, *year, owner_of[loyal]))
    if flirt:
        rows.append((f"relatie:{flirt}", "contactmomenten", 8, 14, *year, owner_of[flirt]))
    rows += [
        ("categorie:A", "behoud", 85, 90, *year, emp(0)),
        ("portefeuille", "nieuwe relaties", 0, max(1, round(started * 0.75)), *ended, emp(0)),
        (f"eigenaar:{emp(1)}", "contactmomenten", 40, 60, *quarter, emp(1)),
        ("portefeuille", "omzetgroei", 0, 8, *next_year, emp(0)),
        ("portefeuille", "tevredenheid", round((sat_a + sat_b) / 2, 1), 8.0, *year, ""),
        (f"eigenaar:{emp(world.falling)}", "verwijzingen", 2, 6, year[0], None, emp(world.falling)),
    ]
    return rows


def _number(x: float | int) -> str:
    if isinstance(x, int) or float(x).is_integer():
        return str(int(x))
    return f"{x:.1f}".replace(".", ",")


def _write_goals(path: Path, world: _World, satisfaction: dict[int, float],
                 revenue_of: dict[str, float]) -> int:
    with _Csv(path, ("Doel", "Bereik", "Maatstaf", "Basis", "Doelwaarde", "Start", "Eind",
                     "Eigenaar")) as out:
        for i, (scope, metric, basis, target, begin, finish, owner) in enumerate(
                _goal_rows(world, satisfaction, revenue_of), start=1):
            out.write((f"D{i:02d}", scope, metric, _number(basis), _number(target), _dmy(begin),
                       "" if finish is None else _dmy(finish), owner))
        return out.rows


# --------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------

def write_example_data(target: Path, *, clients: int = 40, candidates: int = 60,
                       employees: int = 6, start: date = date(2025, 5, 1),
                       end: date = DATA_END, seed: int = 2026,
                       touchpoints_per_relation: float | None = None,
                       business_per_relation: float | None = None) -> dict[str, int]:
    """Write the CSV files into target (created if missing); return rows written per file name.

    ``touchpoints_per_relation`` and ``business_per_relation`` replace the
    natural volumes (from cadence and buying rate) by exactly
    ``round(value * (clients + candidates))`` rows, shared out with the same
    proportions; benchmarks use them to reach a given size.
    """
    if employees < 1 or clients < 0 or candidates < 0:
        raise ValueError("need at least one employee and no negative counts")
    if end < start:
        raise ValueError("end must not be before start")
    target = Path(target)
    target.mkdir(parents=True, exist_ok=True)
    world = _build_world(seed, clients, candidates, employees, start, end)
    revenue_of: dict[str, float] = {}
    if "huwelijkspartner" in world.scenarios:
        revenue_of[world.scenarios["huwelijkspartner"]] = 0.0
    counts = {
        "medewerkers.csv": _write_employees(target / "medewerkers.csv", world),
        "relaties.csv": _write_relations(target / "relaties.csv", world),
        "contactmomenten.csv": _write_touchpoints(target / "contactmomenten.csv", world,
                                                  touchpoints_per_relation),
        "opdrachten.csv": _write_business(target / "opdrachten.csv", world, business_per_relation,
                                          revenue_of),
    }
    counts["enquetes.csv"], satisfaction = _write_surveys(target / "enquetes.csv", world)
    counts["gebeurtenissen.csv"] = _write_events(target / "gebeurtenissen.csv", world)
    counts["doelen.csv"] = _write_goals(target / "doelen.csv", world, satisfaction, revenue_of)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m relatierapport.scaffold.example",
        description="Write the fictional example relation data (Dutch Excel CSV) into TARGET.")
    parser.add_argument("target", type=Path, metavar="TARGET")
    parser.add_argument("--clients", type=int, default=40, metavar="N")
    parser.add_argument("--candidates", type=int, default=60, metavar="N")
    parser.add_argument("--seed", type=int, default=2026, metavar="S")
    args = parser.parse_args(argv)
    counts = write_example_data(args.target, clients=args.clients, candidates=args.candidates,
                                seed=args.seed)
    for name, rows in counts.items():
        print(f"{name}: {rows}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
