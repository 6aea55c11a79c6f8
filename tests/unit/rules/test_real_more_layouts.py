"""Layouts of real documents met in tests/fixtures/real_more (our own invented texts in their style): a
one-page notice copied out of a PDF, whose few page-wide body lines are outnumbered by the letterhead and
the Nơi nhận list."""
from __future__ import annotations

from datetime import date

from rules.analyse import analyse
from rules.calendar import WorkCalendar
from rules.directory import parse_directory
from rules.findings import AnalysisContext
from rules.patterns import patterns
from rules.text import fold

CITY = AnalysisContext(directory=parse_directory({
    "organization": "Ủy ban nhân dân thành phố Thử Nghiệm", "units": [
    {"name": "Sở Văn hóa và Thể thao", "aliases": ["Sở Văn hoá và Thể thao"]},
    {"name": "Sở Xây dựng", "aliases": []},
    {"name": "Công an Thành phố", "aliases": []},
]}), calendar=WorkCalendar())

ONE_PAGE_NOTICE = """ỦY BAN NHÂN DÂN
THÀNH PHỐ THỬ NGHIỆM
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập – Tự do – Hạnh phúc
Số: /TB-UBND
Thử Nghiệm, ngày tháng năm
THÔNG BÁO
Về việc tổ chức Ngày hội đọc sách
Nhân dịp Ngày Sách và Văn hóa đọc Việt Nam lần thứ sáu năm 2026. Ủy ban nhân
dân Thành phố đề nghị các cơ quan, đơn vị của Trung ương; các sở, ban, ngành, các
trường học và các hộ gia đình, thư viện tư nhân và nhà sách trên địa bàn
Thành phố tổ chức trưng bày sách từ ngày 18/4/2026 đến hết ngày 22/4/2026 tại trụ sở.
Ủy ban nhân dân các phường, xã có trách nhiệm chỉ đạo, kiểm tra, hướng dẫn việc
trưng bày sách ở địa bàn dân cư; Thủ trưởng các cơ quan, đơn vị chỉ đạo, kiểm tra
việc trưng bày ở các đơn vị thuộc quyền quản lý đảm bảo đúng hướng dẫn./.
Nơi nhận:
- Đ/c Bí thư Thành ủy;
- Thường trực Thành ủy;
- Thường trực HĐND Thành phố;
- UB MTTQ VN TP và các đoàn thể TP;
- VPUB: CVP, PCVP phụ trách văn xã,
phòng: KGVX, TH, HC-QT,
Trung tâm Thông tin Thành phố;
- Chủ tịch UBND Thành phố;
- Các Phó Chủ tịch UBND Thành phố;
- Các Sở, ban, ngành Thành phố;
- UBND các phường, xã;
- Cơ quan Báo, Đài Thành phố;
- Lưu: VT, KGVX.
TL. CHỦ TỊCH
KT. CHÁNH VĂN PHÒNG
PHÓ CHÁNH VĂN PHÒNG
Trần Văn Thử
"""


def test_a_one_page_pdf_notice_reads_its_wrapped_lines_as_one_paragraph() -> None:
    tasks = analyse(ONE_PAGE_NOTICE, CITY).tasks
    display = next(t for t in tasks if "đề nghị các cơ quan" in t.text)
    assert "tổ chức trưng bày sách" in display.text  # the line that starts "các trường học…" is no new item
    assert display.deadline == date(2026, 4, 22)


def test_word_paragraphs_one_a_line_are_not_joined() -> None:
    lines = ONE_PAGE_NOTICE.split("\n")
    start = lines.index(next(x for x in lines if x.startswith("Nhân dịp")))
    # the same notice from a Word file: a paragraph a line; the first does not end in a full stop
    paragraph = " ".join(lines[start : start + 4]).rstrip(".")
    order = "Sở Xây dựng hướng dẫn việc dựng quầy sách."
    text = "\n".join([*lines[:start], paragraph, order, *lines[start + 4 :]])
    tasks = analyse(text, CITY).tasks
    assert any(t.text.startswith("Sở Xây dựng hướng dẫn") and t.lead == ("Sở Xây dựng",) for t in tasks)


