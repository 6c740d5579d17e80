"""Form validators with Thai messages: end dates, phones, PDF uploads."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _
from wtforms.validators import ValidationError

# The PDF upload field lives with the other fields (it checks files with uploads.py).
from admin.fields import PdfUploadField
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


__all__ = ["NotBefore", "PdfUploadField", "email_validator", "phone_validator", "strip_filter"]
