"""Document fields of real layouts (our own invented headers in their style): Party numbers and subjects, a
decision's authority line under its trích yếu, a V/v column wrapped after a hanging word, Word subjects split
by empty paragraphs, unsigned copies, and annexes after the signature."""

from __future__ import annotations

from datetime import date

from rules.metadata import analyse_metadata

PARTY = """ĐẢNG BỘ TỈNH THỬ NGHIỆM                   ĐẢNG CỘNG SẢN VIỆT NAM
ĐẢNG ỦY CÁC CƠ QUAN TỈNH
Thử Nghiệm, ngày 05 tháng 3 năm 2026
*
Số 318 -CV/ĐU
về việc triển khai Chương trình hành động
số 12-CTr/TU ngày 20/02/2026 của Tỉnh ủy

Kính gửi: Các chi bộ, đảng bộ cơ sở.

Đề nghị các chi bộ triển khai thực hiện.
"""


def test_party_letter_number_and_subject_after_ve_viec() -> None:
    info, _ = analyse_metadata(PARTY)
    assert (info.number, info.type, info.issued_date) == ("318-CV/ĐU", "Công văn", date(2026, 3, 5))
    assert info.subject == "triển khai Chương trình hành động số 12-CTr/TU ngày 20/02/2026 của Tỉnh ủy"


def test_party_action_programme_is_its_own_type() -> None:
    text = (
        "TỈNH ỦY THỬ NGHIỆM                ĐẢNG CỘNG SẢN VIỆT NAM\nSố 45 -CTr/TU           Thử Nghiệm, ngày "
        "30 tháng 8 năm 2026\n\n"
        "CHƯƠNG TRÌNH HÀNH ĐỘNG\nthực hiện Kết luận số 7-KL/TW của Bộ Chính trị\n-----\n\nThực hiện Kết "
        "luận …\n"
    )
    info, _ = analyse_metadata(text)
    assert (info.number, info.type, info.subject) == (
        "45-CTr/TU",
        "Chương trình hành động",
        "thực hiện Kết luận số 7-KL/TW của Bộ Chính trị",
    )


def test_authority_line_under_a_decision_is_not_its_subject() -> None:
    text = (
        "BỘ THỬ NGHIỆM\nSố: 12/QĐ-BTN\nHà Nội, ngày 10 tháng 6 năm 2026\nQUYẾT ĐỊNH\n"
        "BAN HÀNH KẾ HOẠCH TRIỂN KHAI THỰC HIỆN NGHỊ ĐỊNH SỐ 99/2026/NĐ-CP NGÀY 21 THÁNG 5 NĂM 2026 CỦA "
        "CHÍNH PHỦ\n"
        "BỘ TRƯỞNG BỘ THỬ NGHIỆM\nCăn cứ Nghị định số 35/2025/NĐ-CP …\n"
    )
    info, _ = analyse_metadata(text)
    assert (
        info.subject
        == "BAN HÀNH KẾ HOẠCH TRIỂN KHAI THỰC HIỆN NGHỊ ĐỊNH SỐ 99/2026/NĐ-CP NGÀY 21 THÁNG 5 NĂM 2026 "
        "CỦA CHÍNH PHỦ"
    )


def test_vv_column_wrapped_after_a_hanging_word_runs_on() -> None:
    text = (
        "ỦY BAN NHÂN DÂN                CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nTỈNH THỬ NGHIỆM\n\n"
        "Số: 7432 /UBND-XD                      Thử Nghiệm, ngày 21 tháng 7 năm 2026\n"
        "V/v triển khai thực hiện Quyết định số\n1074/QĐ-BXD ngày 29/6/2026 của Bộ\nXây dựng về an toàn "
        "phòng cháy\n\n"
        "Kính gửi: Các sở, ban, ngành.\n\nĐề nghị các sở thực hiện.\n"
    )
    info, _ = analyse_metadata(text)
    assert info.number == "7432/UBND-XD"
    assert (
        info.subject
        == "triển khai thực hiện Quyết định số 1074/QĐ-BXD ngày 29/6/2026 của Bộ Xây dựng về an toàn "
        "phòng cháy"
    )


