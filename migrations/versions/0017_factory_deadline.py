"""factory deadline: when a shipment must be confirmed, and why the factory refused one

Revision ID: 0017
Revises: 0021
Create Date: 2026-12-03 14:40:00

"""

import sqlalchemy as sa
from alembic import op

import connector.models.types

revision = "0017"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    # Nullable: shipments made before this have no deadline and are never late.
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("confirm_by", connector.models.types.UTCDateTime(), nullable=True)
        )
        batch_op.create_index(batch_op.f("ix_shipment_confirm_by"), ["confirm_by"], unique=False)
    with op.batch_alter_table("factory_step", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reason", sa.String(length=300), nullable=True))


def downgrade():
    with op.batch_alter_table("factory_step", schema=None) as batch_op:
        batch_op.drop_column("reason")
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_shipment_confirm_by"))
        batch_op.drop_column("confirm_by")
