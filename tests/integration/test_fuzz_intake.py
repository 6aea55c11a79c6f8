"""Fuzzing: ≥ 500 malformed messages (mutated corpus notices + hand-made pathologies); the daemon records a
status for each."""

from __future__ import annotations

import base64
import mailbox
import os
import random
from collections import Counter
from pathlib import Path

import pytest
from sqlalchemy import select

from service.runners.daemon import run_daemon
from service.store.models import InboundMessage
from service.store.stages import Stage
from tests.conftest import CORPUS, need
from tests.integration import badmail
from tests.live.mailgen import notice_mail

SENDER = "van.thu@skhcn.binhminh.example.vn"
TOTAL = 520


def _seeds() -> list[bytes]:
    """Corpus notices as mail, read where they lie: .eml as is, .docx/.pdf attached, .txt as body; plus our
    own."""
    seeds: list[bytes] = []
    for path in sorted(CORPUS.glob("dev-*")):
        if path.suffix == ".eml":
            seeds.append(path.read_bytes())
        elif path.suffix in (".docx", ".pdf") and path.stat().st_size < 2_000_000:
            ctype = badmail.DOCX if path.suffix == ".docx" else "application/pdf"
            seeds.append(badmail.mail_with(path.read_bytes(), path.name, n=len(seeds), ctype=ctype))
        elif path.suffix == ".txt" and not path.name.endswith(".scan.txt"):
            seeds.append(notice_mail(len(seeds), body=path.read_text(encoding="utf-8", errors="replace")))
    seeds += [notice_mail(900 + i) for i in range(3)]
    return seeds


def _mutate(raw: bytes, rnd: random.Random) -> bytes:
    data = bytearray(raw)
    op = rnd.randrange(12)
    if op == 0:  # flip random bytes
        for _ in range(rnd.randint(1, 200)):
            data[rnd.randrange(len(data))] = rnd.randrange(256)
    elif op == 1:  # truncate anywhere
        del data[rnd.randrange(len(data)) :]
    elif op == 2:  # drop the header/body separator
        return bytes(data).replace(b"\n\n", b"\n", 1).replace(b"\r\n\r\n", b"\r\n", 1)
    elif op == 3:  # break the MIME boundaries
        return bytes(data).replace(b"boundary=", b"boundary=x", 1)
    elif op == 4:  # lie about the charset
        return (
            bytes(data)
            .replace(b'charset="utf-8"', b'charset="x-bogus-42"')
            .replace(b"charset=utf-8", b"charset=windows-9999")
        )
    elif op == 5:  # corrupt base64 in the middle of a part
        mid = rnd.randrange(len(data))
        data[mid:mid] = b"\n!!@@##$$%%^^&&**\n" * rnd.randint(1, 20)
    elif op == 6:  # insert NULs and lone CRs
        for _ in range(rnd.randint(1, 50)):
            data.insert(rnd.randrange(len(data)), rnd.choice((0, 13, 0xFF)))
    elif op == 7:  # a header line of 200 kB
        return b"X-Long: " + b"a" * 200_000 + b"\n" + bytes(data)
    elif op == 8:  # duplicate and contradictory headers
        return b"Content-Type: text/html\nContent-Type: multipart/mixed\nFrom: <>\nFrom: x@\n" + bytes(data)
    elif op == 9:  # swap two random slices
        a, b = sorted(rnd.sample(range(len(data)), 2))
        data = data[:a] + data[b:] + data[a:b]
    elif op == 10:  # encoding label mismatch
        return bytes(data).replace(
            b"Content-Transfer-Encoding: base64", b"Content-Transfer-Encoding: quoted-printable"
        )
    else:  # shuffle lines
        lines = bytes(data).split(b"\n")
        rnd.shuffle(lines)
        return b"\n".join(lines)
    return bytes(data)


def _pathological(i: int) -> bytes:
    cases = [
        b"",
        b"\x00" * 1000,
        b"not an email at all",
        b"From: " + SENDER.encode() + b"\n\n",
        b"From: "
        + SENDER.encode()
        + b"\nContent-Type: multipart/mixed; boundary=a\n\n"
        + b"--a\nContent-Type: multipart/mixed; boundary=a\n\n" * 3000,
        b"From: " + SENDER.encode() + b"\nContent-Type: message/rfc822\n\n" * 500 + b"body",
        b"From: "
        + SENDER.encode()
        + b"\nSubject: =?utf-8?B?"
        + base64.b64encode(b"\xff\xfe" * 100)
        + b"?=\n\nx",
        b"From: "
        + SENDER.encode()
        + b"\nContent-Type: text/plain; charset=utf-16\n\n\xff\xfeT\x00h\x00\xd8\x00",
        b"From: " + SENDER.encode() + b"\nContent-Type: text/html\n\n" + b"<div>" * 50000,
        badmail.malformed_mime(i),
        badmail.bad_charset(i),
        badmail.mail_with(badmail.corrupt_docx(), "x.docx", n=i),
        badmail.mail_with(badmail.truncated_pdf(), "x.pdf", n=i, ctype="application/pdf"),
        badmail.mail_with(badmail.encrypted_pdf(), "x.pdf", n=i, ctype="application/pdf"),
        badmail.mail_with(b"PK\x05\x06" + b"\x00" * 18, "empty.docx", n=i),
        badmail.mail_with(
            b"%PDF-1.7\n" + b"1 0 obj << /Kids [1 0 R] >> endobj\n" * 100,
            "loop.pdf",
            n=i,
            ctype="application/pdf",
        ),
    ]
    return cases[i % len(cases)]


@pytest.mark.slow
def test_fuzzed_mail_never_crashes_the_daemon(make_app, office: Path, database_url: str) -> None:  # type: ignore[no-untyped-def]
    if not database_url.startswith("sqlite"):
        pytest.skip("the fuzz run checks the parsers; it runs once, on SQLite")
    need(
        CORPUS.is_dir() and any(CORPUS.glob("dev-*.eml")),
        f"the dev corpus is not at {CORPUS} (../shared/corpus)",
    )
    rnd = random.Random(4242)
    seeds = _seeds()
    assert len(seeds) >= 5
    messages = [_pathological(i) for i in range(40)]
    while len(messages) < TOTAL:
        raw = rnd.choice(seeds)
        for _ in range(rnd.randint(1, 3)):
            raw = _mutate(raw, rnd) or b"x"
        messages.append(raw)
    os.makedirs(office / "mail", exist_ok=True)
    inbox_dir = office / "mail" / "inbox"
    box = mailbox.Maildir(str(inbox_dir), create=True)
    box.close()
    for i, raw in enumerate(messages):  # written as files byte for byte (mailbox.add would normalise them)
        (inbox_dir / "new" / f"{1700000000 + i}.fuzz{i}.host").write_bytes(raw)
    app = make_app(allowed_senders="@skhcn.binhminh.example.vn", extract_timeout=20, extract_memory_mb=512)
    run_daemon(app, once=True)
    with app.sessions() as s:
        rows = list(s.scalars(select(InboundMessage)))
    assert len(rows) == TOTAL
    stages = Counter(r.stage for r in rows)
    assert stages[Stage.RECEIVED] == 0, stages
    assert all(r.processed_at is not None for r in rows)
    assert all(r.error for r in rows if r.stage is Stage.FAILED)
    print("fuzz outcomes:", dict(Counter((r.stage.value, r.disposition) for r in rows)))
