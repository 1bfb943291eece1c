"""Applying rules to documents: each rule's matches (:mod:`cleankit.filters.rule_matching`)
cut in load order, overlaps refused, and the provenance the removed spans carry gathered.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

from cleankit.core.alarm import RuleAlarm
from cleankit.core.document import Document, Edit, Outcome, ProvenanceValue, Span, cut
from cleankit.core.errors import DocumentError
from cleankit.core.provenance import MULTI_VALUED, VALUE_SEPARATOR
from cleankit.filters.names import (
    CANONICAL_COLUMNS,
    PERSON_COLUMNS,
    NameTable,
    person_names,
    same_outlet_key,
)
from cleankit.filters.outlets import (
    another_outlet,
    cite,
    reads_as_organisation,
    reads_as_outlet,
    route_found,
)
from cleankit.filters.rule_matching import lead_starts, over_time, rule_spans
from cleankit.filters.rule_model import CueFinder, Example, Rule
from cleankit.filters.rule_prefilter import MIN_RULES, RulePrefilter
from cleankit.filters.sites import publisher_host, site_of, spelled_site_name

#: Columns the step fills to say where other columns came from; no rule captures them.
_STEP_NOTES = frozenset({"publisher_from", "cited_source_from"})


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
        return check_examples(self.rules, timeout=self.timeout, names=self.names)


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

    @cached_property
    def cue_finder(self) -> CueFinder:
        """Every rule's cues, to be found in a document in one pass."""
        return CueFinder(cue for rule in self.rules for cue in rule.cues)

    @cached_property
    def prefilter(self) -> RulePrefilter | None:
        """Which rules may match a document, found in one pass (:mod:`rule_prefilter`); None
        without Hyperscan, and for a handful of rules, where the pass would cost more than the
        scans it spares."""
        if len(self.rules) < MIN_RULES:
            return None
        return RulePrefilter.build([rule.pattern for rule in self.rules])

    def __getstate__(self) -> dict[str, object]:
        # A compiled Hyperscan database does not pickle: a worker builds its own (the
        # cache makes that a file read).
        state = dict(self.__dict__)
        state.pop("prefilter", None)
        return state

    def __call__(self, doc: Document) -> Outcome:
        """Find every rule's spans, drop overlaps, cut."""
        alarm = RuleAlarm()
        try:
            with alarm:
                accepted, found_values, held, mentions = self._matched(doc, alarm)
        except TimeoutError:
            # The alarm rang outside a regex call, after the rule's scan (the scan's own
            # handler turns a ring inside it into this error with the rule's name).
            cause = over_time(alarm.running, self.timeout)
            raise DocumentError(cause, path=doc.source, line=doc.line) from None
        host = publisher_host(doc)
        own = (host, site_of(doc))
        found_values = route_found(found_values, accepted, names=self.names, own=own, text=doc.text)
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
            publisher = str(provenance["publisher"])
            if "syndicated_from" not in provenance and another_outlet(publisher, host):
                provenance["syndicated_from"] = publisher
                i = found_values["publisher"][0][2]
                note = f"; publisher {publisher!r} is not the site {host}: also syndicated_from"
                accepted[i] = accepted[i]._replace(why=accepted[i].why + note)
        elif self.site_publisher and host:
            spelled = spelled_site_name(doc.text, host)
            provenance["publisher"] = self.names.canonical(spelled or host)
            provenance["publisher_from"] = "site"
        cite(provenance, mentions, names=self.names, own=own)
        outcome = cut(doc, accepted, step=self.name, provenance=provenance)
        return replace(outcome, suspects=tuple(held)) if held else outcome

    def _matched(
        self, doc: Document, alarm: RuleAlarm
    ) -> tuple[
        list[Span],
        dict[str, list[tuple[int, ProvenanceValue, int]]],
        list[Edit],
        list[tuple[int, str]],
    ]:
        """The spans the rules keep (overlaps dropped in rule order), the provenance values
        each gave (column -> span start, value, index of its span), the held labels, and the
        sources the prose cites (start, name) by ``mention`` rules, which cut nothing."""
        accepted: list[Span] = []
        found_values: dict[str, list[tuple[int, ProvenanceValue, int]]] = {}
        held: list[Edit] = []
        mentions: list[tuple[int, str]] = []
        lines = doc.memo.paragraphs(doc.text)
        starts = [p.start for p in lines]
        present = self.cue_finder.present(doc.text.casefold())
        prefilter = self.prefilter
        # Rules the one-pass prefilter found no place for: they cannot match.
        ruled_out = prefilter.covered - prefilter.possible(doc.text) if prefilter else frozenset()
        runs = [
            rule
            for index, rule in enumerate(self.rules)
            if rule.applies_to(doc.language) and index not in ruled_out
        ]
        # The prose lines only for rules bound to them: most documents are left none of those.
        leads = lead_starts(doc.text, lines) if any(r.on_prose_lines for r in runs) else None
        for rule in runs:
            try:
                matches = rule_spans(
                    rule,
                    doc.text,
                    timeout=self.timeout,
                    starts=starts,
                    leads=leads,
                    cues=present,
                    alarm=alarm,
                )
            except DocumentError as error:
                raise DocumentError(error.cause, path=doc.source, line=doc.line) from None
            if rule.known or rule.outlets or rule.organisations:
                matches = [
                    (found, captured)
                    for found, captured in matches
                    if all(self.names.knows(str(captured.get(c, ""))) for c in rule.known)
                    and all(
                        reads_as_outlet(str(captured.get(c, "")), self.names) for c in rule.outlets
                    )
                    and all(
                        reads_as_organisation(
                            str(captured.get(c, "")),
                            self.names,
                            found_in=doc.text[found.start : found.end],
                        )
                        for c in rule.organisations
                    )
                ]
            if rule.scope == "mention":
                mentions.extend(
                    (found.start, str(value))
                    for found, captured in matches
                    for value in captured.values()
                    if value
                )
                continue
            if rule.label_repeats is not None and (
                labels := _labels(doc.text, self.name, rule, matches)
            ):
                held.extend(labels)
                continue
            for found, captured in matches:
                span = _fit(found, accepted, doc.text, lines=rule.scope == "line" and not captured)
                if span is None:
                    continue
                accepted.append(span)
                for column, value in captured.items():
                    found_values.setdefault(column, []).append(
                        (span.start, value, len(accepted) - 1)
                    )
        return accepted, found_values, held, mentions


