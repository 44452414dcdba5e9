"""Regex sources that find the same matches as a rule's pattern, faster.

- :func:`dispatched`: a long alternation of literals split by its first character, so
  sre tests one literal at each position instead of every alternative
  (``lexicon``'s gazetteer scan);
- :func:`prefix_guard` / :func:`guarded`: a lookahead of the classes a match's first two
  characters can be in, read off sre's parse tree, put in front of a pattern so that
  most positions of a text are turned away at a few tests (``normalisers._patterns``);
- :func:`lookaround_direction`: whether a rule's guard is one lookbehind or one lookahead
  (the cluster rules' ``known_name_guards`` are checked with it on load).

They read the private ``re._parser`` (Python >= 3.11 names sre's parser so): checked on
3.11 to 3.13; a pattern it cannot read simply gets no guard.
"""
from __future__ import annotations

import re
from functools import lru_cache
from re import _constants as _sre, _parser as _sre_parse

# Below this many alternatives sre's own walk through them is about as fast. (The word
# lists of the rule files are not dispatched: their patterns then took 0.5 s longer to
# compile in every process, for little gain inside patterns sre reaches at few positions.)
DISPATCH_MIN = 16


@lru_cache(maxsize=None)
def _folds_to(first: str, char: str) -> bool:
    """Does a case-folded ``first`` match ``char``? (sre's own folding.)"""
    return re.fullmatch(f"(?i:{re.escape(first)})", char) is not None


def dispatched(items) -> str:
    """Regex source with exactly the matches of ``"|".join(whole for ...)``, found
    faster, for ``items`` = (first character, source of the rest, source of the whole,
    whether the first character is case-folded) of literal alternatives in order, in a
    pattern compiled without IGNORECASE (a case-folded alternative is ``(?i:...)``).

    sre tries the alternatives of a plain alternation one after the other at each
    position, one that begins with a case-folded literal at full cost. Here each
    character that can begin one has a branch of its own, opening with that character
    as a literal (which sre skips at one test when it does not match), then the rests
    of the alternatives that begin with it, in their order; a character that no branch
    names (a case-folding corner such as the Kelvin sign) is tried against the plain
    alternation. The branches' characters are distinct, so at any position the
    alternatives are tried in the plain alternation's order and the same one matches."""
    items = list(items)
    whole = "|".join(w for _, _, w, _ in items)
    firsts = list(dict.fromkeys((f, folded) for f, _, _, folded in items))
    if len(items) < DISPATCH_MIN or any(len(f) != 1 or f.isspace() for f, _ in firsts):
        return whole
    chars = list(dict.fromkeys(c for f, folded in firsts
                               for c in ((f, f.lower(), f.upper()) if folded else (f,))
                               if len(c) == 1))
    branches = []
    for char in chars:
        rests = [rest for first, rest, _, folded in items
                 if first == char or (folded and _folds_to(first, char))]
        branches.append(f"{re.escape(char)}(?:{'|'.join(rests)})")
    named = "".join(re.escape(c) for c in chars)
    return "|".join(branches) + f"|(?![{named}])(?:{whole})"


# sre's tree (Python >= 3.11 names its parser re._parser): what prefix_guard reads.

_CLASS_CATEGORIES = {_sre.CATEGORY_DIGIT: r"\d", _sre.CATEGORY_NOT_DIGIT: r"\D",
                     _sre.CATEGORY_SPACE: r"\s", _sre.CATEGORY_NOT_SPACE: r"\S",
                     _sre.CATEGORY_WORD: r"\w", _sre.CATEGORY_NOT_WORD: r"\W"}
_ZERO_WIDTH = (_sre.AT, _sre.ASSERT, _sre.ASSERT_NOT)
_REPEATS = (_sre.MAX_REPEAT, _sre.MIN_REPEAT, _sre.POSSESSIVE_REPEAT)
# The guard reads a match's first two characters: the second one ("ja" of "januar", not
# every "j") is what turns most of the positions that begin a word away.
_GUARD_CHARS = 2

# A path: the class items (regex class sources: "a", "a-z", "\d") of each of the first
# characters of a match, up to _GUARD_CHARS of them.
_Path = tuple[frozenset[str], ...]


class _AnyChar(Exception):
    """A character cannot be told (or told simply): any one may come there."""


def _class_item(op, av) -> str:
    if op is _sre.LITERAL:
        return re.escape(chr(av))
    if op is _sre.RANGE:
        return f"{re.escape(chr(av[0]))}-{re.escape(chr(av[1]))}"
    if op is _sre.CATEGORY and av in _CLASS_CATEGORIES:
        return _CLASS_CATEGORIES[av]
    raise _AnyChar


