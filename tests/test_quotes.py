"""Quotes and speakers, from real press-release paragraphs (nb, nn, en).

Paragraphs come from the IFE seed release and regjeringen.no releases (NLOD 2.0), trimmed;
entities are written by hand the way the NER model gives them.
"""
from __future__ import annotations


import pytest

from klynge.records.organisations import resolve_organisations
from klynge.records.people import extract_people
from klynge.records.quotes import extract_quotes
from tests.helpers import document, ents






def quotes_of(text: str, pers: list, lang: str, section_langs=None) -> list[dict]:
    entities = ents(text, *[(p, "PER") if isinstance(p, str) else (p[0], "PER", p[1]) for p in pers])
    doc = document(text, entities, lang, section_langs=section_langs or ())
    people = extract_people(doc, resolve_organisations(doc))
    quotes = extract_quotes(doc, people)
    for q in quotes:  # the offsets contract
        assert text[q["start"]:q["end"]] == q["text"]
    return quotes


SEED = (
    "Regjeringen utnevnte i dag nye næringsklynger med digital og grønn profil.\n\n"
    "– Vi er svært glade over at både Cluster for Applied AI i Halden og H2Cluster får Arena-status som klynger "
    "av Innovasjon Norge. Dette er et viktig steg i å skape ytterligere innovasjon og verdi for samfunnet. Både "
    "hydrogenteknologi og kunstig intelligens (AI) er viktige satsingsområder for IFE, sier IFEs administrerende "
    "direktør Nils Morten Huseby.\n\n"
    "Ni nye miljøer blir tatt opp i det nasjonale programmet for næringsklynger. – Vårt nasjonale klyngeprogram "
    "har hatt stor betydning for bedriftene i klyngene, for utvikling av miljøenes og regionenes innovasjonskraft "
    "og attraktivitet, og dermed for utvikling av norsk næringsliv. Klyngeprosjektene viser at gjennom samarbeid "
    "er det fullt mulig å være i front. Målrettet samarbeid og læring er avgjørende for å hele tiden bli bedre, "
    "som er viktig for å overleve i markeder med tøff konkurranse, sier næringsminister Iselin Nybø.\n\n"
    "– De nye klyngene representerer hele spennet i næringslivet. Felles for alle er at de har en grønn profil og "
    "representerer en nødvendig omstilling av næringslivet. Disse klyngene vil kunne bidra til å skape nye "
    "arbeidsplasser og sørge for vekst og utvikling i hele landet, sier distrikts- og digitaliseringsminister "
    "Linda Hofstad Helleland.\n\n"
    "Representanter fra Innovasjon Norge, Siva og Forskningsrådet har gjennomført en grundig vurdering."
)


@pytest.fixture(scope="module")
def seed_quotes() -> list[dict]:
    return quotes_of(SEED, ["Nils Morten Huseby", "Iselin Nybø", "Linda Hofstad Helleland"], "nb")


def test_seed_quote_count(seed_quotes):
    assert len(seed_quotes) == 3


@pytest.mark.parametrize("i,speaker,first_words,last_words", [
    (0, "Nils Morten Huseby", "Vi er svært glade", "viktige satsingsområder for IFE"),
    (1, "Iselin Nybø", "Vårt nasjonale klyngeprogram", "markeder med tøff konkurranse"),
    (2, "Linda Hofstad Helleland", "De nye klyngene", "vekst og utvikling i hele landet"),
])
def test_seed_quotes(seed_quotes, i, speaker, first_words, last_words):
    q = seed_quotes[i]
    assert q["speaker"] == speaker
    assert q["text"].startswith(first_words)  # no dash
    assert q["text"].endswith(last_words)  # no ", sier ..." tail, no comma
    assert SEED[q["speaker_start"]:].startswith(speaker)


