"""Finding and sharding the inputs of a run.

A :class:`Corpus` is the list of input files and how to read them; reading yields documents,
and each malformed record becomes a :class:`~cleankit.core.errors.DocumentError` carrying
``path:line`` that the chain passes through and the manifest counts.
"""

from __future__ import annotations

import functools
import glob
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

import polars as pl

from cleankit.core.document import Document
from cleankit.core.errors import DocumentError, InputError
from cleankit.io.formats import _read_html, _read_jsonl, _read_parquet, _read_txt, parquet_rows
from cleankit.io.sources import (
    COMPRESSIONS,
    InputPath,
    compression_of,
    expand_remote,
    has_glob,
    is_url,
    open_binary,
    spool_stdin,
)

JSONL_SUFFIXES = tuple(
    f"{base}{end}" for base in (".jsonl", ".ndjson") for end in ("", *COMPRESSIONS)
)
TEXT_SUFFIXES = (".txt",)
HTML_SUFFIXES = (".html", ".htm")
PARQUET_SUFFIXES = (".parquet",)
SUPPORTED = JSONL_SUFFIXES + TEXT_SUFFIXES + HTML_SUFFIXES + PARQUET_SUFFIXES


def _kind(path: InputPath) -> str | None:
    name = path.name.lower()
    for kind, suffixes in (
        ("jsonl", JSONL_SUFFIXES),
        ("txt", TEXT_SUFFIXES),
        ("html", HTML_SUFFIXES),
        ("parquet", PARQUET_SUFFIXES),
    ):
        if name.endswith(suffixes):
            return kind
    return None


class Shard(NamedTuple):
    """A piece of the input: file number, path, and (start byte, end byte, first line) or None."""

    file: int
    path: str
    span: tuple[int, int, int] | None


@dataclass(frozen=True)
class Corpus:
    """A re-iterable view of input files: each iteration reopens them (observers need two passes).

    Items are :class:`Document` or, for malformed records, :class:`DocumentError`. Files whose
    extension no reader knows are listed in :attr:`skipped` rather than silently ignored.
    """

    paths: tuple[InputPath, ...]
    text_key: str = "text"
    id_key: str = "id"
    skipped: tuple[Path, ...] = field(default=())
    title_in_text: bool = False
    #: Per file, the name made-up ids start from: its path relative to the input it came from.
    labels: tuple[str, ...] = field(default=())
    #: The folders given as inputs (an output folder must not lie inside one).
    roots: tuple[Path, ...] = field(default=())

    def __iter__(self) -> Iterator[Document | DocumentError]:
        seen: dict[str, str] = {}
        for number, path in enumerate(self.paths):
            for item in self._read(number, path):
                if isinstance(item, Document):
                    where = f"{item.source}:{item.line}"
                    if item.id in seen:
                        yield duplicate_id(item.id, seen[item.id], item.source, item.line)
                        continue
                    seen[item.id] = where
                elif item.doc_id is not None:
                    # A broken record keeps its own id unless a record before it has that id.
                    if item.doc_id in seen:
                        item.doc_id = None
                    else:
                        seen[item.doc_id] = f"{item.path}:{item.line}"
                yield item

    def shards(self, *, target_bytes: int = 32 << 20) -> list[Shard]:
        """Split the inputs into pieces that can be read independently, in input order.

        Plain JSONL files split at line boundaries about every ``target_bytes``; compressed
        or remote JSONL, Parquet, .txt and .html files are one shard each.
        """
        shards: list[Shard] = []
        for number, path in enumerate(self.paths):
            local = isinstance(path, Path) and compression_of(path.name) is None
            if _kind(path) == "jsonl" and local:
                start, line = 0, 1
                with path.open("rb") as handle:
                    position = 0
                    for lines, raw in enumerate(handle, start=1):
                        position += len(raw)
                        if position - start >= target_bytes:
                            shards.append(Shard(number, str(path), (start, position, line)))
                            start, line = position, lines + 1
                    if position > start or not shards or shards[-1].path != str(path):
                        shards.append(Shard(number, str(path), (start, position, line)))
            else:
                shards.append(Shard(number, str(path), None))
        return shards

    def read_shard(self, shard: Shard) -> Iterator[Document | DocumentError]:
        """The items of one shard, as iteration over the corpus would give them (no id check)."""
        path = self.paths[shard.file]
        if shard.span is not None:
            yield from _read_jsonl(
                path,
                text_key=self.text_key,
                id_key=self.id_key,
                span=shard.span,
                label=self._label(shard.file, path),
            )
        else:
            yield from self._read(shard.file, path)

    def estimate_records(self) -> int:
        """A cheap upper estimate of the record count, for a progress bar and the memory check
        (lines, Parquet rows); counted once per corpus, as it reads every JSONL file."""
        return self._record_estimate

    @functools.cached_property
    def _record_estimate(self) -> int:
        total = 0
        for path in self.paths:
            kind = _kind(path)
            try:
                if kind == "jsonl":
                    with open_binary(path) as handle:
                        total += sum(
                            chunk.count(b"\n") for chunk in iter(lambda: handle.read(1 << 20), b"")
                        )
                elif kind == "parquet":
                    total += parquet_rows(path)
                else:
                    total += 1
            except (OSError, EOFError, pl.exceptions.PolarsError):
                total += 1  # the reader reports the problem itself
        return total

    def _label(self, number: int, path: InputPath) -> str:
        return self.labels[number] if number < len(self.labels) else path.name

    def _read(self, number: int, path: InputPath) -> Iterator[Document | DocumentError]:
        kind = _kind(path)
        label = self._label(number, path)
        if kind == "jsonl":
            yield from _read_jsonl(path, text_key=self.text_key, id_key=self.id_key, label=label)
        elif kind == "parquet":
            yield from _read_parquet(path, text_key=self.text_key, id_key=self.id_key, label=label)
        elif kind == "txt":
            yield _read_txt(path, stem=_without_suffix(label))
        elif kind == "html":
            yield _read_html(path, title_in_text=self.title_in_text, stem=_without_suffix(label))


