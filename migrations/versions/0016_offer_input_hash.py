"""offer input hash: a reprice skips offers whose inputs did not change

Revision ID: 0016
Revises: 0011
Create Date: 2026-12-03 12:00:00

"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade():
    # Nullable: offers priced before this have none, so their next reprice builds
    # them once (writing only the hash when their content is unchanged).
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.add_column(sa.Column("input_hash", sa.String(length=64), nullable=True))


def downgrade():
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_column("input_hash")
