from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import pytest

from cleankit.core.chain import Chain, Observer, as_filter
from cleankit.core.document import Document, Outcome, Span, cut, drop
from cleankit.core.errors import DocumentError
from cleankit.engines.local import run_chain
from tests.conftest import make_doc


def _append(name: str, suffix: str) -> object:
    return as_filter(
        name, lambda d: cut(d, [Span(len(d.text), len(d.text), name, suffix)], step=name)
    )


def test_filters_run_in_order_and_edits_add_up() -> None:
    chain = Chain((_append("a", "1"), _append("b", "2")))  # type: ignore[arg-type]
    outcome = chain(make_doc("x"))
    assert outcome.doc is not None
    assert outcome.doc.text == "x12"
    assert [e.step for e in outcome.edits] == ["a", "b"]


def test_a_drop_stops_the_chain() -> None:
    calls: list[str] = []

    def dropper(doc: Document) -> Outcome:
        calls.append("drop")
        return drop(doc, step="dropper", rule="r", why="gone")

    def after(doc: Document) -> Outcome:
        calls.append("after")
        return Outcome(doc=doc)

    outcome = Chain((as_filter("dropper", dropper), as_filter("after", after)))(make_doc("x"))
    assert outcome.doc is None
    assert outcome.dropped_by == "dropper"
    assert calls == ["drop"]


def test_chains_nest_and_a_chain_is_a_filter() -> None:
    inner = Chain((_append("a", "1"), _append("b", "2")), name="inner")  # type: ignore[arg-type]
    outer = Chain((inner, _append("c", "3")))  # type: ignore[arg-type]
    outcome = outer(make_doc("x"))
    assert outcome.doc is not None
    assert outcome.doc.text == "x123"


def test_two_steps_of_one_name_are_refused() -> None:
    with pytest.raises(ValueError, match="chain has two steps named 'a'"):
        Chain((_append("a", "1"), Chain((_append("a", "2"),))))  # type: ignore[arg-type]


@dataclass(frozen=True)
class CountingObserver(Observer[tuple[str, ...]]):
    """Sees every text; judges by prefixing how many texts it saw."""

    name: str = "observer"

    def map(self, batch: Sequence[tuple[int, Document]]) -> Iterator[tuple[Hashable, Any]]:
        for seq, doc in batch:
            yield "texts", (seq, doc.text)

    def merge(self, key: Hashable, values: Sequence[Any]) -> Iterator[Any]:
        yield from values

    def finish(self, results: Iterable[Any]) -> tuple[str, ...]:
        return tuple(text for _, text in sorted(results))

    def judge(self, doc: Document, state: tuple[str, ...]) -> Outcome:
        return cut(doc, [Span(0, 0, "n", f"{len(state)}:")], step=self.name)


def test_observer_sees_the_corpus_as_earlier_filters_leave_it_and_filters_run_once() -> None:
    calls: list[str] = []

    def upper(doc: Document) -> Outcome:
        calls.append(doc.id)
        return cut(doc, [Span(0, len(doc.text), "u", doc.text.upper())], step="upper")

    observer = CountingObserver()
    assert isinstance(observer, Observer)
    chain = Chain((as_filter("upper", upper), observer))
    states: dict[str, Any] = {}
    records = list(run_chain(chain, [make_doc("a", "1"), make_doc("b", "2")], states=states))
    assert states == {"observer": ("A", "B")}
    assert calls == ["1", "2"]
    assert [r.current.text for r in records if r.current] == ["2:A", "2:B"]


def test_document_error_becomes_an_error_record_and_the_run_goes_on() -> None:
    def picky(doc: Document) -> Outcome:
        if doc.id == "bad":
            raise DocumentError("cannot handle", path="in.jsonl", line=2)
        return Outcome(doc=doc)

    records = list(
        run_chain(
            Chain((as_filter("picky", picky),)),
            [make_doc("a", "ok"), make_doc("b", "bad"), make_doc("c", "ok2")],
        )
    )
    assert [str(r.error) if r.error else r.current.id for r in records if r.error or r.current] == [
        "ok",
        "in.jsonl:2: cannot handle",
        "ok2",
    ]


