"""DATE finder, normaliser and dateline finder. Corpus strings are copied in (never read)."""
from __future__ import annotations

import datetime as dt

import pytest

from klynge.normalisers.dates import DateMatch, find_dates, parse_date

BASE = dt.date(2020, 11, 19)   # the seed release's publication date


def case(origin: str, lang: str, text: str, *expected: tuple, base: dt.date | None = None,
         xfail: str = ""):
    """``expected`` = (matched text, value, precision[, flags]) in order."""
    marks = [pytest.mark.xfail(strict=True, reason=xfail)] if xfail else []
    tag = "" if base is None else f"@{base}"
    return pytest.param(lang, text, base, list(expected), id=f"{origin}:{lang}{tag}:{text[:40]}",
                        marks=marks)


BRIEF = [
    case("brief", "nb", "19. november 2020", ("19. november 2020", "2020-11-19", "day")),
    case("brief", "nb", "19.11.2020", ("19.11.2020", "2020-11-19", "day")),
    case("brief", "nb", "19. nov. 2020", ("19. nov. 2020", "2020-11-19", "day")),
    case("brief", "nb", "november 2020", ("november 2020", "2020-11", "month")),
    case("brief", "nb", "i 2021", ("2021", "2021", "year")),
    case("brief", "nb", "for 2021", ("2021", "2021", "year")),
    case("brief", "nn", "tysdag 14. juni", ("tysdag 14. juni", None, "day", ("year_unknown",))),
    case("brief", "nn", "tysdag 14. juni", ("tysdag 14. juni", "2021-06-14", "day", ("year_inferred",)),
         base=dt.date(2021, 6, 1)),
    case("brief", "en", "November 19, 2020", ("November 19, 2020", "2020-11-19", "day")),
    case("brief", "en", "19 November 2020", ("19 November 2020", "2020-11-19", "day")),
    case("brief", "en", "2020-11-19", ("2020-11-19", "2020-11-19", "day")),
    case("brief", "en", "in 2020", ("2020", "2020", "year")),
    case("brief", "nb", "14.10.2005", ("14.10.2005", "2005-10-14", "day")),
    case("brief", "nb", "Statsbudsjett 2006", ("2006", "2006", "year")),
]

MONTHS_NN = [
    case("months", "nn", f"1. {m} 2012", (f"1. {m} 2012", f"2012-{i:02d}-01", "day"))
    for i, m in enumerate(["januar", "februar", "mars", "april", "mai", "juni", "juli",
                           "august", "september", "oktober", "november", "desember"], 1)
]

WEEKDAYS_NN = [
    case("weekdays", "nn", f"{w} 14. juni", (f"{w} 14. juni", "2022-06-14", "day", ("year_inferred",)),
         base=dt.date(2022, 6, 1))
    for w in ["måndag", "tysdag", "onsdag", "torsdag", "fredag", "laurdag", "sundag"]
]

