"""Text layers that lie: the syllable check, the page score, and which reading of a page is taken."""
from __future__ import annotations

import pytest

from extractors.base import Limits
from extractors.legacy import unicode_to_tcvn3, unicode_to_vni
from extractors.ocr import OcrUnavailable, ocr_available
from extractors.pdf import read_pdf
from extractors.pdf_quality import choose_page_text, score_text
from extractors.syllables import is_marked_syllable, is_syllable
from tests.unit.extractors.builders import FONT, make_glyph_id_pdf, make_pdf, make_scan_with_layer

NOTICE = (
    "UBND TỈNH LÀO CAI, VĂN PHÒNG. Ngày 11/5/2026, Ủy ban nhân dân tỉnh nhận được Công văn số 01/TTr-CT05 "
    "của Công ty về việc đề nghị phê duyệt phương án. Văn phòng UBND tỉnh chuyển văn bản nêu trên đến Sở "
    "Công "
    "Thương để chủ trì, phối hợp với cơ quan liên quan xem xét, giải quyết theo đúng thẩm quyền, báo cáo "
    "UBND "
    "tỉnh theo quy định."
)
# the same notice as a lying layer reads it (issue 12: glyph ids for some letters, Mac Roman for others)
LYING = (
    "UBND 7ӌ1+ L¿O CAI, 9Ă1 PH“NG. Ng‡y 11/5/2026, Ӫ\\ ban nh‚n d‚n WӍQK QKұQ ÿѭӧF CÙng YăQ Vӕ 01/TTr-CT05 "
    "FӫD CÙng ty YӅ YLӋF ÿӅ QJKӏ phÍ GX\\ӋW SKѭѫQJ ·n. Văn phÚng UBND tӍnh chuyӇn Văn bҧn nÍu trÍn ÿӃn Sӣ "
    "CÙng "
    "Thѭѫng ÿӇ chӫ trÏ, phӕi hӧp vӟi cѫ quan liÍn quan xem xÈt, giҧi quyӃt theo ÿ~QJ WKҭP TX\\ӅQ, b·o c·o "
    "UBND "
    "WӍQK theo quy ÿӏQK."
)
UNACCENTED = (
    "CQNG HOA XA HQI CHU NGHIA VIET NAM. Tren co so de nghi cua Cong ty co phan Mong Son tai van ban so 12 "
    "ve viec bao cao ket qua khac phuc cac ton tai kho chua vat lieu no cong nghiep tai khu vuc mo da"
)


@pytest.mark.parametrize(
    "word",
    [
        "Cộng",
        "hòa",
        "hoà",
        "NGHĨA",
        "Việt",
        "quyết",
        "quốc",
        "khuya",
        "giường",
        "gì",
        "nghiêng",
        "kiểm",
        "uyên",
        "yêu",
        "oanh",
        "xoong",
        "thuỷ",
        "người",
        "được",
        "Quỳnh",
        "huơ",
        "khuỷu",
        "ngoằn",
        "Đồng",
        "pin",
    ],
)
def test_valid_syllables(word: str) -> None:
    assert is_syllable(word)


@pytest.mark.parametrize(
    "word",
    [
        "7ӌ1",
        "QJKӏ",
        "ph˙c",
        "ng‡y",
        "CQNG",
        "HQI",
        "QăP",  # lying layers
        "màt",
        "hỏc",  # a rhyme ending in c/ch/p/t takes only sắc or nặng
        "cinh",
        "ghan",
        "ngê",
        "qoa",  # c/k, g/gh, ng/ngh, qu spelling
        "hoàá",
        "email",
        "xyz",
    ],
)
def test_invalid_syllables(word: str) -> None:
    assert not is_syllable(word)


def test_marked_syllables_carry_a_tone_or_a_vietnamese_letter() -> None:
    assert is_marked_syllable("tỉnh") and is_marked_syllable("đi") and is_marked_syllable("ăn")
    assert not is_marked_syllable("tinh") and not is_marked_syllable("ng‡y")


def test_score_separates_vietnamese_from_lying_layers() -> None:
    assert score_text(NOTICE).trusted
    lying = score_text(LYING)
    assert lying.judged and not lying.trusted and lying.valid_share < 0.75
    unaccented = score_text(UNACCENTED)
    assert unaccented.valid_share > 0.75 and unaccented.marked_share < 0.05 and not unaccented.trusted


def test_abbreviations_and_short_pages_are_not_judged_against_the_layer() -> None:
    assert score_text("UBND TTr-SNV PCCC VLNCN QĐ-UBND 3367 12/5/2026").words == 0
    assert score_text("Trang 2 / Phụ lục kèm theo").trusted  # too few words to judge


def test_trusted_layer_is_taken_as_it_is_and_nothing_else_runs() -> None:
    def boom() -> str:
        raise AssertionError("must not run on a good page")

    assert choose_page_text(NOTICE, 1, decoders=(("x", boom),), ocr=boom).how is None


