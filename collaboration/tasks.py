"""Background work for initiatives: keeping the similar-cases index in step with them."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from portal.lib import caching

from . import need_store, similar_store, similarity

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=5, max_retries=3,
             soft_time_limit=60, time_limit=90)
def index_initiatives(initiative_ids: list[int]) -> int:
    """Recomputes the similar-cases index of these initiatives and their kept lists of similar
    cases (with those of their similar cases, and the needs' lists); running it again is
    harmless."""
    indexed = similarity.index_initiatives(initiative_ids)
    similar_store.refresh(initiative_ids)
    need_store.refresh()
    caching.bump(similarity.TOPIC)
    return indexed


@shared_task(autoretry_for=TRANSIENT, retry_backoff=60, max_retries=3,
             soft_time_limit=900, time_limit=960)
def rebuild_similarity_index() -> int:
    """Nightly: every weight afresh from the same document frequencies, which the changes of
    the day shifted a little, and every kept list of similar cases from them (about 2 minutes
    for the decade data set's 10,000 initiatives)."""
    rebuilt = similar_store.rebuild_all()
    caching.bump(similarity.TOPIC)
    return rebuilt
