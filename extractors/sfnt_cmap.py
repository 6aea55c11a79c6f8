"""Read the character maps (cmap) of a TrueType/OpenType font program: which glyph each code draws.

Only what decoding a PDF's embedded fonts needs: subtables in formats 0, 4, 6 and 12, keyed by
(platform, encoding) — (3,1)/(3,10)/(0,*) map Unicode, (3,0) a symbol font's codes (0xF000 + byte), (1,0)
Mac Roman bytes. Malformed tables give an empty map, never an exception: the caller then falls back to OCR.
"""
from __future__ import annotations

import struct


def cmaps(font: bytes) -> dict[tuple[int, int], dict[int, int]]:
    """{(platform, encoding): {code: glyph id}} for every subtable this module can read."""
    try:
        table = _table(font, b"cmap")
        if table is None:
            return {}
        _, count = struct.unpack_from(">HH", table, 0)
        out: dict[tuple[int, int], dict[int, int]] = {}
        for k in range(count):
            platform, encoding, offset = struct.unpack_from(">HHI", table, 4 + 8 * k)
            mapping = _subtable(table, offset)
            if mapping:
                out.setdefault((platform, encoding), mapping)
        return out
    except (struct.error, ValueError, IndexError):
        return {}


def _table(font: bytes, tag: bytes) -> bytes | None:
    count = struct.unpack_from(">H", font, 4)[0]
    for k in range(count):
        name, _, offset, length = struct.unpack_from(">4sIII", font, 12 + 16 * k)
        if name == tag:
            return font[offset:offset + length]
    return None


def _subtable(table: bytes, offset: int) -> dict[int, int]:
    fmt = struct.unpack_from(">H", table, offset)[0]
    if fmt == 0:
        return {code: gid for code, gid in enumerate(table[offset + 6:offset + 262]) if gid}
    if fmt == 4:
        return _format4(table, offset)
    if fmt == 6:
        first, count = struct.unpack_from(">HH", table, offset + 6)
        gids = struct.unpack_from(f">{count}H", table, offset + 10)
        return {first + k: gid for k, gid in enumerate(gids) if gid}
    if fmt == 12:
        groups = struct.unpack_from(">I", table, offset + 12)[0]
        out = {}
        for g in range(groups):
            start, end, gid = struct.unpack_from(">III", table, offset + 16 + 12 * g)
            out.update({code: gid + code - start for code in range(start, min(end, start + 0x10000) + 1)})
        return out
    return {}


def _format4(table: bytes, offset: int) -> dict[int, int]:
    segs = struct.unpack_from(">H", table, offset + 6)[0] // 2
    ends = struct.unpack_from(f">{segs}H", table, offset + 14)
    starts = struct.unpack_from(f">{segs}H", table, offset + 16 + 2 * segs)
    deltas = struct.unpack_from(f">{segs}h", table, offset + 16 + 4 * segs)
    range_at = offset + 16 + 6 * segs
    ranges = struct.unpack_from(f">{segs}H", table, range_at)
    out = {}
    for k in range(segs):
        for code in range(starts[k], ends[k] + 1):
            if code == 0xFFFF:
                continue
            if ranges[k] == 0:
                gid = (code + deltas[k]) & 0xFFFF
            else:
                at = range_at + 2 * k + ranges[k] + 2 * (code - starts[k])
                gid = struct.unpack_from(">H", table, at)[0]
                gid = (gid + deltas[k]) & 0xFFFF if gid else 0
            if gid:
                out[code] = gid
    return out
