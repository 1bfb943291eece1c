"""Boilerplate rules kept as data (rules/*.toml), their loader, and the StripRules filter.

Everything is validated before any text is touched, and every problem is one line naming the
file, the line and the cause. Patterns run on the ``regex`` module with a timeout, so a rule
that backtracks catastrophically fails one document instead of hanging the run.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from cleankit.document import Document, Outcome, ProvenanceValue, Span, cut
from cleankit.errors import DocumentError, RuleError, did_you_mean
from cleankit.manifest import PROVENANCE_COLUMNS
from cleankit.names import (
    CANONICAL_COLUMNS,
    PERSON_COLUMNS,
    NameTable,
    load_names,
    person_names,
    same_outlet_key,
)
from cleankit.sites import publisher_host, spelled_site_name
from cleankit.text import (
    PROSE_WORDS,
    Paragraph,
    block_extent,
    letter_words,
    paragraphs,
    reads_as_prose,
)

__all__ = [
    "SCOPES",
    "Example",
    "Rule",
    "RuleSet",
    "StripRules",
    "builtin_rules_dir",
    "check_examples",
    "load_rules",
]

SCOPES = ("span", "prefix", "suffix", "line")
#: ``position`` values: "lead" = at the start of a prose line (a line of 8+ words that reads as
#: a sentence); "first-lead" = at the start of the first such line only (where datelines are);
#: "closing" = in the last prose line or below it (where closing credits and tags are, however
#: many lines of page footer follow).
POSITIONS = ("anywhere", "lead", "first-lead", "closing")
_RULE_FIELDS = {
    "id": True,
    "version": True,
    "description": True,
    "pattern": True,
    "scope": True,
    "language": True,
    "provides": False,
    "sets": False,
    "source": False,
    "first_lines": False,
    "last_lines": False,
    "position": False,
    "requires": False,
    "cues": False,
    "example": True,
}
_EXAMPLE_FIELDS = {"text": True, "expect": True, "provenance": False, "note": False, "xfail": False}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


@dataclass(frozen=True, slots=True)
class Example:
    """A rule's test case: the rule alone must turn ``text`` into ``expect``."""

    text: str
    expect: str
    provenance: Mapping[str, ProvenanceValue] | None
    note: str
    xfail: str | None
    line: int

    @property
    def is_negative(self) -> bool:
        """A negative example must come out untouched."""
        return self.text == self.expect


@dataclass(frozen=True, slots=True)
class Rule:
    """One kind of junk: where it is, what it looks like, and what it says about the source."""

    id: str
    version: int
    description: str
    pattern: regex.Pattern[str]
    scope: str
    languages: tuple[str, ...]
    provides: tuple[str, ...]
    sets: tuple[tuple[str, ProvenanceValue], ...]
    source: str
    first_lines: int | None
    last_lines: int | None
    examples: tuple[Example, ...]
    path: str
    line: int
    position: str = "anywhere"
    requires: regex.Pattern[str] | None = None
    #: Words one of which a text must contain (case-folded) for the rule to be tried at all:
    #: a substring test costs next to nothing, a regex tried at every line does not.
    cues: tuple[str, ...] = ()

    def applies_to(self, language: str | None) -> bool:
        """Rules run on documents of their languages; a document of unknown language gets all."""
        return language is None or "*" in self.languages or language in self.languages

    def where(self) -> str:
        """``file:line`` of the rule's id, for messages."""
        return f"{self.path}:{self.line}"


@dataclass(frozen=True, slots=True)
class RuleSet:
    """Rules in load order (file name order, then order in the file) and a digest of their files."""

    rules: tuple[Rule, ...]
    sha256: str
    files: tuple[str, ...] = field(default=())
    names: NameTable = field(default_factory=NameTable)
    #: Seconds one rule may spend on one text, for the examples and for a StripRules built
    #: with :meth:`strip` (the run's ``rule_timeout``).
    timeout: float = 1.0

    def strip(self, *, site_publisher: bool = True) -> StripRules:
        """The filter that applies these rules with this set's names and timeout."""
        return StripRules(
            self.rules, timeout=self.timeout, names=self.names, site_publisher=site_publisher
        )

    def check(self) -> list[str]:
        """Run every example of every rule under this set's timeout (see :func:`check_examples`)."""
        return check_examples(self.rules, timeout=self.timeout)


