"""The per-document memo must give what tokenising again gives, across versions and pickling."""

from __future__ import annotations

import pickle

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleankit.core import memo as memo_module
from cleankit.core.document import Document, Span, cut
from cleankit.core.memo import TextMemo
from cleankit.core.text import paragraphs, words
from cleankit.filters.near_duplicates import DropNearDuplicates
from cleankit.filters.site_boilerplate import DropSiteBoilerplate, SiteIndex, paragraph_key

# Letters, digits, apostrophes, hyphens, unspaced script, blank lines and carriage returns:
# every way a word can start, stop or be folded.
_TEXT = st.text(alphabet="aB1 -'’\n\r\t.東京語ß", max_size=60)


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_the_words_of_a_text_are_its_lines_words(text: str) -> None:
    memo = TextMemo()
    assert memo.text_words(text) == words(text)
    assert [memo.words(p.text) for p in memo.paragraphs(text)] == [
        words(p.text) for p in paragraphs(text)
    ]


@settings(max_examples=300, deadline=None)
@given(_TEXT)
def test_digests_are_each_paragraphs_site_key(text: str) -> None:
    memo = TextMemo()
    assert memo.digests(text) == [paragraph_key(p.text) for p in paragraphs(text)]


@settings(max_examples=200, deadline=None)
@given(_TEXT, _TEXT)
def test_a_pickled_memo_answers_as_a_new_one_would(first: str, second: str) -> None:
    doc = Document("d", first)
    doc.memo.text_words(first)
    doc.memo.digests(first)
    again = pickle.loads(pickle.dumps(doc))
    assert again.memo.text_words(first) == words(first)
    assert again.memo.digests(first) == [paragraph_key(p.text) for p in paragraphs(first)]
    # a text it was not pickled with is tokenised afresh
    assert again.memo.text_words(second) == words(second)
    assert again.memo.digests(second) == [paragraph_key(p.text) for p in paragraphs(second)]


def test_a_pickled_memo_carries_the_words_so_the_next_pass_does_not_tokenise(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    text = "Floods Close The Coast Road\n\nThe road closed again on 3 May, officials said."
    doc = Document("d", text)
    expected = doc.memo.text_words(text)
    again = pickle.loads(pickle.dumps(doc))

    def refuse(line: str) -> list[str]:
        raise AssertionError(f"tokenised {line!r} again")

    monkeypatch.setattr(memo_module, "words", refuse)
    assert again.memo.text_words(text) == expected
    assert again.memo.digests(text) == [paragraph_key(p.text) for p in paragraphs(text)]


def test_a_new_version_of_a_document_shares_the_memo_and_compares_without_it() -> None:
    text = "Kept line of the story.\nA line that goes.\nAnother kept line."
    doc = Document("d", text)
    doc.memo.text_words(text)
    outcome = cut(doc, [Span(24, 42)], step="test")
    assert outcome.doc is not None
    assert outcome.doc.text == "Kept line of the story.\nAnother kept line."
    assert outcome.doc.memo is doc.memo
    assert outcome.doc.memo.text_words(outcome.doc.text) == words(outcome.doc.text)
    assert Document("d", text) == doc  # a memo with words in it changes no comparison
    assert "memo" not in repr(doc)


def test_site_boilerplate_cuts_the_same_after_the_spool_as_without_it() -> None:
    pitch = "Follow us on every channel for the latest news, 24 hours a day."
    towns = ["Ashford", "Brimley", "Carrow", "Dunmore", "Elswick", "Fenwick"]
    docs = [
        Document(f"d{i}", f"The council of {town} met on Monday to vote.\n{pitch}")
        for i, town in enumerate(towns)
    ]
    step = DropSiteBoilerplate(min_docs=5)
    index: SiteIndex = step.reduce(step.map(list(enumerate(docs))))
    fresh = [step.judge(Document(d.id, d.text), index) for d in docs]
    spooled = [step.judge(pickle.loads(pickle.dumps(d)), index) for d in docs]
    assert [o.doc.text for o in spooled if o.doc] == [o.doc.text for o in fresh if o.doc]
    assert all(o.doc is not None and pitch not in o.doc.text for o in spooled)
    assert spooled[0].doc is not None
    assert spooled[0].doc.text == "The council of Ashford met on Monday to vote."


def test_document_dedup_signs_from_the_memo_as_from_the_text() -> None:
    text = "A syndicated story about the harbour, told word for word by two outlets."
    memoised = Document("a", text)
    memoised.memo.words(text)  # a line already tokenised by an earlier step
    step = DropNearDuplicates()
    from_memo = list(step.map([(0, memoised)]))
    fresh = list(step.map([(0, Document("a", text))]))
    assert [key for key, _ in from_memo] == [key for key, _ in fresh]
