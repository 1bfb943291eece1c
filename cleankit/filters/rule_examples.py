"""A rule's examples as its TOML file writes them: read, checked for the fields they need and
for both kinds (one the rule changes, one it leaves alone), located by line for errors.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from cleankit.core.errors import did_you_mean
from cleankit.filters.rule_model import Example

__all__ = ["build_examples", "line_of", "unknown_key"]

_EXAMPLE_FIELDS = {"text": True, "expect": True, "provenance": False, "note": False, "xfail": False}


def line_of(raw: str, needle: str, after: int = 1) -> int:
    """The first line from ``after`` on that holds ``needle``: where to point an error."""
    lines = raw.splitlines()
    for number in range(after, len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    return after


def unknown_key(key: str, known: Iterable[str]) -> str:
    """The error for a field no table of its kind has, with the nearest known one offered."""
    return f"unknown field {key!r}" + did_you_mean(key, known)


def build_examples(
    tables: Any, *, raw: str, line: int, fail: Any, mention: bool = False
) -> tuple[Example, ...]:
    """The examples of one rule, from its ``[[rule.example]]`` tables; ``fail`` builds the
    error (rule and line named) for whatever is wrong. A rule needs an example that it changes
    and one that it leaves alone, so that both what it takes and what it spares are tested;
    a ``mention`` changes no text, so there the two differ in what they record."""
    if not isinstance(tables, list) or not tables:
        raise fail("needs [[rule.example]] tables")
    examples: list[Example] = []
    cursor = line
    for table in tables:
        cursor = line_of(raw, "[[rule.example]]", cursor + 1)
        for key in table:
            if key not in _EXAMPLE_FIELDS:
                raise fail(unknown_key(key, _EXAMPLE_FIELDS), cursor)
        for key, required in _EXAMPLE_FIELDS.items():
            if required and key not in table:
                raise fail(f"example is missing {key!r}", cursor)
        if not isinstance(table["text"], str) or not isinstance(table["expect"], str):
            raise fail("example text and expect must be strings", cursor)
        provenance = table.get("provenance")
        if provenance is not None and not isinstance(provenance, dict):
            raise fail("example provenance must be a table", cursor)
        xfail = table.get("xfail")
        examples.append(
            Example(
                table["text"],
                table["expect"],
                provenance,
                str(table.get("note", "")),
                xfail,
                cursor,
            )
        )
    if mention:
        # A mention removes nothing: its examples differ in what they record, not in text.
        for number, example in enumerate(examples):
            if example.expect != example.text or example.provenance is None:
                raise fail(
                    f'example {number}: a "mention" removes nothing: expect must be the '
                    "text, and provenance says what it records ({} for nothing)",
                    example.line,
                )
        if not any(e.provenance for e in examples):
            raise fail("needs at least one positive example (a provenance it records)")
        if all(e.provenance for e in examples):
            raise fail("needs at least one negative example (provenance = {})")
        return tuple(examples)
    if not any(e.is_negative for e in examples):
        raise fail("needs at least one negative example (expect == text)")
    if all(e.is_negative for e in examples):
        raise fail("needs at least one positive example (expect != text)")
    return tuple(examples)
