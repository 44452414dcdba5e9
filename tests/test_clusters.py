"""Cluster records (klynge.records.clusters): names, statuses, counts, places, programme.

Inputs (entities, sentences, sections, people, organisations) are built by hand here, the
way an imperfect NER and sectioniser would give them, so the tests need no model.

Texts: the IFE seed release (19 November 2020), and releases from regjeringen.no.
Contains data under the Norwegian licence for Open Government data (NLOD) distributed by
the Norwegian Government (regjeringen.no):
- NCE_2009: http://www.regjeringen.no/nb/dep/krd/pressesenter/pressemeldinger/2009-2/tre-nye-naringsklynger-far-status-som-no.html?id=565872
- CLUSTERS_2015: https://www.regjeringen.no/no/aktuelt/nye-naringsklynger-skal-bidra-til-omstilling/id2416902/
- ARENA_NOW_2009: https://www.regjeringen.no/no/aktuelt/satsing-pa-offshore-vindkraft-i-hordalan/id578909/
- NCE_PROGRAMME_2005: https://www.regjeringen.no/no/dokumentarkiv/Regjeringen-Bondevik-II/krd/Nyheter-og-pressemeldinger/2005/nytt_program_skal_styrkje_innovasjonspol/id258061/
"""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from pydantic import ValidationError

from klynge.schema import Cluster, Evidence, PersonOut, Programme, StatusEvent
from klynge.records import person_out
from klynge.records.clusters import extract_clusters as build_clusters
from klynge.sections import Section
from tests.helpers import document
from klynge.records.clusters import lang_rules, shared_rules


def extract_clusters(text: str, *, lang: str = "nb", entities=(), sentences=None,
                     sections=None, people=(), organisations=(), published=None):
    """The builder's plain dicts for an annotated document of ``text`` (sections: the
    sections stage's when not given), validated the way the emit schema reads them."""
    doc = document(text, entities, lang, sentences=sentences, sections=sections,
                   published=published)
    clusters, programme = build_clusters(doc, people, organisations)
    # the records stage writes a cluster's people in the shape of the top-level people
    clusters = [dict(c, people=[person_out(p, text) for p in c["people"]]) for c in clusters]
    assert all(isinstance(c, dict) for c in clusters) and (programme is None or isinstance(programme, dict))
    return ([Cluster.model_validate(c) for c in clusters],
            Programme.model_validate(programme) if programme is not None else None)

SEED = """\
To nye Arena-klynger for digital omstilling og fornybar energi

Publisert: 19. november 2020

Regjeringen utnevnte i dag nye næringsklynger med digital og grønn profil.

– Vi er svært glade over at både Cluster for Applied AI i Halden og H2Cluster får Arena-status som klynger av Innovasjon Norge. Dette er et viktig steg i å skape ytterligere innovasjon og verdi for samfunnet. Både hydrogenteknologi og kunstig intelligens (AI) er viktige satsingsområder for IFE, sier IFEs administrerende direktør Nils Morten Huseby.

Ni nye miljøer blir tatt opp i det nasjonale programmet for næringsklynger. – Vårt nasjonale klyngeprogram har hatt stor betydning for bedriftene i klyngene, for utvikling av miljøenes og regionenes innovasjonskraft og attraktivitet, og dermed for utvikling av norsk næringsliv. Klyngeprosjektene viser at gjennom samarbeid er det fullt mulig å være i front. Målrettet samarbeid og læring er avgjørende for å hele tiden bli bedre, som er viktig for å overleve i markeder med tøff konkurranse, sier næringsminister Iselin Nybø.

– De nye klyngene representerer hele spennet i næringslivet. Felles for alle er at de har en grønn profil og representerer en nødvendig omstilling av næringslivet. Disse klyngene vil kunne bidra til å skape nye arbeidsplasser og sørge for vekst og utvikling i hele landet, sier distrikts- og digitaliseringsminister Linda Hofstad Helleland.

https://www.regjeringen.no/no/aktuelt/utnevner-nye-naringsklynger-med-gronn-profil/id2786401/

IFE partner i to av klyngene

  • H2Cluster – The Norwegian Hydrogen Cluster er en nasjonal klynge med 37 norske og internasjonale partnere. Klyngen ønsker å samle et fragmentert hydrogenaktørbilde rundt en kraftfull satsing på innovasjon, verdiskaping og eksport. Klyngen skal fremskynde utviklingen og være en spydspiss for bærekraftig omstilling, verdiskaping og nye, grønne arbeidsplasser. Den utvikle et nasjonalt marked for hydrogenteknologi, og skalere for økt eksport.
  • Cluster for Applied AI med 39 medlemmer og 25 samarbeidspartnere har utgangspunkt i Halden. Den har som visjon at bedriftene skal bli internasjonalt ledende, datadrevne, effektive og kundefokuserte gjennom utvikling og bruk av kunstig intelligens. Klyngen vil utvikle et ledende, åpent miljø i Norge. Se også: https://www.smartinnovationnorway.com/nyheter/cluster-for-applied-ai-far-arena-status/

Fokus på bærekraft i klyngesamarbeidet

Søknadene har fokus på digital og grønn omstilling i næringslivet, og det er tydelig at bærekraft har blitt et viktig element som klyngene ønsker å samarbeide om. De ulike prosjektene skal bidra til å utløse samarbeidsbaserte utviklingsaktiviteter, med sikte på å øke næringslivets innovasjonsevne. Klyngene har et bredt og variert spenn av aktiviteter, fra omstilling ved bruk av digital kompetanse og kunstig intelligens til en kraftsatsing på hydrogenteknologi.

Høy kvalitet

Ekspertene som har vurdert de 24 kandidatene påpeker at kvaliteten var høy, og at de fleste er kvalifiserte og ville hatt nytte av å delta i programmet. Representanter fra Innovasjon Norge, Siva og Forskningsrådet har gjennomført en grundig vurdering av alle søknadene, individuelt og i plenum og med innspill fra fylkeskommunene. I tillegg har de gjort intervjuer med de sterkeste kandidatene.

Utvikling av klynger er en viktig del av regjeringens næringspolitikk. Klyngesamarbeid gjør det lettere å drive felles forskning- og utvikling, og bidrar til at deltakerne kan trekke på hverandres kunnskap og kompetanse. Klyngene er gode verktøy for å styrke bedriftenes omstillings- og utviklingsevne og bidrar samtidig til regional vekst og verdiskaping. Klyngeprogrammet er et viktig virkemiddel i næringspolitikken, og har stor betydning for bedriftene som deltar og for lokalsamfunnene de jobber i.

Fakta om klyngeprogrammet:

Nærings- og fiskeridepartementet og Kommunal- og moderniseringsdepartementet finansierer programmet, mens Innovasjon Norge er ansvarlig for å forvalte ordningen, i samarbeid med Norges Forskningsråd og Siva.

For 2021 er det budsjettert med 217 millioner kroner til klyngeprogrammet. Fra årsskiftet er det 39 klynger med i programmet.

For mer informasjon, se http://www.innovasjonnorge.no/nic.
"""

