"""The filter contract and the chain that composes filters.

A filter is any callable ``Document -> Outcome`` with a stable ``name``. A :class:`Chain` is
itself a filter, so chains nest and embed in other programs. Filters that must see the whole
corpus before judging one document (duplicate finders) are also :class:`Observer`\\ s;
:meth:`Chain.run` feeds them in an extra pass whose results are spooled to disk, so no filter
runs twice on a document and memory stays bounded.
"""

from __future__ import annotations

import functools
import itertools
import pickle
import tempfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Protocol, runtime_checkable

from cleankit.core.document import Document, Edit, Outcome, Span, cut
from cleankit.core.errors import DocumentError, ObserverError
from cleankit.core.text import PROSE_ENDS, letter_words, reads_as_prose
from cleankit.engines.workers import ordered_map

__all__ = ["Chain", "Filter", "Observer", "Record", "as_filter", "merge_outcomes"]


@runtime_checkable
class Filter(Protocol):
    """One step: take a document, return the kept (possibly edited) document or a drop."""

    @property
    def name(self) -> str:
        """Stable ASCII slug, written into the manifest."""
        ...

    def __call__(self, doc: Document) -> Outcome:
        """Judge one document."""
        ...


class Observer(ABC):
    """A filter that must see the corpus before it judges one document (a duplicate finder).

    An explicit base class, not a shape: a :class:`Chain` has ``observe`` too and is no
    observer. :meth:`Chain.run` calls :meth:`observe` with the corpus as the filters before
    this one leave it, then the observer judges each document; when the run ends it calls
    :meth:`forget`, so a reused chain never judges a new text by an old corpus. Called on one
    document while unobserved, a chain raises :class:`~cleankit.errors.ObserverError`.
    """

    @property
    @abstractmethod
    def name(self) -> str:
        """Stable ASCII slug, written into the manifest."""

    @abstractmethod
    def __call__(self, doc: Document) -> Outcome:
        """Judge one document, using what was observed."""

    @abstractmethod
    def observe(self, docs: Iterable[Document]) -> None:
        """See every document before any is judged; starts afresh each time."""

    @property
    @abstractmethod
    def observed(self) -> bool:
        """Whether an observation is loaded (``observe`` ran and ``forget`` did not since)."""

    @abstractmethod
    def forget(self) -> None:
        """Drop what was observed."""


@dataclass(frozen=True, slots=True)
class _FunctionFilter:
    name: str
    function: Callable[[Document], Outcome]

    def __call__(self, doc: Document) -> Outcome:
        return self.function(doc)


def as_filter(name: str, function: Callable[[Document], Outcome]) -> Filter:
    """Wrap a plain function as a named filter (the short form for stateless steps)."""
    return _FunctionFilter(name, function)


def merge_outcomes(first: Outcome, second: Outcome) -> Outcome:
    """Combine two consecutive outcomes: edits concatenate, the earliest provenance value wins."""
    provenance = dict(second.provenance)
    provenance.update(first.provenance)
    return Outcome(
        doc=second.doc,
        edits=first.edits + second.edits,
        provenance=provenance,
        dropped_by=second.dropped_by or first.dropped_by,
        duplicate_of=second.duplicate_of or first.duplicate_of,
        similarity=second.similarity if second.similarity is not None else first.similarity,
        cluster_id=second.cluster_id or first.cluster_id,
        suspects=first.suspects + second.suspects,
    )


@dataclass(frozen=True, slots=True)
class Record:
    """An input record and what the chain made of it: an outcome, or the error that stopped it."""

    original: Document | None
    outcome: Outcome | None = None
    error: DocumentError | None = None

    @property
    def current(self) -> Document | None:
        """The document as the filters so far left it (None once dropped or failed)."""
        return self.outcome.doc if self.outcome is not None else None


def _flat_names(filters: Sequence[Filter]) -> list[str]:
    names: list[str] = []
    for step in filters:
        names.extend(_flat_names(step.filters) if isinstance(step, Chain) else [step.name])
    return names


