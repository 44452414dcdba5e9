"""The files a run writes: checked before anything is opened, locked, whole lines only, resumable."""
from __future__ import annotations

import contextlib
import errno
import hashlib
import fcntl
import json
import os
import re
import signal
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO, Sequence

from klynge.runner.provenance import fingerprint_fields
from klynge.runner.run_options import RunError, RunOptions


class OutputPathError(Exception):
    """The output path cannot be written; raised before any document is processed."""


def check_output_path(path: str) -> None:
    """Raise :class:`OutputPathError` if ``path`` cannot be written; ``"-"`` is stdout.

    Checks without creating or truncating anything, so a failed run leaves no stray file.
    """
    if path == "-":
        return
    if not path:
        raise OutputPathError("output path is empty")
    if os.path.isdir(path):
        raise OutputPathError(f"output path {path!r} is a directory, not a file")
    parent = os.path.dirname(os.path.abspath(path))
    if not os.path.exists(parent):
        raise OutputPathError(f"cannot write {path!r}: folder {parent!r} does not exist")
    if not os.path.isdir(parent):
        raise OutputPathError(f"cannot write {path!r}: {parent!r} is not a folder")
    if os.path.exists(path):
        if not os.access(path, os.W_OK):
            raise OutputPathError(f"cannot write {path!r}: permission denied")
    elif not os.access(parent, os.W_OK | os.X_OK):
        raise OutputPathError(f"cannot create {path!r}: no write permission in {parent!r}")


# Surrogate code points: a string may hold them (a record made through the API), UTF-8
# cannot. Structure and keys of an output line are ASCII, so any of them lies in a string.
_SURROGATE = re.compile("[\ud800-\udfff]")


def encode_lines(lines: Sequence[str]) -> bytes:
    """The bytes of output lines, the one writer of every line a run writes (read back by
    :func:`read_line_id`).

    UTF-8, one line per record ended by "\\n". A surrogate code point is written as its
    JSON escape (it would make the UTF-8 encoder fail and lose the batch), so it reads
    back as the same string; ingest refuses or repairs them first (``jsonl_bad_id``,
    ``replaced_lone_surrogates``).
    """
    text = "".join(line + "\n" for line in lines)
    if _SURROGATE.search(text):
        text = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return text.encode("utf-8")


def split_lines(data: bytes) -> list[bytes]:
    """The lines of output bytes, split at "\\n" alone: U+2028, U+2029 and U+0085 are
    written raw inside strings (JSON allows them) and str.splitlines would split there."""
    lines = data.split(b"\n")
    if lines and lines[-1] == b"":
        lines.pop()
    return lines


def read_line_id(line: bytes) -> tuple[str | None, bool]:
    """The id of one output line and whether it is an error record; (None, False) for a
    line that is no record. The reader of what :func:`encode_lines` writes."""
    try:
        obj = json.loads(line.decode("utf-8", "replace"))
    except (json.JSONDecodeError, RecursionError):
        return None, False
    if not isinstance(obj, dict):
        return None, False
    # Document lines carry "id"; cluster lines (--emit clusters) "document": {"id"}.
    doc = obj.get("document") if isinstance(obj.get("document"), dict) else {}
    ident = doc.get("id", obj.get("id"))
    return (None if ident is None else str(ident)), obj.get("status") == "error"


def written_id(ident: str) -> str:
    """What ``ident`` reads back as once written: JSON joins a high and a low surrogate
    that follow each other into one character. --resume compares ids in this form."""
    if not _SURROGATE.search(ident):
        return ident
    return json.loads(encode_lines([json.dumps(ident, ensure_ascii=False)]))


def repair_and_read_ids(path: Path, retry_errors: bool = False) -> set[str]:
    """Ids already in an output file; a partial last line (a killed run) is cut off first.

    With ``retry_errors`` the ids of error records are left out, so they are processed
    again; the caller removes their lines (:func:`_drop_error_lines`).
    """
    if not path.exists():
        return set()
    with open(path, "rb+") as fh:
        data = fh.read()
        if data and not data.endswith(b"\n"):
            cut = data.rfind(b"\n") + 1
            fh.truncate(cut)
            data = data[:cut]
    ids = set()
    for line in split_lines(data):
        ident, is_error = read_line_id(line)
        if ident is not None and not (retry_errors and is_error):
            ids.add(ident)
    return ids


