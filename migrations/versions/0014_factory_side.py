"""factory side: stock reservations, line customization, factory steps, setup fees

Revision ID: 0014
Revises: 0010
Create Date: 2026-12-03 11:45:00

"""

import sqlalchemy as sa
from alembic import op

import connector.models.types

revision = "0014"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("customization", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                "setup_fee",
                connector.models.types.Money(precision=12, scale=2),
                server_default="0",
                nullable=False,
            )
        )

    op.create_table(
        "stock_reservation",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=True),
        sa.Column("listing_id", sa.Integer(), nullable=False),
        sa.Column("sku", sa.String(length=64), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("created_at", connector.models.types.UTCDateTime(), nullable=False),
        sa.Column("released_at", connector.models.types.UTCDateTime(), nullable=True),
        sa.ForeignKeyConstraint(["order_line_id"], ["order_line.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipment.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_line_id"),
    )
    with op.batch_alter_table("stock_reservation", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_stock_reservation_listing_id"), ["listing_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_stock_reservation_shipment_id"), ["shipment_id"], unique=False
        )

    op.create_table(
        "line_customization",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("order_line_id", sa.Integer(), nullable=False),
        sa.Column("option", sa.String(length=120), nullable=False),
        sa.Column("text", sa.String(length=200), nullable=True),
        sa.Column("artwork_sha256", sa.String(length=64), nullable=True),
        sa.Column("placement", sa.String(length=60), nullable=True),
        sa.Column("colours", sa.JSON(), nullable=False),
        sa.Column(
            "extra_unit_cost_cny",
            connector.models.types.Money(precision=12, scale=2),
            nullable=False,
        ),
        sa.Column(
            "setup_fee_cny", connector.models.types.Money(precision=12, scale=2), nullable=False
        ),
        sa.Column(
            "extra_total", connector.models.types.Money(precision=18, scale=4), nullable=False
        ),
        sa.ForeignKeyConstraint(["artwork_sha256"], ["stored_image.sha256"]),
        sa.ForeignKeyConstraint(["order_line_id"], ["order_line.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("order_line_id"),
    )

    op.create_table(
        "factory_step",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("shipment_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=20), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("at", connector.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["shipment_id"], ["shipment.id"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["user_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("shipment_id", "step"),
    )
    with op.batch_alter_table("factory_step", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_factory_step_shipment_id"), ["shipment_id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("factory_step", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_factory_step_shipment_id"))
    op.drop_table("factory_step")
    op.drop_table("line_customization")
    with op.batch_alter_table("stock_reservation", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stock_reservation_shipment_id"))
        batch_op.drop_index(batch_op.f("ix_stock_reservation_listing_id"))
    op.drop_table("stock_reservation")
    with op.batch_alter_table("customization", schema=None) as batch_op:
        batch_op.drop_column("setup_fee")
