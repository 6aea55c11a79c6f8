"""The .pdf reader: pages as segments, reflow, page numbers, limits, encrypted, corrupt and scanned pages."""
from __future__ import annotations

import unicodedata

import pytest

from extractors.base import ExtractionError, Limits
from extractors.ocr import ocr_available
from extractors.pdf import read_pdf
from extractors.pdf_reflow import drop_page_number, reflow
from tests.unit.extractors.builders import FONT, make_image_pdf, make_pdf

needs_font = pytest.mark.skipif(not FONT.exists(), reason="DejaVu Serif font not installed")

PAGE1 = [
    "ỦY BAN NHÂN DÂN",
    "HUYỆN AN LẠC",
    "THÔNG BÁO",
    "Ngày 02/3/2024, Chủ tịch UBND huyện chủ trì họp giao ban, kết luận như sau:",
    "1. Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp với Phòng Nội vụ rà soát",
    "toàn bộ kinh phí, báo cáo UBND huyện trước ngày 15/3/2024.",
    "2. Phòng Văn hóa và Thông tin tuyên truyền kết quả trên trang thông tin điện tử",
    "huyện và các nền tảng số, xong trong tháng 3/2024; đồng thời kiểm tra đặc biệt",
]
PAGE2 = [
    "là đối với các xã còn chậm tiến độ.",
    "Nơi nhận:",
    "- Như trên;",
    "- Lưu: VT.",
]


@needs_font
def test_pages_segments_reflow_and_page_number_dropped():
    out = read_pdf(make_pdf([PAGE1, PAGE2], page_numbers=True), part="file:tb.pdf")
    assert out.kind == "pdf" and out.warnings == ()
    assert (
        "1. Giao Phòng Tài chính - Kế hoạch chủ trì, phối hợp với Phòng Nội vụ rà soát toàn bộ kinh phí, "
        "báo cáo UBND huyện trước ngày 15/3/2024." in out.text.split("\n\n")
    )
    # the page break inside item 2 is re-joined; the printed '2' at the top of page 2 is gone
    assert "kiểm tra đặc biệt là đối với các xã còn chậm tiến độ." in out.text
    assert "\n2\n" not in out.text and "\n\n2\n\n" not in out.text
    assert out.text.endswith("Nơi nhận:\n\n- Như trên;\n\n- Lưu: VT.")
    assert out.where(out.text.index("Giao Phòng")) == "page 1"
    assert out.where(out.text.index("Nơi nhận")) == "page 2"
    assert out.text == unicodedata.normalize("NFC", out.text)


def test_reflow_rules():
    lines = [
        "Đề nghị các phòng, đơn vị triển khai thực hiện nội dung kế hoạch, báo cáo",
        "kết quả trước ngày 20/9/2024.",
        "a) Phòng Nội vụ tổng hợp.",
        "- Lưu: VT.",
    ]
    assert reflow(lines) == [
        "Đề nghị các phòng, đơn vị triển khai thực hiện nội dung kế hoạch, báo cáo kết quả "
        "trước ngày 20/9/2024.",
        "a) Phòng Nội vụ tổng hợp.",
        "- Lưu: VT.",
    ]
    wrapped = [
        "- Khẩn trương hoàn thành các Lệnh xây dựng công trình khẩn cấp gồm: (1) Cải tạo",
        "tạo trạm bơm hiện có, kết hợp lắp đặt một số trạm bơm dã chiến và cải tạo cống",
        "(2) Đầu tư xây dựng hồ điều hoà Yên Nghĩa 1, xã An Khánh, phường Đông Ngạc",
        "; (3) Đầu tư xây dựng hồ điều hoà Yên Nghĩa 2",
        "(4) Tổ chức nghiệm thu, bàn giao.",
    ]
    # an enumeration wrapped to a line's start under a full line, and a line that a footnote mark broke
    # before its ';', stay in the sentence; "(4)" after a short line is an item of its own
    assert reflow(wrapped) == [" ".join(wrapped[:4]), wrapped[4]]
    named = [
        "- Chủ trì xây dựng kế hoạch đảm bảo an toàn cho đại biểu trong chương trình “Festival Thăng Long",
        "- Hà Nội, lần thứ II năm 2026”.",
        "- Phối hợp chặt chẽ với các Đại sứ quán trong việc mời tham gia Festival Thăng Long",
        "– Hà Nội lần thứ II năm 2026; qua đó góp phần tăng cường giao lưu, hợp tác quốc tế.",
        "- Bố trí địa điểm trông giữ xe.",
    ]
    # a name wrapped at its dash (inside an open quote, or after a full line ending on a capitalised word)
    assert reflow(named) == [" ".join(named[:2]), " ".join(named[2:4]), named[4]]
    assert drop_page_number(["", "- 3 -", "tiếp theo"], 3) == ["", "tiếp theo"]
    assert drop_page_number(["3", "tiếp"], 1) == ["3", "tiếp"]
    assert drop_page_number(["2020", "tiếp"], 2) == ["2020", "tiếp"]


@needs_font
def test_too_many_pages_refused():
    data = make_pdf([["Trang"]] * 6)
    with pytest.raises(ExtractionError, match="6 pages, more than the limit of 5"):
        read_pdf(data, part="x", limits=Limits(max_pdf_pages=5))


def test_corrupt_pdf_refused():
    with pytest.raises(ExtractionError, match="corrupt PDF"):
        read_pdf(b"%PDF-1.7\n1 0 obj << /Type /Catalog >>\ngarbage", part="x")
    with pytest.raises(ExtractionError, match="corrupt PDF"):
        read_pdf(b"not a pdf at all", part="x")


def _encrypted_pdf() -> bytes:
    """A PDF with a standard security handler whose user password is not empty."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"11" * 32 + b"> /U <" + b"22" * 32 + b"> /P -44 >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    for off in offsets:
        out += b"%010d 00000 n \n" % off
    out += (
        b"trailer\n<< /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<" % (len(objs) + 1)
        + b"ab" * 16
        + b"> <"
        + b"ab" * 16
        + b">] >>\nstartxref\n%d\n%%%%EOF\n" % xref
    )
    return bytes(out)


def test_password_protected_pdf_refused():
    with pytest.raises(ExtractionError, match="password-protected PDF"):
        read_pdf(_encrypted_pdf(), part="x")


def test_scanned_page_without_ocr_gives_the_warning():
    out = read_pdf(make_image_pdf(), part="x", limits=Limits(ocr=False))
    assert out.text == ""
    assert out.warnings == ("scanned page 1, no text layer",)


@pytest.mark.skipif(not ocr_available(), reason="tesseract with the vie model is not installed")
def test_scanned_page_goes_through_ocr_when_installed():
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), 40) if FONT.exists() else ImageFont.load_default()
    img = Image.new("L", (1400, 300), 255)
    ImageDraw.Draw(img).text((40, 100), "Phòng Nội vụ báo cáo trước ngày 15/3/2024", font=font, fill=0)
    import io

    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(img))
    image.set_matrix(pdfium.PdfMatrix().scale(560, 120).translate(20, 600))
    page.insert_obj(image)
    page.gen_content()
    buf = io.BytesIO()
    pdf.save(buf)
    out = read_pdf(buf.getvalue(), part="x")
    assert "15/3/2024" in out.text
    assert any("OCR" in w for w in out.warnings)
