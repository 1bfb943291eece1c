"""Which column a credited name belongs in: a wire agency, the outlet the text came from, the
page's own outlet, or a source the story cites.

Rules capture credits by shape ("Sumber: X", " – X" after the last sentence, "CITY (X) -"),
and the shape does not say what X is. "Quelle: AFP" names a wire agency, "Sumber: Harian
Metro" at the foot of a police archive names the daily the text was copied from, "Sumber :
Kompas TV" on kompas.tv is the page naming itself, and "Sumber: BMKG" is an institution the
story cites. Recording all four as ``cited_source`` gives a manifest that cannot answer "which
texts came from another outlet". What X is comes from three kinds of evidence, none of them a
list of sites: the names table (an agency's spellings), the page's own site and publisher,
and the shape of an outlet's title (a web address, or a press word such as "Harian" or
"Times" from ``rules/names/press-words.toml``).
"""

from __future__ import annotations

from collections.abc import Iterable

import regex as re

from cleankit.core.document import ProvenanceValue, Span
from cleankit.core.provenance import VALUE_SEPARATOR
from cleankit.core.text import in_order
from cleankit.filters.names import NameTable, same_outlet_key

__all__ = [
    "OUTLET_COLUMNS",
    "another_outlet",
    "cite",
    "reads_as_organisation",
    "reads_as_outlet",
    "route",
    "route_found",
    "same_outlet",
]

#: Columns naming where a text came from (not the page's own outlet, not a cited source).
OUTLET_COLUMNS = ("syndicated_from", "wire_agency")
#: Columns whose captured credits are routed; the others say what they are by their rule.
_ROUTED = frozenset({"cited_source", "wire_agency", "dateline_city", "desk_tag"})
_ADDRESS = re.compile(r"^[\p{L}\d-]+(?:\.[\p{L}\d-]+)*\.\p{L}{2,}$")
_WORD = re.compile(r"\p{L}+")
#: Shortest key that may stand inside a longer one ("kompas" in "kompastv"); shorter keys
#: ("ap", "rtv") meet inside unrelated names.
_MIN_INSIDE = 4
#: Most letters a spelling may add to the other and still be the same outlet ("tv", "news").
_MAX_ADDED = 4
#: Lengths of an all-letter key read as initials ("FMT" for freemalaysiatoday); two letters
#: ("AP") fit inside too many names.
_MIN_INITIALS = 3
_MAX_INITIALS = 5
#: Longest lower-case word an outlet's title holds ("de", "of", "the", "von", "dari").
_MAX_LINK = 4


def same_outlet(a: str, b: str) -> bool:
    """Whether two spellings name one outlet: "Kompas TV" and kompas.tv, "detikNews" and
    detik.com (one inside the other, with at most four letters more), "FMT" and
    freemalaysiatoday.com (initials in order, from the first letter)."""
    x, y = same_outlet_key(a), same_outlet_key(b)
    if not x or not y:
        return False
    if x == y:
        return True
    short, long = sorted((x, y), key=len)
    if len(short) >= _MIN_INSIDE and short in long:
        # "kompas" in "kompastv", "detik" in "detiknews"; not "suara" in "suarajatimpost",
        # a sister site of one network with a name of its own.
        return len(long) - len(short) <= _MAX_ADDED
    return (
        _MIN_INITIALS <= len(short) <= _MAX_INITIALS
        and short.isalpha()
        and short[0] == long[0]
        and in_order(short, long)
    )


def _outlet_title(value: str, press_words: frozenset[str]) -> bool:
    """A web address ("suarajatimpost.com") or a title with a capitalised press word ("Harian
    Metro"). A title capitalises its words but short links ("Folha de S.Paulo", "Voice of
    the People"); "News agencies" describes where a text came from and names no outlet."""
    if _ADDRESS.match(value.strip()):
        return True
    words = _WORD.findall(value)
    if any(w.islower() and len(w) > _MAX_LINK for w in words):
        return False
    return any(w[0].isupper() and w.casefold() in press_words for w in words)


