"""Background work for initiatives: keeping the similar-cases index in step with them."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from portal.lib import caching

from . import similarity

TRANSIENT = (OperationalError, InterfaceError)


@shared_task(autoretry_for=TRANSIENT, retry_backoff=5, max_retries=3,
             soft_time_limit=60, time_limit=90)
def index_initiatives(initiative_ids: list[int]) -> int:
    """Recomputes the similar-cases index of these initiatives; running it again is harmless."""
    indexed = similarity.index_initiatives(initiative_ids)
    caching.bump(similarity.TOPIC)
    return indexed


@shared_task(autoretry_for=TRANSIENT, retry_backoff=60, max_retries=3,
             soft_time_limit=900, time_limit=960)
def rebuild_similarity_index() -> int:
    """Nightly: every weight afresh from the same document frequencies, which the changes of
    the day shifted a little."""
    rebuilt = similarity.rebuild_index()
    caching.bump(similarity.TOPIC)
    return rebuilt
