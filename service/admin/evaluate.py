"""Score `docket extract --json` output against gold files (the corpus SCHEMA.md rules).

Matching: a predicted task matches a gold task when its text, after NFC and whitespace folding,
contains the gold quote; one-to-one, greedy in document order (each gold task, in order, takes the
first unused prediction that contains its quote). Recall = matched required gold / required gold.
Precision = matched predictions / predictions that match nothing optional either. Deadline, lead and
recurrence accuracy are measured on the matched required tasks. Doc fields: exact match after
whitespace folding.
"""
from __future__ import annotations

import json
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from extractors.base import ExtractionError
from rules.directory import EMPTY_DIRECTORY, DirectoryError, load_directory
from service.extraction import extract_path

DOC_FIELDS = ("number", "type", "issued_date", "subject", "signer")


def norm(text: str | None) -> str:
    return " ".join(unicodedata.normalize("NFC", text or "").split())


@dataclass
class Score:
    """Counts for one rendering or a total; ratios are computed from the counts."""

    name: str
    required: int = 0
    matched_required: int = 0
    predictions: int = 0
    matched_optional: int = 0
    deadline_ok: int = 0
    lead_ok: int = 0
    recurrence_ok: int = 0
    doc_ok: int = 0
    doc_total: int = 0
    caught: int = 0  # missed required tasks a candidate covers (the safety net)
    candidates: int = 0
    false_candidates: int = 0  # candidates that overlap no gold task, required or optional
    documents: int = 0
    misses: list[str] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)
    wrong: list[str] = field(default_factory=list)

    @property
    def recall(self) -> float:
        return self.matched_required / self.required if self.required else 1.0

    @property
    def precision(self) -> float:
        denom = self.predictions - self.matched_optional
        return self.matched_required / denom if denom > 0 else 1.0

    def _acc(self, n: int) -> float:
        return n / self.matched_required if self.matched_required else 1.0

    @property
    def deadline(self) -> float:
        return self._acc(self.deadline_ok)

    @property
    def lead(self) -> float:
        return self._acc(self.lead_ok)

    @property
    def recurrence(self) -> float:
        return self._acc(self.recurrence_ok)

    @property
    def catch_rate(self) -> float:
        """Share of the missed required tasks that the safety net lists as possible tasks."""
        missed = self.required - self.matched_required
        return self.caught / missed if missed else 1.0

    @property
    def false_per_doc(self) -> float:
        return self.false_candidates / self.documents if self.documents else 0.0

    @property
    def doc(self) -> float:
        return self.doc_ok / self.doc_total if self.doc_total else 1.0

    def add(self, other: Score) -> None:
        for name in (
            "required",
            "matched_required",
            "predictions",
            "matched_optional",
            "deadline_ok",
            "lead_ok",
            "recurrence_ok",
            "doc_ok",
            "doc_total",
            "caught",
            "candidates",
            "false_candidates",
            "documents",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "recall": round(self.recall, 4),
            "precision": round(self.precision, 4),
            "deadline": round(self.deadline, 4),
            "lead": round(self.lead, 4),
            "recurrence": round(self.recurrence, 4),
            "doc": round(self.doc, 4),
            "required": self.required,
            "matched": self.matched_required,
            "predictions": self.predictions,
            "net_catch": round(self.catch_rate, 4),
            "net_caught": self.caught,
            "net_missed": self.required - self.matched_required,
            "candidates": self.candidates,
            "false_candidates": self.false_candidates,
            "false_per_doc": round(self.false_per_doc, 3),
            "documents": self.documents,
            "misses": self.misses,
            "extras": self.extras,
            "wrong": self.wrong,
        }


def score(name: str, gold: dict[str, Any], output: dict[str, Any]) -> Score:
    """Score one extraction output (the --json object) against one gold annotation."""
    s = Score(name)
    preds = [norm(t.get("text")) for t in output.get("tasks", [])]
    used: set[int] = set()
    s.predictions = len(preds)
    for g in gold.get("tasks", []):
        quote = norm(g["quote"])
        hit = next((i for i, p in enumerate(preds) if i not in used and quote in p), None)
        required = bool(g.get("required", True))
        if required:
            s.required += 1
        if hit is None:
            if required:
                s.misses.append(g["quote"])
            continue
        used.add(hit)
        if not required:
            s.matched_optional += 1
            continue
        s.matched_required += 1
        task = output["tasks"][hit]
        ok_deadline = task.get("deadline") == g.get("deadline")
        ok_lead = set(task.get("lead") or []) == set(g.get("lead") or [])
        ok_rec = task.get("recurrence") == g.get("recurrence")
        s.deadline_ok += ok_deadline
        s.lead_ok += ok_lead
        s.recurrence_ok += ok_rec
        if not (ok_deadline and ok_lead and ok_rec):
            s.wrong.append(
                f"{g['quote']!r}: deadline {task.get('deadline')} vs {g.get('deadline')}, "
                f"lead {task.get('lead')} vs {g.get('lead')}, "
                f"recurrence {task.get('recurrence')} vs {g.get('recurrence')}"
            )
    s.extras = [preds[i][:100] for i in range(len(preds)) if i not in used]
    _score_net(s, gold, output)
    doc_out = output.get("document", {})
    for key in DOC_FIELDS:
        s.doc_total += 1
        want, got = gold.get("doc", {}).get(key), doc_out.get(key)
        if (want is None and got is None) or (
            want is not None and got is not None and norm(str(want)) == norm(str(got))
        ):
            s.doc_ok += 1
        else:
            s.wrong.append(f"doc.{key}: {got!r} vs {want!r}")
    return s


