"""``cleankit clean`` and ``cleankit dedup``: a run over a corpus, its progress and its summary."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from cleankit.cli.app import _friendly, _options, main
from cleankit.cli.progress import ProgressBars, ProgressLines
from cleankit.core.chain import Record
from cleankit.core.provenance import STATUSES
from cleankit.core.settings import (
    DEDUP_INDEXES,
    DEDUP_ONLY_SKIP,
    KEEP_POLICIES,
    STEPS,
    Settings,
    load_settings,
)

if TYPE_CHECKING:
    from cleankit.audit.summary import RunSummary  # polars: loaded only when a run starts


def _rule_set(rules: Sequence[Path], no_builtin: bool, timeout: float) -> Any:
    from cleankit.filters.rules import builtin_rules_dir, load_rules

    paths: list[Path] = [] if no_builtin else [builtin_rules_dir()]
    paths.extend(rules)
    if not paths:
        raise click.UsageError("--no-builtin-rules needs at least one --rules PATH")
    return load_rules(paths, timeout=timeout)


def _print_summary(summary: RunSummary) -> None:
    echo = click.echo
    statuses = ", ".join(f"{summary.statuses[s]} {s}" for s in STATUSES)
    echo(f"{summary.records} records: {statuses}")
    removed = sum(summary.chars_removed_by_step.values())
    inserted = sum(summary.chars_inserted_by_step.values())
    share = f" ({removed / summary.chars_in:.1%})" if summary.chars_in else ""
    echo(
        f"characters: {summary.chars_in} in, {summary.chars_out} out; "
        f"{removed} removed{share}, {inserted} inserted by repairs"
    )
    if summary.dropped_by:
        echo("dropped by: " + ", ".join(f"{k} {v}" for k, v in sorted(summary.dropped_by.items())))
    if summary.chars_removed_by_step:
        echo("characters removed (inserted) by step:")
        for step, chars in summary.chars_removed_by_step.most_common():
            added = summary.chars_inserted_by_step[step]
            echo(f"  {step:<28} {chars:>9}" + (f" ({added})" if added else ""))
    if summary.edits_by_rule:
        echo("edits by rule (top 10):")
        for rule, count in summary.edits_by_rule.most_common(10):
            echo(f"  {rule:<50} {count:>6}")
    if summary.suspects:
        held = ", ".join(f"{k} {v}" for k, v in summary.suspects.most_common(5))
        echo(
            f"held back by the removal guard: {sum(summary.suspects.values())} edit(s) ({held});"
            " see `cleankit audit summary`"
        )
    if summary.skipped:
        names = ", ".join(str(p) for p in summary.skipped[:5])
        more = f" and {len(summary.skipped) - 5} more" if len(summary.skipped) > 5 else ""
        echo(f"skipped {len(summary.skipped)} file(s) of unsupported type: {names}{more}", err=True)
    if len(summary.outputs) > 1:
        first, last = summary.outputs[0], summary.outputs[-1]
        echo(f"wrote {len(summary.outputs)} shards ({first} to {last.name}) and {summary.manifest}")
    else:
        echo(f"wrote {summary.output} and {summary.manifest}")


_run_options = _options(
    # Plain strings: a URL ("s3://b/x.jsonl") or a glob must not be normalised as a local path.
    click.argument("inputs", nargs=-1, required=True, type=str),
    click.option(
        "-o",
        "--out",
        "out_dir",
        required=True,
        type=click.Path(file_okay=False, path_type=Path),
        help="Output folder.",
    ),
    click.option(
        "--format",
        "output_format",
        type=click.Choice(["jsonl", "parquet"]),
        default="jsonl",
        show_default=True,
        help="Format of documents.*.",
    ),
    click.option(
        "--compression",
        type=click.Choice(["none", "gz", "zst", "bz2", "xz"]),
        help="Compress the documents files: JSONL gets the ending (.jsonl.zst); Parquet "
        "compresses its pages (none, gz or zst; default zst).",
    ),
    click.option(
        "--shard-size",
        type=click.IntRange(1, None),
        help="Write documents-00000.*, documents-00001.*, ... of this many kept documents "
        "each; the manifest's shard column names each document's file.",
    ),
    click.option("--config", type=click.Path(path_type=Path), help="Settings TOML file."),
    click.option("--threshold", type=float, help="Document dedup Jaccard threshold."),
    click.option(
        "--keep",
        type=click.Choice(KEEP_POLICIES),
        help="Which copy of a duplicate cluster to keep.",
    ),
    click.option(
        "--source-priority",
        multiple=True,
        help="Site or source preferred by --keep priority (repeatable, best first).",
    ),
    click.option("--seed", type=int, help="MinHash seed."),
    click.option(
        "--text-key",
        default="text",
        show_default=True,
        help="Text field or column of JSONL/Parquet input.",
    ),
    click.option("--id-key", default="id", show_default=True, help="Id field or column."),
    click.option(
        "--workers",
        type=click.IntRange(1, None),
        default=1,
        show_default=True,
        help="Processes for the per-document filters.",
    ),
    click.option(
        "--dedup-index",
        type=click.Choice(DEDUP_INDEXES),
        default="memory",
        show_default=True,
        help="Where document dedup keeps its band keys: in memory, or on disk (one band in "
        "memory at a time, in TMPDIR) for corpora whose keys would not fit.",
    ),
    click.option(
        "--skip-memory-check",
        is_flag=True,
        help="Run even when the dedup index is estimated not to fit in memory.",
    ),
    click.option("-q", "--quiet", is_flag=True, help="Print only errors."),
    click.option(
        "-v", "--verbose", is_flag=True, help="Also print progress lines when not on a terminal."
    ),
    click.option(
        "--json", "as_json", is_flag=True, help="Print the run summary as one JSON object."
    ),
)


@main.command()
@_run_options
@click.option(
    "--rules",
    "rule_paths",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Extra rule file or folder (repeatable).",
)
@click.option("--no-builtin-rules", is_flag=True, help="Use only the --rules given.")
@click.option("--no-dedup", is_flag=True, help="Skip corpus-level dedup and site boilerplate.")
@click.option(
    "--skip",
    "skip",
    multiple=True,
    type=click.Choice(STEPS),
    help="Leave this step of the chain out (repeatable).",
)
@click.option(
    "--site-index",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="Start from a saved site boilerplate index.",
)
@click.option(
    "--engine",
    type=click.Choice(["local", "ray"]),
    default="local",
    show_default=True,
    help="Run here, or on Ray (pip install 'cleankit[ray]').",
)
@click.option(
    "--address",
    "ray_address",
    help="Ray cluster address for --engine ray (default: start a local one).",
)
@click.option(
    "--title-in-text",
    is_flag=True,
    help="Write an HTML page's title in front of its text (it always goes to the manifest).",
)
@click.option(
    "--max-removal",
    type=click.FloatRange(0.0, 1.0, min_open=True),
    help="Hold back an edit removing more than this share of a document (default 0.3; 1.0 = off).",
)
@click.option(
    "--save-site-index",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Save this run's site boilerplate index.",
)
@_friendly
def clean(
    inputs: tuple[str, ...],
    out_dir: Path,
    output_format: str,
    compression: str | None,
    shard_size: int | None,
    config: Path | None,
    threshold: float | None,
    keep: str | None,
    source_priority: tuple[str, ...],
    seed: int | None,
    text_key: str,
    id_key: str,
    workers: int,
    dedup_index: str,
    skip_memory_check: bool,
    quiet: bool,
    verbose: bool,
    as_json: bool,
    rule_paths: tuple[Path, ...],
    no_builtin_rules: bool,
    no_dedup: bool,
    skip: tuple[str, ...],
    site_index: Path | None,
    engine: str,
    ray_address: str | None,
    title_in_text: bool,
    max_removal: float | None,
    save_site_index: Path | None,
) -> None:
    """Clean INPUTS into OUT: JSONL (plain, .gz, .zst, .bz2, .xz), Parquet, .txt, .html files,
    folders, globs, fsspec URLs (s3://, gs://, hf://, https://) or - for JSONL on stdin."""
    from cleankit.io.corpus import read_documents
    from cleankit.io.site_index import read_site_index
    from cleankit.run import clean_corpus

    settings = load_settings(config) if config else Settings()
    overrides: dict[str, Any] = {}
    if no_dedup:
        overrides["dedup"] = False
    if threshold is not None:
        overrides["document_threshold"] = threshold
    if keep is not None:
        overrides["keep"] = keep
    if source_priority:
        overrides["source_priority"] = tuple(source_priority)
    if seed is not None:
        overrides["seed"] = seed
    if max_removal is not None:
        overrides["max_removal"] = max_removal
    settings = settings.replace(**overrides)
    rules = _rule_set(rule_paths, no_builtin_rules, settings.rule_timeout)
    corpus = read_documents(inputs, text_key=text_key, id_key=id_key, title_in_text=title_in_text)
    prior = read_site_index(site_index) if site_index else None
    options: dict[str, Any] = {
        "settings": settings,
        "rules": rules,
        "output_format": output_format,
        "compression": compression,
        "shard_size": shard_size,
        "site_index": prior,
        "save_site_index": save_site_index,
        "workers": workers,
        "engine": engine,
        "ray_address": ray_address,
        "memory_check": not skip_memory_check,
        "dedup_index": dedup_index,
        "skip": tuple(dict.fromkeys(skip)),
        "on_record": _report_errors,
    }
    label = "deduplicating" if options["skip"] == DEDUP_ONLY_SKIP else "cleaning"
    if sys.stderr.isatty() and not quiet:
        bars = ProgressBars(label, corpus.estimate_records())
        try:
            summary = clean_corpus(
                corpus, out_dir, progress=bars, on_pass=bars.start_pass, **options
            )
        finally:
            bars.close()
    elif verbose and not quiet:
        lines = ProgressLines(label)
        summary = clean_corpus(corpus, out_dir, progress=lines, on_pass=lines.start_pass, **options)
    else:
        summary = clean_corpus(corpus, out_dir, **options)
    if as_json:
        click.echo(json.dumps(summary.to_dict(), ensure_ascii=False, sort_keys=True))
    elif not quiet:
        _print_summary(summary)
    if summary.errors:
        click.echo(
            f"{len(summary.errors)} record(s) failed; see the lines above and the manifest",
            err=True,
        )
        sys.exit(1)


@main.command()
@_run_options
@click.pass_context
def dedup(ctx: click.Context, /, **options: Any) -> None:
    """Drop near-duplicate documents of INPUTS into OUT without cleaning them: texts are
    written as read, and the manifest is the one `clean` writes (cluster, kept copy, similarity).
    """
    ctx.invoke(clean, skip=DEDUP_ONLY_SKIP, **options)


def _report_errors(record: Record) -> None:
    if record.error is not None:
        click.echo(str(record.error), err=True)
