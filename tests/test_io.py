from __future__ import annotations

import gzip
import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest

from cleankit.core.document import Document
from cleankit.core.errors import DocumentError, InputError
from cleankit.io.corpus import read_documents
from cleankit.io.files import atomic_write
from cleankit.io.writers import read_output, write_documents


def items(path: Path | list[Path], **options: str) -> list[str]:
    """Each item as 'id' for documents or the error message."""
    return [
        str(item) if isinstance(item, DocumentError) else item.id
        for item in read_documents(path, **options)  # type: ignore[arg-type]
    ]


def test_malformed_lines_are_reported_with_path_and_line_and_neighbours_survive(
    write_jsonl: Callable[..., Path],
) -> None:
    path = write_jsonl(
        [
            {"id": "a", "text": "one"},
            '{"id": "b", "text": "two"',
            {"id": "c", "body": "three"},
            '["not", "an", "object"]',
            {"id": "d", "text": 4},
            {"id": "e", "text": "five"},
        ]
    )
    assert items(path) == [
        "a",
        f"{path}:2: invalid JSON: Expecting ',' delimiter (column 26)",
        f"{path}:3: missing 'text' field (fields: body, id); Hint: choose another with --text-key",
        f"{path}:4: expected a JSON object, found list",
        f"{path}:5: field 'text' must be a string, not int",
        "e",
    ]


def test_invalid_utf8_is_reported_with_its_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_bytes(
        b'{"id": "a", "text": "ok"}\n{"id": "b", "text": "caf\xe9"}\n{"id": "c", "text": "ok"}\n'
    )
    assert items(path) == ["a", f"{path}:2: invalid UTF-8 (byte 0xe9)", "c"]


def test_text_and_id_keys_are_selectable_and_other_fields_become_meta(
    write_jsonl: Callable[..., Path],
) -> None:
    path = write_jsonl([{"uid": 7, "body": "teks", "url": "https://x.id/a", "language": "id"}])
    [doc] = list(read_documents(path, text_key="body", id_key="uid"))
    assert isinstance(doc, Document)
    assert (doc.id, doc.text, doc.source, doc.line, doc.language) == (
        "7",
        "teks",
        str(path),
        1,
        "id",
    )
    assert doc.meta == {"url": "https://x.id/a", "language": "id"}


def test_missing_id_falls_back_to_file_and_line(write_jsonl: Callable[..., Path]) -> None:
    path = write_jsonl([{"text": "a"}, {"text": "b"}])
    assert items(path) == ["in.jsonl:1", "in.jsonl:2"]


def test_duplicate_ids_are_errors_naming_the_first(write_jsonl: Callable[..., Path]) -> None:
    path = write_jsonl([{"id": "x", "text": "a"}, {"id": "x", "text": "b"}])
    assert items(path) == ["x", f"{path}:2: duplicate id 'x' (first seen at {path}:1)"]


def test_gzip_jsonl(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        handle.write(json.dumps({"id": "g", "text": "zipped"}) + "\n")
    assert items(path) == ["g"]


def test_truncated_gzip_keeps_earlier_records_and_reports_the_rest(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl.gz"
    body = "".join(json.dumps({"id": f"r{i}", "text": "x" * 50}) + "\n" for i in range(200))
    data = gzip.compress(body.encode())
    path.write_bytes(data[: len(data) // 2])
    found = items(path)
    assert found[0] == "r0"
    assert found[-1].startswith(f"{path}: cannot read:")


def test_parquet_input_with_null_text(tmp_path: Path) -> None:
    path = tmp_path / "in.parquet"
    pl.DataFrame({"id": ["a", "b"], "text": ["one", None]}).write_parquet(path)
    assert items(path) == ["a", f"{path}:2: column 'text' is null"]


def test_parquet_without_the_text_column(tmp_path: Path) -> None:
    path = tmp_path / "in.parquet"
    pl.DataFrame({"id": ["a"], "body": ["one"]}).write_parquet(path)
    assert items(path) == [
        f"{path}: no column 'text' (columns: id, body); Hint: choose another with --text-key"
    ]


def test_folder_of_txt_files_keeps_the_first_line_as_title_and_in_the_text(tmp_path: Path) -> None:
    (tmp_path / "b.txt").write_text("Judul B\n\nIsi B.", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Judul A\nIsi A.", encoding="utf-8")
    (tmp_path / "notes.md").write_text("not an input", encoding="utf-8")
    corpus = read_documents(tmp_path)
    docs = [d for d in corpus if isinstance(d, Document)]
    assert [(d.id, d.text, d.meta["title"]) for d in docs] == [
        ("a", "Judul A\nIsi A.", "Judul A"),
        ("b", "Judul B\n\nIsi B.", "Judul B"),
    ]
    assert corpus.skipped == (tmp_path / "notes.md",)


def test_corpus_is_re_iterable(write_jsonl: Callable[..., Path]) -> None:
    corpus = read_documents(write_jsonl([{"id": "a", "text": "x"}]))
    assert items_of(corpus) == items_of(corpus) == ["a"]


def items_of(corpus: object) -> list[str]:
    return [d.id for d in corpus if isinstance(d, Document)]  # type: ignore[attr-defined]


def test_html_is_extracted_with_trafilatura(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>Pasar Apung</title></head><body><nav>Beranda | Daerah</nav><article>"
        "<h1>Pasar Apung</h1><p>Puluhan perahu pedagang kembali memenuhi sungai setiap Minggu pagi setelah "
        "pasar apung dihidupkan lagi oleh warga.</p><p>Pedagang menjual sayur, ikan asap, dan kue dari perahu "
        "mereka kepada pengunjung yang datang dari berbagai kota.</p></article></body></html>",
        encoding="utf-8",
    )
    [doc] = list(read_documents(page))
    assert isinstance(doc, Document)
    assert "Puluhan perahu pedagang kembali memenuhi sungai" in doc.text
    assert "Beranda" not in doc.text


def test_html_without_article_text_is_a_record_error(tmp_path: Path) -> None:
    page = tmp_path / "empty.html"
    page.write_text("<html><body></body></html>", encoding="utf-8")
    assert items(page) == [f"{page}:1: no article text found in HTML"]


def test_unknown_file_type_and_missing_path_are_input_errors(tmp_path: Path) -> None:
    notes = tmp_path / "notes.md"
    notes.write_text("x", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"notes.md: unsupported input type; expected one of .jsonl"
    ):
        read_documents(notes)
    with pytest.raises(InputError, match=r"nope.jsonl: no such file or folder$"):
        read_documents(tmp_path / "nope.jsonl")


def test_writers_round_trip_jsonl_and_parquet(tmp_path: Path) -> None:
    docs = [Document("a", "teks", source="s", meta={"url": "u"})]
    for name in ("out.jsonl", "out.parquet"):
        assert write_documents(docs, tmp_path / name) == 1
        assert read_output(tmp_path / name) == {"a": "teks"}


def test_atomic_write_leaves_the_old_file_and_no_temp_on_a_crash(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    target.write_text("old\n", encoding="utf-8")

    def crash() -> None:
        with atomic_write(target, "w") as handle:
            handle.write("half of the new")
            raise RuntimeError("crash")

    with pytest.raises(RuntimeError):
        crash()
    assert target.read_text(encoding="utf-8") == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.jsonl"]
