"""The removal guard: a step's single edit that would take out too much reporting, or cut a
word in two, is held back as a suspect instead of applied (see :class:`~cleankit.core.chain.Chain`).
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from cleankit.core.document import Document, Edit, Outcome, Span, cut
from cleankit.core.text import PROSE_ENDS, letter_words, reads_as_prose, words

__all__ = ["GUARD_MIN_CHARS", "guard"]


def _removed_chars(edit: Edit) -> int:
    """Visible characters of reporting an edit takes away: those of its lines that read as
    prose (a replacement by visible text takes none). A list of headlines, a menu or a column
    of credits is no reporting, however long, so removing it is no reason for doubt."""
    if edit.inserted.strip():
        return 0
    return sum(
        sum(not c.isspace() for c in body)
        for line in edit.removed.split("\n")
        if reads_as_prose(body := line.strip(), len(letter_words(body)), PROSE_ENDS)
    )


def _cuts_inside_word(text: str, edit: Edit) -> bool:
    """Whether a removal starts and ends inside words. A lower-case letter followed by a
    capital is a seam where a scraper glued two words ("Image captionGhanaian"), not a word."""
    return (
        edit.start > 0
        and edit.end < len(text)
        and not edit.inserted.strip()
        and bool(edit.removed.strip())
        and _inside_word(text[edit.start - 1], edit.removed[0])
        and _inside_word(edit.removed[-1], text[edit.end])
    )


def _inside_word(left: str, right: str) -> bool:
    return left.isalnum() and right.isalnum() and not (left.islower() and right.isupper())


#: A removal smaller than this many visible characters is never "large": in a two-line text
#: one junk line is half the document, and that is no reason to doubt it.
GUARD_MIN_CHARS = 200


def guard(doc: Document, result: Outcome, step: str, *, max_removal: float) -> Outcome:
    """Hold back single edits that remove too much, or that cut a word in two.

    An edit that removes more than ``max_removal`` of the document's visible characters in
    lines that read as prose (and at least :data:`GUARD_MIN_CHARS`), unless its words stand
    elsewhere in the text (a repeated paragraph), or that starts and ends inside words, is
    not applied; it becomes a suspect with the reason. The step's other edits apply as
    proposed.
    """
    if result.doc is None or not result.edits:
        return result
    visible = sum(not c.isspace() for c in doc.text) or 1
    limit = max(max_removal * visible, GUARD_MIN_CHARS)
    held: list[Edit] = []
    kept: list[Span] = []
    for edit in result.edits:
        removed = _removed_chars(edit)
        if removed > limit and not _said_elsewhere(doc.text, edit):
            share = f"{removed / visible:.0%}"
            held.extend(
                _as_suspects(
                    [edit],
                    f"guard: would remove {share} of the document (max_removal {max_removal:g})",
                )
            )
        elif _cuts_inside_word(doc.text, edit):
            held.extend(_as_suspects([edit], "guard: cuts inside a word"))
        else:
            kept.append(Span(edit.start, edit.end, edit.rule, edit.inserted, edit.why))
    if not held:
        return result
    provenance = result.provenance if kept else {}
    redone = cut(doc, kept, step=step, provenance=provenance)
    return Outcome(
        doc=redone.doc,
        edits=redone.edits,
        provenance=redone.provenance,
        suspects=result.suspects + tuple(held),
    )


#: Words of a large removal that may be missing from the rest of the text for the removal to
#: lose nothing: the copy of a paragraph that opens with a dateline its twin has lost.
_LOSSLESS_SLACK = 3
#: Past this many words on either side the comparison is not made (the guard holds as usual).
_LOSSLESS_MAX_WORDS = 5000


def _said_elsewhere(text: str, edit: Edit) -> bool:
    """Whether the words a large removal takes out all stand, in order, elsewhere in the text
    (up to :data:`_LOSSLESS_SLACK` of them): a paragraph pasted twice loses nothing when one
    copy goes, however large it is, so the guard lets it go."""
    gone = words(edit.removed)
    rest = words(text[: edit.start] + "\n" + text[edit.end :])
    if not gone or max(len(gone), len(rest)) > _LOSSLESS_MAX_WORDS:
        return False
    matcher = difflib.SequenceMatcher(None, gone, rest, autojunk=False)
    found = sum(block.size for block in matcher.get_matching_blocks())
    return len(gone) - found <= _LOSSLESS_SLACK


def _as_suspects(edits: Sequence[Edit], reason: str) -> tuple[Edit, ...]:
    return tuple(
        Edit(e.step, e.rule, e.start, e.end, e.removed, e.inserted, f"{reason}; {e.why}")
        for e in edits
    )