NCE_2009 = """\
Historisk arkiv

Tre nye næringsklynger får status som Norwegian Centres of Expertice (NCE)

Historisk arkiv

Publisert under: Regjeringen Stoltenberg II

Utgiver: Kommunal- og regionaldepartementet

Regjeringen satser sterkt på å utvikle norske bedrifters konkurransekraft. Kommunal- og regionalminister Magnhild Meltveit Kleppa og statssekretær Øyvind Slåke i Nærings- og handelsdepartementet kunngjør tre nye regionale næringsklynger med internasjonalt fokus som norske ekspertsentre innenfor NCE-programmet.

Regjeringen satser sterkt på å utvikle norske bedrifters konkurransekraft. Kommunal- og regionalminister Magnhild Meltveit Kleppa og statssekretær Øyvind Slåke i Nærings- og handelsdepartementet kunngjør tre nye regionale næringsklynger med internasjonalt fokus som norske ekspertsentre innenfor NCE-programmet.

• NODE (Norwegian Offshore & Drilling Engineering)
• Energy and Emissions Trading
• Tourism – Fjord Norway

- Vi er stolte over å ha næringsmiljøer i Norge som er ledende internasjonalt på sine områder. Det er tre meget sterke klynger som nå utpekes som Norwegian Centres of Expertise, sier kommunal- og regionalminister Kleppa.
Den samlede statlige finanseringsrammen til NCE-programmer er i 2009 på 70 millioner kroner. For hver klynge innebærer dette omkring 5 millioner kroner i årlig støtte.

- I den globale konkurransen står bedriftene ofte sterkere når de står sammen i nettverk, noe NCE-programmet utvilsomt kan bidra til, sier statssekretær Slåke i NHD.

- Regjeringen er opptatt av å legge til rette for utvikling av sterke næringsklynger. Det gjør vi fordi et slikt samarbeid gir gevinster for bedrifter, regioner, utdanningsmiljøer, stedsutvikling og enkeltmennesker. Dette er virkelig regionalpolitikk i praksis, sier kommunal- og regionalminister Magnhild Meltveit Kleppa.

Mer om de nye NCE-klyngene:

NCE NODE representerer en partnerskap av 48 kjernebedrifter innen olje og gassnæringen på Sørlandet. Milj"""

CLUSTERS_2015 = """\
Aktiver Javascript i din nettleser for en bedre opplevelse på regjeringen.no

Nye næringsklynger skal bidra til omstilling

Omstilling og bærekraftig utvikling er viktige mål og fellestrekk for de syv nye næringsklyngene som nå får støtte og oppfølging gjennom klyngeprogrammet Norwegian Innovation Clusters.

Næringsminister Monica Mæland og kommunal- og moderniseringsminister Jan Tore Sanner presenterte i dag syv nye norske næringsklynger som nå inngår i det nasjonale klyngeprogrammet Norwegian Innovation Clusters.

Næringsminister Monica Mæland mener satsingen på utvikling av sterke næringsklynger er viktig for at norsk næringsliv skal møte kommende utfordringer.

- Vi må være ett skritt foran konkurrentene våre. Næringsklyngene bidrar til samarbeid, utveksling av kunnskap og innovasjon. Resultatene de skaper vil være viktig for etablering av nye arbeidsplasser og bedrifter. Vi har derfor store forventningene til klyngene som i dag blir tatt opp i programmet, sier næringsminister Monica Mæland.

De nye klyngene omfatter både nye næringer og næringer som arbeider med omstilling i retning av mer bærekraftig utvikling. I dette inngår forskning og innovasjon som viktige verktøy for å løse utfordringer og bygge langsiktig kompetanse.

Den Bergens-baserte GCE Subsea har fått status som et gobalt ekspertisesenter. Fra venstre: næringsminister Monica Mæland, senior subsea innovator Jon Hellevang, administrerende direktør Ove Hagesæther og kommunal og moderniseringsminister Jan Tore Sanner. (Foto: Innovasjon Norge.)

Med status som Global Centres of Expertise går det Bergen-baserte klyngen GCE Subsea inn i det som kan kalles norsk næringslivs elitedivisjon. En viktig målsetting for GCE Subsea er å bidra til omstilling og videreutvikling av verdensledende norsk undervannsteknologi til bruk på nye områder og i nye næringer.

I tillegg ble NCE Seafood Innovation Cluster, NCE Health Technology og NCE Eyde i dag tildelt status som"""

