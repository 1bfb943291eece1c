"""Adapters run against the real host libraries; each test skips with a reason when its extra is absent."""

from __future__ import annotations

import json

import polars as pl
import pytest

import cleankit
from cleankit.adapters.hf_datasets import datasets_map_function
from cleankit.adapters.polars_frames import clean_frame
from tests.conftest import SAMPLES

RAW = "JAKARTA - Harga beras naik di pasar induk.\nBaca juga: Banjir di Kudus\nStory Code : 77"


def test_clean_text_returns_text_edits_and_provenance() -> None:
    cleaned = cleankit.clean_text(RAW)
    assert cleaned.text == "Harga beras naik di pasar induk."
    assert cleaned.provenance == {"dateline_city": "JAKARTA", "story_code": "77"}
    assert cleaned.language == "id"  # identified: the text names no language
    assert cleankit.restore(cleaned.text, cleaned.edits) == RAW


def test_clean_frame_adds_text_and_manifest_columns_and_dedups_rows() -> None:
    records = [
        json.loads(line)
        for line in (SAMPLES / "news.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    frame = pl.DataFrame({"id": [r["id"] for r in records], "body": [r["text"] for r in records]})
    out = clean_frame(frame, column="body", id_column="id")
    assert out.columns[:3] == ["id", "body", "cleaned"]
    rows = {r["id"]: r for r in out.iter_rows(named=True)}
    assert rows["aggregator-9001"]["status"] == "duplicate"
    assert rows["aggregator-9001"]["cleaned"] is None
    assert rows["it-2208871"]["story_code"] == "2208871"
    assert rows["voi-en-5521"]["machine_translated"] is True
    assert out.schema["edits"] == cleankit.SCHEMA["edits"]


def test_clean_frame_names_a_missing_column() -> None:
    with pytest.raises(cleankit.InputError, match=r"^no column 'text' \(columns: body\)$"):
        clean_frame(pl.DataFrame({"body": ["x"]}))


def test_hugging_face_datasets_map() -> None:
    datasets = pytest.importorskip(
        "datasets", reason="install cleankit[datasets] for the datasets adapter"
    )
    from cleankit.adapters.hf_datasets import clean_dataset

    data = datasets.Dataset.from_dict({"text": [RAW, "Story Code : 1", "Teks biasa tanpa sampah."]})
    out = clean_dataset(data, batch_size=2)
    assert out["text"] == ["Harga beras naik di pasar induk.", "", "Teks biasa tanpa sampah."]
    assert out["cleankit_status"] == ["kept", "dropped", "kept"]
    assert out["cleankit_story_code"] == ["77", "1", None]
    assert out["cleankit_edits"][0][0]["rule"] == "dateline-city-caps"
    kept = out.filter(lambda row: row["cleankit_status"] == "kept")
    assert kept.num_rows == 2


def test_datatrove_step() -> None:
    pytest.importorskip("datatrove", reason="install cleankit[datatrove] for the datatrove adapter")
    from datatrove.data import Document as DatatroveDocument

    from cleankit.adapters.datatrove_step import CleankitStep

    step = CleankitStep()
    docs = [DatatroveDocument(text=RAW, id="a"), DatatroveDocument(text="Story Code : 5", id="b")]
    out = list(step.run(iter(docs)))
    assert [d.id for d in out] == ["a"]
    assert out[0].text == "Harga beras naik di pasar induk."
    assert out[0].metadata["cleankit_story_code"] == "77"
    assert [e["rule"] for e in out[0].metadata["cleankit_edits"]] == [
        "dateline-city-caps",
        "see-also-pointer",
        "story-code-line",
        "whitespace",  # tidy-whitespace: the line break the two removed lines left behind
    ]
    assert step.stats["dropped"].total == 1


def _failing_chain() -> cleankit.Chain:
    from cleankit.core.chain import as_filter
    from cleankit.core.document import Document, Outcome
    from cleankit.core.errors import DocumentError

    def slow_rule(doc: Document) -> Outcome:
        if "slow" in doc.text:
            raise DocumentError("rule 'x' ran longer than 1.0s on this document")
        return Outcome(doc=doc)

    return cleankit.Chain((as_filter("slow-rule", slow_rule),))


def test_the_datasets_map_function_reports_a_failing_document_and_goes_on() -> None:
    clean = datasets_map_function(chain=_failing_chain())
    out = clean({"text": ["fine text", "a slow text", "more text"]}, [0, 1, 2])
    assert out["text"] == ["fine text", "a slow text", "more text"]
    assert out["cleankit_status"] == ["kept", "error", "kept"]
    assert out["cleankit_error"] == [None, "rule 'x' ran longer than 1.0s on this document", None]


def test_clean_frame_carries_the_error_of_a_failing_document() -> None:
    out = clean_frame(pl.DataFrame({"text": ["fine text", "a slow text"]}), chain=_failing_chain())
    assert out["status"].to_list() == ["kept", "error"]
    assert out["error"].to_list() == [None, "rule 'x' ran longer than 1.0s on this document"]
