"""Queueing background work so that nothing a user does waits on, fails with, or is lost with
the broker: with a broker the work goes through the outbox (portal/outbox.py); without one
(the embedded demo) Celery runs it in-process."""

from django.db import transaction

from . import outbox


def _in_process() -> bool:
    from .celery import app

    return bool(app.conf.task_always_eager)


def _task(task):
    """A task, or its registered name: a service names the task it queues, so services need
    not import tasks (the tasks import the services)."""
    if isinstance(task, str):
        from .celery import app

        return app.tasks[task]
    return task


def dispatch_all(task, argument_lists) -> None:
    """Queues one run of ``task`` (a task or its name) per argument list, sent once the current
    transaction (if any) has committed."""
    argument_lists = [list(args) for args in argument_lists]
    if not argument_lists:
        return
    if _in_process():
        for args in argument_lists:
            _task(task).delay(*args)
        return
    pks = outbox.add(task if isinstance(task, str) else task.name, argument_lists)
    transaction.on_commit(lambda: outbox.send(pks))


def enqueue_on_commit(task, *args) -> None:
    """Queues ``task`` (a task or its name) once the current transaction has committed."""
    if _in_process():
        transaction.on_commit(lambda: _task(task).delay(*args))
        return
    dispatch_all(task, [args])
