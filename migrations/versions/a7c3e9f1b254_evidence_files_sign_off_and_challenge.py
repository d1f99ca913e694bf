"""evidence files on updates, sign-off of updates, and comments and challenges on actions

Revision ID: a7c3e9f1b254
Revises: d20e7a41c5b9
Create Date: 2026-12-04 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9f1b254'
down_revision = 'd20e7a41c5b9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('signoff_required', sa.Boolean(), server_default=sa.false(), nullable=False))
    op.create_table(
        'evidence_file',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('update_id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('file_name', sa.Text(), nullable=False),
        sa.Column('content_type', sa.String(length=120), nullable=False),
        sa.Column('size', sa.Integer(), nullable=False),
        sa.Column('sha256', sa.String(length=64), nullable=False),
        sa.Column('stored_in', sa.String(length=10), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=True),
        sa.Column('uploaded_by_id', sa.Integer(), nullable=True),
        sa.Column('uploaded_by_name', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("stored_in IN ('database', 'directory')", name=op.f('ck_evidence_file_stored_in_allowed')),
        sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_evidence_file_action_id_action')),
        sa.ForeignKeyConstraint(['update_id'], ['progress_update.id'], name=op.f('fk_evidence_file_update_id_progress_update')),
        sa.ForeignKeyConstraint(['uploaded_by_id'], ['app_user.id'], name=op.f('fk_evidence_file_uploaded_by_id_app_user')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_evidence_file')),
    )
    op.create_index(op.f('ix_evidence_file_action_id'), 'evidence_file', ['action_id'], unique=False)
    op.create_index(op.f('ix_evidence_file_update_id'), 'evidence_file', ['update_id'], unique=False)
    op.create_table(
        'update_review',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('update_id', sa.Integer(), nullable=False),
        sa.Column('decision', sa.String(length=12), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('reviewer_id', sa.Integer(), nullable=True),
        sa.Column('reviewer_name', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.CheckConstraint("decision IN ('signed_off', 'returned')", name=op.f('ck_update_review_decision_allowed')),
        sa.ForeignKeyConstraint(['reviewer_id'], ['app_user.id'], name=op.f('fk_update_review_reviewer_id_app_user')),
        sa.ForeignKeyConstraint(['update_id'], ['progress_update.id'], name=op.f('fk_update_review_update_id_progress_update')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_update_review')),
    )
    op.create_index(op.f('ix_update_review_created_at'), 'update_review', ['created_at'], unique=False)
    op.create_index(op.f('ix_update_review_update_id'), 'update_review', ['update_id'], unique=False)
    op.create_table(
        'action_comment',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('action_id', sa.Integer(), nullable=False),
        sa.Column('body', sa.Text(), nullable=False),
        sa.Column('is_challenge', sa.Boolean(), nullable=False),
        sa.Column('original_id', sa.Integer(), nullable=True),
        sa.Column('answers_id', sa.Integer(), nullable=True),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('author_name', sa.String(length=200), nullable=True),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['action_id'], ['action.id'], name=op.f('fk_action_comment_action_id_action')),
        sa.ForeignKeyConstraint(['answers_id'], ['action_comment.id'], name=op.f('fk_action_comment_answers_id_action_comment')),
        sa.ForeignKeyConstraint(['author_id'], ['app_user.id'], name=op.f('fk_action_comment_author_id_app_user')),
        sa.ForeignKeyConstraint(['original_id'], ['action_comment.id'], name=op.f('fk_action_comment_original_id_action_comment')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_action_comment')),
    )
    op.create_index(op.f('ix_action_comment_action_id'), 'action_comment', ['action_id'], unique=False)
    op.create_index(op.f('ix_action_comment_answers_id'), 'action_comment', ['answers_id'], unique=False)
    op.create_index(op.f('ix_action_comment_original_id'), 'action_comment', ['original_id'], unique=False)


def downgrade():
    op.drop_table('action_comment')
    op.drop_table('update_review')
    op.drop_table('evidence_file')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_column('signoff_required')
