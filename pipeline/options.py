"""The options that change a record, and the one home of each of their defaults.

:class:`PipelineOptions` travels from every face (``klynge run``, ``klynge evaluate``, the
Python API's :class:`~klynge.api.Extractor`, the spaCy component) to the runner's
:meth:`~klynge.runner.process.Processor.load` and on to every worker process, so the same
input gives the same record whichever face and whichever worker count made it. What only
steers a run (inputs, outputs, workers, engine, resume) is the runner's
:class:`~klynge.runner.run_options.RunOptions`, which contains one of these.

This module is a leaf: it imports nothing of klynge, so the stages' spaCy factories can
take their defaults from it.
"""
from __future__ import annotations

import dataclasses
import math
import os
from dataclasses import dataclass
from typing import Any

# The named policies of the entity stage (its registries, klynge.entities.MERGE_POLICIES and
# LEXICON_POLICIES, hold the functions; a test checks these names are exactly theirs).
MERGE_POLICY_NAMES = ("rules_first", "longest")
LEXICON_POLICY_NAMES = ("names_first", "cover")


@dataclass(frozen=True)
class PipelineOptions:
    """Everything that changes the record of a document; validated when made."""

    # Rule spans (money, dates, gazetteer, patterns) against model spans that overlap them.
    merge_policy: str = "rules_first"
    # Names the document's lexicon knows against the model's label for them.
    lexicon_policy: str = "names_first"
    # Longer texts are cut there and flagged truncated_max_chars; None: no limit.
    max_chars: int | None = 2_000_000
    # Seconds a document may take per 100,000 characters (klynge.runner.guards) before it
    # becomes a ``timeout`` error record; None: no budget.
    time_budget: float | None = 120.0
    # A user's rule folder layered over the packaged rules (klynge.rules.overlay), as an
    # absolute path (symlinks resolved); None: the packaged rules alone.
    rules: str | None = None

    def __post_init__(self) -> None:
        if self.merge_policy not in MERGE_POLICY_NAMES:
            raise ValueError(f"merge_policy must be one of {', '.join(MERGE_POLICY_NAMES)}, "
                             f"got {self.merge_policy!r}")
        if self.lexicon_policy not in LEXICON_POLICY_NAMES:
            raise ValueError(f"lexicon_policy must be one of "
                             f"{', '.join(LEXICON_POLICY_NAMES)}, got {self.lexicon_policy!r}")
        if self.max_chars is not None:
            if isinstance(self.max_chars, bool) or not isinstance(self.max_chars, int):
                raise TypeError(f"max_chars must be an int or None, got "
                                f"{type(self.max_chars).__name__}")
            if self.max_chars < 1:
                raise ValueError(f"max_chars must be at least 1, got {self.max_chars}")
        if self.time_budget is not None:
            if isinstance(self.time_budget, bool) or not isinstance(self.time_budget,
                                                                     (int, float)):
                raise TypeError(f"time_budget must be a number of seconds or None, got "
                                f"{type(self.time_budget).__name__}")
            if not math.isfinite(self.time_budget) or self.time_budget <= 0:
                raise ValueError(f"time_budget must be a positive number of seconds or None, "
                                 f"got {self.time_budget}")
            object.__setattr__(self, "time_budget", float(self.time_budget))
        if self.rules is not None:
            if not isinstance(self.rules, (str, os.PathLike)):
                raise TypeError(f"rules must be a folder's path or None, got "
                                f"{type(self.rules).__name__}")
            path = os.path.realpath(os.path.expanduser(os.fspath(self.rules)))
            if not os.path.isdir(path):
                raise ValueError(f"rules must be a folder of rule files, got {self.rules!r}")
            object.__setattr__(self, "rules", path)

    def replace(self, **changes: Any) -> "PipelineOptions":
        """A copy with ``changes`` (field names), validated again."""
        return dataclasses.replace(self, **changes)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))


# The defaults, for the places that must name a default value (argparse help, spaCy
# factories' default_config): read from here, never written again.
DEFAULTS = PipelineOptions()
