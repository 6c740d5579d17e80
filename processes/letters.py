"""The letters the office sends: the outgoing-letter register and the announcement letters.

Every letter takes the next number of its calendar year (BE) from LetterCounter inside the
caller's transaction, so a number is given out once, in order, and comes back only if the
whole issue is rolled back: on SQLite the database's write lock serialises two issuers, on
PostgreSQL the counter row's lock does. Nothing here commits; the caller does.
"""

from __future__ import annotations

import datetime as dt
import string
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import TextClause, select, text, update
from sqlalchemy.orm import Session

import models
from models import (
    Agency,
    LetterCounter,
    LetterTemplate,
    OfficeSettings,
    OutgoingLetter,
    Placement,
    PlacementRound,
    PlacementStep,
    RoundStep,
)
from thai.dates import bangkok_now, be_year, format_be
from thai.digits import to_thai_digits

ANNOUNCEMENT = "placement_eligible"

# The placeholders an announcement template may use, each with what it is replaced by.
PLACEHOLDERS: dict[str, object] = {
    "college": _l("the college's name"),
    "round_title": _l("the placement round's title"),
    "fiscal_year": _l("the round's fiscal year (BE)"),
    "count": _l("how many eligible teachers the letter lists"),
    "deadline": _l("the round's application deadline, as a Thai date"),
    "letter_ref": _l("the round's own letter (number and date), for the reference line"),
    "orientation": _l("the orientation dates from the round's calendar"),
    "placement_period": _l("the placement dates from the round's calendar"),
    "report_due": _l("the last day for the college's report, from the round's calendar"),
    "office": _l("the office's name, from the office settings"),
}
# The template fields that are filled in (the closing is printed as written).
FILLED_FIELDS = ("subject", "addressee", "reference", "enclosure", "body")


class LetterRefused(ValueError):
    """A letter cannot be issued; str(error) says why, in the reader's language."""


class IssuedLetters(list):
    """The letters issued (a list), with the placements left out and why (.skipped)."""

    def __init__(self, letters: Iterable[OutgoingLetter] = ()) -> None:
        super().__init__(letters)
        self.skipped: list[tuple[Placement, str]] = []


# --------------------------------------------------------------------------- numbers


def lock_counter(session: Session, year: int) -> None:
    """Take the register's lock for a year before reading what to issue.

    A write that changes nothing: on SQLite it takes the database's write lock, on
    PostgreSQL the counter row's lock, so that a second issuer waits here and then sees the
    letters the first one issued. The year's row is made first when missing: with no row to
    lock, two first issuers of a year would not wait for each other on PostgreSQL.
    """
    session.execute(insert_missing_counter(session, year))
    session.execute(
        update(LetterCounter)
        .where(LetterCounter.year == year)
        .values(last_number=LetterCounter.last_number)
        .execution_options(synchronize_session=False)
    )


def next_number(session: Session, year: int) -> int:
    """Give out the next number of a calendar year (BE), inside the caller's transaction."""
    bump = (
        update(LetterCounter)
        .where(LetterCounter.year == year)
        .values(last_number=LetterCounter.last_number + 1)
        .execution_options(synchronize_session=False)
    )
    if session.execute(bump).rowcount == 0:
        # The year's first letter. Two first letters at once: the second insert fails on the
        # primary key, so create the row with a statement that cannot fail, then bump it.
        session.execute(insert_missing_counter(session, year))
        session.execute(bump)
    number = session.scalar(select(LetterCounter.last_number).where(LetterCounter.year == year))
    return int(number)


def insert_missing_counter(session: Session, year: int) -> TextClause:
    """INSERT the year's counter at 0 unless it exists.

    One statement for every database: INSERT ... ON CONFLICT DO NOTHING is the same SQL on
    SQLite (3.24 and later) and PostgreSQL. Columns with a default of their own (a version,
    say) get it here too.
    """
    table = LetterCounter.__table__
    values = {"year": year, "last_number": 0}
    for column in table.columns:
        if column.name not in values and column.default is not None and column.default.is_scalar:
            values[column.name] = column.default.arg
    names = ", ".join(values)
    marks = ", ".join(f":{name}" for name in values)
    statement = f"INSERT INTO {table.name} ({names}) VALUES ({marks})"  # noqa: S608
    return text(f"{statement} ON CONFLICT (year) DO NOTHING").bindparams(**values)


