"""The safety net (rules/candidates.py): order-like sentences and rows that gave no task become possible
tasks.

The findings are built by hand (no task, or one task over a known span), so these tests pin the net itself,
whatever the rules find on the same text.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.candidates import find_candidates, pieces, reads_like_order, signals
from rules.findings import AnalysisContext, DocumentInfo, Findings, Source, TaskFinding

HEAD = """UBND TỈNH THỬ NGHIỆM
SỞ NÔNG NGHIỆP
Số: 88/TB-SNN
Thử Nghiệm, ngày 10 tháng 11 năm 2026
THÔNG BÁO
Kết luận của Giám đốc Sở tại cuộc họp giao ban
"""
FOOT = """
Nơi nhận:
- Các phòng, đơn vị thuộc Sở (để chỉ đạo thực hiện);
- Lưu: VT.
KT. GIÁM ĐỐC
PHÓ GIÁM ĐỐC
Nguyễn Văn Thử
"""


def _findings(*tasks: TaskFinding) -> Findings:
    return Findings(document=DocumentInfo(issued_date=date(2026, 11, 10)), tasks=tasks)


def _task(text: str, sentence: str) -> TaskFinding:
    start = text.index(sentence)
    return TaskFinding(
        text=sentence,
        lead=("Chi cục Thủy lợi",),
        support=(),
        deadline=None,
        deadline_text=None,
        recurrence=None,
        confidence=0.9,
        source=Source("body", start, start + len(sentence)),
    )


def _net(text: str, ctx: AnalysisContext, findings: Findings | None = None, judge: object = None) -> list:
    return list(
        find_candidates(
            text,
            findings or _findings(),
            directory=ctx.directory,
            calendar=ctx.calendar,
            part="body",
            judge=judge,
        )
    )  # type: ignore[arg-type]


def test_an_order_that_gave_no_task_is_a_candidate_with_its_unit_and_deadline(ctx: AnalysisContext) -> None:
    text = (
        HEAD
        + (
            "Giao Chi cục Thủy lợi chủ trì, phối hợp với Trung tâm Khuyến nông rà soát các hồ chứa xung yếu, "
            "báo cáo trước ngày 15/12/2026.\n"
        )
        + FOOT
    )
    [cand] = _net(text, ctx)
    assert cand.text.startswith("Giao Chi cục Thủy lợi chủ trì")
    assert cand.lead == ("Chi cục Thủy lợi",) and cand.support == ("Trung tâm Khuyến nông",)
    assert cand.deadline == date(2026, 12, 15)
    assert {"cue", "unit", "when"} <= set(cand.signals)
    assert text[cand.source.start : cand.source.end].startswith("Giao Chi cục") and cand.source.part == "body"
    assert cand.score is None  # no judge


def test_a_sentence_the_rules_took_is_not_listed_again(ctx: AnalysisContext) -> None:
    taken = "Chi cục Thủy lợi kiểm tra an toàn đập trước ngày 20/11/2026."
    missed = "- Tăng cường kiểm tra việc vận hành các trạm bơm trong mùa khô, báo cáo hằng tháng."
    text = HEAD + taken + "\n" + missed + "\n" + FOOT
    cands = _net(text, ctx, _findings(_task(text, taken)))
    assert [c.text for c in cands] == [missed[2:]]


def test_background_citations_and_past_narration_are_not_candidates(ctx: AnalysisContext) -> None:
    text = (
        HEAD
        + (
            "Căn cứ Quyết định số 12/QĐ-UBND ngày 05/3/2026 của UBND tỉnh về giao nhiệm vụ cho Chi cục Thủy "
            "lợi.\n"
            "Năm 2025, Chi cục Thủy lợi đã hoàn thành kiểm tra 45 hồ chứa.\n"
            "Trong tháng qua, Trung tâm Khuyến nông đã tổ chức 12 lớp tập huấn.\n"
        )
        + FOOT
    )
    assert _net(text, ctx) == []


def test_the_distribution_list_is_not_read_for_orders(ctx: AnalysisContext) -> None:
    text = HEAD + "Văn phòng Sở thông báo để các đơn vị biết.\n" + FOOT
    assert all("Lưu" not in c.text and "để chỉ đạo" not in c.text for c in _net(text, ctx))


def test_rows_of_an_annex_table_after_the_signature_are_candidates(ctx: AnalysisContext) -> None:
    annex = (
        "\nPHÂN CÔNG THỰC HIỆN\n"
        "Nội dung | Đơn vị chủ trì | Thời gian\n"
        "Rà soát quy trình vận hành hồ chứa | Chi cục Thủy lợi | Quý I/2027\n"
        "Xây dựng mô hình khuyến nông | Trung tâm Khuyến nông | Thường xuyên\n"
    )
    text = HEAD + "Các đơn vị thực hiện theo phân công tại phụ lục.\n" + FOOT + annex
    rows = [c for c in _net(text, ctx) if "row" in c.signals]
    assert [c.lead for c in rows] == [("Chi cục Thủy lợi",), ("Trung tâm Khuyến nông",)]
    assert rows[0].deadline == date(2027, 3, 31)  # the time column needs no "trước ngày"


def test_a_candidate_without_a_unit_takes_the_addressee_as_its_lead(ctx: AnalysisContext) -> None:
    text = (
        HEAD + "Kính gửi: Trung tâm Khuyến nông\n"
        "Đề nghị khẩn trương tổng hợp nhu cầu giống cây trồng vụ Đông Xuân, gửi về Sở trước ngày "
        "25/11/2026.\n"
        + FOOT
    )
    cands = _net(text, ctx)
    assert [c.lead for c in cands] == [("Trung tâm Khuyến nông",)]


def test_the_prose_repeating_a_row_gives_one_candidate(ctx: AnalysisContext) -> None:
    line = "- Rà soát quy trình vận hành hồ chứa, hoàn thành trong Quý I/2027."
    text = HEAD + line + "\n" + line + "\n" + FOOT
    assert len(_net(text, ctx)) == 1


@dataclass
class _KeywordJudge:
    """A judge of our own: a task when the text names the reservoirs."""

    threshold: float = 0.5

    def scores(self, texts: Sequence[str]) -> list[float]:
        return [0.9 if "hồ chứa" in t else 0.1 for t in texts]


def test_the_judge_keeps_or_drops_each_piece_and_its_score_is_kept(ctx: AnalysisContext) -> None:
    text = (
        HEAD
        + (
            "- Rà soát quy trình vận hành hồ chứa, hoàn thành trong Quý I/2027.\n"
            "- Tổ chức hội nghị tổng kết năm trước ngày 20/12/2026.\n"
        )
        + FOOT
    )
    assert len(_net(text, ctx)) == 2
    [kept] = _net(text, ctx, judge=_KeywordJudge())
    assert "hồ chứa" in kept.text and kept.score == 0.9


def test_an_order_word_alone_or_a_date_alone_is_not_enough() -> None:
    assert not reads_like_order(signals("thực hiện tốt công tác này", row=False, item=False, has_unit=False))
    assert not reads_like_order(
        signals("ngày 15/12/2026 là ngày nghỉ", row=False, item=False, has_unit=False)
    )
    assert reads_like_order(signals("thực hiện trước ngày 15/12/2026", row=False, item=False, has_unit=False))
    assert reads_like_order(signals("rà soát hồ sơ", row=False, item=True, has_unit=False))


def test_pieces_are_the_training_view_too(ctx: AnalysisContext) -> None:
    text = HEAD + "- Rà soát quy trình vận hành hồ chứa, hoàn thành trong Quý I/2027.\n" + FOOT
    [piece] = pieces(text, ctx.directory)
    assert piece.text == "Rà soát quy trình vận hành hồ chứa, hoàn thành trong Quý I/2027."
    assert "action" in piece.signals and "item" in piece.signals


_WORDS = [
    "Giao",
    "Chi cục Thủy lợi",
    "rà soát",
    "trước ngày 15/12/2026",
    "|",
    "\n",
    "- ",
    "1. ",
    "Nơi nhận:",
    "đã",
    "Căn cứ",
    "PHỤ LỤC",
    "Quý I/2027",
    ".",
    ";",
    ":",
    "phối hợp",
    "Kính gửi:",
    "hằng tháng",
    " ",
]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_WORDS), st.text(max_size=12)), max_size=60))
def test_any_text_gives_candidates_inside_it_and_never_raises(parts: list[str]) -> None:
    from rules.calendar import WorkCalendar
    from rules.directory import parse_directory

    text = " ".join(parts)
    directory = parse_directory({"organization": "Sở", "units": [{"name": "Chi cục Thủy lợi"}]})
    for c in find_candidates(text, _findings(), directory=directory, calendar=WorkCalendar(), part="body"):
        assert 0 <= c.source.start < c.source.end <= len(text) and c.text
