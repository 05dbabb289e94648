"""glossary review: terms exporters suggest, entries ops approved

Revision ID: 0019
Revises: 0020
Create Date: 2026-12-03 15:00:00

"""

import sqlalchemy as sa
from alembic import op

import connector.models.types

revision = "0019"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "glossary_suggestion",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("proposed", sa.String(length=500), nullable=False),
        sa.Column("glossary_value", sa.String(length=500), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("supplier_id", sa.Integer(), nullable=True),
        sa.Column("listing_id", sa.Integer(), nullable=True),
        sa.Column("created_at", connector.models.types.UTCDateTime(), nullable=False),
        sa.Column("reviewed_at", connector.models.types.UTCDateTime(), nullable=True),
        sa.Column("reviewed_by_id", sa.Integer(), nullable=True),
        sa.Column("reviewed_by", sa.String(length=254), nullable=True),
        sa.ForeignKeyConstraint(["supplier_id"], ["supplier.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["listing_id"], ["listing.id"], ondelete="SET NULL"),
        sa.ForeignKeyConstraint(["reviewed_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("term", "language", "proposed"),
    )
    with op.batch_alter_table("glossary_suggestion", schema=None) as batch_op:
        batch_op.create_index("ix_glossary_suggestion_language", ["language"], unique=False)
        batch_op.create_index("ix_glossary_suggestion_status", ["status"], unique=False)
    op.create_table(
        "glossary_entry",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("term", sa.String(length=200), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("group", sa.String(length=32), nullable=False),
        sa.Column("suggestion_id", sa.Integer(), nullable=True),
        sa.Column("approved_by_id", sa.Integer(), nullable=True),
        sa.Column("approved_by", sa.String(length=254), nullable=False),
        sa.Column("approved_at", connector.models.types.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["suggestion_id"], ["glossary_suggestion.id"], ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(["approved_by_id"], ["user_account.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("term", "language"),
    )


def downgrade():
    op.drop_table("glossary_entry")
    with op.batch_alter_table("glossary_suggestion", schema=None) as batch_op:
        batch_op.drop_index("ix_glossary_suggestion_status")
        batch_op.drop_index("ix_glossary_suggestion_language")
    op.drop_table("glossary_suggestion")
