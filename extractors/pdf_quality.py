"""Does a page's text layer read as Vietnamese? The share of its words that are valid, marked syllables.

A text layer can lie: fonts whose glyphs map to the wrong characters ('7ӌ1+ L¿O CAI' for 'TỈNH LÀO CAI'),
or a scanner's OCR layer made without Vietnamese ('CQNG HOA XA HQI'). Both fail one of two cheap counts
over the page's words: the share that are well-formed syllables (extractors.syllables), and the share that
carry a Vietnamese mark (written Vietnamese has a tone or ă/â/ê/ô/ơ/ư/đ on most words; text stripped of
them has almost none). Abbreviations (UBND, TTr, QĐ) count for neither side unless they make up most of the
page (glyph ids of small letters land on capitals: 'EDQ' for 'ban'); one-letter words never count.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from extractors.ocr import OcrUnavailable
from extractors.syllables import is_marked_syllable, is_syllable

MIN_WORDS = 20  # fewer words than this: too little text to judge, the layer is taken as it is
MIN_VALID_SHARE = 0.75  # measured on 96 real pages ≥ 0.96; rw-31's lying fonts 0.30, rw-32's OCR layer ≤ 0.49
MIN_MARKED_SHARE = 0.25  # measured on the same real pages ≥ 0.71; rw-31 0.11, rw-32 0.00
MAX_ABBREVIATION_SHARE = (
    0.5  # measured: real pages ≤ 0.16; glyph ids of small letters land on capitals ('EDQ' for 'ban')
)
_WORD = re.compile(r"[^\W\d_]+")
# UBND, TTr, QĐ, HĐND, GDĐT: two or more capitals, Latin letters and Đ only; a lying layer's words mix in
# other scripts or Vietnamese small letters ('QJKӏ', 'YăQ') and still count
_ABBREVIATION = re.compile(r"(?=(?:.*[A-ZĐ]){2})[A-Za-zĐđ]+")


@dataclass(frozen=True, slots=True)
class TextQuality:
    words: int  # words counted, abbreviations apart
    valid: int  # of them, well-formed Vietnamese syllables
    marked: int  # of them, valid syllables carrying a tone or a Vietnamese letter
    abbreviations: int = 0  # words that look like UBND / TTr: neither valid nor invalid, unless they dominate

    @property
    def judged(self) -> bool:
        return self.words + self.abbreviations >= MIN_WORDS

    @property
    def valid_share(self) -> float:
        return self.valid / self.words if self.words else 0.0

    @property
    def marked_share(self) -> float:
        return self.marked / self.words if self.words else 0.0

    @property
    def abbreviation_share(self) -> float:
        return self.abbreviations / (self.words + self.abbreviations) if self.abbreviations else 0.0

    @property
    def trusted(self) -> bool:
        """False only when there is enough text to judge and it does not read as Vietnamese."""
        return not self.judged or (
            self.valid_share >= MIN_VALID_SHARE
            and self.marked_share >= MIN_MARKED_SHARE
            and self.abbreviation_share <= MAX_ABBREVIATION_SHARE
        )

    def better_than(self, other: TextQuality) -> bool:
        return self._goodness() > other._goodness()

    def _goodness(self) -> float:
        return (self.valid + self.marked) / max(self.words + self.abbreviations, 1)

    def describe(self) -> str:
        text = f"{self.valid_share:.0%} valid Vietnamese syllables, {self.marked_share:.0%} with their marks"
        return text + (
            f", {self.abbreviation_share:.0%} look like abbreviations"
            if self.abbreviation_share > MAX_ABBREVIATION_SHARE
            else ""
        )


def score_text(text: str) -> TextQuality:
    """Count the page's words; cheap (each distinct word classified once, cached), run on every text page."""
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    words = valid = marked = abbreviations = 0
    for word, n in Counter(_WORD.findall(text)).items():
        kind = _word_kind(word)
        if kind == _INVALID:  # a layer without spaces runs words together: count the syllables it may hide
            words += n * max(1, len(word) // _LONGEST_SYLLABLE)
        elif kind == _ABBREVIATED:
            abbreviations += n
        elif kind:
            words += n
            valid += n
            marked += n if kind == _MARKED else 0
    return TextQuality(words, valid, marked, abbreviations)


_NEUTRAL, _ABBREVIATED, _INVALID, _VALID, _MARKED = range(5)
_LONGEST_SYLLABLE = 7  # 'nghiêng'


@functools.lru_cache(maxsize=65536)
def _word_kind(word: str) -> int:
    if len(word) < 2:
        return _NEUTRAL
    if is_syllable(word):
        return _MARKED if is_marked_syllable(word) else _VALID
    return _ABBREVIATED if _ABBREVIATION.fullmatch(word) else _INVALID


@dataclass(frozen=True, slots=True)
class PageText:
    """The text chosen for one page and, when it is not the text layer as it stands, a line saying how it
    was read."""

    text: str
    how: str | None = None


Reading = Callable[[], "str | None"]  # another way to read the page: None (or OcrUnavailable) when it cannot


def choose_page_text(
    layer: str, n: int, *, decoders: Sequence[tuple[str, Reading]] = (), ocr: Reading | None = None
) -> PageText:
    """The page's text layer when it reads as Vietnamese; else the first decoding of it that does, else OCR.

    `decoders` are tried in order (cheap, from the file itself: legacy encodings, the fonts' own maps); OCR
    only replaces the layer when it reads better than the layer. Every replacement is said in `how`.
    """
    quality = score_text(layer)
    if quality.trusted:
        return PageText(layer)
    for label, decode in decoders:
        text = decode()
        if text is not None and score_text(text).trusted:
            return PageText(
                text, f"page {n}: text layer decoded ({label}); as it stood it read {quality.describe()}"
            )
    if ocr is None:
        return PageText(
            layer,
            f"page {n}: text layer does not read as Vietnamese ({quality.describe()}); "
            "OCR is not available, its text may be wrong",
        )
    try:
        text = ocr()
    except OcrUnavailable as err:
        return PageText(
            layer,
            f"page {n}: text layer does not read as Vietnamese ({quality.describe()}); "
            f"OCR failed ({err}), its text may be wrong",
        )
    if text and score_text(text).better_than(quality):
        return PageText(
            text,
            f"page {n} read by OCR (tesseract vie): its text layer does not read as Vietnamese "
            f"({quality.describe()}); quotes may contain recognition errors",
        )
    return PageText(
        layer,
        f"page {n}: text layer does not read as Vietnamese ({quality.describe()}) and OCR read "
        "no better; the layer is kept",
    )
