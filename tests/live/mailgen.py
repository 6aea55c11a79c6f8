"""Synthetic forwarded notices in the style of a Thông báo kết luận (own text), numbered so each is
distinct."""

from __future__ import annotations

import random
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from datetime import datetime, timezone

DOMAIN = "skhcn.binhminh.example.vn"
CLERK = f"van.thu@{DOMAIN}"
UNITS = [
    "Phòng Kế hoạch - Tài chính",
    "Phòng Quản lý công nghệ",
    "Văn phòng Sở",
    "Thanh tra Sở",
    "Trung tâm Chuyển đổi số",
]
WORK = [
    "rà soát danh mục đề tài cấp tỉnh",
    "tổng hợp báo cáo sơ kết công tác",
    "hoàn thiện dự thảo quy chế phối hợp",
    "kiểm tra việc sử dụng kinh phí sự nghiệp",
    "cập nhật dữ liệu thống kê khoa học",
    "xây dựng kế hoạch tuyên truyền",
]


def notice_text(n: int, *, seed: int | None = None) -> str:
    rnd = random.Random(n if seed is None else seed)
    day, month = 1 + n % 27, 1 + (n // 27) % 12
    lead, support = rnd.sample(UNITS, 2)
    lines = [
        "UBND TỈNH BÌNH MINH",
        "SỞ KHOA HỌC VÀ CÔNG NGHỆ",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        f"Số: {1000 + n}/TB-SKHCN",
        f"Bình Minh, ngày {day} tháng {month} năm 2026",
        "",
        "THÔNG BÁO",
        f"Kết luận của Giám đốc Sở tại cuộc họp chuyên đề số {n}",
        "",
        "Giám đốc Sở kết luận như sau:",
        "",
        f"1. Giao {lead} chủ trì, phối hợp với {support} {rnd.choice(WORK)}, báo cáo Giám đốc Sở trước ngày "
        f"{1 + (n % 28)}/12/2026.",
        "",
        f"2. {support} có trách nhiệm {rnd.choice(WORK)}, hoàn thành trong tháng 12/2026.",
        "",
        "Nơi nhận:",
        "- Như trên;",
        "- Lưu: VT.",
    ]
    return "\n".join(lines) + "\n"


def notice_mail(
    n: int,
    *,
    sender: str = CLERK,
    headers: dict[str, str] | None = None,
    body: str | None = None,
    message_id: str | None = None,
) -> bytes:
    msg = EmailMessage()
    msg["From"] = f"Văn thư <{sender}>"
    msg["To"] = f"docket@{DOMAIN}"
    msg["Subject"] = f"Fwd: Thông báo kết luận số {1000 + n}/TB-SKHCN"
    msg["Message-ID"] = message_id or make_msgid(idstring=f"n{n}", domain="clerk.example.vn")
    msg["Date"] = format_datetime(datetime(2026, 11, 24, 9, 0, tzinfo=timezone.utc))
    for name, value in (headers or {}).items():
        msg[name] = value
    msg.set_content(
        body
        if body is not None
        else "Chuyển Văn phòng theo dõi.\n\n---------- Forwarded message ----------\n\n" + notice_text(n)
    )
    return msg.as_bytes()
