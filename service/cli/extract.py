"""`docket extract PATH...` and `docket eval DIR`: thin commands over service.extraction and
service.admin.evaluate."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from service.cli.common import guarded

EXIT_UNREADABLE = 2


def _calendar(settings: Any) -> Any:
    """The working-day calendar, with DOCKET_CALENDAR_OVERRIDES when it is set (as the daemon has it).

    Extraction and evaluation read notices as the daemon would, so they load its settings (unset: the
    defaults); a malformed setting is a ConfigError, one line and exit 1 as for every command (guarded),
    never silently ignored."""
    from rules.calendar import WorkCalendar, load_overrides

    return WorkCalendar(load_overrides(settings.calendar_overrides))


def _directory(path: Path | None, settings: Any) -> Any:
    """--directory, else DOCKET_DIRECTORY, else no units; an unreadable file is one line, exit 1."""
    from rules.directory import EMPTY_DIRECTORY, DirectoryError, load_directory
    from service.errors import InputError

    path = path if path is not None else settings.directory
    if path is None:
        return EMPTY_DIRECTORY
    try:
        return load_directory(Path(path))
    except DirectoryError as err:
        raise InputError(str(err)) from err


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__


def extract_command(
    paths: Annotated[
        list[Path], typer.Argument(help="Notices to read: .txt, .docx, .pdf, .eml, .html, .doc.")
    ],
    directory: Annotated[
        Optional[Path], typer.Option("--directory", help="Units directory YAML (org chart).")
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="One JSON object per path (JSON Lines for several paths).")
    ] = False,
) -> None:
    """Find every directive in the notices: lead and support units, deadline, recurrence."""
    from extractors.base import ExtractionError, Limits
    from service.config import load_settings
    from service.extraction import extract_path

    settings = load_settings()
    units, calendar, failed = _directory(directory, settings), _calendar(settings), 0
    for path in paths:
        try:
            results = extract_path(path, directory=units, calendar=calendar, limits=Limits())
        except ExtractionError as err:
            typer.echo(f"docket: {path}: {_one_line(err)}", err=True)
            failed += 1
            continue
        if as_json:
            sys.stdout.write(json.dumps(path_json(path, results), ensure_ascii=False) + "\n")
            continue
        for doc, findings in results:
            _print_table(path, doc.part, findings)
    if failed:
        raise typer.Exit(EXIT_UNREADABLE)


def path_json(path: Path, results: list[Any]) -> dict[str, Any]:
    """ONE object per path, as other tools expect: an e-mail carrying two notices gives the first notice's
    document fields, every task of both (each task's source.part says which), and each notice under
    "documents"."""
    per_doc = []
    for doc, findings in results:
        obj = findings.to_json()
        obj["part"] = doc.part
        per_doc.append(obj)
    first = per_doc[0]
    return {
        "path": str(path),
        "document": first["document"],
        "tasks": [task for obj in per_doc for task in obj["tasks"]],
        "warnings": [w for obj in per_doc for w in obj["warnings"]],
        "candidates": [c for obj in per_doc for c in obj["candidates"]],
        "documents": per_doc if len(per_doc) > 1 else [],
    }


def _print_table(path: Path, part: str, findings: Any) -> None:
    from rich.console import Console
    from rich.table import Table

    doc = findings.document
    console = Console()
    console.print(f"[bold]{path}[/bold] ({part})")
    console.print(
        f"  Số: {doc.number or '—'}   Loại: {doc.type or '—'}   Ngày: {doc.issued_date or '—'}   "
        f"Ký: {doc.signer or '—'}   Khẩn: {doc.urgency or '—'}"
    )
    if doc.subject:
        console.print(f"  Trích yếu: {doc.subject}")
    table = Table(show_lines=True)
    for col in ("#", "Nhiệm vụ", "Chủ trì", "Phối hợp", "Hạn", "Định kỳ", "Tin cậy"):
        table.add_column(col)
    for i, t in enumerate(findings.tasks, 1):
        lead = ", ".join(t.lead) or ("?" + ", ".join(t.unknown_units) if t.unknown_units else "?")
        flag = " ⚠" if t.needs_review else ""
        table.add_row(
            str(i),
            t.text,
            lead,
            ", ".join(t.support),
            str(t.deadline or t.deadline_text or ""),
            t.recurrence or "",
            f"{t.confidence:.2f}{flag}",
        )
    console.print(table if findings.tasks else "  (no directive found)")
    for i, c in enumerate(findings.candidates, 1):
        console.print(f"  possible task {i}: {c.text}", markup=False, highlight=False)
    for w in findings.warnings:
        console.print(f"  [yellow]warning:[/yellow] {w}")


def eval_command(
    folder: Annotated[
        Path, typer.Argument(help="Folder of gold NAME.json files, renderings and directory-ORG.yaml.")
    ],
    as_json: Annotated[bool, typer.Option("--json", help="Machine-readable scores.")] = False,
    candidate_model: Annotated[
        Optional[str],
        typer.Option(
            "--candidate-model",
            help="The safety net's classifier: a model file, or 'none' to keep every candidate. "
            "Default: the shipped model.",
        ),
    ] = None,
) -> None:
    """Score extraction against gold annotations: one line per rendering, then totals and the safety net's
    figures."""
    from service.admin.evaluate import evaluate_folder, format_line, format_net
    from service.config import load_settings

    report = evaluate_folder(folder, calendar=_calendar(load_settings()), judge=_judge(candidate_model))
    if as_json:
        sys.stdout.write(json.dumps(report, ensure_ascii=False) + "\n")
        return
    for row in report["documents"]:
        typer.echo(format_line(row))
    for row in report["totals"]:
        typer.echo(format_line(row))
    for row in report["totals"]:
        typer.echo(format_net(row))


def _judge(choice: str | None) -> Any:
    if choice is None:
        return "shipped"
    if choice.lower() == "none":
        return None
    from rules.candidate_model import ModelError, load_judge
    from service.errors import InputError

    try:
        return load_judge(Path(choice))
    except ModelError as err:
        raise InputError(str(err)) from err


def add_commands(app: typer.Typer) -> None:
    app.command("extract")(guarded(extract_command))
    app.command("eval")(guarded(eval_command))
