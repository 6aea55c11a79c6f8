"""`docket units …` and `docket report` on SQLite and PostgreSQL."""
from __future__ import annotations

import csv
from pathlib import Path

import pytest

from service.tasks.units import directory_from_db
from tests.integration.cli_support import CDS, KHTC, NOW, QLCN, TT, VP, Office, seed_office


@pytest.fixture
def office_db(make_app, office: Path, database_url: str) -> Office:  # type: ignore[no-untyped-def]
    return seed_office(make_app, office, database_url)


def test_units_list(office_db: Office) -> None:
    o = office_db
    rows = o.json("units", "list")
    assert [r["name"] for r in rows] == [VP, KHTC, QLCN, TT, CDS]
    assert rows[0]["office"] and rows[1]["open_tasks_as_lead"] == 1 and "Phòng KH-TC" in rows[1]["aliases"]
    assert "khtc@skhcn.binhminh.example.vn" in o.ok("units", "list").stdout


def test_units_import_adds_and_refreshes(office_db: Office, office: Path, tmp_path: Path) -> None:
    o = office_db
    assert "0 unit(s) added, 5 updated" in o.ok("units", "import", str(office / "directory.yaml")).stdout
    bigger = tmp_path / "more.yaml"
    bigger.write_text(
        (office / "directory.yaml")
        .read_text(encoding="utf-8")
        .replace(
            "leaders:",
            (
                "  - name: Phòng Tổ chức cán bộ\n    aliases: [Phòng TCCB]\n    email: "
                "tccb@skhcn.binhminh.example.vn\nleaders:"
            ),
        ),
        encoding="utf-8",
    )
    assert "1 unit(s) added, 5 updated" in o.ok("units", "import", str(bigger)).stdout
    assert "Phòng Tổ chức cán bộ" in [r["name"] for r in o.json("units", "list")]
    o.ok("tasks", "edit", f"NV-{o.task_ids[1]}", "--lead", "Phòng TCCB", "--now", NOW)
    assert o.json("tasks", "show", f"NV-{o.task_ids[1]}")["lead"] == ["Phòng Tổ chức cán bộ"]


def test_add_alias_applies_to_future_notices(office_db: Office) -> None:
    o = office_db
    assert (
        "'P. Kế hoạch Tài chính' → Phòng Kế hoạch - Tài chính"
        in o.ok("units", "add-alias", "Phòng KH-TC", "P. Kế hoạch Tài chính").stdout
    )
    assert "already known" in o.ok("units", "add-alias", KHTC, "P. Kế hoạch Tài chính").stdout
    with o.app.sessions() as session:
        directory = directory_from_db(session, o.app.directory)  # what the rules use for the next notice
    unit = directory.unit(KHTC)
    assert unit is not None and "P. Kế hoạch Tài chính" in unit.aliases
    assert [r["lead"] for r in o.json("tasks", "list", "--unit", "p. kế hoạch tài chính")] == [[KHTC]]
    # re-importing the file keeps the admin's alias
    o.ok("units", "import", str(Path(o.env["DOCKET_DIRECTORY"])))
    assert "P. Kế hoạch Tài chính" in o.json("units", "list")[1]["aliases"]


def _grid_rows(grid: dict) -> dict[str, tuple[int, int, int, int]]:
    return {
        r["unit"]: (r["done_on_time"], r["done_late"], r["in_progress"], r["overdue"]) for r in grid["rows"]
    }


def test_report_four_statuses_against_the_original_deadline(office_db: Office, tmp_path: Path) -> None:
    o = office_db
    khtc, qlcn, cds, tt = o.task_ids
    o.ok("tasks", "done", f"NV-{khtc}", "--now", NOW)  # deadline 30/11: on time
    o.ok(
        "tasks",
        "extend",
        f"NV-{tt}",
        "--to",
        "10/12/2026",
        "--reason",
        "chờ kết luận thanh tra",
        "--now",
        NOW,
    )
    period = ("--from", "01/11/2026", "--to", "30/11/2026", "--now", NOW)
    rows = _grid_rows(o.json("report", *period))
    # TT's deadline was extended to 10/12, but against its original 20/11 it is overdue.
    assert rows[KHTC] == (1, 0, 0, 0) and rows[TT] == (0, 0, 0, 1) and rows[CDS] == (0, 0, 1, 0)
    assert rows[QLCN] == (0, 0, 0, 0)  # its deadline, 31/12, is outside the period
    assert rows["Tổng cộng"] == (1, 0, 1, 1)
    o.ok("tasks", "done", f"NV-{tt}", "--now", "2026-12-01T09:00:00+07:00")
    later = _grid_rows(
        o.json("report", "--from", "01/11/2026", "--to", "31/12/2026", "--now", "2026-12-01T10:00:00+07:00")
    )
    assert later[TT] == (0, 1, 0, 0) and later[CDS] == (0, 0, 0, 1) and later[QLCN] == (0, 0, 1, 0)
    table = o.ok("report", *period).stdout
    assert "Hoàn thành đúng hạn" in table and "Quá hạn" in table and TT in table
    out_csv, out_xlsx = tmp_path / "bc.csv", tmp_path / "bc.xlsx"
    o.ok("report", *period, "--csv", str(out_csv), "--xlsx", str(out_xlsx))
    with out_csv.open(encoding="utf-8-sig") as handle:
        lines = list(csv.reader(handle))
    assert (
        lines[0][:3] == ["Đơn vị", "Hoàn thành đúng hạn", "Hoàn thành quá hạn"]
        and [TT, "0", "0", "0", "1", "1"] in lines
    )
    from openpyxl import load_workbook

    sheet = load_workbook(out_xlsx).active
    cells = [[c.value for c in row] for row in sheet.iter_rows()]
    assert [KHTC, 1, 0, 0, 0, 1] in cells and cells[-1][0] == "Tổng cộng"
