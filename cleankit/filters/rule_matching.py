"""Where one rule matches a text: the lines it may start on (``first_lines``, ``position``),
its cues and prefilter, the span a match removes by its scope, and the provenance it captures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TypedDict

import regex

from cleankit.core.alarm import RuleAlarm
from cleankit.core.document import ProvenanceValue, Span
from cleankit.core.errors import DocumentError
from cleankit.core.text import (
    PROSE_WORDS,
    Paragraph,
    block_extent,
    letter_words,
    paragraphs,
    reads_as_prose,
)
from cleankit.filters.rule_model import Rule, has_cue

__all__ = ["lead_starts", "over_time", "rule_spans"]


class _Limit(TypedDict, total=False):
    """The ``regex`` call's own time limit; left out when the rule alarm keeps time."""

    timeout: float


def _extent(rule: Rule, text: str, start: int, end: int) -> tuple[int, int]:
    if rule.scope == "mention":
        return start, end  # nothing is removed: the span only says where the source is named
    if rule.scope == "prefix":
        while end < len(text) and text[end] in " \t":
            end += 1
    elif rule.scope == "suffix":
        while start > 0 and text[start - 1] in " \t":
            start -= 1
    if rule.scope == "line":
        return block_extent(text, start, end)
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", end)
    line_end = len(text) if line_end == -1 else line_end
    if not text[line_start:start].strip() and not text[end:line_end].strip():
        # Nothing of the line would be left: take the line and its separator with it.
        return block_extent(text, start, end)
    return start, end


_LINE_END = (".", "!", "?", '"', "”", "’", ")", "»", ":")


def lead_starts(text: str, found: Sequence[Paragraph] | None = None) -> list[int]:
    """Offsets of the lines that read as prose: where a dateline or a lead may start.
    ``found`` are the text's paragraphs when the caller already has them."""
    return [
        p.start
        for p in (paragraphs(text) if found is None else found)
        if reads_as_prose(body := p.text.strip(), len(letter_words(body)), _LINE_END)
    ]


def rule_spans(
    rule: Rule,
    text: str,
    *,
    timeout: float,
    starts: Sequence[int] | None = None,
    leads: Sequence[int] | None = None,
    folded: str | None = None,
    cues: frozenset[str] | None = None,
    alarm: RuleAlarm | None = None,
) -> list[tuple[Span, dict[str, ProvenanceValue]]]:
    """Every match of ``rule`` in ``text`` as a span to cut, with the provenance it carries.

    ``starts`` are the offsets of the text's non-blank lines, for ``first_lines`` and
    ``last_lines``, ``leads`` those of its prose lines, for ``position``, and ``folded`` the
    case-folded text, or ``cues`` every cue of the rule set it holds (:class:`CueFinder`), for
    the rule's ``cues``; callers running many rules over one text pass them in once. An active
    ``alarm`` keeps the rule to ``timeout`` seconds with one timer instead of a timeout on
    each regex call (see :mod:`cleankit.core.alarm`).
    """
    if rule.cues:
        if cues is not None:
            if cues.isdisjoint(rule.cues):
                return []
        elif not has_cue(rule.cues, text.casefold() if folded is None else folded):
            return []
    if rule.requires is not None and not rule.requires.search(text):
        return []
    if leads is None and rule.on_prose_lines:
        leads = lead_starts(text)
    allowed: set[int] | None = None
    if rule.position in ("lead", "prose"):
        allowed = set(leads or ())
    elif rule.position == "first-lead":
        allowed = set((leads or [])[:1])
    if starts is None and (rule.first_lines or rule.last_lines or rule.position == "closing"):
        starts = [p.start for p in paragraphs(text)]
    starts = starts or []
    lowest = 0
    highest = len(text)
    if rule.first_lines and len(starts) > rule.first_lines:
        highest = starts[rule.first_lines] - 1
    if rule.last_lines and starts:
        lowest = starts[max(0, len(starts) - rule.last_lines)]
    if rule.position == "closing":
        lowest = max(lowest, _closing_start(text, starts))
    found: list[tuple[Span, dict[str, ProvenanceValue]]] = []
    # Matches must start at or after ``lowest``; starting the scan there changes nothing else.
    # A rule bound to lead lines scans only those lines: a few lines instead of the document.
    windows: list[tuple[int, int]] = [(lowest, len(text))]
    if allowed is not None:
        lines = sorted({_line_start(text, at) for at in allowed})
        windows = [(line, end) for line in lines if (end := _line_end(text, line)) >= lowest]
    limit: _Limit = {"timeout": timeout}
    if alarm is not None and alarm.active:
        alarm.arm(timeout, rule)
        limit = {}
    try:
        matches: Iterable[regex.Match[str]] | None = None
        if (scanner := rule.line_scanner) is not None:
            matches = _line_matches(rule.pattern, scanner, text, windows, lowest, limit)
        if matches is None:
            matches = (
                match
                for pos, endpos in windows
                for match in rule.pattern.finditer(text, max(pos, lowest), endpos, **limit)
            )
        for match in matches:
            if match.start() == match.end() or not lowest <= match.start() <= highest:
                continue
            if allowed is not None and _line_start(text, match.start()) not in allowed:
                continue
            start, end = _extent(rule, text, match.start(), match.end())
            provenance: dict[str, ProvenanceValue] = dict(rule.sets)
            for column in rule.provides:
                value = match.group(column)
                if value and value.strip():
                    provenance[column] = value.strip()
            found.append((Span(start, end, rule.id, "", rule.description), provenance))
    except TimeoutError:
        raise DocumentError(over_time(rule, timeout)) from None
    return found