# (lang, text, PER surfaces, [(speaker, quote start words), ...])
CASES = [
    ("nb",  # "sier statsråden" after a named minister; hyphen dashes
     "- Kompetansesenteret er en nyskaping og skal være både kunnskapsbase og støttespiller, sier kommunal- og "
     "regionalminister Åslaug Haga.\n\n"
     "- Stedene er vurdert ut fra retningslinjene for lokalisering av statlige arbeidsplasser, sier statsråden. "
     "Det er en fordel å kunne dra nytte av flere eksisterende miljøer.",
     ["Åslaug Haga"], [("Åslaug Haga", "Kompetansesenteret er"), ("Åslaug Haga", "Stedene er vurdert")]),
    ("nb",  # surname only, role + surname
     "- Vi er stolte over å ha næringsmiljøer i Norge som er ledende, sier kommunal- og regionalminister Kleppa.\n\n"
     "- I den globale konkurransen står bedriftene ofte sterkere, sier statssekretær Slåke i NHD.\n\n"
     "- Dette er virkelig regionalpolitikk i praksis, sier kommunal- og regionalminister Magnhild Meltveit Kleppa.",
     ["Kleppa", "Slåke", "Magnhild Meltveit Kleppa"],
     [("Magnhild Meltveit Kleppa", "Vi er stolte"), ("Slåke", "I den globale"),
      ("Magnhild Meltveit Kleppa", "Dette er virkelig")]),
    ("nb",  # "sier han" resolves to the last named speaker
     "– Vi må gjøre vårt for at utviklingslandene tar et teknologisk sprang, sier miljø- og utviklingsminister "
     "Erik Solheim.\n\n"
     "– Dette fondet vil kunne bli en prototyp på en investeringsmekanisme, sier han.",
     ["Erik Solheim"], [("Erik Solheim", "Vi må gjøre"), ("Erik Solheim", "Dette fondet")]),
    ("nb",  # a compound role noun: "sier utenriksministeren"
     "Utenriksminister Børge Brende er i Liberia.\n\n"
     "- Det er et akutt behov for en kraftig oppskalering av innsatsen, sier utenriksministeren.",
     ["Børge Brende"], [("Børge Brende", "Det er et akutt")]),
    ("nb",  # mid-paragraph dash after a sentence naming the speaker
     "Digitaliseringsminister Nikolai Astrup ønsker innspill til regjeringens arbeid med en nasjonal strategi for "
     "kunstig intelligens (KI). – Jeg har allerede møtt mange spennende miljøer og virksomheter, sier Astrup.",
     ["Nikolai Astrup", "Astrup"], [("Nikolai Astrup", "Jeg har allerede")]),
    ("nb",  # "sa" and a party in brackets
     "– Kunstig intelligens krever menneskelig og politisk intelligens, sa statsminister Jonas Gahr Støre (Ap) da "
     "han markerte starten på arbeidet.",
     ["Jonas Gahr Støre"], [("Jonas Gahr Støre", "Kunstig intelligens krever")]),
    ("nb",  # no space after the dash, two speakers
     "-Enova er et av de viktigste verktøyene i regjeringens politikk, sier klima- og miljøminister Ola Elvestuen.\n\n"
     "-Vi har hatt en god og konstruktiv prosess, sier administrerende direktør i Enova Nils Kristian Nakstad.",
     ["Ola Elvestuen", "Nakstad"], [("Ola Elvestuen", "Enova er et av"), ("Nils Kristian Nakstad", "Vi har hatt")]),
    ("nb",  # guillemets with a speech verb
     "«Vi må satse på havvind nå», sier næringsminister Jan Christian Vestre.",
     ["Jan Christian Vestre"], [("Jan Christian Vestre", "Vi må satse på havvind nå")]),
    ("nb",  # a quote paragraph without a verb continues the speaker before it
     "- For å opprettholde et bærekraftig velferdssamfunn må vi jobbe smartere, sier digitaliseringsminister "
     "Nikolai Astrup.\n\n"
     "- Vi må utnytte den innovasjonskraften som ligger i kunstig intelligens – både i offentlig sektor og "
     "næringslivet.",
     ["Nikolai Astrup"], [("Nikolai Astrup", "For å opprettholde"), ("Nikolai Astrup", "Vi må utnytte")]),
    ("nn",  # seier, then surname
     "– Investeringar i forsking og innovasjon er avgjerande for å sikre konkurranseevna, seier nærings- og "
     "handelsminister Sylvia Brustad.\n\n"
     "Ho viser til at inga regjering tidlegare har sett av like mykje pengar til forsking.\n\n"
     "– Vi styrker virkemidla som skal hjelpe næringslivet, seier Brustad.",
     ["Sylvia Brustad", "Brustad"], [("Sylvia Brustad", "Investeringar i forsking"), ("Sylvia Brustad", "Vi styrker")]),
    ("nn",  # mid-paragraph dash after a sentence, Nynorsk
     "Regjeringa føreslår å bruke 34,5 millionar kroner til Norwegian Centres of Expertise neste år. – Det er eit "
     "nytt program for å styrkje dei mest vekstkraftige næringsklyngjene, seier kommunal- og regionalminister "
     "Erna Solberg.",
     ["Erna Solberg"], [("Erna Solberg", "Det er eit nytt program")]),
    ("nn",  # "seier ho"
     "– Næringshageprogrammet er viktig, seier kommunal- og regionalminister Liv Signe Navarsete.\n\n"
     "– Ut av slike miljø veks nye idear og nye bedrifter, seier ho.",
     ["Liv Signe Navarsete"], [("Liv Signe Navarsete", "Næringshageprogrammet"), ("Liv Signe Navarsete", "Ut av slike")]),
    ("en",  # 'said Minister X', then 'said Mr X'
     "Norway is providing an additional NOK 15 million. ‘The outbreak of Ebola virus disease in West Africa is cause "
     "for great concern,’ said Minister of Foreign Affairs Børge Brende.\n\n"
     "‘Norway is now allocating a further NOK 5 million to the work of Médecins Sans Frontières and NOK 10 million "
     "to WHO,’ said Mr Brende.",
     ["Børge Brende", "Brende"], [("Børge Brende", "The outbreak of Ebola"), ("Børge Brende", "Norway is now")]),
    ("en",  # 'X said' after the closing mark, and an apostrophe inside the quote
     "‘I am extremely concerned by the large number of displaced people. We hope Norway’s contribution can help to "
     "keep the civilian population of Sudan from having to flee,’ Ms Tvinnereim said.",
     ["Ms Tvinnereim"], [("Tvinnereim", "I am extremely concerned")]),
    ("en",  # 'says X, role' then a second quote without a verb in the same paragraph
     "“The sea is one of the most important areas of future Norwegian focus,” says Torbjørn Røe Isaksen, Norway’s "
     "Minister of Trade and Industry. “Our coastline is one of the world’s longest and we manage marine areas that "
     "occupy more than six times the area of our land.”",
     ["Torbjørn Røe Isaksen"],
     [("Torbjørn Røe Isaksen", "The sea is one"), ("Torbjørn Røe Isaksen", "Our coastline is")]),
    ("en",  # dashes in English, 'says the Minister of ...'
     "- Following a comprehensive assessment, the Government has determined that discontinuation is now the right "
     "solution, says Minister of Trade and Industry Monica Mæland (Conservative Party).\n\n"
     "- The market outlook for coal is still challenging, says the Minister of Trade and Industry.\n\n"
     "- There will be considerable activity at Svea and Lunckefjell during the clean-up period, says Mæland.",
     ["Monica Mæland", "Mæland"],
     [("Monica Mæland", "Following a"), ("Monica Mæland", "The market outlook"), ("Monica Mæland", "There will be")]),
    ("en",  # em dash and 'Mrs.' after the role
     "— Carbon capture and storage (CCS) is important to achieve the goals of the Paris Agreement, says Minister of "
     "Petroleum and Energy, Mrs. Tina Bru.",
     ["Tina Bru"], [("Tina Bru", "Carbon capture and storage")]),
    ("en",  # double straight quotes
     "\"We are proud of the cluster,\" said CEO Jane Doe.",
     ["Jane Doe"], [("Jane Doe", "We are proud of the cluster")]),
]


