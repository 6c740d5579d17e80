"""หลักสูตร: curricula with their alignment to units, and excellence fields.

A curriculum's alignment with one qualification is edited as a grid: one row per unit of
the qualification, full / partial / none, saved at once (see CurriculumView.alignment).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from flask import flash, get_template_attribute, redirect, request, url_for
from flask_admin import expose
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from wtforms.validators import NumberRange, Optional

from admin.base import SecureModelView, choice_filter, choice_formatter, choice_label
from admin.labels import LABELS
from admin.refs import COLLEGES, UNIT_REF, agency_ref
from admin.related import Cell as Column
from admin.related import related
from admin.validators import strip_filter
from models import (
    CollegeFieldGroup,
    CompetencyUnit,
    Coverage,
    CreditBankLevel,
    Curriculum,
    CurriculumKind,
    CurriculumUnit,
    ExcellenceField,
    ExcellenceGroup,
    Qualification,
    db,
)
from reports.alignment import (
    Tally,
    alignments,
    coverage_labels,
    related_qualifications,
    unit_table,
)
from thai.text import normalize_text

CATEGORY = _l("Curricula")
NOT_NEGATIVE = NumberRange(min=0, message=_l("Enter zero or a positive number."))
BE_YEAR = NumberRange(min=2500, max=2700, message=_l("Enter a Buddhist Era year, e.g. 2562."))


# --------------------------------------------------------------------------- alignment grid

# The grid's third choice: no alignment row at all.
NOT_ALIGNED = "none"
GRID_CHOICES = (Coverage.FULL.value, Coverage.PARTIAL.value, NOT_ALIGNED)
# The grid's field names: coverage-<unit id>, notes-<unit id>, and the values the form showed
# (was-<unit id>, was_notes-<unit id>), so a save writes only what its reader changed.
GRID_FIELDS = ("coverage", "notes", "was", "was_notes")
# Larger ids than a database integer holds cannot name a record (and must not reach it).
MAX_ID_DIGITS = 18


def record_id(text: Any) -> int | None:
    """A record id typed in a URL or form, or None if it cannot be one."""
    text = str(text or "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > MAX_ID_DIGITS:
        return None
    return int(text) or None


@dataclass(frozen=True)
class Cell:
    """One unit's alignment as the grid shows it: full, partial or none, and a note."""

    coverage: str = NOT_ALIGNED
    notes: str = ""

    @classmethod
    def of(cls, row: CurriculumUnit | None) -> Cell:
        return cls(row.coverage, row.notes or "") if row is not None else cls()

    @classmethod
    def typed(cls, coverage: str, notes: Any) -> Cell:
        """A posted cell; a unit with no alignment row has no note to keep."""
        return cls(coverage, "" if coverage == NOT_ALIGNED else normalize_text(notes))


def grid_cell(aligned: tuple[str, str | None] | None) -> Cell:
    """A stored alignment (coverage, notes), or None for no row, as the grid shows it."""
    return Cell(aligned[0], aligned[1] or "") if aligned else Cell()


def grid_choices() -> list[tuple[str, str]]:
    """The grid's three choices with the words the alignment report uses."""
    return [
        (Coverage.FULL.value, _("Covered fully")),
        (Coverage.PARTIAL.value, _("Covered partly")),
        (NOT_ALIGNED, _("Not covered")),
    ]


class GridRefused(ValueError):
    """The posted grid names something that is not on it; nothing was saved."""


@dataclass
class GridSave:
    """What one save of the grid did."""

    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    notes_dropped: list[str] = field(default_factory=list)

    @property
    def touched(self) -> int:
        return len(self.added) + len(self.changed) + len(self.removed)