def _labels(
    text: str,
    step: str,
    rule: Rule,
    matches: Sequence[tuple[Span, dict[str, ProvenanceValue]]],
) -> list[Edit]:
    """The matches of ``rule`` as suspects when ``rule.label_repeats`` of them capture the
    same values (see :attr:`Rule.label_repeats`), else an empty list."""
    assert rule.label_repeats is not None
    counts = Counter(tuple(sorted(captured.items())) for _, captured in matches)
    if not counts:
        return []
    [(values, times)] = counts.most_common(1)
    if times < rule.label_repeats:
        return []
    said = ", ".join(f"{column} {value!r}" for column, value in values)
    why = (
        f"held: {times} lines open with the same {said}, labels rather than one "
        f"{rule.id} (a transcript's speakers, the letters of an advice column)"
    )
    return [
        Edit(step, rule.id, span.start, span.end, text[span.start : span.end], span.inserted, why)
        for span, _ in matches
    ]


def _fit(span: Span, accepted: Sequence[Span], text: str, *, lines: bool = False) -> Span | None:
    """Fit a span beside those already accepted: overlaps of mere separators are trimmed away,
    overlaps of real text mean an earlier rule already claimed it (None). With ``lines`` (a
    block of whole lines that records nothing, such as a list under a heading) a block whose
    last lines an earlier rule claimed keeps the lines above them: both rules take those lines,
    and refusing the block would leave its heading and items to no one."""
    for other in sorted(accepted):
        if span.start < other.end and other.start < span.end:
            if text[max(span.start, other.start) : min(span.end, other.end)].strip():
                tail = span.start < other.start and text[other.start - 1] == "\n"
                if not (lines and tail and text[span.start : other.start].strip()):
                    return None
                # A block that took the line break above it leaves the one below to the text.
                return span._replace(end=other.start - (text[span.start] == "\n"))
            if span.start < other.start:
                span = span._replace(end=other.start)
            else:
                span = span._replace(start=other.end)
            if span.start >= span.end:
                return None
    return span


def check_examples(
    rules: Iterable[Rule], *, timeout: float = 1.0, names: NameTable | None = None
) -> list[str]:
    """Run every rule's examples (with the names table of their set, which rules with
    ``known`` consult); return one ``file:line: cause`` message per failure."""
    failures: list[str] = []
    for rule in rules:
        for number, example in enumerate(rule.examples):
            problem = example_problem(rule, example, timeout=timeout, names=names)
            where = f'{rule.path}:{example.line}: rule "{rule.id}" example {number}'
            if example.xfail is not None:
                if problem is None:
                    failures.append(
                        f"{where}: passes but is marked xfail ({example.xfail}); promote it"
                    )
            elif problem is not None:
                failures.append(f"{where}: {problem}")
    return failures


def example_problem(
    rule: Rule, example: Example, *, timeout: float = 1.0, names: NameTable | None = None
) -> str | None:
    """What is wrong with one example's output, or None when it comes out as expected."""
    try:
        step = StripRules((rule,), timeout=timeout, names=names or NameTable())
        outcome = step(Document("example", example.text))
    except DocumentError as error:
        return error.cause
    text = outcome.doc.text if outcome.doc is not None else ""
    if text != example.expect:
        return f"expected {example.expect!r}, got {text!r}"
    expected = dict(example.provenance or {})
    # Where the publisher and the cited sources came from is the step's note, not something a
    # rule captures.
    got = {k: v for k, v in outcome.provenance.items() if k not in _STEP_NOTES}
    if example.provenance is not None and got != expected:
        return f"expected provenance {expected!r}, got {got!r}"
    return None
