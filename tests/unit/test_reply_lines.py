"""Correction lines and a leader's decision, read from a reply (pure: no database)."""
from __future__ import annotations

from datetime import date

from service.tasks.reply_corrections import Line, parse_line
from service.tasks.reply_extensions import read_decision


def test_a_task_line_with_lead_support_and_deadline() -> None:
    line = parse_line("NV-3: chủ trì Phòng Quản lý đất đai; phối hợp Văn phòng Sở, Thanh tra; hạn 15/8/2020")
    assert isinstance(line, Line) and (line.action, line.task_id) == ("edit", 3)
    assert line.edit.lead == ("Phòng Quản lý đất đai",) and line.edit.support == ("Văn phòng Sở", "Thanh tra")
    assert line.edit.deadline == date(2020, 8, 15)


def test_the_issue_s_own_wording_and_lenient_keywords() -> None:
    line = parse_line("Đề nghị điều chỉnh: NV-16 giao Sở Nông nghiệp chủ trì")
    assert isinstance(line, Line) and (line.task_id, line.edit.lead) == (16, ("Sở Nông nghiệp",))
    line = parse_line("[nv-7]  THỜI HẠN 05-09-2020")
    assert isinstance(line, Line) and line.edit.deadline == date(2020, 9, 5)


def test_drop_and_add() -> None:
    assert parse_line("NV-5: bỏ") == Line("drop", 5)
    added = parse_line("thêm: rà soát hồ sơ đất đai; chủ trì Phòng QLĐĐ; hạn 20/8/2020")
    assert isinstance(added, Line) and added.action == "add" and added.edit.text == "rà soát hồ sơ đất đai"
    assert added.edit.lead == ("Phòng QLĐĐ",) and added.edit.deadline == date(2020, 8, 20)


def test_what_is_not_understood_says_why_and_courtesy_is_skipped() -> None:
    assert "ngày không hợp lệ" in str(parse_line("NV-3: hạn 31/02/2020"))
    assert "không hiểu" in str(parse_line("NV-3: chuyển sang quý sau"))
    assert "cần đơn vị chủ trì" in str(parse_line("thêm: rà soát hồ sơ; hạn 20/8/2020"))
    # no list of possible tasks on this schema
    assert "danh sách nhiệm vụ có thể" in str(parse_line("nhận 2"))
    assert "không có mã nhiệm vụ" in str(parse_line("Phòng đề nghị xem lại"))
    assert [
        parse_line(x) for x in ("Kính gửi Văn phòng,", "Trân trọng.", "", "Đề nghị điều chỉnh như sau:")
    ] == [None] * 4


def test_a_leader_s_decision() -> None:
    assert read_decision("Đồng ý.\nPhúc") == ("approve", None)
    assert read_decision("dong y") == ("approve", None)
    assert read_decision("Không đồng ý, lý do: hạn đã báo cáo UBND tỉnh.") == (
        "refuse",
        "hạn đã báo cáo UBND tỉnh.",
    )
    assert read_decision("Để tôi xem lại đã") == (None, None)
    # the first words decide; anything else waits for a person
    assert read_decision("Tôi không đồng ý")[0] is None


def test_a_forwarded_notice_with_a_token_in_its_subject_is_no_answer() -> None:
    from service.tasks.replies import _FORWARD_SUBJECT

    assert all(
        _FORWARD_SUBJECT.match(s) for s in ("Fwd: [NV-3] văn bản mới", "FW: NV-3", "Chuyển tiếp: NV-3")
    )
    assert not any(
        _FORWARD_SUBJECT.match(s) for s in ("Re: [NV-3] Giao nhiệm vụ", "TL: NV-3", "[NV-3] báo cáo")
    )