FORMS = [
    case("forms", "nb", "Mandag 19. november 2020", ("Mandag 19. november 2020", "2020-11-19", "day")),
    case("forms", "nb", "19.11.20", ("19.11.20", "2020-11-19", "day")),
    case("forms", "nb", "19/11/2020", ("19/11/2020", "2020-11-19", "day")),
    # regression: regjeringen.no's English datelines ("Press release | Date: 08/02/2019")
    case("regjeringen", "en", "Press release | Date: 08/02/2019", ("08/02/2019", "2019-02-08", "day")),
    case("forms", "nb", "1. januar 2004", ("1. januar 2004", "2004-01-01", "day")),
    case("forms", "nb", "des. 2020", ("des. 2020", "2020-12", "month")),
    case("forms", "nb", "innen 2030", ("2030", "2030", "year")),
    case("forms", "nb", "fra 2021", ("2021", "2021", "year")),
    case("forms", "nb", "til 2024", ("2024", "2024", "year")),
    case("forms", "nb", "I 2021 blir det", ("2021", "2021", "year")),
    case("forms", "nb", "31. februar 2020"),
    case("forms", "nb", "29. februar 2020", ("29. februar 2020", "2020-02-29", "day")),
    case("forms", "en", "31 June 2020"),
    case("forms", "en", "June 2021", ("June 2021", "2021-06", "month")),
    case("forms", "en", "Nov 19, 2020", ("Nov 19, 2020", "2020-11-19", "day")),
    case("forms", "en", "Thursday, 19 November 2020", ("Thursday, 19 November 2020", "2020-11-19", "day")),
    case("forms", "en", "the 19th of November", ("November", None, "day"),
         xfail="'19th of November' ordinal-with-of form not covered"),
    case("forms", "en", "by 2030", ("2030", "2030", "year")),
    case("forms", "en", "since 2011", ("2011", "2011", "year")),
    case("forms", "da", "19. november 2020", ("19. november 2020", "2020-11-19", "day")),
    case("forms", "sv", "19 november 2020", ("19 november 2020", "2020-11-19", "day")),
    case("forms", "sv", "i maj 2020", ("maj 2020", "2020-05", "month")),
    case("forms", "nb", "19.\u00a0november\u00a02020", ("19.\u00a0november\u00a02020", "2020-11-19", "day")),
    case("forms", "nb", "i\u00a02021", ("2021", "2021", "year")),
    case("forms", "da", "i går", ("i går", "2020-11-18", "day", ("relative",)), base=BASE),
    case("forms", "sv", "i morgon", ("i morgon", "2020-11-20", "day", ("relative",)), base=BASE),
    case("forms", "da", "1. marts 2021", ("1. marts 2021", "2021-03-01", "day")),
]

RANGES = [
    case("range", "nb", "2021–2024", ("2021", "2021", "year"), ("2024", "2024", "year")),
    case("range", "nb", "2021-2024", ("2021", "2021", "year"), ("2024", "2024", "year")),
    case("range", "nb", "fra 2021 til 2024", ("2021", "2021", "year"), ("2024", "2024", "year")),
    case("range", "en", "between 2021 and 2024", ("2021", "2021", "year"), ("2024", "2024", "year")),
    case("range", "nb", "St.meld. nr. 21 (2005-2006)", ("2005", "2005", "year"), ("2006", "2006", "year")),
    case("range", "nb", "2020-21", ("2020", "2020", "year"), ("21", "2021", "year")),
    case("range", "nb", "2024–2021"),
    case("range", "nb", "1.–3. juni 2022", ("1.", "2022-06-01", "day"), ("3. juni 2022", "2022-06-03", "day"),
         xfail="day ranges sharing one month are not linked"),
]

RELATIVE = [
    case("rel", "nb", "i dag", ("i dag", "2020-11-19", "day", ("relative",)), base=BASE),
    case("rel", "nb", "I dag", ("I dag", "2020-11-19", "day", ("relative",)), base=BASE),
    case("rel", "nb", "i går", ("i går", "2020-11-18", "day", ("relative",)), base=BASE),
    case("rel", "nb", "i morgen", ("i morgen", "2020-11-20", "day", ("relative",)), base=BASE),
    case("rel", "nn", "i morgon", ("i morgon", "2020-11-20", "day", ("relative",)), base=BASE),
    case("rel", "nb", "neste år", ("neste år", "2021", "year", ("relative",)), base=BASE),
    case("rel", "nb", "i fjor", ("i fjor", "2019", "year", ("relative",)), base=BASE),
    case("rel", "nb", "i år", ("i år", "2020", "year", ("relative",)), base=BASE),
    case("rel", "nb", "neste måned", ("neste måned", "2020-12", "month", ("relative",)), base=BASE),
    case("rel", "en", "today", ("today", "2020-11-19", "day", ("relative",)), base=BASE),
    case("rel", "en", "Yesterday", ("Yesterday", "2020-11-18", "day", ("relative",)), base=BASE),
    case("rel", "en", "next year", ("next year", "2021", "year", ("relative",)), base=BASE),
    case("rel", "en", "last year", ("last year", "2019", "year", ("relative",)), base=BASE),
    case("rel", "en", "next month", ("next month", "2021-01", "month", ("relative",)),
         base=dt.date(2020, 12, 31)),
    case("rel", "nb", "i dag", ("i dag", None, "day", ("relative", "relative_unresolved"))),
    case("rel", "nn", "i morgon", ("i morgon", None, "day", ("relative", "relative_unresolved"))),
    case("rel", "en", "next year", ("next year", None, "year", ("relative", "relative_unresolved"))),
    case("rel", "nb", "i dagene som kommer"),
    case("rel", "nb", "i morgentimene"),
    case("rel", "en", "todayish"),
]

