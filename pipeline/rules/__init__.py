"""Rule data: word lists, gazetteers and patterns as validated data files, and the one
language registry that says which languages exist and where their rules come from.

Files live in ``pipeline/rules/<lang>/`` (``nb``, ``nn``, ``en``, ...) and
``pipeline/rules/shared/`` for language-neutral ones. Every file is parsed into a
pydantic model with ``extra="forbid"``, so a typo in a key fails on load, not silently.

Per-language files are read through :func:`load_lang_rules` (the first file along the
language's fallback chain) or :func:`lang_rule_chain` (every file along it, for rules that
merge), never by a folder name of their own: a language without its own ``roles.yaml``
gets its fallback's, not a crash.

A user's rule folder (``--rules DIR``) is layered over these files where they are read
(:func:`_read`), so every stage sees the user's entries without knowing of them.
"""
from __future__ import annotations

import json
import os
import re
from functools import lru_cache
from importlib import resources
from typing import Any, Iterable, Mapping, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, PrivateAttr, ValidationInfo, model_validator

from klynge.rules import overlay

M = TypeVar("M", bound=BaseModel)


class RuleModel(BaseModel):
    """Base for every rule-file model: unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def rule_path(folder: str, name: str):
    """A Traversable for ``pipeline/rules/<folder>/<name>``."""
    return resources.files("klynge.rules").joinpath(folder, name)


@lru_cache(maxsize=None)
def rule_exists(folder: str, name: str) -> bool:
    # Cached as _read is (the package's files do not change under a running process):
    # the fallback chains ask it several times per document, a file-system call each.
    return rule_path(folder, name).is_file()


# libyaml's safe loader when PyYAML was built with it: the same trees (tests/rules
# compares them file by file) in a seventh of the time, which every run pays at start-up.
YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def use_rules(directory: str | os.PathLike[str] | None) -> bool:
    """Layer a user's rule folder over the packaged rules from now on in this process
    (None: the packaged rules alone); see :mod:`klynge.rules.overlay`. True when that
    changed what is layered (every klynge cache was then cleared)."""
    return overlay.use(directory)


def parse_rule_text(name: str, text: str):
    """The data of a rule file's text, by the file's ending."""
    if name.endswith((".yaml", ".yml")):
        return yaml.load(text, Loader=YAML_LOADER)  # noqa: S506 - a safe loader
    if name.endswith(".jsonl"):
        return [json.loads(line) for line in text.splitlines() if line.strip()]
    return json.loads(text)


@lru_cache(maxsize=None)
def _read(folder: str, name: str):
    data = parse_rule_text(name, rule_path(folder, name).read_text(encoding="utf-8"))
    user = overlay.user_file(folder, name)
    if user is None:
        return data
    return overlay.merge(data, parse_rule_text(name, user.read_text(encoding="utf-8")))


def load_rules(folder: str, name: str, model: type[M]) -> M:
    """Load and validate one rule file into ``model`` (cached per file)."""
    return _cached_model(folder, name, model)


@lru_cache(maxsize=None)
def _cached_model(folder: str, name: str, model):
    return validate_rule_data(folder, _read(folder, name), model)


def validate_rule_data(folder: str, data, model: type[M]) -> M:
    """Validate parsed file data; validators learn the file's folder (its language) from
    the context, so a file can refer to a word list of its own language by placeholder."""
    if isinstance(data, list):
        data = {"rules": data}
    return model.model_validate(data, context={"folder": folder})


def rule_folder(info: ValidationInfo) -> str:
    """The folder (language code or "shared") of the rule file being validated."""
    folder = (info.context or {}).get("folder")
    if not folder:
        raise ValueError("this rule file needs its folder: load it with load_rules()")
    return folder


def literal_alternation(words) -> str:
    """Regex source matching any of ``words`` literally, longest first so the longest
    form wins ("administrerende direktør" before "direktør")."""
    if not words:
        return "(?!x)x"  # an empty alternation would match everywhere
    return "|".join(re.escape(w) for w in sorted(set(words), key=lambda w: (-len(w), w)))


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


def alternation(forms: Iterable[str]) -> str:
    """A non-capturing :func:`~klynge.rules.literal_alternation` of the non-empty forms,
    a space in a form matching any run of spaces, NBSPs or narrow NBSPs."""
    words = [f for f in forms if f]
    if not words:
        return literal_alternation(words)  # matches nothing, keeps the template valid
    return "(?:" + literal_alternation(words).replace(r"\ ", r"[ \u00a0\u202f]+") + ")"


def char_class(chars) -> str:
    """Regex source of one character out of ``chars`` (each escaped)."""
    return "[" + "".join(re.escape(c) for c in chars) + "]"


# sre's tree (Python >= 3.11 names its parser re._parser): what prefix_guard reads.
from re import _constants as _sre, _parser as _sre_parse  # noqa: E402

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


# --------------------------------------------------------------------------- placeholders

# The one placeholder syntax of every rule file: ``{NAME}``, upper case. A regex never
# reads that as anything but literal braces ("{2,3}" is a quantifier, "{NAME}" is not), so
# a placeholder can sit anywhere in a pattern.
PLACEHOLDER = re.compile(r"\{([A-Z][A-Z0-9_]*)\}")


def placeholders(template: str) -> list[str]:
    """The placeholder names in ``template``, in order."""
    return PLACEHOLDER.findall(template)


def expand(template: str, table: Mapping[str, str]) -> str:
    """``template`` with each ``{NAME}`` replaced by ``table[NAME]``, in one pass (a value is
    regex source, not expanded again: fill a placeholder made of placeholders first).

    An unknown name is an error, raised inside the file's validation, so a misspelt
    placeholder fails when the file is loaded instead of matching literal braces."""

    def sub(m: re.Match[str]) -> str:
        try:
            return table[m.group(1)]
        except KeyError:
            raise ValueError(f"unknown placeholder {m.group(0)} in {template!r} "
                             f"(known: {', '.join(sorted(table))})") from None

    return PLACEHOLDER.sub(sub, template)


def expand_tree(value: Any, table: Mapping[str, str]) -> Any:
    """:func:`expand` over every string of a parsed YAML tree (lists and mappings)."""
    if isinstance(value, str):
        return expand(value, table)
    if isinstance(value, list):
        return [expand_tree(v, table) for v in value]
    if isinstance(value, dict):
        return {k: expand_tree(v, table) for k, v in value.items()}
    return value


def check_template(template: str, known: Iterable[str]) -> None:
    """Fail unless every placeholder of ``template`` is one of ``known`` and the template
    compiles with a stand-in for each: for templates whose values are only known per
    language, so a bad one still fails when its file is loaded."""
    try:
        re.compile(expand(template, {name: "(?:x)" for name in known}))
    except re.error as exc:
        raise ValueError(f"bad regex {template!r}: {exc}") from exc


# --------------------------------------------------------------------------- languages

class LanguageEntry(RuleModel):
    code: str
    name: str
    pipeline: str
    fallback: list[str] = []
    aliases: list[str] = []  # other identifiers' codes for it ("no" for nb and nn)
    wordlist: str | None = None  # a training backoff for klynge train-langid


class OtherLanguages(RuleModel):
    undetermined: str  # the code for text whose language cannot be told
    rules: str  # the folder of language-independent rules
    pipeline: str


class LanguageRegistry(RuleModel):
    """``rules/shared/languages.yaml``: the supported languages, in order of preference."""

    languages: list[LanguageEntry]
    other: OtherLanguages
    per_language_files: list[str]

    # code -> entry: the records stage asks is_supported() inside its loops.
    _by_code: dict[str, LanguageEntry] = PrivateAttr(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> "LanguageRegistry":
        codes = [e.code for e in self.languages]
        if len(set(codes)) != len(codes):
            raise ValueError("a language code is listed twice")
        for e in self.languages:
            unknown = [f for f in e.fallback if f not in codes]
            if unknown:
                raise ValueError(f"{e.code}: fallback to unregistered {unknown}")
        if self.other.rules in codes:
            raise ValueError(f"other.rules {self.other.rules!r} is a registered language")
        self._by_code = {e.code: e for e in self.languages}
        return self

    @property
    def codes(self) -> tuple[str, ...]:
        return tuple(e.code for e in self.languages)

    @property
    def undetermined(self) -> str:
        """The code of text whose language cannot be told ("und")."""
        return self.other.undetermined

    @property
    def known_codes(self) -> frozenset[str]:
        """Every code that means one of the registered languages, other identifiers'
        aliases included (langdetect's "no")."""
        return frozenset(self.codes) | {a for e in self.languages for a in e.aliases}

    def preference(self, code: str) -> tuple[int, str]:
        """A total order on any codes: registered languages first, in registry order,
        then every other code alphabetically (ties in a vote are broken by it)."""
        order = self.codes
        return (order.index(code), "") if code in order else (len(order), code)

    def entry(self, code: str) -> LanguageEntry | None:
        return self._by_code.get(code)

    def is_supported(self, code: str | None) -> bool:
        return code is not None and self.entry(code) is not None

    def rules_language(self, code: str | None) -> str:
        """The folder of rules that reads text in ``code``: its own for a registered
        language, the language-independent ``other.rules`` for any other code or "und"."""
        return code if code is not None and self.is_supported(code) else self.other.rules

    def pipeline(self, code: str | None) -> str:
        """The name of the spaCy pipeline (``models.yaml``) that reads ``code``."""
        entry = self.entry(code) if code is not None else None
        return entry.pipeline if entry is not None else self.other.pipeline

    def chain(self, code: str | None) -> tuple[str, ...]:
        """``code`` and its fallbacks, transitively, without repeats (da -> nb -> nn); any
        other language has only the language-independent rules."""
        rules = self.rules_language(code)
        if rules == self.other.rules:
            return (rules,)
        out: list[str] = []
        todo = [rules]
        while todo:
            c = todo.pop(0)
            if c not in out:
                out.append(c)
                todo.extend(self.entry(c).fallback)  # type: ignore[union-attr]
        return tuple(out)


class MissingRuleFile(LookupError):
    """No language along a chain has the rule file (a packaging error)."""


def registry() -> LanguageRegistry:
    """The language registry (loaded once)."""
    return load_rules("shared", "languages.yaml", LanguageRegistry)


def lang_rule_chain(lang: str, name: str) -> list[str]:
    """The languages along ``lang``'s fallback chain that have their own ``name``."""
    return [c for c in registry().chain(lang) if rule_exists(c, name)]


def load_lang_rules(lang: str, name: str, model: type[M]) -> M:
    """The per-language rule file ``name`` for ``lang``: its own, else the first along its
    fallback chain that has one."""
    found = lang_rule_chain(lang, name)
    if not found:
        raise MissingRuleFile(f"no {name} for {lang!r} nor along its fallback chain "
                              f"{registry().chain(lang)}")
    return load_rules(found[0], name, model)
