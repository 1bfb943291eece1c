"""Every [[rule.example]] in rules/ runs as a test; known failures are strict xfails."""

from __future__ import annotations

import pytest

from cleankit.filters.rule_model import Example, Rule
from cleankit.filters.rules import load_rules
from cleankit.filters.strip_rules import example_problem

BUILTIN = load_rules()
RULES = BUILTIN.rules
CASES = [
    pytest.param(
        rule,
        example,
        id=f"{rule.id}[{number}]",
        marks=[pytest.mark.xfail(reason=example.xfail, strict=True)] if example.xfail else [],
    )
    for rule in RULES
    for number, example in enumerate(rule.examples)
]


@pytest.mark.parametrize(("rule", "example"), CASES)
def test_rule_example(rule: Rule, example: Example) -> None:
    assert example_problem(rule, example, names=BUILTIN.names) is None


def test_every_rule_keeps_the_text_around_its_junk_byte_for_byte() -> None:
    """Each rule has a positive example whose expected output is non-empty: surrounding text
    kept. A rule that only records a source the story names keeps every example whole."""
    removing = [r for r in RULES if r.scope != "mention"]
    lacking = [
        r.id for r in removing if not any(e.expect and not e.is_negative for e in r.examples)
    ]
    assert lacking == []
    mentions = [r for r in RULES if r.scope == "mention"]
    assert mentions
    assert all(e.expect == e.text for r in mentions for e in r.examples)


def test_the_builtin_set_takes_a_caption_block_with_its_credit_whole() -> None:
    """Rules apply in load order and the first claim wins: the caption block must come before
    the credit-line rule, or the credit goes alone and the caption over it stays."""
    from cleankit.core.document import Document

    text = (
        "Council backs the new river crossing\n\n"
        "Mara Quill\nMara Quill at the riverbank in an undated photo.\nCourtesy of the Quill family\n\n"
        "The council voted on Monday to fund a second bridge over the river."
    )
    outcome = BUILTIN.strip()(Document("d", text))
    assert outcome.doc is not None
    assert outcome.doc.text == (
        "Council backs the new river crossing\n\n"
        "The council voted on Monday to fund a second bridge over the river."
    )
    assert outcome.provenance["photo_credit"] == "the Quill family"
