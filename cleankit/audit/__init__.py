"""Auditing manifests: the run summary, one document's story, restore, verification, run diffs.

Everything returns polars DataFrames or plain values; the CLI only formats them.
"""

from __future__ import annotations

from cleankit.audit.diff import diff_manifests
from cleankit.audit.explain import explain
from cleankit.audit.summary import RunSummary, edits_of, summarize
from cleankit.audit.verify import (
    Problem,
    check_pair,
    documents_files,
    first_texts,
    restore_documents,
    verify,
    verify_folder,
    verify_frame,
    verify_output,
)

__all__ = [
    "Problem",
    "RunSummary",
    "check_pair",
    "diff_manifests",
    "documents_files",
    "edits_of",
    "explain",
    "first_texts",
    "restore_documents",
    "summarize",
    "verify",
    "verify_folder",
    "verify_frame",
    "verify_output",
]
