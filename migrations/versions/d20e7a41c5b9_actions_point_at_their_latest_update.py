"""actions point at their latest update and latest revised completion date

Revision ID: d20e7a41c5b9
Revises: d5e1a7b3c9f2
Create Date: 2026-12-04 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd20e7a41c5b9'
down_revision = 'd5e1a7b3c9f2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('latest_update_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('latest_revised_update_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.create_index('ix_progress_update_action_period', ['action_id', 'review_period_id'], unique=False)
    # Fill the pointers from the history as it stands: the highest id is the newest (updates are append-only).
    op.execute(
        "UPDATE action SET"
        " latest_update_id = (SELECT max(u.id) FROM progress_update u WHERE u.action_id = action.id),"
        " latest_revised_update_id = (SELECT max(u.id) FROM progress_update u"
        " WHERE u.action_id = action.id AND u.revised_due_end IS NOT NULL)"
    )


def downgrade():
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.drop_index('ix_progress_update_action_period')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_column('latest_revised_update_id')
        batch_op.drop_column('latest_update_id')
