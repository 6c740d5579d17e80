"""หนังสือราชการ: the outgoing-letter register, the letter templates and the office settings.

Letters enter the register only by being issued (processes.letters), never through a
form, and stay there: the register is gap-free, so no screen edits or deletes an entry.
Every letter prints as a PDF, alone or several in one file.
"""

from __future__ import annotations

import io
import os
import uuid
from typing import Any

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    send_file,
    url_for,
)
from flask_admin import expose
from flask_admin.actions import action
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from flask_wtf.file import FileField
from markupsafe import Markup
from PIL import Image, UnidentifiedImageError
from sqlalchemy import select
from werkzeug.datastructures import CombinedMultiDict
from wtforms import BooleanField, HiddenField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from admin.base import AdminForm, SecureBaseView, SecureModelView
from admin.validators import email_validator, strip_filter
from admin.versioning import conflict_message, newest_log_id, posted_int
from keys import record_ids
from models import LetterTemplate, OfficeSettings, OutgoingLetter, db
from processes.letters import (
    FIELD_LABELS,
    FILLED_FIELDS,
    PLACEHOLDERS,
    LetterRefused,
    issue_announcements,
    template_problems,
)

CATEGORY = _l("Letters")
EMBLEM_FOLDER = "letters"
EMBLEM_FORMATS = {"PNG": "png", "JPEG": "jpg"}
EMBLEM_MAX_BYTES = 2 * 1024 * 1024
# A list of skipped placements longer than this is summed up rather than listed.
SKIPPED_SHOWN = 20

LETTER_LABELS = {
    "ref": _l("Letter number"),
    "number": _l("Letter number"),
    "year": _l("Year (BE)"),
    "issued_on": _l("Date of the letter"),
    "issued_at": _l("Issued at"),
    "issued_by": _l("Issued by"),
    "updated_at": _l("Updated at"),
    **FIELD_LABELS,
    "body": _l("Letter body"),
    "closing": _l("Closing line"),
    "college": _l("College"),
    "round": _l("Placement round"),
    "template": _l("Letter template"),
    "attachment": _l("Attached list"),
    "pdf": _l("PDF"),
    "code": _l("Code"),
    "name": _l("Name"),
}
# A letter's wording, as its template words it and the register keeps it once filled in.
WORDING = (*FILLED_FIELDS, "closing")


# --------------------------------------------------------------------------- printing


def emblem_file(settings: OfficeSettings | None) -> str | None:
    """The emblem's path on disk, or None when none was uploaded (or it is gone)."""
    if settings is None or not settings.emblem_path:
        return None
    path = os.path.join(current_app.config["UPLOAD_FOLDER"], EMBLEM_FOLDER, settings.emblem_path)
    return path if os.path.isfile(path) else None


def the_settings() -> OfficeSettings | None:
    return db.session.scalar(select(OfficeSettings).order_by(OfficeSettings.id).limit(1))


def letters_pdf(letters: list[OutgoingLetter]):
    """The letters as one PDF download, named after the first letter's number."""
    from reports.letter import render_letters

    settings = the_settings() or OfficeSettings(name=current_app.config["OFFICE_NAME"])
    content = render_letters(letters, settings, emblem=emblem_file(settings))
    first = letters[0]
    name = f"letter-{first.year}-{first.number:04d}"
    if len(letters) > 1:
        name += f"-and-{len(letters) - 1}-more"
    return send_file(
        io.BytesIO(content),
        mimetype="application/pdf",
        as_attachment=False,
        download_name=f"{name}.pdf",
    )


def letters_by_ids(ids: list[int]) -> list[OutgoingLetter]:
    if not ids:
        return []
    found = db.session.scalars(select(OutgoingLetter).where(OutgoingLetter.id.in_(ids)))
    return sorted(found, key=lambda letter: (letter.year, letter.number))


