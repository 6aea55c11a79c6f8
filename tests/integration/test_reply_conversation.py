"""Corrections by reply and extensions decided by mail, through the processing path (SQLite and
PostgreSQL)."""

from __future__ import annotations

from datetime import date

from service.clock import FixedClock
from service.store.models import ExtensionRequest, InboundMessage, Task, TaskEvent
from service.store.stages import TaskStatus
from tests.conftest import vn
from tests.integration.outbox_support import outbox_rows
from tests.integration.test_replies import D, _assignment_id, _office, _reply


def _confirmation_id(app) -> str:  # type: ignore[no-untyped-def]
    """The confirmation the clerk got for the notice (queued as service.runners.process queues it)."""
    from outbox import compose
    from outbox.enqueue import enqueue
    from service.store.models import Notice
    from service.runners.process import task_view

    with app.sessions.begin() as session:
        notice = session.query(Notice).one()
        mail = compose.confirmation(
            notice=notice,
            tasks=[task_view(t) for t in notice.tasks],
            forwarder=f"van.thu{D}",
            in_reply_to=None,
            warnings=[],
            duplicate=False,
            review_threshold=0.8,
        )
        enqueue(
            session,
            mail,
            dedupe_key=f"confirmation:test:{notice.id}",
            now=app.clock.now(),
            domain=app.settings.message_id_domain,
            notice_id=notice.id,
        )
    return outbox_rows(app, kind="confirmation")[0].message_id


def test_drop_and_add_by_reply_and_an_unauthorised_correction(make_app) -> None:  # type: ignore[no-untyped-def]
    app, (kh, tt) = _office(make_app)
    conf = _confirmation_id(app)
    # a unit, not the clerk
    _, outcome = _reply(app, sender=f"khtc{D}", body=f"NV-{tt}: bỏ", in_reply_to=conf, n=1)
    assert outcome.disposition == "queued-unauthorised"
    with app.sessions() as s:
        assert s.get(Task, tt).status is TaskStatus.OPEN
    body = f"NV-{tt}: bỏ\nthêm: tổng hợp báo cáo quý IV; chủ trì thanh tra; hạn 20/12/2026\nnhận 2"
    _, outcome = _reply(app, sender=f"van.thu{D}", body=body, in_reply_to=conf, n=2)
    assert outcome.disposition == "reply-correction-partly"
    with app.sessions() as s:
        assert s.get(Task, tt).status is TaskStatus.REJECTED
        added = s.query(Task).order_by(Task.id.desc()).first()
        assert (added.text, added.unit_names(added.units[0].role), added.deadline) == (
            "tổng hợp báo cáo quý IV",
            ["Thanh tra Sở"],
            date(2026, 12, 20),
        )
        assert {
            e.actor for e in s.query(TaskEvent).filter(TaskEvent.task_id == tt, TaskEvent.field == "status")
        } == {f"van.thu{D}"}
    [answer] = [r for r in outbox_rows(app, kind="correction") if f"van.thu{D}" in r.to_addrs]
    assert "Đã áp dụng 2 điều chỉnh" in answer.body_text and "> nhận 2" in answer.body_text
    # as they now stand
    assert f"[NV-{tt}]" not in answer.body_text and "tổng hợp báo cáo quý IV" in answer.body_text
    unauthorised = [r for r in outbox_rows(app, kind="reply-answer") if f"khtc{D}" in r.to_addrs]
    assert len(unauthorised) == 1 and "không có quyền" in unauthorised[0].body_text


