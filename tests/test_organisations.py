"""Organisations: model ORG spans cleaned and merged with the gazetteer.

Texts are real sentences from the IFE seed release and regjeringen.no releases (NLOD 2.0);
the entity lists are written by hand the way the NER model gives them, errors included.
"""
from __future__ import annotations

import pytest

from klynge.records.organisations import resolve_organisations
from tests.helpers import document, ents


def by_name(orgs: list[dict]) -> dict[str, dict]:
    return {o["name"]: o for o in orgs}


SEED = (
    "Regjeringen utnevnte i dag nye næringsklynger med digital og grønn profil.\n\n"
    "– Vi er svært glade over at både Cluster for Applied AI i Halden og H2Cluster får Arena-status "
    "som klynger av Innovasjon Norge. Dette er et viktig steg i å skape ytterligere innovasjon og verdi "
    "for samfunnet. Både hydrogenteknologi og kunstig intelligens (AI) er viktige satsingsområder for IFE, "
    "sier IFEs administrerende direktør Nils Morten Huseby.\n\n"
    "Representanter fra Innovasjon Norge, Siva og Forskningsrådet har gjennomført en grundig vurdering "
    "av alle søknadene, individuelt og i plenum og med innspill fra fylkeskommunene.\n\n"
    "Utvikling av klynger er en viktig del av regjeringens næringspolitikk.\n\n"
    "Nærings- og fiskeridepartementet og Kommunal- og moderniseringsdepartementet finansierer programmet, "
    "mens Innovasjon Norge er ansvarlig for å forvalte ordningen, i samarbeid med Norges Forskningsråd og Siva."
)
# As the interim model tags it: generic "Regjeringen", the genitive "IFEs", a partial
# "Applied AI", the term "AI", the two ministries as one span, "Siva" missed.
SEED_ENTS = ents(
    SEED, ("Regjeringen", "ORG"), ("Applied AI", "ORG"), ("H2Cluster", "ORG"), ("Innovasjon Norge", "ORG"),
    ("AI", "ORG", 1), ("IFE", "ORG", 0), ("IFEs", "ORG"), ("Innovasjon Norge", "ORG", 1),
    ("Forskningsrådet", "ORG"), ("regjeringens", "ORG"),
    ("Nærings- og fiskeridepartementet og Kommunal- og moderniseringsdepartementet", "ORG"),
    ("Norges Forskningsråd", "ORG"),
)


@pytest.fixture(scope="module")
def seed_orgs() -> list[dict]:
    return resolve_organisations(document(SEED, SEED_ENTS, "nb"))


@pytest.mark.parametrize("name", [
    "IFE", "Innovasjon Norge", "Siva", "Norges Forskningsråd",
    "Nærings- og fiskeridepartementet", "Kommunal- og moderniseringsdepartementet", "H2Cluster",
])
def test_seed_organisations_found(seed_orgs, name):
    assert name in by_name(seed_orgs)


@pytest.mark.parametrize("not_an_org", ["Regjeringen", "regjeringens", "AI", "IFEs", "Nærings- og fiskeridepartementet og Kommunal- og moderniseringsdepartementet"])
def test_seed_noise_dropped(seed_orgs, not_an_org):
    assert not_an_org not in by_name(seed_orgs)
    assert all(not_an_org not in o["aliases"] for o in seed_orgs)


def test_seed_research_council_is_one_body_with_alias(seed_orgs):
    council = [o for o in seed_orgs if o["gazetteer_id"] == "forskningsradet"]
    assert len(council) == 1
    assert council[0]["name"] == "Norges Forskningsråd"
    assert council[0]["aliases"] == ["Forskningsrådet"]
    assert len(council[0]["mentions"]) == 2


def test_seed_mentions_are_exact_and_in_order(seed_orgs):
    firsts = [o["mentions"][0][0] for o in seed_orgs]
    assert firsts == sorted(firsts)
    for o in seed_orgs:
        for s, e in o["mentions"]:
            assert SEED[s:e] in [o["name"], *o["aliases"]]
    ife = by_name(seed_orgs)["IFE"]
    assert len(ife["mentions"]) == 2  # "for IFE," and the genitive "IFEs" without its s


