"""Reports built in the background. Apps register the kinds they offer; a request makes a
Report row, a worker builds it, the requester downloads it until it expires."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from . import pdf
from .japanese import wareki_date
from .models import Report
from .queue import enqueue_on_commit

KEEP_FOR = datetime.timedelta(days=7)
# A report "running" longer than the task's hard time limit plus a margin lost its worker.
STALE_AFTER = datetime.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


class ReportError(Exception):
    """An expected failure, with a reason to show to the requester."""


@dataclass(frozen=True)
class Built:
    content: bytes
    filename: str
    mime_type: str


PDF_TYPE = "application/pdf"
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class ReportKind:
    code: str
    label: str
    allowed: Callable  # (user, params) → bool
    title: Callable  # (params) → str
    build: Callable  # (report, progress) → Built
    parse: Callable  # (querydict) → params, raising ReportError
    form_template: str  # the fields of the request form, given ``data``
    form_context: Callable = lambda user: {}  # (user) → ``data`` for the form


_kinds: dict[str, ReportKind] = {}


def register(kind: ReportKind) -> None:
    _kinds[kind.code] = kind


def kinds() -> list[ReportKind]:
    return list(_kinds.values())


def kind_of(code: str) -> ReportKind:
    try:
        return _kinds[code]
    except KeyError:
        raise ReportError(gettext("This kind of report is not offered.")) from None


def may_download(user, report: Report) -> bool:
    """The requester, while still allowed to see the data the report was built from."""
    return (report.requested_by_id == user.pk and report.kind in _kinds
            and _kinds[report.kind].allowed(user, report.params))


@transaction.atomic
def request_report(*, user, code: str, params: dict) -> Report:
    """Queues a report; asking again while the same one is queued or running returns it."""
    from .tasks import build_report

    kind = kind_of(code)
    if not kind.allowed(user, params):
        raise PermissionDenied
    pending = Report.objects.select_for_update().filter(
        requested_by=user, kind=code, params=params,
        status__in=[Report.Status.QUEUED, Report.Status.RUNNING]).first()
    if pending is not None:
        return pending
    report = Report.objects.create(kind=code, params=params, title=kind.title(params)[:200],
                                   requested_by=user)
    enqueue_on_commit(build_report, report.pk)
    return report


@transaction.atomic
def retry_report(*, user, report: Report) -> Report:
    from .tasks import build_report

    if report.requested_by_id != user.pk:
        raise PermissionDenied
    updated = Report.objects.filter(pk=report.pk, status=Report.Status.FAILED).update(
        status=Report.Status.QUEUED, progress=0, error="", started_at=None, finished_at=None)
    if updated:
        enqueue_on_commit(build_report, report.pk)
    report.refresh_from_db()
    return report


def mark_stale(now=None) -> int:
    """Reports whose worker died are failed, so they can be retried, not stuck running."""
    now = now or timezone.now()
    return Report.objects.filter(status=Report.Status.RUNNING,
                                 started_at__lt=now - STALE_AFTER).update(
        status=Report.Status.FAILED, finished_at=now,
        error=gettext("The worker building it stopped; ask for it again."))


def clean_expired(now=None) -> int:
    now = now or timezone.now()
    expired = list(Report.objects.filter(expires_at__lt=now))
    for report in expired:
        if report.file:
            report.file.delete(save=False)
    Report.objects.filter(pk__in=[r.pk for r in expired]).delete()
    return len(expired)


def render_pdf(template: str, context: dict) -> bytes:
    """A4 PDF in Japanese (IPAex Gothic) from a template extending reports/pdf_base.html."""
    with translation.override("ja"):
        html = render_to_string(template, {
            **context, "printed": wareki_date(timezone.localdate())})
    # The portal's address makes the links in a PDF work outside the browser; nothing is
    # fetched from it, as the templates hold their styles and pictures inline.
    return pdf.write_pdf(html, base_url=settings.PORTAL_BASE_URL + "/")
