"""Layouts of real documents (our own invented texts in their style): leads named after their block of items,
letters that give an addressee a list of obligations, footnotes and page numbers inside sentences."""
from __future__ import annotations

from rules.calendar import WorkCalendar
from rules.directory import parse_directory
from rules.findings import AnalysisContext
from tests.unit.rules.test_analyse import run

PARTY = AnalysisContext(directory=parse_directory({"organization": "Tỉnh ủy Thử Nghiệm", "units": [
    {"name": "Đảng ủy Ủy ban nhân dân tỉnh", "aliases": ["Đảng ủy UBND tỉnh"]},
    {"name": "Các cấp ủy, tổ chức đảng", "aliases": ["các cấp ủy, tổ chức đảng"]},
    {"name": "Ban Tuyên giáo Tỉnh ủy", "aliases": []},
]}), calendar=WorkCalendar())


def test_leads_written_after_the_block_go_to_every_item_of_it() -> None:
    body = ("3. Nhiệm vụ thường xuyên\n"
            "3.1. Đẩy mạnh tuyên truyền, nâng cao nhận thức\n"
            "- Quán triệt sâu sắc các chủ trương về bảo vệ rừng đầu nguồn.\n"
            "- Đổi mới hình thức tuyên truyền trên mạng xã hội. Nhân rộng các mô hình tốt.\n"
            "Trách nhiệm chỉ đạo thực hiện: Đảng ủy UBND tỉnh; các cấp ủy, tổ chức đảng.\n"
            "3.2. Huy động nguồn lực\n"
            "- Bố trí kinh phí cho công tác trồng rừng hằng năm.\n"
            "Trách nhiệm chỉ đạo thực hiện: Đảng ủy Ủy ban nhân dân tỉnh.\n")
    tasks = run(body, PARTY).tasks
    both = {"Đảng ủy Ủy ban nhân dân tỉnh", "Các cấp ủy, tổ chức đảng"}
    assert [(t.text[:20], set(t.lead)) for t in tasks] == [
        ("Quán triệt sâu sắc c", both), ("Đổi mới hình thức tu", both),
        ("Bố trí kinh phí cho ", {"Đảng ủy Ủy ban nhân dân tỉnh"})]
    assert tasks[2].recurrence == "yearly"
    assert "Nhân rộng các mô hình tốt." in tasks[1].text  # one task per item, its further sentences included


def test_closing_line_that_names_no_known_body_gives_nothing() -> None:
    body = ("1. Nhiệm vụ chung\n"
            "- Rà soát các quy định về quản lý chất thải.\n"
            "Trách nhiệm chỉ đạo thực hiện: theo chức năng, nhiệm vụ được giao.\n"
            "2. Ban Tuyên giáo Tỉnh ủy chủ trì hướng dẫn việc tuyên truyền.\n")
    tasks = run(body, PARTY).tasks
    assert [t.lead for t in tasks] == [("Ban Tuyên giáo Tỉnh ủy",)]


def test_items_without_a_closing_line_stay_untasked() -> None:
    body = ("1. Nhiệm vụ chung\n"
            "- Rà soát các quy định về quản lý chất thải.\n"
            "2. Ban Tuyên giáo Tỉnh ủy chủ trì hướng dẫn việc tuyên truyền.\n")
    assert [t.lead for t in run(body, PARTY).tasks] == [("Ban Tuyên giáo Tỉnh ủy",)]


ENTERPRISES = AnalysisContext(
    directory=parse_directory(
        {
            "organization": "Sở Công Thương tỉnh Thử Nghiệm",
            "units": [
                {"name": "Công ty cổ phần Khoáng sản Sông Mây", "aliases": []},
                {"name": "UBND xã Tân Lập", "aliases": ["Ủy ban nhân dân xã Tân Lập"]},
                {"name": "Phòng Quản lý công nghiệp", "aliases": []},
            ],
        }
    ),
    calendar=WorkCalendar(),
)

