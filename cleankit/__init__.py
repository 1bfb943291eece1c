"""cleankit: clean news and web text into a deduplicated corpus with a provenance manifest."""

__version__ = "0.1.0"

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
from cleankit.settings import Settings, load_settings

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
    "NormalizeWhitespace",
    "Observer",
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
