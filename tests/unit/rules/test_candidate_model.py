"""The safety net's judge: scripts/build_candidate_model.py rebuilds it from gold sets (here a tiny one of our
own), the same bytes every time; the shipped model loads, stays small, and refuses a foreign file in one line.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from rules.candidate_model import MODEL_PATH, ModelError, load_judge, shipped_judge

REPO = Path(__file__).resolve().parents[3]
SCRIPT = REPO / "scripts" / "build_candidate_model.py"
HEAD = "SỞ NÔNG NGHIỆP\nSố: {n}/TB-SNN\nThử Nghiệm, ngày 10 tháng 11 năm 2026\nTHÔNG BÁO\nKết luận giao ban\n"
FOOT = "\nNơi nhận:\n- Lưu: VT.\nGIÁM ĐỐC\nNguyễn Văn Thử\n"
TASKS = (
    "Rà soát quy trình vận hành hồ chứa, hoàn thành trong Quý I/2027.",
    "Chi cục Thủy lợi kiểm tra an toàn đập trước ngày 20/11/2026.",
    "Trung tâm Khuyến nông tổng hợp nhu cầu giống, báo cáo trước ngày 25/11/2026.",
)
OTHERS = (
    "Thực hiện tốt công tác này sẽ góp phần nâng cao hiệu quả trong năm 2026.",
    "Hội nghị tổng kết được tổ chức vào ngày 20/12/2026 tại hội trường Sở.",
)


def _gold_set(folder: Path) -> Path:
    """Three notices of our own: each task sentence is a gold quote, the other sentences are not."""
    folder.mkdir()
    (folder / "directory-tn.yaml").write_text(
        "organization: Sở Nông nghiệp\nunits:\n  - name: Chi cục Thủy lợi\n  - name: Trung tâm Khuyến nông\n",
        encoding="utf-8",
    )
    for n in range(3):
        body = "\n".join(f"- {s}" for s in (*TASKS, *OTHERS))
        (folder / f"tn-{n}.txt").write_text(HEAD.format(n=n + 1) + body + FOOT, encoding="utf-8")
        gold = {"org": "tn", "tasks": [{"quote": q[:40], "required": True} for q in TASKS]}
        (folder / f"tn-{n}.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    return folder


def _build(folder: Path, out: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(SCRIPT), "--out", str(out), "--epochs", "8", str(folder)],
        capture_output=True,
        text=True,
        timeout=240,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin"},
    )


def test_the_build_script_rebuilds_the_same_model_from_a_tiny_gold_set(tmp_path: Path) -> None:
    folder = _gold_set(tmp_path / "gold")
    first, second = tmp_path / "a.bin", tmp_path / "b.bin"
    done = _build(folder, first)
    assert done.returncode == 0, done.stderr
    assert "15 pieces (9 tasks)" in done.stdout
    assert _build(folder, second).returncode == 0
    assert first.read_bytes() == second.read_bytes()  # seeded: rebuildable byte for byte
    judge = load_judge(first)
    task, other = judge.scores([f"sig_action sig_item {TASKS[0]}", f"sig_cue sig_when {OTHERS[0]}"])
    assert 0.0 <= other < task <= 1.0


def test_a_set_without_both_kinds_of_piece_is_refused(tmp_path: Path) -> None:
    folder = _gold_set(tmp_path / "gold")
    for path in folder.glob("*.json"):
        path.write_text(json.dumps({"org": "tn", "tasks": []}), encoding="utf-8")
    done = _build(folder, tmp_path / "m.bin")
    assert done.returncode == 1 and "need both task and non-task pieces" in done.stderr
    assert not (tmp_path / "m.bin").exists()


def test_the_shipped_model_loads_and_stays_small() -> None:
    assert MODEL_PATH.exists() and MODEL_PATH.stat().st_size < 5 * 1024 * 1024
    judge = shipped_judge()
    assert judge is not None and shipped_judge() is judge  # loaded once per process
    [score] = judge.scores(
        ["sig_action sig_item Rà soát quy trình vận hành hồ chứa, hoàn thành trong Quý I/2027."]
    )
    assert 0.0 <= score <= 1.0


def test_a_file_that_is_no_model_is_refused_in_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.bin"
    bad.write_bytes(b"not a model")
    with pytest.raises(ModelError, match="not a candidate model"):
        load_judge(bad)
    with pytest.raises(ModelError, match="cannot read"):
        load_judge(tmp_path / "missing.bin")


def test_a_broken_model_leaves_the_tasks_and_lists_candidates_unfiltered(tmp_path: Path) -> None:
    from service.extraction import shipped_judge_or_problem

    bad = tmp_path / "broken.bin"
    bad.write_bytes(b"\x00" * 64)
    judge, problem = shipped_judge_or_problem(bad)
    assert judge is None and problem is not None and "possible tasks are listed unfiltered" in problem
    assert shipped_judge_or_problem()[1] is None
