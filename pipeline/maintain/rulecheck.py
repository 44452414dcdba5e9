"""``klynge rules check``: validate every rule data file under ``pipeline/rules/``.

Each file name is claimed by exactly one pydantic model (the one its stage loads it
with); a file nobody claims is an error too, so a misspelt file name cannot be silently
ignored. An entry listed twice under one key of a file is an error; stages that merge
files (the sections wording along a fallback chain) report an entry repeated across them. Stages with deeper checks (templates that compile only once filled in, example
lines that must match) add them through their own ``check`` functions.
"""
from __future__ import annotations

from collections import Counter
from importlib import resources
from typing import Any, Callable, Iterator

from pydantic import BaseModel, ValidationError

from klynge import rules as _rules
from klynge.rules import _read, load_rules, overlay, rule_exists, validate_rule_data


def _models() -> dict[tuple[str, str], type[BaseModel]]:
    """(folder, file name) -> model; folder "*" means every language folder."""
    from klynge import entities, language, lexicon, sections
    from klynge.normalisers import amounts, contacts, dates, numbers
    from klynge.ingest import formats
    from klynge.records import clusters, quotes, roles

    from klynge import rules

    return {
        ("shared", "languages.yaml"): rules.LanguageRegistry,
        ("shared", "labels.yaml"): entities.LabelMaps,
        ("shared", "models.yaml"): entities.ModelsFile,
        ("shared", "entity_patterns.jsonl"): entities.EntityPatterns,
        ("shared", "sentences.yaml"): entities.SentenceRules,
        ("shared", "langid.yaml"): language.LangIdThresholds,
        ("shared", "sections.yaml"): sections.SharedSectionRules,
        ("*", "sections.yaml"): sections.LangSectionRules,
        ("shared", "amounts.yaml"): amounts.AmountRules,
        ("shared", "currencies.yaml"): amounts.CurrencyFile,
        ("*", "currencies.yaml"): amounts.CurrencyFile,
        ("shared", "dates.yaml"): dates.DateRules,
        ("*", "dates.yaml"): dates.DateWords,
        ("*", "months.yaml"): dates.MonthFile,
        ("*", "relative_dates.yaml"): dates.RelativeFile,
        ("*", "numbers.yaml"): numbers.NumberWords,
        ("shared", "contacts.yaml"): contacts.ContactRules,
        ("shared", "clusters.yaml"): clusters.SharedClusterRules,
        ("*", "clusters.yaml"): clusters.LangClusterRules,
        ("shared", "organisations.yaml"): lexicon.Gazetteer,
        ("shared", "clusters_gazetteer.yaml"): lexicon.ClusterGazetteer,
        ("shared", "generic_nouns.yaml"): lexicon.GenericNouns,
        ("shared", "places.yaml"): lexicon.Places,
        ("shared", "places_dk_se.yaml"): lexicon.NordicPlaces,
        ("shared", "names.yaml"): lexicon.NameRules,
        ("shared", "formats.yaml"): formats.FormatRules,
        ("*", "roles.yaml"): roles.Roles,
        ("*", "quotes.yaml"): quotes.QuoteRules,
    }


def _deep_checks() -> list[Callable[[], list[str]]]:
    from klynge import normalisers, sections
    return [check_languages, normalisers.check_all, sections.check_rules]


def check_languages() -> list[str]:
    """Every registered language resolves every per-language rule file (its own or a
    fallback's) and is read by a pipeline of models.yaml; every class the language
    detector can return is registered; no language folder lacks a registry entry."""
    from klynge.entities import ModelsFile
    from klynge.language import model_labels, unregistered_labels
    from klynge.rules import lang_rule_chain, load_rules, registry

    reg = registry()
    pipelines = load_rules("shared", "models.yaml", ModelsFile).pipelines
    errors = []
    for code in reg.codes:
        for name in reg.per_language_files:
            if not lang_rule_chain(code, name):
                errors.append(f"languages.yaml: {code} has no {name} along {reg.chain(code)}")
        if reg.pipeline(code) not in pipelines:
            errors.append(f"languages.yaml: {code}: no pipeline {reg.pipeline(code)!r} in models.yaml")
    if reg.other.pipeline not in pipelines:
        errors.append(f"languages.yaml: other: no pipeline {reg.other.pipeline!r}")
    errors += [f"language detector class {c!r} is not a registered language"
               for c in unregistered_labels(model_labels())]
    root = resources.files("klynge.rules")
    errors += [f"rules/{p.name}/: a language folder with no entry in languages.yaml"
               for p in root.iterdir()
               if p.is_dir() and p.name not in ("shared", reg.other.rules, *reg.codes)
               and not p.name.startswith("_")]
    return errors


