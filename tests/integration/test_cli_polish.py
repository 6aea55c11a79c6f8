"""The admin CLI reads well: lenient unit names, checked option values, tables that fill the terminal,
Vietnamese views."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from rich.cells import cell_len

from tests.integration.cli_support import KHTC, NOW, QLCN, VP, Office, seed_office


@pytest.fixture
def office_db(make_app, office: Path, database_url: str) -> Office:  # type: ignore[no-untyped-def]
    return seed_office(make_app, office, database_url)


def _one_line_error(o: Office, *args: str) -> str:
    result = o.run(*args)
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("docket: ") and not result.stdout, result.output
    return lines[0]


def test_unit_names_without_diacritics_case_or_with_an_alias(office_db: Office) -> None:
    o = office_db
    exact = o.json("tasks", "list", "--unit", KHTC, "--now", NOW)
    for typed in (
        "phong ke hoach",
        "PHÒNG KẾ HOẠCH - TÀI CHÍNH",
        "phong ke hoach tai chinh",
        "KH-TC",
        "kh tc",
    ):
        assert o.json("tasks", "list", "--unit", typed, "--now", NOW) == exact, typed
    # support of NV-1
    assert [r["lead"] for r in o.json("tasks", "list", "--unit", "van phong", "--now", NOW)] == [[KHTC]]
    edited = o.ok(
        "tasks",
        "edit",
        f"NV-{o.task_ids[1]}",
        "--lead",
        "phong quan ly cong nghe",
        "--support",
        "vp so",
        "--now",
        NOW,
    ).stdout
    assert f"Đơn vị phối hợp: (trống) → {VP}" in edited


def test_an_ambiguous_or_unknown_unit_is_one_line_with_suggestions(office_db: Office) -> None:
    o = office_db
    line = _one_line_error(o, "tasks", "list", "--unit", "phong", "--now", NOW)
    assert line == (
        f"docket: unit 'phong' is ambiguous: it could be {VP}, {KHTC}, {QLCN}; type more of the name"
    )
    line = _one_line_error(o, "tasks", "list", "--unit", "phong ke toan", "--now", NOW)
    assert line.startswith(f"docket: unknown unit 'phong ke toan'; did you mean: {KHTC}")


def test_option_values_from_a_fixed_set_are_checked(office_db: Office) -> None:
    o = office_db
    assert _one_line_error(o, "outbox", "list", "--kind", "foo").startswith(
        "docket: unknown kind 'foo': use one of "
    )
    assert o.run("outbox", "list", "--kind", "assignment").exit_code == 0
    assert _one_line_error(o, "outbox", "list", "--status", "lost").startswith(
        "docket: unknown status 'lost'"
    )
    assert _one_line_error(o, "tasks", "list", "--status", "foo").startswith("docket: unknown status 'foo'")
    assert _one_line_error(o, "messages", "list", "--stage", "foo").startswith("docket: unknown stage 'foo'")


def test_status_merged_lists_what_is_shown_as_merged(office_db: Office) -> None:
    o = office_db
    keep, drop = f"NV-{o.task_ids[0]}", f"NV-{o.task_ids[3]}"
    o.ok("tasks", "merge", keep, drop, "--now", NOW)
    merged = o.json("tasks", "list", "--status", "merged", "--now", NOW)
    assert [(r["id"], r["status"], r["merged_into"]) for r in merged] == [(drop, "merged", keep)]
    assert o.json("tasks", "list", "--status", "cancelled", "--now", NOW) == []
    assert "đã gộp" in o.ok("tasks", "list", "--status", "merged", "--now", NOW).stdout


@pytest.mark.parametrize("width", [80, 160])
def test_tables_fill_the_terminal_and_mark_cut_text(office_db: Office, width: int) -> None:
    o = office_db
    o.env["COLUMNS"] = str(width)
    for args in (
        ("tasks", "list"),
        ("notices", "list"),
        ("units", "list"),
        ("outbox", "list"),
        ("messages", "list"),
        ("quarantine", "list"),
        ("inbox", "list", "--all"),
    ):
        lines = (
            o.ok(*args, "--now", NOW).stdout.splitlines()
            if args[0] in ("tasks",)
            else o.ok(*args).stdout.splitlines()
        )
        assert max(cell_len(line) for line in lines) <= width, (args, width)
    table = o.ok("tasks", "list", "--now", NOW).stdout
    rows = [line for line in table.splitlines() if "NV-" in line]
    # each row one line, as wide as the terminal
    assert len(rows) == 4 and all(cell_len(row) == width for row in rows)
    assert all("…" in row for row in rows)  # every sample task is longer than the text column, even at 160
    shown = max(len(row.split("│")[5].strip().rstrip("…")) for row in rows)
    assert shown >= (70 if width == 160 else 18)  # the task column gets the room the terminal has


def test_task_show_reads_as_vietnamese_with_the_zone_said_once(office_db: Office) -> None:
    o = office_db
    number = f"NV-{o.task_ids[0]}"
    out = o.ok("tasks", "cancel", number, "--reason", "đã có văn bản khác thay thế", "--now", NOW).stdout
    assert (
        "Trạng thái: đang thực hiện → đã hủy" in out
        and "Đã báo cho các đơn vị liên quan: hủy nhiệm vụ" in out
    )
    shown = o.ok("tasks", "show", number, "--now", NOW).stdout
    assert shown.count("Asia/Ho_Chi_Minh") == 1 and "Lịch sử (giờ Asia/Ho_Chi_Minh):" in shown
    assert "25/11/2026 08:30" in shown  # the seed's clock, local
    assert (
        "Ghi nhận nhiệm vụ từ văn bản, độ tin cậy 90%" in shown
        and "Trạng thái: đang thực hiện → đã hủy" in shown
    )
    for internal in ("confidence=", "∅", "cancelled", "units notified", "status:"):
        assert internal not in shown, internal


def test_status_in_an_empty_folder_creates_nothing(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOCKET_")}
    result = subprocess.run(
        [sys.executable, "-m", "service", "status"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 1
    assert "does not exist: run `docket db upgrade`" in result.stderr and "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_messages_show_times_in_the_office_zone(office_db: Office) -> None:
    from datetime import datetime, timezone

    from service.store.models import InboundMessage
    from service.store.stages import Stage

    o = office_db
    with o.app.sessions.begin() as session:
        row = InboundMessage(
            mailbox="maildir:/x",
            source_key="k1",
            content_hash="0" * 64,
            raw=b"x",
            size=1,
            sender="van.thu@skhcn.binhminh.example.vn",
            subject="Thông báo",
            stage=Stage.FAILED,
            received_at=datetime(2026, 11, 25, 13, 5, tzinfo=timezone.utc),
            error="không đọc được",
        )
        session.add(row)
        session.flush()
        number = row.id
    listed = o.ok("messages", "list").stdout
    assert "25/11/2026 20:05" in listed and "13:05" not in listed and "Nhận lúc (Asia/Ho_Chi_Minh)" in listed
    assert "lỗi" in listed  # the stage, in Vietnamese
    shown = o.ok("messages", "show", str(number)).stdout
    assert "Nhận lúc: 25/11/2026 20:05" in shown and shown.count("Asia/Ho_Chi_Minh") == 1
