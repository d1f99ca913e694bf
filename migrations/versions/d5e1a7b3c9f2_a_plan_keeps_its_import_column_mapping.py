"""a plan keeps the column mapping its last import confirmed

Revision ID: d5e1a7b3c9f2
Revises: e5d7a1c93b42
Create Date: 2026-12-04 17:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5e1a7b3c9f2'
down_revision = 'e5d7a1c93b42'
branch_labels = None
depends_on = None


def upgrade():
    # NULL for existing plans: their next import reads the headings as before.
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('import_mapping', sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('import_mapping')
