"""Run settings as one immutable value, loaded from TOML and overridden by CLI options."""

from __future__ import annotations

import dataclasses
import json
import math
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, fields
from enum import StrEnum
from pathlib import Path
from typing import Any

from cleankit.core.errors import SettingsError, did_you_mean

__all__ = [
    "DEDUP_ONLY_SKIP",
    "KEEP_POLICIES",
    "STEPS",
    "Keep",
    "Settings",
    "check_skip",
    "load_settings",
]


class Keep(StrEnum):
    """Which document of a duplicate cluster survives."""

    FIRST = "first"  # input order
    LONGEST = "longest"
    EARLIEST = "earliest"  # by meta.date / meta.published_date; undated last
    PRIORITY = "priority"  # by the document's site or source in source_priority


KEEP_POLICIES = tuple(policy.value for policy in Keep)

#: Where document dedup keeps its band keys in one process: one array in memory, or one file
#: per band on disk (:mod:`cleankit.filters.dedup_index`). Not a setting: results are the same.
DEDUP_INDEXES = ("memory", "disk")


#: The steps of the default chain (``cleankit.pipeline.default_chain``), in order: the names
#: ``skip`` accepts. Kept here, not in the pipeline, so the CLI lists them without loading it.
STEPS = (
    "identify-language",
    "fix-text",
    "normalize-whitespace",
    "split-glued",
    "repair-stray-letters",
    "strip-rules",
    "drop-page-furniture",
    "drop-repeated-headline",
    "drop-repeated-paragraphs",
    "drop-near-duplicates",
    "drop-site-boilerplate",
    "tidy-whitespace",
    "drop-empty",
)
#: What ``cleankit dedup`` leaves out: every step but document dedup, so texts stay as read.
DEDUP_ONLY_SKIP = tuple(step for step in STEPS if step != "drop-near-duplicates")


def check_skip(skip: Sequence[str]) -> tuple[str, ...]:
    """``skip`` as a tuple of known step names; an unknown one is a SettingsError with a hint."""
    for step in skip:
        if step not in STEPS:
            hint = did_you_mean(step, STEPS) or f"; steps: {', '.join(STEPS)}"
            raise SettingsError(f"unknown step {step!r} to skip{hint}")
    return tuple(skip)


@dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Every knob of a run. All of it is written to the manifest's ``options`` column."""

    # normalize
    uncurl_quotes: bool = False  # curly quotes are not mojibake; straightening them changes text
    unicode_normalization: str = "NFC"
    fix_encoding: bool = True
    fix_character_width: bool = False  # folding full-width forms changes CJK text; not a repair
    # MinHash (paragraph and document level)
    shingle_size: int = 5  # word n-grams
    num_perm: int = 128
    seed: int = 1
    lsh_bands: int = 25  # 25 x 5 = 125 of the 128 permutations; P(candidate | J=0.8) > 0.9999
    lsh_rows: int = 5
    paragraph_threshold: float = 0.8  # Jaccard (or containment) for repeats inside a document
    min_paragraph_words: int = 5  # shorter paragraphs are only dropped as exact repeats
    document_threshold: float = 0.8  # exact shingle Jaccard a candidate pair must reach
    keep: str = "first"
    source_priority: tuple[str, ...] = ()
    site_min_docs: int = 5  # a paragraph in this many documents of one site is boilerplate
    dedup: bool = True
    rule_timeout: float = 1.0  # seconds one rule may spend on one document
    max_removal: float = 0.3  # an edit removing more of a document is held back as a suspect
    site_publisher: bool = True  # the site stands for the publisher when no furniture names one

    def __post_init__(self) -> None:
        _check(0.0 < self.paragraph_threshold <= 1.0, "paragraph_threshold", "must be in (0, 1]")
        _check(0.0 < self.document_threshold <= 1.0, "document_threshold", "must be in (0, 1]")
        _check(self.shingle_size >= 1, "shingle_size", "must be at least 1")
        _check(self.num_perm >= 2, "num_perm", "must be at least 2")
        _check(
            self.lsh_bands * self.lsh_rows <= self.num_perm,
            "lsh_bands",
            f"lsh_bands x lsh_rows must not exceed num_perm ({self.num_perm})",
        )
        _check(
            self.lsh_bands >= 1 and self.lsh_rows >= 1, "lsh_bands", "bands and rows must be >= 1"
        )
        _check(self.keep in KEEP_POLICIES, "keep", f"must be one of {', '.join(KEEP_POLICIES)}")
        _check(self.site_min_docs >= 2, "site_min_docs", "must be at least 2")
        _check(
            math.isfinite(self.rule_timeout) and 0 < self.rule_timeout <= 3600,
            "rule_timeout",
            "must be a number of seconds above 0 and at most 3600",
        )
        _check(0.0 < self.max_removal <= 1.0, "max_removal", "must be in (0, 1]")
        _check(
            self.unicode_normalization in ("NFC", "NFKC", "NFD", "NFKD", "none"),
            "unicode_normalization",
            "must be NFC, NFKC, NFD, NFKD or none",
        )

    def to_json(self) -> str:
        """Canonical JSON (sorted keys) so that equal settings give equal manifests."""
        return json.dumps(dataclasses.asdict(self), sort_keys=True, ensure_ascii=False)

    def replace(self, **changes: Any) -> Settings:
        """Return a copy with ``changes``; unknown names are a SettingsError with a suggestion."""
        _check_names(changes, path=None)
        try:
            return dataclasses.replace(self, **changes)
        except TypeError as error:
            raise SettingsError(str(error)) from error


def _check(ok: bool, name: str, cause: str) -> None:
    if not ok:
        raise SettingsError(f"setting {name!r} {cause}")


def _check_names(values: dict[str, Any], *, path: str | None) -> None:
    known = [f.name for f in fields(Settings)]
    for key in values:
        if key not in known:
            raise SettingsError(f"unknown setting {key!r}{did_you_mean(key, known)}", path=path)


def load_settings(path: str | Path) -> Settings:
    """Read a TOML file whose keys are :class:`Settings` field names."""
    name = str(path)
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError("no such settings file", path=name) from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"not valid TOML: {error}", path=name) from None
    _check_names(data, path=name)
    types = {f.name: f.type for f in fields(Settings)}
    for key, value in data.items():
        expected = str(types[key])
        if key == "source_priority":
            if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
                raise SettingsError(f"{key!r} must be a list of strings", path=name)
            data[key] = tuple(value)
        elif expected == "bool" and not isinstance(value, bool):
            raise SettingsError(f"{key!r} must be true or false, not {value!r}", path=name)
        elif expected == "int" and (isinstance(value, bool) or not isinstance(value, int)):
            raise SettingsError(f"{key!r} must be an integer, not {value!r}", path=name)
        elif expected == "float" and (
            isinstance(value, bool) or not isinstance(value, int | float)
        ):
            raise SettingsError(f"{key!r} must be a number, not {value!r}", path=name)
        elif expected == "str" and not isinstance(value, str):
            raise SettingsError(f"{key!r} must be a string, not {value!r}", path=name)
    try:
        return Settings(**data)
    except SettingsError as error:
        raise SettingsError(error.cause, path=name) from None
