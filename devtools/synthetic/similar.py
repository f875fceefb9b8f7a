"""The similar-cases index over every initiative, as ``similarity.rebuild_index`` builds it,
for data sets of hundreds of thousands of initiatives: the terms are counted twice (once for
the document frequencies, once for the weights) instead of being held for every initiative at
once, so memory stays flat, and the rows go in with COPY."""

from collections import Counter

from django.db import transaction

from collaboration import similarity
from collaboration.models import Initiative, SimilarityGram, SimilarityTerm

from .copying import copy_rows

CHUNK = 2000


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
        copy_rows(SimilarityTerm, ("gram", "documents"), df.items())
        rows = []
        for pk, found in _counted():
            rows += [(pk, term, weight)
                     for term, weight in similarity._vector(found, total, df).items()]
            if len(rows) >= 50_000:  # written between reads: COPY holds the connection
                copy_rows(SimilarityGram, ("initiative", "gram", "weight"), rows)
                rows = []
        copy_rows(SimilarityGram, ("initiative", "gram", "weight"), rows)
    return total


def index_for_scale(*, scale: float, seed: int) -> str:
    """Rows written in bulk skip the signals that index single saves."""
    return f"Similar cases: {rebuild_index()} initiatives indexed."
