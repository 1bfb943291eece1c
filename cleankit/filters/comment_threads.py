"""Reader comments under a story: the thread a comment system prints below the article.

A comment is a header (the commenter's name and "says:" or "said:", often with the date and
time; or the name on one line and the date on the next), the comment's text, and perhaps a
reply button. The text reads as prose, so the article's end runs on through it and nothing
else in the furniture filter would take it; the headers tell the thread apart. Only a thread
is taken: two or more headers that carry a date, or two or more headers with two or more
reply buttons. A story that introduces a quote with "Smith says:" once or twice has neither.
"""

from __future__ import annotations

from collections.abc import Sequence

import regex as re

from cleankit.core.text import Paragraph, letter_words
from cleankit.filters.article_bounds import Kind

__all__ = ["comment_thread"]

# "Name says:", "Name on 12 May 2024 at 5:03 pm said:", in the languages of the stoplists.
_HEADER = re.compile(
    r"^\s*\S[^\n]{0,100}?\s(?:says|said|wrote|writes|berkata|menulis|dice|dijo|escribió|escribe"
    r"|a dit|a écrit|sagt|schrieb|schreibt|disse|escreveu|diz|scrive|ha scritto|zegt|schreef)"
    r"\s*:\s*$",
    re.IGNORECASE,
)
# A comment's reply button, alone on its line.
_REPLY = re.compile(
    r"^\s*(?:reply|balas|responder|répondre|antworten|rispondi|reageer|beantwoorden)"
    r"\s*[↓→»]?\s*$",
    re.IGNORECASE,
)
#: Characters of a reply button's line at the most (its word, a space or an arrow).
_REPLY_CHARS = 24
#: Words of a header at the most (a name, maybe "on <date> at <time>", and the verb).
_HEADER_WORDS = 14
#: Words of a name alone on its line over the comment's date.
_NAME_WORDS = 4
#: Headers (or reply buttons) that make a thread.
_THREAD = 2
#: Lines of the last comment's text taken at the most when no reply button closes it.
_LAST_BODY = 12


def comment_thread(
    found: Sequence[Paragraph], kinds: Sequence[Kind], first: int
) -> tuple[int, int, str] | None:
    """The thread below the article that starts at line ``first``, as the bounds of a slice of
    lines and the evidence; ``None`` when there is none. The thread starts at its first
    header, which must have two prose lines of the article above it, and ends with the last
    comment's text (and its reply button)."""
    headers: list[int] = []
    dated = 0
    for i in range(first + 1, len(found)):
        header = _header(found, kinds, i)
        if header is not None:
            headers.append(i)
            dated += header
    replies = sum(1 for p in found[first + 1 :] if _is_reply(p.text))
    if len(headers) < _THREAD or not (dated >= _THREAD or replies >= _THREAD):
        return None
    start = headers[0]
    if sum(1 for kind, _ in kinds[first:start] if kind == "prose") < 2:
        return None
    stop = _last_comment_end(found, kinds, headers[-1])
    evidence = f"{len(headers)} comment headers ({dated} dated), {replies} reply buttons"
    return start, stop, evidence


def _header(found: Sequence[Paragraph], kinds: Sequence[Kind], i: int) -> bool | None:
    """Whether line ``i`` is a comment's header: ``True`` when it carries the comment's date
    (on its line or the next), ``False`` when it is a header without one, ``None`` when it is
    no header."""
    text = found[i].text
    after_stamp = i + 1 < len(found) and kinds[i + 1][0] == "stamp"
    if (
        text.rstrip().endswith(":")  # cheap, and true of every header the pattern matches
        and _HEADER.match(text)
        and len(letter_words(text)) <= _HEADER_WORDS
    ):
        return kinds[i][0] == "stamp" or after_stamp
    if (
        after_stamp
        and kinds[i][0] == "short"
        and i + 2 < len(found)
        and kinds[i + 2][0] in ("prose", "other")
        and 1 <= len(letter_words(text)) <= _NAME_WORDS
        and not _is_reply(text)
    ):
        return False  # a name over a date: a header only where reply buttons say so
    return None


def _is_reply(text: str) -> bool:
    return len(text) <= _REPLY_CHARS and bool(_REPLY.match(text))


def _last_comment_end(found: Sequence[Paragraph], kinds: Sequence[Kind], header: int) -> int:
    """The end (exclusive) of the comment under the last header: its date, its text, and the
    reply button that closes it; without a button, the lines of text under the header (and a
    short one over text, a greeting)."""
    j = header + 1
    while j < len(found) and kinds[j][0] == "stamp":
        j += 1
    for k in range(j, min(len(found), j + _LAST_BODY)):
        if _REPLY.match(found[k].text):
            return k + 1
    text = ("prose", "other")
    while j < len(found) and j < header + 1 + _LAST_BODY:
        if kinds[j][0] in text:
            j += 1
        elif kinds[j][0] == "short" and j + 1 < len(found) and kinds[j + 1][0] in text:
            j += 1  # a greeting over the comment's text ("Hi Mara,")
        else:
            break
    return j
