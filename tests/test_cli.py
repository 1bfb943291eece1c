from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import polars as pl
import pytest
from click.testing import CliRunner, Result

from cleankit.cli.app import main
from tests.conftest import SAMPLES


def run(*args: str) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


@pytest.fixture(scope="module")
def sample_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("cli")
    result = run("clean", SAMPLES, "-o", out)
    assert result.exit_code == 0, result.output
    return out


def test_clean_writes_outputs_and_a_summary(sample_out: Path) -> None:
    result = run("clean", SAMPLES, "-o", sample_out / "again")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "15 records: 12 kept, 0 dropped, 3 duplicate, 0 error"
    assert (
        lines[-1]
        == f"wrote {sample_out / 'again' / 'documents.jsonl'} and {sample_out / 'again' / 'manifest.parquet'}"
    )
    assert (sample_out / "documents.jsonl").is_file()
    assert (sample_out / "manifest.parquet").is_file()


def test_bad_records_are_reported_counted_and_exit_1(
    write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    path = write_jsonl(
        [{"id": "a", "text": "Teks yang baik."}, "{oops", {"id": "c", "text": "Teks lain."}]
    )
    result = run("clean", path, "-o", tmp_path / "out")
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        f"{path}:2: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
        "1 record(s) failed; see the lines above and the manifest",
    ]
    assert result.stdout.splitlines()[0] == "3 records: 2 kept, 0 dropped, 0 duplicate, 1 error"
    manifest = pl.read_parquet(tmp_path / "out" / "manifest.parquet")
    assert manifest.get_column("status").to_list() == ["kept", "error", "kept"]
    assert manifest.get_column("doc_id").to_list() == ["a", f"{path}:2", "c"]
    assert len((tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8").splitlines()) == 2


def test_missing_input_is_a_one_line_error(tmp_path: Path) -> None:
    result = run("clean", tmp_path / "nope.jsonl", "-o", tmp_path / "out")
    assert result.exit_code == 2  # a usage error (#13)
    assert result.stderr == f"Error: {tmp_path / 'nope.jsonl'}: no such file or folder\n"


def test_usage_errors_exit_2(tmp_path: Path) -> None:
    assert run("clean", SAMPLES).exit_code == 2
    assert run("clean", SAMPLES, "-o", tmp_path, "--keep", "oldest").exit_code == 2
    result = run("clean", SAMPLES, "-o", tmp_path, "--threshold", "1.5")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == "Error: setting 'document_threshold' must be in (0, 1]"
    assert run("clean", SAMPLES, "-o", tmp_path, "--no-builtin-rules").exit_code == 2


def test_unknown_setting_in_config_suggests_a_name(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text("document_treshold = 0.9\n", encoding="utf-8")
    result = run("clean", SAMPLES, "-o", tmp_path / "out", "--config", config)
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == (
        f"Error: {config}: unknown setting 'document_treshold'; did you mean 'document_threshold'?"
    )


def test_config_values_reach_the_manifest(tmp_path: Path) -> None:
    config = tmp_path / "settings.toml"
    config.write_text('keep = "longest"\nseed = 7\n', encoding="utf-8")
    assert run("clean", SAMPLES, "-o", tmp_path / "out", "--config", config).exit_code == 0
    options = json.loads(pl.read_parquet(tmp_path / "out" / "manifest.parquet")["options"][0])
    assert (options["keep"], options["seed"], options["output_format"]) == ("longest", 7, "jsonl")


def test_explain_prints_removals_and_provenance(sample_out: Path) -> None:
    result = run("explain", "it-2208871", "--manifest", sample_out / "manifest.parquet")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "it-2208871 (samples/news.jsonl:9): kept".replace("samples/", f"{SAMPLES}/")
    assert (
        "  provenance: publisher=IslamTimes, publisher_from=text, story_code=2208871, "
        "desk_tag=IT/r, cited_source=Reuters, cited_source_from=prose" in lines
    )
    assert "  strip-rules / story-code-line: removed 'Story Code : 2208871\\n'" in lines


def test_explain_a_duplicate_and_an_unknown_id(sample_out: Path) -> None:
    result = run("explain", "aggregator-9001", "--manifest", sample_out / "manifest.parquet")
    assert result.stdout.splitlines()[1] == "  duplicate of voi-en-5521 (jaccard 1.00)"
    missing = run("explain", "nope", "--manifest", sample_out / "manifest.parquet")
    assert missing.exit_code == 2
    assert missing.stderr == "Error: no document 'nope' in the manifest\n"


def test_restore_rebuilds_every_input_byte_for_byte(sample_out: Path, tmp_path: Path) -> None:
    target = tmp_path / "restored.jsonl"
    result = run(
        "restore",
        sample_out / "documents.jsonl",
        "--manifest",
        sample_out / "manifest.parquet",
        "-o",
        target,
    )
    assert result.exit_code == 0, result.output
    restored = {
        json.loads(line)["id"]: json.loads(line)["text"]
        for line in target.read_text(encoding="utf-8").splitlines()
    }
    originals = {
        json.loads(line)["id"]: json.loads(line)["text"]
        for line in (SAMPLES / "news.jsonl").read_text(encoding="utf-8").splitlines()
    }
    assert {k: restored[k] for k in originals} == originals
    assert len(restored) == 15


def test_parquet_output_and_site_index(tmp_path: Path) -> None:
    index = tmp_path / "site.parquet"
    result = run(
        "clean", SAMPLES, "-o", tmp_path / "out", "--format", "parquet", "--save-site-index", index
    )
    assert result.exit_code == 0, result.output
    frame = pl.read_parquet(tmp_path / "out" / "documents.parquet")
    assert frame.columns == ["id", "text", "source", "meta"]
    assert frame.height == 12
    saved = pl.read_parquet(index)
    assert saved.filter(pl.col("site") == "kabarnusa.com").get_column("docs").max() == 6
    again = run("clean", SAMPLES / "news.jsonl", "-o", tmp_path / "out2", "--site-index", index)
    assert again.exit_code == 0


def test_rules_list_and_check() -> None:
    listed = run("rules", "list", "--json")
    assert listed.exit_code == 0
    ids = [json.loads(line)["id"] for line in listed.stdout.splitlines()]
    assert "story-code-line" in ids
    checked = run("rules", "check")
    assert checked.exit_code == 0
    assert checked.stdout.endswith(" failed\n")
    assert ", 0 failed" in checked.stdout


ADVERT_RULE = """[[rule]]
id = "advert-line"
version = 1
description = "advertisement marker"
pattern = '''(?m)^ADVERTISEMENT$'''
scope = "line"
language = ["*"]

  [[rule.example]]
  text = "A\\nADVERTISEMENT\\nB"
  expect = "A\\nB{extra}"

  [[rule.example]]
  text = "Advertisement revenue fell."
  expect = "Advertisement revenue fell."
"""


def test_rules_check_fails_on_a_wrong_example(tmp_path: Path) -> None:
    path = tmp_path / "mine.toml"
    path.write_text(ADVERT_RULE.replace("{extra}", "\\n"), encoding="utf-8")
    result = run("rules", "check", path)
    assert result.exit_code == 1
    assert (
        result.stderr
        == f"""{path}:9: rule "advert-line" example 0: expected 'A\\nB\\n', got 'A\\nB'\n"""
    )


def test_extra_rules_apply_on_top_of_the_builtin_set(
    tmp_path: Path, write_jsonl: Callable[..., Path]
) -> None:
    rule = tmp_path / "ads.toml"
    rule.write_text(ADVERT_RULE.replace("{extra}", ""), encoding="utf-8")
    path = write_jsonl(
        [{"id": "a", "text": "Story Code : 12\nHarga naik.\nADVERTISEMENT\nHarga turun."}]
    )
    result = run("clean", path, "-o", tmp_path / "out", "--rules", rule)
    assert result.exit_code == 0, result.output
    text = json.loads((tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8"))["text"]
    assert text == "Harga naik.\nHarga turun."
    only = run("clean", path, "-o", tmp_path / "out2", "--rules", rule, "--no-builtin-rules")
    assert only.exit_code == 0
    text = json.loads((tmp_path / "out2" / "documents.jsonl").read_text(encoding="utf-8"))["text"]
    assert text == "Story Code : 12\nHarga naik.\nHarga turun."


def test_version() -> None:
    result = run("--version")
    assert result.stdout.startswith("cleankit, version ")


STORY = (
    "Petugas gabungan menutup jalan desa selama dua hari karena longsor menimbun badan jalan "
    "sepanjang tiga puluh meter, kata kepala desa pada Senin pagi. Warga diminta memakai jalan "
    "lain yang lebih jauh sampai alat berat selesai bekerja."
)


def test_dedup_only_drops_copies_and_leaves_texts_as_read(
    write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    raw = "Baca juga: Judul lain\n" + STORY  # junk a clean run would strip
    other = "Harga cabai naik tajam di pasar induk sejak pekan lalu karena panen gagal di sentra produksi."
    path = write_jsonl(
        [{"id": "a", "text": raw}, {"id": "b", "text": raw}, {"id": "c", "text": other}]
    )
    result = run("dedup", path, "-o", tmp_path / "out", "--json")
    assert result.exit_code == 0, result.output
    summary = json.loads(result.stdout)
    assert summary["statuses"] == {"duplicate": 1, "kept": 2}
    # the one "edit" is the dropped copy; no text was changed
    assert summary["edits_by_rule"] == {"drop-near-duplicates/near-duplicate": 1}
    assert summary["chars_inserted_by_step"] == {}
    written = [
        json.loads(line)
        for line in (tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert [(d["id"], d["text"]) for d in written] == [("a", raw), ("c", other)]
    manifest = pl.read_parquet(tmp_path / "out" / "manifest.parquet")
    assert manifest.get_column("duplicate_of").to_list() == [None, "a", None]
    assert "fix-text" in json.loads(manifest.get_column("options")[0])["skip"]
    verified = run(
        "audit",
        "verify",
        tmp_path / "out" / "manifest.parquet",
        tmp_path / "out" / "documents.jsonl",
    )
    assert verified.exit_code == 0, verified.output


def test_band_keys_on_disk_write_the_same_documents_and_manifest(
    write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    other = "Harga cabai naik tajam di pasar induk sejak pekan lalu karena panen gagal di sentra produksi."
    path = write_jsonl(
        [{"id": f"d{i}", "text": STORY if i % 3 else other + f" Edisi {i}."} for i in range(12)]
    )
    outputs = {}
    for index in ("memory", "disk"):
        out = tmp_path / index
        result = run("clean", path, "-o", out, "--dedup-index", index, "-q")
        assert result.exit_code == 0, result.output
        manifest = pl.read_parquet(out / "manifest.parquet").drop("started_at")
        outputs[index] = ((out / "documents.jsonl").read_bytes(), manifest)
    assert outputs["disk"][0] == outputs["memory"][0]
    assert outputs["disk"][1].equals(outputs["memory"][1])  # options too: not a setting
    # one of the 8 copies of STORY and one of the 4 editions of the other text stay
    assert outputs["memory"][1].get_column("status").to_list().count("duplicate") == 10


def test_skip_leaves_one_step_out_and_quiet_prints_nothing(
    write_jsonl: Callable[..., Path], tmp_path: Path
) -> None:
    raw = "Baca juga: Judul lain\n" + STORY
    path = write_jsonl([{"id": "a", "text": raw}])
    result = run("clean", path, "-o", tmp_path / "out", "--skip", "strip-rules", "-q")
    assert result.exit_code == 0, result.output
    assert result.output == ""
    written = json.loads((tmp_path / "out" / "documents.jsonl").read_text(encoding="utf-8"))
    assert written["text"].startswith("Baca juga: Judul lain")


def test_an_unknown_step_to_skip_is_a_usage_error(tmp_path: Path) -> None:
    result = run("clean", SAMPLES, "-o", tmp_path / "out", "--skip", "strip-rule")
    assert result.exit_code == 2
    assert "'strip-rule' is not one of" in result.stderr


def test_progress_lines_say_documents_and_rate() -> None:
    from cleankit.cli.progress import ProgressLines

    lines = ProgressLines("cleaning", every=0.0)
    runner = CliRunner()
    with runner.isolation() as (_, _, err):
        lines.start_pass("clean")
        lines()
        lines()
        lines.start_pass("apply drop-near-duplicates")
        lines()
    text = err.getvalue().decode().splitlines()
    assert text[0] == "cleaning: clean"
    assert text[2].startswith("cleaning, clean: 2 documents, ")
    assert text[2].endswith(" docs/s")
    assert text[3] == "cleaning: apply drop-near-duplicates"
    assert text[4].startswith("cleaning, apply drop-near-duplicates: 1 documents, ")


def test_verbose_names_every_pass_of_a_piped_run(tmp_path: Path) -> None:
    result = run("clean", SAMPLES, "-o", tmp_path / "out", "-v")
    assert result.exit_code == 0
    passes = [line for line in result.stderr.splitlines() if line.startswith("cleaning: ")]
    assert passes == [
        "cleaning: clean",
        "cleaning: index drop-near-duplicates",
        "cleaning: apply drop-near-duplicates",
        "cleaning: index drop-site-boilerplate",
        "cleaning: apply drop-site-boilerplate",
        "cleaning: write manifest",
    ]


def test_the_default_chain_has_the_steps_skip_names() -> None:
    from cleankit.core.errors import SettingsError
    from cleankit.core.settings import STEPS
    from cleankit.run import default_chain

    assert tuple(f.name for f in default_chain().filters) == STEPS
    with pytest.raises(SettingsError, match="did you mean 'strip-rules'"):
        default_chain(skip=["strip-rule"])


def test_help_loads_no_heavy_library() -> None:
    """`cleankit --help` and `clean --help` answer without polars, datasketch (scipy) or
    trafilatura: what keeps them under 0.3 s (bench_startup.py measures the time itself)."""
    import subprocess
    import sys

    probe = (
        "import sys, contextlib, io\n"
        "from cleankit.cli.app import main\n"
        "for args in (['--help'], ['clean', '--help'], ['audit', 'verify', '--help']):\n"
        "    with contextlib.suppress(SystemExit), contextlib.redirect_stdout(io.StringIO()):\n"
        "        main(args)\n"
        "heavy = ('polars', 'datasketch', 'scipy', 'trafilatura', 'numpy')\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in heavy))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=60
    )
    assert done.stdout.strip() == "[]", done.stdout[:500]