@pytest.mark.parametrize("text,span,lang,expected", [
    ("Det sier IFEs administrerende direktør.", "IFEs", "nb", "IFE"),
    ("Pengene går gjennom Innovasjon Norges ordninger.", "Innovasjon Norges", "nb", "Innovasjon Norge"),
    ("Statkrafts anlegg ligger i Nordland, og Statkraft bygger mer.", "Statkrafts", "nb", "Statkraft"),
    ("Mills har fabrikk i Oslo.", "Mills", "nb", "Mills"),
    ("Siva eier næringshager.", "Siva", "nb", "Siva"),
    ("Enova støtter prosjektet.", "Enova", "nb", "Enova"),
    ("Equinor's press release: Go-ahead for the Northern Lights project.", "Equinor's", "en", "Equinor"),
    ("Statkraft AS har levert.", "Statkraft AS", "nb", "Statkraft AS"),
    ("NOK 5 million to the work of Médecins Sans Frontières.", "Médecins Sans Frontières", "en", "Médecins Sans Frontières"),
    ("Det forvaltes av Noregs forskingsråd.", "Noregs forskingsråd", "nn", "Noregs forskingsråd"),
])
def test_genitive_and_name_endings(text, span, lang, expected):
    orgs = resolve_organisations(document(text, ents(text, (span, "ORG")), lang))
    assert expected in by_name(orgs)


@pytest.mark.parametrize("text,gid", [
    ("Norges forskningsråd og Forskningsrådet er det samme.", "forskningsradet"),
    ("Noregs forskingsråd og Forskingsrådet er det same.", "forskningsradet"),
    ("Innovasjon Norge is called Innovation Norway in English.", "innovasjon-norge"),
    ("Innovasjon Noreg skiftet ikke navn, Innovasjon Norge er bokmål.", "innovasjon-norge"),
    ("SIVA heiter Selskapet for industrivekst, og Siva driv næringshagar.", "siva"),
    ("Nærings- og fiskeridepartementet (NFD) and the Ministry of Trade, Industry and Fisheries.", "nfd"),
    ("Utenriksdepartementet, UD, the Ministry of Foreign Affairs.", "ud"),
    ("Olje- og energidepartementet (OED) and the Ministry of Petroleum and Energy.", "oed"),
    ("Statoil heter nå Equinor.", "equinor"),
    ("FN og the United Nations og UN.", "un"),
    ("Kommunal- og regionaldepartementet og KRD.", "krd"),
    ("Verdens helseorganisasjon og WHO.", "who"),
    ("The Research Council of Norway, also called the Research Council, funds it.", "forskningsradet"),
    ("Norges Røde Kors og Red Cross.", "red-cross"),
    ("Den europeiske union (EU) og the European Union.", "eu"),
])
def test_gazetteer_merges_names(text, gid):
    orgs = resolve_organisations(document(text, [], "nb"))
    matching = [o for o in orgs if o["gazetteer_id"] == gid]
    assert len(matching) == 1
    assert len(matching[0]["mentions"]) >= 2


@pytest.mark.parametrize("text,span,lang", [
    ("Regjeringen utnevnte i dag nye næringsklynger.", "Regjeringen", "nb"),
    ("Regjeringa føreslår å bruke 34,5 millionar kroner.", "Regjeringa", "nn"),
    ("The Government is committed to supporting ocean industries.", "The Government", "en"),
    ("Departementet vil bruke tiden frem mot sommeren 2019.", "Departementet", "nb"),
    ("Klyngen ønsker å samle et fragmentert hydrogenaktørbilde.", "Klyngen", "nb"),
    ("Klynga skal vekse.", "Klynga", "nn"),
    ("Programmet skal stimulere til nettverksbygging.", "Programmet", "nb"),
    ("Styret har vedtatt strategien.", "Styret", "nb"),
    ("Selskapet skal fremme nyskaping.", "Selskapet", "nb"),
    ("Utvikling av klynger er en viktig del av regjeringens næringspolitikk.", "regjeringens", "nb"),
    ("Publisert under: Regjeringen Stoltenberg II", "Stoltenberg II", "nb"),
    ("Olje- og energiminister Tord Lien åpnet møtet.", "Olje- og energiminister", "nb"),
    ("strategi for kunstig intelligens (KI). Vi trenger KI.", "KI", "nb"),
])
def test_non_organisations_dropped(text, span, lang):
    assert resolve_organisations(document(text, ents(text, (span, "ORG")), lang)) == []