class LetterView(SecureBaseView):
    """Issuing the announcement letters and printing letters (no menu entry of its own)."""

    def is_visible(self) -> bool:
        return False

    @expose("/")
    def index(self):
        return redirect(url_for("outgoing_letter.index_view"))

    @expose("/issue", methods=["POST"])
    def issue(self):
        """Issue the announcement letters for the placements posted (placement_ids)."""
        ids = record_ids(request.form.getlist("placement_ids"))
        back = safe_back(request.form.get("next")) or url_for("outgoing_letter.index_view")
        if not ids:
            flash(_("Choose the placements to announce first."), "error")
            return redirect(back)
        try:
            letters = issue_announcements(db.session, ids, by=current_user.email)
        except LetterRefused as error:
            db.session.rollback()
            flash(str(error), "error")
            return redirect(back)
        db.session.commit()
        for placement, reason in letters.skipped[:SKIPPED_SHOWN]:
            flash(f"{placement.teacher}: {reason}" if placement.teacher else reason, "warning")
        if len(letters.skipped) > SKIPPED_SHOWN:
            more = len(letters.skipped) - SKIPPED_SHOWN
            flash(
                _("Placements not announced besides those listed: %(count)s.", count=more),
                "warning",
            )
        if not letters:
            flash(_("No letter was issued: none of the placements can be announced."), "error")
            return redirect(back)
        flash(
            _("Letters issued and entered in the register: %(count)s.", count=len(letters)),
            "success",
        )
        return redirect(url_for(".issued", id=[letter.id for letter in letters]))

    @expose("/issued")
    def issued(self):
        letters = letters_by_ids(record_ids(request.args.getlist("id")))
        if not letters:
            abort(404)
        return self.render(
            "admin/letters/issued.html", letters=letters, ids=[letter.id for letter in letters]
        )

    @expose("/pdf")
    def pdf(self):
        letters = letters_by_ids(record_ids(request.args.getlist("id")))
        if not letters:
            abort(404)
        return letters_pdf(letters)


def safe_back(url: str | None) -> str | None:
    """A page of this site to go back to (never another site)."""
    if url and url.startswith("/") and not url.startswith("//"):
        return url
    return None


# --------------------------------------------------------------------------- the register


def ref_formatter(view: Any, context: Any, model: OutgoingLetter, name: str) -> Any:
    return Markup('<span class="text-nowrap letter-ref">{}</span>').format(model.ref)


def ref_text(view: Any, context: Any, model: OutgoingLetter, name: str) -> str:
    return model.ref


def pdf_formatter(view: Any, context: Any, model: OutgoingLetter, name: str) -> Any:
    url = url_for("letters.pdf", id=model.id)
    return Markup('<a href="{}" class="letter-pdf"><i class="fa fa-file-pdf-o"></i> {}</a>').format(
        url, _("PDF")
    )


def attachment_formatter(view: Any, context: Any, model: OutgoingLetter, name: str) -> Any:
    rows = model.attachment or []
    if not rows:
        return ""
    items = Markup("").join(
        Markup("<li>{} — {}</li>").format(row.get("name", ""), row.get("host", "")) for row in rows
    )
    return Markup("<ol class='mb-0'>{}</ol>").format(items)


class OutgoingLetterView(SecureModelView):
    """ทะเบียนหนังสือส่ง: read-only; entries come from issuing letters."""

    allow_create = False
    allow_edit = False
    allow_delete = False
    column_labels = LETTER_LABELS
    column_list = ("ref", "issued_on", "subject", "addressee", "issued_by", "pdf")
    column_details_list = (
        "ref",
        "issued_on",
        "issued_at",
        "issued_by",
        *WORDING,
        "college",
        "round",
        "template",
        "attachment",
        "pdf",
    )
    column_export_list = ("ref", "issued_on", "subject", "addressee", "issued_by")
    column_searchable_list = ("subject", "addressee", "issued_by")
    column_filters = ("year", "number", "issued_on", "issued_by")
    column_sortable_list = (("ref", ("year", "number")), "issued_on", "subject", "issued_by")
    column_default_sort = [("year", True), ("number", True)]
    column_formatters = {
        "ref": ref_formatter,
        "pdf": pdf_formatter,
        "attachment": attachment_formatter,
    }
    column_formatters_detail = column_formatters
    column_formatters_export = {"ref": ref_text}

    def is_action_allowed(self, name: str) -> bool:
        # Actions are posted forms, and only staff who write may post.
        return self.may_write() and super().is_action_allowed(name)

    @action("print", _l("Print as one PDF"))
    def action_print(self, ids: list[str]):
        letters = letters_by_ids(record_ids(ids))
        if not letters:
            flash(_("Choose the letters to print first."), "error")
            return redirect(url_for(".index_view"))
        return letters_pdf(letters)


