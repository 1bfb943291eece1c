"""py3langid's model, unpacked once per machine instead of once per process.

The model ships LZMA-compressed with its feature table in float16. Every process that
identified a language decompressed it (0.27 s), read it (0.10 s) and widened the table to
float32 (0.13 s, see :func:`cleankit.filters.language._identifier`): half a second of each
worker's start, and 57 MB of each worker's memory. The arrays are kept instead, as plain
``.npy`` files, in cleankit's cache directory; a process reads the small ones and maps the
table, so workers share its pages. The copy is named by the shipped model's SHA-256, written
to a temporary folder and renamed into place (a crash or a second process never leaves half
a copy), and read back only when whole; any failure falls back to unpacking the shipped
model, so the cache can speed a run up but never change or stop it.

Scoring walks the model's automaton over the text's bytes. py3langid walks it in a Python
loop, one byte at a time (a third of a millisecond for the 2,000 characters read, a fifth of
the whole chain). The automaton's state after a byte is the longest feature prefix that ends
there (an Aho-Corasick automaton), and no feature is longer than the automaton is deep; so
the state at each byte is the one reached by walking only the last ``depth`` bytes from the
start, and those walks can run side by side, ``depth`` numpy gathers over the whole text.
The depth is measured once, when the copy is written, by a breadth-first walk from the start
state. The features found are counted in the order the library counts them (first
occurrence), so its own scoring sees the same numbers in the same order: the same scores,
bit for bit.

``CLEANKIT_CACHE_DIR`` names the cache directory (default ``$XDG_CACHE_HOME/cleankit``, else
``~/.cache/cleankit``); set it to an empty string to keep nothing on disk.
"""

from __future__ import annotations

import hashlib
import io
import lzma
import os
import shutil
import tempfile
from array import array
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

__all__ = ["cache_root", "load_identifier"]

#: The arrays of the shipped model's ``.npz`` that the identifier is built from.
_KEYS = ("ptc", "pc", "classes", "nextmove", "nextmove_row", "out_feat")
#: What the copy adds: the automaton's depth (the longest walk from the start state to any
#: state that the shortest way there takes).
_DERIVED = ("depth",)
#: The big arrays, memory-mapped from the cache so that workers share their pages.
_MAPPED = ("ptc", "nextmove")
#: Bumped when the files written here change their meaning.
_LAYOUT = "v2"

Arrays = dict[str, npt.NDArray[Any]]


def cache_root() -> Path | None:
    """Where cleankit keeps what it may rebuild at any time; None when caching is off."""
    named = os.environ.get("CLEANKIT_CACHE_DIR")
    if named is not None:
        return Path(named) if named.strip() else None
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cleankit"


def load_identifier() -> Any:
    """py3langid's identifier with the model's table in float32, from the cache when it holds
    a whole copy of this model, else from the shipped file (and the copy written)."""
    import py3langid.langid
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    shipped = Path(py3langid.langid.__file__).resolve().parent / MODEL_FILE
    arrays = _from_cache_or_shipped(shipped)
    if arrays is None:  # a model layout this code does not know: the library's own loader
        model = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
        return LanguageIdentifier(
            model.nb_ptc.astype(np.float32),
            model.nb_pc,
            model.nb_classes,
            model.tk_nextmove,
            model.tk_output,
            norm_probs=True,
            tk_row=model.tk_row,
        )
    # The automaton goes in as numpy arrays (the transition table memory-mapped from the
    # cache, shared by workers): the library's byte loop that wants them as lists is not run.
    identifier = _windowed_class(LanguageIdentifier)(
        arrays["ptc"],
        arrays["pc"],
        arrays["classes"].tolist(),
        arrays["nextmove"],
        arrays["out_feat"],
        norm_probs=True,
        tk_row=_unsigned(arrays["nextmove_row"]),
    )
    identifier.prepare_walk(arrays)
    return identifier


def _windowed_class(base: type) -> type:
    """py3langid's identifier with the byte walk done by :func:`feature_counts`."""

    class WindowedIdentifier(base):  # type: ignore[misc]
        __slots__ = ("_walk",)

        def prepare_walk(self, arrays: Arrays) -> None:
            self._walk = Walk.from_arrays(arrays)

        def _raw_score(self, text: bytes) -> Any:
            found = feature_counts(self._walk, text)
            if found is None:
                return super()._raw_score(b"")  # the library's score of a featureless text
            features, counts = found
            # The library's own product (``_sparse_score``), on the same numbers in the same
            # order: float32 counts, their log1p, the table's rows in first-met order.
            return np.log1p(counts.astype(np.float32)) @ self.nb_ptc[features] + self.nb_pc

    return WindowedIdentifier


class Walk:
    """The automaton as numpy arrays: next state by row and byte, each state's feature."""

    __slots__ = ("depth", "features", "next_state", "row_base")

    def __init__(
        self,
        next_state: npt.NDArray[Any],
        row_base: npt.NDArray[np.intp],
        features: npt.NDArray[Any],
        depth: int,
    ) -> None:
        self.next_state = next_state
        self.row_base = row_base
        self.features = features
        self.depth = depth

    @classmethod
    def from_arrays(cls, arrays: Arrays) -> Walk:
        return cls(
            arrays["nextmove"],
            arrays["nextmove_row"].astype(np.intp) << 8,
            arrays["out_feat"],
            int(arrays["depth"]),
        )


