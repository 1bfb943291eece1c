"""The default chain, and a run: plan, execute on an engine, write the output pair."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import polars as pl

from cleankit._version import __version__
from cleankit.audit.summary import RunSummary, summarize
from cleankit.core.chain import Chain, Filter, Record
from cleankit.core.document import Document, Edit, ProvenanceValue
from cleankit.core.errors import InputError
from cleankit.core.settings import Settings, check_skip
from cleankit.engines.local import run_chain
from cleankit.filters.furniture import DropPageFurniture
from cleankit.filters.headline import DropRepeatedHeadline
from cleankit.filters.language import LANGUAGE_KEY, IdentifyLanguage
from cleankit.filters.near_duplicates import DropNearDuplicates
from cleankit.filters.normalize import (
    FixText,
    NormalizeWhitespace,
    RepairStrayLetters,
    SplitGluedSentences,
)
from cleankit.filters.paragraphs import DropEmpty, DropRepeatedParagraphs
from cleankit.filters.rules import load_rules
from cleankit.filters.site_boilerplate import DropSiteBoilerplate, SiteIndex
from cleankit.filters.strip_rules import RuleSet, StripRules
from cleankit.io.capacity import check_memory
from cleankit.io.corpus import Corpus, reiterable
from cleankit.io.files import ParquetParts
from cleankit.io.manifest import SCHEMA, manifest_row, now
from cleankit.io.outputs import OutputFolder, file_sha256, os_problem
from cleankit.io.shards import OutputLayout, is_documents_file, write_shards
from cleankit.io.site_index import write_site_index


def default_chain(
    settings: Settings | None = None,
    rules: RuleSet | None = None,
    *,
    site_prior: SiteIndex | None = None,
    corpus_level: bool = True,
    skip: Sequence[str] = (),
    dedup_index: str = "memory",
) -> Chain:
    """The standard recipe: repair, strip rules, drop repeats, then (optionally) dedup the corpus.

    ``corpus_level=False`` leaves out the two corpus observers, for cleaning single texts;
    ``skip`` leaves out the named steps (see :data:`cleankit.settings.STEPS`); ``dedup_index``
    is where document dedup keeps its band keys (:data:`~cleankit.core.settings.DEDUP_INDEXES`;
    the results are the same).
    """
    skipped = set(check_skip(skip))
    settings = settings or Settings()
    rules = rules or load_rules(timeout=settings.rule_timeout)
    steps: list[Filter] = [
        IdentifyLanguage(),
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
        StripRules(
            rules.rules,
            timeout=settings.rule_timeout,
            names=rules.names,
            site_publisher=settings.site_publisher,
        ),
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
                index=dedup_index,
            )
        )
        steps.append(DropSiteBoilerplate(min_docs=settings.site_min_docs, prior=site_prior))
    # Removals can leave separators behind (two adjacent junk lines at the end of a text each
    # take one line break); a second whitespace pass tidies that, recorded like any other edit.
    steps.append(NormalizeWhitespace(name="tidy-whitespace"))
    steps.append(DropEmpty())
    kept = tuple(step for step in steps if step.name not in skipped)
    return Chain(kept, name="cleankit-default", max_removal=settings.max_removal)


class Cleaned(NamedTuple):
    """What :func:`clean_text` returns: the text, the edits that made it, the provenance, and
    the language the text was judged in (given, identified, or None when unclear)."""

    text: str
    edits: tuple[Edit, ...]
    provenance: dict[str, ProvenanceValue]
    language: str | None = None


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
    provenance = dict(outcome.provenance)
    judged = provenance.pop(LANGUAGE_KEY, None)
    return Cleaned(
        outcome.doc.text if outcome.doc is not None else "",
        outcome.edits,
        provenance,
        judged if isinstance(judged, str) else None,
    )


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
    corpus: Corpus | Iterable[Document],
    out_dir: str | Path,
    *,
    chain: Chain | None = None,
    settings: Settings | None = None,
    rules: RuleSet | None = None,
    output_format: str = "jsonl",
    compression: str | None = None,
    shard_size: int | None = None,
    site_index: SiteIndex | None = None,
    save_site_index: str | Path | None = None,
    on_record: Callable[[Record], None] | None = None,
    workers: int = 1,
    engine: str = "local",
    ray_address: str | None = None,
    progress: Callable[[], None] | None = None,
    on_pass: Callable[[str], None] | None = None,
    memory_check: bool = True,
    skip: Sequence[str] = (),
    dedup_index: str = "memory",
) -> RunSummary:
    """Clean a corpus into ``out_dir/documents.<format>`` and ``out_dir/manifest.parquet``.

    ``compression`` (none, gz, zst, bz2, xz; Parquet: none, gz, zst) compresses the documents
    file; ``shard_size`` writes ``documents-00000.<format>``, ``documents-00001...`` of that
    many kept documents each instead of one file. The manifest's ``shard`` column names the
    file that holds each kept document.

    The pair and its run record (``run.json``) change as one unit under an exclusive lock on
    ``out_dir`` (see :mod:`cleankit.outputs`): a failure or a kill at any point leaves either
    the old pair or the new one. Both are written in bounded memory (the manifest in row batches);
    malformed records are counted and reported through ``on_record`` (and the summary), never
    raised. ``on_pass`` hears the name of each pass over the corpus as it starts (see
    :func:`~cleankit.engines.local.run_chain`; the last is "write manifest") and ``progress``
    is called once per record of every pass. ``workers`` processes run the per-document filters; ``engine="ray"`` runs the chain
    on a Ray cluster (``ray_address``, or a local one). Neither changes the results.
    ``memory_check`` refuses a corpus whose dedup index would not fit (see :func:`check_memory`);
    ``dedup_index="disk"`` keeps document dedup's band keys in files, one band in memory at a
    time (see :mod:`cleankit.filters.dedup_index`); neither changes the results.
    ``skip`` leaves steps of the default chain out (recorded in the options column);
    :data:`~cleankit.settings.DEDUP_ONLY_SKIP` runs document dedup alone.

    ``corpus`` is a :class:`~cleankit.io.corpus.Corpus` (``read_documents``) or any iterable
    of :class:`Document` (read twice when the chain has observers, so a one-shot iterator is
    held in memory); ``chain`` replaces the default chain (``settings``, ``rules``,
    ``site_index`` and ``skip`` then only describe the run in the options column, and the
    chain's own name is recorded there).
    """
    settings = settings or Settings()
    rules = rules or load_rules(timeout=settings.rule_timeout)
    out = Path(out_dir)
    extra: dict[str, Any] = {"skip": list(skip)} if skip else {}
    if chain is None:
        chain = default_chain(
            settings, rules, site_prior=site_index, skip=skip, dedup_index=dedup_index
        )
    else:
        extra["chain"] = [step.name for step in chain.filters]
    if isinstance(corpus, Corpus):
        extra.update(text_key=corpus.text_key, id_key=corpus.id_key)
        inputs = "\0".join(str(p) for p in corpus.paths)
    else:
        corpus = reiterable(corpus)
        inputs = "\0".join(doc.id for doc in corpus)
    layout = OutputLayout(output_format, compression, shard_size)
    options = run_options(settings, rules, **layout.options(), **extra)
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
        out / layout.name(0),
        out / "manifest.parquet",
        skipped=corpus.skipped if isinstance(corpus, Corpus) else (),
    )
    if isinstance(corpus, Corpus):
        _check_output_paths(corpus, out, summary, save_site_index)
        if memory_check:
            check_memory(corpus.estimate_records(), settings, dedup_index=dedup_index)
    elif memory_check:
        check_memory(len(corpus), settings, dedup_index=dedup_index)
    if engine not in ("local", "ray"):
        raise ValueError(f"unknown engine {engine!r}; expected local or ray")
    states: dict[str, Any] = {}
    with OutputFolder(out) as folder:
        shards = _write_run(
            corpus,
            chain,
            folder,
            layout,
            summary,
            run,
            on_record=on_record,
            workers=workers,
            engine=engine,
            ray_address=ray_address,
            progress=progress,
            on_pass=on_pass,
            states=states,
        )
        names = [name for name, _ in shards]
        summary.outputs = tuple(out / name for name in names)
        # Documents files of an earlier run (another format, compression or shard count) would
        # sit beside this run's and be read as part of it: they go in the same commit.
        stale = sorted(
            entry.name
            for entry in out.iterdir()
            if is_documents_file(entry.name) and entry.name not in names
        )
        folder.commit(
            [*names, summary.manifest.name],
            {
                "run_id": run_id,
                "cleankit_version": __version__,
                "documents": names,
                "documents_sha256": {name: file_sha256(folder.staged(name)) for name in names},
                "documents_records": sum(count for _, count in shards),
                "manifest": summary.manifest.name,
                "manifest_rows": summary.records,
            },
            remove=stale,
        )
    if save_site_index is not None:
        # --no-dedup leaves the observer out; an empty index still marks the run.
        index = next(
            (states[s.name] for s in chain.filters if isinstance(s, DropSiteBoilerplate)),
            SiteIndex(),
        )
        write_site_index(index, save_site_index)
    return summary


def _write_run(
    corpus: Corpus | Sequence[Document],
    chain: Chain,
    folder: OutputFolder,
    layout: OutputLayout,
    summary: RunSummary,
    run: dict[str, Any],
    *,
    on_record: Callable[[Record], None] | None,
    workers: int,
    engine: str,
    ray_address: str | None,
    progress: Callable[[], None] | None,
    on_pass: Callable[[str], None] | None,
    states: dict[str, Any],
) -> list[tuple[str, int]]:
    """Run the chain and write the staged documents and manifest; returns each documents
    file's name and count (:func:`~cleankit.io.shards.write_shards`)."""
    if engine == "ray":
        from cleankit.engines.ray import ray_records

        if not isinstance(corpus, Corpus):
            raise ValueError("the Ray engine reads files: pass a Corpus (read_documents)")

        if on_pass is not None:
            on_pass("clean on ray")
        records = ray_records(chain, corpus, address=ray_address, states=states)
    else:
        records = run_chain(
            chain, corpus, workers=workers, progress=progress, states=states, on_pass=on_pass
        )
    manifest = ParquetParts(folder.staged(summary.manifest.name), SCHEMA)

    def kept() -> Iterator[Document]:
        position = 0
        for record in records:
            if progress is not None and engine == "ray":
                progress()  # Ray hands records back only at the end; count them as they come
            manifest.add(manifest_row(record, run=run, shard=layout.shard_of(position)))
            if on_record is not None:
                on_record(record)
            if record.current is not None:
                position += 1
                yield record.current

    try:
        written = write_shards(kept(), folder.staging, layout)
        if on_pass is not None:
            on_pass("write manifest")
        manifest.finish()
        summary.take(summarize(pl.scan_parquet(folder.staged(summary.manifest.name))))
    except OSError as error:
        raise os_problem(error, "write the output") from None
    finally:
        manifest.abandon()
    return written