def _lists(node: Any, path: str) -> Iterator[tuple[str, list]]:
    """(key path, list) for every list in a parsed rule file ("rules[3].forms")."""
    if isinstance(node, dict):
        for key, value in node.items():
            yield from _lists(value, f"{path}.{key}" if path else str(key))
    elif isinstance(node, list):
        yield path, node
        for i, item in enumerate(node):
            if isinstance(item, dict):
                yield from _lists(item, f"{path}[{i}]")


def duplicate_entries(where: str, data: Any) -> list[str]:
    """One error per entry listed more than once in one list of a file: a second copy is
    dead at best, and a pattern list read in order can hide a later edit of the first.
    A list of lists (quote pairs) has its inner lists as entries."""
    errors = []
    for path, items in _lists(data, ""):
        if any(isinstance(item, dict) for item in items):
            continue
        counts = Counter(tuple(i) if isinstance(i, list) else i for i in items)
        errors += [f"{where}: {path}: {entry!r} is listed {n} times"
                   for entry, n in counts.items() if n > 1]
    return errors


def check_all_rules() -> list[str]:
    """Every problem found in the rule files; empty when all are valid."""
    errors = check_rule_files()
    if not errors:
        for check in _deep_checks():
            errors.extend(check())
    return errors


def check_rule_files() -> list[str]:
    """Every rule file that does not parse or validate against its model, or that no
    stage reads ("folder/name: why"); the quick part of :func:`check_all_rules`, which
    ``klynge run`` does before it writes anything. With a user rule folder layered
    (:func:`klynge.rules.use_rules`), each packaged file is checked with the user's file
    merged in, and each user file must layer over a packaged one."""
    errors: list[str] = check_user_folder()
    models = _models()
    root = resources.files("klynge.rules")
    for folder in sorted(p for p in root.iterdir() if p.is_dir() and not p.name.startswith("_")):
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            if path.name.startswith(".") or not path.name.endswith((".yaml", ".yml", ".json", ".jsonl")):
                continue
            where = f"{folder.name}/{path.name}"
            user = overlay.user_file(folder.name, path.name)
            if user is not None:
                where += f" (with {user} layered over it)"
            model = models.get((folder.name, path.name)) or (
                models.get(("*", path.name)) if folder.name != "shared" else None)
            if model is None:
                errors.append(f"{where}: no stage reads this file (unknown rule file)")
                continue
            try:
                data = _read(folder.name, path.name)
                errors.extend(duplicate_entries(where, data))
                if data is _rules._read(folder.name, path.name):
                    # The file as the stages read it: validated into their cache, so a
                    # run validates each file once, not here and again in the stage.
                    load_rules(folder.name, path.name, model)
                else:
                    validate_rule_data(folder.name, data, model)
            except ValidationError as exc:
                errors.append(f"{where}: {exc}")
            except Exception as exc:  # a YAML/JSON syntax error names the file, then goes on
                errors.append(f"{where}: {type(exc).__name__}: {exc}")
    return errors


def check_user_folder() -> list[str]:
    """The layered user folder's files that cannot be layered: one the package has no file
    of that folder and name for (a misspelt name would otherwise be ignored), one of
    :data:`klynge.rules.overlay.FIXED_FILES`, anything that is no rule file."""
    directory = overlay.current()
    if directory is None:
        return []
    errors = []
    for folder, name, path in overlay.user_files(directory):
        why = overlay.FIXED_FILES.get((folder, name))
        if why:
            errors.append(f"{path}: cannot be layered: {why}")
        elif not rule_exists(folder, name):
            errors.append(f"{path}: no packaged rule file {folder}/{name} to layer over "
                          f"(a user file extends the packaged file of the same folder "
                          f"and name; 'klynge rules list' names them)")
    errors += [f"{directory / name}: not a rule file (.yaml, .yml, .json or .jsonl in a "
               f"folder named like the packaged ones)" for name in overlay.stray_files(directory)]
    return errors


def rule_files() -> list[tuple[str, str | None]]:
    """("folder/name", the user's file layered over it or None) for every packaged rule
    file, in a fixed order: what ``klynge rules list`` prints."""
    root = resources.files("klynge.rules")
    out = []
    for folder in sorted((p for p in root.iterdir() if p.is_dir()
                          and not p.name.startswith(("_", "."))), key=lambda p: p.name):
        for path in sorted(folder.iterdir(), key=lambda p: p.name):
            if path.name.endswith(overlay.RULE_SUFFIXES) and not path.name.startswith("."):
                user = overlay.user_file(folder.name, path.name)
                out.append((f"{folder.name}/{path.name}", str(user) if user else None))
    return out