ARENA_NOW_2009 = """\
Historisk arkiv

Satsing på offshore vindkraft i Hordaland og Rogaland

Historisk arkiv

Publisert under: Regjeringen Stoltenberg II

Utgiver: Kommunal- og regionaldepartementet

Arena NOW (Norwegian Offshore Wind) er et av fem nye næringsmiljøer som nå tas opp i nettverksprogrammet Arena.

- Samarbeid i nettverk er viktig for å skape mer konkurransedyktige bedrifter. Norwegian Offshore Wind er et spennende prosjekt som kan skape mange spennende arbeidsplasser både regionalt og nasjonalt, sier kommunal- og regionalminister Magnhild Meltveit Kleppa.

- Norge har et stort produksjonspotensial for havbasert vindkraft. Jeg har tro på at bedriftene i Arena NOW gjennom samarbeid vil bidra til framtidsrettet norsk verdiskaping, sier nærings- og handelsminister Sylvia Brustad.

Arena NOW ønsker å skape en ledende norskbasert klynge som leverer vindparker for alle havdyp i et globalt marked. Kjernebedriftene i prosjektet er Lyse Produksjon, BKK Produksjon, Met-Sentret, Bergen Group Engineering, Norwind, OceanWind, Sway, Scanwind, Owec tower, Troll windpower, Cowi og Technocean.

Et Arenaprosjekt kan motta støtte for inntil 50 prosent av prosjektets kostnader i prosjektperioden og vil normalt ha en kostnadsramme på 3-5 millioner kroner per år og går ordinært over tre år. Arenaprosjektets egne deltakere, samt lokale og regionale utviklingspartnere, forutsettes å komme med den øvrige finansieringen.

Arenaprogrammet er et samarbeid mellom Innovasjon Norge, Norges forskningsråd og SIVA. Målet er å øke verdiskapingen i regionale næringsmiljøer ved å styrke samspillet mellom næringsaktører, kunnskapsaktører og det offentlige.

Kommunal- og regionaldepartementets pressetelefon: 22 24 25 00."""

NCE_PROGRAMME_2005 = """\
Historisk arkiv

Nytt program skal styrkje innovasjonspolitikken — Norwegian Centres of Expertise

Historisk arkiv

Publisert under: Regjeringen Bondevik II

Utgjevar: Kommunal- og regionaldepartementet

Pressemelding 14.10.2005

Pressemelding

Nr.: 257/2005
Dato: 14.10.2005

Statsbudsjett 2006

Nytt program skal styrkje innovasjonspolitikken – Norwegian Centres of Expertise

Regjeringa føreslår å bruke 34,5 millionar kroner til Norwegian Centres of Expertise neste år over budsjetta til Kommunal- og regionaldepartementet og Nærings- og handelsdepartementet. – Det er eit nytt program for å styrkje dei mest vekstkraftige og internasjonalt orienterte næringsklyngjene, seier kommunal- og regionalminister Erna Solberg.

Norwegian Centres of Expertise vender seg til spesialiserte, regionale bedriftsklyngjer med internasjonalt konkurransedyktige bedrifter som kan vere flaggskip i den nasjonale innovasjonspolitikken. Programmet skal stimulere til nettverksbygging og kompetanseheving i regionale forskings- og utviklingsinstitusjonar, i regionalt næringsliv og hos regionale styresmakter.

Innovasjon Noreg, SIVA og Noregs forskingsråd skal saman forvalte programmet. Gjennom ein open nasjonal konkurranse skal dei velje ut næringsmiljø basert på faglege vurderingar.

– Det finst mange sterke næringsmiljø rundt om i landet som er sterke nettopp fordi dei har funne eit fortrinn ved å basere seg på behov og føresetnader i regionen der dei held til. Regjeringa vil gjennom dette programmet gi langsiktig fagleg og finansiell støtte for å byggje vidare på dette grunnlaget, slik at næringsmiljøa blir endå sterkare, seier kommunal- og regionalminister Erna Solberg.

Pressetelefonen i Kommunal- og regionaldepartementet: 22 24 25 00."""


# --------------------------------------------------------------------------- helpers

_SENT = re.compile(r"\S[^\n]*?(?:[.!?:](?=\s+[A-ZÆØÅ–•-])|[.!?](?=\s*$)|(?=\n)|\Z)")


def _sections(text: str) -> list[Section]:
    """Blank-line blocks: the first is the title; bullet blocks are lists (one item per
    line); short lines without a full stop are headings; the rest paragraphs."""
    out = []
    for i, m in enumerate(re.finditer(r"[^\n]+(?:\n[^\n]+)*", text)):
        s, e = m.span()
        block = m.group()
        items = []
        if re.match(r"\s*•", block):
            kind = "list"
            items = [(s + b.start(1), s + b.end(1))
                     for b in re.finditer(r"(?m)^[ \t]*•[ \t]+(.+)$", block)]
        elif i == 0:
            kind = "title"
        elif block.startswith("Publisert"):
            kind = "dateline"
        elif len(block) < 70 and not block.rstrip().endswith("."):
            kind = "heading"
        else:
            kind = "paragraph"
        out.append(Section(kind, s, e, None, items))
    return out


def _sentences(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _SENT.finditer(text) if m.group().strip()]


def _span(text: str, surface: str, nth: int = 0) -> tuple[int, int]:
    starts = [m.start() for m in re.finditer(re.escape(surface), text)]
    return starts[nth], starts[nth] + len(surface)


def _ent(text: str, label: str, surface: str, nth: int = 0, **extra) -> dict:
    s, e = _span(text, surface, nth)
    return {"label": label, "text": surface, "start": s, "end": e, "source": "model", **extra}


def _all(text: str, label: str, surface: str, **extra) -> list[dict]:
    return [_ent(text, label, surface, i, **extra)
            for i in range(len(re.findall(re.escape(surface), text)))]


def run(text: str, lang: str = "nb", entities=(), people=(), organisations=(), published=None):
    return extract_clusters(text, lang=lang, entities=list(entities),
                            sentences=_sentences(text), sections=_sections(text),
                            people=list(people), organisations=list(organisations),
                            published=published)


def by_name(clusters: list[Cluster]) -> dict[str, Cluster]:
    return {c.name: c for c in clusters}


def assert_evidence(text: str, clusters, programme=None) -> None:
    for c in clusters:
        assert c.evidence, c.name
        for ev in c.evidence:
            assert text[ev.start:ev.end] == ev.text
    if programme is not None:
        for ev in programme.evidence:
            assert text[ev.start:ev.end] == ev.text
        if programme.budget:
            ev = programme.budget.evidence
            assert text[ev.start:ev.end] == ev.text