def test_the_office_is_known_by_its_full_name_when_the_directory_abbreviates_it() -> None:
    short = AnalysisContext(directory=parse_directory({
        "organization": "UBND thành phố Thử Nghiệm", "units": [{"name": "Sở Xây dựng", "aliases": []}],
    }), calendar=WorkCalendar())
    tasks = analyse(ONE_PAGE_NOTICE, short).tasks
    assert tasks[0].text.startswith("Ủy ban nhân dân Thành phố đề nghị các cơ quan")  # the whole request


PLAN = """ỦY BAN NHÂN DÂN
THÀNH PHỐ THỬ NGHIỆM
Số: 12/KH-UBND
Thử Nghiệm, ngày 02 tháng 3 năm 2026
KẾ HOẠCH
Tổ chức Tuần lễ Văn hóa làng nghề năm 2026
II. CƠ QUAN CHỈ ĐẠO VÀ TỔ CHỨC THỰC HIỆN
1. Cơ quan chỉ đạo: Ủy ban nhân dân thành phố Thử Nghiệm.
2. Đơn vị chủ trì thực hiện: Sở Văn hóa và Thể thao.
III. CÁC HOẠT ĐỘNG CHÍNH
1. Lễ khai mạc Tuần lễ Văn hóa làng nghề
- Thời gian dự kiến: ngày 06/6/2026 (thứ Bảy).
- Địa điểm: Quảng trường Trung tâm.
- Đơn vị chủ trì: Sở Văn hoá và Thể thao.
- Đơn vị phối hợp: Công an Thành phố, Sở Xây dựng.
- Kinh phí: Ngân sách Thành phố.
2. Triển lãm sản phẩm làng nghề và trình diễn nghề truyền thống
- Thời gian dự kiến: từ ngày 06/6 đến hết năm 2026.
- Đơn vị chủ trì: Sở Xây dựng.
- Hình thức thực hiện: Trưng bày, trải nghiệm tại các làng nghề.
3. Quảng bá Tuần lễ trên báo chí và mạng xã hội
- Thời gian thực hiện: từ quý II/2026.
- Đơn vị chủ trì: Sở Văn hóa và Thể thao.
IV. TỔ CHỨC THỰC HIỆN
1. Công an Thành phố
- Chủ trì xây dựng phương án bảo đảm an ninh, trật tự cho lễ khai mạc.
TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Trần Văn Thử
"""


def test_an_activity_over_labelled_lines_is_one_task_of_its_lead_unit() -> None:
    tasks = analyse(PLAN, CITY).tasks
    opening = next(t for t in tasks if t.text.startswith("Lễ khai mạc"))
    assert opening.lead == ("Sở Văn hóa và Thể thao",)
    assert set(opening.support) == {"Công an Thành phố", "Sở Xây dựng"}
    assert opening.deadline == date(2026, 6, 6)
    show = next(t for t in tasks if t.text.startswith("Triển lãm sản phẩm"))
    assert (show.lead, show.deadline) == (("Sở Xây dựng",), date(2026, 12, 31))
    press = next(t for t in tasks if t.text.startswith("Quảng bá Tuần lễ"))
    assert press.deadline is None  # "từ quý II/2026" says when it starts, not when it ends
    # the labelled lines are no tasks of their own
    assert not any(t.text.startswith(("Thời gian", "Địa điểm", "Kinh phí", "Hình thức")) for t in tasks)
    guard = [t.lead for t in tasks if t.text.startswith("Chủ trì xây dựng phương án")]
    assert guard == [("Công an Thành phố",)]


