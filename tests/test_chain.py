from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import pytest

from cleankit.core.chain import Chain, Observer, as_filter
from cleankit.core.document import Document, Outcome, Span, cut, drop
from cleankit.core.errors import DocumentError
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
class CountingObserver(Observer):
    name: str = "observer"
    seen: list[str] = field(default_factory=list)
    loaded: list[bool] = field(default_factory=lambda: [False])

    def observe(self, docs: Iterable[Document]) -> None:
        self.seen.clear()
        self.seen.extend(d.text for d in docs)
        self.loaded[0] = True

    @property
    def observed(self) -> bool:
        return self.loaded[0]

    def forget(self) -> None:
        self.loaded[0] = False

    def __call__(self, doc: Document) -> Outcome:
        return cut(doc, [Span(0, 0, "n", f"{len(self.seen)}:")], step=self.name)


def test_observer_sees_the_corpus_as_earlier_filters_leave_it_and_filters_run_once() -> None:
    calls: list[str] = []

    def upper(doc: Document) -> Outcome:
        calls.append(doc.id)
        return cut(doc, [Span(0, len(doc.text), "u", doc.text.upper())], step="upper")

    observer = CountingObserver()
    assert isinstance(observer, Observer)
    chain = Chain((as_filter("upper", upper), observer))
    records = list(chain.run([make_doc("a", "1"), make_doc("b", "2")]))
    assert observer.seen == ["A", "B"]
    assert calls == ["1", "2"]
    assert [r.current.text for r in records if r.current] == ["2:A", "2:B"]


def test_document_error_becomes_an_error_record_and_the_run_goes_on() -> None:
    def picky(doc: Document) -> Outcome:
        if doc.id == "bad":
            raise DocumentError("cannot handle", path="in.jsonl", line=2)
        return Outcome(doc=doc)

    records = list(
        Chain((as_filter("picky", picky),)).run(
            [make_doc("a", "ok"), make_doc("b", "bad"), make_doc("c", "ok2")]
        )
    )
    assert [str(r.error) if r.error else r.current.id for r in records if r.error or r.current] == [
        "ok",
        "in.jsonl:2: cannot handle",
        "ok2",
    ]


def test_input_errors_pass_through_in_order() -> None:
    error = DocumentError("invalid JSON", path="in.jsonl", line=3)
    records = list(Chain((_append("a", "1"),)).run([make_doc("a"), error]))  # type: ignore[arg-type]
    assert records[1].error is error
    assert records[1].original is None


def test_a_bug_in_a_filter_propagates() -> None:
    def broken(doc: Document) -> Outcome:
        raise KeyError("bug")

    with pytest.raises(KeyError):
        list(Chain((as_filter("broken", broken),)).run([make_doc("a")]))


def test_a_nested_chain_without_observers_is_not_observed_and_runs_once() -> None:
    calls: list[str] = []

    def count(doc: Document) -> Outcome:
        calls.append(doc.id)
        return Outcome(doc=doc)

    inner = Chain((as_filter("count", count),), name="inner")
    assert not inner.has_observers
    list(Chain((inner,)).run([make_doc("a", "1"), make_doc("b", "2")]))
    assert calls == ["1", "2"]


def test_a_nested_chain_with_an_observer_feeds_it() -> None:
    observer = CountingObserver()
    inner = Chain((_append("a", "!"), observer), name="inner")  # type: ignore[arg-type]
    assert inner.has_observers
    records = list(Chain((inner,)).run([make_doc("x", "1"), make_doc("y", "2")]))
    assert observer.seen == ["x!", "y!"]
    assert [r.current.text for r in records if r.current] == ["2:x!", "2:y!"]


def test_a_chain_is_no_observer_though_it_has_observe() -> None:
    assert not isinstance(Chain((_append("a", "1"),)), Observer)  # type: ignore[arg-type]


def test_a_chain_with_an_unobserved_observer_refuses_a_single_document() -> None:
    from cleankit.core.errors import ObserverError

    chain = Chain((_append("a", "!"), CountingObserver()))  # type: ignore[arg-type]
    with pytest.raises(ObserverError, match=r"^observer must see the corpus first"):
        chain(make_doc("x", "1"))


def test_observers_forget_the_corpus_when_the_run_ends() -> None:
    from cleankit.core.errors import ObserverError

    observer = CountingObserver()
    chain = Chain((observer,))
    records = list(chain.run([make_doc("x", "1"), make_doc("y", "2")]))
    assert [r.current.text for r in records if r.current] == ["2:x", "2:y"]
    assert not observer.observed
    with pytest.raises(ObserverError):
        chain(make_doc("z", "3"))
    # a run stopped early forgets too, once its iterator is closed
    run = chain.run([make_doc("x", "1"), make_doc("y", "2")])
    next(run)
    assert observer.observed
    run.close()
    assert not observer.observed


def test_record_turns_a_document_error_into_an_error_record() -> None:
    def picky(doc: Document) -> Outcome:
        raise DocumentError("rule ran too long", path="in.jsonl", line=2)

    record = Chain((as_filter("picky", picky),)).record(make_doc("a", "x"))
    assert record.outcome is None
    assert record.error is not None
    assert str(record.error) == "in.jsonl:2: rule ran too long"
