"""Adversarial replies (issue 10, items 4 and 5), end to end through a daemon pass with a real task.

The exact replies of the attack run, from the LEAD unit, in answer to its assignment mail: none may
close the task or record an extension request; each is recorded in the task's history and answered in
Vietnamese. The Outlook HTML reply quotes Docket's own change notice, whose "(đã gia hạn; hạn ban đầu …)"
once became a false extension request.
"""
from __future__ import annotations

import mailbox
from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from service.clock import FixedClock
from service.runners.daemon import run_daemon
from service.tasks.extensions import approve_extension
from service.store.models import ExtensionRequest, InboundMessage, Task, TaskEvent
from outbox.models import OutboxMessage
from service.store.stages import ExtensionStatus, TaskStatus
from tests.conftest import vn
from tests.integration.outbox_support import GoldTask, outbox_rows, register_notice

D = "@skhcn.binhminh.example.vn"
LEAD = f"khtc{D}"
TASKS = [
    GoldTask(
        "rà soát dự toán ngân sách năm 2027",
        ("Phòng Kế hoạch - Tài chính",),
        ("Văn phòng Sở",),
        date(2026, 11, 30),
    )
]

ATTACKS = {
    "question-deadline": "Hoàn thành trước ngày nào ạ?",
    "question-done-yet": "Đã hoàn thành chưa ạ?",
    "refusal": "Chúng tôi không đồng ý với việc giao nhiệm vụ này. Hoàn thành việc rà soát cần thêm 2 tháng.",
    "progress-percent": "Đã hoàn thành 30% khối lượng.",
    "out-of-office": "Tôi đang đi công tác đến hết ngày 30/11/2026. Hoàn thành công việc sau khi trở về cơ "
                     "quan.",
    "negated-extension": "Phòng không cần gia hạn đến 30/12.",
}
KINDS = {
    "question-deadline": "question",
    "question-done-yet": "question",
    "refusal": "refusal",
    "progress-percent": "progress",
    "out-of-office": "out_of_office",
    "negated-extension": "other",
}


def _outlook_html(own: str, quoted_html: str) -> str:
    """An Outlook (desktop) reply: own paragraph, the border-top header block, then our mail quoted as is."""
    return f"""<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style><!-- p.MsoNormal {{margin:0in;}} --></style></head>
<body lang="EN-US"><div class="WordSection1"><p class="MsoNormal">{own}<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in"><p class="MsoNormal"><b>From:</b>
Docket &lt;docket{D}&gt; <br><b>Sent:</b> Friday, November 27, 2026 9:00 AM<br><b>To:</b> {LEAD}<br>
<b>Subject:</b> Điều chỉnh nhiệm vụ<o:p></o:p></p></div><p class="MsoNormal"><o:p>&nbsp;</o:p></p>
{quoted_html}</div></body></html>"""  # noqa: E501 - the mail or notice as written, long lines and all


