"""Form validators with Thai messages: end dates, phones, PDF uploads."""

from __future__ import annotations

import os
import uuid
from typing import Any

from flask import current_app
from flask_admin.form.upload import FileUploadField
from flask_babel import gettext as _
from werkzeug.datastructures import FileStorage
from werkzeug.utils import secure_filename
from wtforms.validators import ValidationError

from thai.phone import clean_email, clean_phone


class NotBefore:
    """The field's date may not be earlier than another field's date."""

    def __init__(self, other: str) -> None:
        self.other = other

    def __call__(self, form: Any, field: Any) -> None:
        start = form[self.other].data
        if field.data and start and field.data < start:
            raise ValidationError(
                _(
                    "%(field)s must not be before %(other)s.",
                    field=field.label.text,
                    other=form[self.other].label.text,
                )
            )


def phone_validator(form: Any, field: Any) -> None:
    """Accept a Thai phone number in any common spelling and store it cleanly."""
    if field.data:
        try:
            field.data = clean_phone(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from error


def email_validator(form: Any, field: Any) -> None:
    if field.data:
        try:
            field.data = clean_email(field.data)
        except ValueError as error:
            raise ValidationError(str(error)) from error


def strip_filter(value: Any) -> Any:
    """Trim stray spaces that break key lookups (codes typed or pasted with spaces)."""
    return value.strip() if isinstance(value, str) else value


def unique_name(obj: Any, data: FileStorage) -> str:
    """Name an upload so that it never replaces another file."""
    base = secure_filename(data.filename or "document.pdf") or "document.pdf"
    return f"{uuid.uuid4().hex[:12]}-{base}"


class PdfUploadField(FileUploadField):
    """A PDF kept on disk under the upload folder; size-limited; old files are kept."""

    def __init__(self, label: Any = None, subfolder: str = "documents", **kwargs: Any) -> None:
        self.subfolder = subfolder
        super().__init__(
            label,
            base_path=self.folder,
            allowed_extensions=("pdf",),
            namegen=unique_name,
            **kwargs,
        )

    def folder(self) -> str:
        path = os.path.join(current_app.config["UPLOAD_FOLDER"], self.subfolder)
        os.makedirs(path, exist_ok=True)
        return path

    def pre_validate(self, form: Any) -> None:
        data = self.data
        if not self._is_uploaded_file(data):
            return
        if not self.is_file_allowed(data.filename):
            raise ValidationError(_("Only PDF files can be attached."))
        limit = current_app.config["MOU_DOCUMENT_MAX_BYTES"]
        data.stream.seek(0, os.SEEK_END)
        size = data.stream.tell()
        data.stream.seek(0)
        if size > limit:
            raise ValidationError(
                _(
                    "The file is %(size)s MB; the limit is %(limit)s MB.",
                    size=f"{size / 1048576:.1f}",
                    limit=f"{limit / 1048576:.0f}",
                )
            )
        if data.stream.read(5) != b"%PDF-":
            data.stream.seek(0)
            raise ValidationError(_("The file is not a PDF document."))
        data.stream.seek(0)

    def _delete_file(self, filename: str) -> None:
        """Keep replaced documents: nothing a user uploads is ever thrown away."""
