"""A reply's own words, out of the formats real mail clients write (extractors.reply_body).

Every quoted original below carries words that would mislead the classifier if they were read
("xin gia hạn đến …", "(đã gia hạn; hạn ban đầu …)", "đã hoàn thành hay chưa?"): the result must be
exactly the writer's words.
"""
from __future__ import annotations

from datetime import date
from email.message import EmailMessage

import pytest

from extractors.reply_body import drop_known, own_text, read_reply
from rules.reply_intent import classify_reply

DOCKET = "Docket &lt;docket@skhcn.binhminh.example.vn&gt;"
OURS = (
    "ĐIỀU CHỈNH NHIỆM VỤ NV-12<br>Thời hạn: 10/12/2026 (đã gia hạn; hạn ban đầu 30/11/2026)<br>"
    "Đề nghị đơn vị xin gia hạn đến 15/12 nếu cần.<br>Thư tự động từ Docket (theo dõi, đôn đốc nhiệm vụ)."
)

OUTLOOK_DESKTOP = f"""<html xmlns:o="urn:schemas-microsoft-com:office:office"><head>
<meta http-equiv="Content-Type" content="text/html; charset=utf-8"><style><!-- p.MsoNormal {{margin:0in;}} --></style></head>
<body lang="EN-US" link="#0563C1"><div class="WordSection1">
<p class="MsoNormal">Đã nhận thông báo.<o:p></o:p></p><p class="MsoNormal"><o:p>&nbsp;</o:p></p>
<div style="border:none;border-top:solid #E1E1E1 1.0pt;padding:3.0pt 0in 0in 0in">
<p class="MsoNormal"><b>From:</b> {DOCKET} <br><b>Sent:</b> Wednesday, November 25, 2026 9:00 AM<br>
<b>To:</b> khtc@skhcn.binhminh.example.vn<br><b>Subject:</b> [NV-12] Điều chỉnh nhiệm vụ<o:p></o:p></p></div>
<p class="MsoNormal"><o:p>&nbsp;</o:p></p><p class="MsoNormal">{OURS}<o:p></o:p></p></div></body></html>"""  # noqa: E501 - the mail or notice as written, long lines and all

