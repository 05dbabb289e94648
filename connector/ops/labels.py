"""Names people read for the codes the shipments carry (states, attempt outcomes, roles)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

STATE_LABELS = {
    "pending": _l("Pending"),
    "submitting": _l("Sending"),
    "submitted": _l("At the carrier"),
    "in_transit": _l("In transit"),
    "delivered": _l("Delivered"),
    "retrying": _l("Retrying"),
    "needs_attention": _l("Needs attention"),
    "cancelled": _l("Cancelled"),
}

OUTCOME_LABELS = {
    "submitted": _l("Sent"),
    "found": _l("Found at the service"),
    "transient": _l("Failed, will retry"),
    "permanent": _l("Failed, needs a person"),
    "lease_lost": _l("Overran its time"),
    "cancelled": _l("Cancelled"),
    None: _l("Running"),
}

# What became of one shipment of a batch retry (connector.ops.retry_outcomes).
BATCH_OUTCOME_LABELS = {
    "sent": _l("Sent"),
    "failed": _l("Failed, needs a person"),
    "retrying": _l("Failed, will retry"),
    "sending": _l("Being sent"),
    "skipped": _l("Skipped"),
    "waiting": _l("Not reached yet"),
    "cancelled": _l("Cancelled"),
}
BATCH_OUTCOME_TONES = {
    "sent": "ok",
    "failed": "bad",
    "retrying": "warn",
    "skipped": "warn",
    "sending": "neutral",
    "waiting": "neutral",
    "cancelled": "muted",
}

JOB_STATUS_LABELS = {
    "queued": _l("Queued"),
    "started": _l("Running"),
    "scheduled": _l("Scheduled"),
    "deferred": _l("Deferred"),
    "finished": _l("Finished"),
    "failed": _l("Failed"),
    "stopped": _l("Stopped"),
    "canceled": _l("Cancelled"),
    "gone": _l("Expired"),
}

JOB_ROLE_LABELS = {
    "dispatch": _l("Send"),
    "cancel": _l("Cancel"),
    "labels": _l("Labels"),
    "tracking": _l("Tracking"),
    "job": _l("Job"),
}

RESULT_LABELS = {
    "ok": _l("Done"),
    "refused": _l("Refused"),
    "failed": _l("Failed"),
    "queued": _l("Queued"),
}

DOCUMENT_LABELS = {
    "label": _l("Shipping label"),
    "box_labels": _l("Box labels"),
    "sku_labels": _l("SKU labels"),
    "receipt": _l("Warehouse receipt"),
}

# Badge colour per state: what needs a person stands out.
STATE_TONES = {
    "needs_attention": "bad",
    "retrying": "warn",
    "pending": "neutral",
    "submitting": "neutral",
    "submitted": "ok",
    "in_transit": "ok",
    "delivered": "ok",
    "cancelled": "muted",
}


def state_label(state: str | None) -> str:
    return str(STATE_LABELS.get(state or "", state or "—"))


ADDRESS_LABELS = {
    "name": _l("Name"),
    "phone": _l("Phone"),
    "email": _l("E-mail"),
    "line1": _l("Street and number"),
    "line2": _l("Address line 2"),
    "ward": _l("Ward"),
    "district": _l("District"),
    "city": _l("City"),
    "province": _l("Province or region"),
    "postal_code": _l("Postal code"),
}
