"""FX rates that jump wait in quarantine for a person

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-27 10:00:00.000000

"""

from alembic import op
import sqlalchemy as sa

import connector.models.types


# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # Every rate stored so far has been priced with: it stays accepted.
    with op.batch_alter_table("fx_rate", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("status", sa.String(length=16), server_default="accepted", nullable=False)
        )
        batch_op.add_column(
            sa.Column("reference_rate", connector.models.types.Money(24, 10), nullable=True)
        )
        batch_op.add_column(sa.Column("move_pct", connector.models.types.Money(24, 4), nullable=True))
        batch_op.add_column(sa.Column("reviewed_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(
            sa.Column("reviewed_at", connector.models.types.UTCDateTime(), nullable=True)
        )
        batch_op.create_index("ix_fx_rate_status", ["status"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_fx_rate_reviewed_by_id_user_account"),
            "user_account",
            ["reviewed_by_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("fx_rate", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_fx_rate_reviewed_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_index("ix_fx_rate_status")
        batch_op.drop_column("reviewed_at")
        batch_op.drop_column("reviewed_by_id")
        batch_op.drop_column("move_pct")
        batch_op.drop_column("reference_rate")
        batch_op.drop_column("status")
