"""Login, logout, password hashing, the login wall, login throttling and the `user` command."""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import math
from typing import Any

import click
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from flask import (
    Blueprint,
    Flask,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import LoginManager, current_user, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import delete, func, insert, select, update
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired

import audit
import security
from keys import is_key
from models import LoginAttempt, Role, User, db
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
# The session key that holds session_fingerprint(user).
SESSION_KEY = "_auth"
# Log-in tries are kept this long (throttling looks back LOGIN_THROTTLE_MINUTES).
ATTEMPTS_KEPT = dt.timedelta(days=1)


def hash_password(password: str) -> str:
    """Hash a password with Argon2id."""
    return hasher.hash(password)


def check_password(user: User | None, password: str) -> bool:
    """Return whether the password is the user's, in the same time for unknown users."""
    try:
        return hasher.verify(user.password_hash if user else DUMMY_HASH, password) and bool(user)
    except (VerificationError, InvalidHashError):
        return False


# --------------------------------------------------------------------------- sessions


def session_fingerprint(user: User) -> str:
    """What the login session must match: the account's session version, role, password.

    Kept in the (signed) session cookie at login. Logging out raises session_version, and a
    new password, a new role or a rehash changes the rest: a session saved before any of
    these, a copied cookie included, then logs nobody in.
    """
    secret = str(current_app.config["SECRET_KEY"]).encode()
    state = f"{user.id}:{user.session_version or 0}:{user.role}:{user.password_hash}"
    return hmac.new(secret, state.encode(), hashlib.sha256).hexdigest()[:32]


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        key = int(user_id)
    except (TypeError, ValueError):
        return None
    if not is_key(key):
        return None
    user = db.session.get(User, key)
    if user is None or not user.is_active:
        return None
    if not hmac.compare_digest(str(session.get(SESSION_KEY, "")), session_fingerprint(user)):
        return None
    return user


def start_session(user: User) -> None:
    """Log the user in; a new CSRF token for the new session."""
    session.pop("csrf_token", None)
    login_user(user)
    session[SESSION_KEY] = session_fingerprint(user)


def refresh_session(user: User) -> None:
    """Keep the current user logged in after they changed their own password."""
    if current_user.is_authenticated and current_user.id == user.id:
        session[SESSION_KEY] = session_fingerprint(user)


def keep_updated_at() -> dict[str, Any]:
    # Logging in or out is not an edit of the account: updated_at stays as it was.
    return {"updated_at": User.updated_at}


# --------------------------------------------------------------------------- throttling


def client_address() -> str:
    """The visitor's address (the proxy's X-Forwarded-For when PROXY_FIX_X_FOR trusts it)."""
    return (request.remote_addr or "")[:64]


def nth_newest_failure(where: Any, since: dt.datetime, limit: int) -> dt.datetime | None:
    """The time of the limit-th newest failure since a moment, if there are that many."""
    if limit <= 0:
        return None
    times = db.session.scalars(
        select(LoginAttempt.at)
        .where(where, LoginAttempt.succeeded.is_(False), LoginAttempt.at > since)
        .order_by(LoginAttempt.at.desc())
        .limit(limit)
    ).all()
    return times[limit - 1] if len(times) >= limit else None


def throttled_until(email: str, address: str) -> dt.datetime | None:
    """Until when log-ins for this account or from this address are refused, or None.

    LOGIN_MAX_FAILURES failures for one account since its last success, or
    LOGIN_MAX_FAILURES_PER_ADDRESS from one address, within LOGIN_THROTTLE_MINUTES: tries
    are refused until the oldest of those failures is that many minutes old.
    """
    config = current_app.config
    window = dt.timedelta(minutes=int(config.get("LOGIN_THROTTLE_MINUTES", 15)))
    since = bangkok_now() - window
    last_success = db.session.scalar(
        select(func.max(LoginAttempt.at)).where(
            LoginAttempt.email == email, LoginAttempt.succeeded.is_(True)
        )
    )
    account_since = max(since, last_success) if last_success else since
    found = [
        nth_newest_failure(
            LoginAttempt.email == email,
            account_since,
            int(config.get("LOGIN_MAX_FAILURES", 5)),
        )
    ]
    if address:
        found.append(
            nth_newest_failure(
                LoginAttempt.address == address,
                since,
                int(config.get("LOGIN_MAX_FAILURES_PER_ADDRESS", 20)),
            )
        )
    times = [moment + window for moment in found if moment is not None]
    return max(times) if times else None


def record_attempt(email: str, address: str, succeeded: bool) -> None:
    """Keep one try (around the ORM: not a change to any record), and forget old ones."""
    now = bangkok_now()
    db.session.execute(
        insert(LoginAttempt).values(at=now, email=email, address=address, succeeded=succeeded)
    )
    db.session.execute(delete(LoginAttempt).where(LoginAttempt.at < now - ATTEMPTS_KEPT))


def log_event(action: str, user: User | None, email: str, address: str) -> None:
    """Write a login, logout, login_failed or login_throttled row to the change log."""
    audit.log_bulk(
        db.session,
        User.__tablename__,
        action,
        [user.id if user else None],
        {"email": email, "address": address},
        actor=user.email if user else email,
        batch_id=None,
    )


def throttled_message(until: dt.datetime) -> str:
    minutes = max(1, math.ceil((until - bangkok_now()).total_seconds() / 60))
    return _(
        "Too many failed log-ins for this account or from this address. "
        "Try again at %(time)s (in %(minutes)s min).",
        time=until.strftime("%H:%M"),
        minutes=minutes,
    )


# --------------------------------------------------------------------------- pages


class LoginForm(FlaskForm):
    # No syntax check: any stored address must log in, e.g. the demo's admin@samatta.local,
    # which email_validator refuses as a special-use domain.
    email = EmailField(_l("E-mail"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


def next_page() -> str:
    return security.safe_next(request.args.get("next"), url_for("admin.index"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(next_page())
    form = LoginForm()
    if not form.validate_on_submit():
        return render_template("login.html", form=form)
    email = form.email.data.strip().lower()[:255]
    address = client_address()
    until = throttled_until(email, address)
    user = db.session.scalar(select(User).where(User.email == email))
    if until is not None:
        # Refused without looking at the password: guessing on gains nothing.
        log_event("login_throttled", user, email, address)
        db.session.commit()
        flash(throttled_message(until), "error")
        return render_template("login.html", form=form), 429
    if check_password(user, form.password.data) and user.is_active:
        values: dict[str, Any] = {"last_login_at": bangkok_now(), **keep_updated_at()}
        if hasher.check_needs_rehash(user.password_hash):
            values["password_hash"] = hash_password(form.password.data)
        # Around the ORM, so that logging in does not count as an edit of the account (its
        # version stays, an administrator's open form of it stays fresh); the change log
        # gets a "login" row instead.
        db.session.execute(update(User).where(User.id == user.id).values(**values))
        record_attempt(email, address, succeeded=True)
        log_event("login", user, email, address)
        db.session.commit()
        start_session(user)
        return redirect(next_page())
    record_attempt(email, address, succeeded=False)
    log_event("login_failed", user, email, address)
    db.session.commit()
    until = throttled_until(email, address)
    if until is not None:
        flash(throttled_message(until), "error")
        return render_template("login.html", form=form), 429
    flash(_("Wrong e-mail or password."), "error")
    return render_template("login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        user = current_user._get_current_object()
        # Every session of this account saved so far (another browser, a copied cookie)
        # stops working: their session_version is now an old one.
        db.session.execute(
            update(User)
            .where(User.id == user.id)
            .values(session_version=User.session_version + 1, **keep_updated_at())
        )
        log_event("logout", user, user.email, client_address())
        db.session.commit()
    logout_user()
    session.pop(SESSION_KEY, None)
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
    problem = security.password_problem(password, email)
    if problem:
        raise click.BadParameter(problem, param_hint="'--password'")
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
