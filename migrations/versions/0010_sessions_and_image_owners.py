"""session epochs per user, and every factory that uploaded an image

Revision ID: 0010
Revises: 0013
Create Date: 2026-12-03 12:00:00

"""

import sqlalchemy as sa
from alembic import op

import connector.models.types

revision = "0010"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("session_epoch", sa.Integer(), server_default="0", nullable=False)
        )

    op.create_table(
        "image_owner",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=False),
        sa.Column("created_at", connector.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["stored_image.sha256"], ondelete="CASCADE"),
        sa.ForeignKeyConstraint(["supplier_id"], ["supplier.id"]),
        sa.PrimaryKeyConstraint("sha256", "supplier_id"),
    )
    # The first uploader of each image so far keeps the right to use it.
    op.execute(
        "INSERT INTO image_owner (sha256, supplier_id, created_at) "
        "SELECT sha256, supplier_id, created_at FROM stored_image WHERE supplier_id IS NOT NULL"
    )


def downgrade():
    op.drop_table("image_owner")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("session_epoch")
