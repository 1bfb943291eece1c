"""The ``cleankit`` command: each command parses options, makes one library call, echoes.

Exit codes: 0 success, 1 data errors (bad records, failed checks), 2 usage errors.
"""

from __future__ import annotations

import json
import signal
import sys
import time
from collections.abc import Callable, Sequence
from functools import wraps
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from cleankit import __version__
from cleankit.errors import (
    CleankitError,
    InputError,
    RuleError,
    SettingsError,
    Terminated,
)
from cleankit.settings import DEDUP_ONLY_SKIP, KEEP_POLICIES, STEPS, Settings, load_settings
from cleankit.signals import exit_now, raise_terminated

if TYPE_CHECKING:
    import polars as pl

    from cleankit.chain import Record
    from cleankit.pipeline import RunSummary

# The library (polars, datasketch and scipy, trafilatura) is imported inside each command, so
# that `cleankit --help` and a mistyped option answer at once instead of after a second.

F = TypeVar("F", bound=Callable[..., Any])


class _UsageProblem(click.ClickException):
    """A mistake in what was asked (a missing input, a bad rule file, an output inside an
    input): one line, exit 2 like any usage error, without click's usage banner."""

    exit_code = 2


def _friendly(command: F) -> F:
    """Turn library and OS errors into one-line messages (exit 1, usage problems exit 2),
    never a traceback; Ctrl-C exits 130 and SIGTERM 143 once temporary files are gone."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            previous = signal.signal(signal.SIGTERM, raise_terminated)
        except ValueError:  # not the main thread (an embedding program): leave signals alone
            previous = None
        try:
            return command(*args, **kwargs)
        except SettingsError as error:
            raise click.UsageError(str(error)) from None
        except (InputError, RuleError) as error:
            raise _UsageProblem(str(error)) from None
        except CleankitError as error:
            raise click.ClickException(str(error)) from None
        except OSError as error:
            from cleankit.outputs import os_problem

            raise click.ClickException(str(os_problem(error))) from None
        except KeyboardInterrupt:
            exit_now(130, "interrupted; outputs left as they were before this run")
        except Terminated:
            exit_now(143, "terminated; outputs left as they were before this run")
        finally:
            if previous is not None:
                signal.signal(signal.SIGTERM, previous)

    return wrapper  # type: ignore[return-value]


_manifest_option = click.option(
    "--manifest",
    "manifest_path",
    required=True,
    type=click.Path(path_type=Path),
    help="manifest.parquet of the run.",
)


def _target_option(help_text: str) -> Callable[[F], F]:
    """The ``-o/--out FILE`` option of commands that write one file."""
    return click.option(
        "-o",
        "--out",
        "target",
        required=True,
        type=click.Path(dir_okay=False, path_type=Path),
        help=help_text,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="cleankit")
def main() -> None:
    """Clean news and web text into a deduplicated corpus with a provenance manifest."""


def _rule_set(rules: Sequence[Path], no_builtin: bool, timeout: float) -> Any:
    from cleankit.rules import builtin_rules_dir, load_rules

    paths: list[Path] = [] if no_builtin else [builtin_rules_dir()]
    paths.extend(rules)
    if not paths:
        raise click.UsageError("--no-builtin-rules needs at least one --rules PATH")
    return load_rules(paths, timeout=timeout)


def _print_summary(summary: RunSummary) -> None:
    echo = click.echo
    statuses = ", ".join(
        f"{summary.statuses[s]} {s}" for s in ("kept", "dropped", "duplicate", "error")
    )
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
    echo(f"wrote {summary.output} and {summary.manifest}")


def _options(*decorators: Callable[[F], F]) -> Callable[[F], F]:
    """Apply option decorators in reading order (the first is the first in --help)."""

    def apply(command: F) -> F:
        for decorator in reversed(decorators):
            command = decorator(command)
        return command

    return apply


#: Options of every command that runs the pipeline (clean and dedup).
_run_options = _options(
    click.argument("inputs", nargs=-1, required=True, type=click.Path(path_type=Path)),
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
    inputs: tuple[Path, ...],
    out_dir: Path,
    output_format: str,
    config: Path | None,
    threshold: float | None,
    keep: str | None,
    source_priority: tuple[str, ...],
    seed: int | None,
    text_key: str,
    id_key: str,
    workers: int,
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
    """Clean INPUTS (JSONL, .jsonl.gz, Parquet, .txt, .html files or folders) into OUT."""
    from cleankit.dedup import SiteIndex
    from cleankit.io import read_documents
    from cleankit.pipeline import clean_corpus

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
    prior = SiteIndex.read(site_index) if site_index else None
    options: dict[str, Any] = {
        "settings": settings,
        "rules": rules,
        "output_format": output_format,
        "site_index": prior,
        "save_site_index": save_site_index,
        "workers": workers,
        "engine": engine,
        "ray_address": ray_address,
        "memory_check": not skip_memory_check,
        "skip": tuple(dict.fromkeys(skip)),
        "on_record": _report_errors,
    }
    label = "deduplicating" if options["skip"] == DEDUP_ONLY_SKIP else "cleaning"
    if sys.stderr.isatty() and not quiet:
        with click.progressbar(
            length=corpus.estimate_records(), label=label, file=sys.stderr
        ) as bar:
            summary = clean_corpus(corpus, out_dir, progress=lambda: bar.update(1), **options)
    elif verbose and not quiet:
        summary = clean_corpus(corpus, out_dir, progress=_ProgressLines(label), **options)
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


class _ProgressLines:
    """Progress for a log rather than a terminal: one line at most every ``every`` seconds,
    with the documents done and the rate, so a piped run is never silent for minutes."""

    def __init__(self, label: str, every: float = 10.0) -> None:
        self.label = label
        self.every = every
        self.done = 0
        self.started = time.monotonic()
        self.last = self.started

    def __call__(self) -> None:
        self.done += 1
        moment = time.monotonic()
        if moment - self.last >= self.every:
            self.last = moment
            rate = self.done / max(moment - self.started, 1e-9)
            click.echo(f"{self.label}: {self.done} documents, {rate:,.0f} docs/s", err=True)


def _report_errors(record: Record) -> None:
    if record.error is not None:
        click.echo(str(record.error), err=True)


@main.command()
@click.argument("doc_id")
@_manifest_option
@_friendly
def explain(doc_id: str, manifest_path: Path) -> None:
    """Print what was removed from DOC_ID, by which step and rule, and why."""
    from cleankit import audit
    from cleankit.manifest import read_manifest

    click.echo(audit.explain(read_manifest(manifest_path), doc_id))


@main.command()
@click.argument("output", type=click.Path(path_type=Path))
@_manifest_option
@_target_option("JSONL file of restored originals.")
@_friendly
def restore(output: Path, manifest_path: Path, target: Path) -> None:
    """Rebuild the original texts from OUTPUT and the manifest's edits, checked by input hash."""
    from cleankit import audit
    from cleankit.io import atomic_write, read_output_pairs
    from cleankit.manifest import read_manifest
    from cleankit.outputs import settle

    settle(output.parent)
    manifest = read_manifest(manifest_path)
    texts, repeats = audit.first_texts(read_output_pairs(output))
    problems = [
        audit.Problem(doc_id, "repeated", "appears more than once in the output; not restored")
        for doc_id in dict.fromkeys(repeats)
    ]
    for repeated in problems:
        texts.pop(repeated.doc_id)
    count = 0
    with atomic_write(target, "w") as handle:
        for doc_id, text, trouble in audit.restore_documents(manifest, texts):
            if trouble is not None:
                problems.append(trouble)
            elif text is not None:
                handle.write(json.dumps({"id": doc_id, "text": text}, ensure_ascii=False) + "\n")
                count += 1
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"restored {count} documents to {target}")
    if problems:
        sys.exit(1)