# A letter as pdftotext gives it: lines wrapped at the page width, a footnote and a page number inside an
# item.
LETTER = """Kính gửi: Công ty cổ phần Khoáng sản Sông Mây

Công ty cổ phần Khoáng sản Sông Mây được cấp Giấy phép khai thác đá vôi tại mỏ
Đồi Cao, xã Tân Lập theo Giấy phép số 15/GP-UBND ngày 02/3/2026. Để bảo đảm
việc khai thác theo quy định, Sở Công Thương đề nghị Công ty thực hiện đầy đủ các
nội dung sau:
1. Trước khi đưa mỏ vào hoạt động
- Thực hiện cắm mốc khu vực khai thác và bàn giao mốc giới cho chính quyền xã
theo đúng quy định.
- Phối hợp với UBND xã Tân Lập khẩn trương bồi thường, giải phóng mặt bằng trước
khi xây dựng cơ bản mỏ theo đúng quy định của pháp luật.
- Đăng ký ngày bắt đầu xây dựng cơ bản mỏ với cơ quan cấp giấy phép trước khi
thực hiện hoạt động đó theo đúng quy định của pháp luật1. Khi đăng ký phải có văn
1 Hồ sơ đăng ký được quy định tại Thông tư số 36/2025/TT-BNNMT ngày 02/7/2025 của Bộ Nông nghiệp và Môi trường
2

bản giao đất, cho thuê đất theo quy định của pháp luật về đất đai hiện hành.
2. Trong quá trình khai thác
2.1. Đối với công tác an toàn lao động.
- Thực hiện chế độ báo cáo về tai nạn lao động trong khai thác khoáng sản theo
quy định tại Điều 76 Luật Địa chất và khoáng sản năm 2024 và Nghị định số
193/2025/NĐ-CP ngày 02/7/2025 của Chính phủ hướng dẫn thi hành Luật.
"""


def test_letter_to_one_enterprise_gives_it_every_item_of_the_announced_list() -> None:
    tasks = run(LETTER, ENTERPRISES).tasks
    company = ("Công ty cổ phần Khoáng sản Sông Mây",)
    assert [t.text[:24] for t in tasks] == [
        "Thực hiện cắm mốc khu vự",
        "Phối hợp với UBND xã Tân",
        "Đăng ký ngày bắt đầu xây",
        "Thực hiện chế độ báo cáo",
    ]
    assert all(t.lead == company for t in tasks)
    assert tasks[1].support == ("UBND xã Tân Lập",)
    assert "Hồ sơ đăng ký" not in tasks[2].text  # the footnote is not part of the item
    assert tasks[2].text.endswith("theo quy định của pháp luật về đất đai hiện hành.")


def test_type_word_followed_by_a_name_is_not_the_addressee() -> None:
    body = (
        "Kính gửi: Công ty cổ phần Khoáng sản Sông Mây\n\n"
        "Đề nghị Công ty Điện lực Thử Nghiệm cấp điện cho mỏ trước ngày 30/6/2023.\n"
        "Đề nghị Công ty rà soát hồ sơ khai thác.\n"
    )
    tasks = run(body, ENTERPRISES).tasks
    assert [t.lead for t in tasks] == [(), ("Công ty cổ phần Khoáng sản Sông Mây",)]


GOVERNMENT = AnalysisContext(
    directory=parse_directory(
        {
            "organization": "Thủ tướng Chính phủ",
            "units": [
                {"name": "Bộ Xây dựng", "aliases": ["Xây dựng"]},
                {"name": "Bộ Tài chính", "aliases": ["Tài chính"]},
                {"name": "Bộ Công Thương", "aliases": ["Công Thương"]},
            ],
        }
    ),
    calendar=WorkCalendar(),
)


def test_a_field_alias_is_a_unit_only_in_a_list_under_its_type_word() -> None:
    body = (
        "1. Bộ Công Thương\n"
        "- Xây dựng, nâng cấp hệ thống cảnh báo sớm thiên tai.\n"
        "2. Giao các Bộ: Xây dựng, Tài chính rà soát định mức kinh phí.\n"
    )
    tasks = run(body, GOVERNMENT).tasks
    assert [t.lead for t in tasks] == [("Bộ Công Thương",), ("Bộ Xây dựng", "Bộ Tài chính")]


def test_a_government_plans_addressees_are_every_unit() -> None:
    body = (
        "VI. TỔ CHỨC THỰC HIỆN\n"
        "1. Các bộ, cơ quan ngang bộ, cơ quan thuộc Chính phủ, Ủy ban nhân dân các tỉnh, thành phố trực "
        "thuộc "
        "trung ương\n"
        "- Bố trí nguồn lực triển khai các nhiệm vụ của Kế hoạch.\n"
        "2. Các bộ, ngành và Ủy ban nhân dân các tỉnh, thành phố chịu trách nhiệm giám sát việc thực hiện.\n"
    )
    assert [t.lead for t in run(body, GOVERNMENT).tasks] == [("*",), ("*",)]