def test_person_tagged_as_org_after_role_is_dropped():
    text = "Olje- og energiminister Tord Lien åpnet årsmøtet."
    assert resolve_organisations(document(text, ents(text, ("Tord Lien", "ORG")), "nb")) == []


def test_bracket_abbreviation_becomes_alias_and_mention():
    text = ("Norsk senter for havvind (NSH) ble etablert i 2020. "
            "NSH skal samle næringen, og NSHs styre møtes i morgen.")
    orgs = resolve_organisations(document(text, ents(text, ("Norsk senter for havvind", "ORG")), "nb"))
    assert len(orgs) == 1
    assert orgs[0]["name"] == "Norsk senter for havvind"
    assert orgs[0]["aliases"] == ["NSH"]
    assert len(orgs[0]["mentions"]) == 4  # the bracketed definition counts too


def test_gazetteer_bracket_abbreviation():
    text = "Institutt for energiteknikk (IFE) er partner. IFE har 600 ansatte."
    orgs = resolve_organisations(document(text, ents(text, ("Institutt for energiteknikk", "ORG")), "nb"))
    assert [o["name"] for o in orgs] == ["Institutt for energiteknikk"]
    assert orgs[0]["aliases"] == ["IFE"]
    assert orgs[0]["gazetteer_id"] == "ife"


def test_gazetteer_names_found_without_model():
    text = "Representanter fra Innovasjon Norge, Siva og Forskningsrådet har gjennomført en grundig vurdering."
    orgs = resolve_organisations(document(text, [], "nb"))
    assert [o["name"] for o in orgs] == ["Innovasjon Norge", "Siva", "Forskningsrådet"]
    assert all(text[s:e] == o["name"] for o in orgs for s, e in o["mentions"])


def test_two_ministries_in_one_model_span_split():
    text = "Kommunal- og regionalministeren og statssekretæren i Nærings- og handelsdepartementet og Kommunal- og regionaldepartementet kunngjør."
    span = "Nærings- og handelsdepartementet og Kommunal- og regionaldepartementet"
    orgs = resolve_organisations(document(text, ents(text, (span, "ORG")), "nb"))
    assert [o["gazetteer_id"] for o in orgs] == ["nhd", "krd"]


@pytest.mark.parametrize("text", [
    "EU-kommisjonen har allerede investert 23 millioner euro.",
    "Det gjelder også lo og ud i teksten.",  # lower case: not LO or UD
])
def test_no_false_gazetteer_hits(text):
    ids = [o["gazetteer_id"] for o in resolve_organisations(document(text, [], "nb"))]
    assert "eu" not in ids and "lo" not in ids and "ud" not in ids


def test_model_span_over_line_break_is_cut():
    text = "Publisher: Ministry of Petroleum and Energy\n\nPress Release\n\nNo: 1"
    span = "Ministry of Petroleum and Energy\n\nPress Release\n\nNo"
    orgs = resolve_organisations(document(text, ents(text, (span, "ORG")), "en"))
    assert [o["name"] for o in orgs] == ["Ministry of Petroleum and Energy"]


def test_first_name_swallowed_by_org_span():
    text = "sier administrerende direktør i Enova Nils Kristian Nakstad."
    orgs = resolve_organisations(document(text, ents(text, ("Enova Nils", "ORG"), ("Nakstad", "PER")), "nb"))
    assert [o["name"] for o in orgs] == ["Enova"]


def test_partial_model_span_extended_and_found_again():
    text = ("– Vi er svært glade over at både Cluster for Applied AI i Halden og H2Cluster får Arena-status.\n\n"
            "  • Cluster for Applied AI med 39 medlemmer og 25 samarbeidspartnere har utgangspunkt i Halden.")
    orgs = resolve_organisations(document(text, ents(text, ("Applied AI", "ORG"), ("H2Cluster", "ORG"),
                                                     ("• Cluster", "ORG"), ("Applied AI", "ORG", 1)), "nb"))
    assert [o["name"] for o in orgs] == ["Cluster for Applied AI", "H2Cluster"]
    assert len(orgs[0]["mentions"]) == 2


