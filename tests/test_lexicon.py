"""Lexicon (klynge.lexicon): the gazetteer, the one name key, speech verbs."""
from __future__ import annotations

import pytest

from klynge.lexicon import (
    find_gazetteer_names, gazetteer, is_generic, lookup, name_key, speech_verbs,
)
from klynge.rules import registry


def test_lexicon_gazetteer_size_and_lookup():
    gaz = gazetteer()
    assert len(gaz.bodies) >= 80
    assert lookup("Norges Forskningsråd") == lookup("Research Council of Norway") == "forskningsradet"
    assert lookup("Statkraft AS") == "statkraft"
    assert lookup("Regjeringen") is None


@pytest.mark.parametrize("names, body", [
    (["Erhvervsstyrelsen", "Danish Business Authority"], "dk-erst"),
    (["Erhvervshus Fyn"], "dk-eh-fyn"),
    (["Syddansk Universitet", "SDU", "University of Southern Denmark"], "dk-sdu"),
    (["Vinnova", "VINNOVA", "Sweden's Innovation Agency"], "se-vinnova"),
    (["Tillväxtverket"], "se-tillvaxtverket"),
    (["Region Skåne"], "se-region-skane"),
])
def test_lexicon_danish_and_swedish_bodies_are_known_by_every_name(names, body):
    # a body the gazetteer knows is an organisation and never a cluster (the business hub
    # in "... MTIC, Welfare Tech og Erhvervshus Fyn er gået sammen")
    assert {lookup(n) for n in names} == {body}


@pytest.mark.parametrize("lang, text", [
    # review regressions: names that are also common phrases match only as written
    ("da", "Klyngen er vigtig for dansk industri og for dansk erhverv i hele landet.\n"),
    ("da", "Projektet samler fem danske regioner.\n"),
    ("sv", "Klustret är viktigt för svenskt näringsliv. Produkterna formas i Umeå.\n"),
    ("sv", "Teknikföretagen i regionen växer. Det gör teknikföretagen i Umeå också.\n"),
])
def test_lexicon_common_phrases_are_no_bodies(lang, text):
    found = [text[s:e] for s, e, _ in find_gazetteer_names(text)]
    assert [f for f in found if f[:1].islower()] == []


def test_lexicon_gazetteer_names_keep_norwegian_genitive():
    text = "FNs klimapanel og Equinor's plan."
    found = {text[s:e]: gid for s, e, gid in find_gazetteer_names(text)}
    assert "FNs" in found and "Equinor" in found


@pytest.mark.parametrize("word", ["Regjeringen", "regjeringens"])
def test_lexicon_generic_nouns(word):
    assert is_generic(word)


@pytest.mark.parametrize("a,b", [
    ("H2-Cluster", "H2 Cluster"),
    ("H2 Cluster", "H2Cluster"),
    ("H2\u2013Cluster", "h2cluster"),
    ("The Norwegian Hydrogen Cluster", "Norwegian  Hydrogen Cluster"),
    ("Arena Pro–klyngen", "Arena Pro-klyngen"),
])
def test_lexicon_name_key_equal(a, b):
    assert name_key(a) == name_key(b)


@pytest.mark.parametrize("a,b", [("NODE", "NCE NODE"), ("Theta Cluster", "Cluster")])
def test_lexicon_name_key_different(a, b):
    assert name_key(a) != name_key(b)


@pytest.mark.parametrize("lang", registry().codes)
def test_lexicon_speech_verbs_for_every_language(lang):
    assert speech_verbs(lang)


@pytest.mark.parametrize("name,generic", [
    ("Rådhusgata 22", True),             # a street address
    ("Strandpromenaden 2", True),
    ("BYGGER MEDIEKLYNGE", True),        # a caption kicker in capitals
    ("GLOBAL LEADING INDUSTRY CLUSTER", True),
    ("FOTO", True),
    ("GCE SUBSEA", False),               # a cluster name in capitals stays
    ("NCE MCT", False),
    ("Equinor", False),
])
def test_lexicon_addresses_and_capital_headings_are_no_bodies(name, generic):
    assert is_generic(name) is generic


