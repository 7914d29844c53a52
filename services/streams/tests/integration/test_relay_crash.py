"""A relay process killed in the middle of its work re-sends at most the one message in flight:
the real e-mail relay process, a real SMTP server, `kill -9`."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import uuid
from collections import Counter
from email import message_from_bytes
from pathlib import Path

from aiosmtpd.controller import Controller

from dropin_common.testing import wait_until

from .conftest import outbox_rows

SERVICE_DIR = Path(__file__).resolve().parents[2]


class StallingMailbox:
    """Records every mail's Message-ID; holds the answer to mail number `stall_at` until released."""

    def __init__(self, stall_at: int):
        self.message_ids: list[str] = []
        self.stall_at = stall_at
        self.stalled = threading.Event()
        self.release = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.message_ids.append(message_from_bytes(envelope.content)["Message-ID"])
        if len(self.message_ids) == self.stall_at:
            self.stalled.set()
            while not self.release.is_set():
                import asyncio
                await asyncio.sleep(0.05)
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_email_relay(database_url: str, smtp_port: int, public_key_file) -> subprocess.Popen:
    env = {**os.environ, "DATABASE_URL": database_url, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(smtp_port),
           "JWT_PUBLIC_KEY_FILE": str(public_key_file)}
    return subprocess.Popen([sys.executable, "-m", "dropin_streams.entrypoints.relay", "email"], cwd=SERVICE_DIR,
                            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def test_killing_the_email_relay_mid_batch_sends_at_most_one_mail_twice(container, database_url, tokens, tmp_path):
    public_key_file = tmp_path / "jwt.pub.pem"
    public_key_file.write_text(tokens.public_pem)
    mails = 20
    with container.uow() as uow:
        for n in range(mails):
            uow.outbox.add("email", "loan_link", {"messageId": str(uuid.uuid4()), "from": "no-reply@dropin.local",
                                                  "to": f"shopper{n}@example.com", "subject": "Your loan",
                                                  "body": "Apply here."})
        uow.commit()
    mailbox = StallingMailbox(stall_at=6)
    port = free_port()
    smtp = Controller(mailbox, hostname="127.0.0.1", port=port)
    smtp.start()
    relay = start_email_relay(database_url, port, public_key_file)
    try:
        assert mailbox.stalled.wait(60), "the relay never got to the sixth mail"
        relay.send_signal(signal.SIGKILL)  # mid-batch: five mails accepted, the sixth in flight
        relay.wait(10)
        mailbox.release.set()
        relay = start_email_relay(database_url, port, public_key_file)
        wait_until(lambda: all(row.sent_at is not None for row in outbox_rows(container, "email")), timeout=60,
                   message="every mail sent after the restart")
    finally:
        relay.kill()
        relay.wait(10)
        smtp.stop()
    repeats = {mid: n for mid, n in Counter(mailbox.message_ids).items() if n > 1}
    assert len(set(mailbox.message_ids)) == mails
    assert sum(n - 1 for n in repeats.values()) <= 1, f"re-sent after the kill: {repeats}"
