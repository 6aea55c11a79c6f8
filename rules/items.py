"""Layout predicates over the blocks of a body (list items, titles, lead-ins, rules stated in the passive), as
real documents print them: numbered titles over their items, PDF text that puts an item's second sentence on a
line of its own, lists of forms and recipients. Pure."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rules.text import Block, sentences

if TYPE_CHECKING:
    from rules.doc import Doc


def item_continued(body: list[Block], idx: int) -> Block | None:
    """The list item that a paragraph continues: the paragraph stands right after a dash or '+' item (or after
    another such paragraph) and right before an item of the same list ("- Tổ chức kiểm tra …; yêu cầu …" /
    "Đồng thời yêu cầu các đơn vị …" / "- Phối hợp …")."""
    if body[idx].level is not None or idx + 1 >= len(body):
        return None
    k = idx - 1
    while k >= 0 and body[k].level is None:
        k -= 1
    if k < 0 or idx - k > 3 or body[k].level not in (6, 7):
        return None
    return body[k] if body[idx + 1].level == body[k].level else None


# A lead-in whose subject is a document or a rule, with a verb of filing in the passive: "(3) Báo cáo định kỳ
# … được
# nộp cho các cơ quan sau đây:", "Hồ sơ được lập theo các mẫu sau:". Not "được giao", "được phân công", which
# assign.
_PASSIVE = re.compile(
    r"\W*(?:\w+\W+){2,}?(?P<verb>duoc)\s+(?:nop|gui|lap|luu(?:\s+giu)?|quy\s+dinh|ap\s+dung|the\s+hien)"
    r"(?![\w])[^:]*:\W*$"
)


# Sentences that state how a document is filed or what befalls an offender, not what to do: "Báo cáo định kỳ …
# được lập theo Mẫu số 05", "Trường hợp phát hiện gian lận sẽ bị xem xét xử lý theo quy định".
RULE_OR_SANCTION = re.compile(
    r"(?<![\w])duoc\s+lap\s+theo\s+(?:mau|phu\s+luc)(?![\w])|"
    r"^\W*(?:truong\s+hop|neu)\s[^;]*?(?:se\s+)?bi\s+(?:xem\s+xet\s+)?(?:xu\s+ly|xu\s+phat)(?![\w])"
)


def rule_list(doc: Doc, b: Block) -> bool:
    """A lead-in in the passive that names no body ("(3) Báo cáo định kỳ … được nộp cho các cơ quan sau
    đây:"): the list below states a rule."""
    if doc.clean[b.end - 1] != ":":
        return False
    a, _ = sentences(doc.clean, b.body_start, b.end)[-1]
    m = _PASSIVE.match(doc.folded, a, b.end)
    if m is None:
        return False
    verb = m.start("verb")
    return not any(a <= x.start < verb for x in doc.mentions)


_TOPIC_TITLE = re.compile(r"\W*(?:doi\s+voi|ve|viec)\s")


def titles_items(doc: Doc, b: Block, nxt: Block | None) -> bool:
    """A numbered item with no closing punctuation right above deeper items ("3.1. Tăng cường sự lãnh đạo của
    Đảng, đẩy mạnh tuyên truyền" over its bullets) titles them, commas and all."""
    if b.level is None or nxt is None or doc.clean[b.end - 1] in ";:":
        return False
    if doc.clean[b.end - 1] == "." and not (
        _TOPIC_TITLE.match(doc.folded, b.body_start) and nxt.level is not None
    ):
        return False  # "2.2. Đối với công tác bảo vệ khoáng sản." over its bullets is still a title
    if nxt.level is None:  # "2.3. Đối với công tác báo cáo" over a paragraph
        return b.level <= 2
    return nxt.level > b.level
