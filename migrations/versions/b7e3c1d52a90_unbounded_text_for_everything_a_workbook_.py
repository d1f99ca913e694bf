"""unbounded text for everything a workbook, an upload or a file name can fill

Refs, titles, role glossary entries, review period names, KPI period labels and file names become Text, as due
text, leads and sections did in 88b10cb91263: a workbook's cell can hold any length and nothing may be cut off.

Revision ID: b7e3c1d52a90
Revises: 88b10cb91263
Create Date: 2026-11-24 09:12:40.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e3c1d52a90'
down_revision = '88b10cb91263'
branch_labels = None
depends_on = None

# table → [(column, the bounded length it had, nullable)]
COLUMNS = {
    'plan': [('title', 300, False), ('area', 120, True)],
    'priority': [('lead_role', 80, True), ('accountable_role', 80, True)],
    'outcome': [('ref', 20, False)],
    'action': [('ref', 20, False)],
    'review_period': [('label', 60, False)],
    'role': [
        ('code', 40, True),
        ('title', 200, True),
        ('organisation', 120, True),
        ('person', 200, True),
        ('contact', 200, True),
    ],
    'role_holder': [('person', 200, True)],
    'kpi': [('name', 200, True), ('data_source', 300, True)],
    'kpi_value': [('period_label', 60, True)],
    'import_batch': [('file_name', 300, False)],
}


def upgrade():
    for table, columns in COLUMNS.items():
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, length, nullable in columns:
                batch_op.alter_column(
                    name, existing_type=sa.VARCHAR(length=length), type_=sa.Text(), existing_nullable=nullable
                )


def downgrade():
    # Fails (on PostgreSQL) rather than cutting off any value longer than the old limit.
    for table, columns in reversed(COLUMNS.items()):
        with op.batch_alter_table(table, schema=None) as batch_op:
            for name, length, nullable in columns:
                batch_op.alter_column(
                    name, existing_type=sa.Text(), type_=sa.VARCHAR(length=length), existing_nullable=nullable
                )
