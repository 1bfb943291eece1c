"""Hostile input that once crashed a run or lost a record (issue #13): each is now a clean
result or one error row, and the other records come through."""

from __future__ import annotations

import datetime
import decimal
import json
import math
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner

from cleankit.cli.app import main
from cleankit.core.errors import SettingsError
from cleankit.core.settings import Settings
from cleankit.io.manifest import read_manifest


def _clean(tmp_path: Path, *inputs: Path, extra: tuple[str, ...] = ()) -> tuple[int, str]:
    result = CliRunner().invoke(
        main, ["clean", *map(str, inputs), "-o", str(tmp_path / "out"), *extra]
    )
    return result.exit_code, result.output


def test_a_lone_surrogate_escape_is_an_error_row_and_the_run_finishes(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    corpus.write_text(
        '{"id": "a", "text": "Harga beras \\ud800 turun."}\n'
        '{"id": "b", "text": "Jembatan baru dibuka pagi ini. \\ud83d\\ude00"}\n',
        encoding="utf-8",
    )
    code, output = _clean(tmp_path, corpus)
    assert code == 1  # a record failed; the run itself finished
    assert f"{corpus}:1: a lone surrogate escape (\\ud800) is not a Unicode character" in output
    manifest = read_manifest(tmp_path / "out" / "manifest.parquet")
    # The broken record keeps its own id, so it is found where its producer would look.
    assert dict(manifest.select("doc_id", "status").iter_rows()) == {"a": "error", "b": "kept"}
    [kept] = (tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert json.loads(kept)["text"] == "Jembatan baru dibuka pagi ini. \U0001f600"


def test_a_byte_order_mark_does_not_cost_the_first_record(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    corpus.write_bytes(b'\xef\xbb\xbf{"id": "a", "text": "first"}\n{"id": "b", "text": "second"}\n')
    code, _ = _clean(tmp_path, corpus)
    assert code == 0
    manifest = read_manifest(tmp_path / "out" / "manifest.parquet")
    assert manifest.get_column("doc_id").to_list() == ["a", "b"]
    assert manifest.get_column("status").to_list() == ["kept", "kept"]


def test_a_boolean_id_is_an_error_row(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    corpus.write_text('{"id": true, "text": "x"}\n{"id": 7, "text": "y"}\n', encoding="utf-8")
    code, output = _clean(tmp_path, corpus)
    assert code == 1
    assert f"{corpus}:1: field 'id' must be a string or integer, not bool" in output
    manifest = read_manifest(tmp_path / "out" / "manifest.parquet")
    assert manifest.filter(pl.col("status") == "kept").get_column("doc_id").to_list() == ["7"]


@pytest.mark.parametrize("output_format", ["jsonl", "parquet"])
def test_parquet_extra_columns_of_any_type_are_carried_with_their_type(
    tmp_path: Path, output_format: str
) -> None:
    corpus = tmp_path / "in.parquet"
    pl.DataFrame(
        {
            "id": ["a"],
            "text": ["Harga beras turun di pasar induk."],
            "date": [datetime.date(2024, 1, 2)],
            "ts": [datetime.datetime(2024, 1, 2, 3, 4, 5)],
            "amount": [decimal.Decimal("1.50")],
            "blob": [b"\x00\x01"],
        }
    ).write_parquet(corpus)
    code, output = _clean(tmp_path, corpus, extra=("--format", output_format))
    assert code == 0, output
    target = tmp_path / "out" / f"documents.{output_format}"
    if output_format == "jsonl":
        meta = json.loads(target.read_text(encoding="utf-8"))["meta"]
    else:
        meta = json.loads(pl.read_parquet(target).get_column("meta")[0])
    assert meta == {
        "date": {"$type": "date", "value": "2024-01-02"},
        "ts": {"$type": "datetime", "value": "2024-01-02T03:04:05"},
        "amount": {"$type": "decimal", "value": "1.50"},
        "blob": {"$type": "binary", "value": "AAE="},
    }


@pytest.mark.parametrize("value", [math.inf, math.nan, 0.0, -1.0])
def test_rule_timeout_must_be_a_finite_positive_number(value: float) -> None:
    with pytest.raises(SettingsError, match="rule_timeout"):
        Settings(rule_timeout=value)


def test_made_up_ids_are_unique_per_path_relative_to_the_input(tmp_path: Path) -> None:
    from cleankit.io.corpus import read_documents

    root = tmp_path / "in"
    for folder in ("a", "b"):
        (root / folder).mkdir(parents=True)
        (root / folder / "news.jsonl").write_text(
            f'{{"text": "Kabar dari folder {folder}."}}\n', encoding="utf-8"
        )
        (root / folder / "index.html").write_text(
            "<html><body><article><p>Puluhan perahu pedagang kembali memenuhi sungai setiap "
            f"Minggu pagi di folder {folder}, kata warga desa yang ikut berjualan.</p>"
            "</article></body></html>",
            encoding="utf-8",
        )
    ids = [getattr(item, "id", str(item)) for item in read_documents(root)]
    assert ids == ["a/index", "a/news.jsonl:1", "b/index", "b/news.jsonl:1"]
    # two files of one name given by name are told apart by their paths as given
    given = [root / "a" / "news.jsonl", root / "b" / "news.jsonl"]
    ids = [getattr(item, "id", str(item)) for item in read_documents(given)]
    assert ids == [f"{given[0].as_posix()}:1", f"{given[1].as_posix()}:1"]
    # one file given by name keeps the short form
    assert [d.id for d in read_documents(given[0])] == ["news.jsonl:1"]  # type: ignore[union-attr]


def test_an_output_folder_inside_an_input_folder_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "in"
    root.mkdir()
    (root / "news.jsonl").write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    result = CliRunner().invoke(main, ["clean", str(root), "-o", str(root / "out")])
    assert result.exit_code == 2
    assert result.stderr == (
        f"Error: output folder {root / 'out'} is inside input folder {root}: the next run would "
        "read this run's output as input; choose an output folder outside the inputs\n"
    )
    assert not (root / "out").exists()


def test_a_site_index_path_that_is_an_output_is_refused(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    corpus.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(
        main,
        ["clean", str(corpus), "-o", str(out), "--save-site-index", str(out / "manifest.parquet")],
    )
    assert result.exit_code == 2
    assert "would overwrite this run's output" in result.stderr


def test_outputs_follow_the_umask(tmp_path: Path) -> None:
    import os

    corpus = tmp_path / "in.jsonl"
    corpus.write_text('{"id": "a", "text": "x"}\n', encoding="utf-8")
    old = os.umask(0o022)
    try:
        for output_format in ("jsonl", "parquet"):
            out = tmp_path / output_format
            code, _ = _clean_to(out, corpus, "--format", output_format)
            assert code == 0
            for name in (f"documents.{output_format}", "manifest.parquet"):
                assert (out / name).stat().st_mode & 0o777 == 0o644, name
    finally:
        os.umask(old)


def _clean_to(out: Path, *args: str | Path) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["clean", *map(str, args), "-o", str(out)])
    return result.exit_code, result.output


def test_a_broken_record_keeps_its_own_id(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    corpus.write_text(
        '{"id": "kabar-7", "body": "no text field"}\n{"id": "kabar-8", "text": "Pasar buka."}\n',
        encoding="utf-8",
    )
    code, _ = _clean(tmp_path, corpus)
    assert code == 1
    manifest = read_manifest(tmp_path / "out" / "manifest.parquet")
    assert dict(manifest.select("doc_id", "status").iter_rows()) == {
        "kabar-7": "error",
        "kabar-8": "kept",
    }


def test_the_run_summary_counts_no_removal_for_errors_and_none_negative(tmp_path: Path) -> None:
    corpus = tmp_path / "in.jsonl"
    lines = [
        # a failed record: its characters were never cleaned, so none were removed
        json.dumps({"id": "bad", "text": 12345}),
        # a split inserts characters and removes none: no negative removal anywhere
        json.dumps({"id": "glued", "text": "Harga naik tajam.Pedagang mengeluh sejak pagi."}),
    ]
    corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
    _, output = _clean(tmp_path, corpus, extra=("--no-dedup",))
    [characters] = [line for line in output.splitlines() if line.startswith("characters:")]
    assert characters == "characters: 46 in, 47 out; 0 removed (0.0%), 1 inserted by repairs"
    assert "-" not in characters


def test_an_html_page_is_read_in_the_charset_it_declares(tmp_path: Path) -> None:
    page = tmp_path / "halaman.html"
    body = (
        "<p>Le maire a inauguré la nouvelle passerelle au-dessus de la rivière ce matin, "
        "après deux années de travaux très attendus par les habitants du quartier.</p>"
    )
    html = (
        '<html><head><meta charset="windows-1252"><title>Passerelle</title></head><body>'
        f"<article>{body * 3}</article></body></html>"
    )
    page.write_bytes(html.encode("cp1252"))
    code, output = _clean(tmp_path, page)
    assert code == 0, output
    [line] = (tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    assert "a inauguré la nouvelle passerelle au-dessus de la rivière" in json.loads(line)["text"]


def test_a_page_whose_bytes_break_its_declared_charset_is_an_error_row(tmp_path: Path) -> None:
    page = tmp_path / "rusak.html"
    page.write_bytes(b'<html><head><meta charset="utf-8"></head><body><p>caf\xe9</p></body></html>')
    code, output = _clean(tmp_path, page)
    assert code == 1
    assert f"{page}:1: byte 53 is not valid utf-8 (the charset the page declares)" in output


def test_a_corpus_too_large_for_memory_is_refused_before_any_work(tmp_path: Path) -> None:
    from cleankit.core.errors import CapacityError
    from cleankit.io.capacity import DEDUP_BYTES_PER_DOCUMENT, check_memory
    from cleankit.io.corpus import read_documents

    corpus = tmp_path / "in.jsonl"
    corpus.write_text("".join(f'{{"text": "x{n}"}}\n' for n in range(1000)), encoding="utf-8")
    documents = read_documents([corpus])
    small = 1000 * DEDUP_BYTES_PER_DOCUMENT  # less than the base plus 1000 documents
    with pytest.raises(CapacityError, match=r"about 1000 records need about 0\.3 GiB"):
        check_memory(documents.estimate_records(), Settings(), available=small)
    check_memory(
        documents.estimate_records(), Settings(dedup=False), available=small
    )  # no index, no limit
    check_memory(documents.estimate_records(), Settings(), available=1 << 40)


def test_band_keys_on_disk_let_a_larger_corpus_pass_the_memory_check() -> None:
    from cleankit.core.errors import CapacityError
    from cleankit.io.capacity import BASE_BYTES, DEDUP_BYTES_PER_DOCUMENT, check_memory

    records = 10_000_000
    # Room for everything but the band keys of all 25 bands: enough for the disk index only.
    room = BASE_BYTES + records * (DEDUP_BYTES_PER_DOCUMENT - 8 * 24)
    with pytest.raises(CapacityError, match="--dedup-index disk"):
        check_memory(records, Settings(), available=room)
    check_memory(records, Settings(), available=room, dedup_index="disk")
