"""Re-read a page's text layer through its embedded fonts, for pages whose layer does not read as Vietnamese.

Two ways a font's text comes out wrong, and what the font itself tells us:
- a character pdfium could not map (FPDFText_HasUnicodeMapError): its value is the raw character code, which
  for an Identity-encoded CID font is the glyph id; the font's own Unicode cmap, inverted, names the glyph.
- a symbolic TrueType font with no Unicode cmap, only byte-keyed (1,0)/(3,0) subtables: pdfium reads its bytes
  as Mac Roman ('L‡o Cai' for 'Lào Cai'), while Word wrote them in the Windows code page: re-read as cp1252.
A glyph neither way can name stays as it was; the caller scores the result and falls back to OCR.
Only run on pages already judged untrustworthy: it walks every character through ctypes.
"""
from __future__ import annotations

import ctypes
from dataclasses import dataclass

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c

from extractors.sfnt_cmap import cmaps

_UNICODE_SUBTABLES = ((3, 10), (3, 1), (0, 4), (0, 3), (0, 6), (0, 1), (0, 0))


@dataclass(frozen=True, slots=True)
class FontMap:
    """What one embedded font lets us recover."""

    glyph_to_unicode: dict[int, str]  # from its Unicode cmap, inverted
    byte_keyed: bool  # only symbol/Mac subtables: its codes are single bytes in the producer's code page

    @classmethod
    def of(cls, program: bytes) -> FontMap:
        tables = cmaps(program) if program[:4] in (b"\x00\x01\x00\x00", b"true", b"OTTO") else {}
        unicode_table = next((tables[k] for k in _UNICODE_SUBTABLES if k in tables), None)
        if unicode_table is not None:
            inverse: dict[int, str] = {}
            # the lowest code wins a shared glyph
            for code, gid in sorted(unicode_table.items(), reverse=True):
                inverse[gid] = chr(code)
            return cls(inverse, False)
        return cls({}, bool(tables) and set(tables) <= {(3, 0), (1, 0)})

    def decode(self, char: str, *, unmapped: bool) -> str:
        if unmapped:
            return self.glyph_to_unicode.get(ord(char), char)
        if self.byte_keyed:
            try:
                return char.encode("mac_roman").decode("cp1252")
            except (UnicodeEncodeError, UnicodeDecodeError):
                return char
        return char


def decode_page_fonts(page: pdfium.PdfPage) -> str | None:
    """The page's text re-read through its fonts' own maps, or None when no font offers a different reading.

    A font with one character pdfium could not map has no working map at all (no ToUnicode): pdfium then
    gives the raw code of every one of its characters, flagged or not, so all of them are decoded.
    """
    textpage = page.get_textpage()
    try:
        chars: list[tuple[str, int | None]] = []
        fonts: dict[int, FontMap] = {}
        unmapped_fonts: set[int] = set()
        for i in range(textpage.count_chars()):
            char = chr(pdfium_c.FPDFText_GetUnicode(textpage.raw, i))
            obj = pdfium_c.FPDFText_GetTextObject(textpage.raw, i)
            key = None
            if obj:
                font = pdfium_c.FPDFTextObj_GetFont(obj)
                key = ctypes.cast(font, ctypes.c_void_p).value or 0
                if key not in fonts:
                    fonts[key] = FontMap.of(_font_program(font))
                if pdfium_c.FPDFText_HasUnicodeMapError(textpage.raw, i):
                    unmapped_fonts.add(key)
            chars.append((char, key))
    finally:
        textpage.close()
    out = [c if key is None else fonts[key].decode(c, unmapped=key in unmapped_fonts) for c, key in chars]
    text = "".join(out)
    return text if text != "".join(c for c, _ in chars) else None


def _font_program(font: ctypes.c_void_p) -> bytes:
    size = ctypes.c_size_t()
    if not pdfium_c.FPDFFont_GetFontData(font, None, 0, ctypes.byref(size)) or not size.value:
        return b""
    buf = (ctypes.c_ubyte * size.value)()
    if not pdfium_c.FPDFFont_GetFontData(font, buf, size.value, ctypes.byref(size)):
        return b""
    return bytes(buf)
