"""Sign-in, sign-out, the UI language and the API token pages."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf.csrf import CSRFError
from sqlalchemy import func, select

from connector.auth import throttle
from connector.auth.passwords import WeakPassword, check_rules, verify_password
from connector.auth.tokens import issue_token, revoke_token, tokens_of
from connector.extensions import db, login_manager
from connector.i18n import available_locales
from connector.models import Role, User

bp = Blueprint("auth", __name__)

TOKEN_NAME_MAX = 80


@bp.record_once
def _configure_login(state) -> None:
    # Flask-Login flashes its message before our locale is known unless told to render it late.
    login_manager.login_message = _l("Sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.localize_callback = str


@bp.app_context_processor
def _page_context() -> dict:
    locale = str(get_locale() or "zh_Hans")
    return {"current_locale": locale, "html_lang": locale.replace("_", "-")}


@bp.app_errorhandler(CSRFError)
def _csrf_failed(error: CSRFError):
    message = _(
        "This form has expired or did not come from this site. Reload the page and try again."
    )
    return render_template("error.html", status=400, message=message), 400


def safe_next(target: str | None) -> str | None:
    """``target`` if it is a path on this site, else None (no open redirects)."""
    if not target or any(ord(c) < 32 for c in target) or "\\" in target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


def _home_for(user: User) -> str:
    if user.role == Role.SELLER:
        return url_for("auth.tokens")
    if user.role == Role.OPS:
        return url_for("ops.board")
    return url_for("onboarding.index")


@bp.get("/")
def home():
    if current_user.is_authenticated:
        return redirect(_home_for(current_user))
    return redirect(url_for("auth.login"))


@bp.route("/login", methods=["GET", "POST"])
def login():
    next_url = safe_next(request.values.get("next"))
    if current_user.is_authenticated:
        return redirect(next_url or _home_for(current_user))
    email = ""
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        password = request.form.get("password", "")
        if not email:
            errors["email"] = [_("Enter your email address.")]
        if not password:
            errors["password"] = [_("Enter your password.")]
        if not errors:
            try:
                user = _sign_in(email, password)
            except throttle.Throttled as refused:
                minutes = max(1, -(-refused.retry_after // 60))
                errors["password"] = [
                    _(
                        "Too many failed attempts. Try again in %(minutes)d minutes.",
                        minutes=minutes,
                    )
                ]
                body = render_template("login.html", email=email, errors=errors, next_url=next_url)
                return body, 429, {"Retry-After": str(refused.retry_after)}
            except _SignInRefused as refused:
                errors[refused.field] = [refused.message]
            else:
                # A fresh session at sign-in: nothing from before carries over but the language.
                _sign_in_again(user)
                return redirect(next_url or _home_for(user))
    status = 422 if errors else 200
    return render_template("login.html", email=email, errors=errors, next_url=next_url), status


class _SignInRefused(Exception):
    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field, self.message = field, message


def _sign_in(email: str, password: str) -> User:
    """The user these credentials open; raises ``throttle.Throttled`` or ``_SignInRefused``.

    A throttled account or address is refused before its password is checked, so
    guessing on cannot tell a right password from a wrong one.
    """
    address = request.remote_addr
    throttle.check(email, address)
    user = db.session.execute(
        select(User).where(func.lower(User.email) == email.lower())
    ).scalar_one_or_none()
    if not verify_password(user, password):
        throttle.record_failure(email, address)
        raise _SignInRefused("password", _("The email address or password is not right."))
    if not user.is_active:
        raise _SignInRefused("email", _("This account is switched off. Ask ops to switch it on."))
    throttle.record_success(email, address)
    return user


@bp.post("/logout")
def logout():
    lang = session.get("lang")
    if current_user.is_authenticated:
        # Signing out ends every session of the user: a copied cookie is worthless after.
        current_user.end_sessions()
        db.session.commit()
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    flash(_("You are signed out."), "info")
    return redirect(url_for("auth.login"))


def _sign_in_again(user: User) -> None:
    """A fresh session for ``user`` (in its current epoch), keeping only the language."""
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    login_user(user)


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def password():
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        user = current_user._get_current_object()
        address = request.remote_addr
        current = request.form.get("current_password", "")
        new = request.form.get("new_password", "")
        try:
            # A borrowed session must not become a way to guess the password.
            throttle.check(user.email, address)
            if not verify_password(user, current):
                throttle.record_failure(user.email, address)
                errors["current_password"] = [_("This is not your current password.")]
            check_rules(new, user.email)
        except throttle.Throttled:
            errors["current_password"] = [_("Too many failed attempts. Try again later.")]
        except WeakPassword as weak:
            errors["new_password"] = [str(weak.message)]
        if not errors:
            user.set_password(new)
            db.session.commit()
            # Every session ended with the old password; this one carries on.
            _sign_in_again(user)
            flash(_("Your password is changed; you are signed out everywhere else."), "success")
            return redirect(url_for("auth.password"))
    status = 422 if errors else 200
    return render_template("account/password.html", errors=errors), status


def _without_lang(target: str) -> str:
    # ``?lang=`` in the page address would override the choice just made.
    parts = urlsplit(target)
    query = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k != "lang"]
    return urlunsplit(("", "", parts.path, urlencode(query), ""))


@bp.post("/account/language")
def language():
    lang = request.form.get("lang", "")
    if lang not in available_locales():
        abort(400)
    session["lang"] = lang
    if current_user.is_authenticated:
        current_user.locale = lang
        db.session.commit()
    target = safe_next(request.form.get("next")) or url_for("auth.home")
    return redirect(_without_lang(target))


@bp.route("/account/tokens", methods=["GET", "POST"])
@login_required
def tokens():
    errors: dict[str, list[str]] = {}
    name = ""
    new_secret = None
    new_token = None
    status = 200
    if request.method == "POST":
        name = request.form.get("name", "").strip()
        if not name:
            errors["name"] = [_("Give the token a name, such as the tool that will use it.")]
        elif len(name) > TOKEN_NAME_MAX:
            errors["name"] = [_("Use 1 to 80 characters.")]
        else:
            new_token, new_secret = issue_token(current_user, name)
            name = ""
        status = 422 if errors else 200
    body = render_template(
        "account/tokens.html",
        tokens=tokens_of(current_user),
        errors=errors,
        name=name,
        new_secret=new_secret,
        new_token=new_token,
    )
    # The secret is shown once; no cache may keep a copy of this page.
    return body, status, {"Cache-Control": "no-store"}


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke(token_id: int):
    if not revoke_token(current_user, token_id):
        abort(404)
    flash(_("The token is revoked; it no longer works."), "success")
    return redirect(url_for("auth.tokens"))
