"""Queueing background work so that nothing a user does waits on, or fails with, the broker."""

import logging

from django.db import transaction
from kombu.exceptions import OperationalError

logger = logging.getLogger(__name__)


def dispatch_all(task, argument_lists) -> None:
    """Queues one run of ``task`` per argument list; if the broker is unreachable, runs the
    rest here and now instead of losing them."""
    pending = list(argument_lists)
    while pending:
        args = pending[0]
        try:
            task.delay(*args)
        except OperationalError:
            logger.warning("Broker unreachable; running %d %s here", len(pending), task.name)
            for args in pending:
                task.apply(args=args)
            return
        pending.pop(0)


def enqueue_on_commit(task, *args) -> None:
    """Queues ``task`` once the current transaction has committed."""
    transaction.on_commit(lambda: dispatch_all(task, [args]))