def read_grid(
    form: Mapping[str, str], units: Mapping[int, CompetencyUnit], qualification: Qualification
) -> dict[int, tuple[Cell, Cell | None, str]]:
    """Each posted unit: (the cell as sent, the cell as the form showed it, the typed note).

    Refuses the whole grid if any field names a unit that is not the qualification's or a
    coverage that does not exist; units the form did not send are left out.
    """
    problems: list[str] = []
    for key in form:
        name, dash, raw = key.partition("-")
        if not dash or name not in GRID_FIELDS:
            continue
        unit_id = record_id(raw)
        if unit_id not in units:
            known = db.session.get(CompetencyUnit, unit_id) if unit_id else None
            problems.append(
                _(
                    "Unit %(unit)s is not one of the units of qualification %(qualification)s.",
                    unit=known.code if known else raw[:40],
                    qualification=qualification.code,
                )
            )
    cells: dict[int, tuple[Cell, Cell | None, str]] = {}
    for unit_id, unit in units.items():
        coverage = form.get(f"coverage-{unit_id}")
        if coverage is None:
            continue
        shown = form.get(f"was-{unit_id}")
        if coverage not in GRID_CHOICES or (shown is not None and shown not in GRID_CHOICES):
            problems.append(
                _("Unit %(unit)s: choose full, partial or not covered.", unit=unit.code)
            )
            continue
        typed = form.get(f"notes-{unit_id}", "")
        before = Cell.typed(shown, form.get(f"was_notes-{unit_id}", "")) if shown else None
        cells[unit_id] = (Cell.typed(coverage, typed), before, normalize_text(typed))
    if problems:
        raise GridRefused(" ".join(dict.fromkeys(problems)))
    return cells


def save_grid(
    session: Session,
    curriculum: Curriculum,
    units: Mapping[int, CompetencyUnit],
    cells: Mapping[int, tuple[Cell, Cell | None, str]],
) -> GridSave:
    """Write the cells their reader changed: none deletes the row, the others add or update it.

    A cell is left alone when it is as the form showed it (someone else may have changed
    it since) or already as stored. Nothing is committed here.
    """
    stored = {
        row.unit_id: row
        for row in session.scalars(
            select(CurriculumUnit).where(
                CurriculumUnit.curriculum_id == curriculum.id,
                CurriculumUnit.unit_id.in_(list(cells)),
            )
        )
    }
    done = GridSave()
    for unit_id, (wanted, shown, typed) in cells.items():
        code = units[unit_id].code
        if wanted.coverage == NOT_ALIGNED and typed:
            done.notes_dropped.append(code)
        row = stored.get(unit_id)
        now = Cell.of(row)
        if wanted == now or wanted == (shown if shown is not None else now):
            continue
        if wanted.coverage == NOT_ALIGNED:
            session.delete(row)
            done.removed.append(code)
        elif row is None:
            session.add(
                CurriculumUnit(
                    curriculum_id=curriculum.id,
                    unit_id=unit_id,
                    coverage=wanted.coverage,
                    notes=wanted.notes or None,
                )
            )
            done.added.append(code)
        else:
            row.coverage = wanted.coverage
            row.notes = wanted.notes or None
            done.changed.append(code)
    return done


def saved_message(done: GridSave) -> str:
    if not done.touched:
        return _("Nothing to save: no unit's coverage or note was changed.")
    return _(
        "Alignment saved: %(added)s added, %(changed)s changed, %(removed)s removed.",
        added=len(done.added),
        changed=len(done.changed),
        removed=len(done.removed),
    )


# --------------------------------------------------------------------------- coverage


def coverage_of(
    session: Session, curriculum: Curriculum, qualifications: list[Qualification]
) -> list[tuple[Qualification, Tally]]:
    """Each qualification's tally for the curriculum, counted as the alignment report does."""
    aligned = alignments(session, curriculum)
    labels = coverage_labels()
    return [(each, unit_table(each.units, aligned, labels)[0]) for each in qualifications]


def qualification_options(
    session: Session, related: list[Qualification]
) -> tuple[list[tuple[int, str]], list[tuple[int, str]]]:
    """The grid's qualification picker: those sharing units with the curriculum, then the rest."""
    first = {each.id for each in related}
    rows = session.execute(
        select(
            Qualification.id, Qualification.code, Qualification.title, Qualification.level
        ).order_by(Qualification.code)
    ).all()
    options = [
        (id_, _("%(code)s %(title)s (level %(level)s)", code=code, title=title, level=level))
        for id_, code, title, level in rows
    ]
    return (
        [option for option in options if option[0] in first],
        [option for option in options if option[0] not in first],
    )


