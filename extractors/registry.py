"""Pick the extractor for a file by sniffed content and extension, and run it within the limits.

The public entry: extractors.sniff says what the bytes are, extractors.documents reads a document,
extractors.email_message a whole message (to its main document).
"""
from __future__ import annotations

import os

from extractors.base import ExtractedText, Limits
from extractors.documents import extract_bytes as read_document
from extractors.email_message import main_document
from extractors.sniff import SUPPORTED, kind_of

__all__ = ["SUPPORTED", "extract_bytes", "extract_file", "kind_of"]


def extract_bytes(data: bytes, filename: str, *, kind: str | None = None, part: str | None = None,
                  limits: Limits = Limits()) -> ExtractedText:
    """Run the extractor for `kind` (sniffed when None); every failure is an ExtractionError."""
    return read_document(data, filename, kind=kind, part=part, limits=limits, mail=main_document)


def extract_file(data: bytes, filename: str, *, limits: Limits = Limits()) -> ExtractedText:
    """The text of one file (.txt, .html/.htm, .docx, .pdf, .doc, .eml → its main document)."""
    return extract_bytes(data, os.path.basename(filename), limits=limits)
