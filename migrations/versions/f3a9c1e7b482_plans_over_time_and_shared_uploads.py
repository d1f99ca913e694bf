"""plans over time (kinds, statuses, carried actions) and import uploads kept in the database

Revision ID: f3a9c1e7b482
Revises: bceed6ca1e04
Create Date: 2026-12-04 21:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f3a9c1e7b482'
down_revision = 'bceed6ca1e04'
branch_labels = None
depends_on = None

OLD_KINDS = "kind IN ('written_statement_of_action', 'accelerated_progress_plan', 'priority_action_plan', 'strategic_plan', 'audit_learning')"
NEW_KINDS = "kind IN ('written_statement_of_action', 'accelerated_progress_plan', 'priority_action_plan', 'strategic_plan', 'audit_learning', 'other')"
OLD_STATUSES = "status IN ('draft', 'active', 'closed')"
NEW_STATUSES = "status IN ('draft', 'active', 'superseded')"


def upgrade():
    # Existing plans keep their kind (a written statement of action unless someone chose otherwise) and their status;
    # a "closed" plan, finished and kept for the record, is now "superseded". An archived plan reads as archived
    # from its archived_at, which is kept: that status is never stored (wsoa.models.plan.Plan.current_status).
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_plan_status_allowed'), type_='check')
        batch_op.drop_constraint(op.f('ck_plan_kind_allowed'), type_='check')
    op.execute("UPDATE plan SET status = 'superseded' WHERE status = 'closed'")
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_plan_status_allowed'), NEW_STATUSES)
        batch_op.create_check_constraint(op.f('ck_plan_kind_allowed'), NEW_KINDS)
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.add_column(sa.Column('carried_from_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_action_carried_from_id'), ['carried_from_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_action_carried_from_id_action'), 'action', ['carried_from_id'], ['id'])
    op.create_table(
        'pending_upload',
        sa.Column('digest', sa.String(length=64), nullable=False),
        sa.Column('content', sa.LargeBinary(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('digest', name=op.f('pk_pending_upload')),
    )
    op.create_index(op.f('ix_pending_upload_created_at'), 'pending_upload', ['created_at'], unique=False)


def downgrade():
    # Carried actions stay in their new plans, no longer linked to the earlier ones; plans of kind "other" become
    # written statements of action; superseded plans are closed again. Uploads waiting for confirm are dropped.
    op.drop_index(op.f('ix_pending_upload_created_at'), table_name='pending_upload')
    op.drop_table('pending_upload')
    with op.batch_alter_table('action', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_action_carried_from_id_action'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_action_carried_from_id'))
        batch_op.drop_column('carried_from_id')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_plan_status_allowed'), type_='check')
        batch_op.drop_constraint(op.f('ck_plan_kind_allowed'), type_='check')
    op.execute("UPDATE plan SET status = 'closed' WHERE status = 'superseded'")
    op.execute("UPDATE plan SET kind = 'written_statement_of_action' WHERE kind = 'other'")
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_plan_status_allowed'), OLD_STATUSES)
        batch_op.create_check_constraint(op.f('ck_plan_kind_allowed'), OLD_KINDS)