def coverage_formatter(view: Any, context: Any, model: Curriculum, name: str) -> Any:
    """The curriculum page's coverage per qualification, with links to each grid."""
    related = related_qualifications(db.session, model)
    sharing, others = qualification_options(db.session, related)
    table = get_template_attribute("admin/alignment/_coverage.html", "coverage_table")
    return table(model, coverage_of(db.session, model, related), sharing, others, view.may_write())


class CurriculumView(SecureModelView):
    column_labels = {**LABELS, "qualification_coverage": _l("Coverage of qualifications")}
    details_template = "admin/alignment/curriculum_details.html"
    column_list = (
        "code",
        "title",
        "owner",
        "kind",
        "level_group",
        "field",
        "hours",
        "edition_year",
    )
    column_details_list = (
        "code",
        "title",
        "owner",
        "kind",
        "level_group",
        "field",
        "excellence_field",
        "hours",
        "credits",
        "edition_year",
        "qualification_coverage",
        "alignments",
        "created_at",
        "updated_at",
    )
    column_export_list = column_list
    column_searchable_list = ("code", "title", "field")
    column_filters = (
        choice_filter(Curriculum.kind, _l("Kind"), CurriculumKind),
        choice_filter(Curriculum.level_group, _l("Credit-bank level group"), CreditBankLevel),
        "owner.name_th",
        "excellence_field.name_th",
        "edition_year",
    )
    column_sortable_list = ("code", "title", "kind", "edition_year", "hours")
    column_default_sort = "code"
    column_formatters = {
        "kind": choice_formatter(CurriculumKind),
        "level_group": choice_formatter(CreditBankLevel),
    }
    column_formatters_export = column_formatters
    column_formatters_detail = {
        **column_formatters,
        "qualification_coverage": coverage_formatter,
        "alignments": related(
            "alignments",
            (
                Column(
                    _l("Unit code"),
                    lambda a: a.unit.code,
                    ("unit.details_view", lambda a: a.unit_id),
                ),
                Column(_l("Unit of competence"), lambda a: a.unit.title),
                Column(_l("Coverage"), lambda a: choice_label(Coverage, a.coverage)),
                Column(_l("Notes"), lambda a: a.notes),
            ),
            _l("This curriculum is not aligned with any unit of competence yet."),
            order=lambda a: a.unit.code,
        ),
    }
    form_columns = (
        "code",
        "title",
        "owner",
        "kind",
        "level_group",
        "field",
        "excellence_field",
        "hours",
        "credits",
        "edition_year",
    )
    form_choices = {"kind": CurriculumKind.choices(), "level_group": CreditBankLevel.choices()}
    form_ajax_refs = {"owner": agency_ref()}
    form_args = {
        "code": {"filters": [strip_filter]},
        "hours": {"validators": [Optional(), NOT_NEGATIVE]},
        "credits": {"validators": [Optional(), NOT_NEGATIVE]},
        "edition_year": {"validators": [Optional(), BE_YEAR]},
    }
    inline_models = (
        (
            CurriculumUnit,
            {
                "form_columns": ("id", "unit", "coverage", "notes"),
                "column_labels": LABELS,
                "form_ajax_refs": {"unit": UNIT_REF},
                "form_choices": {"coverage": Coverage.choices()},
            },
        ),
    )

    # ----------------------------------------------------------------- alignment grid

    @expose("/alignment/", methods=("GET", "POST"))
    def alignment(self):
        """A qualification's units against the curriculum: full, partial or none, one save."""
        curriculum = self.grid_record(Curriculum, "id")
        if curriculum is None:
            flash(_("There is no curriculum with this id."), "error")
            return redirect(url_for(".index_view"))
        details = url_for(".details_view", id=curriculum.id)
        if not request.values.get("qualification", "").strip():
            flash(_("Choose a qualification to open its alignment grid."), "error")
            return redirect(details)
        qualification = self.grid_record(Qualification, "qualification")
        if qualification is None:
            flash(_("There is no qualification with this id."), "error")
            return redirect(details)
        here = url_for(".alignment", id=curriculum.id, qualification=qualification.id)
        units = {unit.id: unit for unit in qualification.units}
        if request.method == "POST":
            return self.save_alignment(curriculum, qualification, units, here)

        aligned = alignments(db.session, curriculum)
        tally = unit_table(qualification.units, aligned, coverage_labels())[0]
        related = related_qualifications(db.session, curriculum)
        sharing, others = qualification_options(db.session, related)
        return self.render(
            "admin/alignment/grid.html",
            curriculum=curriculum,
            qualification=qualification,
            rows=[(unit, grid_cell(aligned.get(unit.id))) for unit in units.values()],
            tally=tally,
            choices=grid_choices(),
            sharing=sharing,
            others=others,
            editable=self.may_write(),
            details_url=details,
        )

    def save_alignment(
        self,
        curriculum: Curriculum,
        qualification: Qualification,
        units: dict[int, CompetencyUnit],
        here: str,
    ):
        """Write the grid in one transaction through the ORM, so the change log has each row."""
        try:
            cells = read_grid(request.form, units, qualification)
            done = save_grid(db.session, curriculum, units, cells)
            db.session.commit()
        except GridRefused as refused:
            db.session.rollback()
            flash(_("Nothing was saved: %(reason)s", reason=str(refused)), "error")
            return redirect(here)
        except IntegrityError:
            db.session.rollback()
            flash(
                _("Nothing was saved: the alignment was changed at the same time. Try again."),
                "error",
            )
            return redirect(here)
        flash(saved_message(done), "success")
        if done.notes_dropped:
            flash(
                _(
                    "A note is kept only for a unit covered fully or partly: the note of "
                    "%(units)s was not kept.",
                    units=", ".join(done.notes_dropped),
                ),
                "warning",
            )
        return redirect(here)

    @staticmethod
    def grid_record(model: type[Any], name: str) -> Any:
        number = record_id(request.values.get(name))
        return db.session.get(model, number) if number else None


