"""Helpers for tests that ask for a report and read what comes back."""

import io

from django.urls import reverse

from portal.models import Report

BAR_COLOUR = (0x00, 0x41, 0x8F, 255)  # portal.lib.charts.FILLS["bar--actual"]


def ask(client, kind, django_capture_on_commit_callbacks, **params) -> Report:
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("report_request"), {"kind": kind, **params})
    assert response.status_code == 302
    return Report.objects.order_by("-id").first()


def download(client, report) -> bytes:
    response = client.get(reverse("report_download", args=[report.pk]))
    assert response.status_code == 200
    return b"".join(response.streaming_content)


def pictures(sheet) -> list:
    """A worksheet's pictures as RGBA images."""
    from PIL import Image

    return [Image.open(io.BytesIO(picture._data())).convert("RGBA") for picture in sheet._images]


def colours(picture) -> set:
    return {colour for _count, colour in picture.getcolors(maxcolors=1 << 20)}
