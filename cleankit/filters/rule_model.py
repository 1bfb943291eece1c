"""What a rule is: its fields and examples, as the loader validated them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

import ahocorasick
import regex

from cleankit.core.document import ProvenanceValue

#: ``scope`` values: what a match removes. "mention" removes nothing: the match is the story's
#: own words naming a source ("according to the weather agency (BMKG)"), recorded and kept.
SCOPES = ("span", "prefix", "suffix", "line", "mention")
#: ``position`` values: "lead" = at the start of a prose line (a line of 8+ words that reads as
#: a sentence); "first-lead" = at the start of the first such line only (where datelines are);
#: "prose" = anywhere inside a prose line (a story's sentences, not a menu or a teaser list);
#: "closing" = in the last prose line or below it (where closing credits and tags are, however
#: many lines of page footer follow).
POSITIONS = ("anywhere", "lead", "first-lead", "prose", "closing")


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
    #: When this many of the rule's matches in one document capture the same values, they are
    #: labels that only look like the kind (a transcript's speakers, an advice column's "DEAR
    #: X:" letters), not a dateline said once: none is removed, all are held as suspects.
    label_repeats: int | None = None
    #: Provenance columns whose captured value must be a name of the rule set's names table
    #: (any spelling): "a line that is only an agency's name" needs to know the agencies.
    known: tuple[str, ...] = ()
    #: Provenance columns whose captured value must read as an outlet's name (a names-table
    #: spelling, a press word such as "Post" or "Harian", or a web address): "Name, The
    #: Harbour Post, City" is a byline, "Name, Name, Name" a list of people.
    outlets: tuple[str, ...] = ()
    #: Provenance columns whose captured value must read as an organisation's name rather than
    #: a person's (initials, a press word, a web address, "The ..."; see
    #: :func:`cleankit.filters.outlets.reads_as_organisation`): "told BBC", not "told Agus".
    organisations: tuple[str, ...] = ()

    def applies_to(self, language: str | None) -> bool:
        """Rules run on documents of their languages; a document of unknown language gets all."""
        return language is None or "*" in self.languages or language in self.languages

    @property
    def on_prose_lines(self) -> bool:
        """Whether the rule's matches must lie in a prose line (``position`` "lead",
        "first-lead" or "prose"), so that the text's prose lines must be found for it."""
        return self.position in ("lead", "first-lead", "prose")

    @property
    def line_scanner(self) -> regex.Pattern[str] | None:
        """The pattern behind ``\\n\\K`` when every match starts where a line starts (see
        :func:`line_scanner`), else None."""
        return line_scanner(self.pattern)

    def where(self) -> str:
        """``file:line`` of the rule's id, for messages."""
        return f"{self.path}:{self.line}"


def has_cue(cues: Sequence[str], folded: str) -> bool:
    """Whether a casefolded text holds one of a rule's cues: a rule whose cues are all
    missing cannot match, so its pattern need not run."""
    return any(cue in folded for cue in cues)


class CueFinder:
    """The cues of many rules, found in a text in one pass (an Aho-Corasick automaton): a
    substring scan per cue costs a pass over the text each, and a rule set has hundreds."""

    def __init__(self, cues: Iterable[str]) -> None:
        self.automaton = ahocorasick.Automaton()
        for cue in sorted(set(cues)):
            self.automaton.add_word(cue, cue)
        if len(self.automaton):
            self.automaton.make_automaton()

    def present(self, folded: str) -> frozenset[str]:
        """Every cue that occurs in the case-folded text ``folded``, overlapping ones included."""
        if not len(self.automaton):
            return frozenset()
        return frozenset(cue for _, cue in self.automaton.iter(folded))


_LEADING_FLAGS = regex.compile(r"\(\?[a-zA-Z]+\)")


@lru_cache(maxsize=1024)
def line_scanner(pattern: regex.Pattern[str]) -> regex.Pattern[str] | None:
    """For a pattern that can only match from the start of a line, the same pattern behind
    ``\\n\\K``; None for any other pattern.

    Such a pattern is multiline, its first token is ``^`` and no alternative outside
    parentheses could start elsewhere. Searched for as it is, the engine tries it at every
    character (``^`` does not let it skip ahead); behind a line break, the engine jumps from one
    line break to the next, and ``\\K`` keeps the break out of the match. Most rules describe
    lines, so most of them qualify.
    """
    if not pattern.flags & regex.MULTILINE or pattern.flags & regex.VERBOSE:
        return None
    source = pattern.pattern
    flags = ""
    while leading := _LEADING_FLAGS.match(source):
        flags += leading.group()
        source = source[leading.end() :]
    if not source.startswith("^"):
        return None
    if any(char == "|" and depth == 0 for _, char, depth in pattern_structure(source)):
        return None
    return regex.compile(f"{flags}\\n\\K(?:{source})")


def pattern_structure(source: str, start: int = 0) -> Iterator[tuple[int, str, int]]:
    """Each character of a pattern from ``start`` that is neither escaped nor inside a
    character class, with the depth of the groups open once it is read."""
    depth = 0
    i = start
    while i < len(source):
        char = source[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            i = class_end(source, i) + 1
            continue
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        yield i, char, depth
        i += 1


def class_end(source: str, start: int) -> int:
    """Index of the ``]`` that closes the character class opened at ``start``."""
    i = start + 1
    if i < len(source) and source[i] == "^":
        i += 1
    if i < len(source) and source[i] == "]":
        i += 1  # a "]" first in a class is a literal
    while i < len(source) and source[i] != "]":
        i += 2 if source[i] == "\\" else 1
    return i