def test_an_extension_refused_by_the_unit_s_head_keeps_the_deadline(make_app) -> None:  # type: ignore[no-untyped-def]
    app, (kh, tt) = _office(make_app)
    app.clock = FixedClock(vn(2026, 11, 25, 9, 0))
    _reply(
        app,
        sender=f"khtc{D}",
        body="Xin gia hạn đến 10/12/2026, lý do: chờ số liệu.",
        in_reply_to=_assignment_id(app, kh),
        n=1,
    )
    [forward] = outbox_rows(app, kind="extension-request")
    assert forward.to_addrs == [f"phuc.lv{D}"] and "10/12/2026" in forward.body_text
    # not the head
    _, outcome = _reply(app, sender=f"thanhtra{D}", body="Đồng ý", in_reply_to=forward.message_id, n=2)
    assert outcome.disposition == "queued-unauthorised"
    _, outcome = _reply(app, sender=f"phuc.lv{D}", body="Để tôi xem lại", in_reply_to=forward.message_id, n=3)
    assert outcome.disposition == "queued-undecided"
    _, outcome = _reply(
        app,
        sender=f"phuc.lv{D}",
        body="Không đồng ý, lý do: đã báo cáo UBND tỉnh.",
        in_reply_to=forward.message_id,
        n=4,
    )
    assert outcome.disposition == "extension-refused"
    with app.sessions() as s:
        task, request = s.get(Task, kh), s.query(ExtensionRequest).one()
        assert (task.deadline, request.status.value, request.decided_by) == (
            date(2026, 11, 30),
            "refused",
            f"phuc.lv{D}",
        )
        assert s.query(InboundMessage).filter(InboundMessage.queue.is_not(None)).count() == 2
    told = [r for r in outbox_rows(app, kind="reply-answer") if f"khtc{D}" in r.to_addrs]
    assert (
        len(told) == 1 and "không đồng ý" in told[0].body_text and "đã báo cáo UBND tỉnh" in told[0].body_text
    )
    assert "Thời hạn giữ nguyên: 30/11/2026" in told[0].body_text
    _, outcome = _reply(app, sender=f"phuc.lv{D}", body="Đồng ý", in_reply_to=forward.message_id, n=5)
    assert outcome.disposition == "extension-already-decided"


def test_a_correction_in_answer_to_the_correction_answer(make_app) -> None:  # type: ignore[no-untyped-def]
    app, (kh, tt) = _office(make_app)
    _reply(app, sender=f"van.thu{D}", body=f"NV-{kh}: hạn 5/12/2026", in_reply_to=_confirmation_id(app), n=1)
    [first] = outbox_rows(app, kind="correction")
    _, outcome = _reply(
        app, sender=f"VAN.THU{D}", body=f"NV-{kh}: phối hợp thanh tra sở", in_reply_to=first.message_id, n=2
    )
    assert outcome.disposition == "reply-correction"
    with app.sessions() as s:
        task = s.get(Task, kh)
        assert (task.deadline, task.unit_names(task.units[-1].role)) == (date(2026, 12, 5), ["Thanh tra Sở"])


def test_loop_guards_of_the_queue(make_app) -> None:  # type: ignore[no-untyped-def]
    app, (kh, tt) = _office(make_app)
    _, outcome = _reply(app, sender=f"qlcn{D}", body="Gửi lại báo cáo", subject=f"Re: [NV-{kh}] báo cáo", n=1)
    assert outcome.disposition == "queued-not-assignee"
    [answer] = outbox_rows(app, kind="reply-answer")
    # an unmarked auto-responder answers our answer: queued, never answered; nor twice the same day
    _, outcome = _reply(app, sender=f"qlcn{D}", body="Cảm ơn", in_reply_to=answer.message_id, n=2)
    assert outcome.disposition == "queued-unmatched"
    _, outcome = _reply(app, sender=f"qlcn{D}", body="Một thư khác", subject=f"Re: [NV-{tt}] việc khác", n=3)
    assert outcome.disposition == "queued-not-assignee" and len(outbox_rows(app, kind="reply-answer")) == 1
    with app.sessions() as s:
        assert s.query(InboundMessage).filter(InboundMessage.queue.is_not(None)).count() == 3


