"""The reply classifier measured on the labelled reply set (tests/fixtures/replies/labelled.jsonl).

Each line: text, label, source (where the phrasing comes from) and split ("dev": written before the rules;
"heldout": written after the rules were frozen, measured once, then kept here). The confusion matrix is
printed (pytest -s); the bar: no reply that is not "done" is ever read as done, done recall >= 0.95, and a
negated request ("không cần gia hạn") is never an extension.
"""
from __future__ import annotations

import json
import random
import re
import time
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from rules.reply_intent import OTHER, PRECEDENCE, classify_reply

SET = Path(__file__).resolve().parents[2] / "fixtures" / "replies" / "labelled.jsonl"
LABELS = (*PRECEDENCE, OTHER)
TODAY = date(2026, 11, 25)


def _records(split: str | None = None) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in SET.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if split is None or r["split"] == split]


def _matrix(rows: list[dict[str, str]]) -> Counter[tuple[str, str]]:
    return Counter((r["label"], classify_reply(r["text"], today=TODAY).kind) for r in rows)


def _render(matrix: Counter[tuple[str, str]], title: str) -> str:
    short = {label: label[:8] for label in LABELS}
    lines = [title, "true \\ predicted".ljust(16) + "".join(short[p].rjust(9) for p in LABELS)]
    for truth in LABELS:
        lines.append(short[truth].ljust(16) + "".join(str(matrix[(truth, p)]).rjust(9) for p in LABELS))
    return "\n".join(lines)


def _done_figures(matrix: Counter[tuple[str, str]]) -> tuple[float, float]:
    tp = matrix[("done", "done")]
    predicted = sum(n for (_, p), n in matrix.items() if p == "done")
    actual = sum(n for (t, _), n in matrix.items() if t == "done")
    return (tp / predicted if predicted else 1.0), (tp / actual if actual else 1.0)


def test_the_labelled_set_is_large_and_well_formed() -> None:
    rows = _records()
    assert len(rows) >= 150
    assert {r["label"] for r in rows} == set(LABELS)
    assert all(r["text"].strip() and r["source"].strip() and r["split"] in ("dev", "heldout") for r in rows)
    assert len({r["text"] for r in rows}) == len(rows)  # no duplicate counted twice


@pytest.mark.parametrize("split", [None, "dev", "heldout"])
def test_confusion_matrix_no_false_done_and_done_recall(split: str | None) -> None:
    rows = _records(split)
    if not rows:
        pytest.skip(f"no {split} replies")
    matrix = _matrix(rows)
    precision, recall = _done_figures(matrix)
    accuracy = sum(n for (t, p), n in matrix.items() if t == p) / len(rows)
    print("\n" + _render(matrix, f"{split or 'all'}: {len(rows)} replies; done precision {precision:.3f}, "
                                 f"recall {recall:.3f}; accuracy {accuracy:.3f}"))
    false_done = [
        r["text"]
        for r in rows
        if r["label"] != "done" and classify_reply(r["text"], today=TODAY).kind == "done"
    ]
    assert false_done == []
    assert recall >= 0.95


NEGATED = [
    "Phòng không cần gia hạn đến 30/12.",
    "Chúng tôi không xin gia hạn đến 15/8.",
    "Chưa cần gia hạn đến 20/12/2026.",
    "Phòng không đề nghị lùi thời hạn sang 05/01/2027.",
    "ko can gia han den 30/12",
    "Không cần phải gia hạn đến 31/12.",
    "Đơn vị chẳng cần xin gia hạn đến ngày 10/12/2026.",
]


@pytest.mark.parametrize("text", NEGATED)
def test_a_negated_request_is_never_an_extension(text: str) -> None:
    assert classify_reply(text, today=TODAY).kind != "extension"


_NEGATED_ASK = re.compile(
    r"(?<!\w)(?:không|chưa|chẳng|ko)\s+(?:\w+\s+)?(?:cần|xin|đề nghị|gia hạn|lùi)", re.IGNORECASE
)


def test_no_extension_in_the_set_comes_from_a_negated_clause() -> None:
    """Checked independently of the rules: the clause that holds the extension cue has no negated request."""
    for row in _records():
        intent = classify_reply(row["text"], today=TODAY)
        if intent.kind == "extension":
            clause = re.split(r"[,.;\n]", row["text"][: intent.evidence[0].end])[-1]
            assert not _NEGATED_ASK.search(clause), row


@pytest.mark.parametrize(
    ("text", "wanted", "reason"),
    [
        ("Xin gia hạn đến 15/07, lý do: thiếu người", date(2027, 7, 15), "thiếu người"),
        (
            "Đề nghị cho phép gia hạn đến ngày 10/12/2026 vì chờ ý kiến Sở Tài chính.",
            date(2026, 12, 10),
            "chờ ý kiến Sở Tài chính.",
        ),
        (
            "Do chưa có số liệu quyết toán, Phòng xin điều chỉnh thời hạn đến 20/01/2027.",
            date(2027, 1, 20),
            "chưa có số liệu quyết toán",
        ),
        ("Xin phép cho lùi thời hạn hoàn thành đến cuối tháng 12.", date(2026, 12, 31), None),
        ("Xin gia hạn thêm đến ngày 10.12.2026 để hoàn thiện báo cáo.", date(2026, 12, 10), None),
        ("Kính đề nghị gia hạn đến ngày 05 tháng 01 năm 2027", date(2027, 1, 5), None),
    ],
)
def test_extension_date_and_reason(text: str, wanted: date, reason: str | None) -> None:
    intent = classify_reply(text, today=TODAY)
    assert (intent.kind, intent.requested_to, intent.reason, intent.problem) == (
        "extension",
        wanted,
        reason,
        None,
    )


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("Xin gia hạn đến 31/02/2027.", "ngày không hợp lệ"),
        ("Xin gia hạn thêm 10 ngày.", "chỉ nêu thời gian thêm"),
        ("Đề nghị cho gia hạn ạ.", "chưa nêu gia hạn đến ngày nào"),
    ],
)
def test_extension_without_a_usable_date_says_why(text: str, problem: str) -> None:
    intent = classify_reply(text, today=TODAY)
    assert intent.kind == "extension" and intent.requested_to is None and problem in (intent.problem or "")


def test_the_verdict_carries_its_evidence() -> None:
    intent = classify_reply("Đã hoàn thành chưa ạ?", today=TODAY)
    assert intent.kind == "question" and not intent.closes_task
    assert {c.rule for c in intent.evidence} >= {"question-mark"}
    done = classify_reply("Kính gửi Văn phòng,\nPhòng đã hoàn thành nhiệm vụ.", today=TODAY)
    cue = done.evidence[0]
    assert (done.kind, cue.rule, cue.quote) == ("done", "da-hoan-thanh", "đã hoàn thành")
    assert done.text[cue.start : cue.end] == cue.quote


def test_any_text_gets_an_intent_quickly() -> None:
    rnd = random.Random(10)
    alphabet = "ạăâđêôơưáàảã hoàn thành xin gia hạn không cần chưa đã ?.,;:\n0123456789/%"
    for _ in range(500):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randint(0, 300)))
        assert classify_reply(text, today=TODAY).kind in LABELS
    started = time.perf_counter()
    classify_reply("xin " * 5000 + "gia hạn đến 1/2 " * 500, today=TODAY)
    assert time.perf_counter() - started < 2.0