def builtin_rules_dir() -> Path:
    """The shipped rules: inside the wheel (``cleankit/_rules``) or ``rules/`` in a checkout."""
    packaged = Path(__file__).parent / "_rules"
    return packaged if packaged.is_dir() else Path(__file__).parent.parent / "rules"


def _rule_files(paths: Sequence[str | Path]) -> list[Path]:
    files: list[Path] = []
    for given in paths:
        path = Path(given)
        if path.is_dir():
            found = sorted(path.glob("*.toml"))
            if not found:
                raise RuleError("folder holds no *.toml rule files", path=str(path))
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise RuleError("no such rule file or folder", path=str(path))
    return files


def load_rules(
    paths: Sequence[str | Path] | str | Path | None = None, *, timeout: float = 1.0
) -> RuleSet:
    """Load and validate rule files (default: the built-in set); the first problem is raised.
    ``timeout`` is the seconds one rule may spend on one text when the set is applied or its
    examples are checked; it must be positive."""
    if not timeout > 0:
        raise RuleError(f"timeout must be a positive number of seconds, not {timeout!r}")
    if paths is None:
        paths = [builtin_rules_dir()]
    elif isinstance(paths, str | Path):
        paths = [paths]
    digest = hashlib.sha256()
    rules: list[Rule] = []
    seen: dict[str, Rule] = {}
    files = _rule_files(paths)
    for path in files:
        raw = path.read_bytes()
        digest.update(path.name.encode() + b"\0" + raw + b"\0")
        for rule in _parse_file(path, raw):
            if rule.id in seen:
                raise RuleError(
                    f'rule "{rule.id}": id already used at {seen[rule.id].where()}',
                    path=rule.path,
                    line=rule.line,
                )
            seen[rule.id] = rule
            rules.append(rule)
    names, name_files = load_names([Path(p) for p in paths if Path(p).is_dir()])
    for path in name_files:
        digest.update(b"names/" + path.name.encode() + b"\0" + path.read_bytes() + b"\0")
    return RuleSet(
        tuple(rules),
        digest.hexdigest(),
        tuple(str(f) for f in [*files, *name_files]),
        names,
        timeout,
    )


def _line_of(raw: str, needle: str, after: int = 1) -> int:
    lines = raw.splitlines()
    for number in range(after, len(lines) + 1):
        if needle in lines[number - 1]:
            return number
    return after


def _parse_file(path: Path, raw_bytes: bytes) -> list[Rule]:
    name = str(path)
    try:
        raw = raw_bytes.decode("utf-8")
    except UnicodeDecodeError as error:
        bad_line = raw_bytes.count(b"\n", 0, error.start) + 1
        raise RuleError("invalid UTF-8", path=name, line=bad_line) from None
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(error))
        line = int(found.group(1)) if found else None
        cause = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(error))
        raise RuleError(f"not valid TOML: {cause}", path=name, line=line) from None
    unknown = [key for key in data if key != "rule"]
    if unknown:
        raise RuleError(
            f"unknown top-level key {unknown[0]!r}; a rule file holds [[rule]] tables only",
            path=name,
            line=_line_of(raw, unknown[0]),
        )
    tables = data.get("rule", [])
    if not isinstance(tables, list) or not tables:
        raise RuleError("no [[rule]] tables", path=name, line=1)
    rules: list[Rule] = []
    cursor = 1
    for table in tables:
        rule_id = table.get("id")
        if isinstance(rule_id, str):
            cursor = _line_of(raw, f'id = "{rule_id}"', cursor)
        else:
            cursor = _line_of(raw, "[[rule]]", cursor)
        rules.append(_build_rule(table, raw=raw, path=name, line=cursor))
        cursor += 1
    return rules


def _unknown_key(key: str, known: Iterable[str]) -> str:
    return f"unknown field {key!r}" + did_you_mean(key, known)


