"""E-mail reading: envelope, forwarded note split, bodies, charsets, attachments and malformed input."""
from __future__ import annotations

import unicodedata
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText

import pytest

from extractors.base import ExtractionError, Limits
from extractors.email_forward import split_forward
from extractors.email_message import read_message
from tests.unit.extractors.builders import cp1258_bytes, make_docx, p

NOTICE = (
    "ỦY BAN NHÂN DÂN HUYỆN AN LẠC\nSố: 45/TB-UBND\n\nTHÔNG BÁO\nKết luận của Chủ tịch UBND huyện tại buổi "
    "làm "
    "việc với các phòng chuyên môn\n\n1. Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp với Phòng Nội vụ "
    "rà "
    "soát kinh phí, báo cáo trước ngày 15/3/2024.\n2. Phòng Văn hóa và Thông tin tuyên truyền kết quả "
    "chuyển đổi "
    "số trên trang thông tin điện tử huyện hằng tháng.\n3. Yêu cầu Thủ trưởng các cơ quan, đơn vị nghiêm túc "
    "triển khai thực hiện./.\n\nNơi nhận:\n- Như trên;\n- Lưu: VT."
)
NOTE = ("Kính gửi các phòng,\nVăn phòng chuyển tiếp Thông báo số 45 để các đồng chí thực hiện.\nTrân "
        "trọng.\n--\nLê Thu Trang\nVăn phòng HĐND và UBND huyện")


def _headers(msg, subject="Fwd: Thông báo kết luận số 45/TB-UBND"):
    msg["From"] = "Lê Thu Trang <trang.lt@anlac.example.vn>"
    msg["To"] = "docket@anlac.example.vn"
    msg["Subject"] = subject
    msg["Message-ID"] = "<abc.1@anlac.example.vn>"
    msg["In-Reply-To"] = "<prev.0@anlac.example.vn>"
    msg["References"] = "<root.0@anlac.example.vn> <prev.0@anlac.example.vn>"
    msg["Date"] = "Mon, 04 Mar 2024 08:15:00 +0700"
    msg["Auto-Submitted"] = "no"
    return msg


def test_inline_forward_splits_note_and_notice_and_fills_envelope():
    body = NOTE + (
        "\n\n---------- Forwarded message ---------\nFrom: Văn thư <vanthu@anlac.example.vn>\n"
        "Date: Sat, Mar 2, 2024 at 4:10 PM\nSubject: TB 45\nTo: <vp@anlac.example.vn>\n\n" + NOTICE
    )
    msg = _headers(EmailMessage())
    msg.set_content(body)
    out = read_message(msg.as_bytes())
    env = out.envelope
    assert env.sender == "trang.lt@anlac.example.vn" and env.sender_name == "Lê Thu Trang"
    assert env.subject == "Fwd: Thông báo kết luận số 45/TB-UBND"
    assert env.message_id == "<abc.1@anlac.example.vn>" and env.in_reply_to == "<prev.0@anlac.example.vn>"
    assert env.references == ("<root.0@anlac.example.vn>", "<prev.0@anlac.example.vn>")
    assert env.headers["Auto-Submitted"] == "no" and env.headers["Content-Type"].startswith("text/plain")
    assert out.note.startswith("Kính gửi các phòng") and out.note.endswith("Văn phòng HĐND và UBND huyện")
    assert "Forwarded" not in out.note and "Giao Phòng" not in out.note
    assert out.forwarded_headers["Subject"] == "TB 45"
    assert len(out.documents) == 1
    doc = out.documents[0]
    assert doc.kind == "email-body" and doc.text.startswith("ỦY BAN NHÂN DÂN HUYỆN AN LẠC")
    assert "From:" not in doc.text and "Lê Thu Trang" not in doc.text