NOT_DATE = [
    case("neg", "nb", "39"),
    case("neg", "nb", "37 partnere"),
    case("neg", "nb", "2,2 millionar"),
    case("neg", "nb", "2009"),
    case("neg", "nb", "i 2000 personer"),
    case("neg", "nb", "for 2021 kroner"),
    case("neg", "nb", "i 2020 prosent"),
    case("neg", "nb", "telefon 22 24 25 00"),
    case("neg", "nb", "5.000.000 kroner"),
    case("neg", "nb", "kl. 12.00-17.00"),
    case("neg", "nb", "Over 8300 er nå smittet og over 4000 personer har dødd"),
    case("neg", "en", "these 3 may help"),
    case("neg", "en", "we march on"),
    case("neg", "nb", "i 1200"),
    case("neg", "nb", "Nr: 87/12"),
    case("neg", "nb", "til jul 2020"),
    case("neg", "nb", "NOK 2021 million"),
]

# Copied from /work/shared/press-releases (regjeringen.no, NLOD 2.0; IFE seed release).
CORPUS = [
    case("seed", "nb", "Publisert: 19. november 2020", ("19. november 2020", "2020-11-19", "day")),
    case("seed", "nb", "Regjeringen utnevnte i dag nye næringsklynger",
         ("i dag", "2020-11-19", "day", ("relative",)), base=BASE),
    case("seed", "nb", "For 2021 er det budsjettert med 217 millioner kroner", ("2021", "2021", "year")),
    case("seed", "nb", "Fra årsskiftet er det 39 klynger med i programmet."),
    case("1999-en", "en", "No.: 32/99\nDate: 10.05.99", ("10.05.99", "1999-05-10", "day")),
    case("2003", "nb", "I statsråd 7. november 2003 fremmet Regjeringen",
         ("7. november 2003", "2003-11-07", "day")),
    case("2003", "nb", "Dato: 07. november 2003", ("07. november 2003", "2003-11-07", "day")),
    case("2003", "nb", "blir formelt etablert fra 1. januar 2004 med hovedkonto",
         ("1. januar 2004", "2004-01-01", "day")),
    case("2005", "nn", "Pressemelding 14.10.2005", ("14.10.2005", "2005-10-14", "day")),
    case("2005", "nn", "over budsjettet for Statsbudsjett 2006", ("2006", "2006", "year")),
    case("2005", "nn", "Norwegian Centres of Expertise neste år over budsjettet",
         ("neste år", "2006", "year", ("relative",)), base=dt.date(2005, 10, 14)),
    case("2008", "nb", "Distriktssenteret ble åpnet 4. september 2008 og er operativt",
         ("4. september 2008", "2008-09-04", "day")),
    case("2008", "nb", "i løpet av høsten 2008", ("høsten 2008", "2008", "year")),
    case("2009", "nn", "går 2,18 milliardar kroner til forsking i 2010.", ("2010", "2010", "year")),
    case("2009", "nn", "er 1,7 milliardar meir enn i 2009", ("2009", "2009", "year")),
    case("2011", "nn", "Statsbudsjettet 2012", ("2012", "2012", "year")),
    case("2011", "nn", "Styrkjer nynorsken i 2012", ("2012", "2012", "year")),
    case("2012", "nn", "Pressemelding | Nr: 87/12 | Dato: 08.10.2012", ("08.10.2012", "2012-10-08", "day")),
    case("2012", "nb", "Beslutningen ble fattet av Stortinget i mai 2009.", ("mai 2009", "2009-05", "month")),
    case("2014-en", "en", "The outbreak was first reported in February this year in Guinea",
         ("this year", "2014", "year", ("relative",)), base=dt.date(2014, 8, 1)),
    case("2014-en", "en", "the death toll by the end of July was around 730."),
    case("2014", "nb", "Utenriksministeren fortsetter i morgen reisen",
         ("i morgen", "2014-10-10", "day", ("relative",)), base=dt.date(2014, 10, 9)),
    case("2014-syria", "nb", "i Montreux 22. januar.", ("22. januar", "2014-01-22", "day", ("year_inferred",)),
         base=dt.date(2014, 1, 15)),
    case("2014-syria", "nb", "Siden 2011 har konflikten", ("2011", "2011", "year")),
    case("2015", "nb", "rammet av jordskjelv i april og mai."),
    case("2016", "nb", "Tid:    Mandag 30. mai kl 12.00-17.00",
         ("Mandag 30. mai", "2016-05-30", "day", ("year_inferred",)), base=dt.date(2016, 5, 20)),
    case("2018", "nb", "offentlig høring med frist 9. mai 2018. Alle kan avgi",
         ("9. mai 2018", "2018-05-09", "day")),
    case("2018", "nb", "1. februar ble rapporten overlevert", ("1. februar", None, "day", ("year_unknown",))),
    case("2019-en", "en", "Update January 2020: The finished strategy", ("January 2020", "2020-01", "month")),
    case("2020", "nn", "Kulturhuset i Oslo onsdag 16. september mellom 10.00 - 11.30",
         ("onsdag 16. september", "2020-09-16", "day", ("year_inferred",)), base=dt.date(2020, 9, 10)),
    case("2020", "nb", "Fornebu 15. desember 2020. Credit: Ella", ("15. desember 2020", "2020-12-15", "day")),
    case("2020", "nb", "frokostmøte på MESH tirsdag 14. januar.",
         ("tirsdag 14. januar", "2020-01-14", "day", ("year_inferred",)), base=dt.date(2019, 12, 20)),
    case("2020-en", "en", "In January, the Norwegian Parliament",
         ("January", None, "month"), xfail="a month name without a year is not matched"),
    case("2020-en", "en", "in a digital event today at 1200 CET",
         ("today", "2020-09-21", "day", ("relative",)), base=dt.date(2020, 9, 21)),
    case("2020-en", "en", "the start-up is planned early in 2021", ("2021", "2021", "year")),
    case("2021", "nn", "på regjeringa.no fredag 26. mars kl. 13.00.",
         ("fredag 26. mars", None, "day", ("year_unknown",))),
    case("2021", "nn", "Astrup fredag 27. august", ("fredag 27. august", None, "day", ("year_unknown",))),
    case("2023-en", "en", "On 15 April armed conflict erupted in Sudan",
         ("15 April", "2023-04-15", "day", ("year_inferred",)), base=dt.date(2023, 6, 19)),
    case("2023", "nb", "presentere strategien i Trondheim 6. juni.",
         ("6. juni", None, "day", ("year_unknown",))),
    case("2017-en", "en", "in the Budget for 2018", ("2018", "2018", "year")),
]


