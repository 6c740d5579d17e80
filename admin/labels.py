"""Column labels shared by every screen (one attribute name, one label)."""

from typing import Any

from flask_babel import LazyString
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

LABELS = {
    "id": _l("ID"),
    "code": _l("Code"),
    "name": _l("Name"),
    "name_th": _l("Thai name"),
    "name_en": _l("English name"),
    "abbreviation": _l("Abbreviation"),
    "kind": _l("Kind"),
    "parent": _l("Parent agency"),
    "children": _l("Sub-agencies"),
    "province": _l("Province"),
    "provinces": _l("Provinces"),
    "province.name_th": _l("Province"),
    "province.region": _l("Region"),
    "province.region.name_th": _l("Region"),
    "region": _l("Region"),
    "address": _l("Address"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "website": _l("Website"),
    "notes": _l("Notes"),
    "contacts": _l("Contacts"),
    "position": _l("Position"),
    "coordinator_for": _l("Coordinator for programme"),
    "agency": _l("Agency"),
    "agency.name_th": _l("Agency"),
    "ref_no": _l("Reference number"),
    "title": _l("Title"),
    "parties": _l("Parties"),
    "party_names": _l("Parties"),
    "parties.agency.name_th": _l("Party"),
    "signatory": _l("Signatory"),
    "signed_on": _l("Signed on"),
    "expires_on": _l("Ends on"),
    "scope": _l("Scope of cooperation"),
    "document_path": _l("Signed document (PDF)"),
    "document": _l("Signed document (PDF)"),
    "status": _l("Status"),
    "sector": _l("Sector"),
    "sector.name_th": _l("Sector"),
    "occupation": _l("Occupation"),
    "occupation.name_th": _l("Occupation"),
    "occupations": _l("Occupations"),
    "qualification": _l("Qualification"),
    "qualifications": _l("Qualifications"),
    "qualifications.code": _l("Qualification code"),
    "qualifications.level": _l("Qualification level"),
    "level": _l("Level"),
    "units": _l("Units of competence"),
    "unit": _l("Unit of competence"),
    "elements": _l("Elements"),
    "performance_criteria": _l("Performance criteria"),
    "owner": _l("Owner agency"),
    "owner.name_th": _l("Owner agency"),
    "level_group": _l("Credit-bank level group"),
    "field": _l("Field"),
    "field.name_th": _l("Excellence field"),
    "excellence_field": _l("Excellence field"),
    "excellence_field.name_th": _l("Excellence field"),
    "hours": _l("Hours"),
    "credits": _l("Credits"),
    "edition_year": _l("Edition (BE year)"),
    "alignments": _l("Alignment with units of competence"),
    "coverage": _l("Coverage"),
    "hub_college": _l("Hub college"),
    "college_groups": _l("College groups"),
    "college": _l("College"),
    "college.name_th": _l("College"),
    "tier": _l("Group"),
    "national_id": _l("National ID"),
    "prefix": _l("Prefix"),
    "first_name": _l("First name"),
    "last_name": _l("Last name"),
    "full_name": _l("Full name"),
    "department": _l("Department / field"),
    "academic_standing": _l("Academic standing"),
    "birth_date": _l("Birth date"),
    "is_active": _l("Active"),
    "active": _l("Active"),
    "achieved_on": _l("Achieved on"),
    "source": _l("Source"),
    "evidence": _l("Evidence"),
    "certificates": _l("Qualification certificates"),
    "certificate_no": _l("Certificate number"),
    "issued_on": _l("Issued on"),
    "attendances": _l("Trainings attended"),
    "training": _l("Training"),
    "teacher": _l("Teacher"),
    "teacher.national_id": _l("National ID"),
    "teacher.first_name": _l("First name"),
    "teacher.last_name": _l("Last name"),
    "completed": _l("Completed"),
    "provider": _l("Provider"),
    "curriculum": _l("Curriculum"),
    "start_on": _l("Starts on"),
    "end_on": _l("Ends on"),
    "fiscal_year": _l("Fiscal year"),
    "round": _l("Round"),
    "round.fiscal_year": _l("Fiscal year"),
    "application_deadline": _l("Application deadline"),
    "budget": _l("Budget (baht)"),
    "letter_ref": _l("Letter reference"),
    "steps": _l("Calendar"),
    "step": _l("Step"),
    "starts_on": _l("Starts on"),
    "ends_on": _l("Ends on"),
    "host": _l("Host establishment"),
    "host.name_th": _l("Host establishment"),
    "applied_at": _l("Applied at"),
    "applicant_email": _l("Applicant e-mail"),
    "is_late": _l("Late"),
    "planned_start": _l("Planned start"),
    "planned_end": _l("Planned end"),
    "plan_url": _l("Development plan link"),
    "plan_document_path": _l("Development plan file"),
    "test_result": _l("Test result"),
    "logbook_received": _l("Logbook received"),
    "clip_url": _l("Clip link"),
    "clip_title": _l("Clip title"),
    "post_report_received": _l("Post report received"),
    "visits": _l("Supervision visits"),
    "visited_on": _l("Visited on"),
    "visitor": _l("Visitor"),
    "funder": _l("Funder"),
    "funder.name_th": _l("Funder"),
    "duration_years": _l("Duration (years)"),
    "target_group": _l("Target group"),
    "allocations": _l("Allocations"),
    "academic_year": _l("Academic year"),
    "quota": _l("Quota"),
    "programme": _l("Programme"),
    "programme.name_th": _l("Programme"),
    "id_type": _l("Identifier type"),
    "id_value": _l("Identifier"),
    "special_needs": _l("Special needs"),
    "student": _l("Student"),
    "student.id_value": _l("Student identifier"),
    "student.first_name": _l("First name"),
    "student.last_name": _l("Last name"),
    "student.college.name_th": _l("College"),
    "start_year": _l("Start academic year"),
    "started_on": _l("Started on"),
    "ended_on": _l("Ended on"),
    "awards": _l("Awards"),
    "role": _l("Role"),
    "password": _l("Password"),
    "last_login_at": _l("Last login"),
    "created_at": _l("Created at"),
    "updated_at": _l("Updated at"),
    "at": _l("When"),
    "user_email": _l("User"),
    "action": _l("Action"),
    "table_name": _l("Table"),
    "record_id": _l("Record"),
    "changes": _l("Changes"),
    # Fields the change log names (admin/history.py) that no list shows.
    "placement": _l("Placement"),
    "mou": _l("MOU"),
    "award": _l("Scholarship award"),
    "from_step": _l("From step"),
    "to_step": _l("To step"),
    "from_status": _l("From status"),
    "to_status": _l("To status"),
    "effective_on": _l("Effective on"),
    "by": _l("Recorded by"),
    "note": _l("Note"),
    "batch": _l("Import batch"),
    "template": _l("Letter template"),
    "letter_prefix": _l("Letter prefix"),
    "signatory_name": _l("Signatory"),
    "signatory_position": _l("Signatory's position"),
    "contact_unit": _l("Contact unit"),
    "contact_phone": _l("Contact phone"),
    "contact_email": _l("Contact e-mail"),
    "emblem_path": _l("Garuda emblem (PNG or JPEG)"),
}


# --------------------------------------------------------------------------- filter labels


NAME_COLUMNS = {"name_th", "name"}


def _known(labels: dict, path: str) -> Any:
    return labels.get(path) or LABELS.get(path)


def _lower_first(text: str) -> str:
    """'College' -> 'college' inside a sentence; 'MOU' stays as written (Thai is unchanged)."""
    if len(text) > 1 and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def path_label(labels: dict, path: str) -> Any:
    """The label of a dotted column path, in the reader's language, or None if unknown.

    "college.province.name_th" -> "Province of the college" / "จังหวัดของสถานศึกษา": the
    view's own label for the whole path first, then the longest labelled tail, "of" the
    label of what leads to it.
    """
    known = _known(labels, path)
    if known:
        return known
    parts = path.split(".")
    if len(parts) > 1 and parts[-1] in NAME_COLUMNS:
        # A record's name stands for the record: "provider.name_th" is the provider.
        named = path_label(labels, ".".join(parts[:-1]))
        if named:
            return named
    for cut in range(1, len(parts)):
        what = _known(labels, ".".join(parts[cut:]))
        whose = path_label(labels, ".".join(parts[:cut]))
        if what and whose:
            return LazyString(
                lambda what=what, whose=whose: _(
                    "%(what)s of the %(whose)s", what=what, whose=_lower_first(str(whose))
                )
            )
    return None


def filter_label(labels: dict, path: str) -> Any:
    """A list filter's label for a column path; the path itself if no label is known."""
    return path_label(labels, path) or path
