"""Legacy Vietnamese 8-bit font encodings (TCVN3/ABC '.VnTime', VNI-Windows): tables, detection, conversion.

Text typed in these fonts reaches us as Latin-1 look-alikes ('Céng hoµ', 'Coäng hoøa'). The tables
below were written in-house from the TCVN 5712:1993 (VN3) and VNI-Windows layouts. Detection follows
domain-vi.md §3.2: font names first (see `encoding_for_font`), then content: a paragraph is converted
only when the converted text reads as Vietnamese syllables (extractors.syllables) clearly better than the
original. `decode_legacy` converts a whole PDF page whose text layer does not read as Vietnamese.
"""
from __future__ import annotations

import re
import unicodedata

from extractors.syllables import is_syllable

# --- TCVN3 (ABC): one byte per letter; no upper-case letters with tone marks. -------------------------
_TCVN3_PAIRS = (
    "\u00a1Ă \u00a2Â \u00a3Ê \u00a4Ô \u00a5Ơ \u00a6Ư \u00a7Đ "
    "\u00a8ă \u00a9â \u00aaê \u00abô \u00acơ \u00adư \u00aeđ "
    "\u00b5à \u00b6ả \u00b7ã \u00b8á \u00b9ạ "
    "\u00bbằ \u00bcẳ \u00bdẵ \u00beắ \u00c6ặ "
    "\u00c7ầ \u00c8ẩ \u00c9ẫ \u00caấ \u00cbậ "
    "\u00ccè \u00ceẻ \u00cfẽ \u00d0é \u00d1ẹ "
    "\u00d2ề \u00d3ể \u00d4ễ \u00d5ế \u00d6ệ "
    "\u00d7ì \u00d8ỉ \u00dcĩ \u00ddí \u00deị "
    "\u00dfò \u00e1ỏ \u00e2õ \u00e3ó \u00e4ọ "
    "\u00e5ồ \u00e6ổ \u00e7ỗ \u00e8ố \u00e9ộ "
    "\u00eaờ \u00ebở \u00ecỡ \u00edớ \u00eeợ "
    "\u00efù \u00f1ủ \u00f2ũ \u00f3ú \u00f4ụ "
    "\u00f5ừ \u00f6ử \u00f7ữ \u00f8ứ \u00f9ự "
    "\u00faỳ \u00fbỷ \u00fcỹ \u00fdý \u00feỵ"
)
TCVN3_TO_UNICODE: dict[str, str] = {p[0]: p[1] for p in _TCVN3_PAIRS.split()}
_TCVN3_TABLE = str.maketrans(TCVN3_TO_UNICODE)
UNICODE_TO_TCVN3: dict[str, str] = {v: k for k, v in TCVN3_TO_UNICODE.items()}

# --- VNI-Windows: base letter followed by one or two mark bytes. ---------------------------------------
# tone marks (lower / upper case forms of the mark byte)
_VNI_TONES = {"ù": "\u0301", "ø": "\u0300", "û": "\u0309", "õ": "\u0303", "ï": "\u0323"}
_VNI_TONES_UP = {"Ù": "\u0301", "Ø": "\u0300", "Û": "\u0309", "Õ": "\u0303", "Ï": "\u0323"}
# circumflex + tone, breve + tone
_VNI_HAT = {"â": "", "á": "\u0301", "à": "\u0300", "å": "\u0309", "ã": "\u0303", "ä": "\u0323"}
_VNI_HAT_UP = {"Â": "", "Á": "\u0301", "À": "\u0300", "Å": "\u0309", "Ã": "\u0303", "Ä": "\u0323"}
_VNI_BREVE = {"ê": "", "é": "\u0301", "è": "\u0300", "ú": "\u0309", "ü": "\u0303", "ë": "\u0323"}
_VNI_BREVE_UP = {"Ê": "", "É": "\u0301", "È": "\u0300", "Ú": "\u0309", "Ü": "\u0303", "Ë": "\u0323"}
_VNI_SINGLE = {
    "ñ": "đ", "Ñ": "Đ", "ô": "ơ", "Ô": "Ơ", "ö": "ư", "Ö": "Ư",
    "æ": "ỉ", "Æ": "Ỉ", "ó": "ĩ", "Ó": "Ĩ", "ò": "ị", "Ò": "Ị", "î": "ỵ", "Î": "Ỵ",
    "ì": "ì", "Ì": "Ì", "í": "í", "Í": "Í",
}


def _nfc(s: str) -> str:
    return unicodedata.normalize("NFC", s)


