"""Streams' domain: plain data and rules, no framework imports."""