def register_year(day: dt.date) -> int:
    """The register's year of a date: the BE calendar year."""
    return be_year(day.year)


def issue(
    session: Session,
    *,
    settings: OfficeSettings,
    subject: str,
    addressee: str,
    body: str,
    closing: str,
    by: str,
    reference: str | None = None,
    enclosure: str | None = None,
    template: LetterTemplate | None = None,
    round_: PlacementRound | None = None,
    college: Agency | None = None,
    attachment: list | None = None,
    on: dt.date | None = None,
) -> OutgoingLetter:
    """Enter one letter in the register under the next number of its year, dated today."""
    issued_on = on or models.today()
    year = register_year(issued_on)
    letter = OutgoingLetter(
        year=year,
        number=next_number(session, year),
        prefix=settings.letter_prefix,
        issued_on=issued_on,
        issued_at=bangkok_now(),
        issued_by=by,
        subject=subject,
        addressee=addressee,
        reference=reference or None,
        enclosure=enclosure or None,
        body=body,
        closing=closing,
        template=template,
        round=round_,
        college=college,
        attachment=attachment,
    )
    session.add(letter)
    session.flush()
    return letter


# --------------------------------------------------------------------------- templates


def placeholders_in(text: str | None) -> list[str]:
    """The placeholders a text uses; raises LetterRefused for a malformed one."""
    if not text:
        return []
    try:
        parts = list(string.Formatter().parse(text))
    except ValueError as error:
        raise LetterRefused(
            _(
                "A brace { or } is not closed or not opened in: %(text)s. "
                "Write placeholders as {college}.",
                text=shorten(text),
            )
        ) from error
    names = []
    for _literal, name, spec, conversion in parts:
        if name is None:
            continue
        if spec or conversion or not name:
            raise LetterRefused(
                _(
                    "A placeholder must be a plain name in braces, such as {college}: %(text)s",
                    text=shorten(text),
                )
            )
        names.append(name)
    return names


def template_problems(fields: Mapping[str, str | None]) -> dict[str, str]:
    """{field: message} for each template field with an unknown or malformed placeholder."""
    problems: dict[str, str] = {}
    for field in FILLED_FIELDS:
        try:
            unknown = [n for n in placeholders_in(fields.get(field)) if n not in PLACEHOLDERS]
        except LetterRefused as error:
            problems[field] = str(error)
            continue
        if unknown:
            problems[field] = _(
                "Unknown placeholder %(names)s. The placeholders are: %(known)s.",
                names=", ".join("{" + name + "}" for name in dict.fromkeys(unknown)),
                known=", ".join("{" + name + "}" for name in PLACEHOLDERS),
            )
    return problems


def check_template(template: LetterTemplate) -> None:
    """Raise LetterRefused naming the first field whose placeholders cannot be filled."""
    problems = template_problems({field: getattr(template, field) for field in FILLED_FIELDS})
    if problems:
        field, message = next(iter(problems.items()))
        raise LetterRefused(
            _(
                "The letter template “%(name)s” cannot be used: %(message)s",
                name=template.name,
                message=message,
            )
        )


def fill(text: str | None, values: Mapping[str, str]) -> str:
    """A template text with its placeholders replaced (already checked)."""
    if not text:
        return ""
    out = []
    for literal, name, _spec, _conversion in string.Formatter().parse(text):
        out.append(literal)
        if name is not None:
            out.append(values[name])
    return "".join(out)


def shorten(text: str, limit: int = 80) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


# --------------------------------------------------------------------------- announcements


@dataclass
class Announcement:
    """The eligible placements of one college in one round: one letter."""

    round: PlacementRound
    college: Agency
    placements: list[Placement]