@main.group()
def rules() -> None:
    """List and check rule files."""


@rules.command("list")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per rule.")
@_friendly
def rules_list(paths: tuple[Path, ...], as_json: bool) -> None:
    """List the rules in PATHS (default: the built-in set)."""
    from cleankit.rules import load_rules

    rule_set = load_rules(list(paths) or None)
    for rule in rule_set.rules:
        if as_json:
            record = {
                "id": rule.id,
                "version": rule.version,
                "scope": rule.scope,
                "languages": list(rule.languages),
                "provides": list(rule.provides),
                "sets": dict(rule.sets),
                "file": rule.path,
                "line": rule.line,
                "description": rule.description,
            }
            click.echo(json.dumps(record, ensure_ascii=False))
        else:
            click.echo(
                f"{rule.id:<28} v{rule.version} {rule.scope:<7} {Path(rule.path).name}:{rule.line}  {rule.description}"
            )


@rules.command("check")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--config", type=click.Path(path_type=Path), help="Settings TOML file (for rule_timeout)."
)
@_friendly
def rules_check(paths: tuple[Path, ...], config: Path | None) -> None:
    """Validate rule files and run every example under the run's rule_timeout; exit 1 on any
    failure."""
    from cleankit.rules import load_rules

    settings = load_settings(config) if config else Settings()
    rule_set = load_rules(list(paths) or None, timeout=settings.rule_timeout)
    failures = rule_set.check()
    for failure in failures:
        click.echo(failure, err=True)
    examples = sum(len(r.examples) for r in rule_set.rules)
    click.echo(f"{len(rule_set.rules)} rules, {examples} examples, {len(failures)} failed")
    if failures:
        sys.exit(1)


