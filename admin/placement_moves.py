"""The placement screens' writes: a step button, a visit logged on the page, the bulk moves.

PlacementMovesMixin gives the placement view its endpoints (move_view, visit_view,
bulk_move) and its bulk actions, each with a confirmation page and a summary. The moves
themselves are processes.placement_flow's; these read forms, call it, commit and say what
came of it.
"""

from __future__ import annotations

from typing import Any

from flask import flash, g, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import selectinload
from werkzeug.routing import BuildError

from admin.placement_forms import BulkForm, MoveForm, VisitForm
from admin.placement_page import step_label
from keys import record_ids
from models import Placement, PlacementStep, SupervisionVisit, Teacher, db
from processes import placement_flow as flow
from thai.dates import format_be

BULK_CODES = frozenset(code for code, _to, _label in flow.BULK_MOVES)
# The bulk move whose summary offers to issue the announcement letters.
ANNOUNCE = "announce_eligible"


def bulk_moves() -> dict[str, tuple[str, str]]:
    """The list's bulk moves: code -> (target step, label in the reader's language)."""
    return {code: (str(to), str(label)) for code, to, label in flow.BULK_MOVES}


def optional_url(endpoint: str, **values: Any) -> str | None:
    """A link to another area's page, or None while that area is not installed."""
    try:
        return url_for(endpoint, **values)
    except BuildError:
        return None


def load_placements(ids: list[int]) -> list[Placement]:
    if not ids:
        return []
    return list(
        db.session.scalars(
            select(Placement)
            .where(Placement.id.in_(ids))
            .options(selectinload(Placement.teacher), selectinload(Placement.college))
            .join(Teacher, Placement.teacher_id == Teacher.id)
            .order_by(Placement.college_id, Teacher.first_name, Teacher.last_name, Placement.id)
        )
    )


