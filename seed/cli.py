"""The `seed` and `demo` commands; both apply migrations first and are safe to run twice."""

from __future__ import annotations

import secrets

import click
from flask import current_app
from flask.cli import with_appcontext
from sqlalchemy import select

from auth import hash_password
from config import write_secret_key
from models import Role, User, db
from schema import apply_migrations
from seed.reference import load_reference_data

DEMO_USERS = (
    ("admin@samatta.local", Role.ADMIN, "ผู้ดูแลระบบ (ตัวอย่าง)"),
    ("editor@samatta.local", Role.EDITOR, "เจ้าหน้าที่ (ตัวอย่าง)"),
    ("viewer@samatta.local", Role.VIEWER, "ผู้บริหาร (ตัวอย่าง)"),
)


@click.command("seed")
@with_appcontext
def seed_command() -> None:
    """Load the reference data: provinces, regions, organisations, round, programmes."""
    apply_migrations()
    load_reference_data()
    click.echo("โหลดข้อมูลอ้างอิงเรียบร้อย (จังหวัด ภูมิภาค หน่วยงานหลัก สาขาความเป็นเลิศ รอบ 2568 ทุน)")


@click.command("demo")
@with_appcontext
def demo_command() -> None:
    """Load the reference data and a generated demonstration; print the logins."""
    from seed.demo import load_demo

    key_file = write_secret_key(current_app)
    apply_migrations()
    load_reference_data()
    summary = load_demo()
    click.echo("โหลดข้อมูลตัวอย่างเรียบร้อย: " + ", ".join(f"{k} {v:,}" for k, v in summary.items()))
    for email, role, name in DEMO_USERS:
        password = secrets.token_urlsafe(9)
        user = db.session.scalar(select(User).where(User.email == email))
        if user is None:
            user = User(email=email, name=name)
            db.session.add(user)
        user.role = role.value
        user.active = True
        user.password_hash = hash_password(password)
        click.echo(f"  {role.label:<12} {email}  รหัสผ่าน: {password}")
    db.session.commit()
    if key_file:
        click.echo(f"สร้าง SECRET_KEY และเก็บไว้ที่ {key_file}")
