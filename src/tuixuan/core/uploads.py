"""The upload size limit, enforced while the request body arrives.

Django's ``DATA_UPLOAD_MAX_MEMORY_SIZE`` covers form fields, not files. The handler below
runs first among ``FILE_UPLOAD_HANDLERS``: it counts the files' bytes as they come and, the
moment the files of the request together pass ``UPLOAD_MAX_MB`` (one file, or several
chosen at once), or the request announces a body that cannot fit,
stops the upload. The rest of the body is read and thrown away, the partial temporary file
is deleted, nothing is stored, and the form fields that came before the file (the CSRF
token among them) are kept, so the page can answer with the Chinese reason next to the
file field (:func:`form_valid`).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest
from django.utils.translation import gettext as _

_REFUSAL = "_tuixuan_upload_refused"
_ENVELOPE = 1024 * 1024  # room for the multipart boundaries and the other fields


def limit_bytes() -> int:
    return int(settings.UPLOAD_MAX_MB) * 1024 * 1024


def too_large_message() -> str:
    return _("文件超过 %(mb)d MB 的上限，未上传。请拆分后分批导入。") % {
        "mb": settings.UPLOAD_MAX_MB
    }


class SizeLimitUploadHandler(FileUploadHandler):
    def handle_raw_input(
        self,
        input_data: Any,
        META: Any,  # Django's parameter name
        content_length: int,
        boundary: Any,
        encoding: Any = None,
    ) -> None:
        self.request_length = content_length or 0
        self.received = 0  # bytes of the files before the current one
        return None

    def _refuse(self) -> None:
        if self.request is not None:
            setattr(self.request, _REFUSAL, too_large_message())
        raise StopUpload(connection_reset=False)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        super().new_file(*args, **kwargs)
        if getattr(self, "request_length", 0) > limit_bytes() + _ENVELOPE:
            self._refuse()

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes:
        if getattr(self, "received", 0) + start + len(raw_data) > limit_bytes():
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        self.received = getattr(self, "received", 0) + file_size
        return None


def refusal(request: HttpRequest) -> str | None:
    """The Chinese reason an upload of this request was stopped, if it was."""
    value = getattr(request, _REFUSAL, None)
    return str(value) if value else None


def form_valid(form: forms.Form, request: HttpRequest, field: str = "file") -> bool:
    """``form.is_valid()``, with a stopped or oversized upload shown as the field's error."""
    valid = form.is_valid()
    reason = refusal(request)
    total = sum(upload.size or 0 for upload in request.FILES.getlist(field))
    if reason is None and total > limit_bytes():
        reason = too_large_message()
        setattr(request, _REFUSAL, reason)
    if reason is None:
        return valid
    form.errors[field] = form.error_class([reason])
    form.cleaned_data.pop(field, None)
    return False
