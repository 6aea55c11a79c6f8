"""Issue 14 acceptance: every mail compose.py can produce, for a notice with 12 tasks, reads as Vietnamese.

Every public function of outbox.compose that returns an OutgoingMail is called with sample values looked up
by parameter name (SAMPLES; VARIANTS for the branches of one function), so a new mail kind is checked
without being listed here. A template on disk that no function reaches is rendered with every value seen.
Each mail (text and HTML) is checked for English words and internal labels, command lines and file paths,
and a length budget per task; each HTML part is screenshotted at 360 px by headless Chromium into
tests/artifacts/mail-360/ (ignored by git) for a person to look at.
"""
from __future__ import annotations

import html as html_lib
import inspect
import os
import re
import shutil
import struct
import subprocess
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from types import SimpleNamespace
from typing import Any, get_type_hints

import pytest

from outbox import compose
from outbox.mail import OutgoingMail

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "mail-360"
TEMPLATES = Path(compose.__file__).parent / "templates"
UNITS = [
    "Phòng Kế hoạch - Tài chính",
    "Phòng Quản lý đất đai",
    "Văn phòng Sở",
    "Thanh tra Sở",
    "Phòng Tổ chức cán bộ",
]
TEXTS = [
    "Chủ trì, phối hợp với các đơn vị liên quan rà soát, tổng hợp nhu cầu kinh phí thực hiện nhiệm vụ năm "
    "2027, "
    "báo cáo Giám đốc Sở trước ngày 15/12/2026.",
    "Tham mưu văn bản hướng dẫn các huyện, thị xã, thành phố kiểm tra việc cấp giấy chứng nhận quyền sử "
    "dụng đất.",
    "Tổng hợp kết quả thực hiện kế hoạch cải cách hành chính hằng tháng, gửi Văn phòng Sở trước ngày 25.",
    "Kiểm tra, đôn đốc việc khắc phục các tồn tại sau thanh tra tại các đơn vị trực thuộc; báo cáo kết quả "
    "bằng văn bản.",
    "Xây dựng dự thảo quy chế phối hợp trong công tác tiếp công dân, giải quyết khiếu nại, tố cáo; trình "
    "lãnh đạo Sở "
    "xem xét trước khi ban hành, đồng thời lấy ý kiến các phòng chuyên môn, đơn vị sự nghiệp trực thuộc Sở "
    "và tổng hợp, "
    "tiếp thu, giải trình đầy đủ các ý kiến góp ý theo quy định, bảo đảm tiến độ và chất lượng.",
]
# What the extractors and rules say, in the admin's English: none of it may reach a clerk's mail.
ENGLISH_WARNINGS = [
    "issue date not found or its day is blank",
    "page 1 read by OCR (tesseract vie); quotes may contain recognition errors",
    "page 1 read by OCR (tesseract vie): its text layer does not read as Vietnamese (40% words); "
    "quotes may contain recognition errors",
    "attachment TB214.zip: skipped, unsupported type",
    "attachment Phu-luc.pdf: corrupt PDF: no %PDF header",
    "a warning nobody has put in the vocabulary yet",
]
# English words and internal labels that must never reach a mail (word list) ...
ENGLISH = {
    "issue",
    "date",
    "found",
    "page",
    "read",
    "skipped",
    "unsupported",
    "attachment",
    "confidence",
    "lead",
    "support",
    "deadline",
    "done",
    "late",
    "overdue",
    "the",
    "and",
    "not",
    "with",
    "from",
    "this",
    "that",
    "than",
    "then",
    "been",
    "task",
    "tasks",
    "notice",
    "unit",
    "units",
    "status",
    "review",
    "error",
    "warning",
    "none",
    "null",
    "true",
    "false",
    "cue",
    "tesseract",
    "quotes",
    "blank",
    "vie",
}
# ... and any ASCII-only word of four letters or more that is neither a Vietnamese syllable nor one of these
# names.
ALLOWED = {"docket", "word", "unicode", "docx", "pdf", "ocr"}
SYLLABLE = re.compile(
    r"(ngh|ng|nh|ch|tr|th|kh|gh|gi|ph|qu|[bcdghklmnprstvx])?[aeiouy]{1,3}(ng|nh|ch|[cmnpt])?", re.I
)
CODES = re.compile(
    r"\b(?:NV|TB|KN)-\d+\b|\b\d+/[\w-]+|[\w.+-]+@[\w.-]+|\bdd/mm/yyyy\b|[\w-]+\.(?:docx|doc|pdf|zip|txt|eml)\b"
)
COMMANDS = [
    re.compile(r"\bdocket\s+[a-z]"),
    re.compile("`"),
    re.compile(r"(?<!\S)--[a-z]"),
    re.compile(r"(?:^|\s)[~.]{0,2}/[A-Za-z_][\w.-]*/"),
    re.compile(r"\b[a-z]+_[a-z]+\b"),
]
PER_TASK_OVERHEAD = 150  # characters of a card beyond the task's own words, in the text part


