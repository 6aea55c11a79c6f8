"""General language causes found when the third blind set was opened (our own invented texts, the invented
Sở Nông nghiệp of conftest.py): collectives named by their parent body ("các phòng, đơn vị thuộc Ban"), a
topic "Đối với X:" naming the addressee, "Hai đơn vị" after two units, and a day of the year ("trước ngày
15/11 hằng năm") that recurs instead of being a deadline."""
from __future__ import annotations

from datetime import date

from rules.calendar import WorkCalendar
from rules.deadlines import find_deadline, find_recurrence
from rules.findings import AnalysisContext
from tests.unit.rules.test_analyse import run


def test_collective_under_any_parent_body_is_every_unit(ctx: AnalysisContext) -> None:
    body = (
        "1. Thủ trưởng các phòng, đơn vị thuộc Ban căn cứ chức năng được giao, chủ động cử người tham gia "
        "tổ rà soát.\n"
        "2. Các phòng, đơn vị thuộc UBND xã gửi danh sách cán bộ về Văn phòng Sở trước ngày 25/5/2023.\n"
    )
    tasks = run(body, ctx).tasks
    assert [(t.lead, t.deadline) for t in tasks] == [(("*",), None), (("*",), date(2023, 5, 25))]


def test_topic_naming_the_addressee_before_a_colon_gives_the_lead(ctx: AnalysisContext) -> None:
    body = (
        "1. Đối với Trung tâm Khuyến nông: khẩn trương in tài liệu hướng dẫn gieo sạ, xong trước ngày 26/5.\n"
        "2. Văn phòng Sở tổng hợp các kiến nghị đối với Chi cục Thủy lợi.\n"
    )
    tasks = run(body, ctx).tasks
    assert [(t.lead, t.deadline) for t in tasks] == [
        (("Trung tâm Khuyến nông",), date(2023, 5, 26)),
        (("Văn phòng Sở",), None),
    ]


def test_two_generic_units_take_the_units_named_before_in_the_paragraph(ctx: AnalysisContext) -> None:
    body = (
        "1. Giao Chi cục Thủy lợi chủ trì, phối hợp với Trung tâm Khuyến nông khảo sát các trạm bơm. "
        "Hai đơn vị gửi kết quả về Văn phòng Sở vào thứ Hai hằng tuần.\n"
    )
    tasks = run(body, ctx).tasks
    assert [(set(t.lead), t.recurrence) for t in tasks] == [
        ({"Chi cục Thủy lợi"}, None),
        ({"Chi cục Thủy lợi", "Trung tâm Khuyến nông"}, "weekly"),
    ]


def test_day_of_the_year_with_hang_nam_is_no_single_deadline(calendar: WorkCalendar) -> None:
    issued = date(2023, 5, 12)
    for text in (
        "gửi kế hoạch kiểm kê về Sở trước ngày 20/11 hằng năm",
        "trình phê duyệt trước ngày 05 tháng 12 hàng năm",
    ):
        assert find_deadline(text, issued=issued, calendar=calendar) is None
        assert find_recurrence(text).kind == "yearly"  # type: ignore[union-attr]
    once = find_deadline(
        "gửi kế hoạch về Sở trước ngày 20/11/2023 và cập nhật hằng năm", issued=issued, calendar=calendar
    )
    assert once is not None and once.due == date(2023, 11, 20)
    assert find_deadline("nộp trước ngày 20/11", issued=issued, calendar=calendar).due == date(2023, 11, 20)  # type: ignore[union-attr]
