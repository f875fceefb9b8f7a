"""The outbox: queued work is a row in PostgreSQL first, written with the change that asked for
it, and handed to the broker after commit. Rows the broker refused are sent again by the relay
(every minute, and when a worker starts). Tasks are idempotent, so a row sent twice is harmless;
work whose message the broker lost after it was sent is recovered by the task's own sweep
(reports: ``portal.lib.reports.mark_stale``; reminders: the claim taken over after 15 minutes)."""

import datetime
import logging
import time

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from kombu.exceptions import OperationalError

from ..celery import app
from ..models import OutboxTask

logger = logging.getLogger(__name__)

KEEP_SENT_FOR = datetime.timedelta(days=7)
# After the broker refused a message, this process leaves it alone for a while: the relay
# sends what waits, and requests do not each pay for a connection attempt.
PAUSE_AFTER_FAILURE = 30.0
BROKER_ERRORS = (OperationalError, OSError)

_paused_until = 0.0


def add(task_name: str, argument_lists) -> list[int]:
    """Writes one row per argument list in the current transaction; returns their ids."""
    rows = OutboxTask.objects.bulk_create(
        [OutboxTask(task=task_name, args=list(args)) for args in argument_lists])
    return [row.pk for row in rows]


def send(pks=None, *, limit: int = 500, force: bool = False) -> int:
    """Hands waiting rows (those of ``pks``, or any) to the broker, oldest first, and marks
    them sent; stops at the first broker error, leaving the rest waiting. Returns how many
    were sent."""
    global _paused_until
    if not force and time.monotonic() < _paused_until:
        return 0
    sent = []
    with transaction.atomic():
        # Two relays at once skip each other's rows instead of sending them twice.
        rows = OutboxTask.objects.select_for_update(skip_locked=True).filter(
            dispatched_at=None).order_by("id")
        if pks is not None:
            rows = rows.filter(pk__in=list(pks))
        for row in rows[:limit]:
            try:
                app.send_task(row.task, args=row.args, retry=False)
            except BROKER_ERRORS as error:
                _paused_until = time.monotonic() + PAUSE_AFTER_FAILURE
                OutboxTask.objects.filter(pk=row.pk).update(attempts=F("attempts") + 1)
                logger.warning("Broker unreachable (%s); %s waits in the outbox", error, row)
                break
            sent.append(row.pk)
        OutboxTask.objects.filter(pk__in=sent).update(dispatched_at=timezone.now(),
                                                       attempts=F("attempts") + 1)
    if sent:
        _paused_until = 0.0
    return len(sent)


def relay() -> int:
    """Run by beat and when a worker starts: sends everything waiting, and forgets rows sent
    long ago."""
    sent = 0
    while True:
        count = send(force=True)
        sent += count
        if count < 500:
            break
    OutboxTask.objects.filter(dispatched_at__lt=timezone.now() - KEEP_SENT_FOR).delete()
    return sent


def waiting() -> int:
    return OutboxTask.objects.filter(dispatched_at=None).count()
