"""The Maildir inbox wakes the daemon as soon as a file lands (inotify, or polling where inotify is
missing)."""

from __future__ import annotations

import mailbox
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from service.runners.daemon import run_daemon
from service.mailbox.dirwatch import DirectoryWatch
from service.mailbox import MaildirMailbox
from service.store.models import InboundMessage

from tests.integration.test_loop import _plain


def _drop_later(box: mailbox.Maildir, raw: bytes, delay: float) -> threading.Thread:
    thread = threading.Thread(target=lambda: (time.sleep(delay), box.add(raw)), daemon=True)
    thread.start()
    return thread


@pytest.mark.parametrize("use_inotify", [True, False], ids=["inotify", "polling"])
def test_a_delivered_file_wakes_the_wait_within_a_second(tmp_path: Path, use_inotify: bool) -> None:
    box = mailbox.Maildir(str(tmp_path / "inbox"), create=True)
    watch = DirectoryWatch([tmp_path / "inbox" / "new", tmp_path / "inbox" / "cur"], use_inotify=use_inotify)
    try:
        assert watch.mode == ("inotify" if use_inotify else "polling")
        assert watch.wait(0.3) is False  # nothing arrived: the wait runs out
        dropper = _drop_later(box, _plain("Họp giao ban", "Đề nghị các phòng báo cáo."), 0.2)
        started = time.monotonic()
        assert watch.wait(30.0) is True
        assert time.monotonic() - started < 1.2  # 0.2 s until the drop, then at most one poll step
        dropper.join()
    finally:
        watch.close()


def test_stop_ends_the_wait(tmp_path: Path) -> None:
    box = MaildirMailbox(tmp_path / "inbox")
    stop = threading.Event()
    threading.Timer(0.2, stop.set).start()
    started = time.monotonic()
    try:
        assert box.wait_for_mail(30.0, stop) is False
    finally:
        box.close()
    assert time.monotonic() - started < 1.0


def test_the_daemon_reads_a_new_file_within_a_second_despite_a_long_poll_interval(
    make_app, office: Path
) -> None:  # type: ignore[no-untyped-def]
    app = make_app(poll_interval=60.0)
    stop = threading.Event()
    worker = threading.Thread(
        target=run_daemon, args=(app,), kwargs={"once": False, "stop": stop}, daemon=True
    )
    worker.start()

    def received() -> int:
        with app.sessions() as session:
            return session.scalar(select(func.count(InboundMessage.id))) or 0

    try:
        time.sleep(2.0)  # start-up and the first (empty) pass are over; the daemon waits for mail
        assert received() == 0
        (office / "mail").mkdir(exist_ok=True)
        box = mailbox.Maildir(str(office / "mail" / "inbox"), create=True)
        box.add(
            _plain(
                "Thông báo kết luận", "Giao Phòng Kế hoạch - Tài chính chủ trì báo cáo trước ngày 30/11/2026."
            )
        )
        dropped = time.monotonic()
        while received() == 0 and time.monotonic() - dropped < 10:
            time.sleep(0.02)
        latency = time.monotonic() - dropped
    finally:
        stop.set()
        worker.join(30)
    assert received() == 1
    print(f"pickup latency {latency:.3f} s")  # shown with -s: the figure for the notes
    assert latency < 1.0, f"picked up after {latency:.2f} s"


def test_a_dropped_watch_gives_its_descriptor_back(tmp_path: Path) -> None:
    import gc
    import os

    (tmp_path / "new").mkdir()
    before = len(os.listdir("/proc/self/fd"))
    for _ in range(200):  # more than the 128 inotify instances a user may hold by default
        DirectoryWatch([tmp_path / "new"])
    gc.collect()
    assert len(os.listdir("/proc/self/fd")) <= before + 1
    watch = DirectoryWatch([tmp_path / "new"])
    assert watch.mode == "inotify"
    watch.close()
    watch.close()  # twice is harmless
