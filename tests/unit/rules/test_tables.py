"""The task-table reader (rules/tables.py, rules/table_times.py) on small tables written for these tests:
an invented Sở Xây dựng tỉnh Thử Nghiệm whose plans put the work in an annex after the signature."""
from __future__ import annotations

from datetime import date

import pytest

from rules.analyse import analyse
from rules.calendar import WorkCalendar
from rules.directory import parse_directory
from rules.findings import AnalysisContext, TaskFinding
from rules.table_events import event_end
from rules.table_times import cell_deadline, window_end
from rules.directives import Draft
from rules.tables import drop_repeats, header_roles

DIRECTORY = {
    "organization": "Sở Xây dựng tỉnh Thử Nghiệm",
    "units": [
        {"name": "Văn phòng Sở", "aliases": []},
        {"name": "Phòng Quản lý xây dựng", "aliases": ["Phòng QLXD"]},
        {"name": "Phòng Hạ tầng kỹ thuật", "aliases": ["Phòng HTKT"]},
        {"name": "Thanh tra Sở", "aliases": []},
        {"name": "Sở Tài chính", "aliases": []},
        {"name": "Trần Văn Bình", "aliases": []},
        {"name": "Lê Thị Hoa", "aliases": []},
        {"name": "Phạm Quốc Huy", "aliases": []},
    ],
}

HEADER = """UBND TỈNH THỬ NGHIỆM
SỞ XÂY DỰNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 17/KH-SXD
Thử Nghiệm, ngày 03 tháng 3 năm 2026

KẾ HOẠCH
Kiểm tra chất lượng công trình xây dựng năm 2026

I. MỤC ĐÍCH, YÊU CẦU
Bảo đảm chất lượng các công trình trên địa bàn tỉnh.
II. TỔ CHỨC THỰC HIỆN
Các nhiệm vụ cụ thể tại Phụ lục kèm theo Kế hoạch này.

Nơi nhận:
- Như trên;
- Lưu: VT.
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
Nguyễn Văn An

PHỤ LỤC
NHIỆM VỤ TRIỂN KHAI KẾ HOẠCH
(Kèm theo Kế hoạch số 17/KH-SXD ngày 03/3/2026 của Sở Xây dựng)

"""


@pytest.fixture(scope="module")
def ctx() -> AnalysisContext:
    return AnalysisContext(directory=parse_directory(DIRECTORY), calendar=WorkCalendar())


def rows(table: str, ctx: AnalysisContext) -> list[TaskFinding]:
    return [t for t in analyse(HEADER + table, ctx).tasks if "|" in t.text]


def test_plan_annex_columns_by_header_words(ctx: AnalysisContext) -> None:
    table = (
        "TT | Nội dung công việc | Cơ quan chủ trì | Cơ quan phối hợp | Thời gian hoàn thành\n"
        "1 | Rà soát hồ sơ các công trình đang thi công | Phòng Quản lý xây dựng | Thanh tra Sở | Tháng "
        "5/2026\n"
        "2 | Kiểm tra hiện trường các công trình hạ tầng | Phòng HTKT | Phòng QLXD; Sở Tài chính | Quý "
        "III/2026\n"
    )
    tasks = rows(table, ctx)
    assert [(t.lead, t.support, t.deadline) for t in tasks] == [
        (("Phòng Quản lý xây dựng",), ("Thanh tra Sở",), date(2026, 5, 31)),
        (("Phòng Hạ tầng kỹ thuật",), ("Phòng Quản lý xây dựng", "Sở Tài chính"), date(2026, 9, 30)),
    ]
    assert tasks[0].text.startswith("1 | Rà soát hồ sơ")


def test_person_column_and_names_run_together(ctx: AnalysisContext) -> None:
    table = (
        "STT | Nhiệm vụ thực hiện | Người thực hiện | Ghi chú\n"
        " | Chuẩn bị hồ sơ kiểm tra | Trần Văn Bình Lê Thị Hoa |\n"
        " | Lập biên bản kiểm tra | Phạm Quốc Huy |\n"
    )
    tasks = rows(table, ctx)
    assert [t.lead for t in tasks] == [("Trần Văn Bình", "Lê Thị Hoa"), ("Phạm Quốc Huy",)]
    assert all(t.deadline is None for t in tasks)


def test_group_rows_are_headings_and_merged_time_runs_down(ctx: AnalysisContext) -> None:
    table = (
        "TT | Nhiệm vụ | Đơn vị chủ trì | Đơn vị phối hợp | Tiến độ\n"
        "I | GIAI ĐOẠN 1 | | |\n"
        "1 | Khảo sát hiện trạng hệ thống thoát nước | Phòng HTKT | | Quý II/2026\n"
        "2 | Lập danh mục điểm ngập úng | Phòng HTKT | |\n"
        "II | GIAI ĐOẠN 2 | | |\n"
        "1 | Tổng hợp báo cáo kết quả | Văn phòng Sở | |\n"
        "2 | Tổ chức tuyên truyền, phổ biến quy định mới\n"
        "a) | Phổ biến đến chủ đầu tư | Thanh tra Sở | | Thường xuyên\n"
    )
    tasks = rows(table, ctx)
    assert [(t.text.split(" | ")[1][:20], t.deadline) for t in tasks] == [
        ("Khảo sát hiện trạng ", date(2026, 6, 30)),
        ("Lập danh mục điểm ng", date(2026, 6, 30)),  # the time cell is merged over both rows
        ("Tổng hợp báo cáo kết", None),  # a new group: nothing carried over
        ("Phổ biến đến chủ đầu", None),  # "Thường xuyên": no deadline
    ]


