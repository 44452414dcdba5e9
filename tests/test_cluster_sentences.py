"""Issue #22's phenomena on real sentences: each case is one line (or, where the phenomenon
needs its context, the whole text) of a train or dev release of the gold corpus, run
through the whole pipeline (`klynge.extract`, models included), and the cluster fields the
phenomenon gives are compared with that release's gold record.

`tests/test_cluster_context.py` tests the same phenomena one rule at a time on sentences in
release style with hand-given entities; this file checks that they hold in text nobody
wrote for a test, with the shipped models' entities. Only train and dev releases are
used: the test split stays untouched (corpus/README.md).

Most of the releases are their publishers' copyright, so this file names a release and a
line, never quotes it: the text is read from `../shared/press-releases/{web,nordic}` and
refused unless its hash is the annotated one (`klynge.maintain.corpus.with_texts`). Without
those folders (a user's clone) the cases of those releases skip; CI has them. The
expected values are the gold record's (one home for each fact); a case names only the
fields its line says, and the gold names it uses are asserted to be in that line, so a
wrong line number fails rather than passing on another sentence.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pytest

import klynge
from klynge.maintain.corpus import GoldDocument, iter_gold, with_texts
from tests.conftest import CORPUS, EXTERNAL_TEXTS, HAS_EXTERNAL_TEXTS

DOCUMENT = None  # a case's `line` when the phenomenon needs the whole release


@dataclass(frozen=True)
class Case:
    phenomenon: str
    doc: str                 # gold corpus id (train or dev)
    line: int | None         # the line of the release's text, or DOCUMENT
    name: str                # the cluster's gold name (or, in `absent`, a generic phrase)
    fields: tuple[str, ...] = ()  # gold fields the line gives that cluster
    event: str | None = None  # the type of the cluster's status event
    event_date: str | None = None  # and its date, where the line gives one
    absent: tuple[str, ...] = ()  # phrases no cluster may be named
    no_status: bool = False  # no cluster of the line holds a status
    xfail: str = ""  # why klynge does not get it yet (a strict xfail: a fix is noticed)

    @property
    def id(self) -> str:
        return f"{self.phenomenon}-{self.doc[:28]}-{self.line}"


CASES = [
    # ---- a cluster noun before the name (apposition), the name taken whole
    Case("noun-before", "cleancluster-clean-deles-i-to-2020", 2, "CLEAN", ("status",)),
    Case("noun-before", "mynewsdesk-paperprovince-tillvaxtverket-500000-2013", 12,
         "The Paper Province"),
    Case("noun-before", "kystens-hagesaether-kritikk-klyngeprogrammet", 0,
         "GCE Ocean Technology", ("status", "location")),
    Case("noun-before", "2015-nye-naringsklynger-omstilling", 16, "GCE Subsea",
         ("status", "location")),
    Case("noun-after", "gcesubsea-summer-gathering-2016", 17, "GCE Subsea", ("status",)),
    # ---- predicates and appositions that say what the name is
    Case("predicate", "mynewsdesk-paperprovince-kluster-i-varldsklass-2010", 6,
         "The Paper Province", absent=("European Cluster Observatory",)),
    Case("predicate", "mynewsdesk-paperprovince-tillvaxtverket-500000-2013", 18,
         "The Paper Province", ("location", "members")),
    Case("predicate", "occ-dedicated-oncology-cluster", 2, "Oslo Cancer Cluster"),
    Case("predicate", "nortrade-oslo-cancer-cluster", 2, "Oslo Cancer Cluster",
         ("status", "aliases")),
    Case("predicate", "ife-2020-11-19-to-nye-arena-klynger", 17, "H2Cluster",
         ("partners", "aliases")),
    Case("apposition", "cleancluster-clean-deles-i-to-2020", 8,
         "Copenhagen Cleantech Cluster", ("location",)),
    # ---- a place said of the cluster ("A i X", "X-based A", a list item's own place)
    Case("place-i", "cleancluster-clean-deles-i-to-2020", 8, "Lean Energy Cluster",
         ("location",)),
    Case("place-i", "energirike-nce-mct-utmerking", 8, "NCE Subsea", ("status", "location")),
    Case("place-i", "energirike-nce-mct-utmerking", 8, "NCE Node", ("status", "location")),
    Case("place-i", "ife-2020-11-19-to-nye-arena-klynger", 6, "Cluster for Applied AI",
         ("status", "location")),
    Case("place-i", "vinnova-vinnvaxt-regionala-innovationsmiljoer-2017", 16, "Robotdalen",
         ("location",)),
    Case("place-i", "vinnova-vinnvaxt-regionala-innovationsmiljoer-2017", 16,
         "Framtidens Bioraffinaderi", ("location",)),
    Case("place-i", "mynewsdesk-paperprovince-tillvaxtverket-500000-2013", 12, "Tretorget",
         ("location",)),
    Case("list-item", "tillvaxtverket-klusterprogram-s3-piloten", DOCUMENT, "Mobile Heights",
         ("location",)),
    Case("list-item", "tillvaxtverket-klusterprogram-s3-piloten", DOCUMENT, "Interior Cluster",
         ("location",)),
    # ---- names taken whole, in a coordination of names
    Case("names-whole", "erhvervsstyrelsen-klyngeorganisation-bedre-sundhed-2019", 37,
         "Life Science Innovation North Denmark"),
    Case("names-whole", "erhvervsstyrelsen-klyngeorganisation-bedre-sundhed-2019", 37,
         "Welfare Tech"),
    Case("names-whole", "erhvervsstyrelsen-klyngeorganisation-bedre-sundhed-2019", 37,
         "Copenhagen Healthtech Cluster", absent=("Erhvervshus Fyn",),
         xfail="every name of a coordination that 'er gået sammen for at skabe en samlet "
               "klyngeorganisation' is read as a cluster, the business hub among them"),
    Case("names-whole", "foodbiocluster-aarsmoede-2024", 8, "Food & Bio Cluster Denmark"),
    # ---- member and partner counts bind to the cluster they are said of
    Case("counts", "ife-2020-11-19-to-nye-arena-klynger", 18, "Cluster for Applied AI",
         ("members", "partners", "location")),
    Case("counts", "hamarregionen-heidner-gronnest", 12, "Heidnerklyngen", ("members",)),
    Case("counts", "foodbiocluster-aarsmoede-2024", DOCUMENT, "Food & Bio Cluster Denmark",
         ("members",)),
    # ---- status as an event in time
    Case("status-granted", "ife-2020-11-19-to-nye-arena-klynger", 6, "H2Cluster", ("status",),
         event="new_status"),
    Case("status-granted", "hubforocean-ny-satsing-2019-ohc", 2, "Ocean Hyway Cluster",
         ("status", "aliases"), event="new_status", event_date="2018-11-08"),
    Case("status-granted", "nortrade-oslo-cancer-cluster", 4, "Oslo Cancer Cluster",
         ("status",)),
    Case("status-upgrade", "mcb-stor-fremgang-medieklyngen-2015", 12, "NCE Media",
         ("status",), event="upgrade"),
    Case("status-application", "hydrogen-no-enige-om-hydrogenklynge-2019", 29, "",
         no_status=True),
    # ---- later mentions that refer back ("klynga", "the cluster")
    Case("back-reference", "energirike-nce-mct-utmerking", DOCUMENT, "NCE Maritime CleanTech",
         ("status", "location")),
    # ---- programme words never make a cluster
    Case("generic", "innovasjonnorge-budsjettkutt-stopp-nye-klynger", 5, "",
         absent=("Norwegian Innovation Clusters",)),
    Case("generic", "eurofound-norwegian-innovation-clusters", 22, "",
         absent=("Norwegian Innovation Clusters",)),
]


@lru_cache(maxsize=None)
def _gold() -> dict[str, GoldDocument]:
    docs = [d for d in iter_gold(CORPUS) if d.meta.id in {c.doc for c in CASES}]
    loaded, _skipped = with_texts(CORPUS, docs, EXTERNAL_TEXTS)
    return {d.meta.id: d for d in loaded}


@lru_cache(maxsize=None)
def _extract(doc_id: str, line: int | None):
    gold = _gold()[doc_id]
    text = gold.text if line is None else gold.text.splitlines()[line]
    return text, klynge.extract(text, id=doc_id, lang=gold.meta.lang)


def _case_params():
    bundled = {d.meta.id for d in iter_gold(CORPUS) if d.meta.text_sha256 is None}
    for case in CASES:
        marks = [] if case.doc in bundled or HAS_EXTERNAL_TEXTS else [pytest.mark.skip(
            reason="the release is its publisher's copyright: needs ../shared/press-releases")]
        if case.xfail:
            marks.append(pytest.mark.xfail(reason=case.xfail, strict=True))
        yield pytest.param(case, id=case.id, marks=marks)


def test_cases_use_train_and_dev_releases_only():
    splits = {d.meta.id: d.meta.split for d in iter_gold(CORPUS)}
    assert {c.doc for c in CASES} <= set(splits), "a case names a release not in the corpus"
    assert not [c.doc for c in CASES if splits[c.doc] == "test"]


def test_every_language_has_cases():
    langs = {d.meta.id: d.meta.lang for d in iter_gold(CORPUS)}
    assert {langs[c.doc] for c in CASES} == {"nb", "nn", "en", "da", "sv"}


@pytest.mark.parametrize("case", list(_case_params()))
def test_cluster_phenomenon_in_a_real_sentence(case: Case):
    gold = _gold().get(case.doc)
    assert gold is not None, f"{case.doc}: its text is missing or not the annotated one"
    text, record = _extract(case.doc, case.line)
    assert record.status == "ok", record.error
    found = {c.name: c for c in record.clusters}
    for phrase in case.absent:
        assert phrase in text, f"line {case.line} is not the line the case means"
        assert phrase not in found, f"{phrase!r} is no cluster"
    if case.no_status:
        assert [c.name for c in record.clusters if c.status] == []
    if not case.name:
        return
    assert case.name in text or case.line is None, f"line {case.line} does not name {case.name}"
    want = next(c for c in gold.records.clusters if c.name == case.name)
    assert case.name in found, f"{case.name!r} not found; found {sorted(found)}"
    got = found[case.name]
    for name in case.fields:
        expected = getattr(want, name)
        actual = getattr(got, name)
        if name == "aliases":
            assert set(expected) <= set(actual), (name, actual)
        else:
            assert actual == expected, (name, actual, expected)
    if case.event:
        assert got.event is not None, "no status event"
        assert got.event.type == case.event
    if case.event_date:
        assert got.event.date == case.event_date
