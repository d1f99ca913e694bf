"""plans can be archived: kept whole, left out of lists until restored

Revision ID: e2b7d4a9c150
Revises: e5b1d7c3a9f2
Create Date: 2026-12-04 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e2b7d4a9c150'
down_revision = 'e5b1d7c3a9f2'
branch_labels = None
depends_on = None


def upgrade():
    # Every existing plan is live (NULL).
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('archived_at', sa.DateTime(), nullable=True))


def downgrade():
    # Archived plans come back into the lists: nothing is lost, they are simply no longer marked.
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('archived_at')
