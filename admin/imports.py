"""นำเข้าข้อมูล: upload a spreadsheet, see what it would change, confirm; and the history.

The pages are thin: importers.service stores the file, runs the check and the write and
keeps the result; this module reads forms, starts the work and shows what came of it.
"""

from __future__ import annotations

import io
from typing import Any

from flask import (
    abort,
    copy_current_request_context,
    current_app,
    flash,
    jsonify,
    redirect,
    request,
    send_file,
    url_for,
)
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import pgettext
from flask_login import current_user
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import func, select
from wtforms import BooleanField, StringField
from wtforms.validators import InputRequired

from admin.base import SecureBaseView
from i18n import form_translations
from importers import KINDS, ReadError, service
from importers.results import NEW, REJECTED, UNCHANGED, UPDATED
from importers.templates import build_template, column_guide, is_required, template_filename
from importers.undo import UnknownBatch, undo_batch
from models import ImportBatch, ImportStatus, PlacementRound, db
from thai.dates import fiscal_year_label

CATEGORY = _l("Imports")
# Kinds whose rows go into a placement round chosen by fiscal year.
ROUND_KINDS = {"placements"}
# The preview lists every problem row (up to PROBLEM_ROWS) and the first OTHER_ROWS others;
# tabs per outcome page through all rows, PAGE_SIZE at a time.
PROBLEM_ROWS = 500
OTHER_ROWS = 200
PAGE_SIZE = 200
ERROR_PAGE_SIZE = 200
HISTORY_PAGE_SIZE = 50
# How long a download waits for the error copy a check is still writing (seconds).
ERROR_COPY_WAIT = 120
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
OUTCOME_CLASSES = {NEW: "success", UPDATED: "primary", UNCHANGED: "secondary", REJECTED: "danger"}
STATUS_CLASSES = {
    ImportStatus.CHECKING.value: "info",
    ImportStatus.PREVIEWED.value: "warning",
    ImportStatus.WRITING.value: "info",
    ImportStatus.WRITTEN.value: "success",
    ImportStatus.REJECTED.value: "danger",
    ImportStatus.UNREADABLE.value: "danger",
    ImportStatus.CANCELLED.value: "secondary",
    ImportStatus.FAILED.value: "danger",
    ImportStatus.UNDONE.value: "dark",
}


def outcome_labels() -> dict[str, str]:
    return {
        NEW: pgettext("import outcome", "New"),
        UPDATED: pgettext("import outcome", "Updated"),
        UNCHANGED: pgettext("import outcome", "Unchanged"),
        REJECTED: pgettext("import outcome", "Rejected"),
    }


def stage_label(stage: str | None, writing: bool) -> str:
    labels = {
        "queued": _("Waiting to start"),
        "read": _("Reading the file"),
        "parse": _("Checking each cell"),
        "compare": _("Comparing with the data in the system"),
        "write": _("Writing") if writing else _("Trying the write (nothing is kept)"),
        "save": _("Saving the result"),
        "done": _("Done"),
    }
    return labels.get(stage or "queued", stage or "")


def format_size(size: int) -> str:
    """Say a size in B, KB or MB, with one decimal unless it is a whole number."""
    for unit, scale in (("MB", 1024 * 1024), ("KB", 1024)):
        if size >= scale:
            value = f"{size / scale:,.1f}".removesuffix(".0")
            return f"{value} {unit}"
    return f"{size:,} B"


def settings() -> service.Settings:
    return service.Settings.from_config(current_app.config)


def round_options() -> list[tuple[str, str]]:
    years = db.session.scalars(
        select(PlacementRound.fiscal_year).order_by(PlacementRound.fiscal_year.desc())
    )
    return [(str(year), fiscal_year_label(year)) for year in years]