@pytest.mark.parametrize(
    "marker",
    [
        "-------- Original Message --------",
        "Begin forwarded message:",
        "-------- Thư chuyển tiếp --------",
        "---------- Forwarded Message ----------",
    ],
)
def test_forward_markers(marker):
    split = split_forward(
        f"Chuyển anh chị.\n\n{marker}\nTừ: Văn thư\nNgày: 02/3/2024\nChủ đề: TB 45\n\n{NOTICE}"
    )
    assert split.note == "Chuyển anh chị."
    assert split.headers == {"From": "Văn thư", "Date": "02/3/2024", "Subject": "TB 45"}
    assert split.forwarded.startswith("ỦY BAN NHÂN DÂN")


def test_outlook_forward_without_marker_and_quoted_lines():
    quoted = "\n".join("> " + line for line in NOTICE.split("\n"))
    body = ("Gửi các phòng.\n\nFrom: Văn thư\nSent: Saturday, March 2, 2024 4:10 PM\nTo: VP\nSubject: TB "
            f"45\n\n{quoted}")
    split = split_forward(body)
    assert split.note == "Gửi các phòng."
    assert split.forwarded.startswith("ỦY BAN NHÂN DÂN") and "> " not in split.forwarded


def test_html_only_body_keeps_table_rows_and_blocks():
    html = (
        "<div>Kính gửi các khoa,</div><div>Chuyển tiếp công văn.</div><div>---------- Forwarded message "
        "---------<br>From: Giám đốc &lt;gd@bv.example.vn&gt;<br>Subject: CV<br><br>"
        "<table><tr><td>SỞ Y TẾ<br><b>BỆNH VIỆN</b></td><td>CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM</td></tr>"
        "<tr><td>Số: /BV-KH</td><td>ngày tháng 3 năm 2024</td></tr></table>"
        + "".join(f"<p>{line}</p>" for line in NOTICE.split("\n")[4:])
        + "</div>"
    )
    msg = _headers(EmailMessage())
    msg.set_content(html, subtype="html")
    out = read_message(msg.as_bytes())
    doc = out.documents[0]
    assert doc.text.startswith(
        "SỞ Y TẾ BỆNH VIỆN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố: /BV-KH | ngày tháng 3 năm 2024"
    )
    assert "\n\n1. Giao Phòng Tài chính" in doc.text
    assert out.note == "Kính gửi các khoa,\n\nChuyển tiếp công văn."


def test_windows_1258_body_is_nfc():
    text = "Đề nghị các phòng thực hiện kết luận, báo cáo trước ngày 15/3/2024.\n" * 10
    raw = cp1258_bytes(text)
    assert raw.decode("cp1258") != text  # cp1258 gives base letters + combining tone marks
    head = _headers(EmailMessage()).as_bytes().rstrip(b"\n")
    out = read_message(
        head + b"\nContent-Type: text/plain; charset=windows-1258\nContent-Transfer-Encoding: 8bit\n\n" + raw
    )
    doc = out.documents[0]
    assert doc.text.startswith("Đề nghị các phòng thực hiện kết luận")
    assert doc.text == unicodedata.normalize("NFC", doc.text)


def test_undecodable_bytes_replaced_with_warning():
    head = _headers(EmailMessage()).as_bytes().rstrip(b"\n")
    out = read_message(
        head + b"\nContent-Type: text/plain; charset=utf-8\nContent-Transfer-Encoding: 8bit\n\n"
        b"Th\xc3\xb4ng b\xc3\xa1o \xff\xfe k\xe1\xba\xbft lu\xe1\xba\xadn"
    )
    assert out.note.startswith("Thông báo \ufffd")
    assert any("undecodable" in w for w in out.warnings)


