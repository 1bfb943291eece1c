"""Text repairs: mojibake, Unicode, whitespace, glued sentences, stray letters.

Every repair is a span, so it is recorded and can be undone. The glue and stray-letter
repairs act only on evidence found in the same document, because a false split damages text
that was right.
"""

from __future__ import annotations

import difflib
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import ftfy
import regex

from cleankit.core.document import Document, Outcome, Span, cut


def _plan_words(plan: Sequence[tuple[str, str]]) -> tuple[str, str]:
    """A rule name and a ``why`` from ftfy's own explanation of what it did to a piece of text."""
    kinds = {kind for kind, _ in plan}
    if kinds & {"encode", "decode", "transcode"}:
        rule = "mojibake"
    else:
        applied = [name for kind, name in plan if kind == "apply"]
        rule = (applied[0] if applied else "unicode-normalization").replace("_", "-")
    steps = ", ".join(f"{kind} {name}" for kind, name in plan) or "normalize"
    return rule, f"ftfy: {steps}"


def _diff_spans(before: str, after: str, rule: str, why: str) -> list[Span]:
    spans: list[Span] = []
    matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            spans.append(Span(i1, i2, rule, after[j1:j2], why))
    return spans


#: In ASCII text, all that ftfy may change: HTML entities ("&amp;"), carriage returns and
#: control characters other than tab and newline. Mojibake, odd quotes, ligatures, width and
#: normalization all need a character beyond ASCII.
_ASCII_FTFY_WORK = re.compile(r"[&\x00-\x08\x0b-\x1f\x7f]")


@dataclass(frozen=True)
class FixText:
    """Repair mojibake and Unicode with ftfy, once per document, and record each change.

    ftfy returns the fixed text and, asked to, its own plan of what it did (``encode
    sloppy-windows-1252, decode utf-8``); that plan is the edit's ``why``, so the manifest says
    what ftfy did rather than a guess. Changes are located by diffing line against line (whole
    text when ftfy changed the line structure), so the diff stays small. Full-width forms are
    left alone unless ``fix_character_width``: folding "６月" to "6月" rewrites correct CJK text.
    """

    uncurl_quotes: bool = False
    normalization: str | None = "NFC"
    fix_encoding: bool = True
    fix_character_width: bool = False
    name: str = "fix-text"

    def _config(self, *, explain: bool) -> ftfy.TextFixerConfig:
        return ftfy.TextFixerConfig(
            uncurl_quotes=self.uncurl_quotes,
            normalization=self.normalization,  # type: ignore[arg-type]
            fix_encoding=self.fix_encoding,
            fix_character_width=self.fix_character_width,
            explain=explain,
        )

    def _spans(self, before: str, after: str) -> list[Span]:
        plan = ftfy.fix_and_explain(before, self._config(explain=True)).explanation or []
        rule, why = _plan_words(plan)
        return _diff_spans(before, after, rule, why)

    def __call__(self, doc: Document) -> Outcome:
        """Fix the text; unchanged documents cost one ftfy call and one comparison, and plain
        ASCII that ftfy has nothing to do with (no HTML entity, carriage return or control
        character) costs neither."""
        if doc.text.isascii() and not _ASCII_FTFY_WORK.search(doc.text):
            return Outcome(doc=doc)
        fixed = ftfy.fix_text(doc.text, self._config(explain=False))
        if fixed == doc.text:
            return Outcome(doc=doc)
        old_lines = doc.text.splitlines(keepends=True)
        new_lines = fixed.splitlines(keepends=True)
        if len(old_lines) != len(new_lines):
            return cut(doc, self._spans(doc.text, fixed), step=self.name)
        spans: list[Span] = []
        offset = 0
        for old, new in zip(old_lines, new_lines, strict=True):
            if old != new:
                spans.extend(
                    Span(s.start + offset, s.end + offset, s.rule, s.inserted, s.why)
                    for s in self._spans(old, new)
                )
            offset += len(old)
        return cut(doc, spans, step=self.name)


_H = "[ \t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
_WHITESPACE = re.compile(
    rf"\A\s+|\s+\Z|{_H}*\n(?:{_H}*\n){{2,}}{_H}*|{_H}+\n|\n{_H}+|\r\n?|[\u200b\ufeff]+|{_H}{{2,}}|[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]"
)


# Every match of _WHITESPACE away from the ends of the text holds one of these: a character
# other than a plain space or line break, two spaces, a space beside a line break, or three
# line breaks. A text with none (most texts) is left as it is without the nine-way scan.
_NONCANONICAL = re.compile(
    "[\t\r\u00a0\u1680\u2000-\u200b\u202f\u205f\u3000\ufeff]|  | \n|\n |\n\n\n"
)


