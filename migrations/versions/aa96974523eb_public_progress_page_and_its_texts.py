"""the public progress page of a plan, and its family summaries and "you said, we did" items (versions and
approvals kept as history)

Revision ID: aa96974523eb
Revises: f3a9c1e7b482
Create Date: 2026-12-05 05:15:13.649817

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'aa96974523eb'
down_revision = 'f3a9c1e7b482'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('public_page',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('slug', sa.String(length=40), nullable=False),
    sa.Column('published', sa.Boolean(), server_default=sa.false(), nullable=False),
    sa.Column('kpi_ids', sa.JSON(), nullable=False),
    sa.Column('content', sa.JSON(), nullable=True),
    sa.Column('built_at', sa.DateTime(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_public_page_plan_id_plan')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_page')),
    sa.UniqueConstraint('plan_id', name=op.f('uq_public_page_plan_id')),
    sa.UniqueConstraint('slug', name=op.f('uq_public_page_slug'))
    )
    op.create_table('public_text',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('priority_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('removed_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint("kind IN ('summary', 'said_did')", name=op.f('ck_public_text_kind_allowed')),
    sa.ForeignKeyConstraint(['plan_id'], ['plan.id'], name=op.f('fk_public_text_plan_id_plan')),
    sa.ForeignKeyConstraint(['priority_id'], ['priority.id'], name=op.f('fk_public_text_priority_id_priority')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_text'))
    )
    with op.batch_alter_table('public_text', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_text_plan_id'), ['plan_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_public_text_priority_id'), ['priority_id'], unique=False)

    op.create_table('public_text_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('text_id', sa.Integer(), nullable=False),
    sa.Column('you_said', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('written_by_id', sa.Integer(), nullable=True),
    sa.Column('written_by_name', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['text_id'], ['public_text.id'], name=op.f('fk_public_text_version_text_id_public_text')),
    sa.ForeignKeyConstraint(['written_by_id'], ['app_user.id'], name=op.f('fk_public_text_version_written_by_id_app_user')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_text_version'))
    )
    with op.batch_alter_table('public_text_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_text_version_text_id'), ['text_id'], unique=False)

    op.create_table('public_text_approval',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_by_name', sa.String(length=200), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['approved_by_id'], ['app_user.id'], name=op.f('fk_public_text_approval_approved_by_id_app_user')),
    sa.ForeignKeyConstraint(['version_id'], ['public_text_version.id'], name=op.f('fk_public_text_approval_version_id_public_text_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_public_text_approval'))
    )
    with op.batch_alter_table('public_text_approval', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_public_text_approval_version_id'), ['version_id'], unique=False)



def downgrade():
    # The public pages and every text written for them go.
    with op.batch_alter_table('public_text_approval', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_text_approval_version_id'))

    op.drop_table('public_text_approval')
    with op.batch_alter_table('public_text_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_text_version_text_id'))

    op.drop_table('public_text_version')
    with op.batch_alter_table('public_text', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_public_text_priority_id'))
        batch_op.drop_index(batch_op.f('ix_public_text_plan_id'))

    op.drop_table('public_text')
    op.drop_table('public_page')
