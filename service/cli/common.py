"""Shared pieces of the admin CLI: option types, the error guard, the App (`app_for`) and editor, one
audited change.

Only typer and the standard library are imported at module level; everything else is imported when a
command runs.
"""
from __future__ import annotations

import functools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated, Any, Callable, Optional

import typer

Json = Annotated[bool, typer.Option("--json", help="Machine-readable output; listings are complete.")]
Now = Annotated[
    Optional[str],
    typer.Option("--now", hidden=True, help="Act as if it were this ISO datetime (tests, checks)."),
]
Actor = Annotated[
    Optional[str],
    typer.Option("--actor", help="Who makes the change, for the audit trail (default: the OS user)."),
]
Limit = Annotated[
    Optional[str],
    typer.Option(
        "--limit", metavar="N", help="Show at most this many (0 = all). Default: 50, or all with --json."
    ),
]
Force = Annotated[bool, typer.Option("--force", help="Accept a deadline before the notice's own date.")]
TaskId = Annotated[str, typer.Argument(help="Task ID: NV-123 or 123.")]
NoticeId = Annotated[str, typer.Argument(help="Notice ID: TB-45 or 45.")]
RowId = Annotated[str, typer.Argument(metavar="ID", help="The message's ID, as listed.")]
PAGE = 50


def fail(message: str, code: int = 1) -> None:
    """`docket: message` on stderr and exit status `code` (an option value no command can use)."""
    typer.echo(f"docket: {message}", err=True)
    raise typer.Exit(code)


def guarded(fn: Callable[..., Any]) -> Callable[..., Any]:
    """A DocketError (or a database that is not ready) becomes `docket: message` and exit status 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from sqlalchemy.exc import DataError, SQLAlchemyError

        from service.errors import DocketError

        try:
            return fn(*args, **kwargs)
        except DocketError as err:
            typer.echo(f"docket: {err}", err=True)
            raise typer.Exit(1) from None
        except (
            DataError
        ) as err:  # a value the database refuses (out of range, too long): not a schema problem
            detail = str(err.orig or err).strip().splitlines()[0] if str(err.orig or err).strip() else ""
            typer.echo(f"docket: the database refused a value ({type(err).__name__}: {detail})", err=True)
            raise typer.Exit(1) from None
        except SQLAlchemyError as err:
            typer.echo(
                f"docket: database error ({type(err).__name__}); is the schema current? try `docket db "
                "upgrade`",
                err=True,
            )
            raise typer.Exit(1) from None

    return wrapper


@contextmanager
def app_for(now: str | None = None) -> Iterator[Any]:
    """The App for one command (at --now when given), always released at the end (database pool, sandbox
    child), whether the command returns, exits or fails: `with app_for(now) as application: ...`."""
    from service.clock import FixedClock, parse_now
    from service.config import load_settings
    from service.errors import InputError
    from service.wiring import build_app

    settings = load_settings()
    try:
        clock = None if now is None else FixedClock(parse_now(now, settings.tz))
    except ValueError as err:
        raise InputError(f"--now '{now}' is not an ISO datetime") from err
    application = build_app(settings, clock)
    try:
        yield application
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
    from service.tasks.audit import Editor

    return Editor(actor=login_name(actor), now=application.clock.now())


def change(now: str | None, actor: str | None, as_json: bool, action: Callable[..., Any]) -> None:
    """Run one correction in one transaction; print what changed (and whether the units were told)."""
    from service.admin import output as out
    from service.tasks.audit import notifier_for

    with app_for(now) as application:
        notify = notifier_for(application)
        editor = editor_for(application, actor)
        with application.sessions.begin() as session:
            result = action(session, editor, notify)
    outcomes = result if isinstance(result, tuple) else (result,)
    if as_json:
        out.print_json([out.outcome_json(o, notify is not None) for o in outcomes])
        return
    from service.tasks.history_vi import notified_vi

    for outcome in outcomes:
        out.changes(outcome)
        if outcome.notice is not None:
            typer.echo(notified_vi(outcome.notice.kinds, notify is not None))


def page_limit(value: str | None, as_json: bool) -> int | None:
    """--limit as given (ASCII digits, 0 = all), else a page, or everything with --json."""
    from service.tasks.ids import parse_limit

    limit = parse_limit(value)
    if limit == 0 or (limit is None and as_json):
        return None
    return limit if limit is not None else PAGE


def shown(value: object) -> Any:
    """A stored value as a table cell: control characters (terminal escapes) replaced, no Rich markup read."""
    from rich.text import Text

    from extractors.safe_text import safe_line

    return Text(safe_line("" if value is None else str(value)))


def date_arg(value: str | None) -> Any:
    from service.tasks.dates import parse_date

    return parse_date(value) if value else None


def safe_json(value: Any, *, indent: int | None = None) -> str:
    """JSON for the terminal: Vietnamese as written, but DEL and C1 controls escaped (json leaves them
    raw)."""
    import json
    import re

    return re.sub(
        r"[\x7f-\x9f]",
        lambda m: f"\\u{ord(m.group()):04x}",
        json.dumps(value, ensure_ascii=False, indent=indent),
    )