def test_input_errors_pass_through_in_order() -> None:
    error = DocumentError("invalid JSON", path="in.jsonl", line=3)
    records = list(run_chain(Chain((_append("a", "1"),)), [make_doc("a"), error]))  # type: ignore[arg-type]
    assert records[1].error is error
    assert records[1].original is None


def test_a_bug_in_a_filter_propagates() -> None:
    def broken(doc: Document) -> Outcome:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        list(run_chain(Chain((as_filter("broken", broken),)), [make_doc("a")]))


def test_a_nested_chain_without_observers_is_not_observed_and_runs_once() -> None:
    calls: list[str] = []

    def count(doc: Document) -> Outcome:
        calls.append(doc.id)
        return Outcome(doc=doc)

    inner = Chain((as_filter("count", count),), name="inner")
    assert not inner.has_observers
    list(run_chain(Chain((inner,)), [make_doc("a", "1"), make_doc("b", "2")]))
    assert calls == ["1", "2"]


def test_a_nested_chain_with_an_observer_feeds_it() -> None:
    observer = CountingObserver()
    inner = Chain((_append("a", "!"), observer), name="inner")  # type: ignore[arg-type]
    assert inner.has_observers
    states: dict[str, Any] = {}
    records = list(
        run_chain(Chain((inner,)), [make_doc("x", "1"), make_doc("y", "2")], states=states)
    )
    assert states == {"observer": ("x!", "y!")}
    assert [r.current.text for r in records if r.current] == ["2:x!", "2:y!"]


def test_a_chain_is_no_observer_though_it_has_observe() -> None:
    assert not isinstance(Chain((_append("a", "1"),)), Observer)  # type: ignore[arg-type]


def test_a_chain_with_an_unobserved_observer_refuses_a_single_document() -> None:
    from cleankit.core.errors import ObserverError

    chain = Chain((_append("a", "!"), CountingObserver()))  # type: ignore[arg-type]
    with pytest.raises(ObserverError, match=r"^observer must see the corpus first"):
        chain(make_doc("x", "1"))


def test_a_reused_chain_keeps_no_state_between_runs() -> None:
    from cleankit.core.errors import ObserverError

    chain = Chain((CountingObserver(),))
    first = list(run_chain(chain, [make_doc("x", "1"), make_doc("y", "2")]))
    assert [r.current.text for r in first if r.current] == ["2:x", "2:y"]
    # the run bound its state to a copy: the chain itself still has seen nothing
    with pytest.raises(ObserverError):
        chain(make_doc("z", "3"))
    second = list(run_chain(chain, [make_doc("z", "3")]))
    assert [r.current.text for r in second if r.current] == ["1:z"]


def test_a_bound_state_lets_a_chain_judge_single_documents() -> None:
    observer = CountingObserver()
    chain = Chain((_append("a", "!"), observer))  # type: ignore[arg-type]
    state = observer.observe([make_doc("x", "1"), make_doc("y", "2"), make_doc("w", "3")])
    bound = chain.bind({observer.name: state})
    assert not bound.has_observers
    outcome = bound(make_doc("z", "4"))
    assert outcome.doc is not None
    assert outcome.doc.text == "3:z!"
    assert chain.has_observers  # binding made a new chain


def test_an_observer_alone_refuses_a_document() -> None:
    from cleankit.core.errors import ObserverError

    with pytest.raises(ObserverError, match=r"^observer must see the corpus first"):
        CountingObserver()(make_doc("x", "1"))


def test_record_turns_a_document_error_into_an_error_record() -> None:
    def picky(doc: Document) -> Outcome:
        raise DocumentError("rule ran too long", path="in.jsonl", line=2)

    record = Chain((as_filter("picky", picky),)).record(make_doc("a", "x"))
    assert record.outcome is None
    assert record.error is not None
    assert str(record.error) == "in.jsonl:2: rule ran too long"
