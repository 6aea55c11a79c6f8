"""task parts (every-unit tasks tracked per unit) and assignment holds (review before a wide send-out)

Revision ID: convb_0001
Revises: conva_0001
Create Date: 2026-12-04
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import service.store.base

revision = 'convb_0001'
down_revision = 'conva_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "task_parts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("task_id", sa.Integer(), nullable=False),
        sa.Column("unit_id", sa.Integer(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "done_on_time",
                "done_late",
                "cancelled",
                "rejected",
                name="part_status",
                native_enum=False,
                length=20,
            ),
            nullable=False,
        ),
        sa.Column("completed_at", service.store.base.UtcDateTime(), nullable=True),
        sa.Column("completed_by", sa.String(length=320), nullable=True),
        sa.ForeignKeyConstraint(
            ["task_id"], ["tasks.id"], name=op.f("fk_task_parts_task_id_tasks"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_task_parts_unit_id_units")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_task_parts")),
        sa.UniqueConstraint("task_id", "unit_id", name=op.f("uq_task_parts_task_id_unit_id")),
    )
    op.create_index(op.f("ix_task_parts_task_id"), "task_parts", ["task_id"], unique=False)
    op.create_table(
        "assignment_holds",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("held_until", service.store.base.UtcDateTime(), nullable=False),
        sa.Column("created_at", service.store.base.UtcDateTime(), nullable=False),
        sa.Column("released_at", service.store.base.UtcDateTime(), nullable=True),
        sa.Column("released_by", sa.String(length=320), nullable=True),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_assignment_holds_notice_id_notices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assignment_holds")),
        sa.UniqueConstraint("notice_id", name=op.f("uq_assignment_holds_notice_id")),
    )


def downgrade() -> None:
    op.drop_table("assignment_holds")
    op.drop_index(op.f("ix_task_parts_task_id"), table_name="task_parts")
    op.drop_table("task_parts")