def test_two_units_in_one_lead_cell(ctx: AnalysisContext) -> None:
    table = (
        "TT | Nội dung | Chủ trì | Phối hợp | Thời hạn\n"
        "1 | Đánh giá an toàn các chung cư cũ | Phòng QLXD/Phòng HTKT | | 10-11/2026\n"
        "2 | Kiểm tra việc cấp phép xây dựng | Thanh tra Sở; Phòng Quản lý xây dựng | | Trong năm 2026\n"
        "3 | Báo cáo tình hình chất lượng công trình | Văn phòng Sở, Thanh tra Sở | | Hàng năm\n"
    )
    tasks = rows(table, ctx)
    assert [t.lead for t in tasks] == [
        ("Phòng Quản lý xây dựng", "Phòng Hạ tầng kỹ thuật"),
        ("Thanh tra Sở", "Phòng Quản lý xây dựng"),
        ("Văn phòng Sở", "Thanh tra Sở"),
    ]
    assert [(t.deadline, t.recurrence) for t in tasks] == [
        (date(2026, 11, 30), None),
        (date(2026, 12, 31), None),
        (None, "yearly"),
    ]


def test_row_cut_by_a_page_break_joins_the_row_above(ctx: AnalysisContext) -> None:
    table = (
        "TT | Nội dung | Chủ trì | Thời gian\n"
        "1 | Kiểm tra các công trình sử dụng vốn | Phòng QLXD | Quý IV/2026\n"
        " | ngân sách nhà nước | | \n"
        "2 | Rà soát chứng chỉ hành nghề | Phòng QLXD Trần Văn | \n"
        " | | Bình | \n"
    )
    tasks = rows(table, ctx)
    assert len(tasks) == 2
    assert "vốn ngân sách nhà nước" in tasks[0].text
    assert tasks[1].lead == ("Phòng Quản lý xây dựng", "Trần Văn Bình")


def test_a_specific_action_column_beside_a_merged_content_cell_gives_row_tasks(ctx: AnalysisContext) -> None:
    table = (
        "STT | Nội dung hành động | Hành động cụ thể | Đơn vị chủ trì | Đơn vị phối hợp | Thời hạn\n"
        "1. | Hoàn thiện quy trình kiểm tra | Ban hành quy trình kiểm tra | Phòng QLXD | | 6/2026\n"
        " |  | Rà soát mẫu biên bản kiểm tra | Thanh tra Sở | Phòng HTKT | \n"
        " |  | Tập huấn quy trình mới cho cán bộ | Văn phòng Sở |  | \n"
    )
    tasks = rows(table, ctx)
    # rows 2 and 3 have no time and no content of the merged column: still rows of their own, not the rest of
    # row 1 cut by a page break
    assert [t.lead for t in tasks] == [("Phòng Quản lý xây dựng",), ("Thanh tra Sở",), ("Văn phòng Sở",)]
    assert tasks[0].deadline == date(2026, 6, 30)


def test_a_column_of_lead_and_partners_gives_the_first_unit_the_lead(ctx: AnalysisContext) -> None:
    table = (
        "TT | Nội dung công việc | Thời gian thực hiện | Đơn vị chủ trì/phối hợp\n"
        "1 | Ban hành kế hoạch kiểm tra | Trước ngày 27/6/2026 | Phòng QLXD; Thanh tra Sở\n"
    )
    [task] = rows(table, ctx)
    assert (task.lead, task.support) == (("Phòng Quản lý xây dựng",), ("Thanh tra Sở",))
    assert task.deadline == date(2026, 6, 27)


def _draft(text: str, lead: tuple[str, ...] = ()) -> Draft:
    return Draft(
        start=0,
        end=len(text),
        text=text,
        lead=lead,
        support=(),
        unknown=(),
        deadline=None,
        deadline_text=None,
        recurrence=None,
        recurrence_day=None,
        confidence=0.5,
        reasons=("test",),
    )


def test_prose_that_restates_a_row_without_assignee_gives_way_to_the_row() -> None:
    row = _draft(
        "a) | Tổ chức hội nghị phổ biến, triển khai Nghị định đến các cơ quan | Phòng HTKT | | Quý III/2026",
        ("Phòng Hạ tầng kỹ thuật",),
    )
    restated = _draft("a) Tổ chức hội nghị phổ biến, triển khai nội dung của Nghị định")
    other = _draft("Tổng hợp kết quả thực hiện, báo cáo Giám đốc Sở")
    assigned = _draft(
        "Phòng Hạ tầng kỹ thuật tổ chức hội nghị phổ biến Nghị định đến các cơ quan",
        ("Phòng Hạ tầng kỹ thuật",),
    )
    assert drop_repeats([restated, other, assigned], [row]) == [other, assigned]


