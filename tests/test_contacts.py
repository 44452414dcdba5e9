"""URL, EMAIL and PHONE finders. Corpus strings are copied in (never read)."""
from __future__ import annotations

import pytest

from klynge.normalisers.contacts import ContactMatch, find_contacts, normalise_url


def case(origin: str, lang: str, text: str, *expected: tuple[str, str, str], xfail: str = ""):
    """``expected`` = (label, matched text, value) in order."""
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    return pytest.param(lang, text, list(expected), id=f"{origin}:{lang}:{text[:40]}", marks=marks)


URLS = [
    case("seed", "nb", "For mer informasjon, se http://www.innovasjonnorge.no/nic.",
         ("URL", "http://www.innovasjonnorge.no/nic", "http://www.innovasjonnorge.no/nic")),
    case("seed", "nb", "https://www.regjeringen.no/no/aktuelt/utnevner-nye-naringsklynger-med-gronn-profil/id2786401/",
         ("URL", "https://www.regjeringen.no/no/aktuelt/utnevner-nye-naringsklynger-med-gronn-profil/id2786401/",
          "https://www.regjeringen.no/no/aktuelt/utnevner-nye-naringsklynger-med-gronn-profil/id2786401/")),
    case("seed", "nb", "Se også: https://www.smartinnovationnorway.com/nyheter/cluster-for-applied-ai-far-arena-status/",
         ("URL", "https://www.smartinnovationnorway.com/nyheter/cluster-for-applied-ai-far-arena-status/",
          "https://www.smartinnovationnorway.com/nyheter/cluster-for-applied-ai-far-arena-status/")),
    case("brief", "nb", "innovasjonnorge.no/nic", ("URL", "innovasjonnorge.no/nic", "https://innovasjonnorge.no/nic")),
    case("brief", "nb", "se www.nfd.no.", ("URL", "www.nfd.no", "https://www.nfd.no")),
    case("brief", "nb", "(se www.nfd.no)", ("URL", "www.nfd.no", "https://www.nfd.no")),
    case("brief", "nb", "(http://example.com/a)", ("URL", "http://example.com/a", "http://example.com/a")),
    case("brief", "en", "see https://en.wikipedia.org/wiki/Foo_(bar).",
         ("URL", "https://en.wikipedia.org/wiki/Foo_(bar)", "https://en.wikipedia.org/wiki/Foo_(bar)")),
    case("brief", "en", "Visit https://example.com/x?y=1&z=2, then",
         ("URL", "https://example.com/x?y=1&z=2", "https://example.com/x?y=1&z=2")),
    case("brief", "en", "at https://example.com!", ("URL", "https://example.com", "https://example.com")),
    case("brief", "en", "at https://example.com/path;", ("URL", "https://example.com/path", "https://example.com/path")),
    case("brief", "en", "“https://example.com/a”", ("URL", "https://example.com/a", "https://example.com/a")),
    case("brief", "en", "[www.example.org/a]", ("URL", "www.example.org/a", "https://www.example.org/a")),
    case("brief", "en", "HTTP://EXAMPLE.COM/A", ("URL", "HTTP://EXAMPLE.COM/A", "HTTP://EXAMPLE.COM/A")),
    case("2015", "nb", "Les mer på regjeringen.no", ("URL", "regjeringen.no", "https://regjeringen.no")),
    case("2019", "nb", "innspill på regjeringen.no/KI-strategi.",
         ("URL", "regjeringen.no/KI-strategi", "https://regjeringen.no/KI-strategi")),
    case("2021", "nn", "sendast direkte på regjeringa.no fredag 26. mars",
         ("URL", "regjeringa.no", "https://regjeringa.no")),
    case("neg", "nb", "direktør for USAs utviklingsdirektorat, USaid.USA leder en kjernegruppe"),
    case("neg", "nb", "f.eks. dette"),
    case("neg", "nb", "St.meld. nr. 21"),
    case("neg", "nb", "rapport.pdf"),
    case("neg", "en", "the end.Next sentence"),
]

EMAILS = [
    case("brief", "nb", "post@nfd.dep.no", ("EMAIL", "post@nfd.dep.no", "post@nfd.dep.no")),
    case("2014", "nb", "Pressekontakt: Astrid Sehl, mob 922 87 452, asse@mfa.no (med på reisen)",
         ("PHONE", "922 87 452", "+4792287452"), ("EMAIL", "asse@mfa.no", "asse@mfa.no")),
    case("2016", "nb", "melde seg på til media@nfd.dep.no innen fredag kl 16.00.",
         ("EMAIL", "media@nfd.dep.no", "media@nfd.dep.no")),
    case("2021", "nn", "Simon Stjern: simon.stjern@kud.dep.no, mob. 976 50 301.",
         ("EMAIL", "simon.stjern@kud.dep.no", "simon.stjern@kud.dep.no"), ("PHONE", "976 50 301", "+4797650301")),
    case("2022", "nn", "på 41 57 35 00, e-post info@oed.dep.no.",
         ("PHONE", "41 57 35 00", "+4741573500"), ("EMAIL", "info@oed.dep.no", "info@oed.dep.no")),
    case("2020", "nn", "pressetelefon 22 24 25 00 eller ke@kmd.dep.no",
         ("PHONE", "22 24 25 00", "+4722242500"), ("EMAIL", "ke@kmd.dep.no", "ke@kmd.dep.no")),
    case("brief", "en", "Write to Post.Mottak@NFD.dep.no.",
         ("EMAIL", "Post.Mottak@NFD.dep.no", "post.mottak@nfd.dep.no")),
    case("brief", "en", "<first.last+tag@example.co.uk>",
         ("EMAIL", "first.last+tag@example.co.uk", "first.last+tag@example.co.uk")),
    case("neg", "en", "@handle and a@b"),
]