def test_a_line_that_opens_with_a_dash_inside_an_open_quote_continues_the_line_above() -> None:
    body = ONE_PAGE_NOTICE.replace(
        "đến hết ngày 22/4/2026 tại trụ sở.\n",
        "đến hết ngày 22/4/2026 tại trụ sở.\n"
        "Sở Văn hóa và Thể thao chủ trì xây dựng kế hoạch bảo đảm an toàn cho đại biểu,\n"
        "khách mời tham gia các hoạt động trong chương trình “Ngày hội đọc sách Thử Nghiệm\n"
        "- Phương Nam, lần thứ hai năm 2026” theo đúng quy định hiện hành của pháp luật.\n",
    )
    tasks = analyse(body, CITY).tasks
    assert not any(t.text.startswith("Phương Nam") for t in tasks)
    whole = next(t for t in tasks if t.text.startswith("Sở Văn hóa và Thể thao chủ trì"))
    assert whole.text.endswith("theo đúng quy định hiện hành của pháp luật.")


WARDS = AnalysisContext(directory=parse_directory({
    "organization": "Ủy ban nhân dân thành phố Thử Nghiệm", "units": [
        {"name": "Sở Văn hóa và Thể thao", "aliases": []},
        {"name": "Sở Nội vụ", "aliases": []},
        {"name": "Trung tâm Bảo tồn Di sản Cố đô", "aliases": []},
        {"name": "Báo và Phát thanh, Truyền hình Thử Nghiệm", "aliases": []},
        {"name": "UBND phường Đông Sơn", "aliases": ["phường Đông Sơn"]},
        {"name": "UBND phường Tây Sơn", "aliases": ["phường Tây Sơn"]},
        {"name": "UBND các phường, xã", "aliases": ["UBND các phường"]},
    ]}), calendar=WorkCalendar())

SECTION_BY_UNIT = """V. TỔ CHỨC THỰC HIỆN
1. Cơ quan chỉ đạo: Ủy ban nhân dân thành phố Thử Nghiệm.
2. Đơn vị chủ trì thực hiện: Sở Văn hóa và Thể thao.
3. Trung tâm Bảo tồn Di sản Cố đô.
- Chủ trì dàn dựng vở diễn thực cảnh tại Quảng trường Ngọ Môn.
4. Sở Nội vụ (Ban Thi đua - Khen thưởng Thành phố)
- Rà soát thành tích của các tập thể, cá nhân, trình khen thưởng theo quy định.
5. Đề nghị Cơ quan Báo và Phát thanh, Truyền hình Thử Nghiệm
- Thực hiện truyền hình trực tiếp lễ khai mạc.
6. UBND các phường: Đông Sơn, Tây Sơn.
- Bố trí địa điểm trông giữ xe cho đại biểu dự chương trình.
Ủy ban nhân dân Thành phố yêu cầu các Sở, ngành, địa phương thực hiện nghiêm các nhiệm vụ được giao.
"""


def test_unit_headings_with_a_full_stop_a_note_in_brackets_or_a_body_word_and_wards_listed_by_name() -> None:
    tasks = analyse(HEADER_ONLY + SECTION_BY_UNIT + SIGNATURE, WARDS).tasks
    leads = {t.text[:25]: set(t.lead) for t in tasks}
    assert leads == {
        "Chủ trì dàn dựng vở diễn ": {"Trung tâm Bảo tồn Di sản Cố đô"},
        "Rà soát thành tích của cá": {"Sở Nội vụ"},
        "Thực hiện truyền hình trự": {"Báo và Phát thanh, Truyền hình Thử Nghiệm"},
        "Bố trí địa điểm trông giữ": {"UBND phường Đông Sơn", "UBND phường Tây Sơn"},
    }  # the plan's organisers (fields) and the closing formula give no task


HEADER_ONLY = """ỦY BAN NHÂN DÂN
THÀNH PHỐ THỬ NGHIỆM
Số: 15/KH-UBND
Thử Nghiệm, ngày 02 tháng 3 năm 2026
KẾ HOẠCH
Tổ chức Lễ hội Cố đô năm 2026
"""
SIGNATURE = """TM. ỦY BAN NHÂN DÂN
CHỦ TỊCH
Trần Văn Thử
"""


