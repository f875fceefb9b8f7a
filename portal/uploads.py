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


def _ooxml_kind(content: bytes) -> FileKind | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = set(package.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    return next((kind for kind, part in OOXML_MAIN_PART.items() if part in names), None)


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
    return CheckedUpload(kind, content, name, hashlib.sha256(content).hexdigest())