MINING = AnalysisContext(
    directory=parse_directory(
        {
            "organization": "Sở Nông nghiệp tỉnh Thử Nghiệm",
            "units": [
                {
                    "name": "Các tổ chức, cá nhân khai thác khoáng sản",
                    "aliases": ["Tổ chức, cá nhân khai thác khoáng sản"],
                },
                {"name": "UBND các xã, phường", "aliases": ["Ủy ban nhân dân các xã, phường"]},
                {"name": "Phòng Khoáng sản", "aliases": []},
            ],
        }
    ),
    calendar=WorkCalendar(),
)


def test_cue_over_named_bodies_titles_the_items_below_and_quoted_law_is_no_task() -> None:
    body = (
        "Sở Nông nghiệp đề nghị một số nội dung cụ thể như sau:\n"
        "1. Yêu cầu đối với tổ chức, cá nhân khai thác khoáng sản được cấp phép.\n"
        "1.1. Thực hiện đúng các quy định của Luật Địa chất và khoáng sản.\n"
        "1.2. Về việc thống kê trữ lượng khoáng sản\n"
        "Khoản 1 Điều 59 Nghị định số 193/2025/NĐ-CP quy định: Tổ chức, cá nhân khai thác khoáng sản có "
        "trách "
        "nhiệm thống kê trữ lượng và các yêu cầu sau:\n"
        "a) Thống kê trữ lượng khoáng sản đã khai thác hằng năm;\n"
        "b) Hồ sơ thống kê gồm sổ sách, chứng từ theo dõi sản lượng.\n"
        "1.3. Nghiêm chỉnh chấp hành các quy định về an toàn trong khai thác.\n"
        "2. Đề nghị UBND các xã, phường\n"
        "- Tăng cường kiểm tra, xử lý vi phạm trong hoạt động khoáng sản trên địa bàn.\n"
    )
    tasks = run(body, MINING).tasks
    firms = ("Các tổ chức, cá nhân khai thác khoáng sản",)
    assert [(t.text[:26], t.lead) for t in tasks] == [
        ("Thực hiện đúng các quy địn", firms),
        ("Nghiêm chỉnh chấp hành các", firms),
        ("Tăng cường kiểm tra, xử lý", ("UBND các xã, phường",)),
    ]


def test_a_lead_that_names_every_addressee_is_every_unit() -> None:
    body = (
        "Kính gửi:\n- Các tổ chức, cá nhân khai thác khoáng sản;\n- Ủy ban nhân dân các xã, phường.\n\n"
        "1. Tổ chức, cá nhân khai thác khoáng sản và Ủy ban nhân dân các xã, phường\n"
        "Theo chức năng, nhiệm vụ, phạm vi quản lý tổ chức tuyên truyền Luật Địa chất và khoáng sản.\n"
    )
    tasks = run(body, MINING).tasks
    assert [t.lead for t in tasks] == [("*",)]


def test_team_members_schedule_fields_and_past_narration_are_no_tasks() -> None:
    body = (
        "Điều 1. Giao Phòng Khoáng sản kiểm tra hồ sơ của các mỏ.\n"
        "Điều 2. Thành lập Tổ kiểm tra, gồm các ông/bà sau đây:\n"
        "1. Ông: Lê Văn Tâm - Trưởng Phòng Khoáng sản, Tổ trưởng;\n"
        "2. Bà: Trần Thị Hoa - Chuyên viên Phòng Khoáng sản, Thành viên;\n"
        "Địa điểm: UBND các xã, phường, địa chỉ: số 2 đường Hoàng Liên.\n"
        "Trong thời gian qua, Phòng Khoáng sản đã kiểm tra 12 mỏ.\n"
    )
    tasks = run(body, MINING).tasks
    assert [t.text[:24] for t in tasks] == ["Giao Phòng Khoáng sản ki"]


def test_unit_heading_item_that_asks_third_parties_is_the_units_task() -> None:
    body = (
        "IV. TỔ CHỨC THỰC HIỆN\n"
        "1. Phòng Khoáng sản\n"
        "- Tổ chức kiểm tra các mỏ; yêu cầu các đơn vị khai thác lắp đặt trạm cân.\n"
        "- Yêu cầu các đơn vị hoạt động khai thác khoáng sản kết nối dữ liệu với Sở.\n"
        "- Căn cứ chức năng, nhiệm vụ chủ động ban hành kế hoạch kiểm tra.\n"
    )
    tasks = run(body, MINING).tasks
    assert [t.lead for t in tasks] == [("Phòng Khoáng sản",)] * 3