class UploadForm(FlaskForm):
    """The upload: what the file holds, the round if it needs one, the file, and how to write."""

    class Meta(FlaskForm.Meta):
        def get_translations(self, form: Any) -> Any:
            return form_translations

    # Plain fields: the page draws the kinds as a list and the rounds as a select itself.
    kind = StringField(_l("What the file holds"), validators=[InputRequired()])
    fiscal_year = StringField(_l("Placement round"))
    file = FileField(_l("File"), validators=[FileRequired()])
    skip_invalid = BooleanField(_l("Write the valid rows only"), default=False)

    def __init__(self, rounds: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.rounds = rounds

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        if self.kind.data and self.kind.data not in KINDS:
            self.kind.errors = [_("Choose what the file holds from the list.")]
            ok = False
        if self.kind.data in ROUND_KINDS:
            if self.fiscal_year.data not in {value for value, _label in self.rounds}:
                self.fiscal_year.errors = [_("Choose the placement round to import into.")]
                ok = False
        return ok


class ImportView(SecureBaseView):
    """Upload, preview, confirm or cancel; download templates, files and error copies."""

    # ----------------------------------------------------------------- upload

    @expose("/", methods=("GET", "POST"))
    def index(self):
        form = UploadForm(round_options())
        if request.method == "GET":
            form.kind.data = request.args.get("kind")
            if form.rounds:
                form.fiscal_year.data = form.rounds[0][0]
        if request.method == "POST":
            if form.validate():
                return self.upload(form)
            return self.upload_page(form, status=400)
        return self.upload_page(form)

    def upload_page(self, form: UploadForm, error: str | None = None, status: int = 200):
        kinds = [
            {
                "kind": kind,
                "label": importer.label,
                "instructions": importer.instructions,
                "columns": [
                    (column.title, is_required(importer, column)) for column in importer.columns
                ],
                "guide": column_guide(importer),
                "needs_round": kind in ROUND_KINDS,
            }
            for kind, importer in KINDS.items()
        ]
        limit = format_size(current_app.config["IMPORT_MAX_BYTES"])
        page = self.render(
            "admin/imports/upload.html", form=form, kinds=kinds, error=error, limit=limit
        )
        return page, status

    def upload(self, form: UploadForm):
        config = current_app.config
        limit = int(config["IMPORT_MAX_BYTES"])
        upload = form.file.data
        # Read one byte past the limit: enough to know the file is too big, no more.
        content = upload.stream.read(limit + 1)
        if len(content) > limit:
            error = _(
                "The file is larger than the %(limit)s allowed. Nothing was imported.",
                limit=format_size(limit),
            )
            return self.upload_page(form, error=error, status=400)
        kind = form.kind.data
        options = {"round": int(form.fiscal_year.data)} if kind in ROUND_KINDS else None
        batch = service.store_upload(
            db.session,
            settings(),
            kind=kind,
            filename=upload.filename or "",
            content=content,
            user_email=current_user.email,
            options=options,
            skip_invalid=form.skip_invalid.data,
        )
        self.run_job(batch.id, len(content), writing=False)
        return redirect(url_for(".batch", batch_id=batch.id))

    def run_job(self, batch_id: int, size: int, *, writing: bool) -> None:
        """Check or write now, or in a thread (with this request's user) for larger files."""
        action = service.write if writing else service.check
        current = settings()
        config = current_app.config
        background = config["IMPORT_BACKGROUND"] and size >= config["IMPORT_BACKGROUND_MIN_BYTES"]

        def work() -> None:
            # In a thread, the error copy is made next; in a request, when it is downloaded.
            action(db.session, batch_id, current, error_copy=background)

        if background:
            # The copied request context gives the thread an app context, a session of its
            # own and the logged-in user, whom the audit log names for every change.
            service.launch(copy_current_request_context(work), name=f"import-{batch_id}")
        else:
            work()

    # ----------------------------------------------------------------- one batch

    def get_batch(self, batch_id: int) -> ImportBatch:
        batch = db.session.get(ImportBatch, batch_id, populate_existing=True)
        if batch is None:
            abort(404)
        return batch

    @staticmethod
    def require_personal_data() -> None:
        """Files and rows hold national IDs: only staff who may see them may open them."""
        if not current_user.sees_personal_data:
            abort(403)

    @expose("/batch/<int:batch_id>/")
    def batch(self, batch_id: int):
        batch = self.get_batch(batch_id)
        document = None
        if batch.status not in service.RUNNING and current_user.sees_personal_data:
            document = service.load_result(settings(), batch_id)
        context: dict[str, Any] = {
            "batch": batch,
            "document": document,
            "label": KINDS[batch.kind].label if batch.kind in KINDS else batch.kind,
            "status_label": ImportStatus(batch.status).label,
            "status_class": STATUS_CLASSES.get(batch.status, "secondary"),
            "stage_label": stage_label(batch.stage, batch.status == ImportStatus.WRITING.value),
            "outcomes": outcome_labels(),
            "outcome_classes": OUTCOME_CLASSES,
            "size": format_size(batch.size),
            "may_write": self.may_write(),
            "may_undo": may_undo(batch),
            "round_label": fiscal_year_label(batch.options["round"])
            if batch.options and batch.options.get("round")
            else None,
        }
        if document is not None:
            context.update(self.preview(document))
        return self.render("admin/imports/batch.html", **context)

    def preview(self, document: dict[str, Any]) -> dict[str, Any]:
        """The rows and errors to show on this page of the preview."""
        rows = document["rows"]
        counts = document["counts"]
        show = request.args.get("show", "attention")
        if show not in (*counts, "all", "attention"):
            show = "attention"
        page = max(request.args.get("page", 1, type=int), 1)
        if show == "attention":
            shown, pages = attention_rows(rows), 1
            selected = len(rows)
        else:
            selected_rows = rows if show == "all" else [r for r in rows if r["outcome"] == show]
            selected = len(selected_rows)
            pages = max((selected + PAGE_SIZE - 1) // PAGE_SIZE, 1)
            page = min(page, pages)
            shown = selected_rows[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        errors = [
            (item["row"], column, message)
            for item in rows
            if "problems" in item
            for column, message in item["problems"]
        ]
        error_pages = max((len(errors) + ERROR_PAGE_SIZE - 1) // ERROR_PAGE_SIZE, 1)
        error_page = min(max(request.args.get("epage", 1, type=int), 1), error_pages)
        valid = counts[NEW] + counts[UPDATED] + counts[UNCHANGED]
        return {
            "show": show,
            "page": page,
            "pages": pages,
            "shown": shown,
            "selected": selected,
            "page_size": PAGE_SIZE,
            "problem_limit": PROBLEM_ROWS,
            "other_limit": OTHER_ROWS,
            "errors": errors[(error_page - 1) * ERROR_PAGE_SIZE : error_page * ERROR_PAGE_SIZE],
            "error_count": len(errors),
            "error_page": error_page,
            "error_pages": error_pages,
            "error_page_size": ERROR_PAGE_SIZE,
            "counts": counts,
            "valid": valid,
            "to_write": counts[NEW] + counts[UPDATED],
            "late": document.get("extra", {}).get("late"),
        }

    @expose("/batch/<int:batch_id>/status")
    def status(self, batch_id: int):
        state = service.status_of(db.session, batch_id)
        if state is None:
            abort(404)
        state["status_label"] = ImportStatus(state["status"]).label
        writing = state["status"] == ImportStatus.WRITING.value
        state["stage_label"] = stage_label(state["stage"], writing)
        return jsonify(state)

    @expose("/batch/<int:batch_id>/confirm", methods=("POST",))
    def confirm(self, batch_id: int):
        batch = self.get_batch(batch_id)
        if not service.start_writing(db.session, batch_id):
            flash(
                _("This file can no longer be confirmed: it has been written or cancelled."),
                "warning",
            )
            return redirect(url_for(".batch", batch_id=batch_id))
        self.run_job(batch_id, batch.size, writing=True)
        return redirect(url_for(".batch", batch_id=batch_id))

    @expose("/batch/<int:batch_id>/recheck", methods=("POST",))
    def recheck(self, batch_id: int):
        """Check the kept file again: with its valid rows only, or (a failed batch) as it was."""
        batch = self.get_batch(batch_id)
        as_before = request.form.get("valid_only") == "0"
        skip_invalid = bool(batch.skip_invalid) if as_before else True
        if not service.start_recheck(db.session, batch_id, skip_invalid=skip_invalid):
            flash(_("This file can no longer be checked again."), "warning")
            return redirect(url_for(".batch", batch_id=batch_id))
        self.run_job(batch_id, batch.size, writing=False)
        return redirect(url_for(".batch", batch_id=batch_id))

    @expose("/batch/<int:batch_id>/cancel", methods=("POST",))
    def cancel(self, batch_id: int):
        self.get_batch(batch_id)
        if service.cancel(db.session, batch_id):
            flash(_("The import was cancelled. Nothing was written."), "info")
        else:
            flash(_("This import can no longer be cancelled."), "warning")
        return redirect(url_for(".batch", batch_id=batch_id))

    # ----------------------------------------------------------------- undo

    @expose("/batch/<int:batch_id>/undo", methods=("GET", "POST"))
    def undo(self, batch_id: int):
        """Show what undoing a batch removes and restores (or why it cannot); undo on POST."""
        if not current_user.is_admin:
            abort(403)
        batch = self.get_batch(batch_id)
        try:
            result = undo_batch(
                db.session, batch_id, current_user.email, dry_run=request.method == "GET"
            )
        except UnknownBatch:
            abort(404)
        if request.method == "POST" and result.done:
            flash(_("The import was undone."), "success")
            return redirect(url_for(".batch", batch_id=result.undo_batch_id))
        return self.render(
            "admin/imports/undo.html",
            batch=self.get_batch(batch_id),
            result=result,
            label=KINDS[batch.kind].label if batch.kind in KINDS else batch.kind,
        )

    # ----------------------------------------------------------------- downloads

    @expose("/batch/<int:batch_id>/file")
    def original(self, batch_id: int):
        self.require_personal_data()
        batch = self.get_batch(batch_id)
        path = settings().path_of(batch)
        if not batch.stored_path or not path.is_file():
            abort(404)
        return send_file(path, as_attachment=True, download_name=batch.filename)

    @expose("/batch/<int:batch_id>/errors.xlsx")
    def error_copy(self, batch_id: int):
        self.require_personal_data()
        batch = self.get_batch(batch_id)
        current = settings()
        document = service.load_result(current, batch_id)
        if document is None or not document.get("problem_count"):
            abort(404)
        path = current.error_copy_path(batch_id)
        service.wait_for_error_copy(path, timeout=ERROR_COPY_WAIT)
        if not path.is_file():
            # Made after each check; made here if that failed or the file was cleaned away.
            try:
                content = service.read_stored(current, batch)
            except ReadError as error:
                flash(str(error), "error")
                return redirect(url_for(".batch", batch_id=batch_id))
            made = service.prepare_error_copy(
                current, batch_id, batch.kind, batch.filename, content, document
            )
            if made is None:
                abort(404)
        stem = batch.filename.rsplit(".", 1)[0]
        return send_file(
            path, mimetype=XLSX, as_attachment=True, download_name=f"{stem}-ข้อผิดพลาด.xlsx"
        )

    @expose("/template/<kind>.xlsx")
    def template(self, kind: str):
        if kind not in KINDS:
            abort(404)
        return send_file(
            io.BytesIO(build_template(kind)),
            mimetype=XLSX,
            as_attachment=True,
            download_name=template_filename(kind),
        )


def may_undo(batch: ImportBatch) -> bool:
    """Administrators may take back a written import (an undo itself is never undone)."""
    return (
        current_user.is_admin
        and batch.status == ImportStatus.WRITTEN.value
        and batch.undo_of_id is None
    )


def attention_rows(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every problem row (up to a limit) and the first few hundred others, in file order."""
    shown, problems, others = [], 0, 0
    for item in rows:
        if item["outcome"] == REJECTED:
            if problems < PROBLEM_ROWS:
                shown.append(item)
            problems += 1
        elif others < OTHER_ROWS:
            shown.append(item)
            others += 1
        if problems >= PROBLEM_ROWS and others >= OTHER_ROWS:
            break
    return shown


class ImportHistoryView(SecureBaseView):
    """Every upload: who sent what, when, its fingerprint and what became of it."""

    @expose("/")
    def index(self):
        kind = request.args.get("kind") or None
        status = request.args.get("status") or None
        query = select(ImportBatch)
        if kind in KINDS:
            query = query.where(ImportBatch.kind == kind)
        if status in ImportStatus.__members__.values():
            query = query.where(ImportBatch.status == status)
        else:
            status = None
        total = db.session.scalar(select(func.count()).select_from(query.subquery()))
        pages = max((total + HISTORY_PAGE_SIZE - 1) // HISTORY_PAGE_SIZE, 1)
        page = min(max(request.args.get("page", 1, type=int), 1), pages)
        batches = db.session.scalars(
            query.order_by(ImportBatch.created_at.desc(), ImportBatch.id.desc())
            .offset((page - 1) * HISTORY_PAGE_SIZE)
            .limit(HISTORY_PAGE_SIZE)
        ).all()
        return self.render(
            "admin/imports/history.html",
            batches=batches,
            kinds={key: importer.label for key, importer in KINDS.items()},
            kind=kind,
            status=status,
            page=page,
            pages=pages,
            total=total,
            status_labels={status.value: status.label for status in ImportStatus},
            status_classes=STATUS_CLASSES,
            outcomes=outcome_labels(),
            format_size=format_size,
        )


def add_views(admin) -> None:
    admin.add_view(
        ImportView(name=_l("Import a file"), category=CATEGORY, endpoint="imports", url="imports")
    )
    admin.add_view(
        ImportHistoryView(
            name=_l("Import history"),
            category=CATEGORY,
            endpoint="import_history",
            url="import-history",
        )
    )