def test_no_answer_outside_the_directory_and_a_decision_that_can_no_longer_apply(make_app) -> None:  # type: ignore[no-untyped-def]
    app, (kh, tt) = _office(make_app)
    thread = _assignment_id(app, kh)
    # allowed domain, not in the directory
    _reply(app, sender=f"nguoi.la{D}", body="Đã hoàn thành", in_reply_to=thread, n=1)
    acks = outbox_rows(app, kind="reply-ack")
    assert acks and all(f"nguoi.la{D}" not in r.to_addrs + r.cc_addrs for r in acks)
    _reply(
        app,
        sender=f"khtc{D}",
        body="Xin gia hạn đến 10/12/2026, lý do: chờ số liệu.",
        in_reply_to=thread,
        n=2,
    )
    [forward] = outbox_rows(app, kind="extension-request")
    # done before the head decides
    _reply(app, sender=f"khtc{D}", body="Đã hoàn thành.", in_reply_to=thread, n=3)
    _, outcome = _reply(app, sender=f"phuc.lv{D}", body="Đồng ý", in_reply_to=forward.message_id, n=4)
    assert outcome.disposition == "extension-not-applied"
    with app.sessions() as s:
        task = s.get(Task, kh)
        assert (task.status, task.deadline) == (TaskStatus.DONE_ON_TIME, date(2026, 11, 30))
        assert s.query(ExtensionRequest).one().status.value == "pending"
    told = [r for r in outbox_rows(app, kind="reply-answer") if f"phuc.lv{D}" in r.to_addrs]
    assert len(told) == 1 and "Chưa thực hiện được" in told[0].body_text


def test_a_head_asking_for_time_does_not_decide_it_himself(make_app) -> None:  # type: ignore[no-untyped-def]
    app, (kh, tt) = _office(make_app)
    _reply(
        app,
        sender=f"phuc.lv{D}",
        body="Xin gia hạn đến 10/12/2026, lý do: chờ số liệu.",
        in_reply_to=_assignment_id(app, kh),
        n=1,
    )
    [forward] = outbox_rows(app, kind="extension-request")
    assert forward.to_addrs == [f"nhung.tth{D}"]  # the head of the office
    _, outcome = _reply(app, sender=f"phuc.lv{D}", body="Đồng ý", in_reply_to=forward.message_id, n=2)
    assert outcome.disposition == "queued-unauthorised"


def test_a_thank_you_to_the_confirmation_gets_a_short_answer(make_app) -> None:  # type: ignore[no-untyped-def]
    app, (kh, tt) = _office(make_app)
    _, outcome = _reply(
        app, sender=f"van.thu{D}", body="Cảm ơn.\nTrân trọng.", in_reply_to=_confirmation_id(app), n=1
    )
    assert outcome.disposition == "reply-correction-none"
    [answer] = outbox_rows(app, kind="correction")
    assert "Chưa áp dụng điều chỉnh nào" in answer.body_text and f"[NV-{kh}]" not in answer.body_text


def test_units_without_diacritics_and_what_was_wrong_in_vietnamese(make_app) -> None:  # type: ignore[no-untyped-def]
    app, (kh, tt) = _office(make_app)
    body = (
        f"NV-{kh}: chu tri phong quan ly cong nghe; phoi hop VP Sở\n"
        f"NV-{tt}: chủ trì Phòng Tổ chức; hạn 1/1/2020"
    )
    _, outcome = _reply(app, sender=f"van.thu{D}", body=body, in_reply_to=_confirmation_id(app), n=1)
    assert outcome.disposition == "reply-correction-partly"
    with app.sessions() as s:
        task = s.get(Task, kh)
        assert [u.name for u in task.units] == ["Phòng Quản lý công nghệ", "Văn phòng Sở"]
        assert s.get(Task, tt).deadline == date(2026, 12, 15)
    [answer] = outbox_rows(app, kind="correction")
    assert 'không có đơn vị "Phòng Tổ chức" trong danh bạ' in answer.body_text
