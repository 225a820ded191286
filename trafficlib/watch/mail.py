"""Sending the digest with the standard library's ``smtplib``.

Nothing reaches the network unless addresses are given (``--mail-to``). The server is
``--smtp HOST:PORT`` or ``$TRAFFICLIB_SMTP`` (default ``localhost:25``). Login and
encryption come from the environment, never from the command line:

- ``TRAFFICLIB_SMTP_USER`` / ``TRAFFICLIB_SMTP_PASSWORD`` — log in when both are set;
- ``TRAFFICLIB_SMTP_STARTTLS`` — ``1`` to require STARTTLS (default: used when the
  server offers it, required whenever a password is sent); ``0`` never;
- ``TRAFFICLIB_SMTP_SSL`` — ``1`` for implicit TLS (port 465);
- ``TRAFFICLIB_MAIL_FROM`` — the sender (default ``trafficlib@<host name>``).
"""
from __future__ import annotations

import os
import smtplib
import socket
import ssl
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

__all__ = ["send", "build_message", "parse_server", "MailError", "ENV"]

ENV = ("TRAFFICLIB_SMTP", "TRAFFICLIB_SMTP_USER", "TRAFFICLIB_SMTP_PASSWORD", "TRAFFICLIB_SMTP_STARTTLS",
       "TRAFFICLIB_SMTP_SSL", "TRAFFICLIB_MAIL_FROM")


class MailError(RuntimeError):
    """The digest could not be sent (the reason in one sentence)."""


def parse_server(value: str | None) -> tuple[str, int]:
    """``"host:port"`` -> (host, port); a bare host gets port 25; raises ValueError."""
    value = (value or os.environ.get("TRAFFICLIB_SMTP") or "localhost:25").strip()
    host, sep, port = value.rpartition(":")
    if not sep:
        return value, 25
    if not port.isdigit() or not host:
        raise ValueError(f"--smtp {value!r}: expected HOST:PORT")
    return host.strip("[]"), int(port)


def build_message(subject: str, html_body: str, text_body: str, to: list[str], sender: str | None = None) -> EmailMessage:
    """A multipart/alternative message (plain text, then HTML), UTF-8."""
    msg = EmailMessage()
    msg["Subject"] = subject
    msg["From"] = sender or os.environ.get("TRAFFICLIB_MAIL_FROM") or f"trafficlib@{socket.getfqdn() or 'localhost'}"
    msg["To"] = ", ".join(to)
    msg["Date"] = formatdate(localtime=False)
    msg["Message-ID"] = make_msgid(domain="trafficlib.watch")
    msg.set_content(text_body)
    msg.add_alternative(html_body, subtype="html")
    return msg


def _flag(name: str) -> bool | None:
    v = os.environ.get(name)
    if v is None or not v.strip():
        return None
    return v.strip().lower() in ("1", "true", "yes", "oui", "on")


def send(msg: EmailMessage, server: str | None = None, timeout: float = 30.0) -> None:
    """Send ``msg`` through the SMTP server; raises MailError with the reason."""
    host, port = parse_server(server)
    user, password = os.environ.get("TRAFFICLIB_SMTP_USER"), os.environ.get("TRAFFICLIB_SMTP_PASSWORD")
    starttls, implicit = _flag("TRAFFICLIB_SMTP_STARTTLS"), _flag("TRAFFICLIB_SMTP_SSL")
    context = ssl.create_default_context()
    try:
        if implicit:
            smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=context)
        else:
            smtp = smtplib.SMTP(host, port, timeout=timeout)
        with smtp:
            smtp.ehlo()
            if not implicit and starttls is not False:
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=context)
                    smtp.ehlo()
                elif starttls or (user and password):
                    raise MailError(f"{host}:{port} does not offer STARTTLS; refusing to send "
                                    + ("the password" if user and password else "without it") + " in clear")
            if user and password:
                smtp.login(user, password)
            refused = smtp.send_message(msg)
            if refused:
                raise MailError(f"refused recipients: {', '.join(refused)}")
    except MailError:
        raise
    except (smtplib.SMTPException, OSError, ssl.SSLError) as exc:
        raise MailError(f"could not send the digest through {host}:{port} ({type(exc).__name__}: {exc})") from None
