from __future__ import annotations

from pathlib import Path

import pytest

from cleankit.core.errors import RuleError
from cleankit.filters.rule_model import Rule
from cleankit.filters.rules import load_rules
from cleankit.filters.strip_rules import StripRules
from tests.conftest import make_doc

GOOD = """[[rule]]
id = "story-code-line"
version = 1
description = "story id"
pattern = \'\'\'(?m)^Story Code : (?P<story_code>\\d+)$\'\'\'
scope = "line"
language = ["*"]
provides = ["story_code"]

  [[rule.example]]
  text = "Story Code : 1\\nBody."
  expect = "Body."

  [[rule.example]]
  text = "Body."
  expect = "Body."
"""


def write(tmp_path: Path, text: str, name: str = "markers.toml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path | list[Path]) -> str:
    with pytest.raises(RuleError) as caught:
        load_rules(path)
    return str(caught.value)


def test_a_good_file_loads(tmp_path: Path) -> None:
    rules = load_rules(write(tmp_path, GOOD))
    assert [r.id for r in rules.rules] == ["story-code-line"]
    assert rules.rules[0].line == 2


def test_toml_syntax_error_names_file_and_line(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("version = 1", "version = = 1"))
    assert error_of(path) == f"{path}:3: not valid TOML: Invalid value"


def test_pattern_that_does_not_compile(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("(?P<story_code>\\d+)$", "(?P<story_code>\\d+$"))
    assert (
        error_of(path)
        == f'{path}:5: rule "story-code-line": pattern does not compile: missing ) at position 37'
    )


def test_unknown_field_suggests_the_right_one(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('scope = "line"', 'scope = "line"\nprovide = []'))
    assert (
        error_of(path)
        == f"""{path}:7: rule "story-code-line": unknown field 'provide'; did you mean 'provides'?"""
    )


def test_named_group_missing_from_provides(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('provides = ["story_code"]\n', ""))
    assert (
        error_of(path)
        == f"""{path}:5: rule "story-code-line": named group 'story_code' is not listed in provides"""
    )


def test_provides_unknown_column(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace("story_code", "story_number"))
    assert error_of(path).startswith(
        f"""{path}:2: rule "story-code-line": provides unknown provenance column 'story_number'; known: publisher,"""
    )


def test_rule_without_negative_example(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        GOOD.replace('text = "Body."\n  expect = "Body."', 'text = "X\\nY"\n  expect = "Y"'),
    )
    assert (
        error_of(path)
        == f'{path}:2: rule "story-code-line": needs at least one negative example (expect == text)'
    )


def test_missing_required_field(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('description = "story id"\n', ""))
    assert error_of(path) == f"""{path}:2: rule "story-code-line": missing field 'description'"""


def test_bad_scope(tmp_path: Path) -> None:
    path = write(tmp_path, GOOD.replace('scope = "line"', 'scope = "sentence"'))
    assert (
        error_of(path)
        == f"""{path}:2: rule "story-code-line": scope must be one of span, prefix, suffix, line, mention, not 'sentence'"""
    )


def test_sets_with_wrong_type(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        GOOD.replace(
            'provides = ["story_code"]',
            'provides = ["story_code"]\nsets = { machine_translated = "yes" }',
        ),
    )
    assert (
        error_of(path)
        == f"""{path}:2: rule "story-code-line": sets 'machine_translated' must be true or false"""
    )


def test_duplicate_id_across_files_names_both(tmp_path: Path) -> None:
    first = write(tmp_path, GOOD, "a.toml")
    second = write(tmp_path, GOOD, "b.toml")
    assert error_of(tmp_path) == f'{second}:2: rule "story-code-line": id already used at {first}:2'


def test_missing_path(tmp_path: Path) -> None:
    assert error_of(tmp_path / "nope") == f"{tmp_path / 'nope'}: no such rule file or folder"


def test_a_hostile_rule_times_out_instead_of_hanging(tmp_path: Path) -> None:
    from cleankit.core.document import Document
    from cleankit.core.errors import DocumentError
    from cleankit.filters.strip_rules import StripRules

    hostile = GOOD.replace(
        "(?m)^Story Code : (?P<story_code>\\d+)$", "(?P<story_code>(?:a|aa)+c)|(?:a*)*b"
    )
    rules = load_rules(
        write(
            tmp_path,
            hostile.replace(
                'text = "Story Code : 1\\nBody."\n  expect = "Body."', 'text = "ab"\n  expect = ""'
            ),
        )
    )
    strip = StripRules(rules.rules, timeout=0.05)
    with pytest.raises(DocumentError, match=r"rule 'story-code-line' .* ran longer than 0.05s"):
        strip(Document("d", "a" * 50, source="in.jsonl", line=4))


def _hostile_strip(tmp_path: Path) -> StripRules:
    return StripRules(load_rules(_hostile_set(tmp_path)).rules, timeout=0.05)


def test_the_rule_alarm_stops_a_hostile_rule_and_leaves_the_signal_as_it_was(
    tmp_path: Path,
) -> None:
    """In the main thread one interval timer keeps each rule to its time (no timeout on each
    regex call); afterwards SIGALRM and the timer are as they were."""
    import signal

    from cleankit.core.document import Document
    from cleankit.core.errors import DocumentError

    strip = _hostile_strip(tmp_path)
    with pytest.raises(DocumentError, match=r"rule 'story-code-line' .* ran longer than 0.05s"):
        strip(Document("d", "a" * 60, source="in.jsonl", line=4))
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    outcome = strip(Document("d", "Nothing here for it."))
    assert outcome.doc is not None
    assert outcome.doc.text == "Nothing here for it."


def test_off_the_main_thread_or_with_sigalrm_taken_each_regex_call_keeps_the_time(
    tmp_path: Path,
) -> None:
    """The timer is the process's and its signal the main thread's: in another thread, or when
    the program has its own SIGALRM handler, the rules fall back to the regex calls' own
    timeout, with the same error, and the program's handler is left alone."""
    import signal
    import threading

    from cleankit.core.document import Document
    from cleankit.core.errors import DocumentError

    strip = _hostile_strip(tmp_path)
    errors: list[BaseException] = []

    def clean() -> None:
        try:
            strip(Document("d", "a" * 60))
        except DocumentError as error:
            errors.append(error)

    thread = threading.Thread(target=clean)
    thread.start()
    thread.join(30)
    assert len(errors) == 1
    assert "ran longer than 0.05s" in str(errors[0])

    rung: list[int] = []

    def own(signum: int, frame: object) -> None:
        rung.append(signum)

    previous = signal.signal(signal.SIGALRM, own)
    try:
        with pytest.raises(DocumentError, match=r"ran longer than 0\.05s"):
            strip(Document("d", "a" * 60))
        assert signal.getsignal(signal.SIGALRM) is own
    finally:
        signal.signal(signal.SIGALRM, previous)
    assert rung == []


def test_an_alarm_ringing_between_scans_names_the_rule_that_ran(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A ring outside any regex call (the rule's own Python code took the time) still becomes
    a record error naming the rule, not an unexpected exception."""
    import time

    from cleankit.core.alarm import RuleAlarm
    from cleankit.core.document import Document
    from cleankit.core.errors import DocumentError

    strip = _hostile_strip(tmp_path)
    rule = strip.rules[0]

    def slow(self: StripRules, doc: Document, alarm: RuleAlarm) -> None:
        assert alarm.active
        alarm.arm(0.02, rule)
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pass

    monkeypatch.setattr(StripRules, "_matched", slow)
    with pytest.raises(DocumentError, match=r"rule 'story-code-line' .* ran longer than 0.05s"):
        strip(Document("d", "text", source="in.jsonl", line=2))


def _hostile_set(tmp_path: Path) -> Path:
    hostile = GOOD.replace(
        "(?m)^Story Code : (?P<story_code>\\d+)$", "(?P<story_code>(?:a|aa)+c)|(?:a*)*b"
    )
    return write(
        tmp_path,
        hostile.replace(
            'text = "Story Code : 1\\nBody."\n  expect = "Body."',
            'text = "' + "a" * 60 + '"\n  expect = ""',
        ),
    )


def test_the_timeout_given_to_load_rules_is_the_one_the_examples_run_under(
    tmp_path: Path,
) -> None:
    rules = load_rules(_hostile_set(tmp_path), timeout=0.05)
    assert rules.timeout == 0.05
    [failure] = [f for f in rules.check() if "ran longer" in f]
    assert "ran longer than 0.05s on this document" in failure
    assert rules.strip().timeout == 0.05
    with pytest.raises(RuleError, match="timeout must be a positive number"):
        load_rules(_hostile_set(tmp_path), timeout=0)


def test_rules_check_runs_the_examples_under_the_configured_rule_timeout(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from cleankit.cli.app import main

    config = tmp_path / "settings.toml"
    config.write_text("rule_timeout = 0.05\n", encoding="utf-8")
    path = _hostile_set(tmp_path)
    result = CliRunner().invoke(main, ["rules", "check", str(path), "--config", str(config)])
    assert result.exit_code == 1
    assert "ran longer than 0.05s" in result.stderr


def _assert_finds_only_the_story_code(rule: Rule) -> None:
    """A prefiltered rule still finds its match, and nothing where the prefilter fails."""
    from cleankit.filters.rule_matching import rule_spans

    assert [s.rule for s, _ in rule_spans(rule, "Story Code : 5\nBody.", timeout=1.0)] == [
        "story-code-line"
    ]
    assert rule_spans(rule, "Body only.", timeout=1.0) == []


def test_cues_are_a_literal_prefilter_that_must_hold_on_the_examples(tmp_path: Path) -> None:

    good = GOOD.replace('scope = "line"', 'cues = ["STORY CODE"]\nscope = "line"')
    [rule] = load_rules(write(tmp_path, good)).rules
    assert rule.cues == ("story code",)  # case-folded, like the text they are looked for in
    _assert_finds_only_the_story_code(rule)
    wrong = GOOD.replace('scope = "line"', 'cues = ["code story"]\nscope = "line"')
    path = write(tmp_path, wrong, "wrong.toml")
    assert error_of(path) == (
        f'{path}:6: rule "story-code-line": no cue occurs in example 0, where the pattern matches'
    )
    empty = GOOD.replace('scope = "line"', 'cues = []\nscope = "line"')
    path = write(tmp_path, empty, "empty.toml")
    assert error_of(path) == (
        f'{path}:6: rule "story-code-line": cues must be a list of non-empty strings'
    )


def test_requires_is_a_prefilter_that_must_hold_on_the_examples(tmp_path: Path) -> None:

    good = GOOD.replace('scope = "line"', "requires = 'Story Code'\nscope = \"line\"")
    [rule] = load_rules(write(tmp_path, good)).rules
    assert rule.requires is not None
    _assert_finds_only_the_story_code(rule)
    wrong = GOOD.replace('scope = "line"', "requires = 'Code Story'\nscope = \"line\"")
    path = write(tmp_path, wrong, "wrong.toml")
    assert error_of(path) == (
        f'{path}:6: rule "story-code-line": requires does not hold on example 0, '
        "where the pattern matches"
    )


def test_label_repeats_holds_a_value_said_on_many_lines_as_suspects(tmp_path: Path) -> None:
    """Three lines that capture the same value are labels: none is cut, each is a suspect
    whose why names the value; two are still cut."""
    from cleankit.core.document import Document
    from cleankit.filters.strip_rules import StripRules

    labelled = GOOD.replace(
        'provides = ["story_code"]', 'provides = ["story_code"]\nlabel_repeats = 3'
    )
    strip = StripRules(load_rules(write(tmp_path, labelled)).rules)
    text = "Story Code : 7\nOne.\nStory Code : 7\nTwo.\nStory Code : 7\nThree."
    outcome = strip(Document("d", text))
    assert outcome.doc is not None
    assert outcome.doc.text == text
    assert outcome.edits == ()
    assert [(e.start, e.removed) for e in outcome.suspects] == [
        (0, "Story Code : 7\n"),
        (20, "Story Code : 7\n"),
        (40, "Story Code : 7\n"),
    ]
    assert "3 lines open with the same story_code '7'" in outcome.suspects[0].why
    twice = strip(Document("d", "Story Code : 7\nOne.\nStory Code : 7\nTwo."))
    assert twice.doc is not None
    assert twice.doc.text == "One.\nTwo."
    assert twice.suspects == ()


@pytest.mark.parametrize(
    ("field", "cause"),
    [
        ("label_repeats = 1", "label_repeats must be an integer of at least 2"),
        ("label_repeats = true", "label_repeats must be an integer of at least 2"),
        ('known = ["publisher"]', "known 'publisher' is not a column the rule provides"),
        ('known = "story_code"', "known must be a list of provenance column names"),
        ('outlets = ["publisher"]', "outlets 'publisher' is not a column the rule provides"),
        ("outlets = [1]", "outlets must be a list of provenance column names"),
    ],
)
def test_label_repeats_and_known_are_checked(tmp_path: Path, field: str, cause: str) -> None:
    path = write(tmp_path, GOOD.replace('scope = "line"', f'scope = "line"\n{field}'))
    assert error_of(path) == f'{path}:2: rule "story-code-line": {cause}'


def test_label_repeats_needs_captured_values(tmp_path: Path) -> None:
    plain = GOOD.replace("(?P<story_code>\\d+)", "\\d+").replace('provides = ["story_code"]\n', "")
    path = write(tmp_path, plain.replace('scope = "line"', 'scope = "line"\nlabel_repeats = 3'))
    assert error_of(path) == (
        f'{path}:2: rule "story-code-line": label_repeats compares captured values: '
        "the rule must have provides"
    )


def test_known_matches_only_values_of_the_names_table(tmp_path: Path) -> None:
    """A rule with ``known`` cuts a match only when its captured value is a spelling of the
    set's names table; without the table's entry the same line stays."""
    from cleankit.core.document import Document

    folder = tmp_path / "rules"
    (folder / "names").mkdir(parents=True)
    labelled = GOOD.replace(
        'provides = ["story_code"]', 'provides = ["story_code"]\nknown = ["story_code"]'
    )
    write(folder, labelled)
    (folder / "names" / "codes.toml").write_text(
        '[[name]]\ncanonical = "Seven"\nspellings = ["7"]\n', encoding="utf-8"
    )
    strip = load_rules(folder).strip()
    kept = strip(Document("d", "Story Code : 8\nBody."))
    assert kept.doc is not None
    assert kept.doc.text == "Story Code : 8\nBody."
    cut = strip(Document("d", "Story Code : 7\nBody."))
    assert cut.doc is not None
    assert cut.doc.text == "Body."
    assert cut.provenance["story_code"] == "7"  # only name columns are made canonical


def test_outlets_match_only_names_that_read_as_an_outlet(tmp_path: Path) -> None:
    """A rule with ``outlets`` cuts a match only when the captured value is an outlet's name:
    a press word of the set's table, a web address or an agency."""
    from cleankit.core.document import Document

    folder = tmp_path / "rules"
    (folder / "names").mkdir(parents=True)
    rule = GOOD.replace("\\d+", "[^\\n]+").replace(
        'provides = ["story_code"]', 'provides = ["story_code"]\noutlets = ["story_code"]'
    )
    write(folder, rule)
    (folder / "names" / "w.toml").write_text('press_words = ["Kurier"]\n', encoding="utf-8")
    strip = load_rules(folder).strip()
    kept = strip(Document("d", "Story Code : Rina Lee\nBody."))
    assert kept.doc is not None
    assert kept.doc.text == "Story Code : Rina Lee\nBody."
    for outlet in ("Harbour Kurier", "harbourkurier.example"):
        cut = strip(Document("d", f"Story Code : {outlet}\nBody."))
        assert cut.doc is not None
        assert cut.doc.text == "Body."


MENTION = """[[rule]]
id = "cited-x"
version = 1
description = "a source"
pattern = '''\\bmenurut[ ](?P<cited_source>\\p{Lu}+)'''
scope = "mention"
language = ["*"]
provides = ["cited_source"]
position = "prose"

  [[rule.example]]
  text = "Hujan turun sejak pagi di seluruh kota, menurut BMKG dalam siaran persnya."
  expect = "Hujan turun sejak pagi di seluruh kota, menurut BMKG dalam siaran persnya."
  provenance = { cited_source = "BMKG" }

  [[rule.example]]
  text = "Hujan turun sejak pagi di seluruh kota dan jalan utama tergenang air."
  expect = "Hujan turun sejak pagi di seluruh kota dan jalan utama tergenang air."
  provenance = {}
"""


def test_a_mention_rule_loads(tmp_path: Path) -> None:
    [rule] = load_rules(write(tmp_path, MENTION)).rules
    assert rule.scope == "mention"
    assert rule.position == "prose"


def test_a_mention_rule_may_only_cite(tmp_path: Path) -> None:
    text = MENTION.replace("cited_source", "publisher")
    assert error_of(write(tmp_path, text)).endswith(
        'rule "cited-x": a "mention" rule provides cited_source and nothing else'
    )


def test_a_mention_example_may_not_lose_text(tmp_path: Path) -> None:
    text = MENTION.replace(
        'expect = "Hujan turun sejak pagi di seluruh kota, menurut BMKG dalam siaran persnya."',
        'expect = "Hujan turun sejak pagi di seluruh kota."',
    )
    message = error_of(write(tmp_path, text))
    assert 'example 0: a "mention" removes nothing: expect must be the text' in message


def test_a_mention_rule_needs_an_example_that_records_nothing(tmp_path: Path) -> None:
    text = MENTION.replace("provenance = {}", 'provenance = { cited_source = "BMKG" }')
    assert error_of(write(tmp_path, text)).endswith(
        'rule "cited-x": needs at least one negative example (provenance = {})'
    )


_TWO_RULES = """[[rule]]
id = "share-word"
version = 1
description = "a share button"
pattern = \'\'\'(?m)^Share$\'\'\'
scope = "line"
language = ["*"]

  [[rule.example]]
  text = "Body.\\nShare"
  expect = "Body."

  [[rule.example]]
  text = "Body."
  expect = "Body."

[[rule]]
id = "more-list"
version = 1
description = "a list under a heading"
pattern = \'\'\'(?m)^More\\n(?:[A-Z][^\\n.]*\\n?){1,4}\'\'\'
scope = "line"
language = ["*"]
provides = PROVIDES

  [[rule.example]]
  text = "Body.\\nMore\\nOne Title"
  expect = "Body."

  [[rule.example]]
  text = "Body."
  expect = "Body."
"""


@pytest.mark.parametrize("records", [False, True])
def test_a_line_block_whose_last_lines_were_claimed_keeps_the_lines_above(
    tmp_path: Path, records: bool
) -> None:
    # "share-word" loads first and claims "Share"; the later list runs on into it. A block
    # that records nothing keeps its heading and items; one that captures a value is refused
    # whole, since what it recorded might come from the lines already claimed.
    rules = _TWO_RULES.replace("PROVIDES", '["desk_tag"]' if records else "[]")
    if records:
        rules = rules.replace("^More\\n", "^(?P<desk_tag>More)\\n")
    strip = StripRules(load_rules(write(tmp_path, rules)).rules)
    text = "The ferry sailed.\nMore\nHarbour Fees Rise\nNew Pier Opens\nShare\nThe end."
    outcome = strip(make_doc(text))
    assert outcome.doc is not None
    by_rule = {e.rule: e.removed for e in outcome.edits}
    assert by_rule["share-word"] == "Share\n"
    if records:
        assert "more-list" not in by_rule
        kept = "The ferry sailed.\nMore\nHarbour Fees Rise\nNew Pier Opens\nThe end."
        assert outcome.doc.text == kept
    else:
        assert by_rule["more-list"].strip("\n") == "More\nHarbour Fees Rise\nNew Pier Opens"
        assert outcome.doc.text == "The ferry sailed.\nThe end."
