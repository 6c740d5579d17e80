"""The commands: `user create`, `seed` and `demo`."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from helpers import MIGRATIONS_ENV_WARNING, login
from sqlalchemy import func, select

from models import (
    Agency,
    Mou,
    PlacementRound,
    Province,
    Region,
    RoundStep,
    ScholarshipAllocation,
    ScholarshipProgramme,
    User,
    db,
)

ORGANISATIONS = {"MOE", "OVEC", "BPCD", "TPQI", "BMA", "EEF", "MHESI", "OEC", "UNICEF"}
REGION_SIZES = {"N": 9, "NE": 20, "C": 22, "E": 7, "W": 5, "S": 14}


# --------------------------------------------------------------------------- user create


def test_user_create_makes_an_account_that_can_log_in(app, runner, client):
    result = runner.invoke(
        args=[
            "user",
            "create",
            "New.Staff@Example.go.th",
            "--role",
            "editor",
            "--password",
            "pw-12345678",
        ]
    )
    assert result.exit_code == 0, result.output
    assert "new.staff@example.go.th" in result.output
    with app.app_context():
        user = db.session.scalar(select(User))
        assert (user.email, user.role, user.active) == ("new.staff@example.go.th", "editor", True)
    assert login(client, "new.staff@example.go.th", "pw-12345678").status_code == 302
    assert client.get("/admin/agency/new/").status_code == 200
    assert client.get("/admin/user/").status_code == 403


def test_user_create_again_resets_role_and_password(app, runner, client):
    runner.invoke(
        args=["user", "create", "a@example.go.th", "--role", "viewer", "--password", "first-pass"]
    )
    result = runner.invoke(
        args=["user", "create", "a@example.go.th", "--role", "admin", "--password", "second-pass"]
    )
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 1
        assert db.session.scalar(select(User.role)) == "admin"
    assert login(client, "a@example.go.th", "first-pass").status_code == 200
    assert login(client, "a@example.go.th", "second-pass").status_code == 302
    assert client.get("/admin/user/").status_code == 200


def test_user_create_defaults_to_viewer(app, runner):
    result = runner.invoke(args=["user", "create", "v@example.go.th", "--password", "pw-12345678"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        assert db.session.scalar(select(User.role)) == "viewer"


@pytest.mark.parametrize(
    "args",
    [
        ["user", "create", "short@example.go.th", "--password", "1234567"],
        ["user", "create", "not-an-email", "--password", "pw-12345678"],
        ["user", "create", "r@example.go.th", "--role", "root", "--password", "pw-12345678"],
    ],
    ids=["short password", "bad e-mail", "unknown role"],
)
def test_user_create_refuses_bad_input(app, runner, args):
    result = runner.invoke(args=args)
    assert result.exit_code != 0
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(User)) == 0


def test_user_create_prompts_for_the_password_twice(app, runner):
    result = runner.invoke(
        args=["user", "create", "p@example.go.th"], input="pw-12345678\npw-12345678\n"
    )
    assert result.exit_code == 0, result.output
    assert "pw-12345678" not in result.output


# --------------------------------------------------------------------------- seed


def seeded_counts():
    return {
        model.__name__: db.session.scalar(select(func.count()).select_from(model))
        for model in (
            Region,
            Province,
            Agency,
            PlacementRound,
            RoundStep,
            ScholarshipProgramme,
            ScholarshipAllocation,
        )
    }


@MIGRATIONS_ENV_WARNING
def test_seed_loads_the_reference_data_and_can_run_twice(empty_app):
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        first = seeded_counts()
        # Staff edit a record between runs; seeding again must not undo it.
        ovec = db.session.scalar(select(Agency).where(Agency.code == "OVEC"))
        ovec.phone = "022815555"
        db.session.commit()

    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        assert seeded_counts() == first
        assert first["Province"] == 77
        assert first["Region"] == 6
        sizes = {
            region.code: len(region.provinces) for region in db.session.scalars(select(Region))
        }
        assert sizes == REGION_SIZES
        lampang = db.session.scalar(select(Province).where(Province.code == "52"))
        assert (lampang.name_th, lampang.region.code) == ("ลำปาง", "N")
        bangkok = db.session.scalar(select(Province).where(Province.code == "10"))
        assert bangkok.region.code == "C"

        codes = set(db.session.scalars(select(Agency.code)))
        assert ORGANISATIONS <= codes
        ovec = db.session.scalar(select(Agency).where(Agency.code == "OVEC"))
        assert ovec.parent.code == "MOE"
        assert ovec.phone == "022815555"
        bpcd = db.session.scalar(select(Agency).where(Agency.code == "BPCD"))
        assert bpcd.name_th == "สำนักพัฒนาสมรรถนะครูและบุคลากรอาชีวศึกษา"
        assert bpcd.parent.code == "OVEC"

        round_ = db.session.scalar(select(PlacementRound).where(PlacementRound.fiscal_year == 2568))
        assert round_.application_deadline == dt.date(2025, 2, 27)
        steps = round_.steps
        assert len(steps) == first["RoundStep"] >= 9
        assert [s.position for s in steps] == sorted(s.position for s in steps)
        by_step = {s.step: s for s in steps if s.step}
        assert by_step["applied"].ends_on == dt.date(2025, 2, 27)
        assert by_step["post_report"].starts_on == dt.date(2025, 11, 1)
        assert by_step["in_placement"].starts_on.month == 3

        programmes = {p.name_th: p for p in db.session.scalars(select(ScholarshipProgramme))}
        assert len(programmes) == 4
        quotas = {
            p.name_th: [(a.academic_year, a.quota) for a in p.allocations]
            for p in programmes.values()
        }
        assert quotas["ทุนนวัตกรรมสายอาชีพชั้นสูง"] == [(2566, 1265)]
        assert quotas["ทุนนวัตกรรมสายอาชีพชั้นสูง สำหรับสถานศึกษานวัตกรรม"] == [(2566, 275)]
        assert quotas["ทุนนวัตกรรมสายอาชีพชั้นสูงสำหรับผู้มีความต้องการจำเป็นพิเศษ"] == [(2566, 140)]
        assert "ทุนพระกนิษฐาสัมมาชีพ" in programmes
        assert all(p.funder.code == "EEF" for p in programmes.values())


# --------------------------------------------------------------------------- demo


def demo_counts():
    return {
        table.name: db.session.scalar(select(func.count()).select_from(table))
        for table in db.metadata.sorted_tables
        if table.name not in ("user", "audit_log")
    }


@MIGRATIONS_ENV_WARNING
def test_demo_loads_a_demonstration_and_can_run_twice(empty_app):
    runner = empty_app.test_cli_runner()
    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    assert "admin@samatta.local" in result.output
    with empty_app.app_context():
        first = demo_counts()
        mou = db.session.scalar(select(Mou).where(Mou.ref_no == "MOU-2565-014"))
        assert mou is not None, "the EWE MOU between BMA and TPQI is missing"
        assert mou.signed_on == dt.date(2022, 9, 14)
        assert {p.agency.code for p in mou.parties} >= {"BMA", "TPQI"}

    result = runner.invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    with empty_app.app_context():
        assert demo_counts() == first
        assert db.session.scalar(select(func.count()).select_from(User)) == 3

    # The printed admin password opens the admin screens.
    password = re.search(r"admin@samatta\.local\s+\S+\s+(\S+)", result.output)
    assert password, result.output
    client = empty_app.test_client()
    assert login(client, "admin@samatta.local", password.group(1)).status_code == 302
    assert client.get("/admin/user/").status_code == 200


@MIGRATIONS_ENV_WARNING
def test_every_demo_placement_has_a_history_the_rules_allow(empty_app):
    from collections import Counter

    from models import PLACEMENT_PROGRESS, Placement, TeacherUnit
    from processes import calendar, placement_flow, placement_rules
    from seed.demo import STEPS_2567, STEPS_2568

    runner = empty_app.test_cli_runner()
    assert runner.invoke(args=["demo"]).exit_code == 0
    staff = {"editor@samatta.local", "admin@samatta.local"}
    with empty_app.app_context():
        session = db.session
        for fiscal_year, steps in ((2567, STEPS_2567), (2568, STEPS_2568)):
            placement_round = session.scalar(
                select(PlacementRound).where(PlacementRound.fiscal_year == fiscal_year)
            )
            placements = placement_round.placements
            assert Counter(p.status for p in placements) == {s.value: n for s, n in steps.items()}
            for placement in placements:
                events = placement.events
                assert (events[0].from_step, events[0].to_step) == (None, "applied")
                assert events[0].at == placement.applied_at
                assert events[-1].to_step == placement.status
                assert placement.status_since == events[-1].at
                assert {event.by for event in events} <= staff
                for before, after in zip(events, events[1:], strict=False):
                    assert after.from_step == before.to_step
                    assert after.to_step in placement_flow.MOVES[before.to_step]
                    assert after.at > before.at
                    step = "eligible" if after.to_step in ("not_eligible", "rejected") else None
                    window = calendar.window(placement_round, step or after.to_step)
                    if window is not None:
                        assert window.starts_on <= after.at.date() <= window.ends_on
                tested = placement.status in [s.value for s in PLACEMENT_PROGRESS[4:]]
                assert (placement.tested_on is not None) is tested
                if placement.test_result == "passed":
                    earned = {
                        row.unit
                        for row in placement.teacher.units
                        if row.placement_id == placement.id
                    }
                    assert earned and earned <= set(placement.units)
                    assert (
                        session.scalar(
                            select(func.min(TeacherUnit.achieved_on)).where(
                                TeacherUnit.placement_id == placement.id
                            )
                        )
                        == placement.tested_on
                    )
                assert not placement_rules.clip_problems(
                    placement, placement.clip_title, placement.clip_duration
                )

            def count(clause, round_id=placement_round.id):
                query = select(func.count()).select_from(Placement)
                return session.scalar(query.where(Placement.round_id == round_id, clause))

            invalid = session.scalars(
                select(Placement.status).where(
                    Placement.round_id == placement_round.id,
                    ~placement_rules.valid_mou_clause(),
                )
            ).all()
            # Only a few lack an MOU, and none that was announced eligible.
            assert set(invalid) <= {"applied", "not_eligible"}
            assert count(Placement.mou_exception.is_(True)) >= 1
            assert count(placement_rules.late_clause()) == {2567: 2, 2568: 10}[fiscal_year]
        assert invalid.count("applied") == 3
        assert count(placement_rules.no_visit_clause(dt.date(2025, 12, 1))) > 0
