"""One pass over a document that tells which rules may match it, with Hyperscan.

Most of the 120-odd rules find nothing in a given document, yet each costs a regex scan of
its lines, about 0.9 ms a document in all. Hyperscan (Intel's multi-pattern engine, in C, via
the ``hyperscan`` package) runs every rule's pattern at once in a single pass over the text.
It does not support everything the ``regex`` module does (lookarounds, ``\\K``, conditionals),
but its prefilter mode compiles a pattern into one that matches wherever the original could:
a superset. A rule it does not report for a document cannot match there and is not run; the
rules it reports run as before, so the edits are the same, only fewer scans are made.

Each pattern is first widened into one that Hyperscan compiles quickly
(:mod:`cleankit.filters.pattern_widening`); a pattern with no wider form, or that does not
compile, is simply always run. The compiled database is kept in the cache directory (see
:func:`~cleankit.filters.language_model.cache_root`), named by the digest of the patterns, so
a process after the first loads it in milliseconds (compiling takes about two seconds).

Without the ``hyperscan`` package (it ships wheels for Linux, macOS and Windows) every rule
runs, as before this module: the results are the same, a little slower.
"""

from __future__ import annotations

import hashlib
import tempfile
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from cleankit.filters.pattern_widening import prefilter_source

__all__ = ["MIN_RULES", "RulePrefilter"]

#: Rule sets smaller than this are matched rule by rule (the examples' one-rule sets).
MIN_RULES = 8
#: Prefilters built in this process, by digest: a chain built again loads nothing.
_BUILT: dict[str, RulePrefilter | None] = {}
#: Bumped when a cached file's layout changes (a changed widening changes the digest itself:
#: the widened sources are part of it).
_LAYOUT = "v1"


@dataclass(frozen=True)
class RulePrefilter:
    """Which of a rule set's patterns may match a text. ``covered`` are the indexes of the
    patterns in the database; the others must always be run."""

    database: Any
    covered: frozenset[int]
    #: Scan space, one per thread: Hyperscan refuses a scratch that another scan is using.
    _scratch: threading.local = field(default_factory=threading.local, repr=False, compare=False)

    @classmethod
    def build(cls, patterns: Sequence[regex.Pattern[str]]) -> RulePrefilter | None:
        """The prefilter of ``patterns`` (from the cache when it holds one), or None when
        Hyperscan is not installed or covers none of them."""
        try:
            import hyperscan
        except ImportError:
            return None
        sources = [prefilter_source(p.pattern) for p in patterns]
        key = hashlib.sha256(
            "\0".join(
                [_LAYOUT, str(getattr(hyperscan, "__version__", ""))]
                + [f"{p.flags}:{s}" for p, s in zip(patterns, sources, strict=True)]
            ).encode()
        ).hexdigest()
        if key in _BUILT:
            return _BUILT[key]
        built = cls._compiled(hyperscan, patterns, sources, key)
        _BUILT[key] = built
        return built

    @classmethod
    def _compiled(
        cls,
        hyperscan: Any,
        patterns: Sequence[regex.Pattern[str]],
        sources: Sequence[str | None],
        key: str,
    ) -> RulePrefilter | None:
        cached = _read_cache(key)
        if cached is not None:
            covered, blob = cached
            if not covered:
                return None
            try:
                return cls(hyperscan.loadb(blob, hyperscan.HS_MODE_BLOCK), covered)
            except hyperscan.error:
                pass  # a damaged or foreign copy: compiled again below, and written over
        usable = [i for i, source in enumerate(sources) if source is not None]
        try:
            covered = frozenset(usable)
            database = _compile(hyperscan, patterns, sources, usable)
        except hyperscan.error:
            # One pattern Hyperscan refuses spoils the set: each is tried alone, the rest kept.
            covered = frozenset(
                i for i in usable if _compiles(hyperscan, str(sources[i]), patterns[i])
            )
            database = _compile(hyperscan, patterns, sources, sorted(covered)) if covered else None
        _write_cache(key, covered, hyperscan.dumpb(database) if database is not None else b"")
        return cls(database, covered) if database is not None else None

    def possible(self, text: str) -> frozenset[int]:
        """The covered patterns that may match ``text`` (the others of ``covered`` cannot)."""
        found: set[int] = set()

        def on_match(pattern: int, start: int, end: int, flags: int, context: Any) -> None:
            found.add(pattern)

        try:
            data = text.encode("utf-8")
        except UnicodeEncodeError:
            return self.covered  # a lone surrogate: not UTF-8, which the scan requires
        scratch = getattr(self._scratch, "space", None)
        if scratch is None:
            import hyperscan

            scratch = self._scratch.space = hyperscan.Scratch(self.database)
        self.database.scan(data, match_event_handler=on_match, scratch=scratch)
        return frozenset(found)


def _flags(hyperscan: Any, pattern: regex.Pattern[str]) -> int:
    flags = (
        hyperscan.HS_FLAG_PREFILTER
        | hyperscan.HS_FLAG_UTF8
        | hyperscan.HS_FLAG_SINGLEMATCH
        | hyperscan.HS_FLAG_ALLOWEMPTY
    )
    if pattern.flags & regex.IGNORECASE:
        flags |= hyperscan.HS_FLAG_CASELESS
    if pattern.flags & regex.DOTALL:
        flags |= hyperscan.HS_FLAG_DOTALL
    return int(flags)


def _compiles(hyperscan: Any, source: str, pattern: regex.Pattern[str]) -> bool:
    try:
        _compile(hyperscan, [pattern], [source], [0])
    except hyperscan.error:
        return False
    return True


def _compile(
    hyperscan: Any,
    patterns: Sequence[regex.Pattern[str]],
    sources: Sequence[str | None],
    order: Sequence[int],
) -> Any:
    """The database of the patterns at ``order``, compiled in a thread of its own. Compiling
    takes seconds, with the GIL let go; the main thread, waiting on the thread, still takes a
    signal at once (Ctrl-C, or a pool's stop), where a compile in the main thread would hold
    it off until the end."""
    outcome: list[Any] = []

    def work() -> None:
        try:
            database = hyperscan.Database(mode=hyperscan.HS_MODE_BLOCK)
            database.compile(
                expressions=[str(sources[i]).encode() for i in order],
                ids=list(order),
                elements=len(order),
                flags=[_flags(hyperscan, patterns[i]) for i in order],
            )
            outcome.append(database)
        except BaseException as error:  # noqa: BLE001 - raised again in the waiting thread
            outcome.append(error)

    thread = threading.Thread(target=work, name="cleankit-rule-prefilter", daemon=True)
    thread.start()
    thread.join()
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]


def _cache_file(key: str) -> Path | None:
    from cleankit.filters.language_model import cache_root  # numpy: not at import time

    root = cache_root()
    return None if root is None else root / "rule-prefilter" / f"{key}.hsdb"


def _read_cache(key: str) -> tuple[frozenset[int], bytes] | None:
    path = _cache_file(key)
    if path is None:
        return None
    try:
        data = path.read_bytes()
    except OSError:
        return None
    head, _, blob = data.partition(b"\n")
    try:
        covered = frozenset(int(i) for i in head.split(b",") if i)
    except ValueError:
        return None
    return covered, blob


def _write_cache(key: str, covered: frozenset[int], blob: bytes) -> None:
    path = _cache_file(key)
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, delete=False) as handle:
            handle.write(",".join(str(i) for i in sorted(covered)).encode() + b"\n" + blob)
        Path(handle.name).replace(path)
    except OSError:
        return  # a cache that cannot be written is no cache: the next process compiles again
