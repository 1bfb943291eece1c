"""Reading one input file of each supported format into documents.

Readers never stop at a bad record: each malformed record becomes a
:class:`~cleankit.core.errors.DocumentError` carrying ``path:line``.
"""

from __future__ import annotations

import codecs
import io
import json
import re
import struct
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO, Any

import polars as pl

from cleankit.core.document import Document
from cleankit.core.errors import DocumentError, first_line
from cleankit.io.sources import InputPath, RemoteFile, open_binary


def _decode(raw: bytes, path: str, first_line: int) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = first_line + raw.count(b"\n", 0, error.start)
        byte = raw[error.start : error.start + 1].hex()
        raise DocumentError(f"invalid UTF-8 (byte 0x{byte})", path=path, line=line) from None


def record_to_document(
    record: Mapping[str, Any],
    *,
    path: str,
    line: int,
    text_key: str,
    id_key: str,
    label: str | None = None,
) -> Document:
    """One record (a JSON object, a Parquet row, a host's row) as a document: the text field,
    the id field (else ``label:line``), every other field in ``meta``, the language from
    ``language`` or ``lang``. A record that cannot be one raises :class:`DocumentError`."""
    if text_key not in record:
        keys = ", ".join(sorted(record)) or "none"
        raise DocumentError(
            f"missing {text_key!r} field (fields: {keys}); Hint: choose another with --text-key",
            path=path,
            line=line,
        )
    text = record[text_key]
    if text is None:
        raise DocumentError(f"field {text_key!r} is null", path=path, line=line)
    if not isinstance(text, str):
        raise DocumentError(
            f"field {text_key!r} must be a string, not {type(text).__name__}", path=path, line=line
        )
    raw_id = record.get(id_key)
    if raw_id is None:
        doc_id = f"{label or Path(path).name}:{line}"
    elif _is_id(raw_id):
        doc_id = str(raw_id)
    else:
        raise DocumentError(
            f"field {id_key!r} must be a string or integer, not {type(raw_id).__name__}",
            path=path,
            line=line,
        )
    meta = {k: v for k, v in record.items() if k not in (text_key, id_key)}
    language = meta.get("language", meta.get("lang"))
    return Document(
        id=doc_id,
        text=text,
        source=path,
        line=line,
        language=language if isinstance(language, str) else None,
        meta=meta,
    )


def _read_jsonl(
    path: InputPath,
    *,
    text_key: str,
    id_key: str,
    span: tuple[int, int, int] | None = None,
    label: str | None = None,
) -> Iterator[Document | DocumentError]:
    """Records of a JSONL file; ``span`` = (start byte, end byte, first line number) reads a shard."""
    name = str(path)
    try:
        handle = open_binary(path)
        with handle:
            first = 1
            lines: Iterable[bytes] = handle
            if span is not None:
                start, end, first = span
                handle.seek(start)
                lines = _lines_until(handle, end - start)
            for number, raw in enumerate(lines, start=first):
                if not raw.strip():
                    continue
                try:
                    line = _decode(raw, name, number).rstrip("\r\n")
                    if number == 1:
                        line = line.removeprefix("\ufeff")  # a byte order mark, not data
                    try:
                        record = json.loads(line)
                    except json.JSONDecodeError as error:
                        raise DocumentError(
                            f"invalid JSON: {error.msg} (column {error.colno})",
                            path=name,
                            line=number,
                        ) from None
                    if not isinstance(record, dict):
                        raise DocumentError(
                            f"expected a JSON object, found {type(record).__name__}",
                            path=name,
                            line=number,
                        )
                    try:
                        if _SURROGATE_ESCAPE.search(line):
                            _refuse_lone_surrogates(record, path=name, line=number)
                        yield record_to_document(
                            record,
                            path=name,
                            line=number,
                            text_key=text_key,
                            id_key=id_key,
                            label=label,
                        )
                    except DocumentError as error:
                        error.doc_id = _own_id(record, id_key)
                        raise
                except DocumentError as error:
                    yield error
    except (OSError, EOFError) as error:
        # A truncated .gz ends the file; the records before it were already yielded.
        cause = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
        cause = cause or type(error).__name__
        yield DocumentError(f"cannot read: {cause}", path=name)


def _is_id(value: Any) -> bool:
    """Ids are strings or integers (a boolean is an int to Python, not an id)."""
    return isinstance(value, str | int) and not isinstance(value, bool)


def _own_id(record: Mapping[str, Any], id_key: str) -> str | None:
    """The record's id when it is a usable one (a string or integer without surrogates)."""
    raw = record.get(id_key)
    if not _is_id(raw):
        return None
    own = str(raw)
    try:
        own.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return own or None


_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def _refuse_lone_surrogates(record: Mapping[str, Any], *, path: str, line: int) -> None:
    """JSON may escape half of a surrogate pair ("\\ud800"): Python decodes it to a string
    that no UTF-8 writer accepts. Such a record is an error row, not a crash after the output
    was half written. Escaped pairs that make one character are fine."""
    try:
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as error:
        char = error.object[error.start : error.end]
        code = f"\\u{ord(char[0]):04x}" if char else "?"
        raise DocumentError(
            f"a lone surrogate escape ({code}) is not a Unicode character; "
            "repair the producer or remove the record",
            path=path,
            line=line,
        ) from None


def _lines_until(handle: IO[bytes], budget: int) -> Iterator[bytes]:
    for raw in handle:
        if budget <= 0:
            return
        budget -= len(raw)
        yield raw


_PARQUET_SLICE = 10_000