# --------------------------------------------------------------------------- templates


class LetterTemplateView(SecureModelView):
    """The wording of the letters, with the placeholders staff may use."""

    allow_delete = False
    column_labels = LETTER_LABELS
    column_list = ("code", "name", "subject", "updated_at")
    form_columns = ("code", "name", *WORDING)
    column_details_list = (*form_columns, "updated_at")
    form_overrides = {"body": TextAreaField}
    form_args = {
        "code": {"filters": [strip_filter]},
        "body": {
            "description": _l("One paragraph per line; each prints with its first line indented."),
        },
    }
    form_widget_args = {"body": {"rows": 12}}
    create_template = "admin/letters/template_create.html"
    edit_template = "admin/letters/template_edit.html"

    def render(self, template: str, **kwargs: Any) -> Any:
        kwargs.setdefault("placeholders", PLACEHOLDERS)
        return super().render(template, **kwargs)

    def validate_form(self, form: Any) -> bool:
        ok = super().validate_form(form)
        if not ok or not hasattr(form, "body"):
            return ok
        problems = template_problems({name: form[name].data for name in form.data if name in form})
        for name, message in problems.items():
            if name in form:
                form[name].errors = [*form[name].errors, message]
        return not problems


# --------------------------------------------------------------------------- office settings


class SettingsForm(AdminForm):
    # The version the form was opened on and the newest change-log row then (versioning.py).
    record_version = HiddenField()
    record_seen = HiddenField()
    name = StringField(_l("Office name"), validators=[DataRequired(), Length(max=255)])
    address = TextAreaField(
        _l("Address"),
        validators=[Optional()],
        description=_l("One line per line printed under the office's name."),
    )
    letter_prefix = StringField(
        _l("Letter prefix"),
        validators=[DataRequired(), Length(max=64)],
        description=_l("Printed before each letter's number, e.g. ศธ ๐๖๐๕."),
        filters=[strip_filter],
    )
    signatory_name = StringField(_l("Signatory"), validators=[Optional(), Length(max=255)])
    signatory_position = TextAreaField(
        _l("Signatory's position"),
        validators=[Optional()],
        description=_l("One line per line of the signature block under the name."),
    )
    contact_unit = StringField(_l("Contact unit"), validators=[Optional(), Length(max=255)])
    contact_phone = StringField(_l("Contact phone"), validators=[Optional(), Length(max=64)])
    contact_email = StringField(
        _l("Contact e-mail"), validators=[Optional(), Length(max=255), email_validator]
    )
    emblem = FileField(
        _l("Garuda emblem (PNG or JPEG)"),
        description=_l("Printed 3 cm high at the top of every letter; up to 2 MB."),
    )
    remove_emblem = BooleanField(_l("Remove the emblem"))

    def validate_emblem(self, field: Any) -> None:
        data = field.data
        if not data or not getattr(data, "filename", None):
            return
        content = data.read()
        data.seek(0)
        limit = current_app.config.get("EMBLEM_MAX_BYTES", EMBLEM_MAX_BYTES)
        if len(content) > limit:
            raise ValidationError(
                _(
                    "The file is %(size)s MB; the limit is %(limit)s MB.",
                    size=f"{len(content) / 1048576:.1f}",
                    limit=f"{limit / 1048576:.0f}",
                )
            )
        if image_format(content) is None:
            raise ValidationError(_("The emblem must be a PNG or JPEG image."))


