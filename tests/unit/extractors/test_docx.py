"""The .docx reader: order, tables, headers/footers, text boxes, numbering, legacy fonts, hostile files."""
from __future__ import annotations

import io
import re
import zipfile

import docx as python_docx
import pytest

from extractors.base import ExtractionError, Limits
from extractors.docx import read_docx
from extractors.docx_package import Styles
from extractors.legacy import unicode_to_tcvn3, unicode_to_vni
from tests.unit.extractors.builders import W_NS, make_docx, p, tbl, wrap_part

REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def test_python_docx_paragraphs_and_task_table_in_body_order():
    d = python_docx.Document()
    d.add_paragraph("KẾ HOẠCH")
    d.add_paragraph("Triển khai số hóa hồ sơ lưu trữ năm 2024")
    t = d.add_table(rows=3, cols=4)
    rows = [["Nội dung", "Đơn vị chủ trì", "Đơn vị phối hợp", "Thời gian hoàn thành"],
            ["Số hóa hồ sơ", "Phòng Nội vụ", "", "Quý II/2024"],
            ["Báo cáo kết quả", "Văn phòng", "Phòng Tư pháp", "Trước ngày 30/6/2024"]]
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            t.cell(r, c).text = value
    d.add_paragraph("Nơi nhận:")
    buf = io.BytesIO()
    d.save(buf)
    out = read_docx(buf.getvalue(), part="file:kh.docx")
    assert out.text == (
        "KẾ HOẠCH\n\nTriển khai số hóa hồ sơ lưu trữ năm 2024\n\n"
        "Nội dung | Đơn vị chủ trì | Đơn vị phối hợp | Thời gian hoàn thành\n"
        "Số hóa hồ sơ | Phòng Nội vụ | | Quý II/2024\n"  # empty cell kept
        "Báo cáo kết quả | Văn phòng | Phòng Tư pháp | Trước ngày 30/6/2024\n\nNơi nhận:")
    row3 = out.text.index("Báo cáo kết quả")
    assert out.where(row3) == "table 1 row 3"
    assert out.where(0) == "paragraph 1"


