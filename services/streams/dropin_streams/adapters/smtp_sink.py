"""The outbox sink of destination "email": one SMTP delivery per row, with smtplib.

An unreachable server raises SinkUnavailable, so the relay keeps the row and retries it
later: a mail is delayed by an outage, never lost. The Message-ID is the outbound message's id,
so a re-send after a crash can be recognised by the receiving side.
"""
from __future__ import annotations

import smtplib
import socket
from email.message import EmailMessage
from typing import Any

from dropin_common.outbox import SinkUnavailable


class SmtpSink:
    def __init__(self, host: str, port: int, timeout: float = 10.0):
        self._host = host
        self._port = port
        self._timeout = timeout

    def send(self, topic: str, payload: dict[str, Any], row_id: int) -> None:
        message = EmailMessage()
        message["From"] = payload["from"]
        message["To"] = payload["to"]
        message["Subject"] = payload["subject"]
        message["Message-ID"] = f"<{payload['messageId']}@dropin>"
        message.set_content(payload["body"])
        try:
            with smtplib.SMTP(self._host, self._port, timeout=self._timeout) as smtp:
                smtp.send_message(message)
        except (ConnectionError, socket.timeout, smtplib.SMTPServerDisconnected,
                smtplib.SMTPConnectError) as exc:
            raise SinkUnavailable(f"SMTP server {self._host}:{self._port} unreachable: {exc!r}") from exc

    def idle(self, seconds: float) -> None:
        pass
