"""Documents, spans and edits: the only code in cleankit that changes text.

Filters never rewrite text themselves. They return spans, and :func:`cut` applies them and
records one :class:`Edit` per span. Because every change is recorded with the text it removed,
:func:`restore` can rebuild the original byte for byte; that is what makes a run auditable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

from cleankit.core.memo import TextMemo

__all__ = [
    "Document",
    "Edit",
    "Outcome",
    "ProvenanceValue",
    "Span",
    "cut",
    "drop",
    "restore",
    "sha256_text",
    "trim_overlaps",
]

ProvenanceValue = str | bool


@dataclass(frozen=True, slots=True)
class Document:
    """One input record. ``source`` is the file (or URL) and ``line`` the record's line in it.

    ``memo`` holds what steps learnt of the text's lines (their words, their digests), shared
    by every version of the document so that no line is tokenised twice; it takes no part in
    comparing documents.
    """

    id: str
    text: str
    source: str = ""
    line: int | None = None
    language: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict)
    memo: TextMemo = field(default_factory=TextMemo, compare=False, repr=False)

    def with_text(self, text: str) -> Document:
        """Return the same document carrying ``text``; identity, metadata and memo stay."""
        return replace(self, text=text)


class Span(NamedTuple):
    """A proposed change: replace ``text[start:end]`` with ``inserted`` ("" removes)."""

    start: int
    end: int
    rule: str | None = None
    inserted: str = ""
    why: str = ""


@dataclass(frozen=True, slots=True)
class Edit:
    """A change that was made. Offsets are in the text that ``step`` received."""

    step: str
    rule: str | None
    start: int
    end: int
    removed: str
    inserted: str
    why: str


@dataclass(frozen=True, slots=True)
class Outcome:
    """What a filter did to one document. ``doc`` is None when the document was dropped."""

    doc: Document | None
    edits: tuple[Edit, ...] = ()
    provenance: Mapping[str, ProvenanceValue] = field(default_factory=dict)
    dropped_by: str | None = None
    duplicate_of: str | None = None
    similarity: float | None = None
    cluster_id: str | None = None
    #: Edits a step proposed that the removal guard held back (not applied; ``why`` says why).
    suspects: tuple[Edit, ...] = ()


def _check_spans(spans: Sequence[Span], text: str, step: str) -> list[Span]:
    ordered = sorted(spans, key=lambda s: (s.start, s.end))
    previous: Span | None = None
    for span in ordered:
        if not 0 <= span.start <= span.end <= len(text):
            raise ValueError(f"{step}: span {span[:2]} is outside the text (length {len(text)})")
        if span.start == span.end and not span.inserted:
            raise ValueError(f"{step}: span {span[:2]} is empty and inserts nothing")
        if previous is not None and (
            span.start < previous.end
            or (span.start == previous.start and span.start == previous.end)
        ):
            raise ValueError(f"{step}: spans {previous[:2]} and {span[:2]} overlap")
        previous = span
    return ordered


def cut(
    doc: Document,
    spans: Iterable[Span],
    *,
    step: str,
    provenance: Mapping[str, ProvenanceValue] | None = None,
) -> Outcome:
    """Apply ``spans`` to ``doc`` and record an :class:`Edit` for each.

    Overlapping spans are refused with a ``ValueError`` naming the step and both spans: a filter
    that proposes them has a bug, and silently picking one would make the audit trail lie.
    """
    ordered = _check_spans(list(spans), doc.text, step)
    if not ordered:
        return Outcome(doc=doc, provenance=dict(provenance or {}))
    pieces: list[str] = []
    edits: list[Edit] = []
    position = 0
    text = doc.text
    for span in ordered:
        pieces.append(text[position : span.start])
        pieces.append(span.inserted)
        removed = text[span.start : span.end]
        edits.append(Edit(step, span.rule, span.start, span.end, removed, span.inserted, span.why))
        position = span.end
    pieces.append(text[position:])
    return Outcome(
        doc=doc.with_text("".join(pieces)), edits=tuple(edits), provenance=dict(provenance or {})
    )


def trim_overlaps(spans: list[Span]) -> list[Span]:
    """Adjacent removed lines can share a separator; keep each character in one span."""
    trimmed: list[Span] = []
    for span in sorted(spans):
        if trimmed and span.start < trimmed[-1].end:
            span = span._replace(start=trimmed[-1].end)
            if span.start >= span.end:
                continue
        trimmed.append(span)
    return trimmed


def drop(
    doc: Document,
    *,
    step: str,
    rule: str | None,
    why: str,
    duplicate_of: str | None = None,
    similarity: float | None = None,
    cluster_id: str | None = None,
) -> Outcome:
    """Drop a whole document, recording its text as one edit so that it can still be restored."""
    edits = (Edit(step, rule, 0, len(doc.text), doc.text, "", why),) if doc.text else ()
    return Outcome(
        doc=None,
        edits=edits,
        dropped_by=step,
        duplicate_of=duplicate_of,
        similarity=similarity,
        cluster_id=cluster_id,
    )


def _groups(edits: Sequence[Edit]) -> list[list[Edit]]:
    """Split edits into one group per step application (consecutive edits of one step)."""
    groups: list[list[Edit]] = []
    for edit in edits:
        if groups and groups[-1][-1].step == edit.step:
            groups[-1].append(edit)
        else:
            groups.append([edit])
    return groups


def restore(text: str, edits: Sequence[Edit]) -> str:
    """Rebuild the text a chain received from its output and its edits.

    Steps are undone last to first. Within a step, offsets refer to the step's input, so each
    edit is located in the step's output by adding the length changes of the edits before it.
    """
    for group in reversed(_groups(edits)):
        shifts: list[int] = []
        shift = 0
        for edit in group:
            shifts.append(shift)
            shift += len(edit.inserted) - (edit.end - edit.start)
        for edit, before in zip(reversed(group), reversed(shifts), strict=True):
            start = edit.start + before
            end = start + len(edit.inserted)
            if text[start:end] != edit.inserted:
                raise ValueError(
                    f"{edit.step}: cannot undo edit at {edit.start}: expected {edit.inserted!r} "
                    f"at {start}, found {text[start:end]!r}"
                )
            text = text[:start] + edit.removed + text[end:]
    return text


def sha256_text(text: str) -> str:
    """Hex SHA-256 of the UTF-8 bytes of ``text``: the fingerprint the manifest stores."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
