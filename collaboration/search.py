"""Japanese full-text search without a word splitter.

Text is normalised (NFKC, so full- and half-width forms match; lower case; katakana folded to
hiragana) and indexed by its characters and character pairs. A query term matches when the
row holds all of the term's characters and pairs (served by a GIN index on PostgreSQL) and,
to rule out pairs that occur apart, the normalised text contains the term itself. A term of
the synonym dictionary (collaboration/synonyms.py) matches any word of its group.
"""

import unicodedata

from django.db import connection, models
from django.db.models import Q, Value
from django.db.models.functions import Concat, StrIndex
from django.db.models.lookups import LessThan

MAX_TERMS = 8
MAX_TERM_LENGTH = 60
KATAKANA = range(0x30A1, 0x30F7)


def normalize(text: str) -> str:
    text = unicodedata.normalize("NFKC", text or "").lower()
    folded = (chr(ord(char) - 0x60) if ord(char) in KATAKANA else char for char in text)
    return " ".join("".join(folded).split())


def grams(text: str) -> set[str]:
    """The characters and adjacent pairs of characters of each word of ``text``."""
    found = set()
    for word in normalize(text).split():
        found.update(word)
        found.update(word[i:i + 2] for i in range(len(word) - 1))
    return found


def terms(query: str) -> list[str]:
    """The words of a query, normalised; at most a few, each of bounded length."""
    seen = []
    for word in normalize(query).split():
        word = word[:MAX_TERM_LENGTH]
        if word not in seen:
            seen.append(word)
    return seen[:MAX_TERMS]


# Separates what anyone may find a row by from what only the signed-in may (the contact's
# name): normalised text never holds it, so no term matches across it.
PRIVATE_MARK = "\n"


def search_text(*parts: str, private: str = "") -> str:
    """The normalised text a row is found by, of the given texts; ``private`` (a contact
    person) is kept after ``PRIVATE_MARK``, found by the signed-in only. Its grams are
    ``grams`` of it (on PostgreSQL the index computes them: ``GRAMS_FUNCTION``)."""
    text = normalize(" ".join(part for part in parts if part))
    hidden = normalize(private)
    return f"{text}{PRIVATE_MARK}{hidden}" if hidden else text


# ``grams`` in SQL, of a search text (normalised: its words are parted by a space or the
# private mark only), for the GIN index that serves ``has_grams``. Kept in the row, the grams
# were more than half of it, and every search read them from the table.
GRAMS_FUNCTION = "collaboration_grams"
GRAMS_FUNCTION_SQL = f"""
CREATE OR REPLACE FUNCTION {GRAMS_FUNCTION}(t text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_agg(DISTINCT substr(w, i, n)), '{{}}'::text[])
    FROM regexp_split_to_table(t, '[ \n]+') AS w, generate_series(1, char_length(w)) AS i,
         (VALUES (1), (2)) AS s(n)
    WHERE i + n - 1 <= char_length(w)
$$"""


class GramsField(models.TextField):
    """The grams kept in a column of their own until migration 0017 (its earlier migrations
    name this class)."""


class SearchTextField(models.TextField):
    """Normalised search text (``search_text``); on PostgreSQL a GIN index on its grams
    (``GRAMS_FUNCTION``) serves ``has_grams``."""


@SearchTextField.register_lookup
class HasGrams(models.Lookup):
    lookup_name = "has_grams"
    prepare_rhs = False  # the right-hand side is a list of grams, not text

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        return f"{GRAMS_FUNCTION}({lhs}) @> %s::text[]", [*lhs_params, list(self.rhs)]


def _held_by_grams(term: str) -> bool:
    """Whether a row holds the term exactly when its grams do: a word of one or two characters
    is a character or an adjacent pair of a word of the text, the grams themselves."""
    return len(term) <= 2 and " " not in term


def _held(term: str, public: bool) -> Q:
    """The row's normalised text holds the term (``public``: before the private part)."""
    condition = Q(search_text__contains=term)
    if public:  # found before the private part: its first place comes before the mark
        condition &= Q(LessThan(StrIndex("search_text", Value(term)), StrIndex(
            Concat("search_text", Value(PRIVATE_MARK)), Value(PRIVATE_MARK))))
    return condition


def _any_word(words: list[str], public: bool) -> Q:
    """Rows holding any of ``words``. On PostgreSQL, the rows whose grams hold one (served by
    the index, and all that is asked when each word is answered by its grams) and, of those,
    the ones whose text holds one: a text holds a word only if its grams do, so the two
    conditions together select what the second does alone, and the index is not left out
    (each grams condition checked row by row would split the long grams of every row)."""
    held = Q()
    for word in words:
        held |= _held(word, public)
    if connection.vendor != "postgresql":
        return held
    indexed = Q()
    for word in words:
        indexed |= Q(search_text__has_grams=sorted(grams(word)))
    if not public and all(_held_by_grams(word) for word in words):
        return indexed  # the long text is not read
    return indexed & held


def alternatives(term: str, lookup: dict) -> list[str]:
    """The normalised words a search term stands for: itself and the rest of its group."""
    found = [term]
    for word in lookup.get(term, ()):
        normalised = normalize(word)[:MAX_TERM_LENGTH]
        if normalised not in found:
            found.append(normalised)
    return found


def matching(query: str, synonyms: dict | None = None, *, public: bool = False) -> Q:
    """A filter for rows whose normalised text contains every term of ``query``, or for a
    term of the synonym dictionary (normalised word → its group), any word of its group;
    ``public``: in what anyone may find a row by (not the contact person)."""
    condition = Q()
    for term in terms(query):
        condition &= _any_word(alternatives(term, synonyms or {}), public)
    return condition
