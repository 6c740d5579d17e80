"""Login, logout, password hashing, the login wall and the `user` command."""

from __future__ import annotations

import click
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import Blueprint, Flask, flash, redirect, render_template, request, url_for
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

from models import Role, User, db
from thai.dates import bangkok_now

hasher = PasswordHasher()
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = _l("Please log in to continue.")
login_manager.login_message_category = "info"
bp = Blueprint("auth", __name__)

# Endpoints a visitor may reach before logging in.
PUBLIC_ENDPOINTS = {"auth.login", "static", "fonts", "switch_language"}
# A hash to verify against when the e-mail is unknown, so timing does not reveal accounts.
DUMMY_HASH = hasher.hash("not-a-real-password")


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """Return whether the password is the user's, in the same time for unknown users."""
    try:
        return hasher.verify(user.password_hash if user else DUMMY_HASH, password) and bool(user)
    except (VerificationError, InvalidHashError):
        return False


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


class LoginForm(FlaskForm):
    # No syntax check: any stored address must log in, e.g. the demo's admin@samatta.local,
    # which email_validator refuses as a special-use domain.
    email = EmailField(_l("E-mail"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


def safe_next(target: str | None) -> str:
    """Follow ?next= only to a path on this site."""
    if target and target.startswith("/") and not target.startswith("//"):
        return target
    return url_for("admin.index")


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(safe_next(request.args.get("next")))
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.scalar(select(User).where(User.email == email))
        if check_password(user, form.password.data) and user.is_active:
            if hasher.check_needs_rehash(user.password_hash):
                user.password_hash = hash_password(form.password.data)
            user.last_login_at = bangkok_now()
            db.session.commit()
            login_user(user)
            return redirect(safe_next(request.args.get("next")))
        flash(_("Wrong e-mail or password."), "error")
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash(_("You have logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/")
def home():
    return redirect(url_for("admin.index"))


def require_login():
    """Send every visitor who is not logged in to the login page."""
    endpoint = request.endpoint or ""
    if current_user.is_authenticated or endpoint in PUBLIC_ENDPOINTS:
        return None
    if endpoint.endswith(".static"):
        return None
    return login_manager.unauthorized()


def init_app(app: Flask) -> None:
    """Register the login manager, the blueprint and the login wall."""
    login_manager.init_app(app)
    app.register_blueprint(bp)
    app.before_request(require_login)


# --------------------------------------------------------------------------- CLI

user_cli = click.Group("user", help="Manage user accounts.")


@user_cli.command("create")
@click.argument("email")
@click.option("--role", type=click.Choice([r.value for r in Role]), default=Role.VIEWER.value)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--name", default=None, help="Display name.")
@with_appcontext
def create_user(email: str, role: str, password: str, name: str | None) -> None:
    """Create a user, or reset the role and password of an existing one."""
    email = email.strip().lower()
    if "@" not in email:
        raise click.BadParameter(_("'%(email)s' is not an e-mail address.", email=email))
    if len(password) < 8:
        raise click.BadParameter(_("The password must have at least 8 characters."))
    user = db.session.scalar(select(User).where(User.email == email))
    created = user is None
    if created:
        user = User(email=email)
        db.session.add(user)
    user.role = role
    user.name = name or user.name
    user.password_hash = hash_password(password)
    user.active = True
    db.session.commit()
    verb = _("Created") if created else _("Updated")
    click.echo(f"{verb}: {email} ({Role(role).label})")