def _build_rule(table: Mapping[str, Any], *, raw: str, path: str, line: int) -> Rule:
    label = f'rule "{table.get("id", "?")}"'

    def fail(cause: str, at: int = line) -> RuleError:
        return RuleError(f"{label}: {cause}", path=path, line=at)

    for key in table:
        if key not in _RULE_FIELDS:
            raise fail(_unknown_key(key, _RULE_FIELDS), _line_of(raw, key, line))
    for key, required in _RULE_FIELDS.items():
        if required and key not in table:
            raise fail(f"missing field {key!r}")
    rule_id = table["id"]
    if not isinstance(rule_id, str) or not _ID.match(rule_id):
        raise fail("id must be a kebab-case ASCII slug")
    if not isinstance(table["version"], int) or table["version"] < 1:
        raise fail("version must be a positive integer")
    for key in ("description", "pattern", "scope"):
        if not isinstance(table[key], str) or not table[key]:
            raise fail(f"{key} must be a non-empty string")
    if table["scope"] not in SCOPES:
        raise fail(f"scope must be one of {', '.join(SCOPES)}, not {table['scope']!r}")
    languages = table["language"]
    if (
        not isinstance(languages, list)
        or not languages
        or not all(isinstance(x, str) for x in languages)
    ):
        raise fail('language must be a list of ISO 639-1 codes or ["*"]')
    pattern_line = _line_of(raw, "pattern", line)
    try:
        pattern = regex.compile(table["pattern"], regex.VERSION0)
    except regex.error as error:
        raise fail(f"pattern does not compile: {error}", pattern_line) from None
    provides = table.get("provides", [])
    if not isinstance(provides, list) or not all(isinstance(x, str) for x in provides):
        raise fail("provides must be a list of provenance column names")
    for column in provides:
        if column not in PROVENANCE_COLUMNS:
            raise fail(
                f"provides unknown provenance column {column!r}; known: {', '.join(PROVENANCE_COLUMNS)}"
            )
    groups = set(pattern.groupindex)
    for group in sorted(groups - set(provides)):
        raise fail(f"named group {group!r} is not listed in provides", pattern_line)
    for column in provides:
        if column not in groups:
            raise fail(
                f"provides {column!r} but the pattern has no group of that name", pattern_line
            )
    sets = table.get("sets", {})
    if not isinstance(sets, dict):
        raise fail("sets must be a table of provenance values")
    for column, value in sets.items():
        if column not in PROVENANCE_COLUMNS:
            raise fail(f"sets unknown provenance column {column!r}")
        wants_bool = PROVENANCE_COLUMNS[column].__name__ == "Boolean"
        if wants_bool != isinstance(value, bool) or not isinstance(value, str | bool):
            kind = "true or false" if wants_bool else "a string"
            raise fail(f"sets {column!r} must be {kind}")
    bounds: dict[str, int | None] = {}
    for key in ("first_lines", "last_lines"):
        value = table.get(key)
        if value is not None and (
            not isinstance(value, int) or isinstance(value, bool) or value < 1
        ):
            raise fail(f"{key} must be a positive integer")
        bounds[key] = value
    position = table.get("position", "anywhere")
    if position not in POSITIONS:
        raise fail(f"position must be one of {', '.join(POSITIONS)}, not {position!r}")
    examples = _build_examples(table["example"], raw=raw, line=line, fail=fail)
    requires = None
    if "requires" in table:
        requires_line = _line_of(raw, "requires", line)
        if not isinstance(table["requires"], str) or not table["requires"]:
            raise fail("requires must be a non-empty string", requires_line)
        try:
            requires = regex.compile(table["requires"], regex.VERSION0)
        except regex.error as error:
            raise fail(f"requires does not compile: {error}", requires_line) from None
        number = _hidden_example(pattern, examples, lambda text: bool(requires.search(text)))
        if number is not None:
            raise fail(
                f"requires does not hold on example {number}, where the pattern matches",
                requires_line,
            )
    cues = _cues(table, pattern, examples, raw=raw, line=line, fail=fail)
    return Rule(
        id=rule_id,
        version=table["version"],
        description=table["description"],
        pattern=pattern,
        scope=table["scope"],
        languages=tuple(languages),
        provides=tuple(provides),
        sets=tuple(sorted(sets.items())),
        source=str(table.get("source", "")),
        first_lines=bounds["first_lines"],
        last_lines=bounds["last_lines"],
        examples=examples,
        path=path,
        line=line,
        position=position,
        requires=requires,
        cues=cues,
    )