def reads_as_outlet(value: str, names: NameTable) -> bool:
    """Whether a captured name is an outlet's: an agency of the table, a title or an address."""
    return names.knows(value) or _outlet_title(value, names.press_words)


#: A word of initials or a number: "BMKG", "USA", "TODAY", "9" (a channel's).
_INITIALS = re.compile(r"^(?:\p{Lu}[\p{Lu}\d&]+|\d{1,4})$")
#: A capital inside a word ("FlightAware", "detikNews") or an address without its dot
#: ("detikcom"): brands write themselves so, people's names do not.
_BRAND = re.compile(r"\p{Ll}\p{Lu}|^\p{Ll}[\p{L}\d-]{2,}com$")


def reads_as_organisation(value: str, names: NameTable, *, found_in: str = "") -> bool:
    """Whether a name the story cites is an organisation's rather than a person's.

    "told BBC", "according to IMPD", "kata BNPB" cite an organisation; "told Agus Salim" a
    person, whom a manifest of sources does not want. No list of organisations says which:
    the name's shape does. Outlets (:func:`reads_as_outlet`), initials and channel numbers
    ("BMKG", "USA TODAY", "FOX 9", "Canal 4 CBS"; three letters at least, or an agency of
    the names table such as "AP"), brands ("FlightAware", "detikcom") and
    titles with an article ("The Star") are organisations; capitalised words alone are not.
    Initials that ``found_in`` (the words the name was read from) spells out in brackets
    after a name ("Polícia Militar (PM)") are an organisation's however few their letters.
    """
    words = value.split()
    if not words:
        return False
    if (
        f"({value})" in found_in
        or reads_as_outlet(value, names)
        or any(_BRAND.search(word) for word in words)
    ):
        return True
    if words[0] == "The" and len(words) > 1:
        return True
    initials = [bool(_INITIALS.match(word)) for word in words]
    lettered = "".join(word for word in words if not word.isdigit())
    if all(initials) and len(lettered) >= _MIN_INITIALS:
        # Two capitals alone are a country as often as a body ("US officials", "UK data").
        return True
    # A broadcaster: a name, a channel number and a network's initials ("Canal 4 CBS").
    return initials[-1] and not words[-1].isdigit() and any(w.isdigit() for w in words)


def route(
    column: str, value: str, *, names: NameTable, own: Iterable[str], found_in: str = ""
) -> tuple[str | None, str]:
    """The column a credit captured into ``column`` belongs in (None: not recorded), and why,
    or ``(column, "")`` when it stays. ``own`` spells the page's own outlet (its site, the
    publisher its text names); ``found_in`` is the text the credit was removed with."""
    if column not in _ROUTED:
        return column, ""
    if column == "dateline_city":
        return _place_or_outlet(value, names=names, own=own, found_in=found_in)
    if names.knows(value):
        # An agency stays one on its own site: "JAKARTA (ANTARA) -" on antaranews.com; "(AP)",
        # "(dpa)" closing the story have a desk tag's shape and name an agency.
        target, why = "wire_agency", "a news agency in rules/names"
    elif column == "desk_tag":
        return column, ""  # a desk's initials ("jbr/fdn") say what they are
    elif any(same_outlet(value, spelled) for spelled in own if spelled):
        if column == "wire_agency":
            return "desk_tag", "the page's own outlet signing its text"
        return None, "the page's own outlet"
    elif _outlet_title(value, names.press_words):
        target, why = "syndicated_from", "another outlet's title or address"
    else:
        return column, ""
    return (column, "") if target == column else (target, why)


def _place_or_outlet(
    value: str, *, names: NameTable, own: Iterable[str], found_in: str
) -> tuple[str | None, str]:
    """A dateline of one word and a dash ("Malang -", "Inforiau -") names its city unless the
    word names the page's own site or reads as an outlet's title: then it is the publisher.
    A dateline with more in it ("CLEVELAND, Ohio -" on cleveland.com) is a place's."""
    if found_in.strip(" \t-–—") != value:
        return "dateline_city", ""
    if any(same_outlet(value, spelled) for spelled in own if spelled):
        return "publisher", "the page's own outlet, where a dateline names its city"
    if _outlet_title(value, names.press_words):
        return "publisher", "an outlet's title, where a dateline names its city"
    return "dateline_city", ""