def same_file(a: str, b: str) -> bool:
    """Whether two paths name one file: equal once symlinks are resolved, or, for files
    that exist, one inode (st_dev, st_ino: a hard link)."""
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist yet: only the resolved names can tell
        return False


def _check_not_an_input(path: str, inputs: Sequence[str], what: str) -> None:
    """Refuse an output that is one of the inputs or lies inside an input folder: it
    would be destroyed before it is read, or read back as input without end."""
    real = os.path.realpath(path)
    for item in inputs:
        if item == "-" or not os.path.exists(item):
            continue
        if os.path.exists(path) and os.path.samefile(path, item):
            raise RunError(f"{what} {path!r} is also an input; it would be overwritten "
                           "before it is read")
        if os.path.isdir(item):
            folder = os.path.realpath(item)
            if os.path.commonpath([folder, real]) == folder:
                raise RunError(f"{what} {path!r} is inside the input folder {item!r}; it "
                               "would be read back as input")


SIDECAR_SUFFIX = ".klynge"


def run_fingerprint(emit: str, pipeline: object, **record_options: object) -> dict:
    """What an output's records depend on besides their input: the klynge version, the
    kind of lines (--emit), every pipeline option and the run's other record-shaping
    options (``record_options``: fields left out, default language and date, input
    format). --resume appends only to an output made under the same (records under other
    options would be mixed into one file)."""
    from klynge._version import __version__
    options = {**fingerprint_fields(pipeline),  # type: ignore[arg-type]
               **{k: list(v) if isinstance(v, tuple) else v for k, v in record_options.items()}}
    body = {"klynge": __version__, "emit": emit, "options": options}
    digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode("utf-8")).hexdigest()
    return {"fingerprint": digest[:16], **body}


def fingerprint_of(options: RunOptions) -> dict:
    """The fingerprint of the records a run under ``options`` writes."""
    return run_fingerprint(options.emit, options.pipeline, omit=options.omit,
                           lang=options.lang, published=options.published,
                           input_format=options.input_format)


def _differences(old: dict, new: dict) -> str:
    keys = [k for k in ("klynge", "emit") if old.get(k) != new[k]]
    old_options = old.get("options") if isinstance(old.get("options"), dict) else {}
    # Both sides' keys: an option one run had and the other lacks (a rules folder) counts.
    keys += [k for k in sorted(set(old_options) | set(new["options"]))
             if old_options.get(k) != new["options"].get(k)]
    return ", ".join(f"{k}: {_value(old, k)} then, {_value(new, k)} now" for k in keys) \
        or "another fingerprint"


def _value(fp: dict, key: str) -> str:
    options = fp.get("options") if isinstance(fp.get("options"), dict) else {}
    return json.dumps(fp.get(key) if key in ("klynge", "emit") else options.get(key))