def _cues(
    table: Mapping[str, Any],
    pattern: regex.Pattern[str],
    examples: Sequence[Example],
    *,
    raw: str,
    line: int,
    fail: Any,
) -> tuple[str, ...]:
    """The rule's ``cues``, checked like ``requires``: every example the pattern matches holds
    one, so a cue list that would hide a match is caught at load time."""
    if "cues" not in table:
        return ()
    where = _line_of(raw, "cues", line)
    given = table["cues"]
    if (
        not isinstance(given, list)
        or not given
        or not all(isinstance(c, str) and c.strip() for c in given)
    ):
        raise fail("cues must be a list of non-empty strings", where)
    cues = tuple(c.casefold() for c in given)
    number = _hidden_example(pattern, examples, lambda text: _has_cue(cues, text.casefold()))
    if number is not None:
        raise fail(f"no cue occurs in example {number}, where the pattern matches", where)
    return cues


def _hidden_example(
    pattern: regex.Pattern[str], examples: Sequence[Example], passes: Callable[[str], bool]
) -> int | None:
    """The first example a prefilter would hide (the pattern matches it, the prefilter does
    not pass it), or None: a prefilter may only skip texts the pattern cannot match."""
    for number, example in enumerate(examples):
        if pattern.search(example.text) and not passes(example.text):
            return number
    return None


def _has_cue(cues: Sequence[str], folded: str) -> bool:
    return any(cue in folded for cue in cues)


def _build_examples(tables: Any, *, raw: str, line: int, fail: Any) -> tuple[Example, ...]:
    if not isinstance(tables, list) or not tables:
        raise fail("needs [[rule.example]] tables")
    examples: list[Example] = []
    cursor = line
    for table in tables:
        cursor = _line_of(raw, "[[rule.example]]", cursor + 1)
        for key in table:
            if key not in _EXAMPLE_FIELDS:
                raise fail(_unknown_key(key, _EXAMPLE_FIELDS), cursor)
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
    if not any(e.is_negative for e in examples):
        raise fail("needs at least one negative example (expect == text)")
    if all(e.is_negative for e in examples):
        raise fail("needs at least one positive example (expect != text)")
    return tuple(examples)


