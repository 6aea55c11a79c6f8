"""candidate_tasks: the safety net's possible tasks

Revision ID: extnet_0001
Revises: 0001
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import service.store.base

revision = 'extnet_0001'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "candidate_tasks",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("source_part", sa.String(length=200), nullable=True),
        sa.Column("source_start", sa.Integer(), nullable=True),
        sa.Column("source_end", sa.Integer(), nullable=True),
        sa.Column("source_where", sa.String(length=200), nullable=True),
        sa.Column("signals", sa.JSON(), nullable=False),
        sa.Column("lead", sa.JSON(), nullable=False),
        sa.Column("support", sa.JSON(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=True),
        sa.Column("deadline_text", sa.Text(), nullable=True),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column(
            "status",
            sa.Enum("open", "accepted", name="candidate_status", native_enum=False, length=20),
            nullable=False,
        ),
        sa.Column("task_id", sa.Integer(), nullable=True),
        sa.Column("decided_by", sa.String(length=320), nullable=True),
        sa.Column("decided_at", service.store.base.UtcDateTime(timezone=True), nullable=True),
        sa.Column("created_at", service.store.base.UtcDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_candidate_tasks_notice_id_notices")
        ),
        sa.ForeignKeyConstraint(["task_id"], ["tasks.id"], name=op.f("fk_candidate_tasks_task_id_tasks")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_candidate_tasks")),
    )
    with op.batch_alter_table("candidate_tasks", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_candidate_tasks_notice_id"), ["notice_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("candidate_tasks", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_candidate_tasks_notice_id"))
    op.drop_table("candidate_tasks")
