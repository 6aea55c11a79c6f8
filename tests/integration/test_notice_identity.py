"""A notice is one notice however it was rendered (issue 10, item 7): number + date + the issuer normalised
against the unit directory, the same for .txt, .docx, .pdf and a forwarded .eml.

The corpus is read where it lies (../shared/corpus), never copied; without it the test skips with the reason.
Scanned PDFs are left out: OCR may misread the number itself (scored apart in test_corpus).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from rules.directory import EMPTY_DIRECTORY, Directory, load_directory
from rules.findings import DocumentInfo, Findings
from service.extraction import extract_path
from service.tasks.register import notice_identity
from tests.conftest import CORPUS, need


def _renderings(stem: str) -> list[Path]:
    return sorted(
        p for p in CORPUS.glob(f"{stem}.*") if p.suffix != ".json" and not p.name.endswith(".scan.pdf")
    )


def _notices() -> list[str]:
    return sorted(p.stem for p in CORPUS.glob("dev-*.json")) if CORPUS.is_dir() else ["(no corpus)"]


@pytest.mark.parametrize("stem", _notices())
def test_every_rendering_of_a_corpus_notice_has_the_same_identity(stem: str) -> None:
    need(CORPUS.is_dir(), f"the shared corpus is not at {CORPUS}")
    org = json.loads((CORPUS / f"{stem}.json").read_text(encoding="utf-8"))["org"]
    directory = load_directory(CORPUS / f"directory-{org}.yaml")
    keys = {}
    for path in _renderings(stem):
        (doc, findings), *_ = extract_path(path, directory=directory, judge=None)
        keys[path.name] = notice_identity(findings, doc.text, directory=directory)
    assert len(set(keys.values())) == 1, keys


def _key(issuer: str, directory: Directory = EMPTY_DIRECTORY) -> str:
    from datetime import date

    info = DocumentInfo(number="1356/STNMT-VP", type="Công văn", issuer=issuer, issued_date=date(2020, 7, 29))
    return notice_identity(Findings(info, ()), "", directory=directory)


def test_the_issuer_is_the_body_that_issued_it_not_the_letterhead_layout() -> None:
    langson = load_directory(CORPUS / "directory-langson-stnmt.yaml") if CORPUS.is_dir() else EMPTY_DIRECTORY
    need(langson is not EMPTY_DIRECTORY, f"the shared corpus is not at {CORPUS}")
    own = {
        _key(i, langson)
        for i in (
            "UBND TỈNH LẠNG SƠN SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
            "SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
            "Sở Tài nguyên và Môi trường tỉnh Lạng Sơn",
            "SỞ TN&MT LẠNG SƠN",
            "ỦY BAN NHÂN DÂN TỈNH LẠNG SƠN SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
        )
    }
    assert len(own) == 1, own
    # Without the directory a parent authority is still taken off, and a different issuer stays different.
    assert _key("UBND TỈNH LẠNG SƠN SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG") == _key("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG")
    assert _key("SỞ Y TẾ HÒA BÌNH BỆNH VIỆN ĐA KHOA TỈNH") == _key("BỆNH VIỆN ĐA KHOA TỈNH")
    assert (
        _key("SỞ Y TẾ") != _key("SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG", langson) != _key("UBND TỈNH LẠNG SƠN", langson)
    )


def test_a_notice_stored_under_the_older_key_is_found_again(make_app) -> None:  # type: ignore[no-untyped-def]
    """Registered before this identity (its key kept the issuer as the .docx letterhead gave it): the .txt
    finds it."""
    from datetime import date

    from service.store.models import Notice
    from service.tasks.register import find_notice

    need(CORPUS.is_dir(), f"the shared corpus is not at {CORPUS}")
    directory = load_directory(CORPUS / "directory-langson-stnmt.yaml")
    (doc, findings), *_ = extract_path(CORPUS / "dev-01.txt", directory=directory, judge=None)
    app = make_app()
    with app.sessions.begin() as session:
        old = Notice(
            identity_key="doc:ubnd tỉnh lạng sơn sở tài nguyên và môi trường|1356/stnmt-vp|2020-07-29",
            number="1356/STNMT-VP",
            issuer="UBND TỈNH LẠNG SƠN SỞ TÀI NGUYÊN VÀ MÔI TRƯỜNG",
            issued_date=date(2020, 7, 29),
            text="…",
            created_at=app.clock.now(),
            updated_at=app.clock.now(),
        )
        session.add(old)
        session.flush()
        assert find_notice(session, findings, doc.text, directory=directory) is old
        # without the directory: the parent authority is left off
        assert find_notice(session, findings, doc.text) is old
