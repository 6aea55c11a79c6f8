"""Layouts of real documents (our own invented texts in their style): leads named after their block of items,
letters that give an addressee a list of obligations, footnotes and page numbers inside sentences."""
from __future__ import annotations

from rules.calendar import WorkCalendar
from rules.directory import parse_directory
from rules.findings import AnalysisContext
from tests.unit.rules.test_analyse import run

PARTY = AnalysisContext(directory=parse_directory({"organization": "Tỉnh ủy Thử Nghiệm", "units": [
    {"name": "Đảng ủy Ủy ban nhân dân tỉnh", "aliases": ["Đảng ủy UBND tỉnh"]},
    {"name": "Các cấp ủy, tổ chức đảng", "aliases": ["các cấp ủy, tổ chức đảng"]},
    {"name": "Ban Tuyên giáo Tỉnh ủy", "aliases": []},
]}), calendar=WorkCalendar())


def test_leads_written_after_the_block_go_to_every_item_of_it() -> None:
    body = ("3. Nhiệm vụ thường xuyên\n"
            "3.1. Đẩy mạnh tuyên truyền, nâng cao nhận thức\n"
            "- Quán triệt sâu sắc các chủ trương về bảo vệ rừng đầu nguồn.\n"
            "- Đổi mới hình thức tuyên truyền trên mạng xã hội. Nhân rộng các mô hình tốt.\n"
            "Trách nhiệm chỉ đạo thực hiện: Đảng ủy UBND tỉnh; các cấp ủy, tổ chức đảng.\n"
            "3.2. Huy động nguồn lực\n"
            "- Bố trí kinh phí cho công tác trồng rừng hằng năm.\n"
            "Trách nhiệm chỉ đạo thực hiện: Đảng ủy Ủy ban nhân dân tỉnh.\n")
    tasks = run(body, PARTY).tasks
    both = {"Đảng ủy Ủy ban nhân dân tỉnh", "Các cấp ủy, tổ chức đảng"}
    assert [(t.text[:20], set(t.lead)) for t in tasks] == [
        ("Quán triệt sâu sắc c", both), ("Đổi mới hình thức tu", both),
        ("Bố trí kinh phí cho ", {"Đảng ủy Ủy ban nhân dân tỉnh"})]
    assert tasks[2].recurrence == "yearly"
    assert "Nhân rộng các mô hình tốt." in tasks[1].text  # one task per item, its further sentences included


def test_closing_line_that_names_no_known_body_gives_nothing() -> None:
    body = ("1. Nhiệm vụ chung\n"
            "- Rà soát các quy định về quản lý chất thải.\n"
            "Trách nhiệm chỉ đạo thực hiện: theo chức năng, nhiệm vụ được giao.\n"
            "2. Ban Tuyên giáo Tỉnh ủy chủ trì hướng dẫn việc tuyên truyền.\n")
    tasks = run(body, PARTY).tasks
    assert [t.lead for t in tasks] == [("Ban Tuyên giáo Tỉnh ủy",)]


def test_items_without_a_closing_line_stay_untasked() -> None:
    body = ("1. Nhiệm vụ chung\n"
            "- Rà soát các quy định về quản lý chất thải.\n"
            "2. Ban Tuyên giáo Tỉnh ủy chủ trì hướng dẫn việc tuyên truyền.\n")
    assert [t.lead for t in run(body, PARTY).tasks] == [("Ban Tuyên giáo Tỉnh ủy",)]
