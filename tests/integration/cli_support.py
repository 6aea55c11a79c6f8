"""Helpers for the admin CLI tests: a seeded office (own sample text) and a runner on the real `docket`
app."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from extractors.base import ExtractedText
from rules.findings import DocumentInfo, Findings, Source, TaskFinding

NOTICE_TEXT = """UBND TỈNH BÌNH MINH
SỞ KHOA HỌC VÀ CÔNG NGHỆ
Số: 15/TB-SKHCN
Bình Minh, ngày 02 tháng 11 năm 2026
THÔNG BÁO
Kết luận của Giám đốc Sở tại cuộc họp giao ban tháng 11 năm 2026
1. Giao Phòng Kế hoạch - Tài chính chủ trì, phối hợp với Văn phòng Sở rà soát dự toán ngân sách năm 2027, báo cáo Giám đốc Sở trước ngày 30/11/2026.
2. Phòng Quản lý công nghệ chủ trì xây dựng kế hoạch kiểm tra công nghệ năm 2027, hoàn thành trong tháng 12/2026.
3. Trung tâm Chuyển đổi số báo cáo tình hình vận hành hệ thống một cửa điện tử hằng tháng, trước ngày 25.
4. Thanh tra Sở tổng hợp kết quả thanh tra chuyên ngành, báo cáo trước ngày 20/11/2026.
"""  # noqa: E501 - the mail or notice as written, long lines and all
KHTC, VP, QLCN, TT, CDS = (
    "Phòng Kế hoạch - Tài chính",
    "Văn phòng Sở",
    "Phòng Quản lý công nghệ",
    "Thanh tra Sở",
    "Trung tâm Chuyển đổi số",
)
TASKS = (  # (item number, lead, support, deadline, recurrence, confidence)
    ("1.", (KHTC,), (VP,), date(2026, 11, 30), None, 0.9),
    ("2.", (QLCN,), (), date(2026, 12, 31), None, 0.8),
    ("3.", (CDS,), (), date(2026, 11, 25), "monthly", 0.5),
    ("4.", (TT,), (), date(2026, 11, 20), None, 0.9),
)
TABLES = (
    "tasks",
    "task_units",
    "task_events",
    "notices",
    "units",
    "leaders",
    "outbox_messages",
    "extension_requests",
)


def sample_findings(text: str = NOTICE_TEXT) -> Findings:
    tasks = []
    for marker, lead, support, deadline, recurrence, confidence in TASKS:
        start = text.index("\n" + marker) + 1 + len(marker) + 1
        end = text.index("\n", start)
        tasks.append(
            TaskFinding(
                text=text[start:end],
                lead=lead,
                support=support,
                deadline=deadline,
                deadline_text=None,
                recurrence=recurrence,
                confidence=confidence,
                source=Source("body", start, end),
                recurrence_day=25 if recurrence else None,
            )
        )
    info = DocumentInfo(
        number="15/TB-SKHCN",
        type="Thông báo",
        issuer="Sở Khoa học và Công nghệ",
        issued_date=date(2026, 11, 2),
        subject="Kết luận của Giám đốc Sở tại cuộc họp giao ban tháng 11 năm 2026",
        place="Bình Minh",
    )
    return Findings(document=info, tasks=tuple(tasks))


@dataclass
class Office:
    app: Any
    env: dict[str, str]
    notice_id: int
    task_ids: list[int]

    def run(self, *args: str) -> Result:
        from service.cli import app

        return CliRunner().invoke(app, [str(a) for a in args], env=self.env, catch_exceptions=False)

    def ok(self, *args: str) -> Result:
        result = self.run(*args)
        assert result.exit_code == 0, f"{args}: exit {result.exit_code}\n{result.output}"
        return result

    def json(self, *args: str) -> Any:
        import json

        return json.loads(self.ok(*args, "--json").stdout)

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of the tables a correction may touch, for before/after comparisons."""
        from sqlalchemy import text

        with self.app.engine.connect() as conn:
            return {
                t: sorted(tuple(map(str, row)) for row in conn.execute(text(f"SELECT * FROM {t}")))
                for t in TABLES
            }


def seed_office(make_app: Any, office_dir: Path, database_url: str) -> Office:
    """Migrated database, the sample directory imported, one notice with four tasks; now = 25/11/2026
    08:30."""
    from service.tasks.register import store_notice
    from service.tasks.units import import_directory

    app = make_app()
    doc = ExtractedText(text=NOTICE_TEXT, part="body", kind="txt")
    with app.sessions.begin() as session:
        import_directory(session, app.directory)
        result = store_notice(
            session,
            doc=doc,
            findings=sample_findings(),
            forwarder="van.thu@skhcn.binhminh.example.vn",
            message_id="<seed-15@skhcn.binhminh.example.vn>",
            now=app.clock.now(),
            review_threshold=0.6,
        )
        notice_id, task_ids = result.notice.id, [t.id for t in result.new_tasks]
    env = {
        "DOCKET_DATABASE_URL": database_url,
        "DOCKET_DIRECTORY": str(office_dir / "directory.yaml"),
        "DOCKET_FROM": "docket@skhcn.binhminh.example.vn",
        "DOCKET_MAILBOX": f"maildir:{office_dir / 'mail' / 'inbox'}",
        "DOCKET_SMTP": f"maildir:{office_dir / 'mail' / 'sent'}",
        "DOCKET_CONFIG": str(office_dir / "absent.toml"),
        "COLUMNS": "200",
    }
    return Office(app=app, env=env, notice_id=notice_id, task_ids=task_ids)


NOW = "2026-11-25T08:30:00+07:00"
