"""``/api/v1/jobs/<id>``: follow a background job started through the API (ops)."""

from __future__ import annotations

import re

from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields
from redis.exceptions import RedisError

from connector.api.common import Blueprint, ErrorEnvelopeSchema
from connector.auth.principal import requires_api_role
from connector.models import Role, User

JOB_ID = re.compile(r"[A-Za-z0-9_-]{1,120}")

blp = Blueprint("jobs_api", __name__, url_prefix="/jobs", description="Background jobs")


class JobStateSchema(Schema):
    id = fields.String()
    status = fields.String(metadata={"description": "queued, started, finished, failed, gone"})
    enqueued_at = fields.AwareDateTime(allow_none=True)
    started_at = fields.AwareDateTime(allow_none=True)
    ended_at = fields.AwareDateTime(allow_none=True)
    error = fields.String(allow_none=True)
    progress = fields.Dict(allow_none=True)


@blp.get("/<job_id>")
@requires_api_role(Role.OPS)
@blp.response(200, JobStateSchema)
@blp.alt_response(404, schema=ErrorEnvelopeSchema)
@blp.alt_response(503, schema=ErrorEnvelopeSchema)
def job_state(job_id: str, user: User):
    """A job's state and progress, as RQ keeps it (for a while after it ends)."""
    from connector.ops.rq_state import job_info

    if not JOB_ID.fullmatch(job_id):
        abort(404, message=_("No such job."))
    try:
        info = job_info(job_id)
    except RedisError:
        abort(503, message=_("Redis is unavailable; the job's state cannot be read."))
    if info.status == "gone":
        abort(404, message=_("No such job."))
    return {
        "id": info.id,
        "status": info.status,
        "enqueued_at": info.enqueued_at,
        "started_at": info.started_at,
        "ended_at": info.ended_at,
        "error": info.error,
        "progress": info.meta or None,
    }
