"""บันทึกข้อตกลง: MOUs with their parties and signed documents."""

from __future__ import annotations

from typing import Any

from flask_admin import expose
from flask_admin.contrib.sqla.filters import BaseSQLAFilter
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms.validators import ValidationError

from admin.base import SecureModelView, choice_formatter, db_options
from admin.fields import PdfUploadField
from admin.labels import LABELS
from admin.refs import agency_ref
from admin.validators import NotBefore, strip_filter
from models import Agency, Mou, MouParty, MouStatus, Province, db
from uploads import download, file_url

CATEGORY = _l("MOUs")


class MouStatusFilter(BaseSQLAFilter):
    """Filter on the status derived from the end date."""

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        return query.filter(Mou.status == value)

    def operation(self) -> Any:
        return _l("equals")


class PartyFilter(BaseSQLAFilter):
    """MOUs one of whose parties matches a name, code or abbreviation."""

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        pattern = f"%{value.strip()}%"
        match = Agency.name_th.ilike(pattern) | Agency.code.ilike(pattern)
        match = match | Agency.abbreviation.ilike(pattern)
        return query.filter(Mou.parties.any(MouParty.agency.has(match)))

    def operation(self) -> Any:
        return _l("contains")


class PartyProvinceFilter(BaseSQLAFilter):
    """MOUs with a party in a province."""

    def apply(self, query: Any, value: Any, alias: Any = None) -> Any:
        in_province = Agency.province.has(Province.name_th == value)
        return query.filter(Mou.parties.any(MouParty.agency.has(in_province)))

    def operation(self) -> Any:
        return _l("equals")


def province_options() -> list[tuple[str, str]]:
    names = db.session.scalars(db.select(Province.name_th).order_by(Province.name_th))
    return [(name, name) for name in names]


def status_formatter(view: Any, context: Any, model: Mou, name: str) -> Any:
    label = MouStatus(model.status).label
    css = {
        MouStatus.ACTIVE: "success",
        MouStatus.EXPIRING: "warning",
        MouStatus.EXPIRED: "secondary",
        MouStatus.OPEN_ENDED: "info",
    }[MouStatus(model.status)]
    return Markup('<span class="badge badge-{}">{}</span>').format(css, label)


def document_formatter(view: Any, context: Any, model: Mou, name: str) -> Any:
    """A link that downloads the signed document through the checked route (uploads.py)."""
    url = file_url("mou", model)
    if url is None:
        return ""
    return Markup(
        '<a href="{}" class="document-link"><i class="fa fa-file-pdf-o"></i> {}</a>'
    ).format(url, _("Open signed document"))


class MouView(SecureModelView):
    column_labels = LABELS
    column_list = ("ref_no", "title", "party_names", "signed_on", "expires_on", "status")
    column_details_list = (
        "ref_no",
        "title",
        "party_names",
        "signed_on",
        "expires_on",
        "status",
        "scope",
        "document_path",
        "notes",
        "created_at",
        "updated_at",
    )
    column_export_list = (
        "ref_no",
        "title",
        "party_names",
        "signed_on",
        "expires_on",
        "status",
        "scope",
    )
    column_searchable_list = ("ref_no", "title")
    column_filters = (
        MouStatusFilter(Mou.expires_on, _l("Status"), options=MouStatus.choices),
        PartyFilter(Mou.id, _l("Party")),
        PartyProvinceFilter(Mou.id, _l("Party's province"), options=db_options(province_options)),
        "signed_on",
        "expires_on",
    )
    column_sortable_list = ("ref_no", "title", "signed_on", "expires_on")
    column_default_sort = ("signed_on", True)
    column_formatters = {
        "status": status_formatter,
        "document_path": document_formatter,
    }
    column_formatters_export = {"status": choice_formatter(MouStatus)}
    form_columns = (
        "ref_no",
        "title",
        "parties",
        "signed_on",
        "expires_on",
        "scope",
        "document_path",
        "notes",
    )
    form_overrides = {"document_path": PdfUploadField}
    form_args = {
        "ref_no": {"filters": [strip_filter]},
        "expires_on": {"validators": [NotBefore("signed_on")]},
        "document_path": {"subfolder": "mous"},
    }
    inline_models = (
        (
            MouParty,
            {
                "form_columns": ("id", "agency", "signatory"),
                "column_labels": LABELS,
                "form_ajax_refs": {"agency": agency_ref()},
            },
        ),
    )

    def on_model_change(self, form: Any, model: Mou, is_created: bool) -> None:
        agencies = [
            party.agency_id or (party.agency and party.agency.id) for party in model.parties
        ]
        agencies = [a for a in agencies if a]
        if len(agencies) < 2:
            raise ValidationError(_("An MOU needs at least two parties."))
        if len(set(agencies)) != len(agencies):
            raise ValidationError(_("The same agency is listed twice as a party."))

    @expose("/document/<int:mou_id>")
    def document(self, mou_id: int):
        """The signed document, through the same checks as every upload (uploads.download)."""
        return download("mou", mou_id)


def add_views(admin) -> None:
    admin.add_view(MouView(Mou, name=_l("MOUs"), category=CATEGORY, endpoint="mou"))
