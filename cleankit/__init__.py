"""cleankit: clean news and web text into a deduplicated corpus with a provenance manifest.

The names below are imported on first use (PEP 562), so that ``import cleankit`` and the
command's start stay fast and a Ctrl-C during start-up is caught by the command's handler.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cleankit._version import __version__

if TYPE_CHECKING:
    from cleankit.core.chain import Chain, Filter, Observed, Observer, Record, as_filter
    from cleankit.core.document import Document, Edit, Outcome, Span, cut, drop, restore
    from cleankit.core.errors import (
        CleankitError,
        DocumentError,
        InputError,
        ObserverError,
        RuleError,
        SettingsError,
    )
    from cleankit.core.provenance import PROVENANCE_COLUMNS
    from cleankit.core.settings import Keep, Settings, load_settings
    from cleankit.engines.local import run_chain
    from cleankit.filters.headline import DropRepeatedHeadline
    from cleankit.filters.near_duplicates import DropNearDuplicates
    from cleankit.filters.normalize import (
        FixText,
        NormalizeWhitespace,
        RepairStrayLetters,
        SplitGluedSentences,
    )
    from cleankit.filters.paragraphs import DropEmpty, DropRepeatedParagraphs
    from cleankit.filters.rules import load_rules
    from cleankit.filters.site_boilerplate import DropSiteBoilerplate, SiteIndex
    from cleankit.filters.strip_rules import RuleSet, StripRules
    from cleankit.io.corpus import read_documents
    from cleankit.io.manifest import SCHEMA, manifest_rows, read_manifest, scan_manifest
    from cleankit.io.writers import write_documents
    from cleankit.run import Cleaned, clean_corpus, clean_text, default_chain

#: Public name -> the module that defines it.
_EXPORTS = {
    "Chain": "cleankit.core.chain",
    "Cleaned": "cleankit.run",
    "CleankitError": "cleankit.core.errors",
    "Document": "cleankit.core.document",
    "DocumentError": "cleankit.core.errors",
    "DropEmpty": "cleankit.filters.paragraphs",
    "DropNearDuplicates": "cleankit.filters.near_duplicates",
    "DropRepeatedHeadline": "cleankit.filters.headline",
    "DropRepeatedParagraphs": "cleankit.filters.paragraphs",
    "DropSiteBoilerplate": "cleankit.filters.site_boilerplate",
    "Edit": "cleankit.core.document",
    "Filter": "cleankit.core.chain",
    "FixText": "cleankit.filters.normalize",
    "InputError": "cleankit.core.errors",
    "Keep": "cleankit.core.settings",
    "NormalizeWhitespace": "cleankit.filters.normalize",
    "Observed": "cleankit.core.chain",
    "Observer": "cleankit.core.chain",
    "ObserverError": "cleankit.core.errors",
    "Outcome": "cleankit.core.document",
    "PROVENANCE_COLUMNS": "cleankit.core.provenance",
    "Record": "cleankit.core.chain",
    "RepairStrayLetters": "cleankit.filters.normalize",
    "RuleError": "cleankit.core.errors",
    "RuleSet": "cleankit.filters.strip_rules",
    "SCHEMA": "cleankit.io.manifest",
    "Settings": "cleankit.core.settings",
    "SettingsError": "cleankit.core.errors",
    "SiteIndex": "cleankit.filters.site_boilerplate",
    "Span": "cleankit.core.document",
    "SplitGluedSentences": "cleankit.filters.normalize",
    "StripRules": "cleankit.filters.strip_rules",
    "as_filter": "cleankit.core.chain",
    "clean_corpus": "cleankit.run",
    "clean_text": "cleankit.run",
    "cut": "cleankit.core.document",
    "default_chain": "cleankit.run",
    "drop": "cleankit.core.document",
    "load_rules": "cleankit.filters.rules",
    "load_settings": "cleankit.core.settings",
    "manifest_rows": "cleankit.io.manifest",
    "read_documents": "cleankit.io.corpus",
    "read_manifest": "cleankit.io.manifest",
    "restore": "cleankit.core.document",
    "run_chain": "cleankit.engines.local",
    "scan_manifest": "cleankit.io.manifest",
    "write_documents": "cleankit.io.writers",
}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'cleankit' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value  # once imported, a plain attribute
    return value


def __dir__() -> list[str]:
    return sorted(__all__)


__all__ = [
    "PROVENANCE_COLUMNS",
    "SCHEMA",
    "Chain",
    "Cleaned",
    "CleankitError",
    "Document",
    "DocumentError",
    "DropEmpty",
    "DropNearDuplicates",
    "DropRepeatedHeadline",
    "DropRepeatedParagraphs",
    "DropSiteBoilerplate",
    "Edit",
    "Filter",
    "FixText",
    "InputError",
    "Keep",
    "NormalizeWhitespace",
    "Observed",
    "Observer",
    "ObserverError",
    "Outcome",
    "Record",
    "RepairStrayLetters",
    "RuleError",
    "RuleSet",
    "Settings",
    "SettingsError",
    "SiteIndex",
    "Span",
    "SplitGluedSentences",
    "StripRules",
    "__version__",
    "as_filter",
    "clean_corpus",
    "clean_text",
    "cut",
    "default_chain",
    "drop",
    "load_rules",
    "load_settings",
    "manifest_rows",
    "read_documents",
    "read_manifest",
    "restore",
    "run_chain",
    "scan_manifest",
    "write_documents",
]
