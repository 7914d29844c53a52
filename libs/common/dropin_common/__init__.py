"""Plumbing shared by every Dropin Auto service. Nothing service-specific lives here."""
