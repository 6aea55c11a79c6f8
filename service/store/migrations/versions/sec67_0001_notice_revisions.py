"""notice revisions: a notice forwarded again with other tasks waits for the clerk's "đồng ý" or the admin

Revision ID: sec67_0001
Revises: convb_0001
Create Date: 2026-12-05
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import service.store.base

revision = 'sec67_0001'
down_revision = 'convb_0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "notice_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("notice_id", sa.Integer(), nullable=False),
        sa.Column("inbound_id", sa.Integer(), nullable=False),
        sa.Column("forwarder", sa.String(length=320), nullable=True),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("created_at", service.store.base.UtcDateTime(), nullable=False),
        sa.Column("decided_at", service.store.base.UtcDateTime(), nullable=True),
        sa.Column("decided_by", sa.String(length=320), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(
            ["inbound_id"],
            ["inbound_messages.id"],
            name=op.f("fk_notice_revisions_inbound_id_inbound_messages"),
        ),
        sa.ForeignKeyConstraint(
            ["notice_id"], ["notices.id"], name=op.f("fk_notice_revisions_notice_id_notices")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_revisions")),
    )
    op.create_index(op.f("ix_notice_revisions_notice_id"), "notice_revisions", ["notice_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_notice_revisions_notice_id"), table_name="notice_revisions")
    op.drop_table("notice_revisions")
