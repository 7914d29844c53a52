"""Reporting read models: calls, leads, organizations, dealers."""
