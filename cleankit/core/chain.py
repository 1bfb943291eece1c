"""The filter contract and the chain that composes filters.

A filter is any callable ``Document -> Outcome`` with a stable ``name``. A :class:`Chain` is
itself a filter, so chains nest and embed in other programs. Filters that must see the whole
corpus before judging one document (duplicate finders) are :class:`Observer`\\ s: what they
observe is a value (a *state*) that an engine computes in three phases and hands back to them,
so no filter holds corpus-sized state and a reused chain cannot judge a text by an old corpus.
Running a chain over a corpus is an engine's job (:mod:`cleankit.engines`).
"""

from __future__ import annotations

import itertools
from abc import ABC, abstractmethod
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Protocol, TypeVar, runtime_checkable

from cleankit.core.document import Document, Outcome
from cleankit.core.errors import DocumentError, ObserverError
from cleankit.core.guard import guard

__all__ = [
    "Chain",
    "Filter",
    "Observed",
    "Observer",
    "Record",
    "as_filter",
    "merge_outcomes",
]

#: An observer's state: the frozen value its observation gives.
S = TypeVar("S")


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


class Observer(ABC, Generic[S]):
    """A filter that must see the corpus before it judges one document (a duplicate finder).

    An explicit base class, not a shape. Observation runs in three engine-neutral phases, so
    the local engine and the Ray engine run the same functions and know no observer class:

    1. :meth:`map` takes a batch of live documents, each with its ``seq`` (a number that grows
       with input order), and gives ``(key, value)`` pairs;
    2. :meth:`merge` takes one key and all its values (in no particular order: carry ``seq``
       in the value where order matters) and gives results;
    3. :meth:`finish` takes every result (in no particular order) and gives the state, a
       frozen value.

    :meth:`judge` then decides one document by that state. An engine binds the state to the
    observer (:meth:`bind`), which gives a plain filter; the observer itself keeps nothing.
    Called on a document unbound, an observer raises :class:`~cleankit.core.errors.ObserverError`.
    Keys, values and results cross processes on Ray, so they must pickle.
    """

    @property
    @abstractmethod
    def name(self) -> str:
        """Stable ASCII slug, written into the manifest."""

    @abstractmethod
    def map(self, batch: Sequence[tuple[int, Document]]) -> Iterable[tuple[Hashable, Any]]:
        """Keys and values for a batch of ``(seq, document)`` pairs."""

    @abstractmethod
    def merge(self, key: Hashable, values: Sequence[Any]) -> Iterable[Any]:
        """Results for one key, from every value mapped to it."""

    @abstractmethod
    def finish(self, results: Iterable[Any]) -> S:
        """The state, from every result of every key."""

    @abstractmethod
    def judge(self, doc: Document, state: S) -> Outcome:
        """Judge one document by the observed state."""

    def observe(self, docs: Iterable[Document], *, batch_size: int = 512) -> S:
        """Run the three phases in this process; ``seq`` counts the documents given."""
        numbered = enumerate(docs)
        batches = iter(lambda: list(itertools.islice(numbered, batch_size)), [])
        return self.reduce(pair for batch in batches for pair in self.map(batch))

    def reduce(self, pairs: Iterable[tuple[Hashable, Any]]) -> S:
        """The state from every ``(key, value)`` pair that :meth:`map` gave, in input order:
        values grouped by key in memory, then merged and finished (the local engine's way;
        its workers run :meth:`map`)."""
        groups: dict[Hashable, list[Any]] = {}
        for key, value in pairs:
            groups.setdefault(key, []).append(value)
        return self.finish(
            itertools.chain.from_iterable(self.merge(key, values) for key, values in groups.items())
        )

    def bind(self, state: S) -> Observed[S]:
        """This observer with an observed state: a filter that judges by it."""
        return Observed(self, state)

    def __call__(self, doc: Document) -> Outcome:
        """Refuse: an observer judges only with a state (see :meth:`bind`)."""
        raise ObserverError(_unobserved([self.name]))


@dataclass(frozen=True, slots=True)
class Observed(Generic[S]):
    """An observer bound to the state an engine observed: a plain filter of the same name."""

    observer: Observer[S]
    state: S = field(repr=False)

    @property
    def name(self) -> str:
        """The observer's name."""
        return self.observer.name

    def __call__(self, doc: Document) -> Outcome:
        """Judge ``doc`` by the bound state."""
        return self.observer.judge(doc, self.state)