def read_documents(
    paths: Sequence[str | Path] | str | Path,
    *,
    text_key: str = "text",
    id_key: str = "id",
    title_in_text: bool = False,
) -> Corpus:
    """Open inputs: JSONL (.jsonl or .ndjson, plain or .gz, .zst, .bz2, .xz), Parquet, .txt,
    .html files, or folders of them; local paths, globs (``data/*.jsonl.zst``), fsspec URLs
    (``s3://bucket/news/*.jsonl.gz``, ``hf://datasets/...``, ``memory://...``), and ``-`` for
    JSONL on standard input.

    An HTML page's title goes to ``meta["title"]``; ``title_in_text`` also writes it in front
    of the extracted text.

    A missing path, a glob that matches nothing, or a file of unknown type given by name is an
    :class:`InputError`; inside a folder or a glob's matches, unknown files are skipped and
    reported through ``Corpus.skipped``.
    """
    if isinstance(paths, str | Path):
        paths = [paths]
    files: list[InputPath] = []
    labels: list[str] = []
    skipped: list[Path] = []

    def add(found: InputPath, label: str, *, named: bool) -> None:
        if _kind(found) is not None:
            files.append(found)
            labels.append(label)
        elif named:
            raise InputError(
                f"unsupported input type; expected one of {', '.join(SUPPORTED)} or a folder",
                path=str(found),
            )
        else:
            skipped.append(Path(str(found)))

    for given in paths:
        text = str(given)
        path = Path(given)
        if text == "-":
            add(spool_stdin(), "stdin.jsonl", named=True)
        elif is_url(text):
            found = expand_remote(text)
            for remote in found:
                add(remote, remote.name, named=len(found) == 1 and not has_glob(text))
        elif path.is_dir():
            for child in sorted(p for p in path.rglob("*") if p.is_file()):
                add(child, child.relative_to(path).as_posix(), named=False)
        elif path.is_file():
            add(path, path.name, named=True)
        elif has_glob(text):
            # glob.glob, not Path.glob: the pattern may be absolute or start with "..".
            matches = sorted(Path(m) for m in glob.glob(text, recursive=True))  # noqa: PTH207
            if not any(m.is_file() for m in matches):
                raise InputError("no file matches", path=text)
            for match in (m for m in matches if m.is_file()):
                add(match, match.name, named=False)
        else:
            raise InputError("no such file or folder", path=text)
    return Corpus(
        tuple(files),
        text_key=text_key,
        id_key=id_key,
        skipped=tuple(skipped),
        title_in_text=title_in_text,
        labels=_unique_labels(files, labels),
        roots=tuple(Path(p) for p in paths if not is_url(str(p)) and Path(p).is_dir()),
    )


def _unique_labels(files: Sequence[InputPath], labels: Sequence[str]) -> tuple[str, ...]:
    """Labels relative to their inputs; two files that would share one (a/news.jsonl and
    b/news.jsonl given by name) are labelled by their paths as given instead."""
    counts = Counter(labels)
    return tuple(
        label if counts[label] == 1 else (path.as_posix() if isinstance(path, Path) else str(path))
        for path, label in zip(files, labels, strict=True)
    )


def _without_suffix(label: str) -> str:
    """'a/index.html' -> 'a/index': what a page's made-up id has been (its stem), with its folder."""
    head, _, name = label.rpartition("/")
    stem = Path(name).stem
    return f"{head}/{stem}" if head else stem


def duplicate_id(doc_id: str, first_seen: str, path: str, line: int | None) -> DocumentError:
    """The error of a record whose id an earlier record (at ``first_seen``) already has: ids
    key the manifest and restore, so the later record is refused, never silently merged."""
    return DocumentError(
        f"duplicate id {doc_id!r} (first seen at {first_seen})", path=path, line=line
    )


def reiterable(docs: Iterable[Document]) -> Sequence[Document]:
    """Documents that can be read twice (observers read the corpus, then judge it): a list or
    tuple as it is, anything else held in a list. Only documents: a typo'd argument (a path
    string) is refused here, not deep in a filter."""
    held = docs if isinstance(docs, list | tuple) else list(docs)
    for item in held:
        if not isinstance(item, Document):
            raise TypeError(
                f"clean_corpus takes a Corpus (read_documents) or Documents, not {type(item).__name__}"
            )
    return held
