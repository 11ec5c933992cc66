"""Search text: one normal form for the stored column and for the query.

Officers type "fiscalia" and expect "Fiscalía"; the directory stores a
normalised copy of an entry's names in an indexed column and normalises the
query the same way, so the match is a plain (trigram or prefix) comparison
that needs no ICU collation (docs/architecture.md, "Data": PostgreSQL 15, no ICU).
"""

from __future__ import annotations

import unicodedata

# Letters that carry their mark in the base character, so NFKD leaves them
# alone; folded by hand so that "Ørsted" and "Łódź" are found without them.
_UNDECOMPOSED = str.maketrans(
    {
        "ø": "o",
        "Ø": "o",
        "ł": "l",
        "Ł": "l",
        "đ": "d",
        "Đ": "d",
        "ħ": "h",
        "Ħ": "h",
        "\u0131": "i",  # dotless i (Turkish)
        "æ": "ae",
        "Æ": "ae",
        "œ": "oe",
        "Œ": "oe",
        "þ": "th",
        "Þ": "th",
    }
)


def normalise_search_text(*parts: str) -> str:
    """Lower-case, accent-free, single-spaced text of ``parts`` joined by spaces.

    >>> normalise_search_text("Fiscalía  General", "de la Nación")
    'fiscalia general de la nacion'
    """
    joined = " ".join(parts).translate(_UNDECOMPOSED)
    decomposed = unicodedata.normalize("NFKD", joined)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # casefold after stripping marks: it also folds "ß" to "ss".
    return " ".join(stripped.casefold().split())
