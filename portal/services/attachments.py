"""Attaching files to objects and removing them."""

from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.db import transaction

from portal.lib import permissions
from portal.lib.uploads import DOCUMENTS, check_upload
from portal.models import Attachment


@transaction.atomic
def attachment_create(*, actor, owner, upload, title: str = "", allowed=DOCUMENTS,
                      is_public: bool = False) -> Attachment:
    """Checks the upload (size, kind by content) and stores it outside the static root.

    Raises PermissionDenied unless ``actor`` may change ``owner``, and ValidationError with a
    reason for a file that is refused. ``is_public`` offers it on the public site too.
    """
    if not permissions.can(actor, permissions.CHANGE, owner):
        raise PermissionDenied
    checked = check_upload(upload, allowed=allowed)
    attachment = Attachment(owner=owner, name=checked.name, title=title[:200],
                            mime_type=checked.kind.mime_type, size=len(checked.content),
                            sha256=checked.sha256, uploaded_by=actor, is_public=is_public)
    attachment.file.save(checked.name, ContentFile(checked.content), save=False)
    # The file is written before the row; if saving the row fails, remove the file again.
    try:
        attachment.save()
    except Exception:
        attachment.file.delete(save=False)
        raise
    return attachment


@transaction.atomic
def attachment_delete(*, actor, attachment: Attachment) -> None:
    if not permissions.can(actor, permissions.DELETE, attachment):
        raise PermissionDenied
    stored = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    # Remove the bytes only once the row is gone for good.
    transaction.on_commit(lambda: storage.delete(stored))