def test_word_subject_split_by_empty_paragraphs_and_blank_number_and_day() -> None:
    text = (
        "SỞ THỬ NGHIỆM | | CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM\nSố:      /KH-STN | | Thử Nghiệm, ngày    "
        "tháng 4 năm 2026\n\n"
        "KẾ HOẠCH\n\nKiểm tra, cấp Giấy chứng nhận an toàn\n\nvật liệu nổ công nghiệp trên địa bàn tỉnh\n\n"
        "Căn cứ Luật …\n"
    )
    info, _ = analyse_metadata(text)
    assert (info.number, info.issued_date, info.type) == (None, None, "Kế hoạch")
    assert info.subject == "Kiểm tra, cấp Giấy chứng nhận an toàn vật liệu nổ công nghiệp trên địa bàn tỉnh"


def test_names_in_an_annex_after_the_signature_are_not_the_signer() -> None:
    text = (
        "SỞ THỬ NGHIỆM\nSố: 5/QĐ-STN\nThử Nghiệm, ngày 02 tháng 5 năm 2026\nQUYẾT ĐỊNH\nVề việc kiểm tra\n\n"
        "Điều 1. Giao phòng Quản lý công nghiệp kiểm tra.\n\nNơi nhận:\n- Như Điều 1;\n- Lưu: VT.\nGIÁM ĐỐC\n"
        "Hoàng Chí Hiền\n\nPhụ lục: DANH SÁCH CÁC ĐƠN VỊ\nTT | Đơn vị | Địa chỉ\n01 | Công ty Mây Trắng | "
        "phường Bắc Cường, "
        "tỉnh Lào Cai\n"
    )
    info, _ = analyse_metadata(text)
    assert info.signer == "Hoàng Chí Hiền"


def test_authority_glued_to_the_subject_on_one_line_is_cut() -> None:
    text = (
        "BỘ THỬ NGHIỆM\nSố: 12/QĐ-BTN\nHà Nội, ngày 10 tháng 6 năm 2026\nQUYẾT ĐỊNH\n"
        "Ban hành các giải pháp kỹ thuật nâng cao an toàn phòng cháy thuộc thẩm quyền của Bộ Thử Nghiệm BỘ "
        "TRƯỞNG "
        "BỘ THỬ NGHIỆM\nCăn cứ Nghị định số 35/2025/NĐ-CP …\n"
    )
    info, _ = analyse_metadata(text)
    assert (
        info.subject
        == "Ban hành các giải pháp kỹ thuật nâng cao an toàn phòng cháy thuộc thẩm quyền của Bộ Thử Nghiệm"
    )


def test_pdf_header_glued_title_wrapped_date_and_split_signer_name() -> None:
    text = (
        "SỞ THỬ\n\nNGHIỆM\n\nSố: /KH-STN\n\nThử Nghiệm, ngày tháng 6 năm 2026 KẾ HOẠCH\n\n"
        "Huấn luyện kỹ thuật an toàn vật liệu nổ công nghiệp\n\nCăn cứ Luật …\n\n"
        "Giao Phòng Khoáng sản tổ chức huấn luyện./.\n\nNơi nhận:\n\n- Lưu: VT.\n\nKT. GIÁM ĐỐC\n\nPHÓ GIÁM "
        "ĐỐC\n\n"
        "Hoàng Văn\n\nThuân\n\nPHÂN CÔNG NHIỆM VỤ\n\n(Kèm theo Kế hoạch số /KH-STN)\n\nLê Thị Loan\n"
    )
    info, _ = analyse_metadata(text)
    assert (info.type, info.subject, info.signer) == (
        "Kế hoạch",
        "Huấn luyện kỹ thuật an toàn vật liệu nổ công nghiệp",
        "Hoàng Văn Thuân",
    )
    vv = (
        "SỞ THỬ NGHIỆM\n\nSố: /STN-CN\n\nThử Nghiệm, ngày tháng 4 năm\n\n2026\n\nV/v báo cáo định kỳ hoạt "
        "động hóa chất\n\n"
        "Kính gửi: Các đơn vị\n\nĐề nghị các đơn vị báo cáo.\n"
    )
    info, _ = analyse_metadata(vv)
    assert (info.type, info.subject) == ("Công văn", "báo cáo định kỳ hoạt động hóa chất")
