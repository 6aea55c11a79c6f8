"""Document metadata under Nghị định 30/2020 (domain-vi.md §1): number and symbol, type, issuer, place
and date, subject, signer and signing authority, urgency, Kính gửi and Nơi nhận; plus the layout
(where the body starts and ends). Tolerates a letterhead whose two columns are interleaved on one
line (PDF), emitted one after another, or as 'cell | cell' lines (docx tables), and Markdown marks.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from rules.findings import DocumentInfo
from rules.text import LOWER, UPPER, fold

TYPE_CODES = {
    "NQ": "Nghị quyết",
    "QĐ": "Quyết định",
    "CT": "Chỉ thị",
    "QC": "Quy chế",
    "QYĐ": "Quy định",
    "TC": "Thông cáo",
    "TB": "Thông báo",
    "HD": "Hướng dẫn",
    "CTR": "Chương trình",
    "KH": "Kế hoạch",
    "PA": "Phương án",
    "ĐA": "Đề án",
    "DA": "Dự án",
    "BC": "Báo cáo",
    "BB": "Biên bản",
    "TTR": "Tờ trình",
    "HĐ": "Hợp đồng",
    "CĐ": "Công điện",
    "BGN": "Bản ghi nhớ",
    "BTT": "Bản thỏa thuận",
    "GUQ": "Giấy ủy quyền",
    "GM": "Giấy mời",
    "GGT": "Giấy giới thiệu",
    "GNP": "Giấy nghỉ phép",
    "PG": "Phiếu gửi",
    "PC": "Phiếu chuyển",
    "PB": "Phiếu báo",
    "NĐ": "Nghị định",
    "TT": "Thông tư",
    "KL": "Kết luận",
    "CV": "Công văn",
}
TYPE_TITLES = sorted({v.upper(): v for v in TYPE_CODES.values()}.items(), key=lambda kv: -len(kv[0]))
_TITLE_ALIASES = {
    "THÔNG BÁO KẾT LUẬN": "Thông báo",
    "CÔNG VĂN": "Công văn",
    "PHIẾU TRÌNH": "Phiếu trình",
    "ĐIỀU LỆ": "Điều lệ",
    "CHƯƠNG TRÌNH HÀNH ĐỘNG": "Chương trình hành động",
}

_NUMBER = re.compile(
    r"(?:^|[\s|])Số\s*:?\s*(\d{0,6})\s*/\s*((?:\d{4}/)?[A-Za-zĐđ][\wĐđ&]*(?:[-/][\wĐđ&.]+)*)"
)
# Party documents join number and type with a hyphen and print spaces around it: "Số 2449 -CV/ĐU", "Số
# 104-CTr/TU".
_PARTY_NUMBER = re.compile(
    r"(?:^|[\s|])Số\s*:?\s*(\d{1,6})\s*-\s*([A-Za-zĐđ][\wĐđ]*/[A-Za-zĐđ][\wĐđ&]*(?:-[\wĐđ&]+)*)"
)
_DATE = re.compile(
    r"(?P<place>[^\n,|]{2,60}),\s*ngày\s*(?P<d>\d{1,2})?\s*tháng\s*(?P<m>\d{1,2})?\s*năm\s*(?P<y>\d{4})"
)
# Party: "về việc …"
_VV = re.compile(r"(?:(?:^|[\s|])(?:V/v|v/v|V/V|Về việc)|^\s*về việc)\s*:?\s*(?P<rest>.*)")
_SIGN = re.compile(
    r"(?:^|[\s|])(?P<auth>(?:TM|KT|TL|TUQ|Q|T/M|K/T|T/L)\s*\.\s*[" + UPPER + "][" + UPPER + r" ,\-]{2,})"
)
_URGENCY = re.compile(r"(?<![\w])(HỎA TỐC|HOẢ TỐC|THƯỢNG KHẨN|KHẨN)(?![\w])")
_NAME = re.compile(
    r"(?<![\w])((?:[" + UPPER + "][" + LOWER + r"]+)(?:\s+[" + UPPER + "][" + LOWER + r"]+){1,4})\s*$"
)
_BODY_START = re.compile(
    r"^\W*(?:Căn cứ|Thực hiện|Kính gửi|Ngày \d|Năm \d|Sáng|Chiều|Theo|Xét|Qua|Để|Từ ngày|Trong|"
    r"Thời gian|Đến|Sau khi|Hiện nay|Nhằm)\b"
)
_QUOC_HIEU = re.compile(
    r"CỘNG\s+H[OÒ][ÀA]\s+XÃ\s+HỘI\s+CHỦ\s+NGHĨA\s+VIỆT\s+NAM|ĐẢNG\s+CỘNG\s+SẢN\s+VIỆT\s+NAM|"
    r"Độc\s+lập\s*-\s*Tự\s+do\s*-\s*Hạnh\s+phúc|_{3,}|-{3,}"
)
_SIGNED = re.compile(r"\((?:Đã|đã)\s+ký\)|\bĐã ký\b|\(ký[^)]*\)")


@dataclass(frozen=True, slots=True)
class Layout:
    body_start: int  # character offsets into the analysed text
    body_end: int
    excluded: tuple[tuple[int, int], ...]  # Kính gửi lists inside the body
    addressees: tuple[str, ...]  # Kính gửi recipients as written
    signature_at: int = -1  # where the signature block starts (the body may go on with an attached plan)


def _lines(text: str) -> list[tuple[int, str]]:
    out, pos = [], 0
    for raw in text.split("\n"):
        out.append((pos, re.sub(r"[*#]", " ", raw).replace("\t", " ")))
        pos += len(raw) + 1
    return out


def _cells(line: str) -> list[str]:
    return [c.strip() for c in line.split(" | ")] if " | " in line else [line.strip()]


def _type_from_symbol(symbol: str) -> str | None:
    head = re.split(r"[-/]", symbol.split("/")[-1] if re.match(r"\d{4}/", symbol) else symbol)[0]
    code = head.upper()
    if code in TYPE_CODES:
        return TYPE_CODES[code]
    return "Công văn" if "-" in symbol else None


_FOLDED_ALIASES = tuple((fold(t), n) for t, n in _TITLE_ALIASES.items())
_FOLDED_TITLES = tuple((fold(t), n) for t, n in TYPE_TITLES)


def _title_type(line: str) -> str | None:
    """The type named by an all-caps title line, compared without diacritics, so that old tone placement
    ("GIẤY UỶ QUYỀN", "BẢN THOẢ THUẬN") names the same type as the new ("GIẤY ỦY QUYỀN")."""
    s = " ".join(line.split()).strip(" :.")
    if not s or s != s.upper():
        return None
    f = fold(s)
    for title, name in _FOLDED_ALIASES:
        if f.startswith(title):
            return name
    for title, name in _FOLDED_TITLES:
        if f == title or f.startswith(title + " "):
            return name
    return None


def analyse_metadata(text: str, *, fallback_issued: date | None = None) -> tuple[DocumentInfo, Layout]:
    lines = _lines(text)
    head = lines[:45]
    number = symbol = None
    num_idx = -1
    for i, (_, line) in enumerate(head):
        m = _NUMBER.search(line)
        if m:
            number = f"{m.group(1)}/{m.group(2)}" if m.group(1) else None
            symbol, num_idx = m.group(2), i
            break
        p = _PARTY_NUMBER.search(line)
        if p:
            number, symbol, num_idx = f"{p.group(1)}-{p.group(2)}", p.group(2), i
            break
    place, issued, date_idx = None, None, -1
    for i, (_, line) in enumerate(head):
        m = _DATE.search(line.replace(" | ", "   "))
        if m:
            place = _place(m.group("place"))
            if m.group("d") and m.group("m"):
                try:
                    issued = date(int(m.group("y")), int(m.group("m")), int(m.group("d")))
                except ValueError:
                    issued = None
            date_idx = i
            break
    doc_type, title_idx = None, -1
    for i, (_, line) in enumerate(head):
        for cell in _cells(line) + _after_date(line):
            t = _title_type(cell)
            if t:
                doc_type, title_idx = t, i
                break
        if title_idx >= 0:
            break
    subject, subj_end = _subject(head, title_idx, date_idx)
    if symbol and (doc_type is None or title_idx < 0):
        doc_type = _type_from_symbol(symbol) or doc_type
    vv_idx = next(
        (i for i, (_, ln) in enumerate(head) if _VV.search(ln) and i <= max(num_idx, date_idx) + 6), -1
    )
    if vv_idx >= 0 and title_idx < 0:
        subject, subj_end = _vv_subject(head, vv_idx)
        doc_type = (
            doc_type
            if doc_type and doc_type != "Công văn" and symbol and _type_from_symbol(symbol) != "Công văn"
            else "Công văn"
        )
    last_header = max(num_idx, date_idx, title_idx, subj_end, vv_idx)
    layout = _layout(text, lines, last_header)
    signer, authority = _signature(lines, layout)
    info = DocumentInfo(
        number=number,
        type=doc_type,
        issuer=_issuer(head, num_idx),
        place=place,
        issued_date=issued,
        subject=subject,
        signer=signer,
        signing_authority=authority,
        urgency=_urgency(head[: max(last_header, 0) + 3]),
        recipients=_recipients(lines),
    )
    return info, layout


def _after_date(line: str) -> list[str]:
    """A type title that PDF text glued to the end of the date line ("Lào Cai, ngày tháng 6 năm 2026 KẾ
    HOẠCH")."""
    m = re.search(r"năm\s*\d{4}\s+(\S.*)$", line)
    return [m.group(1)] if m else []


def _place(raw: str) -> str | None:
    raw = re.sub(r"^.*?Số\s*:?\s*\S*\s*", "", raw) if "Số" in raw else raw
    words = raw.split()
    keep: list[str] = []
    for w in reversed(words):
        if w[:1].isupper() or (keep and w in ("phố", "xã")):
            keep.insert(0, w)
        else:
            break
    return " ".join(keep) or None


def _subject(head: list[tuple[int, str]], title_idx: int, date_idx: int) -> tuple[str | None, int]:
    if title_idx < 0:
        return None, -1
    parts: list[str] = []
    end = title_idx
    for i in range(title_idx + 1, len(head)):
        line = " ".join(head[i][1].split())
        if not line:
            if parts and not _resumes(parts[-1], head, i):
                break
            continue
        if (
            (_BODY_START.match(line) and (parts or not (_titleish(line) or _title_block(head, i))))
            or (parts and not _continues(parts[-1], line) and not _OFFICE_END.search(parts[-1]))
            or (parts and _AUTHORITY.match(line) and line == line.upper())
        ):
            break
        parts.append(line)
        end = i
    return (_drop_authority(" ".join(parts)) or None), end


_GROUNDS = re.compile(r"^\W*Căn cứ\b")
TITLE_LINES = 5  # a trích yếu runs over five lines at most


def _title_block(head: list[tuple[int, str]], first: int) -> bool:
    """A trích yếu that opens like a body sentence and cites a document ("Thực hiện Chỉ thị số 7883/CT-BNNMT
    ngày 17/7/2026 của Bộ …"): its lines run on without a sentence's end, straight into the "Căn cứ …" that
    opens the body."""
    lines = [" ".join(ln.split()) for _, ln in head[first : first + TITLE_LINES + 1]]
    for k, line in enumerate(lines):
        if not line:
            return False
        if k and _BODY_START.match(line):
            return _GROUNDS.match(line) is not None and lines[k - 1][-1:] not in ".;:"
    return False


# The authority glued to the end of the trích yếu on one line (PDF text): "… năm 2050 BỘ TRƯỞNG BỘ XÂY DỰNG".
_AUTHORITY_TAIL = re.compile(
    r"\s(?:BỘ TRƯỞNG BỘ|THỦ TƯỚNG CHÍNH PHỦ|CHỦ TỊCH (?:ỦY|UỶ) BAN NHÂN DÂN|(?:ỦY|UỶ) BAN NHÂN DÂN "
    r"(?:TỈNH|THÀNH PHỐ|HUYỆN|XÃ|PHƯỜNG)|GIÁM ĐỐC SỞ|CỤC TRƯỞNG CỤC|TỔNG GIÁM ĐỐC)\b"
)


def _drop_authority(subject: str) -> str:
    for m in _AUTHORITY_TAIL.finditer(subject):
        rest = subject[m.start() :]
        if rest == rest.upper():
            return subject[: m.start()].strip()
    return subject


def _resumes(prev: str, head: list[tuple[int, str]], blank: int) -> bool:
    """Word files give each line of a trích yếu its own paragraph, with empty paragraphs between: the subject
    runs on over the blank when the next line starts in lower case and the previous one did not close."""
    nxt = next((ln.strip() for _, ln in head[blank + 1 :] if ln.strip()), "")
    return prev[-1:] not in ".;:" and nxt[:1].islower()


# The signer's authority printed in capitals between a decision's trích yếu and its "Căn cứ" lines: "BỘ TRƯỞNG
# BỘ
# XÂY DỰNG", "CHỦ TỊCH ỦY BAN NHÂN DÂN TỈNH …", "GIÁM ĐỐC SỞ …" — never part of the subject.
_AUTHORITY = re.compile(
    r"^(?:BỘ TRƯỞNG|THỦ TƯỚNG|CHỦ TỊCH|PHÓ CHỦ TỊCH|GIÁM ĐỐC|TỔNG GIÁM ĐỐC|CỤC TRƯỞNG|VỤ TRƯỞNG|"
    r"CHÁNH VĂN PHÒNG|VIỆN TRƯỞNG|HIỆU TRƯỞNG|TRƯỞNG BAN|TRƯỞNG PHÒNG|ỦY BAN NHÂN DÂN|UỶ BAN NHÂN DÂN|"
    r"BAN THƯỜNG VỤ|BAN CHẤP HÀNH|THƯỜNG TRỰC)\b"
)
_NEVER_SUBJECT = re.compile(r"^\W*(?:Căn cứ|Kính gửi|Ngày \d|Năm \d|Sáng|Chiều|Hiện nay)\b")
_CITES = re.compile(r"\d+\s*/\s*\d*[A-ZĐ]|ngày\s+\d{1,2}\s*[/.-]\s*\d")


def _titleish(line: str) -> bool:
    """The line right under a type title that starts like a body sentence ("Thực hiện công tác …", "Để …") is
    still the trích yếu when it reads like one: no sentence end, no cited number or date, short."""
    return (
        not _NEVER_SUBJECT.match(line)
        and line[-1:] not in ".:;,"
        and not _CITES.search(line)
        and len(line) <= 200
    )


def _continues(prev: str, line: str) -> bool:
    if line[:1].islower():
        return True
    return len(prev) >= 55 and prev[-1:] not in ".;:"


# Words that cannot end a trích yếu: the V/v column wrapped after them ("… Quyết định số" / "1074/QĐ-BXD ngày
# …",
# "… của Bộ" / "Xây dựng ban hành …").
_HANGING = re.compile(
    r"(?<![\w])(?:số|của|và|về|với|ngày|các|tại|theo|cho|trong|đối|Bộ|Sở|Ủy ban|UBND|Cục|Ban)$"
)
# A title that ends on an office wraps before the body it heads ("Phê chuẩn kết quả bầu chức vụ Chủ tịch" /
# "Ủy ban nhân dân thành phố Đà Nẵng …")
_OFFICE_END = re.compile(r"(?<![\w])(?:Chủ tịch|Giám đốc|Bộ trưởng|Thứ trưởng|Trưởng ban|Viện trưởng)$")


def _hangs(prev: str, line: str) -> bool:
    return prev[-1:] not in ".;:" and (line[:1].isdigit() or bool(_HANGING.search(prev.rstrip())))


def _first_cell(line: str) -> str:
    """The V/v cell of a layout-table row read as 'cell | cell': 'V/v … | Lâm Đồng, ngày …', 'V/v … |' (an
    empty right cell)."""
    return re.split(r"\s+\|(?=\s|$)", line)[0]


def _vv_subject(head: list[tuple[int, str]], idx: int) -> tuple[str | None, int]:
    m = _VV.search(head[idx][1])
    first = m.group("rest") if m else ""
    first = _first_cell(first)
    parts, end = [_cut_date(first)], idx
    if _DATE.search(first):
        return " ".join(" ".join(parts).split()) or None, idx
    for i in range(idx + 1, len(head)):
        line = " ".join(head[i][1].split())
        if not line or _DATE.search(line) or _BODY_START.match(line) or _NUMBER.search(line):
            cut = _cut_date(line) if line and _DATE.search(line) else ""
            if cut and cut[:1].islower():
                parts.append(cut)
            break
        if (
            not line[:1].islower()
            and not _continues(parts[-1], line)
            and not _hangs(parts[-1], line)
            and not _same_column(parts, line)
        ):
            break
        parts.append(_first_cell(line))
        end = i
    return " ".join(" ".join(parts).split()) or None, end


_VV_COLUMN = 50  # characters: the V/v cell under the number is a third of the page wide


def _same_column(parts: list[str], line: str) -> bool:
    """A V/v cell wrapped in its narrow column goes on line after line, capitals or not ("… kéo dài tuyến" /
    "Metro Bến Thành - Suối Tiên đến Trung"), up to the date or the body."""
    return parts[-1][-1:] not in ".;:" and all(len(p) <= _VV_COLUMN for p in [*parts, line])


def _cut_date(line: str) -> str:
    m = _DATE.search(line)
    if not m:
        return line.strip()
    place = _place(m.group("place")) or ""
    before = line[: m.start("place") + len(m.group("place"))]
    return before[: len(before) - len(place)].strip() if place else before.strip()


def _issuer(head: list[tuple[int, str]], num_idx: int) -> str | None:
    stop = num_idx if num_idx > 0 else min(len(head), 6)
    caps = []
    for _, line in head[:stop]:
        for cell in _cells(_QUOC_HIEU.sub(" ", line)):
            cell = " ".join(cell.split()).strip(" -_")
            if len(cell) > 2 and cell == cell.upper() and re.search(r"[A-ZĐÀ-Ỹ]{2}", cell):
                caps.append(cell)
    if not caps:
        return None
    if (
        re.match(r"^(SỞ|VĂN PHÒNG|BỆNH VIỆN|PHÒNG|BAN|CỤC|TRUNG TÂM|CHI CỤC|TRƯỜNG|VIỆN|HỘI)\b", caps[-1])
        and len(caps) > 1
    ):
        return caps[-1]
    return " ".join(caps)


def _urgency(head: list[tuple[int, str]]) -> str | None:
    for _, line in head:
        m = _URGENCY.search(line)
        if m and not re.search(r"[a-zà-ỹ]{3}", line.replace(m.group(1), "")[:0]):
            word = m.group(1)
            return {"HỎA TỐC": "Hỏa tốc", "HOẢ TỐC": "Hỏa tốc", "THƯỢNG KHẨN": "Thượng khẩn"}.get(
                word, "Khẩn"
            )
    return None


# "… tại địa chỉ: https://pakn.dichvucong.gov.vn/.": a web address closing a sentence, not the "./." end mark
_URL_END = re.compile(r"(?:https?://|www\.)\S*/\.$")


def _layout(text: str, lines: list[tuple[int, str]], last_header: int) -> Layout:
    start_idx = last_header + 1 if last_header >= 0 else 0
    body_start = lines[start_idx][0] if start_idx < len(lines) else len(text)
    excluded, addressees = [], []
    body_end = len(text)
    i = start_idx
    while i < len(lines):
        pos, line = lines[i]
        s = line.strip()
        if re.match(r"^Kính\s+gửi\b", s):
            j, first = i + 1, re.sub(r"^Kính\s+gửi\s*:?\s*", "", s)
            if first:
                addressees.append(first.strip(" .;"))
            last = first
            while j < len(lines) and (
                lines[j][1].strip().startswith(("-", "+", "•"))
                or not lines[j][1].strip()
                or (addressees and last.rstrip().endswith(","))
            ):
                said = lines[j][1].strip()
                if said and not said.startswith(("-", "+", "•")):
                    # "- Các Bộ: Công an, Tư pháp, Tài chính, Xây dựng," / "Nông nghiệp và Môi trường;"
                    addressees[-1] = f"{addressees[-1]}, {said.strip(' .;')}"
                elif said:
                    addressees.append(said.lstrip("-+• ").strip(" .;"))
                last = said or last
                j += 1
            end = lines[j - 1][0] + len(lines[j - 1][1]) if j > i else pos + len(line)
            excluded.append((pos, end))
            i = j
            continue
        if re.match(r"^(?:Nơi\s+nhận|NƠI\s+NHẬN)\b", s) or (_SIGN.match(" " + s) and s == s.upper()):
            body_end = pos
            break
        if s.endswith("./.") or (s.endswith("/.") and not _URL_END.search(s)):
            body_end = pos + len(line)
            break
        i += 1
    signature_at = body_end
    attached = _attached_body(lines, body_end)
    if attached is not None:  # a plan issued with the decision, after its signature: its text is body too
        excluded.append((body_end, attached))
        body_end = len(text)
    return Layout(body_start, body_end, tuple(excluded), tuple(a for a in addressees if a), signature_at)


# "KẾ HOẠCH … (Kèm theo Quyết định số 2200/QĐ-BNNMT …)", "(Ban hành kèm theo Quyết định số …)": a document
# issued with this one, printed after its signature.
_ISSUED_WITH = re.compile(r"^\(?\s*(?:Ban hành\s+)?[Kk]èm theo\s+(?:Quyết định|Nghị quyết|Chỉ thị)\b")


def _attached_body(lines: list[tuple[int, str]], body_end: int) -> int | None:
    """Where the body of a document issued with a decision starts: after its type title and "(Kèm theo
    Quyết định
    …)" line, printed after the decision's signature."""
    after = [(k, p, ln) for k, (p, ln) in enumerate(lines) if p >= body_end]
    for n, (k, pos, line) in enumerate(after):
        if not _ISSUED_WITH.match(line.strip()):
            continue
        if any(_title_type(ln) for _, _, ln in after[max(0, n - 4) : n]):
            return lines[k + 1][0] if k + 1 < len(lines) else pos + len(line)
    return None


# where an annex, or a document issued with this one (its own Quốc hiệu), starts after the signature
_ANNEX = re.compile(
    r"(?:Phụ lục|PHỤ LỤC|DANH SÁCH|Danh sách)\b|S?TT\s*\||\(?Kèm theo\b"
    r"|C[ỘO]NG H[ÒO]A XÃ H[ỘO]I CH[ỦU] NGH[ĨI]A"
)


def _signature(lines: list[tuple[int, str]], layout: Layout) -> tuple[str | None, str | None]:
    sign_at = layout.signature_at if layout.signature_at >= 0 else layout.body_end
    tail = [(p, ln) for p, ln in lines if p >= sign_at] or lines[-15:]
    annex = next((k for k, (_, ln) in enumerate(tail) if _ANNEX.match(ln.strip())), None)
    tail = tail[:annex] if annex else tail  # names in an annex after the signature are not the signer
    auth_parts: list[str] = []
    for _, line in tail:
        for m in _SIGN.finditer(line):
            auth_parts.append(" ".join(m.group("auth").split()))
    signer = None
    for k, (_, line) in enumerate(tail):
        s = _SIGNED.sub(" ", line).strip()
        if not s or s.endswith((";", ".", ":", ",")):
            continue
        for cell in reversed(_cells(s)):
            name = _NAME.search(cell)
            if name and not re.match(r"^(Nơi|Như|Lưu|Kính)\b", name.group(1)):
                signer = name.group(1) + _name_rest(tail[k + 1 :])
                break
    return signer, (" / ".join(auth_parts) or None)


_LONE_NAME_WORD = re.compile(r"[" + UPPER + "][" + LOWER + r"]+")


def _name_rest(after: list[tuple[int, str]]) -> str:
    """The last word of a signer's name that a narrow PDF cell put on the next line ("Hoàng Văn" /
    "Thuân")."""
    nxt = next((ln.strip() for _, ln in after if ln.strip()), "")
    return " " + nxt if _LONE_NAME_WORD.fullmatch(nxt) else ""


def _recipients(lines: list[tuple[int, str]]) -> tuple[str, ...]:
    out: list[str] = []
    active = False
    for _, line in lines:
        s = line.strip()
        if re.match(r"^(?:Nơi\s+nhận|NƠI\s+NHẬN)", s):
            active = True
            continue
        if active:
            if s.startswith(("-", "+", "•")):
                item = re.split(r";|\.\s*$", s.lstrip("-+• "))[0].strip()
                if item:
                    out.append(item)
            elif s:
                if out:
                    break
    return tuple(out)
