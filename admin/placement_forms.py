"""The placement screens' forms: the clip's length, the form's checks, the page's small forms.

The checks themselves are processes.placement_rules' (clip_problems); this module reads a
form into what they need and puts their answers beside the fields.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import Markup
from wtforms import HiddenField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, Optional, ValidationError

from admin.base import AdminForm
from admin.fields import ThaiDateField
from models import Placement, Teacher, today
from processes import placement_rules as rules
from thai.digits import to_arabic_digits

CLIP_MAX_SECONDS = rules.CLIP_MAX_SECONDS

# --------------------------------------------------------------------------- the clip length


DURATION_MSS = re.compile(r"^(\d{1,3})\s*:\s*(\d{1,2})$")
DURATION_MINUTES = re.compile(r"^(\d{1,3})(?:[.,](\d{1,2}))?$")
MINUTE_WORDS = ("นาที", "min", "mins", "minutes", "minute", "น.")


def parse_duration(text: str) -> int:
    """Read a clip length typed as m:ss ("4:30") or as minutes ("4", "4.5"); return seconds."""
    value = to_arabic_digits(text).strip().lower()
    for word in MINUTE_WORDS:
        value = value.removesuffix(word).strip()
    match = DURATION_MSS.match(value)
    if match:
        minutes, seconds = int(match.group(1)), int(match.group(2))
        if seconds >= 60:
            raise ValueError(_("Seconds must be 0 to 59: type the length as m:ss, e.g. 4:30."))
        return minutes * 60 + seconds
    match = DURATION_MINUTES.match(value)
    if match:
        fraction = float(f"0.{match.group(2)}") if match.group(2) else 0.0
        return round((int(match.group(1)) + fraction) * 60)
    raise ValueError(
        _("Type the clip's length as minutes and seconds (4:30) or as minutes (4 or 4.5).")
    )


class ClipDurationField(StringField):
    """A clip's length typed as m:ss or minutes, kept as seconds, at most 5 minutes."""

    def __init__(self, label: Any = None, validators: Any = None, **kwargs: Any) -> None:
        render_kw = kwargs.pop("render_kw", None) or {}
        render_kw.setdefault("placeholder", _l("m:ss, e.g. 4:30"))
        render_kw.setdefault("autocomplete", "off")
        super().__init__(label, validators, render_kw=render_kw, **kwargs)

    def _value(self) -> str:
        if self.raw_data:
            return self.raw_data[0]
        return rules.format_duration(self.data) if self.data else ""

    def process_formdata(self, valuelist: list[Any]) -> None:
        text = str((valuelist[0] if valuelist else "") or "")
        self.data = None
        if not text.strip():
            return
        seconds = parse_duration(text)
        if seconds <= 0:
            raise ValueError(_("The clip's length must be more than 0 seconds."))
        if seconds > CLIP_MAX_SECONDS:
            raise ValueError(
                _(
                    "The clip is %(length)s long; it may be at most 5 minutes (5:00).",
                    length=rules.format_duration(seconds),
                )
            )
        self.data = seconds


def clip_title_help(placement: Placement | None) -> Markup:
    """The clip title's help text: the titles the rule expects, offered as suggestions."""
    titles = rules.expected_clip_titles(placement) if placement is not None else []
    rule = _("The title is the teacher's first and last name and, in brackets, a planned unit.")
    if not titles:
        return Markup('<span class="clip-rule">{}</span>').format(rule)
    options = Markup("").join(Markup('<option value="{}">').format(t) for t in titles)
    items = Markup("").join(Markup('<li class="clip-expected">{}</li>').format(t) for t in titles)
    return Markup(
        '<span class="clip-rule">{}</span> {}<ul class="clip-titles mb-0">{}</ul>'
        '<datalist id="clip-title-choices">{}</datalist>'
    ).format(rule, _("Expected:"), items, options)


# --------------------------------------------------------------------------- the form's checks


@dataclass
class ClipCandidate:
    """What clip_problems reads of a placement, taken from the form before it is saved."""

    teacher: Teacher | None
    units: list[Any]


def check_placement_form(form: Any) -> bool:
    """Check what the fields cannot check alone: the exception's reason, then the clip."""
    ok = True
    if "mou_exception" in form and form.mou_exception.data:
        # Checked here: the field's own Optional() stops its validators on a blank reason.
        if not (form.mou_exception_reason.data or "").strip():
            form.mou_exception_reason.errors = [
                *form.mou_exception_reason.errors,
                _("Give the reason for the joint education development exception."),
            ]
            ok = False
    if "clip_title" in form and "teacher" in form and clip_changed(form):
        ok = check_clip(form) and ok
    return ok


def clip_changed(form: Any) -> bool:
    """Check the clip on a new placement, or when its title, length or units change.

    An edit of something else keeps a clip recorded earlier as it is, so that ticking
    "logbook received" on an imported placement is not refused for its clip's title.
    """
    stored = getattr(form, "_obj", None)
    if stored is None:
        return True
    units = {u.id for u in (form.units.data or [])} if "units" in form else None
    return (
        (form.clip_title.data or "").strip() != (stored.clip_title or "").strip()
        or form.clip_duration.data != stored.clip_duration
        or getattr(form.teacher.data, "id", None) != stored.teacher_id
        or (units is not None and units != {u.id for u in stored.units})
    )


def check_clip(form: Any) -> bool:
    candidate = ClipCandidate(
        teacher=form.teacher.data, units=list(form.units.data or []) if "units" in form else []
    )
    ok = True
    title = (form.clip_title.data or "").strip()
    if title:
        problems = rules.clip_problems(candidate, title, None)
        if problems:
            form.clip_title.errors = [*form.clip_title.errors, *problems]
            ok = False
    if form.clip_duration.data is not None:
        problems = rules.clip_problems(candidate, None, form.clip_duration.data)
        if problems:
            form.clip_duration.errors = [*form.clip_duration.errors, *problems]
            ok = False
    return ok


# --------------------------------------------------------------------------- the page's forms


class MoveForm(AdminForm):
    """One step button's form: where to, the step seen on the page, a note."""

    to = HiddenField(validators=[InputRequired()])
    seen = HiddenField()
    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
    test_result = StringField(_l("Test result"))
    tested_on = ThaiDateField(_l("Test date"))


class VisitForm(AdminForm):
    """Log a supervision visit on the placement page."""

    visited_on = ThaiDateField(_l("Visited on"), validators=[InputRequired()])
    visitor = StringField(_l("Visitor"), validators=[InputRequired(), Length(max=255)])
    notes = TextAreaField(_l("Notes"), validators=[Optional(), Length(max=2000)])

    def validate_visited_on(self, field: Any) -> None:
        if field.data and field.data > today():
            raise ValidationError(_("A visit cannot be dated in the future."))


class BulkForm(AdminForm):
    """The confirmation page's form: the note for every move (the ids are read as a list)."""

    note = TextAreaField(_l("Note"), validators=[Optional(), Length(max=2000)])