def test_letterhead_table_cells_and_nested_table():
    nested = tbl([["Số: 12/TB-UBND", "V/v họp"]])
    body = tbl([["ỦY BAN NHÂN DÂN", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"],
                [p("HUYỆN AN LẠC") + nested, "An Lạc, ngày 02 tháng 3 năm 2024"]]) + p("THÔNG BÁO")
    out = read_docx(make_docx(body), part="x")
    lines = out.text.split("\n")
    assert lines[0] == "ỦY BAN NHÂN DÂN | CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    assert lines[1] == "HUYỆN AN LẠC Số: 12/TB-UBND | V/v họp | An Lạc, ngày 02 tháng 3 năm 2024"
    assert out.text.endswith("\n\nTHÔNG BÁO")


def test_one_cell_layout_row_is_read_as_paragraphs():
    body = tbl([[p("I. NỘI DUNG") + p("1. Phòng Văn hóa rà soát hồ sơ.") + p("2. Báo cáo trước ngày 05/4.")]])
    out = read_docx(make_docx(body), part="x")
    assert out.text == "I. NỘI DUNG\n\n1. Phòng Văn hóa rà soát hồ sơ.\n\n2. Báo cáo trước ngày 05/4."


def test_headers_footers_and_text_box_without_duplicates():
    box = (
        '<w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx><w:txbxContent>'
        + p("DỰ THẢO")
        + "</w:txbxContent></wps:txbx></w:drawing></mc:Choice><mc:Fallback><w:pict>"
        "<w:txbxContent>"
        + p("DỰ THẢO")
        + "</w:txbxContent></w:pict></mc:Fallback></mc:AlternateContent></w:r>"
    )
    body = f"<w:p><w:r><w:t>Kính gửi các phòng</w:t></w:r>{box}</w:p>" + p("Nội dung chính.")
    rels = (
        f'<Relationship Id="rId1" Type="{REL}/header" Target="header1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/footer" Target="footer1.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/footer" Target="footer2.xml"/>'
    )
    parts = {
        "word/header1.xml": wrap_part("hdr", p("SỞ NỘI VỤ - MẬT")),
        "word/footer1.xml": wrap_part("ftr", p("Địa chỉ: 12 Lê Lợi")),
        "word/footer2.xml": wrap_part("ftr", p("2")),
    }
    out = read_docx(make_docx(body, parts=parts, rels=rels), part="x")
    assert (
        out.text
        == "SỞ NỘI VỤ - MẬT\n\nKính gửi các phòng\n\nDỰ THẢO\n\nNội dung chính.\n\nĐịa chỉ: 12 Lê Lợi"
    )
    assert out.text.count("DỰ THẢO") == 1


def test_auto_numbering_labels():
    numbering = wrap_part(
        "numbering",
        (
            '<w:abstractNum w:abstractNumId="0">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText '
            'w:val="%1."/></w:lvl>'
            '<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText '
            'w:val="%2)"/></w:lvl>'
            '<w:lvl w:ilvl="2"><w:numFmt w:val="bullet"/><w:lvlText w:val="\uf0b7"/></w:lvl>'
            '</w:abstractNum><w:abstractNum w:abstractNumId="1">'
            '<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText '
            'w:val="%1."/></w:lvl>'
            '</w:abstractNum><w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>'
            '<w:num w:numId="2"><w:abstractNumId w:val="1"/></w:num>'
        ),
    )
    body = (
        p("MỤC ĐÍCH", num=(2, 0))
        + p("Rà soát", num=(1, 0))
        + p("hồ sơ", num=(1, 1))
        + p("dữ liệu", num=(1, 1))
        + p("chi tiết", num=(1, 2))
        + p("Báo cáo", num=(1, 0))
        + p("kết quả", num=(1, 1))
        + p("TỔ CHỨC", num=(2, 0))
    )
    out = read_docx(make_docx(body, parts={"word/numbering.xml": numbering}), part="x")
    assert out.text.split("\n\n") == [
        "I. MỤC ĐÍCH",
        "1. Rà soát",
        "a) hồ sơ",
        "b) dữ liệu",
        "- chi tiết",
        "2. Báo cáo",
        "a) kết quả",
        "II. TỔ CHỨC",
    ]


def test_legacy_fonts_converted_per_run():
    sentence = "Đề nghị các phòng báo cáo trước ngày 20 hằng tháng"
    body = (
        p(unicode_to_tcvn3(sentence), font=".VnTime")
        + p(unicode_to_vni(sentence), font="VNI-Times")
        + p("Văn bản Unicode giữ nguyên", font=".VnTime")
    )
    out = read_docx(make_docx(body), part="x")
    # TCVN3 cannot carry upper-case toned letters, 'Đ' (0xA7) survives
    assert out.text.split("\n\n") == [sentence, sentence, "Văn bản Unicode giữ nguyên"]
    assert any("TCVN3" in w for w in out.warnings) and any("VNI" in w for w in out.warnings)


def test_legacy_font_inherited_from_document_defaults():
    styles = wrap_part(
        "styles",
        '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii=".VnTime" '
        'w:hAnsi=".VnTime"/></w:rPr></w:rPrDefault></w:docDefaults>',
    )
    body = p(unicode_to_tcvn3("giao phòng Tư pháp chủ trì"))
    out = read_docx(make_docx(body, parts={"word/styles.xml": styles}), part="x")
    assert out.text == "giao phòng Tư pháp chủ trì"


def test_corrupt_docx_refused():
    with pytest.raises(ExtractionError, match="corrupt"):
        read_docx(b"PK\x03\x04 this is not a zip", part="x")
    with pytest.raises(ExtractionError, match="document.xml"):
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            zf.writestr("word/other.xml", "<x/>")
        read_docx(buf.getvalue(), part="x")
    with pytest.raises(ExtractionError, match="well-formed"):
        read_docx(make_docx("<w:p><w:r><w:t>unclosed"), part="x")


def test_encrypted_docx_refused():
    # an OOXML file saved with a password: an OLE compound file with an EncryptedPackage stream
    ole = (
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
        + b"\x00" * 504
        + "EncryptedPackage".encode("utf-16-le")
        + b"\x00" * 64
    )
    with pytest.raises(ExtractionError, match="password-protected"):
        read_docx(ole, part="x")


def test_zip_bomb_refused_by_declared_and_by_actual_size():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<a>" + b" " * (3 * 1024 * 1024) + b"</a>")
    limits = Limits(max_unzipped_bytes=1024 * 1024)
    with pytest.raises(ExtractionError, match="zip bomb"):
        read_docx(buf.getvalue(), part="x", limits=limits)
    # a lying central directory: declared sizes patched down, the inflated stream is still 3 MB
    data = bytearray(buf.getvalue())
    cd = data.rfind(b"PK\x01\x02")
    data[cd + 24 : cd + 28] = (100).to_bytes(4, "little")  # uncompressed size in the central directory
    lh = data.find(b"PK\x03\x04")
    data[lh + 22 : lh + 26] = (100).to_bytes(4, "little")
    with pytest.raises(ExtractionError, match="zip bomb|corrupt"):
        read_docx(bytes(data), part="x", limits=limits)


def test_legacy_font_inherited_from_default_paragraph_style():
    styles = wrap_part(
        "styles",
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:rPr>'
        '<w:rFonts w:ascii="VNI-Times" w:hAnsi="VNI-Times"/></w:rPr></w:style>',
    )
    data = make_docx(p(unicode_to_vni("Ủy ban nhân dân tỉnh yêu cầu")), parts={"word/styles.xml": styles})
    out = read_docx(data, part="x")
    assert out.text == "Ủy ban nhân dân tỉnh yêu cầu"


# styles.xml as Word 2019+ writes it: every prefix (w14, mc …) declared on the root element only
_W14 = "http://schemas.microsoft.com/office/word/2010/wordml"
_ROOT_ONLY_NS_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:styles xmlns:w="{W_NS}" xmlns:w14="{_W14}" '
    'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" mc:Ignorable="w14">'
    '<w:docDefaults><w:rPrDefault><w:rPr><w:rFonts w:ascii="Times New Roman" w:hAnsi="Times New Roman"/>'
    '<w14:ligatures w14:val="standardContextual"/></w:rPr></w:rPrDefault></w:docDefaults>'
    '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:rPr><w14:ligatures w14:val="none"/>'
    "</w:rPr></w:style>"
    '<w:style w:type="paragraph" w:styleId="Legacy"><w:basedOn w:val="Normal"/><w:rPr>'
    '<w:rFonts w:ascii=".VnTime" w:hAnsi=".VnTime"/><w14:ligatures w14:val="none"/></w:rPr></w:style>'
    "</w:styles>"
)


