"""The one-pass rule prefilter: what it rewrites, that it never rules out a rule that matches,
and that the edits are the same with it, without it, and without Hyperscan."""

from __future__ import annotations

import json
import pickle
import sys
from pathlib import Path

import pytest
import regex

from cleankit.core.document import Document
from cleankit.filters import rule_prefilter
from cleankit.filters.pattern_widening import prefilter_source
from cleankit.filters.rule_matching import rule_spans
from cleankit.filters.rule_prefilter import RulePrefilter
from cleankit.filters.rules import load_rules
from cleankit.filters.strip_rules import StripRules

SAMPLES = Path(__file__).resolve().parent.parent / "samples" / "news.jsonl"
DEVPAGES = Path(__file__).resolve().parents[2] / "shared" / "devpages" / "pages.jsonl"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # named groups lose their names; \K and word boundaries go
        (r"(?P<city>[A-Z]+)\K - \bx", r"(?:[A-Z]+) - x"),
        (r"(?<city>ab)", r"(?:ab)"),
        # lookarounds go with their contents, and so do anchors and the multiline flag
        (r"(?m)^(?=abc)a(?!b)c(?<=c)(?<!d)$", r"ac"),
        (r"(?im)x", r"(?i)x"),
        # properties: their ASCII part and all beyond ASCII, or the ASCII part alone inside a
        # negated class, where excluding less widens the class
        (r"\p{Lu}[\p{L}.][^\p{Ll}\n]", r"[A-Z\x{80}-\x{10FFFF}][A-Za-z\x{80}-\x{10FFFF}.][^a-z\n]"),
        (
            r"\w\d[\s,][^\w]",
            r"[\w\x{80}-\x{10FFFF}][0-9\x{80}-\x{10FFFF}][\s\x{80}-\x{10FFFF},][^\w]",
        ),
        (r"\P{Lu}", r"[^A-Z]"),
        # long bounded repeats lose their bound; short ones and escapes with braces stay
        (r"a{0,200}b{2,5}\x{2014}", r"a{0,}b{2,5}\x{2014}"),
        # possessive quantifiers and atomic groups become plain ones, which may match more;
        # an escaped plus and a lazy quantifier stay
        (r"a*+b++c?+d{0,7}+e{2}+(?>fg)\++h+?", r"a*b+c?d{0,7}e{2}(?:fg)\++h+?"),
        # escapes and classes are copied as they are otherwise
        (r"[\[\]]\(\)\.\n", r"[\[\]]\(\)\.\n"),
        # characters beyond ASCII by their code points, escaped or not, in a class or not
        ("a–[é—]\\é", r"a\x{2013}[\x{E9}\x{2014}]\x{E9}"),
    ],
)
def test_patterns_are_widened_for_hyperscan(source: str, expected: str) -> None:
    assert prefilter_source(source) == expected


@pytest.mark.parametrize(
    "source",
    [r"(a)\1", r"(?P<x>a)(?P=x)", r"(a)?(?(1)b|c)", r"\N{EM DASH}", r"[[a-z]--[aeiou]]", r"\X"],
)
def test_patterns_without_a_simple_superset_are_left_to_run(source: str) -> None:
    assert prefilter_source(source) is None


def test_widened_patterns_match_wherever_the_originals_do() -> None:
    # The rewriting on its own, without Hyperscan: a widened pattern (compiled by regex) finds
    # a match in every text where its rule's original does.
    for rule in load_rules().rules:
        widened = prefilter_source(rule.pattern.pattern)
        if widened is None:
            continue
        # regex spells code points its own way
        compiled = regex.compile(
            regex.sub(r"\\x\{([0-9A-F]+)\}", lambda m: f"\\U{int(m[1], 16):08X}", widened)
        )
        for example in rule.examples:
            if rule.pattern.search(example.text):
                assert compiled.search(example.text), (rule.id, example.text)


hyperscan = pytest.importorskip("hyperscan")


