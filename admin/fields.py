"""Form fields that speak Thai conventions: BE dates, national IDs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask_admin.contrib.sqla.form import AdminModelConverter
from flask_admin.model.form import converts
from flask_babel import lazy_gettext as _l
from wtforms import StringField

from thai.dates import format_be, parse_date, parse_datetime
from thai.nid import clean_national_id, format_national_id


class ThaiDateField(StringField):
    """A date typed as BE or CE ("24/01/2568", "24 ม.ค. 68", "2025-01-24"), shown in BE."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        render_kw = kwargs.pop("render_kw", None) or {}
        render_kw.setdefault("placeholder", _l("dd/mm/yyyy (BE), e.g. 24/01/2568"))
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
    """Build date inputs that accept Buddhist Era years instead of a CE date picker."""

    @converts("Date")
    def convert_thai_date(self, field_args: dict[str, Any], **extra: Any) -> ThaiDateField:
        field_args.pop("widget", None)
        return ThaiDateField(**field_args)

    @converts("DateTime")
    def convert_thai_datetime(self, field_args: dict[str, Any], **extra: Any) -> ThaiDateField:
        field_args.pop("widget", None)
        return ThaiDateTimeField(**field_args)
