"""Chat messages per stream, with real-time delivery."""
