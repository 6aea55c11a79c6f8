"""Causes found on real plans with task tables (tests/fixtures/real_tables), written here as our own invented
texts for the invented Sở Nông nghiệp: a data row whose short cells hold header words ("Hoàn thành …", "… hoạt
động") is a row, not a new header, when its first cell is a row label; a web address closing a sentence
("…gov.vn/.") is no end-of-text mark; a time cell "Từ 20 giờ 15 phút - 20 giờ 45 phút ngày 23 tháng 1" gives
the day after its span of clock time."""
from __future__ import annotations

from datetime import date

from rules.directory import parse_directory
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
    assert got == [(("Chi cục Thủy lợi",), date(2023, 12, 31)),
                   (("Trung tâm Khuyến nông",), date(2023, 9, 30)),
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
    got = cell_deadline("Từ 8 giờ đến 11 giờ ngày 05/3/2026", issued=None, calendar=ctx.calendar)
    assert got == date(2026, 3, 5)


SUB_ROWS = ("STT | Nhiệm vụ | Sản phẩm | Thời gian hoàn thành | Chủ trì thực hiện\n"
            "1 | Xây dựng kế hoạch kiểm tra | Kế hoạch kiểm tra của Sở | Trong tháng 01/2023 | Thanh tra Sở\n"
            " |  | Kế hoạch tự kiểm tra của các đơn vị | Trong tháng 3/2023 | Chi cục Thủy lợi\n"
            "2 | Rà soát các hồ chứa xung yếu | Báo cáo | Năm 2023 | Văn phòng Sở\n")


def test_a_row_under_a_merged_content_cell_with_its_own_lead_and_time_is_a_task(ctx: AnalysisContext) -> None:
    tasks = run(SUB_ROWS, ctx).tasks
    got = [(t.lead, t.deadline) for t in tasks]
    assert got == [(("Thanh tra Sở",), date(2023, 1, 31)), (("Chi cục Thủy lợi",), date(2023, 3, 31)),
                   (("Văn phòng Sở",), date(2023, 12, 31))]
    assert "Kế hoạch tự kiểm tra của các đơn vị" in tasks[1].text


def test_a_row_cut_by_a_page_break_still_runs_on(ctx: AnalysisContext) -> None:
    body = ("STT | Nhiệm vụ | Thời gian hoàn thành | Chủ trì thực hiện\n"
            "1 | Rà soát các hồ chứa xung yếu | Năm 2023 | Chi cục Thủy lợi,\n"
            " |  |  | Trung tâm Khuyến nông\n")
    tasks = run(body, ctx).tasks
    assert [t.lead for t in tasks] == [("Chi cục Thủy lợi", "Trung tâm Khuyến nông")]


def test_a_lead_cell_pointing_to_another_document_keeps_the_row(ctx: AnalysisContext) -> None:
    body = ("STT | Nhiệm vụ | Thời gian hoàn thành | Chủ trì thực hiện\n"
            "1 | Tiếp tục thực hiện Phương án số 12/PA-SNN | Theo Phương án | "
            "Theo phân công tại Phương án số 12/PA-SNN\n"
            "2 | Rà soát các hồ chứa xung yếu | Năm 2023 | Chi cục Thủy lợi\n")
    tasks = run(body, ctx).tasks
    assert [t.lead for t in tasks] == [(), ("Chi cục Thủy lợi",)]
    assert tasks[0].unknown_units == ("Theo phân công tại Phương án số 12/PA-SNN",) and tasks[0].needs_review



def test_the_departments_and_the_communes_together_are_every_addressee(ctx: AnalysisContext) -> None:
    # a provincial directory lists both as group entries (distribution lists),
    # as real_tables and corpus-real do
    groups = parse_directory({"organization": "UBND tỉnh", "units": [
        {"name": "Các sở, ban, ngành", "aliases": ["Các sở, ban, ngành thuộc tỉnh"]},
        {"name": "UBND các xã, phường", "aliases": ["Ủy ban nhân dân các xã, phường"]},
        {"name": "Sở Tư pháp"}]})
    province = AnalysisContext(directory=groups, calendar=ctx.calendar)
    body = ("STT | Nhiệm vụ | Thời gian hoàn thành | Chủ trì thực hiện\n"
            "1 | Rà soát các quy định về phân cấp | Năm 2023 | Các sở, ban, ngành; UBND các xã, phường\n"
            "2 | Rà soát các văn bản quy phạm | Năm 2023 | Sở Tư pháp; UBND các xã, phường\n")
    assert [t.lead for t in run(body, province).tasks] == [("*",), ("Sở Tư pháp", "UBND các xã, phường")]
    prose = run("Thủ trưởng các sở, ban, ngành và Chủ tịch Ủy ban nhân dân các xã, phường trực tiếp chỉ đạo "
                "thực hiện, báo cáo trước ngày 20/6/2023.\n", province).tasks
    assert [t.lead for t in prose] == [("*",)]


def test_a_start_year_is_no_deadline_and_a_day_of_the_following_year_recurs(ctx: AnalysisContext) -> None:
    cal, issued = ctx.calendar, date(2026, 3, 1)
    assert cell_deadline("Bắt đầu thực hiện từ năm 2026", issued=issued, calendar=cal) is None
    assert cell_deadline("Từ năm 2026 đến năm 2030", issued=issued, calendar=cal) == date(2030, 12, 31)
    assert cell_deadline("Năm 2026", issued=issued, calendar=cal) == date(2026, 12, 31)
    assert cell_deadline("Trước ngày 31/01 năm liền kề", issued=issued, calendar=cal) is None
    assert cell_deadline("Ban hành kế hoạch chậm nhất là ngày 31/12 năm trước liền kề", issued=issued,
                         calendar=cal) is None
    assert cell_deadline("Trước ngày 31/01/2027", issued=issued, calendar=cal) == date(2027, 1, 31)


def test_a_time_cell_with_several_month_milestones_ends_with_the_last(ctx: AnalysisContext) -> None:
    cell = ("Ban hành kế hoạch trong tháng 01/2026, tổ chức kiểm tra chậm nhất trong tháng 6/2026 và báo cáo "
            "kết quả chậm nhất trong tháng 8/2026")
    assert cell_deadline(cell, issued=date(2025, 12, 1), calendar=ctx.calendar) == date(2026, 8, 31)
    got = cell_deadline("Ban hành kế hoạch trong tháng 01/2026 và tổ chức thực hiện",
                        issued=date(2025, 12, 1), calendar=ctx.calendar)
    assert got == date(2026, 1, 31)


def test_a_heading_naming_targets_and_tasks_opens_the_tasks(ctx: AnalysisContext) -> None:
    body = ("I. MỤC TIÊU, NHIỆM VỤ\n"
            "a) Chi cục Thủy lợi rà soát các hồ chứa xung yếu.\n"
            "II. MỤC TIÊU\n"
            "a) Chi cục Chăn nuôi và Thú y đạt 100% tiêm phòng.\n")
    assert [t.lead for t in run(body, ctx).tasks] == [("Chi cục Thủy lợi",)]


def test_a_section_heading_with_a_period_dates_its_items(ctx: AnalysisContext) -> None:
    body = ("I. NHỮNG NHIỆM VỤ CẦN TRIỂN KHAI NGAY TRONG THÁNG 6/2023\n"
            "1. Chi cục Thủy lợi\n"
            "a) Rà soát các hồ chứa xung yếu.\n"
            "b) Lập phương án tích nước, hoàn thành trước ngày 20/6/2023.\n"
            "c) Định kỳ hằng tuần báo cáo tình hình mực nước.\n"
            "II. NHIỆM VỤ NĂM 2024\n"
            "1. Trung tâm Khuyến nông tập huấn cho nông dân.\n")
    got = [(t.lead, t.deadline, t.recurrence) for t in run(body, ctx).tasks]
    assert got == [(("Chi cục Thủy lợi",), date(2023, 6, 30), None),
                   (("Chi cục Thủy lợi",), date(2023, 6, 20), None),
                   (("Chi cục Thủy lợi",), None, "weekly"), (("Trung tâm Khuyến nông",), None, None)]


def test_units_after_don_doc_are_urged_not_leads(ctx: AnalysisContext) -> None:
    body = ("1. Thanh tra Sở\n"
            "a) Tiếp tục theo dõi, đôn đốc các đơn vị trực thuộc khẩn trương thực hiện các kiến nghị sau "
            "thanh tra.\n")
    assert [t.lead for t in run(body, ctx).tasks] == [("Thanh tra Sở",)]


def test_the_subject_of_a_letter_drops_an_empty_cell_after_it() -> None:
    from rules.metadata import analyse_metadata
    text = ("SỞ NÔNG NGHIỆP | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM Độc lập - Tự do - Hạnh phúc\n"
            "Số: 12/SNN-VP | Lạng Sơn, ngày 12 tháng 5 năm 2023\n"
            "V/v rà soát các hồ chứa xung yếu |\n"
            "Kính gửi: | Chi cục Thủy lợi.\n\nChi cục Thủy lợi rà soát các hồ chứa.\n")
    info, _ = analyse_metadata(text, fallback_issued=None)
    assert info.subject == "rà soát các hồ chứa xung yếu"
