"""Real servers on loopback for the tests: Dovecot IMAP (fixture `dovecot`) and aiosmtpd (`smtp_server`).

Dovecot runs in the foreground from an instance generated under tempfile.mkdtemp() (mode 755: the
auth process runs as `dovecot`, mail as `nobody`). A static passdb lets any user name log in with one
shared password, so each test takes a fresh user and so a fresh mailbox. With CI=true a missing
binary fails the test; elsewhere it skips with the reason.
"""
from __future__ import annotations

import os
import pwd
import shutil
import signal
import socket
import ssl
import subprocess
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import need

PASSWORD = "docket-test-pw"

CONF = """instance_name = dovecot-test-{instance}
base_dir = {base}/run
state_dir = {base}/state
log_path = {base}/dovecot.log
info_log_path = {base}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = yes
ssl_cert = <{base}/cert.pem
ssl_key = <{base}/key.pem
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
passdb {{
  driver = static
  args = password={password}
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={base}/mail/%u
}}
mail_location = maildir:~/Maildir
namespace inbox {{
  inbox = yes
  separator = /
}}
mailbox_idle_check_interval = 1 secs
imap_idle_notify_interval = 2 mins
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    address = 127.0.0.1
    port = {sport}
    ssl = yes
  }}
}}
"""


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def make_cert(directory: Path) -> tuple[Path, Path]:
    """A self-signed certificate for localhost and 127.0.0.1 (SAN), valid two days."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=localhost",
         "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )
    os.chmod(key, 0o600)
    return cert, key


@dataclass
class Dovecot:
    """A running Dovecot instance and helpers to feed and disturb it."""

    base: Path
    port: int
    ssl_port: int
    host: str = "127.0.0.1"
    proc: subprocess.Popen | None = None
    uid: int = 65534
    gid: int = 65534
    instance: str = field(default_factory=lambda: uuid.uuid4().hex[:10])

    @property
    def cafile(self) -> Path:
        return self.base / "cert.pem"

    @property
    def password(self) -> str:
        return PASSWORD

    def user(self) -> tuple[str, str]:
        """A fresh user, hence a fresh empty mailbox."""
        return f"u{uuid.uuid4().hex[:12]}", PASSWORD

    def url(self, user: str, folder: str = "INBOX", *, scheme: str = "imaps") -> str:
        """A DOCKET_MAILBOX URL for this user: imaps (TLS), imap (STARTTLS) or imap-plain (?tls=off)."""
        if scheme == "imaps":
            return f"imaps://{user}:{PASSWORD}@localhost:{self.ssl_port}/{folder}"
        if scheme == "imap":
            return f"imap://{user}:{PASSWORD}@localhost:{self.port}/{folder}"
        return f"imap://{user}:{PASSWORD}@127.0.0.1:{self.port}/{folder}?tls=off"

    def client(self, user: str, folder: str | None = "INBOX"):  # type: ignore[no-untyped-def]
        from imapclient import IMAPClient

        c = IMAPClient(self.host, port=self.port, ssl=False, timeout=10)
        c.login(user, PASSWORD)
        if folder:
            if folder != "INBOX" and not c.folder_exists(folder):
                c.create_folder(folder)
            c.select_folder(folder)
        return c

    def append(self, user: str, raw: bytes, folder: str = "INBOX", flags: tuple[bytes, ...] = ()) -> int:
        """APPEND one message; returns its UID."""
        c = self.client(user, None)
        try:
            if folder != "INBOX" and not c.folder_exists(folder):
                c.create_folder(folder)
            resp = c.append(folder, raw, flags=flags)
            return int(resp.split(b"]")[0].split()[-1]) if b"APPENDUID" in resp else -1
        finally:
            c.logout()

    def append_many(
        self, user: str, raws: list[bytes], folder: str = "INBOX", flags: tuple[bytes, ...] = ()
    ) -> None:
        c = self.client(user, None)
        try:
            for raw in raws:
                c.append(folder, raw, flags=flags)
        finally:
            c.logout()

    def uids(self, user: str, folder: str = "INBOX", criteria: object = "ALL") -> list[int]:
        c = self.client(user, folder)
        try:
            return sorted(c.search(criteria))
        finally:
            c.logout()

    def flags(self, user: str, folder: str = "INBOX") -> dict[int, tuple[bytes, ...]]:
        c = self.client(user, folder)
        try:
            uids = c.search("ALL")
            return {uid: data[b"FLAGS"] for uid, data in c.fetch(uids, ["FLAGS"]).items()} if uids else {}
        finally:
            c.logout()

    def uidvalidity(self, user: str, folder: str = "INBOX") -> int:
        c = self.client(user, None)
        try:
            return int(c.folder_status(folder, ["UIDVALIDITY"])[b"UIDVALIDITY"])
        finally:
            c.logout()

    def maildir(self, user: str, folder: str = "INBOX") -> Path:
        root = self.base / "mail" / user / "Maildir"
        return root if folder == "INBOX" else root / f".{folder.replace('/', '.')}"

    def reset_uidvalidity(self, user: str, folder: str = "INBOX") -> None:
        """Forget UIDs: the server gives the folder a new UIDVALIDITY and renumbers its messages.

        Done with the server stopped (no process holds the index), by removing the folder's
        dovecot-uidlist and index files; the messages themselves stay.
        """
        self.stop()
        folder_dir = self.maildir(user, folder)
        for entry in folder_dir.iterdir():
            if entry.name.startswith("dovecot-uidlist") or entry.name.startswith("dovecot.index"):
                entry.unlink()
        time.sleep(1.1)  # UIDVALIDITY is a timestamp: make sure the new one differs
        self.start()

    def start(self) -> None:
        for _ in range(5):
            self.proc = subprocess.Popen(
                ["dovecot", "-F", "-c", str(self.base / "dovecot.conf")],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            deadline = time.monotonic() + 15
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    break
                try:
                    with socket.create_connection((self.host, self.port), timeout=1) as s:
                        if s.recv(100).startswith(b"* OK"):
                            return
                except OSError:
                    time.sleep(0.02)
            err = (
                self.proc.stderr.read().decode(errors="replace")
                if self.proc.poll() is not None and self.proc.stderr
                else ""
            )
            self.stop()
            if "Address already in use" in err:  # lost a race for the port: take others
                self.port, self.ssl_port = free_port(), free_port()
                self._write_conf()
                continue
            raise RuntimeError(f"dovecot did not start: {err or self.log()}")
        raise RuntimeError("dovecot: no free ports after 5 attempts")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None
        self._kill_sessions()
        pid = self.base / "run" / "master.pid"
        deadline = time.monotonic() + 5
        while pid.exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        if pid.exists():
            pid.unlink()

    def _kill_sessions(self) -> None:
        """Post-login imap processes outlive the master: end this instance's, so clients really lose the
        server."""
        prefix = f"dovecot-test-{self.instance}/".encode()
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if (entry / "cmdline").read_bytes().startswith(prefix):
                    os.kill(int(entry.name), signal.SIGKILL)
            except (OSError, ProcessLookupError):
                continue

    def restart(self, down_for: float = 0.0) -> None:
        """Stop the server (every client connection breaks), optionally stay down a while, start again."""
        self.stop()
        if down_for:
            time.sleep(down_for)
        self.start()

    def log(self) -> str:
        path = self.base / "dovecot.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def _write_conf(self) -> None:
        (self.base / "dovecot.conf").write_text(
            CONF.format(
                instance=self.instance,
                base=self.base,
                port=self.port,
                sport=self.ssl_port,
                password=PASSWORD,
                uid=self.uid,
                gid=self.gid,
            )
        )


def start_dovecot() -> Dovecot:
    need(
        shutil.which("dovecot") is not None,
        "dovecot not installed (apt-get install dovecot-imapd; scripts/test does it)",
    )
    need(shutil.which("openssl") is not None, "openssl not installed")
    base = Path(tempfile.mkdtemp(prefix="docket-dovecot-"))
    os.chmod(base, 0o755)  # not tmp_path: pytest's basetemp is 0700 and dovecot's auth user must traverse it
    nobody = pwd.getpwnam("nobody")
    server = Dovecot(base=base, port=free_port(), ssl_port=free_port(), uid=nobody.pw_uid, gid=nobody.pw_gid)
    for sub in ("run", "state", "mail"):
        (base / sub).mkdir()
    os.chown(base / "mail", nobody.pw_uid, nobody.pw_gid)
    make_cert(base)
    server._write_conf()
    server.start()
    return server


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    server = start_dovecot()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.base, ignore_errors=True)


@pytest.fixture
def imap_user(dovecot: Dovecot) -> str:
    return dovecot.user()[0]


# --------------------------------------------------------------------------- SMTP


@dataclass
class Captured:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes
    at: float

    def message(self):  # type: ignore[no-untyped-def]
        from email import message_from_bytes
        from email.policy import default

        return message_from_bytes(self.content, policy=default)


@dataclass
class SmtpSink:
    """An aiosmtpd server on 127.0.0.1 that keeps every message; `fail_with(451)` makes it refuse."""

    host: str
    port: int
    messages: list[Captured] = field(default_factory=list)
    failure: tuple[int, str] | None = None
    user: str = ""
    password: str = ""
    cafile: Path | None = None
    tls: bool = False
    arrived: threading.Condition = field(default_factory=threading.Condition)
    controller: object = None

    @property
    def url(self) -> str:
        auth = f"{self.user}:{self.password}@" if self.user else ""
        return (
            f"smtp://{auth}localhost:{self.port}"
            if self.tls
            else f"smtp://{auth}127.0.0.1:{self.port}?tls=off"
        )

    def fail_with(self, code: int | None, text: str = "") -> None:
        """Answer DATA with this code (4xx temporary, 5xx permanent); None to accept again."""
        self.failure = (
            None if code is None else (code, text or ("Try again later" if code < 500 else "Rejected"))
        )

    def wait_for(self, count: int, timeout: float = 10.0) -> list[Captured]:
        with self.arrived:
            self.arrived.wait_for(lambda: len(self.messages) >= count, timeout)
        return list(self.messages)

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.failure is not None:
            return f"{self.failure[0]} {self.failure[1]}"
        with self.arrived:
            self.messages.append(
                Captured(envelope.mail_from, list(envelope.rcpt_tos), envelope.content, time.monotonic())
            )
            self.arrived.notify_all()
        return "250 Message accepted for delivery"


def start_smtp(*, tls_dir: Path | None = None, user: str = "", password: str = "") -> SmtpSink:
    """Plain SMTP on loopback, or STARTTLS required + AUTH when tls_dir is given."""
    try:
        from aiosmtpd.controller import Controller
        from aiosmtpd.smtp import AuthResult
    except ImportError:
        need(False, "aiosmtpd not installed (pip install -e '.[test]')")
        raise
    sink = SmtpSink(host="127.0.0.1", port=free_port(), user=user, password=password)
    kwargs: dict[str, object] = {}
    if tls_dir is not None:
        cert, key = make_cert(tls_dir)
        sctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        sctx.load_cert_chain(cert, key)
        sink.cafile, sink.tls = cert, True

        def authenticator(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
            ok = (
                getattr(auth_data, "login", b"") == user.encode()
                and getattr(auth_data, "password", b"") == password.encode()
            )
            return AuthResult(success=ok, handled=False, auth_data=auth_data)

        kwargs.update(
            tls_context=sctx, require_starttls=True, authenticator=authenticator, auth_require_tls=True
        )
    controller = Controller(sink, hostname="127.0.0.1", port=sink.port, **kwargs)
    controller.start()
    sink.controller = controller
    return sink


@pytest.fixture
def smtp_server() -> Iterator[SmtpSink]:
    """Plain SMTP sink on loopback (DOCKET_SMTP = smtp_server.url)."""
    sink = start_smtp()
    yield sink
    sink.controller.stop()  # type: ignore[attr-defined]


@pytest.fixture
def smtp_tls_server() -> Iterator[SmtpSink]:
    """SMTP sink that requires STARTTLS and AUTH (user 'docket', password 'smtp-pw'); CA in .cafile."""
    tls_dir = Path(tempfile.mkdtemp(prefix="docket-smtp-"))
    sink = start_smtp(tls_dir=tls_dir, user="docket", password="smtp-pw")
    yield sink
    sink.controller.stop()  # type: ignore[attr-defined]
    shutil.rmtree(tls_dir, ignore_errors=True)
