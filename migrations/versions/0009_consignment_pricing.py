"""consignment pricing: export cartons, quotes, order pricing and factory amounts

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 09:00:00

"""

import sqlalchemy as sa
from alembic import op

import connector.models.types

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.add_column(sa.Column("units_per_carton", sa.Integer(), nullable=True))
        for side in ("length", "width", "height"):
            batch_op.add_column(
                sa.Column(
                    f"carton_{side}_cm",
                    connector.models.types.Money(precision=8, scale=1),
                    nullable=True,
                )
            )
        batch_op.add_column(sa.Column("carton_weight_g", sa.Integer(), nullable=True))

    op.create_table(
        "quote",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("seller_id", sa.Integer(), nullable=False),
        sa.Column("market_code", sa.String(length=2), nullable=False),
        sa.Column("mode", sa.String(length=16), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("lines", sa.JSON(), nullable=False),
        sa.Column("total", connector.models.types.Money(precision=18, scale=4), nullable=False),
        sa.Column("pricing", sa.JSON(), nullable=False),
        sa.Column("created_at", connector.models.types.UTCDateTime(), nullable=False),
        sa.Column("valid_until", connector.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["seller_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_quote_seller_id"), ["seller_id"], unique=False)

    with op.batch_alter_table("sales_order", schema=None) as batch_op:
        batch_op.add_column(sa.Column("pricing", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("quote_id", sa.String(length=40), nullable=True))
        batch_op.create_index(batch_op.f("ix_sales_order_quote_id"), ["quote_id"], unique=False)

    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.add_column(sa.Column("parcels", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column(
                "factory_unit_cost_cny",
                connector.models.types.Money(precision=12, scale=2),
                nullable=True,
            )
        )
        batch_op.add_column(
            sa.Column(
                "factory_amount_cny",
                connector.models.types.Money(precision=18, scale=2),
                nullable=True,
            )
        )


def downgrade():
    with op.batch_alter_table("order_line", schema=None) as batch_op:
        batch_op.drop_column("factory_amount_cny")
        batch_op.drop_column("factory_unit_cost_cny")
        batch_op.drop_column("parcels")
    with op.batch_alter_table("sales_order", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sales_order_quote_id"))
        batch_op.drop_column("quote_id")
        batch_op.drop_column("pricing")
    with op.batch_alter_table("quote", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_quote_seller_id"))
    op.drop_table("quote")
    with op.batch_alter_table("listing", schema=None) as batch_op:
        batch_op.drop_column("carton_weight_g")
        for side in ("height", "width", "length"):
            batch_op.drop_column(f"carton_{side}_cm")
        batch_op.drop_column("units_per_carton")
