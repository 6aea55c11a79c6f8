"""Assemble an ExtractedText from normalised blocks while recording where each block came from."""
from __future__ import annotations

from extractors.base import ExtractedText, Segment
from extractors.normalize import join_page_cut, normalize_text


class TextBuilder:
    """Collects blocks ('paragraph 3', 'table 1 row 2', 'page 4'), normalises each, and tracks offsets."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._segments: list[Segment] = []
        self._length = 0
        self.warnings: list[str] = []

    def add(self, text: str, where: str, *, sep: str = "\n\n", normalized: bool = False,
            join_cut: bool = False, inner_cuts: bool = True) -> None:
        """Append one block; `join_cut` re-joins a sentence cut by a page break (lower-case continuation)
        between this block and the previous one, `inner_cuts` inside the block (blank-line page breaks)."""
        block = text if normalized else normalize_text(text, join_page_cuts=inner_cuts)
        if not block:
            return
        if self._parts:
            if join_cut and join_page_cut(self._parts[-1], block):
                sep = " "
            self._parts.append(sep)
            self._length += len(sep)
        start = self._length
        self._parts.append(block)
        self._length += len(block)
        self._segments.append(Segment(start, self._length, where))

    def warn(self, message: str) -> None:
        if message not in self.warnings:
            self.warnings.append(message)

    @property
    def empty(self) -> bool:
        return not self._parts

    def build(self, *, part: str, kind: str, warnings: tuple[str, ...] = ()) -> ExtractedText:
        return ExtractedText(
            text="".join(self._parts), part=part, kind=kind, segments=tuple(self._segments),
            warnings=tuple(self.warnings) + tuple(warnings),
        )
