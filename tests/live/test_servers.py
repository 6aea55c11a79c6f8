"""The test servers themselves: Dovecot over IMAPS/STARTTLS with a fresh mailbox per user, aiosmtpd sinks."""
from __future__ import annotations

import smtplib
import ssl
from email.message import EmailMessage

import pytest

pytestmark = pytest.mark.live


def test_dovecot_fresh_user_append_and_tls(dovecot):
    from imapclient import IMAPClient

    user, password = dovecot.user()
    uid = dovecot.append(user, b"From: a@b.example\r\nSubject: hi\r\n\r\nbody\r\n")
    assert uid == 1 and dovecot.uids(user) == [1]
    other, _ = dovecot.user()
    assert dovecot.uids(other) == []
    ctx = ssl.create_default_context(cafile=str(dovecot.cafile))
    c = IMAPClient("localhost", port=dovecot.ssl_port, ssl=True, ssl_context=ctx, timeout=5)
    c.login(user, password)
    assert c.select_folder("INBOX")[b"EXISTS"] == 1
    c.logout()
    c = IMAPClient("127.0.0.1", port=dovecot.port, ssl=False, timeout=5)
    c.starttls(ctx)
    c.login(user, password)
    c.logout()


def test_dovecot_uidvalidity_reset_keeps_messages(dovecot):
    user, _ = dovecot.user()
    dovecot.append(user, b"Subject: one\r\n\r\n1\r\n")
    before = dovecot.uidvalidity(user)
    dovecot.reset_uidvalidity(user)
    assert dovecot.uidvalidity(user) != before
    assert len(dovecot.uids(user)) == 1


def test_smtp_sink_plain_and_failure(smtp_server):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@x.example", "b@y.example", "t"
    msg.set_content("x")
    with smtplib.SMTP(smtp_server.host, smtp_server.port) as s:
        s.send_message(msg)
    assert len(smtp_server.wait_for(1)) == 1
    smtp_server.fail_with(451)
    with smtplib.SMTP(smtp_server.host, smtp_server.port) as s, pytest.raises(smtplib.SMTPDataError) as info:
        s.send_message(msg)
    assert info.value.smtp_code == 451


def test_smtp_sink_starttls_auth(smtp_tls_server):
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = "a@x.example", "b@y.example", "t"
    msg.set_content("x")
    ctx = ssl.create_default_context(cafile=str(smtp_tls_server.cafile))
    with smtplib.SMTP("localhost", smtp_tls_server.port) as s:
        s.starttls(context=ctx)
        with pytest.raises(smtplib.SMTPAuthenticationError):
            s.login("docket", "wrong")
        s.login("docket", "smtp-pw")
        s.send_message(msg)
    assert len(smtp_tls_server.wait_for(1)) == 1