PHONES = [
    case("brief", "nb", "22 24 25 00", ("PHONE", "22 24 25 00", "+4722242500")),
    case("brief", "nb", "+47 22 24 25 00", ("PHONE", "+47 22 24 25 00", "+4722242500")),
    case("brief", "nb", "+47 92 45 67 89", ("PHONE", "+47 92 45 67 89", "+4792456789")),
    case("brief", "nb", "922 45 678", ("PHONE", "922 45 678", "+4792245678")),
    case("brief", "nb", "+4722242500", ("PHONE", "+4722242500", "+4722242500")),
    case("brief", "nb", "0047 22 24 25 00", ("PHONE", "0047 22 24 25 00", "+4722242500")),
    case("brief", "nb", "+47 922 45 678", ("PHONE", "+47 922 45 678", "+4792245678")),
    case("brief", "nb", "+47\u00a022\u00a024\u00a025\u00a000", ("PHONE", "+47\u00a022\u00a024\u00a025\u00a000", "+4722242500")),
    case("brief", "en", "+46 8 123 456 78", ("PHONE", "+46 8 123 456 78", "+46812345678")),
    case("2003", "nb", "statssekretær Eirik Lae Solberg, telefon 95 07 87 60",
         ("PHONE", "95 07 87 60", "+4795078760")),
    case("2003", "nb", "Øistein Øisjøfoss, telefon 22 24 01 25", ("PHONE", "22 24 01 25", "+4722240125")),
    case("2005", "nn", "Kommunal- og regionaldepartementet: 22 24 25 00.", ("PHONE", "22 24 25 00", "+4722242500")),
    case("2007", "nb", "Guri Størvold, mob.tlf. 915 50 596.", ("PHONE", "915 50 596", "+4791550596")),
    case("2021", "nn", "Bettina Flatland, mobiltlf. 975 98 000", ("PHONE", "975 98 000", "+4797598000")),
    case("neg", "nb", "19.11.2020"),
    case("neg", "nb", "12 500 000 kroner"),
    case("neg", "nb", "922 45 678 kroner"),
    case("neg", "nb", "300 000 kroner"),
    case("neg", "nb", "2021–2024"),
    case("neg", "nb", "kl. 12.00-17.00"),
    case("neg", "nb", "37 partnere og 39 klynger"),
    case("neg", "nb", "22242500"),
    case("neg", "nb", "1,5 – 2,5 millioner kroner"),
    case("neg", "nb", "aldersgruppene 20 30 40 50", xfail="any 2-2-2-2 digit group reads as a phone number"),
]


@pytest.mark.parametrize("lang,text,expected", URLS + EMAILS + PHONES)
def test_find_contacts(lang: str, text: str, expected: list[tuple[str, str, str]]) -> None:
    found = find_contacts(text, lang)
    assert all(text[m.start:m.end] == m.text for m in found)
    assert [(m.label, m.text, m.value) for m in found] == expected


NORMALISE = [
    ("http://www.innovasjonnorge.no/nic", "http://www.innovasjonnorge.no/nic"),
    ("https://example.com", "https://example.com"),
    ("www.nfd.no", "https://www.nfd.no"),
    ("innovasjonnorge.no/nic", "https://innovasjonnorge.no/nic"),
    ("  www.nfd.no ", "https://www.nfd.no"),
]


@pytest.mark.parametrize("raw,expected", NORMALISE, ids=[f"normalise:{n[0].strip()}" for n in NORMALISE])
def test_normalise_url(raw: str, expected: str) -> None:
    assert normalise_url(raw) == expected


def test_rule_ids_and_labels() -> None:
    found = find_contacts("www.nfd.no post@nfd.dep.no +47 22 24 25 00 22 24 25 00", "nb")
    assert [m.rule_id for m in found] == ["url.www", "email.address", "phone.no_country_code",
                                          "phone.no_grouped"]
    assert isinstance(found[0], ContactMatch)


def test_email_domain_is_not_also_a_url() -> None:
    assert [m.label for m in find_contacts("info@oed.dep.no", "nn")] == ["EMAIL"]