def seed_entities(text: str) -> list[dict]:
    """What an imperfect NER gives for the seed: H2Cluster as PROD, half of a cluster
    name as ORG, "IFEs" as ORG, Cluster for Applied AI missed."""
    return [
        _ent(text, "DATE", "19. november 2020", value="2020-11-19", precision="day"),
        _ent(text, "PROD", "H2Cluster"),
        _ent(text, "ORG", "Applied AI"),
        *_all(text, "GPE", "Halden"),
        *_all(text, "ORG", "Innovasjon Norge"),
        _ent(text, "ORG", "IFE", 0),
        _ent(text, "ORG", "IFEs"),
        _ent(text, "PER", "Nils Morten Huseby"),
        _ent(text, "PER", "Iselin Nybø"),
        _ent(text, "ORG", "IFE", 2),
        _ent(text, "GPE", "Norge", 1),
        _ent(text, "URL", "https://www.regjeringen.no/no/aktuelt/utnevner-nye-naringsklynger-med-gronn-profil/id2786401/"),
        _ent(text, "URL", "https://www.smartinnovationnorway.com/nyheter/cluster-for-applied-ai-far-arena-status/"),
        _ent(text, "DATE", "2021", value="2021", precision="year"),
        _ent(text, "MONEY", "217 millioner kroner", value=Decimal("217000000"), currency="NOK"),
        _ent(text, "ORG", "Siva", 0),
        _ent(text, "ORG", "Forskningsrådet"),
    ]


def seed_people(text: str) -> list[dict]:
    s, e = _span(text, "Nils Morten Huseby")
    return [{"name": "Nils Morten Huseby", "roles": ["administrerende direktør"],
             "organisation": "IFE", "start": s, "end": e}]


def seed_organisations(text: str) -> list[dict]:
    mentions = [_span(text, "IFE", i) for i in range(3)]
    return [{"name": "IFE", "aliases": ["Institutt for energiteknikk"], "mentions": mentions},
            {"name": "Innovasjon Norge", "aliases": [], "mentions": [_span(text, "Innovasjon Norge")]}]


# --------------------------------------------------------------------------- rules


def test_rule_files_load_and_compile():
    shared = shared_rules()
    assert shared.name_patterns and shared.statuses
    members = {"nb": "39 medlemmer", "nn": "39 medlemmer", "en": "39 members",
               "da": "39 medlemmer", "sv": "39 medlemmar"}
    for lang, phrase in members.items():
        rules = lang_rules(lang)
        for rule in rules.status_patterns:
            assert "{" + "NAME}" not in rule.pattern.pattern
            assert "{" + "STATUS}" not in rule.pattern.pattern
        assert "{" + "NUM}" not in rules.count.pattern
        assert rules.count.search(phrase)


@pytest.mark.parametrize("text,lang,name,members", [
    ("Bestyrelsen har bevilget 24,5 mio. kr. til den nationale klynge Odense Robotics, som "
     "nu tæller over 160 medlemsvirksomheder.", "da", "Odense Robotics", 160),
    ("Vinnova satsar 15 miljoner kronor på klustret Lindholmen Science Park, som samlar 40 "
     "medlemsföretag.", "sv", "Lindholmen Science Park", 40),
])
def test_clusters_danish_and_swedish_phrasings(text, lang, name, members):
    clusters, _ = extract_clusters(text, lang=lang, entities=[], sentences=[(0, len(text))],
                                   sections=[], people=[], organisations=[], published=None)
    assert [(c.name, c.members) for c in clusters] == [(name, members)]


def test_models_forbid_extra_fields():
    with pytest.raises(ValidationError):
        Cluster(name="X", colour="red")
    with pytest.raises(ValidationError):
        StatusEvent(type="renamed")
    with pytest.raises(ValidationError):
        Cluster(name="X", status="Arena Plus")
    assert Programme().model_dump()["budget"] is None
    assert Evidence(start=0, end=1, text="a").text == "a"


# --------------------------------------------------------------------------- the seed


@pytest.mark.parametrize("ner", ["imperfect", "none"])
def test_seed_gives_exactly_two_clusters(ner):
    text = SEED
    ents = seed_entities(text) if ner == "imperfect" else []
    people = seed_people(text) if ner == "imperfect" else []
    orgs = seed_organisations(text) if ner == "imperfect" else []
    clusters, programme = run(text, entities=ents, people=people, organisations=orgs,
                              published="2020-11-19")
    assert sorted(c.name for c in clusters) == ["Cluster for Applied AI", "H2Cluster"]
    c = by_name(clusters)
    h2 = c["H2Cluster"]
    assert h2.aliases == ["The Norwegian Hydrogen Cluster"]
    assert h2.status == "Arena"
    assert (h2.partners, h2.members, h2.location) == (37, None, None)
    assert h2.event == StatusEvent(type="new_status", status="Arena", date="2020-11-19")
    assert "hydrogen" in h2.sectors
    ai = c["Cluster for Applied AI"]
    assert ai.status == "Arena"
    assert (ai.members, ai.partners, ai.location) == (39, 25, "Halden")
    assert ai.members_breakdown is None
    assert "AI" in ai.sectors
    assert ai.event is not None and ai.event.type == "new_status"
    for cl in clusters:  # "IFE partner i to av klyngene"
        assert cl.organisations == ["IFE"]
        assert cl.people == []  # IFE's director is not the cluster's
        assert any(ev.text == "IFE partner i to av klyngene" for ev in cl.evidence)
    assert_evidence(text, clusters, programme)


def test_seed_programme():
    text = SEED
    _, programme = run(text, entities=seed_entities(text), published="2020-11-19")
    assert programme is not None
    assert programme.budget.value == "217000000"
    assert programme.budget.currency == "NOK"
    assert programme.budget.year == 2021
    assert programme.budget.evidence.text == \
        "For 2021 er det budsjettert med 217 millioner kroner til klyngeprogrammet."
    assert (programme.clusters_total, programme.clusters_new, programme.applicants) == (39, 9, 24)
    assert programme.name == "Norwegian Innovation Clusters"


def test_seed_programme_without_money_entities():
    _, programme = run(SEED, published="2020-11-19")
    assert programme.budget.value == "217000000" and programme.budget.year == 2021


def test_seed_without_published_date_has_no_event_date():
    clusters, _ = run(SEED)
    assert all(c.event is not None and c.event.date is None for c in clusters)


