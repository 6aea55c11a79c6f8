"""Text taken from mail made safe to store and to print: control characters and lone surrogates out.

PostgreSQL refuses NUL in text and cannot encode a lone surrogate; a terminal obeys ESC, BEL and
the C1 controls. Each such character becomes U+FFFD, one for one, so offsets into a text stay valid.
In a one-line value (a header, a name) line breaks and tabs become spaces.
"""
from __future__ import annotations

import re

REPLACEMENT = "\ufffd"
# C0 and C1 controls and DEL, and lone surrogates (from bytes read with surrogateescape).
_UNSAFE_TEXT = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff]")  # \t \n \v \f \r are kept
_UNSAFE_LINE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\ud800-\udfff\u2028\u2029]")
_LINE_SPACE = re.compile(r"[\t\n\v\f\r]")


def safe_text(value: str) -> str:
    """Multi-line text (a body, a note): controls other than whitespace replaced."""
    return _UNSAFE_TEXT.sub(REPLACEMENT, value)


def safe_line(value: str) -> str:
    """A one-line value (header, address, file name): controls replaced, line breaks and tabs made spaces."""
    return _UNSAFE_LINE.sub(REPLACEMENT, _LINE_SPACE.sub(" ", value))