@pytest.mark.parametrize("lang,text,pers,expected", CASES)
def test_quotes_and_speakers(lang, text, pers, expected):
    quotes = quotes_of(text, pers, lang)
    got = [(q["speaker"], q["text"]) for q in quotes]
    assert len(got) == len(expected), got
    for (speaker, text_q), (want_speaker, start_words) in zip(got, expected):
        assert speaker == want_speaker
        assert text_q.startswith(start_words)
        assert not text_q.endswith(","), text_q


@pytest.mark.parametrize("lang,text", [
    ("nb", "På NTNU møtte statsministeren førsteamanuensis Inga Strümke, som har gitt ut boken «Maskiner som tenker»."),
    ("nb", "I stortingsmeldinga \"Verdens fremste sjømatnasjon\" lanserer regjeringa sine forslag."),
    ("en", "The strategy covers:\n\n- Ensuring that Norway can exploit commercial opportunities linked to artificial "
           "intelligence.\n- Research and higher education."),
    ("nb", "Tidspunkt: 10.00 – 11.30\nSted: Bergen"),
    ("nb", "Nytt program skal styrkje innovasjonspolitikken – Norwegian Centres of Expertise"),
])
def test_not_quotes(lang, text):
    assert quotes_of(text, [], lang) == []


def test_quote_text_excludes_dash_and_tail_offsets():
    text = "– Vi er glade, sier næringsminister Iselin Nybø."
    (q,) = quotes_of(text, ["Iselin Nybø"], "nb")
    assert (q["start"], q["end"], q["text"]) == (2, 13, "Vi er glade")
    assert q["speaker_start"] == text.index("Iselin Nybø")


def test_unknown_speaker_name_is_kept():
    text = "– Dette er en god dag for klyngen, sier Hansen."
    (q,) = quotes_of(text, [], "nb")
    assert q["speaker"] == "Hansen"


def test_quote_without_verb_or_earlier_speaker_has_no_speaker():
    text = "Norge gir mer.\n\n– Krigen i Syria må stoppes. Det hviler et tungt ansvar på deltakerne på konferansen."
    (q,) = quotes_of(text, [], "nb")
    assert q["speaker"] is None and q["speaker_start"] is None


def test_english_quote_in_norwegian_release_uses_english_rules():
    text = ("Klyngen fikk Arena-status i dag.\n\n"
            "‘We are delighted that the cluster has been selected for the programme,’ said CEO Jane Doe.")
    start = text.index("‘We")
    quotes = quotes_of(text, ["Jane Doe"], "nb", section_langs=[(start, len(text), "en")])
    assert [(q["speaker"], q["text"][:15]) for q in quotes] == [("Jane Doe", "We are delighte")]
