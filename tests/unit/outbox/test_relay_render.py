"""A row that cannot be rendered fails alone and permanently; it never stops the relay."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from outbox.relay import _render
from outbox.errors import SendError
from outbox.models import OutboxMessage


def _row(body: str) -> OutboxMessage:
    return OutboxMessage(
        dedupe_key="k",
        kind="reminder",
        to_addrs=["khtc@so.example.vn"],
        cc_addrs=[],
        subject="Nhắc việc",
        body_text=body,
        body_html=None,
        headers={},
        message_id="<docket.1@so.example.vn>",
        created_at=datetime(2026, 11, 25, tzinfo=timezone.utc),
    )


def test_render_keeps_the_stable_message_id_and_auto_headers() -> None:
    msg = _render(_row("Thời hạn: 30/11/2026"), "docket@so.example.vn")
    assert msg["Message-ID"] == "<docket.1@so.example.vn>" and msg["Auto-Submitted"] == "auto-generated"


def test_unrenderable_row_is_a_permanent_send_error() -> None:
    with pytest.raises(SendError) as caught:
        _render(_row("lỗi mã hóa \udce9"), "docket@so.example.vn")
    assert caught.value.permanent and "cannot compose" in str(caught.value)


def test_every_unit_is_written_out_in_words() -> None:
    from outbox.compose import unit_list

    assert unit_list(["Văn phòng Sở", "*"]) == "Văn phòng Sở, tất cả các phòng, đơn vị"
    assert unit_list([]) == ""