def feature_counts(
    walk: Walk, text: bytes
) -> tuple[npt.NDArray[np.intp], npt.NDArray[np.intp]] | None:
    """The features the automaton meets walking ``text`` and how often each, in the order it
    first meets them; None when it meets none. py3langid's ``visit_counts`` gives the same
    (as a Counter) with a Python loop per byte."""
    data = np.frombuffer(text, dtype=np.uint8).astype(np.intp)
    size = data.size
    states = np.zeros(size, dtype=np.intp)
    # Each position's walk starts ``depth`` bytes back (or at the text's start) from the
    # start state; step k reads the byte k places before the position, oldest first.
    for back in range(min(walk.depth, size) - 1, -1, -1):
        states[back:] = walk.next_state[walk.row_base[states[back:]] + data[: size - back]]
    met = walk.features[states]
    met = met[met >= 0]
    if not met.size:
        return None
    # Sorted by feature with ties in text order (two stable passes over 16-bit halves, which
    # numpy sorts by radix), so the first of each run is where the feature was first met.
    by_low = np.argsort((met & 0xFFFF).astype(np.uint16), kind="stable")
    by_value = by_low[np.argsort((met[by_low] >> 16).astype(np.uint16), kind="stable")]
    ordered = met[by_value]
    starts = np.flatnonzero(np.concatenate(([True], ordered[1:] != ordered[:-1])))
    counts = np.diff(np.append(starts, ordered.size))
    first = by_value[starts]
    order = np.argsort(first.astype(np.uint16) if met.size <= 0xFFFF else first, kind="stable")
    return ordered[starts][order], counts[order]


def automaton_depth(next_state: npt.NDArray[Any], row: npt.NDArray[Any]) -> int:
    """How many bytes the longest shortest walk from the start state takes: a
    breadth-first walk, one level of states at a time."""
    steps = np.arange(256, dtype=np.intp)
    base = row.astype(np.intp) << 8
    seen = np.zeros(row.size, dtype=bool)
    seen[0] = True
    level = np.array([0], dtype=np.intp)
    depth = 0
    while True:
        reached = np.zeros(row.size, dtype=bool)
        reached[next_state[(base[level][:, None] + steps).ravel()]] = True
        level = np.flatnonzero(reached & ~seen)
        if not level.size:
            return depth
        seen[level] = True
        depth += 1


def _from_cache_or_shipped(shipped: Path) -> Arrays | None:
    root = cache_root()
    data = shipped.read_bytes()
    folder = None
    if root is not None:
        digest = hashlib.sha256(data).hexdigest()[:16]
        folder = root / f"py3langid-{digest}-{_LAYOUT}"
        cached = _read(folder)
        if cached is not None:
            return cached
    arrays = _unpack(data)
    if arrays is not None and folder is not None:
        _write(folder, arrays)
    return arrays


def _unpack(data: bytes) -> Arrays | None:
    with np.load(io.BytesIO(lzma.decompress(data)), allow_pickle=False) as model:
        if not set(_KEYS) <= set(model.files):
            return None
        arrays = {key: model[key] for key in _KEYS}
    arrays["ptc"] = arrays["ptc"].astype(np.float32)
    depth = automaton_depth(arrays["nextmove"], arrays["nextmove_row"])
    arrays["depth"] = np.array(depth, dtype=np.int64)
    return arrays


def _read(folder: Path) -> Arrays | None:
    """The copy in ``folder``, or None when there is none or it cannot be read whole."""
    if not folder.is_dir():
        return None
    try:
        arrays = {
            key: np.load(folder / f"{key}.npy", mmap_mode="r" if key in _MAPPED else None)
            for key in (*_KEYS, *_DERIVED)
        }
    except (OSError, ValueError):
        shutil.rmtree(folder, ignore_errors=True)  # broken by hand or by the disk: rebuilt
        return None
    return arrays


def _write(folder: Path, arrays: Arrays) -> None:
    """Write the copy beside its final name and rename it into place; on any failure (a
    read-only or full disk, another process first) leave nothing behind."""
    try:
        folder.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".py3langid-", dir=folder.parent))
    except OSError:
        return
    try:
        for key in (*_KEYS, *_DERIVED):
            np.save(staging / f"{key}.npy", arrays[key], allow_pickle=False)
        staging.rename(folder)
    except OSError:
        shutil.rmtree(staging, ignore_errors=True)


def _unsigned(values: npt.NDArray[Any]) -> array[int]:
    """An unsigned integer array as the stdlib array py3langid's byte loop indexes fastest."""
    typecode = {2: "H", 4: "I", 8: "L"}[values.dtype.itemsize]
    out = array(typecode)
    out.frombytes(np.ascontiguousarray(values).tobytes())
    return out
