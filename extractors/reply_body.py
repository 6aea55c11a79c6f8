"""The new text of a reply (pure): the writer's own words, without the quoted original or the signature.

Quotes are cut by their STRUCTURE, never by what they say (a quoted "(đã gia hạn; hạn ban đầu …)" must
not read as a request). HTML: <blockquote> (Apple Mail, Thunderbird, Zimbra), Gmail's gmail_quote,
Thunderbird's moz-cite-prefix, Yahoo's yahoo_quoted, Zimbra's data-marker blocks; and from Outlook's
divRplyFwdMsg / appendonsend / a border-top "From:" block, or Zimbra's zwchr divider, to the end.
Text (and HTML once converted): '>' lines, an "On … wrote:" / "Vào … đã viết:" line, Outlook's
"-----Original Message-----" or From/Sent/Subject block (extractors.email_forward), a signature after
"--", "Sent from my …". Our own mail pasted without any structure is dropped by `drop_known`.
"""
from __future__ import annotations

import email
import email.policy
import re
from collections.abc import Iterable
from email.message import Message

import lxml.html
from lxml import etree

from extractors.email_forward import split_forward
from extractors.email_mime import is_attachment, part_text
from extractors.html_text import html_to_text
from extractors.normalize import normalize_text

MAX_CHARS = 20_000  # a reply's own words; the rest of a very long body is not the unit's answer

# Containers that are a quote or a signature as a whole.
_DROP = " | ".join((
    "//blockquote", "//*[contains(@class,'gmail_quote')]", "//*[contains(@class,'gmail_signature')]",
    "//*[@data-smartmail='gmail_signature']", "//*[contains(@class,'moz-cite-prefix')]",
    "//*[contains(@class,'moz-signature')]", "//*[contains(@class,'moz-forward-container')]",
    "//*[contains(@class,'yahoo_quoted')]", "//*[@id='Signature']",
    "//*[@data-marker='__QUOTED_TEXT__']", "//*[@data-marker='__HEADERS__']",
))
# Markers after which everything is the quoted original (Outlook, Zimbra).
_CUT = (
    "//*[@id='divRplyFwdMsg'] | //*[@id='appendonsend'] | //*[@id='zwchr'] | //*[@data-marker='__DIVIDER__']"
)
_BORDER_TOP = "//div[contains(translate(@style,'BORDERTOP','bordertop'),'border-top')]"
_HEADER_START = re.compile(r"^\s*(?:From|Từ|Người gửi)\s*:", re.IGNORECASE)

_WROTE = re.compile(
    r"^[ \t]*(?:On|Vào|Lúc|Ngày|Le|Am)\b[^\n]{0,300}?(?:\n[^\n]{0,200}?)?"
    r"(?:wrote|đã viết|viết|a écrit|schrieb)\s*:[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)
_SIGNATURE = re.compile(
    r"^(?:--[ \t]*|(?:Sent from|Gửi từ|Được gửi từ) [^\n]{0,80})$",
    re.IGNORECASE | re.MULTILINE,
)


def read_reply(raw: bytes) -> str:
    """The own words of the reply in `raw`; '' when it has no readable text body. Never raises on bad MIME."""
    try:
        msg = email.message_from_bytes(raw, policy=email.policy.compat32)
        html, plain = _bodies(msg)
    except (RecursionError, ValueError, TypeError, AttributeError, LookupError, IndexError):
        return ""
    if html is not None and html.strip():
        return own_text(html, html=True)
    return own_text(plain or "", html=False)


def _bodies(msg: Message) -> tuple[str | None, str | None]:
    """The first text/html and text/plain parts of the message itself (not attached mail, not attachments)."""
    html = plain = None
    for part in _parts(msg, depth=0):
        ctype = part.get_content_type()
        if ctype == "text/html" and html is None:
            html = part_text(part)[0]
        elif ctype == "text/plain" and plain is None:
            plain = part_text(part)[0]
    return html, plain


def _parts(part: Message, *, depth: int) -> Iterable[Message]:
    if depth > 20 or part.get_content_type() == "message/rfc822":
        return
    payload = part.get_payload()
    if part.is_multipart() and isinstance(payload, list):
        for sub in payload:
            if isinstance(sub, Message):
                yield from _parts(sub, depth=depth + 1)
    elif not is_attachment(part):
        yield part


def own_text(body: str, *, html: bool) -> str:
    """A reply body (HTML or plain) reduced to the writer's own words."""
    text = _html_own(body[: MAX_CHARS * 50]) if html else body  # own words come first; a huge quote is cut
    text = text[: MAX_CHARS * 5].replace("\r\n", "\n").replace("\r", "\n")
    text = _cut_text(normalize_text(text, join_page_cuts=False))  # NFC, NBSP, legacy fonts
    lines = [line.rstrip() for line in text.split("\n") if not line.lstrip().startswith(">")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()[:MAX_CHARS]


def _html_own(html: str) -> str:
    try:
        root = lxml.html.document_fromstring(html)
    except (etree.ParserError, ValueError):
        return ""
    for el in root.xpath(_DROP):
        _remove(el)
    cuts = root.xpath(_CUT) + [d for d in root.xpath(_BORDER_TOP) if _HEADER_START.match(d.text_content())]
    if cuts:
        first = min(cuts, key=_position(root))
        _cut_from(first)
    return html_to_text(lxml.html.tostring(root, encoding="unicode"))


def _position(root: etree._Element):  # type: ignore[no-untyped-def]
    order = {el: i for i, el in enumerate(root.iter())}
    return lambda el: order.get(el, 0)


def _remove(el: etree._Element) -> None:
    """Drop the element but keep the text that follows it."""
    parent = el.getparent()
    if parent is None:
        return
    if el.tail:
        prev = el.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + el.tail
        else:
            parent.text = (parent.text or "") + el.tail
    parent.remove(el)


def _cut_from(el: etree._Element) -> None:
    """Drop the element and everything after it in document order."""
    node = el
    while node.getparent() is not None and node.tag not in ("body", "html"):
        parent = node.getparent()
        for sibling in list(node.itersiblings()):
            parent.remove(sibling)
        node.tail = None
        node = parent
    if el.getparent() is not None:
        el.getparent().remove(el)


def _cut_text(text: str) -> str:
    """Outlook's block or a forward separator cuts to the end (the quote is all below); an "On … wrote:"
    line goes alone, its '>' lines go later (a reply written below the quote is kept); a signature ends it."""
    text = _WROTE.sub("", split_forward(text).note)
    if m := _SIGNATURE.search(text):
        text = text[: m.start()]
    return text


def _key(line: str) -> str:
    return " ".join(line.split()).casefold()


def drop_known(text: str, known: Iterable[str], *, min_run: int = 2) -> str:
    """`text` without runs of `min_run` or more lines that are lines of `known` (our own mail pasted as
    is)."""
    ours = {_key(line) for body in known for line in body.split("\n") if len(_key(line)) >= 8}
    if not ours:
        return text
    lines = text.split("\n")
    keep = [True] * len(lines)
    run: list[int] = []
    for i, line in enumerate([*lines, "\x00end"]):
        key = _key(line)
        if key in ours:
            run.append(i)
        elif key or line == "\x00end":  # a blank line neither breaks nor extends a run
            if len(run) >= min_run:
                for j in range(run[0], run[-1] + 1):
                    keep[j] = False
            run = []
    return re.sub(r"\n{3,}", "\n\n", "\n".join(line for line, k in zip(lines, keep) if k)).strip()