# --------------------------------------------------------------------------- other releases


def test_three_new_nce_clusters_from_a_bullet_list():
    text = NCE_2009
    ents = [_ent(text, "LOC", "Sørlandet"), _ent(text, "PER", "Magnhild Meltveit Kleppa"),
            _ent(text, "ORG", "NODE"), _ent(text, "MONEY", "70 millioner kroner",
                                            value=Decimal("70000000"), currency="NOK")]
    clusters, programme = run(text, entities=ents, published="2009-06-19")
    c = by_name(clusters)
    assert list(c) == ["NODE", "Energy and Emissions Trading", "Tourism – Fjord Norway"]
    node = c["NODE"]
    assert set(node.aliases) == {"Norwegian Offshore & Drilling Engineering", "NCE NODE"}
    assert (node.members, node.location) == (48, "Sørlandet")  # "48 kjernebedrifter"
    assert "oil and gas" in node.sectors
    for cl in clusters:  # the title: "Tre nye næringsklynger får status som ... (NCE)"
        assert cl.status == "NCE"
        assert cl.event == StatusEvent(type="new_status", status="NCE", date="2009-06-19")
    assert programme.name == "Norwegian Centres of Expertise"
    assert (programme.budget.value, programme.budget.currency, programme.budget.year) == (
        "70000000", "NOK", 2009)
    assert programme.clusters_new == 3
    assert_evidence(text, clusters, programme)


def test_gce_and_nce_names_and_bergen_based():
    text = CLUSTERS_2015
    ents = [_ent(text, "GPE", "Bergen", 1), *_all(text, "PER", "Monica Mæland")]
    clusters, programme = run(text, entities=ents, published="2015-06-11")
    c = by_name(clusters)
    assert list(c) == ["GCE Subsea", "NCE Seafood Innovation Cluster", "NCE Health Technology",
                       "NCE Eyde"]
    assert c["GCE Subsea"].status == "GCE"
    assert c["GCE Subsea"].location == "Bergen"  # "Den Bergens-baserte GCE Subsea"
    assert c["NCE Eyde"].status == "NCE"
    assert c["NCE Eyde"].location is None  # "NCE Eyde i dag": no place
    assert c["NCE Seafood Innovation Cluster"].event.type == "new_status"
    assert "Norwegian Innovation Clusters" not in c  # the programme, not a cluster
    assert programme.name == "Norwegian Innovation Clusters"
    assert programme.clusters_new == 7
    assert_evidence(text, clusters, programme)


def test_arena_cluster_with_parenthesised_alias_and_core_companies():
    text = ARENA_NOW_2009
    ents = [_ent(text, "ORG", "Lyse Produksjon"), _ent(text, "ORG", "BKK Produksjon"),
            _ent(text, "ORG", "Cowi"), _ent(text, "GPE", "Norge", 0)]
    clusters, programme = run(text, entities=ents, published="2009-06-26")
    assert [c.name for c in clusters] == ["Arena NOW"]
    now = clusters[0]
    assert now.aliases == ["Norwegian Offshore Wind"]
    assert now.status == "Arena"
    assert now.event == StatusEvent(type="new_status", status="Arena", date="2009-06-26")
    # "Kjernebedriftene i prosjektet er ...": every company, tagged by the NER or not
    assert now.organisations == [
        "Lyse Produksjon", "BKK Produksjon", "Met-Sentret", "Bergen Group Engineering",
        "Norwind", "OceanWind", "Sway", "Scanwind", "Owec tower", "Troll windpower", "Cowi",
        "Technocean"]
    assert "offshore wind" in now.sectors
    # "Et Arenaprosjekt kan motta ... 3-5 millioner kroner per år" is not a programme budget
    assert programme.budget is None
    assert programme.name == "Arena" and programme.clusters_new == 5
    assert_evidence(text, clusters, programme)


def test_programme_only_release_in_nynorsk():
    text = NCE_PROGRAMME_2005
    clusters, programme = run(text, lang="nn", published="2005-10-14")
    assert clusters == []  # "Norwegian Centres of Expertise" is the programme here
    assert programme.name == "Norwegian Centres of Expertise"
    assert programme.budget.value == "34500000"
    assert programme.budget.year == 2006  # "neste år"
    assert_evidence(text, clusters, programme)


# --------------------------------------------------------------------------- constructed cases


def test_enumeration_of_new_clusters_with_places():
    text = ("Tre nye Arena-klynger\n\n"
            "De nye klyngene er Finance Innovation i Bergen, Arena Oslo og Tequity Cluster i "
            "Trondheim. Tequity Cluster har 123 bedrifter og 19 offentlige aktører.\n")
    ents = [_ent(text, "GPE", "Bergen"), _ent(text, "GPE", "Oslo"),
            _ent(text, "GPE", "Trondheim"), _ent(text, "ORG", "Tequity", 1)]
    clusters, programme = run(text, entities=ents, published="2021-06-01")
    c = by_name(clusters)
    assert list(c) == ["Finance Innovation", "Arena Oslo", "Tequity Cluster"]
    assert c["Finance Innovation"].location == "Bergen"
    assert c["Arena Oslo"].location is None  # the place inside the name is not a location
    assert c["Tequity Cluster"].location == "Trondheim"
    assert c["Tequity Cluster"].members == 142
    assert c["Tequity Cluster"].members_breakdown == {"bedrifter": 123, "offentlige aktører": 19}
    assert all(cl.status == "Arena" for cl in clusters)
    assert programme.clusters_new == 3
    assert_evidence(text, clusters, programme)


