"""Causes found on real plans with task tables (tests/fixtures/real_tables), written here as our own invented
texts for the invented Sở Nông nghiệp: a data row whose short cells hold header words ("Hoàn thành …",
"… hoạt động") is a row, not a new header, when its first cell is a row label; a web address closing a sentence
("…gov.vn/.") is no end-of-text mark; a time cell "Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 23 tháng 1" gives
the day after its span of clock time."""
from __future__ import annotations

from datetime import date

from rules.findings import AnalysisContext
from rules.table_times import cell_deadline
from tests.unit.rules.test_analyse import run

TABLE = ("STT | Nhiệm vụ | Sản phẩm | Thời gian hoàn thành | Chủ trì thực hiện | Phối hợp thực hiện\n"
         "1 | Rà soát các hồ chứa xung yếu | Báo cáo rà soát | Năm 2023 | Chi cục Thủy lợi | Văn phòng Sở\n"
         "2 | Hoàn thành và đưa trạm quan trắc vào hoạt động | Trạm đi vào hoạt động | Trong quý III năm 2023"
         " | Trung tâm Khuyến nông | Chi cục Thủy lợi\n"
         "3 | Xây dựng quy chế phối hợp | Quy chế | Hằng năm | Văn phòng Sở | \n")


def test_a_labelled_row_with_header_words_is_a_row_not_a_new_header(ctx: AnalysisContext) -> None:
    tasks = run(TABLE, ctx).tasks
    got = [(t.lead, t.deadline) for t in tasks]
    assert got == [(("Chi cục Thủy lợi",), date(2023, 12, 31)), (("Trung tâm Khuyến nông",), date(2023, 9, 30)),
                   (("Văn phòng Sở",), None)]


def test_a_web_address_closing_a_sentence_does_not_end_the_body(ctx: AnalysisContext) -> None:
    body = ("1. Văn phòng Sở cập nhật thông tin trên trang: https://snn.example.gov.vn/.\n"
            "2. Chi cục Thủy lợi rà soát các hồ chứa, báo cáo trước ngày 20/6/2023.\n")
    tasks = run(body, ctx).tasks
    assert [t.lead for t in tasks] == [("Văn phòng Sở",), ("Chi cục Thủy lợi",)]


def test_a_clock_time_span_before_the_day_in_a_time_cell(ctx: AnalysisContext) -> None:
    due = cell_deadline("Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 23 tháng 1", issued=date(2026, 1, 1),
                        calendar=ctx.calendar)
    assert due == date(2026, 1, 23)
    assert cell_deadline("Từ 8 giờ đến 11 giờ ngày 05/3/2026", issued=None, calendar=ctx.calendar) == date(2026, 3, 5)
