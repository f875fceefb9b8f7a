"""The manager of every tracked model: writes that send no model signals (``bulk_create``,
``bulk_update``, ``QuerySet.update``) are recorded in the audit trail like single saves.
``portal.lib.audit.track`` refuses a model whose default manager is not this one.

The entries are written by ``portal.lib.audit``, which imports the models these managers serve:
it hands its recording functions in here when it is imported (``use_recorder``), so the
models do not import it back."""

from contextlib import contextmanager
from contextvars import ContextVar

from django.contrib.auth.models import UserManager
from django.db import models

_separately: ContextVar = ContextVar("audit_recorded_separately", default=False)
_recorder = None


def use_recorder(recorder) -> None:
    """``recorder`` has ``stored``, ``touches_tracked_fields``, ``record_created`` and
    ``record_updated`` (portal.lib.audit)."""
    global _recorder
    _recorder = recorder


def _audit():
    if _recorder is None:
        # A bulk write that is not recorded would be lost from the trail: refuse it.
        raise RuntimeError("portal.lib.audit is not loaded; bulk writes cannot be recorded")
    return _recorder


@contextmanager
def recorded_separately():
    """For bulk writes whose entries the caller writes itself (an import, with its file's
    name) and for synthetic measuring data, which has a synthetic audit trail of its own."""
    token = _separately.set(True)
    try:
        yield
    finally:
        _separately.reset(token)


def _recording() -> bool:
    return not _separately.get()


class AuditedQuerySet(models.QuerySet):
    def bulk_create(self, objs, batch_size=None, ignore_conflicts=False,
                    update_conflicts=False, update_fields=None, unique_fields=None):
        if _recording() and (ignore_conflicts or update_conflicts):
            # Which rows were written is unknown afterwards, so it could not be recorded.
            raise ValueError(f"{self.model.__name__} is audited: insert or update it without "
                             "ignore_conflicts/update_conflicts")
        created = super().bulk_create(
            objs, batch_size=batch_size, ignore_conflicts=ignore_conflicts,
            update_conflicts=update_conflicts, update_fields=update_fields,
            unique_fields=unique_fields)
        if _recording():
            _audit().record_created(self.model, created)
        return created

    def bulk_update(self, objs, fields, batch_size=None):
        objs = list(objs)
        if not _recording():
            return super().bulk_update(objs, fields, batch_size=batch_size)
        audit = _audit()
        before = audit.stored(self.model, [obj.pk for obj in objs])
        with recorded_separately():  # Django's bulk_update runs update(), recorded here
            rows = super().bulk_update(objs, fields, batch_size=batch_size)
        audit.record_updated(self.model, before, objs)
        return rows

    def update(self, **kwargs):
        if not _recording():
            return super().update(**kwargs)
        audit = _audit()
        if not audit.touches_tracked_fields(self.model, kwargs):
            return super().update(**kwargs)
        pks = list(self.values_list("pk", flat=True))
        before = audit.stored(self.model, pks)
        rows = super().update(**kwargs)
        after = audit.stored(self.model, pks)
        audit.record_updated(self.model, before, [after[pk][0] for pk in pks if pk in after])
        return rows

    update.alters_data = True


AuditedManager = models.Manager.from_queryset(AuditedQuerySet)
AuditedUserManager = UserManager.from_queryset(AuditedQuerySet)
