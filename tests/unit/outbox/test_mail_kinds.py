"""Every outbox kind is a MailKind: no kind is spelled as a string literal, every set of kinds is of
MailKind."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from outbox.hours import IMMEDIATE_KINDS
from outbox.mail import OutgoingMail
from outbox.models import MailKind
from outbox.relay import TASK_BOUND_KINDS
from service.admin.output import MAIL_KIND_VI
from service.tasks.notify import SCHEDULED_KINDS
from service.tasks.replies import CLERK_KINDS
from service.tasks.reply_extensions import KIND as EXTENSION_KIND

REPO = Path(__file__).resolve().parents[3]


def _literal_kinds(tree: ast.AST) -> list[tuple[int, str]]:
    """`kind="…"` in a call, and `….kind == "…"` / `….kind in ("…", …)`: a kind spelled as a string."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.keyword) and node.arg == "kind" and isinstance(node.value, ast.Constant):
            found.append((node.value.lineno, repr(node.value.value)))
        if (
            isinstance(node, ast.Compare)
            and isinstance(node.left, ast.Attribute)
            and node.left.attr == "kind"
        ):
            for right in node.comparators:
                for const in ast.walk(right):
                    if isinstance(const, ast.Constant) and isinstance(const.value, str):
                        found.append((const.lineno, repr(const.value)))
    return found


def test_no_mail_kind_is_spelled_as_a_string() -> None:
    spelled = []
    for package in ("service", "outbox"):
        for path in sorted((REPO / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            spelled += [
                f"{path.relative_to(REPO)}:{line} {value}"
                for line, value in _literal_kinds(tree)
                if value.strip("'\"") in set(MailKind)
            ]
    assert spelled == [], "use outbox.models.MailKind: " + "; ".join(spelled)


def test_the_sets_of_kinds_are_sets_of_mail_kinds() -> None:
    for kinds in (IMMEDIATE_KINDS, TASK_BOUND_KINDS, SCHEDULED_KINDS, CLERK_KINDS, (EXTENSION_KIND,)):
        assert kinds and all(type(kind) is MailKind for kind in kinds), kinds


def test_the_stored_strings_are_the_ones_the_table_always_held() -> None:
    """The kind column is a string: renaming a value would orphan the rows already queued (no migration)."""
    assert {kind.value for kind in MailKind} == {
        "confirmation",
        "unreadable",
        "no-notice",
        "too-many-notices",
        "correction",
        "assignment",
        "change",
        "reminder",
        "escalation",
        "bundle",
        "digest",
        "org-digest",
        "reply-ack",
        "reply-answer",
        "extension-request",
    }
    assert MailKind.REMINDER == "reminder" and f"{MailKind.NO_NOTICE}" == "no-notice"


def test_every_kind_has_its_vietnamese_label() -> None:
    assert set(MAIL_KIND_VI) == set(MailKind)


def test_a_mail_takes_only_a_known_kind() -> None:
    mail = OutgoingMail(kind="reminder", to=("a@so.vn",), subject="s", text="t")  # type: ignore[arg-type]
    assert mail.kind is MailKind.REMINDER
    with pytest.raises(ValueError, match="'reminders' is not a valid MailKind"):
        OutgoingMail(kind="reminders", to=("a@so.vn",), subject="s", text="t")  # type: ignore[arg-type]
