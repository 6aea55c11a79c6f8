"""`docket config` shows the settings in effect and where they came from; bad settings stop every command
in one line."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from service.cli import app

SECRET_URL = "postgresql+psycopg://docket:s3cret@db.example.vn:5432/docket"


def _docket(tmp_path: Path, *args: str, toml: str | None = None, **env: str) -> Result:
    """Run `docket` in an empty folder with a docket.toml of our own (or none) and only the DOCKET_*
    variables given."""
    config = tmp_path / "docket.toml"
    if toml is not None:
        config.write_text(toml, encoding="utf-8")
    full = {"DOCKET_CONFIG": str(config), "DOCKET_DATABASE_URL": f"sqlite:///{tmp_path / 'docket.db'}", **env}
    return CliRunner().invoke(app, list(args), env=full, catch_exceptions=False)


def _one_line_error(result: Result) -> str:
    assert result.exit_code == 1, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("docket: "), result.stderr
    assert "Traceback" not in result.output
    return lines[0]


def test_config_shows_each_value_in_effect_with_its_source_and_masks_passwords(tmp_path: Path) -> None:
    toml = 'timezone = "Asia/Bangkok"\noffice_hours_start = "08:00"\nfrom_address = "docket@so.example.vn"\n'
    result = _docket(
        tmp_path,
        "config",
        toml=toml,
        DOCKET_MAILBOX="imaps://docket%40so.example.vn:pw9@mail.example.vn/INBOX",
    )
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert (
        "DOCKET_MAILBOX = imaps://docket%40so.example.vn:***@mail.example.vn/INBOX\n    from environment;"
        in out
    )
    assert "DOCKET_TIMEZONE = Asia/Bangkok\n    from file; default Asia/Ho_Chi_Minh" in out
    assert "DOCKET_FROM = docket@so.example.vn\n    from file" in out
    assert "DOCKET_OFFICE_HOURS_START = 08:00\n    from file; default 07:30" in out
    assert "DOCKET_OFFICE_HOURS_END = 17:00\n    from default;" in out
    assert "pw9" not in out and "datetime.time" not in out

    rows = {
        row["env"]: row
        for row in json.loads(_docket(tmp_path, "config", "--json", DOCKET_DATABASE_URL=SECRET_URL).stdout)
    }
    assert rows["DOCKET_DATABASE_URL"] == {
        **rows["DOCKET_DATABASE_URL"],
        "source": "environment",
        "name": "database_url",
        "value": "postgresql+psycopg://docket:***@db.example.vn:5432/docket",
    }
    assert (rows["DOCKET_TIMEZONE"]["source"], rows["DOCKET_SMTP"]["source"]) == ("file", "default")


def test_an_unknown_key_in_docket_toml_is_refused_with_the_closest_name(tmp_path: Path) -> None:
    for command in (("config",), ("tasks", "list"), ("run", "--once")):
        line = _one_line_error(_docket(tmp_path, *command, toml='from = "docket@so.example.vn"\n'))
        assert line == (
            f"docket: unknown setting: key 'from' in {tmp_path / 'docket.toml'} — did you mean "
            "'from_address'? "
            "(`docket config` lists them all)"
        )
    line = _one_line_error(_docket(tmp_path, "config", toml='timezon = "Asia/Bangkok"\n'))
    assert "key 'timezon'" in line and "did you mean 'timezone'?" in line


def test_an_unknown_docket_variable_is_refused_with_the_closest_name(tmp_path: Path) -> None:
    line = _one_line_error(_docket(tmp_path, "config", DOCKET_TIMEZON="Asia/Bangkok"))
    assert "environment variable DOCKET_TIMEZON — did you mean 'DOCKET_TIMEZONE'?" in line
    # read by docker/compose.yaml, not a setting
    assert _docket(tmp_path, "config", DOCKET_WORKERS="3").exit_code == 0


def test_a_malformed_docket_toml_is_one_line(tmp_path: Path) -> None:
    line = _one_line_error(_docket(tmp_path, "config", toml="timezone = Asia/Bangkok\n"))
    assert line.startswith(f"docket: cannot read {tmp_path / 'docket.toml'}: ")


@pytest.mark.parametrize(
    ("variable", "value", "why"),
    [
        ("DOCKET_TIMEZONE", "Mars/Olympus", "unknown time zone (use an IANA name such as Asia/Ho_Chi_Minh)"),
        ("DOCKET_LOG_FORMAT", "xml", "use text or json"),
        ("DOCKET_PROCESSED_ACTION", "delete", "use keyword or move"),
        (
            "DOCKET_POLL_INTERVAL",
            "soon",
            "Input should be a valid number, unable to parse string as a number",
        ),
        ("DOCKET_POLL_INTERVAL", "0", "must be more than 0"),
        ("DOCKET_REVIEW_THRESHOLD", "1.5", "must be between 0 and 1"),
        ("DOCKET_MAX_NOTICES_PER_MAIL", "0", "must be more than 0"),
        ("DOCKET_MAX_MAILS_PER_RECIPIENT_PER_PASS", "-1", "must be more than 0"),
        ("DOCKET_OFFICE_HOURS_END", "25", "use HH:MM, e.g. 17:00"),
    ],
)
def test_a_bad_value_stops_every_command_in_one_line(
    tmp_path: Path, variable: str, value: str, why: str
) -> None:
    for command in (("config",), ("run", "--once"), ("tasks", "list")):
        assert (
            _one_line_error(_docket(tmp_path, *command, **{variable: value}))
            == f"docket: invalid setting {variable}='{value}': {why}"
        )
    assert not (tmp_path / "docket.db").exists()  # refused before anything was opened


def test_a_bad_value_in_the_file_names_the_setting(tmp_path: Path) -> None:
    line = _one_line_error(_docket(tmp_path, "config", toml='timezone = "Mars/Olympus"\n'))
    assert (
        line == "docket: invalid setting DOCKET_TIMEZONE='Mars/Olympus': unknown time zone (use an IANA name "
        "such as Asia/Ho_Chi_Minh)"
    )


def test_db_upgrade_loads_the_units_directory(tmp_path: Path, office: Path) -> None:
    env = {"DOCKET_DIRECTORY": str(office / "directory.yaml")}
    upgraded = _docket(tmp_path, "db", "upgrade", **env)
    assert upgraded.exit_code == 0, upgraded.output
    units = json.loads(_docket(tmp_path, "units", "list", "--json", **env).stdout)
    assert "Phòng Kế hoạch - Tài chính" in {unit["name"] for unit in units}


def test_the_readme_documents_every_setting_with_its_toml_key() -> None:
    from service.config import Settings
    from service.config_sources import env_names

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    missing = [
        f"| `{env}` | `{name}` |"
        for name, env in env_names(Settings.model_fields).items()
        if f"| `{env}` | `{name}` |" not in readme
    ]
    assert not missing, f"README's settings table lacks {missing}: `docket config --markdown` prints the rows"


def test_office_hours_accept_short_forms_and_must_make_a_day(tmp_path: Path) -> None:
    rows = {
        row["env"]: row
        for row in json.loads(
            _docket(
                tmp_path, "config", "--json", DOCKET_OFFICE_HOURS_START="7:00", DOCKET_OFFICE_HOURS_END="16"
            ).stdout
        )
    }
    assert (rows["DOCKET_OFFICE_HOURS_START"]["value"], rows["DOCKET_OFFICE_HOURS_END"]["value"]) == (
        "07:00",
        "16:00",
    )
    line = _one_line_error(_docket(tmp_path, "config", toml='office_hours_start = "18:00"\n'))
    assert (
        line == "docket: invalid settings: office_hours_start 18:00 must come before office_hours_end 17:00"
    )