def _unobserved(names: Sequence[str]) -> str:
    return (
        f"{', '.join(names)} must see the corpus first: run the chain over it with "
        "cleankit.run_chain(chain, docs), bind a state (observer.bind(observer.observe(docs))), "
        "or leave them out of a chain meant for single texts (default_chain(corpus_level=False))"
    )


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

    ``max_removal`` guards every editing step (:mod:`cleankit.core.guard`): an edit that would
    remove more than that share of the document's visible reporting is not applied, unless
    its words stand elsewhere in the text, and neither is an edit that cuts inside a word;
    both come back as ``Outcome.suspects`` and the step's other edits apply. Removing is the
    risky act, so a surprising removal is reported for a person to judge rather than carried
    out. Whole document drops (duplicates, empty texts) are decisions of their own and are not
    guarded.
    ``1.0`` turns the guard off.
    """

    filters: tuple[Filter, ...]
    name: str = "chain"
    max_removal: float = 1.0
    #: Every unbound observer, nested chains included, found once: the filters never change.
    _all_observers: tuple[Observer[Any], ...] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        names = _flat_names(self.filters)
        seen: set[str] = set()
        for step_name in names:
            if step_name in seen:
                # restore() finds step boundaries by name, so two steps of one name would be ambiguous.
                raise ValueError(f"chain has two steps named {step_name!r}; give each its own name")
            seen.add(step_name)
        every: list[Observer[Any]] = []
        for step in self.filters:
            if isinstance(step, Chain):
                every.extend(step.observers())
            elif isinstance(step, Observer):
                every.append(step)
        object.__setattr__(self, "_all_observers", tuple(every))

    def __call__(self, doc: Document) -> Outcome:
        """Run every filter on one document; a DocumentError propagates to the caller.

        Raises :class:`~cleankit.core.errors.ObserverError` naming the observers that have no
        state bound: without one they would pass every duplicate silently.
        """
        if self._all_observers:
            raise ObserverError(_unobserved([o.name for o in self._all_observers]))
        return self._apply(self.filters, Outcome(doc=doc))

    def record(self, doc: Document) -> Record:
        """Run the chain on one document as an engine does on each: a DocumentError (a rule
        that times out, say) becomes an error record instead of an exception."""
        return self.advance(Record(doc, Outcome(doc=doc)))

    def advance(self, record: Record) -> Record:
        """Take a record on through this chain's filters (an engine's stage): a record that is
        already dropped or failed passes as it is, and a DocumentError becomes an error record."""
        if record.outcome is None or record.outcome.doc is None:
            return record
        try:
            return Record(record.original, self._apply(self.filters, record.outcome))
        except DocumentError as error:
            return Record(record.original, None, error)

    def observers(self) -> list[Observer[Any]]:
        """Every observer of this chain with no state bound, nested chains included, in order."""
        return list(self._all_observers)

    @property
    def has_observers(self) -> bool:
        """Whether some filter of this chain (or of a chain inside it) must see the corpus first."""
        return bool(self._all_observers)

    def with_filters(self, filters: Sequence[Filter], name: str) -> Chain:
        """A chain of other filters with this chain's guard (engines split chains into stages)."""
        return Chain(tuple(filters), name=name, max_removal=self.max_removal)

    def bind(self, states: Mapping[str, Any]) -> Chain:
        """This chain with each observer named in ``states`` bound to its state (nested chains
        included); the chain itself is not changed, so no state outlives the run that made it."""
        bound: list[Filter] = []
        for step in self.filters:
            if isinstance(step, Chain):
                bound.append(step.bind(states))
            elif isinstance(step, Observer) and step.name in states:
                bound.append(step.bind(states[step.name]))
            else:
                bound.append(step)
        return Chain(tuple(bound), name=self.name, max_removal=self.max_removal)

    def _apply(self, filters: Sequence[Filter], outcome: Outcome) -> Outcome:
        for step in filters:
            if outcome.doc is None:
                break
            result = step(outcome.doc)
            if self.max_removal < 1.0 and not isinstance(step, Chain):
                result = guard(outcome.doc, result, step.name, max_removal=self.max_removal)
            outcome = merge_outcomes(outcome, result)
        return outcome