class _Sink:
    """An output file: locked, opened without truncating until the run starts, written
    in whole lines (one write per batch, with SIGINT/SIGTERM held back meanwhile)."""

    def __init__(self, path: str | None, stream: IO | None = None) -> None:
        self.path = path
        self.stream = stream
        self.fd: int | None = None
        self.broken = False

    def open(self, *, append: bool, retry_errors: bool = False,
             fingerprint: dict | None = None) -> set[str]:
        """Lock the file, then resume it (ids to skip) or empty it.

        With ``fingerprint`` (:func:`run_fingerprint`) the output's options travel beside
        it, in ``OUT.klynge``: resuming an output made under other options, or one klynge
        did not write (no such file beside it), is refused before the output is touched.
        """
        if self.path is None:
            return set()
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o666)
        except OSError as exc:
            raise RunError(f"cannot open {self.path!r}: {exc.strerror}") from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            os.close(fd)
            if exc.errno in (errno.EWOULDBLOCK, errno.EAGAIN):
                raise RunError(f"{self.path!r} is being written by another klynge run") \
                    from None
            raise RunError(f"cannot lock {self.path!r}: {exc.strerror}") from None
        self.fd = fd
        regular = stat.S_ISREG(os.fstat(fd).st_mode)
        if not regular:
            return set()
        if append and fingerprint is not None and os.fstat(fd).st_size > 0:
            self._check_fingerprint(fingerprint)
        if not append:
            os.ftruncate(fd, 0)
        if fingerprint is not None:
            self._write_fingerprint(fingerprint)
        if not append:
            return set()
        done = repair_and_read_ids(Path(self.path), retry_errors)
        if retry_errors:
            self._drop_error_lines()
        return done

    def _check_fingerprint(self, fingerprint: dict) -> None:
        assert self.path is not None
        side = self.path + SIDECAR_SUFFIX
        try:
            old = json.loads(Path(side).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise RunError(f"--resume: {self.path!r} was not written by this klynge (no "
                           f"{os.path.basename(side)!r} beside it); it is left as it is") \
                from None
        except (OSError, ValueError) as exc:
            raise RunError(f"--resume: cannot read {side!r}: {exc}") from None
        if not isinstance(old, dict) or old.get("fingerprint") != fingerprint["fingerprint"]:
            found = old if isinstance(old, dict) else {}
            raise RunError(f"--resume: {self.path!r} was written under other options "
                           f"({_differences(found, fingerprint)}); resume with those, or "
                           "run without --resume to start again")

    def _write_fingerprint(self, fingerprint: dict) -> None:
        """Write ``OUT.klynge`` whole (a temporary file renamed over it)."""
        assert self.path is not None
        side = Path(self.path + SIDECAR_SUFFIX)
        try:
            fd, tmp = tempfile.mkstemp(prefix=side.name + ".", suffix=".tmp", dir=side.parent)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(json.dumps(fingerprint, sort_keys=True) + "\n")
            os.replace(tmp, side)
        except OSError as exc:
            raise RunError(f"cannot write {str(side)!r}: {exc.strerror}") from None

    def _drop_error_lines(self) -> None:
        """Remove error records (they are processed again) by writing the rest to a locked
        temporary file and renaming it over the output: never a half-rewritten file."""
        # The file itself, not a symlink to it: renaming over the link would replace the
        # link with a copy and leave the real file stale.
        path = Path(os.path.realpath(self.path))
        data = path.read_bytes()
        lines = split_lines(data)
        kept = [line + b"\n" for line in lines if not read_line_id(line)[1]]
        if len(kept) == len(lines):
            return
        fd, tmp = tempfile.mkstemp(prefix=path.name + ".", suffix=".tmp", dir=path.parent)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            os.write(fd, b"".join(kept))
            os.fsync(fd)
            os.chmod(tmp, stat.S_IMODE(os.fstat(self.fd).st_mode))
            os.replace(tmp, path)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        os.close(self.fd)
        # The temporary file was opened without O_APPEND; every later write goes to its end.
        os.lseek(fd, 0, os.SEEK_END)
        self.fd = fd

    def write(self, lines: Sequence[str]) -> None:
        if not lines:
            return
        data = encode_lines(lines)
        held = {signal.SIGINT, signal.SIGTERM}
        old = signal.pthread_sigmask(signal.SIG_BLOCK, held)
        try:
            if self.fd is None:
                self._write_stream(data)
            else:
                self._write_fd(data)
        finally:
            signal.pthread_sigmask(signal.SIG_SETMASK, old)

    def _write_stream(self, data: bytes) -> None:
        stream = self.stream or sys.stdout
        try:
            buffer = getattr(stream, "buffer", None)
            if buffer is not None:
                buffer.write(data)
                buffer.flush()
            else:
                stream.write(data.decode("utf-8"))
                stream.flush()
        except BrokenPipeError:
            self.broken = True
            raise RunError("the output pipe was closed (broken pipe)") from None

    def _write_fd(self, data: bytes) -> None:
        assert self.fd is not None
        regular = stat.S_ISREG(os.fstat(self.fd).st_mode)
        size = os.fstat(self.fd).st_size if regular else 0
        view = memoryview(data)
        try:
            while view:
                n = os.write(self.fd, view)
                view = view[n:]
        except OSError as exc:
            if regular:
                # Take back the part of the batch that got in: whole lines only.
                with contextlib.suppress(OSError):
                    os.ftruncate(self.fd, size)
            raise RunError(f"cannot write {self.path!r}: {exc.strerror}") from None

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None