def test_former_name_upgrade_with_date_and_backreference():
    text = ("Ny GCE\n\n"
            "NCE Energy Technology – tidligere Arena Subsea Valley – er oppgradert til GCE fra "
            "1. januar 2022. Klyngen har mer enn 100 medlemmer.\n\n"
            "Hydrogenklyngen har 69 medlemmer og holder til i Porsgrunn.\n")
    ents = [_ent(text, "DATE", "1. januar 2022", value="2022-01-01", precision="day"),
            _ent(text, "GPE", "Porsgrunn")]
    clusters, _ = run(text, entities=ents, published="2021-12-10")
    c = by_name(clusters)
    et = c["NCE Energy Technology"]
    assert et.aliases == ["Arena Subsea Valley"]
    assert et.status == "GCE"
    assert et.event == StatusEvent(type="upgrade", status="GCE", date="2022-01-01")
    assert et.members == 100  # "mer enn 100 medlemmer" in the next sentence
    h = c["Hydrogenklyngen"]
    assert (h.members, h.location) == (69, "Porsgrunn")
    assert h.status is None  # the title's "Ny GCE" is another cluster's news
    assert_evidence(text, clusters)


def test_generic_words_programmes_and_bare_statuses_are_not_clusters():
    text = ("Klyngeprogrammet\n\n"
            "Klyngen har 40 medlemmer. Næringsklyngene i Arena-programmet og NCE-programmet "
            "er en del av Norwegian Innovation Clusters. Klyngeprogrammet har tre nivåer: "
            "Arena, NCE og GCE. Den norske havklyngen møtes i Bergen.\n")
    clusters, programme = run(text, published="2020-01-01")
    assert clusters == []
    assert programme.name == "Norwegian Innovation Clusters"


def test_lone_quote_dash_lines_are_not_list_items():
    text = ("Nye klynger\n\n"
            "- Vi er stolte over klyngene, sier ministeren.\n\n"
            "- Regjeringen satser på klynger.\n")
    clusters, _ = run(text)
    assert clusters == []


def test_dash_bullet_list_of_the_sections_stage_gives_clusters():
    # The items are the sections stage's (two dash lines are a list), not found again here.
    text = ("Tre nye NCE-klynger\n\n"
            "Disse klyngene blir NCE:\n"
            "- Blue Planet Valley\n"
            "- Energy and Emissions Trading\n")
    clusters, _ = extract_clusters(text, lang="nb", entities=[], sentences=_sentences(text),
                                   people=[], organisations=[], published="2009-06-19")
    assert [c.name for c in clusters] == ["Blue Planet Valley", "Energy and Emissions Trading"]
    assert all(c.status == "NCE" for c in clusters)


def test_people_linked_by_organisation_and_role():
    text = ("Tequity Cluster får Arena-status\n\n"
            "Tequity Cluster i Trondheim har 30 medlemmer. Klyngeleder Kari Nordmann er glad.\n")
    s, e = _span(text, "Kari Nordmann")
    people = [{"name": "Kari Nordmann", "roles": ["klyngeleder"], "organisation": None,
               "start": s, "end": e},
              {"name": "Ola Nordmann", "roles": ["daglig leder"], "organisation": "Tequity Cluster",
               "start": 0, "end": 0}]
    clusters, _ = run(text, people=people, published="2021-01-01")
    assert [c.name for c in clusters] == ["Tequity Cluster"]
    t = clusters[0]
    # the people records themselves, in the shape of the top-level people
    assert [(p.name, p.roles, p.organisation) for p in t.people] == [
        ("Kari Nordmann", ["klyngeleder"], None),
        ("Ola Nordmann", ["daglig leder"], "Tequity Cluster")]
    assert all(isinstance(p, PersonOut) for p in t.people)
    assert t.people[0].text == "Kari Nordmann" and (t.people[0].start, t.people[0].end) == (s, e)
    assert t.event == StatusEvent(type="new_status", status="Arena", date="2021-01-01")


def test_nynorsk_klynga():
    text = ("To nye Arena-klynger\n\n"
            "Hydrogenklynga har 39 medlemer og 25 samarbeidspartnarar og held til i Stavanger. "
            "Klynga fekk Arena-status i dag.\n\n"
            "Ni nye miljø vert tekne opp i programmet. Regjeringa føreslår å bruke 34,5 millionar "
            "kroner til klyngeprogrammet neste år.\n")
    clusters, programme = run(text, lang="nn", entities=[_ent(text, "GPE", "Stavanger")],
                              published="2021-06-01")
    assert [c.name for c in clusters] == ["Hydrogenklynga"]
    h = clusters[0]
    assert (h.members, h.partners, h.location, h.status) == (39, 25, "Stavanger", "Arena")
    assert programme.clusters_new == 9
    assert programme.budget.value == "34500000" and programme.budget.year == 2022


def test_english_release():
    text = ("Two new NCE clusters\n\n"
            "The Bergen-based cluster GCE Ocean Technology was upgraded to GCE. It has more than "
            "100 members and 40 partners.\n\n"
            "The cluster NCE Maritime CleanTech in Stord has over 40 partners. Three new clusters "
            "were admitted to the programme.\n\n"
            "The budget for the cluster programme in 2022 is NOK 200 million.\n")
    ents = [_ent(text, "GPE", "Stord"), _ent(text, "MONEY", "NOK 200 million",
                                             value=Decimal("2E+8"), currency="NOK")]
    clusters, programme = run(text, lang="en", entities=ents, published="2021-06-01")
    c = by_name(clusters)
    assert list(c) == ["GCE Ocean Technology", "NCE Maritime CleanTech"]
    ocean = c["GCE Ocean Technology"]
    assert (ocean.status, ocean.members, ocean.partners, ocean.location) == ("GCE", 100, 40, "Bergen")
    assert ocean.event.type == "upgrade"
    mct = c["NCE Maritime CleanTech"]
    assert (mct.status, mct.partners, mct.location) == ("NCE", 40, "Stord")
    assert "maritime" in mct.sectors
    assert programme.budget.value == "200000000" and programme.budget.year == 2022
    assert programme.clusters_new == 3
    assert_evidence(text, clusters, programme)


def test_alias_mentions_are_one_cluster():
    text = ("H2Cluster – The Norwegian Hydrogen Cluster får Arena-status\n\n"
            "The Norwegian Hydrogen Cluster har 37 partnere. H2Cluster holder til i Oslo.\n")
    clusters, _ = run(text, entities=[_ent(text, "GPE", "Oslo")], published="2020-11-19")
    assert [c.name for c in clusters] == ["H2Cluster"]
    assert clusters[0].aliases == ["The Norwegian Hydrogen Cluster"]
    assert (clusters[0].partners, clusters[0].location) == (37, "Oslo")