def office_settings(session: Session) -> OfficeSettings:
    settings = session.scalar(select(OfficeSettings).order_by(OfficeSettings.id).limit(1))
    if settings is None or not (settings.letter_prefix or "").strip():
        raise LetterRefused(
            _(
                "The office settings (the office's name and letter prefix) are not filled in "
                "yet: enter them before issuing letters."
            )
        )
    return settings


def announcement_template(session: Session) -> LetterTemplate:
    template = session.scalar(select(LetterTemplate).where(LetterTemplate.code == ANNOUNCEMENT))
    if template is None:
        raise LetterRefused(
            _(
                "There is no letter template with the code %(code)s: add it under Letters, "
                "Letter templates.",
                code=ANNOUNCEMENT,
            )
        )
    check_template(template)
    return template


def announced_placements(session: Session, round_ids: set[int]) -> dict[int, OutgoingLetter]:
    """{placement id: the announcement letter that already lists it} for some rounds."""
    letters = session.scalars(
        select(OutgoingLetter)
        .join(LetterTemplate, OutgoingLetter.template_id == LetterTemplate.id)
        .where(LetterTemplate.code == ANNOUNCEMENT, OutgoingLetter.round_id.in_(round_ids))
    )
    found: dict[int, OutgoingLetter] = {}
    for letter in letters:
        for row in letter.attachment or []:
            if isinstance(row, dict) and row.get("placement_id"):
                found.setdefault(int(row["placement_id"]), letter)
    return found


def plan_announcements(
    session: Session, placement_ids: Sequence[int]
) -> tuple[list[Announcement], list[tuple[Placement, str]]]:
    """Group the eligible placements among the ids by round and college; say why others wait."""
    ids = sorted({int(i) for i in placement_ids})
    placements = (
        list(session.scalars(select(Placement).where(Placement.id.in_(ids)))) if ids else []
    )
    announced = announced_placements(session, {p.round_id for p in placements})
    groups: dict[tuple[int, int], Announcement] = {}
    skipped: list[tuple[Placement, str]] = []
    for placement in sorted(placements, key=lambda p: p.id):
        if placement.status != PlacementStep.ELIGIBLE.value:
            skipped.append(
                (
                    placement,
                    _(
                        "not announced: the placement is at “%(step)s”, not “%(eligible)s”",
                        step=step_label(placement.status),
                        eligible=PlacementStep.ELIGIBLE.label,
                    ),
                )
            )
        elif placement.college is None:
            skipped.append((placement, _("not announced: the placement has no college")))
        elif placement.id in announced:
            skipped.append(
                (
                    placement,
                    _(
                        "already announced in letter %(ref)s",
                        ref=announced[placement.id].ref,
                    ),
                )
            )
        else:
            key = (placement.round_id, placement.college_id)
            group = groups.setdefault(key, Announcement(placement.round, placement.college, []))
            group.placements.append(placement)
    ordered = sorted(
        groups.values(), key=lambda g: (g.round.fiscal_year, g.college.name_th, g.college.id)
    )
    for group in ordered:
        group.placements.sort(key=teacher_sort_key)
    return ordered, skipped


def step_label(value: str) -> str:
    try:
        return str(PlacementStep(value).label)
    except ValueError:
        return value


def teacher_sort_key(placement: Placement) -> tuple[str, str, int]:
    teacher = placement.teacher
    return (teacher.first_name or "", teacher.last_name or "", placement.id)


def window(round_: PlacementRound, step: PlacementStep) -> RoundStep | None:
    for entry in round_.steps:
        if entry.step == step.value:
            return entry
    return None


def thai_date(day: dt.date | None) -> str:
    return format_be(day, style="long", thai_digits=True) if day else ""


def thai_period(entry: RoundStep | None) -> str:
    """A calendar window as letters write it: "๑๖ – ๓๑ มีนาคม ๒๕๖๘"."""
    if entry is None:
        return ""
    start, end = entry.starts_on, entry.ends_on
    if not (start and end) or start == end:
        return thai_date(start or end)
    if (start.year, start.month) == (end.year, end.month):
        return f"{to_thai_digits(str(start.day))} – {thai_date(end)}"
    if start.year == end.year:
        day_month = " ".join(thai_date(start).split(" ")[:2])
        return f"{day_month} – {thai_date(end)}"
    return f"{thai_date(start)} – {thai_date(end)}"