WRAPPED = """1. Sở Văn hóa và Thể thao
- Chủ trì tham mưu lập danh sách, mời các Đại sứ nước ngoài, đại diện các

10
Tổ chức quốc tế, các cơ quan báo chí nước ngoài tham dự Chương trình; gửi giấy
mời và xác nhận đại biểu tham dự Chương trình theo đúng quy định hiện hành.
- Phối hợp chặt chẽ với các Đại sứ quán trong việc mời tham gia Festival Sông Hương
– Thử Nghiệm lần thứ II năm 2026; qua đó góp phần tăng cường giao lưu, hợp
tác quốc tế và nâng cao vị thế, hình ảnh của Thành phố trong khu vực và thế giới.
- Tổ chức hợp luyện, sơ duyệt, tổng duyệt Chương trình đảm bảo chất lượng, hiệu
quả, an toàn và đúng quy định; chuẩn bị các điều kiện phục vụ lễ khai mạc.
- Tổng hợp, tham mưu, báo cáo UBND Thành phố các nhiệm vụ theo tiến độ thực
hiện và những nội dung phát sinh vượt thẩm quyền trong quá trình tổ chức.
"""


def test_a_page_break_and_a_name_wrapped_at_its_dash_stay_inside_their_item() -> None:
    tasks = analyse(HEADER_ONLY + WRAPPED + SIGNATURE, WARDS).tasks
    assert [t.text[:20] for t in tasks] == [
        "Chủ trì tham mưu lập", "Phối hợp chặt chẽ vớ", "Tổ chức hợp luyện, s", "Tổng hợp, tham mưu, ",
    ]
    assert tasks[0].text.endswith("theo đúng quy định hiện hành.")
    assert "– Thử Nghiệm lần thứ II năm 2026; qua đó" in tasks[1].text


def test_an_activity_with_a_unit_that_carries_it_out_has_both_as_leads() -> None:
    lead = "- Đơn vị chủ trì: Sở Xây dựng.\n"
    plan = PLAN.replace(lead, lead + "- Đơn vị thực hiện: Công an Thành phố.\n")
    show = next(t for t in analyse(plan, CITY).tasks if t.text.startswith("Triển lãm sản phẩm"))
    assert show.lead == ("Sở Xây dựng", "Công an Thành phố")


GOVERNMENT = AnalysisContext(directory=parse_directory({
    "organization": "Chính phủ", "units": [
        {"name": "Bộ Công an", "aliases": []},
        {"name": "Bộ Tài chính", "aliases": []},
        {"name": "Bộ Nông nghiệp và Môi trường", "aliases": []},
        {"name": "Ủy ban nhân dân tỉnh Thử Nghiệm", "aliases": ["UBND tỉnh Thử Nghiệm"]},
    ]}), calendar=WorkCalendar())

LETTER = """VĂN PHÒNG CHÍNH PHỦ
CỘNG HOÀ XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 1234/VPCP-CN
V/v cơ chế đặc thù xây dựng công trình
khẩn cấp đối với Dự án kéo dài tuyến
Metro Trung tâm - Sân bay đến Khu
hành chính tỉnh
Hà Nội, ngày 28 tháng 4 năm 2026
Kính gửi:
- Các Bộ: Công an, Tài chính,
Nông nghiệp và Môi trường;
- Ủy ban nhân dân tỉnh Thử Nghiệm.
Xét đề nghị của Ủy ban nhân dân tỉnh Thử Nghiệm, Phó Thủ tướng có ý kiến như sau:
Giao các Bộ: Công an, Tài chính, Nông nghiệp và Môi trường có ý kiến đối với đề xuất, gửi
trước ngày 10 tháng 5 năm 2026.
Văn phòng Chính phủ thông báo để các Bộ, cơ quan biết, thực hiện./.
Nơi nhận:
- Như trên;
- Lưu: VT, CN.
KT. BỘ TRƯỞNG, CHỦ NHIỆM
PHÓ CHỦ NHIỆM
Trần Văn Thử
"""


