"""Language identification for documents whose host names no language."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from py3langid.langid import MODEL_FILE, LanguageIdentifier, visit_counts

from cleankit.core.document import Document
from cleankit.filters import language, language_model
from cleankit.filters.language import LANGUAGE_KEY, IdentifyLanguage, identify_language

TEXTS = {
    "id": (
        "Warga di tepi sungai diminta waspada karena hujan deras diperkirakan turun hingga akhir "
        "pekan ini, kata kepala dinas setempat kepada wartawan pada Selasa pagi."
    ),
    "en": (
        "Residents along the river were told to stay alert because heavy rain is expected to "
        "continue until the end of the week, the head of the local agency said on Tuesday."
    ),
    "fr": (
        "Les habitants des bords du fleuve ont été invités à rester vigilants, car de fortes "
        "pluies sont attendues jusqu'à la fin de la semaine, a indiqué mardi le préfet."
    ),
    "de": (
        "Die Anwohner am Fluss wurden aufgefordert, wachsam zu bleiben, weil bis zum Ende der "
        "Woche mit starkem Regen gerechnet wird, sagte der Leiter der Behörde am Dienstag."
    ),
    "pt": (
        "Os moradores da beira do rio foram orientados a ficar atentos, porque chuvas fortes "
        "devem continuar até o fim da semana, disse o chefe da defesa civil na terça-feira."
    ),
}


@pytest.mark.parametrize("code", sorted(TEXTS))
def test_a_paragraph_is_identified(code: str) -> None:
    assert identify_language(TEXTS[code]) == code


@pytest.mark.parametrize("text", ["", "12:45 | 3.200 | 17/02", "Ok, ya. 2024 — 15:30 WIB"])
def test_too_few_letters_give_no_language(text: str) -> None:
    assert identify_language(text) is None


class _Sure:
    def classify(self, text: str) -> tuple[str, float]:
        return "xx", 1.0


def test_twenty_letters_are_enough_to_be_judged(monkeypatch: pytest.MonkeyPatch) -> None:
    """The letter count stops at the threshold: twenty letters reach the model, nineteen not."""
    monkeypatch.setattr(language, "_identifier", _Sure)
    assert identify_language("abcde fghij 1 2 3 klmno pqrst") == "xx"
    assert identify_language("abcde fghij 1 2 3 klmno pqrs") is None


def test_scores_equal_the_librarys_own_identifier() -> None:
    """cleankit scores with a float32 copy of the model's float16 table (faster); every
    language's score must stay the library's own, bit for bit."""
    from cleankit.filters.language import _identifier

    shipped = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ours = _identifier()
    mixed = " ".join(TEXTS.values())
    for text in [*TEXTS.values(), mixed, "Hujan turun. Rain fell. Il pleut."]:
        assert ours.rank(text) == shipped.rank(text)


def _texts_of_every_shape() -> list[str]:
    """Paragraphs, mixed scripts, texts shorter than the automaton is deep, random
    characters from several blocks, and one longer than 65,535 bytes."""
    rng = random.Random(7)
    blocks = [(0x20, 0x7F), (0xA0, 0x250), (0x400, 0x500), (0x4E00, 0x4F00), (0x1F300, 0x1F400)]
    texts = [*TEXTS.values(), "", "a", "ab", "abc d", " ".join(TEXTS.values()) * 20]
    for _ in range(200):
        low, high = rng.choice(blocks)
        texts.append("".join(chr(rng.randrange(low, high)) for _ in range(rng.randrange(60))))
    return texts


def _deepest_spellings(identifier: Any) -> list[bytes]:
    """For each state the automaton reaches last from its start, the bytes that reach it
    (found here by a breadth-first walk of its own, independent of the library code's)."""
    moves = np.asarray(identifier.tk_nextmove)
    rows = np.asarray(identifier.tk_row).astype(np.intp) << 8
    spelled = {0: b""}
    level = np.array([0])
    seen = np.zeros(rows.size, dtype=bool)
    seen[0] = True
    deepest: list[int] = []
    while True:
        states, where = np.unique(
            moves[(rows[level][:, None] + np.arange(256)).ravel()], return_index=True
        )
        new = ~seen[states]
        if not new.any():
            return [spelled[state] for state in deepest]
        seen[states[new]] = True
        for state, at in zip(states[new].tolist(), where[new].tolist(), strict=True):
            spelled[state] = spelled[int(level[at // 256])] + bytes([at % 256])
        level, deepest = states[new], states[new].tolist()


def test_the_windowed_walk_counts_what_the_librarys_byte_loop_counts() -> None:
    """The walk that runs every position's last bytes side by side meets the same features,
    as often, in the same first-met order as py3langid's loop over the bytes: the scores
    are then the library's own product of the same numbers."""
    from cleankit.filters.language import _identifier
    from cleankit.filters.language_model import feature_counts

    ours = _identifier()
    deepest = _deepest_spellings(ours)
    assert {len(spelling) for spelling in deepest} == {ours._walk.depth}
    # A walk one byte short would miss each of these states (two CJK characters, 6 bytes).
    samples = [f"ab {text} cd".encode() for text in _texts_of_every_shape()]
    samples += [b"ab " + spelling + b" cd" for spelling in deepest]
    for data in samples:
        expected = visit_counts(ours.tk_nextmove, ours._rowbase, ours.tk_output, data)
        found = feature_counts(ours._walk, data)
        if expected is None:
            assert found is None
            continue
        assert found is not None
        assert list(zip(*(a.tolist() for a in found), strict=True)) == list(expected.items())


def test_scores_of_texts_of_every_shape_equal_the_librarys() -> None:
    from cleankit.filters.language import _identifier

    shipped = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    ours = _identifier()
    for text in _texts_of_every_shape():
        assert ours.rank(text) == shipped.rank(text)


def test_the_hosts_language_wins_and_is_recorded() -> None:
    doc = Document(id="a", text=TEXTS["en"], language="id")
    outcome = IdentifyLanguage()(doc)
    assert outcome.doc is doc
    assert outcome.provenance == {LANGUAGE_KEY: "id"}


def test_an_unnamed_language_is_set_and_recorded_without_touching_the_text() -> None:
    doc = Document(id="a", text=TEXTS["de"])
    outcome = IdentifyLanguage()(doc)
    assert outcome.doc is not None
    assert outcome.doc.language == "de"
    assert outcome.doc.text == doc.text
    assert outcome.provenance == {LANGUAGE_KEY: "de"}
    assert outcome.edits == ()


def test_a_text_too_short_to_judge_stays_without_language() -> None:
    doc = Document(id="a", text="12:45 WIB")
    outcome = IdentifyLanguage()(doc)
    assert outcome.doc is doc
    assert outcome.provenance == {}


def _same_as_shipped(identifier: object) -> None:
    shipped = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
    for text in [*TEXTS.values(), "Hujan turun. Rain fell. Il pleut."]:
        assert identifier.rank(text) == shipped.rank(text)  # type: ignore[attr-defined]


def test_the_unpacked_model_is_kept_and_read_back(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLEANKIT_CACHE_DIR", str(tmp_path))
    _same_as_shipped(language_model.load_identifier())
    (folder,) = tmp_path.iterdir()
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        f"{key}.npy"
        for key in ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat", "depth")
    )

    def unpacking(data: bytes) -> None:
        raise AssertionError("the copy in the cache was not used")

    monkeypatch.setattr(language_model, "_unpack", unpacking)
    _same_as_shipped(language_model.load_identifier())


def test_a_broken_copy_is_rebuilt(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CLEANKIT_CACHE_DIR", str(tmp_path))
    language_model.load_identifier()
    (folder,) = tmp_path.iterdir()
    table = folder / "ptc.npy"
    table.write_bytes(table.read_bytes()[:1000])  # cut short, as a full disk or a hand might
    _same_as_shipped(language_model.load_identifier())
    assert (folder / "ptc.npy").stat().st_size > 1000  # whole again


@pytest.mark.parametrize("where", ["", "a-file"])
def test_no_cache_or_an_unwritable_one_changes_nothing(
    where: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Caching off (an empty CLEANKIT_CACHE_DIR), or a cache that cannot be written (a file
    where the folder should be): the model is unpacked from the shipped file, no error."""
    if where:
        (tmp_path / where).write_text("not a folder")
    monkeypatch.setenv("CLEANKIT_CACHE_DIR", str(tmp_path / where) if where else "")
    assert (language_model.cache_root() is None) == (not where)
    _same_as_shipped(language_model.load_identifier())
    assert sorted(p.name for p in tmp_path.iterdir()) == ([where] if where else [])