def over_time(rule: Rule, timeout: float) -> str:
    """The record error of a rule that ran past its time on a document."""
    return f"rule {rule.id!r} ({rule.where()}) ran longer than {timeout}s on this document"


def _line_matches(
    pattern: regex.Pattern[str],
    scanner: regex.Pattern[str],
    text: str,
    windows: Sequence[tuple[int, int]],
    lowest: int,
    limit: _Limit,
) -> list[regex.Match[str]] | None:
    """The matches ``finditer`` would give over ``windows`` for a pattern that can only match
    from a line start, found with its ``scanner`` (the pattern behind a line break), which the
    engine looks for from one line break to the next instead of at every character. None when
    a match is empty, where ``finditer``'s rules for what follows an empty match decide: the
    caller then scans the usual way."""
    found: list[regex.Match[str]] = []
    for pos, endpos in windows:
        start = max(pos, lowest)
        at = start
        if start == 0 or text[start - 1] == "\n":
            match = pattern.match(text, start, endpos, **limit)
            if match is not None:
                if match.start() == match.end():
                    return None
                found.append(match)
                at = match.end()
        if text.find("\n", start, endpos) < 0:
            continue  # a window of one line (a lead line) has no other line start
        # From the line break before ``at`` when there is one inside the window, so that a
        # line starting where the last match ended is tried, as finditer would.
        while match := scanner.search(text, max(at - 1, start), endpos, **limit):
            if match.start() == match.end():
                return None
            found.append(match)
            at = match.end()
    return found


def _closing_start(text: str, starts: Sequence[int]) -> int:
    """Where the closing part of a text starts: its last line of sentence length (the credit
    or tag glued to it keeps it from ending like a sentence, so no end is asked for), else
    its last two lines."""
    for at in reversed(starts):
        if len(letter_words(text[at : _line_end(text, at)])) >= PROSE_WORDS:
            return at
    return starts[max(0, len(starts) - 2)] if starts else 0


def _line_end(text: str, at: int) -> int:
    """Where the line holding ``at`` ends (its newline, or the end of the text)."""
    end = text.find("\n", at)
    return len(text) if end < 0 else end


def _line_start(text: str, at: int) -> int:
    """Where the line holding ``at`` begins."""
    return text.rfind("\n", 0, at) + 1
