"""cleankit: clean news and web text into a deduplicated corpus with a provenance manifest.

The names below are imported on first use (PEP 562), so that ``import cleankit`` and the
command's start stay fast and a Ctrl-C during start-up is caught by the command's handler.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from cleankit.chain import Chain, Filter, Observer, Record, as_filter
    from cleankit.dedup import (
        DropEmpty,
        DropNearDuplicates,
        DropRepeatedParagraphs,
        DropSiteBoilerplate,
        SiteIndex,
    )
    from cleankit.document import Document, Edit, Outcome, Span, cut, drop, restore
    from cleankit.errors import (
        CleankitError,
        DocumentError,
        InputError,
        ObserverError,
        RuleError,
        SettingsError,
    )
    from cleankit.io import read_documents, write_documents
    from cleankit.manifest import (
        PROVENANCE_COLUMNS,
        SCHEMA,
        read_manifest,
        scan_manifest,
        write_manifest,
    )
    from cleankit.normalize import (
        DropRepeatedHeadline,
        FixText,
        NormalizeWhitespace,
        RepairStrayLetters,
        SplitGluedSentences,
    )
    from cleankit.pipeline import Cleaned, clean_corpus, clean_text, default_chain
    from cleankit.rules import RuleSet, StripRules, load_rules
    from cleankit.settings import Keep, Settings, load_settings

#: Public name -> the module that defines it.
_EXPORTS = {
    "Chain": "cleankit.chain",
    "Cleaned": "cleankit.pipeline",
    "CleankitError": "cleankit.errors",
    "Document": "cleankit.document",
    "DocumentError": "cleankit.errors",
    "DropEmpty": "cleankit.dedup",
    "DropNearDuplicates": "cleankit.dedup",
    "DropRepeatedHeadline": "cleankit.normalize",
    "DropRepeatedParagraphs": "cleankit.dedup",
    "DropSiteBoilerplate": "cleankit.dedup",
    "Edit": "cleankit.document",
    "Filter": "cleankit.chain",
    "FixText": "cleankit.normalize",
    "InputError": "cleankit.errors",
    "NormalizeWhitespace": "cleankit.normalize",
    "Observer": "cleankit.chain",
    "Outcome": "cleankit.document",
    "PROVENANCE_COLUMNS": "cleankit.manifest",
    "Record": "cleankit.chain",
    "RepairStrayLetters": "cleankit.normalize",
    "RuleError": "cleankit.errors",
    "RuleSet": "cleankit.rules",
    "SCHEMA": "cleankit.manifest",
    "Settings": "cleankit.settings",
    "SettingsError": "cleankit.errors",
    "ObserverError": "cleankit.errors",
    "Keep": "cleankit.settings",
    "SiteIndex": "cleankit.dedup",
    "Span": "cleankit.document",
    "SplitGluedSentences": "cleankit.normalize",
    "StripRules": "cleankit.rules",
    "as_filter": "cleankit.chain",
    "clean_corpus": "cleankit.pipeline",
    "clean_text": "cleankit.pipeline",
    "cut": "cleankit.document",
    "default_chain": "cleankit.pipeline",
    "drop": "cleankit.document",
    "load_rules": "cleankit.rules",
    "load_settings": "cleankit.settings",
    "read_documents": "cleankit.io",
    "read_manifest": "cleankit.manifest",
    "restore": "cleankit.document",
    "scan_manifest": "cleankit.manifest",
    "write_documents": "cleankit.io",
    "write_manifest": "cleankit.manifest",
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
    "read_documents",
    "read_manifest",
    "restore",
    "scan_manifest",
    "write_documents",
    "write_manifest",
]
