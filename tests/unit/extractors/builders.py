"""Build test inputs in code: PDFs (pypdfium2), .docx packages (raw XML), e-mails (stdlib email)."""
from __future__ import annotations

import ctypes
import unicodedata
import io
import zipfile
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

FONT = Path("/usr/share/fonts/truetype/dejavu/DejaVuSerif.ttf")
W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def make_pdf(pages: list[list[str]], *, font_size: float = 12.0, page_numbers: bool = False) -> bytes:
    """A PDF whose pages hold the given lines, drawn top-down with a Unicode TrueType font."""
    pdf = pdfium.PdfDocument.new()
    font_data = FONT.read_bytes() if FONT.exists() else None
    keep = []
    if font_data:
        buf = (ctypes.c_uint8 * len(font_data)).from_buffer_copy(font_data)
        keep.append(buf)
        font = pdfium_c.FPDFText_LoadFont(pdf, buf, len(font_data), pdfium_c.FPDF_FONT_TRUETYPE, True)
    else:
        font = pdfium_c.FPDFText_LoadStandardFont(pdf, b"Helvetica")
    for n, lines in enumerate(pages, 1):
        page = pdf.new_page(595, 842)
        y = 800.0
        if page_numbers and n >= 2:
            _text(pdf, page, font, str(n), 290, 815, font_size)
            y = 790.0
        for line in lines:
            if line:
                _text(pdf, page, font, line, 60, y, font_size)
            y -= font_size * 1.5
        page.gen_content()
        page.close()
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()


