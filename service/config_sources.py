"""Where each setting comes from: unknown names refused with the closest valid one, provenance and masked
values.

Used by `load_settings` (refuse unknown DOCKET_* variables and docket.toml keys before anything starts) and
by `docket config` (each value in effect, its source, secrets masked). Messages are English, like every
diagnostic of the admin CLI; only the office's data (statuses, labels, history) is shown in Vietnamese.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import time
from pathlib import Path
from typing import Any

from service.errors import ConfigError

# DOCKET_* variables that are read by the deployment files (docker/), not settings of the service.
DEPLOYMENT_VARIABLES = frozenset(
    {"DOCKET_CONFIG", "DOCKET_WORKERS", "DOCKET_SKIP_MIGRATIONS", "DOCKET_IMAGE", "DOCKET_DIRECTORY_FILE"}
)
ENVIRONMENT, FILE, DEFAULT, GIVEN = "environment", "file", "default", "command line"


def env_names(fields: Mapping[str, Any]) -> dict[str, str]:
    """Setting name → its environment variable (DOCKET_FROM for from_address, else DOCKET_<NAME>)."""
    return {name: field.alias or f"DOCKET_{name.upper()}" for name, field in fields.items()}


def toml_path() -> Path:
    return Path(os.environ.get("DOCKET_CONFIG", "docket.toml"))


def read_toml(path: Path) -> dict[str, Any]:
    """The keys of docket.toml, or {} when there is none; a malformed file is a one-line ConfigError."""
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        return {}
    except (OSError, tomllib.TOMLDecodeError) as err:
        raise ConfigError(f"cannot read {path}: {err}") from err


def closest(typed: str, valid: list[str]) -> str | None:
    """The valid name nearest to a mistyped one: a name that starts with it ('from' → 'from_address'), else
    difflib."""
    folded = typed.lower()
    longer = [name for name in valid if name.lower().startswith(folded)]  # 'from' → 'from_address'
    if longer:
        return min(longer, key=len)
    shorter = [name for name in valid if folded.startswith(name.lower())]  # 'smtp_url' → 'smtp'
    if shorter:
        return max(shorter, key=len)
    close = difflib.get_close_matches(folded, [name.lower() for name in valid], n=1, cutoff=0.5)
    return next((name for name in valid if close and name.lower() == close[0]), None)


def refuse_unknown(
    fields: Mapping[str, Any], environ: Mapping[str, str], toml: Mapping[str, Any], path: Path
) -> None:
    """A DOCKET_* variable or docket.toml key that names no setting stops the start, naming the closest
    valid one."""
    names = env_names(fields)
    valid_env = sorted(set(names.values()) | DEPLOYMENT_VARIABLES)
    for variable in sorted(environ):
        if variable.upper().startswith("DOCKET_") and variable.upper() not in valid_env:
            raise ConfigError(_unknown(f"environment variable {variable}", variable.upper(), valid_env))
    valid_keys = sorted(fields)
    # DOCKET_FROM is read from the file too
    aliases = {field.alias for field in fields.values() if field.alias}
    for key in toml:
        if key not in fields and key not in aliases:
            raise ConfigError(_unknown(f"key '{key}' in {path}", key, valid_keys))


def _unknown(what: str, typed: str, valid: list[str]) -> str:
    guess = closest(typed, valid)
    hint = f" — did you mean '{guess}'?" if guess else ""
    return f"unknown setting: {what}{hint} (`docket config` lists them all)"


def source_of(
    name: str,
    env_name: str,
    environ: Mapping[str, str],
    toml: Mapping[str, Any],
    given: Mapping[str, Any] = {},
) -> str:
    """environment | file | default (| command line for a value passed in), in the order the settings read
    them."""
    if name in given:
        return GIVEN
    if any(variable.upper() == env_name for variable in environ):
        return ENVIRONMENT
    if name in toml or env_name in toml:
        return FILE
    return DEFAULT


def shown(value: Any) -> str:
    """How `docket config` prints a value: 07:30 for a time, (not set) for None, URLs without their
    password."""
    if value is None:
        return "(not set)"
    if isinstance(value, time):
        return value.strftime("%H:%M")
    return masked(str(value))


def mask_url(url: str) -> str:
    """The URL with its password hidden, for every message about it: imaps://docket:***@host/INBOX.

    Everything up to the last '@' is userinfo, so a password with an unencoded '/', '#' or '@' is
    hidden too; the user name is kept when it is plainly one.
    """
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    userinfo, at, host = rest.rpartition("@")
    if not at:
        return url
    user = userinfo.split(":", 1)[0]
    shown = f"{user}:***" if user and not any(c in user for c in "/?#") else "***"
    return f"{scheme}{sep}{shown}@{host}"


def masked(value: str) -> str:
    """A URL's password hidden (mask_url, the one masking rule); other values, e.g. an address, as they
    are."""
    return mask_url(value) if "://" in value else value


@dataclass(frozen=True, slots=True)
class SettingRow:
    name: str  # the docket.toml key
    env: str  # the environment variable
    value: str  # in effect, secrets masked
    source: str  # environment | file | default | command line
    default: str
    description: str


def effective_rows(
    settings: Any, environ: Mapping[str, str], toml: Mapping[str, Any], given: Mapping[str, Any] = {}
) -> list[SettingRow]:
    """Every setting with the value in effect and where it came from."""
    fields = type(settings).model_fields
    names = env_names(fields)
    return [
        SettingRow(
            name=name,
            env=names[name],
            value=shown(getattr(settings, name)),
            source=source_of(name, names[name], environ, toml, given),
            default=shown(field.default),
            description=field.description or "",
        )
        for name, field in fields.items()
    ]
