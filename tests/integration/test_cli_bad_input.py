"""Bad input changes nothing and explains itself: same table dump before and after, a clear message, exit
status 1."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.integration.cli_support import NOW, Office, seed_office


@pytest.fixture
def office_db(make_app, office: Path, database_url: str) -> Office:  # type: ignore[no-untyped-def]
    return seed_office(make_app, office, database_url)


def _cases(o: Office) -> list[tuple[tuple[str, ...], str]]:
    first, notice = f"NV-{o.task_ids[0]}", f"TB-{o.notice_id}"
    return [
        (("tasks", "edit", "NV-999", "--text", "x"), "no task NV-999"),
        (("tasks", "show", "NV-999"), "no task NV-999"),
        (("tasks", "done", "TB-1"), "task IDs start with NV-"),
        (("tasks", "edit", "abc", "--text", "x"), "'abc' is not a task ID"),
        (("notices", "show", "TB-77"), "no notice TB-77"),
        (("tasks", "add", "--notice", "TB-77", "--text", "x", "--lead", "Thanh tra Sở"), "no notice TB-77"),
        (
            ("tasks", "edit", first, "--lead", "Phòng Kế hoạch Tài chánh"),
            "did you mean: Phòng Kế hoạch - Tài chính",
        ),
        (
            ("tasks", "edit", first, "--lead", "Thanh tra Sở", "--support", "Trung tâm Chuyển giao số"),
            "did you mean: Trung tâm Chuyển đổi số",
        ),
        (("tasks", "list", "--unit", "Phong QLCNN"), "did you mean: Phòng Quản lý công nghệ"),
        (
            ("tasks", "list", "--unit", "phong"),
            "unit 'phong' is ambiguous: it could be Văn phòng Sở, Phòng Kế hoạch - Tài chính, "
            "Phòng Quản lý công nghệ; type more of the name",
        ),
        (("tasks", "edit", first, "--deadline", "31/02/2027"), "02/2027 has 28 days"),
        (("tasks", "edit", first, "--deadline", "next friday"), "is not a date"),
        (("tasks", "extend", first, "--to", "2026-13-01", "--reason", "x"), "no month 13"),
        (("tasks", "edit", first, "--deadline", "01/10/2026"), "before the date of " + notice),
        (
            (
                "tasks",
                "add",
                "--notice",
                notice,
                "--text",
                "Báo cáo.",
                "--lead",
                "Thanh tra Sở",
                "--deadline",
                "01/01/2026",
            ),
            "--force",
        ),
        (("tasks", "edit", first, "--recurrence", "fortnightly"), "unknown recurrence"),
        (("tasks", "edit", first), "nothing to change"),
        (("tasks", "cancel", first, "--reason", "  "), "needs a --reason"),
        (("tasks", "merge", first, first), "two different tasks"),
        (("tasks", "list", "--status", "late"), "unknown status"),
        (("units", "add-alias", "Phòng KH-TC", "Thanh tra"), "already names Thanh tra Sở"),
        (("units", "add-alias", "Phòng Tổ chức cán bộ", "TCCB"), "unknown unit"),
        (("report", "--from", "30/11/2026", "--to", "01/11/2026"), "is before --from"),
    ]


def test_bad_input_changes_nothing_and_explains_itself(office_db: Office) -> None:
    o = office_db
    before = o.dump()
    for args, message in _cases(o):
        result = o.run(*args, "--now", NOW)
        assert result.exit_code == 1, f"{args}: exit {result.exit_code}: {result.output}"
        assert message in result.stderr, f"{args}: {result.stderr!r}"
        assert result.stderr.startswith("docket: ") and "Traceback" not in result.output
    assert o.dump() == before


def test_units_import_of_a_broken_file_changes_nothing(office_db: Office, tmp_path: Path) -> None:
    o = office_db
    broken = tmp_path / "broken.yaml"
    broken.write_text("organization: X\nunits:\n  - aliases: [no name]\n", encoding="utf-8")
    before = o.dump()
    result = o.run("units", "import", str(broken))
    assert result.exit_code == 1 and "a unit needs a name" in result.stderr
    missing = o.run("units", "import", str(tmp_path / "absent.yaml"))
    assert missing.exit_code == 1 and "cannot read directory" in missing.stderr
    assert o.dump() == before


def test_force_accepts_a_deadline_before_the_notice_with_a_warning(office_db: Office) -> None:
    o = office_db
    result = o.run(
        "tasks", "edit", f"NV-{o.task_ids[0]}", "--deadline", "01/10/2026", "--force", "--now", NOW
    )
    assert result.exit_code == 0 and "accepted with --force" in result.stderr
    assert o.json("tasks", "show", f"NV-{o.task_ids[0]}", "--now", NOW)["deadline"] == "2026-10-01"