def placeholder_values(
    group: Announcement, settings: OfficeSettings, count: int | None = None
) -> dict[str, str]:
    """What each placeholder says in one college's letter (Thai digits, as letters use)."""
    round_ = group.round
    report = window(round_, PlacementStep.COLLEGE_REPORT)
    return {
        "college": group.college.name_th,
        "round_title": to_thai_digits(round_.title),
        "fiscal_year": to_thai_digits(str(round_.fiscal_year)),
        "count": to_thai_digits(str(len(group.placements) if count is None else count)),
        "deadline": thai_date(round_.application_deadline),
        "letter_ref": to_thai_digits(round_.letter_ref or ""),
        "orientation": thai_period(window(round_, PlacementStep.ORIENTED)),
        "placement_period": thai_period(window(round_, PlacementStep.IN_PLACEMENT)),
        "report_due": thai_date(report.ends_on if report else None),
        "office": settings.name,
    }


def attachment_rows(placements: Sequence[Placement]) -> list[dict[str, object]]:
    """The attachment's rows as printed: one eligible teacher each."""
    rows = []
    for placement in placements:
        teacher = placement.teacher
        name = " ".join(
            part
            for part in (f"{teacher.prefix or ''}{teacher.first_name}", teacher.last_name)
            if part
        )
        rows.append(
            {
                "placement_id": placement.id,
                "name": name,
                "position": teacher.position or "",
                "department": teacher.department or "",
                "host": placement.host.name_th if placement.host else "",
                "start": placement.planned_start.isoformat() if placement.planned_start else None,
                "end": placement.planned_end.isoformat() if placement.planned_end else None,
            }
        )
    return rows


# The register's one-line fields and how long each may be once filled in.
FIELD_LIMITS = {"subject": 500, "addressee": 500, "reference": 500, "enclosure": 500}
FIELD_LABELS = {
    "subject": _l("Letter subject"),
    "addressee": _l("Addressee"),
    "reference": _l("Referenced letter"),
    "enclosure": _l("Enclosures"),
}


def check_lengths(filled: Mapping[str, str], college: Agency) -> None:
    for field, limit in FIELD_LIMITS.items():
        if len(filled[field]) > limit:
            raise LetterRefused(
                _(
                    "Filled in for %(college)s, the letter's %(field)s is longer than "
                    "%(limit)s characters: shorten it in the letter template.",
                    college=college.name_th,
                    field=FIELD_LABELS[field],
                    limit=limit,
                )
            )


def issue_announcements(
    session: Session, placement_ids: Sequence[int], *, by: str
) -> IssuedLetters:
    """Issue one announcement letter per college for the eligible placements among the ids.

    Placements that are not eligible, have no college or were announced already are left
    out, each with the reason (IssuedLetters.skipped). Raises LetterRefused when the office
    settings or the template are missing or the template cannot be filled.
    """
    settings = office_settings(session)
    template = announcement_template(session)
    issued_on = models.today()
    # Wait for another issuer first, so that what is read below includes its letters.
    lock_counter(session, register_year(issued_on))
    groups, skipped = plan_announcements(session, placement_ids)
    letters = IssuedLetters()
    letters.skipped = skipped
    for group in groups:
        values = placeholder_values(group, settings)
        filled = {field: fill(getattr(template, field), values) for field in FILLED_FIELDS}
        check_lengths(filled, group.college)
        letters.append(
            issue(
                session,
                settings=settings,
                subject=filled["subject"],
                addressee=filled["addressee"],
                reference=filled["reference"],
                enclosure=filled["enclosure"],
                body=filled["body"],
                closing=template.closing or "ขอแสดงความนับถือ",
                by=by,
                template=template,
                round_=group.round,
                college=group.college,
                attachment=attachment_rows(group.placements),
                on=issued_on,
            )
        )
    return letters
