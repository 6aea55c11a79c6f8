"""The clerk reads the extractors' and rules' warnings in Vietnamese, from the one vocabulary (issue 14)."""
from __future__ import annotations

import re
import string

import pytest

from outbox.warnings_vi import NOTE, PROBLEM, phrase, vocabulary, warnings_vi

# One warning of each shape the extractors and rules write (their own wording, as the admin's log shows it).
PRODUCED = {
    "page 2 read by OCR (tesseract vie); quotes may contain recognition errors": "ocr-page",
    "page 2 read by OCR (tesseract vie): its text layer does not read as Vietnamese (12% words); "
    "quotes may contain recognition errors": "ocr-page",
    "page 3: text layer decoded (TCVN3); as it stood it read 10% words": "page-decoded",
    "page 3: text layer does not read as Vietnamese (10% words); "
    "OCR is not available, its text may be wrong": "page-not-vietnamese",
    "page 3: text layer does not read as Vietnamese (10% words) "
    "and OCR read no better; the layer is kept": "page-not-vietnamese",
    "scanned page 4, no text layer (tesseract not installed)": "page-scanned",
    "issue date not found or its day is blank": "issue-date-missing",
    "legacy TCVN3 font text converted to Unicode": "legacy-font",
    "read with python-docx (second reader): corrupt .docx: no word/document.xml": "second-reader",
    "body: undecodable bytes replaced": "bytes-replaced",
    "undecodable bytes replaced": "bytes-replaced",
    "attachment TB214.zip: skipped, unsupported type": "attachment-unsupported",
    "attachment QD-12.pdf: empty or undecodable": "attachment-empty",
    "attachment QD-12.pdf: corrupt PDF: no %PDF header": "attachment-unreadable",
    "MIME nesting deeper than 20 levels: inner parts skipped": "mime-nesting",
    "malformed MIME: StartBoundaryNotFoundDefect": "mime-malformed",
    "no notice found: no attachment of a supported type and no forwarded notice": "no-notice",
    "possible tasks are listed unfiltered: model file missing": "candidates-unfiltered",
}
DETAILS = [
    "empty file",
    "file too big: 30000000 bytes (limit 25000000)",
    "password-protected PDF",
    "unsupported file type: a.xyz",
    "PDF has 400 pages, more than the limit of 200",
    "corrupt .docx: no word/document.xml",
    "unreadable docx: KeyError: 'x'",
    "zip bomb refused: .docx inflates past the unpacked-size limit",
    "legacy .doc needs antiword or LibreOffice, and neither is installed",
    "pdf too complex to read (RecursionError)",
]


@pytest.mark.parametrize(("warning", "code"), PRODUCED.items())
def test_each_warning_has_its_own_vietnamese_sentence(warning: str, code: str) -> None:
    said = phrase(warning)
    assert said.code == code and not re.search(
        r"\b(page|read|attachment|skipped|found|issue|date)\b", said.vi
    ), said


@pytest.mark.parametrize("detail", DETAILS)
def test_why_an_attachment_failed_is_said_in_vietnamese(detail: str) -> None:
    said = phrase(f"attachment Phu-luc.pdf: {detail}")
    assert said.vi.startswith("Tệp đính kèm Phu-luc.pdf: ") and said.code == "attachment-unreadable"
    assert "Một phần nội dung" not in said.vi, f"{detail!r} fell through to the catch-all"


def test_a_page_read_by_ocr_is_one_note_not_a_problem() -> None:
    said = warnings_vi([*list(PRODUCED)[:2], "issue date not found or its day is blank"])
    assert said.notes == ("Trang 2 được đọc bằng nhận dạng ký tự (OCR); trích dẫn có thể sai chính tả.",)
    assert said.problems == ("Chưa xác định được ngày ban hành (không tìm thấy hoặc để trống ngày).",)


def test_an_unknown_warning_never_reaches_the_mail_in_english() -> None:
    said = phrase("something new went wrong in /var/lib/docket")
    assert said.code == "other" and said.kind == PROBLEM and "/" not in said.vi


def test_the_vocabulary_is_well_formed() -> None:
    entries, fallback = vocabulary()
    for entry in (*entries, fallback):
        assert entry.kind in (NOTE, PROBLEM), entry.code
        names = {name for _, name, _, _ in string.Formatter().parse(entry.vi) if name}
        assert names <= set(entry.match.groupindex if entry.match else ()), entry.code
    assert len({e.code for e in entries}) == len(entries)
