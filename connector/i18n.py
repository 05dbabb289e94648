"""UI language: the user's setting, then ``?lang=``, then the session, then Accept-Language."""

from __future__ import annotations

from flask import current_app, has_request_context, request, session
from flask_login import current_user

from connector.extensions import babel

LANGUAGE_NAMES = {
    "zh_Hans": "简体中文",
    "en": "English",
    "vi": "Tiếng Việt",
    "ru": "Русский",
    "kk": "Қазақ тілі",
}


def available_locales() -> tuple[str, ...]:
    return tuple(current_app.config["UI_LOCALES"])


def _match(tag: str | None) -> str | None:
    """Map a tag such as ``zh-CN`` or ``en_US`` to one of our UI locales."""
    if not tag:
        return None
    wanted = tag.replace("-", "_").lower()
    for code in available_locales():
        if wanted == code.lower():
            return code
    language = wanted.split("_")[0]
    for code in available_locales():
        if code.lower().split("_")[0] == language:
            return code
    return None


def select_locale() -> str:
    if not has_request_context():
        # The CLI and jobs: no visitor to ask.
        return current_app.config["BABEL_DEFAULT_LOCALE"]
    if current_user and getattr(current_user, "is_authenticated", False):
        chosen = _match(current_user.locale)
        if chosen:
            return chosen
    api = request.path.startswith("/api/")
    from_query = _match(request.args.get("lang"))
    if from_query:
        if not api:  # API clients send lang on each call; no cookie for them
            session["lang"] = from_query
        return from_query
    from_session = None if api else _match(session.get("lang"))
    if from_session:
        return from_session
    for tag, _quality in request.accept_languages:
        chosen = _match(tag)
        if chosen:
            return chosen
    # Overseas sellers' scripts rarely send Accept-Language: English is their safest default.
    return "en" if api else current_app.config["BABEL_DEFAULT_LOCALE"]


def init_app(app) -> None:
    babel.init_app(app, locale_selector=select_locale)

    @app.context_processor
    def _languages():
        return {"ui_languages": [(c, LANGUAGE_NAMES.get(c, c)) for c in available_locales()]}
