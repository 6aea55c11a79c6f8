"""Issue 13: the mail conversation walked day by day on real Dovecot + aiosmtpd, July-August 2020.

A clerk forwards a notice; units and leaders answer by mail. Each day the daemon runs once at 08:30
(`--now`), and the test asserts the mails sent that day (to whom, what they say) and the task states.
"""
from __future__ import annotations

from datetime import date
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import pytest
from sqlalchemy import select

from service.clock import FixedClock
from service.runners.daemon import run_daemon
from service.store.models import ExtensionRequest, InboundMessage, Task, TaskEvent
from tests.conftest import vn

pytestmark = pytest.mark.live
D = "@skhcn.binhminh.example.vn"
CLERK, OFFICE, OFFICE_HEAD = f"van.thu{D}", f"vanphong{D}", f"nhung.tth{D}"
KH, KH_HEAD, TT, QL, TTCDS = f"khtc{D}", f"phuc.lv{D}", f"thanhtra{D}", f"qlcn{D}", f"ttcds{D}"
NOTICE = """UBND TỈNH BÌNH MINH
SỞ KHOA HỌC VÀ CÔNG NGHỆ
Số: 412/TB-SKHCN
Bình Minh, ngày 20 tháng 7 năm 2020

THÔNG BÁO
Kết luận của Giám đốc Sở tại cuộc họp giao ban tháng 7 năm 2020

Giám đốc Sở kết luận như sau:

1. Giao Phòng Kế hoạch - Tài chính chủ trì, phối hợp với Văn phòng Sở rà soát dự toán ngân sách năm 2021, báo cáo Giám đốc Sở trước ngày 31/7/2020.

2. Giao Thanh tra Sở xây dựng kế hoạch thanh tra năm 2021, hoàn thành trước ngày 14/8/2020.

3. Giao Phòng Quản lý công nghệ chủ trì, phối hợp với Trung tâm Chuyển đổi số tổng hợp số liệu thống kê khoa học, hoàn thành trước ngày 07/8/2020.

4. Giao Trung tâm Chuyển đổi số cập nhật cơ sở dữ liệu nhiệm vụ khoa học, hoàn thành trước ngày 05/8/2020.

5. Giao Thanh tra Sở kiểm tra việc sử dụng kinh phí sự nghiệp, hoàn thành trước ngày 10/8/2020.

Nơi nhận:
- Như trên;
- Lưu: VT.
"""  # noqa: E501 - the mail or notice as written, long lines and all


class Conversation:
    """The office's mailbox on Dovecot, the daemon, and what reached the SMTP server each day."""

    def __init__(self, app, user, dovecot, smtp) -> None:  # type: ignore[no-untyped-def]
        self.app, self.user, self.dovecot, self.smtp, self.seen, self.n = app, user, dovecot, smtp, 0, 0

    def send(
        self,
        sender: str,
        body: str,
        *,
        answering=None,
        subject: str | None = None,  # type: ignore[no-untyped-def]
        headers: dict[str, str] | None = None,
    ) -> str:
        """A mail into the office's mailbox; `answering`: one of Docket's mails (quoted below the answer,
        as clients do)."""
        self.n += 1
        msg = EmailMessage()
        msg["From"], msg["To"] = sender, f"docket{D}"
        msg["Subject"] = subject or (f"Re: {answering['Subject']}" if answering else "Thư")
        msg["Message-ID"] = make_msgid(idstring=f"c{self.n}", domain="mail.binhminh.example.vn")
        msg["Date"] = format_datetime(self.app.clock.now())
        if answering is not None:
            msg["In-Reply-To"] = msg["References"] = answering["Message-ID"]
            quoted = "\n".join(
                "> " + line for line in answering.get_body(("plain",)).get_content().splitlines()[:12]
            )
            body = (
                f"{body}\n\n-- \nNguyễn Văn An\nĐT: 0912 345 678\n\nVào 20/7/2020 Docket đã viết:\n{quoted}\n"
            )
        for name, value in (headers or {}).items():
            msg[name] = value
        msg.set_content(body)
        self.dovecot.append(self.user, msg.as_bytes())
        return msg["Message-ID"]

    def day(self, when: date) -> list[tuple[frozenset[str], str, str]]:
        """Run the daemon once at 08:30 that day; the mails it sent: (recipients, subject, plain body)."""
        self.app.clock = FixedClock(vn(when.year, when.month, when.day, 8, 30))
        run_daemon(self.app, once=True)
        new = self.smtp.messages[self.seen :]
        self.seen = len(self.smtp.messages)
        strangers = {r for m in new for r in m.rcpt_tos} - self.known()
        assert not strangers, f"mail outside the directory on {when}: {strangers}"  # never, whatever the day
        out = []
        for m in new:
            msg = m.message()
            out.append((frozenset(m.rcpt_tos), str(msg["Subject"]), msg.get_body(("plain",)).get_content()))
        return out

    def known(self) -> set[str]:
        """The directory's addresses (units, heads, leaders) and the forwarding clerk."""
        directory = self.app.directory
        people = [u.head for u in directory.units if u.head] + list(directory.leaders)
        return {a for a in [*(u.email for u in directory.units), *(p.email for p in people), CLERK] if a}

    def sent(self, day_mails, to: str, contains: str = ""):  # type: ignore[no-untyped-def]
        return [m for m in day_mails if to in m[0] and contains in m[1] + m[2]]

    def states(self) -> dict[int, str]:
        with self.app.sessions() as s:
            return {t.id: t.status.value for t in s.scalars(select(Task).order_by(Task.id))}

    def mail_to(self, to: str, contains: str):  # type: ignore[no-untyped-def]
        """The last mail Docket sent to `to` containing `contains`, as a message (to answer it)."""
        for m in reversed(self.smtp.messages):
            msg = m.message()
            if to in m.rcpt_tos and contains in str(msg["Subject"]) + msg.get_body(("plain",)).get_content():
                return msg
        raise AssertionError(f"no mail to {to} with {contains!r}")


