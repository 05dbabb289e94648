"""Shared pieces of the API: the error envelope schema and body checks."""

from __future__ import annotations

from flask import request
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields


class ApiErrorBodySchema(Schema):
    code = fields.String(required=True, metadata={"example": "validation_failed"})
    status = fields.Integer(required=True, metadata={"example": 422})
    message = fields.String(required=True)
    fields_ = fields.Dict(
        data_key="fields",
        keys=fields.String(),
        values=fields.List(fields.String()),
        metadata={"description": "Messages per failing field, keyed by dotted path."},
    )


class ErrorEnvelopeSchema(Schema):
    error = fields.Nested(ApiErrorBodySchema, required=True)


def json_body():
    """The request's JSON; 415 for another content type, 400 when it does not parse."""
    if not request.is_json:
        abort(415, message=_("Send the body as application/json."))
    data = request.get_json(silent=True)
    if data is None:
        abort(400, message=_("The body is not valid UTF-8 JSON."))
    return data
