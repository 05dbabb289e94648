"""pii canary: a token only the install's buyer-data keys open

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-03 12:00:00

"""

import sqlalchemy as sa
from alembic import op

import connector.models.types

revision = "0011"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "pii_canary",
        sa.Column("id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("token", sa.Text(), nullable=False),
        sa.Column("written_at", connector.models.types.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_pii_canary")),
    )


def downgrade():
    op.drop_table("pii_canary")
