"""Where input files live and how their bytes come out: local paths, fsspec URLs, stdin, and
the compression their names announce.

Readers see one shape, :data:`InputPath`: a local :class:`~pathlib.Path`, or a
:class:`RemoteFile` that answers the few calls they make (``name``, ``open``, ``read_bytes``,
``str``). Remote files are read through fsspec (``s3://``, ``gs://``, ``hf://``, ``http(s)://``,
``memory://``...), each backend from its own package (``cleankit[s3]``, ``cleankit[gcs]``...).
"""

from __future__ import annotations

import atexit
import bz2
import gzip
import io
import lzma
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from cleankit.core.errors import InputError, first_line

__all__ = [
    "COMPRESSIONS",
    "InputPath",
    "RemoteFile",
    "compression_of",
    "expand_remote",
    "has_glob",
    "is_url",
    "open_binary",
    "spool_stdin",
]

#: Name endings of the compressions read (and their fsspec names).
COMPRESSIONS = {".gz": "gzip", ".zst": "zstd", ".bz2": "bz2", ".xz": "xz"}


def compression_of(name: str) -> str | None:
    """The compression a file name announces, or None."""
    lowered = name.lower()
    return next((kind for end, kind in COMPRESSIONS.items() if lowered.endswith(end)), None)


def is_url(given: str) -> bool:
    """Whether an input names a location through fsspec (``scheme://...``)."""
    return "://" in given


def has_glob(given: str) -> bool:
    """Whether an input is a pattern (``*``, ``?``, ``[``) rather than one path."""
    return any(c in given for c in "*?[")


@dataclass(frozen=True)
class RemoteFile:
    """A file read through fsspec, shaped as the readers use a Path."""

    url: str
    fs: Any
    fs_path: str
    #: The name its reader is chosen by (its base name; "stdin.jsonl" for standard input).
    name: str

    def open(self, mode: str = "rb") -> IO[bytes]:
        """The file's raw bytes (not decompressed: see :func:`open_binary`)."""
        if mode != "rb":
            raise ValueError("inputs are read as bytes")
        return self.fs.open(self.fs_path, "rb")  # type: ignore[no-any-return]

    def read_bytes(self) -> bytes:
        """The whole file."""
        with self.open() as handle:
            return handle.read()

    def __str__(self) -> str:
        return self.url


InputPath = Path | RemoteFile


def open_binary(path: InputPath) -> IO[bytes]:
    """The file's bytes, decompressed when its name ends in .gz, .zst, .bz2 or .xz."""
    kind = compression_of(path.name)
    if isinstance(path, RemoteFile):
        # fsspec wraps the stream in the codec and closes both together; its zstd reader, like
        # zstandard's own, cannot be iterated by line until it is buffered.
        opened = path.fs.open(path.fs_path, "rb", compression=kind)
        return io.BufferedReader(opened) if kind == "zstd" else opened
    if kind == "gzip":
        return gzip.open(path, "rb")  # type: ignore[return-value]  # a binary file object
    if kind == "bz2":
        return bz2.open(path, "rb")
    if kind == "xz":
        return lzma.open(path, "rb")
    if kind == "zstd":
        import zstandard

        # zstandard.open's reader cannot be iterated by line; a buffered reader over it can.
        stream = zstandard.ZstdDecompressor().stream_reader(path.open("rb"), closefd=True)
        return io.BufferedReader(stream)
    return path.open("rb")


def expand_remote(given: str) -> list[RemoteFile]:
    """The files a URL names: one file, every file under a folder, or a glob's matches (sorted).

    A URL whose backend is not installed, or that names nothing, is an :class:`InputError`.
    """
    import fsspec

    try:
        fs, path = fsspec.core.url_to_fs(given)
    except (ImportError, ValueError) as error:
        raise InputError(f"cannot open: {first_line(error)}", path=given) from None
    # One listing answers a glob with each match's type; a plain URL takes one lookup. On an
    # object store every call is a request, so no match is asked about twice.
    if has_glob(given):
        entries: dict[str, Any] = fs.glob(path, detail=True)
    else:
        try:
            entries = {path: fs.info(path)}
        except FileNotFoundError:
            entries = {}
    found: list[str] = []
    for match, info in sorted(entries.items()):
        if info["type"] == "directory":
            found.extend(sorted(fs.find(match)))
        else:
            found.append(match)
    if not found:
        cause = "no file matches" if has_glob(given) else "no such file or folder"
        raise InputError(cause, path=given)
    return [RemoteFile(fs.unstrip_protocol(p), fs, p, p.rsplit("/", 1)[-1]) for p in found]


def spool_stdin(stream: IO[bytes] | None = None) -> RemoteFile:
    """Standard input as a JSONL input that can be read twice (observers read the corpus, then
    judge it): copied once to a temporary file, removed when the process ends."""
    import fsspec

    source = stream if stream is not None else sys.stdin.buffer
    folder = Path(tempfile.mkdtemp(prefix="cleankit-stdin-"))
    atexit.register(shutil.rmtree, folder, True)
    target = folder / "stdin.jsonl"
    with target.open("wb") as handle:
        shutil.copyfileobj(source, handle)
    return RemoteFile("-", fsspec.filesystem("file"), str(target), "stdin.jsonl")
