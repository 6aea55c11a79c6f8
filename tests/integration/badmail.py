"""Pathological inputs built in code: broken MIME, bad charsets, corrupt/encrypted/huge documents, bombs."""
from __future__ import annotations

import io
import zipfile
from email.message import EmailMessage

SENDER = "van.thu@skhcn.binhminh.example.vn"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def mail_with(
    attachment: bytes | None,
    filename: str = "tb.docx",
    *,
    n: int = 0,
    body: str = "Chuyển văn bản.\n",
    ctype: str = DOCX,
) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"] = SENDER, "docket@skhcn.binhminh.example.vn"
    msg["Subject"], msg["Message-ID"] = f"Fwd: văn bản {n}", f"<bad{n}.{filename}@clerk.example.vn>"
    msg.set_content(body)
    if attachment is not None:
        maintype, subtype = ctype.split("/")
        msg.add_attachment(attachment, maintype=maintype, subtype=subtype, filename=filename)
    return msg.as_bytes()


def zip_bomb_docx(inflated: int = 120 * 1024 * 1024) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>',
        )
        with z.open("word/document.xml", "w", force_zip64=True) as f:
            f.write(
                b'<?xml version="1.0"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body><w:p><w:r><w:t>'
            )
            chunk = b"a" * (1 << 20)
            for _ in range(inflated >> 20):
                f.write(chunk)
            f.write(b"</w:t></w:r></w:p></w:body></w:document>")
    return buf.getvalue()


def corrupt_docx() -> bytes:
    return b"PK\x03\x04" + bytes(range(256)) * 20


def _pdf(objects: list[bytes], root: int, extra_trailer: bytes = b"") -> bytes:
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % i + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for off in offsets:
        out.write(b"%010d 00000 n \n" % off)
    out.write(
        b"trailer\n<< /Size %d /Root %d 0 R %s>>\nstartxref\n%d\n%%%%EOF\n"
        % (len(objects) + 1, root, extra_trailer, xref)
    )
    return out.getvalue()


def many_pages_pdf(pages: int = 5000) -> bytes:
    content = b"BT /F1 12 Tf 72 720 Td (Trang) Tj ET"
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
    ]
    kids = []
    for _ in range(pages):
        objs.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            b"/Contents 4 0 R >>"
        )
        kids.append(b"%d 0 R" % len(objs))
    objs[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(kids))
    return _pdf(objs, 1)


def encrypted_pdf() -> bytes:
    """A PDF whose trailer names a Standard security handler: readers ask for a password."""
    objs = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Count 1 /Kids [3 0 R] >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
        b"<< /Filter /Standard /V 1 /R 2 /O <" + b"ab" * 32 + b"> /U <" + b"cd" * 32 + b"> /P -44 >>",
    ]
    return _pdf(
        objs,
        1,
        b"/Encrypt 4 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] ",
    )


def truncated_pdf() -> bytes:
    return many_pages_pdf(3)[:300]


def malformed_mime(n: int = 0) -> bytes:
    return (
        b"From: "
        + SENDER.encode()
        + b"\r\nSubject: broken %d\r\nMessage-ID: <mime%d@clerk.example.vn>\r\n" % (n, n)
        + b'MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary="zzz\r\n\r\n--zzz\r\nContent-Type: '
          b'text/plain; charset=utf-8\r\n'
        + b"Content-Transfer-Encoding: base64\r\n\r\n!!!not base64!!!\r\n--zz\r\nContent-Type: "
          b"application/pdf\r\n\r\n%PDF-1.4 garbage"
    )


def bad_charset(n: int = 0) -> bytes:
    return (
        b"From: "
        + SENDER.encode()
        + b"\r\nSubject: =?x-unknown-8?B?w6HDoQ==?=\r\nMessage-ID: <cs%d@clerk.example.vn>\r\n" % n
        + b"MIME-Version: 1.0\r\nContent-Type: text/plain; charset=x-no-such-charset\r\n"
        + b"Content-Transfer-Encoding: 8bit\r\n\r\nTh\xf4ng b\xe1o \xff\xfe\x80\x81 k\xe9t lu\xe2n\r\n"
    )


def blank_scan_pdf(pages: int = 200) -> bytes:
    """A 'scan' of blank A3 pages: no text layer at all, so a reader falls back to OCR on every page."""
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>", b""]
    kids = []
    for _ in range(pages):
        objs.append(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 842 1191] >>")
        kids.append(b"%d 0 R" % len(objs))
    objs[1] = b"<< /Type /Pages /Count %d /Kids [%s] >>" % (pages, b" ".join(kids))
    return _pdf(objs, 1)


def outsider_mail(megabytes: float) -> bytes:
    """A mail of about `megabytes` MB from a stranger: a short note and random bytes attached as scan.pdf."""
    import base64
    import os

    payload = base64.encodebytes(os.urandom(int(megabytes * 1024 * 1024 * 3 / 4)))
    head = (
        b"From: someone@unknown-sender.example\r\nTo: docket@skhcn.binhminh.example.vn\r\nSubject: Fwd: "
        b"scan\r\n"
        b"Message-ID: <big@unknown-sender.example>\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n--b1\r\nContent-Type: text/plain; '
        b'charset=utf-8\r\n\r\n'
        b"Gui van ban.\r\n--b1\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; "
        b"filename=scan.pdf\r\n"
        b"Content-Transfer-Encoding: base64\r\n\r\n"
    )
    return head + payload.replace(b"\n", b"\r\n") + b"--b1--\r\n"
