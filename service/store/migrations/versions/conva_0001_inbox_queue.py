"""admin queue on inbound mail; extension requests forwarded to the unit's leader

Revision ID: conva_0001
Revises: extnet_0001
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import service.store.base

revision = 'conva_0001'
down_revision = 'extnet_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('inbound_messages', schema=None) as batch_op:
        batch_op.add_column(sa.Column('queue', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('queue_closed_by', sa.String(length=320), nullable=True))
        batch_op.add_column(
            sa.Column("queue_closed_at", service.store.base.UtcDateTime(timezone=True), nullable=True)
        )
        batch_op.add_column(sa.Column("queue_outcome", sa.Text(), nullable=True))
        batch_op.create_index(batch_op.f("ix_inbound_messages_queue"), ["queue"], unique=False)
    with op.batch_alter_table("extension_requests", schema=None) as batch_op:
        batch_op.add_column(sa.Column("approver", sa.String(length=320), nullable=True))
        batch_op.add_column(sa.Column("decision_note", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("extension_requests", schema=None) as batch_op:
        batch_op.drop_column("decision_note")
        batch_op.drop_column("approver")
    with op.batch_alter_table("inbound_messages", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_inbound_messages_queue"))
        batch_op.drop_column("queue_outcome")
        batch_op.drop_column("queue_closed_at")
        batch_op.drop_column("queue_closed_by")
        batch_op.drop_column("queue")