@dataclass(frozen=True)
class NormalizeWhitespace:
    """Odd spaces to plain ones, runs to one, no trailing spaces, at most one blank line."""

    name: str = "normalize-whitespace"

    def __call__(self, doc: Document) -> Outcome:
        """Find whitespace that is not in canonical form and replace it."""
        text = doc.text
        if not (text[:1].isspace() or text[-1:].isspace() or _NONCANONICAL.search(text)):
            return Outcome(doc=doc)
        spans: list[Span] = []
        for match in _WHITESPACE.finditer(text):
            found = match.group()
            if match.start() == 0 or match.end() == len(text):
                new, why = "", "whitespace at the start or end of the text"
            elif found.count("\n") >= 3 or (found.count("\n") >= 2 and found.strip(" \n")):
                new, why = "\n\n", "more than one blank line"
            elif "\n" in found or found.startswith("\r"):
                new, why = "\n", "spaces around a line break"
            elif found.strip("\u200b\ufeff") == "":
                new, why = "", "zero-width character"
            else:
                new, why = " ", "run of spaces or an unusual space character"
            if new != found:
                spans.append(Span(match.start(), match.end(), "whitespace", new, why))
        return cut(doc, spans, step=self.name)


_WORD_RE = re.compile(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*")
# Punctuation glued to the next sentence: "CNN.Hussein", "tersebut.Namun", "Irak.”Menurut".
_GLUED_SENTENCE = regex.compile(
    r"\b(\p{L}{2,})([.!?][\"”’)]?)([\"“]?)(\p{Lu}\p{L}*(?:[-'’]\p{L}+)*)"
)
# A lowercase word run straight into a capitalised one: "tersebutDalam".
_GLUED_PARAGRAPH = regex.compile(r"\b(\p{L}*\p{Ll})(\p{Lu}\p{Ll}+)\b")
# What every match of the two patterns above holds, found at a twentieth of their cost: most
# texts have neither, and are then not scanned by the patterns at all.
_SENTENCE_JOIN = regex.compile(r"[.!?][\"”’)]?[\"“]?\p{Lu}")
_CASE_JOIN = regex.compile(r"\p{Ll}\p{Lu}\p{Ll}")
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "st",
        "jr",
        "sr",
        "no",
        "vol",
        "jl",
        "gen",
        "col",
        "lt",
        "sgt",
        "rev",
        "hon",
        "inc",
        "ltd",
        "co",
        "corp",
        "dll",
        "dsb",
        "tsb",
        "bpk",
        "ir",
        "drs",
    ]
)
_DOMAIN_PARTS = frozenset(
    [
        "com",
        "co",
        "id",
        "net",
        "org",
        "tv",
        "io",
        "go",
        "ac",
        "or",
        "news",
        "info",
        "biz",
        "gov",
        "edu",
        "my",
        "sg",
        "uk",
    ]
)


def _vocabulary(text: str) -> Counter[str]:
    return Counter(word.casefold() for word in _WORD_RE.findall(text))


def _paragraph_separator(text: str) -> str:
    return "\n\n" if "\n\n" in text else "\n"


# A token that is an address or a name written without spaces: never split inside it.
_ADDRESS = re.compile(r"://|^www\.|@|^#|\.(?:[a-z]{2,6})(?:[/:?#].*)?$|\.(?:COM|NET|ORG|ID|CO)$")


def _token_at(text: str, start: int, end: int) -> str:
    """The whitespace-delimited token around ``text[start:end]``, closing punctuation stripped."""
    left = max(text.rfind(" ", 0, start), text.rfind("\n", 0, start)) + 1
    right = len(text)
    for stop in (" ", "\n"):
        found = text.find(stop, end)
        if found != -1:
            right = min(right, found)
    return text[left:right].rstrip(".,;:!?)\"'”’]")


def _opens_quote(text: str, at: int) -> bool:
    """Whether the straight quote at ``at`` opens a quotation: an even number before it on its line."""
    line_start = text.rfind("\n", 0, at) + 1
    return text.count('"', line_start, at) % 2 == 0


