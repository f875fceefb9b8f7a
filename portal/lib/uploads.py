"""Uploaded files: the size is limited and the type is decided by the content, not the name."""

import hashlib
import io
import zipfile
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileKind:
    extension: str
    mime_type: str
    label: str


PDF = FileKind("pdf", "application/pdf", "PDF")
XLSX = FileKind("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "Excel")
DOCX = FileKind("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                "Word")
PPTX = FileKind("pptx",
                "application/vnd.openxmlformats-officedocument.presentationml.presentation",
                "PowerPoint")
PNG = FileKind("png", "image/png", "PNG")
JPEG = FileKind("jpg", "image/jpeg", "JPEG")
CSV = FileKind("csv", "text/csv", "CSV")

DOCUMENTS = (PDF, XLSX, DOCX, PPTX, PNG, JPEG, CSV)
# The part every Office Open XML package of each kind carries.
OOXML_MAIN_PART = {XLSX: "xl/workbook.xml", DOCX: "word/document.xml",
                   PPTX: "ppt/presentation.xml"}
EXTENSIONS = {"jpeg": "jpg"}
RATIO_CHECKED_FROM = 1024 * 1024  # bytes inflated


def _ooxml_kind(content: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for kind, part in OOXML_MAIN_PART.items() if part in names), None)


def check_office_package(content: bytes) -> None:
    """Refuses an Office file (a zip package) that would inflate to an unreasonable size or
    holds an unreasonable number of parts, judged from its directory without extracting.
    Python's zipfile never inflates a part past its declared size (it fails the CRC check
    instead), so the declared sizes are the most openpyxl could ever unpack."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, ValueError):
        return  # not a package at all: whoever reads it reports it as damaged
    if len(members) > settings.OFFICE_MAX_MEMBERS:
        raise ValidationError(_("The Office file holds more than %(max)s parts; it cannot be "
                                "accepted.") % {"max": settings.OFFICE_MAX_MEMBERS},
                              code="package")
    limit = settings.OFFICE_MAX_UNCOMPRESSED_BYTES
    if sum(member.file_size for member in members) > limit:
        raise ValidationError(_("The Office file would expand to more than %(max)s MB when "
                                "opened; it cannot be accepted.")
                              % {"max": limit // (1024 * 1024)}, code="package")
    ratio = settings.OFFICE_MAX_COMPRESSION_RATIO
    # Small parts compress very well legitimately; only large ones are judged by the ratio.
    if any(member.file_size > RATIO_CHECKED_FROM
           and member.file_size > ratio * max(member.compress_size, 1) for member in members):
        raise ValidationError(_("The Office file holds a part compressed more than %(ratio)s "
                                "times, which no ordinary document does; it cannot be "
                                "accepted.") % {"ratio": ratio}, code="package")


def _is_text(content: bytes) -> bool:
    if b"\x00" in content:
        return False
    for encoding in ("utf-8-sig", "cp932"):
        try:
            content.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def sniff(content: bytes) -> FileKind | None:
    """The kind of file the bytes are, whatever its name says."""
    if content.startswith(b"%PDF-"):
        return PDF
    if content.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if content.startswith(b"\xff\xd8\xff"):
        return JPEG
    if content.startswith(b"PK\x03\x04"):
        return _ooxml_kind(content)
    if content and _is_text(content):
        return CSV
    return None


@dataclass(frozen=True)
class CheckedUpload:
    kind: FileKind
    content: bytes
    name: str
    sha256: str


def check_upload(upload, *, allowed=DOCUMENTS, max_bytes: int | None = None) -> CheckedUpload:
    """Reads an uploaded file and refuses it, with a reason, unless it is small enough and its
    content is one of the allowed kinds and matches its extension."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationError(_("The file is larger than %(max)s MB.")
                              % {"max": limit // (1024 * 1024)}, code="too_large")
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(_("The file is larger than %(max)s MB.")
                              % {"max": limit // (1024 * 1024)}, code="too_large")
    kinds = ", ".join(kind.label for kind in allowed)
    kind = sniff(content)
    if kind not in allowed:
        raise ValidationError(_("This kind of file cannot be uploaded; allowed: %(kinds)s.")
                              % {"kinds": kinds}, code="kind")
    name = (upload.name or "").rsplit("/", 1)[-1].rsplit("\\", 1)[-1][:150]
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if EXTENSIONS.get(extension, extension) != kind.extension:
        raise ValidationError(_("The file's name ends in “.%(extension)s” but it is a %(kind)s "
                                "file.") % {"extension": extension[:10], "kind": kind.label},
                              code="extension")
    if kind in OOXML_MAIN_PART:
        check_office_package(content)
    return CheckedUpload(kind, content, name, hashlib.sha256(content).hexdigest())