def test_styles_with_namespaces_declared_on_the_root_only_are_read():
    body = p("Kính gửi: Ủy ban nhân dân tỉnh") + p(
        unicode_to_tcvn3("đề nghị phòng Tư pháp chủ trì"), style="Legacy"
    )
    out = read_docx(make_docx(body, parts={"word/styles.xml": _ROOT_ONLY_NS_STYLES}), part="x")
    assert out.text == "Kính gửi: Ủy ban nhân dân tỉnh\n\nđề nghị phòng Tư pháp chủ trì"


def test_styles_shortcut_falls_back_to_the_full_parse():
    # a comment holding '</w:style>' inside a style block: the snippet cutter stops there and cuts malformed
    # XML
    styles = _ROOT_ONLY_NS_STYLES.replace(
        '<w:basedOn w:val="Normal"/>', '<w:basedOn w:val="Normal"/><!-- was </w:style> in a draft -->'
    )
    assert Styles.from_raw(styles.encode(), {"Legacy"}).run_font(None, "Legacy") == ".VnTime"


def _package_python_docx_reads(text: str, *, styles: bytes) -> bytes:
    """A Word package (python-docx's own template) whose styles.xml is junk and not referenced by any
    relationship: python-docx never looks at it, our reader reads styles.xml by name."""
    d = python_docx.Document()
    d.add_paragraph(text)
    buf = io.BytesIO()
    d.save(buf)
    out = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            if info.filename == "word/styles.xml":
                data = styles
            elif info.filename == "word/_rels/document.xml.rels":
                data = re.sub(rb'<Relationship [^>]*Target="styles.xml"/>', b"", data)
            dst.writestr(info.filename, data)
    return out.getvalue()


def test_docx_our_reader_refuses_is_read_by_python_docx_as_second_opinion():
    sentence = "Giao Sở Tư pháp chủ trì, báo cáo trước ngày 30/6/2025."
    data = _package_python_docx_reads(sentence, styles=b"<w:styles><unclosed")
    out = read_docx(data, part="x")
    assert out.text == sentence
    assert any("python-docx" in w and "styles.xml" in w for w in out.warnings)


def test_docx_both_readers_refuse_is_corrupt_with_both_reasons():
    with pytest.raises(ExtractionError, match="well-formed.*python-docx"):
        read_docx(make_docx("<w:p><w:r><w:t>unclosed"), part="x")


def test_main_part_under_another_name_is_found_through_the_relationships():
    # some producers write word/document2.xml; Word (and python-docx) follow _rels/.rels to it
    d = python_docx.Document()
    d.add_paragraph("Đề nghị Phòng Tài chính báo cáo trước ngày 10/7/2025.")
    buf = io.BytesIO()
    d.save(buf)
    out_buf = io.BytesIO()
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(out_buf, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            data = src.read(info.filename)
            name = info.filename
            if name in ("_rels/.rels", "[Content_Types].xml"):
                data = data.replace(b"word/document.xml", b"word/document2.xml")
            elif name == "word/document.xml":
                name = "word/document2.xml"
            elif name == "word/_rels/document.xml.rels":
                name = "word/_rels/document2.xml.rels"
            dst.writestr(name, data)
    out = read_docx(out_buf.getvalue(), part="x")
    assert out.text == "Đề nghị Phòng Tài chính báo cáo trước ngày 10/7/2025."
    assert any("no word/document.xml" in w for w in out.warnings)