#: Captured values by column: (offset, value, index of the span that removed it).
Found = dict[str, list[tuple[int, ProvenanceValue, int]]]


def route_found(
    found: Found, accepted: list[Span], *, names: NameTable, own: tuple[str, str], text: str
) -> Found:
    """Each credit in the column that says what it names (:func:`route`); values that stay
    come before values moved in, and every move is noted in its span's why (``accepted`` is
    changed in place). ``own`` is the document's host and its site (the same, or a label such
    as "Wall Street Journal" where the record gives one): both spell the page's own outlet;
    ``text`` is the document, whose removed spans say how a credit stood."""
    text_publisher = found.get("publisher", [(0, "", 0)])[0][1]
    spelled = (*own, str(text_publisher))
    # Only the spans that captured something are read back, each once.
    decided = [
        (column, entry, *route(column, value, names=names, own=spelled, found_in=removed))
        if isinstance(value := entry[1], str)
        else (column, entry, column, "")
        for column, values in found.items()
        for entry in values
        for removed in [text[accepted[entry[2]].start : accepted[entry[2]].end]]
    ]
    outlets = [(t, str(e[1])) for _, e, t, _ in decided if t in OUTLET_COLUMNS]
    routed: Found = {}
    moved: list[tuple[str, tuple[int, ProvenanceValue, int]]] = []
    for column, entry, target, reason in decided:
        _, value, i = entry
        if target == column == "cited_source":
            # "Sumber: Kabarnusa" under "Dikutip dari Kabarnusa.com,": one outlet.
            for named, other in outlets:
                if same_outlet(str(value), other):
                    target, reason = named, f"the outlet the page names as {named}"
                    break
        if target == column:
            routed.setdefault(column, []).append(entry)
            continue
        said = f"recorded as {target}" if target else "not recorded"
        note = f"; {column} {value!r} {said}: {reason}"
        accepted[i] = accepted[i]._replace(why=accepted[i].why + note)
        if target is not None:
            moved.append((target, entry))
    for target, entry in moved:
        routed.setdefault(target, []).append(entry)
    return routed


def another_outlet(publisher: str, host: str) -> bool:
    """Whether the publisher a page's text names is not the site serving it (an aggregator
    showing "GELORA.CO –" on its own domain): the text was taken from that outlet."""
    return bool(host) and not same_outlet(publisher, host)


def cite(
    provenance: dict[str, ProvenanceValue],
    mentions: Iterable[tuple[int, str]],
    *,
    names: NameTable,
    own: Iterable[str],
) -> None:
    """Add the sources the story's own sentences cite (``mentions``: offset, name) to those
    that removed credit lines name, and say in ``cited_source_from`` where each kind came from.

    A source that is the page's own outlet (``own``: "told Kompas.com" on kompas.com) or one
    the page already records as publisher, wire agency or syndication source is no cited
    source; each outlet is listed once, under the spelling met first, credits before prose."""
    credited = [v for v in str(provenance.get("cited_source", "")).split(VALUE_SEPARATOR) if v]
    columns = ("publisher", *OUTLET_COLUMNS)
    recorded = [*own, *(str(provenance.get(column, "")) for column in columns)]
    seen = {same_outlet_key(value) for value in credited}
    cited: list[str] = []
    for _, value in sorted(mentions):
        name = names.canonical(value)
        if same_outlet_key(name) in seen or any(
            same_outlet(name, other) for other in recorded if other
        ):
            continue
        seen.add(same_outlet_key(name))
        cited.append(name)
    if cited:
        provenance["cited_source"] = VALUE_SEPARATOR.join([*credited, *cited])
    if credited or cited:
        kinds = [kind for kind, found in (("credit", credited), ("prose", cited)) if found]
        provenance["cited_source_from"] = VALUE_SEPARATOR.join(kinds)
