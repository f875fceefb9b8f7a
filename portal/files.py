"""Serving attachments: only through this view, only to those who may see the object."""

from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from .lib.permissions import VIEW, access, get_object_or_404
from .models import Attachment
from .public_site import PUBLIC_SITE


@access(PUBLIC_SITE)
def download(request, pk):
    attachment = get_object_or_404(request.user, VIEW,
                                   Attachment.objects.select_related("content_type"), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The file is missing from the storage.")) from None
    response = FileResponse(handle, as_attachment=True, filename=attachment.name,
                            content_type=attachment.mime_type)
    # Even if a browser rendered the file, it could run nothing and reach nothing.
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-cache"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
