"""The synonym dictionary (同義語辞書) as the catalogue's search reads it: each word of a group,
normalised as search text is (NFKC, lower case, katakana as hiragana), stands for its group."""

import hashlib
import json
import re
from dataclasses import dataclass

from django.db import connection

from portal.lib import caching

from .models import SynonymGroup
from .search import normalize, terms

TOPIC = "synonyms"
# What people type between words of a group: new lines, commas, 、 and ・ are not part of a word.
SEPARATORS = re.compile(r"[\n\r,，、;；]+")
MAX_WORDS = 20


def split_words(text: str) -> list[str]:
    """The words of a group as typed, in order, each once (by its normalised form)."""
    words, seen = [], set()
    for word in SEPARATORS.split(text or ""):
        word = " ".join(word.split())
        if word and normalize(word) not in seen:
            seen.add(normalize(word))
            words.append(word)
    return words


def _groups_as_kept() -> list[str]:
    """Each group's words as the JSON text kept, in the order groups were made: read as
    text, as the ORM's query for this one column cost more than decoding them."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT CAST(words AS TEXT) FROM {SynonymGroup._meta.db_table} "
                       "ORDER BY id")
        return [words for (words,) in cursor.fetchall()]


def _load() -> dict[str, tuple[str, ...]]:
    lookup = {}
    for kept in _groups_as_kept():
        words = json.loads(kept)
        for word in words:
            lookup.setdefault(normalize(word), tuple(words))
    return lookup


def digest() -> str:
    """The digest of the dictionary's groups as kept (a need's kept list is asked with them),
    not made into the dictionary, which that list does not need."""
    return hashlib.sha256(json.dumps(_groups_as_kept(), ensure_ascii=False).encode()) \
        .hexdigest()


def dictionary() -> dict[str, tuple[str, ...]]:
    """Normalised word → the words of its group as staff wrote them; kept in the cache until
    the dictionary changes."""
    # Kept in the process too: a search asks for it twice (its filter, then the page).
    return caching.remember("synonym-dictionary", (TOPIC,), (), _load, local=True)


@dataclass(frozen=True)
class Expansion:
    word: str  # as typed in the search box
    synonyms: tuple[str, ...]  # the rest of its group, as staff wrote them


def expansions(query: str, lookup: dict) -> list[Expansion]:
    """For the page: each word of ``query`` that has synonyms, with them."""
    typed = {normalize(word): word for word in (query or "").split()}
    found = []
    for term in terms(query):
        group = lookup.get(term)
        if group:
            others = tuple(word for word in group if normalize(word) != term)
            found.append(Expansion(typed.get(term, term), others))
    return found
