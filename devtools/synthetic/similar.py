"""The similar-cases index over every initiative, as ``similarity.rebuild_index`` builds it,
for data sets of hundreds of thousands of initiatives: the terms are counted twice (once for
the document frequencies, once for the weights) instead of being held for every initiative at
once, so memory stays flat, and the rows go in with COPY."""

from collections import Counter

from django.db import transaction

from collaboration import similar_store, similarity
from collaboration.models import Initiative, SimilarityGram, SimilarityTerm

from .copying import copy_rows

CHUNK = 2000
GRAM_COLUMNS = ("initiative", "gram", "weight", "strong")


def _counted():
    """(pk, term counts) of every initiative, in pk order, read a chunk at a time."""
    last = 0
    while True:
        chunk = list(similarity._with_relations(
            Initiative.objects.filter(pk__gt=last).order_by("pk"))[:CHUNK])
        if not chunk:
            return
        for initiative in chunk:
            yield initiative.pk, similarity._initiative_counts(initiative)
        last = chunk[-1].pk


def rebuild_index() -> int:
    """The same rows as ``similarity.rebuild_index()``; how many initiatives were indexed."""
    df, total = Counter(), 0
    for _pk, found in _counted():
        df.update(found.keys())
        total += 1
    with transaction.atomic():
        SimilarityGram.objects.all().delete()
        SimilarityTerm.objects.all().delete()
        rows, strong = [], Counter()
        for pk, found in _counted():
            index_rows = similarity._rows(pk, similarity._vector(found, total, df))
            strong.update(row.gram for row in index_rows if row.strong)
            rows += [(row.initiative_id, row.gram, row.weight, row.strong) for row in index_rows]
            if len(rows) >= 50_000:  # written between reads: COPY holds the connection
                copy_rows(SimilarityGram, GRAM_COLUMNS, rows)
                rows = []
        copy_rows(SimilarityGram, GRAM_COLUMNS, rows)
        copy_rows(SimilarityTerm, ("gram", "documents", "strong_documents"),
                  ((gram, n, strong[gram]) for gram, n in df.items()))
    if not transaction.get_connection().in_atomic_block:
        similarity._analyse()
    return total


# Kept lists of similar cases are a lookup each (about 13 ms): made for a prefecture's decade,
# left out above it (those initiatives' pages look their cases up).
KEPT_LISTS_AT_MOST = 20_000


def index_for_scale(*, scale: float, seed: int) -> str:
    """Rows written in bulk skip the signals that index single saves."""
    indexed = rebuild_index()
    if indexed > KEPT_LISTS_AT_MOST:
        return (f"Similar cases: {indexed} initiatives indexed; no kept lists (more than "
                f"{KEPT_LISTS_AT_MOST:,} initiatives).")
    return f"Similar cases: {indexed} initiatives indexed, {similar_store.rebuild()} kept lists."