@pytest.mark.parametrize("sentence, event, status", [
    ("Arena Heidner Biocluster har fått forlenget Arena-perioden.", "extension", "Arena"),
    ("NCE Eyde fikk gullmerket fra ESCA i år.", "gold_label", "NCE"),
    ("NCE Eyde og Arena Pro-klyngen er slått sammen til NCE Eyde.", "merger", "NCE"),
    ("NCE Eyde ble etablert i 2007 og oppgradert til GCE i år.", "upgrade", "GCE"),
    ("NCE Eyde fikk NCE-status i 2010 og er nå oppgradert til GCE.", "upgrade", "GCE"),
])
def test_event_types(sentence, event, status):
    text = "Nytt fra klyngene\n\n" + sentence + "\n"
    # "i 2007"/"i 2010" are DATE entities too: the event takes the date nearest its signal
    ents = [_ent(text, "DATE", y, value=y[-4:]) for y in ("i 2007", "i 2010") if y in text]
    ents += [_ent(text, "DATE", "i år", value="2023")] if "i år" in text else []
    clusters, _ = run(text, entities=ents, published="2023-02-01")
    assert len(clusters) == 1
    assert clusters[0].event.type == event and clusters[0].event.status == status
    assert clusters[0].event.date in ("2023-02-01", "2023")  # never 2007 or 2010
    assert clusters[0].status == status


def test_sections_are_the_sections_stage_objects_never_dicts():
    text = ("Tre nye NCE-klynger\n\nDisse klyngene blir NCE:\n\n"
            "• Blue Planet Valley\n• Energy and Emissions Trading\n")
    as_dicts = [{"kind": s.kind, "start": s.start, "end": s.end, "items": s.items}
                for s in _sections(text)]
    with pytest.raises(TypeError):
        extract_clusters(text, sections=as_dicts)
    clusters, _ = extract_clusters(text, sections=_sections(text))
    assert [c.name for c in clusters] == ["Blue Planet Valley", "Energy and Emissions Trading"]


def test_partner_line_as_the_heading_string_of_a_list_section():
    text = ("To nye Arena-klynger\n\n"
            "• H2Cluster er en nasjonal klynge med 37 partnere.\n"
            "• Cluster for Applied AI har 39 medlemmer.\n")
    sections = _sections(text)
    sections[1].heading = "IFE partner i to av klyngene"  # heading text kept outside the text
    clusters, _ = extract_clusters(text, lang="nb", entities=[], sentences=_sentences(text),
                                   sections=sections, people=[], organisations=[],
                                   published="2020-11-19")
    assert [c.organisations for c in clusters] == [["IFE"], ["IFE"]]


def test_long_list_items_need_a_cluster_hint_and_stopwords_are_stripped():
    text = ("Nye klynger\n\nOm klyngene:\n\n"
            "• Innovasjon Norge forvalter programmet sammen med Siva.\n"
            "• Forskningsrådet gir støtte til forskning.\n\n"
            "Ifølge Oslo Cancer Cluster er det mange søkere.\n")
    clusters, _ = run(text)
    assert [c.name for c in clusters] == ["Oslo Cancer Cluster"]


def test_other_programmes_give_no_programme_record():
    text = ("Næringshageprogrammet\n\nRegjeringen bevilger 40 millioner kroner til "
            "næringshageprogrammet i 2011. Programmet mottok 352 søknader.\n")
    assert run(text, published="2011-01-01") == ([], None)


def test_empty_and_unrelated_text():
    assert run("") == ([], None)
    clusters, programme = run("Regjeringen gir 75 millioner kroner til Liberia.\n")
    assert clusters == [] and programme is None


def test_clusters_h2_spellings_are_one_cluster_in_one_document():
    # Regression: the registry took "H2-Cluster", "H2 Cluster" and "H2Cluster" for one
    # cluster while one document gave three; both now use lexicon.name_key.
    from klynge.records import build_records
    from tests.helpers import ents

    text = ("H2Cluster får Arena-status. H2-Cluster har 37 partnere. "
            "Klyngeleder i H2 Cluster er glad.")
    entities = ents(text, ("H2Cluster", "ORG"), ("H2-Cluster", "ORG"), ("H2 Cluster", "ORG"))
    records = build_records(document(text, entities, "nb", sentences=_sentences(text),
                                     published="2020-11-19"))
    assert [(c["name"], c["partners"], c["status"]) for c in records["clusters"]] == [
        ("H2Cluster", 37, "Arena")]
    assert len(records["organisations"]) == 1


# ---- releases from many publishers (issue 14): locations from the place gazetteer
# Examples written for these tests.


@pytest.mark.parametrize("text, lang, name, location", [
    ("Fjellteknikk Cluster er ei klynge med hovudkontor på Voss.", "nn",
     "Fjellteknikk Cluster", "Voss"),
    ("Fjellteknikk Cluster har sitt hovudkontor på Heiane på Stord.", "nn",
     "Fjellteknikk Cluster", "Stord"),
    ("The Halden-based Fjord Data Cluster has 40 members.", "en", "Fjord Data Cluster", "Halden"),
    ("Fjord Data Cluster er en klynge med utspring i Stavanger-regionen.", "nb",
     "Fjord Data Cluster", "Stavanger"),
    ("Fjord Data Cluster is headquartered in the Bergen region.", "en",
     "Fjord Data Cluster", "Bergen"),
])
def test_clusters_location_from_place_gazetteer(text, lang, name, location):
    clusters, _ = run(text, lang=lang)
    assert by_name(clusters)[name].location == location


def test_clusters_lone_cluster_located_by_cluster_sentences_and_title():
    text = ("Tromsøs havklynge får Arena-status\n\nNordlys Ocean Cluster er tatt opp i "
            "Arena-programmet.\n\nKlyngesamarbeidet samler bedrifter i hele landsdelen.")
    clusters, _ = run(text)
    assert [(c.name, c.location) for c in clusters] == [("Nordlys Ocean Cluster", "Tromsø")]