def test_lexicon_names_capitals_include_swedish_letters():
    import re

    from klynge.lexicon import names
    first = re.compile(f"[{names().capitals}]")
    for name in ("Örebro", "Änglamark", "Åsa", "Ørsted", "Ærø", "Émile"):
        assert first.match(name), name
    assert not first.match("öberg")


@pytest.mark.parametrize("name,stripped", [
    ("Equinor ASA", "Equinor"), ("Statkraft AS", "Statkraft"), ("Siemens AB", "Siemens"),
    ("Nordisk Film ApS", "Nordisk Film"), ("Nammo Raufoss", "Nammo Raufoss"),
])
def test_lexicon_legal_suffixes_come_from_names_yaml(name, stripped):
    from klynge.lexicon import names, strip_legal_suffix
    assert strip_legal_suffix(name) == stripped
    assert {"AS", "ASA"} <= set(names().legal_suffixes)


@pytest.mark.parametrize("surface,place", [
    ("Stavanger-regionen", "Stavanger"), ("Bergensregionen", "Bergen"),
    ("the Stavanger region", "Stavanger"), ("Hamarregionen", "Hamar"), ("Bergens", "Bergen"),
    ("Atlantis-regionen", None),
])
def test_lexicon_place_name_region_around_a_town(surface, place):
    from klynge.lexicon import place_name
    assert place_name(surface) == place


@pytest.mark.parametrize("text,literal,after", [
    # surnames after their full names, with genitives (people.surname_mentions)
    ("Monica Mæland åpnet. Mælands tale var kort, sa Mæland-Hansen og Mæland.", "Mæland",
     r"(?=(?:’s|'s|s)?(?![\w]))"),
    ("Gisle Nondal said so; Nondal's team and xNondal agreed with Nondal’s plan.", "Nondal",
     r"(?=(?:’s|'s|s)?(?![\w]))"),
    ("Lars Rasmussen, Rasmussens datter og Rasmussen", "Rasmussen", r"(?=(?:s)?(?![\w]))"),
    # a name the model found once, repeated (organisations._repeated_names)
    ("Cluster for Applied AI i Bergen. Cluster for Applied AIs nye leder; -Cluster for "
     "Applied AI", "Cluster for Applied AI", r"(?![\w])"),
    # an abbreviation defined in brackets (organisations._group_mentions)
    ("Norsk Katapult (NK) og NKs partnere; NKX er ikke NK, men NK.", "NK", r"(?=s?(?!\w))"),
    ("Jonas Gahr Støre och Støres regering; Støre", "Støre", r"(?=(?:s)?(?![\w]))"),
    ("aaa aa a", "aa", r"(?![\w])"),  # overlapping candidates: left to right, no overlap
    # a known organisation's name elsewhere in the text (entities._lexicon_names_first)
    ("Maritime CleanTech og Maritime CleanTech-klyngen; NCE Maritime CleanTech", "Maritime CleanTech",
     r"(?![\w-])"),
])
def test_lexicon_literal_mentions_are_the_regex_s_matches(text, literal, after):
    import re

    from klynge.lexicon import NAME_START, literal_mentions, zero_width
    expected = [m.span() for m in re.finditer(NAME_START.pattern + re.escape(literal) + after, text)]
    assert list(literal_mentions(text, literal, zero_width(after))) == expected
    assert expected  # each example has a mention


# ---- Danish and Swedish places (rules/shared/places_dk_se.yaml)