def test_a_letter_to_ministries_listed_after_their_type_word() -> None:
    found = analyse(LETTER, GOVERNMENT)
    assert found.document.subject == (
        "cơ chế đặc thù xây dựng công trình khẩn cấp đối với Dự án kéo dài tuyến Metro Trung tâm - Sân bay "
        "đến Khu hành chính tỉnh"
    )  # the V/v cell wraps in its narrow column, capitals or not
    [task] = found.tasks
    # three of the four addressees (the Kính gửi list wraps after a comma): not "every addressee"
    assert set(task.lead) == {"Bộ Công an", "Bộ Tài chính", "Bộ Nông nghiệp và Môi trường"}
    assert task.deadline == date(2026, 5, 10)


def test_a_decision_title_that_wraps_after_an_office_runs_on() -> None:
    decision = LETTER.replace(
        "V/v cơ chế đặc thù xây dựng công trình\nkhẩn cấp đối với Dự án kéo dài tuyến\n"
        "Metro Trung tâm - Sân bay đến Khu\nhành chính tỉnh\n",
        "",
    ).replace(
        "Kính gửi:",
        "QUYẾT ĐỊNH\nPhê chuẩn kết quả bầu chức vụ Chủ tịch\n"
        "Ủy ban nhân dân tỉnh Thử Nghiệm nhiệm kỳ 2026 - 2031\nTHỦ TƯỚNG CHÍNH PHỦ\nKính gửi:",
    )
    assert analyse(decision, GOVERNMENT).document.subject == (
        "Phê chuẩn kết quả bầu chức vụ Chủ tịch Ủy ban nhân dân tỉnh Thử Nghiệm nhiệm kỳ 2026 - 2031"
    )


PLAN_BY_COMPANY = """1.3. Đơn vị duy trì thoát nước trên địa bàn Thành phố:
Trung tâm Bảo tồn Di sản Cố đô; Sở Nội vụ; Báo và Phát thanh, Truyền hình Thử Nghiệm theo
địa bàn quản lý có trách nhiệm:
- Chủ động triển khai thực hiện Kế hoạch trên địa bàn được giao quản lý.
- Phối hợp ưu tiên tiêu thoát nước nhanh cho khu vực nội thành:
Thực hiện theo Quy chế phối hợp số 12/QC ngày 14/4/2026; thiết lập cơ chế trao đổi thông tin.
- Xây dựng kế hoạch ứng trực 24/24h cụ thể cho từng vị trí.
"""


def test_a_lead_in_naming_several_bodies_gives_them_all_and_a_titled_item_keeps_its_paragraph() -> None:
    tasks = analyse(HEADER_ONLY + PLAN_BY_COMPANY + SIGNATURE, WARDS).tasks
    every = {"Trung tâm Bảo tồn Di sản Cố đô", "Sở Nội vụ", "Báo và Phát thanh, Truyền hình Thử Nghiệm"}
    assert [(t.text[:25], set(t.lead)) for t in tasks] == [
        ("Chủ động triển khai thực ", every), ("Phối hợp ưu tiên tiêu tho", every),
        ("Xây dựng kế hoạch ứng trự", every),
    ]
    assert tasks[1].text.endswith("thiết lập cơ chế trao đổi thông tin.")


HOTLINES = """2. Sở Văn hóa và Thể thao
- Lập đường dây nóng để tiếp nhận và xử lý kịp thời các phản ánh trong thời gian diễn ra Lễ hội
gồm: (1) Cải tạo sân khấu chính tại Quảng trường Ngọ Môn theo thiết kế đã phê duyệt2
; (2) Lắp đặt hệ thống âm thanh, ánh sáng tại khu vực phố đi bộ.
- Trung tâm Bảo tồn Di sản Cố đô: 0234.3823.456
- Sở Nội vụ: 0234.3822.111 – 0234.3822.112.
"""


