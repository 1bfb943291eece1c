from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleankit.core.document import Edit, Span, cut, drop, restore
from tests.conftest import make_doc


def test_cut_removes_and_replaces_and_records_offsets_in_the_input() -> None:
    doc = make_doc("JAKARTA - Rain fell.  Roads flooded.")
    outcome = cut(
        doc, [Span(20, 22, "ws", " ", "spaces"), Span(0, 10, "dateline", "", "dateline")], step="s"
    )
    assert outcome.doc is not None
    assert outcome.doc.text == "Rain fell. Roads flooded."
    assert outcome.edits == (
        Edit("s", "dateline", 0, 10, "JAKARTA - ", "", "dateline"),
        Edit("s", "ws", 20, 22, "  ", " ", "spaces"),
    )


def test_cut_without_spans_returns_the_same_document() -> None:
    doc = make_doc("unchanged")
    assert cut(doc, [], step="s").doc is doc


def test_overlapping_spans_are_refused_naming_the_step_and_both_spans() -> None:
    with pytest.raises(ValueError, match=r"^strip: spans \(0, 5\) and \(3, 8\) overlap$"):
        cut(make_doc("0123456789"), [Span(3, 8), Span(0, 5)], step="strip")


def test_two_insertions_at_one_point_are_an_overlap() -> None:
    with pytest.raises(ValueError, match="overlap"):
        cut(make_doc("ab"), [Span(1, 1, inserted="x"), Span(1, 1, inserted="y")], step="s")


def test_span_outside_the_text_is_refused() -> None:
    with pytest.raises(ValueError, match=r"^s: span \(2, 9\) is outside the text \(length 3\)$"):
        cut(make_doc("abc"), [Span(2, 9)], step="s")


def test_empty_span_that_inserts_nothing_is_refused() -> None:
    with pytest.raises(ValueError, match="empty and inserts nothing"):
        cut(make_doc("abc"), [Span(1, 1)], step="s")


def test_drop_records_the_whole_text_so_restore_gives_it_back() -> None:
    outcome = drop(
        make_doc("whole text"), step="dedup", rule="near-duplicate", why="copy", duplicate_of="d0"
    )
    assert outcome.doc is None
    assert outcome.dropped_by == "dedup"
    assert outcome.duplicate_of == "d0"
    assert restore("", outcome.edits) == "whole text"


def test_restore_undoes_several_steps_in_reverse() -> None:
    first = cut(make_doc("aa bb cc"), [Span(0, 3), Span(5, 5, inserted="X")], step="one")
    assert first.doc is not None
    second = cut(first.doc, [Span(0, 2, inserted="BBB")], step="two")
    assert second.doc is not None
    assert second.doc.text == "BBBX cc"
    assert restore(second.doc.text, first.edits + second.edits) == "aa bb cc"


def test_restore_reports_an_output_that_does_not_match_the_edits() -> None:
    edits = (Edit("s", "r", 0, 0, "", "X", "why"),)
    with pytest.raises(ValueError, match="cannot undo edit at 0"):
        restore("Y", edits)


@st.composite
def texts_and_steps(draw: st.DrawFn) -> tuple[str, list[list[tuple[int, int, str]]]]:
    text = draw(st.text(alphabet=st.characters(codec="utf-8"), max_size=60))
    steps = []
    length = len(text)
    for _ in range(draw(st.integers(0, 4))):
        cuts = sorted(draw(st.lists(st.integers(0, length), max_size=8)))
        spans = []
        previous_end = -1
        for start, end in zip(cuts[::2], cuts[1::2], strict=False):
            inserted = draw(st.text(max_size=3))
            if start <= previous_end or (start == end and not inserted):
                continue
            spans.append((start, end, inserted))
            previous_end = end
        steps.append(spans)
        length += sum(len(i) - (e - s) for s, e, i in spans)
    return text, steps


@given(texts_and_steps())
@settings(max_examples=300, deadline=None)
def test_restore_round_trips_random_documents_and_edit_sets(
    case: tuple[str, list[list[tuple[int, int, str]]]],
) -> None:
    text, steps = case
    doc = make_doc(text)
    edits: tuple[Edit, ...] = ()
    for number, spans in enumerate(steps):
        spans = [(s, e, i) for s, e, i in spans if e <= len(doc.text)]
        outcome = cut(doc, [Span(s, e, "r", i) for s, e, i in spans], step=f"step{number}")
        assert outcome.doc is not None
        doc = outcome.doc
        edits += outcome.edits
    assert restore(doc.text, edits) == text


def test_a_removed_line_takes_its_line_breaks_but_not_the_next_lines_indentation() -> None:
    """Removing an indented list item leaves the next item as it was, indentation and all."""
    from cleankit.core.text import block_extent

    text = "Intro.\n  • Reporter: Rina\n\n  • 05 Feb 2024\nBody."
    start = text.index("• Reporter")
    start, end = block_extent(text, start, start + len("• Reporter: Rina"))
    assert text[:start] + text[end:] == "Intro.\n  • 05 Feb 2024\nBody."
    # At the end of the text the line breaks before it go instead.
    last = text.index("Body.")
    start, end = block_extent(text, last, len(text))
    assert text[:start] + text[end:] == "Intro.\n  • Reporter: Rina\n\n  • 05 Feb 2024"


def test_strip_rules_keeps_the_indentation_of_the_line_after_a_removed_one() -> None:
    from cleankit.filters.rules import load_rules
    from cleankit.filters.strip_rules import StripRules

    rules = load_rules()
    text = (
        "Warga memadati pasar sejak pagi, kata petugas.\n"
        "  • Reporter: Rina Lestari\n"
        "  • Pasar baru dibuka pekan ini."
    )
    outcome = StripRules(rules.rules, names=rules.names)(make_doc(text))
    assert outcome.doc is not None
    assert outcome.doc.text == (
        "Warga memadati pasar sejak pagi, kata petugas.\n  • Pasar baru dibuka pekan ini."
    )
