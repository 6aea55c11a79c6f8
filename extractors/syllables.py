"""Is a word a well-formed Vietnamese syllable? Built from the language: onset + (medial) rhyme + tone.

A syllable is written onset + rhyme with at most one tone mark. The rhymes below are the nucleus + coda
combinations the language allows (a nucleus such as 'ă' or 'â' never stands without a coda, 'ơ' takes no
'c'/'ng'), with the medial 'o'/'u' glides ('oa', 'uy', 'uyê' …). Spelling rules: 'k', 'gh', 'ngh' only
before i/e/ê (and 'k' before y), 'c', 'g', 'ng' never before them; 'qu' is an onset of its own. A rhyme
that ends in a stop (c, ch, p, t) carries only the sắc or nặng tone. The check is cached per word: a
page's text holds a few hundred distinct words, so scoring it costs well under a millisecond.
"""
from __future__ import annotations

import functools
import unicodedata

TONES = frozenset("\u0300\u0301\u0303\u0309\u0323")  # huyền, sắc, ngã, hỏi, nặng
_STOP_TONES = frozenset("\u0301\u0323")  # the only tones a rhyme ending in c/ch/p/t may carry
_MARKED = frozenset("ăâêôơưđ")  # letters whose mark is not a tone: they make a word visibly Vietnamese

# nucleus → the codas it takes ('' = open syllable); from the phonotactics of standard Vietnamese
_RHYMES_BY_NUCLEUS = {
    "a": ("", "c", "ch", "m", "n", "ng", "nh", "p", "t", "i", "o", "u", "y"),
    "ă": ("c", "m", "n", "ng", "p", "t"),
    "â": ("c", "m", "n", "ng", "p", "t", "u", "y"),
    "e": ("", "c", "m", "n", "ng", "p", "t", "o"),
    "ê": ("", "ch", "m", "n", "nh", "p", "t", "u"),
    "i": ("", "ch", "m", "n", "nh", "p", "t", "u", "a"),
    "y": ("",),
    "o": ("", "c", "m", "n", "ng", "p", "t", "i", "ong", "oc"),  # 'oong', 'ooc': xoong, boong, quần soóc
    "ô": ("", "c", "m", "n", "ng", "p", "t", "i"),
    "ơ": ("", "m", "n", "p", "t", "i"),
    "u": ("", "c", "m", "n", "ng", "p", "t", "i", "a"),
    "ư": ("", "c", "m", "n", "ng", "t", "i", "u", "a"),
    "iê": ("c", "m", "n", "ng", "p", "t", "u"),
    "yê": ("m", "n", "t", "u"),  # the spelling of iê after no onset or after the glide u: yên, yêu, uyên
    "uô": ("c", "m", "n", "ng", "t", "i"),
    "ươ": ("c", "m", "n", "ng", "p", "t", "i", "u"),
}
# rhymes with the glide written 'o' (after no onset or most onsets) or 'u' (after q, and before â/ê/y/ơ)
_GLIDED = {
    "oa": ("", "c", "ch", "i", "m", "n", "ng", "nh", "p", "t", "y", "o"),
    "oă": ("c", "m", "n", "ng", "t"),
    "oe": ("", "n", "o", "t", "m"),
    "uâ": ("n", "ng", "t", "y", "c"),
    "uê": ("", "ch", "nh", "n"),
    "uy": ("", "ch", "nh", "t", "u", "n", "a"),
    "uyê": ("n", "t"),
    "uơ": ("",),
}
ONSETS = (
    "",
    "b",
    "c",
    "ch",
    "d",
    "đ",
    "g",
    "gh",
    "gi",
    "h",
    "k",
    "kh",
    "l",
    "m",
    "n",
    "ng",
    "ngh",
    "nh",
    "p",
    "ph",
    "qu",
    "r",
    "s",
    "t",
    "th",
    "tr",
    "v",
    "x",
)
_FRONT = ("i", "e", "ê", "y")


def _rhymes() -> frozenset[str]:
    plain = {n + c for n, codas in _RHYMES_BY_NUCLEUS.items() for c in codas}
    glided = {g + c for g, codas in _GLIDED.items() for c in codas}
    return frozenset(plain | glided)


RHYMES = _rhymes()


def _spelling_ok(onset: str, rhyme: str) -> bool:
    front = rhyme.startswith(_FRONT)
    if onset in ("k", "gh", "ngh"):
        return front and not (onset != "k" and rhyme.startswith("y"))
    if onset in ("c", "ng") and front:
        return False
    if onset == "g" and rhyme.startswith(("e", "ê")):
        return False
    if onset == "qu":  # 'qu' already holds the glide: qua, quê, quy, quyết, quốc
        return not rhyme.startswith(("o", "u"))
    if onset and rhyme.startswith("yê"):
        return False
    return True


def _split(bare: str) -> list[tuple[str, str]]:
    out = []
    for onset in ONSETS:
        if bare.startswith(onset):
            rest = bare[len(onset) :]
            if rest in RHYMES or (onset == "qu" and "u" + rest in RHYMES):  # 'quỳnh' as 'huỳnh'
                out.append((onset, rest))
            elif onset == "gi" and ("i" + rest) in RHYMES:  # 'gì', 'gìn', 'giếng' keep the i of gi
                out.append((onset, "i" + rest))
    return out


@functools.lru_cache(maxsize=65536)
def is_syllable(word: str) -> bool:
    """True for a well-formed Vietnamese syllable in any case and tone placement ('Hòa', 'hoà', 'NGHĨA')."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    tones = [ch for ch in decomposed if ch in TONES]
    if len(tones) > 1:
        return False
    bare = unicodedata.normalize("NFC", "".join(ch for ch in decomposed if ch not in TONES))
    for onset, rhyme in _split(bare):
        if not _spelling_ok(onset, rhyme):
            continue
        if tones and rhyme.endswith(("c", "ch", "p", "t")) and tones[0] not in _STOP_TONES:
            continue
        return True
    return False


@functools.lru_cache(maxsize=65536)
def is_marked_syllable(word: str) -> bool:
    """A valid syllable that carries a tone or a Vietnamese letter (ă â ê ô ơ ư đ): text written with its
    marks."""
    if not is_syllable(word):
        return False
    decomposed = unicodedata.normalize("NFD", word.lower())
    return any(ch in TONES for ch in decomposed) or any(
        ch in _MARKED for ch in unicodedata.normalize("NFC", word.lower())
    )
