"""The one extraction path: file bytes -> extractors -> rules -> Findings, used by `docket extract`, `docket
eval` and the daemon alike.

An e-mail gives one result per notice it carries (attachments or the forwarded body); the forwarder's own note
is never analysed. The notice's own date line decides the issue date: when its day is blank the issue date
stays null and relative deadlines ("07 ngày làm việc kể từ ngày ký") stay null too, because the e-mail's Date
is when the notice was forwarded, not when it was signed.
"""

from __future__ import annotations

import dataclasses
import os
from dataclasses import replace
from pathlib import Path
from typing import Any, Literal

from extractors.base import ExtractedMessage, ExtractedText, ExtractionError, Limits
from extractors.email_message import read_message
from extractors.registry import extract_file, kind_of
from extractors.reply_body import read_reply
from rules.analyse import analyse
from rules.calendar import WorkCalendar
from rules.candidate_model import MODEL_PATH, ModelError, shipped_judge
from rules.candidates import find_candidates
from rules.directory import EMPTY_DIRECTORY, Directory
from rules.findings import AnalysisContext, Findings

Result = tuple[ExtractedText, Findings]
# a rules.candidates.Judge, None (keep every piece), or the shipped model
JudgeChoice = Any | None | Literal["shipped"]


def analyse_document(
    doc: ExtractedText, *, directory: Directory, calendar: WorkCalendar, judge: JudgeChoice = "shipped"
) -> Findings:
    """Rules over one extracted document, with its part and segments as evidence; then the safety net's
    candidates."""
    ctx = AnalysisContext(
        directory=directory, calendar=calendar, part=doc.part, extra={"segments": doc.segments}
    )
    findings = analyse(doc.text, ctx)
    chosen, problem = shipped_judge_or_problem() if judge == "shipped" else (judge, None)
    warnings = (*doc.warnings, *findings.warnings, *([problem] if problem else []))
    candidates = find_candidates(
        doc.text,
        findings,
        directory=directory,
        calendar=calendar,
        part=doc.part,
        segments=doc.segments,
        judge=chosen,
    )
    return dataclasses.replace(findings, warnings=tuple(warnings), candidates=candidates)


def shipped_judge_or_problem(path: Path | None = None) -> tuple[Any, str | None]:
    """The shipped classifier, or None and why: a broken model must not stop the tasks, only the net's
    filter."""
    try:
        return shipped_judge(path or MODEL_PATH), None
    except (ModelError, ImportError) as err:
        return None, f"possible tasks are listed unfiltered: {err}"


def read_documents(data: bytes, filename: str, *, limits: Limits) -> list[ExtractedText]:
    """The documents of one file: an e-mail's notices, or the file's own text. Raises ExtractionError."""
    if kind_of(data, filename) == "eml":
        message = read_message(data, limits=limits)
        if not message.documents:
            reason = (
                "; ".join(message.warnings) or "no notice found in the message (no .docx/.pdf or notice text)"
            )
            raise ExtractionError(reason)
        extra = tuple(w for w in message.warnings if not any(w in d.warnings for d in message.documents))
        docs = list(message.documents)
        if extra:
            first = docs[0]
            docs[0] = ExtractedText(
                first.text, first.part, first.kind, first.segments, first.warnings + extra
            )
        return docs
    return [extract_file(data, filename, limits=limits)]


def extract_bytes(
    data: bytes,
    filename: str,
    *,
    directory: Directory = EMPTY_DIRECTORY,
    calendar: WorkCalendar | None = None,
    limits: Limits = Limits(),
    judge: JudgeChoice = "shipped",
) -> list[Result]:
    calendar = calendar or WorkCalendar()
    return [
        (doc, analyse_document(doc, directory=directory, calendar=calendar, judge=judge))
        for doc in read_documents(data, os.path.basename(filename), limits=limits)
    ]


def extract_path(
    path: Path,
    *,
    directory: Directory = EMPTY_DIRECTORY,
    calendar: WorkCalendar | None = None,
    limits: Limits = Limits(),
    judge: JudgeChoice = "shipped",
) -> list[Result]:
    try:
        data = Path(path).read_bytes()
    except OSError as err:
        raise ExtractionError(f"cannot read {path}: {err.strerror or err}") from err
    return extract_bytes(data, str(path), directory=directory, calendar=calendar, limits=limits, judge=judge)


def read_and_analyse(
    raw: bytes, *, limits: Limits, directory: Directory, calendar: WorkCalendar
) -> tuple[ExtractedMessage, list[Findings]]:
    """The daemon's untrusted work on one e-mail, in one call so it can run in the sandbox: parse, then rules.

    The reply's own words (quotes and signature cut by structure) are read here too, so service.tasks.replies
    never parses untrusted HTML or MIME outside the sandbox."""
    message = replace(read_message(raw, limits=limits), reply_text=read_reply(raw))
    return message, [
        analyse_document(doc, directory=directory, calendar=calendar) for doc in message.documents
    ]
