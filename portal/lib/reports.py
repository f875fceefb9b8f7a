"""Reports built in the background. Apps register the kinds they offer; a request makes a
Report row, a worker builds it, the requester downloads it until it expires."""

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext

from ..models import Report
from . import pdf
from .japanese import wareki_date
from .queue import enqueue_on_commit

BUILD_TASK = "portal.tasks.build_report"

KEEP_FOR = datetime.timedelta(days=7)
# A worker building a report may stop for good (killed, out of memory, the machine gone) and a
# queued report's message may be lost (the broker restarted empty). A report that shows no sign
# of life for a stated time is therefore "stale": the clean-up fails it, the requester may retry
# it, and asking again makes a new one.
MAX_ATTEMPTS = 3  # a report whose worker dies every time is failed, not started a fourth time


def running_stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REPORT_STALE_SECONDS)


def queued_stale_after() -> datetime.timedelta:
    return datetime.timedelta(seconds=settings.REPORT_QUEUED_STALE_SECONDS)


def heartbeat_every() -> float:
    """How often a worker building a report says it is alive: several times per stale time."""
    return max(0.5, settings.REPORT_STALE_SECONDS / 6)


def _quiet_since(cut) -> Q:
    return (Q(heartbeat_at__lt=cut) | Q(heartbeat_at=None, started_at__lt=cut)
            | Q(heartbeat_at=None, started_at=None, created_at__lt=cut))


def stale(now=None) -> Q:
    """Queued or running reports without a sign of life for their stale time."""
    now = now or timezone.now()
    return (Q(status=Report.Status.RUNNING) & _quiet_since(now - running_stale_after())
            | Q(status=Report.Status.QUEUED) & _quiet_since(now - queued_stale_after()))


def last_seen(report: Report):
    return report.heartbeat_at or report.started_at or report.created_at


def is_stale(report: Report, now=None) -> bool:
    now = now or timezone.now()
    limit = {Report.Status.RUNNING: running_stale_after(),
             Report.Status.QUEUED: queued_stale_after()}.get(report.status)
    return limit is not None and last_seen(report) < now - limit


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


def still_allowed(user, report: Report) -> bool:
    """Whether ``user`` may still see the data the report was built from (its kind asked again
    with its parameters); who may download it is the report policy's ``download``."""
    return report.kind in _kinds and _kinds[report.kind].allowed(user, report.params)


@transaction.atomic
def request_report(*, user, code: str, params: dict) -> Report:
    """Queues a report; asking again while the same one is queued or running returns it."""
    kind = kind_of(code)
    if not kind.allowed(user, params):
        raise PermissionDenied
    same = Report.objects.select_for_update().filter(requested_by=user, kind=code,
                                                     params=params)
    mark_stale(reports=same)  # a stuck one is not handed back: it is failed, and a new one made
    pending = same.filter(status__in=[Report.Status.QUEUED, Report.Status.RUNNING]).first()
    if pending is not None:
        return pending
    report = Report.objects.create(kind=code, params=params, title=kind.title(params)[:200],
                                   requested_by=user)
    enqueue_on_commit(BUILD_TASK, report.pk)
    return report


@transaction.atomic
def retry_report(*, user, report: Report) -> Report:
    """Queues a failed report again, or one that has shown no sign of life for its stale time
    (the clean-up may not have run yet)."""
    if report.requested_by_id != user.pk:
        raise PermissionDenied
    now = timezone.now()
    updated = Report.objects.filter(Q(status=Report.Status.FAILED) | stale(now),
                                    pk=report.pk).update(
        status=Report.Status.QUEUED, progress=0, error="", started_at=None, finished_at=None,
        heartbeat_at=now, attempts=0)
    if updated:
        enqueue_on_commit(BUILD_TASK, report.pk)
    report.refresh_from_db()
    return report


def mark_stale(now=None, reports=None) -> int:
    """Reports whose worker died, or whose message the broker lost, are failed with the reason,
    so they can be retried instead of staying 「作成中」 or 「待機中」 for ever."""
    now = now or timezone.now()
    reports = Report.objects.all() if reports is None else reports
    reasons = {
        Report.Status.RUNNING: gettext("The worker building it stopped; ask for it again."),
        Report.Status.QUEUED: gettext("No worker started it; the queue may have lost it. "
                                      "Ask for it again."),
    }
    return sum(reports.filter(stale(now), status=status).update(
        status=Report.Status.FAILED, finished_at=now, error=reason[:300])
        for status, reason in reasons.items())


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
