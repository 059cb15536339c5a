"""Accounts, organisations, their members and invitations."""
