"""Quotes and their speakers.

Norwegian releases quote with a dash at the start of a paragraph (or after a sentence):
"– Vi er glade ..., sier IFEs direktør Nils Morten Huseby." English ones use quotation
marks: "'...,' said Minister X". The speaker slot may hold a name, a surname, a pronoun
("sier han") or a role noun ("sier statsråden"); the last three refer back to the people
found by :func:`klynge.records.people.extract_people`. Verbs, pronouns, role nouns and
quote characters are data (``rules/<lang>/quotes.yaml``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Sequence

from klynge.document import AnnotatedDocument
from klynge.lexicon import names
from klynge.records.roles import SectionLangs, is_role, lang_at
from klynge.rules import RuleModel, literal_alternation, load_lang_rules, registry

_TAIL_REACH = 200  # the speaker is named within this many characters after the verb


class QuoteRules(RuleModel):
    speech_verbs: list[str]
    pronouns: list[str]
    role_nouns: dict[str, list[str]]
    dashes: list[str]
    mid_paragraph_dashes: list[str]
    quote_pairs: list[tuple[str, str]]
    sentence_end: str
    trim_chars: str
    min_words_unattributed: int


@dataclass(frozen=True)
class QuotePatterns:
    rules: QuoteRules
    dash_open: re.Pattern  # a dash opening a quote, at paragraph start or after a sentence
    tail: re.Pattern  # ", sier" ending a dash quote (group "cut" starts the tail)
    verb_after: re.Pattern  # right after a closing mark: ", said" / " says"
    verb_later: re.Pattern  # right after a closing mark: ", Ms Tvinnereim said"
    verb_before: re.Pattern  # right before an opening mark: "sier Brende:"
    pairs: tuple[re.Pattern, ...]
    pronoun: re.Pattern
    role_noun: re.Pattern
    capitalised: re.Pattern


@lru_cache(maxsize=None)
def quote_patterns(lang: str) -> QuotePatterns:
    r = load_lang_rules(lang, "quotes.yaml", QuoteRules)
    verbs = literal_alternation(r.speech_verbs)
    upper = names().capitals
    openers = re.escape("".join(o for o, _ in r.quote_pairs))
    closers = re.escape("".join(c for _, c in r.quote_pairs))
    ends = re.escape(r.sentence_end)
    line_start_dash = rf"(?m:^[ \t]*(?P<d1>{literal_alternation(r.dashes)})[ \t]*(?=[\w{openers}]))"
    # A dash after a finished sentence, before a capital or an opening mark, opens a quote.
    mid_dash = rf"(?<=[{ends}{closers}])[ \t]+(?P<d2>{literal_alternation(r.mid_paragraph_dashes)})[ \t]+(?=[{upper}{openers}])"
    pairs = []
    for open_, close in r.quote_pairs:
        o, c = re.escape(open_), re.escape(close)
        # The closing mark must not be followed by a letter: "Norway’s" is no closing quote.
        pairs.append(re.compile(rf"(?<![\w]){o}(?P<body>[^\n]+?){c}(?![\w])"))
    return QuotePatterns(
        rules=r,
        dash_open=re.compile(f"{line_start_dash}|{mid_dash}"),
        tail=re.compile(rf"(?P<cut>(?:,|(?<=[!?]))[ \t]*)(?P<verb>(?i:{verbs}))(?![\w])[ \t]*"),
        verb_after=re.compile(rf"[ \t]*,?[ \t]*(?P<verb>(?i:{verbs}))(?![\w])[ \t]*"),
        verb_later=re.compile(rf"[ \t]*,?[ \t]*(?P<who>[^\n.,;:!?‘“«\"]{{1,60}}?)[ \t]+(?P<verb>(?i:{verbs}))(?![\w])"),
        verb_before=re.compile(rf"(?P<verb>(?i:{verbs}))(?![\w])[ \t]+(?P<who>[^\n.;:!?]{{0,80}}?)[ \t]*:[ \t]*$"),
        pairs=tuple(pairs),
        pronoun=re.compile(rf"(?i:{literal_alternation(r.pronouns)})(?![\w])"),
        role_noun=re.compile(rf"(?i:{literal_alternation(list(r.role_nouns))})(?![\w])"),
        capitalised=re.compile(rf"[{upper}][\w’'-]+(?:\s+[{upper}][\w’'-]+)*"),
    )


@dataclass
class _Quote:
    start: int
    end: int
    who_start: int | None  # where the speaker slot begins, None when unattributed
    who_end: int | None
    lang: str
    speaker: str | None = None
    speaker_start: int | None = None


def _trim(text: str, start: int, end: int, pats: QuotePatterns) -> tuple[int, int]:
    """Without the dash, the comma before the tail and the spaces around them."""
    chars = pats.rules.trim_chars + "".join(pats.rules.dashes)
    while start < end and text[start] in chars:
        start += 1
    while end > start and text[end - 1] in chars:
        end -= 1
    return start, end


def _line_bounds(text: str, pos: int) -> tuple[int, int]:
    s = text.rfind("\n", 0, pos) + 1
    e = text.find("\n", pos)
    return s, (len(text) if e < 0 else e)


def _dash_quotes(text: str, lang: str, section_langs: SectionLangs | None) -> list[_Quote]:
    out: list[_Quote] = []
    starts = []
    for code in {lang, *(sl for _, _, sl in section_langs or () if registry().is_supported(sl))}:
        for m in quote_patterns(code).dash_open.finditer(text):
            if lang_at(m.start(), lang, section_langs) == code:
                starts.append((m.end(), m.group("d1") or m.group("d2"), code))
    starts.sort()
    for i, (qs, dash, code) in enumerate(starts):
        pats = quote_patterns(code)
        _, line_end = _line_bounds(text, qs)
        limit = line_end
        if i + 1 < len(starts) and starts[i + 1][0] < limit:
            limit = text.rfind(starts[i + 1][1], qs, starts[i + 1][0])  # the next dash quote
        tail = pats.tail.search(text, qs, limit)
        if tail:
            s, e = _trim(text, qs, tail.start(), pats)
            who_end = min(line_end, tail.end() + _TAIL_REACH)
            out.append(_Quote(s, e, tail.end(), who_end, code))
            continue
        s, e = _trim(text, qs, limit, pats)
        if e - s < 2:
            continue
        if dash in pats.rules.mid_paragraph_dashes or _previous_paragraph_quoted(text, s, out):
            out.append(_Quote(s, e, None, None, code))
        # else: a hyphen list item, not a quote
    return out


def _previous_paragraph_quoted(text: str, pos: int, quotes: list[_Quote]) -> bool:
    """Does the nearest non-blank paragraph before ``pos`` hold an attributed quote?"""
    line_start, _ = _line_bounds(text, pos)
    prev_end = len(text[:line_start].rstrip())
    if prev_end <= 0:
        return False
    prev_start, _ = _line_bounds(text, prev_end - 1)
    return any(prev_start <= q.start < prev_end and q.who_start is not None for q in quotes)


def _mark_quotes(text: str, lang: str, section_langs: SectionLangs | None) -> list[_Quote]:
    out: list[_Quote] = []
    codes = {lang, *(sl for _, _, sl in section_langs or () if registry().is_supported(sl))}
    for code in codes:
        pats = quote_patterns(code)
        for rx in pats.pairs:
            for m in rx.finditer(text):
                if lang_at(m.start(), lang, section_langs) != code:
                    continue
                s, e = _trim(text, m.start("body"), m.end("body"), pats)
                body = text[s:e]
                if not body:
                    continue
                after = pats.verb_after.match(text, m.end())
                if after:
                    line_end = _line_bounds(text, m.end())[1]
                    out.append(_Quote(s, e, after.end(), min(line_end, after.end() + _TAIL_REACH), code))
                    continue
                later = pats.verb_later.match(text, m.end())
                who_words = later.group("who").split() if later else []
                if who_words and pats.capitalised.match(who_words[-1]):  # "..., Ms Tvinnereim said"
                    out.append(_Quote(s, e, later.start("who"), later.end("who"), code))
                    continue
                line_start, _ = _line_bounds(text, m.start())
                before = pats.verb_before.search(text, line_start, m.start())
                if before:
                    out.append(_Quote(s, e, before.start("who"), before.end("who"), code))
                    continue
                # Unattributed: keep whole sentences of speech, not titles in quotation marks.
                lead_in = text[line_start:m.start()].rstrip()
                opens_sentence = not lead_in or lead_in[-1] in pats.rules.sentence_end + ":"
                if len(body.split()) >= pats.rules.min_words_unattributed and opens_sentence:
                    out.append(_Quote(s, e, None, None, code))
    return out


def _person_by_mention(people: list[dict], start: int, end: int) -> tuple[dict, int] | None:
    best = None
    for p in people:
        for ms, me in p.get("mentions") or [(p["start"], p["end"])]:
            if start <= ms < end and (best is None or ms < best[1]):
                best = (p, ms)
    return best


def _last_mentioned_before(people: list[dict], pos: int) -> dict | None:
    best = None
    for p in people:
        for ms, _ in p.get("mentions") or [(p["start"], p["end"])]:
            if ms < pos and (best is None or ms > best[1]):
                best = (p, ms)
    return best[0] if best else None


def _role_noun(text: str, pos: int, lang: str) -> tuple[list[str], int] | None:
    """Role words a role noun in the speaker slot stands for, and where the noun ends:
    "statsråden" -> minister/statsråd (from data), "utenriksministeren" -> utenriksminister."""
    pats = quote_patterns(lang)
    m = pats.role_noun.match(text, pos)
    if m:
        key = next(k for k in pats.rules.role_nouns if k.casefold() == m.group(0).casefold())
        return pats.rules.role_nouns[key], m.end()
    end = pos
    while end < len(text) and (text[end].isalpha() or text[end] == "-"):
        end += 1
    word = text[pos:end]
    if not word or not word[0].islower():
        return None
    for k in (2, 1, 3):  # definite endings: -en, -n, -ene
        stem = word[:-k]
        if len(stem) > 3 and is_role(stem, lang):
            return [stem.casefold()], end
    return None


def _resolve(text: str, q: _Quote, people: list[dict], last: dict | None) -> tuple[str | None, int | None, dict | None]:
    """(speaker name, offset of the speaker reference, person record) for one quote."""
    if q.who_start is None:
        return None, None, None
    pats = quote_patterns(q.lang)
    who = text[q.who_start:q.who_end]
    lead = len(who) - len(who.lstrip())
    pos = q.who_start + lead
    if pats.pronoun.match(text, pos):
        person = last or _last_mentioned_before(people, q.start)
        return (person["name"], pos, person) if person else (None, pos, None)
    role = _role_noun(text, pos, q.lang)
    found = _person_by_mention(people, q.who_start, q.who_end)
    if role and not (found and found[1] < role[1] + 2):
        wanted = role[0]
        for cand in [last] + sorted(people, key=lambda p: -p["start"]):
            if cand and any(w in r.casefold() for r in cand.get("roles", []) for w in wanted):
                return cand["name"], pos, cand
        return (last["name"], pos, last) if last else (None, pos, None)
    if found:
        return found[0]["name"], found[1], found[0]
    m = pats.capitalised.search(text, pos, q.who_end)
    if m:
        surface = m.group(0)
        for p in people:  # a surname the people stage did not see as a mention
            if surface.split()[-1] in p["name"].split():
                return p["name"], m.start(), p
        return surface, m.start(), None
    return None, None, None


def _sentence_end(text: str, sentences: Sequence[tuple[int, int]], pos: int, limit: int, lang: str) -> int:
    """The speaker slot ends with its sentence: "sier han. Kari Nordmann er ..." names no one
    else. A sentence that ends in an abbreviation ("Mrs.") runs on into the next one."""
    abbreviation_end = names().abbreviation_end
    for i, (s, e) in enumerate(sentences):
        if s <= pos < e:
            while i + 1 < len(sentences) and abbreviation_end.search(
                    text, max(0, sentences[i][1] - 8), sentences[i][1] + 1):
                i += 1
            return min(limit, max(sentences[i][1], pos + 1))
    return limit


def extract_quotes(doc: AnnotatedDocument, people: list[dict]) -> list[dict]:
    """Quotes in text order; ``speaker_start`` is where the tail names the speaker."""
    text, sentences, lang = doc.text, doc.sentences, doc.rule_lang
    section_langs = doc.other_language_sections
    found = _dash_quotes(text, lang, section_langs) + _mark_quotes(text, lang, section_langs)
    for q in found:
        if q.who_start is not None and q.who_end is not None and q.who_end > q.who_start:
            q.who_end = _sentence_end(text, sentences, q.who_start, q.who_end, q.lang)
    # A title in quotation marks inside a dash quote is part of that quote, not another one.
    found.sort(key=lambda q: (q.start, -q.end))
    quotes: list[_Quote] = []
    for q in found:
        if quotes and q.start < quotes[-1].end:
            continue
        quotes.append(q)

    last: dict | None = None
    last_end = -1
    out = []
    for q in quotes:
        name, at, person = _resolve(text, q, people, last)
        if q.who_start is None and last is not None and _nobody_between(people, last, last_end, q.start):
            # A quote paragraph without a verb continues the last speaker, unless the text
            # in between has turned to someone else.
            name, at, person = last["name"], None, last
        if person is not None:
            last = person
        elif name is not None:
            last = {"name": name, "roles": [], "start": at or q.start, "end": at or q.start}
        last_end = q.end
        out.append({"text": text[q.start:q.end], "start": q.start, "end": q.end,
                    "speaker": name, "speaker_start": at})
    return out


def _nobody_between(people: list[dict], speaker: dict, prev_end: int, start: int) -> bool:
    """No person other than ``speaker`` is mentioned between the two quotes."""
    if prev_end < 0:
        return False
    for p in people:
        if p["name"] == speaker["name"]:
            continue
        if any(prev_end <= ms < start for ms, _ in p.get("mentions") or [(p["start"], p["end"])]):
            return False
    return True
