"""progress updates drop two indexes no query needs: action_id alone (the (action_id, review_period_id) index serves
every lookup by action) and created_at (nothing filters or sorts on it in SQL); each cost every update written

Revision ID: b3d9f5a1c7e2
Revises: a7c3e9b1d5f4
Create Date: 2026-12-05 10:20:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = 'b3d9f5a1c7e2'
down_revision = 'a7c3e9b1d5f4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.drop_index('ix_progress_update_created_at')
        batch_op.drop_index('ix_progress_update_action_id')


def downgrade():
    with op.batch_alter_table('progress_update', schema=None) as batch_op:
        batch_op.create_index('ix_progress_update_action_id', ['action_id'], unique=False)
        batch_op.create_index('ix_progress_update_created_at', ['created_at'], unique=False)
