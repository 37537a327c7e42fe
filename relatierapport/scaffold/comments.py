"""The comments ``relatierapport init`` writes into config.toml, one table per language.

Keys: ``"<section>"`` for a table's help, ``"<section> <key>"`` for a key's help (sections as
the options declare them: ``project``, ``business``, ``sources``, ``goals``,
``plugins.cadence``), and the scaffold's own texts (``header``, ``sources.intro``,
``format <key>``, ``goals.intro``, ``goals.optional``, ``why <section> <key>``).

English comes from the option declarations themselves (the one copy of each help text),
so the English table holds only the scaffold's own texts. The Dutch table holds every
text: a test fails on an option of a built-in plugin without its Dutch comment. A key
that is in no table (an option of a project's or an installed plugin) keeps the help
text its plugin declares.
"""

from __future__ import annotations

LANGUAGES = ("nl", "en")

ENGLISH: dict[str, str] = {
    "header": "relatierapport project configuration.\n"
              "Every key below is explained above it; change what fits your organisation.\n"
              "`relatierapport check` validates this file and the data without rendering.",
    "sources.intro": "One [[sources]] table per file. The sample files are Dutch Excel CSVs.",
    "format delimiter": 'Field separator; "auto" detects it from the header line.',
    "format decimal": 'Decimal mark in numbers: "," as Dutch Excel writes, or ".".',
    "format date_format": 'Date formats tried in order, e.g. "dd-mm-yyyy" or "yyyy-mm-dd".',
    "format encoding": "utf-8 (a BOM is fine); cp1252 for CSVs saved by older Excel on Windows.",
    "goals.intro": "Goals: each report checks every goal (SMART), and shows its progress, status and\n"
                   "projection (docs/analyses/goals.md). Below are the method's goals per category; "
                   "set your\nown dates, targets and owners. Goals may also come from a table: a "
                   "source with\ntable = \"goals\" (data/doelen.csv here).",
    "goals.optional": "Optional keys, not set here:",
    "why project as_of": "Set to the day after the sample data ends, so every part of the report has "
                         "something to show.\nRemove this line once your own data is in: the report "
                         "is then made as of today.",
    "why plugins.segmentation r_thresholds": "Set here for the counts (referrals, won deals): with "
                                             "quintiles, ties would skip scores.",
}

