"""Queueing background work so that nothing a user does waits on, fails with, or is lost with
the broker: with a broker the work goes through the outbox (portal/lib/outbox.py); without one
(the embedded demo) Celery runs it in-process.

Services name the task by its dotted path (``"portal.tasks.build_report"``) instead of
importing it: tasks import services, never the reverse."""

from django.db import transaction
from django.utils.module_loading import import_string

from ..celery import app
from . import outbox


def _in_process() -> bool:
    return bool(app.conf.task_always_eager)


def _task(task):
    return import_string(task) if isinstance(task, str) else task


def dispatch_all(task, argument_lists) -> None:
    """Queues one run of ``task`` (a task or its dotted path) per argument list, sent once the
    current transaction (if any) has committed."""
    task = _task(task)
    argument_lists = [list(args) for args in argument_lists]
    if not argument_lists:
        return
    if _in_process():
        for args in argument_lists:
            task.delay(*args)
        return
    pks = outbox.add(task.name, argument_lists)
    transaction.on_commit(lambda: outbox.send(pks))


def enqueue_on_commit(task, *args) -> None:
    """Queues ``task`` (a task or its dotted path) once the current transaction has
    committed."""
    task = _task(task)
    if _in_process():
        transaction.on_commit(lambda: task.delay(*args))
        return
    dispatch_all(task, [args])
