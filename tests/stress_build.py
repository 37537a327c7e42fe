"""The stress project: what breaks reports first on real data, built once per test run.

Hundreds of relations (so the portfolio's tables run over many pages) from the package's own
generator, plus a handful of relations no example holds: long names without a single space in
every script our users meet (Latin, Greek, Cyrillic, Chinese, Japanese, Korean, Arabic, Hebrew),
long e-mail addresses and URLs, a relation without any touchpoint, business or event (its plan's
sections are empty), and an account manager with a very long name.

Only what the checks need is rendered: all HTML pages, and as PDF the portfolio and the plans
of the stress relations. Like ``example_build``, the first xdist worker that asks builds it into
the folder all workers share, behind a file lock; tests only read the result.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import shutil
from pathlib import Path

import pytest
from filelock import FileLock

from example_build import BuiltSite, shared_folder

AS_OF = dt.date(2026, 11, 1)
#: Relations of the generator: half clients, half candidates (contact persons come on top).
GENERATED = 300

LONG_URL = ("https://www.een-zorgorganisatie-met-een-buitengewoon-lange-domeinnaam.nl.example/"
            "over-ons/organisatie/afdelingen/personeelszaken-en-organisatieontwikkeling/"
            "vacatures?categorie=zorg-en-welzijn&regio=noord-holland&sortering=nieuwste")
LONG_EMAIL = ("afdeling.personeelszaken.en.organisatieontwikkeling.noord-holland@"
              "een-zorgorganisatie-met-een-buitengewoon-lange-domeinnaam.nl.example")
#: A name of exactly 100 characters without a space, like the real client's vCard.
LATIN_100 = ("Zorgcoöperatie" + "Gezondheidszorgkwaliteitsbewakingsondersteuningsdienstverlening"
             + "NoordHollandZuidKennemerland")[:100]

#: id → (name, kind, role, e-mail): one per script, every name unbroken.
STRESS_RELATIONS = {
    "S01": (LATIN_100, "organisatie", "opdrachtgever", LONG_EMAIL),
    "S02": ("ΕλληνικήεταιρείασυμβούλωνανθρώπινουδυναμικούκαιοργανωσιακήςανάπτυξηςΑθηνών",
            "organisatie", "opdrachtgever", "γραφείο@παράδειγμα-ελληνικής-εταιρείας.gr.example"),
    "S03": ("ОбщественнаяорганизацияподдержкисоциальныхпрограммиздравоохраненияМосква",
            "organisatie", "opdrachtgever", "info@обществодлиннымназванием.рф.example"),
    "S04": ("北京国际人力资源咨询服务有限公司上海分公司深圳办事处广州联络处", "organisatie", "opdrachtgever",
            "renliziyuan.zixun.fuwu.youxian.gongsi@beijing-guoji-renli-ziyuan.cn.example"),
    "S05": ("株式会社グローバルヒューマンリソースコンサルティングジャパン東京本社", "organisatie", "opdrachtgever",
            "jinji-soudan-madoguchi@global-human-resource-consulting.co.jp.example"),
    "S06": ("김서연박지민이도윤최하은정시우강지호조예린윤서준장하윤임도현", "persoon", "kandidaat",
            "kim.seoyeon.park.jimin.lee.doyoon@hangukgukje-injeokjawon.kr.example"),
    "S07": ("مؤسسةالاستشاراتالدوليةللمواردالبشريةوالتطويرالمؤسسيفرعأمستردام", "organisatie", "opdrachtgever",
            "info@muassasat-alistisharat-alduwaliya.nl.example"),
    "S08": ("חברתייעוץבינלאומיתלמשאביאנושופיתוחארגוניסניףאמסטרדם", "organisatie", "opdrachtgever",
            "info@hevrat-yeuts-beinleumit.nl.example"),
    "S09": ("Een relatie zonder enig contactmoment, zonder opdrachten en zonder gebeurtenissen",
            "organisatie", "opdrachtgever", ""),
}
#: An account manager whose name is long, with an unbroken team name.
LONG_EMPLOYEE = ("M99", "Maximiliaan-Alexander Wilhelmina van Oldenbarnevelt tot Schoonhoven-Wittelsbach",
                 "ZorgWelzijnEnMaatschappelijkeDienstverleningNoordHolland", LONG_EMAIL)


def _append(path: Path, rows: list[list[str]]) -> None:
    """Add rows to one of the generator's semicolon CSVs, in its own column order."""
    with path.open("a", encoding="utf-8", newline="") as file:
        csv.writer(file, delimiter=";").writerows(rows)


