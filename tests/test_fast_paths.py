"""Fast paths must give what the slow paths give: each is checked against the slow one."""

from __future__ import annotations

import numpy as np
import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from cleankit.core.document import Document
from cleankit.filters import minhash
from cleankit.filters.minhash import token_shingles, token_shingles_many
from cleankit.filters.normalize import NormalizeWhitespace, SplitGluedSentences
from cleankit.filters.rule_matching import _line_matches
from cleankit.filters.rule_model import CueFinder, has_cue, line_scanner
from cleankit.filters.rules import load_rules

# Small alphabets make line starts, repeats and empty lines frequent.
_TEXT = st.text(alphabet="aAbx1 \n\t.", max_size=40)


@pytest.mark.parametrize(
    ("pattern", "anchored"),
    [
        (r"(?m)^a+", True),
        (r"(?mi)^(?:ab|a)\n?", True),
        (r"(?m)^[|(]x", True),
        (r"(?m)^a|b", False),  # the second alternative starts anywhere
        (r"(?m)^\(a|b", False),
        (r"(?mi)^[]|]|x", False),  # "]" first in a class is a literal; the "|" after it is not
        (r"^a", False),  # not multiline: only the start of the text
        (r"(?m)a^", False),
    ],
)
def test_line_scanner_only_for_patterns_anchored_at_line_starts(
    pattern: str, anchored: bool
) -> None:
    assert (line_scanner(regex.compile(pattern)) is not None) is anchored


@settings(max_examples=300, deadline=None)
@given(text=_TEXT, cut=st.integers(min_value=0, max_value=40), at_line=st.booleans())
def test_line_matches_equal_finditer(text: str, cut: int, at_line: bool) -> None:
    start = min(cut, len(text))
    if at_line:
        start = text.rfind("\n", 0, start) + 1
    for source in (r"(?m)^a+", r"(?mi)^(?:ab|a)\n?", r"(?m)^[ \t]*\d+$", r"(?mi)^x[^\n]*\n"):
        pattern = regex.compile(source)
        scanner = line_scanner(pattern)
        assert scanner is not None
        got = _line_matches(pattern, scanner, text, [(start, len(text))], start, {"timeout": 1.0})
        expected = [m.span() for m in pattern.finditer(text, start, len(text))]
        assert got is not None  # none of these patterns can match empty
        assert [m.span() for m in got] == expected


def test_line_matches_give_up_on_an_empty_match() -> None:
    pattern = regex.compile(r"(?m)^a*")
    scanner = line_scanner(pattern)
    assert scanner is not None
    assert _line_matches(pattern, scanner, "b\naa", [(0, 4)], 0, {}) is None


def test_every_builtin_line_rule_scans_like_finditer() -> None:
    """The shipped rules, over texts made of their own examples, give the same matches."""
    rules = load_rules().rules
    texts = ["\n\n".join(e.text for e in r.examples) for r in rules]
    joined = "\n".join(texts)
    for rule in rules:
        if rule.line_scanner is None:
            continue
        for text in (*texts, joined):
            got = _line_matches(
                rule.pattern, rule.line_scanner, text, [(0, len(text))], 0, {"timeout": 5.0}
            )
            expected = [m.span() for m in rule.pattern.finditer(text) if m.end() > m.start()]
            assert got is not None, rule.id
            assert [m.span() for m in got] == expected, rule.id


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="abcé ", max_size=60))
def test_cue_finder_finds_what_substring_tests_find(text: str) -> None:
    cues = ["ab", "b", "abc", "é a", "cc", "bca"]
    finder = CueFinder(cues)
    present = finder.present(text)
    assert present == {cue for cue in cues if cue in text}
    for cue in cues:
        assert (not present.isdisjoint([cue])) == has_cue([cue], text)


def test_cue_finder_without_cues_finds_nothing() -> None:
    assert CueFinder([]).present("anything") == frozenset()


@settings(max_examples=200, deadline=None)
@given(
    lists=st.lists(
        st.lists(st.sampled_from(["a", "b", "c", "d", "e", "f"]), max_size=12), max_size=6
    ),
    size=st.integers(min_value=1, max_value=5),
)
def test_token_shingles_many_equal_one_by_one(lists: list[list[str]], size: int) -> None:
    together = token_shingles_many(lists, size)
    for tokens, hashes in zip(lists, together, strict=True):
        alone = token_shingles(tokens, size)
        assert hashes.dtype == alone.dtype == np.uint32
        assert np.array_equal(hashes, alone)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.text(alphabet=st.characters(blacklist_characters="\0"), min_size=1), max_size=12)
)
def test_token_hash_depends_on_the_token_alone(tokens: list[str]) -> None:
    together = minhash.token_hashes(tokens)
    assert together.dtype == np.uint64
    assert together.size == len(tokens)
    for token, value in zip(tokens, together.tolist(), strict=True):
        assert minhash.token_hashes([token]).tolist() == [value]
    by_token = dict(zip(tokens, together.tolist(), strict=True))
    assert len(set(by_token.values())) == len(by_token)  # distinct tokens, distinct hashes


@pytest.mark.parametrize(
    "text",
    [
        "Plain text.\nWith lines.\n\nAnd a paragraph.",
        "Odd\u00a0space.",
        "Two  spaces.",
        "Tab\there.",
        "Line \nend.",
        "\nLeading break.",
        "Trailing space. ",
        "Three\n\n\nbreaks.",
        "Zero\u200bwidth.",
        "Windows\r\nbreak.",
    ],
)
def test_whitespace_fast_path_only_skips_canonical_text(text: str) -> None:
    outcome = NormalizeWhitespace()(Document(id="d", text=text))
    assert outcome.doc is not None
    canonical = text == "Plain text.\nWith lines.\n\nAnd a paragraph."
    assert (outcome.doc.text == text) is canonical
    assert bool(outcome.edits) is not canonical


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Hujan turun sejak pagi.Warga mengungsi ke masjid.", "pagi. Warga"),
        ("Ia berkata begitu tersebutDalam rapat itu tersebut dalam", None),
        ("No join here. Nothing to split.", None),
    ],
)
def test_glued_fast_path_keeps_real_joins(text: str, expected: str | None) -> None:
    outcome = SplitGluedSentences()(Document(id="d", text=text))
    assert outcome.doc is not None
    if expected is None:
        assert not any(e.rule == "glued-sentence" for e in outcome.edits)
    else:
        assert expected in outcome.doc.text