def test_a_hotline_list_gives_no_task_and_a_line_broken_before_its_semicolon_continues() -> None:
    tasks = analyse(HEADER_ONLY + HOTLINES + SIGNATURE, WARDS).tasks
    assert len(tasks) == 1
    assert tasks[0].text.endswith("(2) Lắp đặt hệ thống âm thanh, ánh sáng tại khu vực phố đi bộ.")


SENTENCE_OVER_BULLETS = """2. Các giải pháp
2.1. Sở Văn hóa và Thể thao chủ trì tổ chức các hoạt động của Lễ hội.
2.2. UBND các phường phối hợp với các chủ đầu tư trong công tác quản lý, vận hành các điểm trông giữ xe.
- Rà soát, bố trí đủ điểm trông giữ xe cho đại biểu và nhân dân.
- Kiểm tra, xử lý vi phạm trật tự đô thị trong thời gian diễn ra Lễ hội.
"""


def test_a_numbered_sentence_that_opens_on_its_subject_heads_the_bullets_below() -> None:
    tasks = analyse(HEADER_ONLY + SENTENCE_OVER_BULLETS + SIGNATURE, WARDS).tasks
    bullets = [t.lead for t in tasks if t.text.startswith(("Rà soát, bố trí", "Kiểm tra, xử lý"))]
    assert bullets == [("UBND các phường, xã",), ("UBND các phường, xã",)]


DUTIES = """III. TỔ CHỨC THỰC HIỆN
1. Trách nhiệm của Sở Nội vụ
- Theo dõi, đôn đốc các đơn vị thực hiện Kế hoạch; tổng hợp, báo cáo kết quả.
2. Trách nhiệm của Trung tâm Bảo tồn Di sản Cố đô, Sở Văn hóa và Thể thao
- Xây dựng kế hoạch chi tiết và tổ chức thực hiện các hoạt động được giao.
Phụ lục
DANH MỤC CÁC HOẠT ĐỘNG CHÀO MỪNG LỄ HỘI CỐ ĐÔ NĂM 2026 TRÊN ĐỊA BÀN THÀNH PHỐ THỬ NGHIỆM VÀ CÁC TỈNH LÂN CẬN
Các hoạt động được tổ chức theo chương trình riêng của từng địa phương.
"""


def test_duties_headed_by_their_owner_and_an_annex_under_no_heading() -> None:
    tasks = analyse(HEADER_ONLY + DUTIES + SIGNATURE, WARDS).tasks
    assert [(t.text[:20], set(t.lead)) for t in tasks] == [
        ("Theo dõi, đôn đốc cá", {"Sở Nội vụ"}),
        ("Xây dựng kế hoạch ch", {"Trung tâm Bảo tồn Di sản Cố đô", "Sở Văn hóa và Thể thao"}),
    ]  # "Phụ lục", its title in capitals and its paragraph are no duties of the last heading's units


DECISION_WITH_PLAN = """THỦ TƯỚNG CHÍNH PHỦ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: 1234/QĐ-TTg
Hà Nội, ngày 28 tháng 4 năm 2026
QUYẾT ĐỊNH
Về việc ban hành Kế hoạch hành động quốc gia về phòng, chống rửa tiền
THỦ TƯỚNG CHÍNH PHỦ
Căn cứ Luật Tổ chức Chính phủ ngày 18 tháng 02 năm 2025;
QUYẾT ĐỊNH:
Điều 1. Ban hành kèm theo Quyết định này Kế hoạch hành động quốc gia về phòng, chống rửa tiền.
Điều 2. Quyết định này có hiệu lực thi hành kể từ ngày ký ban hành.
Nơi nhận:
- Như Điều 3;
- Lưu: VT, KTTH.
KT. THỦ TƯỚNG
PHÓ THỦ TƯỚNG
Trần Văn Thử

THỦ TƯỚNG CHÍNH PHỦ
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
KẾ HOẠCH
Hành động quốc gia về phòng, chống rửa tiền, chuẩn bị cho đánh giá đa phương đối với Việt Nam
(Kèm theo Quyết định số 1234/QĐ-TTg ngày 28 tháng 4 năm 2026 của Thủ tướng Chính phủ)
1. Trách nhiệm của Bộ Công an
- Chủ trì điều tra các vụ án rửa tiền.
"""


