"""The command line's argument types: each checks one option's value and says what it
wants in words (argparse names the type function in its message unless it raises
ArgumentTypeError). ``klynge.cli_config`` checks a configuration file's values with the
same functions, so a file cannot set what the command line would refuse.
"""
from __future__ import annotations

import argparse

from klynge import cli_checks as checks


def positive_int(value: str) -> int:
    try:
        n = int(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {value!r}") from None
    if n < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {n}")
    return n


def field_list(value: str) -> tuple[str, ...]:
    return tuple(f.strip() for f in value.split(",") if f.strip())


def language(value: str) -> str:
    from klynge.rules import registry
    codes = registry().codes
    if value not in codes:
        raise argparse.ArgumentTypeError(f"expected one of {', '.join(codes)}, got {value!r}")
    return value


def iso_date(value: str) -> str:
    import datetime as dt
    try:
        if len(value) == 10:
            return dt.date.fromisoformat(value).isoformat()
    except ValueError:
        pass
    raise argparse.ArgumentTypeError(f"expected a date YYYY-MM-DD, got {value!r}")


def folder(value: str) -> str:
    why = checks.readable_folder(value)
    if why:
        raise argparse.ArgumentTypeError(why)
    return value


def seconds(value: str) -> float:
    """A time budget: positive seconds, or 0 for none."""
    try:
        n = float(value)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected seconds, got {value!r}") from None
    if not n >= 0 or n == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds (0: no "
                                         f"budget), got {value}")
    return n
