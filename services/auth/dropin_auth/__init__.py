"""Accounts, organizations, login and token revocation."""
