"""Form fields that speak Thai conventions (BE dates, national IDs) and checked PDF uploads."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app
from flask_admin.contrib.sqla.fields import QuerySelectField
from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.form import Select2Field
from flask_admin.form.upload import FileUploadField
from flask_admin.model.fields import AjaxSelectField
from flask_admin.model.form import converts
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import StringField
from wtforms.validators import ValidationError
from wtforms.widgets import html_params

from thai.dates import format_be, parse_date, parse_datetime
from thai.nid import clean_national_id, format_national_id
from uploads import UploadRefused, check_pdf, folder_of, keep, read_upload, shown_name

# The words of a choice not yet made, and the single-choice fields that show it.
CHOOSE = _l("Please choose…")
SINGLE_CHOICES = (Select2Field, QuerySelectField, AjaxSelectField)


DATE_HINT = _l("dd/mm/yyyy, e.g. 24/01/2025 (a BE year also works: 24/01/2568)")


class ThaiDateField(StringField):
    """A date typed as BE or CE ("24/01/2568", "24 ม.ค. 68", "2025-01-24"), shown in BE."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        render_kw = kwargs.pop("render_kw", None) or {}
        render_kw.setdefault("placeholder", DATE_HINT)
        render_kw.setdefault("autocomplete", "off")
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_be(self.data, style="numeric") if self.data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = (valuelist[0] if valuelist else "") or ""
        if not str(text).strip():
            self.data = None
            return
        try:
            self.data = self.parse(text)
        except ValueError as error:
            self.data = None
            raise ValueError(str(error)) from error

    @staticmethod
    def parse(text: str) -> dt.date:
        return parse_date(text)


class ThaiDateTimeField(ThaiDateField):
    """A date and time typed as BE or CE, shown in BE."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        if not self.data:
            return ""
        return f"{format_be(self.data, style='numeric')} {self.data:%H:%M}"

    @staticmethod
    def parse(text: str) -> dt.datetime:
        return parse_datetime(text)


class NationalIdField(StringField):
    """A 13-digit national ID, checked with its check digit; dashes and Thai digits allowed."""

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return format_national_id(self.data) if self.data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = (valuelist[0] if valuelist else "") or ""
        if not text.strip():
            self.data = None
            return
        try:
            self.data = clean_national_id(text)
        except ValueError as error:
            self.data = None
            raise ValueError(str(error)) from error


class ThaiModelConverter(AdminModelConverter):
    """Build date inputs that accept Buddhist Era years instead of a CE date picker, and
    choices left open that say "กรุณาเลือก…" (Flask-Admin's blank option reads "__None")."""

    def convert(self, *args: Any, **kwargs: Any) -> Any:
        field = super().convert(*args, **kwargs)
        field_class = getattr(field, "field_class", None)
        if isinstance(field_class, type) and issubclass(field_class, SINGLE_CHOICES):
            field.kwargs.setdefault("blank_text", CHOOSE)
        return field

    @converts("Date")
    def convert_thai_date(self, field_args: dict[str, Any], **extra: Any) -> ThaiDateField:
        field_args.pop("widget", None)
        return ThaiDateField(**field_args)

    @converts("DateTime")
    def convert_thai_datetime(self, field_args: dict[str, Any], **extra: Any) -> ThaiDateField:
        field_args.pop("widget", None)
        return ThaiDateTimeField(**field_args)


class DocumentInput:
    """A file input, with the kept document's name and a box to detach it (the file stays)."""

    def __call__(self, field: Any, **kwargs: Any) -> Markup:
        kwargs.setdefault("id", field.id)
        kwargs.setdefault("name", field.name)
        kwargs.setdefault("accept", "application/pdf,.pdf")
        # html_params escapes every value it writes.
        params = Markup(html_params(type="file", **kwargs))  # noqa: S704
        file_input = Markup("<input {}>").format(params)
        kept = field.object_data if isinstance(field.object_data, str) else None
        if not kept:
            return file_input
        return Markup(
            '<div class="kept-document mb-1"><i class="fa fa-file-pdf-o"></i> {name} '
            '<label class="ml-3 mb-0"><input type="checkbox" name="_{field}-delete"> {remove}'
            "</label></div>{input}"
        ).format(
            name=shown_name(kept),
            field=field.name,
            remove=_("Detach this document"),
            input=file_input,
        )


class PdfUploadField(FileUploadField):
    """A PDF document of a record, checked by reading it (uploads.check_pdf) before it is kept.

    Nothing is written for a refused file; a file kept for a record that is then not saved is
    deleted when the request ends (uploads.init_app). A replaced or detached document stays on
    disk: nothing a user uploads is thrown away.
    """

    widget = DocumentInput()

    def __init__(self, label: Any = None, subfolder: str = "documents", **kwargs: Any) -> None:
        self.subfolder = subfolder
        kwargs.pop("base_path", None)
        kwargs.pop("allowed_extensions", None)
        super().__init__(label, base_path=self.folder, allowed_extensions=("pdf",), **kwargs)
        self._checked: bytes | None = None

    def folder(self) -> str:
        return str(folder_of(self.subfolder))

    def pre_validate(self, form: Any) -> None:
        self._checked = None
        data = self.data
        if not self._is_uploaded_file(data):
            return
        if not self.is_file_allowed(data.filename or ""):
            raise ValidationError(_("Only PDF files can be attached."))
        try:
            content = read_upload(data, int(current_app.config["MOU_DOCUMENT_MAX_BYTES"]))
            check_pdf(content)
        except UploadRefused as refused:
            raise ValidationError(str(refused)) from None
        self._checked = content

    def populate_obj(self, obj: Any, name: str) -> None:
        if self._should_delete:
            setattr(obj, name, None)
            return
        if self._is_uploaded_file(self.data) and self._checked is not None:
            setattr(obj, name, keep(self._checked, self.data.filename, self.subfolder))

    def _delete_file(self, filename: str) -> None:
        """Keep replaced documents: nothing a user uploads is ever thrown away."""
