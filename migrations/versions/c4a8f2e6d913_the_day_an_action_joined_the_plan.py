"""the day an action was added to the plan in the app

Revision ID: c4a8f2e6d913
Revises: b7e3c1d52a90
Create Date: 2026-12-02 04:55:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4a8f2e6d913'
down_revision = 'b7e3c1d52a90'
branch_labels = None
depends_on = None


def upgrade():
    # Existing actions came from imports or were typed in as the plan: they belong to every period (NULL).
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('in_plan_from', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_column('in_plan_from')
