"""``--config klynge.toml``: a command's defaults from a TOML file.

One table per command (``[run]``, ``[evaluate]``), one key per long option, spelt as on
the command line without the dashes (``batch-size = 32``, ``exclude = ["text"]``, ``quiet
= true``). Each value goes through the same check as the option's on the command line,
so a file cannot set what the command line would refuse. What the command line says wins
over the file, and the file over the built-in defaults. Paths in the file (``inputs``,
``output``, ``errors``, ``rules``) are relative to the file's folder, so a project's
configuration works from wherever it is run.

Python's own ``tomllib`` reads the file; nothing to install.
"""
from __future__ import annotations

import argparse
import os
import tomllib
from typing import Any

# The commands that take --config (each reads its own table).
CONFIG_COMMANDS = ("run", "evaluate")
# Options whose values are paths, resolved against the configuration file's folder.
PATH_OPTIONS = frozenset({"inputs", "output", "errors", "rules", "corpus", "texts", "out",
                          "html", "compare", "check_baseline", "update_baseline"})
# Options a file may not set: the file itself.
NOT_IN_FILE = frozenset({"config", "help"})


class ConfigError(ValueError):
    """A configuration file that cannot be used; the message is one line."""


def read_config(path: str, command: str, parser: argparse.ArgumentParser) -> dict[str, Any]:
    """The defaults ``path`` sets for ``command`` (argparse dests to checked values)."""
    try:
        with open(path, "rb") as f:
            data = tomllib.load(f)
    except FileNotFoundError:
        raise ConfigError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a folder, not a TOML file") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read it: {exc.strerror or exc}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    unknown = sorted(set(data) - set(CONFIG_COMMANDS))
    if unknown:
        raise ConfigError(f"{path}: unknown table [{unknown[0]}] (tables: "
                          f"{', '.join(f'[{c}]' for c in CONFIG_COMMANDS)})")
    table = data.get(command, {})
    if not isinstance(table, dict):
        raise ConfigError(f"{path}: {command} must be a table ([{command}])")
    actions = _options(parser)
    base = os.path.dirname(os.path.abspath(path))
    out: dict[str, Any] = {}
    for key, value in table.items():
        action = actions.get(key)
        if action is None:
            raise ConfigError(f"{path}: [{command}] {key}: no such option of 'klynge "
                              f"{command}' (options: {', '.join(sorted(actions))})")
        if action.dest in PATH_OPTIONS:
            value = _relative_to(base, value)
        try:
            out[action.dest] = _value(action, value)
        except (argparse.ArgumentTypeError, ValueError, TypeError) as exc:
            raise ConfigError(f"{path}: [{command}] {key}: {exc}") from None
    return out


def _options(parser: argparse.ArgumentParser) -> dict[str, argparse.Action]:
    """Key in the file -> the option's action: the long option without dashes, or a
    positional's name ("inputs")."""
    out = {}
    for action in parser._actions:  # argparse has no public list of a parser's actions
        if action.dest in NOT_IN_FILE or isinstance(action, (argparse._HelpAction,
                                                            argparse._VersionAction)):
            continue
        longs = [s for s in action.option_strings if s.startswith("--")]
        if longs:
            out[longs[0][2:]] = action
        elif not action.option_strings:
            out[action.dest] = action
    return out


def _value(action: argparse.Action, value: Any) -> Any:
    """``value`` from the file, checked as the command line checks the option's."""
    if isinstance(action, (argparse._StoreTrueAction, argparse._StoreFalseAction)):
        if not isinstance(value, bool):
            raise ValueError(f"expected true or false, got {value!r}")
        return value if isinstance(action, argparse._StoreTrueAction) else not value
    many = action.nargs in ("*", "+") or isinstance(action, argparse._AppendAction)
    if many:
        items = value if isinstance(value, list) else [value]
        return [_one(action, v) for v in items]
    if isinstance(value, list):
        # an option given as a comma list on the command line (--exclude a,b)
        value = ",".join(_scalar(v) for v in value)
    return _one(action, value)


def _one(action: argparse.Action, value: Any) -> Any:
    text = _scalar(value)
    checked = action.type(text) if action.type is not None else text
    if action.choices is not None and checked not in action.choices:
        raise ValueError(f"expected one of {', '.join(map(str, action.choices))}, got {text!r}")
    return checked


def _scalar(value: Any) -> str:
    if isinstance(value, bool) or isinstance(value, (dict, list)):
        raise ValueError(f"expected a string or a number, got {value!r}")
    return str(value)


def _relative_to(base: str, value: Any) -> Any:
    if isinstance(value, list):
        return [_relative_to(base, v) for v in value]
    if isinstance(value, str) and value != "-":
        return os.path.join(base, os.path.expanduser(value))
    return value


def apply_config(parser: argparse.ArgumentParser, argv: list[str] | None) -> argparse.Namespace:
    """Parse ``argv`` with the defaults of the ``--config`` file it names, if any."""
    args = parser.parse_args(argv)
    path = getattr(args, "config", None)
    if not path:
        return args
    sub = _subcommand(parser, args.command)
    sub.set_defaults(**read_config(path, args.command, sub))
    return parser.parse_args(argv)


def _subcommand(parser: argparse.ArgumentParser, command: str) -> argparse.ArgumentParser:
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            return action.choices[command]
    raise LookupError(command)
