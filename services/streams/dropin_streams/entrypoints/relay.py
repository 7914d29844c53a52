"""`python -m dropin_streams.entrypoints.relay broker|pusher|beams|email`: one outbox destination each."""
from __future__ import annotations

import logging
import sys

from dropin_common.broker import ConfirmingPublisher
from dropin_common.outbox import BrokerSink, OutboxRelay, Sink, run_relay
from dropin_common.pusher_sink import PusherSink, pusher_client
from dropin_common.smtp_sink import SmtpSink

from ..adapters.beams import BeamsSink, NoPushSink, beams_client
from ..bootstrap import StreamsSettings, bootstrap

log = logging.getLogger("dropin.streams.relay")


def sink_for(destination: str, settings: StreamsSettings) -> Sink:
    if destination == "broker":
        return BrokerSink(ConfirmingPublisher(settings.common.amqp_url, settings.common.event_exchange))
    if destination == "pusher":
        return PusherSink(pusher_client(settings.pusher))
    if destination == "beams":
        client = beams_client(settings.beams)
        if client is None:
            log.warning("push notifications are off (no BEAMS_INSTANCE_ID / BEAMS_SECRET_KEY): "
                        "push rows are marked handled without being sent")
            return NoPushSink()
        return BeamsSink(client)
    if destination == "email":
        return SmtpSink(settings.smtp_host, settings.smtp_port)
    raise SystemExit(f"unknown outbox destination {destination!r}: use broker, pusher, beams or email")


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) != 1:
        raise SystemExit("usage: python -m dropin_streams.entrypoints.relay broker|pusher|beams|email")
    destination = args[0]
    container = bootstrap(pool_size=2)
    run_relay(OutboxRelay(container.engine, container.tables["outbox"], destination,
                          sink_for(destination, container.settings),
                          retention=container.settings.common.outbox_retention(destination)))


if __name__ == "__main__":
    main()