DUTCH: dict[str, str] = {
    "header": "Configuratie van een relatierapport-project.\n"
              "Boven elke sleutel staat wat die doet; pas aan wat bij je organisatie past.\n"
              "`relatierapport check` controleert dit bestand en de gegevens zonder iets te maken.",
    "sources.intro": "Eén [[sources]]-tabel per bestand. De voorbeeldbestanden zijn CSV's uit "
                     "Nederlandse Excel.",
    "format delimiter": 'Scheidingsteken tussen velden; "auto" leidt het af uit de kopregel.',
    "format decimal": 'Decimaalteken in getallen: "," zoals Nederlandse Excel schrijft, of ".".',
    "format date_format": 'Datumnotaties, in deze volgorde geprobeerd, bijv. "dd-mm-yyyy" of '
                          '"yyyy-mm-dd".',
    "format encoding": "utf-8 (een BOM mag); cp1252 voor CSV's uit oudere Excel onder Windows.",
    "goals.intro": "Doelen: elk rapport toetst elk doel (SMART) en toont voortgang, status en\n"
                   "prognose (docs/analyses/goals.md). Hieronder de doelen van de methode per "
                   "categorie;\nvul je eigen data, doelwaarden en eigenaren in. Doelen kunnen ook "
                   "uit een tabel komen:\neen bron met table = \"goals\" (hier data/doelen.csv).",
    "goals.optional": "Optionele sleutels, hier niet gezet:",
    "why project as_of": "Gezet op de dag na het einde van de voorbeeldgegevens, zodat elk deel van "
                         "het rapport iets laat zien.\nHaal deze regel weg zodra je eigen gegevens "
                         "erin staan: het rapport gaat dan uit van vandaag.",
    "why plugins.segmentation r_thresholds": "Hier gezet voor de aantallen (verwijzingen, gewonnen "
                                             "opdrachten): met kwintielen zouden gelijke waarden "
                                             "scores overslaan.",

    # -- [project] and [business] --------------------------------------------------------
    "project": "Het project als geheel.",
    "project name": "De naam van de organisatie of portefeuille, op elke pagina.",
    "project language": "Taal van de rapporten: nl of en.",
    "project output": "Uitvoermap, ten opzichte van de projectmap.",
    "project author": "Auteur in de PDF-metadata (standaard de naam).",
    "project disable_plugins": "Plugins die niet geladen worden, bij naam (zie `relatierapport "
                               "plugins`).",
    "project as_of": "De rapportdatum, bijv. 2026-11-01 (een TOML-datum, zonder aanhalingstekens): "
                     "het rapport wordt gemaakt zoals op die dag. Weggelaten: vandaag. `--as-of` "
                     "op de opdrachtregel gaat voor.",
    "business": "Feiten over de zakelijke gegevens die meerdere analyses gebruiken.",
    "business hourly_cost": "Kosten van een uur van onze tijd in EUR: winst na uren = gewonnen "
                            "omzet - uren x dit bedrag.",
    "business no_status_is_won": "Zakelijke records zonder status tellen als gewonnen (gedane "
                                 "zaken); false: ze tellen niet mee in gewonnen omzet en gewonnen "
                                 "opdrachten.",

    # -- [[sources]] and [[goals]] -------------------------------------------------------
    "sources type": "Welke lezer deze bron leest: csv, xlsx, vcard, hubspot, pipedrive, salesforce, "
                    "odoo, crm, of het type van een plugin.",
    "sources path": "Het bestand of de map, ten opzichte van de projectmap.",
    "sources table": "Welke modeltabel het bestand vult, voor bronnen met één tabel.",
    "sources columns": "Modelveld = kop in het bestand, voor koppen die anders heten dan de velden.",
    "sources name": "Een naam voor deze bron in meldingen en in het overzicht van check.",
    "goals id": "Een korte unieke naam, getoond in het rapport en in report.json.",
    "goals scope": "Wiens resultaat telt: portfolio, category:A, segment:invest, relation:<relatie-id> "
                   "of owner:<medewerker-id>.",
    "goals metric": "Wat gemeten wordt: revenue, revenue_growth (% ten opzichte van de basisperiode), "
                    "touchpoints, referrals, satisfaction, satisfaction_change (punten ten opzichte "
                    "van de basisperiode), retention, new_relations, of de maatstaf van een plugin.",
    "goals baseline": "De waarde waar het doel van uitgaat (optioneel: weggelaten geldt de waarde "
                      "van de basisperiode uit de gegevens).",
    "goals target": "De waarde die op de einddatum bereikt moet zijn.",
    "goals start": "Eerste dag van de periode van het doel.",
    "goals end": "Laatste dag van de periode van het doel: daarna wordt het doel beoordeeld.",
    "goals owner": "Het medewerker-id van wie voor het doel verantwoordelijk is.",
    "goals baseline_start": "Eerste dag van de basisperiode (samen met baseline_end); standaard: "
                            "de periode van dezelfde lengte direct vóór start.",
    "goals baseline_end": "Laatste dag van de basisperiode.",
    "goals limit": "Maakt van de doelwaarde een grens die gehaald wordt of niet, in plaats van een "
                   "waarde om te bereiken: at_least (een ondergrens, bv. revenue_growth minimaal -25) "
                   "of at_most (een bovengrens); minimaal en maximaal mag ook.",
    "goals aim": "Welk van de drie doelen van de methode het doel dient: extend (verlengen: de "
                 "relatie langer houden), expand (verhogen: meer besteding) of improve (verbeteren: "
                 "betere werkwijze); standaard die van de maatstaf.",

    # -- the built-in plugins ------------------------------------------------------------
    "plugins.attention": "De eerste pagina van het portefeuillerapport: wat deze maand aandacht vraagt.",
    "plugins.attention list_limit": "Regels per lijst op de eerste pagina; de rest wordt geteld "
                                    "(\"en nog 12\").",
    "plugins.cadence": "Contactritme per categorie.",
    "plugins.cadence months": "Maanden tussen contactmomenten per categorie.",
    "plugins.cadence default_category": "Categorie voor relaties waarvan de gegevens er geen hebben.",
    "plugins.cadence due_soon_days": "Een contactmoment dat binnen zoveel dagen moet, geldt als "
                                     "binnenkort.",
    "plugins.clv": "Klantwaarde: BG/NBD en Gamma-Gamma (kans dat een relatie nog klant is, "
                   "verwachte aankopen en klantwaarde).",
    "plugins.clv time_unit": "Tijdseenheid waarin het BG/NBD-model wordt geschat (r en alpha gelden "
                             "per deze eenheid): de literatuur gebruikt weken.",
    "plugins.clv horizon_months": "Aantal maanden vooruit waarover verwachte aankopen, verwachte "
                                  "waarde en klantwaarde worden geteld.",
    "plugins.clv discount_rate": "Disconteringsvoet per jaar voor de klantwaarde (0.10 = 10 % per "
                                 "jaar), per maand toegepast.",
    "plugins.clv min_repeat_customers": "Minimaal aantal relaties met een herhaalaankoop om de "
                                        "modellen te schatten; met minder is elk cijfer onbekend, "
                                        "met de reden.",
    "plugins.clv max_fit_customers": "Maximaal aantal relaties waarop een model wordt geschat: bij "
                                     "meer elke k-de in volgorde van id (ze krijgen allemaal hun "
                                     "cijfers); de schatting kost naar dit getal, niet naar de "
                                     "portefeuille.",
    "plugins.clv probably_lost_below": "Een relatie met herhaalaankopen met een kans onder deze "
                                       "waarde dat ze nog klant is, is 'waarschijnlijk afgehaakt' "
                                       "(de aandachtspagina en de doornroosjetoets gebruiken dit).",
    "plugins.calendar_output": "Agendabestanden (.ics) met de geplande contactmomenten, voor "
                               "iedereen en per accountmanager.",
    "plugins.calendar_output months": "De agendabestanden bevatten de geplande contactmomenten van "
                                      "zoveel maanden vanaf de rapportdatum (hoogstens [plugins.planning] "
                                      "months).",
    "plugins.goals": "Doelen: SMART-toets, voortgang, status en prognose van elk doel in config.toml "
                     "([[goals]]) en in doelentabellen.",
    "plugins.goals ambitious_margin": "Een doelwaarde die meer dan dit deel (0.15 = 15%) voorbij "
                                      "ligt wat de eigen trend van de maatstaf in de periode van het "
                                      "doel geeft, heet ambitieus (een waarschuwing, geen fout).",
    "plugins.goals history_periods": "Perioden van de lengte van het doel vóór de start, waaruit de "
                                     "trend komt waaraan de doelwaarde getoetst wordt (1: de vorige "
                                     "periode zoals die was).",
    "plugins.health": "Relatiegezondheid: indicatoren, score, kleuren, trend, rode vlaggen en kansen.",
    "plugins.health weights": "Gewicht van elke indicator in de gezondheidsscore (response_time, "
                              "referrals, repeat_business, value_add, cadence); niet genoemde "
                              "sleutels houden hun standaard; 0 laat een indicator weg. Minstens "
                              "één gewicht moet boven 0 liggen.",
    "plugins.health min_known_indicators": "Minimaal aantal bekende indicatoren (met een gewicht boven 0) voor een kleur; met minder is het \"te weinig gegevens\", met wat er ontbreekt. 3 van de 5: met minder bepaalt één indicator de kleur (een account met alleen een oude startdatum zou op contactritme alleen rood zijn). Hebben minder indicatoren een gewicht, dan zijn die allemaal nodig.",
    "plugins.health bands": "Laagste score van de groene en van de oranje kleur; lagere scores zijn "
                            "rood. amber mag niet boven green liggen.",
    "plugins.health trend_months": "De trend vergelijkt met de score van zoveel maanden vóór de "
                                   "rapportdatum.",
    "plugins.health trend_tolerance": "Een verandering van de score van hoogstens zoveel punten "
                                      "(beide kanten op) is een vlakke trend.",
    "plugins.health response_months": "Uitgaande contactmomenten van zoveel maanden vóór de "
                                      "rapportdatum tellen mee voor de reactietijd.",
    "plugins.health response_days": "Score van de reactietijd: een mediaan antwoord binnen `full` "
                                    "dagen scoort 100, `zero` dagen of meer scoort 0, daartussen "
                                    "lineair; onbeantwoorde uitgaande contactmomenten tellen mee "
                                    "zodra ze `zero` dagen gewacht hebben. zero moet boven full liggen.",
    "plugins.health referral_months": "Verwijzingen die in zoveel maanden gegeven zijn, tellen mee.",
    "plugins.health referral_target": "Verwijzingen per jaar die 100 scoren, per categorie; minder "
                                      "scoort naar verhouding.",
    "plugins.health repeat_months": "Gewonnen zakelijke records in zoveel maanden tellen mee.",
    "plugins.health repeat_target": "Gewonnen zakelijke records in de periode die 100 scoren, per "
                                    "categorie; minder scoort naar verhouding.",
    "plugins.health value_add_months": "Contactmomenten met toegevoegde waarde in zoveel maanden "
                                       "tellen mee.",
    "plugins.health value_add_target": "Contactmomenten met toegevoegde waarde in de periode die "
                                       "100 scoren, per categorie; minder scoort naar verhouding.",
    "plugins.health cadence_zero_periods": "Een relatie die zoveel ritmeperioden achterloopt (een "
                                           "ritmemaand telt als 30 dagen) scoort 0 op ritme; op tijd "
                                           "scoort 100, daartussen lineair.",
    "plugins.health signal_months": "Rode vlaggen, kanssignalen en opgeloste klachten van zoveel "
                                    "maanden vóór de rapportdatum worden getoond.",
    "plugins.health no_response_after": "Een rode vlag wanneer de laatste zoveel uitgaande "
                                        "contactmomenten met de relatie sindsdien geen inkomend "
                                        "contactmoment kregen (0: uit); het signaal no_response en "
                                        "de no_response-trefwoorden tellen altijd.",
    "plugins.health keywords": "Trefwoorden in de notities van contactmomenten per soort rode vlag "
                               "of kans, Nederlands en Engels; hoofdletters tellen niet, hele "
                               "woorden; een * aan het begin of eind past ook op langere woorden "
                               "(\"tarie*\"). Een niet genoemde soort houdt zijn standaardlijst; [] "
                               "zet de trefwoorden voor die soort uit. no_response-trefwoorden tellen "
                               "alleen op uitgaande contactmomenten.",
    "plugins.health proactive_exclude": "Inkomende contactmomenten van deze soorten tellen niet als "
                                        "proactief contact.",
    "plugins.health fast_resolution_days": "Een klacht die binnen zoveel dagen is opgelost, geldt "
                                           "als snel opgelost.",
    "plugins.health signals_per_relation": "De meest recente rode vlaggen en kanssignalen die per "
                                           "soort en relatie genoemd worden (elk met zijn "
                                           "contactmoment); de aantallen tellen ze altijd allemaal. "
                                           "0 = geen grens.",
    "plugins.health list_limit": "Langste portefeuillelijsten (rode vlaggen, rode relaties, rood "
                                 "geworden) in report.json en het rapport; 0 = geen grens. Open "
                                 "klachten staan er altijd allemaal in.",
    "plugins.indicators": "Succesindicatoren, maandelijkse KPI's en relatie-indicatoren van de "
                          "portefeuille.",
    "plugins.indicators period_months": "De periode van de succes- en relatie-indicatoren: zoveel "
                                        "maanden tot de rapportdatum (behoud vergelijkt met de "
                                        "periode ervoor).",
    "plugins.indicators targets": "Doelen van de succesindicatoren: existing_share, retention_ab en "
                                  "repeat_share als aandeel van 0 tot 1 (0.8 = 80%), referrals_per_a "
                                  "als verwijzingen per A-relatie per jaar; niet genoemde sleutels "
                                  "houden hun standaard.",
    "plugins.indicators existing_measure": "Aandeel van de omzet uit bestaande relaties, gemeten in "
                                           "bedragen (amount) of in gewonnen records (count).",
    "plugins.indicators kpi_month": "Maandelijkse KPI's over de kalendermaand vóór de maand van de "
                                    "rapportdatum (previous) of over de eigen maand van de "
                                    "rapportdatum tot die datum (current).",
    "plugins.indicators insight_keywords": "Een contactmoment met toegevoegde waarde telt als "
                                           "gedeeld inzicht wanneer de notities een van deze woorden "
                                           "bevatten (hele woorden, hoofdletters tellen niet, * aan "
                                           "een van beide kanten voor langere woorden); [] telt elk "
                                           "contactmoment met toegevoegde waarde.",
    "plugins.indicators hourly_cost": "Kosten van een uur van onze tijd in euro, voor de "
                                      "winstgevendheid (omzet - uren x uurkosten); 0 = niet gezet: "
                                      "[business] hourly_cost.",
    "plugins.mail": "Maandelijkse mail van de rapporten: wie wat ontvangt (`relatierapport mail`).",
    "plugins.mail sender": "Het afzenderadres, bijv. \"Relatiebeheer <rapporten@example.nl>\" "
                           "(nodig om te mailen).",
    "plugins.mail reply_to": "Waar antwoorden heen gaan; leeg: naar de afzender.",
    "plugins.mail owners": "Elke accountmanager (eigenaar van relaties, met een e-mailadres in de "
                           "medewerkergegevens) ontvangt de plannen van de eigen relaties.",
    "plugins.mail owner_portfolio": "... en het portefeuillerapport.",
    "plugins.mail attach_calendar": "... en de eigen agenda met geplande contactmomenten (.ics).",
    "plugins.mail recipients": "Wie verder het portefeuillerapport ontvangt, bijv. "
                               "[\"Directie <directie@example.nl>\"].",
    "plugins.mail subject": "Onderwerp als Jinja2-sjabloon; leeg: het ingebouwde, in de taal van het "
                            "rapport (variabelen: project, as_of, period, recipient, owners, "
                            "relations, portfolio, calendar).",
    "plugins.mail body": "Tekst van het bericht als Jinja2-sjabloon, zoals subject; of vervang "
                         "templates/mail/body.txt.",
    "plugins.mail max_megabytes": "Grootste bericht, bijlagen meegeteld; een groter bericht stopt "
                                  "de run voordat er iets verstuurd is (veel servers weigeren meer "
                                  "dan 25 MB).",
    "plugins.mail send_after_build": "Mail direct na elke geslaagde `relatierapport build`.",
    "plugins.network": "Het relatienetwerk: wie contact heeft met welke organisatie, relaties die "
                       "aan één persoon hangen, relaties zonder recent contact.",
    "plugins.network months": "Een medewerker met een contactmoment in zoveel maanden vóór de "
                              "rapportdatum heeft contact (de eigenaren altijd).",
    "plugins.network recent_months": "Relaties zonder contactmoment van wie dan ook in zoveel "
                                     "maanden staan bij 'zonder recent contact'.",
    "plugins.network single_contact_kinds": "Relaties van deze soorten (organisation, person) worden "
                                            "genoemd wanneer maar één medewerker contact met ze heeft.",
    "plugins.network list_limit": "Langste portefeuillelijsten (aan één persoon, zonder recent "
                                  "contact) in report.json en het rapport; 0 = geen grens. De "
                                  "aantallen tellen ze allemaal.",
    "plugins.pdf_output": "De pdf's (portfolio.pdf en relations/<id>.pdf).",
    "plugins.pdf_output variant": "De pdf-variant die WeasyPrint schrijft. \"pdf/ua-1\" is getagd voor "
                                  "schermlezers (PDF/UA: structuur, taal en titel van het document); "
                                  "\"none\" schrijft een pdf zonder tags; de varianten pdf/a-… en "
                                  "pdf/x-… zijn voor archiveren en drukwerk (alleen pdf/a-…a en "
                                  "pdf/ua-… zijn getagd).",
    "plugins.planning": "Geplande contactmomenten per relatie: data uit het ritme, duur en agenda.",
    "plugins.planning months": "Contactmomenten worden gepland voor zoveel maanden vanaf de "
                               "rapportdatum.",
    "plugins.planning minutes": "Duur van een contactmoment in minuten, per rol (client, candidate, "
                                "elke rol uit je gegevens, of default voor de andere) en categorie; "
                                "niet genoemde rollen en categorieën houden hun standaard.",
    "plugins.planning agenda": "Agenda van een contactmoment per rol en categorie, zoals minutes. "
                               "De ingebouwde teksten worden in het rapport vertaald; je eigen "
                               "teksten staan er zoals geschreven.",
    "plugins.planning holidays": "Dagen die geen werkdag zijn (bijv. Koningsdag, Kerstmis); "
                                 "contactmomenten op zo'n dag of in het weekend schuiven naar de "
                                 "volgende werkdag (naar de vorige wanneer de volgende in een andere "
                                 "maand valt).",
    "plugins.profile": "Relatieprofielen en de index van relaties.",
    "plugins.profile index_limit": "De index van relaties in de portefeuille noemt er hoogstens "
                                   "zoveel; daarboven komen per accountmanager eerst de relaties "
                                   "die aandacht vragen en wordt de rest geteld (bij heel veel "
                                   "accountmanagers: de relaties die de meeste aandacht vragen).",
    "plugins.relation_plan": "De plan-teksten van elk relatieplan: acties per fase van een opdracht, "
                             "toegevoegde waarde, verwijsmomenten, kanalen en budget.",
    "plugins.relation_plan actions": "Acties per rol (client, candidate, elke rol uit je gegevens, "
                                     "of default voor de andere), fase van een opdracht (before, "
                                     "during, after, ongoing) en categorie. Wat je opgeeft vervangt "
                                     "die lijst; de rest houdt zijn standaard. De ingebouwde teksten "
                                     "worden in het rapport vertaald; je eigen teksten staan er "
                                     "zoals geschreven.",
    "plugins.relation_plan value_add": "Activiteiten met toegevoegde waarde per categorie "
                                       "(marktinzicht, introducties, evenementen, advies).",
    "plugins.relation_plan referral_moments": "Momenten om om een verwijzing te vragen, per rol "
                                              "(of default).",
    "plugins.relation_plan campaigns": "Verwijs- en netwerkcampagnes per categorie.",
    "plugins.relation_plan channels": "Kanalen per segment van de matrix aantrekkelijkheid x "
                                      "toegankelijkheid (default: voor relaties zonder segment).",
    "plugins.relation_plan budget": "Geld per relatie per jaar voor activiteiten (evenementen, "
                                    "inzichtpakketten, attenties), per categorie, in euro; 0 laat "
                                    "het weg uit het plan.",
    "plugins.satisfaction": "De service-profitketen: tevredenheid van medewerkers naast de "
                            "tevredenheid en gezondheid van hun relaties, en het verband daartussen.",
    "plugins.satisfaction months": "Medewerker- en klanttevredenheid van zoveel maanden vóór de "
                                   "rapportdatum tellen mee voor het verband en de huidige cijfers.",
    "plugins.satisfaction period_months": "Lengte van de perioden van de tevredenheid door de tijd, "
                                          "in maanden (3: kwartalen); kalenderperioden vanaf januari.",
    "plugins.satisfaction periods": "Getoonde perioden door de tijd, tot en met die met de "
                                    "rapportdatum.",
    "plugins.satisfaction min_employees": "Minste aantal medewerkers (met beide waarden) waarvoor "
                                          "het verband als getal genoemd wordt.",
    "plugins.satisfaction min_relations": "Minste aantal relaties achter die medewerkers waarvoor "
                                          "het verband als getal genoemd wordt.",
    "plugins.satisfaction strength": "Laagste grootte van de rangcorrelatie (positief of negatief) "
                                     "die zwak, matig en sterk heet; onder zwak is er geen verband. "
                                     "Niet genoemde sleutels houden hun standaard.",
    "plugins.satisfaction confidence": "Betrouwbaarheid van het interval rond de rangcorrelatie "
                                       "(0.95 of 0.90); een verband waarvan het interval 0 bevat, "
                                       "heet geen conclusie.",
    "plugins.satisfaction low_score": "Medewerkertevredenheid (op 10) hieronder is laag.",
    "plugins.satisfaction falling_points": "Een daling van minstens zoveel punten (op 10) van een "
                                           "periode met een score naar de volgende is dalend, voor "
                                           "medewerker- en klanttevredenheid.",
    "plugins.satisfaction health_falling_points": "Relatiegezondheid daalt wanneer de scores van de "
                                                  "eigen relaties gemiddeld zoveel punten of meer "
                                                  "omlaag gingen (de trend van de gezondheidsanalyse).",
    "plugins.satisfaction list_limit": "Meeste aantal medewerkers in het rapport (signalen eerst); "
                                       "0 = allemaal. report.json heeft ze allemaal.",
    "plugins.segmentation": "Segmentatie: ABC-categorie, aantrekkelijkheid x toegankelijkheid, "
                            "klanttype, vijf R's, fase.",
    "plugins.segmentation months": "Periode in maanden voor omzet, uren, winst, contactmomenten, "
                                   "concurrentiesignalen, verwijzingen en het omzetaandeel (de "
                                   "laatste N maanden tot de rapportdatum).",
    "plugins.segmentation regularity_months": "Periode in maanden voor regelmaat: gewonnen zakelijke "
                                              "records geteld.",
    "plugins.segmentation profit_hours": "Uren die tegenover de omzet staan: \"all\" (elk zakelijk "
                                         "record in de periode, ook verloren offertes) of \"won\" "
                                         "(alleen de gewonnen zaken).",
    "plugins.segmentation category_methods": "Hoe de ABC-categorie gevonden wordt, in deze volgorde "
                                             "geprobeerd: data (de categorie van de relatie), scoring "
                                             "(de gewogen scorematrix), revenue_share (aandeel in de "
                                             "gewonnen omzet). Laat er een weg om die uit te zetten.",
    "plugins.segmentation scoring_weights": "ABC-scorematrix: gewicht per criterium "
                                            "(score_<criterium>-kolommen, namen zonder letten op "
                                            "hoofdletters). De score is het gewogen gemiddelde; een "
                                            "relatie heeft elk criterium met een gewicht boven 0 nodig.",
    "plugins.segmentation scoring_thresholds": "ABC-scorematrix: laagste gewogen score voor A en "
                                               "voor B (onder B: C).",
    "plugins.segmentation revenue_share": "Omzetaandeel: relaties gesorteerd op gewonnen omzet; "
                                          "zolang de relaties erboven samen minder dan A van het "
                                          "totaal hebben is het A, minder dan B is het B, anders C "
                                          "(zo zijn de toprelaties die samen 80% maken A, de "
                                          "volgende 15% B). Gelijke omzet geeft een gelijke categorie.",
    "plugins.segmentation attractiveness": "Aantrekkelijkheid: gewicht per criterium (mogelijke "
                                           "opbrengst, passende doelen en werkwijze, gedeelde "
                                           "belangen, bijdrage aan de kerntaak). Vervangt de hele "
                                           "standaardtabel.",
    "plugins.segmentation accessibility": "Toegankelijkheid: gewicht per criterium (hoe goed we "
                                          "elkaar kennen, imago, de huidige relatie, openheid). "
                                          "Vervangt de hele standaardtabel.",
    "plugins.segmentation attractiveness_threshold": "Aantrekkelijkheid op of boven deze gewogen "
                                                     "score telt als hoog.",
    "plugins.segmentation accessibility_threshold": "Toegankelijkheid op of boven deze gewogen "
                                                    "score telt als hoog.",
    "plugins.segmentation policies": "Beleidstekst per segment (invest, develop, harvest, ignore); "
                                     "niet gezette houden de tekst van de methode, vertaald.",
    "plugins.segmentation types": "Klanttypen, in deze volgorde getoetst; het eerste dat opgaat, "
                                  "beslist. Laat er een weg om die uit te zetten.",
    "plugins.segmentation sleeping_months": "Schone slaapster: eerder gewonnen zaken, en hoogstens "
                                            "sleeping_max_deals gewonnen opdrachten in zoveel maanden.",
    "plugins.segmentation sleeping_max_deals": "Schone slaapster: meeste gewonnen opdrachten "
                                               "toegestaan in de laatste sleeping_months.",
    "plugins.segmentation disloyalty_signals": "Signalen bij contactmomenten die laten zien dat een "
                                               "relatie ook elders koopt.",
    "plugins.segmentation unfaithful_min_signals": "Ontrouwe liefde: minstens zoveel "
                                                   "contactmomenten met een ontrouwsignaal in de "
                                                   "periode (wanneer het aandeel in de uitgaven "
                                                   "onbekend is).",
    "plugins.segmentation unfaithful_max_share_of_wallet": "Ontrouwe liefde: een bekend aandeel in "
                                                           "de uitgaven onder dit getal (0-1) "
                                                           "betekent dat ze elders kopen; wanneer "
                                                           "bekend beslist dit in plaats van de "
                                                           "signalen.",
    "plugins.segmentation share_of_wallet_field": "Kolom (bewaard in extra) met ons aandeel in de "
                                                  "uitgaven van de relatie: 0.4, 40% of 40.",
    "plugins.segmentation inflatable_min_hours": "Opblaasbaar: veel inspanning is minstens zoveel "
                                                 "uren in de periode ...",
    "plugins.segmentation inflatable_min_touchpoints": "... of minstens zoveel contactmomenten in "
                                                       "de periode.",
    "plugins.segmentation inflatable_max_profit": "Opblaasbaar: winst na uren in de periode "
                                                  "hoogstens dit bedrag (EUR).",
    "plugins.segmentation marriage_min_deals": "Huwelijkspartner: minstens zoveel gewonnen "
                                               "opdrachten in regularity_months.",
    "plugins.segmentation marriage_min_margin": "Huwelijkspartner: winst na uren minstens dit deel "
                                                "van de gewonnen omzet.",
    "plugins.segmentation advice": "Adviestekst per klanttype; niet gezette houden de tekst van de "
                                   "methode, vertaald.",
    "plugins.segmentation r_thresholds": "Vaste grenzen in plaats van kwintielen, per R: 4 "
                                         "oplopende getallen. Score = 1 + het aantal bereikte grenzen "
                                         "(recentheid in dagen: grenzen op of boven de waarde; de "
                                         "andere: op of onder de waarde).",
    "plugins.segmentation develop_months": "Fase ontwikkelen: de eerste gewonnen zaak ligt binnen "
                                           "zoveel maanden ...",
    "plugins.segmentation develop_min_deals": "... of de relatie heeft minder gewonnen opdrachten "
                                              "dan dit.",
    "plugins.segmentation wind_down_months": "Fase afbouwen: zoveel maanden geen gewonnen zaken na "
                                             "die wel gehad te hebben.",
    "plugins.segmentation persons_follow_organisation": "Een persoon van een organisatie, zonder "
                                                        "eigen zaken en zonder fase in de gegevens, "
                                                        "krijgt de fase van de organisatie.",
    "plugins.smtp": "Hoe `relatierapport mail` je mailserver bereikt. Inloggegevens komen alleen "
                    "uit omgevingsvariabelen.",
    "plugins.smtp host": "Je mailserver, bijv. smtp.example.nl (nodig voor `relatierapport mail`).",
    "plugins.smtp port": "De poort; 0: 587 voor starttls, 465 voor tls, 25 voor none.",
    "plugins.smtp security": "starttls of tls, beide met controle van het certificaat van de server; "
                             "none (onversleuteld) alleen voor een server op deze machine.",
    "plugins.smtp ca_file": "Een PEM-bestand met de certificaatautoriteit van een eigen mailserver "
                            "(ten opzichte van de projectmap); leeg: die van het systeem.",
    "plugins.smtp user_env": "De omgevingsvariabele met de SMTP-gebruikersnaam (niet gezet: niet "
                             "inloggen).",
    "plugins.smtp password_env": "De omgevingsvariabele met het SMTP-wachtwoord. Zet het nooit in "
                                 "dit bestand.",
    "plugins.smtp timeout": "Seconden wachten op de server.",
    "plugins.smtp retries": "Pogingen na een tijdelijke fout (4xx, verbroken verbinding), per bericht.",
    "plugins.smtp retry_delay": "Seconden vóór de eerste nieuwe poging; verdubbeld vóór elke volgende.",

    # -- the example project's own plugin (plugins/jubileum.py) ---------------------------
    "plugins.jubileum days_ahead": "Toon jubilea die binnen zoveel dagen na de rapportdatum vallen.",
}

COMMENTS: dict[str, dict[str, str]] = {"en": ENGLISH, "nl": DUTCH}


def comment(language: str, key: str, declared: str = "") -> str:
    """The comment for ``key`` in ``language``; else what the option declares (English)."""
    return COMMENTS[language].get(key, declared)
