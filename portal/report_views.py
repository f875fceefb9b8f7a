from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from .lib import reports
from .lib.permissions import DOWNLOAD, LOGGED_IN, VIEW, access, can, get_object_or_404, scope
from .models import Report


def _report(request, pk):
    return get_object_or_404(request.user, VIEW, Report.objects.all(), pk=pk)


@access(LOGGED_IN)
def report_list(request):
    offered = [kind for kind in reports.kinds() if kind.allowed(request.user, None)]
    return render(request, "reports/report_list.html", {
        "reports": scope(request.user, VIEW, Report.objects.all())[:50],
        "kinds": [(kind, kind.form_context(request.user)) for kind in offered],
    })


@require_POST
@access(LOGGED_IN)
def report_request(request):
    try:
        kind = reports.kind_of(request.POST.get("kind", ""))
        params = kind.parse(request.POST)
        report = reports.request_report(user=request.user, code=kind.code, params=params)
    except reports.ReportError as error:
        messages.error(request, str(error))
        return redirect("report_list")
    except PermissionDenied:
        raise Http404 from None
    return redirect(report)


@never_cache
@access(LOGGED_IN)
def report_detail(request, pk):
    report = _report(request, pk)
    stale = reports.is_stale(report)
    return render(request, "reports/report_detail.html", {
        "report": report, "stale": stale,
        "refresh": report.status in (Report.Status.QUEUED, Report.Status.RUNNING) and not stale})


@never_cache
@access(LOGGED_IN)
def report_status(request, pk):
    report = _report(request, pk)
    return JsonResponse({"status": report.status, "label": report.get_status_display(),
                         "progress": report.progress, "error": report.error})


@access(LOGGED_IN)
def report_download(request, pk):
    report = _report(request, pk)
    if report.status != Report.Status.DONE or not report.file \
            or not can(request.user, DOWNLOAD, report):
        raise Http404
    try:
        handle = report.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the storage.")) from None
    response = FileResponse(handle, as_attachment=True, filename=report.filename,
                            content_type=report.mime_type)
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    return response


@require_POST
@access(LOGGED_IN)
def report_retry(request, pk):
    report = reports.retry_report(user=request.user, report=_report(request, pk))
    messages.success(request, _("The report has been asked for again."))
    return redirect(report)