def _build_vni() -> dict[str, str]:
    table: dict[str, str] = dict(_VNI_SINGLE)
    for lower, tones, hats, breves in ((True, _VNI_TONES, _VNI_HAT, _VNI_BREVE),
                                       (False, _VNI_TONES_UP, _VNI_HAT_UP, _VNI_BREVE_UP)):
        bases = {"a": "a", "e": "e", "i": "i", "o": "o", "u": "u", "y": "y", "ô": "ơ", "ö": "ư"}
        for src, dst in bases.items():
            s, d = (src, dst) if lower else (src.upper(), dst.upper())
            for mark, comb in tones.items():
                table[s + mark] = _nfc(d + comb)
        for src, dst in {"a": "â", "e": "ê", "o": "ô"}.items():
            s, d = (src, dst) if lower else (src.upper(), dst.upper())
            for mark, comb in hats.items():
                table[s + mark] = _nfc(d + comb)
        s, d = ("a", "ă") if lower else ("A", "Ă")
        for mark, comb in breves.items():
            table[s + mark] = _nfc(d + comb)
    return table


VNI_TO_UNICODE: dict[str, str] = _build_vni()
_VNI_RE = re.compile("|".join(re.escape(k) for k in sorted(VNI_TO_UNICODE, key=len, reverse=True)))
# the encoder used by tests and round trips: prefer the single-byte forms for i-tones, ơ, ư, đ
UNICODE_TO_VNI: dict[str, str] = {}
for _k, _v in sorted(VNI_TO_UNICODE.items(), key=lambda kv: len(kv[0]), reverse=True):
    UNICODE_TO_VNI[_v] = _k
for _k, _v in _VNI_SINGLE.items():
    UNICODE_TO_VNI[_v] = _k


def tcvn3_to_unicode(text: str) -> str:
    return text.translate(_TCVN3_TABLE)


def vni_to_unicode(text: str) -> str:
    return _nfc(_VNI_RE.sub(lambda m: VNI_TO_UNICODE[m.group(0)], text))


def unicode_to_tcvn3(text: str) -> str:
    """Encode NFC Vietnamese into TCVN3 code points (upper-case toned letters are lowered, as in the font)."""
    out = []
    for ch in _nfc(text):
        if ch in UNICODE_TO_TCVN3:
            out.append(UNICODE_TO_TCVN3[ch])
        elif ch.lower() in UNICODE_TO_TCVN3 and ch not in "ĂÂÊÔƠƯĐ":
            out.append(UNICODE_TO_TCVN3[ch.lower()])
        else:
            out.append(ch)
    return "".join(out)


def unicode_to_vni(text: str) -> str:
    return "".join(UNICODE_TO_VNI.get(ch, ch) for ch in _nfc(text))


CONVERTERS = {"tcvn3": tcvn3_to_unicode, "vni": vni_to_unicode}


def encoding_for_font(font: str | None) -> str | None:
    """'.VnTime' / '.VnArialH' → 'tcvn3'; 'VNI-Times' → 'vni'; anything else → None."""
    if not font:
        return None
    name = font.split("+", 1)[1] if re.match(r"^[A-Z]{6}\+", font) else font
    name = name.strip().lower()
    if name.startswith(".vn"):
        return "tcvn3"
    if name.startswith("vni"):
        return "vni"
    return None


# --- content detection ----------------------------------------------------------------------------------
# Latin-1 letters that Unicode Vietnamese also uses: their presence says nothing
_PLAIN_VI = set("ÀÁÂÃÈÉÊÌÍÒÓÔÕÙÚÝàáâãèéêìíòóôõùúý")
SUSPECT = re.compile("[" + "".join(chr(c) for c in range(0xA1, 0x100) if chr(c) not in _PLAIN_VI) + "]")
_UNICODE_VI = re.compile("[ăĂđĐơƠưƯĩĨũŨ\u1ea0-\u1ef9]")
_SPLIT = re.compile(r"[\s,.;:!?()\"'\[\]/\\\-–—…]+")


def _syllable_score(text: str) -> tuple[int, int]:
    """(valid Vietnamese syllables, words) over the words that are not plain ASCII."""
    valid = total = 0
    for word in _SPLIT.split(text):
        if not word or word.isascii():
            continue
        total += 1
        if is_syllable(word):
            valid += 1
    return valid, total


def detect_encoding(text: str) -> str | None:
    """'tcvn3' or 'vni' when `text` (one paragraph or more) is legacy-encoded, else None."""
    if not SUSPECT.search(text) or _UNICODE_VI.search(text):
        return None
    before, _ = _syllable_score(text)
    best, best_score = None, before
    for name, conv in CONVERTERS.items():
        converted = conv(text)
        valid, total = _syllable_score(converted)
        if total and valid >= 0.75 * total and valid > best_score:
            best, best_score = name, valid
    return best


def decode_legacy(text: str) -> str | None:
    """The whole of `text` (a page) converted from the legacy encoding it is detected in, else None."""
    enc = detect_encoding(text)
    return CONVERTERS[enc](text) if enc else None


def fix_legacy(text: str) -> tuple[str, str | None]:
    """Convert `text` paragraph by paragraph where it is detected as legacy; returns (text, encoding seen)."""
    if not SUSPECT.search(text):
        return text, None
    seen: str | None = None
    parts = text.split("\n")
    for i, para in enumerate(parts):
        enc = detect_encoding(para)
        if enc:
            parts[i] = CONVERTERS[enc](para)
            seen = seen or enc
    return "\n".join(parts), seen