def test_attachments_rfc2231_names_docs_and_failures():
    outer = _headers(MIMEMultipart())
    outer.attach(MIMEText(NOTE, "plain", "utf-8"))
    docx = MIMEApplication(make_docx(p("Giao Phòng Nội vụ tổng hợp.")), "octet-stream")
    docx.add_header("Content-Disposition", "attachment", filename=("utf-8", "", "Thông báo kết luận.docx"))
    outer.attach(docx)
    broken = MIMEApplication(b"%PDF-1.4 broken", "pdf")
    broken.add_header(
        "Content-Disposition",
        "attachment",
        filename="=?utf-8?b?" + __import__("base64").b64encode("Công văn lỗi.pdf".encode()).decode() + "?=",
    )
    outer.attach(broken)
    image = MIMEApplication(b"\x89PNG\r\n", "octet-stream")
    image.add_header("Content-Disposition", "attachment", filename="bang-tinh.xlsx")
    outer.attach(image)
    out = read_message(outer.as_bytes())
    assert [d.part for d in out.documents] == ["attachment:Thông báo kết luận.docx"]
    assert out.documents[0].text == "Giao Phòng Nội vụ tổng hợp."
    assert any(w.startswith("attachment Công văn lỗi.pdf: corrupt PDF") for w in out.warnings)
    assert any(w.startswith("attachment bang-tinh.xlsx: skipped") for w in out.warnings)
    assert out.note.startswith("Kính gửi các phòng")


def test_rfc2047_subject_and_names():
    msg = EmailMessage()
    msg["From"] = (
        "=?utf-8?b?" + __import__("base64").b64encode("Văn thư Sở".encode()).decode() + "?= <vt@s.example.vn>"
    )
    msg["Subject"] = "=?utf-8?q?Fwd=3A_Th=C3=B4ng_b=C3=A1o?="
    msg.set_content("ngắn")
    out = read_message(msg.as_bytes())
    assert out.envelope.subject == "Fwd: Thông báo" and out.envelope.sender_name == "Văn thư Sở"


def test_message_rfc822_forward_as_attachment():
    inner = _headers(EmailMessage(), subject="TB 45")
    inner.set_content(NOTICE)
    outer = _headers(MIMEMultipart())
    outer.attach(MIMEText("Chuyển các phòng thực hiện.", "plain", "utf-8"))
    outer.attach(MIMEMessage(inner))
    out = read_message(outer.as_bytes())
    assert out.note == "Chuyển các phòng thực hiện."
    assert out.documents[0].text.startswith("ỦY BAN NHÂN DÂN HUYỆN AN LẠC")
    assert out.forwarded_headers["Subject"] == "TB 45"


def test_empty_and_unparseable_messages():
    with pytest.raises(ExtractionError, match="empty"):
        read_message(b"  \r\n")
    msg = _headers(EmailMessage())
    out = read_message(msg.as_bytes())  # headers only, no body
    assert out.documents == () and out.note == ""
    assert out.envelope.message_id == "<abc.1@anlac.example.vn>"
    assert any("no text body" in w for w in out.warnings)


def test_short_note_only_yields_no_document():
    msg = _headers(EmailMessage())
    msg.set_content("Cảm ơn anh, em đã nhận được.")
    out = read_message(msg.as_bytes())
    assert out.documents == () and out.note == "Cảm ơn anh, em đã nhận được."


def test_malformed_mime_never_raises():
    raw = (
        b'From: a@b.example.vn\r\nSubject: =?utf-8?b?broken\r\nContent-Type: multipart/mixed; '
        b'boundary="XX"\r\n\r\n'
        b"--XX\r\nContent-Type: text/plain; charset=x-unknown-charset\r\n\r\nN\xe9i dung\r\n--XX\r\n"
        b"Content-Type: application/pdf\r\nContent-Transfer-Encoding: base64\r\n"
        b'Content-Disposition: attachment; filename="a.pdf"\r\n\r\n!!!notbase64\r\n'
    )
    out = read_message(raw)
    assert out.envelope.sender == "a@b.example.vn"
    assert any("a.pdf" in w for w in out.warnings)


def test_oversized_message_keeps_envelope_only():
    msg = _headers(EmailMessage())
    msg.set_content("Nội dung rất dài.\n" * 80_000)
    out = read_message(msg.as_bytes(), limits=Limits(max_bytes=10))  # cap = 1.4 × max_bytes + 1 MiB
    assert out.documents == () and "too big" in out.warnings[0]
    assert out.envelope.sender == "trang.lt@anlac.example.vn"
