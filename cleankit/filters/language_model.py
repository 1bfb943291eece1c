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
#: Bumped when the files written here change their meaning.
_LAYOUT = "v1"

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
    return LanguageIdentifier(
        arrays["ptc"],
        arrays["pc"],
        arrays["classes"].tolist(),
        _unsigned(arrays["nextmove"]),
        arrays["out_feat"].tolist(),
        norm_probs=True,
        tk_row=_unsigned(arrays["nextmove_row"]),
    )


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
    return arrays


def _read(folder: Path) -> Arrays | None:
    """The copy in ``folder``, or None when there is none or it cannot be read whole."""
    if not folder.is_dir():
        return None
    try:
        arrays = {
            key: np.load(folder / f"{key}.npy", mmap_mode="r" if key == "ptc" else None)
            for key in _KEYS
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
        for key in _KEYS:
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
