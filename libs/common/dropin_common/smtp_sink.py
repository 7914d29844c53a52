"""The outbox sink of destination "email" (streams' loan links, integrations' CRM mail and alerts):
one SMTP delivery per row, with smtplib.

An unreachable server raises SinkUnavailable, so the relay keeps the row and retries it
later: a mail is delayed by an outage, never lost. A 4xx reply is retried too; a 5xx reply (the
server refuses this mail or recipient for good) raises Undeliverable, and the row is set aside.
The Message-ID is the outbound message's id, so a re-send after a crash can be recognised by the
receiving side.
"""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from typing import Any

from .outbox import SinkUnavailable, Undeliverable


class SmtpSink:
    def __init__(self, host: str, port: int, timeout: float = 10.0):
        self._host = host
        self._port = port
        self._timeout = timeout

    def send(self, topic: str, payload: dict[str, Any]) -> None:
        try:
            message = EmailMessage()
            message["From"] = payload["from"]
            message["To"] = payload["to"]
            message["Subject"] = payload["subject"]
            message["Message-ID"] = f"<{payload['messageId']}@dropin>"
            body = payload["body"]
            # Plain ASCII goes as it is (7bit), not quoted-printable: CRMs that read an ADF/XML
            # body verbatim would otherwise see `version=3D"1.0"`.
            plain = body.isascii() and all(len(line) <= 998 for line in body.splitlines())
            if plain:
                message.set_content(body, cte="7bit")
            else:
                message.set_content(body)
        except ValueError as exc:  # e.g. a line break in an address: no server would take it
            raise Undeliverable(f"not a valid mail: {exc}") from exc
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                smtp.send_message(message)
        except (TimeoutError, ConnectionError, smtplib.SMTPServerDisconnected, smtplib.SMTPConnectError) as exc:
            raise SinkUnavailable(f"SMTP server {self._host}:{self._port} unreachable: {exc!r}") from exc
        except smtplib.SMTPRecipientsRefused as exc:
            if all(code >= 500 for code, _reply in exc.recipients.values()):
                raise Undeliverable(f"SMTP server refused {payload['to']}: {exc.recipients}") from exc
            raise
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code >= 500:
                raise Undeliverable(f"SMTP server refused the mail: {exc.smtp_code} {exc.smtp_error!r}") from exc
            raise

    def idle(self, seconds: float) -> None:
        pass