class ExcellenceFieldView(SecureModelView):
    column_labels = LABELS
    column_list = ("code", "name_th", "name_en", "hub_college")
    column_details_list = ("code", "name_th", "name_en", "hub_college", "college_groups")
    column_searchable_list = ("code", "name_th", "name_en")
    column_default_sort = "code"
    form_columns = ("code", "name_th", "name_en", "hub_college")
    form_ajax_refs = {"hub_college": agency_ref(*COLLEGES)}
    inline_models = (
        (
            CollegeFieldGroup,
            {
                "form_columns": ("id", "college", "tier"),
                "column_labels": LABELS,
                "form_ajax_refs": {"college": agency_ref(*COLLEGES)},
                "form_choices": {"tier": ExcellenceGroup.choices()},
            },
        ),
    )


class CollegeFieldGroupView(SecureModelView):
    column_labels = LABELS
    column_list = ("field", "college", "tier")
    column_searchable_list = ("college.name_th", "field.name_th")
    column_filters = (
        choice_filter(CollegeFieldGroup.tier, _l("Group"), ExcellenceGroup),
        "field.name_th",
        "college.province.name_th",
    )
    column_formatters = {"tier": choice_formatter(ExcellenceGroup)}
    column_formatters_export = column_formatters
    form_columns = ("field", "college", "tier")
    form_choices = {"tier": ExcellenceGroup.choices()}
    form_ajax_refs = {"college": agency_ref(*COLLEGES)}


def add_views(admin) -> None:
    admin.add_view(
        CurriculumView(Curriculum, name=_l("Curricula"), category=CATEGORY, endpoint="curriculum")
    )
    admin.add_view(
        ExcellenceFieldView(
            ExcellenceField, name=_l("Excellence fields"), category=CATEGORY, endpoint="excellence"
        )
    )
    admin.add_view(
        CollegeFieldGroupView(
            CollegeFieldGroup,
            name=_l("College groups per field"),
            category=CATEGORY,
            endpoint="college_group",
        )
    )
