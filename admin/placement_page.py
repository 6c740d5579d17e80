"""What a placement's page shows above its fields: step buttons, flags, MOU, timeline, visits.

The buttons' hints, the flags and the MOU come from processes/ (placement_flow.refusal,
placement_rules); this module gathers them into one PlacementPanel for the template.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask import g
from flask_babel import gettext as _
from markupsafe import Markup
from sqlalchemy import exists, select

from admin.base import choice_label
from admin.placement_forms import VisitForm
from models import Mou, MouParty, Placement, PlacementEvent, PlacementStep, db, today
from processes import placement_flow as flow
from processes import placement_rules as rules
from processes.calendar import due_on
from thai.dates import format_be
from uploads import file_url, shown_name


def step_label(code: str | None) -> str:
    """A step's label as the placement screens show it ("—" for none)."""
    return "—" if code is None else choice_label(PlacementStep, code)


@dataclass
class StepButton:
    to: str
    label: str
    hint: str | None  # why the move would be refused now, if it would
    needs_result: bool = False
    needs_reason: bool = False


@dataclass
class Flag:
    css: str
    key: str
    text: str


@dataclass
class PlacementPanel:
    """What the placement page shows above its fields: steps, flags, MOU, visits."""

    placement: Placement
    buttons: list[StepButton]
    events: list[PlacementEvent]
    flags: list[Flag]
    mou: Mou | None
    mou_problem: str | None
    visit_form: VisitForm
    retest: bool = False
    due: dt.date | None = None
    other_mous: list[Mou] = field(default_factory=list)


def placement_panel(placement: Placement, may_write: bool) -> PlacementPanel:
    """Gather the page's panel; the buttons only for a user who may move the placement."""
    on = today()
    mou = rules.covering_mou(db.session, placement)
    problem = None if mou is not None else rules.mou_refusal(db.session, placement)
    # A visit form sent back with its errors (see the visit endpoint), else an empty one.
    visit_form = g.pop("visit_form", None) or VisitForm(formdata=None)
    return PlacementPanel(
        placement=placement,
        buttons=step_buttons(placement) if may_write else [],
        events=sorted(placement.events, key=lambda e: (e.at, e.id)),
        flags=placement_flags(placement, on),
        mou=mou,
        mou_problem=problem,
        other_mous=mous_between(placement) if mou is None else [],
        visit_form=visit_form,
        retest=placement.status == PlacementStep.TESTED.value and may_write,
        due=due_on(placement) if placement.status in rules.OPEN_STEPS else None,
    )


def mous_between(placement: Placement) -> list[Mou]:
    """Every MOU the host and the college share, in force or not (for the warning)."""
    host_id, college_id = rules.host_id_of(placement), rules.college_id_of(placement)
    if host_id is None or college_id is None:
        return []
    return list(
        db.session.scalars(
            select(Mou)
            .where(
                exists().where(MouParty.mou_id == Mou.id, MouParty.agency_id == host_id),
                exists().where(MouParty.mou_id == Mou.id, MouParty.agency_id == college_id),
            )
            .order_by(Mou.signed_on.desc())
        )
    )


def placement_flags(placement: Placement, on: dt.date) -> list[Flag]:
    flags = []
    if placement.is_late:
        flags.append(
            Flag(
                "warning",
                "late",
                _(
                    "Late application: applied on %(applied)s, after the deadline of %(deadline)s.",
                    applied=format_be(placement.applied_at),
                    deadline=format_be(placement.round.application_deadline),
                ),
            )
        )
    overdue = sorted(
        rules.overdue_steps(db.session, placement, on), key=lambda row: (row.ends_on, row.position)
    )
    if overdue:
        # The step due first says what to do now; the later ones are only counted.
        first = overdue[0]
        text = _(
            "Overdue: “%(title)s” (%(step)s) was due by %(due)s.",
            title=first.title,
            step=step_label(first.step),
            due=format_be(first.ends_on),
        )
        if len(overdue) > 1:
            text += " " + _(
                "Later steps also past their window: %(count)s.", count=len(overdue) - 1
            )
        flags.append(Flag("danger", "overdue", text))
    if rules.needs_visit(placement, on):
        since = rules.in_placement_since(placement)
        flags.append(
            Flag(
                "warning",
                "novisit",
                _(
                    "No supervision visit for more than %(days)s days (in placement since "
                    "%(since)s).",
                    days=rules.VISIT_DAYS,
                    since=format_be(since),
                ),
            )
        )
    return flags


def step_buttons(placement: Placement) -> list[StepButton]:
    buttons = []
    for step in flow.next_steps(placement):
        code = str(step.value if isinstance(step, PlacementStep) else step)
        buttons.append(
            StepButton(
                to=code,
                label=step_label(code),
                # The tested form asks for the result and date: hint only at other blockers.
                hint=flow.refusal(
                    db.session, placement, code, test_result="passed", tested_on=today()
                ),
                needs_result=code == PlacementStep.TESTED.value,
                needs_reason=code == PlacementStep.WITHDRAWN.value,
            )
        )
    return buttons


def plan_document_formatter(view: object, context: object, model: Placement, name: str) -> Markup:
    """The development plan's PDF as a download link (the checked route of uploads.py)."""
    url = file_url("plan", model)
    if url is None:
        return Markup("")
    return Markup(
        '<a href="{}" class="plan-document" id="plan-document">'
        '<i class="fa fa-file-pdf-o"></i> {}</a> <span class="text-muted small">{}</span>'
    ).format(
        url, _("Download the individual development plan"), shown_name(model.plan_document_path)
    )