def test_sentence_initial_head_not_taken():
    text = "Representanter for Siva og Innovasjon Norge var til stede."
    assert [o["name"] for o in resolve_organisations(document(text, ents(text, ("Siva", "ORG")), "nb"))] == ["Siva", "Innovasjon Norge"]


# ---- issue 14: one record per body across languages, ids, no programmes, statuses,
# fragments or people (examples written here)

from klynge.schema import OrganisationOut  # noqa: E402
from klynge.lexicon import name_key  # noqa: E402
from klynge.records import build_records  # noqa: E402


def _records(text: str, entities: list[dict], lang: str = "nb") -> dict:
    return build_records(document(text, entities, lang, sentences=[(0, len(text))]))


def _org(text: str, surface: str, label: str = "ORG") -> dict:
    s = text.index(surface)
    return {"label": label, "start": s, "end": s + len(surface), "text": surface, "source": "model"}


@pytest.mark.parametrize("text, names, gid", [
    ("Innovasjon Norge og Innovation Norway er det same som Innovasjon Noreg.",
     {"Innovasjon Norge", "Innovation Norway", "Innovasjon Noreg"}, "innovasjon-norge"),
    ("Siva, the Industrial Development Corporation of Norway, invests.",
     {"Siva", "Industrial Development Corporation of Norway"}, "siva"),
    ("The Research Council of Norway (Forskningsrådet) funds Norges forskningsråd.",
     {"Research Council of Norway", "Forskningsrådet", "Norges forskningsråd"}, "forskningsradet"),
])
def test_organisations_one_body_across_languages_with_stable_id(text, names, gid):
    orgs = _records(text, [])["organisations"]
    assert len(orgs) == 1
    assert {name_key(n) for n in (orgs[0]["name"], *orgs[0]["aliases"])} >= {name_key(n) for n in names}
    assert orgs[0]["id"] == gid
    assert OrganisationOut.model_validate(orgs[0]).id == gid


@pytest.mark.parametrize("surface", ["Norwegian Innovation Clusters", "Arena-programmet", "NCE",
                                     "GCE", "Arena", "a Norwegian Centre of Expertise"])
def test_organisations_programmes_and_statuses_are_never_organisations(surface):
    text = f"Klyngen er med i {surface} fra i år."
    assert _records(text, [_org(text, surface)])["organisations"] == []


def test_organisations_no_fragments_files_or_people():
    text = ("Kari Nordmann leder Fjordkraft. Ca 20 bedrifter deltok. Bilde: organisasjon.jpg.png. "
            "Toastmaster Kari Nordmann holdt tale.")
    ents = [_org(text, "Kari Nordmann", "PER"), _org(text, "Fjordkraft"), _org(text, "Ca"),
            _org(text, "organisasjon.jpg.png"), _org(text, "Toastmaster Kari Nordmann")]
    names = [o["name"] for o in _records(text, ents)["organisations"]]
    assert names == ["Fjordkraft"]


def test_organisations_cluster_names_are_organisations_not_people():
    text = "Fjord Data Cluster fikk Arena-status. Fjord Data Cluster har 30 medlemmer."
    rec = _records(text, [_org(text, "Fjord Data Cluster", "PER")])
    assert [o["name"] for o in rec["organisations"]] == ["Fjord Data Cluster"]
    assert rec["people"] == []


def test_organisations_cluster_name_without_status_prefix_is_the_cluster():
    from klynge.records import merge_cluster_aliases
    orgs = [{"name": "NCE Maritime CleanTech", "aliases": [], "id": None},
            {"name": "Maritime CleanTech", "aliases": [], "id": None},
            {"name": "Stord24", "aliases": [], "id": None}]
    cluster = {"name": "NCE Maritime CleanTech", "aliases": []}
    out = merge_cluster_aliases(orgs, [cluster])
    assert [(o["name"], o["aliases"]) for o in out] == [
        ("NCE Maritime CleanTech", ["Maritime CleanTech"]), ("Stord24", [])]
