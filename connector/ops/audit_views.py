"""The audit log page: who did what, when, and how it ended."""

from __future__ import annotations

from flask import render_template, request

from connector.ops import audit
from connector.ops.blueprint import bp
from connector.params import page_number

PAGE_SIZE = 50


def query_from_args(args) -> audit.AuditQuery:
    result = (args.get("result") or "").strip() or None
    return audit.AuditQuery(
        action=(args.get("action") or "").strip()[:64] or None,
        actor=(args.get("actor") or "").strip()[:254] or None,
        target_type=(args.get("target_type") or "").strip()[:32] or None,
        target_id=(args.get("target_id") or "").strip()[:64] or None,
        result=result if result in audit.RESULTS else None,
    )


@bp.get("/audit")
def audit_page():
    query = query_from_args(request.args)
    page = page_number(request.args)
    entries, total = audit.page_of_entries(query, PAGE_SIZE, (page - 1) * PAGE_SIZE)
    args = {k: v for k, v in vars(query).items() if v and k not in ("since", "until")}
    return render_template(
        "ops/audit.html",
        entries=entries,
        total=total,
        page=page,
        pages=max(1, -(-total // PAGE_SIZE)),
        query=query,
        args=args,
        results=audit.RESULTS,
    )