def _task(i: int) -> compose.TaskMail:
    text = TEXTS[i % len(TEXTS)]
    quote = (
        text[:157] if i != 6 else "Giao " + UNITS[i % len(UNITS)] + " " + text[:120].rsplit(" ", 1)[0] + "…"
    )
    return compose.TaskMail(
        id=100 + i,
        text=text,
        quote=quote,
        lead_names=(UNITS[i % len(UNITS)],) if i != 5 else ("*",),
        support_names=tuple(UNITS[(i + 1) % len(UNITS) :][: i % 3]),
        deadline=date(2026, 12, 1 + i),
        original_deadline=date(2026, 11, 20) if i == 2 else None,
        recurrence="monthly" if i == 3 else None,
        recurrence_day=25 if i == 3 else None,
        notice_id=4,
        notice_label="Thông báo số 214/TB-STNMT ngày 20/11/2026",
        notice_subject="Kết luận của Giám đốc Sở tại cuộc họp giao ban tháng 11/2026",
        confidence=0.45 if i == 4 else 0.9,
        needs_review=i == 4,
    )


def samples(count: int) -> dict[str, Any]:
    """Sample values by parameter name, for a notice with `count` tasks."""
    tasks = [_task(i) for i in range(count)]
    notice = SimpleNamespace(
        id=4,
        doc_type="Thông báo",
        number="214/TB-STNMT",
        issued_date=date(2026, 11, 20),
        subject=tasks[0].notice_subject,
    )
    candidates = [
        SimpleNamespace(number=1, token="KN-7", text=TEXTS[1], lead_names=[UNITS[1]], deadline=None)
    ]
    return {
        "notice": notice,
        "tasks": tasks,
        "task": tasks[0],
        "candidates": candidates,
        "warnings": ENGLISH_WARNINGS,
        "problems": ENGLISH_WARNINGS[3:],
        "forwarder": "vanthu@so.example.vn",
        "in_reply_to": "<a1@so.example.vn>",
        "duplicate": False,
        "review_threshold": 0.6,
        "subject": "Chuyển Thông báo 214/TB-STNMT",
        "unit": UNITS[0],
        "role": "lead",
        "to": ("khtc@so.example.vn",),
        "cc": ("vp@so.example.vn",),
        "domain": "so.example.vn",
        "level": "lead",
        "offset": -3,
        "today": date(2026, 11, 25),
        "change": "deadline",
        "detail": "Thời hạn mới: 15/12/2026 (trước đây 01/12/2026).",
        "outcome": "done",
        "references": ("<docket.task-100@so.example.vn>",),
        "kind": "correction",  # a MailKind: compose.answer serves several (correction, reply-answer, …)
        "token": "TB-4",
        "title": "Đã điều chỉnh nhiệm vụ theo thư của anh/chị",
        "paragraphs": ["Docket đã áp dụng các điều chỉnh dưới đây.", "NV-101: chủ trì Văn phòng Sở."],
        "quoted": [("NV-999: bỏ", "không có nhiệm vụ NV-999 trong văn bản này")],
        "help": 'Điều chỉnh bằng cách trả lời thư này, mỗi dòng một việc: "NV-3: chủ trì …; hạn dd/mm/yyyy".',
        "week": "49/2026",
        "grid": [
            ("Đã hoàn thành đúng hạn", 5),
            ("Đã hoàn thành quá hạn", 1),
            ("Đang thực hiện trong hạn", 4),
            ("Quá hạn chưa hoàn thành", count),
        ],
        "overdue": [(t, 3 + n) for n, t in enumerate(tasks)],
        "found": 60,
        "limit": 20,
        "due_soon": [(t, 1 + n % 5) for n, t in enumerate(tasks)],
        "soon_days": 5,
        "items": [
            compose.DueItem(t, offset=(n % 5) - 3) for n, t in enumerate(tasks)
        ],  # overdue, due, coming
        # the organisation digest: each task in one list (a third escalated today, a third overdue, a third
        # coming due)
        "escalated": [
            compose.DueItem(t, offset=3 + n, units=t.lead_names)
            for n, t in enumerate(tasks[: (count + 2) // 3])
        ],
        "still_overdue": [
            compose.DueItem(t, offset=8 + n, units=t.lead_names)
            for n, t in enumerate(tasks[(count + 2) // 3 : 2 * (count + 2) // 3])
        ],
        "coming_due": [
            compose.DueItem(t, offset=-1 - n % 5, units=t.lead_names)
            for n, t in enumerate(tasks[2 * (count + 2) // 3 :])
        ],
    }


VARIANTS: dict[str, list[dict[str, Any]]] = {
    "confirmation": [{}, {"duplicate": True}],
    "assignment": [
        {"role": "lead"},
        {"role": "support"},
        {"originals": ["214-TB-STNMT.docx"]},
        {"originals": ["214-TB-STNMT.pdf", "Phu-luc.docx"], "originals_too_large": True},
    ],
    "reminder": [{"offset": -3}, {"offset": 0}, {"offset": 4}],
    "change_notice": [
        {},
        {"change": "cancelled", "detail": "Nhiệm vụ được hủy theo ý kiến của lãnh đạo Sở."},
    ],
    "reply_ack": [{"outcome": "done"}, {"outcome": "extension"}, {"outcome": "note"}],
    "bundle": [
        {},
        {
            "weekly": compose.Weekly(
                "49/2026",
                [("Đã hoàn thành đúng hạn", 2), ("Quá hạn chưa hoàn thành", 1)],
                [(_task(20), 6)],
                [(_task(21), 4)],
                5,
            )
        },
    ],  # the weekly day: its digest inside
    "org_digest": [
        {},
        {"week": None, "grid": [], "still_overdue": [], "coming_due": []},
    ],  # weekly; a day's escalations
    "digest": [
        {"due_soon": []},
        {"overdue": []},
    ],  # overdue tasks; tasks coming due (a task is in one list or the other)
}


def mail_functions() -> dict[str, Callable[..., OutgoingMail]]:
    """Every public function of compose that makes a mail."""
    found = {}
    for name, fn in inspect.getmembers(compose, inspect.isfunction):
        if (
            fn.__module__ == compose.__name__
            and not name.startswith("_")
            and get_type_hints(fn).get("return") is OutgoingMail
        ):
            found[name] = fn
    return found


def call(name: str, variant: dict[str, Any], count: int = 12) -> OutgoingMail:
    fn, pool = mail_functions()[name], samples(count) | variant
    kwargs = {}
    for param in inspect.signature(fn).parameters.values():
        if param.name in pool:
            kwargs[param.name] = pool[param.name]
        elif param.default is inspect.Parameter.empty:
            pytest.fail(f"compose.{name}: add a sample value for its parameter {param.name!r} to samples()")
    return fn(**kwargs)


def cases() -> Iterator[tuple[str, dict[str, Any]]]:
    for name in sorted(mail_functions()):
        for n, variant in enumerate(VARIANTS.get(name, [{}])):
            yield pytest.param(name, variant, id=f"{name}-{n}")


def visible(html: str) -> str:
    """What a reader sees of an HTML part."""
    body = re.sub(r"(?is)<head>.*?</head>|<style.*?</style>", " ", html)
    return html_lib.unescape(re.sub(r"<[^>]+>", " ", body))


def language_faults(text: str) -> list[str]:
    """English words, internal labels, command lines and paths found in what a reader sees."""
    faults = [f"command or path {m.group(0)!r}" for pattern in COMMANDS for m in pattern.finditer(text)]
    for word in re.findall(r"[^\W\d_]+", CODES.sub(" ", text)):
        if not word.isascii():
            continue
        low = word.lower()
        if low in ENGLISH or (len(low) >= 4 and low not in ALLOWED and not SYLLABLE.fullmatch(low)):
            faults.append(f"English word {word!r}")
    return faults


@pytest.mark.parametrize(("name", "variant"), list(cases()))
def test_every_mail_reads_as_vietnamese(name: str, variant: dict[str, Any]) -> None:
    mail = call(name, variant)
    for part, text in (("text", mail.text), ("html", visible(mail.html or "")), ("subject", mail.subject)):
        assert not language_faults(text), f"{name} {part}: {language_faults(text)}\n{text}"


@pytest.mark.parametrize(("name", "variant"), list(cases()))
def test_every_mail_carries_our_mark(name: str, variant: dict[str, Any]) -> None:
    """How our own mail is known when it comes back forwarded or bounced without its headers
    (service.runners.own_mail)."""
    from outbox.mail import OWN_MARK

    mail = call(name, variant)
    assert OWN_MARK in mail.text and OWN_MARK in visible(mail.html or OWN_MARK), name


@pytest.mark.parametrize(("name", "variant"), list(cases()))
def test_each_task_costs_little_more_than_its_words(name: str, variant: dict[str, Any]) -> None:
    one, twelve = call(name, variant, 1), call(name, variant, 12)
    per_task = (len(twelve.text) - len(one.text)) / 11
    words = sum(len(t.text) for t in samples(12)["tasks"][1:]) / 11
    if per_task:  # mails about one task do not grow with the notice
        assert per_task <= words + PER_TASK_OVERHEAD, (
            f"{name}: {per_task:.0f} characters per task for {words:.0f} of words"
        )


def test_every_template_on_disk_is_checked() -> None:
    """A template no compose function reaches is rendered with every sample value, and checked the same
    way."""
    seen: set[str] = set()
    real_render = compose.render

    def spy(name: str, **context: Any) -> tuple[str, str]:
        seen.add(name)
        return real_render(name, **context)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(compose, "render", spy)
        for case in cases():
            call(*case.values)
    stems = {p.stem for p in TEMPLATES.glob("*.txt") if not p.stem.startswith("_")}
    assert stems == {p.stem for p in TEMPLATES.glob("*.html") if not p.stem.startswith("_")}, (
        "a template lacks its other part"
    )
    for stem in sorted(stems - seen):
        text, html = real_render(stem, **samples(12))
        assert not language_faults(text + visible(html)), f"{stem}: {language_faults(text + visible(html))}"


def test_the_word_check_finds_what_the_issue_saw() -> None:
    """The check itself: each of the mail lines the issue quotes is caught."""
    for line in (
        "Không đọc được: - issue date not found or its day is blank",
        "attachment TB214.zip: skipped, unsupported type",
        "Quản trị viên có thể sửa bằng `docket tasks edit`",
        "Trạng thái: done_late",
        "Xem /var/lib/docket/x",
    ):
        assert language_faults(line), line
    assert not language_faults(
        "Trang 1 được đọc bằng nhận dạng ký tự (OCR); trích dẫn có thể sai chính tả. Theo NV-12, hạn "
        "01/12/2026"
    )


def test_text_and_html_say_the_same() -> None:
    """Each task's words, units and deadline appear in both parts of the confirmation and the assignment."""
    for name in ("confirmation", "assignment", "bundle"):
        mail = call(name, {})
        seen = visible(mail.html or "")
        for t in samples(12)["tasks"]:
            for piece in (t.text, t.token, compose.vn_date(t.deadline)):
                assert piece in mail.text and html_lib.unescape(piece) in seen, (name, piece)
    for name, variant in (("digest", {"due_soon": []}), ("digest", {"overdue": []}), ("org_digest", {})):
        mail = call(name, variant)
        seen = re.sub(r"\s+([.,;:)])", r"\1", " ".join(visible(mail.html or "").split()))  # tags leave spaces
        for line in mail.text.splitlines()[
            2:-2
        ]:  # every line of the text (its words; HTML lays them out otherwise)
            words = " ".join(line.strip(" -:").split())
            for piece in re.split(r"[:;]\s|\s\(|^\d+\.\s", words):
                assert piece.lower().strip(" .()").replace("[", "").replace("]", "") in seen.lower(), (
                    name,
                    piece,
                )


def test_due_items_say_how_far_from_the_deadline() -> None:
    """The day's bundle: overdue first (most overdue first), then coming due, each with its working days."""
    mail = call("bundle", {})
    text = mail.text
    assert text.index("QUÁ HẠN, CHƯA BÁO CÁO") < text.index("SẮP ĐẾN HẠN")
    assert "Thời hạn: 01/12/2026 - quá hạn 3 ngày làm việc" not in text  # item 0 is 3 days before: coming
    assert (
        "- còn 3 ngày làm việc" in text
        and "- quá hạn 1 ngày làm việc" in text
        and "- hôm nay đến hạn" not in text
    )
    assert "ghi rõ mã nhiệm vụ" in text and mail.in_reply_to is None and len(mail.references) == 13
    one = call("bundle", {"items": [compose.DueItem(samples(1)["tasks"][0], offset=2)]})
    assert one.subject.startswith(
        "[NV-100] Quá hạn 2 ngày làm việc (hạn 01/12/2026) - "
    )  # as its own mail would say
    assert "ghi rõ mã nhiệm vụ" not in one.text and one.in_reply_to == "<docket.task-100@so.example.vn>"


def test_leaders_are_told_which_unit_has_not_finished_and_are_asked_nothing() -> None:
    for variant in VARIANTS["org_digest"]:
        mail = call("org_digest", variant)
        for text in (mail.text, visible(mail.html or "")):
            assert "Phòng Kế hoạch - Tài chính chưa hoàn thành nhiệm vụ" in " ".join(text.split())
            assert (
                "khẩn trương" not in text and '"Đã hoàn thành"' not in text and "Trả lời thư này" not in text
            )
            assert "không cần trả lời" in text


def test_confidence_is_never_a_number_and_only_the_clerk_reads_review() -> None:
    """Issue 14 item 2: "Độ tin cậy: 90%" is gone; a task under the threshold is "cần rà soát" for the
    clerk only."""
    for case in cases():
        mail = call(*case.values)
        for text in (mail.text, visible(mail.html or "")):
            assert "tin cậy" not in text and "%" not in text and "0.45" not in text, case.id
            assert ("cần rà soát" in text) == (case.values[0] == "confirmation"), case.id


def _chromium() -> str:
    found = shutil.which("chromium")
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail("chromium is not installed (scripts/test installs it)")
        pytest.skip("chromium is not installed: apt-get install -y chromium to screenshot the mail at 360 px")
    return found


def _height(mail: OutgoingMail) -> int:
    """Tall enough for the whole mail at 360 px (about 40 characters a line), so the screenshot shows its
    end."""
    return min(12000, max(2000, int(len(visible(mail.html or "")) * 0.7) + 600))


def _png_width(path: Path) -> int:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int(struct.unpack(">I", data[16:20])[0])


@pytest.mark.parametrize(("name", "variant"), list(cases()))
def test_html_screenshot_at_phone_width(name: str, variant: dict[str, Any], tmp_path: Path) -> None:
    browser = _chromium()
    mail = call(name, variant)
    page = tmp_path / "mail.html"
    page.write_text(mail.html or "", encoding="utf-8")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = ARTIFACTS / f"{name}-{VARIANTS.get(name, [{}]).index(variant)}.png"
    shot.unlink(missing_ok=True)
    subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
            f"--user-data-dir={tmp_path / 'profile'}",
            f"--window-size=360,{_height(mail)}",
            f"--screenshot={shot}",
            page.as_uri(),
        ],
        check=True,
        capture_output=True,
        timeout=120,
    )
    assert _png_width(shot) == 360
