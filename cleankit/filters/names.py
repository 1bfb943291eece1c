"""Canonical names for agencies and publishers, kept as data in ``rules/names/*.toml``.

One outlet is spelled many ways across sites ("ANTARA", "Antara", "ANTARA News",
"antaranews.com"); a manifest that records them as they come counts one agency four times.
The table maps every known spelling to one name. Lookups ignore letter case, punctuation and
spacing, so the table lists only spellings that differ in words. A value the table does not
know is recorded as found.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import regex as re

from cleankit.core.errors import RuleError

__all__ = [
    "CANONICAL_COLUMNS",
    "PERSON_COLUMNS",
    "NameTable",
    "load_names",
    "name_key",
    "person_names",
    "same_outlet_key",
]

#: Provenance columns whose values are names of outlets and agencies.
CANONICAL_COLUMNS = ("publisher", "wire_agency", "cited_source", "syndicated_from")

#: Provenance columns whose values are people: one value may name several, kept as a list.
PERSON_COLUMNS = ("author", "editor")

_NOT_WORD = re.compile(r"[\W_]+")
# Between two people of a byline: a list separator, a conjunction of the stoplist languages,
# or a name glued to the next where the page dropped the separator ("PutraDelvira": three or
# more lower-case letters, then a capitalised word, so "McDonald" and "DeSantis" stay whole).
_BETWEEN_PEOPLE = re.compile(
    r"\s*[;,&]\s*|\s+(?:and|dan|serta|y|e|et|und|en)\s+|(?<=\p{Lu}\p{Ll}{3,})(?=\p{Lu}\p{Ll})"
)


def name_key(value: str) -> str:
    """The lookup key of a spelling: case-folded words joined by single spaces."""
    return _NOT_WORD.sub(" ", value.casefold()).strip()


#: A web address's ending after an outlet's name: ".com", ".co.id", ".com.my", ".id"; not
#: ".tv" or ".fm", which outlets wear as part of the name ("KOMPAS.TV" is Kompas TV).
_DOMAIN_ENDING = re.compile(
    r"\.(?:(?:co|com|or|net|org|web|news|info|biz)(?:\.[a-z]{2})?|(?!tv$|fm$)[a-z]{2})$"
)


def same_outlet_key(value: str) -> str:
    """A key under which "Kabarnusa.com", "KABARNUSA" and "Kabar Nusa" meet: no domain ending,
    no spaces or punctuation. For telling repeated values apart, not for display."""
    return _NOT_WORD.sub("", _DOMAIN_ENDING.sub("", value.casefold().strip()))


def person_names(value: str) -> str:
    """The people a byline names, one per item joined by "; " ("Andy Bruce and Andrea Shalal"
    -> "Andy Bruce; Andrea Shalal"), so that a manifest counts authors, not bylines."""
    people = [p for part in _BETWEEN_PEOPLE.split(value) if (p := part.strip(" \t.-"))]
    return "; ".join(people) if people else value


@dataclass(frozen=True, eq=False)
class NameTable:
    """Spelling key (see :func:`name_key`) -> canonical name, and the words that make a name
    an outlet's title ("Harian", "Times", "Zeitung"; case-folded)."""

    names: Mapping[str, str] = field(default_factory=dict)
    press_words: frozenset[str] = frozenset()

    def canonical(self, value: str) -> str:
        """The table's name for ``value``, or ``value`` itself when the table does not know it."""
        return self.names.get(name_key(value), value)

    def knows(self, value: str) -> bool:
        """Whether ``value`` is one of the table's spellings (letter case and punctuation aside)."""
        return name_key(value) in self.names


def load_names(folders: Sequence[Path]) -> tuple[NameTable, list[Path]]:
    """Read ``names/*.toml`` under each rules folder; every problem is one ``path:line`` error."""
    names: dict[str, str] = {}
    where: dict[str, str] = {}
    words: set[str] = set()
    files: list[Path] = []
    for folder in folders:
        for path in sorted((folder / "names").glob("*.toml")):
            files.append(path)
            _read(path, names, where, words)
    return NameTable(names, frozenset(words)), files


def _read(path: Path, names: dict[str, str], where: dict[str, str], words: set[str]) -> None:
    raw = path.read_text(encoding="utf-8")
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as error:
        raise RuleError(f"not valid TOML: {error}", path=str(path)) from None
    unknown = set(data) - {"name", "press_words"}
    if unknown:
        raise RuleError(
            f"unknown table {sorted(unknown)[0]!r}; expected [[name]] or press_words",
            path=str(path),
        )
    press = data.get("press_words", [])
    if not isinstance(press, list) or not all(isinstance(w, str) and w.isalpha() for w in press):
        raise RuleError("press_words must be a list of single words", path=str(path))
    words.update(w.casefold() for w in press)
    lines = raw.splitlines()
    cursor = 0
    for entry in data.get("name", []):
        cursor = next(
            (i for i in range(cursor, len(lines)) if lines[i].strip() == "[[name]]"), cursor
        )
        line = cursor + 1
        cursor += 1
        canonical = entry.get("canonical")
        spellings = entry.get("spellings", [])
        extra = set(entry) - {"canonical", "spellings"}
        if extra:
            raise RuleError(f"unknown field {sorted(extra)[0]!r}", path=str(path), line=line)
        if not isinstance(canonical, str) or not canonical.strip():
            raise RuleError("canonical must be a non-empty string", path=str(path), line=line)
        if not isinstance(spellings, list) or not all(isinstance(s, str) for s in spellings):
            raise RuleError("spellings must be a list of strings", path=str(path), line=line)
        for spelling in [canonical, *spellings]:
            key = name_key(spelling)
            if not key:
                raise RuleError(f"spelling {spelling!r} has no letters", path=str(path), line=line)
            if key in names and names[key] != canonical:
                raise RuleError(
                    f"spelling {spelling!r} already means {names[key]!r} ({where[key]})",
                    path=str(path),
                    line=line,
                )
            names[key] = canonical
            where[key] = f"{path}:{line}"
