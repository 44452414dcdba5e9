"""Role and name shapes (klynge.records.roles) shared by the record builders."""
from __future__ import annotations

import pytest

from klynge.records.roles import is_role, looks_like_name, role_patterns, speech_verb_before
from klynge.rules import registry


# Every registered language, from the registry: a language added there is tested here.
@pytest.mark.parametrize("lang", registry().codes)
def test_roles_rule_files_validate(lang):
    from klynge.records.quotes import quote_patterns

    assert role_patterns(lang).role_full.fullmatch("CEO")
    assert quote_patterns(lang).rules.speech_verbs


@pytest.mark.parametrize("surface,lang", [("Olje- og energiminister", "nb"),
                                          ("Utenriksministeren", "nb"), ("CEO", "en")])
def test_roles_is_role(surface, lang):
    assert is_role(surface, lang)


def test_roles_looks_like_name():
    pats = role_patterns("nb")
    assert looks_like_name("Iselin Nybø", pats)
    assert not looks_like_name("iselin", pats)


@pytest.mark.parametrize("text,lang,expected", [
    ("– Bra, sier Solheim.", "nb", True),
    ("– Bra, seier Solheim.", "nn", True),
    ("'Good,' said Brende.", "en", True),
    ("– Bra, og Solheim.", "nb", False),
])
def test_roles_speech_verb_before(text, lang, expected):
    name = text.rindex(" ") + 1
    assert speech_verb_before(text, name, lang) is expected


@pytest.mark.parametrize("text,lang,name", [
    # real sentences of the gold corpus, one per language
    ("Næringsminister Monica Mæland avslutta dagen.", "nn", "Monica Mæland"),
    ("Miljøminister Sveinung Rotevatn uttrykker glede.", "nb", "Sveinung Rotevatn"),
    ("says Head of Business Development Gisle Nondal in the release", "en", "Gisle Nondal"),
    ("i närvaro av Norges statsminister Jonas Gahr Støre och", "sv", "Jonas Gahr Støre"),
    ("Per Kogut får selskab af Coloplasts topchef Lars Rasmussen, TDC", "da", "Lars Rasmussen"),
])
def test_roles_role_name_matches_are_the_spans_the_builders_read(text, lang, name):
    from klynge.records.roles import role_name_matches, role_name_spans
    start = text.index(name)
    assert (start, start + len(name), name) in role_name_matches(text, lang)
    assert (start, start + len(name)) in role_name_spans(text, lang)


def test_roles_role_announced_names_are_scanned_once_per_document(processor):
    # issue #26: the organisation and the people builders read the same scan of the text
    # (they ran the role_then_name pattern over it once each).
    from klynge.ingest import RawDocument
    from klynge.records.roles import role_name_matches
    text = ("Ny klynge i Bergen\n\nMiljøminister Sveinung Rotevatn åpnet klyngen Nordic "
            f"Test {id(object())} i dag. «Dette er viktig», sier Rotevatn.\n")
    before = role_name_matches.cache_info()
    record = processor.process(RawDocument(text=text, id="roles-once", source={}, lang="nb"))
    after = role_name_matches.cache_info()
    assert record.status == "ok" and any(p.name == "Sveinung Rotevatn" for p in record.people)
    assert after.misses - before.misses == 1 and after.hits > before.hits
