"""Which writes queue a refresh of the similar-cases index: a saved or removed initiative, and
a change of its fields or methods; one task per transaction, sent after it commits."""

import threading

from django.db import transaction
from django.db.models.signals import m2m_changed, post_save

from portal.lib.queue import dispatch_all

from .models import Initiative

_pending = threading.local()


def _queued(connection, send) -> bool:
    return send is not None and any(entry[1] is send for entry in connection.run_on_commit)


def schedule(initiative_id: int) -> None:
    """Queues ``initiative_id`` for indexing once the current transaction (if any) commits,
    together with the others the same transaction changed."""
    from .tasks import index_initiatives

    connection = transaction.get_connection()
    send = getattr(_pending, "send", None)
    if connection.in_atomic_block and _queued(connection, send):
        _pending.ids.add(initiative_id)
        return
    ids = {initiative_id}

    def send():
        if getattr(_pending, "send", None) is send:
            _pending.send = None
        dispatch_all(index_initiatives, [[sorted(ids)]])

    _pending.send, _pending.ids = send, ids
    transaction.on_commit(send)


def _saved(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule(instance.pk)


def _links_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if not reverse:
        schedule(instance.pk)
    else:  # a field or method whose initiatives changed
        for pk in pk_set or ():
            schedule(pk)


def connect() -> None:
    post_save.connect(_saved, sender=Initiative, dispatch_uid="similarity-saved")
    for through in (Initiative.methods.through, Initiative.policy_fields.through):
        m2m_changed.connect(_links_changed, sender=through,
                            dispatch_uid=f"similarity-{through._meta.label}")
