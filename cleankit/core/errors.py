"""Errors that name the place and the cause, so a user can fix their input without a traceback."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

__all__ = [
    "CapacityError",
    "CleankitError",
    "DocumentError",
    "InputError",
    "RuleError",
    "SettingsError",
    "Terminated",
    "did_you_mean",
    "first_line",
]


def did_you_mean(name: str, known: Iterable[str]) -> str:
    """ "; did you mean 'x'?" naming the known name closest to a mistyped one, or "" when none
    is close: the tail of every unknown-name message."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def first_line(error: BaseException) -> str:
    """The first line of an error's message: a library's (polars, an OS call) can run to many
    lines, and a user's message is one."""
    return str(error).splitlines()[0] if str(error) else type(error).__name__


class CleankitError(Exception):
    """A user-facing problem: rendered as ``path:line: cause`` (or ``path: cause`` without a line)."""

    def __init__(self, cause: str, *, path: str | None = None, line: int | None = None) -> None:
        super().__init__(cause)
        self.cause = cause
        self.path = path
        self.line = line

    def __reduce__(self) -> tuple[object, ...]:
        # Keyword-only fields would be lost by Exception's default pickling (records are spooled).
        return (_rebuild, (type(self), self.cause, self.path, self.line))

    def __str__(self) -> str:
        if self.path is None:
            return self.cause
        if self.line is None:
            return f"{self.path}: {self.cause}"
        return f"{self.path}:{self.line}: {self.cause}"


class InputError(CleankitError):
    """An input file cannot be read at all (missing, unknown format); per-record problems are DocumentError."""


class RuleError(CleankitError):
    """A rule file is malformed; raised before any text is touched."""


class CapacityError(CleankitError):
    """The run would not fit on this machine (memory); raised before any work."""


class Terminated(BaseException):
    """SIGTERM, raised in the main thread so that a run unwinds (and cleans up) as on Ctrl-C."""


class SettingsError(CleankitError):
    """A settings file or option value is invalid."""


class ObserverError(CleankitError):
    """A chain was called on one document while some of its observers had not seen a corpus."""


class DocumentError(CleankitError):
    """One record is malformed or cannot be processed; the run records it and goes on.

    ``doc_id`` is the record's own id when it had a usable one, so the manifest row of a
    broken record is found under the id its producer gave it.
    """

    def __init__(
        self,
        cause: str,
        *,
        path: str | None = None,
        line: int | None = None,
        doc_id: str | None = None,
    ) -> None:
        super().__init__(cause, path=path, line=line)
        self.doc_id = doc_id

    def __reduce__(self) -> tuple[object, ...]:
        return (_rebuild_document_error, (self.cause, self.path, self.line, self.doc_id))


def _rebuild(
    cls: type[CleankitError], cause: str, path: str | None, line: int | None
) -> CleankitError:
    return cls(cause, path=path, line=line)


def _rebuild_document_error(
    cause: str, path: str | None, line: int | None, doc_id: str | None
) -> DocumentError:
    return DocumentError(cause, path=path, line=line, doc_id=doc_id)
