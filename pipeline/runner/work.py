"""What a worker does with one batch: records, then their output lines."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Sequence

from klynge.ingest import RawDocument
from klynge.runner.process import Processor, error_record
from klynge.runner.run_options import RunOptions
from klynge.schema import dumps


def _processor(options: RunOptions) -> Processor:
    # Processor.load loads the models once per process.
    return Processor.load(options.pipeline)


@dataclass
class BatchResult:
    """What one batch gives back to the writer: output lines and per-document outcomes."""

    lines: list[str]
    statuses: list[str]  # "ok" or the error code, one per document
    error_lines: list[str] = field(default_factory=list)  # error records, for --errors
    failures: list[str] = field(default_factory=list)     # "where (code)" per error

    @staticmethod
    def concat(parts: Sequence["BatchResult"]) -> "BatchResult":
        out = BatchResult([], [])
        for p in parts:
            out.lines += p.lines
            out.statuses += p.statuses
            out.error_lines += p.error_lines
            out.failures += p.failures
        return out


def _where(source: dict) -> str:
    path = source.get("path") or "?"
    return f"{path}:{source['line']}" if source.get("line") is not None else path


def lines_for(records: Sequence, options: RunOptions) -> BatchResult:
    """Output lines and outcomes for finished records."""
    lines: list[str] = []
    result = BatchResult(lines, [])
    for rec in records:
        if options.emit == "clusters":
            from klynge.records.clusters.registry import iter_cluster_lines
            data = rec.model_dump(mode="json")
            lines.extend(json.dumps(c, ensure_ascii=False, separators=(",", ":"))
                         for c in iter_cluster_lines(data))
        else:
            lines.append(dumps(rec, options.omit))
        if rec.status == "ok":
            result.statuses.append("ok")
        else:
            result.statuses.append(rec.error.code)
            result.error_lines.append(lines[-1] if options.emit != "clusters" else dumps(rec))
            result.failures.append(f"{_where(rec.source.model_dump())} ({rec.error.code})")
    return result


def process_to_lines(raws: Sequence[RawDocument], options: RunOptions) -> BatchResult:
    """The per-batch function every engine runs (in-process, worker process, Dask worker)."""
    return lines_for(_processor(options).process_batch(list(raws)), options)


def _error_lines(raw: RawDocument, code: str, message: str, options: RunOptions
                 ) -> BatchResult:
    """Lines for a document the runner itself gives up on (its worker died)."""
    return lines_for([error_record(raw, code, message)], options)