def _mail(n: int, *, in_reply_to: str, text: str | None = None, html: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = f"Phòng KH-TC <{LEAD}>", f"docket{D}", "RE: nhiệm vụ"
    msg["Message-ID"], msg["Date"] = (
        f"<attack-{n}@units.example.vn>",
        format_datetime(vn(2026, 11, 27, 10, 0)),
    )
    msg["In-Reply-To"], msg["References"] = in_reply_to, in_reply_to
    if html is None:
        msg.set_content(text or "")
    # HTML only, as in the attack run (the alternative with a plain part:
    # tests/unit/extractors/test_reply_body.py)
    else:
        msg.set_content(html, subtype="html")
    return msg.as_bytes()


def _deliver(office: Path, *raws: bytes) -> None:
    box = mailbox.Maildir(str(office / "mail" / "inbox"), create=True)
    for raw in raws:
        box.add(raw)
    box.close()


def _office(make_app):  # type: ignore[no-untyped-def]
    app = make_app(now=vn(2026, 11, 20, 9, 0))
    with app.sessions.begin() as session:
        result = register_notice(
            app,
            session,
            text="rà soát dự toán ngân sách năm 2027",
            doc={"type": "Thông báo", "number": "412/TB-SKHCN"},
            tasks=TASKS,
            now=app.clock.now(),
            forwarder=f"van.thu{D}",
        )
        task_id = result.new_tasks[0].id
    run_daemon(app, once=True)
    assignment = next(r.message_id for r in outbox_rows(app, kind="assignment") if LEAD in r.to_addrs)
    return app, task_id, assignment


def _answers(app, message_id: str) -> list[OutboxMessage]:  # type: ignore[no-untyped-def]
    return [r for r in outbox_rows(app) if r.headers.get("In-Reply-To") == message_id]


def test_questions_refusals_progress_and_auto_replies_never_close_the_task(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    app, task_id, assignment = _office(make_app)
    app.clock = FixedClock(vn(2026, 11, 27, 10, 0))
    _deliver(
        office, *(_mail(n, in_reply_to=assignment, text=text) for n, text in enumerate(ATTACKS.values()))
    )
    run_daemon(app, once=True)
    with app.sessions() as session:
        assert session.get(Task, task_id).status is TaskStatus.OPEN
        assert session.scalars(select(ExtensionRequest)).all() == []
        rows = list(
            session.scalars(select(InboundMessage).where(InboundMessage.message_id.like("<attack-%")))
        )
        assert len(rows) == len(ATTACKS) and {r.task_id for r in rows} == {task_id}
        events = {
            e.note.split("\n")[0]: e.after
            for e in session.scalars(
                select(TaskEvent).where(TaskEvent.task_id == task_id, TaskEvent.field == "reply")
            )
        }
    assert events == {text.split("\n")[0]: KINDS[name] for name, text in ATTACKS.items()}
    for n, name in enumerate(ATTACKS):
        answers = _answers(app, f"<attack-{n}@units.example.vn>")
        assert [a.to_addrs for a in answers] == [[LEAD]], name
        assert (
            "Docket đã lưu ý kiến" in answers[0].body_text
            and "chưa được ghi nhận hoàn thành" in answers[0].body_text
        ), name
    # the control: a clear "done" still closes it
    _deliver(office, _mail(99, in_reply_to=assignment, text="Đã hoàn thành."))
    run_daemon(app, once=True)
    with app.sessions() as session:
        assert session.get(Task, task_id).status is TaskStatus.DONE_ON_TIME


def test_outlook_html_quoting_our_change_notice_is_no_extension_request(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    app, task_id, assignment = _office(make_app)
    app.clock = FixedClock(vn(2026, 11, 25, 9, 0))
    _deliver(office, _mail(1, in_reply_to=assignment, text="Xin gia hạn đến 10/12/2026, lý do: chờ số liệu."))
    run_daemon(app, once=True)
    with app.sessions.begin() as session:
        request = session.scalars(select(ExtensionRequest)).one()
        approve_extension(session, request.id, "admin", app.clock.now(), notify_with=app)
    run_daemon(app, once=True)
    change = outbox_rows(app, kind="change")[-1]
    assert "hạn ban đầu" in change.body_text  # the trap: our own words about the extension
    app.clock = FixedClock(vn(2026, 11, 27, 10, 0))
    quoted = change.body_html or change.body_text.replace("\n", "<br>")
    _deliver(
        office, _mail(2, in_reply_to=change.message_id, html=_outlook_html("Đã nhận thông báo.", quoted))
    )
    run_daemon(app, once=True)
    with app.sessions() as session:
        requests = list(session.scalars(select(ExtensionRequest)))
        assert [(r.status, r.requested_to) for r in requests] == [
            (ExtensionStatus.APPROVED, date(2026, 12, 10))
        ]
        task = session.get(Task, task_id)
        assert (task.status, task.deadline, task.original_deadline) == (
            TaskStatus.OPEN,
            date(2026, 12, 10),
            date(2026, 11, 30),
        )
        note = session.scalars(
            select(TaskEvent).where(TaskEvent.task_id == task_id, TaskEvent.field == "reply")
        ).one()
    assert (note.after, note.note) == ("other", "Đã nhận thông báo.")
    answers = _answers(app, "<attack-2@units.example.vn>")
    assert len(answers) == 1 and "Docket đã lưu ý kiến" in answers[0].body_text


@pytest.mark.parametrize(
    "text", ["Phòng không cần gia hạn đến 30/12.", "Chúng tôi không xin gia hạn đến 15/12/2026."]
)
def test_a_negated_request_records_no_extension(make_app, office: Path, text: str) -> None:  # type: ignore[no-untyped-def]
    app, task_id, assignment = _office(make_app)
    _deliver(office, _mail(7, in_reply_to=assignment, text=text))
    run_daemon(app, once=True)
    with app.sessions() as session:
        assert session.scalars(select(ExtensionRequest)).all() == []
        assert session.get(Task, task_id).status is TaskStatus.OPEN


def test_our_mail_pasted_without_any_quote_structure_is_not_read(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    """A client that pastes the original as plain lines (no '>', no header block): our own text, known by
    the Message-ID it answers, is dropped before the intent is read."""
    app, task_id, assignment = _office(make_app)
    ours = next(r for r in outbox_rows(app, kind="assignment") if r.message_id == assignment).body_text
    assert "gia hạn" in ours  # the trap: our assignment explains how to ask for an extension
    app.clock = FixedClock(vn(2026, 11, 27, 10, 0))
    _deliver(office, _mail(5, in_reply_to=assignment, text="Đã hoàn thành.\n\n" + ours))
    run_daemon(app, once=True)
    with app.sessions() as session:
        task = session.get(Task, task_id)
        assert task.status is TaskStatus.DONE_ON_TIME
        event = session.scalars(
            select(TaskEvent).where(TaskEvent.task_id == task_id, TaskEvent.field == "status")
        ).one()
        assert event.note == "Đã hoàn thành." and session.scalars(select(ExtensionRequest)).all() == []


def test_an_absence_notice_is_answered_once_per_task_and_sender(make_app, office: Path) -> None:  # type: ignore[no-untyped-def]
    """A text-only auto-responder (no Auto-Submitted header) must not ping-pong with our answers."""
    app, task_id, assignment = _office(make_app)
    away = "Thư trả lời tự động: Tôi đang nghỉ phép đến 30/11/2026."
    _deliver(
        office, _mail(11, in_reply_to=assignment, text=away), _mail(12, in_reply_to=assignment, text=away)
    )
    run_daemon(app, once=True)
    answers = _answers(app, "<attack-11@units.example.vn>") + _answers(app, "<attack-12@units.example.vn>")
    assert len(answers) == 1
    with app.sessions() as session:
        kinds = [
            e.after
            for e in session.scalars(
                select(TaskEvent).where(TaskEvent.task_id == task_id, TaskEvent.field == "reply")
            )
        ]
        assert (
            kinds == ["out_of_office", "out_of_office"]
            and session.get(Task, task_id).status is TaskStatus.OPEN
        )
