"""Reading an embedded font's own maps: cmap subtables, and the two ways a lying font is re-read."""
from __future__ import annotations

import struct

from extractors.pdf_fonts import FontMap
from extractors.sfnt_cmap import cmaps
from tests.unit.extractors.builders import FONT


def _sfnt(subtables: dict[tuple[int, int], bytes]) -> bytes:
    """A font program holding only a cmap table with the given subtables."""
    header = struct.pack(">HH", 0, len(subtables))
    offset = 4 + 8 * len(subtables)
    records, bodies = b"", b""
    for (platform, encoding), body in subtables.items():
        records += struct.pack(">HHI", platform, encoding, offset + len(bodies))
        bodies += body
    cmap = header + records + bodies
    return (
        struct.pack(">IHHHH", 0x00010000, 1, 16, 0, 0)
        + struct.pack(">4sIII", b"cmap", 0, 28, len(cmap))
        + cmap
    )


def _format0(mapping: dict[int, int]) -> bytes:
    return struct.pack(">HHH", 0, 262, 0) + bytes(mapping.get(c, 0) for c in range(256))


def _format4(segments: list[tuple[int, int, int, list[int] | None]]) -> bytes:
    """segments: (start, end, delta, glyph array or None); a final 0xFFFF segment is added."""
    segments = segments + [(0xFFFF, 0xFFFF, 1, None)]
    n = len(segments)
    arrays = b""
    offsets = []
    for k, (start, end, delta, glyphs) in enumerate(segments):
        if glyphs is None:
            offsets.append(0)
        else:  # idRangeOffset counts from its own slot to the glyph array that follows all the offsets
            offsets.append(2 * (n - k) + len(arrays))
            arrays += struct.pack(f">{len(glyphs)}H", *glyphs)
    body = (
        struct.pack(f">{n}H", *(s[1] for s in segments))
        + b"\0\0"
        + struct.pack(f">{n}H", *(s[0] for s in segments))
        + struct.pack(f">{n}H", *(s[2] & 0xFFFF for s in segments))
        + struct.pack(f">{n}H", *offsets)
        + arrays
    )
    return struct.pack(">HHHHHHH", 4, 14 + len(body), 0, 2 * n, 0, 0, 0) + body


def _format12(groups: list[tuple[int, int, int]]) -> bytes:
    body = b"".join(struct.pack(">III", *g) for g in groups)
    return struct.pack(">HHIII", 12, 0, 16 + len(body), 0, len(groups)) + body


def test_cmap_formats_0_4_12() -> None:
    font = _sfnt(
        {
            (1, 0): _format0({0x41: 36, 0xE0: 106}),
            (3, 1): _format4([(0x41, 0x43, 36 - 0x41, None), (0x1EA0, 0x1EA1, 0, [300, 301])]),
            (3, 10): _format12([(0x1F600, 0x1F601, 900)]),
        }
    )
    tables = cmaps(font)
    assert tables[(1, 0)] == {0x41: 36, 0xE0: 106}
    assert tables[(3, 1)] == {0x41: 36, 0x42: 37, 0x43: 38, 0x1EA0: 300, 0x1EA1: 301}
    assert tables[(3, 10)] == {0x1F600: 900, 0x1F601: 901}


def test_cmap_of_a_real_font_and_of_junk() -> None:
    if FONT.exists():
        assert cmaps(FONT.read_bytes())[(3, 1)][ord("ư")] > 0
    assert cmaps(b"\x00\x01\x00\x00 not a font") == {} and cmaps(b"") == {}


def test_font_with_a_unicode_cmap_names_the_glyph_ids_pdfium_could_not_map() -> None:
    fm = FontMap.of(_sfnt({(3, 1): _format4([(0x1EC8, 0x1EC8, 0, [1228]), (0x54, 0x54, 55 - 0x54, None)])}))
    assert fm.decode(chr(1228), unmapped=True) == "Ỉ" and fm.decode(chr(55), unmapped=True) == "T"
    assert fm.decode("Ỉ", unmapped=False) == "Ỉ"  # a mapped character is left alone


def test_byte_keyed_symbol_font_is_re_read_in_the_windows_code_page() -> None:
    # rw-31's simple fonts: bytes written as Windows-1252, read by pdfium as Mac Roman ('L‡o Cai, ng‡y th·ng')
    fm = FontMap.of(
        _sfnt({(1, 0): _format0({0xE0: 106}), (3, 0): _format4([(0xF0E0, 0xF0E0, 106 - 0xF0E0, None)])})
    )
    assert fm.byte_keyed
    assert (
        "".join(fm.decode(c, unmapped=False) for c in "L‡o Cai, ng‡y th·ng, PH“NG")
        == "Lào Cai, ngày tháng, PHÒNG"
    )
    unicode_font = FontMap.of(_sfnt({(3, 1): _format4([(0x41, 0x41, 0, None)])}))
    assert not unicode_font.byte_keyed and unicode_font.decode("‡", unmapped=False) == "‡"