@pytest.mark.parametrize("surface,place", [
    # towns in their local form, also from GeoNames' English name
    ("Västerås", "Västerås"), ("Örnsköldsvik", "Örnsköldsvik"), ("Borås", "Borås"),
    ("Sønderborg", "Sønderborg"), ("København", "København"), ("Copenhagen", "København"),
    ("Göteborg", "Göteborg"), ("Gothenburg", "Göteborg"), ("Århus", "Aarhus"),
    ("Göteborgsregionen", "Göteborg"), ("Växjös", "Växjö"),
    # counties as the gold writes them: without "län" and its genitive -s
    ("Kronobergs län", "Kronoberg"), ("Västra Götalands län", "Västra Götaland"),
    ("Skåne län", "Skåne"), ("Västra Götaland", "Västra Götaland"), ("Hovedstaden", "Hovedstaden"),
    # provinces and regions by hand
    ("Värmland", "Värmland"), ("Småland", "Småland"), ("Ångermanland", "Ångermanland"),
    ("Fyn", "Fyn"), ("Sønderjylland", "Sønderjylland"),
    # left out: a common word, the inner city
    ("Greve", None), ("Indre By", None),
])
def test_lexicon_place_name_danish_and_swedish(surface, place):
    from klynge.lexicon import place_name
    assert place_name(surface) == place


def test_lexicon_danish_and_swedish_places_sizes():
    from klynge.lexicon import nordic_places
    by = {c.country: c for c in nordic_places().countries}
    assert len([s for s in by["SE"].subdivisions]) == 21
    assert len(by["DK"].subdivisions) == 5
    provinces = ["Skåne", "Blekinge", "Halland", "Småland", "Öland", "Gotland", "Västergötland",
                 "Bohuslän", "Dalsland", "Östergötland", "Närke", "Södermanland", "Uppland",
                 "Västmanland", "Värmland", "Dalarna", "Gästrikland", "Hälsingland",
                 "Härjedalen", "Jämtland", "Medelpad", "Ångermanland", "Västerbotten",
                 "Norrbotten", "Lappland"]
    assert set(provinces) <= set(by["SE"].regions) and len(set(provinces)) == 25


def test_lexicon_a_norwegian_place_comes_first_and_only_towns_are_municipalities():
    from klynge.lexicon import is_municipality, place_name
    # "Lund" is a Rogaland municipality and a Swedish town: one name either way
    assert place_name("Lund") == "Lund" and is_municipality("Lund")
    assert is_municipality("Västerås") and is_municipality("Sønderborg")
    assert not is_municipality("Kronoberg") and not is_municipality("Värmland")


def _nordic(**country):
    base = {"country": "SE", "regions": ["Värmland"],
            "subdivisions": [{"code": "SE-S", "name": "Värmland", "forms": ["Värmlands län"]}],
            "towns": [{"geonameid": 2701680, "name": "Karlstad"}]}
    base.update(country)
    return {"source": "test", "countries": [base]}


@pytest.mark.parametrize("country", [
    {"towns": [{"geonameid": 1, "name": "Karlstad"}, {"geonameid": 1, "name": "Kil"}]},
    {"local_names": {2711537: "Göteborg"}},                 # no such town listed
    {"local_names": {2701680: "Carlstad"}},                 # the town is written otherwise
    {"exclude": {2701680: "Karlstad"}},                     # excluded but listed
    {"subdivisions": [{"code": "DK-84", "name": "Hovedstaden"}]},   # another country's
    {"subdivisions": [{"code": "SE S", "name": "Värmland"}]},       # no ISO 3166-2 code
    {"regions": ["Värmland", "värmland"]},
    {"regions": [" Skåne"]},
    {"country": "Sverige"},
    {"towns": [{"geonameid": 2701680, "name": "Karlstad", "population": 61492}]},
])
def test_lexicon_danish_and_swedish_places_refuse_bad_entries(country):
    from pydantic import ValidationError
    from klynge.lexicon import NordicPlaces
    from klynge.rules import validate_rule_data
    validate_rule_data("shared", _nordic(), NordicPlaces)  # the base is valid
    with pytest.raises(ValidationError):
        validate_rule_data("shared", _nordic(**country), NordicPlaces)
