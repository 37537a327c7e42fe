"""Customer value on the pages (issue 18): the relation plan's "Klantwaarde" in words, the
portfolio's value per category, the attention page's A relations probably lost, and P(alive)
making a sleeping beauty. Real builds of small projects made as a user would."""

from __future__ import annotations

import datetime as dt
import html
import json
import re

import pytest

from conftest import cli, write_project
from relatierapport.render.formatting import make_filters

AS_OF = "2026-11-01"
START = dt.date(2024, 1, 8)


def dropout_project(root, extra_config: str = ""):
    """49 buyers with a pace of their own, so the fit shows relations leaving:

    - L00-L29 buy every 4 to 7 weeks from January 2024 up to the report date;
    - G00-G14 bought monthly for 6 to 9 months in 2024 and stopped (probably lost);
    - W0 bought weekly for 50 weeks up to May 2026 (A): won deals within the last 12 months,
      so the months rule does not make it a sleeping beauty, but its P(alive) is near 0;
    - S0-S3 bought once in 2025 (P(alive) 1 by the model's construction);
    - N1 never bought.
    Categories A, B, C in turn, from the data."""
    relations = ["id;name;kind;role;owner;category;since"]
    business = ["relation;date;amount;hours;kind;status"]

    def add(rid: str, name: str, category: str, days: list[dt.date], amount: int) -> None:
        relations.append(f"{rid};{name};organisatie;opdrachtgever;M1;{category};01-01-2023")
        for i, day in enumerate(days):
            business.append(f"{rid};{day:%d-%m-%Y};{amount + 100 * (i % 3)},00;2;opdracht;gewonnen")

    for n in range(30):
        step, day, days = 28 + 7 * (n % 4), START + dt.timedelta(days=n), []
        while day <= dt.date(2026, 10, 25):
            days.append(day)
            day += dt.timedelta(days=step)
        add(f"L{n:02d}", f"Trouw {n:02d}", "ABC"[n % 3], days, 1000 + 50 * n)
    for n in range(15):
        add(f"G{n:02d}", f"Gestopt {n:02d}", "ABC"[n % 3],
            [START + dt.timedelta(days=n + 30 * k) for k in range(6 + n % 4)], 900 + 40 * n)
    add("W0", "Wekelijks Stil", "A", [dt.date(2025, 6, 2) + dt.timedelta(days=7 * k) for k in range(50)], 500)
    for n in range(4):
        add(f"S{n}", f"Eenmalig {n}", "ABC"[n % 3], [dt.date(2025, 3 + n, 10)], 2000)
    relations.append("N1;Nooit Gekocht;organisatie;opdrachtgever;M1;B;01-01-2023")
    return write_project(root, relations="\n".join(relations) + "\n",
                         files={"business.csv": "\n".join(business) + "\n",
                                "touchpoints.csv": "relation;date;employee;channel;direction;kind\n"},
                         extra_config=extra_config)


def build(config, fmt: str = "html") -> dict:
    result = cli("build", "--config", config, "--as-of", AS_OF, "--format", fmt)
    assert result.exit_code == 0, result.output
    return json.loads((config.parent / "site" / "report.json").read_text(encoding="utf-8"))