def test_yearly_day_without_a_year_and_annual_plans_are_no_deadline_or_recurrence() -> None:
    body = (
        "1. Phòng Khoáng sản định kỳ hàng năm (trước ngày 10/12) báo cáo kết quả về Sở.\n"
        "2. Phòng Khoáng sản cụ thể hóa Chương trình thành các kế hoạch 5 năm và hằng năm.\n"
        "3. Phòng Khoáng sản đưa chỉ tiêu vào đánh giá kết quả thực hiện nhiệm vụ hằng năm.\n"
    )
    tasks = run(body, MINING).tasks
    assert [(t.deadline, t.recurrence) for t in tasks] == [(None, "yearly"), (None, None), (None, None)]


def test_a_plans_scheduled_test_dates_the_tasks_that_hold_it() -> None:
    text = (
        "SỞ THỬ NGHIỆM\nSố: 12/KH-STN\nThử Nghiệm, ngày 20 tháng 5 năm 2026\nKẾ HOẠCH\nKiểm tra kỹ thuật an "
        "toàn\n\n"
        "I. NỘI DUNG\n1. Thời gian, đối tượng kiểm tra:\n1.1. Đợt 1: Từ 13h30 ngày 02/6/2026 (Thứ Ba).\n"
        "1.2. Đợt 2: Từ 13h30 ngày 03/6/2026 (Thứ Tư).\n2. Địa điểm: Hội trường Sở.\nII. TỔ CHỨC THỰC HIỆN\n"
        "Giao Phòng Khoáng sản thực hiện các công việc:\n1. Tổ chức kiểm tra kỹ thuật an toàn cho các đối "
        "tượng.\n"
        "2. Chuẩn bị các điều kiện cần thiết khác để tổ chức kiểm tra.\n3. Cấp giấy chứng nhận cho người "
        "đạt.\n"
    )
    from rules.analyse import analyse

    tasks = analyse(text + "\nNơi nhận:\n- Lưu: VT.\nGIÁM ĐỐC\nLê Văn Tâm\n", MINING).tasks
    assert [str(t.deadline) for t in tasks] == ["2026-06-03", "2026-06-03", "None"]


def test_a_training_of_one_and_a_half_days_ends_on_its_second_day() -> None:
    text = (
        "SỞ THỬ NGHIỆM\nSố: 13/KH-STN\nThử Nghiệm, ngày 20 tháng 6 năm 2026\nKẾ HOẠCH\nHuấn luyện kỹ thuật "
        "an toàn\n\n"
        "I. NỘI DUNG\n1. Thời gian: 1,5 ngày (bắt đầu từ 13h30 thứ Hai ngày 06/7/2026).\nII. TỔ CHỨC THỰC "
        "HIỆN\n"
        "Giao Phòng Khoáng sản tổ chức huấn luyện, kiểm tra cho người quản lý kho.\n"
    )
    from rules.analyse import analyse

    tasks = analyse(text + "\nNơi nhận:\n- Lưu: VT.\nGIÁM ĐỐC\nLê Văn Tâm\n", MINING).tasks
    assert [str(t.deadline) for t in tasks] == ["2026-07-07"]


def test_form_rules_sanctions_and_accountability_are_no_tasks_but_an_order_after_them_is() -> None:
    body = (
        "1. Phòng Khoáng sản\n"
        "- Lập báo cáo định kỳ về hoạt động khai thác. Báo cáo định kỳ được lập theo Mẫu số 05 của Phụ lục "
        "IV.\n"
        "Trường hợp phát hiện gian lận sẽ bị xem xét xử lý theo quy định của pháp luật.\n"
        "2. Chủ tịch UBND các xã, phường chịu trách nhiệm toàn diện trước Chủ tịch UBND tỉnh nếu để xảy ra "
        "khai "
        "thác trái phép.\n"
        "3. Chủ tịch UBND các xã, phường chịu trách nhiệm trước pháp luật nếu để xảy ra vi phạm; xử lý, "
        "kiểm điểm "
        "các tổ chức vi phạm theo quy định.\n"
    )
    tasks = run(body, MINING).tasks
    assert [(t.text[:22], t.lead) for t in tasks] == [
        ("Lập báo cáo định kỳ về", ("Phòng Khoáng sản",)),
        ("Chủ tịch UBND các xã, ", ("UBND các xã, phường",)),
    ]


