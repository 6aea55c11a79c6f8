"""Normalisation: NFC, look-alikes, invisible characters, whitespace, page cuts, legacy TCVN3/VNI."""
from __future__ import annotations

import unicodedata

from extractors.legacy import (detect_encoding, encoding_for_font, tcvn3_to_unicode, unicode_to_tcvn3,
                               unicode_to_vni, vni_to_unicode)
from extractors.normalize import normalize_text

SENTENCE = ("Giao Trung tâm Quan trắc chủ trì, phối hợp với phòng Kế hoạch - Tài chính rà soát số liệu "
            "quan trắc nước mặt, báo cáo Sở trước ngày 15/9/2023; đề nghị các đơn vị được giao khẩn trương "
            "thực hiện đầy đủ.")


def test_nfd_becomes_nfc():
    nfd = unicodedata.normalize("NFD", SENTENCE)
    assert nfd != SENTENCE
    assert normalize_text(nfd) == SENTENCE


def test_eth_nbsp_zero_width_soft_hyphen():
    raw = "Ðề nghị\u00a0phòng\u200b Tài\u00adchính  xử lý\ufeff ðúng hạn"
    assert normalize_text(raw) == "Đề nghị phòng Tàichính xử lý đúng hạn"


def test_whitespace_folding_keeps_lines_paragraphs_and_items():
    raw = "Kính gửi:  \r\n- Phòng A;\r\n-   Phòng B.\r\n\r\n\r\n\r\n1.  Nội   dung\tmột."
    assert normalize_text(raw) == "Kính gửi:\n- Phòng A;\n- Phòng B.\n\n1. Nội dung một."


def test_page_cut_joined_when_next_paragraph_starts_lower_case():
    raw = "Các đơn vị chấp hành nghiêm giờ giấc, đặc biệt\n\nlà đối với bộ phận một cửa.\n\na) Mục một."
    assert (
        normalize_text(raw)
        == "Các đơn vị chấp hành nghiêm giờ giấc, đặc biệt là đối với bộ phận một cửa.\n\na) Mục một."
    )


def test_sentence_end_is_not_joined():
    raw = "Hoàn thành trước ngày 05/8/2023.\n\nngày hôm sau họp lại"
    assert normalize_text(raw) == raw


def test_tcvn3_round_trip_and_detection():
    legacy = unicode_to_tcvn3(SENTENCE)
    assert legacy != SENTENCE and "ngµy" in legacy
    assert detect_encoding(legacy) == "tcvn3"
    # TCVN3 has no upper-case toned letters: 'Đ' survives, lower-case otherwise
    assert tcvn3_to_unicode(legacy) == SENTENCE
    assert normalize_text(legacy) == SENTENCE


def test_tcvn3_soft_hyphen_is_letter_u_horn_not_deleted():
    legacy = unicode_to_tcvn3("Sở Tài nguyên và Môi trường")
    assert "\u00ad" in legacy
    assert normalize_text(legacy) == "Sở Tài nguyên và Môi trường"


def test_vni_round_trip_and_detection():
    legacy = unicode_to_vni(SENTENCE)
    assert "ngaøy" in legacy and "ñeà nghò" in legacy
    assert detect_encoding(legacy) == "vni"
    assert vni_to_unicode(legacy) == SENTENCE
    assert normalize_text(legacy) == SENTENCE


def test_vni_marker_words_from_domain_notes():
    assert vni_to_unicode("Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam") == "Cộng hòa xã hội chủ nghĩa Việt Nam"
    assert vni_to_unicode("chuû triø, phoái hôïp") == "chủ trì, phối hợp"


def test_mixed_document_converted_per_paragraph():
    text = "Thông báo kết luận\n" + unicode_to_tcvn3("các phòng báo cáo trước ngày 20") + "\nCòn lại Unicode."
    assert normalize_text(text) == "Thông báo kết luận\ncác phòng báo cáo trước ngày 20\nCòn lại Unicode."


def test_unicode_and_foreign_text_left_alone():
    for text in (SENTENCE, "Größe, naïve café, Muñoz está aquí", "Report due 12/3/2024 — ok"):
        assert detect_encoding(text) is None
        assert normalize_text(text) == text


def test_font_names():
    assert encoding_for_font(".VnTime") == "tcvn3"
    assert encoding_for_font(".VnArialH") == "tcvn3"
    assert encoding_for_font("ABCDEF+.VnTimeH") == "tcvn3"
    assert encoding_for_font("VNI-Times") == "vni"
    assert encoding_for_font("Times New Roman") is None


def test_page_number_between_the_halves_of_a_sentence_stays_a_line_of_its_own() -> None:
    raw = "Kiểm soát không để phát sinh cơ sở gây ô nhiễm\n6\n\nmôi trường nghiêm trọng."
    assert (
        normalize_text(raw) == "Kiểm soát không để phát sinh cơ sở gây ô nhiễm\n6\nmôi trường nghiêm trọng."
    )
