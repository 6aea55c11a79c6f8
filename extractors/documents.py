"""Run the reader for one document kind within the limits; every failure becomes an ExtractionError.

The mail reader is passed in (`mail=`): extractors.email_message reads attached documents through here,
so this module cannot import it back (extractors.registry joins the two).
"""
from __future__ import annotations

from collections.abc import Callable

from extractors.base import ExtractedText, ExtractionError, Limits
from extractors.doc import read_doc
from extractors.docx import read_docx
from extractors.html_text import read_html
from extractors.sniff import kind_of
from extractors.text import read_text

Reader = Callable[[bytes, str, Limits], ExtractedText]


def _readers() -> dict[str, Reader]:
    from extractors.pdf import read_pdf  # lazy: 57 ms at import (pypdfium2 and the PDF modules); only PDFs

    return {
        "txt": lambda data, part, limits: read_text(data, part=part),
        "html": lambda data, part, limits: read_html(data, part=part),
        "docx": lambda data, part, limits: read_docx(data, part=part, limits=limits),
        "pdf": lambda data, part, limits: read_pdf(data, part=part, limits=limits),
        "doc": lambda data, part, limits: read_doc(data, part=part),
    }


def extract_bytes(data: bytes, filename: str, *, kind: str | None = None, part: str | None = None,
                  limits: Limits = Limits(), mail: Reader | None = None) -> ExtractedText:
    """Run the extractor for `kind` (sniffed when None); every failure is an ExtractionError.

    `mail` reads a whole message ('eml') to its main document; without it a message is unsupported."""
    if not data:
        raise ExtractionError("empty file")
    if len(data) > limits.max_bytes:
        raise ExtractionError(f"file too big: {len(data)} bytes (limit {limits.max_bytes})")
    kind = kind or kind_of(data, filename)
    if kind == "encrypted-office":
        raise ExtractionError("password-protected (encrypted) Office document")
    reader = mail if kind == "eml" else _readers().get(kind)
    if reader is None:
        raise ExtractionError(f"unsupported file type: {filename or 'unnamed'}")
    try:
        return reader(data, part or f"file:{filename}", limits)
    except ExtractionError:
        raise
    except (MemoryError, RecursionError) as err:
        raise ExtractionError(f"{kind} too complex to read ({type(err).__name__})") from err
    except Exception as err:  # a library failing on hostile input is an unreadable file, not a crash
        raise ExtractionError(f"unreadable {kind}: {type(err).__name__}: {str(err)[:120]}") from err