def test_passive_lead_in_over_a_list_of_recipients_gives_no_tasks() -> None:
    body = (
        "1. Yêu cầu đối với tổ chức, cá nhân khai thác khoáng sản\n"
        "1.1. Lập báo cáo định kỳ kết quả khai thác khoáng sản.\n"
        "(3) Báo cáo định kỳ kết quả khai thác khoáng sản được nộp cho các cơ quan sau đây:\n"
        "a) Đối với giấy phép do Bộ cấp: Phòng Khoáng sản, UBND các xã, phường;\n"
        "1.2. Nghiêm chỉnh chấp hành các quy định về an toàn.\n"
    )
    tasks = run(body, MINING).tasks
    assert [t.text[:20] for t in tasks] == ["Lập báo cáo định kỳ ", "Nghiêm chỉnh chấp hà"]


def test_a_paragraph_between_two_items_is_the_rest_of_the_item_above() -> None:
    body = (
        "1. Phòng Khoáng sản\n"
        "- Tổ chức kiểm tra các mỏ; yêu cầu các đơn vị lắp đặt trạm cân.\n"
        "Đồng thời yêu cầu các đơn vị không khai thác cát bằng tàu cuốc.\n"
        "- Phối hợp với UBND các xã, phường ngăn chặn khai thác trái phép.\n"
    )
    tasks = run(body, MINING).tasks
    assert [t.text[:24] for t in tasks] == ["Tổ chức kiểm tra các mỏ;", "Phối hợp với UBND các xã"]
    assert tasks[0].text.endswith("bằng tàu cuốc.")


def test_the_rest_of_an_item_waits_with_it_for_leads_written_after_the_block() -> None:
    body = (
        "3.3. Huy động nguồn lực\n"
        "- Bố trí kinh phí cho công tác bảo vệ rừng.\n"
        "Hoàn thiện cơ chế phân bổ kinh phí sự nghiệp môi trường.\n"
        "- Chủ động tiếp cận các nguồn vốn tài chính xanh.\n"
        "Trách nhiệm chỉ đạo thực hiện: Đảng ủy UBND tỉnh.\n"
    )
    tasks = run(body, PARTY).tasks
    assert [t.text[:22] for t in tasks] == ["Bố trí kinh phí cho cô", "Chủ động tiếp cận các "]
    assert "Hoàn thiện cơ chế" in tasks[0].text


def test_a_basis_without_a_numbered_document_opens_an_order() -> None:
    body = (
        "1. Phòng Khoáng sản\n"
        "- Căn cứ nội dung Kế hoạch bảo vệ khoáng sản chưa khai thác, Phòng Khoáng sản xây dựng dự toán "
        "kinh phí.\n"
        "- Căn cứ Quyết định số 12/QĐ-UBND ngày 02/3/2023, Phòng Khoáng sản đã được giao quản lý mỏ đá.\n"
    )
    tasks = run(body, MINING).tasks
    assert [t.text[:30] for t in tasks] == ["Căn cứ nội dung Kế hoạch bảo v"]


def test_a_lead_in_item_over_items_numbered_at_its_own_level_keeps_its_scope() -> None:
    body = (
        "III. TỔ CHỨC THỰC HIỆN\n"
        "1. Giao Phòng Khoáng sản triển khai, thực hiện các công việc liên quan:\n"
        "2. Tổ chức kiểm tra kỹ thuật an toàn cho các đối tượng.\n"
        "3. Chuẩn bị các điều kiện cần thiết khác.\n"
        "IV. KINH PHÍ\n"
        "1. Kinh phí do ngân sách bảo đảm.\n"
    )
    tasks = run(body, MINING).tasks
    assert [(t.text[:24], t.lead) for t in tasks] == [
        ("Tổ chức kiểm tra kỹ thuậ", ("Phòng Khoáng sản",)),
        ("Chuẩn bị các điều kiện c", ("Phòng Khoáng sản",)),
    ]


