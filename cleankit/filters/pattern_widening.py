"""Regular expressions widened until Hyperscan compiles them, quickly, to match at least
wherever the originals do.

The rule prefilter (:mod:`cleankit.filters.rule_prefilter`) asks Hyperscan which rules may
match a document; a rule it rules out is not run, so its pattern there must never match less
than the rule's. Each rewriting below only widens: named groups lose their names; assertions
go, lookarounds, anchors, ``\\K`` and word boundaries (Hyperscan's multiline mode also missed
matches of some line-anchored patterns that its plain mode found, so line edges go too);
Unicode properties and classes become their ASCII part plus every character beyond ASCII
(``\\p{Lu}`` -> ``[A-Z\\x{80}-\\x{10FFFF}]``), which Hyperscan compiles far faster than its
Unicode tables; long bounded repeats lose their bound. A pattern with a backreference or a
conditional has no simple wider form and gets none.
"""

from __future__ import annotations

import regex

from cleankit.filters.rule_model import class_end, pattern_structure

__all__ = ["prefilter_source"]

#: Every character beyond ASCII, as a range inside a character class.
_BEYOND_ASCII = r"\x{80}-\x{10FFFF}"
#: The ASCII part of the Unicode properties the rules use (marks have none).
_PROPERTY_ASCII = {"L": "A-Za-z", "Lu": "A-Z", "Ll": "a-z", "M": ""}
#: The ASCII part of the class escapes that also take letters, digits or spaces beyond ASCII.
_CLASS_ASCII = {"w": r"\w", "d": "0-9", "s": r"\s"}
#: Repeats with a larger upper bound are made unbounded (a far smaller automaton).
_MAX_BOUND = 20


def prefilter_source(source: str) -> str | None:
    """A pattern for Hyperscan's prefilter mode that matches wherever ``source`` (a ``regex``
    pattern) can; None when the pattern holds a construct this rewriting does not handle."""
    out: list[str] = []
    i = 0
    quantified = False  # the last thing written is a quantifier
    while i < len(source):
        char = source[i]
        if quantified and char == "+":
            i += 1  # possessive: greedy is wider (the engine may give characters back)
            quantified = False
            continue
        quantified = char in "*+?"
        if char == "\\":
            token, i = _escape(source, i)
            wide = _widened(token, inside=False, negated=False)
            if wide is None:
                return None
            out.append(wide)
        elif char == "[":
            end = class_end(source, i)
            if end >= len(source):
                return None
            body = _class_body(source[i + 1 : end])
            if body is None:
                return None
            out.append(f"[{body}]")
            i = end + 1
        elif _LOOKAROUND.match(source, i):
            i = _group_end(source, i) + 1  # an assertion: dropping it only widens the match
        elif char in "^$":
            i += 1  # a line's or the text's edge: dropped (compiled without multiline mode)
        elif (flags := _INLINE_FLAGS.match(source, i)) is not None:
            kept = flags.group(1).replace("m", "")
            out.append(f"(?{kept})" if kept else "")
            i = flags.end()
        elif source.startswith("(?>", i):
            out.append("(?:")  # an atomic group: plain, it may match more
            i += 3
        elif _NAMED_GROUP.match(source, i):
            close = source.find(">", i)
            if close < 0:
                return None
            out.append("(?:")
            i = close + 1
        elif source.startswith(("(?P=", "(?&", "(?(", "(?|"), i):
            return None  # a backreference, a call, a conditional: no simple superset
        elif char == "{" and (bound := _BOUND.match(source, i)) is not None:
            low, high = bound.group(1), bound.group(2)
            out.append(f"{{{low},}}" if high and int(high) > _MAX_BOUND else bound.group())
            i = bound.end()
            quantified = True
        else:
            out.append(_ascii(char))
            i += 1
    return "".join(out)


#: A bounded repeat ("{2}", "{1,}", "{0,7}"); the upper bound is group 2, when there is one.
_BOUND = regex.compile(r"\{(\d+)(?:,(\d*))?\}")
#: A lookahead's or a lookbehind's opening.
_LOOKAROUND = regex.compile(r"\(\?<?[=!]")
#: Flags set inline for the rest of the pattern ("(?m)", "(?im)"), not a scoped "(?i:...)".
_INLINE_FLAGS = regex.compile(r"\(\?([a-zA-Z]+)\)")
#: A named group's opening, "(?P<name>" or "(?<name>" (not a lookbehind, "(?<=" or "(?<!").
_NAMED_GROUP = regex.compile(r"\(\?P?<(?![=!])")
_ESCAPE_WITH_BRACES = regex.compile(r"\\[pPxN]\{[^}]*\}")


def _escape(source: str, i: int) -> tuple[str, int]:
    """The escape starting at ``i`` (``\\n``, ``\\p{Lu}``, ``\\x{80}``) and the index after it."""
    braced = _ESCAPE_WITH_BRACES.match(source, i)
    if braced is not None:
        return braced.group(), braced.end()
    return source[i : i + 2], i + 2


def _widened(token: str, *, inside: bool, negated: bool) -> str | None:
    """An escape as Hyperscan reads it, never matching less than ``regex`` does; ``inside``
    a character class (``negated`` when it opens with ``^``) it is a piece of that class."""
    letter = token[1:2]
    if letter in ("p", "P"):
        name = token[3:-1]
        ascii_part = _PROPERTY_ASCII.get(name)
        if ascii_part is None:
            return None
        if letter == "P":
            # Outside a class, "not uppercase": every character but A-Z at least.
            return None if inside or not ascii_part else f"[^{ascii_part}]"
        if negated:
            return ascii_part  # fewer characters excluded: a wider class
        return f"{ascii_part}{_BEYOND_ASCII}" if inside else f"[{ascii_part}{_BEYOND_ASCII}]"
    if letter in _CLASS_ASCII:
        if negated:
            return token  # ASCII \w excludes less than Unicode \w: a wider negated class
        wide = f"{_CLASS_ASCII[letter]}{_BEYOND_ASCII}"
        return wide if inside else f"[{wide}]"
    if not inside and letter in ("K", "b", "B", "G", "A", "Z", "z"):
        return ""  # an assertion or a match-start reset: dropping it only widens the match
    if letter in ("N", "X", "m", "M", "g") or letter.isdigit():
        return None  # named characters, graphemes, word-start and word-end, backreferences
    return _ascii(token[1]) if not token[1].isascii() else token  # "\\é" is a literal "é"


def _ascii(char: str) -> str:
    """A character as Hyperscan reads it from an ASCII pattern: one beyond ASCII by its code
    point (older builds of the ``hyperscan`` package, such as the aarch64 wheels, refuse any
    pattern with a character beyond ASCII as "not valid UTF-8")."""
    return char if char.isascii() else f"\\x{{{ord(char):X}}}"


def _class_body(body: str) -> str | None:
    """A character class's contents, each escape widened."""
    negated = body.startswith("^")
    out: list[str] = ["^"] if negated else []
    i = 1 if negated else 0
    while i < len(body):
        if body[i] == "\\":
            token, i = _escape(body, i)
            wide = _widened(token, inside=True, negated=negated)
            if wide is None:
                return None
            out.append(wide)
        elif body[i] == "[":
            return None  # a nested set (regex's set operations)
        else:
            out.append(_ascii(body[i]))
            i += 1
    widened = "".join(out)
    return widened if widened not in ("", "^") else None


def _group_end(source: str, start: int) -> int:
    """Index of the ``)`` that closes the group opened at ``start``."""
    for i, char, depth in pattern_structure(source, start):
        if char == ")" and depth == 0:
            return i
    return len(source)
