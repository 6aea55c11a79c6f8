"""Shared pieces of the admin CLI: option types, the error guard, the App and editor, one audited change.

Only typer is imported at module level; everything else is imported when a command runs.
"""
from __future__ import annotations

import functools
from typing import Annotated, Any, Callable, Optional

import typer

Json = Annotated[bool, typer.Option("--json", help="Machine-readable output; listings are complete.")]
Now = Annotated[Optional[str], typer.Option("--now", hidden=True, help="Act as if it were this ISO datetime (tests, checks).")]
Actor = Annotated[Optional[str], typer.Option("--actor", help="Who makes the change, for the audit trail (default: the OS user).")]
Limit = Annotated[Optional[int], typer.Option("--limit", help="Show at most this many (0 = all). Default: 50, or all with --json.")]
Force = Annotated[bool, typer.Option("--force", help="Accept a deadline before the notice's own date.")]
TaskId = Annotated[str, typer.Argument(help="Task ID: NV-123 or 123.")]
NoticeId = Annotated[str, typer.Argument(help="Notice ID: TB-45 or 45.")]
PAGE = 50

def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A DocketError (or a database that is not ready) becomes `docket: message` and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sqlalchemy.exc import SQLAlchemyError

        from service.errors import DocketError

        try:
            return fn(*args, **kwargs)
        except DocketError as err:
            typer.echo(f"docket: {err}", err=True)
            raise typer.Exit(1) from None
        except SQLAlchemyError as err:
            typer.echo(f"docket: database error ({type(err).__name__}); is the schema current? try `docket db upgrade`", err=True)
            raise typer.Exit(1) from None

    return wrapper


def open_app(now: str | None) -> Any:
    from service.clock import FixedClock, parse_now
    from service.config import load_settings
    from service.errors import InputError
    from service.wiring import build_app

    settings = load_settings()
    if now is None:
        return build_app(settings)
    try:
        return build_app(settings, FixedClock(parse_now(now, settings.tz)))
    except ValueError as err:
        raise InputError(f"--now '{now}' is not an ISO datetime") from err


def with_app(fn: Callable[[Any], Any], now: str | None = None) -> Any:
    """Build the App, run fn with it, always release it (database pool, sandbox child)."""
    application = open_app(now)
    try:
        return fn(application)
    finally:
        application.dispose()


def login_name(actor: str | None) -> str:
    """--actor when given, otherwise the OS user (or 'admin' where a container has no login name)."""
    import getpass

    if actor:
        return actor
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name in some containers
        return "admin"


def editor_for(application: Any, actor: str | None) -> Any:
    from service.audit import Editor

    return Editor(actor=login_name(actor), now=application.clock.now())


def change(now: str | None, actor: str | None, as_json: bool, action: Callable[..., Any]) -> None:
    """Run one correction in one transaction; print what changed (and whether the units were told)."""
    from service import admin_output as out
    from service.audit import notifier_for

    application = open_app(now)
    notify = notifier_for(application)
    editor = editor_for(application, actor)
    with application.sessions.begin() as session:
        result = action(session, editor, notify)
    outcomes = result if isinstance(result, tuple) else (result,)
    if as_json:
        out.print_json([out.outcome_json(o, notify is not None) for o in outcomes])
        return
    from service.history_vi import notified_vi

    for outcome in outcomes:
        out.changes(outcome)
        if outcome.notice is not None:
            typer.echo(notified_vi(outcome.notice.kinds, notify is not None))


def page_limit(limit: int | None, as_json: bool) -> int | None:
    if limit == 0 or (limit is None and as_json):
        return None
    return limit if limit is not None else PAGE


def date_arg(value: str | None) -> Any:
    from service.dates import parse_date

    return parse_date(value) if value else None
