"""Rule layer for MONEY, DATE, URL, EMAIL and PHONE: pure finders and normalisers.

Word lists and regex templates live in ``pipeline/rules/{shared,<lang>}/``
(amounts, currencies, numbers, dates, months, relative_dates, contacts); this package
only holds the code that reads them.
"""
from __future__ import annotations

from klynge.normalisers.amounts import AmountMatch, find_amounts, parse_amount
from klynge.normalisers.contacts import ContactMatch, find_contacts, normalise_url
from klynge.normalisers.dates import DateMatch, find_dates, parse_date

__all__ = [
    "AmountMatch", "ContactMatch", "DateMatch", "check_all", "find_amounts",
    "find_contacts", "find_dates", "normalise_url", "parse_amount",
    "parse_date",
]


def check_all() -> list[str]:
    """Load, validate and compile every rule file for every language; return the errors.

    Running each finder once on a probe string also catches templates that compile alone
    but not once their tokens are filled in and joined.
    """
    from klynge.normalisers import amounts, contacts, dates, numbers

    from klynge.rules import lang_rule_chain, load_rules, registry, rule_exists

    errors: list[str] = []
    files = [("shared", "amounts.yaml", amounts.AmountRules),
             ("shared", "currencies.yaml", amounts.CurrencyFile),
             ("shared", "dates.yaml", dates.DateRules),
             ("shared", "contacts.yaml", contacts.ContactRules)]
    per_lang = (("currencies.yaml", amounts.CurrencyFile), ("numbers.yaml", numbers.NumberWords),
                ("months.yaml", dates.MonthFile), ("dates.yaml", dates.DateWords),
                ("relative_dates.yaml", dates.RelativeFile))
    for lang in registry().codes:
        for name, model in per_lang:
            # The file the language reads: its own, else its fallback's.
            found = lang_rule_chain(lang, name)
            files.append(((found or [lang])[0], name, model))
    files = list(dict.fromkeys(files))
    for folder, name, model in files:
        if not rule_exists(folder, name):
            errors.append(f"{folder}/{name}: missing")
            continue
        try:
            load_rules(folder, name, model)
        except Exception as exc:
            errors.append(f"{folder}/{name}: {type(exc).__name__}: {exc}")
    if errors:
        return errors  # the finders below would only repeat these
    probe = "NOK 1 million, 19. november 2020, i 2021, post@nfd.dep.no, 22 24 25 00"
    for lang in registry().codes:
        for name, fn in (("amounts", lambda l: amounts.find_amounts(probe, l)),
                         ("dates", lambda l: dates.find_dates(probe, l)),
                         ("contacts", lambda l: contacts.find_contacts(probe, l))):
            try:
                fn(lang)
            except Exception as exc:  # report every broken file, not just the first
                errors.append(f"{lang}/{name}: {type(exc).__name__}: {exc}")
    return errors
