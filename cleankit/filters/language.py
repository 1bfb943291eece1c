"""Which language a document is written in, when its host did not say.

Rules carry a ``language`` field and the furniture filter judges prose by the stopwords of the
document's language; a document of unknown language gets every rule and no stoplist. Most
scraped corpora name no language, so the default chain identifies it first, with py3langid's
naive Bayes model over byte n-grams (97 languages, shipped inside its wheel: no download,
same answer on every machine).

A host's language always wins: it may know better (a site's declared language), and a run
that names it stays exactly as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import islice
from typing import Any

from cleankit.core.document import Document, Outcome

__all__ = ["LANGUAGE_KEY", "IdentifyLanguage", "identify_language"]

#: Where the identified language goes in an outcome's provenance (and so the manifest's
#: ``language`` column): beside what the junk carried, as what the run judged the text by.
LANGUAGE_KEY = "language"
#: Characters the model reads: the page's opening is enough, and the cost grows with length.
SAMPLE_CHARS = 2000
#: Below this probability the answer is a guess (a menu line, a list of names): no language.
MIN_CONFIDENCE = 0.5
#: Fewer letters than this say too little about a language to judge it.
MIN_LETTERS = 20


@lru_cache(maxsize=1)
def _identifier() -> Any:
    """py3langid's identifier, loaded on first use, once per process.

    The model ships its feature table as float16; scoring a text gathers about a thousand of
    its rows and numpy converted them to float32 for the product, which cost two thirds of
    the scoring time (0.35 ms a document). The table is float32 here, and the product is the
    same float32 product: the same scores, bit for bit (tests/test_language.py compares it
    with the library's own identifier). :mod:`cleankit.filters.language_model` keeps the
    unpacked arrays in the cache directory, so a process (a worker) starts in a few
    hundredths of a second instead of half a second.
    """
    from cleankit.filters.language_model import load_identifier

    return load_identifier()


def identify_language(text: str) -> str | None:
    """The ISO 639-1 code of the text's language, or None when it is too short or unclear."""
    sample = text[:SAMPLE_CHARS]
    # Enough letters is all that is asked: stop counting at the threshold.
    if len(list(islice(filter(str.isalpha, sample), MIN_LETTERS))) < MIN_LETTERS:
        return None
    code, confidence = _identifier().classify(sample)
    return str(code) if confidence >= MIN_CONFIDENCE else None


@dataclass(frozen=True)
class IdentifyLanguage:
    """Set the document's language when the host gave none; record it, change no text."""

    name: str = "identify-language"

    def __call__(self, doc: Document) -> Outcome:
        """The document with its language, and the language in the outcome for the manifest."""
        if doc.language:
            return Outcome(doc=doc, provenance={LANGUAGE_KEY: doc.language})
        found = identify_language(doc.text)
        if found is None:
            return Outcome(doc=doc)
        return Outcome(doc=replace(doc, language=found), provenance={LANGUAGE_KEY: found})
