"""The default chain and the one library call behind ``cleankit clean``."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from cleankit import __version__
from cleankit.chain import Chain, Filter, Record
from cleankit.dedup import (
    DropEmpty,
    DropNearDuplicates,
    DropRepeatedParagraphs,
    DropSiteBoilerplate,
    SiteIndex,
)
from cleankit.document import Document, Edit, ProvenanceValue
from cleankit.errors import InputError
from cleankit.furniture import DropPageFurniture
from cleankit.io import Corpus, ParquetParts, write_documents
from cleankit.manifest import SCHEMA, manifest_row, now
from cleankit.normalize import (
    DropRepeatedHeadline,
    FixText,
    NormalizeWhitespace,
    RepairStrayLetters,
    SplitGluedSentences,
)
from cleankit.rules import RuleSet, StripRules, load_rules
from cleankit.settings import Settings

__all__ = ["Cleaned", "RunSummary", "clean_corpus", "clean_text", "default_chain"]


def default_chain(
    settings: Settings | None = None,
    rules: RuleSet | None = None,
    *,
    site_prior: SiteIndex | None = None,
    corpus_level: bool = True,
) -> Chain:
    """The standard recipe: repair, strip rules, drop repeats, then (optionally) dedup the corpus.

    ``corpus_level=False`` leaves out the two corpus observers, for cleaning single texts.
    """
    settings = settings or Settings()
    rules = rules or load_rules(timeout=settings.rule_timeout)
    steps: list[Filter] = [
        FixText(
            uncurl_quotes=settings.uncurl_quotes,
            normalization=None
            if settings.unicode_normalization == "none"
            else settings.unicode_normalization,
            fix_encoding=settings.fix_encoding,
            fix_character_width=settings.fix_character_width,
        ),
        NormalizeWhitespace(),
        SplitGluedSentences(),
        RepairStrayLetters(),
        StripRules(rules.rules, timeout=settings.rule_timeout, names=rules.names),
        DropPageFurniture(),
        DropRepeatedHeadline(),
        DropRepeatedParagraphs(
            threshold=settings.paragraph_threshold,
            shingle_size=settings.shingle_size,
            min_words=settings.min_paragraph_words,
        ),
    ]
    if corpus_level and settings.dedup:
        steps.append(
            DropNearDuplicates(
                threshold=settings.document_threshold,
                shingle_size=settings.shingle_size,
                num_perm=settings.num_perm,
                seed=settings.seed,
                bands=settings.lsh_bands,
                rows=settings.lsh_rows,
                keep=settings.keep,
                source_priority=settings.source_priority,
            )
        )
        steps.append(DropSiteBoilerplate(min_docs=settings.site_min_docs, prior=site_prior))
    # Removals can leave separators behind (two adjacent junk lines at the end of a text each
    # take one line break); a second whitespace pass tidies that, recorded like any other edit.
    steps.append(NormalizeWhitespace(name="tidy-whitespace"))
    steps.append(DropEmpty())
    return Chain(tuple(steps), name="cleankit-default", max_removal=settings.max_removal)


class Cleaned(NamedTuple):
    """What :func:`clean_text` returns: the text, the edits that made it, and the provenance."""

    text: str
    edits: tuple[Edit, ...]
    provenance: dict[str, ProvenanceValue]


def clean_text(
    text: str,
    *,
    rules: RuleSet | None = None,
    settings: Settings | None = None,
    language: str | None = None,
) -> Cleaned:
    """Clean one string with the default chain (no corpus-level dedup). Empty result: dropped."""
    chain = default_chain(settings, rules, corpus_level=False)
    outcome = chain(Document(id="text", text=text, language=language))
    return Cleaned(
        outcome.doc.text if outcome.doc is not None else "", outcome.edits, dict(outcome.provenance)
    )


@dataclass
class RunSummary:
    """Counts a person reads after a run; also what ``audit summary`` recomputes from a manifest."""

    output: Path
    manifest: Path
    statuses: Counter[str] = field(default_factory=Counter)
    dropped_by: Counter[str] = field(default_factory=Counter)
    edits_by_rule: Counter[str] = field(default_factory=Counter)
    chars_removed_by_step: Counter[str] = field(default_factory=Counter)
    chars_in: int = 0
    chars_out: int = 0
    suspects: Counter[str] = field(default_factory=Counter)
    errors: list[str] = field(default_factory=list)
    skipped: tuple[Path, ...] = ()

    @property
    def records(self) -> int:
        """Input records seen, malformed ones included."""
        return sum(self.statuses.values())

    def add(self, record: Record, row: dict[str, Any]) -> None:
        """Account for one record."""
        self.statuses[row["status"]] += 1
        self.chars_in += row["chars_in"] or 0
        self.chars_out += row["chars_out"] or 0
        if row["dropped_by"]:
            self.dropped_by[row["dropped_by"]] += 1
        if record.error is not None:
            self.errors.append(str(record.error))
        for edit in row["suspects"]:
            self.suspects[f"{edit['step']}/{edit['rule']}"] += 1
        for edit in row["edits"]:
            self.edits_by_rule[f"{edit['step']}/{edit['rule']}"] += 1
            self.chars_removed_by_step[edit["step"]] += len(edit["removed"]) - len(edit["inserted"])


def run_options(settings: Settings, rules: RuleSet, **extra: Any) -> str:
    """The options column: settings plus the run's own choices, as canonical JSON."""
    options = json.loads(settings.to_json())
    options.update(extra, rules=[Path(f).name for f in rules.files])
    return json.dumps(options, sort_keys=True, ensure_ascii=False)


