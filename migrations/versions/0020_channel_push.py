"""channel push: sellers' shops on marketplaces and the sync state of each pushed SKU

Revision ID: 0020
Revises: 0017
Create Date: 2026-12-03 15:00:00

"""

import sqlalchemy as sa
from alembic import op

import connector.models.types

revision = "0020"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "channel_connection",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seller_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=16), nullable=False),
        sa.Column("market_code", sa.String(length=2), nullable=False),
        sa.Column("shop_id", sa.String(length=64), nullable=False),
        sa.Column("credentials", sa.Text(), nullable=False),
        sa.Column("options", sa.JSON(), nullable=False),
        sa.Column("enabled", sa.Boolean(), nullable=False),
        sa.Column("synced_seq", sa.BigInteger(), nullable=False),
        sa.Column("lease_token", sa.String(length=32), nullable=True),
        sa.Column("lease_until", connector.models.types.UTCDateTime(), nullable=True),
        sa.Column("last_run_at", connector.models.types.UTCDateTime(), nullable=True),
        sa.Column("last_error_code", sa.String(length=64), nullable=True),
        sa.Column("created_at", connector.models.types.UTCDateTime(), nullable=False),
        sa.Column("updated_at", connector.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["seller_id"],
            ["user_account.id"],
            name=op.f("fk_channel_connection_seller_id_user_account"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_connection")),
        sa.UniqueConstraint(
            "seller_id", "channel", "market_code", name=op.f("uq_channel_connection_seller_id")
        ),
    )
    op.create_table(
        "channel_listing",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("connection_id", sa.Integer(), nullable=False),
        sa.Column("offer_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("channel_product_id", sa.String(length=64), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("desired_hash", sa.String(length=64), nullable=True),
        sa.Column("pushed_hash", sa.String(length=64), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("error_code", sa.String(length=64), nullable=True),
        sa.Column("error_message", sa.String(length=500), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", connector.models.types.UTCDateTime(), nullable=True),
        sa.Column("pushed_at", connector.models.types.UTCDateTime(), nullable=True),
        sa.Column("updated_at", connector.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["connection_id"],
            ["channel_connection.id"],
            name=op.f("fk_channel_listing_connection_id_channel_connection"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["offer_id"],
            ["offer.id"],
            name=op.f("fk_channel_listing_offer_id_offer"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_listing")),
        sa.UniqueConstraint("connection_id", "sku", name=op.f("uq_channel_listing_connection_id")),
    )
    op.create_index(
        "ix_channel_listing_due",
        "channel_listing",
        ["connection_id", "status", "next_attempt_at"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_channel_listing_due", table_name="channel_listing")
    op.drop_table("channel_listing")
    op.drop_table("channel_connection")