OUTLOOK_WEB = f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body dir="ltr">
<div style="font-family: Calibri, Arial, Helvetica, sans-serif; font-size: 12pt;">Dạ phòng em đã hoàn thành ạ.</div>
<div id="appendonsend"></div><hr style="display:inline-block;width:98%" tabindex="-1">
<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri, sans-serif" style="font-size:11pt"><b>Từ:</b> {DOCKET}<br>
<b>Đã gửi:</b> Thứ Tư, ngày 25 tháng 11 năm 2026 9:00<br><b>Đến:</b> khtc@skhcn.binhminh.example.vn<br>
<b>Chủ đề:</b> [NV-12] Nhắc việc</font><div>&nbsp;</div></div>
<div>Thời hạn hoàn thành: 30/11/2026 - đã hoàn thành hay chưa?<br>{OURS}</div></body></html>"""  # noqa: E501 - the mail or notice as written, long lines and all

GMAIL = f"""<div dir="ltr">Phòng đang tổng hợp số liệu, dự kiến gửi 28/11.<br clear="all"><div><br></div>
<span class="gmail_signature_prefix">-- </span><br><div dir="ltr" class="gmail_signature" data-smartmail="gmail_signature">
Nguyễn Văn Hùng<br>Phòng KH-TC<br>ĐT: 0912 345 678</div></div><br><div class="gmail_quote gmail_quote_container">
<div dir="ltr" class="gmail_attr">Vào Th 4, 25 thg 11, 2026 vào lúc 09:00 Docket &lt;<a href="mailto:docket@x.vn">docket@x.vn</a>&gt; đã viết:<br></div>
<blockquote class="gmail_quote" style="margin:0px 0px 0px 0.8ex;border-left:1px solid rgb(204,204,204);padding-left:1ex">{OURS}</blockquote></div>"""  # noqa: E501 - the mail or notice as written, long lines and all

THUNDERBIRD = f"""<html><head><meta http-equiv="content-type" content="text/html; charset=UTF-8"></head><body>
<p>Chưa hoàn thành, còn chờ số liệu của các huyện.</p><div class="moz-signature">-- <br>Trần Thị Mai<br>Văn phòng Sở</div>
<div class="moz-cite-prefix">On 25/11/2026 09:00, Docket wrote:<br></div>
<blockquote type="cite" cite="mid:docket.reminder-12@skhcn.binhminh.example.vn">{OURS}</blockquote><br></body></html>"""  # noqa: E501 - the mail or notice as written, long lines and all

APPLE_MAIL = f"""<html><head><meta http-equiv="content-type" content="text/html; charset=utf-8"></head>
<body style="word-wrap: break-word; -webkit-nbsp-mode: space;">Xin hỏi hạn nộp là ngày nào ạ?<br><div><br>
<blockquote type="cite"><div>On 25 Nov 2026, at 09:00, Docket &lt;docket@skhcn.binhminh.example.vn&gt; wrote:</div><br>
<div><div>{OURS}</div></div></blockquote></div><br><div>Gửi từ iPhone của tôi</div></body></html>"""  # noqa: E501 - the mail or notice as written, long lines and all

ZIMBRA = f"""<html><body id='htmlmode'><div style="font-family: times new roman, new york, times, serif; font-size: 12pt; color: #000000">
<div>K&iacute;nh gửi Văn ph&ograve;ng,<br>Ph&ograve;ng kh&ocirc;ng cần gia hạn, sẽ ho&agrave;n th&agrave;nh đ&uacute;ng hạn.</div><div><br></div>
<hr id="zwchr" data-marker="__DIVIDER__"><div data-marker="__HEADERS__"><b>Từ: </b>"Docket" &lt;docket@skhcn.binhminh.example.vn&gt;<br>
<b>Đến: </b>khtc@skhcn.binhminh.example.vn<br><b>Gửi: </b>Thứ Tư, 25 Tháng Mười Một, 2026 9:00:00<br><b>Chủ đề: </b>[NV-12] Nhắc việc<br></div>
<div><br></div><div data-marker="__QUOTED_TEXT__">{OURS}</div></div></body></html>"""  # noqa: E501 - the mail or notice as written, long lines and all

ZIMBRA_OLD = f"""<html><body><div style="font-family: arial; font-size: 10pt">Đã thực hiện xong.</div><br>
<hr id="zwchr"><div style="color:#000;font-weight:normal;font-style:normal;text-decoration:none;font-family:Helvetica,Arial,sans-serif;font-size:12pt;">
<b>Từ: </b>"Docket" &lt;docket@skhcn.binhminh.example.vn&gt;<br><b>Gửi: </b>Thứ Tư, 25 Tháng Mười Một, 2026 9:00:00<br></div><br>
<blockquote style="border-left:2px solid #1010FF;margin-left:5px;padding-left:5px;">{OURS}</blockquote></body></html>"""  # noqa: E501 - the mail or notice as written, long lines and all

PLAIN_OURS = OURS.replace("<br>", "\n")
GMAIL_PLAIN = (
    "Xin gia hạn đến 20/12/2026, lý do: chờ số liệu.\n\nVào Th 4, 25 thg 11, 2026 vào lúc 09:00 Docket <\n"
    "docket@skhcn.binhminh.example.vn> đã viết:\n\n"
    + "\n".join("> " + line for line in PLAIN_OURS.split("\n"))
)
OUTLOOK_PLAIN = (
    "Đã hoàn thành.\n\n-----Original Message-----\nFrom: Docket <docket@skhcn.binhminh.example.vn>\n"
    "Sent: Wednesday, November 25, 2026 9:00 AM\nTo: khtc@skhcn.binhminh.example.vn\nSubject: [NV-12] Nhắc "
    "việc\n\n" + PLAIN_OURS
)
OUTLOOK_PLAIN_VI = (
    "Phòng chưa hoàn thành.\n\n________________________________\nTừ: Docket "
    "<docket@skhcn.binhminh.example.vn>\n"
    "Đã gửi: 25/11/2026 9:00\nĐến: khtc@skhcn.binhminh.example.vn\nChủ đề: [NV-12] Nhắc việc\n\n" + PLAIN_OURS
)
BOTTOM_POSTED = (
    "On 25/11/2026 09:00, Docket wrote:\n"
    + "\n".join("> " + line for line in PLAIN_OURS.split("\n"))
    + "\n\nĐang triển khai.\n\n-- \nPhòng Thanh tra"
)


@pytest.mark.parametrize(
    ("body", "html", "own"),
    [
        (OUTLOOK_DESKTOP, True, "Đã nhận thông báo."),
        (OUTLOOK_WEB, True, "Dạ phòng em đã hoàn thành ạ."),
        (GMAIL, True, "Phòng đang tổng hợp số liệu, dự kiến gửi 28/11."),
        (THUNDERBIRD, True, "Chưa hoàn thành, còn chờ số liệu của các huyện."),
        (APPLE_MAIL, True, "Xin hỏi hạn nộp là ngày nào ạ?"),
        (ZIMBRA, True, "Kính gửi Văn phòng,\nPhòng không cần gia hạn, sẽ hoàn thành đúng hạn."),
        (ZIMBRA_OLD, True, "Đã thực hiện xong."),
        (GMAIL_PLAIN, False, "Xin gia hạn đến 20/12/2026, lý do: chờ số liệu."),
        (OUTLOOK_PLAIN, False, "Đã hoàn thành."),
        (OUTLOOK_PLAIN_VI, False, "Phòng chưa hoàn thành."),
        (BOTTOM_POSTED, False, "Đang triển khai."),
    ],
    ids=[
        "outlook-desktop",
        "outlook-web",
        "gmail",
        "thunderbird",
        "apple-mail",
        "zimbra",
        "zimbra-old",
        "gmail-plain",
        "outlook-plain",
        "outlook-plain-vi",
        "bottom-posted",
    ],
)
def test_own_words_of_each_client(body: str, html: bool, own: str) -> None:
    assert own_text(body, html=html) == own


def test_the_quoted_change_notice_is_no_extension_request() -> None:
    text = own_text(OUTLOOK_DESKTOP, html=True)
    assert classify_reply(text, today=date(2026, 11, 25)).kind == "other"
    assert "gia hạn" not in text and "cket" not in text


def test_entities_are_text_not_markup() -> None:
    body = "<p>Đ&atilde; ho&agrave;n th&agrave;nh&nbsp;100&#37; &amp; g&#7917;i b&aacute;o c&aacute;o.</p>"
    assert own_text(body, html=True) == "Đã hoàn thành 100% & gửi báo cáo."


def _mail(plain: str | None, html: str | None, *, attach: bool = False) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = (
        "khtc@skhcn.binhminh.example.vn",
        "docket@skhcn.binhminh.example.vn",
        "RE: [NV-12]",
    )
    if plain is not None:
        msg.set_content(plain)
    if html is not None:
        (msg.add_alternative if plain is not None else msg.set_content)(html, subtype="html")
    if attach:
        msg.add_attachment(b"Xin gia han den 31/12", maintype="text", subtype="plain", filename="bao-cao.txt")
    return msg.as_bytes()


def test_read_reply_prefers_the_html_structure_and_skips_attachments() -> None:
    plain = "Đã nhận thông báo.\n\n" + PLAIN_OURS  # Outlook's plain part without a separator we could see
    assert read_reply(_mail(plain, OUTLOOK_DESKTOP, attach=True)) == "Đã nhận thông báo."
    assert read_reply(_mail(OUTLOOK_PLAIN, None)) == "Đã hoàn thành."
    assert read_reply(_mail(None, GMAIL)) == "Phòng đang tổng hợp số liệu, dự kiến gửi 28/11."


@pytest.mark.parametrize(
    "raw",
    [
        b"",
        b"not a mail",
        b"Content-Type: multipart/mixed; boundary=x\n\n--x\n--x--",
        b"Content-Type: text/html; charset=x-bogus\n\n<p>\xff\xfe</blockquote></div>",
        b"Content-Type: text/plain; charset=x-cp1258\n\nDa hoan thanh",
    ],
)
def test_bad_mime_never_raises(raw: bytes) -> None:
    assert isinstance(read_reply(raw), str)


def test_our_own_text_pasted_without_structure_is_dropped() -> None:
    pasted = "Đã nhận.\n\n" + PLAIN_OURS + "\n"
    assert drop_known(pasted, [PLAIN_OURS]) == "Đã nhận."
    # one line is no quote
    assert drop_known("Đã hoàn thành.", ["Khi xong, trả lời: Đã hoàn thành."]) == "Đã hoàn thành."
