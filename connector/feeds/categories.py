"""Ops' mapping of our categories to the channels' category ids (one write path, API and page)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from marshmallow import Schema, validate
from sqlalchemy import select

from connector import fields as f
from connector.extensions import db
from connector.feeds.formats import FORMATS
from connector.models import ChannelCategory
from connector.models.types import utcnow
from connector.ops import audit
from connector.ops.audit import Actor

# The channels whose exports or pushes read a category id (the others need none).
MAPPED_CHANNELS = sorted(
    {fmt.category_channel for fmt in FORMATS.values() if fmt.category_channel}
    | {"kaspi", "shopee", "tiktok"}
)


class CategoryMappingSchema(Schema):
    channel = f.String(
        required=True,
        validate=validate.OneOf(MAPPED_CHANNELS, error=_l("Choose one of the channels.")),
    )
    category = f.String(
        required=True,
        validate=validate.Length(1, 120),
        metadata={"description": "Our category path as listings write it: 服装 > T恤."},
    )
    channel_category_id = f.String(
        required=True,
        validate=validate.Length(1, 64),
        metadata={"description": "The channel's id; for Ozon description_category_id:type_id."},
    )


def mappings(channel: str | None = None) -> list[ChannelCategory]:
    query = select(ChannelCategory).order_by(ChannelCategory.channel, ChannelCategory.category)
    if channel:
        query = query.where(ChannelCategory.channel == channel)
    return list(db.session.execute(query).scalars())


def put_mapping(actor: Actor, channel: str, category: str, channel_id: str) -> ChannelCategory:
    """Map ``category`` to ``channel_id`` on ``channel``, replacing an earlier mapping; audited."""
    row = db.session.execute(
        select(ChannelCategory).where(
            ChannelCategory.channel == channel, ChannelCategory.category == category
        )
    ).scalar_one_or_none()
    before = row.channel_category_id if row is not None else None
    if row is None:
        row = ChannelCategory(channel=channel, category=category)
        db.session.add(row)
    row.channel_category_id = channel_id
    row.updated_at = utcnow()
    db.session.commit()
    audit.record(
        actor,
        "channel_category.put",
        "channel_category",
        row.id,
        details={
            "channel": channel,
            "category": category,
            "channel_category_id": channel_id,
            "before": before,
        },
    )
    return row


def delete_mapping(actor: Actor, mapping_id: int) -> bool:
    """Remove a mapping: that channel's exports refuse offers of the category again."""
    row = db.session.get(ChannelCategory, mapping_id)
    if row is None:
        return False
    details = {
        "channel": row.channel,
        "category": row.category,
        "channel_category_id": row.channel_category_id,
    }
    db.session.delete(row)
    db.session.commit()
    audit.record(actor, "channel_category.delete", "channel_category", mapping_id, details=details)
    return True
