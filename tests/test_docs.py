"""The docs promise what the code does: every command documented, every rule file described."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path
from typing import Any

import click
import polars as pl
import pytest

from cleankit.cli.app import main
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def commands(group: click.Group, prefix: str = "cleankit") -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    for name, command in sorted(group.commands.items()):
        path = f"{prefix} {name}"
        found.append((path, command))
        if isinstance(command, click.Group):
            found.extend(commands(command, path))
    return found


@pytest.mark.parametrize(
    ("path", "command"), commands(main), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_command_has_help_and_is_in_the_readme(path: str, command: click.Command) -> None:
    assert command.help, path
    assert f"`{path}" in README, path


def test_readme_starts_with_the_two_commands_and_ci_runs_them() -> None:
    blocks = README.split("```")
    first_block = blocks[1].strip().splitlines()[1:]
    assert len(first_block) == 2
    install, tests = first_block
    assert "cleankit clean samples -o out" in install
    assert "pytest" in tests
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert install in ci
    assert tests in ci


def test_every_rule_file_is_described_in_rules_readme() -> None:
    rules_readme = (ROOT / "rules" / "README.md").read_text(encoding="utf-8")
    for path in sorted((ROOT / "rules").glob("*.toml")):
        assert f"`{path.name}`" in rules_readme, path.name


def test_every_manifest_column_is_documented() -> None:
    from cleankit.io.manifest import SCHEMA

    for column in SCHEMA.names():
        assert f"`{column}`" in README, column


def test_the_readme_duckdb_query_runs(tmp_path: Path) -> None:
    import duckdb

    from cleankit.io.corpus import read_documents
    from cleankit.run import clean_corpus
    from tests.conftest import SAMPLES

    block = README.split("```sql")[1].split("```")[0]
    target = tmp_path / "run"
    clean_corpus(read_documents(SAMPLES), target)
    rows = duckdb.sql(
        block.replace("out/manifest.parquet", str(target / "manifest.parquet"))
    ).fetchall()
    assert rows[0][:3] == ("drop-near-duplicates", "near-duplicate", 3)


def _library_blocks() -> list[str]:
    section = README.split("## Library\n", 1)[1].split("\n## ", 1)[0]
    return [
        block.split("\n", 1)[1]
        for block in section.split("```")[1::2]
        if block.startswith("python")
    ]


def _cli_rows(tmp_path: Path, source: Path, *, dedup: bool) -> dict[str, dict[str, object]]:
    """The command line's manifest rows for ``source``, by id, in the adapters' columns."""
    from cleankit.adapters.columns import EMBED_COLUMNS
    from cleankit.core.settings import Settings
    from cleankit.io.corpus import read_documents
    from cleankit.run import clean_corpus

    target = tmp_path / f"cli-{source.stem}-{dedup}"
    summary = clean_corpus(read_documents([source]), target, settings=Settings(dedup=dedup))
    frame = pl.read_parquet(summary.manifest)
    return {r["doc_id"]: {c: r[c] for c in EMBED_COLUMNS} for r in frame.iter_rows(named=True)}


def _host_rows(rows: list[dict[str, Any]], *, prefix: str) -> dict[str, dict[str, object]]:
    """A host's rows by id, the added columns without their prefix; what a host leaves out of
    a row (datatrove's metadata keeps only values) is null, or an empty list of edits."""
    from cleankit.adapters.columns import EMBED_COLUMNS

    empty = {"edits": [], "suspects": []}
    return {str(r["id"]): {c: r.get(prefix + c, empty.get(c)) for c in EMBED_COLUMNS} for r in rows}


def _jsonl_gz(*folders: Path) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = []
    for folder in folders:
        for path in sorted(folder.glob("*.jsonl.gz")):
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                found.extend(json.loads(line) for line in handle)
    return found


def test_the_readme_library_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = _library_blocks()
    assert len(blocks) == 4
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    names: dict[str, Any] = {}
    exec(compile(blocks[0], "README.md (library)", "exec"), names)
    assert names["cleaned"].text == "Harga naik."
    assert (tmp_path / "out" / "manifest.parquet").is_file()
    assert names["manifest"].height == 1
    shards = sorted(p.name for p in (tmp_path / "out-shards").glob("documents-*"))
    assert shards == ["documents-00000.jsonl.zst"]
    news = tmp_path / "samples" / "news.jsonl"
    exec(compile(blocks[1], "README.md (polars)", "exec"), names)
    polars_rows = names["out"].to_dicts()
    assert _host_rows(polars_rows, prefix="cleankit_") == _cli_rows(tmp_path, news, dedup=True)

    pytest.importorskip("datasets", reason="install cleankit[datasets] for the datasets example")
    exec(compile(blocks[2], "README.md (datasets)", "exec"), names)
    source = tmp_path / "rows.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in names["rows"]), encoding="utf-8")
    kept = names["ds"].to_list()
    assert len(kept) == 10_000
    assert _host_rows(kept, prefix="cleankit_") == _cli_rows(tmp_path, source, dedup=False)

    pytest.importorskip("datatrove", reason="install cleankit[datatrove] for the datatrove example")
    pytest.importorskip("orjson", reason="install cleankit[datatrove] for the datatrove example")
    exec(compile(blocks[3], "README.md (datatrove)", "exec"), names)
    written = _jsonl_gz(tmp_path / "cleaned", tmp_path / "dropped")
    rows = [{"id": doc["id"], **doc["metadata"]} for doc in written]
    assert _host_rows(rows, prefix="cleankit_") == _cli_rows(tmp_path, news, dedup=False)
