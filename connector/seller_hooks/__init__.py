"""Webhooks for sellers: endpoints they manage, events written beside their causes,
deliveries signed per Standard Webhooks and retried by RQ jobs for a day.

``events`` (what happened, to whom), ``endpoints`` (URLs, events, secrets),
``delivery`` (send, log, retry, disable, resend, sweep) are services; ``views`` is
the seller's page. ``init_app`` starts the after-commit enqueueing and the page.
"""

from __future__ import annotations


def init_app(app) -> None:
    from connector.seller_hooks import events, views

    events.listen()
    app.register_blueprint(views.bp)