def test_the_signer_is_the_decisions_not_a_word_of_the_plan_issued_with_it() -> None:
    found = analyse(DECISION_WITH_PLAN, GOVERNMENT)
    assert (found.document.type, found.document.signer) == ("Quyết định", "Trần Văn Thử")
    assert [t.lead for t in found.tasks if t.text.startswith("Chủ trì điều tra")] == [("Bộ Công an",)]


def test_a_sentence_that_opens_on_a_day_is_read_as_narration_whatever_its_first_word() -> None:
    # the pattern once required a space before "Ngày": a sentence opening on the day itself escaped it
    start = patterns().narration_start
    assert start.search(fold("Ngày 12/11/2024, tại trụ sở UBND tỉnh, Phó Chủ tịch chủ trì cuộc họp"))
    assert start.search(fold("Sáng ngày 12/11/2024, tại trụ sở UBND tỉnh"))


def test_a_giao_heading_with_a_note_in_brackets_gives_its_unit_the_items() -> None:
    body = ("3. Giao Sở Nội vụ (cơ quan thường trực Tổ kiểm tra công vụ của Thành phố)\n"
            "a) Chủ trì tăng cường công tác kiểm tra, nhất là kiểm tra đột xuất việc chấp hành kỷ luật.\n"
            "b) Theo dõi, đôn đốc, báo cáo kết quả thực hiện Kế hoạch này.\n")
    tasks = analyse(HEADER_ONLY + body + SIGNATURE, WARDS).tasks
    assert [t.lead for t in tasks] == [("Sở Nội vụ",), ("Sở Nội vụ",)]


def test_a_plans_title_that_opens_on_thuc_hien_and_cites_a_directive_is_its_subject() -> None:
    plan = """UBND TỈNH THỬ NGHIỆM
SỞ NÔNG NGHIỆP VÀ MÔI TRƯỜNG
CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM
Độc lập - Tự do - Hạnh phúc
Số: /KH-SNNMT Thử Nghiệm, ngày tháng năm 2026
KẾ HOẠCH
Thực hiện Chỉ thị số 7883/CT-BNNMT ngày 17/7/2026 của Bộ Nông nghiệp và
Môi trường về việc tăng cường kỷ luật, kỷ cương hành chính
Căn cứ Chỉ thị số 7883/CT-BNNMT ngày 17/7/2026 của Bộ Nông nghiệp và Môi trường, Sở ban hành Kế hoạch.
1. Văn phòng Sở theo dõi, đôn đốc việc thực hiện Kế hoạch.
GIÁM ĐỐC
Trần Văn Thử
"""
    assert analyse(plan, CITY).document.subject == (
        "Thực hiện Chỉ thị số 7883/CT-BNNMT ngày 17/7/2026 của Bộ Nông nghiệp và Môi trường về việc tăng "
        "cường kỷ luật, kỷ cương hành chính"
    )


def test_a_section_of_requirements_gives_no_task() -> None:
    body = ("2. Yêu cầu thực hiện\n"
            "- Các đơn vị, cá nhân được phân công phối hợp chặt chẽ, theo dõi tiến độ thường xuyên.\n"
            "3. Tổ chức thực hiện\n"
            "- Sở Nội vụ theo dõi, đôn đốc, tổng hợp kết quả thực hiện.\n")
    tasks = analyse(HEADER_ONLY + body + SIGNATURE, WARDS).tasks
    assert [t.text[:20] for t in tasks] == ["Sở Nội vụ theo dõi, "]
