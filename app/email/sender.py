"""Building an email (text + HTML parts) and handing it to the configured
backend: `smtp` (MAIL_* settings) or `console` (the log, for development).

SMTP failures are classified here: connection refused, timeouts, dropped
connections and 4xx replies are transient; 5xx replies (recipient refused,
authentication refused) and a malformed address are permanent.
"""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.headerregistry import Address
from email.message import EmailMessage
from email.policy import SMTP as SMTP_POLICY
from email.utils import format_datetime, parseaddr

from email_validator import EmailNotValidError, validate_email

from app.email.failures import PermanentFailure, TransientFailure
from app.email.rendering import Rendered
from app.models import utcnow

log = logging.getLogger("gatehouse.email")


def message_id_for(outbox_id, sender: str) -> str:
    """The Message-ID of outbox message `outbox_id`: the same on every attempt,
    so that a message delivered twice is recognisably one message."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "gatehouse.invalid"
    return f"<{outbox_id}@{domain}>"


def _recipient(to) -> str:
    if not isinstance(to, str):
        raise PermanentFailure("malformed recipient address")
    try:
        return validate_email(to, check_deliverability=False).normalized
    except EmailNotValidError:
        raise PermanentFailure("malformed recipient address") from None


def build_message(*, to: str, rendered: Rendered, sender: str, message_id: str) -> EmailMessage:
    """A multipart/alternative message: the text part first, then the HTML part."""
    message = EmailMessage(policy=SMTP_POLICY)
    message["From"] = sender
    message["To"] = Address(addr_spec=_recipient(to))
    message["Subject"] = rendered.subject
    message["Date"] = format_datetime(utcnow())
    message["Message-ID"] = message_id
    # Ask auto-responders (out-of-office) not to answer (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    return message


def send(message: EmailMessage, config) -> None:
    """Hand `message` to the configured backend; raises a `DeliveryFailure` subclass."""
    if config["MAIL_BACKEND"] == "smtp":
        _send_smtp(message, config)
    else:
        _send_console(message, config)


def _send_console(message: EmailMessage, config) -> None:
    # Development backend: printing the message (and so its link) is its purpose.
    # In production the body is left out, so that tokens never reach the logs.
    text = message.get_body(("plain",)).get_content()
    body = "(body not logged in production)" if config["APP_ENV"] == "production" else text
    log.info(
        "email (console backend) to %s: %s\n%s",
        message["To"],
        message["Subject"],
        body,
        extra={"message_id": message["Message-ID"]},
    )


def _by_reply(code: int, reply, what: str):
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    reason = f"{what}: {code} {' '.join(text.split())}"
    return PermanentFailure(reason) if code >= 500 else TransientFailure(reason)


def _send_smtp(message: EmailMessage, config) -> None:
    host, port, timeout = config["MAIL_SERVER"], config["MAIL_PORT"], config["MAIL_TIMEOUT"]
    try:
        if config["MAIL_USE_SSL"]:
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        try:
            if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            smtp.send_message(message)
        finally:
            # The message is accepted once DATA got its 250: a failing QUIT must
            # not turn that into a failure (and a second copy on retry).
            try:
                smtp.quit()
            except (smtplib.SMTPException, OSError):
                smtp.close()
    except smtplib.SMTPRecipientsRefused as exc:
        code, reply = next(iter(exc.recipients.values()))
        raise _by_reply(code, reply, "recipient refused") from None
    except smtplib.SMTPSenderRefused as exc:
        raise _by_reply(exc.smtp_code, exc.smtp_error, "sender refused") from None
    except smtplib.SMTPAuthenticationError as exc:
        raise _by_reply(exc.smtp_code, exc.smtp_error, "authentication refused") from None
    except smtplib.SMTPResponseException as exc:
        raise _by_reply(exc.smtp_code, exc.smtp_error, "SMTP error") from None
    except smtplib.SMTPNotSupportedError as exc:
        raise PermanentFailure(f"SMTP server does not support a required extension: {exc}") from None
    except ssl.SSLCertVerificationError as exc:
        raise PermanentFailure(f"TLS certificate of the SMTP server not trusted: {exc.verify_message}") from None
    except (smtplib.SMTPException, OSError) as exc:
        # Refused or dropped connection, timeout, DNS failure: the server may be back later.
        raise TransientFailure(f"SMTP server {host}:{port} unavailable: {type(exc).__name__}: {exc}") from None