def parquet_rows(path: InputPath) -> int:
    """The row count of a Parquet file from its footer alone.

    A remote file is not fetched for this: its last 8 bytes give the footer's length, one more
    ranged read gives the footer, and the footer behind the 4-byte magic is a Parquet file to
    polars' metadata reader (it counts rows without touching a page). So the memory check and
    the progress bar know a bucket's size after two small requests per file.
    """
    if not isinstance(path, RemoteFile):
        return _row_count(path)
    with path.open() as handle:
        handle.seek(-8, io.SEEK_END)
        tail = handle.read(8)
        if len(tail) != 8 or tail[4:] != b"PAR1":
            raise OSError(f"{path}: not a Parquet file (no footer)")
        (length,) = struct.unpack("<I", tail[:4])
        handle.seek(-8 - length, io.SEEK_END)
        footer = handle.read(length + 8)
    return _row_count(io.BytesIO(b"PAR1" + footer))


def _row_count(source: Path | io.BytesIO) -> int:
    """Rows of a Parquet file or buffer, from its metadata (no page is read)."""
    return int(pl.scan_parquet(source).select(pl.len()).collect().item())


def _read_parquet(
    path: InputPath, *, text_key: str, id_key: str, label: str | None = None
) -> Iterator[Document | DocumentError]:
    """Rows of a Parquet file, read a slice at a time so a large local file never sits in
    memory (a remote one is fetched whole first)."""
    name = str(path)
    try:
        source: Path | io.BytesIO = (
            io.BytesIO(path.read_bytes()) if isinstance(path, RemoteFile) else path
        )
        columns = list(pl.read_parquet_schema(source))
        rows = _row_count(source)
    except (OSError, pl.exceptions.PolarsError) as error:
        yield DocumentError(f"cannot read Parquet: {first_line(error)}", path=name)
        return
    if text_key not in columns:
        yield DocumentError(
            f"no column {text_key!r} (columns: {', '.join(columns)}); "
            "Hint: choose another with --text-key",
            path=name,
        )
        return
    for offset in range(0, rows, _PARQUET_SLICE):
        frame = pl.scan_parquet(source).slice(offset, _PARQUET_SLICE).collect()
        for number, row in enumerate(frame.iter_rows(named=True), start=offset + 1):
            if row[text_key] is None:
                yield DocumentError(f"column {text_key!r} is null", path=name, line=number)
                continue
            try:
                yield record_to_document(
                    row, path=name, line=number, text_key=text_key, id_key=id_key, label=label
                )
            except DocumentError as error:
                yield error


def _read_txt(path: InputPath, *, stem: str | None = None) -> Document | DocumentError:
    name = str(path)
    try:
        text = _decode(path.read_bytes(), name, 1)
    except DocumentError as error:
        return error
    except OSError as error:
        return DocumentError(f"cannot read: {error.strerror}", path=name)
    title = text.split("\n", 1)[0].strip()
    # The first line is the title, and stays in the text: nothing of the input is hidden from
    # the filters, and restore() gives back the file byte for byte.
    return Document(
        id=stem or Path(path.name).stem, text=text, source=name, line=1, meta={"title": title}
    )


def _read_html(
    path: InputPath, *, title_in_text: bool = False, stem: str | None = None
) -> Document | DocumentError:
    name = str(path)
    try:
        html = _decode_html(path.read_bytes(), name)
    except DocumentError as error:
        return error
    except OSError as error:
        return DocumentError(f"cannot read: {error.strerror}", path=name)
    from cleankit.io.extract import extract_html  # trafilatura is heavy; import only for HTML

    try:
        text, meta = extract_html(html, title_in_text=title_in_text)
    except ValueError as error:
        return DocumentError(str(error), path=name, line=1)
    return Document(id=stem or Path(path.name).stem, text=text, source=name, line=1, meta=meta)


#: ``<meta charset=...>`` or ``<meta http-equiv=Content-Type content="...; charset=...">``,
#: looked for where browsers look: in the first kilobytes of the page.
_DECLARED_CHARSET = re.compile(
    rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE
)
#: Labels whose WHATWG meaning is a wider codec than Python's codec of that name.
_CHARSET_ALIASES = {
    "iso-8859-1": "cp1252",
    "latin1": "cp1252",
    "us-ascii": "cp1252",
    "ascii": "cp1252",
}


def _decode_html(raw: bytes, path: str) -> str:
    """A page's text in the charset it declares (a byte order mark first, then a ``<meta>``
    charset in its first 4 KB), UTF-8 when it declares none. Bytes the declared charset cannot
    decode make the page an error row, never a silent replacement."""
    if raw.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        return raw.decode("utf-8-sig" if raw[:1] == b"\xef" else "utf-16")
    declared = _DECLARED_CHARSET.search(raw[:4096])
    if declared is None:
        return _decode(raw, path, 1)
    label = declared.group(1).decode("ascii").lower()
    codec_name = _CHARSET_ALIASES.get(label, label)
    try:
        codec = codecs.lookup(codec_name)
    except LookupError:
        return _decode(raw, path, 1)  # an unknown label: browsers fall back too
    if codec.name in ("utf-16-le", "utf-16-be", "utf-16"):
        return _decode(raw, path, 1)  # a page read as ASCII bytes cannot be UTF-16 (WHATWG)
    try:
        return raw.decode(codec.name)
    except UnicodeDecodeError as error:
        raise DocumentError(
            f"byte {error.start} is not valid {label} (the charset the page declares)",
            path=path,
            line=1,
        ) from None