def _extent(rule: Rule, text: str, start: int, end: int) -> tuple[int, int]:
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
) -> list[tuple[Span, dict[str, ProvenanceValue]]]:
    """Every match of ``rule`` in ``text`` as a span to cut, with the provenance it carries.

    ``starts`` are the offsets of the text's non-blank lines, for ``first_lines`` and
    ``last_lines``, ``leads`` those of its prose lines, for ``position``, and ``folded`` the
    case-folded text, for ``cues``; callers running many rules over one text pass them in once.
    """
    if rule.cues and not _has_cue(rule.cues, text.casefold() if folded is None else folded):
        return []
    if rule.requires is not None and not rule.requires.search(text):
        return []
    if leads is None and rule.position in ("lead", "first-lead"):
        leads = lead_starts(text)
    allowed: set[int] | None = None
    if rule.position == "lead":
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
    try:
        matches = (
            match
            for pos, endpos in windows
            for match in rule.pattern.finditer(text, max(pos, lowest), endpos, timeout=timeout)
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
        raise DocumentError(
            f"rule {rule.id!r} ({rule.where()}) ran longer than {timeout}s on this document"
        ) from None
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


#: Columns a page can name several values of (an aggregator page with two datelines, a
#: gallery with three credits): every distinct value is kept, in reading order, joined by
#: :data:`VALUE_SEPARATOR`. The others keep one value: the first rule's.
MULTI_VALUED = frozenset({"dateline_city", "photo_credit", "cited_source"})
VALUE_SEPARATOR = "; "


@dataclass(frozen=True)
class StripRules:
    """Remove boilerplate matched by rules and keep what it says about the source as provenance.

    When two rules claim overlapping text, the one loaded first wins, so the result never
    depends on match order. When no rule names the publisher and ``site_publisher`` is on, the
    document's site stands for it: its name as the page spells it ("Malay Mail"), else its
    domain; ``publisher_from`` says which way the publisher was found ("text" or "site").
    """

    rules: tuple[Rule, ...]
    timeout: float = 1.0
    name: str = "strip-rules"
    names: NameTable = field(default_factory=NameTable)
    site_publisher: bool = True

    def __call__(self, doc: Document) -> Outcome:
        """Find every rule's spans, drop overlaps, cut."""
        accepted: list[Span] = []
        # column -> (span start, value, index of the accepted span that gave it)
        found_values: dict[str, list[tuple[int, ProvenanceValue, int]]] = {}
        lines = paragraphs(doc.text)
        starts = [p.start for p in lines]
        leads = lead_starts(doc.text, lines)
        folded = doc.text.casefold()
        for rule in self.rules:
            if not rule.applies_to(doc.language):
                continue
            try:
                matches = rule_spans(
                    rule,
                    doc.text,
                    timeout=self.timeout,
                    starts=starts,
                    leads=leads,
                    folded=folded,
                )
            except DocumentError as error:
                raise DocumentError(error.cause, path=doc.source, line=doc.line) from None
            for found, captured in matches:
                span = _fit(found, accepted, doc.text)
                if span is None:
                    continue
                accepted.append(span)
                for column, value in captured.items():
                    found_values.setdefault(column, []).append(
                        (span.start, value, len(accepted) - 1)
                    )
        provenance: dict[str, ProvenanceValue] = {}
        for column, values in found_values.items():
            if column not in MULTI_VALUED:
                values = values[:1]  # the rule loaded first speaks for the document
            else:
                values = sorted(values, key=lambda v: v[0])  # in reading order
            names: list[str] = []
            seen: set[str] = set()
            for _, value, i in values:
                if not isinstance(value, str):
                    provenance[column] = value
                    break
                if column in CANONICAL_COLUMNS:
                    name = self.names.canonical(value)
                elif column in PERSON_COLUMNS:
                    name = person_names(value)
                else:
                    name = value
                if name != value:
                    note = f"; {column} {value!r} recorded as {name!r}"
                    accepted[i] = accepted[i]._replace(why=accepted[i].why + note)
                if (key := same_outlet_key(name)) not in seen:
                    seen.add(key)
                    names.append(name)
            if names:
                provenance[column] = VALUE_SEPARATOR.join(names)
        if "publisher" in provenance:
            provenance["publisher_from"] = "text"
        elif self.site_publisher and (host := publisher_host(doc)):
            spelled = spelled_site_name(doc.text, host)
            provenance["publisher"] = self.names.canonical(spelled or host)
            provenance["publisher_from"] = "site"
        return cut(doc, accepted, step=self.name, provenance=provenance)


def _fit(span: Span, accepted: Sequence[Span], text: str) -> Span | None:
    """Fit a span beside those already accepted: overlaps of mere separators are trimmed away,
    overlaps of real text mean an earlier rule already claimed it (None)."""
    for other in sorted(accepted):
        if span.start < other.end and other.start < span.end:
            if text[max(span.start, other.start) : min(span.end, other.end)].strip():
                return None
            if span.start < other.start:
                span = span._replace(end=other.start)
            else:
                span = span._replace(start=other.end)
            if span.start >= span.end:
                return None
    return span


def check_examples(rules: Iterable[Rule], *, timeout: float = 1.0) -> list[str]:
    """Run every rule's examples; return one ``file:line: cause`` message per failure."""
    failures: list[str] = []
    for rule in rules:
        for number, example in enumerate(rule.examples):
            problem = example_problem(rule, example, timeout=timeout)
            where = f'{rule.path}:{example.line}: rule "{rule.id}" example {number}'
            if example.xfail is not None:
                if problem is None:
                    failures.append(
                        f"{where}: passes but is marked xfail ({example.xfail}); promote it"
                    )
            elif problem is not None:
                failures.append(f"{where}: {problem}")
    return failures


def example_problem(rule: Rule, example: Example, *, timeout: float = 1.0) -> str | None:
    """What is wrong with one example's output, or None when it comes out as expected."""
    try:
        outcome = StripRules((rule,), timeout=timeout)(Document("example", example.text))
    except DocumentError as error:
        return error.cause
    text = outcome.doc.text if outcome.doc is not None else ""
    if text != example.expect:
        return f"expected {example.expect!r}, got {text!r}"
    expected = dict(example.provenance or {})
    # Where the publisher came from is the step's note, not something a rule captures.
    got = {k: v for k, v in outcome.provenance.items() if k != "publisher_from"}
    if example.provenance is not None and got != expected:
        return f"expected provenance {expected!r}, got {got!r}"
    return None