def _shape(m: DateMatch) -> tuple:
    t = (m.text, m.value, m.precision)
    return t + (m.flags,) if m.flags else t


@pytest.mark.parametrize("lang,text,base,expected",
                         BRIEF + MONTHS_NN + WEEKDAYS_NN + FORMS + RANGES + RELATIVE + NOT_DATE + CORPUS)
def test_find_dates(lang: str, text: str, base: dt.date | None, expected: list[tuple]) -> None:
    found = find_dates(text, lang, base)
    assert all(text[m.start:m.end] == m.text for m in found)
    assert [_shape(m) for m in found] == expected


def test_year_range_ends_share_range_id() -> None:
    found = find_dates("2021–2024 og 2005-2006", "nb")
    assert [m.value for m in found] == ["2021", "2024", "2005", "2006"]
    assert found[0].range_id == found[1].range_id != found[2].range_id == found[3].range_id
    assert found[0].range_id is not None


def test_rule_ids_are_recorded() -> None:
    ids = [m.rule_id for m in find_dates("19.11.2020, 19. november 2020, i 2021, i dag", "nb")]
    assert ids == ["date.numeric_dmy", "date.day_month_name", "date.year_in_context",
                   "date.relative.today"]


def test_year_span_is_the_year_token_only() -> None:
    text = "For 2021 er det budsjettert"
    (m,) = find_dates(text, "nb")
    assert (m.start, m.end) == (4, 8)


