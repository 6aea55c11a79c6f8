"""Read a .pdf into text, one Segment per page: pypdfium2 text layer, reflow, OCR for pages without text.

pypdfium2 is the hot path (37–74× faster than pdfplumber, notes/libraries.md). A page with no text layer
is rendered and read by tesseract ('vie') when it is installed and Limits.ocr is on; otherwise the result
carries the warning "scanned page N, no text layer". A text layer that does not read as Vietnamese
(extractors.pdf_quality) is decoded where the file allows, else read by OCR; the warnings say which page
was read how.
"""
from __future__ import annotations

import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.base import ExtractedText, ExtractionError, Limits
from extractors.builder import TextBuilder
from extractors.legacy import decode_legacy
from extractors.ocr import OcrUnavailable, ocr_available, ocr_png
from extractors.pdf_fonts import decode_page_fonts
from extractors.pdf_quality import PageText, choose_page_text
from extractors.pdf_reflow import drop_page_number, reflow
from extractors.pdf_tables import PdfTables, has_ruling

MIN_TEXT_CHARS = 16  # fewer visible characters than this on a page with an image: treat it as scanned
OCR_TIMEOUT_S = 90.0


def open_pdf(data: bytes) -> pdfium.PdfDocument:
    if not data.lstrip()[:5].startswith(b"%PDF") and b"%PDF-" not in data[:1024]:
        raise ExtractionError("corrupt PDF: no %PDF header")
    try:
        return pdfium.PdfDocument(data)
    except pdfium.PdfiumError as err:
        if "password" in str(err).lower():
            raise ExtractionError("password-protected PDF") from err
        raise ExtractionError(f"corrupt PDF: {err}") from err


def _page_lines(page: pdfium.PdfPage) -> tuple[str, list[str], list[float] | None]:
    """The page text, its lines, and the right edge of each line (from pdfium's char boxes)."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
        if textpage.count_chars() != len(text) or "\r" not in text:
            return text, lines, None
        rights: list[float] = []
        pos = 0
        for line in lines:
            end = pos + len(line.rstrip()) - 1
            rights.append(textpage.get_charbox(end)[2] if line.strip() else 0.0)
            pos += len(line) + 2
        return text, lines, rights
    finally:
        textpage.close()


def _has_image(page: pdfium.PdfPage) -> bool:
    return any(obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE for obj in page.get_objects(max_depth=2))


def _render_png(page: pdfium.PdfPage) -> bytes:
    width = page.get_width() or 595.0
    px = max((obj.get_px_size()[0] for obj in page.get_objects(max_depth=2)
              if obj.type == pdfium_c.FPDF_PAGEOBJ_IMAGE), default=0)
    scale = min(max(px / width, 200 / 72), 300 / 72)
    bitmap = page.render(scale=scale, grayscale=True)
    try:
        image = bitmap.to_pil()
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        return buf.getvalue()
    finally:
        bitmap.close()


def _ocr_page(page: pdfium.PdfPage, n: int, builder: TextBuilder) -> str:
    try:
        text = ocr_png(_render_png(page), timeout=OCR_TIMEOUT_S)
    except OcrUnavailable as err:
        builder.warn(f"scanned page {n}, no text layer ({err})")
        return ""
    builder.warn(f"page {n} read by OCR (tesseract vie); quotes may contain recognition errors")
    return text


def _checked_layer(page: pdfium.PdfPage, raw: str, n: int, use_ocr: bool) -> PageText:
    """The text layer unless it does not read as Vietnamese: then its legacy or font decoding, else OCR."""
    return choose_page_text(
        raw, n, decoders=(("legacy 8-bit Vietnamese encoding", lambda: decode_legacy(raw)),
                          ("through the embedded fonts' own maps", lambda: decode_page_fonts(page))),
        ocr=(lambda: ocr_png(_render_png(page), timeout=OCR_TIMEOUT_S)) if use_ocr else None)


def _drop_first_number(rights: list[float], lines: list[str], kept: list[str]) -> list[float]:
    for j, (a, b) in enumerate(zip(lines, kept)):
        if a != b:
            return rights[:j] + rights[j + 1:]
    return rights[:-1]


def read_pdf(data: bytes, *, part: str, limits: Limits = Limits()) -> ExtractedText:
    """Text of a PDF; raises ExtractionError when corrupt, encrypted or longer than limits.max_pdf_pages."""
    doc = open_pdf(data)
    tables = PdfTables(data)  # pdfplumber opens only if a page rules a table
    try:
        pages = len(doc)
        if pages > limits.max_pdf_pages:
            raise ExtractionError(f"PDF has {pages} pages, more than the limit of {limits.max_pdf_pages}")
        if pages == 0:
            raise ExtractionError("corrupt PDF: no pages")
        builder = TextBuilder()
        use_ocr = limits.ocr and ocr_available()
        for i in range(pages):
            page = doc[i]
            try:
                ruled = tables.page_paragraphs(i) if has_ruling(page) else None
                if ruled is not None:  # a ruled table: its cells whole, as "cell | cell" rows
                    builder.add("\n\n".join(ruled), f"page {i + 1}", join_cut=True)
                    continue
                raw, lines, rights = _page_lines(page)
                if len("".join(raw.split())) < MIN_TEXT_CHARS and (_has_image(page) or not raw.strip()):
                    if use_ocr:
                        raw = _ocr_page(page, i + 1, builder) or raw
                        lines, rights = raw.replace("\r", "").split("\n"), None
                    else:
                        builder.warn(f"scanned page {i + 1}, no text layer")
                else:
                    chosen = _checked_layer(page, raw, i + 1, use_ocr)
                    if chosen.how:
                        builder.warn(chosen.how)
                    if chosen.text is not raw:
                        lines, rights = chosen.text.replace("\r", "").split("\n"), None
            finally:
                page.close()
            kept = drop_page_number(lines, i + 1)
            if len(kept) != len(lines):
                rights = None if rights is None else _drop_first_number(rights, lines, kept)
            builder.add("\n\n".join(reflow(kept, rights)), f"page {i + 1}", join_cut=True)
        return builder.build(part=part, kind="pdf")
    except pdfium.PdfiumError as err:
        raise ExtractionError(f"corrupt PDF: {err}") from err
    finally:
        tables.close()
        doc.close()
