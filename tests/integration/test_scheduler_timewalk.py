"""Walk notices through time: which reminders and escalations go to whom on which day.

The dev-00 sample notice (tasks from its gold file, Lạng Sơn directory) in July-August 2020, and a
notice of our own with deadlines around Tết Bính Ngọ (days off 16-20/2/2026).
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from service.clock import FixedClock
from service.store.models import Task
from service.runners.scheduler import run_due
from outbox.models import OutboxStatus
from tests.conftest import CORPUS, need, vn
from tests.integration.outbox_support import GoldTask, gold_tasks, outbox_rows, register_notice

LS = "stnmt.langson.example.vn"
VP, VP_HEAD, DIRECTOR = f"vanphong@{LS}", f"hien.ntt@{LS}", f"giamdoc@{LS}"
TT, TT_HEAD = f"ttcntt@{LS}", f"duc.cm@{LS}"
KH, KH_HEAD = f"khtc@{LS}", f"mai.dt@{LS}"
ALL_UNITS = frozenset(
    f"{u}@{LS}"
    for u in (
        "vanphong",
        "thanhtra",
        "khtc",
        "qldd",
        "tnnks",
        "ccbvmt",
        "vpdkdd",
        "chinhanh-vpdkdd",
        "ttcntt",
    )
)
ALL_HEADS = frozenset(
    f"{h}@{LS}"
    for h in ("hien.ntt", "tuan.lv", "mai.dt", "thang.vv", "hang.nt", "long.hd", "hung.lv", "duc.cm")
)


def _walk(app, start: date, end: date, *, on_day=None, mails=None):  # type: ignore[no-untyped-def]
    """Run the scheduler at 08:30 every day; returns {day: [(kind, level, task_id, to, cc)]} of the steps
    recorded (one row per task and step); `mails` (a dict) receives {day: [row]} of the mails that carry
    them."""
    seen = {r.id for r in outbox_rows(app)}
    log: dict[date, list[tuple[str, str, int, frozenset[str], frozenset[str]]]] = {}
    day = start
    while day <= end:
        app.clock = FixedClock(vn(day.year, day.month, day.day, 8, 30))
        if on_day:
            on_day(day)
        run_due(app)
        assert run_due(app) == 0, f"a second pass at the same --now queued more on {day}"
        rows = [r for r in outbox_rows(app) if r.id not in seen]
        new = [r for r in rows if r.kind in ("reminder", "escalation")]
        _nothing_lost(new, [r for r in rows if r.kind in CARRIERS])
        to_units = [
            a
            for r in rows
            if r.kind in ("bundle", "digest") and r.status is OutboxStatus.PENDING
            for a in r.to_addrs
        ]
        assert len(to_units) == len(set(to_units)), (
            f"{day}: a unit got two mails (its reminders and its digest)"
        )
        if mails is not None and any(r.kind in CARRIERS for r in rows):
            mails[day] = [r for r in rows if r.kind in CARRIERS]
        seen |= {r.id for r in outbox_rows(app)}
        if new:
            log[day] = sorted(
                (r.kind, r.dedupe_key.split(":")[2], r.task_id, frozenset(r.to_addrs), frozenset(r.cc_addrs))
                for r in new
            )
        day += timedelta(days=1)
    return log


CARRIERS = ("bundle", "org-digest")  # the mails that carry the day's steps


def _nothing_lost(steps, carriers) -> None:  # type: ignore[no-untyped-def]
    """Every step recorded today reaches each mailbox or head it names: a unit inside its one mail of the day,
    the director and the Office (named as such) in the organisation digest; the step rows themselves are not
    sent."""
    assert all(r.status is OutboxStatus.BUNDLED for r in steps), [(r.dedupe_key, r.status) for r in steps]
    bundles = [r for r in carriers if r.kind == "bundle"]
    assert len({r.to_addrs[0] for r in bundles}) == len(bundles), "two mails to one unit on one day"
    for step in steps:
        token = f"[NV-{step.task_id}]"
        # the director and the Office (as such): the organisation digest
        for address in {*step.to_addrs, *step.cc_addrs}:
            assert any(token in r.body_text and address in (*r.to_addrs, *r.cc_addrs) for r in carriers), (
                step.dedupe_key,
                address,
            )
        carried = step.headers["X-Docket-Bundled-In"].split()
        assert carried and set(carried) <= {r.message_id for r in carriers}


@pytest.mark.corpus
def test_dev00_walk_from_notice_to_a_month_after(make_app) -> None:  # type: ignore[no-untyped-def]
    need((CORPUS / "dev-00.json").exists(), "the dev corpus is not at ../shared/corpus")
    app = make_app(
        now=vn(2020, 7, 24, 9, 0),
        directory=str(CORPUS / "directory-langson-stnmt.yaml"),
        from_address=f"docket@{LS}",
    )
    doc, tasks = gold_tasks(CORPUS / "dev-00.json")
    text = (CORPUS / "dev-00.txt").read_text(encoding="utf-8")
    with app.sessions.begin() as session:
        result = register_notice(app, session, text=text, doc=doc, tasks=tasks, now=app.clock.now())
        ids = {t.text: t.id for t in result.new_tasks}
    a = ids["xây dựng lại báo cáo, phân công chi tiết"]  # Văn phòng Sở, 31/7/2020 (Fri)
    b = ids["hoàn thiện quy trình để triển khai thực hiện"]  # every unit, 05/8/2020
    c = ids["xây dựng báo cáo đề dẫn về chỉnh sửa"]  # Trung tâm CNTT, 10/8/2020 (Mon)
    d = ids["tổ chức đối thoại với các doanh nghiệp"]  # Phòng KH-TC, 20/8/2020, quarterly

    def on_day(day: date) -> None:
        if day == date(2020, 8, 7):  # the Trung tâm reports done before its deadline
            from service.tasks.closing import mark_done

            with app.sessions.begin() as session:
                mark_done(
                    app, session, session.get(Task, c), actor=TT, note="Đã hoàn thành", now=app.clock.now()
                )

    mails: dict[date, list] = {}  # type: ignore[type-arg]
    log = _walk(app, date(2020, 7, 24), date(2020, 8, 31), on_day=on_day, mails=mails)
    none, v = frozenset(), frozenset
    expected = {
        date(2020, 7, 28): [("reminder", "T-3", a, v({VP}), none)],
        date(2020, 7, 30): [("reminder", "T-1", a, v({VP}), none)],
        date(2020, 7, 31): sorted(
            [("reminder", "T0", a, v({VP}), none), ("reminder", "T-3", b, ALL_UNITS, none)]
        ),
        date(2020, 8, 3): [("escalation", "Q+1", a, v({VP_HEAD}), v({VP}))],
        date(2020, 8, 4): [("reminder", "T-1", b, ALL_UNITS, none)],
        date(2020, 8, 5): sorted(
            [
                ("escalation", "Q+3", a, v({VP, DIRECTOR}), v({VP_HEAD})),
                ("reminder", "T0", b, ALL_UNITS, none),
                ("reminder", "T-3", c, v({TT}), none),
            ]
        ),
        date(2020, 8, 6): [("escalation", "Q+1", b, ALL_HEADS, ALL_UNITS)],
        date(2020, 8, 10): [("escalation", "Q+3", b, v({VP, DIRECTOR}), (ALL_UNITS | ALL_HEADS) - {VP})],
        date(2020, 8, 12): [("escalation", "R1", a, v({VP, DIRECTOR}), v({VP_HEAD}))],
        date(2020, 8, 17): sorted(
            [
                ("escalation", "R1", b, v({VP, DIRECTOR}), (ALL_UNITS | ALL_HEADS) - {VP}),
                ("reminder", "T-3", d, v({KH}), none),
            ]
        ),
        date(2020, 8, 19): sorted(
            [("escalation", "R2", a, v({VP, DIRECTOR}), v({VP_HEAD})), ("reminder", "T-1", d, v({KH}), none)]
        ),
        date(2020, 8, 20): [("reminder", "T0", d, v({KH}), none)],
        date(2020, 8, 21): [("escalation", "Q+1", d, v({KH_HEAD}), v({KH}))],
        date(2020, 8, 24): [("escalation", "R2", b, v({VP, DIRECTOR}), (ALL_UNITS | ALL_HEADS) - {VP})],
        date(2020, 8, 25): [("escalation", "Q+3", d, v({VP, DIRECTOR}), v({KH, KH_HEAD}))],
        date(2020, 8, 26): [("escalation", "R3", a, v({VP, DIRECTOR}), v({VP_HEAD}))],
        date(2020, 8, 31): [("escalation", "R3", b, v({VP, DIRECTOR}), (ALL_UNITS | ALL_HEADS) - {VP})],
    }
    assert log == expected
    # what goes out (issue 14): each unit one mail a day carrying its steps, the director and the Office one
    # organisation digest on the weekly day and on the days a step names them (instead of a mail per task)
    bundles = {day: sum(r.kind == "bundle" for r in rows) for day, rows in mails.items()}
    assert bundles == {
        date(2020, 7, 27): 0,
        date(2020, 7, 28): 1,
        date(2020, 7, 30): 1,
        date(2020, 7, 31): 9,
        date(2020, 8, 3): 1,
        date(2020, 8, 4): 9,
        date(2020, 8, 5): 9,
        date(2020, 8, 6): 9,
        date(2020, 8, 10): 9,
        date(2020, 8, 12): 1,
        date(2020, 8, 17): 9,
        date(2020, 8, 19): 2,
        date(2020, 8, 20): 1,
        date(2020, 8, 21): 1,
        date(2020, 8, 24): 9,
        date(2020, 8, 25): 1,
        date(2020, 8, 26): 1,
        date(2020, 8, 31): 9,
    }
    org = [(day, r) for day, rows in mails.items() for r in rows if r.kind == "org-digest"]
    assert [(day, r.subject.split(" (")[0]) for day, r in org] == [
        (date(2020, 7, 27), "Tổng hợp toàn cơ quan tuần 31/2020"),
        (date(2020, 8, 3), "Tổng hợp toàn cơ quan tuần 32/2020"),
        (date(2020, 8, 5), "Đơn vị chưa hoàn thành nhiệm vụ quá hạn, ngày 05/08/2020"),
        (date(2020, 8, 10), "Tổng hợp toàn cơ quan tuần 33/2020"),
        (date(2020, 8, 12), "Đơn vị chưa hoàn thành nhiệm vụ quá hạn, ngày 12/08/2020"),
        (date(2020, 8, 17), "Tổng hợp toàn cơ quan tuần 34/2020"),
        (date(2020, 8, 19), "Đơn vị chưa hoàn thành nhiệm vụ quá hạn, ngày 19/08/2020"),
        (date(2020, 8, 24), "Tổng hợp toàn cơ quan tuần 35/2020"),
        (date(2020, 8, 25), "Đơn vị chưa hoàn thành nhiệm vụ quá hạn, ngày 25/08/2020"),
        (date(2020, 8, 26), "Đơn vị chưa hoàn thành nhiệm vụ quá hạn, ngày 26/08/2020"),
        (date(2020, 8, 31), "Tổng hợp toàn cơ quan tuần 36/2020"),
    ]
    assert all((r.to_addrs, r.cc_addrs) == ([DIRECTOR], [VP]) for _, r in org)
    on_5_8 = dict(org)[date(2020, 8, 5)].body_text
    assert (
        f"1. Văn phòng Sở chưa hoàn thành nhiệm vụ [NV-{a}]" in on_5_8 and "quá hạn 3 ngày làm việc" in on_5_8
    )
    assert "khẩn trương" not in on_5_8 and '"Đã hoàn thành"' not in on_5_8
    vp_5_8 = next(r for r in mails[date(2020, 8, 5)] if r.kind == "bundle" and r.to_addrs == [VP])
    assert f"[NV-{a}] [NV-{b}] Nhắc việc ngày 05/08/2020: 2 nhiệm vụ, 1 quá hạn" in vp_5_8.subject
    assert vp_5_8.cc_addrs == [VP_HEAD]
    assert "hôm nay đến hạn" in vp_5_8.body_text and "quá hạn 3 ngày làm việc" in vp_5_8.body_text
    with app.sessions() as session:  # the quarterly task got its next occurrence when it passed its deadline
        nxt = session.query(Task).filter(Task.previous_id == d).one()
        assert (nxt.deadline, nxt.original_deadline, nxt.status.value) == (
            date(2020, 11, 20),
            date(2020, 11, 20),
            "open",
        )
        assert nxt.unit_names(nxt.units[0].role) == ["Phòng Kế hoạch - Tài chính"]
        assert session.get(Task, c).status.value == "done_on_time"


def test_deadlines_around_tet_binh_ngo(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(now=vn(2026, 2, 2, 9, 0))
    text = (
        "Giao Phòng Kế hoạch - Tài chính chủ trì rà soát quyết toán năm 2025, báo cáo trước ngày 13/02/2026. "
        "Thanh tra Sở xây dựng kế hoạch kiểm tra, hoàn thành trước ngày 18/02/2026."
    )
    tasks = [
        GoldTask(
            "rà soát quyết toán năm 2025",
            ("Phòng Kế hoạch - Tài chính",),
            ("Văn phòng Sở",),
            date(2026, 2, 13),
        ),
        GoldTask("xây dựng kế hoạch kiểm tra", ("Thanh tra Sở",), (), date(2026, 2, 18)),
    ]
    with app.sessions.begin() as session:
        result = register_notice(
            app,
            session,
            text=text,
            doc={"type": "Thông báo", "number": "15/TB-SKHCN"},
            tasks=tasks,
            now=app.clock.now(),
            forwarder="van.thu@skhcn.binhminh.example.vn",
        )
        kh, tt = (t.id for t in result.new_tasks)
    log = _walk(app, date(2026, 2, 2), date(2026, 3, 5))
    d = "@skhcn.binhminh.example.vn"
    none, v = frozenset(), frozenset
    office, director = f"vanphong{d}", f"giamdoc{d}"
    assert log == {
        date(2026, 2, 10): [("reminder", "T-3", kh, v({f"khtc{d}"}), none)],
        # 18/2 falls inside Tết: T-3 counts working days back (13, 12, 11/2); T-1 and "on the day" are both
        # Fri 13/2, the last working day before the holiday, and only the later step is sent.
        date(2026, 2, 11): [("reminder", "T-3", tt, v({f"thanhtra{d}"}), none)],
        date(2026, 2, 12): [("reminder", "T-1", kh, v({f"khtc{d}"}), none)],
        date(2026, 2, 13): sorted(
            [("reminder", "T0", kh, v({f"khtc{d}"}), none), ("reminder", "T0", tt, v({f"thanhtra{d}"}), none)]
        ),
        # nothing during Tết (14-22/2); the first working day after it is Mon 23/2
        date(2026, 2, 23): sorted(
            [
                ("escalation", "Q+1", kh, v({f"phuc.lv{d}"}), v({f"khtc{d}"})),
                ("escalation", "Q+1", tt, v({f"hai.dq{d}"}), v({f"thanhtra{d}"})),
            ]
        ),
        date(2026, 2, 25): sorted(
            [
                ("escalation", "Q+3", kh, v({office, director}), v({f"khtc{d}", f"phuc.lv{d}"})),
                ("escalation", "Q+3", tt, v({office, director}), v({f"thanhtra{d}", f"hai.dq{d}"})),
            ]
        ),
        date(2026, 3, 4): sorted(
            [
                ("escalation", "R1", kh, v({office, director}), v({f"khtc{d}", f"phuc.lv{d}"})),
                ("escalation", "R1", tt, v({office, director}), v({f"thanhtra{d}", f"hai.dq{d}"})),
            ]
        ),
    }
    rows = outbox_rows(app, kind="reminder")
    last_day = next(r for r in rows if r.task_id == tt and "T0" in r.dedupe_key)
    assert "ngày làm việc cuối cùng trước hạn 18/02/2026" in last_day.subject
    assert (
        "hôm nay đến hạn (13/02/2026)"
        in next(r for r in rows if r.task_id == kh and "T0" in r.dedupe_key).subject
    )


def test_a_task_registered_late_is_not_reminded_of_steps_already_past(make_app) -> None:  # type: ignore[no-untyped-def]
    app = make_app(now=vn(2026, 11, 26, 9, 0))  # Thu; deadline Mon 30/11: T-3 was Wed 25/11
    tasks = [
        GoldTask(
            "rà soát dự toán ngân sách năm 2027", ("Phòng Kế hoạch - Tài chính",), (), date(2026, 11, 30)
        )
    ]
    with app.sessions.begin() as session:
        register_notice(
            app,
            session,
            text="rà soát dự toán ngân sách năm 2027",
            doc={"type": "Thông báo"},
            tasks=tasks,
            now=app.clock.now(),
        )
    log = _walk(app, date(2026, 11, 26), date(2026, 12, 1))
    assert [(day, entries[0][1]) for day, entries in log.items()] == [
        (date(2026, 11, 27), "T-1"),
        (date(2026, 11, 30), "T0"),
        (date(2026, 12, 1), "Q+1"),
    ]
