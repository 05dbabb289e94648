"""The ops console: shipments, FX, jobs and the audit log, for the ops role only.

``init_app`` registers the pages and mounts rq-dashboard under ``/ops/rq``
behind the same gate.
"""

from __future__ import annotations


def init_app(app) -> None:
    from connector.ops import (  # noqa: F401  (each module adds its pages to the blueprint)
        action_views,
        audit_views,
        board_views,
        channel_views,
        dashboard,
        fix_views,
        fx_views,
        glossary_views,
        job_views,
        sandbox_views,
        shipment_views,
    )
    from connector.ops.blueprint import bp

    app.register_blueprint(bp)
    dashboard.mount(app)