def flash_errors(form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            flash(str(error), "error")


def moved_meanwhile(placement: Placement) -> str:
    return _(
        "Someone else moved this placement meanwhile: it is now at “%(step)s”. "
        "Nothing was changed; check the page and try again.",
        step=step_label(placement.status),
    )


def moved_meanwhile_short(placement: Placement) -> str:
    return _(
        "Someone else moved it meanwhile: it is now at “%(step)s”.",
        step=step_label(placement.status),
    )


def changed_meanwhile_short() -> str:
    return _(
        "Someone else changed it after the confirmation page was shown: it was not moved. "
        "Check it and try again."
    )


class PlacementMovesMixin:
    """The placement view's move, visit and bulk endpoints (before SecureModelView)."""

    # ----------------------------------------------------------------- the page's buttons

    def details_url(self, placement_id: int) -> str:
        return url_for(".details_view", id=placement_id, url=request.args.get("url") or None)

    def posted_placement(self) -> Placement | None:
        ids = record_ids([request.args.get("id", "")] + request.form.getlist("id"))
        placement = db.session.get(Placement, ids[0]) if ids else None
        if placement is None:
            flash(_("That placement no longer exists (it may have been deleted)."), "error")
        return placement

    @expose("/move/", methods=("POST",))
    def move_view(self):
        """Move one placement to a next step from its page (a button's small form)."""
        placement = self.posted_placement()
        if placement is None:
            return redirect(url_for(".index_view"))
        back = redirect(self.details_url(placement.id))
        form = MoveForm(request.form)
        if not form.validate():
            flash_errors(form)
            return back
        to = form.to.data
        if to not in {s.value for s in PlacementStep}:
            flash(_("That step does not exist."), "error")
            return back
        if form.seen.data and form.seen.data != placement.status:
            flash(moved_meanwhile(placement), "error")
            return back
        note = (form.note.data or "").strip() or None
        try:
            if to == PlacementStep.TESTED.value:
                # In placement → tested, or a re-test while at tested.
                flow.record_test(
                    db.session,
                    placement,
                    form.test_result.data or None,
                    form.tested_on.data,
                    note=note,
                )
            else:
                if to == PlacementStep.WITHDRAWN.value and not note:
                    raise flow.MoveRefused(_("Give the reason for the withdrawal."))
                flow.move(db.session, placement, to, note=note)
            db.session.commit()
        except flow.MoveRefused as refused:
            db.session.rollback()
            flash(str(refused), "error")
            return back
        except SQLAlchemyError:
            db.session.rollback()
            flash(_("The move was not saved: the data changed meanwhile. Try again."), "error")
            return back
        flash(_("Moved to “%(step)s”", step=step_label(placement.status)), "success")
        return back

    @expose("/visit/", methods=("POST",))
    def visit_view(self):
        """Log a supervision visit from the placement page."""
        placement = self.posted_placement()
        if placement is None:
            return redirect(url_for(".index_view"))
        form = VisitForm(request.form)
        if not form.validate():
            # Show the page again with what was typed and the errors beside the fields.
            g.visit_form = form
            flash(_("The visit was not saved: see the form below."), "error")
            return self.details_view()
        placement.visits.append(
            SupervisionVisit(
                visited_on=form.visited_on.data,
                visitor=form.visitor.data.strip(),
                notes=(form.notes.data or "").strip() or None,
            )
        )
        db.session.commit()
        flash(
            _("Visit of %(when)s logged.", when=format_be(form.visited_on.data)),
            "success",
        )
        return redirect(self.details_url(placement.id) + "#visits-panel")

    # ----------------------------------------------------------------- bulk moves

    def init_actions(self) -> None:
        super().init_actions()
        # The moves first, labelled lazily (each request reads them in its language); delete
        # stays last, as before.
        bulk = [(code, label) for code, _to, label in flow.BULK_MOVES]
        self._actions = [*bulk, *self._actions]
        for code, label in bulk:
            self._actions_data[code] = (self.bulk_handler(code), label, None)

    def is_action_allowed(self, name: str) -> bool:
        if name in BULK_CODES:
            return self.may_write()
        return super().is_action_allowed(name)

    def bulk_handler(self, code: str) -> Any:
        def handler(ids: list[str]) -> Any:
            return self.bulk_confirm(code, ids)

        return handler

    def bulk_confirm(self, code: str, raw_ids: list[str]) -> Any:
        """The confirmation page: which placements will move, which will not, and why."""
        to, label = bulk_moves()[code]
        ids = record_ids(raw_ids)
        placements = load_placements(ids)
        if not placements:
            flash(_("Select the placements to move first."), "warning")
            return redirect(request.form.get("url") or url_for(".index_view"))
        movable, refused = [], []
        for placement in placements:
            reason = flow.refusal(db.session, placement, to)
            if reason is None:
                movable.append(placement)
            else:
                refused.append((placement, reason))
        return self.render(
            "admin/placements/bulk_confirm.html",
            code=code,
            label=label,
            to_label=step_label(to),
            movable=movable,
            refused=refused,
            missing=len(ids) - len(placements),
            form=BulkForm(formdata=None),
            return_url=self.safe_return_url(request.form.get("url")),
        )

    def safe_return_url(self, url: str | None) -> str:
        if url and url.startswith(self.url) and "//" not in url:
            return url
        return url_for(".index_view")

    @expose("/bulk/<code>/", methods=("POST",))
    def bulk_move(self, code: str):
        """Confirmed: run the move for the listed placements and show what came of it."""
        moves = bulk_moves()
        back = self.safe_return_url(request.form.get("url"))
        if code not in moves:
            flash(_("That bulk action does not exist."), "error")
            return redirect(back)
        form = BulkForm(request.form)
        if not form.validate():
            flash_errors(form)
            return redirect(back)
        to, label = moves[code]
        ids = record_ids(request.form.getlist("placement_ids"))
        placements = load_placements(ids)
        # A placement moved by someone else since the confirmation page is not moved now.
        current, changed = [], []
        for placement in placements:
            seen = request.form.get(f"seen-{placement.id}")
            version = request.form.get(f"version-{placement.id}")
            if seen and seen != placement.status:
                changed.append((placement, moved_meanwhile_short(placement)))
            elif version and version != str(placement.version):
                changed.append((placement, changed_meanwhile_short()))
            else:
                current.append(placement)
        note = (form.note.data or "").strip() or None
        try:
            summary = flow.move_many(db.session, current, to, note=note)
            db.session.commit()
        except SQLAlchemyError:
            db.session.rollback()
            flash(_("Nothing was moved: the data changed meanwhile. Try again."), "error")
            return redirect(back)
        moved = list(summary.moved)
        return self.render(
            "admin/placements/bulk_summary.html",
            code=code,
            label=label,
            to_label=step_label(to),
            moved=moved,
            refused=[*changed, *summary.refused],
            missing=len(ids) - len(placements),
            letters_url=optional_url("letters.issue") if code == ANNOUNCE and moved else None,
            return_url=back,
        )
