"""Accounts: password sign-in for the pages, bearer tokens for the API."""