def test_clusters_lone_cluster_located_where_the_release_keeps_returning():
    text = ("Nordlys Ocean Cluster arrangerte konferanse.\n\nKonferansen samlet 200 deltakere "
            "i Tromsø. I Tromsø finnes sterke fagmiljøer, sier ordføreren. Også Bodø var med.")
    ents = _all(text, "GPE", "Tromsø") + [_ent(text, "GPE", "Bodø")]
    clusters, _ = run(text, entities=ents)
    assert clusters[0].location == "Tromsø"
    # a place inside the cluster's own name does not place it
    text = "Oslo Fish Cluster i vekst.\n\nOslo Fish Cluster har 30 medlemmer. Oslo Fish Cluster vokser."
    clusters, _ = run(text, entities=_all(text, "ORG", "Oslo Fish Cluster"))
    assert clusters[0].location is None


@pytest.mark.parametrize("text, lang, name, status", [
    ("Fjord Data Cluster ble tatt opp i Arena-programmet i fjor.", "nb", "Fjord Data Cluster", "Arena"),
    ("Fjord Data Cluster blei tatt opp i Norwegian Innovation Clusters sitt arenaprogram.", "nn",
     "Fjord Data Cluster", "Arena"),
    ("Fjord Data Cluster har vorte gjeve status som NCE.", "nn", "Fjord Data Cluster", "NCE"),
    ("Fjord Data Cluster fikk Arenastatus i 2014.", "nb", "Fjord Data Cluster", "Arena"),
    ("Fjord Data Cluster has been granted Arena Pro status.", "en", "Fjord Data Cluster", "Arena Pro"),
    ("In 2009 Fjord Data Cluster was awarded NCE (Norwegian Centres of Expertise) status.", "en",
     "Fjord Data Cluster", "NCE"),
    ("Fjord Data Cluster is a Norwegian Centre of Expertise (NCE).", "en", "Fjord Data Cluster", "NCE"),
    ("The Arena Pro cluster Fjord Data Norway hosts the event.", "en", "Fjord Data Norway", "Arena Pro"),
    ("The Arena cluster Fjord Data Norway hosts the event.", "en", "Fjord Data Norway", "Arena"),
    ("Arena-klyngen Fjord Data Cluster har 30 medlemmer.", "nb", "Fjord Data Cluster", "Arena"),
])
def test_clusters_status_in_every_phrasing(text, lang, name, status):
    clusters, _ = run(text, lang=lang)
    assert [(c.name, c.status) for c in clusters] == [(name, status)]


def test_clusters_one_record_for_described_and_bare_name():
    text = ("Arena-klyngen Fjord Data Cluster har 48 medlemmer. Fjord Data Cluster vokser. "
            "Klyngen ble tatt opp i Arena-programmet i 2019.")
    clusters, _ = run(text)
    assert [(c.name, c.status, c.members, c.location) for c in clusters] == \
        [("Fjord Data Cluster", "Arena", 48, None)]


@pytest.mark.parametrize("text, lang, members, partners", [
    ("Fjord Data Cluster vokser. De 84 medlemmene kommer fra hele landet.", "nb", 84, None),
    ("Fjord Data Cluster is a member organisation with 90+ members. Around 30 of the members "
     "work in the park.", "en", 90, None),
    ("Fjord Data Cluster vokser.\n\nI dag er det 29 medlemsbedrifter, og 12 bedrifter venter.",
     "nb", 29, None),
    ("Fjord Data Cluster har 37 partnere.", "nb", None, 37),
    ("Fjord Data Cluster has 85 members.", "en", 85, None),
])
def test_clusters_members_and_partners(text, lang, members, partners):
    clusters, _ = run(text, lang=lang)
    assert [(c.members, c.partners) for c in clusters] == [(members, partners)]


@pytest.mark.parametrize("text, lang, names", [
    # a caption list of people and their employers is no list of clusters
    ("Klyngene på møtet:\n\n• Kari Nordmann, Fjordkraft\n• Ola Hansen, HVL\n", "nb", []),
    # services and levels of a programme are no clusters
    ("Services of the cluster programme:\n  • Advice\n  • Matching/Networking\n", "en", []),
    ("It supports clusters at three levels:\n\n  1. Regional clusters in an early phase (Arena);\n"
     "  2. Regional and national clusters (Arena Pro);\n", "en", []),
    ("Programmet gir støtte til klynger. Klyngeprogrammet er nasjonalt.", "nb", []),
    ("Read about Fjord Data Cluster’s vision. In June 2007 Fjord Data Cluster was founded.", "en",
     ["Fjord Data Cluster"]),
    ("Pipeline\nFjord Data Cluster har 20 medlemmer.", "nb", ["Fjord Data Cluster"]),
    ("Helseklyngene Fjord Health Cluster og Nordic Care Cluster slår seg sammen.", "nb",
     ["Fjord Health Cluster", "Nordic Care Cluster"]),
])
def test_clusters_no_fragments_people_or_programme_words(text, lang, names):
    ents = []
    if "Kari" in text:
        ents = [_ent(text, "PER", "Kari Nordmann"), _ent(text, "PER", "Ola Hansen")]
    if "June 2007" in text:
        ents = [_ent(text, "DATE", "June 2007", value="2007-06")]
    clusters, _ = run(text, lang=lang, entities=ents)
    assert [c.name for c in clusters] == names


def test_adjacent_dash_quotes_are_no_list_items():
    # Regression: the cluster code found list items of its own in bullet lines, and took
    # two dash-quote lines in a row (m24-nce-media-50-bedrifter, a web capture) for a
    # list. Its items now are the sections stage's, which reads them as quotes.
    from klynge.records.clusters.document import Doc
    text = ("- Dette hadde man aldri fått til i Oslo. Aldri i verden.\n"
            "- Men ja, dette er unikt for Bergen, sier Anne Jacobsen muntert.\n"
            "Jacobsen er leder for NCE Media, som har 50 medlemmer.\n")
    doc = document(text, published="2019-06-01")
    assert not doc.list_items
    assert Doc(doc, [], []).items == []
    clusters, _ = extract_clusters(text, published="2019-06-01")
    assert [(c.name, c.members) for c in clusters] == [("NCE Media", 50)]
