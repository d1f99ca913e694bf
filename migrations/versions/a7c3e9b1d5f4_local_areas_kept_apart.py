"""local areas: plans and key roles belong to an area, levels are held per area (memberships)

Revision ID: a7c3e9b1d5f4
Revises: aa96974523eb
Create Date: 2026-12-05 05:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a7c3e9b1d5f4'
down_revision = 'aa96974523eb'
branch_labels = None
depends_on = None

LEVELS = "level IN ('admin', 'editor', 'lead', 'viewer')"


def upgrade():
    op.create_table(
        'area',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.Text(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_area')),
        sa.UniqueConstraint('name', name=op.f('uq_area_name')),
    )
    op.create_table(
        'area_membership',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('area_id', sa.Integer(), nullable=False),
        sa.Column('level', sa.String(length=10), nullable=False),
        sa.CheckConstraint(LEVELS, name=op.f('ck_area_membership_level_allowed')),
        sa.ForeignKeyConstraint(['area_id'], ['area.id'], name=op.f('fk_area_membership_area_id_area')),
        sa.ForeignKeyConstraint(
            ['user_id'], ['app_user.id'], name=op.f('fk_area_membership_user_id_app_user'), ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_area_membership')),
        sa.UniqueConstraint('user_id', 'area_id', name=op.f('uq_area_membership_user_id_area_id')),
    )
    op.create_index(op.f('ix_area_membership_area_id'), 'area_membership', ['area_id'], unique=False)
    op.create_index(op.f('ix_area_membership_user_id'), 'area_membership', ['user_id'], unique=False)

    # Existing data goes into one area, named as the plans name their area (or "Local area"); every user keeps the
    # level they had, now in that area, and existing admins may also create further areas.
    connection = op.get_bind()
    has_data = any(
        connection.execute(sa.text(f'SELECT 1 FROM "{table}" LIMIT 1')).first()
        for table in ('plan', 'role', 'app_user', 'audit_event')
    )
    if has_data:
        name = connection.execute(
            sa.text('SELECT MIN(area) FROM "plan" WHERE area IS NOT NULL AND TRIM(area) <> \'\'')
        ).scalar()
        connection.execute(
            sa.text('INSERT INTO area (name, created_at) VALUES (:name, CURRENT_TIMESTAMP)'),
            {"name": (name or "Local area").strip()},
        )
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('role', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.add_column(sa.Column('area_id', sa.Integer(), nullable=True))
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('is_instance_admin', sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    if has_data:
        for table in ('plan', 'role', 'audit_event'):
            op.execute(f'UPDATE "{table}" SET area_id = (SELECT MIN(id) FROM area)')
        op.execute(
            'INSERT INTO area_membership (user_id, area_id, level) '
            'SELECT id, (SELECT MIN(id) FROM area), level FROM app_user'
        )
        op.execute("UPDATE app_user SET is_instance_admin = TRUE WHERE level = 'admin'")

    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.alter_column('area_id', existing_type=sa.Integer(), nullable=False)
        batch_op.create_index(batch_op.f('ix_plan_area_id'), ['area_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_plan_area_id_area'), 'area', ['area_id'], ['id'])
    with op.batch_alter_table('role', schema=None) as batch_op:
        batch_op.alter_column('area_id', existing_type=sa.Integer(), nullable=False)
        batch_op.drop_constraint(batch_op.f('uq_role_code'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_role_area_id_code'), ['area_id', 'code'])
        batch_op.create_index(batch_op.f('ix_role_area_id'), ['area_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_role_area_id_area'), 'area', ['area_id'], ['id'])
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_audit_event_area_id'), ['area_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_audit_event_area_id_area'), 'area', ['area_id'], ['id'])
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_app_user_level_allowed'), type_='check')
        batch_op.drop_column('level')


def downgrade():
    # Back to one instance-wide glossary and one level per user: only possible while there is at most one area.
    connection = op.get_bind()
    if connection.execute(sa.text('SELECT COUNT(*) FROM area')).scalar() > 1:
        raise RuntimeError("Cannot downgrade: there is more than one local area; remove all but one first")
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.add_column(sa.Column('level', sa.String(length=10), server_default='viewer', nullable=False))
    op.execute(
        'UPDATE app_user SET level = COALESCE((SELECT MIN(m.level) FROM area_membership m '
        "WHERE m.user_id = app_user.id), 'viewer')"
    )
    with op.batch_alter_table('app_user', schema=None) as batch_op:
        batch_op.alter_column('level', existing_type=sa.String(length=10), server_default=None)
        batch_op.create_check_constraint(batch_op.f('ck_app_user_level_allowed'), LEVELS)
        batch_op.drop_column('is_instance_admin')
    with op.batch_alter_table('audit_event', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_audit_event_area_id_area'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_audit_event_area_id'))
        batch_op.drop_column('area_id')
    with op.batch_alter_table('role', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_role_area_id_area'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_role_area_id'))
        batch_op.drop_constraint(batch_op.f('uq_role_area_id_code'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_role_code'), ['code'])
        batch_op.drop_column('area_id')
    with op.batch_alter_table('plan', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_plan_area_id_area'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_plan_area_id'))
        batch_op.drop_column('area_id')
    op.drop_index(op.f('ix_area_membership_user_id'), table_name='area_membership')
    op.drop_index(op.f('ix_area_membership_area_id'), table_name='area_membership')
    op.drop_table('area_membership')
    op.drop_table('area')