@pytest.mark.parametrize(
    "cells, roles",
    [
        (
            ["TT", "Nội dung hoạt động", "Cơ quan chủ trì", "Cơ quan phối hợp", "Thời gian thực hiện"],
            {"number": 0, "content": 1, "lead": 2, "support": 3, "time": 4},
        ),
        (
            [
                "STT",
                "Tên nhiệm vụ",
                "Sở, ngành chủ trì tham mưu",
                "Đơn vị phối hợp thực hiện",
                "Thời gian thực hiện",
                "Ghi chú",
            ],
            {"number": 0, "content": 1, "lead": 2, "support": 3, "time": 4, "note": 5},
        ),
        (
            ["TT", "Nhiệm vụ thực hiện", "Người thực hiện", "Ghi chú"],
            {"number": 0, "content": 1, "person": 2, "note": 3},
        ),
        (["Công việc", "Đơn vị thực hiện", "Thời hạn"], {"content": 0, "lead": 1, "time": 2}),
    ],
)
def test_header_variants(cells: list[str], roles: dict[str, int]) -> None:
    assert header_roles(cells) == roles


def test_not_a_task_table() -> None:
    assert header_roles(["TT", "Tên doanh nghiệp", "Địa chỉ", "Số giấy phép"]) is None
    assert header_roles(["(1)", "(2)", "(3)"]) is None


@pytest.mark.parametrize(
    "cell, end",
    [
        ("Quý III, IV/2026", date(2026, 12, 31)),
        ("Quý II, III/2026", date(2026, 9, 30)),
        ("Quý III, IV/2026, 2027", date(2027, 12, 31)),
        ("Quý IV/2026, 2027", date(2027, 12, 31)),
        ("Xong trong Quý II/2026", date(2026, 6, 30)),
        ("10-11/2019", date(2019, 11, 30)),
        ("Tháng 5/2026", date(2026, 5, 31)),
        ("Trong năm 2026", date(2026, 12, 31)),
        ("Năm 2026 - 2027", date(2027, 12, 31)),
        ("Thường xuyên", None),
        ("Hàng năm", None),
    ],
)
def test_window_end(cell: str, end: date | None) -> None:
    assert window_end(cell) == end


def test_full_date_in_a_time_cell_goes_to_the_deadline_parser() -> None:
    assert window_end("trước ngày 01/01/2030") is None
    assert cell_deadline("trước ngày 01/01/2030", issued=date(2026, 3, 3), calendar=WorkCalendar()) == date(
        2030, 1, 1
    )


@pytest.mark.parametrize(
    "schedule, end",
    [
        (
            "1. Thời gian kiểm tra: 8h00 ngày 15/4/2026 (Thứ Tư).\n2. Địa điểm: Hội trường Sở.",
            date(2026, 4, 15),
        ),
        (
            "1. Thời gian: 2,5 ngày (bắt đầu từ 7h30 thứ Hai ngày 11/5/2026).\n2. Địa điểm: Hội trường Sở.",
            date(2026, 5, 13),
        ),
        (
            "1. Thời gian, đối tượng sát hạch:\n\n1.1. Đợt 1: Từ 8h00 ngày 09/6/2026.\n\nĐối tượng: Chỉ huy "
            "công trường.\n\n"
            "1.2. Đợt 2: Từ 8h00 ngày 10/6/2026.\n2. Địa điểm: Trung tâm Giám định.",
            date(2026, 6, 10),
        ),
        ("1. Thời gian: theo thông báo sau.\n2. Địa điểm: ngày 01/7/2026 thông báo.", None),
    ],
)
def test_event_end(schedule: str, end: date | None) -> None:
    assert event_end("I. NỘI DUNG\n" + schedule + "\nII. TỔ CHỨC THỰC HIỆN\n") == end


def test_the_row_holding_the_event_takes_its_last_day(ctx: AnalysisContext) -> None:
    text = HEADER.replace(
        "Bảo đảm chất lượng các công trình trên địa bàn tỉnh.",
        "1. Thời gian kiểm tra: 8h00 ngày 15/4/2026 (Thứ Tư).\n2. Địa điểm: Hội trường Sở.",
    )
    table = (
        "TT | Nhiệm vụ thực hiện | Người thực hiện | Ghi chú\n"
        " | Tổ chức kiểm tra | Trần Văn Bình Lê Thị Hoa |\n"
        " | Tổ chức chấm bài | Lê Thị Hoa |\n"
    )
    tasks = [t for t in analyse(text + table, ctx).tasks if "|" in t.text]
    assert [t.deadline for t in tasks] == [date(2026, 4, 15), None]
