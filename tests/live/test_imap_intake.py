"""IMAP intake against a real Dovecot: IDLE pickup, reconnect, UIDVALIDITY reset, marking after commit."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from service.runners.intake import intake_once
from service.mailbox import open_mailbox
from service.store.models import InboundMessage, SyncState
from service.store.stages import Stage
from tests.live.mailgen import notice_mail

pytestmark = pytest.mark.live
KW = b"$DocketProcessed"


def rows(app) -> list[InboundMessage]:  # type: ignore[no-untyped-def]
    with app.sessions() as s:
        return list(s.scalars(select(InboundMessage).order_by(InboundMessage.id)))


def test_idle_pickup_keyword_after_commit_and_never_seen(imap_app, dovecot) -> None:  # type: ignore[no-untyped-def]
    app, user = imap_app()
    box = open_mailbox(app.settings.mailbox, settings=app.settings)
    try:
        assert intake_once(app, box) == 0
        threading.Timer(0.3, dovecot.append, (user, notice_mail(1))).start()
        started = time.monotonic()
        assert box.wait_for_mail(timeout=10) is True
        waited = time.monotonic() - started
        assert intake_once(app, box) == 1
    finally:
        box.close()
    assert waited < 5
    [row] = rows(app)
    assert row.stage is Stage.RECEIVED and row.marked_on_server
    assert row.source_key == f"{dovecot.uidvalidity(user)}:1" and row.uid == 1 and row.message_id
    flags = dovecot.flags(user)[1]
    assert KW in flags and b"\\Seen" not in flags


def test_sync_fetches_only_new_uids(imap_app, dovecot) -> None:  # type: ignore[no-untyped-def]
    app, user = imap_app()
    dovecot.append_many(user, [notice_mail(i) for i in range(3)])
    box = open_mailbox(app.settings.mailbox, settings=app.settings)
    try:
        assert intake_once(app, box) == 3
        assert box.new_keys_after(3) == []
        assert intake_once(app, box) == 0
        dovecot.append(user, notice_mail(9))
        assert box.new_keys_after(3) == [f"{box.uidvalidity()}:4"]
        assert intake_once(app, box) == 1
    finally:
        box.close()
    with app.sessions() as s:
        assert s.get(SyncState, box.name).last_uid == 4
    assert len(rows(app)) == 4


def test_not_marked_when_the_commit_fails_then_recovered(imap_app, dovecot, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    import service.runners.intake as intake

    app, user = imap_app()
    dovecot.append(user, notice_mail(1))
    box = open_mailbox(app.settings.mailbox, settings=app.settings)
    real_store = intake._store

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("database went away")

    monkeypatch.setattr(intake, "_store", broken)
    try:
        with pytest.raises(RuntimeError):
            intake_once(app, box)
        assert KW not in dovecot.flags(user)[1]  # nothing stored, so nothing marked
        monkeypatch.setattr(intake, "_store", real_store)
        assert intake_once(app, box) == 1
    finally:
        box.close()
    assert KW in dovecot.flags(user)[1]


def test_move_to_processed_folder_after_commit(imap_app, dovecot) -> None:  # type: ignore[no-untyped-def]
    app, user = imap_app(processed_action="move", processed_folder="Docket/Done")
    dovecot.append_many(user, [notice_mail(i) for i in range(2)])
    box = open_mailbox(app.settings.mailbox, settings=app.settings)
    try:
        assert intake_once(app, box) == 2
        assert intake_once(app, box) == 0
    finally:
        box.close()
    assert dovecot.uids(user) == []
    assert len(dovecot.uids(user, "Docket/Done")) == 2
    assert all(r.marked_on_server for r in rows(app))
    assert all(b"\\Seen" not in f for f in dovecot.flags(user, "Docket/Done").values())


def test_starttls_and_plain_loopback_urls(imap_app, dovecot) -> None:  # type: ignore[no-untyped-def]
    for scheme in ("imap", "imap-plain"):
        app, user = imap_app(scheme=scheme)
        dovecot.append(user, notice_mail(1))
        box = open_mailbox(app.settings.mailbox, settings=app.settings)
        try:
            assert intake_once(app, box) == 1
        finally:
            box.close()


def test_untrusted_certificate_is_refused(make_app, dovecot) -> None:  # type: ignore[no-untyped-def]
    user, _ = dovecot.user()
    app = make_app(mailbox=dovecot.url(user))  # no imap_cafile: the self-signed cert must not verify
    box = open_mailbox(app.settings.mailbox, settings=app.settings)
    try:
        assert intake_once(app, box) == 0
    finally:
        box.close()
    with app.sessions() as s:
        assert "CERTIFICATE_VERIFY_FAILED" in (s.get(SyncState, box.name).last_error or "")


def test_uidvalidity_reset_neither_skips_nor_reprocesses(imap_app, dovecot) -> None:  # type: ignore[no-untyped-def]
    app, user = imap_app()
    dovecot.append_many(user, [notice_mail(i) for i in range(3)])
    box = open_mailbox(app.settings.mailbox, settings=app.settings)
    try:
        assert intake_once(app, box) == 3
        before = box.uidvalidity()
        c = dovecot.client(user)  # the worst case: the server also forgot our keywords
        c.remove_flags(c.search("ALL"), [KW])
        c.logout()
        dovecot.reset_uidvalidity(user)
        dovecot.append(user, notice_mail(7))  # new mail after the reset, with a low new UID
        assert intake_once(app, box) == 1
        after = box.uidvalidity()
        assert intake_once(app, box) == 0
    finally:
        box.close()
    assert after != before
    all_rows = rows(app)
    assert len(all_rows) == 4
    assert {r.uidvalidity for r in all_rows} == {after}  # the three old ones were re-keyed
    assert sorted(r.uid for r in all_rows) == [1, 2, 3, 4]
    assert all(KW in f for f in dovecot.flags(user).values())
    with app.sessions() as s:
        assert s.get(SyncState, box.name).uidvalidity == after


def test_reconnect_after_server_restart_during_idle(imap_app, dovecot) -> None:  # type: ignore[no-untyped-def]
    """The daemon idles; Dovecot restarts; mail appended afterwards is still picked up."""
    from service.runners.daemon import run_daemon

    app, user = imap_app(poll_interval=3)
    stop = threading.Event()
    worker = threading.Thread(
        target=run_daemon, args=(app,), kwargs={"once": False, "stop": stop}, daemon=True
    )
    worker.start()
    try:
        time.sleep(1.5)  # the daemon is idling now
        dovecot.restart(down_for=0.5)
        dovecot.append(user, notice_mail(1, sender="stranger@elsewhere.example"))
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not rows(app):
            time.sleep(0.2)
        found = rows(app)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and found and found[0].stage is Stage.RECEIVED:
            time.sleep(0.2)
            found = rows(app)
    finally:
        stop.set()
        worker.join(30)
    assert not worker.is_alive()
    assert len(found) == 1 and found[0].stage is Stage.QUARANTINED


def test_two_workers_same_mailbox_record_each_message_once(imap_app, dovecot) -> None:  # type: ignore[no-untyped-def]
    app, user = imap_app()
    dovecot.append_many(user, [notice_mail(i) for i in range(40)])
    boxes = [open_mailbox(app.settings.mailbox, settings=app.settings) for _ in range(2)]
    counts: list[int] = []
    threads = [threading.Thread(target=lambda b=b: counts.append(intake_once(app, b))) for b in boxes]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    for b in boxes:
        b.close()
    assert sum(counts) == 40
    with app.sessions() as s:
        assert s.scalar(select(func.count()).select_from(InboundMessage)) == 40


def test_idle_is_reissued_before_idle_timeout_and_polling_without_idle(imap_app, dovecot) -> None:  # type: ignore[no-untyped-def]
    app, user = imap_app(idle_timeout=1.0, poll_interval=0.5)
    box = open_mailbox(app.settings.mailbox, settings=app.settings)
    try:
        started = time.monotonic()
        assert box.wait_for_mail(timeout=10) is False  # IDLE ended by idle_timeout, well before the 10 s
        assert time.monotonic() - started < 3
        box._idle_capable = False  # a server without IDLE: a plain wait of poll_interval
        started = time.monotonic()
        box.wait_for_mail(timeout=10)
        assert 0.4 < time.monotonic() - started < 2
        dovecot.append(user, notice_mail(1))
        assert intake_once(app, box) == 1
    finally:
        box.close()


def test_server_down_costs_a_backoff_not_an_exception(imap_app, dovecot) -> None:  # type: ignore[no-untyped-def]
    app, user = imap_app()
    box = open_mailbox(app.settings.mailbox, settings=app.settings)
    try:
        assert intake_once(app, box) == 0
        dovecot.stop()
        box.close()  # post-login imap processes may outlive the master: force a new connection
        try:
            started = time.monotonic()
            assert box.wait_for_mail(timeout=2) is False
            assert time.monotonic() - started <= 2.5
            assert intake_once(app, box) == 0  # recorded as a sync error, not raised
            with app.sessions() as s:
                assert s.get(SyncState, box.name).last_error
        finally:
            dovecot.start()
        dovecot.append(user, notice_mail(2))
        assert intake_once(app, box) == 1
    finally:
        box.close()


def test_bodies_are_fetched_a_bounded_number_of_bytes_at_a_time(imap_app, dovecot) -> None:  # type: ignore[no-untyped-def]
    app, user = imap_app()
    mails = [notice_mail(i) for i in range(5)]
    dovecot.append_many(user, mails)
    box = open_mailbox(app.settings.mailbox, settings=app.settings)
    try:
        # RFC822.SIZE counts CRLF
        on_server = max(len(m.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")) for m in mails)
        box.fetch_bytes = 2 * on_server + 10  # room for two messages per body fetch
        uids = [int(k.split(":")[1]) for k in box.new_keys(set())]
        groups = box._groups_by_size(uids)
        assert [len(g) for g in groups] == [2, 2, 1] and sum(groups, []) == uids
        box.fetch_bytes = 1  # every message alone, each still fetched whole
        fetched = list(box.fetch(box.new_keys(set())))
    finally:
        box.close()
    assert [m.raw.replace(b"\r\n", b"\n") for m in fetched] == [m.replace(b"\r\n", b"\n") for m in mails]
