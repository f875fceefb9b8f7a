import io
import zipfile

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from portal.lib.uploads import CSV, DOCUMENTS, PDF, PNG, XLSX, check_upload, sniff
from portal.models import AuditEntry
from portal.services.attachments import attachment_create, attachment_delete

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.7\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG_BYTES = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def xlsx_bytes():
    buffer = io.BytesIO()
    Workbook().save(buffer)
    return buffer.getvalue()


def upload(name, content):
    return SimpleUploadedFile(name, content)


@pytest.fixture(autouse=True)
def private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path / "private"}}}
    return tmp_path / "private"


def test_the_kind_is_decided_by_the_content():
    assert sniff(PDF_BYTES) is PDF
    assert sniff(PNG_BYTES) is PNG
    assert sniff(xlsx_bytes()) is XLSX
    assert sniff("団体コード,人口\n062014,1\n".encode("cp932")) is CSV
    assert sniff(b"MZ\x90\x00\x03\x00\x00\x00") is None  # a Windows program


@pytest.mark.parametrize("name, content, code", [
    ("report.pdf", b"MZ\x90\x00\x03\x00", "kind"),  # a program named .pdf
    ("report.xlsx", PDF_BYTES, "extension"),  # a PDF named .xlsx
    ("report", PDF_BYTES, "extension"),
])
def test_files_whose_content_does_not_match_are_refused(name, content, code):
    with pytest.raises(ValidationError) as error:
        check_upload(upload(name, content))
    assert error.value.code == code


def test_a_zip_that_is_not_an_office_file_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("payload.exe", b"MZ")
    with pytest.raises(ValidationError):
        check_upload(upload("data.xlsx", buffer.getvalue()))


def test_files_over_the_limit_are_refused(settings):
    settings.UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="MB") as error:
        check_upload(upload("big.pdf", PDF_BYTES + b"0" * 2048))
    assert error.value.code == "too_large"


# A user account stands in for the owner: its policy lets the user and prefecture staff see it,
# and only prefecture staff change it.


def test_an_attachment_is_stored_outside_the_static_root_under_a_random_name(
        prefecture_user, municipal_user, private_storage, settings):
    attachment = attachment_create(actor=prefecture_user, owner=municipal_user,
                                   upload=upload("../../山形市 資料.pdf", PDF_BYTES))
    stored = private_storage / attachment.file.name
    assert stored.read_bytes() == PDF_BYTES
    assert "山形市" not in attachment.file.name and ".." not in attachment.file.name
    assert not str(stored).startswith(str(settings.STATIC_ROOT))
    assert (attachment.name, attachment.mime_type, attachment.size) == (
        "山形市 資料.pdf", "application/pdf", len(PDF_BYTES))
    assert AuditEntry.objects.filter(object_id=str(attachment.pk), action="create").exists()


def test_only_those_who_may_change_the_object_attach_files(municipal_user, other_municipal_user):
    for actor in (municipal_user, other_municipal_user):
        with pytest.raises(PermissionDenied):
            attachment_create(actor=actor, owner=municipal_user,
                              upload=upload("a.pdf", PDF_BYTES))


def test_the_download_is_permission_checked_and_served_safely(client, users_by_role):
    owner = users_by_role["municipal"]
    attachment = attachment_create(actor=users_by_role["prefecture"], owner=owner,
                                   upload=upload("計画.pdf", PDF_BYTES), allowed=DOCUMENTS)
    url = reverse("file_download", args=[attachment.pk])

    assert client.get(url).status_code == 302  # anonymous: to the login page
    expected = {"municipal": 200, "prefecture": 200, "admin": 200, "other_municipal": 404,
                "branch": 404, "other_branch": 404}
    for role, status in expected.items():
        client.force_login(users_by_role[role])
        response = client.get(url)
        assert response.status_code == status, role
    client.force_login(owner)
    response = client.get(url)
    assert b"".join(response.streaming_content) == PDF_BYTES
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "utf-8''%E8%A8%88%E7%94%BB.pdf" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_file_missing_from_storage_is_a_404_not_a_500(client, prefecture_user, municipal_user):
    attachment = attachment_create(actor=prefecture_user, owner=municipal_user,
                                   upload=upload("a.pdf", PDF_BYTES))
    attachment.file.storage.delete(attachment.file.name)
    client.force_login(municipal_user)
    assert client.get(reverse("file_download", args=[attachment.pk])).status_code == 404


def test_deleting_removes_the_row_and_then_the_file(prefecture_user, municipal_user,
                                                    private_storage,
                                                    django_capture_on_commit_callbacks):
    attachment = attachment_create(actor=prefecture_user, owner=municipal_user,
                                   upload=upload("a.pdf", PDF_BYTES))
    stored, attachment_id = private_storage / attachment.file.name, attachment.pk
    with pytest.raises(PermissionDenied):
        attachment_delete(actor=municipal_user, attachment=attachment)
    with django_capture_on_commit_callbacks(execute=True):
        attachment_delete(actor=prefecture_user, attachment=attachment)
    assert not stored.exists()
    assert AuditEntry.objects.filter(action="delete", object_id=str(attachment_id),
                                     object_repr="a.pdf").exists()