def text_of(fragment: str) -> str:
    fragment = re.sub(r"<svg\b.*?</svg>", "", fragment, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def section(page: str, section_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', page, re.S)
    assert match, f"no section {section_id}"
    return match.group(0)


@pytest.fixture(scope="module")
def dropout(tmp_path_factory):
    root = tmp_path_factory.mktemp("dropout")
    config = dropout_project(root, "\n[plugins.attention]\nlist_limit = 50\n")
    report = build(config)
    site = root / "site"

    def page(rid: str | None = None) -> str:
        path = site / "index.html" if rid is None else site / "relations" / f"{rid.lower()}.html"
        return path.read_text(encoding="utf-8")
    return report, page


def clv_of(report: dict) -> dict[str, dict]:
    return {r["id"]: r["clv"] for r in report["relations"]}


def test_the_plan_says_probably_lost_for_a_repeat_buyer_who_stopped_long_ago(dropout):
    report, page = dropout
    assert report["portfolio"]["clv"]["bgnbd"]["dropout_per_purchase"] > 0.01   # the data show leaving
    assert clv_of(report)["G00"]["probably_lost"] is True
    text = text_of(section(page("G00"), "clv"))
    assert text.startswith("Klantwaarde waarschijnlijk afgehaakt Waarschijnlijk afgehaakt: de kans dat "
                           "deze relatie nog klant is, is minder dan 1%, onder 50%. Er is 6 keer gekocht, "
                           "het laatst op 6 juni 2024"), text
    assert "de verwachte waarde verdisconteerd tegen 10% per jaar" in text
    assert "uit de eigen herhaalaankopen" in text          # its own value per purchase
    # a buyer still buying: probably still a customer, in words, and no warning about dropout
    still = text_of(section(page("L00"), "clv"))
    assert "Waarschijnlijk nog klant: de kans is" in still and "geen teken van afhaken" not in still


def test_a_single_purchase_shows_the_caveat_not_a_chance_of_100_percent(dropout):
    report, page = dropout
    single = clv_of(report)["S0"]
    assert (single["p_alive"], single["caveat"], single["value_basis"]) == (1.0, "one_purchase", "portfolio")
    text = text_of(section(page("S0"), "clv"))
    assert "één keer gekocht Eén keer gekocht, op 10 maart 2025: of deze relatie nog klant is, valt " \
           "nog niet te zeggen." in text
    assert "Kans nog klant" not in text and "het gemiddelde van de portefeuille" in text
    # never bought: said in words, no figures
    assert "Geen gewonnen opdrachten tot de rapportdatum" in text_of(section(page("N1"), "clv"))


def test_portfolio_totals_per_category_are_the_sums_of_the_relations(dropout):
    report, page = dropout
    money = make_filters("nl")["money"]
    per_category: dict[str, list[float]] = {}
    for relation in report["relations"]:
        if relation["clv"]["clv"] is not None:
            per_category.setdefault(relation["cadence"]["category"], []).append(relation["clv"]["clv"])
    table = re.search(r'<table class="clv-categories.*?</table>', section(page(), "clv-overview"), re.S).group(0)
    rows = {cells[0]: cells[1:] for cells in (
        [text_of(c) for c in re.findall(r"<t[hd][^>]*>.*?</t[hd]>", row, re.S)]
        for row in re.findall(r"<tr\b.*?</tr>", table, re.S)[1:])}
    for category, values in per_category.items():
        assert rows[category][2] == money(sum(values)), (category, rows[category])
        lost = sum(1 for r in report["relations"] if r["cadence"]["category"] == category
                   and r["clv"]["probably_lost"])
        assert rows[category][5] == str(lost)
    assert rows["Alle relaties"][2] == money(sum(sum(v) for v in per_category.values()))
    assert rows["Alle relaties"][5] == str(report["portfolio"]["clv"]["per_relation"]["probably_lost"])
    overview = text_of(section(page(), "clv-overview"))
    assert "Hoe dit geschat is" in overview and "r = " in overview and "log-likelihood" in overview


def test_the_attention_page_lists_exactly_the_a_relations_probably_lost(dropout):
    report, page = dropout
    expected = {r["name"] for r in report["relations"]
                if r["cadence"]["category"] == "A" and r["clv"]["probably_lost"]}
    assert len(expected) == 6 and "Wekelijks Stil" in expected
    listed = re.search(r'<table class="attention-probably-lost">.*?</table>', page(), re.S).group(0)
    names = set(re.findall(r'<td><a href="[^"]*">([^<]*)</a></td>', listed))
    assert names == expected
    assert '<a href="#attention-probably-lost"><strong>6</strong> A-relaties waarschijnlijk afgehaakt' in page()


def test_a_low_p_alive_makes_a_sleeping_beauty_and_not_without_clv(dropout, tmp_path):
    report, _ = dropout
    by_id = {r["id"]: r["segmentation"] for r in report["relations"]}
    weekly = by_id["W0"]
    assert weekly["type_conditions"]["sleeping_beauty.quiet"] is False       # deals this year
    assert weekly["type_conditions"]["sleeping_beauty.probably_lost"] is True
    assert weekly["type"] == "sleeping_beauty" and weekly["value"]["p_alive"] < 0.5
    assert weekly["type_reason"].startswith("probability still a customer (P(alive)) 0%, below 50%, "
                                            "though won deals in the last 12 months: 28"), weekly["type_reason"]
    # both held: the months rule and P(alive), and the reason says both
    assert by_id["G00"]["type_reason"].endswith("; probability still a customer (P(alive)) 0%, below 50%")
    # one purchase: P(alive) says nothing, the months rule alone decides
    assert by_id["S0"]["type_conditions"]["sleeping_beauty.probably_lost"] is None
    assert "P(alive)" not in by_id["S0"]["type_reason"]

    config = dropout_project(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "Testbureau"', 'name = "Testbureau"\ndisable_plugins = ["clv"]'), encoding="utf-8")
    without = {r["id"]: r["segmentation"] for r in build(config, "json")["relations"]}
    assert without["W0"]["type"] != "sleeping_beauty"
    assert without["W0"]["type_conditions"]["sleeping_beauty.probably_lost"] is None
    assert without["W0"]["value"]["p_alive"] is None
    assert without["G00"]["type"] == "sleeping_beauty"                        # the months rule
    assert "P(alive)" not in without["G00"]["type_reason"]


def test_too_few_repeat_buyers_are_said_in_words(tmp_path):
    """The default tiny project: one purchase in all, so nothing is estimated, and both pages
    say why instead of showing figures."""
    config = write_project(tmp_path)
    report = build(config)
    assert report["portfolio"]["clv"]["unknown"] == "too_few_repeat_customers"
    plan = text_of(section((tmp_path / "site" / "relations" / "k1.html").read_text(encoding="utf-8"), "clv"))
    assert "Niet geschat: maar 0 relaties kochten meer dan één keer, en de modellen hebben er minstens " \
           "20 nodig" in plan
    overview = text_of(section((tmp_path / "site" / "index.html").read_text(encoding="utf-8"),
                               "clv-overview"))
    assert "Niet geschat: maar 0 relaties kochten meer dan één keer" in overview
    assert "Hoe dit geschat is" not in overview
    # nothing estimated: the attention page has no "probably lost" item
    assert "attention-probably-lost" not in (tmp_path / "site" / "index.html").read_text(encoding="utf-8")


def test_the_pages_in_english(tmp_path):
    config = dropout_project(tmp_path)
    config.write_text(config.read_text(encoding="utf-8").replace(
        'name = "Testbureau"', 'name = "Testbureau"\nlanguage = "en"'), encoding="utf-8")
    build(config)
    text = text_of(section((tmp_path / "site" / "relations" / "g00.html").read_text(encoding="utf-8"), "clv"))
    assert text.startswith("Customer value probably lost Probably lost: the chance that this relation "
                           "is still a customer is less than 1%, below 50%."), text


def test_no_dropout_is_said_and_not_a_green_all_clear(built_example):
    """The example's fit sees nobody leave (a / (a + b) ~ 0): report.json says so
    (no_dropout_seen), a repeat buyer's plan says to read P(alive) as 'no sign of leaving', and
    the attention page's probably-lost figure has the unknown tone, not a green 0."""
    from relatierapport.render.i18n import translations

    dutch = translations("nl").gettext
    built = built_example("nl")
    about = built.report["portfolio"]["clv"]
    assert about["bgnbd"]["no_dropout_seen"] is True and about["bgnbd"]["dropout_per_purchase"] < 0.001
    repeat = next(r["id"] for r in built.report["relations"]
                  if r.get("clv") and (r["clv"]["repeat_purchases"] or 0) > 0)
    plan = " ".join(html.unescape(built.html(repeat).read_text(encoding="utf-8")).split())
    note = dutch("The data show hardly any relation leaving after a purchase yet, so the model gives "
                 "nearly every relation a chance close to 100%: read it as 'no sign of leaving', "
                 "not as certainty.")
    assert note != "" and " ".join(note.split()) in plan
    portfolio = html.unescape(built.html().read_text(encoding="utf-8"))
    tile = re.search(r'<li class="tone-(\w+)"><a href="#attention-probably-lost">', portfolio)
    assert tile is not None and tile.group(1) == "unknown"