def overlaps(quote: str, candidate: str) -> bool:
    """The candidate's text covers the quote, or the two overlap by half the quote (a quote across a line
    break)."""
    if quote in candidate or (candidate and candidate in quote):
        return True
    need = max(12, len(quote) // 2)
    return any(
        candidate.endswith(quote[:k]) or candidate.startswith(quote[-k:])
        for k in range(len(quote) - 1, need - 1, -1)
    )


def _score_net(s: Score, gold: dict[str, Any], output: dict[str, Any]) -> None:
    """The safety net's two figures: missed required tasks it catches, and candidates that are no task at
    all."""
    cands = [norm(c.get("text")) for c in output.get("candidates", [])]
    missed = {norm(m) for m in s.misses}
    quotes = [norm(g["quote"]) for g in gold.get("tasks", [])]
    s.documents, s.candidates = 1, len(cands)
    s.caught = sum(1 for q in missed if any(overlaps(q, c) for c in cands))
    s.false_candidates = sum(1 for c in cands if not any(overlaps(q, c) for q in quotes))


RENDERINGS = (".txt", ".docx", ".pdf", ".eml", ".scan.pdf")


def documents(folder: Path) -> list[tuple[Path, Path, str]]:
    """(gold json, rendering file, rendering kind) for every rendering present next to a gold file."""
    out = []
    for gold_path in sorted(folder.glob("*.json")):
        stem = gold_path.name[: -len(".json")]
        for ext in RENDERINGS:
            path = folder / f"{stem}{ext}"
            if path.exists():
                out.append((gold_path, path, ext.lstrip(".")))
    return out


def load_gold(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def merge_outputs(outputs: list[dict[str, Any]]) -> dict[str, Any]:
    """One output for a file that carried several documents (e-mail): the tasks of all, the metadata of the
    first document that has a number or a type."""
    if not outputs:
        return {"document": {}, "tasks": [], "warnings": []}
    main = next((o for o in outputs if o["document"].get("number") or o["document"].get("type")), outputs[0])
    tasks = [t for o in outputs for t in o.get("tasks", [])]
    return {
        "document": main["document"],
        "tasks": tasks,
        "warnings": [w for o in outputs for w in o.get("warnings", [])],
        "candidates": [c for o in outputs for c in o.get("candidates", [])],
    }


def evaluate_folder(folder: Path, *, calendar: Any, judge: Any = "shipped") -> dict[str, Any]:
    """Extract and score every rendering of every gold document in `folder`; scans are totalled apart."""
    rows: list[dict[str, Any]] = []
    totals: dict[str, Score] = {}
    directories: dict[str, Any] = {}
    for gold_path, path, kind in documents(folder):
        gold = load_gold(gold_path)
        org = gold.get("org", "")
        if org not in directories:
            try:
                directories[org] = load_directory(folder / f"directory-{org}.yaml")
            except DirectoryError:
                directories[org] = EMPTY_DIRECTORY
        try:
            outputs = [
                f.to_json()
                for _, f in extract_path(path, directory=directories[org], calendar=calendar, judge=judge)
            ]
            error = None
        except ExtractionError as err:
            outputs, error = [], " ".join(str(err).split())
        s = score(path.name, gold, merge_outputs(outputs))
        row = s.as_dict()
        row["kind"], row["error"] = kind, error
        rows.append(row)
        group = "scan" if kind == "scan.pdf" else "text"
        totals.setdefault(
            group, Score(f"TOTAL ({'scanned PDFs, OCR' if group == 'scan' else 'text renderings'})")
        ).add(s)
        totals.setdefault(kind, Score(f"total {kind}")).add(s)
    # the overall text total last: the line to read
    order = ["txt", "docx", "pdf", "eml", "scan.pdf", "scan", "text"]
    return {"documents": rows, "totals": [totals[k].as_dict() for k in order if k in totals]}


def format_line(row: dict[str, Any]) -> str:
    line = (
        f"{row['name']:<28} recall {row['recall']:.3f}  precision {row['precision']:.3f}  "
        f"deadline {row['deadline']:.3f}  lead {row['lead']:.3f}  recurrence {row['recurrence']:.3f}  "
        f"doc {row['doc']:.3f}  ({row['matched']}/{row['required']} required, {row['predictions']} predicted)"
    )
    if row.get("error"):
        line += f"  ERROR: {row['error']}"
    return line


def format_net(row: dict[str, Any]) -> str:
    """The safety net's two figures for a total."""
    return (
        f"{row['name']:<28} safety net: catches {row['net_catch']:.3f} of missed required tasks "
        f"({row['net_caught']}/{row['net_missed']}), false candidates per document "
        f"{row['false_per_doc']:.2f} "
        f"({row['false_candidates']} of {row['candidates']} candidates, {row['documents']} documents)"
    )
