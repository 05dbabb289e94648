"""seller channels: presentation settings, channel category mappings, renderings per look

Revision ID: 0013
Revises: 0016
Create Date: 2026-12-03 12:00:00

"""

import sqlalchemy as sa
from alembic import op

import connector.models.types

revision = "0013"
down_revision = "0016"
branch_labels = None
depends_on = None


def _feed_item_table(with_presentation: bool):
    columns = [
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("format", sa.String(length=16 if with_presentation else 8), nullable=False),
    ]
    key = ["offer_id", "locale", "format"]
    if with_presentation:
        columns.append(
            sa.Column("presentation", sa.String(length=16), nullable=False, server_default="")
        )
        key.append("presentation")
    op.create_table(
        "offer_feed_item",
        *columns,
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offer.id"],
            name=op.f("fk_offer_feed_item_offer_id_offer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(*key, name=op.f("pk_offer_feed_item")),
    )


def upgrade():
    # Renderings are a cache, re-made on the next pull: recreated with the seller's
    # look in the key rather than altered in place (a primary key change on SQLite).
    op.drop_table("offer_feed_item")
    _feed_item_table(with_presentation=True)
    op.create_table(
        "seller_channel_settings",
        sa.Column("seller_id", sa.Integer(), nullable=False),
        sa.Column("settings", sa.JSON(), nullable=False),
        sa.Column("feed_key", sa.String(length=64), nullable=False),
        sa.Column("updated_at", connector.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["user_account.id"],
            name=op.f("fk_seller_channel_settings_seller_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("seller_id", name=op.f("pk_seller_channel_settings")),
        sa.UniqueConstraint("feed_key", name=op.f("uq_seller_channel_settings_feed_key")),
    )
    op.create_table(
        "channel_category",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("category", sa.String(length=120), nullable=False),
        sa.Column("channel_category_id", sa.String(length=64), nullable=False),
        sa.Column("updated_at", connector.models.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_category")),
        sa.UniqueConstraint(
            "channel", "category", name=op.f("uq_channel_category_channel")
        ),
    )


def downgrade():
    op.drop_table("channel_category")
    op.drop_table("seller_channel_settings")
    op.drop_table("offer_feed_item")
    _feed_item_table(with_presentation=False)
