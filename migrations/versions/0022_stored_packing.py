"""stored packing: parcels worked out once per goods, limits and quantity, not per reprice

Revision ID: 0022
Revises: 0018
Create Date: 2026-12-03 18:30:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0022"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "stored_packing",
        sa.Column("goods_key", sa.String(length=160), nullable=False),
        sa.Column("parcels", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("goods_key"),
    )


def downgrade():
    op.drop_table("stored_packing")