def _text(pdf, page, font, text: str, x: float, y: float, size: float) -> None:
    obj = pdfium_c.FPDFPageObj_CreateTextObj(pdf, font, size)
    wide = (text + "\x00").encode("utf-16-le")
    arr = (ctypes.c_ushort * (len(wide) // 2)).from_buffer_copy(wide)
    pdfium_c.FPDFText_SetText(obj, arr)
    pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, x, y)
    pdfium_c.FPDFPage_InsertObject(page, obj)


def make_image_pdf() -> bytes:
    """A one-page PDF holding only an image (a 'scan' with no text layer)."""
    from PIL import Image, ImageDraw

    img = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(img).rectangle((50, 50, 350, 150), outline=0, width=3)
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    image = pdfium.PdfImage.new(pdf)
    bitmap = pdfium.PdfBitmap.from_pil(img)
    image.set_bitmap(bitmap)
    image.set_matrix(pdfium.PdfMatrix().scale(400, 200).translate(100, 500))
    page.insert_obj(image)
    page.gen_content()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def p(
    text: str, *, font: str | None = None, num: tuple[int, int] | None = None, style: str | None = None
) -> str:
    """A w:p element with one run."""
    ppr = ""
    if num or style:
        ppr = "<w:pPr>" + (f'<w:pStyle w:val="{style}"/>' if style else "")
        if num:
            ppr += f'<w:numPr><w:ilvl w:val="{num[1]}"/><w:numId w:val="{num[0]}"/></w:numPr>'
        ppr += "</w:pPr>"
    rpr = f'<w:rPr><w:rFonts w:ascii="{font}" w:hAnsi="{font}"/></w:rPr>' if font else ""
    return f'<w:p>{ppr}<w:r>{rpr}<w:t xml:space="preserve">{_esc(text)}</w:t></w:r></w:p>'


def tbl(rows: list[list[str]]) -> str:
    cells = "".join(
        "<w:tr>" + "".join(f"<w:tc>{c if c.startswith('<w:') else p(c)}</w:tc>" for c in row) + "</w:tr>"
        for row in rows
    )
    return f"<w:tbl>{cells}</w:tbl>"


def _esc(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def make_docx(body: str, *, parts: dict[str, str | bytes] | None = None, rels: str = "") -> bytes:
    """A minimal .docx package around `body` (the inner XML of w:body)."""
    doc = (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W_NS}" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        f"<w:body>{body}</w:body></w:document>"
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/'
            'package/2006/content-types"/>',
        )
        zf.writestr("word/document.xml", doc)
        zf.writestr(
            "word/_rels/document.xml.rels",
            '<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
            f'relationships">{rels}</Relationships>',
        )
        for name, data in (parts or {}).items():
            zf.writestr(name, data)
    return buf.getvalue()


def wrap_part(root: str, inner: str) -> str:
    return f'<?xml version="1.0"?><w:{root} xmlns:w="{W_NS}">{inner}</w:{root}>'


def cp1258_bytes(text: str) -> bytes:
    """Encode as Windows-1258 does: precomposed ê/ơ/ư…, tone marks as separate combining bytes."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        nfd = unicodedata.normalize("NFD", ch)
        tones = "".join(c for c in nfd if c in "\u0300\u0301\u0303\u0309\u0323")
        base = unicodedata.normalize("NFC", "".join(c for c in nfd if c not in tones))
        out += (base + tones).encode("cp1258")
    return bytes(out)


def make_scan_with_layer(image_lines: list[str], layer_lines: list[str]) -> bytes:
    """A 'scanned' page: an image of `image_lines` under an invisible text layer saying `layer_lines`, as a
    scanner's own OCR leaves it (render mode 3: the text is there for search, never drawn)."""
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(str(FONT), 36) if FONT.exists() else ImageFont.load_default()
    img = Image.new("L", (1700, 120 + 60 * len(image_lines)), 255)
    draw = ImageDraw.Draw(img)
    for k, line in enumerate(image_lines):
        draw.text((60, 60 + 60 * k), line, font=face, fill=0)
    pdf = pdfium.PdfDocument.new()
    page = pdf.new_page(595, 842)
    image = pdfium.PdfImage.new(pdf)
    image.set_bitmap(pdfium.PdfBitmap.from_pil(img))
    height = 560 * img.height / img.width
    image.set_matrix(pdfium.PdfMatrix().scale(560, height).translate(18, 800 - height))
    page.insert_obj(image)
    font = pdfium_c.FPDFText_LoadStandardFont(pdf, b"Helvetica")
    for k, line in enumerate(layer_lines):
        obj = pdfium_c.FPDFPageObj_CreateTextObj(pdf, font, 10)
        wide = (line + "\x00").encode("utf-16-le")
        pdfium_c.FPDFText_SetText(obj, (ctypes.c_ushort * (len(wide) // 2)).from_buffer_copy(wide))
        pdfium_c.FPDFTextObj_SetTextRenderMode(obj, pdfium_c.FPDF_TEXTRENDERMODE_INVISIBLE)
        pdfium_c.FPDFPageObj_Transform(obj, 1, 0, 0, 1, 30, 780 - 14 * k)
        pdfium_c.FPDFPage_InsertObject(page, obj)
    page.gen_content()
    out = io.BytesIO()
    pdf.save(out)
    return out.getvalue()


def make_glyph_id_pdf(lines: list[str]) -> bytes:
    """A PDF whose text is drawn with an embedded Identity-H CID font and no ToUnicode map, as the signing
    tools of some offices write it: the glyphs are right on paper, the text layer holds glyph ids (issue 12,
    rw-31)."""
    import zlib

    from extractors.sfnt_cmap import cmaps

    program = FONT.read_bytes()
    gid = cmaps(program)[(3, 1)]
    shown = " ".join("<" + "".join(f"{gid[ord(c)]:04X}" for c in line) + "> Tj T*" for line in lines)
    content = f"BT /F1 12 Tf 14 TL 50 780 Td {shown} ET".encode()
    packed = zlib.compress(program)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type0 /BaseFont /ABCDEF+DejaVuSerif /Encoding /Identity-H "
        b"/DescendantFonts [6 0 R] >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /ABCDEF+DejaVuSerif /CIDSystemInfo << /Registry "
        b"(Adobe) "
        b"/Ordering (Identity) /Supplement 0 >> /FontDescriptor 7 0 R /CIDToGIDMap /Identity /DW 600 >>",
        b"<< /Type /FontDescriptor /FontName /ABCDEF+DejaVuSerif /Flags 32 /FontBBox [-500 -300 2000 1000] "
        b"/ItalicAngle 0 /Ascent 900 /Descent -250 /CapHeight 700 /StemV 80 /FontFile2 8 0 R >>",
        b"<< /Length %d /Length1 %d /Filter /FlateDecode >>\nstream\n%s\nendstream"
        % (len(packed), len(program), packed),
    ]
    out = bytearray(b"%PDF-1.7\n")
    offsets = []
    for k, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (k, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def _font(pdf, keep: list) -> object:
    if FONT.exists():
        data = FONT.read_bytes()
        buf = (ctypes.c_uint8 * len(data)).from_buffer_copy(data)
        keep.append(buf)
        return pdfium_c.FPDFText_LoadFont(pdf, buf, len(data), pdfium_c.FPDF_FONT_TRUETYPE, True)
    return pdfium_c.FPDFText_LoadStandardFont(pdf, b"Helvetica")


def _stroke(page, x0: float, y0: float, x1: float, y1: float) -> None:
    path = pdfium_c.FPDFPageObj_CreateNewPath(x0, y0)
    pdfium_c.FPDFPath_LineTo(path, x1, y1)
    pdfium_c.FPDFPath_SetDrawMode(path, pdfium_c.FPDF_FILLMODE_NONE, True)
    pdfium_c.FPDFPageObj_SetStrokeColor(path, 0, 0, 0, 255)
    pdfium_c.FPDFPageObj_SetStrokeWidth(path, 0.6)
    pdfium_c.FPDFPage_InsertObject(page, path)


def _wrap(text: str, width: float, size: float) -> list[str]:
    per_line = max(4, int(width / (size * 0.55)))
    lines, cur = [], ""
    for word in text.split():
        if cur and len(cur) + 1 + len(word) > per_line:
            lines.append(cur)
            cur = word
        else:
            cur = f"{cur} {word}".strip()
    return lines + [cur] if cur else lines or [""]


def make_table_pdf(
    pages: list[tuple[list[str], list[list[str]], list[str]]], widths: list[float], *, font_size: float = 10.0
) -> bytes:
    """A PDF whose pages hold lines of text, a ruled table (cells wrapped to the column widths, every border a
    stroked path, as Word and LibreOffice export them), then more lines. A page with no rows has no table."""
    pdf = pdfium.PdfDocument.new()
    keep: list = []
    font = _font(pdf, keep)
    lead = font_size * 1.4
    for before, rows, after in pages:
        page = pdf.new_page(595, 842)
        y = 800.0
        for line in before:
            _text(pdf, page, font, line, 60, y, font_size)
            y -= lead
        left, right = 50.0, 50.0 + sum(widths)
        top = y + lead - 4
        if rows:
            _stroke(page, left, top, right, top)
        for row in rows:
            wrapped = [_wrap(cell, w - 6, font_size) for cell, w in zip(row, widths)]
            height = max(len(w) for w in wrapped) * lead + 4
            x = left
            for cell_lines, w in zip(wrapped, widths):
                for k, text in enumerate(cell_lines):
                    if text:
                        _text(pdf, page, font, text, x + 3, top - (k + 1) * lead + 2, font_size)
                x += w
            bottom = top - height
            x = left
            for w in [0.0, *widths]:
                x += w
                _stroke(page, x, top, x, bottom)
            _stroke(page, left, bottom, right, bottom)
            top = bottom
        y = top - lead * 1.5
        for line in after:
            _text(pdf, page, font, line, 60, y, font_size)
            y -= lead
        pdfium_c.FPDFPage_GenerateContent(page)
        page.close()
    out = io.BytesIO()
    pdf.save(out)
    pdf.close()
    return out.getvalue()