def _notice_mail() -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = (
        f"Văn thư <{CLERK}>",
        f"docket{D}",
        "Fwd: Thông báo kết luận số 412/TB-SKHCN",
    )
    msg["Message-ID"] = make_msgid(idstring="notice", domain="mail.binhminh.example.vn")
    msg["Date"] = format_datetime(vn(2020, 7, 20, 15, 0))
    msg.set_content("Chuyển Văn phòng theo dõi.\n\n---------- Forwarded message ----------\n\n" + NOTICE)
    return msg.as_bytes()


def _env(app):  # type: ignore[no-untyped-def]
    from tests.live.test_daemon_live import _env as env

    return env(app)


def _docket(app, *args: str):  # type: ignore[no-untyped-def]
    import subprocess

    from tests.live.test_daemon_live import DOCKET

    return subprocess.run([DOCKET, *args], env=_env(app), capture_output=True, text=True, timeout=120)


def test_a_month_of_replies(imap_app, dovecot, smtp_server) -> None:  # type: ignore[no-untyped-def]
    # The notice reaches five units, the default for a review hold; the hold is walked in
    # test_conversation_walk.
    app, user = imap_app(smtp=smtp_server.url, now=vn(2020, 7, 20, 16, 0), wide_send_units=0)
    talk = Conversation(app, user, dovecot, smtp_server)
    dovecot.append(user, _notice_mail())
    day = talk.day(date(2020, 7, 21))
    assert talk.states() == dict.fromkeys(range(1, 6), "open")
    [confirmation] = talk.sent(day, CLERK)
    assert (
        all(f"[NV-{n}]" in confirmation[2] for n in range(1, 6))
        and "Nếu cần điều chỉnh, trả lời thư này" in confirmation[2]
    )
    tt_assignment = talk.mail_to(TT, "Giao nhiệm vụ")
    # one mail, two tasks
    assert "[NV-2]" in tt_assignment["Subject"] and "[NV-5]" in tt_assignment["Subject"]

    # 22/7: the clerk corrects by replying to the confirmation (one good line, one bad); an auto-reply; two
    # strangers
    talk.send(
        CLERK,
        "Kính gửi Docket,\nĐề nghị điều chỉnh như sau:\n"
        "NV-4: chủ trì phòng quản lý công nghệ; phối hợp trung tâm cđs; hạn 6/8/2020\n"
        "NV-2: chủ trì Phòng Tổ chức cán bộ; hạn 15/8/2020\nTrân trọng.",
        answering=talk.mail_to(CLERK, "[NV-4]"),
    )
    talk.send(
        KH,
        "Tôi đang nghỉ phép đến hết 24/7.",
        answering=talk.mail_to(KH, "Giao nhiệm vụ"),
        headers={"Auto-Submitted": "auto-replied"},
    )
    talk.send("stranger@gmail.example", "Đã hoàn thành", subject="Re: [NV-1] Giao nhiệm vụ")
    talk.send(f"nguoi.la{D}", "Đã hoàn thành", subject="Re: [NV-1] Giao nhiệm vụ")
    day = talk.day(date(2020, 7, 22))
    [answer] = talk.sent(day, CLERK)
    assert (
        "Đã áp dụng 1 điều chỉnh" in answer[2]
        and "> NV-2: chủ trì Phòng Tổ chức cán bộ; hạn 15/8/2020" in answer[2]
    )
    # what was wrong, in Vietnamese
    assert 'không có đơn vị "Phòng Tổ chức cán bộ" trong danh bạ' in answer[2]
    assert "[NV-4]" in answer[2] and "Chủ trì: Phòng Quản lý công nghệ" in answer[2]
    assert talk.sent(day, QL, "Điều chỉnh nhiệm vụ")  # the new lead is told, through the CLI's own path
    everyone = {a for m in day for a in m[0]}
    assert not everyone & {"stranger@gmail.example", f"nguoi.la{D}"} and KH not in everyone  # never answered
    with app.sessions() as s:
        nv4, nv2 = s.get(Task, 4), s.get(Task, 2)
        assert (nv4.unit_names(nv4.units[0].role), nv4.deadline) == (
            ["Phòng Quản lý công nghệ"],
            date(2020, 8, 6),
        )
        assert nv4.unit_names(type(nv4.units[0].role)("support")) == ["Trung tâm Chuyển đổi số"]
        # nothing of the bad line
        assert (nv2.unit_names(nv2.units[0].role), nv2.deadline) == (["Thanh tra Sở"], date(2020, 8, 14))
        actors = {e.actor for e in s.scalars(select(TaskEvent).where(TaskEvent.task_id == 4))}
        assert CLERK in actors  # audited, the clerk as the actor
        stages = [
            (r.sender, r.stage.value, r.queue)
            for r in s.scalars(select(InboundMessage).order_by(InboundMessage.id))
        ][1:]
    assert stages == [
        (CLERK, "reply", None),
        (KH, "ignored", None),
        ("stranger@gmail.example", "quarantined", None),
        (f"nguoi.la{D}", "reply", "not-assignee"),
    ]

    # 23/7: Thanh tra answers its two-task mail one line per task; a non-assignee uses a subject token
    talk.send(
        TT,
        "NV-5: đã hoàn thành\nNV-2: đang xây dựng dự thảo kế hoạch, dự kiến xong trước 10/8.",
        answering=tt_assignment,
    )
    talk.send(QL, "Đã hoàn thành", subject="Re: [NV-1] Giao nhiệm vụ")
    day = talk.day(date(2020, 7, 23))
    assert talk.states()[5] == "done_on_time" and talk.states()[2] == "open"
    acks = sorted((m[1].split("]")[0], m[0]) for m in talk.sent(day, TT))
    # one answer per task, office in copy
    assert acks == [("[NV-2", frozenset({TT, OFFICE})), ("[NV-5", frozenset({TT, OFFICE}))]
    assert (
        len(talk.sent(day, TT, "Đã ghi nhận hoàn thành")) == 1
        and len(talk.sent(day, TT, "Đã ghi nhận tiến độ")) == 1
    )
    with app.sessions() as s:  # only the writer's own words are stored: no quote, no signature
        notes = {e.task_id: e.note for e in s.scalars(select(TaskEvent).where(TaskEvent.actor == TT))}
    assert notes == {5: "đã hoàn thành", 2: "đang xây dựng dự thảo kế hoạch, dự kiến xong trước 10/8."}
    [to_ql] = talk.sent(day, QL)
    assert "chuyển cán bộ Văn phòng xem xét" in to_ql[2] and "không thuộc đơn vị được giao" in to_ql[2]
    assert talk.states()[1] == "open"

    # 24/7: the supporting unit finished its part; the lead's task stays open
    talk.send(
        OFFICE, "Văn phòng Sở đã hoàn thành phần việc phối hợp.", answering=talk.mail_to(OFFICE, "[NV-1]")
    )
    day = talk.day(date(2020, 7, 24))
    [ack] = talk.sent(day, OFFICE)
    assert "phần việc phối hợp" in ack[2] and talk.states()[1] == "open"

    # 27/7: an impossible date is answered with what was wrong
    kh_assignment = talk.mail_to(KH, "Giao nhiệm vụ")
    talk.send(KH, "Xin gia hạn đến 31/02/2020 vì chờ số liệu.", answering=kh_assignment)
    day = talk.day(date(2020, 7, 27))
    [ack] = talk.sent(day, KH, "gia hạn")
    assert "ngày không hợp lệ: 31/02/2020" in ack[2]
    with app.sessions() as s:
        assert s.scalars(select(ExtensionRequest)).first() is None

    # 28/7: a valid request for a Saturday goes to the unit's head, flagged; 29/7 the head agrees
    talk.send(KH, "Xin gia hạn đến 08/8/2020, lý do: chờ số liệu của Sở Tài chính.", answering=kh_assignment)
    day = talk.day(date(2020, 7, 28))
    [forward] = talk.sent(day, KH_HEAD, "Đề nghị gia hạn")
    assert (
        forward[0] == frozenset({KH_HEAD, OFFICE}) and '"Đồng ý" hoặc "Không đồng ý, lý do: …"' in forward[2]
    )
    assert "thứ Bảy, ngày nghỉ" in forward[2] and "chờ số liệu của Sở Tài chính" in forward[2]
    assert "phuc.lv" in talk.sent(day, KH, "gia hạn")[0][2]
    talk.send(KH_HEAD, "Đồng ý.", answering=talk.mail_to(KH_HEAD, "Đề nghị gia hạn"))
    day = talk.day(date(2020, 7, 29))
    [told] = talk.sent(day, KH, "Kết quả đề nghị gia hạn")
    assert (
        "đồng ý gia hạn nhiệm vụ NV-1 đến 08/08/2020 (hạn ban đầu 31/07/2020)" in told[2]
        and "thứ Bảy" in told[2]
    )
    with app.sessions() as s:
        nv1 = s.get(Task, 1)
        assert (nv1.deadline, nv1.original_deadline) == (date(2020, 8, 8), date(2020, 7, 31))
        assert s.scalars(select(ExtensionRequest)).one().decided_by == KH_HEAD

    # 3/8: "Đã xong, đã trình Giám đốc…" closes NV-3; no one who answered is escalated as if silent
    talk.send(QL, "Đã xong, đã trình Giám đốc Sở xem xét.", answering=talk.mail_to(QL, "[NV-3]"))
    escalated: dict[date, set[int]] = {}
    for d in (date(2020, 7, 30), date(2020, 7, 31), *(date(2020, 8, n) for n in range(3, 12))):
        day = talk.day(d)
        escalated[d] = {int(m[1].split("]")[0].split("-")[1]) for m in day if "Quá hạn" in m[1]}
    assert talk.states() == {1: "open", 2: "open", 3: "done_on_time", 4: "open", 5: "done_on_time"}
    # answered: never escalated as if silent (NV-1 is due on its extended deadline, a Saturday; it was not on
    # 3/8)
    assert {
        d: ids for d, ids in escalated.items() if ids & {3, 5} or (ids & {1} and d < date(2020, 8, 10))
    } == {}
    assert 4 in escalated[date(2020, 8, 7)]  # silent after the corrected deadline of 6/8: escalated

    # the admin queue through the CLI
    import json

    listed = _docket(app, "inbox", "list", "--json")
    assert listed.returncode == 0, listed.stderr
    queue = json.loads(listed.stdout)
    assert [i["sender"] for i in queue["items"]] == [f"nguoi.la{D}", QL]
    assert queue["counts"] == {"queued_replies": 2, "pending_extensions": 0, "quarantined": 1}
    first, second = (i["id"] for i in queue["items"])
    shown = _docket(app, "inbox", "show", str(second))
    assert shown.returncode == 0 and "Đã hoàn thành" in shown.stdout
    assert (
        _docket(
            app, "inbox", "dismiss", str(first), "--reason", "không phải cán bộ của Sở", "--as", "admin1"
        ).returncode
        == 0
    )
    attached = _docket(
        app, "inbox", "attach", str(second), "NV-1", "--as", "admin1", "--now", "2020-08-11T09:00:00+07:00"
    )
    # not the lead: recorded, NV-1 stays open
    assert attached.returncode == 0 and "reply-note" in attached.stdout
    again = _docket(app, "inbox", "dismiss", str(first))
    assert again.returncode == 1 and "already handled" in again.stderr
    # the table wraps at the width it is given
    shown_status = " ".join(_docket(app, "status", "--no-probe").stdout.split())
    assert "0 thư trả lời chờ xử lý, 0 đề nghị gia hạn chờ duyệt, 1 thư bị cách ly" in shown_status
    status = _docket(app, "status", "--no-probe", "--json")
    assert json.loads(status.stdout)["queue"] == {
        "queued_replies": 0,
        "pending_extensions": 0,
        "quarantined": 1,
    }
    with app.sessions() as s:
        events = [(e.field, e.actor) for e in s.scalars(select(TaskEvent).where(TaskEvent.task_id == 1))]
    assert ("inbox-attach", "admin1") in events and talk.states()[1] == "open"