@dataclass(frozen=True)
class Chain:
    """Filters run in order; stops at the first drop. A chain is a filter itself.

    ``max_removal`` guards every editing step: an edit that would remove more than that share
    of the document's visible characters (and at least ``GUARD_MIN_CHARS``) is not applied, and
    neither is an edit that cuts inside a word; both come back as ``Outcome.suspects`` and the
    step's other edits apply. Removing is the risky act,
    so a surprising removal is reported for a person to judge rather than carried out. Whole
    document drops (duplicates, empty texts) are decisions of their own and are not guarded.
    ``1.0`` turns the guard off.
    """

    filters: tuple[Filter, ...]
    name: str = "chain"
    max_removal: float = 1.0
    _observers: tuple[int, ...] = field(init=False, repr=False, compare=False)
    #: Every observer, nested chains included, found once: the filters never change.
    _all_observers: tuple[Observer, ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = _flat_names(self.filters)
        seen: set[str] = set()
        for step_name in names:
            if step_name in seen:
                # restore() finds step boundaries by name, so two steps of one name would be ambiguous.
                raise ValueError(f"chain has two steps named {step_name!r}; give each its own name")
            seen.add(step_name)
        observers = tuple(i for i, f in enumerate(self.filters) if _needs_observation(f))
        object.__setattr__(self, "_observers", observers)
        every: list[Observer] = []
        for step in self.filters:
            if isinstance(step, Chain):
                every.extend(step.observers())
            elif isinstance(step, Observer):
                every.append(step)
        object.__setattr__(self, "_all_observers", tuple(every))

    def __call__(self, doc: Document) -> Outcome:
        """Run every filter on one document; a DocumentError propagates to the caller.

        Raises :class:`~cleankit.errors.ObserverError` when some observer has not seen a
        corpus: without one it would pass every duplicate silently.
        """
        unobserved = [o.name for o in self._all_observers if not o.observed]
        if unobserved:
            raise ObserverError(
                f"{', '.join(unobserved)} must see the corpus first: run the chain over it with "
                "Chain.run(docs), call observe(docs) on each, or leave them out of a chain "
                "meant for single texts (default_chain(corpus_level=False))"
            )
        return self._apply(self.filters, Outcome(doc=doc))

    def record(self, doc: Document) -> Record:
        """Run the chain on one document as :meth:`run` does on each: a DocumentError (a rule
        that times out, say) becomes an error record instead of an exception."""
        try:
            return Record(doc, self(doc))
        except DocumentError as error:
            return Record(doc, None, error)

    def observers(self) -> list[Observer]:
        """Every observer of this chain, nested chains included, in order."""
        return list(self._all_observers)

    def with_filters(self, filters: Sequence[Filter], name: str) -> Chain:
        """A chain of other filters with this chain's guard (engines split chains into stages)."""
        return Chain(tuple(filters), name=name, max_removal=self.max_removal)

    @property
    def has_observers(self) -> bool:
        """Whether some filter of this chain (or of a chain inside it) must see the corpus first."""
        return bool(self._observers)

    def observe(self, docs: Iterable[Document]) -> None:
        """Let a nested chain's observers see the corpus, so chains nest inside :meth:`run`.

        The inner filters run once here to feed the inner observers and again when the outer
        chain calls this one; nest observer chains only where that cost is acceptable.
        """
        for record in self._run(docs, forget=False):
            del record

    def _apply(self, filters: Sequence[Filter], outcome: Outcome) -> Outcome:
        for step in filters:
            if outcome.doc is None:
                break
            result = step(outcome.doc)
            if self.max_removal < 1.0 and not isinstance(step, Chain):
                result = guard(outcome.doc, result, step.name, max_removal=self.max_removal)
            outcome = merge_outcomes(outcome, result)
        return outcome

    def _step(self, filters: Sequence[Filter], record: Record) -> Record:
        if record.outcome is None or record.outcome.doc is None:
            return record
        try:
            return Record(record.original, self._apply(filters, record.outcome))
        except DocumentError as error:
            return Record(record.original, None, error)

    def run(
        self,
        corpus: Iterable[Document | DocumentError],
        *,
        workers: int = 1,
        progress: Callable[[], None] | None = None,
    ) -> Iterator[Record]:
        """Stream records through the chain, one :class:`Record` per input item, in input order.

        ``corpus`` items that are already errors (malformed input) pass through as error records.
        With observers, the records before each observer are spooled to a temporary file while
        the observer sees them, and the next stage reads them back. ``workers > 1`` runs the
        filters before the first observer (the per-document work) in that many processes; the
        output order and content do not change. ``progress`` is called once per record as it
        leaves that first stage, which is where most of the time goes. When the run ends (or
        its iterator is closed) the observers forget the corpus.
        """
        return self._run(corpus, workers=workers, progress=progress, forget=True)

    def _run(
        self,
        corpus: Iterable[Document | DocumentError],
        *,
        workers: int = 1,
        progress: Callable[[], None] | None = None,
        forget: bool,
    ) -> Iterator[Record]:
        try:
            yield from self._stages(corpus, workers, progress)
        finally:
            if forget:
                for observer in self._all_observers:
                    observer.forget()

    def _stages(
        self,
        corpus: Iterable[Document | DocumentError],
        workers: int,
        progress: Callable[[], None] | None,
    ) -> Iterator[Record]:
        records: Iterable[Record] = (
            Record(None, None, item)
            if isinstance(item, DocumentError)
            else Record(item, Outcome(doc=item))
            for item in corpus
        )
        bounds = [0, *self._observers, len(self.filters)]
        for start, stop in itertools.pairwise(bounds[:-1]):
            observer = self.filters[stop]
            assert isinstance(observer, Observer | Chain)
            spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by _read_spool when drained
            stage = self._stage(self.filters[start:stop], records, workers if start == 0 else 1)
            if start == 0 and progress is not None:
                stage = _counted(stage, progress)
            docs = _spooled_docs(stage, spool)
            observer.observe(docs)
            for _ in docs:  # an observer that stops reading early must not lose records
                pass
            records = _read_spool(spool)
        last = bounds[-2]
        final = self._stage(self.filters[last:], records, workers if last == 0 else 1)
        if last == 0 and progress is not None:
            final = _counted(final, progress)
        yield from final

    def _stage(
        self, filters: Sequence[Filter], records: Iterable[Record], workers: int
    ) -> Iterator[Record]:
        if workers <= 1 or not filters:
            return (self._step(filters, r) for r in records)
        return _pooled(self.with_filters(filters, f"{self.name}-stage"), records, workers)


def _removed_chars(edit: Edit) -> int:
    """Visible characters of reporting an edit takes away: those of its lines that read as
    prose (a replacement by visible text takes none). A list of headlines, a menu or a column
    of credits is no reporting, however long, so removing it is no reason for doubt."""
    if edit.inserted.strip():
        return 0
    return sum(
        sum(not c.isspace() for c in body)
        for line in edit.removed.split("\n")
        if reads_as_prose(body := line.strip(), len(letter_words(body)), PROSE_ENDS)
    )


def _cuts_inside_word(text: str, edit: Edit) -> bool:
    """Whether a removal starts and ends inside words. A lower-case letter followed by a
    capital is a seam where a scraper glued two words ("Image captionGhanaian"), not a word."""
    return (
        edit.start > 0
        and edit.end < len(text)
        and not edit.inserted.strip()
        and bool(edit.removed.strip())
        and _inside_word(text[edit.start - 1], edit.removed[0])
        and _inside_word(edit.removed[-1], text[edit.end])
    )


def _inside_word(left: str, right: str) -> bool:
    return left.isalnum() and right.isalnum() and not (left.islower() and right.isupper())


#: A removal smaller than this many visible characters is never "large": in a two-line text
#: one junk line is half the document, and that is no reason to doubt it.
GUARD_MIN_CHARS = 200


def guard(doc: Document, result: Outcome, step: str, *, max_removal: float) -> Outcome:
    """Hold back single edits that remove too much, or that cut a word in two.

    An edit that removes more than ``max_removal`` of the document's visible characters in
    lines that read as prose (and at least :data:`GUARD_MIN_CHARS`), or that starts and ends
    inside words, is not applied; it
    becomes a suspect with the reason. The step's other edits apply as proposed.
    """
    if result.doc is None or not result.edits:
        return result
    visible = sum(not c.isspace() for c in doc.text) or 1
    limit = max(max_removal * visible, GUARD_MIN_CHARS)
    held: list[Edit] = []
    kept: list[Span] = []
    for edit in result.edits:
        removed = _removed_chars(edit)
        if removed > limit:
            share = f"{removed / visible:.0%}"
            held.extend(
                _as_suspects(
                    [edit],
                    f"guard: would remove {share} of the document (max_removal {max_removal:g})",
                )
            )
        elif _cuts_inside_word(doc.text, edit):
            held.extend(_as_suspects([edit], "guard: cuts inside a word"))
        else:
            kept.append(Span(edit.start, edit.end, edit.rule, edit.inserted, edit.why))
    if not held:
        return result
    provenance = result.provenance if kept else {}
    redone = cut(doc, kept, step=step, provenance=provenance)
    return Outcome(
        doc=redone.doc, edits=redone.edits, provenance=redone.provenance, suspects=tuple(held)
    )


def _as_suspects(edits: Sequence[Edit], reason: str) -> tuple[Edit, ...]:
    return tuple(
        Edit(e.step, e.rule, e.start, e.end, e.removed, e.inserted, f"{reason}; {e.why}")
        for e in edits
    )


def _apply_step(chain: Chain, record: Record) -> Record:
    return chain._step(chain.filters, record)


def _pooled(chain: Chain, records: Iterable[Record], workers: int) -> Iterator[Record]:
    """Map records through ``chain`` in worker processes, in order (see :mod:`cleankit.workers`)."""
    return ordered_map(functools.partial(_apply_step, chain), records, workers)


def _counted(records: Iterable[Record], progress: Callable[[], None]) -> Iterator[Record]:
    for record in records:
        progress()
        yield record


def _needs_observation(step: Filter) -> bool:
    if isinstance(step, Chain):
        return step.has_observers
    return isinstance(step, Observer)


def _spooled_docs(records: Iterable[Record], spool: IO[bytes]) -> Iterator[Document]:
    for record in records:
        pickle.dump(record, spool, protocol=pickle.HIGHEST_PROTOCOL)
        if record.current is not None:
            yield record.current


def _read_spool(spool: IO[bytes]) -> Iterator[Record]:
    with spool:
        spool.seek(0)
        while True:
            try:
                record = pickle.load(spool)
            except EOFError:
                return
            yield record
