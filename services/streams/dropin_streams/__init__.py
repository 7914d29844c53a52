"""Streams, leads, VIN decoding, Pusher notifications and loan links."""