@main.group("audit")
def audit_group() -> None:
    """Inspect, verify and compare manifests."""


def _echo_frame(title: str, frame: pl.DataFrame) -> None:
    import polars as pl

    click.echo(f"\n{title}")
    with pl.Config(
        tbl_rows=40,
        tbl_cols=10,
        fmt_str_lengths=60,
        tbl_hide_dataframe_shape=True,
        tbl_hide_column_data_types=True,
    ):
        click.echo(str(frame))


@audit_group.command("summary")
@click.argument("manifest_path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the tables as one JSON object.")
@_friendly
def audit_summary(manifest_path: Path, as_json: bool) -> None:
    """Documents by status, removals by step and rule, clusters, provenance, errors."""
    from cleankit import audit
    from cleankit.manifest import read_manifest

    tables = audit.summarize(read_manifest(manifest_path))
    if as_json:
        click.echo(
            json.dumps(
                {name: frame.to_dicts() for name, frame in tables.items()},
                ensure_ascii=False,
                default=str,
            )
        )
        return
    for name, frame in tables.items():
        _echo_frame(name.replace("_", " "), frame)


@audit_group.command("verify")
@click.argument("manifest_path", type=click.Path(path_type=Path))
@click.argument("output", type=click.Path(path_type=Path))
@_friendly
def audit_verify(manifest_path: Path, output: Path) -> None:
    """Check OUTPUT against the manifest: missing, extra, altered, unrestorable documents."""
    from cleankit import audit
    from cleankit.manifest import read_manifest
    from cleankit.outputs import settle

    settle(output.parent)
    manifest = read_manifest(manifest_path)
    problems = audit.verify_output(manifest, output)
    for problem in problems:
        click.echo(str(problem), err=True)
    click.echo(f"{manifest.height} manifest rows checked, {len(problems)} problem(s)")
    if problems:
        sys.exit(1)


@audit_group.command("diff")
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per changed document.")
@_friendly
def audit_diff(old: Path, new: Path, as_json: bool) -> None:
    """What changed between two runs' manifests (status or edits), by rule."""
    from cleankit import audit
    from cleankit.manifest import read_manifest

    changes = audit.diff_manifests(read_manifest(old), read_manifest(new))
    if as_json:
        for row in changes.iter_rows(named=True):
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    for row in changes.iter_rows(named=True):
        detail = []
        if row["change"] == "status":
            detail.append(f"{row['old_status']} -> {row['new_status']}")
        if row["rules_gained"]:
            detail.append("+" + " +".join(row["rules_gained"]))
        if row["rules_lost"]:
            detail.append("-" + " -".join(row["rules_lost"]))
        click.echo(f"{row['doc_id']}: {row['change']} {' '.join(detail)}".rstrip())
    click.echo(f"{changes.height} document(s) changed")


@audit_group.command("report")
@click.argument("manifest_path", type=click.Path(path_type=Path))
@_target_option("HTML file to write.")
@_friendly
def audit_report(manifest_path: Path, target: Path) -> None:
    """Write one self-contained HTML page with charts and a searchable table."""
    from cleankit.manifest import read_manifest
    from cleankit.report import write_report

    write_report(read_manifest(manifest_path), target)
    click.echo(f"wrote {target}")