def test_closest_year_crosses_new_year() -> None:
    (m,) = find_dates("tirsdag 14. januar", "nb", dt.date(2019, 12, 20))
    assert m.value == "2020-01-14"
    (m,) = find_dates("20. desember", "nb", dt.date(2020, 1, 5))
    assert m.value == "2019-12-20"


PARSE = [
    ("nb", "19. november 2020", None, ("2020-11-19", "day")),
    ("nb", "2009", None, ("2009", "year")),
    ("nb", "i 2021", None, ("2021", "year")),
    ("nb", " 19.11.2020 ", None, ("2020-11-19", "day")),
    ("nn", "tysdag 14. juni", dt.date(2022, 6, 1), ("2022-06-14", "day")),
    ("nn", "i morgon", None, (None, "day")),
    ("en", "November 2020", None, ("2020-11", "month")),
    ("nb", "37 partnere", None, None),
    ("nb", "", None, None),
    ("nb", "39", None, None),
    ("nb", "0999", None, None),
    ("nb", "2020-11-19T10:00:00+01:00", None, ("2020-11-19", "day")),
    ("nb", "Publisert: 19. november 2020", None, ("2020-11-19", "day")),
    ("nn", "Dato: 14.10.2005", None, ("2005-10-14", "day")),
    ("en", "Published: 19 November 2020", None, ("2020-11-19", "day")),
]


@pytest.mark.parametrize("lang,raw,base,expected", PARSE, ids=[f"parse:{p[0]}:{p[1]}" for p in PARSE])
def test_parse_date(lang: str, raw: str, base: dt.date | None, expected: tuple | None) -> None:
    got = parse_date(raw, lang, base)
    if expected is None:
        assert got is None
    else:
        assert got is not None and (got.value, got.precision) == expected
        assert raw[got.start:got.end] == got.text


def test_never_reads_the_clock() -> None:
    assert find_dates("i dag", "nb") == find_dates("i dag", "nb", None)
    assert find_dates("i dag", "nb")[0].value is None


@pytest.mark.parametrize("text,lang,surface,value", [
    ("Hovedutlysningen har frist tidlig høsten 2021, men", "nb", "høsten 2021", "2021"),
    ("Departementet bestilte utredningen sommeren 2017 etter", "nb", "sommeren 2017", "2017"),
    ("handlingsplanen for Stortinget våren 2021.", "nn", "våren 2021", "2021"),
    ("The strategy will be ready by autumn 2019.", "en", "autumn 2019", "2019"),
])
def test_dates_season_before_a_year_is_in_the_span(text, lang, surface, value):
    found = find_dates(text, lang)
    assert [(m.text, m.value, m.precision) for m in found] == [(surface, value, "year")]
    assert text[found[0].start:found[0].end] == surface
