"""Headers read as the receiving server reads them (issue 10, items 1, 2, 9): pure, no database."""
from __future__ import annotations

import email
from email.policy import compat32

import pytest

from extractors.email_message import envelope_of
from extractors.email_mime import decode_header, header_line, sender_of
from extractors.safe_text import safe_line, safe_text


def _msg(raw: bytes) -> email.message.Message:
    return email.message_from_bytes(raw + b"\r\n\r\nbody", policy=compat32)


@pytest.mark.parametrize(("from_", "address"), [
    (b"=?utf-8?q?khtc=40stnmt.langson.example.vn?= <attacker@evil.example>", "attacker@evil.example"),
    (b'"khtc@stnmt.example.vn" <attacker@evil.example>', "attacker@evil.example"),
    (b"V\xc4\x83n th\xc6\xb0 <Van.Thu@So.example.vn>", "van.thu@so.example.vn"),  # raw UTF-8 display name
    (b"van.thu@so.example.vn (V\xc4\x83n th\xc6\xb0)", "van.thu@so.example.vn"),
])
def test_the_address_is_the_one_in_the_header_never_a_decoded_display_name(
    from_: bytes, address: str
) -> None:
    sender = sender_of(_msg(b"From: " + from_))
    assert (sender.address, sender.problem) == (address, None)


@pytest.mark.parametrize(
    ("headers", "problem"),
    [
        (b"From: a@so.example.vn\r\nFrom: b@evil.example", "2 From headers"),
        (b"From: a@so.example.vn, b@evil.example", "2 addresses"),
        (b"From: Units: a@so.example.vn, b@evil.example;", "2 addresses"),
        (b"From: a@so.example.vn <b@evil.example>", "malformed"),
        (b"From: khtc@", "cannot be parsed"),
        (b"From: =?utf-8?q?a=00b=40evil.example?=", "malformed"),  # an encoded word is never an address
        (b"From: a\x00b@evil.example", "cannot be read"),
        (b"From: " + b"k" * 400 + b"@so.example.vn", "not a real address"),
        (b"Subject: no sender", "no From header"),
    ],
)
def test_an_ambiguous_or_unreadable_from_gives_no_address_and_says_why(headers: bytes, problem: str) -> None:
    sender = sender_of(_msg(headers))
    assert sender.address is None and problem in (sender.problem or ""), sender
    assert envelope_of(_msg(headers)).sender_problem == sender.problem


def test_header_values_lose_control_characters_and_keep_vietnamese() -> None:
    assert decode_header("=?utf-8?q?abc=00def?=") == "abc\ufffddef"
    assert decode_header("=?utf-8?q?Hi_=1B]0;PWNED=07?=") == "Hi \ufffd]0;PWNED\ufffd"
    assert (
        decode_header(_msg(b"Subject: Th\xc3\xb4ng b\xc3\xa1o s\xe1\xbb\x91 12").get("Subject"))
        == "Thông báo số 12"
    )
    assert header_line("<a\x00b@x.vn>") == "<a\ufffdb@x.vn>"


def test_safe_text_keeps_lines_and_offsets() -> None:
    text = "Dòng 1\x00\nDòng 2\x1b[2J\t\x85end\udcff"
    assert safe_text(text) == "Dòng 1\ufffd\nDòng 2\ufffd[2J\t\ufffdend\ufffd" and len(
        safe_text(text)
    ) == len(text)
    assert safe_line("a\r\nb\u2028c") == "a  b\ufffdc"
