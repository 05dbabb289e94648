"""Shared pieces of the API: the error envelope schema and body checks."""

from __future__ import annotations

import flask_smorest
from flask import request
from flask_babel import gettext as _
from flask_smorest import abort
from marshmallow import Schema, fields, missing
from webargs.flaskparser import FlaskParser, is_json_request

from connector import json_input


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
    data = _parsed_body()
    if data is None:
        abort(400, message=_("The body is not valid UTF-8 JSON."))
    return data


def _parsed_body():
    """The body through ``json_input``: 400 naming the reason when it is refused."""
    try:
        return json_input.loads(request.get_data(cache=True))
    except json_input.UnreadableJson as exc:
        abort(400, message=str(exc.message))
    except ValueError:
        abort(400, message=_("The body is not valid UTF-8 JSON."))


class ArgumentsParser(FlaskParser):
    """webargs' parser, reading JSON bodies as ``json_body`` does (webargs' own would
    recurse without limit and turn numbers into floats)."""

    def _raw_load_json(self, req):
        if not is_json_request(req) or not req.get_data(cache=True):
            return missing
        return _parsed_body()


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint with our arguments parser; every API module uses it."""

    ARGUMENTS_PARSER = ArgumentsParser()