@pytest.fixture
def fresh(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A cache directory of its own and no prefilter built earlier in this process."""
    monkeypatch.setenv("CLEANKIT_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(rule_prefilter, "_BUILT", {})
    return tmp_path


def _texts() -> list[str]:
    texts = [example.text for rule in load_rules().rules for example in rule.examples]
    texts += list(SAMPLES.read_text(encoding="utf-8").splitlines())
    return texts


def test_no_rule_that_matches_is_ruled_out() -> None:
    rules = load_rules().rules
    prefilter = RulePrefilter.build([rule.pattern for rule in rules])
    assert prefilter is not None
    assert len(prefilter.covered) > len(rules) * 0.9  # nearly every rule is in the one pass
    for text in _texts():
        ruled_out = prefilter.covered - prefilter.possible(text)
        for i in ruled_out:
            assert not rule_spans(rules[i], text, timeout=5.0), (rules[i].id, text)
    # and it does rule out: on one ordinary sentence, most rules cannot match
    assert len(prefilter.possible("The council met on Monday and voted on the budget.")) < 10


@pytest.mark.skipif(not DEVPAGES.exists(), reason="../shared/devpages is absent")
def test_no_rule_that_matches_a_real_page_is_ruled_out() -> None:
    # Real pages hold what invented examples do not: with Hyperscan's multiline mode, two
    # rules were ruled out on three of them where they match.
    rules = load_rules().rules
    prefilter = RulePrefilter.build([rule.pattern for rule in rules])
    assert prefilter is not None
    for line in DEVPAGES.read_text(encoding="utf-8").splitlines():
        text = json.loads(line)["text"]
        for i in prefilter.covered - prefilter.possible(text):
            assert not rule_spans(rules[i], text, timeout=5.0), (rules[i].id, text[:80])


def test_edits_are_the_same_with_and_without_the_prefilter(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rules = load_rules()
    with_prefilter = rules.strip()
    assert with_prefilter.prefilter is not None
    without = rules.strip()
    # The class attribute replaced: ``without`` finds None; ``with_prefilter`` has its own
    # (a cached property keeps its value on the instance, which wins over a plain attribute).
    monkeypatch.setattr(type(without), "prefilter", None)
    assert without.prefilter is None
    assert with_prefilter.prefilter is not None
    for number, text in enumerate(_texts()):
        doc = Document(f"t{number}", text)
        assert with_prefilter(doc) == without(doc)


def test_without_hyperscan_every_rule_runs(monkeypatch: pytest.MonkeyPatch, fresh: Path) -> None:
    monkeypatch.setitem(sys.modules, "hyperscan", None)  # import fails
    step = load_rules().strip()
    assert step.prefilter is None
    doc = Document("d", "JAKARTA - Polisi menangkap dua orang di pasar pada Senin pagi.")
    cleaned = step(doc).doc
    assert cleaned is not None
    assert cleaned.text.startswith("Polisi")


def test_the_database_is_cached_and_a_damaged_copy_is_rebuilt(fresh: Path) -> None:
    patterns = [rule.pattern for rule in load_rules().rules]
    built = RulePrefilter.build(patterns)
    assert built is not None
    [copy] = list((fresh / "rule-prefilter").iterdir())
    rule_prefilter._BUILT.clear()
    loaded = RulePrefilter.build(patterns)
    assert loaded is not None
    assert loaded.covered == built.covered
    text = "Baca juga: Banjir di Jakarta\n\nFoto: Reuters"
    assert loaded.possible(text) == built.possible(text)
    copy.write_bytes(copy.read_bytes()[:40])  # cut short
    rule_prefilter._BUILT.clear()
    rebuilt = RulePrefilter.build(patterns)
    assert rebuilt is not None
    assert rebuilt.possible(text) == built.possible(text)
    assert copy.stat().st_size > 40  # written over whole


def test_a_few_rules_are_matched_one_by_one() -> None:
    rules = load_rules().rules[:3]
    assert StripRules(rules).prefilter is None


def test_a_step_with_its_prefilter_pickles() -> None:
    step = load_rules().strip()
    assert step.prefilter is not None
    copy = pickle.loads(pickle.dumps(step))
    doc = Document("d", "JAKARTA - Polisi menangkap dua orang di pasar pada Senin pagi.")
    assert copy(doc) == step(doc)
