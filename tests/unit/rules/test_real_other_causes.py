"""Causes found on real documents from other public sources (tests/fixtures/real_other), written here as
our own invented texts for the invented Sở Nông nghiệp: a closing 'Hoàn thành trước ngày …' sentence or line
gives the time of the order before it; a partner list that runs on over ';' stays partners; an explicit order
under a heading that usually opens a review section ('Đánh giá tình hình …') is still an order; a time limit
after a permission binds the permitted unit; principals of all schools are every unit."""
from __future__ import annotations

from datetime import date

from rules.findings import AnalysisContext
from tests.unit.rules.test_analyse import run


def test_closing_time_sentence_dates_the_order_before_it(ctx: AnalysisContext) -> None:
    body = ("Giao Chi cục Thủy lợi chủ động rà soát các hồ chứa xung yếu, lập phương án tích nước. "
            "Hoàn thành trước ngày 20/6/2023./.\n")
    tasks = run(body, ctx).tasks
    assert [(t.lead, t.deadline) for t in tasks] == [(("Chi cục Thủy lợi",), date(2023, 6, 20))]


def test_closing_time_sentence_keeps_a_date_already_given(ctx: AnalysisContext) -> None:
    body = ("Giao Chi cục Thủy lợi rà soát các hồ chứa, báo cáo trước ngày 10/6/2023. "
            "Hoàn thành trước ngày 20/6/2023.\n")
    tasks = run(body, ctx).tasks
    assert [t.deadline for t in tasks][0] == date(2023, 6, 10)


def test_partner_list_running_on_over_semicolons_stays_partners(ctx: AnalysisContext) -> None:
    body = ("Giao Văn phòng Sở chủ trì, phối hợp Phòng Kế hoạch - Tài chính; Chi cục Thủy lợi; "
            "Trung tâm Khuyến nông và các đơn vị liên quan xây dựng quy chế phối hợp, "
            "báo cáo Giám đốc Sở trước ngày 30/6/2023./.\n")
    tasks = run(body, ctx).tasks
    assert [(t.lead, t.deadline) for t in tasks] == [(("Văn phòng Sở",), date(2023, 6, 30))]
    want = {"Phòng Kế hoạch - Tài chính", "Chi cục Thủy lợi", "Trung tâm Khuyến nông"}
    assert set(tasks[0].support) == want


def test_semicolon_before_a_new_lead_still_splits(ctx: AnalysisContext) -> None:
    body = ("Giao Văn phòng Sở chủ trì, phối hợp Phòng Kế hoạch - Tài chính xây dựng quy chế; "
            "Chi cục Thủy lợi có trách nhiệm cung cấp số liệu trước ngày 15/6/2023.\n")
    tasks = run(body, ctx).tasks
    assert [t.lead for t in tasks] == [("Văn phòng Sở",), ("Chi cục Thủy lợi",)]


def test_explicit_order_under_a_review_heading_is_an_order(ctx: AnalysisContext) -> None:
    body = ("I. ĐÁNH GIÁ TÌNH HÌNH THỰC HIỆN KẾ HOẠCH NĂM 2022\n"
            "Căn cứ kết quả sản xuất năm 2022, yêu cầu Chi cục Thủy lợi, Trung tâm Khuyến nông khẩn trương "
            "đánh giá tình hình thực hiện kế hoạch năm 2022 của đơn vị mình.\n"
            "II. KẾT QUẢ ĐẠT ĐƯỢC\n"
            "Năm 2022, Sở đã giao Chi cục Thủy lợi nạo vét 12 kênh mương.\n")
    tasks = run(body, ctx).tasks
    assert [t.lead for t in tasks] == [("Chi cục Thủy lợi", "Trung tâm Khuyến nông")]


def test_time_limit_after_a_permission_binds_the_permitted_unit(ctx: AnalysisContext) -> None:
    body = ("Đồng ý để Trung tâm Khuyến nông thực hiện việc khảo nghiệm giống lúa mới tại xã Tân Lập.\n"
            "Thời hạn thực hiện và báo cáo kết quả về Sở chậm nhất ngày 30/9/2023.\n")
    tasks = run(body, ctx).tasks
    assert [(t.lead, t.deadline) for t in tasks] == [(("Trung tâm Khuyến nông",), date(2023, 9, 30))]
    assert tasks[0].text.startswith("Thời hạn thực hiện")


def test_permission_alone_is_no_task(ctx: AnalysisContext) -> None:
    body = "Đồng ý để Trung tâm Khuyến nông thực hiện việc khảo nghiệm giống lúa mới tại xã Tân Lập.\n"
    assert not run(body, ctx).tasks


def test_closing_time_line_with_a_collective_subject_dates_the_order_above(ctx: AnalysisContext) -> None:
    body = ("Đề nghị Chi cục Thủy lợi rà soát lại các công trình đã thu phí thủy lợi.\n"
            "Các đơn vị thực hiện trước ngày 24/5/2023.\n")
    tasks = run(body, ctx).tasks
    assert [(t.lead, t.deadline) for t in tasks] == [(("Chi cục Thủy lợi",), date(2023, 5, 24))]


def test_closing_time_line_leaves_an_order_with_its_own_date(ctx: AnalysisContext) -> None:
    body = ("Đề nghị Chi cục Thủy lợi rà soát lại các công trình, báo cáo trước ngày 20/5/2023.\n"
            "Các đơn vị thực hiện trước ngày 24/5/2023.\n")
    tasks = run(body, ctx).tasks
    assert tasks[0].deadline == date(2023, 5, 20)


def test_principals_of_all_schools_are_every_unit() -> None:
    from rules.calendar import WorkCalendar
    from rules.directory import parse_directory
    directory = parse_directory({"organization": "Phòng Giáo dục và Đào tạo huyện Thử Nghiệm", "units": [
        {"name": "Trường Tiểu học Tân Lập", "aliases": []},
        {"name": "Các đơn vị trực thuộc", "aliases": ["các đơn vị trực thuộc"]},
    ]})
    school_ctx = AnalysisContext(directory=directory, calendar=WorkCalendar())
    body = "Đề nghị Hiệu trưởng các trường, Thủ trưởng các đơn vị trực thuộc kiểm tra hệ thống phòng cháy.\n"
    assert [t.lead for t in run(body, school_ctx).tasks] == [("*",)]