def _check_output_paths(
    corpus: Corpus, out: Path, summary: RunSummary, save_site_index: str | Path | None
) -> None:
    """Refuse outputs that would feed the next run or overwrite each other, before any work."""
    where = out.resolve()
    for root in corpus.roots:
        folder = root.resolve()
        if where == folder or folder in where.parents:
            raise InputError(
                f"output folder {out} is inside input folder {root}: the next run would read "
                "this run's output as input; choose an output folder outside the inputs"
            )
    if save_site_index is not None:
        index = Path(save_site_index).resolve()
        if index in (summary.output.resolve(), summary.manifest.resolve()):
            raise InputError(
                f"--save-site-index {save_site_index} would overwrite this run's output; "
                "choose another path"
            )


def clean_corpus(
    corpus: Corpus,
    out_dir: str | Path,
    *,
    settings: Settings | None = None,
    rules: RuleSet | None = None,
    output_format: str = "jsonl",
    site_index: SiteIndex | None = None,
    save_site_index: str | Path | None = None,
    on_record: Callable[[Record], None] | None = None,
    workers: int = 1,
    engine: str = "local",
    ray_address: str | None = None,
    progress: Callable[[], None] | None = None,
) -> RunSummary:
    """Clean a corpus into ``out_dir/documents.<format>`` and ``out_dir/manifest.parquet``.

    Both files are written atomically and in bounded memory (the manifest in row batches);
    malformed records are counted and reported through ``on_record`` (and the summary), never
    raised. ``workers`` processes run the per-document filters; ``engine="ray"`` runs the chain
    on a Ray cluster (``ray_address``, or a local one). Neither changes the results.
    """
    settings = settings or Settings()
    rules = rules or load_rules(timeout=settings.rule_timeout)
    out = Path(out_dir)
    chain = default_chain(settings, rules, site_prior=site_index)
    options = run_options(
        settings, rules, output_format=output_format, text_key=corpus.text_key, id_key=corpus.id_key
    )
    inputs = "\0".join(str(p) for p in corpus.paths)
    run_id = hashlib.sha256(
        "\0".join([__version__, rules.sha256, options, inputs]).encode()
    ).hexdigest()[:16]
    run = {
        "run_id": run_id,
        "cleankit_version": __version__,
        "rules_sha256": rules.sha256,
        "options": options,
        "started_at": now(),
    }
    summary = RunSummary(
        out / f"documents.{output_format}", out / "manifest.parquet", skipped=corpus.skipped
    )
    if output_format not in ("jsonl", "parquet"):
        raise ValueError(f"unknown output format {output_format!r}; expected jsonl or parquet")
    _check_output_paths(corpus, out, summary, save_site_index)
    if engine == "ray":
        from cleankit.ray_engine import ray_records

        records = ray_records(chain, corpus, address=ray_address)
    elif engine == "local":
        records = chain.run(corpus, workers=workers, progress=progress)
    else:
        raise ValueError(f"unknown engine {engine!r}; expected local or ray")
    manifest = ParquetParts(summary.manifest, SCHEMA)

    def kept() -> Iterator[Document]:
        for record in records:
            if progress is not None and engine == "ray":
                progress()  # Ray hands records back only at the end; count them as they come
            row = manifest_row(record, run=run)
            manifest.add(row)
            summary.add(record, row)
            if on_record is not None:
                on_record(record)
            if record.current is not None:
                yield record.current

    try:
        write_documents(kept(), summary.output)
    except BaseException:
        manifest.abandon()
        raise
    manifest.finish()
    if save_site_index is not None:
        for step in chain.filters:
            if isinstance(step, DropSiteBoilerplate):
                step.index.write(save_site_index)
                break
        else:
            # --no-dedup leaves the observer out; an empty index still marks the run.
            SiteIndex().write(save_site_index)
    return summary
