"""`docket extract` is a stable interface: one JSON object per path, a one-line error for what cannot be
read."""

from __future__ import annotations

import json
from email.message import EmailMessage
from pathlib import Path

from typer.testing import CliRunner

from service.cli import app
from service.demo.build import build_docx, sample_directory, sample_text

DOCX = "application", "vnd.openxmlformats-officedocument.wordprocessingml.document"


def _second_notice() -> str:
    return (
        sample_text()
        .replace("412/TB-SKHCN", "415/TB-SKHCN")
        .replace("trước ngày 30/11/2026", "trước ngày 04/12/2026")
    )


def test_an_email_with_two_notices_is_one_json_object(tmp_path: Path) -> None:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = (
        "van.thu@skhcn.binhminh.example.vn",
        "docket@x.vn",
        "Fwd: hai thông báo",
    )
    msg.set_content("Em gửi hai thông báo.")
    for name, text in (("412.docx", sample_text()), ("415.docx", _second_notice())):
        msg.add_attachment(build_docx(text), maintype=DOCX[0], subtype=DOCX[1], filename=name)
    (tmp_path / "two.eml").write_bytes(msg.as_bytes())
    (tmp_path / "dir.yaml").write_text(sample_directory(), encoding="utf-8")
    result = CliRunner().invoke(
        app, ["extract", str(tmp_path / "two.eml"), "--directory", str(tmp_path / "dir.yaml"), "--json"]
    )
    assert result.exit_code == 0, result.output
    lines = [line for line in result.stdout.splitlines() if line.strip()]
    assert len(lines) == 1
    out = json.loads(lines[0])
    assert out["document"]["number"] == "412/TB-SKHCN"
    assert [d["document"]["number"] for d in out["documents"]] == ["412/TB-SKHCN", "415/TB-SKHCN"]
    deadlines = {t["deadline"] for t in out["tasks"] if t["lead"] == ["Phòng Kế hoạch - Tài chính"]}
    assert deadlines == {"2026-11-30", "2026-12-04"}
    assert {t["source"]["part"] for t in out["tasks"]} == {"attachment:412.docx", "attachment:415.docx"}


def test_unreadable_file_exits_non_zero_with_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "broken.docx"
    bad.write_bytes(b"PK\x03\x04 not really a zip")
    good = tmp_path / "ok.txt"
    good.write_text(sample_text(), encoding="utf-8")
    result = CliRunner().invoke(app, ["extract", str(bad), str(good), "--json"])
    assert result.exit_code != 0
    assert len(result.stderr.strip().splitlines()) == 1 and "broken.docx" in result.stderr
    # the readable one still printed
    assert len([line for line in result.stdout.splitlines() if line.strip()]) == 1