def test_lying_layer_decoded_when_a_decoder_reads_it() -> None:
    tcvn3 = unicode_to_tcvn3(NOTICE.lower())
    chosen = choose_page_text(tcvn3, 2, decoders=(("legacy", lambda: NOTICE.lower()),), ocr=None)
    assert chosen.text == NOTICE.lower() and chosen.how.startswith("page 2: text layer decoded (legacy)")


def test_lying_layer_read_by_ocr_only_when_ocr_reads_better() -> None:
    chosen = choose_page_text(LYING, 1, ocr=lambda: NOTICE)
    assert chosen.text == NOTICE and "read by OCR" in chosen.how and "28%" not in chosen.how
    kept = choose_page_text(LYING, 1, ocr=lambda: "@@@ ### ")
    assert kept.text == LYING and "layer is kept" in kept.how


def test_lying_layer_without_ocr_is_kept_with_a_warning() -> None:
    assert "OCR is not available" in choose_page_text(LYING, 3, ocr=None).how

    def broken() -> str:
        raise OcrUnavailable("tesseract timed out after 90 s")

    assert "OCR failed (tesseract timed out" in choose_page_text(LYING, 3, ocr=broken).how


@pytest.mark.skipif(not FONT.exists(), reason="DejaVu Serif font not installed")
@pytest.mark.parametrize("encode", [unicode_to_tcvn3, unicode_to_vni])
def test_pdf_page_in_a_legacy_encoding_is_decoded(encode) -> None:  # type: ignore[no-untyped-def]
    lines = [
        "Ủy ban nhân dân tỉnh đề nghị các sở, ban, ngành rà soát hồ sơ,",
        "báo cáo kết quả trước ngày 15 tháng 3 năm 2024 để tổng hợp.",
        "Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính thực hiện.",
    ]
    out = read_pdf(make_pdf([[encode(line) for line in lines]]), part="x", limits=Limits(ocr=False))
    assert "trước ngày 15 tháng 3 năm 2024" in out.text and "phối hợp với Sở Tài chính" in out.text
    assert any(w.startswith("page 1: text layer decoded (legacy") for w in out.warnings)


@pytest.mark.skipif(not ocr_available(), reason="tesseract with the vie model is not installed")
def test_scan_with_an_ocr_layer_made_without_vietnamese_is_read_again_by_ocr() -> None:
    image = [
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "BIÊN BẢN KIỂM TRA",
        "Hôm nay, Sở Công Thương tiến hành kiểm tra thực tế kho chứa",
        "vật liệu nổ công nghiệp của Công ty cổ phần Mông Sơn,",
        "với các nội dung sau đây.",
    ]
    layer = [
        "CQNG HOA XA HQI CHU NGHIA VIET NAM",
        "Doc lap - Tu do - Hanh phuc",
        "BIEN BAN KIEM TRA",
        "Hom nay, So Cong Thuong tien hanh kiem tra thuc te kho chua",
        "vat lieu no cong nghiep cua Cong ty co phan Mong Son,",
        "voi cac noi dung sau day.",
    ]
    data = make_scan_with_layer(image, layer)
    without = read_pdf(data, part="x", limits=Limits(ocr=False))
    assert "CQNG HOA" in without.text and "OCR is not available" in without.warnings[0]
    out = read_pdf(data, part="x")
    assert "CQNG" not in out.text and "Công Thương" in out.text
    assert out.warnings[0].startswith(
        "page 1 read by OCR (tesseract vie): its text layer does not read as Vietnamese"
    )


LINES = [
    "Ủy ban nhân dân tỉnh đề nghị các sở, ban, ngành rà soát hồ sơ,",
    "báo cáo kết quả trước ngày 15 tháng 3 năm 2024 để tổng hợp.",
    "Giao Sở Nội vụ chủ trì, phối hợp với Sở Tài chính thực hiện.",
]


@pytest.mark.skipif(not FONT.exists(), reason="DejaVu Serif font not installed")
def test_pdf_layer_of_glyph_ids_is_decoded_through_the_embedded_font() -> None:
    data = make_glyph_id_pdf(LINES)
    import pypdfium2 as pdfium

    layer = pdfium.PdfDocument(data)[0].get_textpage().get_text_range()
    assert "Sở" not in layer and not score_text(layer).trusted  # the layer lies, as rw-31's does
    out = read_pdf(data, part="x", limits=Limits(ocr=False))
    assert out.text == f"{LINES[0]} {LINES[1]}\n\n{LINES[2]}"  # reflowed: the sentence ends with '.'
    assert out.warnings == (
        "page 1: text layer decoded (through the embedded fonts' own maps); as it stood it "
        f"read {score_text(layer).describe()}",
    )


def test_a_page_of_capitals_that_are_no_abbreviations_is_not_trusted() -> None:
    # glyph ids of small letters read as text ('ban' → 'EDQ', glyph id = code - 29): a page of 'abbreviations'
    shifted = "".join(chr(ord(c) - 29) if c.islower() else c for c in UNACCENTED.lower())
    q = score_text(shifted)
    assert q.abbreviation_share > 0.5 and not q.trusted and "look like abbreviations" in q.describe()
    assert score_text("Số: 12/TB-UBND. " + NOTICE).abbreviation_share < 0.2
