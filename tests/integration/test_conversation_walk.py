"""November 2026 walked day by day on real Dovecot + aiosmtpd: every-unit tasks tracked per unit, wide
send-outs held for review, a monthly task known only by its day, reprocess after a merge, `tasks add`.

Each day the daemon runs once at 08:30 (`--now`-style fixed clock); the admin uses the `docket` CLI with
--now. After each step the test asserts the mails that reached the SMTP server and the task states.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from service.clock import FixedClock
from service.runners.daemon import run_daemon
from service.store.models import AssignmentHold, Task, TaskEvent, TaskPart
from service.store.stages import TaskStatus
from tests.conftest import vn

pytestmark = pytest.mark.live

D = "skhcn.binhminh.example.vn"
CLERK = f"van.thu@{D}"
UNITS = {  # name: (mailbox, head)
    "Văn phòng Sở": ("vanphong", "nhung.tth"), "Phòng Kế hoạch - Tài chính": ("khtc", "phuc.lv"),
    "Phòng Quản lý công nghệ": ("qlcn", "tuan.pm"), "Thanh tra Sở": ("thanhtra", "hai.dq"),
    "Trung tâm Chuyển đổi số": ("ttcds", "anh.vtl"), "Phòng Quản lý chuyên ngành": ("qlchn", "nam.bv"),
    "Chi cục Tiêu chuẩn Đo lường Chất lượng": ("chicuc", "ha.dt"),
}
MAILBOX = {name: f"{box}@{D}" for name, (box, _) in UNITS.items()}
HEAD = {name: f"{head}@{D}" for name, (_, head) in UNITS.items()}
VP, KHTC, QLCN, TT = (
    MAILBOX["Văn phòng Sở"],
    MAILBOX["Phòng Kế hoạch - Tài chính"],
    MAILBOX["Phòng Quản lý công nghệ"],
    MAILBOX["Thanh tra Sở"],
)
DIRECTOR = f"giamdoc@{D}"
HEADER = ("UBND TỈNH BÌNH MINH\nSỞ KHOA HỌC VÀ CÔNG NGHỆ\nSố: {number}/TB-SKHCN\nBình Minh, ngày 02 tháng 11 "
          "năm 2026\nTHÔNG BÁO\n{subject}\nGiám đốc Sở kết luận như sau:\n")
NOTICE_A = HEADER.format(number=31, subject="Kết luận của Giám đốc Sở tại cuộc họp giao ban") + (
    "1. Các phòng, đơn vị thuộc Sở chủ động rà soát thủ tục hành chính, báo cáo trước ngày 13/11/2026.\n"
    "2. Định kỳ hằng tháng trước ngày 25, Văn phòng Sở tổng hợp tình hình thực hiện nhiệm vụ báo cáo Giám "
    "đốc Sở.\n"
)
WIDE = [
    "Phòng Kế hoạch - Tài chính",
    "Phòng Quản lý công nghệ",
    "Thanh tra Sở",
    "Trung tâm Chuyển đổi số",
    "Phòng Quản lý chuyên ngành",
    "Chi cục Tiêu chuẩn Đo lường Chất lượng",
]
NOTICE_B = HEADER.format(number=32, subject="Kết luận của Giám đốc Sở về công tác cuối năm") + (
    f"1. Giao {', '.join(WIDE)} rà soát kinh phí sự nghiệp năm 2026, báo cáo Giám đốc Sở trước ngày "
    "20/11/2026.\n"
)


def _directory(path: Path) -> Path:
    lines = ["organization: Sở Khoa học và Công nghệ tỉnh Bình Minh", f"domain: {D}", "units:"]
    for name, (box, head) in UNITS.items():
        lines += [
            f"  - name: {name}",
            f"    email: {box}@{D}",
            f"    head: {{name: Trưởng {box}, title: Trưởng phòng, email: {head}@{D}}}",
        ]
    lines += ["leaders:", f"  - {{name: Hoàng Đức Thành, title: Giám đốc Sở, email: {DIRECTOR}}}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _forward(text: str, n: int) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = (
        f"Văn thư <{CLERK}>",
        f"docket@{D}",
        f"Fwd: Thông báo số {n}/TB-SKHCN",
    )
    msg["Message-ID"] = make_msgid(idstring=f"fwd{n}", domain="clerk.example.vn")
    msg.set_content("Chuyển Docket theo dõi.\n\n---------- Forwarded message ----------\n\n" + text)
    return msg.as_bytes()


def _reply(sender: str, to_mail: Any, body: str, subject: str | None = None) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = (
        sender,
        f"docket@{D}",
        subject or "Re: " + str(to_mail["Subject"]),
    )
    msg["Message-ID"] = make_msgid(idstring="re", domain=D)
    msg["In-Reply-To"] = msg["References"] = to_mail["Message-ID"]
    msg.set_content(body)
    return msg.as_bytes()


@dataclass(frozen=True)
class Sent:
    to: frozenset[str]
    cc: frozenset[str]
    subject: str
    body: str
    mail: Any


@dataclass
class Walk:
    app: Any
    env: dict[str, str]
    dovecot: Any
    user: str
    smtp: Any
    seen: int = 0

    def at(self, when: datetime) -> list[Sent]:
        """One daemon pass at `when`; returns the mails that reached the SMTP server during it."""
        self.app.clock = FixedClock(when)
        run_daemon(self.app, once=True)
        new, self.seen = self.smtp.messages[self.seen :], len(self.smtp.messages)
        out = []
        for captured in new:
            mail = captured.message()
            to = frozenset(a.strip() for a in str(mail["To"] or "").split(",") if a.strip())
            cc = frozenset(a.strip() for a in str(mail["Cc"] or "").split(",") if a.strip())
            out.append(Sent(to, cc, str(mail["Subject"]), mail.get_body(("plain",)).get_content(), mail))
        return out

    def cli(self, *args: str, when: datetime) -> Any:
        from service.cli import app

        result = CliRunner().invoke(
            app, [*args, "--json", "--now", when.isoformat()], env=self.env, catch_exceptions=False
        )
        assert result.exit_code == 0, result.output
        return json.loads(result.stdout)

    def tasks(self) -> dict[int, Task]:
        with self.app.sessions() as session:
            rows = session.scalars(select(Task).order_by(Task.id)).all()
            for t in rows:
                _ = t.units, t.parts
            return {t.id: t for t in rows}

    def parts(self, task_id: int) -> dict[str, TaskStatus]:
        with self.app.sessions() as session:
            rows = session.scalars(select(TaskPart).where(TaskPart.task_id == task_id)).all()
            return {p.unit.name: p.status for p in rows}


@pytest.fixture
def walk(make_app, dovecot, smtp_server, tmp_path: Path) -> Walk:  # type: ignore[no-untyped-def]
    user, _ = dovecot.user()
    directory = _directory(tmp_path / "directory.yaml")
    app = make_app(
        now=vn(2026, 11, 2, 8, 0),
        mailbox=dovecot.url(user),
        imap_cafile=str(dovecot.cafile),
        smtp=smtp_server.url,
        directory=str(directory),
        allowed_senders=f"@{D}",
    )
    st = app.settings
    env = {
        "DOCKET_DATABASE_URL": st.database_url,
        "DOCKET_MAILBOX": st.mailbox,
        "DOCKET_SMTP": st.smtp,
        "DOCKET_FROM": st.from_address,
        "DOCKET_DIRECTORY": str(directory),
        "DOCKET_ALLOWED_SENDERS": st.allowed_senders,
        "DOCKET_IMAP_CAFILE": str(dovecot.cafile),
        "DOCKET_CONFIG": str(tmp_path / "absent.toml"),
        "COLUMNS": "200",
    }
    return Walk(app, env, dovecot, user, smtp_server)


def _states(w: Walk) -> dict[int, str]:
    return {t.id: t.status.value for t in w.tasks().values()}


def _about(sent: list[Sent], token: str, kind: str = "") -> list[Sent]:
    return [m for m in sent if f"[{token}]" in m.subject and kind in m.subject]


def test_november_walk(walk: Walk) -> None:
    w = walk
    w.dovecot.append(w.user, _forward(NOTICE_A, 31))
    w.dovecot.append(w.user, _forward(NOTICE_B, 32))

    # Mon 2/11 08:30: both notices registered; each would reach 6+ units, so both wait for review
    sent = w.at(vn(2026, 11, 2, 8, 30))
    every, monthly, wide = 1, 2, 3
    tasks = w.tasks()
    assert [tasks[every].unit_names.__self__.units[0].name, tasks[monthly].deadline] == [
        "*",
        date(2026, 11, 25),
    ]
    assert set(w.parts(every)) == set(UNITS) and set(w.parts(every).values()) == {TaskStatus.OPEN}
    digests = [m for m in sent if m.subject.startswith("Tổng hợp")]  # Monday: held tasks are in no digest
    # nothing overdue, nothing due soon: no digest (the issue saw an empty one to every unit)
    assert digests == []
    assert [m.to for m in sent] == [frozenset({CLERK})] * 2, "only the confirmations: no assignment"
    for m in sent:
        assert (
            "CHƯA GỬI GIAO VIỆC" in m.body
            and "lúc 02/11/2026 10:30" in m.body
            and "quản trị viên cho phép gửi" in m.body
        )
        assert "*" not in m.body.split("NHIỆM VỤ")[1].split("CHƯA GỬI")[0].replace("**", "")
    assert "giao việc cho 7 phòng, đơn vị" in sent[0].body and "giao việc cho 6 phòng, đơn vị" in sent[1].body
    assert "Chủ trì: tất cả các phòng, đơn vị" in sent[0].body

    # 09:00: the admin releases TB-1 (audited); every unit gets its assignment, saying "tất cả các phòng, đơn
    # vị"
    released = w.cli("notices", "release", "TB-1", "--actor", "admin1", when=vn(2026, 11, 2, 9, 0))
    assert released == {"notice": "TB-1", "released_by": "admin1", "assignments_queued": 7}
    sent = w.at(vn(2026, 11, 2, 9, 0))
    assert sorted(a for m in sent for a in m.to) == sorted(MAILBOX.values()) and all(
        len(m.to) == 1 for m in sent
    )
    openings = ("Giao nhiệm vụ", "[NV-1] Giao nhiệm vụ")
    assert all(m.subject.split("] ", 1)[-1].startswith(openings) for m in sent)
    assert all("Chủ trì: tất cả các phòng, đơn vị" in m.body for m in sent)
    vp_mail = next(m for m in sent if m.to == {VP})
    # the office's two tasks in one mail, its own (NV-2) first
    assert vp_mail.subject.startswith("[NV-2] [NV-1] ")
    assert vp_mail.body.index("1. [NV-2]") < vp_mail.body.index("2. [NV-1]")
    with w.app.sessions() as session:
        events = session.scalars(select(TaskEvent).where(TaskEvent.field == "assignments_released")).all()
        assert {(e.task_id, e.actor) for e in events} == {(every, "admin1"), (monthly, "admin1")}

    # 10:00: TB-2 still waits (its window ends at 10:30); 10:45: the window has passed, its six units are told
    assert w.at(vn(2026, 11, 2, 10, 0)) == []
    sent = w.at(vn(2026, 11, 2, 10, 45))
    assert sorted(a for m in sent for a in m.to) == sorted(MAILBOX[n] for n in WIDE) and all(
        len(m.to) == 1 for m in sent
    )
    assert all(f"[NV-{wide}] Giao nhiệm vụ" in m.subject for m in sent)
    with w.app.sessions() as session:
        hold = session.scalars(select(AssignmentHold).where(AssignmentHold.notice_id == 2)).one()
        assert hold.released_by == "docket (hết thời gian rà soát)"
    shown = w.cli("notices", "show", "TB-2", when=vn(2026, 11, 2, 11, 0))["review_hold"]
    assert (
        shown["reason"] == "giao việc cho 6 phòng, đơn vị"
        and shown["released_by"] == "docket (hết thời gian rà soát)"
    )
    assert w.at(vn(2026, 11, 2, 16, 0)) == []  # nothing twice

    # Tue 3/11: the admin adds a task by hand to TB-2: an ASSIGNMENT to Thanh tra, never an "Điều chỉnh"
    added = w.cli(
        "tasks",
        "add",
        "--notice",
        "TB-2",
        "--text",
        "Thanh tra Sở kiểm tra việc sử dụng kinh phí sự nghiệp năm 2026.",
        "--lead",
        "Thanh tra Sở",
        "--deadline",
        "2026-11-27",
        "--actor",
        "admin1",
        when=vn(2026, 11, 3, 8, 0),
    )
    extra = int(added[0]["task"].removeprefix("NV-"))
    sent = w.at(vn(2026, 11, 3, 8, 30))
    assert [(m.to, m.subject.split(":")[0]) for m in sent] == [
        (frozenset({TT}), f"[NV-{extra}] Giao nhiệm vụ")
    ]
    assert "Điều chỉnh" not in sent[0].subject + sent[0].body

    # the admin merges the extracted task into the added one, then reprocesses TB-2: the merged task stays
    # merged, no task is re-added and nobody is mailed about it
    w.cli("tasks", "merge", f"NV-{extra}", f"NV-{wide}", "--actor", "admin1", when=vn(2026, 11, 3, 9, 0))
    w.at(vn(2026, 11, 3, 9, 5))
    count = len(w.tasks())
    plan = w.cli("notices", "reprocess", "TB-2", "--apply", "--actor", "admin1", when=vn(2026, 11, 3, 9, 10))
    assert plan["applied"] == 0 and [d["kind"] for d in plan["diff"]] == ["kept", "kept"]
    assert (
        len(w.tasks()) == count
        and w.tasks()[wide].merged_into_id == extra
        and w.tasks()[wide].status is TaskStatus.CANCELLED
    )
    assert w.at(vn(2026, 11, 3, 9, 15)) == []

    # the clerk forwards TB-3 (six units again) and answers its confirmation "Đồng ý.": the assignments go out
    # at once
    w.dovecot.append(w.user, _forward(NOTICE_B.replace("32/TB", "33/TB").replace("kinh phí", "tài sản"), 33))
    sent = w.at(vn(2026, 11, 3, 14, 0))
    [confirmation] = [m for m in sent if m.to == {CLERK}]
    assert (
        "[TB-3]" in confirmation.subject
        and "lúc 03/11/2026 16:00" in confirmation.body
        and len(sent) == 1
    )
    w.dovecot.append(w.user, _reply(CLERK, confirmation.mail, "Đồng ý.\n\n-- \nVăn thư Sở"))
    sent = w.at(vn(2026, 11, 3, 14, 10))
    [answer] = [m for m in sent if m.to == {CLERK}]
    assert "Đã gửi giao việc" in answer.subject and "TB-3 đã được gửi cho các phòng, đơn vị" in answer.body
    sent = [m for m in sent if m is not answer]
    assert sorted(a for m in sent for a in m.to) == sorted(MAILBOX[n] for n in WIDE)
    with w.app.sessions() as session:
        assert (
            session.scalars(select(AssignmentHold).where(AssignmentHold.notice_id == 3)).one().released_by
            == CLERK
        )

    # Wed 4/11: two units answer their assignment "Đã hoàn thành": their parts close, the task stays open
    assignment = {next(iter(m.to)): m.mail for m in _initial_assignments(w)}
    for unit in (KHTC, QLCN):
        w.dovecot.append(w.user, _reply(unit, assignment[unit], "Đã hoàn thành.\n\nTrân trọng."))
    sent = w.at(vn(2026, 11, 4, 8, 30))
    assert sorted(a for m in sent for a in m.to) == sorted([KHTC, QLCN]) and len(sent) == 2
    assert all(
        "Đã ghi nhận hoàn thành phần việc" in m.subject and "Chủ trì: tất cả các phòng, đơn vị" in m.body
        for m in sent
    )
    assert sorted(m.body.split("; còn ")[1].split(" phòng")[0] for m in sent) == ["5", "6"]
    parts = w.parts(every)
    assert {n for n, st in parts.items() if st is not TaskStatus.OPEN} == {
        "Phòng Kế hoạch - Tài chính",
        "Phòng Quản lý công nghệ",
    }
    assert _states(w)[every] == "open"

    # day by day to the end of the month: reminders and escalations of NV-1 reach only the five units not done
    done_units = {KHTC, QLCN, HEAD["Phòng Kế hoạch - Tài chính"], HEAD["Phòng Quản lý công nghệ"]}
    pending_boxes = {MAILBOX[n] for n in UNITS} - {KHTC, QLCN}
    log: dict[date, list[Sent]] = {}
    day = date(2026, 11, 5)
    while day <= date(2026, 11, 30):
        # the five others answer: the last one closes the task, late (deadline 13/11)
        if day == date(2026, 11, 18):
            # the office's mail listed NV-1 and NV-2: its answer names NV-1
            for unit in sorted(pending_boxes):
                subject = "Re: [NV-1] hoàn thành" if unit == VP else None
                w.dovecot.append(w.user, _reply(unit, assignment[unit], "Đã hoàn thành.", subject))
        log[day] = w.at(vn(day.year, day.month, day.day, 8, 30))
        every_mails = [m for m in log[day] if "[NV-1]" in m.subject and "Đã ghi nhận" not in m.subject]
        for m in every_mails:
            assert not (m.to | m.cc) & done_units, f"{day}: a unit that finished was chased: {m.subject}"
        if day < date(2026, 11, 18):
            assert _states(w)[every] == "open"
        day += timedelta(days=1)
    reminders = {
        d: [m for m in ms if "[NV-1]" in m.subject and "Đã ghi nhận" not in m.subject]
        for d, ms in log.items()
    }
    pending_heads = {HEAD[n] for n in UNITS} - done_units
    # each unit gets its own mail of the day (service.tasks.bundles): five mails a step, one per unit not
    # done, its head in copy once overdue; together they reach exactly the mailboxes one shared mail reached
    # before
    by_step: dict[tuple[date, str], list[Sent]] = {}
    for d, ms in reminders.items():
        for m in ms:
            by_step.setdefault((d, m.subject.split(" - ")[0]), []).append(m)
    assert [
        (d, subject, len(ms), frozenset().union(*(m.to for m in ms)), frozenset().union(*(m.cc for m in ms)))
        for (d, subject), ms in by_step.items()
    ] == [
        (
            date(2026, 11, 10),
            "[NV-1] Nhắc việc: còn 3 ngày làm việc (hạn 13/11/2026)",
            5,
            pending_boxes,
            frozenset(),
        ),
        (
            date(2026, 11, 12),
            "[NV-1] Nhắc việc: còn 1 ngày làm việc (hạn 13/11/2026)",
            5,
            pending_boxes,
            frozenset(),
        ),
        (date(2026, 11, 13), "[NV-1] Nhắc việc: hôm nay đến hạn (13/11/2026)", 5, pending_boxes, frozenset()),
        (
            date(2026, 11, 16),
            "[NV-1] Quá hạn 1 ngày làm việc (hạn 13/11/2026)",
            5,
            pending_boxes,
            pending_heads,
        ),
    ], "only the five units not done are reminded, then their heads escalated; nothing once the task closed"
    assert all(len(m.to) == 1 for ms in reminders.values() for m in ms)
    assert not any(ms for d, ms in reminders.items() if d > date(2026, 11, 18)), (
        "nothing after the task closed"
    )
    acks = [m for m in log[date(2026, 11, 18)] if "Đã ghi nhận" in m.subject]
    assert sorted(a for m in acks for a in m.to) == sorted(pending_boxes) and all(
        len(m.to) == 1 for m in acks
    )
    assert sum("hoàn thành quá hạn" in m.body for m in acks) == 1  # the last part closed the task
    early = {"Phòng Kế hoạch - Tài chính", "Phòng Quản lý công nghệ"}
    assert _states(w)[every] == "done_late" and w.parts(every) == {
        n: TaskStatus.DONE_ON_TIME if n in early else TaskStatus.DONE_LATE for n in UNITS
    }
    monthly_mails = [(d, m) for d, ms in log.items() for m in ms if "[NV-2]" in m.subject]
    assert [(d, sorted(m.to), sorted(m.cc), m.subject.split(" - ")[0]) for d, m in monthly_mails] == [
        (date(2026, 11, 19), [VP], [], "[NV-2] Nhắc việc: còn 3 ngày làm việc (hạn 25/11/2026)"),
        (date(2026, 11, 23), [VP], [], "[NV-2] Nhắc việc: còn 1 ngày làm việc (hạn 25/11/2026)"),
        (date(2026, 11, 25), [VP], [], "[NV-2] Nhắc việc: hôm nay đến hạn (25/11/2026)"),
        (date(2026, 11, 26), [VP], [HEAD["Văn phòng Sở"]], "[NV-2] Quá hạn 1 ngày làm việc (hạn 25/11/2026)"),
        (date(2026, 11, 30), [VP], [HEAD["Văn phòng Sở"]], "[NV-2] Quá hạn 3 ngày làm việc (hạn 25/11/2026)"),
    ], "the monthly task known only by its day is reminded, then escalated, in its first month"
    # the director is never mailed per task: on 30/11 (Monday) the organisation digest names the Office's task
    [org] = [m for m in log[date(2026, 11, 30)] if m.subject.startswith("Tổng hợp toàn cơ quan")]
    assert (org.to, org.cc) == (
        {DIRECTOR},
        {VP},
    ) and "Văn phòng Sở chưa hoàn thành nhiệm vụ [NV-2]" in org.body
    assert "khẩn trương" not in org.body and not [
        m
        for ms in log.values()
        for m in ms
        if DIRECTOR in m.to and m is not org and not m.subject.startswith(("Tổng hợp", "Đơn vị chưa"))
    ]
    _print_log(log)


def _initial_assignments(w: Walk) -> list[Sent]:
    out = []
    for captured in w.smtp.messages:
        mail = captured.message()
        if "[NV-1]" in str(mail["Subject"]) and "Giao nhiệm vụ" in str(mail["Subject"]):
            out.append(Sent(frozenset({str(mail["To"])}), frozenset(), str(mail["Subject"]), "", mail))
    return out


def _print_log(log: dict[date, list[Sent]]) -> None:
    for day, mails in log.items():
        for m in mails:
            print(day, sorted(m.to), m.subject[:80])