def _extend(seq, paths: set[_Path]) -> tuple[set[_Path], set[_Path]]:
    """The paths of ``paths`` followed by a match of ``seq``: (those that reached
    _GUARD_CHARS characters, those still shorter when ``seq`` ends). A superset: every
    lookaround is read as true."""
    done: set[_Path] = set()
    part = set(paths)
    for op, av in seq:
        if not part:
            break
        if op in _ZERO_WIDTH:  # consumes nothing
            continue
        if op is _sre.LITERAL or op is _sre.IN:
            item = frozenset([_class_item(op, av)] if op is _sre.LITERAL
                             else (_class_item(o, a) for o, a in av))  # NEGATE: _AnyChar
            grown = {p + (item,) for p in part}
            done |= {p for p in grown if len(p) >= _GUARD_CHARS}
            part = {p for p in grown if len(p) < _GUARD_CHARS}
        elif op is _sre.SUBPATTERN:
            _group, add_flags, del_flags, sub = av
            if add_flags or del_flags:  # "(?i:...)": the class would be read otherwise
                raise _AnyChar
            d, part = _extend(sub, part)
            done |= d
        elif op is _sre.ATOMIC_GROUP:
            d, part = _extend(av, part)
            done |= d
        elif op is _sre.BRANCH:
            after: set[_Path] = set()
            for alternative in av[1]:
                d, p = _extend(alternative, part)
                done |= d
                after |= p
            part = after
        elif op in _REPEATS:
            low, high, sub = av
            # A repeat that can match nothing stands for each count from 0; else after
            # _GUARD_CHARS rounds every path is complete.
            nullable = () in _extend(sub, {()})[1]
            rounds = min(high, _GUARD_CHARS + 1 if nullable else _GUARD_CHARS)
            after = set(part) if low == 0 or nullable else set()
            cur = part
            for n in range(1, rounds + 1):
                d, cur = _extend(sub, cur)
                done |= d
                if n >= low or nullable:
                    after |= cur
            part = after
        else:  # ANY, NOT_LITERAL, a group reference, a conditional: no simple answer
            raise _AnyChar
    return done, part


def _leading_lookbehinds(seq) -> set[str] | None:
    """The class items of a one-character negative lookbehind that a match of ``seq``
    must pass at its start ("(?<![\\w@])" -> {"\\w", "@"}), joined over the branches
    of a leading alternation as the items common to all; None when there is none."""
    for op, av in seq:
        if op is _sre.SUBPATTERN and not (av[1] or av[2]):
            return _leading_lookbehinds(av[3])
        if op is _sre.BRANCH:
            common: set[str] | None = None
            for alternative in av[1]:
                own = _leading_lookbehinds(alternative)
                if own is None:
                    return None
                common = own if common is None else common & own
            return common or None
        if op is _sre.ASSERT_NOT and av[0] == -1 and len(av[1]) == 1:
            inner_op, inner = av[1][0]
            try:
                if inner_op is _sre.IN:
                    return {_class_item(o, a) for o, a in inner}
                if inner_op is _sre.LITERAL:
                    return {_class_item(inner_op, inner)}
            except _AnyChar:
                pass
        if op not in _ZERO_WIDTH:
            return None
    return None


def prefix_guard(source: str, flags: int = 0) -> str | None:
    """A lookahead (regex source) that every match of ``source`` (compiled with
    ``flags``) passes at its start, made of the classes its first two characters can be
    in ("(?=[\\d]|[j][au]|[m][aeå]|...)"), behind the one-character lookbehind all its
    alternatives begin with, if they share one; or None when that cannot be told simply
    (the pattern may match the empty string, or begin with any character).

    Read with the same flags as the pattern (sre's case folding on both sides), it
    changes no match, and sre turns away most positions of a text at a few tests of
    the lookahead's leading literals instead of trying every alternative of a long
    alternation there."""
    tree = _sre_parse.parse(source, flags)
    try:
        done, part = _extend(tree, {()})
    except _AnyChar:
        return None
    if () in part:
        return None
    # A character every alternative must not follow ("(?<![\w@])", "(?<![\w.+-])": what
    # their classes share) turns away the positions inside words at one test.
    behind = _leading_lookbehinds(tree)
    before = "" if behind is None else "(?<![" + "".join(sorted(behind)) + "])"
    seconds: dict[frozenset[str], set[str] | None] = {}
    for path in done | part:
        first = path[0]
        if len(path) == 1:  # a match may end there, or go on with anything
            seconds[first] = None
        elif seconds.get(first, set()) is not None:
            seconds.setdefault(first, set()).update(path[1])
    branches = []
    for first, then in sorted(seconds.items(), key=lambda kv: sorted(kv[0])):
        lead = "[" + "".join(sorted(first)) + "]"
        branches.append(lead if then is None else lead + "[" + "".join(sorted(then)) + "]")
    return before + "(?=" + "|".join(branches) + ")"


def guarded(source: str, flags: int = 0) -> str:
    """``source`` behind its :func:`prefix_guard`, when it has one: the same matches,
    found faster where most positions cannot begin one."""
    guard = prefix_guard(source, flags)
    return source if guard is None else f"{guard}(?:{source})"


def lookaround_direction(source: str) -> int | None:
    """-1 when ``source`` is exactly one lookbehind ("(?<![\\w-])"), 1 when it is exactly
    one lookahead ("(?![\\w-])"), else None ("(?<!a)b(?=c)" consumes "b"), read from sre's
    parse tree."""
    tree = _sre_parse.parse(source)
    if len(tree) != 1:
        return None
    op, av = tree[0]
    return av[0] if op in (_sre.ASSERT, _sre.ASSERT_NOT) else None
