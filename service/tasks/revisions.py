"""A notice forwarded again with other tasks: the change is proposed to the clerk, never applied silently.

The differences are reprocess's (service.tasks.reprocess.diff_tasks: changed, added, removed tasks). They are
written into the re-forward's confirmation in Vietnamese and kept as a NoticeRevision. They are applied by the
one reprocess path (plan from the re-forward's stored message, then apply) when the clerk answers "đồng ý"
(service.tasks.holds.agree_by_reply, the answer that also releases a held send-out) or when the admin runs
`docket notices reprocess TB-… --apply`; a later re-forward supersedes a waiting one.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from rules.display import vn_date
from rules.findings import Findings
from service.store.models import InboundMessage, Notice, NoticeRevision
from service.tasks import reprocess
from service.tasks.audit import Editor, notifier_for
from service.tasks.history_vi import value_vi
from service.tasks.reprocess import ADDED, CHANGED, REMOVED, TaskDiff, diff_tasks

_FIELDS_VI = {
    "text": "nội dung",
    "lead": "chủ trì",
    "support": "phối hợp",
    "original_deadline": "thời hạn",
    "recurrence": "định kỳ",
}


def change_lines(diffs: list[TaskDiff]) -> list[str]:
    """What would change, one line per task, in Vietnamese (for the clerk's confirmation)."""
    lines = []
    for diff in diffs:
        if diff.kind == ADDED and diff.finding is not None:
            f = diff.finding
            unit = ", ".join(f.lead) or "(chưa xác định)"
            lines.append(f'Thêm nhiệm vụ: "{_cut(f.text)}"; chủ trì: {unit}; thời hạn: {vn_date(f.deadline)}')
        elif diff.kind == CHANGED:
            said = "; ".join(
                f"{_FIELDS_VI.get(c.field, c.field)}: {_shown(c.before)} → {_shown(c.after)}"
                for c in diff.changes
            )
            lines.append(f"{diff.token}: {said}")
        elif diff.kind == REMOVED:
            lines.append(f'{diff.token}: bỏ (không còn trong văn bản gửi lại): "{_cut(diff.text)}"')
    return lines


def _shown(value: str | None) -> str:
    """A value as service.tasks.audit.stored wrote it, as people read it (dates dd/mm/yyyy), or a dash."""
    return _cut(value_vi(value)) if value else "—"


def _cut(text: str, limit: int = 160) -> str:
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def propose_changes(
    session: Session,
    row: InboundMessage,
    notice: Notice,
    findings: Findings,
    *,
    forwarder: str,
    now: datetime,
) -> list[str]:
    """A notice forwarded again: what its tasks would become (reprocess's diff), kept waiting for "đồng ý"."""
    pending = [d for d in diff_tasks(notice, findings) if d.kind in (CHANGED, ADDED, REMOVED)]
    lines = change_lines(pending)
    if lines:
        propose(session, notice, row, forwarder=forwarder, lines=lines, now=now)
    return lines


def propose(
    session: Session, notice: Notice, row: InboundMessage, *, forwarder: str, lines: list[str], now: datetime
) -> NoticeRevision:
    """Keep the change waiting for a decision; an older waiting change of the notice is superseded by this
    one."""
    for older in waiting(session, notice.id):
        older.decided_at, older.decided_by, older.outcome = now, forwarder or "docket", "superseded"
    revision = NoticeRevision(
        notice_id=notice.id,
        inbound_id=row.id,
        forwarder=forwarder or None,
        summary="\n".join(lines),
        created_at=now,
    )
    session.add(revision)
    session.flush()
    return revision


def waiting(session: Session, notice_id: int) -> list[NoticeRevision]:
    return list(
        session.scalars(
            select(NoticeRevision)
            .where(NoticeRevision.notice_id == notice_id, NoticeRevision.outcome.is_(None))
            .order_by(NoticeRevision.id)
        )
    )


def agreed_by(session: Session, notice: Notice, sender: str) -> NoticeRevision | None:
    """The waiting change the sender may agree to: theirs (they forwarded it), or the notice's clerk's."""
    allowed = {(notice.forwarder or "").lower()}
    return next(
        (
            r
            for r in reversed(waiting(session, notice.id))
            if sender.lower() in allowed | {(r.forwarder or "").lower()}
        ),
        None,
    )


def apply(app: Any, session: Session, revision: NoticeRevision, *, actor: str, now: datetime) -> int:
    """Apply the change through reprocess (the re-forward's stored message, re-read); returns tasks
    changed."""
    planned = reprocess.plan(app, session, revision.notice_id, message_id=revision.inbound_id)
    return reprocess.apply(app, session, planned, Editor(actor=actor, now=now), notify=notifier_for(app))