@dataclass(frozen=True)
class SplitGluedSentences:
    """Split sentences and paragraphs that lost the space or break between them.

    "CNN.Hussein" becomes "CNN. Hussein" when "Hussein" is a word elsewhere in the document
    (or the left side is a lowercase word and the right a capitalised word: a sentence end).
    "tersebutDalam" becomes two paragraphs only when both halves are words elsewhere and the
    glued form is not. Never split: abbreviations, decimals, URLs, domains ("LiveNation.com"),
    e-mail addresses, @handles, #hashtags, all-capital names ("IQ.LIGHT") and CamelCase names
    ("SmartThermostat"); a quote that opens the next sentence stays with it.
    """

    name: str = "split-glued"

    def __call__(self, doc: Document) -> Outcome:
        """Propose a space or paragraph break at each glued join with evidence."""
        text = doc.text
        spans: list[Span] = []
        vocabulary: Counter[str] | None = None
        sentences = _GLUED_SENTENCE.finditer(text) if _SENTENCE_JOIN.search(text) else ()
        for match in sentences:
            left, right = match.group(1), match.group(4)
            after = text[match.end() : match.end() + 2]
            if (
                left.casefold() in _ABBREVIATIONS
                or right.casefold() in _DOMAIN_PARTS
                or (after[:1] == "." and after[1:2].isalpha())
                or right.isupper()
                or _ADDRESS.search(_token_at(text, match.start(), match.end()))
            ):
                continue
            vocabulary = vocabulary if vocabulary is not None else _vocabulary(text)
            seen = vocabulary[right.casefold()] > 1
            sentence_end = (
                left[-1].islower() and len(left) >= 3 and right[1:].islower() and len(right) >= 3
            )
            if seen or sentence_end:
                at = match.start(3)
                closing = match.group(2)
                if closing.endswith('"') and _opens_quote(text, match.end(2) - 1):
                    at = match.end(2) - 1  # the quote opens the next sentence: break before it
                evidence = "seen elsewhere" if seen else "lowercase word, then a capitalised word"
                spans.append(
                    Span(at, at, "glued-sentence", " ", f"sentence glued to the next ({evidence})")
                )
        separator = _paragraph_separator(text)
        glued = _GLUED_PARAGRAPH.finditer(text) if _CASE_JOIN.search(text) else ()
        for match in glued:
            left, right = match.group(1), match.group(2)
            if len(left) < 3 or len(right) < 3 or left[0].isupper():
                continue  # "SmartThermostat", "RemoteTalk": a CamelCase name, not two paragraphs
            if _ADDRESS.search(_token_at(text, match.start(), match.end())):
                continue
            vocabulary = vocabulary if vocabulary is not None else _vocabulary(text)
            if vocabulary[match.group().casefold()] > 1:
                continue  # the glued form recurs: a name such as "IslamTimes"
            line_start = text.rfind("\n", 0, match.start()) + 1
            if not text[line_start : match.start()].strip():
                continue  # a paragraph that ends in its own first word was never glued
            if vocabulary[left.casefold()] > 0 and vocabulary[right.casefold()] > 0:
                at = match.start(2)
                spans.append(
                    Span(
                        at,
                        at,
                        "glued-paragraph",
                        separator,
                        "paragraphs glued without a break; both halves are words elsewhere",
                    )
                )
        return cut(doc, spans, step=self.name)


# Both patterns start with a cheap test (a lowercase letter at a line end, a space) and look
# behind only then: tried at every position, a leading \p{L}+ made them the slowest filter.
_STRAY_AFTER_STOP = regex.compile(r"(?m)\p{Ll}$(?<=\p{L}\p{L}[.!?]\p{Ll})")
_STRAY_BEFORE_BREAK = regex.compile(r"(?m) \p{L}\n+(\p{L}+)(?<=\b(\p{L}+) \p{L}\n+\p{L}+)")


@dataclass(frozen=True)
class RepairStrayLetters:
    """Remove single letters left by scrapers: "Februari.l" and "genosida Z" + line break."""

    name: str = "repair-stray-letters"

    def __call__(self, doc: Document) -> Outcome:
        """Only clear cases: a letter after a sentence end, or a letter breaking a known bigram."""
        text = doc.text
        spans: list[Span] = []
        for match in _STRAY_AFTER_STOP.finditer(text):
            spans.append(
                Span(
                    match.start(),
                    match.end(),
                    "stray-letter",
                    "",
                    "stray letter after the sentence end",
                )
            )
        for match in _STRAY_BEFORE_BREAK.finditer(text):
            after, before = match.group(1), match.group(2)
            line_start = text.rfind("\n", 0, match.start()) + 1
            if match.start(2) - line_start < 40:
                continue  # a short line ending in a letter is more likely a heading ("Plan B")
            bigram = re.compile(rf"\b{re.escape(before)}\s+{re.escape(after)}\b", re.IGNORECASE)
            if bigram.search(text) or after[0].islower():
                spans.append(
                    Span(
                        match.start(),
                        match.start(1),
                        "stray-letter-break",
                        " ",
                        "stray letter and line break inside a sentence",
                    )
                )
        return cut(doc, spans, step=self.name)
