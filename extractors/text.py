"""Read a plain-text file: UTF-8 (BOM ok) or UTF-16 with BOM, else windows-1258 / legacy TCVN3-VNI bytes."""
from __future__ import annotations

import codecs

from extractors.base import ExtractedText
from extractors.builder import TextBuilder
from extractors.legacy import fix_legacy


def decode_text(data: bytes) -> tuple[str, list[str]]:
    """(text, warnings): the bytes decoded by BOM, strict UTF-8, or an 8-bit Vietnamese fallback."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, "replace"), []
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError:
        pass
    latin = data.decode("cp1252", "replace") if _cp1252_ok(data) else data.decode("latin-1")
    if fix_legacy(latin)[1]:
        return latin, []  # TCVN3/VNI bytes: normalize_text converts them
    text = data.decode("cp1258", "replace")
    warnings = ["text is not UTF-8: decoded as windows-1258"]
    if "\ufffd" in text:
        warnings.append("undecodable bytes replaced")
    return text, warnings


def _cp1252_ok(data: bytes) -> bool:
    try:
        data.decode("cp1252")
        return True
    except UnicodeDecodeError:
        return False


def read_text(data: bytes, *, part: str) -> ExtractedText:
    text, warnings = decode_text(data)
    builder = TextBuilder()
    builder.add(text, "text")
    for w in warnings:
        builder.warn(w)
    return builder.build(part=part, kind="txt")
