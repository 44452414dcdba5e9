"""Roles and organisations in the shapes releases from many publishers use (issue 14):
short constructed sentences in the style of cluster secretariats and the trade press."""
from __future__ import annotations

import pytest

from klynge.records.organisations import resolve_organisations
from klynge.records.people import extract_people
from tests.helpers import ents, sentences


def person(text: str, specs: list[tuple], lang: str, name: str) -> dict:
    entities = ents(text, *specs)
    orgs = resolve_organisations(text, entities, lang)
    found = [p for p in extract_people(text, entities, sentences(text), lang, orgs)
             if p["name"] == name]
    assert len(found) == 1
    return found[0]


# (lang, text, entities, name, roles, organisation)
CASES = [
    # a modifier that says when the role is taken or left is not part of it
    ("nb", "F.v. Kari Vik (påtroppende daglig leder i NCE Media) og Per Dal.",
     [("Kari Vik", "PER"), ("NCE Media", "ORG"), ("Per Dal", "PER")],
     "Kari Vik", ["daglig leder"], "NCE Media"),
    ("nb", "Ola Rud (avtroppende direktør i Media Region Bergen) takket.",
     [("Ola Rud", "PER"), ("Media Region Bergen", "ORG")], "Ola Rud", ["direktør"],
     "Media Region Bergen"),
    # the role's field in brackets
    ("nn", "Frå venstre: Geir Dal (direktør forretningsutvikling), Tor Vik (prosjektleiar).",
     [("Geir Dal", "PER"), ("Tor Vik", "PER")], "Geir Dal", ["direktør forretningsutvikling"], None),
    ("nn", "Marius Li (kommunikasjonskonsulent) og Kari Ek (kommunikasjonsrådgiver).",
     [("Marius Li", "PER"), ("Kari Ek", "PER")], "Kari Ek", ["kommunikasjonsrådgiver"], None),
    # a role before a colon
    ("nb", "Pressekontakt: Astrid Lie, mob 900 00 000", [("Astrid Lie", "PER")], "Astrid Lie",
     ["pressekontakt"], None),
    # the body after "role NAME i": known or not, never a place
    ("nb", "– En milliard, sier direktør Klas Berg i Nora.", [("Klas Berg", "PER"), ("Nora", "GPE")],
     "Klas Berg", ["direktør"], None),
    ("nb", "– Det er stort, sier direktør Klas Berg i Kunnskapsbyen Lillestrøm og styreleder Eva Li.",
     [("Klas Berg", "PER"), ("Eva Li", "PER")], "Klas Berg", ["direktør"], "Kunnskapsbyen Lillestrøm"),
    ("nb", "Det sa næringsminister Jan Vestre i Stavanger torsdag.", [("Jan Vestre", "PER"),
                                                                   ("Stavanger", "GPE")],
     "Jan Vestre", ["næringsminister"], None),
    # a description before a known body
    ("nb", "Det sier Knut Moe, administrerende direktør i programvareselskapet eSmart Systems.",
     [("Knut Moe", "PER"), ("eSmart Systems", "ORG")], "Knut Moe", ["administrerende direktør"],
     "eSmart Systems"),
    # a body alone in brackets, even one the model took for a person
    ("nb", "Styringsgruppen: Nina Holm (Ballard) og Vegard Dahl (Hexagon).",
     [("Nina Holm", "PER"), ("Ballard", "PER"), ("Vegard Dahl", "PER"), ("Hexagon", "LOC")],
     "Nina Holm", [], "Ballard"),
    ("nb", "Marte Ek (EU-rådgjevar) og Tore Boge.", [("Marte Ek", "PER"), ("Tore Boge", "PER")],
     "Marte Ek", [], None),
    # a role with its place between two names of a list is the second person's
    ("nb", "Møter med presidenten i Liberia, Ellen Sirleaf, FNs spesialrepresentant for Liberia, "
           "Karin Landgren, og andre.",
     [("Liberia", "GPE"), ("Ellen Sirleaf", "PER"), ("FNs", "ORG"), ("Liberia", "GPE", 1),
      ("Karin Landgren", "PER")], "Ellen Sirleaf", [], None),
    ("nb", "Møter med Ellen Sirleaf, FNs spesialrepresentant for Liberia, Karin Landgren, og andre.",
     [("Ellen Sirleaf", "PER"), ("FNs", "ORG"), ("Liberia", "GPE"), ("Karin Landgren", "PER")],
     "Karin Landgren", ["spesialrepresentant"], "FN"),
    ("en", "Opening the event, Toastmaster Arne Dahl presented the minister.", [("Arne Dahl", "PER")],
     "Arne Dahl", ["Toastmaster"], None),
    ("en", "It will help new studies,” says Helge Dal, Dean of the Faculty.", [("Helge Dal", "PER")],
     "Helge Dal", ["Dean"], None),
    ("en", "Ann Moe, head of projects at Ocean Hyway Cluster, said.", [("Ann Moe", "PER"),
                                                                   ("Ocean Hyway Cluster", "ORG")],
     "Ann Moe", ["head of projects"], "Ocean Hyway Cluster"),
]


@pytest.mark.parametrize("lang,text,specs,name,roles,org", CASES)
def test_people_roles_and_bodies_from_many_publishers(lang, text, specs, name, roles, org):
    p = person(text, specs, lang, name)
    assert [r.casefold() for r in p["roles"]] == [r.casefold() for r in roles]
    assert p["organisation"] == org
