"""extract_file: type sniffing, plain text and HTML files, legacy .doc, limits and refusals."""
from __future__ import annotations

import shutil

import pytest

from extractors.base import ExtractionError, Limits
from extractors.doc import read_doc
from extractors.legacy import unicode_to_tcvn3
from extractors.registry import extract_file, kind_of
from tests.unit.extractors.builders import cp1258_bytes, make_docx, p

TEXT = "Giao Phòng Nội vụ chủ trì, phối hợp với các đơn vị liên quan, báo cáo trước ngày 20/10/2024."


def test_kind_sniffed_from_content_before_extension():
    assert kind_of(b"%PDF-1.7 ...", "thong-bao.docx") == "pdf"
    assert kind_of(make_docx(p("x")), "noname") == "docx"
    assert kind_of(b"<!DOCTYPE html><html>", "page") == "html"
    assert kind_of(b"From: a@b\nSubject: x\n\nbody", "msg") == "eml"
    assert kind_of(b"\x89PNG\r\n\x1a\n\x00\x00", "scan.png") == "unsupported"
    assert kind_of("Thông báo".encode(), "tb.txt") == "txt"


def test_txt_utf8_bom_and_nfd():
    import unicodedata
    out = extract_file(b"\xef\xbb\xbf" + unicodedata.normalize("NFD", TEXT).encode(), "tb.txt")
    assert out.text == TEXT and out.kind == "txt" and out.part == "file:tb.txt"


def test_txt_windows_1258_and_tcvn3_bytes():
    out = extract_file(cp1258_bytes("Phòng Nội vụ báo cáo.") + b" \xd0i", "a.txt")
    assert out.text.startswith("Phòng Nội vụ báo cáo.")
    assert "windows-1258" in out.warnings[0]
    legacy = unicode_to_tcvn3(TEXT).encode("latin-1")
    assert extract_file(legacy, "cu.txt").text == TEXT


def test_html_file():
    html = ("<html><head><meta charset='utf-8'><style>p{}</style></head><body><h1>THÔNG BÁO</h1>"
            f"<p>{TEXT}</p><table><tr><th>Nội dung</th><th>Chủ trì</th></tr>"
            "<tr><td>Rà soát</td><td>Phòng Nội vụ</td></tr></table></body></html>")
    out = extract_file(html.encode(), "tb.htm")
    assert out.text == f"THÔNG BÁO\n\n{TEXT}\n\nNội dung | Chủ trì\nRà soát | Phòng Nội vụ"


def test_eml_file_returns_main_document():
    from email.message import EmailMessage
    msg = EmailMessage()
    msg["From"] = "a@b.example.vn"
    msg["Subject"] = "TB"
    msg.set_content("Chuyển các phòng.")
    msg.add_attachment(
        make_docx(p(TEXT)),
        maintype="application",
        subtype="vnd.openxmlformats-officedocument.wordprocessingml.document",
        filename="tb.docx",
    )
    out = extract_file(msg.as_bytes(), "thu.eml")
    assert out.text == TEXT and out.part == "attachment:tb.docx"


def test_refusals_are_one_line_extraction_errors():
    cases = [
        (b"", "a.pdf", "empty"),
        (b"x" * 100, "a.txt", "too big"),
        (b"\x89PNG\r\n\x1a\n\x00", "a.png", "unsupported"),
        (b"PK\x03\x04garbage", "a.docx", "corrupt"),
        (b"plain words", "a.pdf", "corrupt PDF"),
    ]
    for data, name, reason in cases:
        with pytest.raises(ExtractionError, match=reason) as info:
            extract_file(data, name, limits=Limits(max_bytes=50))
        assert "\n" not in str(info.value)


def test_doc_without_converter_or_garbage():
    if shutil.which("antiword") or shutil.which("soffice"):
        with pytest.raises(ExtractionError, match="legacy .doc"):
            read_doc(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600, part="x")
    else:
        with pytest.raises(ExtractionError, match="needs antiword or LibreOffice"):
            read_doc(b"\xd0\xcf\x11\xe0", part="x")