def write_stress_project(target: Path) -> Path:
    """The stress project in ``target``; returns its config.toml."""
    from relatierapport.scaffold.init import init_project

    init_project(target, clients=GENERATED // 2, candidates=GENERATED - GENERATED // 2, employees=6,
                 overwrite=True)
    data = target / "data"
    employee, name, team, email = LONG_EMPLOYEE
    _append(data / "medewerkers.csv", [[employee, name, team, email]])
    relations, touchpoints, business = [], [], []
    for number, (relation, (name, kind, role, email)) in enumerate(STRESS_RELATIONS.items()):
        owner = "M99" if number % 2 else "M01"
        relations.append([relation, name, kind, role, owner, "", "A", "", "01-01-2015", email,
                          "+31 20 000 00 00", "Sint-Michielsgestel-aan-de-Dommel", "Zorg|" + name[:40],
                          "4", "4", "3", "3", "4", "4", "3", "4"])
        if relation == "S09":
            continue                                    # never contacted, nothing else either
        # last spoken long ago: every stress relation is overdue and lands in the attention lists
        touchpoints.append([relation, "12-02-2026", owner, "bezoek", "uit", "waarde", "",
                            f"Zie {LONG_URL} en schrijf naar {email or LONG_EMAIL}"])
        touchpoints.append([relation, "03-09-2025", owner, "telefoon", "in", "check-in", "", name])
        business.append([relation, "15-03-2026", "125000,00", "300,0", "werving", "gewonnen"])
    _append(data / "relaties.csv", relations)
    _append(data / "contactmomenten.csv", touchpoints)
    _append(data / "opdrachten.csv", business)
    return target / "config.toml"


def build(root: Path) -> dict:
    """All HTML pages with the real CLI, then the PDFs of the portfolio and of the stress relations."""
    from conftest import cli
    from relatierapport.build import BuildOptions, BuildState, prepare_report
    from relatierapport.builtin.outputs.pdf_output import write_pdf
    from relatierapport.render.site import Site

    config = write_stress_project(root)
    result = cli("build", "--config", config, "--as-of", AS_OF.isoformat(), "--format", "html")
    recorded = {"exit_code": result.exit_code, "output": result.output}
    if result.exit_code != 0:
        return recorded
    site = config.parent / "site"
    plugins, report = prepare_report(BuildOptions(config, as_of=AS_OF))
    state = BuildState(report, Site(report, plugins), 1, False)
    pages = [p for p in state.site.pages() if p.kind == "portfolio" or p.relation in STRESS_RELATIONS]
    recorded["pdfs"] = write_pdf(iter(pages), site, state)
    recorded["warnings"] = [str(warning) for warning in state.warnings]
    return recorded


@pytest.fixture(scope="session")
def built_stress(tmp_path_factory) -> BuiltSite:
    """The stress project, built once per run (shared by all xdist workers)."""
    target = shared_folder(tmp_path_factory) / "stress"
    record = target / "build.json"
    with FileLock(f"{target}.lock"):
        if not record.is_file():
            shutil.rmtree(target, ignore_errors=True)
            target.mkdir()
            record.write_text(json.dumps(build(target)), encoding="utf-8")
    result = json.loads(record.read_text(encoding="utf-8"))
    assert result["exit_code"] == 0, result["output"]
    assert len(result["pdfs"]) == 1 + len(STRESS_RELATIONS), result
    site = target / "site"
    return BuiltSite(site, json.loads((site / "report.json").read_text(encoding="utf-8")))
