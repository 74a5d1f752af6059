"""The SMTP conversation itself: STARTTLS and implicit TLS with certificate
checks, credentials, and a server that never answers. Real aiosmtpd servers
(a throw-away certificate for 127.0.0.1 made with openssl)."""

import socket
import ssl
import subprocess
import threading

import pytest
from aiosmtpd.smtp import AuthResult

from app.models import OutboxMessage
from tests.helpers import free_port, unique_email
from tests.mailbox import SMTPServer
from tests.outbox_steps import outbox_row, queue_message, run_worker

# The test server accepts AUTH without TLS on purpose (the TLS tests are separate).
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS:UserWarning")


@pytest.fixture(scope="module")
def certificate(tmp_path_factory):
    """(cert path, key path) of a self-signed certificate for IP 127.0.0.1."""
    folder = tmp_path_factory.mktemp("tls")
    cert, key = folder / "cert.pem", folder / "key.pem"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "rsa:2048",
            "-nodes",
            "-days",
            "1",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def server_context(certificate):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(*certificate)
    return context


@pytest.fixture
def serve(app, monkeypatch):
    """`serve(**aiosmtpd options, **{MAIL_*: value})` starts a server and points the app at it."""
    servers = []

    def _serve(mail=None, **options):
        server = SMTPServer(**options).start()
        servers.append(server)
        for key, value in {**server.mail_config(), **(mail or {})}.items():
            monkeypatch.setitem(app.config, key, value)
        monkeypatch.setitem(app.config, "EMAIL_RETRY_BASE_SECONDS", 0.05)
        return server

    yield _serve
    for server in servers:
        server.stop()


def deliver(app):
    message_id = queue_message(app, unique_email())
    run_worker(app)
    return outbox_row(app, message_id)


def test_starttls_with_a_trusted_certificate_delivers(app, serve, certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))  # trust the test certificate
    server = serve(mail={"MAIL_USE_TLS": True}, tls_context=server_context(certificate), require_starttls=True)
    assert deliver(app).status == OutboxMessage.STATUS_SENT
    assert len(server.mailbox.messages) == 1


def test_implicit_tls_with_a_trusted_certificate_delivers(app, serve, certificate, monkeypatch):
    monkeypatch.setenv("SSL_CERT_FILE", str(certificate[0]))
    server = serve(mail={"MAIL_USE_SSL": True}, ssl_context=server_context(certificate))
    assert deliver(app).status == OutboxMessage.STATUS_SENT
    assert len(server.mailbox.messages) == 1


def test_untrusted_certificate_is_refused_and_dead_lettered(app, serve, certificate):
    server = serve(mail={"MAIL_USE_TLS": True}, tls_context=server_context(certificate), require_starttls=True)
    row = deliver(app)
    assert row.status == OutboxMessage.STATUS_DEAD
    assert row.last_error.startswith("TLS certificate of the SMTP server not trusted")
    assert server.mailbox.messages == []


def test_starttls_required_but_not_offered_is_dead_lettered(app, serve):
    serve(mail={"MAIL_USE_TLS": True})  # a plain server: no STARTTLS
    row = deliver(app)
    assert row.status == OutboxMessage.STATUS_DEAD
    assert "does not support a required extension" in row.last_error


def _authenticator(server, session, envelope, mechanism, auth_data):
    # handled=False: aiosmtpd answers the refusal itself (535).
    return AuthResult(success=(auth_data.login, auth_data.password) == (b"mailer", b"s3cret-pass"), handled=False)


def test_credentials_are_used_to_log_in(app, serve):
    server = serve(
        mail={"MAIL_USERNAME": "mailer", "MAIL_PASSWORD": "s3cret-pass"},
        authenticator=_authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    assert deliver(app).status == OutboxMessage.STATUS_SENT
    assert len(server.mailbox.messages) == 1


def test_refused_credentials_are_dead_lettered_without_the_password_in_the_reason(app, serve):
    serve(
        mail={"MAIL_USERNAME": "mailer", "MAIL_PASSWORD": "wrong-pass"},
        authenticator=_authenticator,
        auth_required=True,
        auth_require_tls=False,
    )
    row = deliver(app)
    assert row.status == OutboxMessage.STATUS_DEAD
    assert row.last_error.startswith("authentication refused: 535")
    assert "wrong-pass" not in row.last_error


def test_server_that_never_answers_times_out_and_is_retried(app, monkeypatch):
    listener = socket.create_server(("127.0.0.1", free_port()))
    accepted = []
    threading.Thread(target=lambda: accepted.append(listener.accept()), daemon=True).start()
    try:
        monkeypatch.setitem(app.config, "MAIL_BACKEND", "smtp")
        monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
        monkeypatch.setitem(app.config, "MAIL_PORT", listener.getsockname()[1])
        monkeypatch.setitem(app.config, "MAIL_TIMEOUT", 0.3)
        row = deliver(app)
        assert row.status == OutboxMessage.STATUS_PENDING and row.attempts == 1
        assert "unavailable" in row.last_error and "timed out" in row.last_error
    finally:
        listener.close()
        for conn, _ in accepted:
            conn.close()
