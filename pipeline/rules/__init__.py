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