def image_format(content: bytes) -> str | None:
    """PNG or JPEG when Pillow reads the bytes as a whole image of that kind, else None."""
    try:
        with Image.open(io.BytesIO(content)) as image:
            kind = image.format
            image.verify()
        with Image.open(io.BytesIO(content)) as image:
            image.load()
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        return None
    return kind if kind in EMBLEM_FORMATS else None


def store_emblem(content: bytes) -> str:
    """Keep an uploaded emblem under the upload folder; return its name there."""
    folder = os.path.join(current_app.config["UPLOAD_FOLDER"], EMBLEM_FOLDER)
    os.makedirs(folder, exist_ok=True)
    name = f"emblem-{uuid.uuid4().hex[:12]}.{EMBLEM_FORMATS[image_format(content) or 'PNG']}"
    with open(os.path.join(folder, name), "wb") as file:
        file.write(content)
    return name


SETTINGS_FIELDS = (
    "name",
    "address",
    "letter_prefix",
    "signatory_name",
    "signatory_position",
    "contact_unit",
    "contact_phone",
    "contact_email",
)


class OfficeSettingsView(SecureBaseView):
    """The office's particulars for its letters: one record, edited in place."""

    @expose("/", methods=["GET", "POST"])
    def index(self):
        settings = the_settings()
        posted = (
            CombinedMultiDict((request.files, request.form)) if request.method == "POST" else None
        )
        form = SettingsForm(formdata=posted, obj=settings)
        stale = (
            request.method == "POST"
            and settings is not None
            and posted_int(form, "record_version") not in (None, settings.version)
        )
        if stale:
            # Another admin saved the settings after this form was opened: say what changed
            # and keep this input; saving again from here is the user's choice.
            flash(conflict_message(self, settings, posted_int(form, "record_seen"), []), "error")
        elif request.method == "POST" and form.validate_on_submit():
            if settings is None:
                settings = OfficeSettings()
                db.session.add(settings)
            for name in SETTINGS_FIELDS:
                value = form[name].data
                setattr(settings, name, value.strip() if isinstance(value, str) and value else None)
            upload = form.emblem.data
            if upload and getattr(upload, "filename", None):
                settings.emblem_path = store_emblem(upload.read())
            elif form.remove_emblem.data:
                settings.emblem_path = None
            db.session.commit()
            flash(_("The office settings were saved."), "success")
            return redirect(url_for(".index"))
        if request.method == "GET" or stale:
            form.record_version.data = str(settings.version) if settings is not None else ""
            form.record_seen.data = str(newest_log_id())
        return self.render(
            "admin/letters/settings.html",
            form=form,
            settings=settings,
            has_emblem=emblem_file(settings) is not None,
            may_write=self.may_write(),
        )

    @expose("/emblem")
    def emblem(self):
        settings = the_settings()
        path = emblem_file(settings)
        if path is None:
            abort(404)
        mimetype = "image/png" if path.endswith(".png") else "image/jpeg"
        with open(path, "rb") as file:
            return Response(file.read(), mimetype=mimetype, headers={"Cache-Control": "no-cache"})


def add_views(admin) -> None:
    admin.add_view(
        OutgoingLetterView(
            OutgoingLetter,
            name=_l("Outgoing letters"),
            category=CATEGORY,
            endpoint="outgoing_letter",
        )
    )
    admin.add_view(
        LetterTemplateView(
            LetterTemplate,
            name=_l("Letter templates"),
            category=CATEGORY,
            endpoint="letter_template",
        )
    )
    admin.add_view(
        OfficeSettingsView(
            name=_l("Office settings"), category=CATEGORY, endpoint="office_settings"
        )
    )
    admin.add_view(LetterView(name=_l("Letters issued"), endpoint="letters"))
