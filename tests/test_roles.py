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
