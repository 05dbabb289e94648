"""shipment error field: which ship-to field the carrier rejected

Revision ID: 0018
Revises: 0019
Create Date: 2026-12-03 15:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0018"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    # Nullable: failures recorded before this, and those naming no field, have none.
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_error_field", sa.String(length=32), nullable=True))


def downgrade():
    with op.batch_alter_table("shipment", schema=None) as batch_op:
        batch_op.drop_column("last_error_field")
