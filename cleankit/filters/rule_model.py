"""What a rule is: its fields and examples, as the loader validated them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import regex

from cleankit.core.document import ProvenanceValue

SCOPES = ("span", "prefix", "suffix", "line")
#: ``position`` values: "lead" = at the start of a prose line (a line of 8+ words that reads as
#: a sentence); "first-lead" = at the start of the first such line only (where datelines are);
#: "closing" = in the last prose line or below it (where closing credits and tags are, however
#: many lines of page footer follow).
POSITIONS = ("anywhere", "lead", "first-lead", "closing")


@dataclass(frozen=True, slots=True)
class Example:
    """A rule's test case: the rule alone must turn ``text`` into ``expect``."""

    text: str
    expect: str
    provenance: Mapping[str, ProvenanceValue] | None
    note: str
    xfail: str | None
    line: int

    @property
    def is_negative(self) -> bool:
        """A negative example must come out untouched."""
        return self.text == self.expect


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of junk: where it is, what it looks like, and what it says about the source."""

    id: str
    version: int
    description: str
    pattern: regex.Pattern[str]
    scope: str
    languages: tuple[str, ...]
    provides: tuple[str, ...]
    sets: tuple[tuple[str, ProvenanceValue], ...]
    source: str
    first_lines: int | None
    last_lines: int | None
    examples: tuple[Example, ...]
    path: str
    line: int
    position: str = "anywhere"
    requires: regex.Pattern[str] | None = None
    #: Words one of which a text must contain (case-folded) for the rule to be tried at all:
    #: a substring test costs next to nothing, a regex tried at every line does not.
    cues: tuple[str, ...] = ()

    def applies_to(self, language: str | None) -> bool:
        """Rules run on documents of their languages; a document of unknown language gets all."""
        return language is None or "*" in self.languages or language in self.languages

    def where(self) -> str:
        """``file:line`` of the rule's id, for messages."""
        return f"{self.path}:{self.line}"


def has_cue(cues: Sequence[str], folded: str) -> bool:
    """Whether a casefolded text holds one of a rule's cues: a rule whose cues are all
    missing cannot match, so its pattern need not run."""
    return any(cue in folded for cue in cues)
