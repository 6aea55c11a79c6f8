"""The safety net's two figures in `docket eval`: missed required tasks a candidate covers, false
candidates per document."""

from __future__ import annotations

from service.admin.evaluate import Score, overlaps, score

GOLD = {
    "tasks": [
        {"quote": "rà soát dự toán ngân sách năm 2027", "required": True},
        {"quote": "xây dựng kế hoạch thanh tra năm 2027", "required": True},
        {"quote": "cập nhật cơ sở dữ liệu khoa học", "required": True},
        {"quote": "tăng cường kỷ luật, kỷ cương", "required": False},
    ]
}


def _output(tasks: list[str], candidates: list[str]) -> dict:
    return {
        "document": {},
        "tasks": [{"text": t, "lead": [], "deadline": None, "recurrence": None} for t in tasks],
        "candidates": [{"text": c} for c in candidates],
    }


def test_a_candidate_catches_a_missed_task_and_one_that_covers_no_quote_is_false() -> None:
    out = _output(
        ["Giao Phòng KH-TC rà soát dự toán ngân sách năm 2027."],
        [
            "Thanh tra Sở xây dựng kế hoạch thanh tra năm 2027, trình trong tháng 12.",
            "Các đơn vị tăng cường kỷ luật, kỷ cương hành chính.",  # an optional task: not false
            "Hội nghị được tổ chức tại hội trường Sở.",
        ],
    )
    s = score("x", GOLD, out)
    assert (s.required, s.matched_required, s.caught) == (3, 1, 1)  # 2 missed, 1 of them caught
    assert s.catch_rate == 0.5
    assert (s.candidates, s.false_candidates, s.documents) == (3, 1, 1)


def test_totals_add_up_per_document() -> None:
    total = Score("t")
    total.add(
        score("a", GOLD, _output([], ["cập nhật cơ sở dữ liệu khoa học và công nghệ", "Không là nhiệm vụ."]))
    )
    total.add(score("b", GOLD, _output([], ["Cũng không là nhiệm vụ."])))
    assert total.documents == 2 and total.false_per_doc == 1.0
    assert total.caught == 1 and abs(total.catch_rate - 1 / 6) < 1e-9
    row = total.as_dict()
    assert row["net_catch"] == round(1 / 6, 4) and row["false_per_doc"] == 1.0


def test_a_quote_split_over_two_pieces_overlaps_each_by_half() -> None:
    quote = "Thực hiện nghiêm trách nhiệm báo cáo kết quả hoạt động khai thác"
    assert overlaps(quote, "Sở yêu cầu: Thực hiện nghiêm trách nhiệm báo cáo kết quả")
    assert not overlaps(quote, "báo cáo kết quả năm trước")
    assert overlaps("ngắn", "một câu có chữ ngắn trong đó")