def test_a_task_with_its_lead_partners_and_time_on_the_lines_below() -> None:
    body = (
        "II. NHIỆM VỤ CỤ THỂ\n"
        "1. Rà soát, cập nhật quy hoạch khoáng sản làm vật liệu xây dựng\n"
        "- Cơ quan chủ trì: Phòng Khoáng sản.\n"
        "- Cơ quan phối hợp: UBND các xã, phường.\n"
        "- Thời gian hoàn thành: Quý III/2026.\n"
        "2. Kiểm tra các mỏ đá sau cấp phép\n"
        "- Cơ quan chủ trì: Phòng Khoáng sản.\n"
        "- Thời gian thực hiện: Thường xuyên.\n"
    )
    tasks = run(body, MINING).tasks
    assert [(t.text[:20], t.lead, t.support, str(t.deadline)) for t in tasks] == [
        ("Rà soát, cập nhật qu", ("Phòng Khoáng sản",), ("UBND các xã, phường",), "2026-09-30"),
        ("Kiểm tra các mỏ đá s", ("Phòng Khoáng sản",), (), "None"),
    ]


def test_quy_cong_ty_in_lower_case_is_the_addressee() -> None:
    body = (
        "Kính gửi: Công ty cổ phần Khoáng sản Sông Mây\n\n"
        "Sở Công Thương đề nghị quý công ty rà soát hồ sơ khai thác và báo cáo trước ngày 30/6/2023.\n"
    )
    tasks = run(body, ENTERPRISES).tasks
    assert [(t.lead, str(t.deadline)) for t in tasks] == [
        (("Công ty cổ phần Khoáng sản Sông Mây",), "2023-06-30")
    ]


def test_a_plan_issued_with_a_decision_after_its_signature_is_read_as_body() -> None:
    text = (
        "BỘ THỬ NGHIỆM\nSố: 12/QĐ-BTN\nHà Nội, ngày 10 tháng 6 năm 2026\nQUYẾT ĐỊNH\nBan hành Kế hoạch bảo "
        "vệ rừng\n"
        "BỘ TRƯỞNG BỘ THỬ NGHIỆM\nCăn cứ Nghị định số 35/2025/NĐ-CP;\nQUYẾT ĐỊNH:\n"
        "Điều 1. Ban hành kèm theo Quyết định này Kế hoạch bảo vệ rừng.\n"
        "Điều 2. Phòng Khoáng sản chịu trách nhiệm thi hành Quyết định này./.\n"
        "Nơi nhận:\n- Như Điều 2;\n- Lưu: VT.\nKT. BỘ TRƯỞNG\nTHỨ TRƯỞNG\nNguyễn Văn Bình\n\n"
        "KẾ HOẠCH\nBảo vệ rừng năm 2026\n(Kèm theo Quyết định số 12/QĐ-BTN ngày 10 tháng 6 năm 2026)\n"
        "I. TỔ CHỨC THỰC HIỆN\n1. Phòng Khoáng sản có trách nhiệm theo dõi, đôn đốc việc thực hiện Kế "
        "hoạch.\n"
        "2. Hằng năm, các cơ quan được phân công chủ trì thực hiện nhiệm vụ lập dự toán kinh phí.\n"
    )
    from rules.analyse import analyse

    found = analyse(text, MINING)
    assert found.document.signer == "Nguyễn Văn Bình"
    assert [(t.text[:24], t.lead, t.recurrence) for t in found.tasks] == [
        ("Phòng Khoáng sản có trác", ("Phòng Khoáng sản",), None),
        ("Hằng năm, các cơ quan đư", ("*",), "yearly"),
    ]


def test_the_documents_own_article_announcing_duties_is_no_quoted_law() -> None:
    body = (
        "Điều 2. Trách nhiệm của các đơn vị được quy định như sau:\n"
        "1. Phòng Khoáng sản kiểm tra hồ sơ các mỏ đá.\n"
        "Điều 3. Khoản 1 Điều 59 Nghị định số 193/2025/NĐ-CP quy định: tổ chức, cá nhân thống kê trữ lượng.\n"
    )
    tasks = run(body, MINING).tasks
    assert [t.text[:26] for t in tasks] == ["Phòng Khoáng sản kiểm tra "]


def test_quy_co_quan_keeps_the_addressees_named_while_written_names_of_all_of_them_are_every_unit() -> None:
    head = "Kính gửi:\n- Phòng Khoáng sản;\n- Ủy ban nhân dân các xã, phường.\n\n"
    asked = run(
        head + "Sở Nông nghiệp đề nghị Quý cơ quan cung cấp số liệu trước ngày 15/11/2023.\n", MINING
    ).tasks
    assert [set(t.lead) for t in asked] == [{"Phòng Khoáng sản", "UBND các xã, phường"}]
    named = run(
        head + "Phòng Khoáng sản và UBND các xã, phường rà soát các mỏ trước ngày 15/11/2023.\n", MINING
    ).tasks
    assert [t.lead for t in named] == [("*",)]
