"""Loading rule files (TOML data in rules/) into validated rules.

Everything is validated before any text is touched, and every problem names the file, the line
and the cause.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

import regex

from cleankit.core.errors import RuleError
from cleankit.core.provenance import PROVENANCE_COLUMNS
from cleankit.filters.names import (
    load_names,
)
from cleankit.filters.rule_examples import build_examples, line_of, unknown_key
from cleankit.filters.rule_model import POSITIONS, SCOPES, Example, Rule, has_cue
from cleankit.filters.strip_rules import RuleSet

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
    "label_repeats": False,
    "known": False,
    "outlets": False,
    "organisations": False,
    "example": True,
}
_ID = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


def builtin_rules_dir() -> Path:
    """The shipped rules: inside the wheel (``cleankit/_rules``) or ``rules/`` in a checkout."""
    package = Path(__file__).parent.parent
    packaged = package / "_rules"
    return packaged if packaged.is_dir() else package.parent / "rules"


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


def _is_count(value: object, least: int) -> bool:
    """Whether a TOML value is a whole number of at least ``least`` (TOML's true is no count)."""
    return isinstance(value, int) and not isinstance(value, bool) and value >= least


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
            line=line_of(raw, unknown[0]),
        )
    tables = data.get("rule", [])
    if not isinstance(tables, list) or not tables:
        raise RuleError("no [[rule]] tables", path=name, line=1)
    rules: list[Rule] = []
    cursor = 1
    for table in tables:
        rule_id = table.get("id")
        if isinstance(rule_id, str):
            cursor = line_of(raw, f'id = "{rule_id}"', cursor)
        else:
            cursor = line_of(raw, "[[rule]]", cursor)
        rules.append(_build_rule(table, raw=raw, path=name, line=cursor))
        cursor += 1
    return rules


def _build_rule(table: Mapping[str, Any], *, raw: str, path: str, line: int) -> Rule:
    label = f'rule "{table.get("id", "?")}"'

    def fail(cause: str, at: int = line) -> RuleError:
        return RuleError(f"{label}: {cause}", path=path, line=at)

    for key in table:
        if key not in _RULE_FIELDS:
            raise fail(unknown_key(key, _RULE_FIELDS), line_of(raw, key, line))
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
    pattern_line = line_of(raw, "pattern", line)
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
        wants_bool = PROVENANCE_COLUMNS[column] is bool
        if wants_bool != isinstance(value, bool) or not isinstance(value, str | bool):
            kind = "true or false" if wants_bool else "a string"
            raise fail(f"sets {column!r} must be {kind}")
    bounds: dict[str, int | None] = {}
    for key in ("first_lines", "last_lines"):
        value = table.get(key)
        if value is not None and not _is_count(value, 1):
            raise fail(f"{key} must be a positive integer")
        bounds[key] = value
    label_repeats = table.get("label_repeats")
    if label_repeats is not None:
        if not _is_count(label_repeats, 2):
            raise fail("label_repeats must be an integer of at least 2")
        if not provides:
            raise fail("label_repeats compares captured values: the rule must have provides")
    known = table.get("known", [])
    outlets = table.get("outlets", [])
    organisations = table.get("organisations", [])
    for field, columns in (
        ("known", known),
        ("outlets", outlets),
        ("organisations", organisations),
    ):
        if not isinstance(columns, list) or not all(isinstance(c, str) for c in columns):
            raise fail(f"{field} must be a list of provenance column names")
        for column in columns:
            if column not in provides:
                raise fail(f"{field} {column!r} is not a column the rule provides")
    position = table.get("position", "anywhere")
    if position not in POSITIONS:
        raise fail(f"position must be one of {', '.join(POSITIONS)}, not {position!r}")
    mention = table["scope"] == "mention"
    if mention and (provides != ["cited_source"] or sets):
        # The story's own words say whom it cites, nothing about the page or the outlet.
        raise fail('a "mention" rule provides cited_source and nothing else')
    examples = build_examples(table["example"], raw=raw, line=line, fail=fail, mention=mention)
    requires = None
    if "requires" in table:
        requires_line = line_of(raw, "requires", line)
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
        label_repeats=label_repeats,
        known=tuple(known),
        outlets=tuple(outlets),
        organisations=tuple(organisations),
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
    where = line_of(raw, "cues", line)
    given = table["cues"]
    if (
        not isinstance(given, list)
        or not given
        or not all(isinstance(c, str) and c.strip() for c in given)
    ):
        raise fail("cues must be a list of non-empty strings", where)
    cues = tuple(c.casefold() for c in given)
    number = _hidden_example(pattern, examples, lambda text: has_cue(cues, text.casefold()))
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
