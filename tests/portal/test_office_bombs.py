"""An Office file that would inflate to hundreds of megabytes is refused before it is stored
or opened: as an attachment and as a statistics import."""

import io
import tracemalloc
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from portal.lib.uploads import check_upload
from portal.models import Attachment, StatisticValue
from tests.collaboration.conftest import make_initiative
from tests.meetings.conftest import make_council, make_meeting

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
INFLATED = 300 * MB
HEADER = ["lg_code", "year", "indicator", "value", "source", "as_of"]
ROW = ["062014", "2025", "population", "238000", "山形県の人口と世帯数", "2025-10-01"]


def workbook_bytes(rows=(HEADER, ROW)) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def repacked(content: bytes, replace: dict[str, callable]) -> bytes:
    """The package again, each part named in ``replace`` written by its function instead."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as source, \
            zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for member in source.infolist():
            if member.filename in replace:
                continue
            target.writestr(member, source.read(member))
        for name, write in replace.items():
            with target.open(name, "w", force_zip64=True) as part:
                write(part)
    return buffer.getvalue()


def zeros(size: int):
    def write(part):
        chunk = b"\x00" * MB
        for _ in range(size // MB):
            part.write(chunk)
    return write


def huge_sheet(part):
    """A worksheet whose first cell holds a 300 MB text, which openpyxl would read whole."""
    part.write(b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.'
               b'openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1">'
               b'<c r="A1" t="inlineStr"><is><t>')
    chunk = b"a" * MB
    for _ in range(INFLATED // MB):
        part.write(chunk)
    part.write(b"</t></is></c></row></sheetData></worksheet>")


@pytest.fixture(scope="module")
def bomb() -> bytes:
    """A real workbook whose sheet inflates to 300 MB; the file itself is small."""
    content = repacked(workbook_bytes(), {"xl/worksheets/sheet1.xml": huge_sheet})
    assert len(content) < 2 * MB
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        assert sum(member.file_size for member in package.infolist()) > INFLATED
    return content


@pytest.fixture
def private_storage(settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": tmp_path}}}
    return tmp_path


def test_an_ordinary_workbook_is_accepted():
    checked = check_upload(SimpleUploadedFile("統計.xlsx", workbook_bytes([ROW] * 2000)))
    assert checked.kind.extension == "xlsx"


def test_a_workbook_that_inflates_to_300_mb_is_refused(bomb):
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("統計.xlsx", bomb))
    assert error.value.code == "package"
    assert "展開すると100 MBを超える" in error.value.messages[0]


def test_a_workbook_with_too_many_parts_is_refused(settings):
    settings.OFFICE_MAX_MEMBERS = 50
    parts = {f"xl/media/part{n}.txt": (lambda part: part.write(b"x")) for n in range(50)}
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("a.xlsx", repacked(workbook_bytes(), parts)))
    assert "50個を超える部品" in error.value.messages[0]


def test_a_part_packed_far_tighter_than_any_document_is_refused():
    # 20 MB of zeros is under the size limit, but no document compresses a thousandfold.
    content = repacked(workbook_bytes(), {"xl/media/padding.bin": zeros(20 * MB)})
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("a.xlsx", content))
    assert "200倍を超えて圧縮" in error.value.messages[0]


def test_a_word_file_is_checked_the_same_way():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as package:
        package.writestr("[Content_Types].xml", "<Types/>")
        package.writestr("word/document.xml", "<w:document/>")
        with package.open("word/media/padding.bin", "w", force_zip64=True) as part:
            zeros(120 * MB)(part)
    document = buffer.getvalue()
    with pytest.raises(ValidationError) as error:
        check_upload(SimpleUploadedFile("a.docx", document))
    assert error.value.code == "package"


def test_the_initiative_page_refuses_the_bomb_and_stores_nothing(client, municipal_user,
                                                                 other_municipal_user, bomb,
                                                                 private_storage):
    initiative = make_initiative(codes=("062014",))
    url = reverse("initiative_attach", args=[initiative.pk])
    client.force_login(other_municipal_user)  # not a participant: the page does not exist
    assert client.post(url, {"file": SimpleUploadedFile("a.xlsx", bomb)}).status_code == 404
    client.force_login(municipal_user)
    page = client.post(url, {"file": SimpleUploadedFile("集計.xlsx", bomb)}, follow=True)
    assert "このOfficeファイルは展開すると100 MBを超える" in page.content.decode()
    assert Attachment.objects.count() == 0
    assert not any(private_storage.rglob("*.xlsx"))


def test_the_meeting_page_refuses_the_bomb(client, prefecture_user, bomb, private_storage):
    meeting = make_meeting(prefecture_user, make_council(prefecture_user))
    client.force_login(prefecture_user)
    page = client.post(reverse("meeting_attach", args=[meeting.pk]),
                       {"file": SimpleUploadedFile("資料.xlsx", bomb)}, follow=True)
    assert "このOfficeファイルは展開すると100 MBを超える" in page.content.decode()
    assert Attachment.objects.count() == 0


def test_the_statistics_import_refuses_the_bomb_without_opening_it(client, prefecture_user,
                                                                    bomb):
    client.force_login(prefecture_user)
    tracemalloc.start()
    try:
        response = client.post(reverse("statistics_import"),
                               {"file": SimpleUploadedFile("統計.xlsx", bomb)})
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 400
    assert "このOfficeファイルは展開すると100 MBを超える" in response.content.decode()
    assert peak < 50 * MB  # the 300 MB text was never read
    assert StatisticValue.objects.count() == 0


def test_an_ordinary_workbook_is_still_imported(client, prefecture_user):
    client.force_login(prefecture_user)
    response = client.post(reverse("statistics_import"),
                           {"file": SimpleUploadedFile("統計.xlsx", workbook_bytes())})
    assert response.status_code == 302
    assert StatisticValue.objects.count() == 1
