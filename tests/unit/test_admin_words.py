"""Pure pieces of the admin CLI: audit events as Vietnamese sentences, lenient unit names, setting-name
hints, masking."""

from __future__ import annotations

import pytest

from service.config_sources import closest, masked, shown
from service.errors import InputError
from service.tasks.history_vi import describe, notified_vi
from service.tasks.unit_names import fold, loose, match_unit

UNITS = {
    "Văn phòng Sở": ["VP Sở"],
    "Phòng Kế hoạch - Tài chính": ["Phòng KH-TC"],
    "Trung tâm Chuyển đổi số": ["TTCĐS"],
}
CHOICES = {fold(spelling): name for name, aliases in UNITS.items() for spelling in (name, *aliases)}


def _event(
    field: str, before: str | None, after: str | None, note: str | None = None
) -> dict[str, str | None]:
    return {"field": field, "before": before, "after": after, "note": note}


@pytest.mark.parametrize(
    ("event", "sentence"),
    [
        (
            _event("created", None, "confidence=0.90", "lead:cue"),
            "Ghi nhận nhiệm vụ từ văn bản, độ tin cậy 90% (văn bản giao việc rõ cho đơn vị chủ trì)",
        ),
        (
            _event("created", None, "confidence=0.75", "lead:scope; scope:heading; unknown-unit"),
            "Ghi nhận nhiệm vụ từ văn bản, độ tin cậy 75% (đơn vị nêu ở đề mục; có đơn vị không có trong "
            "danh bạ)",
        ),
        (_event("status", "open", "done_late"), "Trạng thái: đang thực hiện → hoàn thành quá hạn"),
        (
            _event("recurrence", None, "monthly", "reprocess"),
            "Định kỳ: (trống) → hằng tháng (đọc lại văn bản)",
        ),
        (
            _event("extension_request", "2026-11-30", "2026-12-15", "yêu cầu #3; lý do: chờ số liệu"),
            "Đơn vị xin gia hạn đến 15/12/2026 (yêu cầu #3; lý do: chờ số liệu)",
        ),
        (
            _event("reply", None, "progress", "đang triển khai"),
            "Đơn vị trả lời: báo tiến độ — “đang triển khai”",
        ),
        (_event("inbox-attach", None, "thư #12", "từ vp@so.vn"), "Gắn thư #12 vào nhiệm vụ (từ vp@so.vn)"),
        (
            _event("support_done", None, "Văn phòng Sở", None),
            "Văn phòng Sở báo hoàn thành phần việc phối hợp",
        ),
        (
            _event("created", None, "NV-7 in TB-3", "from possible task KN-2"),
            "Thêm nhiệm vụ bằng tay (văn bản TB-3) — từ nội dung có thể là nhiệm vụ KN-2",
        ),
    ],
)
def test_audit_events_read_as_vietnamese_sentences(event: dict[str, str | None], sentence: str) -> None:
    assert describe(event) == sentence


def test_the_notification_line_names_what_the_units_were_told() -> None:
    assert notified_vi(["new-deadline"], True) == "Đã báo cho các đơn vị liên quan: thời hạn mới"
    assert notified_vi(["cancelled"], False).startswith("CHƯA báo cho các đơn vị (hủy nhiệm vụ)")


@pytest.mark.parametrize(
    ("typed", "unit"),
    [
        ("phong ke hoach", "Phòng Kế hoạch - Tài chính"),
        ("KH-TC", "Phòng Kế hoạch - Tài chính"),
        ("ttcds", "Trung tâm Chuyển đổi số"),
        ("TRUNG TAM CHUYEN DOI SO", "Trung tâm Chuyển đổi số"),
        ("vp so", "Văn phòng Sở"),
    ],
)
def test_unit_names_without_case_diacritics_or_punctuation(typed: str, unit: str) -> None:
    assert match_unit(typed, CHOICES) == unit


def test_an_ambiguous_unit_name_names_the_candidates() -> None:
    with pytest.raises(
        InputError, match="unit 'phong' is ambiguous: it could be Văn phòng Sở, Phòng Kế hoạch - Tài chính;"
    ):
        match_unit("phong", CHOICES)
    assert loose("Phòng KH-TC") == "phong kh tc" and loose("Đỗ") == "do"


def test_setting_hints_masking_and_times() -> None:
    from datetime import time

    valid = ["from_address", "timezone", "office_hours_start", "smtp", "smtp_cafile"]
    assert (closest("from", valid), closest("timezon", valid), closest("smpt", valid)) == (
        "from_address",
        "timezone",
        "smtp",
    )
    assert closest("colour", valid) is None
    assert (closest("smtp_ca", valid), closest("smtp_url", valid)) == ("smtp_cafile", "smtp")
    assert (
        masked("smtps://docket%40so.vn:p%40ss@mail.so.vn:465") == "smtps://docket%40so.vn:***@mail.so.vn:465"
    )
    # an address
    assert masked("maildir:./mail/sent") == "maildir:./mail/sent" and masked("docket@so.vn") == "docket@so.vn"
    assert (shown(time(7, 30)), shown(None)) == ("07:30", "(not set)")
