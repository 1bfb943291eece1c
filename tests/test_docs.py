"""The docs promise what the code does: every command documented, every rule file described."""

from __future__ import annotations

from pathlib import Path

import click
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


def test_the_readme_library_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    blocks = _library_blocks()
    assert len(blocks) == 3
    shutil.copytree(ROOT / "samples", tmp_path / "samples")
    monkeypatch.chdir(tmp_path)
    names: dict[str, object] = {}
    exec(compile(blocks[0], "README.md (library)", "exec"), names)
    assert names["cleaned"].text == "Harga naik."  # type: ignore[attr-defined]
    assert (tmp_path / "out" / "manifest.parquet").is_file()
    exec(compile(blocks[1], "README.md (polars)", "exec"), names)
    assert names["out"]["status"].to_list() == ["kept"]  # type: ignore[index]
    pytest.importorskip("datasets", reason="install cleankit[datasets] for the datasets example")
    pytest.importorskip("datatrove", reason="install cleankit[datatrove] for the datatrove example")
    exec(compile(blocks[2], "README.md (hosts)", "exec"), names)
    assert names["ds"]["cleankit_status"] == ["kept"]  # type: ignore[index]
    assert [d.text for d in names["kept"]] == ["Harga beras naik lagi di pasar."]  # type: ignore[attr-defined]
