"""The second reader of a .docx: python-docx, asked before a file is called corrupt.

Our zipfile + lxml reader is fast but strict (it reads parts by name, cuts snippets out of styles.xml). When
it refuses a file, python-docx — the card's choice for .docx — gets a say: it opens the package through its
relationships, as Word does. Only when both refuse is the file corrupt; the message then gives both reasons.
"""
from __future__ import annotations

import io

from extractors.base import ExtractedText, ExtractionError
from extractors.builder import TextBuilder


def read_with_python_docx(data: bytes, *, part: str, first_reason: str) -> ExtractedText:
    """Paragraphs and tables in body order, then headers and footers; ExtractionError when python-docx
    fails too."""
    import docx  # lazy: python-docx is 24 ms at import; only a .docx our own reader cannot read needs it

    try:
        document = docx.Document(io.BytesIO(data))
        builder = TextBuilder()
        _blocks(document, builder, "")
        for n, section in enumerate(document.sections, 1):
            for kind, story in (("header", section.header), ("footer", section.footer)):
                if not story.is_linked_to_previous:
                    _blocks(story, builder, f"{kind} {n} ")
    except Exception as err:  # noqa: BLE001 — python-docx raises anything from KeyError to lxml errors
        raise ExtractionError(
            f"{first_reason}; python-docx cannot read it either ({_one_line(err)})"
        ) from err
    builder.warn(f"read with python-docx (second reader): {first_reason}")
    return builder.build(part=part, kind="docx")


def _blocks(container, builder: TextBuilder, prefix: str) -> None:  # type: ignore[no-untyped-def]
    tables = paragraphs = 0
    for block in container.iter_inner_content():
        if hasattr(block, "rows"):
            tables += 1
            for i, row in enumerate(block.rows, 1):
                cells = [" ".join(c.text.split()) for c in row.cells]
                if any(cells):
                    builder.add(
                        " | ".join(cells), f"{prefix}table {tables} row {i}", sep="\n" if i > 1 else "\n\n"
                    )
        else:
            paragraphs += 1
            builder.add(block.text, f"{prefix}paragraph {paragraphs}")


def _one_line(err: Exception) -> str:
    text = str(err).strip().splitlines()
    return f"{type(err).__name__}: {text[0]}" if text else type(err).__name__
